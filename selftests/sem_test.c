// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphores through libsvipc, as native Linux 6.1 behaves (SPEC.md
 * sections 1 and 2): semget's key, size and limit rules and their order
 * against the permission check; the "sem" module parameter (kernel.sem);
 * semop/semtimedop's errno order (E2BIG, EINVAL, EFBIG, EACCES, EAGAIN,
 * ERANGE), atomicity of multi-op calls, duplicate semaphores applied in
 * order, blocking and wake-up across processes, the absolute deadline of
 * semtimedop, EINTR that is never restarted, EIDRM for every sleeper;
 * semctl's commands (GET*, SET*, IPC_STAT/IPC_SET/IPC_RMID, IPC_INFO,
 * SEM_INFO, SEM_STAT[_ANY]) with SUS semncnt/semzcnt counting, pids,
 * times and permissions as an unprivileged user.  SEM_UNDO is covered
 * elsewhere.
 */
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "common.h"

#define SEM_PARAM	"/sys/module/svipc/parameters/sem"
#define UNPRIV_UID	1000
#define UNPRIV_GID	1000
#define SEMVMX_NATIVE	32767
#define IDX(id)		((id) & 0x7fff)

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* ---- helpers --------------------------------------------------------- */

/* True when a call failed with exactly @e. */
#define FAILS(call, e) ((call) == -1 && errno == (e))

/* In children: exit with the number of the first check that failed. */
#define CHK(c) do { step++; if (!(c)) _exit(step); } while (0)

static int op1(int id, unsigned short num, short op, short flg)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op, .sem_flg = flg };

	return svipc_semop(id, &sb, 1);
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

static int getall(int id, unsigned short *vals)
{
	union semun a = { .array = vals };

	return svipc_semctl(id, 0, GETALL, a);
}

static int setall(int id, unsigned short *vals)
{
	union semun a = { .array = vals };

	return svipc_semctl(id, 0, SETALL, a);
}

static int stat_ds(int id, struct semid_ds *ds)
{
	union semun a = { .buf = ds };

	return svipc_semctl(id, 0, IPC_STAT, a);
}

static int set_ds(int id, struct semid_ds *ds)
{
	union semun a = { .buf = ds };

	return svipc_semctl(id, 0, IPC_SET, a);
}

static int info(int cmd, struct seminfo *si)
{
	union semun a = { .__buf = si };

	return svipc_semctl(0, 0, cmd, a);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Returns once the wall clock's second has moved past @t. */
static void next_second(time_t t)
{
	while (time(NULL) <= t)
		usleep(10000);
}

/* 0, or the errno of the write to the "sem" parameter. */
static int sem_param_write(const char *s)
{
	int fd, err = 0;

	fd = open(SEM_PARAM, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int sem_param_read(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(SEM_PARAM, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* SEMMSL SEMMNS SEMOPM SEMMNI, as the parameter reads now. */
static int sem_limits(int v[4])
{
	char buf[128];

	if (sem_param_read(buf, sizeof(buf)))
		return -1;
	return sscanf(buf, "%d %d %d %d", &v[0], &v[1], &v[2], &v[3]) == 4 ? 0 : -1;
}

/* Sets and children made through the fixture are cleaned up even on failure. */
FIXTURE(sem) {
	int ids[32];
	int n;
	pid_t kids[16];
	int nkids;
	char saved_param[128];
	int param_changed;
};

FIXTURE_SETUP(sem)
{
	self->n = 0;
	self->nkids = 0;
	self->param_changed = 0;
	ASSERT_EQ(0, sem_param_read(self->saved_param, sizeof(self->saved_param)));
	/* Open the device now: children that change user inherit it. */
	ASSERT_LE(0, svipc_fd());
}

FIXTURE_TEARDOWN(sem)
{
	int i;

	for (i = 0; i < self->nkids; i++) {
		if (self->kids[i] <= 0)
			continue;
		kill(self->kids[i], SIGKILL);
		waitpid(self->kids[i], NULL, 0);
	}
	for (i = 0; i < self->n; i++)
		svipc_semctl(self->ids[i], 0, IPC_RMID);
	if (self->param_changed)
		sem_param_write(self->saved_param);
}

static int track(FIXTURE_DATA(sem) *self, int id)
{
	if (id >= 0 && self->n < 32)
		self->ids[self->n++] = id;
	return id;
}

#define MK(key, nsems, flg) track(self, svipc_semget((key), (nsems), (flg)))

static int set_param(FIXTURE_DATA(sem) *self, const char *s)
{
	self->param_changed = 1;
	return sem_param_write(s);
}

/* Sets the four limits; a value of -1 keeps the current one. */
static int set_limits(FIXTURE_DATA(sem) *self, int msl, int mns, int opm, int mni)
{
	int v[4];
	char buf[128];

	if (sem_limits(v))
		return -1;
	snprintf(buf, sizeof(buf), "%d %d %d %d", msl < 0 ? v[0] : msl,
		 mns < 0 ? v[1] : mns, opm < 0 ? v[2] : opm, mni < 0 ? v[3] : mni);
	return set_param(self, buf);
}

static pid_t spawn(FIXTURE_DATA(sem) *self)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid > 0 && self->nkids < 16)
		self->kids[self->nkids++] = pid;
	return pid;
}

static void forget(FIXTURE_DATA(sem) *self, pid_t pid)
{
	int i;

	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] == pid)
			self->kids[i] = 0;
}

/*
 * Exit status of @pid, waiting at most @ms; -2 (after killing it) when it
 * did not finish in time, so that a hang fails the test instead of the
 * harness killing it before teardown.
 */
static int reap_within(FIXTURE_DATA(sem) *self, pid_t pid, int ms)
{
	struct timespec t0;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (r < 0) {
			forget(self, pid);
			return -1;
		}
		if (ms_since(&t0) > ms) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			forget(self, pid);
			return -2;
		}
		usleep(2000);
	}
	forget(self, pid);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static int reap(FIXTURE_DATA(sem) *self, pid_t pid)
{
	return reap_within(self, pid, 8000);
}

/* Child: perform @ops (blocking) and exit 0 on success, else 100+errno. */
static void child_ops(int id, struct sembuf *ops, int n)
{
	if (svipc_semop(id, ops, n) == 0)
		_exit(0);
	_exit(100 + (errno & 0x7f));
}

static pid_t spawn_ops(FIXTURE_DATA(sem) *self, int id, struct sembuf *ops, int n)
{
	pid_t pid = spawn(self);

	if (pid == 0)
		child_ops(id, ops, n);
	return pid;
}

static pid_t spawn_op1(FIXTURE_DATA(sem) *self, int id, unsigned short num, short op)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op };

	return spawn_ops(self, id, &sb, 1);
}

/* ---- semget ---------------------------------------------------------- */

TEST_F(sem, semget_creates_nsems_semaphores_all_zero)
{
	unsigned short vals[7];
	struct semid_ds ds;
	int id = MK(IPC_PRIVATE, 7, 0600);
	int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(7, ds.sem_nsems);
	memset(vals, 0xff, sizeof(vals));
	ASSERT_EQ(0, getall(id, vals));
	for (i = 0; i < 7; i++) {
		EXPECT_EQ(0, vals[i]);
		EXPECT_EQ(0, getval(id, i));
		EXPECT_EQ(0, svipc_semctl(id, i, GETPID));
		EXPECT_EQ(0, svipc_semctl(id, i, GETNCNT));
		EXPECT_EQ(0, svipc_semctl(id, i, GETZCNT));
	}
	EXPECT_TRUE(FAILS(getval(id, 7), EINVAL));
}

TEST_F(sem, semget_private_creates_a_new_set_each_time)
{
	int a = MK(IPC_PRIVATE, 1, 0600);
	int b = MK(IPC_PRIVATE, 1, IPC_CREAT | IPC_EXCL | 0600);
	struct semid_ds ds;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
	ASSERT_EQ(0, stat_ds(a, &ds));
	EXPECT_EQ(0, ds.sem_perm.__key);
}

TEST_F(sem, semget_without_creat_on_missing_key_is_enoent)
{
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 1, 0600), ENOENT));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 0, 0), ENOENT));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 3, IPC_EXCL | 0600), ENOENT));
}

TEST_F(sem, semget_creat_returns_existing_set)
{
	int id = MK(test_key(0), 4, IPC_CREAT | 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_semget(test_key(0), 4, IPC_CREAT | 0600));
	EXPECT_EQ(id, svipc_semget(test_key(0), 4, 0));
	EXPECT_EQ(id, svipc_semget(test_key(0), 2, 0600));
	/* nsems 0 is fine on an existing set, with or without IPC_CREAT. */
	EXPECT_EQ(id, svipc_semget(test_key(0), 0, 0));
	EXPECT_EQ(id, svipc_semget(test_key(0), 0, IPC_CREAT | 0600));
}

TEST_F(sem, semget_creat_excl_on_existing_key_is_eexist)
{
	ASSERT_LE(0, MK(test_key(0), 2, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 2, IPC_CREAT | IPC_EXCL | 0600),
			  EEXIST));
	/* EEXIST comes before the size check. */
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 9, IPC_CREAT | IPC_EXCL | 0600),
			  EEXIST));
	/* IPC_EXCL alone means nothing. */
	EXPECT_LE(0, svipc_semget(test_key(0), 2, IPC_EXCL));
}

TEST_F(sem, semget_negative_nsems_is_einval)
{
	ASSERT_LE(0, MK(test_key(1), 2, IPC_CREAT | 0600));
	EXPECT_TRUE(FAILS(svipc_semget(IPC_PRIVATE, -1, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(IPC_PRIVATE, INT_MIN, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(2), -1, IPC_CREAT | 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(1), -1, 0), EINVAL));
	/* Before the key lookup: not ENOENT. */
	EXPECT_TRUE(FAILS(svipc_semget(test_key(3), -1, 0), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(2), 0, 0), ENOENT));
}

TEST_F(sem, semget_zero_nsems_when_creating_is_einval)
{
	EXPECT_TRUE(FAILS(svipc_semget(IPC_PRIVATE, 0, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(4), 0, IPC_CREAT | 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(4), 0, IPC_CREAT | IPC_EXCL | 0600),
			  EINVAL));
	/* Nothing was created. */
	EXPECT_TRUE(FAILS(svipc_semget(test_key(4), 0, 0), ENOENT));
}

TEST_F(sem, semget_nsems_above_semmsl_is_einval)
{
	int id;

	ASSERT_EQ(0, set_limits(self, 8, -1, -1, -1));
	EXPECT_TRUE(FAILS(svipc_semget(IPC_PRIVATE, 9, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(5), 9, IPC_CREAT | 0600), EINVAL));
	id = MK(test_key(5), 8, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	/* Checked for an existing set too, before looking it up. */
	EXPECT_TRUE(FAILS(svipc_semget(test_key(5), 9, 0), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(6), 9, 0), EINVAL));
	/* A set larger than a lowered semmsl is still found. */
	ASSERT_EQ(0, set_limits(self, 4, -1, -1, -1));
	EXPECT_EQ(id, svipc_semget(test_key(5), 0, 0));
	EXPECT_EQ(id, svipc_semget(test_key(5), 4, 0));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(5), 5, 0), EINVAL));
}

TEST_F(sem, semget_existing_set_smaller_than_nsems_is_einval)
{
	ASSERT_LE(0, MK(test_key(0), 3, IPC_CREAT | 0600));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 4, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(0), 4, IPC_CREAT | 0600), EINVAL));
	EXPECT_LE(0, svipc_semget(test_key(0), 3, 0600));
}

TEST_F(sem, semget_size_check_comes_before_permission_check)
{
	key_t key = test_key(0);
	int id = MK(key, 3, IPC_CREAT | 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(FAILS(svipc_semget(key, 4, 0600), EINVAL));
		CHK(FAILS(svipc_semget(key, 4, 0), EINVAL));
		CHK(FAILS(svipc_semget(key, 3, 0600), EACCES));
		CHK(FAILS(svipc_semget(key, 3, IPC_CREAT | 0400), EACCES));
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
}

TEST_F(sem, semget_permission_uses_the_requested_mode_bits)
{
	key_t key = test_key(0);
	int id = MK(key, 1, IPC_CREAT | 0604);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(svipc_semget(key, 1, 0) == id);
		CHK(svipc_semget(key, 0, 0004) == id);
		CHK(svipc_semget(key, 0, 0400) == id);
		CHK(FAILS(svipc_semget(key, 0, 0002), EACCES));
		CHK(FAILS(svipc_semget(key, 0, 0600), EACCES));
		/* EEXIST beats EACCES. */
		CHK(FAILS(svipc_semget(key, 1, IPC_CREAT | IPC_EXCL | 0600), EEXIST));
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
}

TEST_F(sem, semmni_limit_gives_enospc)
{
	struct seminfo si;

	ASSERT_LE(0, info(SEM_INFO, &si));
	ASSERT_EQ(0, set_limits(self, 250, 32000, 32, si.semusz + 2));
	ASSERT_LE(0, MK(IPC_PRIVATE, 1, 0600));
	ASSERT_LE(0, MK(test_key(0), 1, IPC_CREAT | 0600));
	EXPECT_TRUE(FAILS(MK(test_key(1), 1, IPC_CREAT | 0600), ENOSPC));
	EXPECT_TRUE(FAILS(MK(IPC_PRIVATE, 1, 0600), ENOSPC));
	/* An existing key is still found at the limit. */
	EXPECT_LE(0, svipc_semget(test_key(0), 1, IPC_CREAT | 0600));
	/* semmni 0 refuses every new set. */
	ASSERT_EQ(0, set_limits(self, -1, -1, -1, 0));
	EXPECT_TRUE(FAILS(MK(IPC_PRIVATE, 1, 0600), ENOSPC));
}

TEST_F(sem, semmns_limit_gives_enospc)
{
	struct seminfo si;
	int a;

	ASSERT_LE(0, info(SEM_INFO, &si));
	ASSERT_EQ(0, set_limits(self, 250, si.semaem + 10, 32, 128));
	a = MK(IPC_PRIVATE, 6, 0600);
	ASSERT_LE(0, a);
	EXPECT_TRUE(FAILS(MK(IPC_PRIVATE, 5, 0600), ENOSPC));
	EXPECT_TRUE(FAILS(MK(test_key(0), 5, IPC_CREAT | 0600), ENOSPC));
	ASSERT_LE(0, MK(IPC_PRIVATE, 4, 0600));
	EXPECT_TRUE(FAILS(MK(IPC_PRIVATE, 1, 0600), ENOSPC));
	/* Removing a set gives its semaphores back. */
	ASSERT_EQ(0, svipc_semctl(a, 0, IPC_RMID));
	EXPECT_LE(0, MK(IPC_PRIVATE, 6, 0600));
}

TEST_F(sem, sem_param_reads_four_limits_and_rejects_malformed_writes)
{
	int v[4], w[4];

	ASSERT_EQ(0, sem_limits(v));
	EXPECT_EQ(0, set_param(self, "250 32000 32 128"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(250, w[0]);
	EXPECT_EQ(32000, w[1]);
	EXPECT_EQ(32, w[2]);
	EXPECT_EQ(128, w[3]);
	EXPECT_EQ(EINVAL, set_param(self, "abc"));
	EXPECT_EQ(EINVAL, set_param(self, "x 1 2 3"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(250, w[0]);
	EXPECT_EQ(32000, w[1]);
	EXPECT_EQ(32, w[2]);
	EXPECT_EQ(128, w[3]);
	/* Fewer than four values change only those given. */
	EXPECT_EQ(0, set_param(self, "300 40000"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(300, w[0]);
	EXPECT_EQ(40000, w[1]);
	EXPECT_EQ(32, w[2]);
	EXPECT_EQ(128, w[3]);
}

TEST_F(sem, sem_param_semmni_out_of_range_is_erange)
{
	int w[4];

	ASSERT_EQ(0, set_param(self, "250 32000 32 128"));
	EXPECT_EQ(ERANGE, set_param(self, "250 32000 32 32769"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(128, w[3]);
	EXPECT_EQ(ERANGE, set_param(self, "250 32000 32 -1"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(128, w[3]);
	/* The bounds themselves are accepted. */
	EXPECT_EQ(0, set_param(self, "250 32000 32 32768"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(32768, w[3]);
	EXPECT_EQ(0, set_param(self, "250 32000 32 0"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(0, w[3]);
}

/*
 * Native proc_ipc_sem_dointvec() stores all four values, then restores
 * only semmni when it is out of range: the other three stay changed.
 */
TEST_F(sem, sem_param_erange_write_keeps_the_other_three_values_like_native)
{
	int w[4];

	ASSERT_EQ(0, set_param(self, "250 32000 32 128"));
	EXPECT_EQ(ERANGE, set_param(self, "260 33000 33 40000"));
	ASSERT_EQ(0, sem_limits(w));
	EXPECT_EQ(260, w[0]);
	EXPECT_EQ(33000, w[1]);
	EXPECT_EQ(33, w[2]);
	EXPECT_EQ(128, w[3]);
}

/* ---- semop / semtimedop: errors -------------------------------------- */

TEST_F(sem, semop_more_than_semopm_ops_is_e2big_first)
{
	static struct sembuf ops[600];
	struct timespec bad = { .tv_sec = -1 };
	int id = MK(IPC_PRIVATE, 1, 0600);
	int v[4];

	ASSERT_LE(0, id);
	ASSERT_EQ(0, sem_limits(v));
	ASSERT_GT(590, v[2]);
	memset(ops, 0, sizeof(ops));
	EXPECT_TRUE(FAILS(svipc_semop(id, ops, v[2] + 1), E2BIG));
	/* Before the id, the timeout and the semaphore numbers. */
	EXPECT_TRUE(FAILS(svipc_semop(0x7ffffff0, ops, v[2] + 1), E2BIG));
	EXPECT_TRUE(FAILS(svipc_semop(-1, ops, v[2] + 1), E2BIG));
	EXPECT_TRUE(FAILS(svipc_semtimedop(id, ops, v[2] + 1, &bad), E2BIG));
	ops[3].sem_num = 9;
	EXPECT_TRUE(FAILS(svipc_semop(id, ops, v[2] + 1), E2BIG));
	ops[3].sem_num = 0;
	/* semopm itself is allowed (all wait-for-zero on a zero semaphore). */
	EXPECT_EQ(0, svipc_semop(id, ops, v[2]));
	/* A lowered semopm applies to the next call. */
	ASSERT_EQ(0, set_limits(self, -1, -1, 3, -1));
	EXPECT_TRUE(FAILS(svipc_semop(id, ops, 4), E2BIG));
	EXPECT_EQ(0, svipc_semop(id, ops, 3));
}

TEST_F(sem, semop_zero_nsops_is_einval)
{
	struct sembuf sb = { 0, 1, 0 };
	int id = MK(IPC_PRIVATE, 1, 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(svipc_semop(id, &sb, 0), EINVAL));
	EXPECT_EQ(0, getval(id, 0));
}

TEST_F(sem, semop_negative_or_stale_id_is_einval)
{
	int id = svipc_semget(IPC_PRIVATE, 1, 0600);
	int id2;

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(op1(-1, 0, 1, 0), EINVAL));
	EXPECT_TRUE(FAILS(op1(INT_MIN, 0, 1, 0), EINVAL));
	EXPECT_TRUE(FAILS(op1(0x7ffffff0, 0, 1, 0), EINVAL));
	ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	/* A removed id is stale: EINVAL, not EIDRM. */
	EXPECT_TRUE(FAILS(op1(id, 0, 1, 0), EINVAL));
	EXPECT_TRUE(FAILS(op1(id, 0, 0, IPC_NOWAIT), EINVAL));
	id2 = MK(IPC_PRIVATE, 1, 0600);
	ASSERT_LE(0, id2);
	EXPECT_NE(id, id2);
	/* Right index, wrong sequence. */
	EXPECT_TRUE(FAILS(op1(id2 + (1 << 15), 0, 1, 0), EINVAL));
	EXPECT_EQ(0, getval(id2, 0));
}

TEST_F(sem, semtimedop_invalid_timeout_is_einval)
{
	struct timespec bad[] = {
		{ .tv_sec = 0, .tv_nsec = 1000000000 },
		{ .tv_sec = 1, .tv_nsec = -1 },
		{ .tv_sec = -1, .tv_nsec = 0 },
		{ .tv_sec = 0, .tv_nsec = LONG_MAX },
	};
	struct timespec ok = { .tv_sec = 0, .tv_nsec = 999999999 };
	struct sembuf up = { 0, 1, 0 };
	int id = MK(IPC_PRIVATE, 1, 0600);
	unsigned int i;

	ASSERT_LE(0, id);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Even though the operation could proceed at once. */
		EXPECT_TRUE(FAILS(svipc_semtimedop(id, &up, 1, &bad[i]), EINVAL));
		EXPECT_TRUE(FAILS(svipc_semtimedop(0x7ffffff0, &up, 1, &bad[i]),
				  EINVAL));
	}
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, svipc_semtimedop(id, &up, 1, &ok));
	EXPECT_EQ(1, getval(id, 0));
}

TEST_F(sem, semop_sem_num_out_of_range_is_efbig)
{
	struct sembuf two[2] = { { 0, -1, 0 }, { 3, 1, 0 } };
	struct timespec bad = { .tv_nsec = -5 };
	int id = MK(IPC_PRIVATE, 3, 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(op1(id, 3, 1, 0), EFBIG));
	EXPECT_TRUE(FAILS(op1(id, 65535, 1, IPC_NOWAIT), EFBIG));
	EXPECT_TRUE(FAILS(op1(id, 3, 0, 0), EFBIG));
	/* Checked over all ops before any would block. */
	EXPECT_TRUE(FAILS(svipc_semop(id, two, 2), EFBIG));
	/* But after the id and timeout checks. */
	EXPECT_TRUE(FAILS(op1(0x7ffffff0, 3, 1, 0), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semtimedop(id, two, 2, &bad), EINVAL));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, op1(id, 2, 1, 0));
}

TEST_F(sem, semop_efbig_comes_before_permission_check)
{
	int id = MK(IPC_PRIVATE, 2, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(FAILS(op1(id, 2, 1, 0), EFBIG));
		CHK(FAILS(op1(id, 2, 0, 0), EFBIG));
		CHK(FAILS(op1(id, 1, 1, 0), EACCES));
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
}

TEST_F(sem, semop_alter_needs_write_and_wait_for_zero_needs_read)
{
	struct sembuf mixed[2] = { { 0, 0, IPC_NOWAIT }, { 1, 1, IPC_NOWAIT } };
	int none = MK(IPC_PRIVATE, 2, 0600);
	int rd = MK(IPC_PRIVATE, 2, 0604);
	int wr = MK(IPC_PRIVATE, 2, 0602);
	pid_t pid;

	ASSERT_LE(0, none);
	ASSERT_LE(0, rd);
	ASSERT_LE(0, wr);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(FAILS(op1(none, 0, 1, IPC_NOWAIT), EACCES));
		CHK(FAILS(op1(none, 0, 0, IPC_NOWAIT), EACCES));
		CHK(FAILS(op1(none, 0, -1, IPC_NOWAIT), EACCES));
		CHK(op1(rd, 0, 0, IPC_NOWAIT) == 0);
		CHK(FAILS(op1(rd, 0, 1, IPC_NOWAIT), EACCES));
		/* One altering op makes the whole call need write. */
		CHK(FAILS(svipc_semop(rd, mixed, 2), EACCES));
		CHK(op1(wr, 0, 1, IPC_NOWAIT) == 0);
		CHK(op1(wr, 0, -1, IPC_NOWAIT) == 0);
		CHK(FAILS(op1(wr, 0, 0, IPC_NOWAIT), EACCES));
		CHK(svipc_semop(wr, mixed, 2) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(0, getval(rd, 0));
	EXPECT_EQ(0, getval(rd, 1));
	EXPECT_EQ(0, getval(wr, 0));
	EXPECT_EQ(1, getval(wr, 1));
	EXPECT_EQ(0, getval(none, 0));
}

TEST_F(sem, semop_nowait_that_would_block_is_eagain)
{
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(op1(id, 0, -1, IPC_NOWAIT), EAGAIN));
	ASSERT_EQ(0, setval(id, 1, 2));
	EXPECT_TRUE(FAILS(op1(id, 1, 0, IPC_NOWAIT), EAGAIN));
	EXPECT_TRUE(FAILS(op1(id, 1, -3, IPC_NOWAIT), EAGAIN));
	EXPECT_EQ(0, op1(id, 1, -2, IPC_NOWAIT));
	EXPECT_EQ(0, op1(id, 1, 0, IPC_NOWAIT));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
}

/* IPC_NOWAIT counts on the op that would block, not on any other. */
TEST_F(sem, semop_nowait_applies_to_the_op_that_blocks)
{
	struct sembuf nowait_other[2] = { { 0, 1, IPC_NOWAIT }, { 1, -1, 0 } };
	struct sembuf nowait_blocking[2] = { { 0, 1, 0 }, { 1, -1, IPC_NOWAIT } };
	int id = MK(IPC_PRIVATE, 2, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(svipc_semop(id, nowait_blocking, 2), EAGAIN));
	EXPECT_EQ(0, getval(id, 0));
	pid = spawn_ops(self, id, nowait_other, 2);
	ASSERT_LE(0, pid);
	EXPECT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(0, getval(id, 0));
	ASSERT_EQ(0, setval(id, 1, 1));
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
}

TEST_F(sem, semop_beyond_semvmx_is_erange)
{
	int id = MK(IPC_PRIVATE, 1, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, op1(id, 0, 32000, 0));
	EXPECT_TRUE(FAILS(op1(id, 0, 768, 0), ERANGE));
	EXPECT_TRUE(FAILS(op1(id, 0, 768, IPC_NOWAIT), ERANGE));
	EXPECT_EQ(32000, getval(id, 0));
	EXPECT_EQ(0, op1(id, 0, 767, 0));
	EXPECT_EQ(SEMVMX_NATIVE, getval(id, 0));
	EXPECT_TRUE(FAILS(op1(id, 0, 1, 0), ERANGE));
	EXPECT_TRUE(FAILS(op1(id, 0, SHRT_MAX, 0), ERANGE));
	EXPECT_EQ(SEMVMX_NATIVE, getval(id, 0));
	EXPECT_EQ(0, op1(id, 0, -SEMVMX_NATIVE, 0));
	EXPECT_EQ(0, getval(id, 0));
}

/* ---- semop: semantics ------------------------------------------------ */

TEST_F(sem, semop_multi_op_call_is_all_or_nothing)
{
	struct sembuf blocks[3] = {
		{ 0, -1, IPC_NOWAIT }, { 2, 1, IPC_NOWAIT }, { 1, -1, IPC_NOWAIT },
	};
	struct sembuf range[3] = {
		{ 0, -1, IPC_NOWAIT }, { 2, 1, IPC_NOWAIT }, { 2, 32767, IPC_NOWAIT },
	};
	unsigned short init[3] = { 1, 0, 5 }, now[3];
	struct semid_ds ds;
	time_t otime;
	pid_t pid;
	int id = MK(IPC_PRIVATE, 3, 0600);
	int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(id, init));
	ASSERT_EQ(0, stat_ds(id, &ds));
	ASSERT_EQ(0, ds.sem_otime);
	EXPECT_TRUE(FAILS(svipc_semop(id, blocks, 3), EAGAIN));
	EXPECT_TRUE(FAILS(svipc_semop(id, range, 3), ERANGE));
	ASSERT_EQ(0, getall(id, now));
	EXPECT_EQ(1, now[0]);
	EXPECT_EQ(0, now[1]);
	EXPECT_EQ(5, now[2]);
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(0, ds.sem_otime);
	/* Let a child be the last to operate on each, then fail again. */
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(op1(id, 0, -1, 0) || op1(id, 0, 1, 0) ||
		      op1(id, 1, 0, IPC_NOWAIT) || op1(id, 2, 1, 0) ||
		      op1(id, 2, -1, 0) ? 1 : 0);
	ASSERT_EQ(0, reap(self, pid));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(pid, svipc_semctl(id, i, GETPID));
	ASSERT_EQ(0, stat_ds(id, &ds));
	otime = ds.sem_otime;
	EXPECT_NE(0, otime);
	EXPECT_TRUE(FAILS(svipc_semop(id, blocks, 3), EAGAIN));
	EXPECT_TRUE(FAILS(svipc_semop(id, range, 3), ERANGE));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(pid, svipc_semctl(id, i, GETPID));
	ASSERT_EQ(0, getall(id, now));
	EXPECT_EQ(1, now[0]);
	EXPECT_EQ(0, now[1]);
	EXPECT_EQ(5, now[2]);
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, svipc_semctl(id, 1, GETNCNT));
}

TEST_F(sem, semop_blocked_multi_op_changes_nothing_until_all_can_proceed)
{
	struct sembuf ops[3] = { { 0, -1, 0 }, { 2, 4, 0 }, { 1, -1, 0 } };
	int id = MK(IPC_PRIVATE, 3, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 1));
	pid = spawn_ops(self, id, ops, 3);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(0, getval(id, 2));
	/* Its first op could proceed: we can still take semaphore 0. */
	EXPECT_EQ(0, op1(id, 0, -1, IPC_NOWAIT));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, op1(id, 1, 1, 0));
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	EXPECT_EQ(4, getval(id, 2));
	EXPECT_EQ(pid, svipc_semctl(id, 2, GETPID));
}

TEST_F(sem, semop_duplicate_sem_num_applies_ops_in_order)
{
	struct sembuf up_down[2] = { { 0, 1, IPC_NOWAIT }, { 0, -1, IPC_NOWAIT } };
	struct sembuf down_up[2] = { { 0, -1, IPC_NOWAIT }, { 0, 1, IPC_NOWAIT } };
	struct sembuf to_zero[4] = {
		{ 0, 2, IPC_NOWAIT }, { 0, -1, IPC_NOWAIT },
		{ 0, -1, IPC_NOWAIT }, { 0, 0, IPC_NOWAIT },
	};
	struct sembuf not_zero[2] = { { 0, 1, IPC_NOWAIT }, { 0, 0, IPC_NOWAIT } };
	struct sembuf over[2] = { { 0, 32767, IPC_NOWAIT }, { 0, 1, IPC_NOWAIT } };
	struct sembuf down_up_wait[2] = { { 0, -1, 0 }, { 0, 1, 0 } };
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	EXPECT_EQ(0, svipc_semop(id, up_down, 2));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(getpid(), svipc_semctl(id, 0, GETPID));
	EXPECT_TRUE(FAILS(svipc_semop(id, down_up, 2), EAGAIN));
	EXPECT_EQ(0, svipc_semop(id, to_zero, 4));
	EXPECT_TRUE(FAILS(svipc_semop(id, not_zero, 2), EAGAIN));
	EXPECT_TRUE(FAILS(svipc_semop(id, over, 2), ERANGE));
	EXPECT_EQ(0, getval(id, 0));
	/* Without IPC_NOWAIT, {-1, +1} on 0 sleeps until the value is 1. */
	pid = spawn_ops(self, id, down_up_wait, 2);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(1, getval(id, 0));
}

TEST_F(sem, semop_positive_op_adds_to_the_value)
{
	struct sembuf two[2] = { { 0, 3, 0 }, { 1, 7, 0 } };
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, op1(id, 0, 2, 0));
	EXPECT_EQ(0, svipc_semop(id, two, 2));
	EXPECT_EQ(6, getval(id, 0));
	EXPECT_EQ(7, getval(id, 1));
	EXPECT_EQ(0, op1(id, 0, -6, 0));
	EXPECT_EQ(0, getval(id, 0));
}

TEST_F(sem, semop_negative_op_waits_until_the_value_is_enough)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn_op1(self, id, 0, -3);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	/* 2 is not enough: it still sleeps and nothing was taken. */
	EXPECT_EQ(2, getval(id, 0));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(0, op1(id, 0, 2, 0));
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(pid, svipc_semctl(id, 0, GETPID));
}

TEST_F(sem, semop_zero_op_waits_until_the_value_is_zero)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 2));
	pid = spawn_op1(self, id, 0, 0);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETZCNT));
	EXPECT_EQ(0, op1(id, 0, -1, 0));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETZCNT));
	EXPECT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(0, op1(id, 0, -1, 0));
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETZCNT));
	EXPECT_EQ(pid, svipc_semctl(id, 0, GETPID));
}

TEST_F(sem, semop_one_increment_wakes_several_waiters)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t a, b, c, d;

	ASSERT_LE(0, id);
	a = spawn_op1(self, id, 0, -1);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, wait_blocked(a));
	b = spawn_op1(self, id, 0, -2);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, wait_blocked(b));
	c = spawn_op1(self, id, 0, -1);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, wait_blocked(c));
	d = spawn_op1(self, id, 0, -100);
	ASSERT_LE(0, d);
	ASSERT_EQ(0, wait_blocked(d));
	EXPECT_EQ(4, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, op1(id, 0, 4, 0));
	EXPECT_EQ(0, reap(self, a));
	EXPECT_EQ(0, reap(self, b));
	EXPECT_EQ(0, reap(self, c));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETNCNT));
	/* The one that cannot proceed leaves with EIDRM. */
	ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	EXPECT_EQ(100 + EIDRM, reap(self, d));
}

/* A waiter that cannot proceed does not hold back those behind it. */
TEST_F(sem, semop_unsatisfiable_waiter_does_not_block_later_waiters)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t big, small;

	ASSERT_LE(0, id);
	big = spawn_op1(self, id, 0, -2);
	ASSERT_LE(0, big);
	ASSERT_EQ(0, wait_blocked(big));
	small = spawn_op1(self, id, 0, -1);
	ASSERT_LE(0, small);
	ASSERT_EQ(0, wait_blocked(small));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, reap(self, small));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, op1(id, 0, 2, 0));
	EXPECT_EQ(0, reap(self, big));
	EXPECT_EQ(0, getval(id, 0));
}

TEST_F(sem, semop_wait_for_zero_wakes_all_when_value_reaches_zero)
{
	struct sembuf both[2] = { { 0, 0, 0 }, { 1, 0, 0 } };
	int id = MK(IPC_PRIVATE, 2, 0600);
	pid_t a, b, c;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 3));
	a = spawn_op1(self, id, 0, 0);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, wait_blocked(a));
	b = spawn_op1(self, id, 0, 0);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, wait_blocked(b));
	c = spawn_ops(self, id, both, 2);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, wait_blocked(c));
	EXPECT_EQ(3, svipc_semctl(id, 0, GETZCNT));
	EXPECT_EQ(0, op1(id, 0, -3, 0));
	EXPECT_EQ(0, reap(self, a));
	EXPECT_EQ(0, reap(self, b));
	EXPECT_EQ(0, reap(self, c));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETZCNT));
}

TEST_F(sem, setval_wakes_a_waiter)
{
	int id = MK(IPC_PRIVATE, 2, 0600);
	pid_t a, z;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 4));
	a = spawn_op1(self, id, 0, -2);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, wait_blocked(a));
	z = spawn_op1(self, id, 1, 0);
	ASSERT_LE(0, z);
	ASSERT_EQ(0, wait_blocked(z));
	ASSERT_EQ(0, setval(id, 0, 5));
	EXPECT_EQ(0, reap(self, a));
	EXPECT_EQ(3, getval(id, 0));
	EXPECT_EQ(a, svipc_semctl(id, 0, GETPID));
	ASSERT_EQ(0, setval(id, 1, 0));
	EXPECT_EQ(0, reap(self, z));
	EXPECT_EQ(z, svipc_semctl(id, 1, GETPID));
}

TEST_F(sem, setall_wakes_waiters)
{
	unsigned short init[3] = { 0, 1, 0 }, vals[3] = { 3, 0, 0 }, now[3];
	struct sembuf complex[2] = { { 2, 0, 0 }, { 0, -1, 0 } };
	int id = MK(IPC_PRIVATE, 3, 0600);
	pid_t a, z, c;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(id, init));
	a = spawn_op1(self, id, 0, -2);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, wait_blocked(a));
	z = spawn_op1(self, id, 1, 0);
	ASSERT_LE(0, z);
	ASSERT_EQ(0, wait_blocked(z));
	c = spawn_ops(self, id, complex, 2);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, wait_blocked(c));
	ASSERT_EQ(0, setall(id, vals));
	EXPECT_EQ(0, reap(self, a));
	EXPECT_EQ(0, reap(self, z));
	EXPECT_EQ(0, reap(self, c));
	ASSERT_EQ(0, getall(id, now));
	EXPECT_EQ(0, now[0]);
	EXPECT_EQ(0, now[1]);
	EXPECT_EQ(0, now[2]);
}

TEST_F(sem, killed_waiter_takes_nothing_and_is_no_longer_counted)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn_op1(self, id, 0, -1);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETNCNT));
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, reap(self, pid));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(1, getval(id, 0));
}

/* ---- semtimedop ------------------------------------------------------ */

TEST_F(sem, semtimedop_times_out_with_eagain)
{
	struct timespec to = { .tv_sec = 0, .tv_nsec = 200000000 };
	struct timespec zero = { 0, 0 };
	struct sembuf down = { 0, -1, 0 }, zwait = { 1, 0, 0 }, up = { 0, 1, 0 };
	struct timespec t0;
	int id = MK(IPC_PRIVATE, 2, 0600);
	long el;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 1));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_TRUE(FAILS(svipc_semtimedop(id, &down, 1, &to), EAGAIN));
	el = ms_since(&t0);
	EXPECT_LE(200, el);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_TRUE(FAILS(svipc_semtimedop(id, &zwait, 1, &to), EAGAIN));
	el = ms_since(&t0);
	EXPECT_LE(200, el);
	/* A zero timeout fails at once when the call would block. */
	EXPECT_TRUE(FAILS(svipc_semtimedop(id, &down, 1, &zero), EAGAIN));
	/* And is no obstacle when it can proceed. */
	EXPECT_EQ(0, svipc_semtimedop(id, &up, 1, &zero));
	EXPECT_EQ(0, svipc_semtimedop(id, &down, 1, &zero));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, svipc_semctl(id, 1, GETZCNT));
	EXPECT_EQ(0, getval(id, 0));
}

TEST_F(sem, semtimedop_woken_before_the_timeout_succeeds)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct timespec to = { .tv_sec = 20 };
		struct sembuf down = { 0, -2, 0 };

		_exit(svipc_semtimedop(id, &down, 1, &to) ? 100 + errno : 0);
	}
	ASSERT_EQ(0, wait_blocked(pid));
	EXPECT_EQ(0, op1(id, 0, 2, 0));
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(0, getval(id, 0));
}

/* Child: a 200 ms semtimedop that must time out within 5 s. */
static void timed_sleeper(int id, struct sembuf *ops, int n)
{
	struct timespec to = { .tv_sec = 0, .tv_nsec = 200000000 };
	struct timespec t0;
	long el;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = svipc_semtimedop(id, ops, n, &to);
	el = ms_since(&t0);
	if (r != -1)
		_exit(1);
	if (errno != EAGAIN)
		_exit(2);
	if (el < 200)
		_exit(3);
	if (el > 5000)	/* the timeout was re-armed by the wake-ups */
		_exit(4);
	_exit(0);
}

TEST_F(sem, semtimedop_deadline_is_absolute_despite_wakeups)
{
	struct sembuf single[1] = { { 0, -2, 0 } };
	struct sembuf complex[2] = { { 2, 0, 0 }, { 0, -2, 0 } };
	long *count;
	pid_t churn, zchurn, s1, s2;
	struct timespec t0;
	long before;
	int id = MK(IPC_PRIVATE, 3, 0600);
	int st1 = -3, st2 = -3;

	ASSERT_LE(0, id);
	count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_NE(MAP_FAILED, count);
	/* Churn on semaphores 0 and 1 every ~2 ms; 0 never reaches 2. */
	churn = spawn(self);
	ASSERT_LE(0, churn);
	if (churn == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (ms_since(&t0) < 8000) {
			if (op1(id, 1, 1, 0) || op1(id, 0, 1, 0) ||
			    op1(id, 0, -1, 0))
				_exit(1);
			usleep(1000);
			if (op1(id, 1, -1, 0) || op1(id, 0, 1, 0) ||
			    op1(id, 0, -1, 0))
				_exit(1);
			__atomic_fetch_add(count, 1, __ATOMIC_RELAXED);
			usleep(1000);
		}
		_exit(0);
	}
	/* Wait-for-zero churn on semaphore 1. */
	zchurn = spawn(self);
	ASSERT_LE(0, zchurn);
	if (zchurn == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (ms_since(&t0) < 8000) {
			if (op1(id, 1, 0, 0))
				_exit(1);
			usleep(500);
		}
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (__atomic_load_n(count, __ATOMIC_RELAXED) < 2 && ms_since(&t0) < 5000)
		usleep(1000);
	before = __atomic_load_n(count, __ATOMIC_RELAXED);
	ASSERT_LE(2, before);
	s1 = spawn(self);
	ASSERT_LE(0, s1);
	if (s1 == 0)
		timed_sleeper(id, single, 1);
	s2 = spawn(self);
	ASSERT_LE(0, s2);
	if (s2 == 0)
		timed_sleeper(id, complex, 2);
	/* Churn goes on for 6 s or until both sleepers are done. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((st1 == -3 || st2 == -3) && ms_since(&t0) < 6000) {
		int st;

		if (st1 == -3 && waitpid(s1, &st, WNOHANG) == s1) {
			forget(self, s1);
			st1 = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		}
		if (st2 == -3 && waitpid(s2, &st, WNOHANG) == s2) {
			forget(self, s2);
			st2 = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		}
		usleep(5000);
	}
	EXPECT_LT(before, __atomic_load_n(count, __ATOMIC_RELAXED));
	kill(churn, SIGKILL);
	kill(zchurn, SIGKILL);
	reap(self, churn);
	reap(self, zchurn);
	if (st1 == -3)
		st1 = reap_within(self, s1, 3000);
	if (st2 == -3)
		st2 = reap_within(self, s2, 3000);
	EXPECT_EQ(0, st1);
	EXPECT_EQ(0, st2);
	munmap(count, 4096);
}

/* ---- signals and removal --------------------------------------------- */

static void on_usr1(int sig)
{
	(void)sig;
}

/* Child: sleeps in semop (or semtimedop) under a SIGUSR1 handler. */
static void eintr_child(int id, int sa_flags, int timed)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = sa_flags };
	struct timespec to = { .tv_sec = 20 };
	struct sembuf down = { 0, -1, 0 };
	int r;

	sigaction(SIGUSR1, &sa, NULL);
	r = timed ? svipc_semtimedop(id, &down, 1, &to) : svipc_semop(id, &down, 1);
	if (r != -1)
		_exit(1);
	_exit(errno == EINTR ? 0 : 2);
}

TEST_F(sem, signal_handler_interrupts_semop_with_eintr_even_with_sa_restart)
{
	static const struct { int flags, timed; } v[] = {
		{ 0, 0 }, { SA_RESTART, 0 }, { SA_RESTART, 1 },
	};
	int id = MK(IPC_PRIVATE, 1, 0600);
	unsigned int i;

	ASSERT_LE(0, id);
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		pid_t pid = spawn(self);

		ASSERT_LE(0, pid);
		if (pid == 0)
			eintr_child(id, v[i].flags, v[i].timed);
		ASSERT_EQ(0, wait_blocked(pid));
		kill(pid, SIGUSR1);
		/* A restarted call would sleep on: bounded wait. */
		EXPECT_EQ(0, reap_within(self, pid, 3000)) {
			TH_LOG("variant %u (flags %#x, timed %d)", i, v[i].flags,
			       v[i].timed);
		}
		EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
	}
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(1, getval(id, 0));
}

TEST_F(sem, stop_and_continue_makes_semop_fail_with_eintr)
{
	int id = MK(IPC_PRIVATE, 1, 0600);
	pid_t pid;
	int st;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sembuf down = { 0, -1, 0 };

		if (svipc_semop(id, &down, 1) != -1)
			_exit(1);
		_exit(errno == EINTR ? 0 : 2);
	}
	ASSERT_EQ(0, wait_blocked(pid));
	kill(pid, SIGSTOP);
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	kill(pid, SIGCONT);
	EXPECT_EQ(0, reap_within(self, pid, 3000));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
}

TEST_F(sem, rmid_wakes_every_sleeper_with_eidrm)
{
	struct sembuf complex[2] = { { 1, 0, 0 }, { 0, -1, 0 } };
	struct sembuf zcomplex[2] = { { 2, 0, 0 }, { 1, 0, 0 } };
	int id = svipc_semget(IPC_PRIVATE, 3, 0600);
	pid_t kids[5];
	int i;

	ASSERT_LE(0, id);
	track(self, id);
	ASSERT_EQ(0, setval(id, 1, 1));
	kids[0] = spawn_op1(self, id, 0, -1);
	kids[1] = spawn_op1(self, id, 1, 0);
	kids[2] = spawn_ops(self, id, complex, 2);
	kids[3] = spawn_ops(self, id, zcomplex, 2);
	kids[4] = spawn(self);
	if (kids[4] == 0) {
		struct timespec to = { .tv_sec = 20 };
		struct sembuf down = { 2, -1, 0 };

		_exit(svipc_semtimedop(id, &down, 1, &to) ? 100 + errno : 0);
	}
	for (i = 0; i < 5; i++) {
		ASSERT_LE(0, kids[i]);
		ASSERT_EQ(0, wait_blocked(kids[i]));
	}
	ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(100 + EIDRM, reap(self, kids[i])) {
			TH_LOG("sleeper %d", i);
		}
	EXPECT_TRUE(FAILS(getval(id, 0), EINVAL));
}

/* ---- semctl: values and pids ----------------------------------------- */

TEST_F(sem, getval_setval_round_trip)
{
	int id = MK(IPC_PRIVATE, 3, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, setval(id, 1, 42));
	EXPECT_EQ(0, setval(id, 2, SEMVMX_NATIVE));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(42, getval(id, 1));
	EXPECT_EQ(SEMVMX_NATIVE, getval(id, 2));
	EXPECT_EQ(0, setval(id, 2, 0));
	EXPECT_EQ(0, getval(id, 2));
}

TEST_F(sem, setval_out_of_range_is_erange)
{
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 0, 9));
	EXPECT_TRUE(FAILS(setval(id, 0, -1), ERANGE));
	EXPECT_TRUE(FAILS(setval(id, 0, SEMVMX_NATIVE + 1), ERANGE));
	EXPECT_TRUE(FAILS(setval(id, 0, INT_MAX), ERANGE));
	EXPECT_TRUE(FAILS(setval(id, 0, INT_MIN), ERANGE));
	EXPECT_TRUE(FAILS(setval(id, 0, 65536 + 5), ERANGE));
	EXPECT_EQ(9, getval(id, 0));
	/* The value is checked first: before semnum and the id. */
	EXPECT_TRUE(FAILS(setval(id, 7, -1), ERANGE));
	EXPECT_TRUE(FAILS(setval(0x7ffffff0, 0, 40000), ERANGE));
}

TEST_F(sem, setval_semnum_out_of_range_is_einval)
{
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(setval(id, 2, 1), EINVAL));
	EXPECT_TRUE(FAILS(setval(id, -1, 1), EINVAL));
	EXPECT_TRUE(FAILS(setval(id, INT_MAX, 1), EINVAL));
	EXPECT_TRUE(FAILS(setval(0x7ffffff0, 0, 1), EINVAL));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
}

TEST_F(sem, setval_semnum_is_checked_before_permission)
{
	int id = MK(IPC_PRIVATE, 2, 0600);
	int ro = MK(IPC_PRIVATE, 2, 0604);
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_LE(0, ro);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(FAILS(setval(id, 2, 1), EINVAL));
		CHK(FAILS(setval(id, -1, 1), EINVAL));
		CHK(FAILS(setval(id, 1, 1), EACCES));
		CHK(FAILS(setval(ro, 5, 1), EINVAL));
		CHK(FAILS(setval(ro, 0, 1), EACCES));
		/* ERANGE before both. */
		CHK(FAILS(setval(id, 5, -1), ERANGE));
		/* The GET commands check permission first. */
		CHK(FAILS(getval(id, 5), EACCES));
		CHK(FAILS(svipc_semctl(id, 5, GETPID), EACCES));
		CHK(FAILS(svipc_semctl(id, 5, GETNCNT), EACCES));
		CHK(FAILS(svipc_semctl(id, 5, GETZCNT), EACCES));
		CHK(FAILS(getval(ro, 5), EINVAL));
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
}

TEST_F(sem, get_commands_with_semnum_out_of_range_are_einval)
{
	static const int cmds[] = { GETVAL, GETPID, GETNCNT, GETZCNT };
	int id = MK(IPC_PRIVATE, 2, 0600);
	unsigned int i;

	ASSERT_LE(0, id);
	for (i = 0; i < 4; i++) {
		EXPECT_TRUE(FAILS(svipc_semctl(id, 2, cmds[i]), EINVAL));
		EXPECT_TRUE(FAILS(svipc_semctl(id, -1, cmds[i]), EINVAL));
		EXPECT_EQ(0, svipc_semctl(id, 1, cmds[i]));
	}
}

TEST_F(sem, getall_setall_round_trip_and_ignore_semnum)
{
	unsigned short in[4] = { 1, 0, SEMVMX_NATIVE, 300 }, out[4];
	union semun a;
	int id = MK(IPC_PRIVATE, 4, 0600);
	int i;

	ASSERT_LE(0, id);
	a.array = in;
	EXPECT_EQ(0, svipc_semctl(id, 99, SETALL, a));
	memset(out, 0xff, sizeof(out));
	a.array = out;
	EXPECT_EQ(0, svipc_semctl(id, -5, GETALL, a));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(in[i], out[i]);
		EXPECT_EQ(in[i], getval(id, i));
		EXPECT_EQ(getpid(), svipc_semctl(id, i, GETPID));
	}
}

TEST_F(sem, setall_value_above_semvmx_is_erange)
{
	unsigned short init[3] = { 4, 5, 6 }, bad[3] = { 1, SEMVMX_NATIVE + 1, 3 };
	unsigned short worse[3] = { 1, 2, 65535 }, now[3];
	int id = MK(IPC_PRIVATE, 3, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(id, init));
	EXPECT_TRUE(FAILS(setall(id, bad), ERANGE));
	EXPECT_TRUE(FAILS(setall(id, worse), ERANGE));
	ASSERT_EQ(0, getall(id, now));
	EXPECT_EQ(4, now[0]);
	EXPECT_EQ(5, now[1]);
	EXPECT_EQ(6, now[2]);
}

TEST_F(sem, large_set_round_trips_and_takes_many_ops_in_one_call)
{
	static unsigned short in[300], out[300];
	static struct sembuf ops[300];
	int id = MK(IPC_PRIVATE, 300, 0600);
	int i;

	ASSERT_LE(0, id);
	for (i = 0; i < 300; i++)
		in[i] = (unsigned short)(i * 97 % 32768);
	ASSERT_EQ(0, setall(id, in));
	memset(out, 0, sizeof(out));
	ASSERT_EQ(0, getall(id, out));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	EXPECT_EQ(in[299], getval(id, 299));
	/* 300 ops on 300 semaphores (0 and 64 share a bit in native's dup mask). */
	for (i = 0; i < 300; i++) {
		ops[i].sem_num = 299 - i;
		ops[i].sem_op = -(short)in[299 - i];
		ops[i].sem_flg = IPC_NOWAIT;
	}
	ASSERT_EQ(0, svipc_semop(id, ops, 300));
	ASSERT_EQ(0, getall(id, out));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(0, out[i]);
	/* One that would block among many: nothing changes. */
	for (i = 0; i < 300; i++)
		ops[i].sem_op = 1;
	ops[150].sem_op = -1;
	EXPECT_TRUE(FAILS(svipc_semop(id, ops, 300), EAGAIN));
	ASSERT_EQ(0, getall(id, out));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(0, out[i]);
}

TEST_F(sem, root_is_not_bound_by_mode_bits)
{
	unsigned short vals[1] = { 2 };
	struct semid_ds ds;
	int id = MK(test_key(6), 1, IPC_CREAT | 0);

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_semget(test_key(6), 1, 0666));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, op1(id, 0, -1, 0));
	EXPECT_EQ(0, op1(id, 0, 0, 0));
	EXPECT_EQ(0, setval(id, 0, 3));
	EXPECT_EQ(3, getval(id, 0));
	EXPECT_EQ(0, setall(id, vals));
	EXPECT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(0, ds.sem_perm.mode);
}

static void *thread_op(void *arg)
{
	return (void *)(long)op1(*(int *)arg, 1, 1, 0);
}

TEST_F(sem, getpid_is_the_process_id_of_the_last_operation)
{
	int id = MK(IPC_PRIVATE, 3, 0600);
	pthread_t th;
	void *ret;
	pid_t pid, w;

	ASSERT_LE(0, id);
	EXPECT_EQ(0, svipc_semctl(id, 0, GETPID));
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(op1(id, 0, 2, 0) || op1(id, 2, 0, 0) ? 1 : 0);
	ASSERT_EQ(0, reap(self, pid));
	/* Also set by a wait-for-zero, and per semaphore. */
	EXPECT_EQ(pid, svipc_semctl(id, 0, GETPID));
	EXPECT_EQ(0, svipc_semctl(id, 1, GETPID));
	EXPECT_EQ(pid, svipc_semctl(id, 2, GETPID));
	/* A thread's operation is recorded under the process id. */
	ASSERT_EQ(0, pthread_create(&th, NULL, thread_op, &id));
	ASSERT_EQ(0, pthread_join(th, &ret));
	ASSERT_EQ(NULL, ret);
	EXPECT_EQ(getpid(), svipc_semctl(id, 1, GETPID));
	/* SETVAL records the caller. */
	ASSERT_EQ(0, setval(id, 0, 0));
	EXPECT_EQ(getpid(), svipc_semctl(id, 0, GETPID));
	EXPECT_EQ(pid, svipc_semctl(id, 2, GETPID));
	/* A sleeper woken by our increment performed the last operation. */
	w = spawn_op1(self, id, 0, -1);
	ASSERT_LE(0, w);
	ASSERT_EQ(0, wait_blocked(w));
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	EXPECT_EQ(0, reap(self, w));
	EXPECT_EQ(w, svipc_semctl(id, 0, GETPID));
	/* A failed operation records nothing. */
	EXPECT_TRUE(FAILS(op1(id, 0, -1, IPC_NOWAIT), EAGAIN));
	EXPECT_EQ(w, svipc_semctl(id, 0, GETPID));
}

TEST_F(sem, getncnt_getzcnt_count_blocked_processes_per_sus)
{
	/* The blocked op is the first that cannot proceed, in order. */
	struct sembuf d[2] = { { 1, 0, 0 }, { 0, -1, 0 } };	/* zero on 1 */
	struct sembuf e[2] = { { 2, 0, 0 }, { 0, -1, 0 } };	/* waits on 0 */
	struct sembuf f[2] = { { 0, -1, 0 }, { 2, -1, 0 } };	/* waits on 0 */
	struct sembuf g[2] = { { 3, 0, 0 }, { 2, 0, 0 } };	/* zero on 3 */
	pid_t kids[7];
	int id = MK(IPC_PRIVATE, 4, 0600);
	int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 1));
	ASSERT_EQ(0, setval(id, 3, 2));
	kids[0] = spawn_op1(self, id, 0, -1);
	kids[1] = spawn_op1(self, id, 0, -2);
	kids[2] = spawn_op1(self, id, 1, 0);
	kids[3] = spawn_ops(self, id, d, 2);
	kids[4] = spawn_ops(self, id, e, 2);
	kids[5] = spawn_ops(self, id, f, 2);
	kids[6] = spawn_ops(self, id, g, 2);
	for (i = 0; i < 7; i++) {
		ASSERT_LE(0, kids[i]);
		ASSERT_EQ(0, wait_blocked(kids[i]));
	}
	EXPECT_EQ(4, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETZCNT));
	EXPECT_EQ(0, svipc_semctl(id, 1, GETNCNT));
	EXPECT_EQ(2, svipc_semctl(id, 1, GETZCNT));
	EXPECT_EQ(0, svipc_semctl(id, 2, GETNCNT));
	EXPECT_EQ(0, svipc_semctl(id, 2, GETZCNT));
	EXPECT_EQ(0, svipc_semctl(id, 3, GETNCNT));
	EXPECT_EQ(1, svipc_semctl(id, 3, GETZCNT));
	/*
	 * Semaphore 3 reaches 0: g proceeds (2 is 0 too).  Semaphore 1
	 * reaches 0: c proceeds, d's first op too, and d now counts as
	 * waiting on semaphore 0.
	 */
	ASSERT_EQ(0, setval(id, 3, 0));
	EXPECT_EQ(0, reap(self, kids[6]));
	ASSERT_EQ(0, setval(id, 1, 0));
	EXPECT_EQ(0, reap(self, kids[2]));
	EXPECT_EQ(0, wait_blocked(kids[3]));
	EXPECT_EQ(5, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, svipc_semctl(id, 1, GETZCNT));
	EXPECT_EQ(0, svipc_semctl(id, 3, GETZCNT));
	ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	for (i = 0; i < 6; i++) {
		if (i == 2)
			continue;
		EXPECT_EQ(100 + EIDRM, reap(self, kids[i])) {
			TH_LOG("sleeper %d", i);
		}
	}
}

/* ---- semctl: status, ownership, times -------------------------------- */

TEST_F(sem, ipc_stat_reports_a_new_set)
{
	struct semid_ds ds;
	time_t before = time(NULL);
	int id;

	umask(077);
	id = MK(test_key(2), 5, IPC_CREAT | 04000 | 0751);
	ASSERT_LE(0, id);
	memset(&ds, 0xa5, sizeof(ds));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(test_key(2), ds.sem_perm.__key);
	EXPECT_EQ(0751, ds.sem_perm.mode);
	EXPECT_EQ(geteuid(), ds.sem_perm.uid);
	EXPECT_EQ(geteuid(), ds.sem_perm.cuid);
	EXPECT_EQ(getegid(), ds.sem_perm.gid);
	EXPECT_EQ(getegid(), ds.sem_perm.cgid);
	EXPECT_EQ(id >> 15, ds.sem_perm.__seq);
	EXPECT_EQ(5, ds.sem_nsems);
	EXPECT_EQ(0, ds.sem_otime);
	EXPECT_LE(before, ds.sem_ctime);
	EXPECT_GE(time(NULL), ds.sem_ctime);
}

TEST_F(sem, semop_sets_otime_and_a_failed_semop_does_not)
{
	struct semid_ds ds;
	time_t before;
	int id = MK(IPC_PRIVATE, 1, 0600);
	int z = MK(IPC_PRIVATE, 1, 0600);

	ASSERT_LE(0, id);
	ASSERT_LE(0, z);
	EXPECT_TRUE(FAILS(op1(id, 0, -1, IPC_NOWAIT), EAGAIN));
	EXPECT_TRUE(FAILS(op1(id, 1, 0, 0), EFBIG));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(0, ds.sem_otime);
	/* SETVAL is not an operation. */
	ASSERT_EQ(0, setval(id, 0, 1));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(0, ds.sem_otime);
	before = time(NULL);
	EXPECT_EQ(0, op1(id, 0, -1, 0));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_LE(before, ds.sem_otime);
	EXPECT_GE(time(NULL), ds.sem_otime);
	/* A wait-for-zero that succeeds sets it too. */
	before = time(NULL);
	EXPECT_EQ(0, op1(z, 0, 0, 0));
	ASSERT_EQ(0, stat_ds(z, &ds));
	EXPECT_LE(before, ds.sem_otime);
	EXPECT_GE(time(NULL), ds.sem_otime);
}

TEST_F(sem, setval_updates_ctime_and_semop_does_not)
{
	struct semid_ds ds;
	time_t ctime0, before;
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, stat_ds(id, &ds));
	ctime0 = ds.sem_ctime;
	next_second(ctime0);
	EXPECT_EQ(0, op1(id, 0, 1, 0));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(ctime0, ds.sem_ctime);
	before = time(NULL);
	EXPECT_EQ(0, setval(id, 1, 3));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_LE(before, ds.sem_ctime);
	EXPECT_LT(ctime0, ds.sem_ctime);
	EXPECT_GE(time(NULL), ds.sem_ctime);
}

TEST_F(sem, setall_updates_ctime)
{
	unsigned short vals[2] = { 1, 2 };
	struct semid_ds ds;
	time_t ctime0, before;
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, stat_ds(id, &ds));
	ctime0 = ds.sem_ctime;
	next_second(ctime0);
	before = time(NULL);
	EXPECT_EQ(0, setall(id, vals));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_LE(before, ds.sem_ctime);
	EXPECT_LT(ctime0, ds.sem_ctime);
	EXPECT_GE(time(NULL), ds.sem_ctime);
}

TEST_F(sem, ipc_set_changes_owner_mode_and_ctime)
{
	struct semid_ds ds;
	time_t ctime0, before;
	int id = MK(IPC_PRIVATE, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, stat_ds(id, &ds));
	ctime0 = ds.sem_ctime;
	next_second(ctime0);
	before = time(NULL);
	ds.sem_perm.uid = 1234;
	ds.sem_perm.gid = 4321;
	ds.sem_perm.mode = 07640;
	ds.sem_perm.cuid = 999;		/* not settable */
	ds.sem_nsems = 77;		/* neither */
	ASSERT_EQ(0, set_ds(id, &ds));
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(1234, ds.sem_perm.uid);
	EXPECT_EQ(4321, ds.sem_perm.gid);
	EXPECT_EQ(0640, ds.sem_perm.mode);
	EXPECT_EQ(0, ds.sem_perm.cuid);
	EXPECT_EQ(0, ds.sem_perm.cgid);
	EXPECT_EQ(2, ds.sem_nsems);
	EXPECT_LE(before, ds.sem_ctime);
	EXPECT_LT(ctime0, ds.sem_ctime);
}

TEST_F(sem, ipc_set_with_unmappable_uid_is_einval)
{
	struct semid_ds ds;
	int id = MK(IPC_PRIVATE, 1, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, stat_ds(id, &ds));
	ds.sem_perm.uid = (uid_t)-1;
	EXPECT_TRUE(FAILS(set_ds(id, &ds), EINVAL));
	ds.sem_perm.uid = 0;
	ds.sem_perm.gid = (gid_t)-1;
	EXPECT_TRUE(FAILS(set_ds(id, &ds), EINVAL));
}

TEST_F(sem, ipc_set_and_rmid_by_non_owner_are_eperm)
{
	struct semid_ds ds;
	int id = MK(IPC_PRIVATE, 1, 0666);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct semid_ds d;
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(stat_ds(id, &d) == 0);
		d.sem_perm.mode = 0600;
		CHK(FAILS(set_ds(id, &d), EPERM));
		CHK(FAILS(svipc_semctl(id, 0, IPC_RMID), EPERM));
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(0666, ds.sem_perm.mode);
	/* Once it is theirs, they may change and remove it. */
	ds.sem_perm.uid = UNPRIV_UID;
	ASSERT_EQ(0, set_ds(id, &ds));
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct semid_ds d;
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(stat_ds(id, &d) == 0);
		d.sem_perm.mode = 0600;
		CHK(set_ds(id, &d) == 0);
		CHK(svipc_semctl(id, 0, IPC_RMID) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_TRUE(FAILS(stat_ds(id, &ds), EINVAL));
}

TEST_F(sem, creator_keeps_owner_rights_after_giving_the_set_away)
{
	struct semid_ds ds;
	key_t key = test_key(7);
	pid_t pid;
	int id, st;

	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(become(UNPRIV_UID, UNPRIV_GID) ||
		      svipc_semget(key, 1, IPC_CREAT | IPC_EXCL | 0600) < 0);
	st = reap(self, pid);
	id = MK(key, 0, 0);
	ASSERT_EQ(0, st);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, stat_ds(id, &ds));
	EXPECT_EQ(UNPRIV_UID, ds.sem_perm.cuid);
	EXPECT_EQ(UNPRIV_GID, ds.sem_perm.cgid);
	ds.sem_perm.uid = 2000;
	ds.sem_perm.gid = 2000;
	ASSERT_EQ(0, set_ds(id, &ds));
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct semid_ds d;
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(stat_ds(id, &d) == 0);
		CHK(setval(id, 0, 1) == 0);
		CHK(set_ds(id, &d) == 0);
		CHK(svipc_semctl(id, 0, IPC_RMID) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_TRUE(FAILS(stat_ds(id, &ds), EINVAL));
}

TEST_F(sem, removed_set_is_stale_and_its_key_free_again)
{
	struct semid_ds ds;
	int id = svipc_semget(test_key(4), 2, IPC_CREAT | IPC_EXCL | 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	EXPECT_TRUE(FAILS(stat_ds(id, &ds), EINVAL));
	EXPECT_TRUE(FAILS(getval(id, 0), EINVAL));
	EXPECT_TRUE(FAILS(setval(id, 0, 1), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(id, 0, IPC_RMID), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semget(test_key(4), 0, 0), ENOENT));
	EXPECT_LE(0, MK(test_key(4), 2, IPC_CREAT | IPC_EXCL | 0600));
}

/* ---- semctl: information --------------------------------------------- */

static void check_constants(struct __test_metadata *_metadata,
			    const struct seminfo *si)
{
	EXPECT_EQ(32767, si->semvmx);
	EXPECT_EQ(1024000000, si->semmap);	/* SEMMAP = SEMMNS, a constant */
	EXPECT_EQ(1024000000, si->semmnu);	/* SEMMNU = SEMMNS */
	EXPECT_EQ(500, si->semume);		/* SEMUME = SEMOPM */
}

TEST_F(sem, ipc_info_reports_limits_and_highest_index)
{
	struct seminfo si;
	int id = MK(IPC_PRIVATE, 1, 0600);
	int v[4], ret;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, sem_limits(v));
	memset(&si, 0xff, sizeof(si));
	ret = info(IPC_INFO, &si);
	ASSERT_LE(0, ret);
	EXPECT_LE(IDX(id), ret);
	EXPECT_EQ(v[0], si.semmsl);
	EXPECT_EQ(v[1], si.semmns);
	EXPECT_EQ(v[2], si.semopm);
	EXPECT_EQ(v[3], si.semmni);
	EXPECT_EQ(20, si.semusz);
	EXPECT_EQ(32767, si.semaem);
	check_constants(_metadata, &si);
	/* Limits follow the parameter; the constants do not. */
	ASSERT_EQ(0, set_param(self, "250 32000 32 128"));
	memset(&si, 0xff, sizeof(si));
	ASSERT_LE(IDX(id), info(IPC_INFO, &si));
	EXPECT_EQ(250, si.semmsl);
	EXPECT_EQ(32000, si.semmns);
	EXPECT_EQ(32, si.semopm);
	EXPECT_EQ(128, si.semmni);
	EXPECT_EQ(20, si.semusz);
	EXPECT_EQ(32767, si.semaem);
	check_constants(_metadata, &si);
}

TEST_F(sem, sem_info_counts_sets_and_semaphores)
{
	struct seminfo a, b, c;
	int v[4], id, id2, ret;

	ASSERT_EQ(0, sem_limits(v));
	ASSERT_LE(0, info(SEM_INFO, &a));
	id = MK(IPC_PRIVATE, 3, 0600);
	ASSERT_LE(0, id);
	id2 = MK(IPC_PRIVATE, 4, 0600);
	ASSERT_LE(0, id2);
	memset(&b, 0xff, sizeof(b));
	ret = info(SEM_INFO, &b);
	ASSERT_LE(0, ret);
	EXPECT_LE(IDX(id), ret);
	EXPECT_LE(IDX(id2), ret);
	EXPECT_EQ(a.semusz + 2, b.semusz);
	EXPECT_EQ(a.semaem + 7, b.semaem);
	EXPECT_EQ(v[0], b.semmsl);
	EXPECT_EQ(v[1], b.semmns);
	EXPECT_EQ(v[2], b.semopm);
	EXPECT_EQ(v[3], b.semmni);
	check_constants(_metadata, &b);
	ASSERT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	ASSERT_LE(0, info(SEM_INFO, &c));
	EXPECT_EQ(a.semusz + 1, c.semusz);
	EXPECT_EQ(a.semaem + 4, c.semaem);
}

TEST_F(sem, sem_stat_takes_an_index_and_returns_the_id)
{
	struct semid_ds ds;
	struct seminfo si;
	union semun a = { .buf = &ds };
	int id = MK(test_key(5), 3, IPC_CREAT | 0640);
	int max;

	ASSERT_LE(0, id);
	memset(&ds, 0, sizeof(ds));
	EXPECT_EQ(id, svipc_semctl(IDX(id), 0, SEM_STAT, a));
	EXPECT_EQ(test_key(5), ds.sem_perm.__key);
	EXPECT_EQ(3, ds.sem_nsems);
	EXPECT_EQ(0640, ds.sem_perm.mode);
	memset(&ds, 0, sizeof(ds));
	EXPECT_EQ(id, svipc_semctl(IDX(id), 0, SEM_STAT_ANY, a));
	EXPECT_EQ(3, ds.sem_nsems);
	/* An unused index is EINVAL; a full id is not an index. */
	max = info(IPC_INFO, &si);
	ASSERT_LE(0, max);
	EXPECT_TRUE(FAILS(svipc_semctl(max + 1, 0, SEM_STAT, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(max + 1, 0, SEM_STAT_ANY, a), EINVAL));
	/* Native masks the sequence off: a full id works as its index. */
	EXPECT_EQ(id, svipc_semctl(id, 0, SEM_STAT, a));
}

TEST_F(sem, every_index_up_to_sem_info_max_is_listable)
{
	struct semid_ds ds;
	struct seminfo si;
	union semun a = { .buf = &ds };
	int id = MK(IPC_PRIVATE, 1, 0600);
	int i, max, found = 0;

	ASSERT_LE(0, id);
	max = info(SEM_INFO, &si);
	ASSERT_LE(IDX(id), max);
	for (i = 0; i <= max; i++)
		if (svipc_semctl(i, 0, SEM_STAT_ANY, a) == id)
			found++;
	EXPECT_EQ(1, found);
}

TEST_F(sem, sem_stat_any_skips_the_read_check)
{
	int id = MK(IPC_PRIVATE, 2, 0600);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct semid_ds d;
		union semun a = { .buf = &d };
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(FAILS(svipc_semctl(IDX(id), 0, SEM_STAT, a), EACCES));
		CHK(svipc_semctl(IDX(id), 0, SEM_STAT_ANY, a) == id);
		CHK(d.sem_nsems == 2);
		CHK(d.sem_perm.mode == 0600);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
}

/* ---- semctl: errors and permissions ---------------------------------- */

TEST_F(sem, semctl_unknown_command_or_bad_id_is_einval)
{
	struct semid_ds ds;
	struct seminfo si;
	union semun a = { .buf = &ds };
	int id = MK(IPC_PRIVATE, 1, 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(svipc_semctl(id, 0, 99, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(id, 0, 10, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(id, 0, 21, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(id, 0, -1, a), EINVAL));
	/* x86-64 takes no IPC_64 flag: the native call rejects it too. */
	EXPECT_TRUE(FAILS(svipc_semctl(id, 0, IPC_STAT | 0x100, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(-1, 0, IPC_STAT, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(0x7ffffff0, 0, IPC_STAT, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(-1, 0, GETVAL), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(-1, 0, IPC_RMID), EINVAL));
	/* A negative semid is refused even for the info commands. */
	a.__buf = &si;
	EXPECT_TRUE(FAILS(svipc_semctl(-1, 0, IPC_INFO, a), EINVAL));
	EXPECT_TRUE(FAILS(svipc_semctl(-1, 0, SEM_INFO, a), EINVAL));
	EXPECT_EQ(0, getval(id, 0));
}

TEST_F(sem, semctl_get_commands_and_ipc_stat_need_read_permission)
{
	int none = MK(IPC_PRIVATE, 2, 0600);
	int rd = MK(IPC_PRIVATE, 2, 0604);
	int wr = MK(IPC_PRIVATE, 2, 0602);
	pid_t pid;

	ASSERT_LE(0, none);
	ASSERT_LE(0, rd);
	ASSERT_LE(0, wr);
	ASSERT_EQ(0, setval(rd, 1, 5));
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static const int cmds[] = { GETVAL, GETPID, GETNCNT, GETZCNT };
		unsigned short vals[2];
		struct semid_ds d;
		unsigned int i;
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		for (i = 0; i < 4; i++) {
			CHK(FAILS(svipc_semctl(none, 0, cmds[i]), EACCES));
			CHK(FAILS(svipc_semctl(wr, 0, cmds[i]), EACCES));
			CHK(svipc_semctl(rd, 0, cmds[i]) >= 0);
		}
		CHK(FAILS(getall(none, vals), EACCES));
		CHK(FAILS(getall(wr, vals), EACCES));
		CHK(getall(rd, vals) == 0 && vals[0] == 0 && vals[1] == 5);
		CHK(FAILS(stat_ds(none, &d), EACCES));
		CHK(FAILS(stat_ds(wr, &d), EACCES));
		CHK(stat_ds(rd, &d) == 0 && d.sem_nsems == 2);
		CHK(getval(rd, 1) == 5);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
}

TEST_F(sem, semctl_setval_and_setall_need_alter_permission)
{
	unsigned short vals[2] = { 7, 8 };
	int none = MK(IPC_PRIVATE, 2, 0600);
	int rd = MK(IPC_PRIVATE, 2, 0604);
	int wr = MK(IPC_PRIVATE, 2, 0602);
	pid_t pid;

	ASSERT_LE(0, none);
	ASSERT_LE(0, rd);
	ASSERT_LE(0, wr);
	pid = spawn(self);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int step = 0;

		CHK(!become(UNPRIV_UID, UNPRIV_GID));
		CHK(FAILS(setval(none, 0, 1), EACCES));
		CHK(FAILS(setval(rd, 0, 1), EACCES));
		CHK(setval(wr, 0, 3) == 0);
		CHK(FAILS(setall(none, vals), EACCES));
		CHK(FAILS(setall(rd, vals), EACCES));
		CHK(setall(wr, vals) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self, pid));
	EXPECT_EQ(0, getval(none, 0));
	EXPECT_EQ(0, getval(rd, 0));
	EXPECT_EQ(7, getval(wr, 0));
	EXPECT_EQ(8, getval(wr, 1));
	EXPECT_EQ(pid, svipc_semctl(wr, 1, GETPID));
}

SVIPC_TEST_MAIN
