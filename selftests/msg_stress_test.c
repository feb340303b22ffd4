// SPDX-License-Identifier: GPL-2.0
/*
 * Message queues under concurrency, as native Linux behaves.  This file
 * proves that:
 *  - many senders and receivers (processes or threads) on one small,
 *    often full queue deliver every message exactly once, intact (length
 *    and checksum), with each sender's messages seen in order by any one
 *    receiver, for msgtyp 0, msgtyp > 0 (one type per sender) and
 *    msgtyp < 0, and also while a storm of SIGUSR1 interrupts the calls
 *    (an interrupted call neither sent nor consumed anything);
 *  - blocked receivers are served in arrival order (FIFO), skipping
 *    waiters whose msgtyp does not match the message;
 *  - a message handed to a blocked receiver whose buffer is too small
 *    fails that receiver with E2BIG and goes to the next matching one (or
 *    is queued), while MSG_NOERROR truncates; the receiver becomes lrpid;
 *  - blocked senders complete as room is made (only those that fit), all
 *    of them when msg_qbytes is raised, and RMID fails every blocked
 *    sender and receiver with EIDRM (more waiters than one wake batch);
 *  - a handler that runs makes a blocked msgrcv/msgsnd fail with EINTR
 *    each time even with SA_RESTART, while SIGSTOP/SIGCONT and ignored
 *    signals restart it silently, without loss or duplication.
 * Every wake-up is triggered only after wait_blocked() saw the process
 * asleep in svipc; the only clocks are stall guards that turn a hang (a
 * lost wake-up) into a failure instead of a harness timeout.
 */
#include <limits.h>
#include <stdarg.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "common.h"

#define MAX_PAYLOAD	200
#define HDR_SIZE	16		/* sender, seq, len, csum */
#define MAX_SENDERS	8
#define MAX_RECEIVERS	8
#define MAX_PER_SENDER	1024
#define MAX_KIDS	64
#define SENTINEL	0xffffffffu
#define STALL_MS	10000		/* no progress this long = hung */

/* A stress message: its text is the header plus 0..MAX_PAYLOAD bytes. */
struct smsg {
	long mtype;
	uint32_t sender;
	uint32_t seq;
	uint32_t len;
	uint32_t csum;
	unsigned char payload[MAX_PAYLOAD];
};

enum rcv_mode { RCV_ANY, RCV_TYPED, RCV_LOWEST };

/* One single-call child: what to do and what happened. */
struct slot {
	int id;
	long type;		/* msgtyp to receive, or mtype to send */
	size_t size;		/* bufsz to receive, or text size to send */
	int flags;
	int retry_eintr;	/* loop on EINTR, counting */
	/* results */
	long ret;
	int err;
	long mtype;
	int eintr;
	char text[256];
};

/* Shared between the test and its children (MAP_SHARED) or threads. */
struct board {
	int id;
	int nsenders, nreceivers, per_sender;
	enum rcv_mode mode;
	int retry_eintr;
	unsigned int progress;		/* successful sends + receives */
	unsigned int done_senders, done_receivers;
	unsigned int eintr;
	unsigned int full, empty;	/* calls that had to block */
	unsigned int bad;
	char why[200];
	unsigned int got[MAX_SENDERS][MAX_PER_SENDER];
	unsigned int per_receiver[MAX_RECEIVERS];
	struct slot slots[MAX_KIDS];
};

FIXTURE(stress) {
	struct board *b;
	int ids[4];
	int nids;
	pid_t kids[MAX_KIDS];
	int nkids;
};

FIXTURE_SETUP(stress)
{
	self->b = mmap(NULL, sizeof(*self->b), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->b);
	self->b->id = -1;
}

/*
 * Remove the queues first (that wakes every sleeper with EIDRM), then
 * kill and reap any child still around.  The mapping stays: threads may
 * still be using it, and the test process exits next anyway.
 */
FIXTURE_TEARDOWN(stress)
{
	int i, st;

	for (i = 0; i < self->nids; i++)
		svipc_msgctl(self->ids[i], IPC_RMID, NULL);
	for (i = 0; i < self->nkids; i++) {
		if (waitpid(self->kids[i], &st, WNOHANG) == 0) {
			kill(self->kids[i], SIGKILL);
			waitpid(self->kids[i], &st, 0);
		}
	}
}

static int new_queue(FIXTURE_DATA(stress) *self)
{
	int id = svipc_msgget(IPC_PRIVATE, 0600);

	if (id >= 0 && self->nids < 4)
		self->ids[self->nids++] = id;
	return id;
}

/* Remove a queue the fixture tracks; 0 or -1 + errno. */
static int rm_queue(FIXTURE_DATA(stress) *self, int id)
{
	int i;

	for (i = 0; i < self->nids; i++)
		if (self->ids[i] == id)
			self->ids[i] = self->ids[--self->nids];
	return svipc_msgctl(id, IPC_RMID, NULL);
}

static long qnum(int id)
{
	struct msqid_ds ds;

	if (svipc_msgctl(id, IPC_STAT, &ds))
		return -1;
	return ds.msg_qnum;
}

static pid_t spawn(FIXTURE_DATA(stress) *self,
		   int (*fn)(struct board *, int), int idx)
{
	pid_t pid;

	if (self->nkids >= MAX_KIDS)
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(fn(self->b, idx));
	}
	if (pid > 0)
		self->kids[self->nkids++] = pid;
	return pid;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reap @pid (or any child when @pid is -1) and return its wait_status()
 * style status, storing the pid in *@who.  Gives -2 when nothing exited
 * for STALL_MS: a hang guard, not a timing assertion.
 */
static int wait_exit(pid_t pid, pid_t *who)
{
	long start = now_ms();
	pid_t r;
	int st;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r < 0)
			return -1;
		if (r > 0)
			break;
		if (now_ms() - start > STALL_MS)
			return -2;
		usleep(2000);
	}
	if (who)
		*who = r;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* ---- message contents --------------------------------------------------- */

static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t msg_csum(const struct smsg *m)
{
	uint32_t h = 2166136261u;

	h = fnv1a(h, &m->sender, sizeof(m->sender));
	h = fnv1a(h, &m->seq, sizeof(m->seq));
	h = fnv1a(h, &m->len, sizeof(m->len));
	return fnv1a(h, m->payload, m->len < MAX_PAYLOAD ? m->len : MAX_PAYLOAD);
}

static unsigned char payload_byte(uint32_t sender, uint32_t seq, uint32_t i)
{
	return (unsigned char)(sender * 7u + seq * 13u + i * 31u + 1u);
}

/* Fill @m; returns the text size to send. */
static size_t fill_msg(struct smsg *m, long mtype, uint32_t sender,
		       uint32_t seq)
{
	uint32_t i;

	m->mtype = mtype;
	m->sender = sender;
	m->seq = seq;
	m->len = sender == SENTINEL ? 0 :
		 (sender * 131u + seq * 37u) % (MAX_PAYLOAD + 1);
	for (i = 0; i < m->len; i++)
		m->payload[i] = payload_byte(sender, seq, i);
	m->csum = msg_csum(m);
	return HDR_SIZE + m->len;
}

/* Why a received message of @n bytes is not intact, or NULL. */
static const char *msg_damage(const struct smsg *m, ssize_t n)
{
	uint32_t i;

	if (n < HDR_SIZE)
		return "shorter than the header";
	if (m->len > MAX_PAYLOAD)
		return "length field out of range";
	if ((size_t)n != HDR_SIZE + m->len)
		return "size differs from the length field";
	if (m->csum != msg_csum(m))
		return "bad checksum";
	for (i = 0; i < m->len; i++)
		if (m->payload[i] != payload_byte(m->sender, m->seq, i))
			return "bad payload";
	return NULL;
}

static void add(unsigned int *p, unsigned int v)
{
	__atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static unsigned int load(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static int report(struct board *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record a failure; the first one's text is kept.  Returns 1. */
static int report(struct board *b, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&b->bad, 1, __ATOMIC_SEQ_CST) == 0) {
		va_start(ap, fmt);
		vsnprintf(b->why, sizeof(b->why), fmt, ap);
		va_end(ap);
	}
	return 1;
}

/* ---- stress workers ----------------------------------------------------- */

/* Sender @idx sends per_sender messages of type idx + 1. */
static int stress_sender(struct board *b, int idx)
{
	struct smsg m;
	int seq;

	for (seq = 0; seq < b->per_sender; seq++) {
		size_t sz = fill_msg(&m, idx + 1, idx, seq);
		int flg = IPC_NOWAIT;

		/* A first IPC_NOWAIT try only counts how often we block. */
		while (svipc_msgsnd(b->id, &m, sz, flg)) {
			if (errno == EAGAIN && flg) {
				add(&b->full, 1);
				flg = 0;
				continue;
			}
			if (errno == EINTR && b->retry_eintr) {
				add(&b->eintr, 1);
				continue;
			}
			return report(b, "sender %d seq %d: msgsnd: %s", idx,
				      seq, strerror(errno));
		}
		add(&b->progress, 1);
	}
	add(&b->done_senders, 1);
	return 0;
}

/*
 * Receiver @idx receives until it gets a sentinel, checking each message
 * and that every sender's sequence numbers only grow.
 */
static int stress_receiver(struct board *b, int idx)
{
	int last[MAX_SENDERS];
	long msgtyp;
	struct smsg m;
	const char *bad;
	ssize_t n;
	int i;

	for (i = 0; i < MAX_SENDERS; i++)
		last[i] = -1;
	switch (b->mode) {
	case RCV_TYPED:
		msgtyp = idx + 1;
		break;
	case RCV_LOWEST:
		msgtyp = -(long)(b->nsenders + 1);
		break;
	default:
		msgtyp = 0;
		break;
	}
	for (;;) {
		int flg = IPC_NOWAIT;

		memset(&m, 0, sizeof(m));
again:
		n = svipc_msgrcv(b->id, &m, sizeof(m) - sizeof(long), msgtyp, flg);
		if (n < 0 && errno == ENOMSG && flg) {
			add(&b->empty, 1);
			flg = 0;
			goto again;
		}
		if (n < 0) {
			if (errno == EINTR && b->retry_eintr) {
				add(&b->eintr, 1);
				goto again;
			}
			return report(b, "receiver %d: msgrcv: %s", idx,
				      strerror(errno));
		}
		bad = msg_damage(&m, n);
		if (bad)
			return report(b, "receiver %d: message of %zd bytes: %s",
				      idx, n, bad);
		if (m.sender == SENTINEL)
			break;
		if (m.sender >= (uint32_t)b->nsenders ||
		    m.seq >= (uint32_t)b->per_sender)
			return report(b, "receiver %d: bad sender %u seq %u",
				      idx, m.sender, m.seq);
		if (m.mtype != (long)m.sender + 1)
			return report(b, "receiver %d: sender %u's message has type %ld",
				      idx, m.sender, m.mtype);
		if (b->mode == RCV_TYPED && m.mtype != msgtyp)
			return report(b, "receiver %d for type %ld got type %ld",
				      idx, msgtyp, m.mtype);
		if ((int)m.seq <= last[m.sender])
			report(b, "receiver %d: sender %u's seq %u after %d",
			       idx, m.sender, m.seq, last[m.sender]);
		last[m.sender] = m.seq;
		add(&b->got[m.sender][m.seq], 1);
		add(&b->per_receiver[idx], 1);
		add(&b->progress, 1);
	}
	add(&b->done_receivers, 1);
	return 0;
}

struct thread_arg {
	struct board *b;
	int idx;
	int (*fn)(struct board *, int);
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	return (void *)(long)a->fn(a->b, a->idx);
}

struct stress_cfg {
	int nsenders, nreceivers, per_sender;
	unsigned long qbytes;
	enum rcv_mode mode;
	bool threads;
	bool signal_storm;	/* SIGUSR1 the workers while they run */
};

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * Wait until *@ctr reaches @target; 0, or -1 when no message moved for
 * STALL_MS.  With @storm, SIGUSR1 every child meanwhile.
 */
static int wait_count(FIXTURE_DATA(stress) *self, unsigned int *ctr,
		      unsigned int target, bool storm)
{
	struct board *b = self->b;
	unsigned int seen = load(&b->progress);
	long last = now_ms();
	int i;

	while (load(ctr) < target) {
		if (storm) {
			for (i = 0; i < self->nkids; i++)
				kill(self->kids[i], SIGUSR1);
			usleep(500);
		} else {
			usleep(5000);
		}
		if (load(&b->progress) != seen) {
			seen = load(&b->progress);
			last = now_ms();
		} else if (now_ms() - last > STALL_MS) {
			return -1;
		}
	}
	return 0;
}

/* Send one sentinel without ever blocking for good: 0, or -1 + errno. */
static int send_sentinel(struct board *b, long mtype)
{
	long start = now_ms();
	struct smsg m;
	size_t sz = fill_msg(&m, mtype, SENTINEL, 0);

	while (svipc_msgsnd(b->id, &m, sz, IPC_NOWAIT)) {
		if (errno != EAGAIN)
			return -1;
		if (now_ms() - start > STALL_MS) {
			errno = ETIMEDOUT;
			return -1;
		}
		usleep(1000);
	}
	return 0;
}

static void run_stress(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stress) *self, const struct stress_cfg *c)
{
	struct thread_arg targs[MAX_SENDERS + MAX_RECEIVERS];
	pthread_t th[MAX_SENDERS + MAX_RECEIVERS];
	struct board *b = self->b;
	unsigned int missing = 0, dup = 0, total = 0;
	int i, s, nth = 0;
	long t0 = now_ms();

	ASSERT_LE(c->nsenders, MAX_SENDERS);
	ASSERT_LE(c->nreceivers, MAX_RECEIVERS);
	ASSERT_LE(c->per_sender, MAX_PER_SENDER);
	if (c->mode == RCV_TYPED)
		ASSERT_EQ(c->nsenders, c->nreceivers);
	b->id = new_queue(self);
	ASSERT_LE(0, b->id);
	ASSERT_EQ(0, set_qbytes(b->id, c->qbytes));
	b->nsenders = c->nsenders;
	b->nreceivers = c->nreceivers;
	b->per_sender = c->per_sender;
	b->mode = c->mode;
	b->retry_eintr = c->signal_storm;
	if (c->signal_storm) {
		struct sigaction sa = { .sa_handler = on_usr1,
					.sa_flags = SA_RESTART };

		/* Inherited by the workers before the first signal. */
		ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	}

	for (i = 0; i < c->nreceivers + c->nsenders; i++) {
		bool rcv = i < c->nreceivers;
		int idx = rcv ? i : i - c->nreceivers;
		int (*fn)(struct board *, int) =
			rcv ? stress_receiver : stress_sender;

		if (c->threads) {
			targs[nth] = (struct thread_arg){ b, idx, fn };
			ASSERT_EQ(0, pthread_create(&th[nth], NULL, thread_main,
						    &targs[nth]));
			nth++;
		} else {
			ASSERT_LT(0, spawn(self, fn, idx));
		}
	}

	ASSERT_EQ(0, wait_count(self, &b->done_senders, c->nsenders,
				c->signal_storm))
		TH_LOG("stalled: %u of %d senders done, %u moves, qnum %ld, %s",
		       load(&b->done_senders), c->nsenders, load(&b->progress),
		       qnum(b->id), b->bad ? b->why : "no worker error");
	/* Every real message is queued or delivered: now the sentinels. */
	if (c->mode == RCV_TYPED) {
		for (i = 0; i < c->nreceivers; i++)
			ASSERT_EQ(0, send_sentinel(b, i + 1));
	} else {
		for (i = 0; i < c->nreceivers; i++)
			ASSERT_EQ(0, send_sentinel(b, c->nsenders + 1));
	}
	ASSERT_EQ(0, wait_count(self, &b->done_receivers, c->nreceivers,
				c->signal_storm))
		TH_LOG("stalled: %u of %d receivers done, qnum %ld, %s",
		       load(&b->done_receivers), c->nreceivers, qnum(b->id),
		       b->bad ? b->why : "no worker error");

	if (c->threads) {
		for (i = 0; i < nth; i++) {
			void *ret;

			ASSERT_EQ(0, pthread_join(th[i], &ret));
			EXPECT_EQ(0, (long)ret);
		}
	} else {
		for (i = 0; i < self->nkids; i++)
			ASSERT_EQ(0, wait_exit(self->kids[i], NULL))
				TH_LOG("%s", b->bad ? b->why : "stuck");
	}

	EXPECT_EQ(0u, b->bad) TH_LOG("%s", b->why);
	for (s = 0; s < c->nsenders; s++) {
		for (i = 0; i < c->per_sender; i++) {
			if (b->got[s][i] == 0) {
				if (!missing++)
					TH_LOG("lost: sender %d seq %d", s, i);
			} else if (b->got[s][i] > 1) {
				if (!dup++)
					TH_LOG("duplicated: sender %d seq %d", s, i);
			}
		}
	}
	EXPECT_EQ(0u, missing);
	EXPECT_EQ(0u, dup);
	for (i = 0; i < c->nreceivers; i++)
		total += b->per_receiver[i];
	EXPECT_EQ((unsigned int)(c->nsenders * c->per_sender), total);
	if (c->mode == RCV_TYPED)
		for (i = 0; i < c->nreceivers; i++)
			EXPECT_EQ((unsigned int)c->per_sender,
				  b->per_receiver[i]);
	EXPECT_EQ(0, qnum(b->id));
	EXPECT_EQ(0, rm_queue(self, b->id));
	TH_LOG("%d messages in %ld ms%s; blocked: %u sends, %u receives; %u EINTR",
	       c->nsenders * c->per_sender, now_ms() - t0,
	       c->threads ? " (threads)" : "", load(&b->full),
	       load(&b->empty), load(&b->eintr));
}

/* ---- 1. many senders and receivers --------------------------------------- */

TEST_F(stress, sender_and_receiver_processes_deliver_every_message_exactly_once)
{
	struct stress_cfg c = { .nsenders = 4, .nreceivers = 4,
				.per_sender = 800, .qbytes = 512,
				.mode = RCV_ANY };

	run_stress(_metadata, self, &c);
}

TEST_F(stress, sender_and_receiver_threads_deliver_every_message_exactly_once)
{
	struct stress_cfg c = { .nsenders = 4, .nreceivers = 4,
				.per_sender = 800, .qbytes = 512,
				.mode = RCV_ANY, .threads = true };

	run_stress(_metadata, self, &c);
}

TEST_F(stress, typed_receivers_get_only_their_senders_messages_in_order)
{
	struct stress_cfg c = { .nsenders = 4, .nreceivers = 4,
				.per_sender = 800, .qbytes = 512,
				.mode = RCV_TYPED };

	run_stress(_metadata, self, &c);
}

TEST_F(stress, typed_receiver_threads_get_only_their_senders_messages_in_order)
{
	struct stress_cfg c = { .nsenders = 4, .nreceivers = 4,
				.per_sender = 800, .qbytes = 512,
				.mode = RCV_TYPED, .threads = true };

	run_stress(_metadata, self, &c);
}

TEST_F(stress, lowest_type_receivers_deliver_every_message_exactly_once)
{
	struct stress_cfg c = { .nsenders = 4, .nreceivers = 3,
				.per_sender = 800, .qbytes = 512,
				.mode = RCV_LOWEST };

	run_stress(_metadata, self, &c);
}

TEST_F(stress, interrupted_calls_neither_lose_nor_duplicate_under_a_signal_storm)
{
	struct stress_cfg c = { .nsenders = 3, .nreceivers = 3,
				.per_sender = 500, .qbytes = 400,
				.mode = RCV_ANY, .signal_storm = true };

	run_stress(_metadata, self, &c);
}

/* ---- single-call children ------------------------------------------------ */

static int rcv_child(struct board *b, int idx)
{
	struct slot *s = &b->slots[idx];
	struct { long mtype; char text[8192]; } m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	for (;;) {
		n = svipc_msgrcv(s->id, &m, s->size, s->type, s->flags);
		if (n >= 0 || errno != EINTR || !s->retry_eintr)
			break;
		s->eintr++;
	}
	s->err = n < 0 ? errno : 0;
	s->mtype = m.mtype;
	if (n > 0)
		memcpy(s->text, m.text, n < (ssize_t)sizeof(s->text) ?
					(size_t)n : sizeof(s->text));
	__atomic_store_n(&s->ret, n, __ATOMIC_SEQ_CST);
	return 0;
}

static int snd_child(struct board *b, int idx)
{
	struct slot *s = &b->slots[idx];
	struct { long mtype; char text[8192]; } m;
	int r;

	m.mtype = s->type;
	memset(m.text, 'A' + idx % 26, sizeof(m.text));
	for (;;) {
		r = svipc_msgsnd(s->id, &m, s->size, s->flags);
		if (r == 0 || errno != EINTR || !s->retry_eintr)
			break;
		s->eintr++;
	}
	s->err = r ? errno : 0;
	__atomic_store_n(&s->ret, r, __ATOMIC_SEQ_CST);
	return 0;
}

/* Start a receiver child in slot @idx and wait until it sleeps. */
static pid_t start_rcv(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stress) *self, int idx, int id, long type,
		       size_t bufsz, int flags)
{
	struct slot *s = &self->b->slots[idx];
	pid_t pid;

	*s = (struct slot){ .id = id, .type = type, .size = bufsz,
			    .flags = flags, .ret = -2 };
	pid = spawn(self, rcv_child, idx);
	if (pid <= 0 || wait_blocked(pid)) {
		TH_LOG("receiver %d did not block", idx);
		_metadata->passed = 0;
		return -1;
	}
	return pid;
}

static pid_t start_snd(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stress) *self, int idx, int id, long type,
		       size_t size)
{
	struct slot *s = &self->b->slots[idx];
	pid_t pid;

	*s = (struct slot){ .id = id, .type = type, .size = size, .ret = -2 };
	pid = spawn(self, snd_child, idx);
	if (pid <= 0 || wait_blocked(pid)) {
		TH_LOG("sender %d did not block", idx);
		_metadata->passed = 0;
		return -1;
	}
	return pid;
}

static int send_text(int id, long type, const char *text, size_t size)
{
	struct { long mtype; char text[256]; } m = { .mtype = type };

	memcpy(m.text, text, size < sizeof(m.text) ? size : sizeof(m.text));
	return svipc_msgsnd(id, &m, size, IPC_NOWAIT);
}

/* Still alive and asleep in svipc. */
static bool still_blocked(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0 && wait_blocked(pid) == 0;
}

/* ---- 2. wake-up order among blocked receivers ---------------------------- */

TEST_F(stress, blocked_receivers_are_served_in_arrival_order)
{
	int id = new_queue(self);
	pid_t a, b, who = 0;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, 0, 64, 0);
	ASSERT_LT(0, a);
	b = start_rcv(_metadata, self, 1, id, 0, 64, 0);
	ASSERT_LT(0, b);

	ASSERT_EQ(0, send_text(id, 1, "first", 6));
	ASSERT_EQ(0, wait_exit(-1, &who));
	ASSERT_EQ(a, who) TH_LOG("the later waiter got the first message");
	EXPECT_EQ(6, self->b->slots[0].ret);
	EXPECT_STREQ("first", self->b->slots[0].text);
	EXPECT_TRUE(still_blocked(b));
	EXPECT_EQ(0, qnum(id));

	ASSERT_EQ(0, send_text(id, 1, "second", 7));
	ASSERT_EQ(0, wait_exit(b, NULL));
	EXPECT_EQ(7, self->b->slots[1].ret);
	EXPECT_STREQ("second", self->b->slots[1].text);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, a_burst_is_handed_to_blocked_receivers_in_arrival_order)
{
	int id = new_queue(self);
	char text[8];
	int i;

	ASSERT_LE(0, id);
	for (i = 0; i < 8; i++)
		ASSERT_LT(0, start_rcv(_metadata, self, i, id, 0, 64, 0));
	for (i = 0; i < 8; i++) {
		snprintf(text, sizeof(text), "m%d", i);
		ASSERT_EQ(0, send_text(id, 1 + i % 3, text, 3));
	}
	for (i = 0; i < 8; i++) {
		snprintf(text, sizeof(text), "m%d", i);
		ASSERT_EQ(0, wait_exit(self->kids[i], NULL));
		EXPECT_EQ(3, self->b->slots[i].ret);
		EXPECT_STREQ(text, self->b->slots[i].text)
			TH_LOG("waiter %d", i);
	}
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, typed_waiter_is_served_ahead_of_an_earlier_waiter_for_another_type)
{
	int id = new_queue(self);
	pid_t a, b, who = 0;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, 2, 64, 0);
	ASSERT_LT(0, a);
	b = start_rcv(_metadata, self, 1, id, 1, 64, 0);
	ASSERT_LT(0, b);

	ASSERT_EQ(0, send_text(id, 1, "one", 4));
	ASSERT_EQ(0, wait_exit(-1, &who));
	ASSERT_EQ(b, who);
	EXPECT_EQ(1, self->b->slots[1].mtype);
	EXPECT_STREQ("one", self->b->slots[1].text);
	EXPECT_TRUE(still_blocked(a));
	EXPECT_EQ(0, qnum(id));

	ASSERT_EQ(0, send_text(id, 2, "two", 4));
	ASSERT_EQ(0, wait_exit(a, NULL));
	EXPECT_EQ(2, self->b->slots[0].mtype);
	EXPECT_STREQ("two", self->b->slots[0].text);
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, pipelined_send_picks_the_first_waiter_whose_msgtyp_matches)
{
	int id = new_queue(self);
	pid_t a, b, c, who = 0;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, -5, 64, 0);	/* type <= 5 */
	ASSERT_LT(0, a);
	b = start_rcv(_metadata, self, 1, id, 3, 64, 0);	/* type == 3 */
	ASSERT_LT(0, b);
	c = start_rcv(_metadata, self, 2, id, 3, 64, MSG_EXCEPT); /* != 3 */
	ASSERT_LT(0, c);

	ASSERT_EQ(0, send_text(id, 7, "seven", 6));	/* only c matches */
	ASSERT_EQ(0, wait_exit(-1, &who));
	ASSERT_EQ(c, who);
	EXPECT_EQ(7, self->b->slots[2].mtype);
	EXPECT_TRUE(still_blocked(a));
	EXPECT_TRUE(still_blocked(b));

	ASSERT_EQ(0, send_text(id, 3, "three", 6));	/* a and b: a first */
	ASSERT_EQ(0, wait_exit(-1, &who));
	ASSERT_EQ(a, who);
	EXPECT_EQ(3, self->b->slots[0].mtype);
	EXPECT_TRUE(still_blocked(b));

	ASSERT_EQ(0, send_text(id, 3, "again", 6));
	ASSERT_EQ(0, wait_exit(b, NULL));
	EXPECT_EQ(3, self->b->slots[1].mtype);
	EXPECT_STREQ("again", self->b->slots[1].text);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

/* ---- 3. pipelined hand-off to a too small buffer ------------------------- */

static const char fifty[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM";

TEST_F(stress, pipelined_message_too_big_for_a_waiter_fails_it_with_e2big_and_goes_to_the_next)
{
	int id = new_queue(self);
	pid_t a, b;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, 0, 10, 0);
	ASSERT_LT(0, a);
	b = start_rcv(_metadata, self, 1, id, 0, 100, 0);
	ASSERT_LT(0, b);

	ASSERT_EQ(0, send_text(id, 1, fifty, sizeof(fifty)));
	ASSERT_EQ(0, wait_exit(a, NULL));
	EXPECT_EQ(-1, self->b->slots[0].ret);
	EXPECT_EQ(E2BIG, self->b->slots[0].err);
	ASSERT_EQ(0, wait_exit(b, NULL));
	EXPECT_EQ((long)sizeof(fifty), self->b->slots[1].ret);
	EXPECT_STREQ(fifty, self->b->slots[1].text);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, pipelined_e2big_without_another_waiter_leaves_the_message_queued)
{
	struct { long mtype; char text[100]; } m;
	int id = new_queue(self);
	pid_t a;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, 0, 10, 0);
	ASSERT_LT(0, a);
	ASSERT_EQ(0, send_text(id, 1, fifty, sizeof(fifty)));
	ASSERT_EQ(0, wait_exit(a, NULL));
	EXPECT_EQ(-1, self->b->slots[0].ret);
	EXPECT_EQ(E2BIG, self->b->slots[0].err);
	EXPECT_EQ(1, qnum(id));
	EXPECT_EQ((ssize_t)sizeof(fifty),
		  svipc_msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT));
	EXPECT_STREQ(fifty, m.text);
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, pipelined_send_to_a_msg_noerror_waiter_truncates_the_message)
{
	int id = new_queue(self);
	pid_t a, b;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, 0, 10, MSG_NOERROR);
	ASSERT_LT(0, a);
	b = start_rcv(_metadata, self, 1, id, 0, 100, 0);
	ASSERT_LT(0, b);

	ASSERT_EQ(0, send_text(id, 4, fifty, sizeof(fifty)));
	ASSERT_EQ(0, wait_exit(a, NULL));
	EXPECT_EQ(10, self->b->slots[0].ret);
	EXPECT_EQ(4, self->b->slots[0].mtype);
	EXPECT_EQ(0, memcmp(fifty, self->b->slots[0].text, 10));
	EXPECT_EQ(0, self->b->slots[0].text[10]);	/* nothing more copied */
	/* The rest is discarded: b still waits and the queue is empty. */
	EXPECT_TRUE(still_blocked(b));
	EXPECT_EQ(0, qnum(id));

	ASSERT_EQ(0, send_text(id, 5, "next", 5));
	ASSERT_EQ(0, wait_exit(b, NULL));
	EXPECT_EQ(5, self->b->slots[1].ret);
	EXPECT_STREQ("next", self->b->slots[1].text);
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, pipelined_receive_records_the_receiver_as_lrpid)
{
	struct msqid_ds ds;
	int id = new_queue(self);
	pid_t a;

	ASSERT_LE(0, id);
	a = start_rcv(_metadata, self, 0, id, 0, 64, 0);
	ASSERT_LT(0, a);
	ASSERT_EQ(0, send_text(id, 1, "hi", 3));
	ASSERT_EQ(0, wait_exit(a, NULL));
	EXPECT_EQ(3, self->b->slots[0].ret);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(getpid(), ds.msg_lspid);
	EXPECT_EQ(a, ds.msg_lrpid)
		TH_LOG("lrpid %d is not the receiver %d (sender is %d)",
		       ds.msg_lrpid, a, getpid());
	EXPECT_NE(0, ds.msg_rtime);
	EXPECT_EQ(0, rm_queue(self, id));
}

/* ---- 4. blocked senders --------------------------------------------------- */

#define NWAITERS 20	/* more than one wake-up batch of the module */

TEST_F(stress, every_blocked_sender_completes_as_a_receiver_drains_the_queue)
{
	struct { long mtype; char text[64]; } m = { .mtype = 100 };
	unsigned int got[NWAITERS + 1] = { 0 };
	long start;
	ssize_t n;
	int id = new_queue(self);
	int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 64));
	memset(m.text, '.', sizeof(m.text));
	ASSERT_EQ(0, svipc_msgsnd(id, &m, 64, 0));	/* full */
	for (i = 0; i < NWAITERS; i++)
		ASSERT_LT(0, start_snd(_metadata, self, i, id, i + 1, 64));
	EXPECT_EQ(1, qnum(id));

	/* Each receive makes room for exactly one sender. */
	for (i = 0; i <= NWAITERS; i++) {
		start = now_ms();
		while ((n = svipc_msgrcv(id, &m, 64, 0, IPC_NOWAIT)) < 0 &&
		       errno == ENOMSG && now_ms() - start < STALL_MS)
			usleep(1000);
		ASSERT_EQ(64, n) TH_LOG("receive %d: %s", i, strerror(errno));
		ASSERT_TRUE(m.mtype == 100 || (m.mtype >= 1 && m.mtype <= NWAITERS));
		if (m.mtype == 100)
			continue;
		got[m.mtype]++;
		EXPECT_EQ('A' + (m.mtype - 1) % 26, m.text[0]);
	}
	for (i = 0; i < NWAITERS; i++) {
		ASSERT_EQ(0, wait_exit(self->kids[i], NULL));
		EXPECT_EQ(0, self->b->slots[i].ret);
		EXPECT_EQ(1u, got[i + 1]) TH_LOG("sender %d", i);
	}
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, a_small_blocked_sender_is_not_held_up_behind_a_large_one)
{
	struct { long mtype; char text[100]; } m = { .mtype = 1 };
	int id = new_queue(self);
	pid_t big, small;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 100));
	memset(m.text, '.', sizeof(m.text));
	ASSERT_EQ(0, svipc_msgsnd(id, &m, 40, 0));
	ASSERT_EQ(0, svipc_msgsnd(id, &m, 60, 0));	/* 100 of 100 */
	big = start_snd(_metadata, self, 0, id, 2, 80);
	ASSERT_LT(0, big);
	small = start_snd(_metadata, self, 1, id, 3, 30);
	ASSERT_LT(0, small);

	/* 40 bytes free: room for the small one only. */
	ASSERT_EQ(40, svipc_msgrcv(id, &m, 100, 0, IPC_NOWAIT));
	ASSERT_EQ(0, wait_exit(small, NULL));
	EXPECT_EQ(0, self->b->slots[1].ret);
	EXPECT_TRUE(still_blocked(big));
	EXPECT_EQ(2, qnum(id));

	/* Empty now: the big one fits. */
	ASSERT_EQ(60, svipc_msgrcv(id, &m, 100, 1, IPC_NOWAIT));
	ASSERT_EQ(30, svipc_msgrcv(id, &m, 100, 3, IPC_NOWAIT));
	ASSERT_EQ(0, wait_exit(big, NULL));
	EXPECT_EQ(0, self->b->slots[0].ret);
	EXPECT_EQ(80, svipc_msgrcv(id, &m, 100, 2, IPC_NOWAIT));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, raising_msg_qbytes_wakes_every_blocked_sender)
{
	int id = new_queue(self);
	int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 0));	/* every send blocks */
	for (i = 0; i < NWAITERS; i++)
		ASSERT_LT(0, start_snd(_metadata, self, i, id, 1, 10 + i));
	EXPECT_EQ(0, qnum(id));
	ASSERT_EQ(0, set_qbytes(id, 16384));
	for (i = 0; i < NWAITERS; i++) {
		ASSERT_EQ(0, wait_exit(self->kids[i], NULL));
		EXPECT_EQ(0, self->b->slots[i].ret) TH_LOG("sender %d: %s", i,
			strerror(self->b->slots[i].err));
	}
	EXPECT_EQ(NWAITERS, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, rmid_fails_every_blocked_sender_and_receiver_with_eidrm)
{
	int id = new_queue(self);
	int i;

	ASSERT_LE(0, id);
	for (i = 0; i < NWAITERS; i++)
		ASSERT_LT(0, start_rcv(_metadata, self, i, id, 1000 + i, 64, 0));
	ASSERT_EQ(0, set_qbytes(id, 0));
	for (i = NWAITERS; i < 2 * NWAITERS; i++)
		ASSERT_LT(0, start_snd(_metadata, self, i, id, 1, 8));
	EXPECT_EQ(0, rm_queue(self, id));
	for (i = 0; i < 2 * NWAITERS; i++) {
		ASSERT_EQ(0, wait_exit(self->kids[i], NULL));
		EXPECT_EQ(-1, self->b->slots[i].ret) TH_LOG("waiter %d", i);
		EXPECT_EQ(EIDRM, self->b->slots[i].err) TH_LOG("waiter %d: %s",
			i, strerror(self->b->slots[i].err));
	}
}

/* ---- 5. signals ------------------------------------------------------------ */

#define NSIGNALS 20

/* Start a child that blocks with a SIGUSR1 handler, counting EINTRs. */
static pid_t start_eintr_counter(struct __test_metadata *_metadata,
				 FIXTURE_DATA(stress) *self, int id, bool send)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct slot *s = &self->b->slots[0];
	pid_t pid;

	/* Installed before fork, so no signal can find the default action. */
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	*s = (struct slot){ .id = id, .type = send ? 7 : 0,
			    .size = send ? 12 : 64, .retry_eintr = 1,
			    .ret = -2 };
	pid = spawn(self, send ? snd_child : rcv_child, 0);
	if (pid <= 0 || wait_blocked(pid)) {
		TH_LOG("child did not block");
		_metadata->passed = 0;
		return -1;
	}
	return pid;
}

TEST_F(stress, each_handled_signal_fails_blocked_msgrcv_with_eintr_despite_sa_restart)
{
	int id = new_queue(self);
	pid_t child;
	int i;

	ASSERT_LE(0, id);
	child = start_eintr_counter(_metadata, self, id, false);
	ASSERT_LT(0, child);
	for (i = 0; i < NSIGNALS; i++) {
		ASSERT_EQ(0, wait_blocked(child)) TH_LOG("signal %d", i);
		ASSERT_EQ(0, kill(child, SIGUSR1));
	}
	ASSERT_EQ(0, wait_blocked(child));
	ASSERT_EQ(0, send_text(id, 3, "done", 5));
	ASSERT_EQ(0, wait_exit(child, NULL));
	EXPECT_EQ(5, self->b->slots[0].ret) TH_LOG("%s",
		strerror(self->b->slots[0].err));
	EXPECT_STREQ("done", self->b->slots[0].text);
	EXPECT_EQ(NSIGNALS, self->b->slots[0].eintr);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, each_handled_signal_fails_blocked_msgsnd_with_eintr_despite_sa_restart)
{
	int id = new_queue(self);
	pid_t child;
	int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 0));
	child = start_eintr_counter(_metadata, self, id, true);
	ASSERT_LT(0, child);
	for (i = 0; i < NSIGNALS; i++) {
		ASSERT_EQ(0, wait_blocked(child)) TH_LOG("signal %d", i);
		ASSERT_EQ(0, kill(child, SIGUSR1));
	}
	ASSERT_EQ(0, wait_blocked(child));
	EXPECT_EQ(0, qnum(id));
	ASSERT_EQ(0, set_qbytes(id, 1024));
	ASSERT_EQ(0, wait_exit(child, NULL));
	EXPECT_EQ(0, self->b->slots[0].ret) TH_LOG("%s",
		strerror(self->b->slots[0].err));
	EXPECT_EQ(NSIGNALS, self->b->slots[0].eintr);
	/* The interrupted attempts queued nothing: exactly one message. */
	EXPECT_EQ(1, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

/* SIGSTOP/SIGCONT cycles and ignored signals, each while it sleeps. */
static void stop_continue_storm(struct __test_metadata *_metadata, pid_t child)
{
	int i, st;

	for (i = 0; i < NSIGNALS / 2; i++) {
		ASSERT_EQ(0, wait_blocked(child)) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, kill(child, SIGSTOP));
		ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
		ASSERT_TRUE(WIFSTOPPED(st));
		ASSERT_EQ(0, kill(child, SIGCONT));
		ASSERT_EQ(child, waitpid(child, &st, WCONTINUED));
		ASSERT_TRUE(WIFCONTINUED(st));
		/* Default-ignored signals: no effect at all. */
		ASSERT_EQ(0, wait_blocked(child));
		ASSERT_EQ(0, kill(child, SIGCONT));
		ASSERT_EQ(0, kill(child, SIGWINCH));
		ASSERT_EQ(0, kill(child, SIGCHLD));
	}
	ASSERT_EQ(0, wait_blocked(child));
}

TEST_F(stress, stop_continue_storm_restarts_blocked_msgrcv_silently)
{
	int id = new_queue(self);
	pid_t child;

	ASSERT_LE(0, id);
	child = start_rcv(_metadata, self, 0, id, 0, 64, 0);
	ASSERT_LT(0, child);
	stop_continue_storm(_metadata, child);
	ASSERT_EQ(0, send_text(id, 9, "after", 6));
	ASSERT_EQ(0, wait_exit(child, NULL));
	EXPECT_EQ(6, self->b->slots[0].ret) TH_LOG("%s",
		strerror(self->b->slots[0].err));
	EXPECT_EQ(9, self->b->slots[0].mtype);
	EXPECT_STREQ("after", self->b->slots[0].text);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

TEST_F(stress, stop_continue_storm_restarts_blocked_msgsnd_silently)
{
	int id = new_queue(self);
	pid_t child;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 0));
	child = start_snd(_metadata, self, 0, id, 2, 16);
	ASSERT_LT(0, child);
	stop_continue_storm(_metadata, child);
	EXPECT_EQ(0, qnum(id));
	ASSERT_EQ(0, set_qbytes(id, 1024));
	ASSERT_EQ(0, wait_exit(child, NULL));
	EXPECT_EQ(0, self->b->slots[0].ret) TH_LOG("%s",
		strerror(self->b->slots[0].err));
	/* Restarted, not repeated: exactly one message. */
	EXPECT_EQ(1, qnum(id));
	EXPECT_EQ(0, rm_queue(self, id));
}

SVIPC_TEST_MAIN
