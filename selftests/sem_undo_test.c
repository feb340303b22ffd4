// SPDX-License-Identifier: GPL-2.0
/*
 * SEM_UNDO through libsvipc, as native Linux behaves: every semadj a
 * process collects is applied when the whole process is gone (normal
 * exit, SIGKILL while idle or asleep in semop, exit() from any thread)
 * and before its parent can reap it; the undo list is shared by the
 * threads of a process and applied once, kept across execve, not
 * inherited by fork; the exit-time undo clamps to [0, SEMVMX] and never
 * blocks; semadj outside [-32768, 32767] is ERANGE and changes nothing;
 * SETVAL and SETALL clear semadj in every process; IPC_RMID drops the
 * undo entries (a new set, even at the same index, is never touched);
 * the undo wakes sleepers; a sleeping semop completed for its process
 * records its semadj (or fails with ERANGE); and many processes dying
 * at random moments leave every semaphore as they found it.
 */
#include <pthread.h>
#include <sched.h>
#include <poll.h>
#include <sys/mman.h>

#include "common.h"

#define SEMVMX 32767
#define SEMAEM 32767
#define MAX_IDS 8
#define MAX_PIDS 16

/* Set in the environment of a re-executed copy of this program. */
#define EXEC_ENV "SVIPC_SEM_UNDO_TEST_EXEC_FD"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/*
 * The image a child execs in the execve tests: wait for a byte (or EOF)
 * on the descriptor named by EXEC_ENV (none if negative), then exit.
 */
static void __attribute__((constructor)) exec_image(void)
{
	const char *s = getenv(EXEC_ENV);
	char c;
	int fd;

	if (!s)
		return;
	fd = atoi(s);
	if (fd >= 0 && read(fd, &c, 1) < 0)
		_exit(2);
	_exit(0);
}

/* ---- helpers --------------------------------------------------------- */

static int getval(int id, int num)
{
	return svipc_semctl(id, num, GETVAL);
}

static int getpid_of(int id, int num)
{
	return svipc_semctl(id, num, GETPID);
}

static int getncnt(int id, int num)
{
	return svipc_semctl(id, num, GETNCNT);
}

static int getzcnt(int id, int num)
{
	return svipc_semctl(id, num, GETZCNT);
}

static int setval(int id, int num, int val)
{
	union semun arg = { .val = val };

	return svipc_semctl(id, num, SETVAL, arg);
}

static int setall(int id, unsigned short *vals)
{
	union semun arg = { .array = vals };

	return svipc_semctl(id, 0, SETALL, arg);
}

/* One semop of one sop: 0, or -errno. */
static int op1(int id, int num, int op, int flg)
{
	struct sembuf sb = {
		.sem_num = (unsigned short)num,
		.sem_op = (short)op,
		.sem_flg = (short)flg,
	};

	return svipc_semop(id, &sb, 1) ? -errno : 0;
}

/* Two sops in one atomic semop: 0, or -errno. */
static int op2(int id, int n1, int o1, int n2, int o2, int flg)
{
	struct sembuf sb[2] = {
		{ .sem_num = (unsigned short)n1, .sem_op = (short)o1, .sem_flg = (short)flg },
		{ .sem_num = (unsigned short)n2, .sem_op = (short)o2, .sem_flg = (short)flg },
	};

	return svipc_semop(id, sb, 2) ? -errno : 0;
}

/*
 * A child must never return into the harness (an ASSERT there would run
 * the fixture teardown in the child): it checks with CHILD_CHECK and
 * leaves with _exit.
 */
static void __attribute__((noreturn)) child_fail(int line)
{
	fprintf(stderr, "# child %d: check at line %d failed (errno %d: %s)\n",
		getpid(), line, errno, strerror(errno));
	_exit(1);
}

#define CHILD_CHECK(cond) do { if (!(cond)) child_fail(__LINE__); } while (0)

/*
 * Two pipes between the test and one child.  In each process rd is the
 * end it reads and wr the end it writes: the child says "ready", the
 * test says "go".
 */
struct kid {
	pid_t pid;
	int rd;
	int wr;
};

static int say(const struct kid *k)
{
	char c = 'x';

	return write(k->wr, &c, 1) == 1 ? 0 : -1;
}

/*
 * Wait for a byte.  The 20 s limit only turns a hang (a lost wake-up, a
 * child stuck on a bug) into a failure with cleanup, before the harness
 * kills the whole test and its sets are left behind.
 */
static int hear(const struct kid *k)
{
	struct pollfd pfd = { .fd = k->rd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, 20000) != 1)
		return -1;
	return read(k->rd, &c, 1) == 1 ? 0 : -1;
}

static int say_int(const struct kid *k, int v)
{
	return write(k->wr, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static int hear_int(const struct kid *k, int *v)
{
	struct pollfd pfd = { .fd = k->rd, .events = POLLIN };

	if (poll(&pfd, 1, 20000) != 1)
		return -1;
	return read(k->rd, v, sizeof(*v)) == sizeof(*v) ? 0 : -1;
}

/* Wait until thread @tid of this process is gone (reaped).  0 or -1. */
static int wait_thread_gone(pid_t tid)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/proc/self/task/%d", tid);
	for (i = 0; i < 20000; i++) {
		if (access(path, F_OK) && errno == ENOENT)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* ---- fixture: sets and children are cleaned up even on failure -------- */

FIXTURE(sem_undo) {
	int ids[MAX_IDS];
	int n;
	pid_t pids[MAX_PIDS];
	int npids;
};

FIXTURE_SETUP(sem_undo)
{
	self->n = 0;
	self->npids = 0;
}

FIXTURE_TEARDOWN(sem_undo)
{
	int i;

	for (i = 0; i < self->npids; i++) {
		if (self->pids[i] <= 0)
			continue;
		kill(self->pids[i], SIGKILL);
		waitpid(self->pids[i], NULL, 0);
	}
	for (i = 0; i < self->n; i++)
		if (self->ids[i] >= 0)
			svipc_semctl(self->ids[i], 0, IPC_RMID);
}

static int track(FIXTURE_DATA(sem_undo) *self, int id)
{
	if (id >= 0 && self->n < MAX_IDS)
		self->ids[self->n++] = id;
	return id;
}

/* IPC_RMID a tracked set; 0 or -1. */
static int rmid(FIXTURE_DATA(sem_undo) *self, int id)
{
	int i;

	for (i = 0; i < self->n; i++)
		if (self->ids[i] == id)
			self->ids[i] = -1;
	return svipc_semctl(id, 0, IPC_RMID);
}

#define MKSET(nsems) track(self, svipc_semget(IPC_PRIVATE, (nsems), 0600))

/*
 * fork() with a pipe pair to the child; the child is killed and reaped
 * by the teardown unless reap() got it first.  Returns 0 in the child,
 * the pid in the test, -1 on error.
 */
static pid_t spawn(FIXTURE_DATA(sem_undo) *self, struct kid *k)
{
	int up[2], down[2];
	pid_t pid;

	if (self->npids >= MAX_PIDS || pipe(up) || pipe(down))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		k->pid = getpid();
		k->rd = down[0];
		k->wr = up[1];
		return 0;
	}
	close(up[1]);
	close(down[0]);
	k->pid = pid;
	k->rd = up[0];
	k->wr = down[1];
	self->pids[self->npids++] = pid;
	return pid;
}

/*
 * Wait for a child: its wait_status(), or -1.  A child still running
 * after 20 s is stuck (see hear()): it is killed and -1 returned.
 */
static int wait_child(pid_t pid)
{
	int i, st;

	for (i = 0; i < 20000; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r < 0)
			return -1;
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			       WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* Reap a spawned child: its wait_status(), or -1. */
static int reap(FIXTURE_DATA(sem_undo) *self, struct kid *k)
{
	int i, st = wait_child(k->pid);

	for (i = 0; i < self->npids; i++)
		if (self->pids[i] == k->pid)
			self->pids[i] = 0;
	close(k->rd);
	close(k->wr);
	return st;
}

/* ---- exit: the undo is done before the parent can reap ---------------- */

TEST_F(sem_undo, increment_undone_at_normal_exit_before_waitpid_returns)
{
	struct kid k;
	int id = MKSET(1);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(1, getval(id, 0));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	/* No wait: waitpid returning means the undo is already applied. */
	EXPECT_EQ(0, getval(id, 0));
}

TEST_F(sem_undo, decrement_undone_at_normal_exit_and_only_undo_ops_reverted)
{
	unsigned short init[3] = { 3, 0, 7 };
	struct kid k;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(id, init));
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 0, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 1, 4, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 2, -2, IPC_NOWAIT) == 0);
		CHILD_CHECK(op2(id, 1, -1, 1, 2, SEM_UNDO | IPC_NOWAIT) == 0);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(5, getval(id, 1));
	EXPECT_EQ(5, getval(id, 2));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(3, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	/* The op without SEM_UNDO stays. */
	EXPECT_EQ(5, getval(id, 2));
}

TEST_F(sem_undo, exit_undo_sets_sempid_to_exiting_process_where_semadj_nonzero)
{
	struct kid k;
	int id = MKSET(2);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 2, SEM_UNDO) == 0);
		/* semadj of semaphore 1 ends at zero. */
		CHILD_CHECK(op1(id, 1, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(k.pid, getpid_of(id, 0));
	/* Make the test the last pid on both semaphores. */
	ASSERT_EQ(0, op1(id, 0, 1, 0));
	ASSERT_EQ(0, op1(id, 0, -1, IPC_NOWAIT));
	ASSERT_EQ(0, op1(id, 1, 1, 0));
	ASSERT_EQ(0, op1(id, 1, -1, IPC_NOWAIT));
	EXPECT_EQ(getpid(), getpid_of(id, 0));
	EXPECT_EQ(getpid(), getpid_of(id, 1));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(k.pid, getpid_of(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(getpid(), getpid_of(id, 1));
}

/* ---- SIGKILL --------------------------------------------------------- */

TEST_F(sem_undo, undone_when_killed_while_idle)
{
	struct kid k;
	int id = MKSET(2);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 4));
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 2, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, -3, SEM_UNDO | IPC_NOWAIT) == 0);
		say(&k);
		hear(&k);	/* never answered: killed here */
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(2, getval(id, 0));
	EXPECT_EQ(1, getval(id, 1));
	ASSERT_EQ(0, kill(k.pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, reap(self, &k));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(4, getval(id, 1));
}

TEST_F(sem_undo, undone_when_killed_while_blocked_in_semop_on_another_semaphore)
{
	struct kid k;
	int id = MKSET(2);
	int other = MKSET(1);

	ASSERT_LE(0, id);
	ASSERT_LE(0, other);
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 3, SEM_UNDO) == 0);
		CHILD_CHECK(op1(other, 0, 1, SEM_UNDO) == 0);
		/* Sleeps for ever: semaphore 1 stays 0. */
		op1(id, 1, -1, SEM_UNDO);
		_exit(1);
	}
	ASSERT_EQ(0, wait_blocked(k.pid));
	EXPECT_EQ(3, getval(id, 0));
	EXPECT_EQ(1, getval(other, 0));
	EXPECT_EQ(1, getncnt(id, 1));
	ASSERT_EQ(0, kill(k.pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, reap(self, &k));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(other, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(0, getncnt(id, 1));
	/* The dead sleeper takes nothing. */
	ASSERT_EQ(0, op1(id, 1, 1, 0));
	EXPECT_EQ(1, getval(id, 1));
}

/* ---- threads --------------------------------------------------------- */

struct thr_arg {
	int id;
	int num;
	int op;
	pid_t tid;
	int err;
};

static void *thr_op(void *p)
{
	struct thr_arg *a = p;

	a->tid = gettid();
	a->err = op1(a->id, a->num, a->op, SEM_UNDO);
	return NULL;	/* pthread_exit */
}

/* Run op in a new thread that then exits; wait until it is gone. */
static int op_in_dying_thread(int id, int num, int op)
{
	struct thr_arg a = { .id = id, .num = num, .op = op };
	pthread_t t;

	if (pthread_create(&t, NULL, thr_op, &a) || pthread_join(t, NULL))
		return -EAGAIN;
	if (wait_thread_gone(a.tid))
		return -ETIMEDOUT;
	return a.err;
}

TEST_F(sem_undo, pthread_exit_of_one_thread_does_not_apply_the_process_undo)
{
	struct kid k;
	int id = MKSET(1);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 10));
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op_in_dying_thread(id, 0, 1) == 0);
		/* The thread is reaped: its exit left the undo alone. */
		CHILD_CHECK(getval(id, 0) == 11);
		/* The list outlives that thread and keeps collecting. */
		CHILD_CHECK(op_in_dying_thread(id, 0, 2) == 0);
		CHILD_CHECK(getval(id, 0) == 13);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(13, getval(id, 0));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(10, getval(id, 0));
}

struct exiter_arg {
	int id;
	struct kid *k;
};

static void *thr_exiter(void *p)
{
	struct exiter_arg *a = p;

	CHILD_CHECK(op1(a->id, 0, 2, SEM_UNDO) == 0);
	CHILD_CHECK(op1(a->id, 1, 1, SEM_UNDO) == 0);
	say(a->k);
	hear(a->k);
	exit(0);
}

static void *thr_spinner(void *p)
{
	int id = *(int *)p;

	for (;;)
		if (getval(id, 1) < 0)
			child_fail(__LINE__);
	return NULL;
}

TEST_F(sem_undo, exit_from_non_main_thread_applies_every_threads_undo_once)
{
	struct exiter_arg ea;
	pthread_t t1, t2;
	struct kid k;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 10));
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		ea.id = id;
		ea.k = &k;
		CHILD_CHECK(op_in_dying_thread(id, 0, 1) == 0);
		CHILD_CHECK(op1(id, 0, 3, SEM_UNDO) == 0);
		CHILD_CHECK(pthread_create(&t1, NULL, thr_spinner, &id) == 0);
		CHILD_CHECK(pthread_create(&t2, NULL, thr_exiter, &ea) == 0);
		/* The main thread sleeps for ever: semaphore 2 stays 0. */
		op1(id, 2, -1, 0);
		_exit(1);
	}
	ASSERT_EQ(0, hear(&k));
	ASSERT_EQ(0, wait_blocked(k.pid));
	EXPECT_EQ(16, getval(id, 0));
	EXPECT_EQ(1, getval(id, 1));
	EXPECT_EQ(1, getncnt(id, 2));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	/* All three threads' adjustments, each applied exactly once. */
	EXPECT_EQ(10, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(0, getncnt(id, 2));
}

static void *thr_erange(void *p)
{
	int id = *(int *)p;

	CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
	CHILD_CHECK(op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
	return NULL;
}

TEST_F(sem_undo, threads_of_a_process_share_one_semadj)
{
	pthread_t t;
	struct kid k;
	int id = MKSET(1);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		/* One thread takes semadj to -SEMAEM ... */
		CHILD_CHECK(op_in_dying_thread(id, 0, SEMAEM) == 0);
		CHILD_CHECK(op1(id, 0, -SEMAEM, IPC_NOWAIT) == 0);
		/* ... another reaches -SEMAEM-1 and then the limit ... */
		CHILD_CHECK(pthread_create(&t, NULL, thr_erange, &id) == 0);
		CHILD_CHECK(pthread_join(t, NULL) == 0);
		/* ... which the main thread meets too. */
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(getval(id, 0) == 1);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(1, getval(id, 0));
	/* Another process has its own semadj. */
	EXPECT_EQ(0, op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT));
	EXPECT_EQ(0, op1(id, 0, -1, SEM_UNDO | IPC_NOWAIT));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	/* 1 - 32768, clamped. */
	EXPECT_EQ(0, getval(id, 0));
}

/* ---- execve and fork ------------------------------------------------- */

/* Exec this program as the image that exits when told (fd) or at once. */
static void exec_self(int fd)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", fd);
	setenv(EXEC_ENV, buf, 1);
	execl("/proc/self/exe", "sem_undo_exec_image", (char *)NULL);
}

TEST_F(sem_undo, kept_across_execve_and_applied_when_new_image_exits)
{
	int ex[2], go[2];
	siginfo_t si;
	pid_t pid;
	char c;
	int st, id = MKSET(2);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 5));
	ASSERT_EQ(0, pipe2(ex, O_CLOEXEC));
	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ex[0]);
		close(go[1]);
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		exec_self(go[0]);
		_exit(3);
	}
	self->pids[self->npids++] = pid;
	close(ex[1]);
	close(go[0]);
	/* EOF on the close-on-exec pipe: the exec is done. */
	EXPECT_EQ(0, read(ex[0], &c, 1));
	close(ex[0]);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT));
	ASSERT_EQ(0, si.si_pid);	/* still running the new image */
	/* Not undone at exec. */
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(4, getval(id, 1));
	ASSERT_EQ(1, write(go[1], "x", 1));
	close(go[1]);
	st = wait_child(pid);
	self->pids[self->npids - 1] = 0;
	ASSERT_EQ(0, st);
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(5, getval(id, 1));
}

TEST_F(sem_undo, applied_when_exec_of_bin_true_exits)
{
	pid_t pid;
	int st, id = MKSET(1);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 2));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(op1(id, 0, -2, SEM_UNDO | IPC_NOWAIT) == 0);
		execl("/bin/true", "true", (char *)NULL);
		exec_self(-1);
		_exit(3);
	}
	self->pids[self->npids++] = pid;
	st = wait_child(pid);
	self->pids[self->npids - 1] = 0;
	ASSERT_EQ(0, st);
	EXPECT_EQ(2, getval(id, 0));
}

TEST_F(sem_undo, not_inherited_across_fork)
{
	struct kid k;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		pid_t g;
		int st;

		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		/* semadj of semaphore 2 at its lower limit, -SEMAEM-1. */
		CHILD_CHECK(op1(id, 2, SEMAEM, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 2, -SEMAEM, IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 2, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 2, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		g = fork();
		CHILD_CHECK(g >= 0);
		if (g == 0) {
			/* A fresh, empty undo list. */
			CHILD_CHECK(op1(id, 2, 1, SEM_UNDO) == 0);
			CHILD_CHECK(op1(id, 1, 1, SEM_UNDO) == 0);
			_exit(0);
		}
		CHILD_CHECK(waitpid(g, &st, 0) == g);
		CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		/* The grandchild undid its own ops, not ours. */
		CHILD_CHECK(getval(id, 0) == 1);
		CHILD_CHECK(getval(id, 1) == 0);
		CHILD_CHECK(getval(id, 2) == 1);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(1, getval(id, 2));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(0, getval(id, 2));
}

/* ---- clamping and range ---------------------------------------------- */

TEST_F(sem_undo, exit_undo_clamps_to_zero_and_semvmx_and_never_blocks)
{
	unsigned short init[3] = { 0, 5, 9 };
	struct kid k;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(id, init));
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 5, SEM_UNDO | IPC_NOWAIT) == 0);	/* semadj -5 */
		CHILD_CHECK(op1(id, 1, -5, SEM_UNDO | IPC_NOWAIT) == 0);	/* semadj +5 */
		CHILD_CHECK(op1(id, 2, -4, SEM_UNDO | IPC_NOWAIT) == 0);	/* semadj +4 */
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	/* Others move the values so that the undo overshoots. */
	ASSERT_EQ(0, op1(id, 0, -4, IPC_NOWAIT));
	ASSERT_EQ(0, op1(id, 1, SEMVMX, IPC_NOWAIT));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(SEMVMX, getval(id, 1));
	EXPECT_EQ(5, getval(id, 2));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(SEMVMX, getval(id, 1));
	EXPECT_EQ(9, getval(id, 2));
}

TEST_F(sem_undo, semadj_out_of_range_is_erange_and_changes_nothing)
{
	struct kid k;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		/* Semaphore 0: semadj down to -SEMAEM-1. */
		CHILD_CHECK(op1(id, 0, SEMAEM, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 0, -SEMAEM, IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(op1(id, 0, 3, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(getval(id, 0) == 1);
		/* Atomic: the valid first sop is not applied either. */
		CHILD_CHECK(op2(id, 1, 1, 0, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(getval(id, 1) == 0);
		CHILD_CHECK(getval(id, 0) == 1);
		/* semadj was left at -SEMAEM-1: one step back and forth. */
		CHILD_CHECK(op1(id, 0, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		/* Without SEM_UNDO the value may still move. */
		CHILD_CHECK(op1(id, 0, 1, 0) == 0);
		CHILD_CHECK(op1(id, 0, -1, IPC_NOWAIT) == 0);

		/* Semaphore 2: semadj up to SEMAEM. */
		CHILD_CHECK(op1(id, 2, SEMVMX, 0) == 0);
		CHILD_CHECK(op1(id, 2, -SEMAEM, SEM_UNDO | IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 2, 1, 0) == 0);
		CHILD_CHECK(op1(id, 2, -1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(getval(id, 2) == 1);
		CHILD_CHECK(op2(id, 1, 1, 2, -1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(getval(id, 1) == 0);
		CHILD_CHECK(getval(id, 2) == 1);
		CHILD_CHECK(op1(id, 2, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 2, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 2, -1, SEM_UNDO | IPC_NOWAIT) == -ERANGE);
		CHILD_CHECK(getval(id, 2) == 1);
		say(&k);
		hear(&k);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(1, getval(id, 2));
	ASSERT_EQ(0, say(&k));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(0, getval(id, 0));		/* 1 - 32768, clamped */
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(SEMVMX, getval(id, 2));	/* 1 + 32767, clamped */
}

/* ---- SETVAL / SETALL ------------------------------------------------- */

TEST_F(sem_undo, setval_clears_that_semaphores_semadj_in_every_process)
{
	struct kid a, b;
	int id = MKSET(2);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &a));
	if (a.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, 1, SEM_UNDO) == 0);
		say(&a);
		hear(&a);
		/* semadj collected after SETVAL counts again. */
		CHILD_CHECK(op1(id, 0, 2, SEM_UNDO) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&a));
	ASSERT_LE(0, spawn(self, &b));
	if (b.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, 1, SEM_UNDO) == 0);
		say(&b);
		hear(&b);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&b));
	EXPECT_EQ(2, getval(id, 0));
	EXPECT_EQ(2, getval(id, 1));
	ASSERT_EQ(0, setval(id, 0, 5));
	ASSERT_EQ(0, say(&a));
	ASSERT_EQ(0, reap(self, &a));
	EXPECT_EQ(5, getval(id, 0));
	EXPECT_EQ(1, getval(id, 1));
	ASSERT_EQ(0, kill(b.pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, reap(self, &b));
	EXPECT_EQ(5, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
}

TEST_F(sem_undo, setall_clears_semadj_of_every_semaphore_in_every_process)
{
	unsigned short init[3] = { 0, 3, 0 };
	unsigned short vals[3] = { 4, 5, 6 };
	struct kid a, b;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(id, init));
	ASSERT_LE(0, spawn(self, &a));
	if (a.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		say(&a);
		hear(&a);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&a));
	ASSERT_LE(0, spawn(self, &b));
	if (b.pid == getpid()) {
		CHILD_CHECK(op1(id, 2, 2, SEM_UNDO) == 0);
		CHILD_CHECK(op1(id, 1, 1, SEM_UNDO) == 0);
		say(&b);
		hear(&b);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&b));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(3, getval(id, 1));
	EXPECT_EQ(2, getval(id, 2));
	ASSERT_EQ(0, setall(id, vals));
	ASSERT_EQ(0, say(&a));
	ASSERT_EQ(0, reap(self, &a));
	ASSERT_EQ(0, say(&b));
	ASSERT_EQ(0, reap(self, &b));
	EXPECT_EQ(4, getval(id, 0));
	EXPECT_EQ(5, getval(id, 1));
	EXPECT_EQ(6, getval(id, 2));
}

/* ---- IPC_RMID -------------------------------------------------------- */

TEST_F(sem_undo, rmid_invalidates_undo_so_a_new_set_at_the_same_index_is_untouched)
{
	struct kid k;
	int old = MKSET(2);
	int id = -1, i, nid;

	ASSERT_LE(0, old);
	ASSERT_EQ(0, setval(old, 1, 2));
	ASSERT_LE(0, spawn(self, &k));
	if (k.pid == getpid()) {
		CHILD_CHECK(op1(old, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(old, 1, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		say(&k);
		CHILD_CHECK(hear_int(&k, &nid) == 0);
		/* The old id is stale now. */
		CHILD_CHECK(op1(old, 0, 1, SEM_UNDO | IPC_NOWAIT) == -EINVAL);
		/* The new set gets a fresh semadj. */
		CHILD_CHECK(op1(nid, 0, 1, SEM_UNDO) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&k));
	ASSERT_EQ(0, rmid(self, old));
	/* Recycle the index, as ids are allocated cyclically. */
	for (i = 0; i < 200; i++) {
		id = svipc_semget(IPC_PRIVATE, 2, 0600);
		ASSERT_LE(0, id);
		if ((id & 0x7fff) == (old & 0x7fff) || i == 199)
			break;
		ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	}
	track(self, id);
	if ((id & 0x7fff) != (old & 0x7fff))
		TH_LOG("index %d not reused; the new set has id %#x", old & 0x7fff, id);
	EXPECT_NE(old, id);
	ASSERT_EQ(0, setval(id, 0, 3));
	ASSERT_EQ(0, setval(id, 1, 3));
	ASSERT_EQ(0, say_int(&k, id));
	ASSERT_EQ(0, reap(self, &k));
	EXPECT_EQ(3, getval(id, 0));
	EXPECT_EQ(3, getval(id, 1));
	EXPECT_EQ(getpid(), getpid_of(id, 1));
}

TEST_F(sem_undo, undo_for_a_removed_set_is_dropped_at_exit_and_kill)
{
	struct kid a, b;
	int gone = MKSET(2);
	int kept = MKSET(1);
	int after;

	ASSERT_LE(0, gone);
	ASSERT_LE(0, kept);
	ASSERT_LE(0, spawn(self, &a));
	if (a.pid == getpid()) {
		CHILD_CHECK(op1(gone, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(kept, 0, 1, SEM_UNDO) == 0);
		say(&a);
		hear(&a);
		CHILD_CHECK(op1(gone, 0, 1, SEM_UNDO | IPC_NOWAIT) == -EINVAL);
		CHILD_CHECK(op1(kept, 0, 1, SEM_UNDO) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&a));
	ASSERT_LE(0, spawn(self, &b));
	if (b.pid == getpid()) {
		CHILD_CHECK(op1(gone, 1, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op1(kept, 0, 1, SEM_UNDO) == 0);
		say(&b);
		hear(&b);
		_exit(0);
	}
	ASSERT_EQ(0, hear(&b));
	EXPECT_EQ(2, getval(kept, 0));
	ASSERT_EQ(0, rmid(self, gone));
	ASSERT_EQ(0, say(&a));
	ASSERT_EQ(0, reap(self, &a));
	EXPECT_EQ(1, getval(kept, 0));
	ASSERT_EQ(0, kill(b.pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, reap(self, &b));
	EXPECT_EQ(0, getval(kept, 0));
	/* Everything still works. */
	after = MKSET(2);
	ASSERT_LE(0, after);
	EXPECT_EQ(0, getval(after, 0));
	EXPECT_EQ(0, getval(after, 1));
	EXPECT_EQ(0, op1(after, 1, 2, SEM_UNDO));
	EXPECT_EQ(0, op1(after, 1, -2, SEM_UNDO | IPC_NOWAIT));
	EXPECT_EQ(0, op1(kept, 0, 1, 0));
	EXPECT_EQ(1, getval(kept, 0));
}

/* ---- wake-ups -------------------------------------------------------- */

TEST_F(sem_undo, undo_of_killed_holder_wakes_decrement_and_zero_waiters)
{
	struct timespec ts = { .tv_sec = 10 };
	struct kid h, d, z;
	int id = MKSET(2);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 1));
	ASSERT_LE(0, spawn(self, &h));
	if (h.pid == getpid()) {
		CHILD_CHECK(op1(id, 0, -1, SEM_UNDO | IPC_NOWAIT) == 0);
		CHILD_CHECK(op1(id, 1, 1, SEM_UNDO) == 0);
		say(&h);
		hear(&h);	/* killed here */
		_exit(1);
	}
	ASSERT_EQ(0, hear(&h));
	ASSERT_LE(0, spawn(self, &d));
	if (d.pid == getpid()) {
		struct sembuf sb = { .sem_num = 0, .sem_op = -1 };

		/* The timeout only turns a missing wake-up into a failure. */
		_exit(svipc_semtimedop(id, &sb, 1, &ts) ? 2 : 0);
	}
	ASSERT_LE(0, spawn(self, &z));
	if (z.pid == getpid()) {
		struct sembuf sb = { .sem_num = 1, .sem_op = 0 };

		_exit(svipc_semtimedop(id, &sb, 1, &ts) ? 2 : 0);
	}
	ASSERT_EQ(0, wait_blocked(d.pid));
	ASSERT_EQ(0, wait_blocked(z.pid));
	EXPECT_EQ(1, getncnt(id, 0));
	EXPECT_EQ(1, getzcnt(id, 1));
	ASSERT_EQ(0, kill(h.pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, reap(self, &h));
	EXPECT_EQ(0, reap(self, &d));
	EXPECT_EQ(0, reap(self, &z));
	EXPECT_EQ(0, getval(id, 0));	/* taken by the woken waiter */
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(0, getncnt(id, 0));
	EXPECT_EQ(0, getzcnt(id, 1));
}

TEST_F(sem_undo, semadj_of_a_sleeping_semop_is_recorded_when_another_completes_it)
{
	struct kid a, b;
	int id = MKSET(3);

	ASSERT_LE(0, id);
	ASSERT_LE(0, spawn(self, &a));
	if (a.pid == getpid()) {
		/* Sleeps until semaphore 0 is raised, then is done for us. */
		CHILD_CHECK(op2(id, 0, -1, 1, 1, SEM_UNDO) == 0);
		say(&a);
		hear(&a);
		_exit(0);
	}
	ASSERT_EQ(0, wait_blocked(a.pid));
	EXPECT_EQ(1, getncnt(id, 0));
	ASSERT_EQ(0, op1(id, 0, 2, 0));
	ASSERT_EQ(0, hear(&a));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(1, getval(id, 1));
	ASSERT_EQ(0, say(&a));
	ASSERT_EQ(0, reap(self, &a));
	EXPECT_EQ(2, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));

	ASSERT_LE(0, spawn(self, &b));
	if (b.pid == getpid()) {
		/* semadj of semaphore 2 at SEMAEM, then sleep on it. */
		CHILD_CHECK(op1(id, 2, SEMVMX, 0) == 0);
		CHILD_CHECK(op1(id, 2, -SEMAEM, SEM_UNDO | IPC_NOWAIT) == 0);
		/* Woken when it could proceed, but semadj would overflow. */
		CHILD_CHECK(op1(id, 2, -1, SEM_UNDO) == -ERANGE);
		CHILD_CHECK(getval(id, 2) == 1);
		_exit(0);
	}
	ASSERT_EQ(0, wait_blocked(b.pid));
	EXPECT_EQ(0, getval(id, 2));
	EXPECT_EQ(1, getncnt(id, 2));
	ASSERT_EQ(0, op1(id, 2, 1, 0));
	ASSERT_EQ(0, reap(self, &b));
	EXPECT_EQ(0, getncnt(id, 2));
	EXPECT_EQ(SEMVMX, getval(id, 2));	/* 1 + 32767, clamped */
}

/* ---- many processes -------------------------------------------------- */

#define ST_PROCS 8
#define ST_SETS 3
#define ST_SEMS 4
#define ST_INIT 10

struct stress {
	int ids[ST_SETS];
	unsigned int seed;
	long nops;		/* < 0: for ever */
	unsigned long *count;
};

/*
 * Random SEM_UNDO semops of one to three sops, sleeping at most 1 ms;
 * returns 0 or an errno.  Each caller (thread) only gives back what it
 * took itself, so every semadj stays >= 0 and no exit-time undo can be
 * clamped: then, and only then, the values must end where they began.
 */
static int stress_ops(const int *ids, unsigned int *seed, long nops,
		      unsigned long *count)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	int held[ST_SETS][ST_SEMS] = { { 0 } };
	struct sembuf sb[3];
	long i;
	int j;

	for (i = 0; nops < 0 || i < nops; i++) {
		int set = rand_r(seed) % ST_SETS;
		int first = rand_r(seed) % ST_SEMS;
		int n = 1 + rand_r(seed) % 3;

		for (j = 0; j < n; j++) {
			int num = (first + j) % ST_SEMS;
			int d = 1 + rand_r(seed) % 2;
			int h = held[set][num];

			sb[j].sem_num = num;
			if (h >= d && (h > 6 || rand_r(seed) % 2))
				sb[j].sem_op = d;	/* give back */
			else
				sb[j].sem_op = -d;	/* take */
			sb[j].sem_flg = SEM_UNDO |
				(rand_r(seed) % 2 ? IPC_NOWAIT : 0);
		}
		if (svipc_semtimedop(ids[set], sb, n, &ts)) {
			if (errno != EAGAIN)
				return errno;
		} else {
			for (j = 0; j < n; j++)
				held[set][sb[j].sem_num] -= sb[j].sem_op;
		}
		__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static void *stress_thread(void *p)
{
	struct stress *s = p;
	int err = stress_ops(s->ids, &s->seed, s->nops, s->count);

	if (err) {
		errno = err;
		child_fail(__LINE__);
	}
	/* A finite run ends the whole process from this thread. */
	exit(0);
}

/*
 * Child @i of the stress test.  Kind i % 4: 0 exits after n ops; 1 kills
 * itself with SIGKILL after n ops; 2 runs ops in two threads, and the
 * second calls exit() after n ops; 3 runs ops in three threads until the
 * test kills it.
 */
static void __attribute__((noreturn)) stress_child(const int *ids, int i,
						   unsigned long *count)
{
	unsigned int seed = 0x5e3u * (i + 1);
	struct stress s[2];
	pthread_t t;
	int j, err;
	long n = 40 + rand_r(&seed) % 200;

	for (j = 0; j < 2; j++) {
		memcpy(s[j].ids, ids, sizeof(s[j].ids));
		s[j].seed = seed + 17 * (j + 1);
		s[j].nops = (i % 4 == 2) ? n : -1;
		s[j].count = count;
	}
	switch (i % 4) {
	case 0:
	case 1:
		err = stress_ops(ids, &seed, n, count);
		if (err) {
			errno = err;
			child_fail(__LINE__);
		}
		if (i % 4 == 1)
			raise(SIGKILL);
		_exit(0);
	case 2:
		CHILD_CHECK(pthread_create(&t, NULL, stress_thread, &s[0]) == 0);
		break;
	default:
		CHILD_CHECK(pthread_create(&t, NULL, stress_thread, &s[0]) == 0);
		CHILD_CHECK(pthread_create(&t, NULL, stress_thread, &s[1]) == 0);
		break;
	}
	err = stress_ops(ids, &seed, -1, count);
	errno = err;
	child_fail(__LINE__);
}

TEST_F(sem_undo, many_processes_exiting_or_killed_at_random_leave_values_unchanged)
{
	unsigned short init[ST_SEMS];
	unsigned long *count;
	struct kid k[ST_PROCS];
	unsigned int seed = 12345;
	int ids[ST_SETS];
	int i, j, st;

	for (j = 0; j < ST_SEMS; j++)
		init[j] = ST_INIT;
	for (i = 0; i < ST_SETS; i++) {
		ids[i] = MKSET(ST_SEMS);
		ASSERT_LE(0, ids[i]);
		ASSERT_EQ(0, setall(ids[i], init));
	}
	count = mmap(NULL, ST_PROCS * sizeof(*count), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, count);
	memset(count, 0, ST_PROCS * sizeof(*count));
	for (i = 0; i < ST_PROCS; i++) {
		ASSERT_LE(0, spawn(self, &k[i]));
		if (k[i].pid == getpid())
			stress_child(ids, i, &count[i]);
	}
	/* Kill the kind-3 children after a random number of ops. */
	for (i = 3; i < ST_PROCS; i += 4) {
		unsigned long thr = 20 + rand_r(&seed) % 300;
		siginfo_t si;

		for (;;) {
			if (__atomic_load_n(&count[i], __ATOMIC_RELAXED) >= thr)
				break;
			memset(&si, 0, sizeof(si));
			ASSERT_EQ(0, waitid(P_PID, k[i].pid, &si,
					    WEXITED | WNOHANG | WNOWAIT));
			if (si.si_pid)
				break;	/* died early: reported below */
			sched_yield();
		}
		kill(k[i].pid, SIGKILL);
	}
	for (i = 0; i < ST_PROCS; i++) {
		st = reap(self, &k[i]);
		if (i % 4 == 1 || i % 4 == 3) {
			EXPECT_EQ(128 + SIGKILL, st) TH_LOG("child %d", i);
		} else {
			EXPECT_EQ(0, st) TH_LOG("child %d", i);
		}
	}
	for (i = 0; i < ST_SETS; i++) {
		for (j = 0; j < ST_SEMS; j++) {
			EXPECT_EQ(ST_INIT, getval(ids[i], j))
				TH_LOG("set %d sem %d", i, j);
			EXPECT_EQ(0, getncnt(ids[i], j));
			EXPECT_EQ(0, getzcnt(ids[i], j));
		}
	}
	munmap(count, ST_PROCS * sizeof(*count));
}

SVIPC_TEST_MAIN
