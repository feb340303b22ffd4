// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory under concurrency on a 2-vCPU machine, through libsvipc
 * only (the file also runs on a kernel without SysV IPC).  It proves that:
 *  - producers and consumers passing items through a ring buffer in a
 *    segment, guarded by an svipc semaphore set (empty/full counting
 *    semaphores and a mutex), deliver every item exactly once with every
 *    byte intact, as processes with an attach each or as threads sharing
 *    one attach (whose nattch stays 1 throughout);
 *  - attach/detach churn by processes and threads (SHM_RDONLY attaches,
 *    forks whose child exits or execs while attached, mprotect splits,
 *    munmap of the first or last page or of the whole attach) keeps
 *    nattch exact: at checkpoints where each worker holds a known attach
 *    it counts every VMA, as natively, and it ends at 0; a write through
 *    any attach is seen through all; a read-only one never turns writable;
 *  - IPC_RMID racing attaches by key and by id: attachers see only
 *    success, ENOENT (shmget) or EINVAL/EIDRM (shmat); an attach held
 *    across the RMID keeps the data and its own writes; the key is free
 *    at once; SHM_INFO's counts return to where they started;
 *  - attachers SIGKILLed at random moments (faulting pages in, between
 *    shmat and shmdt, split, two-threaded) leave nattch counting exactly
 *    the survivors' attaches, then 0.
 * Each child first detaches what it inherited from the test, so a test
 * counts only the attaches it means to.  No timing is asserted: clocks
 * only turn a hang (no progress for STALL_MS) into a failure saying what
 * was seen.  The teardown kills and reaps every child and removes every
 * object even when a test fails: no mapping is left to pin the module.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "common.h"

#define STALL_MS	30000		/* no progress this long = hung */
#define MAX_KIDS	16
#define SHM_DEST_BIT	01000		/* shm_perm.mode: removed, attached */

/* Producer/consumer: the ring and the receipts live in the segment. */
#define NSLOTS		8
#define PAYLOAD		600		/* items straddle page boundaries */
#define NPROD		3
#define NCONS		3
#define PER_PROD	1500
#define PER_CONS	(NPROD * PER_PROD / NCONS)
#define POISON		0xa5a5a5a5u	/* a consumed slot */

enum { SEM_EMPTY, SEM_FULL, SEM_MUTEX };

struct item {
	uint32_t prod;
	uint32_t seq;
	unsigned char payload[PAYLOAD];
};

struct ring {
	uint32_t head, tail;		/* under the mutex semaphore */
	uint32_t inside;		/* someone is in the critical section */
	struct item slot[NSLOTS];
	uint32_t seen[NPROD][PER_PROD];
};

/* Churn: processes of two threads each; a worker is one thread. */
#define CH_PROCS	3
#define CH_WORKERS	(CH_PROCS * 2)
#define CH_PAGES	4
#define CH_ROUNDS	90
#define CH_CHECKS	6		/* checkpoints with a known nattch */
#define CH_FINAL	0xf1a10000u

/* RMID race. */
#define RM_PAGES	3
#define RM_GENS		150
#define RM_ATTACHERS	3

/* Killed attachers. */
#define K_PAGES		32
#define K_VICTIMS	4
#define K_ROUNDS	40
#define K_HELD		6		/* the test's 1 + survivors' 2 + 3 */

/* Shared by the test and its children (MAP_SHARED) and threads. */
struct board {
	int shmid;
	int semid;
	key_t key;
	int threads;			/* producer/consumer as threads */
	unsigned int progress;		/* anything done by anyone */
	unsigned int done;		/* workers that finished well */
	unsigned int stop;		/* the test is ending: give up */
	unsigned int claimed, bad;	/* failures: being reported, reported */
	char why[256];
	long nattch_lo, nattch_hi;	/* await() keeps nattch in range */
	unsigned int parked, go;	/* churn checkpoints */
	int cur_id;			/* RMID race: newest segment */
	unsigned int cur_gen, holding, removed_gen, release;
	unsigned int ok, enoent, einval, eidrm, held_over;
	unsigned int cycles[K_VICTIMS];	/* attaches by each victim */
	unsigned int ready;
};

static struct board *board;		/* set up before any fork */

FIXTURE(stress) {
	int shmids[4];
	int nshm;
	int semid;
	void *att[4];			/* the test process's attaches */
	int natt;
	pid_t kids[MAX_KIDS];
	int nkids;
	pthread_t threads[NPROD + NCONS];
	int nthreads;
	long t0;
};

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define ADD(p, v)	__atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long pgsz(void)
{
	return sysconf(_SC_PAGESIZE);
}

/*
 * Record a failure.  The first one's text is kept, and written before
 * bad counts it, so that whoever sees bad reads the whole text.
 * Returns 1.
 */
static int __attribute__((format(printf, 1, 2))) report(const char *fmt, ...)
{
	int i, first = ADD(&board->claimed, 1) == 0;
	va_list ap;

	if (first) {
		va_start(ap, fmt);
		vsnprintf(board->why, sizeof(board->why), fmt, ap);
		va_end(ap);
	}
	for (i = 0; !first && !LOAD(&board->bad) && i < 1000; i++)
		usleep(1000);
	ADD(&board->bad, 1);
	return 1;
}

/* The same, with errno's text appended. */
#define report_err(fmt, ...) report(fmt ": %s", ##__VA_ARGS__, strerror(errno))

static long nattch(int id)
{
	struct shmid_ds ds;

	if (svipc_shmctl(id, IPC_STAT, &ds))
		return -errno;
	return ds.shm_nattch;
}

FIXTURE_SETUP(stress)
{
	board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, board);
	board->shmid = board->semid = board->cur_id = -1;
	self->semid = -1;
	self->t0 = now_ms();
	ASSERT_LE(0, svipc_fd());
}

/*
 * Remove the semaphores first (sleepers wake with EIDRM and, seeing
 * stop, end), kill and reap every child, then detach and remove every
 * segment, including one a remover made by key.
 */
FIXTURE_TEARDOWN(stress)
{
	int i, id;

	STORE(&board->stop, 1);
	if (self->semid >= 0)
		svipc_semctl(self->semid, 0, IPC_RMID);
	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] > 0)
			kill(self->kids[i], SIGKILL);
	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] > 0)
			waitpid(self->kids[i], NULL, 0);
	/* Threads still running may use the attaches: exit unmaps those. */
	for (i = 0; !self->nthreads && i < self->natt; i++)
		if (self->att[i])
			svipc_shmdt(self->att[i]);
	for (i = 0; i < self->nshm; i++)
		svipc_shmctl(self->shmids[i], IPC_RMID, NULL);
	id = board->key ? svipc_shmget(board->key, 0, 0) : -1;
	if (id >= 0)
		svipc_shmctl(id, IPC_RMID, NULL);
	TH_LOG("took %ld ms", now_ms() - self->t0);
}

/* ---- helpers --------------------------------------------------------- */

static int new_seg(FIXTURE_DATA(stress) *self, size_t size)
{
	int id = svipc_shmget(IPC_PRIVATE, size, 0600);

	if (id >= 0 && self->nshm < 4)
		self->shmids[self->nshm++] = id;
	board->shmid = id;
	return id;
}

/* shmat by the test process, remembered for the teardown. */
static void *attach(FIXTURE_DATA(stress) *self, int flg)
{
	void *p = svipc_shmat(board->shmid, NULL, flg);

	if (p != (void *)-1 && self->natt < 4)
		self->att[self->natt++] = p;
	return p;
}

static int detach(FIXTURE_DATA(stress) *self, void *p)
{
	int i;

	for (i = 0; i < self->natt; i++)
		if (self->att[i] == p)
			self->att[i] = NULL;
	return svipc_shmdt(p);
}

/*
 * Fork a worker running @fn, which first detaches the test's attaches it
 * inherited; the slot of a reaped child is reused.
 */
static pid_t spawn(FIXTURE_DATA(stress) *self, int (*fn)(int), int idx)
{
	pid_t pid;
	int i;

	for (i = 0; i < self->nkids && self->kids[i] > 0; i++)
		;
	if (i == MAX_KIDS)
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0; i < self->natt; i++)
			if (self->att[i] && svipc_shmdt(self->att[i]))
				_exit(report_err("child %d: shmdt of an inherited attach", idx));
		_exit(fn(idx));
	}
	if (pid > 0) {
		self->kids[i] = pid;
		self->nkids += i == self->nkids;
	}
	return pid;
}

/* Has nothing progressed for STALL_MS?  *@last and *@since track it. */
static int stalled(unsigned int *last, long *since)
{
	unsigned int p = LOAD(&board->progress);

	if (p == *last)
		return now_ms() - *since > STALL_MS;
	*last = p;
	*since = now_ms();
	return 0;
}

/*
 * In the test process: wait until *@ctr reaches @want, while watching
 * for a failure, a child that ends badly, nattch out of the board's
 * range, and a stall.  Returns 0, or -1 with the reason in board->why.
 */
static int await(FIXTURE_DATA(stress) *self, unsigned int *ctr,
		 unsigned int want, const char *what)
{
	unsigned int last = LOAD(&board->progress);
	long since = now_ms(), n;
	int i, st;

	while (LOAD(ctr) < want) {
		if (LOAD(&board->bad))
			return -1;
		for (i = 0; i < self->nkids; i++) {
			if (self->kids[i] <= 0 ||
			    waitpid(self->kids[i], &st, WNOHANG) != self->kids[i])
				continue;
			self->kids[i] = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				return -report("child %d ended (status %#x) while waiting for %s",
					       i, st, what);
		}
		n = board->nattch_hi ? nattch(board->shmid) : 0;
		if (n < board->nattch_lo || n > board->nattch_hi)
			return -report("nattch %ld, not within %ld..%ld, while waiting for %s",
				       n, board->nattch_lo, board->nattch_hi, what);
		if (stalled(&last, &since))
			return -report("no progress for %d s waiting for %s: %u of %u, progress %u",
				       STALL_MS / 1000, what, LOAD(ctr), want, last);
		usleep(2000);
	}
	return 0;
}

/* Reap @pid (whatever its end) within STALL_MS: its status, or -1. */
static int reap(FIXTURE_DATA(stress) *self, pid_t pid)
{
	long since = now_ms();
	pid_t r;
	int i, st;

	while ((r = waitpid(pid, &st, WNOHANG)) == 0 &&
	       now_ms() - since < STALL_MS)
		usleep(1000);
	if (r != pid)
		return -1;
	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] == pid)
			self->kids[i] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Reap every child left, each of which must exit 0. */
static int reap_all(FIXTURE_DATA(stress) *self)
{
	int i, st, ret = 0;

	for (i = 0; i < self->nkids; i++) {
		st = self->kids[i] > 0 ? reap(self, self->kids[i]) : 0;
		if (st)
			ret = -report("child %d ended with %d", i, st);
	}
	return ret;
}

/*
 * In a worker: wait until *@ctr reaches @want.  Returns 0, or 1 when the
 * test failed or ends, or after a stall (reported).
 */
static int wait_for(unsigned int *ctr, unsigned int want, int idx,
		    const char *what)
{
	unsigned int last = LOAD(&board->progress);
	long since = now_ms();

	while (LOAD(ctr) < want) {
		if (LOAD(&board->stop) || LOAD(&board->bad))
			return 1;
		if (stalled(&last, &since))
			return report("worker %d: no progress for %d s waiting for %s",
				      idx, STALL_MS / 1000, what);
		usleep(500);
	}
	return 0;
}

/* ---- producer/consumer ------------------------------------------------ */

static struct ring *pc_ring;		/* the threads' shared attach */

static int getval(int n)
{
	return svipc_semctl(board->semid, n, GETVAL);
}

/* A payload byte: depends on the producer, the sequence and the offset. */
static unsigned char pat(uint32_t prod, uint32_t seq, unsigned int i)
{
	uint32_t x = (prod + 1) * 0x9e3779b1u ^ (seq + 1) * 0x85ebca77u ^
		     (i + 1) * 0xc2b2ae3du;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return x ^ x >> 12;
}

/* P or V on two semaphores: one two-op call, or two single calls. */
static int take(struct sembuf *ops, int two, int idx, const char *what)
{
	if (two ? !svipc_semop(board->semid, ops, 2) :
		  !svipc_semop(board->semid, &ops[0], 1) &&
		  !svipc_semop(board->semid, &ops[1], 1))
		return 0;
	return LOAD(&board->stop) ? 1 : report_err("worker %d: %s", idx, what);
}

static int cs_enter(struct ring *r, int idx)
{
	if (__atomic_exchange_n(&r->inside, 1, __ATOMIC_SEQ_CST))
		return report("worker %d found another inside the mutex", idx);
	return 0;
}

/* A consumer checks every byte of the item it takes, then poisons it. */
static int check_item(struct ring *r, struct item *it, int idx)
{
	int i;

	if (it->prod >= NPROD || it->seq >= PER_PROD)
		return report("consumer %d: slot holds item %#x/%#x", idx,
			      it->prod, it->seq);
	for (i = 0; i < PAYLOAD; i++)
		if (it->payload[i] != pat(it->prod, it->seq, i))
			return report("consumer %d: item %u/%u byte %d is %#x, not %#x",
				      idx, it->prod, it->seq, i, it->payload[i],
				      pat(it->prod, it->seq, i));
	if (ADD(&r->seen[it->prod][it->seq], 1))
		return report("consumer %d: item %u/%u received twice", idx,
			      it->prod, it->seq);
	memset(it, 0xa5, sizeof(*it));
	return 0;
}

/* Workers 0..NPROD-1 put PER_PROD items each, the others take PER_CONS. */
static int pc_loop(struct ring *r, int idx)
{
	int put = idx < NPROD, n, i;
	struct sembuf p[2] = { { put ? SEM_EMPTY : SEM_FULL, -1, 0 },
			       { SEM_MUTEX, -1, 0 } };
	struct sembuf v[2] = { { SEM_MUTEX, 1, 0 },
			       { put ? SEM_FULL : SEM_EMPTY, 1, 0 } };
	struct item *it;
	uint32_t fill;

	for (n = 0; n < (put ? PER_PROD : PER_CONS); n++) {
		if (take(p, idx & 1, idx, "P") || cs_enter(r, idx))
			return 1;
		fill = r->head - r->tail;
		if (put ? fill >= NSLOTS : !fill)
			return report("worker %d: %u items in the ring after P", idx,
				      fill);
		it = &r->slot[(put ? r->head++ : r->tail++) % NSLOTS];
		if (put && it->prod != POISON)
			return report("producer %d: slot still holds item %u/%u",
				      idx, it->prod, it->seq);
		for (i = 0; put && i < PAYLOAD; i++) {
			it->payload[i] = pat(idx, n, i);
			if (i == PAYLOAD / 2 && n % 8 == 0)
				sched_yield();
		}
		if (put) {
			it->prod = idx;
			it->seq = n;
		} else if (check_item(r, it, idx - NPROD)) {
			return 1;
		}
		STORE(&r->inside, 0);
		if (take(v, idx & 1, idx, "V"))
			return 1;
		ADD(&board->progress, 1);
	}
	return 0;
}

static int pc_worker(int idx)
{
	struct ring *r = board->threads ? pc_ring :
			 svipc_shmat(board->shmid, NULL, 0);
	int ret;

	if (r == (void *)-1)
		return report_err("worker %d: shmat", idx);
	ret = pc_loop(r, idx);
	if (!board->threads && svipc_shmdt(r))
		return report_err("worker %d: shmdt", idx);
	if (!ret)
		ADD(&board->done, 1);
	return ret;
}

static void *pc_thread(void *idx)
{
	return (void *)(long)pc_worker((long)idx);
}

static void run_pc(struct __test_metadata *_metadata,
		   FIXTURE_DATA(stress) *self, int threads)
{
	union semun { int val; } arg = { NSLOTS };
	int i, j, n = NPROD + NCONS, wrong = 0;
	struct ring *r;
	void *rv;

	board->threads = threads;
	ASSERT_LE(0, new_seg(self, sizeof(struct ring)));
	r = pc_ring = attach(self, 0);
	ASSERT_NE((void *)-1, r);
	memset(r->slot, 0xa5, sizeof(r->slot));
	board->semid = self->semid = svipc_semget(IPC_PRIVATE, 3, 0600);
	ASSERT_LE(0, board->semid);
	ASSERT_EQ(0, svipc_semctl(board->semid, SEM_EMPTY, SETVAL, arg));
	arg.val = 1;
	ASSERT_EQ(0, svipc_semctl(board->semid, SEM_MUTEX, SETVAL, arg));
	/*
	 * Threads use the test's one attach.  A process holds one at a time,
	 * but while in shmat also the temporary count that keeps the segment
	 * alive as it maps (as native do_shmat does).
	 */
	board->nattch_lo = 1;
	board->nattch_hi = threads ? 1 : 1 + 2 * n;
	/* Consumers first, so that they start out asleep on "full". */
	for (i = n - 1; i >= 0; i--) {
		if (!threads) {
			ASSERT_LT(0, spawn(self, pc_worker, i));
			continue;
		}
		ASSERT_EQ(0, pthread_create(&self->threads[self->nthreads], NULL,
					    pc_thread, (void *)(long)i));
		self->nthreads++;
	}
	if (await(self, &board->done, n, "the producers and consumers"))
		TH_LOG("head %u tail %u; empty %d full %d mutex %d", r->head,
		       r->tail, getval(SEM_EMPTY), getval(SEM_FULL),
		       getval(SEM_MUTEX));
	ASSERT_EQ(0, LOAD(&board->bad)) TH_LOG("%s", board->why);
	board->nattch_lo = board->nattch_hi = 0;
	while (self->nthreads > 0) {
		self->nthreads--;
		ASSERT_EQ(0, pthread_join(self->threads[self->nthreads], &rv));
		ASSERT_EQ(NULL, rv) TH_LOG("%s", board->why);
	}
	ASSERT_EQ(0, reap_all(self)) TH_LOG("%s", board->why);
	EXPECT_EQ(1, nattch(board->shmid));
	EXPECT_EQ(NPROD * PER_PROD, r->head);
	EXPECT_EQ(r->head, r->tail);
	for (i = 0; i < NPROD; i++)
		for (j = 0; j < PER_PROD; j++)
			if (r->seen[i][j] != 1 && wrong++ < 5)
				TH_LOG("item %d/%d received %u times", i, j,
				       r->seen[i][j]);
	EXPECT_EQ(0, wrong);
	for (i = 0; i < NSLOTS; i++)
		EXPECT_EQ(POISON, r->slot[i].prod) TH_LOG("slot %d", i);
	EXPECT_EQ(NSLOTS, getval(SEM_EMPTY));
	EXPECT_EQ(0, getval(SEM_FULL));
	EXPECT_EQ(1, getval(SEM_MUTEX));
	EXPECT_EQ(0, detach(self, r));
	EXPECT_EQ(0, nattch(board->shmid));
}

TEST_F_TIMEOUT(stress, producer_consumer_through_a_segment_guarded_by_semaphores_checks_every_byte, 300)
{
	run_pc(_metadata, self, 0);
}

TEST_F_TIMEOUT(stress, producer_consumer_threads_sharing_one_attach_check_every_byte, 300)
{
	run_pc(_metadata, self, 1);
}

/* ---- attach/detach churn ---------------------------------------------- */

/* Worker @idx's word, in page 2, which no churn operation unmaps. */
static volatile uint32_t *stamp_at(void *p, int idx)
{
	return (volatile uint32_t *)((char *)p + 2 * pgsz() + idx * 64);
}

/*
 * Fork while attached: the child checks the stamp through the inherited
 * attach, writes its complement, then exits or execs (which drops the
 * attach).  Returns the child's exit status.
 */
static int forked(volatile uint32_t *w, uint32_t stamp, int exec)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (*w != stamp)
			_exit(2);
		*w = ~stamp;
		if (exec)
			execl("/bin/true", "true", (char *)NULL);
		_exit(exec ? 127 : 0);
	}
	if (c < 0 || waitpid(c, &st, 0) != c)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int churn_round(int idx, int round, unsigned int *seed)
{
	uint32_t stamp = (uint32_t)idx << 16 | round;
	int op = rand_r(seed) % 6, st;
	char *rw, *ro = NULL;
	long pg = pgsz();

	rw = svipc_shmat(board->shmid, NULL, 0);
	if (rw == (void *)-1)
		return report_err("worker %d: shmat", idx);
	*stamp_at(rw, idx) = stamp;
	if (round & 1) {
		ro = svipc_shmat(board->shmid, NULL, SHM_RDONLY);
		if (ro == (void *)-1)
			return report_err("worker %d: shmat SHM_RDONLY", idx);
		if (*stamp_at(ro, idx) != stamp)
			return report("worker %d: read-only attach reads %#x, not %#x",
				      idx, *stamp_at(ro, idx), stamp);
		if (!mprotect(ro, pg, PROT_READ | PROT_WRITE) || errno != EACCES)
			return report_err("worker %d: mprotect of a SHM_RDONLY attach to writable",
					  idx);
	}
	switch (op) {
	case 0:		/* split into three VMAs */
		if (mprotect(rw + pg, pg, PROT_READ))
			return report_err("worker %d: mprotect", idx);
		*stamp_at(rw, idx) = ++stamp;
		break;
	case 1:		/* drop the last page; shmdt takes the rest */
	case 2:		/* drop the first page; shmdt still finds the rest */
		if (munmap(rw + (op == 1 ? (CH_PAGES - 1) * pg : 0), pg))
			return report_err("worker %d: munmap", idx);
		break;
	case 3:		/* a child inherits the attach and exits... */
	case 4:		/* ...or execs */
		st = forked(stamp_at(rw, idx), stamp, op == 4);
		if (st)
			return report("worker %d: %s child ended with %d", idx,
				      op == 4 ? "exec" : "fork", st);
		stamp = ~stamp;
		break;
	default:	/* munmap instead of shmdt */
		if (munmap(rw, CH_PAGES * pg))
			return report_err("worker %d: munmap", idx);
		rw = NULL;
		break;
	}
	if (rw && *stamp_at(rw, idx) != stamp)
		return report("worker %d: op %d: reads %#x, not %#x", idx, op,
			      *stamp_at(rw, idx), stamp);
	if (ro && *stamp_at(ro, idx) != stamp)
		return report("worker %d: op %d: read-only attach reads %#x, not %#x",
			      idx, op, *stamp_at(ro, idx), stamp);
	if (rw && svipc_shmdt(rw))
		return report_err("worker %d: op %d: shmdt", idx, op);
	if (ro && svipc_shmdt(ro))
		return report_err("worker %d: shmdt SHM_RDONLY", idx);
	ADD(&board->progress, 1);
	return 0;
}

/*
 * Checkpoint @k: hold one attach (odd workers split it in three VMAs)
 * until the test has checked nattch.
 */
static int park(int idx, unsigned int k)
{
	char *p = svipc_shmat(board->shmid, NULL, 0);

	if (p == (void *)-1)
		return report_err("worker %d: shmat", idx);
	if ((idx & 1) && mprotect(p + pgsz(), pgsz(), PROT_READ))
		return report_err("worker %d: mprotect", idx);
	ADD(&board->parked, 1);
	if (wait_for(&board->go, k, idx, "the end of a checkpoint"))
		return 1;
	if (svipc_shmdt(p))
		return report_err("worker %d: shmdt", idx);
	return 0;
}

/* Worker @idx's rounds, then a last word for the test to read. */
static void *churn_thread(void *arg)
{
	int idx = (long)arg, r, every = CH_ROUNDS / CH_CHECKS;
	unsigned int seed = idx * 7919 + 17;
	char *q;

	for (r = 0; r < CH_ROUNDS; r++)
		if (churn_round(idx, r, &seed) ||
		    ((r + 1) % every == 0 && park(idx, (r + 1) / every)))
			return (void *)1;
	q = svipc_shmat(board->shmid, NULL, 0);
	if (q == (void *)-1)
		return (void *)(long)report_err("worker %d: shmat", idx);
	*stamp_at(q, idx) = CH_FINAL | idx;
	if (svipc_shmdt(q))
		return (void *)(long)report_err("worker %d: shmdt", idx);
	ADD(&board->done, 1);
	return NULL;
}

/* A process of two workers: a second thread and the main one. */
static int churner(int proc)
{
	void *r0, *r1 = (void *)1;
	pthread_t th;

	if (pthread_create(&th, NULL, churn_thread, (void *)(long)(proc * 2 + 1)))
		return report("churner %d: pthread_create failed", proc);
	r0 = churn_thread((void *)(long)(proc * 2));
	pthread_join(th, &r1);
	return r0 || r1;
}

TEST_F_TIMEOUT(stress, attach_detach_churn_with_forks_execs_and_splits_keeps_nattch_exact, 300)
{
	long pg = pgsz(), held = 5, want = held;
	char *a, *ro, *split;
	unsigned int k;
	int i;

	ASSERT_LE(0, new_seg(self, CH_PAGES * pg));
	a = attach(self, 0);
	ro = attach(self, SHM_RDONLY);
	split = attach(self, 0);
	ASSERT_NE((void *)-1, a);
	ASSERT_NE((void *)-1, ro);
	ASSERT_NE((void *)-1, split);
	ASSERT_EQ(0, mprotect(split + pg, pg, PROT_READ));
	/* 1 + 1 + 3: nattch counts VMAs, as natively. */
	ASSERT_EQ(held, nattch(board->shmid));
	for (i = 0; i < CH_WORKERS; i++)
		want += (i & 1) ? 3 : 1;
	for (i = 0; i < CH_PROCS; i++)
		ASSERT_LT(0, spawn(self, churner, i));
	for (k = 1; k <= CH_CHECKS; k++) {
		ASSERT_EQ(0, await(self, &board->parked, k * CH_WORKERS,
				   "the workers to park")) TH_LOG("%s", board->why);
		/* Every worker holds exactly its checkpoint attach now. */
		EXPECT_EQ(want, nattch(board->shmid)) TH_LOG("checkpoint %u", k);
		STORE(&board->go, k);
	}
	ASSERT_EQ(0, await(self, &board->done, CH_WORKERS, "the workers"))
		TH_LOG("%s", board->why);
	ASSERT_EQ(0, reap_all(self)) TH_LOG("%s", board->why);
	EXPECT_EQ(0, LOAD(&board->bad)) TH_LOG("%s", board->why);
	TH_LOG("%u rounds", LOAD(&board->progress));
	EXPECT_EQ(held, nattch(board->shmid));
	for (i = 0; i < CH_WORKERS; i++)
		EXPECT_EQ(CH_FINAL | i, *stamp_at(ro, i)) TH_LOG("worker %d", i);
	EXPECT_EQ(0, detach(self, a));
	EXPECT_EQ(0, detach(self, split));
	EXPECT_EQ(1, nattch(board->shmid));
	EXPECT_EQ(0, detach(self, ro));
	EXPECT_EQ(0, nattch(board->shmid));
}

/* ---- IPC_RMID racing attaches ------------------------------------------ */

/*
 * The segment of generation g: word 0 is g, the first two pages a
 * pattern of g, and attacher i writes to word i * 16 of the last page.
 */
static uint32_t rm_word(uint32_t gen, unsigned int i)
{
	return gen * 2654435761u + i;
}

static int rm_check(volatile uint32_t *w, uint32_t gen, int idx,
		    const char *when)
{
	unsigned int i;

	for (i = 0; i < 2 * pgsz() / 4; i++)
		if (w[i] != (i ? rm_word(gen, i) : gen))
			return report("%d %s: generation %u word %u is %#x", idx,
				      when, gen, i, w[i]);
	return 0;
}

static int remover(int idx)
{
	size_t size = RM_PAGES * pgsz(), i;
	volatile uint32_t *w;
	struct shmid_ds ds;
	unsigned int gen;
	int id;

	for (gen = 1; gen <= RM_GENS; gen++) {
		/* The key is free at once, however attached the last one. */
		id = svipc_shmget(board->key, size, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0)
			return report_err("remover: shmget, generation %u", gen);
		w = svipc_shmat(id, NULL, 0);
		if (w == (void *)-1)
			return report_err("remover: shmat");
		for (i = 1; i < 2 * pgsz() / 4; i++)
			w[i] = rm_word(gen, i);
		__atomic_store_n(&w[0], gen, __ATOMIC_RELEASE);
		STORE(&board->cur_id, id);
		STORE(&board->cur_gen, gen);
		/* Every other time, wait for an attacher to hold it. */
		if (gen % 2 == 0 &&
		    wait_for(&board->holding, gen, 0, "an attacher to hold it"))
			return 1;
		if (svipc_shmctl(id, IPC_RMID, NULL))
			return report_err("remover: IPC_RMID");
		/* Still attached by us: there, marked, its key private. */
		if (svipc_shmctl(id, IPC_STAT, &ds))
			return report_err("remover: IPC_STAT after RMID");
		if (!(ds.shm_perm.mode & SHM_DEST_BIT) ||
		    ds.shm_perm.__key != IPC_PRIVATE)
			return report("remover: after RMID mode %#o key %#x",
				      ds.shm_perm.mode, ds.shm_perm.__key);
		if (svipc_shmget(board->key, 0, 0) >= 0 || errno != ENOENT)
			return report_err("remover: the key still finds a segment after RMID");
		STORE(&board->removed_gen, gen);
		if (rm_check(w, gen, idx, "remover after RMID"))
			return 1;
		if (svipc_shmdt((void *)w))
			return report_err("remover: shmdt");
		ADD(&board->progress, 1);
	}
	STORE(&board->release, 1);
	return 0;
}

/* Attach by id or key, read-only or not, for as long as the remover runs. */
static int attacher(int idx)
{
	volatile uint32_t *w, *mine;
	unsigned int n, g, old;
	int id, flg;

	for (n = 0; !LOAD(&board->release) && !LOAD(&board->stop); n++) {
		id = n % 2 ? svipc_shmget(board->key, RM_PAGES * pgsz(), 0) :
			     LOAD(&board->cur_id);
		if (id < 0 && n % 2 && errno != ENOENT)
			return report_err("attacher %d: shmget", idx);
		if (id < 0) {
			ADD(&board->enoent, n % 2);
			sched_yield();
			continue;
		}
		flg = n % 3 == 0 ? SHM_RDONLY : 0;
		w = svipc_shmat(id, NULL, flg);
		if (w == (void *)-1 && errno != EINVAL && errno != EIDRM)
			return report_err("attacher %d: shmat", idx);
		if (w == (void *)-1) {
			ADD(errno == EINVAL ? &board->einval : &board->eidrm, 1);
			continue;
		}
		ADD(&board->ok, 1);
		/* 0: attached by key before the remover filled it in. */
		g = __atomic_load_n(&w[0], __ATOMIC_ACQUIRE);
		if (g && rm_check(w, g, idx, "attacher"))
			return 1;
		mine = w + (RM_PAGES - 1) * pgsz() / 4 + idx * 16;
		old = LOAD(&board->holding);
		/* Be the one that holds it across its removal. */
		if (g && !flg && old < g &&
		    __atomic_compare_exchange_n(&board->holding, &old, g, 0,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			*mine = g << 8 | idx;
			if (wait_for(&board->removed_gen, g, idx, "the segment's removal") ||
			    rm_check(w, g, idx, "attacher after RMID"))
				return 1;
			if (*mine != (g << 8 | idx))
				return report("attacher %d: own write lost after RMID", idx);
			ADD(&board->held_over, 1);
		}
		if (svipc_shmdt((void *)w))
			return report_err("attacher %d: shmdt", idx);
		ADD(&board->progress, 1);
	}
	ADD(&board->done, 1);
	return 0;
}

TEST_F_TIMEOUT(stress, ipc_rmid_racing_attaches_gives_only_native_errors_and_leaks_nothing, 300)
{
	struct shm_info before, after;
	struct board *b = board;
	int i;

	b->key = test_key(1);
	ASSERT_LE(0, svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&before));
	ASSERT_LT(0, spawn(self, remover, 0));
	for (i = 1; i <= RM_ATTACHERS; i++)
		ASSERT_LT(0, spawn(self, attacher, i));
	ASSERT_EQ(0, await(self, &b->release, 1, "the remover"))
		TH_LOG("%s; generation %u", b->why, LOAD(&b->cur_gen));
	ASSERT_EQ(0, await(self, &b->done, RM_ATTACHERS, "the attachers"))
		TH_LOG("%s", b->why);
	ASSERT_EQ(0, reap_all(self)) TH_LOG("%s", b->why);
	EXPECT_EQ(0, LOAD(&b->bad)) TH_LOG("%s", b->why);
	TH_LOG("%u attaches, %u held across RMID; ENOENT %u, EINVAL %u, EIDRM %u",
	       b->ok, b->held_over, b->enoent, b->einval, b->eidrm);
	/* Each even generation was removed under a holder's attach. */
	EXPECT_LE(RM_GENS / 2, b->held_over);
	EXPECT_EQ(-1, svipc_shmget(b->key, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_LE(0, svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&after));
	EXPECT_EQ(before.used_ids, after.used_ids);
	EXPECT_EQ(before.shm_tot, after.shm_tot);
	EXPECT_EQ(before.shm_rss, after.shm_rss);
}

/* ---- killed attachers --------------------------------------------------- */

/*
 * Attach, fault every page in, sometimes split; keep up to three attaches
 * held.  @arg is the victim's index * 2 + its thread.
 */
static void *victim_loop(void *arg)
{
	int who = (long)arg, idx = who / 2, nheld = 0, n, i;
	char *held[3], *q;
	long pg = pgsz();

	for (n = 0; ; n++) {
		q = svipc_shmat(board->shmid, NULL, 0);
		if (q == (void *)-1)
			_exit(report_err("victim %d: shmat", idx));
		ADD(&board->cycles[idx], 1);
		for (i = 1; i < K_PAGES; i++)
			q[i * pg + who] = n;
		if (q[0] != 0x5a)
			_exit(report("victim %d: page 0 reads %#x", idx, q[0]));
		if (n % 3 == 0 && mprotect(q + 2 * pg, pg, PROT_READ))
			_exit(report_err("victim %d: mprotect", idx));
		held[nheld++] = q;
		while ((nheld == 3 || n % 2) && nheld)
			if (svipc_shmdt(held[--nheld]))
				_exit(report_err("victim %d: shmdt", idx));
	}
	return NULL;
}

/* Runs until killed; odd victims with a second thread. */
static int victim(int idx)
{
	pthread_t th;

	if ((idx & 1) &&
	    pthread_create(&th, NULL, victim_loop, (void *)(long)(idx * 2 + 1)))
		return report("victim %d: pthread_create failed", idx);
	victim_loop((void *)(long)(idx * 2));
	return 1;
}

/* Survivor 0 holds two attaches, survivor 1 one split into three VMAs. */
static int survivor(int idx)
{
	char *p[2] = { NULL, NULL };
	int i;

	for (i = 0; i < 2 - idx; i++) {
		p[i] = svipc_shmat(board->shmid, NULL, 0);
		if (p[i] == (void *)-1)
			return report_err("survivor %d: shmat", idx);
	}
	if (idx && mprotect(p[0] + pgsz(), pgsz(), PROT_READ))
		return report_err("survivor %d: mprotect", idx);
	ADD(&board->ready, 1);
	if (wait_for(&board->release, 1, idx, "the end of the kills"))
		return 1;
	for (i = 0; i < 2 - idx; i++) {
		if (p[i][0] != 0x5a || p[i][pgsz() - 1] != 0x5a)
			return report("survivor %d: page 0 changed", idx);
		if (svipc_shmdt(p[i]))
			return report_err("survivor %d: shmdt", idx);
	}
	ADD(&board->done, 1);
	return 0;
}

TEST_F_TIMEOUT(stress, attachers_killed_at_random_moments_leave_nattch_counting_the_survivors, 300)
{
	struct board *b = board;
	unsigned int seed = 1;
	pid_t v[K_VICTIMS];
	int round, i, first;
	char *mine;

	ASSERT_LE(0, new_seg(self, K_PAGES * pgsz()));
	mine = attach(self, 0);
	ASSERT_NE((void *)-1, mine);
	memset(mine, 0x5a, pgsz());
	for (i = 0; i < 2; i++)
		ASSERT_LT(0, spawn(self, survivor, i));
	ASSERT_EQ(0, await(self, &b->ready, 2, "the survivors"))
		TH_LOG("%s", b->why);
	ASSERT_EQ(K_HELD, nattch(b->shmid));
	for (round = 0; round < K_ROUNDS; round++) {
		memset(b->cycles, 0, sizeof(b->cycles));
		for (i = 0; i < K_VICTIMS; i++) {
			v[i] = spawn(self, victim, i);
			ASSERT_LT(0, v[i]);
		}
		/* Let each attach a few times, then kill at a random point. */
		for (i = 0; i < K_VICTIMS; i++)
			ASSERT_EQ(0, await(self, &b->cycles[i],
					   1 + rand_r(&seed) % 4, "a victim"))
				TH_LOG("%s", b->why);
		usleep(rand_r(&seed) % 5000);
		first = rand_r(&seed) % K_VICTIMS;
		for (i = 0; i < K_VICTIMS; i++) {
			kill(v[(first + i) % K_VICTIMS], SIGKILL);
			if (rand_r(&seed) % 2)
				usleep(rand_r(&seed) % 1000);
		}
		for (i = 0; i < K_VICTIMS; i++)
			ASSERT_EQ(128 + SIGKILL, reap(self, v[i]))
				TH_LOG("victim %d: %s", i, b->why);
		/* Only the test's and the survivors' attaches are left. */
		ASSERT_EQ(K_HELD, nattch(b->shmid)) TH_LOG("round %d", round);
		ADD(&b->progress, 1);
	}
	STORE(&b->release, 1);
	ASSERT_EQ(0, await(self, &b->done, 2, "the survivors to detach"))
		TH_LOG("%s", b->why);
	ASSERT_EQ(0, reap_all(self)) TH_LOG("%s", b->why);
	EXPECT_EQ(0, LOAD(&b->bad)) TH_LOG("%s", b->why);
	EXPECT_EQ(1, nattch(b->shmid));
	EXPECT_EQ(0, detach(self, mine));
	EXPECT_EQ(0, nattch(b->shmid));
}

SVIPC_TEST_MAIN
