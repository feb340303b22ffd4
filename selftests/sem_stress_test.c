// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphores under concurrency.  This file proves that:
 *  - a binary semaphore used as a mutex by several processes (or threads
 *    of one process) excludes them: a non-atomic read/yield/write of a
 *    counter in a MAP_SHARED page never loses an update, and no worker
 *    ever finds another inside; with and without SEM_UNDO (the set ends
 *    as it started), and with P taken through semtimedop (1 s timeouts
 *    retried on EAGAIN, plus 1 ms timeouts that keep expiring while the
 *    semaphore is handed over: a timed-out call never consumed it);
 *  - the same holds when two-operation calls on two semaphores (global
 *    lock, complex mode) run alongside single-operation calls on those
 *    semaphores and on a third one, plus GETVAL, so that the set keeps
 *    switching between the fast path and global mode under load, with
 *    single and complex waiters sleeping on the same semaphores;
 *  - producers and consumers over a ring buffer in shared memory,
 *    synchronised by counting semaphores (empty/full) and a mutex, pass
 *    every item exactly once and intact, whether P(empty)+P(mutex) and
 *    V(mutex)+V(full) are separate calls or single two-op calls;
 *  - workers SIGKILLed while holding a SEM_UNDO mutex (or asleep waiting
 *    for it) release it through the undo at exit: the other workers
 *    finish with no lost update and the semaphore ends at 1.
 * There are no timing assertions: clocks only turn a hang (a lost
 * wake-up) into a failure before the harness timeout.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "common.h"

#define MAX_KIDS	32
#define MAX_THREADS	16
#define MAX_PROD	4
#define MAX_PER_PROD	512
#define NSLOTS		4
#define STALL_MS	10000		/* no progress this long = hung */

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* What a mutex worker does each round. */
enum kind {
	K_SINGLE,	/* semop -1 / +1 on semaphore 0 */
	K_UNDO,		/* the same with SEM_UNDO */
	K_TIMED,	/* P by semtimedop, 1 s, retried on EAGAIN */
	K_TIMED_SHORT,	/* P by semtimedop, 1 ms, retried on EAGAIN */
	K_COMPLEX,	/* P/V of semaphores 0 and 1 in one two-op call */
	K_ONLY_A,	/* single ops on semaphore 0 (counter 0) */
	K_ONLY_B,	/* single ops on semaphore 1 (counter 1) */
	K_ONLY_C,	/* single ops on semaphore 2 (counter 2), GETVALs */
	K_VICTIM,	/* SEM_UNDO, lingers holding the mutex until killed */
	K_FINISHER,	/* SEM_UNDO, fixed rounds, survives the kills */
};

struct item {
	uint32_t prod;
	uint32_t seq;
	uint32_t word[4];
	uint32_t csum;
};

/* Shared between the test and its children (MAP_SHARED) or threads. */
struct board {
	int id;
	enum kind kind[MAX_KIDS];
	int rounds[MAX_KIDS];
	unsigned int progress;
	unsigned int bad;
	char why[256];
	unsigned int eagain;		/* semtimedop timeouts */
	unsigned int done;		/* workers that finished */
	/* mutual exclusion */
	volatile unsigned int counter[3];
	unsigned int inside[3];
	/* kill test */
	int holder;			/* pid in the critical section */
	/*
	 * Every pid the test has sent SIGKILL to.  A victim killed "asleep"
	 * may have been woken into the mutex between the look and the kill,
	 * so any killed pid, not only the last, may be left as holder.
	 */
	int killed[64];
	unsigned int nkilled;
	unsigned int stop;		/* victims: end now */
	unsigned int victim_rounds;
	unsigned int takeovers;		/* entries after a killed holder */
	/* producer/consumer */
	int combined;			/* two-op P and V calls */
	int nprod, per_prod, ncons, per_cons;
	volatile unsigned int head, tail;
	struct item ring[NSLOTS];
	unsigned int seen[MAX_PROD][MAX_PER_PROD];
};

FIXTURE(stress) {
	struct board *b;
	int ids[4];
	int nids;
	pid_t kids[MAX_KIDS * 4];
	int nkids;
	pthread_t threads[MAX_THREADS];
	int nthreads;
	struct timespec t0;
};

FIXTURE_SETUP(stress)
{
	self->b = mmap(NULL, sizeof(*self->b), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->b);
	self->b->id = -1;
	clock_gettime(CLOCK_MONOTONIC, &self->t0);
	ASSERT_LE(0, svipc_fd());
}

/*
 * Remove the sets first (that wakes every sleeper with EIDRM, and
 * workers then stop), then kill and reap every child and join every
 * thread still around.
 */
FIXTURE_TEARDOWN(stress)
{
	struct timespec t1;
	int i, st;

	__atomic_store_n(&self->b->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < self->nids; i++)
		svipc_semctl(self->ids[i], 0, IPC_RMID);
	for (i = 0; i < self->nkids; i++) {
		if (self->kids[i] <= 0)
			continue;
		if (waitpid(self->kids[i], &st, WNOHANG) == 0) {
			kill(self->kids[i], SIGKILL);
			waitpid(self->kids[i], &st, 0);
		}
	}
	for (i = 0; i < self->nthreads; i++)
		pthread_join(self->threads[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("took %ld ms", (long)((t1.tv_sec - self->t0.tv_sec) * 1000 +
	       (t1.tv_nsec - self->t0.tv_nsec) / 1000000));
}

/* ---- helpers --------------------------------------------------------- */

static int new_set(FIXTURE_DATA(stress) *self, int nsems)
{
	int id = svipc_semget(IPC_PRIVATE, nsems, 0600);

	if (id >= 0 && self->nids < 4)
		self->ids[self->nids++] = id;
	self->b->id = id;
	return id;
}

static int getval(int id, int n)
{
	return svipc_semctl(id, n, GETVAL);
}

static int setval(int id, int n, int v)
{
	union semun a = { .val = v };

	return svipc_semctl(id, n, SETVAL, a);
}

static int getncnt(int id, int n)
{
	return svipc_semctl(id, n, GETNCNT);
}

static void add(unsigned int *p, unsigned int v)
{
	__atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static unsigned int load(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static pid_t spawn(FIXTURE_DATA(stress) *self,
		   int (*fn)(struct board *, int), int idx)
{
	pid_t pid;

	if (self->nkids >= MAX_KIDS * 4)
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

struct thread_arg {
	struct board *b;
	int idx;
	int (*fn)(struct board *, int);
};

static struct thread_arg targs[MAX_THREADS];

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	return (void *)(long)a->fn(a->b, a->idx);
}

static int start_thread(FIXTURE_DATA(stress) *self,
			int (*fn)(struct board *, int), int idx)
{
	struct thread_arg *a = &targs[self->nthreads];

	if (self->nthreads >= MAX_THREADS)
		return -1;
	a->b = self->b;
	a->idx = idx;
	a->fn = fn;
	if (pthread_create(&self->threads[self->nthreads], NULL, thread_main, a))
		return -1;
	self->nthreads++;
	return 0;
}

/*
 * Wait until @n workers reported done, or no progress for STALL_MS.
 * Returns 0, or -1 on a stall (a hang guard, not a timing assertion).
 */
static int wait_done(struct board *b, unsigned int n)
{
	unsigned int last = load(&b->progress);
	long since = now_ms();

	while (load(&b->done) < n) {
		unsigned int p = load(&b->progress);

		if (p != last) {
			last = p;
			since = now_ms();
		} else if (now_ms() - since > STALL_MS) {
			return -1;
		}
		if (load(&b->bad))
			return 0;
		usleep(2000);
	}
	return 0;
}

/* Reap every child, which must all have exited 0; -1 otherwise. */
static int reap_all(FIXTURE_DATA(stress) *self)
{
	int i, st, ret = 0;

	for (i = 0; i < self->nkids; i++) {
		if (self->kids[i] <= 0)
			continue;
		if (waitpid(self->kids[i], &st, 0) != self->kids[i])
			ret = -1;
		else if (!WIFEXITED(st) || WEXITSTATUS(st))
			ret = -1;
		self->kids[i] = 0;
	}
	return ret;
}

static int join_all(FIXTURE_DATA(stress) *self)
{
	int i, ret = 0;
	void *rv;

	for (i = 0; i < self->nthreads; i++) {
		if (pthread_join(self->threads[i], &rv) || rv)
			ret = -1;
	}
	self->nthreads = 0;
	return ret;
}

/* A few instructions between the read and the write of a counter. */
static void dawdle(unsigned int r)
{
	volatile int spin;

	if (r % 4 == 0) {
		sched_yield();
		return;
	}
	for (spin = 0; spin < 50; spin++)
		;
}

/* Enter critical section @w: nobody else may be inside. */
static int cs_enter(struct board *b, int w, int idx)
{
	if (__atomic_exchange_n(&b->inside[w], 1, __ATOMIC_SEQ_CST))
		return report(b, "worker %d: found another worker inside "
			      "critical section %d", idx, w);
	return 0;
}

static void cs_leave(struct board *b, int w)
{
	__atomic_store_n(&b->inside[w], 0, __ATOMIC_SEQ_CST);
}

static int pv(struct board *b, int idx, struct sembuf *sops, int nsops,
	      long timeout_ns, const char *what)
{
	struct timespec ts = { timeout_ns / 1000000000L, timeout_ns % 1000000000L };
	int r;

	for (;;) {
		if (timeout_ns)
			r = svipc_semtimedop(b->id, sops, nsops, &ts);
		else
			r = svipc_semop(b->id, sops, nsops);
		if (r == 0)
			return 0;
		if (errno == EAGAIN && timeout_ns) {
			add(&b->eagain, 1);
			continue;
		}
		if (load(&b->stop))
			return 1;
		return report(b, "worker %d: %s: %s", idx, what, strerror(errno));
	}
}

/* ---- mutual exclusion ------------------------------------------------ */

static int mutex_worker(struct board *b, int idx)
{
	enum kind k = b->kind[idx];
	short flg = (k == K_UNDO || k == K_FINISHER) ? SEM_UNDO : 0;
	long tmo = k == K_TIMED ? 1000000000L :
		   k == K_TIMED_SHORT ? 1000000L : 0;
	unsigned short sem = k == K_ONLY_B ? 1 : k == K_ONLY_C ? 2 : 0;
	int r;

	for (r = 0; r < b->rounds[idx]; r++) {
		struct sembuf p[2], v[2];
		int n = 1;

		if (k == K_COMPLEX) {
			/* Vary the order of the two operations. */
			int a = r & 1;

			n = 2;
			p[0] = (struct sembuf){ a, -1, 0 };
			p[1] = (struct sembuf){ !a, -1, 0 };
			v[0] = (struct sembuf){ !a, 1, 0 };
			v[1] = (struct sembuf){ a, 1, 0 };
		} else {
			p[0] = (struct sembuf){ sem, -1, flg };
			v[0] = (struct sembuf){ sem, 1, flg };
		}
		if (pv(b, idx, p, n, tmo, "P"))
			return 1;
		if (k == K_COMPLEX) {
			unsigned int c0, c1;

			if (cs_enter(b, 0, idx) || cs_enter(b, 1, idx))
				return 1;
			c0 = b->counter[0];
			c1 = b->counter[1];
			dawdle(r);
			b->counter[0] = c0 + 1;
			b->counter[1] = c1 + 1;
			cs_leave(b, 1);
			cs_leave(b, 0);
		} else {
			unsigned int c;

			if (cs_enter(b, sem, idx))
				return 1;
			c = b->counter[sem];
			dawdle(r);
			b->counter[sem] = c + 1;
			cs_leave(b, sem);
		}
		if (pv(b, idx, v, n, 0, "V"))
			return 1;
		if (k == K_ONLY_C && r % 32 == 0) {
			/* semctl takes the global lock too. */
			int val = getval(b->id, idx & 1);

			if (val < 0 || val > 1)
				return report(b, "worker %d: GETVAL %d", idx, val);
		}
		add(&b->progress, 1);
	}
	add(&b->done, 1);
	return 0;
}

struct mix {
	enum kind kind;
	int count;
	int rounds;
};

/*
 * Run the workers @mix describes on a fresh set of 3 binary semaphores,
 * as processes or threads; check every counter and that the set ends
 * as it started.
 */
static void run_mutex(struct __test_metadata *_metadata,
		      FIXTURE_DATA(stress) *self, const struct mix *mix,
		      int nmix, int threads)
{
	struct board *b = self->b;
	unsigned int want[3] = { 0, 0, 0 };
	int i, j, n = 0, id, stalled;

	id = new_set(self, 3);
	ASSERT_LE(0, id);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, setval(id, i, 1));
	for (i = 0; i < nmix; i++) {
		for (j = 0; j < mix[i].count; j++) {
			enum kind k = mix[i].kind;

			b->kind[n] = k;
			b->rounds[n] = mix[i].rounds;
			if (k == K_COMPLEX) {
				want[0] += mix[i].rounds;
				want[1] += mix[i].rounds;
			} else {
				want[k == K_ONLY_B ? 1 : k == K_ONLY_C ? 2 : 0] +=
					mix[i].rounds;
			}
			n++;
		}
	}
	ASSERT_GE(MAX_THREADS, n);
	for (i = 0; i < n; i++) {
		if (threads) {
			ASSERT_EQ(0, start_thread(self, mutex_worker, i));
		} else {
			ASSERT_LT(0, spawn(self, mutex_worker, i));
		}
	}
	stalled = wait_done(b, n);
	if (stalled || load(&b->bad)) {
		TH_LOG("stalled %d, %u done of %d, progress %u: %s", stalled,
		       load(&b->done), n, load(&b->progress), b->why);
		for (i = 0; i < 3; i++)
			TH_LOG("sem %d: val %d ncnt %d", i, getval(id, i),
			       getncnt(id, i));
	}
	ASSERT_EQ(0, stalled);
	ASSERT_EQ(0, load(&b->bad));
	if (threads) {
		ASSERT_EQ(0, join_all(self));
	} else {
		ASSERT_EQ(0, reap_all(self));
	}
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(want[i], b->counter[i]);
		EXPECT_EQ(1, getval(id, i));
		EXPECT_EQ(0, getncnt(id, i));
	}
	TH_LOG("counters %u %u %u, %u semtimedop timeouts", b->counter[0],
	       b->counter[1], b->counter[2], load(&b->eagain));
}

TEST_F(stress, mutex_processes_lose_no_update)
{
	const struct mix mix[] = { { K_SINGLE, 6, 500 } };

	run_mutex(_metadata, self, mix, 1, 0);
}

TEST_F(stress, mutex_processes_with_sem_undo_lose_no_update)
{
	const struct mix mix[] = { { K_UNDO, 6, 500 } };

	run_mutex(_metadata, self, mix, 1, 0);
}

TEST_F(stress, mutex_threads_lose_no_update)
{
	const struct mix mix[] = { { K_SINGLE, 3, 500 }, { K_UNDO, 3, 500 } };

	run_mutex(_metadata, self, mix, 2, 1);
}

TEST_F(stress, complex_and_single_ops_mixed_lose_no_update)
{
	const struct mix mix[] = {
		{ K_COMPLEX, 2, 1000 },
		{ K_ONLY_A, 1, 1000 },
		{ K_ONLY_B, 1, 1000 },
		{ K_ONLY_C, 2, 1000 },
	};

	run_mutex(_metadata, self, mix, 4, 0);
}

TEST_F(stress, complex_and_single_ops_mixed_in_threads_lose_no_update)
{
	const struct mix mix[] = {
		{ K_COMPLEX, 2, 1000 },
		{ K_ONLY_A, 1, 1000 },
		{ K_ONLY_B, 1, 1000 },
		{ K_ONLY_C, 2, 1000 },
	};

	run_mutex(_metadata, self, mix, 4, 1);
}

TEST_F(stress, semtimedop_mutex_loses_no_update)
{
	const struct mix mix[] = {
		{ K_TIMED, 3, 500 },
		{ K_TIMED_SHORT, 2, 500 },
		{ K_SINGLE, 1, 500 },
	};

	run_mutex(_metadata, self, mix, 3, 0);
}

/* ---- producer / consumer --------------------------------------------- */

#define SEM_EMPTY	0
#define SEM_FULL	1
#define SEM_MUTEX	2

static uint32_t item_csum(const struct item *it)
{
	uint32_t h = 2166136261u;
	const unsigned char *c = (const unsigned char *)it;
	size_t i;

	for (i = 0; i < offsetof(struct item, csum); i++) {
		h ^= c[i];
		h *= 16777619u;
	}
	return h;
}

static int producer(struct board *b, int idx)
{
	int seq;

	for (seq = 0; seq < b->per_prod; seq++) {
		struct sembuf p[2] = { { SEM_EMPTY, -1, 0 }, { SEM_MUTEX, -1, 0 } };
		struct sembuf v[2] = { { SEM_MUTEX, 1, 0 }, { SEM_FULL, 1, 0 } };
		struct item *it;
		unsigned int h;
		int k;

		if (b->combined) {
			if (pv(b, idx, p, 2, 0, "P(empty, mutex)"))
				return 1;
		} else if (pv(b, idx, &p[0], 1, 0, "P(empty)") ||
			   pv(b, idx, &p[1], 1, 0, "P(mutex)")) {
			return 1;
		}
		if (cs_enter(b, 0, idx))
			return 1;
		h = b->head;
		if (h - b->tail >= NSLOTS)
			return report(b, "producer %d: ring full (head %u tail %u) "
				      "after P(empty)", idx, h, b->tail);
		it = &b->ring[h % NSLOTS];
		it->prod = idx;
		it->seq = seq;
		for (k = 0; k < 4; k++)
			it->word[k] = idx * 0x01000193u + seq * 31u + k;
		if (seq % 4 == 0)
			sched_yield();
		it->csum = item_csum(it);
		b->head = h + 1;
		cs_leave(b, 0);
		if (b->combined) {
			if (pv(b, idx, v, 2, 0, "V(mutex, full)"))
				return 1;
		} else if (pv(b, idx, &v[0], 1, 0, "V(mutex)") ||
			   pv(b, idx, &v[1], 1, 0, "V(full)")) {
			return 1;
		}
		add(&b->progress, 1);
	}
	add(&b->done, 1);
	return 0;
}

static int consumer(struct board *b, int idx)
{
	int n;

	for (n = 0; n < b->per_cons; n++) {
		struct sembuf p[2] = { { SEM_FULL, -1, 0 }, { SEM_MUTEX, -1, 0 } };
		struct sembuf v[2] = { { SEM_MUTEX, 1, 0 }, { SEM_EMPTY, 1, 0 } };
		struct item it;
		unsigned int t;
		int k;

		if (b->combined) {
			if (pv(b, idx, p, 2, 0, "P(full, mutex)"))
				return 1;
		} else if (pv(b, idx, &p[0], 1, 0, "P(full)") ||
			   pv(b, idx, &p[1], 1, 0, "P(mutex)")) {
			return 1;
		}
		if (cs_enter(b, 0, idx))
			return 1;
		t = b->tail;
		if (t == b->head)
			return report(b, "consumer %d: ring empty (%u) after P(full)",
				      idx, t);
		it = b->ring[t % NSLOTS];
		memset(&b->ring[t % NSLOTS], 0xa5, sizeof(it));
		if (n % 4 == 1)
			sched_yield();
		b->tail = t + 1;
		cs_leave(b, 0);
		if (b->combined) {
			if (pv(b, idx, v, 2, 0, "V(mutex, empty)"))
				return 1;
		} else if (pv(b, idx, &v[0], 1, 0, "V(mutex)") ||
			   pv(b, idx, &v[1], 1, 0, "V(empty)")) {
			return 1;
		}
		if (it.csum != item_csum(&it))
			return report(b, "consumer %d: item %u: bad checksum", idx, t);
		if (it.prod >= (uint32_t)b->nprod || it.seq >= (uint32_t)b->per_prod)
			return report(b, "consumer %d: bad item %u/%u", idx,
				      it.prod, it.seq);
		for (k = 0; k < 4; k++)
			if (it.word[k] != it.prod * 0x01000193u + it.seq * 31u + k)
				return report(b, "consumer %d: item %u/%u damaged",
					      idx, it.prod, it.seq);
		if (__atomic_fetch_add(&b->seen[it.prod][it.seq], 1,
				       __ATOMIC_SEQ_CST))
			return report(b, "consumer %d: item %u/%u seen twice",
				      idx, it.prod, it.seq);
		add(&b->progress, 1);
	}
	add(&b->done, 1);
	return 0;
}

static void run_pc(struct __test_metadata *_metadata,
		   FIXTURE_DATA(stress) *self, int combined, int threads)
{
	struct board *b = self->b;
	int i, j, id, stalled, n;

	b->combined = combined;
	b->nprod = 3;
	b->per_prod = 400;
	b->ncons = 4;
	b->per_cons = 300;
	n = b->nprod + b->ncons;
	id = new_set(self, 3);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, SEM_EMPTY, NSLOTS));
	ASSERT_EQ(0, setval(id, SEM_MUTEX, 1));
	/* Consumers first, so that they start out asleep on "full". */
	for (i = 0; i < b->ncons; i++) {
		if (threads) {
			ASSERT_EQ(0, start_thread(self, consumer, i));
		} else {
			ASSERT_LT(0, spawn(self, consumer, i));
		}
	}
	for (i = 0; i < b->nprod; i++) {
		if (threads) {
			ASSERT_EQ(0, start_thread(self, producer, i));
		} else {
			ASSERT_LT(0, spawn(self, producer, i));
		}
	}
	stalled = wait_done(b, n);
	if (stalled || load(&b->bad)) {
		TH_LOG("stalled %d, %u done of %d, progress %u, head %u tail %u: %s",
		       stalled, load(&b->done), n, load(&b->progress), b->head,
		       b->tail, b->why);
		for (i = 0; i < 3; i++)
			TH_LOG("sem %d: val %d ncnt %d", i, getval(id, i),
			       getncnt(id, i));
	}
	ASSERT_EQ(0, stalled);
	ASSERT_EQ(0, load(&b->bad));
	if (threads) {
		ASSERT_EQ(0, join_all(self));
	} else {
		ASSERT_EQ(0, reap_all(self));
	}
	EXPECT_EQ(b->nprod * b->per_prod, b->head);
	EXPECT_EQ(b->head, b->tail);
	for (i = 0; i < b->nprod; i++)
		for (j = 0; j < b->per_prod; j++)
			if (b->seen[i][j] != 1)
				ASSERT_EQ(1, b->seen[i][j])
					TH_LOG("item %d/%d", i, j);
	EXPECT_EQ(NSLOTS, getval(id, SEM_EMPTY));
	EXPECT_EQ(0, getval(id, SEM_FULL));
	EXPECT_EQ(1, getval(id, SEM_MUTEX));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, getncnt(id, i));
}

TEST_F(stress, producer_consumer_processes_pass_every_item_once)
{
	run_pc(_metadata, self, 0, 0);
}

TEST_F(stress, producer_consumer_with_two_op_calls_pass_every_item_once)
{
	run_pc(_metadata, self, 1, 0);
}

TEST_F(stress, producer_consumer_threads_pass_every_item_once)
{
	run_pc(_metadata, self, 0, 1);
}

/* ---- SIGKILL while holding a SEM_UNDO mutex -------------------------- */

/* Take the holder slot: free, or left by the worker being killed. */
static int was_killed(struct board *b, int pid)
{
	unsigned int i, n = __atomic_load_n(&b->nkilled, __ATOMIC_SEQ_CST);

	for (i = 0; i < n; i++)
		if (__atomic_load_n(&b->killed[i], __ATOMIC_SEQ_CST) == pid)
			return 1;
	return 0;
}

/* Parent only: record @pid as killed before the signal can land. */
static void kill_victim(struct board *b, pid_t pid)
{
	unsigned int n = b->nkilled;

	if (n < sizeof(b->killed) / sizeof(b->killed[0])) {
		__atomic_store_n(&b->killed[n], pid, __ATOMIC_SEQ_CST);
		__atomic_store_n(&b->nkilled, n + 1, __ATOMIC_SEQ_CST);
	}
	kill(pid, SIGKILL);
}

static int holder_enter(struct board *b, int idx)
{
	int me = getpid(), old = 0;

	if (__atomic_compare_exchange_n(&b->holder, &old, me, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 0;
	if (old != 0 && was_killed(b, old) &&
	    __atomic_compare_exchange_n(&b->holder, &old, me, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		add(&b->takeovers, 1);
		return 0;
	}
	return report(b, "worker %d (pid %d) entered while pid %d held the "
		      "mutex", idx, me, old);
}

static int holder_leave(struct board *b, int idx)
{
	int me = getpid(), old = me;

	if (__atomic_compare_exchange_n(&b->holder, &old, 0, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 0;
	return report(b, "worker %d: pid %d took the mutex from pid %d", idx,
		      old, me);
}

/* @pid was reaped: teardown must not wait for it again. */
static void forget(FIXTURE_DATA(stress) *self, pid_t pid)
{
	int i;

	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] == pid)
			self->kids[i] = 0;
}

/* Takes the mutex with SEM_UNDO and lingers in it, waiting to be killed. */
static int victim(struct board *b, int idx)
{
	struct sembuf p = { 0, -1, SEM_UNDO }, v = { 0, 1, SEM_UNDO };
	int i;

	while (!load(&b->stop)) {
		if (pv(b, idx, &p, 1, 0, "victim P"))
			return load(&b->stop) ? 0 : 1;
		if (holder_enter(b, idx))
			return 1;
		for (i = 0; i < 2000 && !load(&b->stop); i++)
			sched_yield();
		if (holder_leave(b, idx))
			return 1;
		if (pv(b, idx, &v, 1, 0, "victim V"))
			return 1;
		add(&b->victim_rounds, 1);
	}
	return 0;
}

static int finisher(struct board *b, int idx)
{
	struct sembuf p = { 0, -1, SEM_UNDO }, v = { 0, 1, SEM_UNDO };
	unsigned int c;
	int r;

	for (r = 0; r < b->rounds[idx]; r++) {
		if (pv(b, idx, &p, 1, 0, "P"))
			return 1;
		if (holder_enter(b, idx))
			return 1;
		c = b->counter[0];
		dawdle(r);
		b->counter[0] = c + 1;
		if (holder_leave(b, idx))
			return 1;
		if (pv(b, idx, &v, 1, 0, "V"))
			return 1;
		add(&b->progress, 1);
	}
	add(&b->done, 1);
	return 0;
}

/* One look: is @pid asleep in an ioctl now? */
static int asleep(pid_t pid)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	return task_asleep_in(dir, SYS_ioctl) == 1;
}

#define NVICTIMS	3
#define NFINISHERS	4
#define NKILLS		16

TEST_F(stress, sigkill_while_holding_an_undo_mutex_releases_it)
{
	struct board *b = self->b;
	pid_t victims[NVICTIMS];
	int i, id, stalled, sleeper_kills = 0, kills;
	unsigned int seed = getpid();

	id = new_set(self, 1);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 1));
	for (i = 0; i < NFINISHERS; i++) {
		b->kind[i] = K_FINISHER;
		b->rounds[i] = 300;
		ASSERT_LT(0, spawn(self, finisher, i));
	}
	for (i = 0; i < NVICTIMS; i++) {
		victims[i] = spawn(self, victim, NFINISHERS + i);
		ASSERT_LT(0, victims[i]);
	}

	for (kills = 0; kills < NKILLS && load(&b->done) < NFINISHERS &&
	     !load(&b->bad); kills++) {
		long start = now_ms();
		pid_t h = 0;
		int v = -1, k;

		/* Wait for a victim to hold the mutex. */
		while (v < 0 && now_ms() - start < STALL_MS && !load(&b->bad)) {
			h = __atomic_load_n(&b->holder, __ATOMIC_SEQ_CST);
			for (k = 0; k < NVICTIMS; k++)
				if (victims[k] == h)
					v = k;
			if (v < 0)
				usleep(200 + rand_r(&seed) % 800);
		}
		if (v < 0)
			break;
		/* Every third time also kill another victim, if asleep. */
		if (kills % 3 == 2) {
			k = (v + 1 + rand_r(&seed) % (NVICTIMS - 1)) % NVICTIMS;
			if (asleep(victims[k])) {
				kill_victim(b, victims[k]);
				ASSERT_EQ(128 + SIGKILL, wait_status(victims[k]));
				forget(self, victims[k]);
				victims[k] = spawn(self, victim, NFINISHERS + k);
				ASSERT_LT(0, victims[k]);
				sleeper_kills++;
			}
		}
		kill_victim(b, h);
		/* The undo is applied before the parent can reap it. */
		ASSERT_EQ(128 + SIGKILL, wait_status(h));
		forget(self, h);
		victims[v] = spawn(self, victim, NFINISHERS + v);
		ASSERT_LT(0, victims[v]);
		usleep(rand_r(&seed) % 5000);
	}
	/* Victims now leave the mutex at once and end. */
	__atomic_store_n(&b->stop, 1, __ATOMIC_SEQ_CST);
	stalled = wait_done(b, NFINISHERS);
	if (stalled || load(&b->bad))
		TH_LOG("stalled %d, %u done, progress %u, val %d ncnt %d: %s",
		       stalled, load(&b->done), load(&b->progress),
		       getval(id, 0), getncnt(id, 0), b->why);
	ASSERT_EQ(0, stalled);
	ASSERT_EQ(0, load(&b->bad));
	ASSERT_EQ(0, reap_all(self));
	TH_LOG("%d kills, %d of them while asleep; %u takeovers after a "
	       "killed holder, %u victim rounds", kills + sleeper_kills,
	       sleeper_kills, load(&b->takeovers), load(&b->victim_rounds));
	/* Victims linger in the mutex: most kills hit one holding it. */
	EXPECT_LT(0, load(&b->takeovers));
	EXPECT_EQ(NFINISHERS * 300, b->counter[0]);
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, getncnt(id, 0));
}

SVIPC_TEST_MAIN
