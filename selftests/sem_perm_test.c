// SPDX-License-Identifier: GPL-2.0
/*
 * The permission matrix of semaphore sets, as native Linux enforces it,
 * proved by unprivileged callers (forked children that drop to a non-zero
 * uid with no capabilities) against sets that root creates and removes:
 *
 *  - ipcperms: the owner class applies when euid is uid or cuid, else the
 *    group class when egid or a supplementary group is gid or cgid, else
 *    other; the class's bits alone decide.  Read (r) is needed by semop
 *    whose sem_ops are all 0, GETVAL, GETALL, GETNCNT, GETZCNT, GETPID,
 *    IPC_STAT and SEM_STAT; alter (w) by semop with any sem_op != 0,
 *    SETVAL and SETALL; SEM_STAT_ANY needs nothing;
 *  - the order of the checks: EFBIG and SETVAL's EINVAL (semnum) come
 *    before EACCES, GETVAL's EINVAL after it; EACCES before EAGAIN;
 *  - semget checks the permission bits given in its flags, after EEXIST
 *    and after EINVAL for nsems larger than the set;
 *  - IPC_SET and IPC_RMID belong to uid and cuid (and CAP_SYS_ADMIN),
 *    whatever the mode; IPC_SET changes uid, gid and the low 9 mode bits
 *    only, never cuid/cgid;
 *  - semop sleepers are NOT rechecked: one blocked in semop that loses
 *    its permission through IPC_SET is not woken by it, and completes
 *    when the value lets it;
 *  - root (CAP_IPC_OWNER) ignores the mode bits; IPC_INFO/SEM_INFO need
 *    no permission.
 */
#include <limits.h>

#include "common.h"
#include "perm.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

#define NSEMS 2

/* An exit status of a child besides those of perm.h. */
#define X_HUNG 252	/* reap(): still running after 20 s, killed */

enum op {
	OP_CREATE,		/* semget(key, nsems, IPC_CREAT | IPC_EXCL | flg) */
	OP_GET,			/* semget(key, nsems, flg) must return id */
	OP_SEMOP,		/* one sop: { num, val, flg } */
	OP_SEMOP2,		/* { !num, 0, flg } then { num, val, flg } */
	OP_GETVAL,		/* must return val */
	OP_GETALL,		/* vals[] must match */
	OP_GETNCNT,		/* must return val */
	OP_GETZCNT,		/* must return val */
	OP_GETPID,		/* must return > 0 */
	OP_SETVAL,		/* semnum num to val */
	OP_SETALL,		/* to vals[] */
	OP_STAT,
	OP_SEM_STAT,		/* must return id */
	OP_SEM_STAT_ANY,	/* must return id */
	OP_SET,			/* IPC_SET with ds */
	OP_RMID,
	OP_IPC_INFO,		/* must return an index >= id's */
	OP_SEM_INFO,		/* likewise */
};

struct req {
	enum op op;
	int id;
	key_t key;
	int flg;
	int nsems;
	int num;
	int val;
	unsigned short vals[NSEMS];
	struct semid_ds ds;
};

/* Runs in the child: 0, an errno value, or X_WRONG. */
static int do_req(const struct req *r)
{
	unsigned short vals[NSEMS] = { 0 };
	struct sembuf sb[2];
	struct semid_ds ds;
	struct seminfo info;
	union semun a;
	int idx = r->id & 0x7fff;
	int nsems = r->nsems ? r->nsems : NSEMS;
	long ret;
	int i;

	errno = 0;
	switch (r->op) {
	case OP_CREATE:
		ret = svipc_semget(r->key, nsems, IPC_CREAT | IPC_EXCL | r->flg);
		return ret < 0 ? errno : 0;
	case OP_GET:
		ret = svipc_semget(r->key, r->nsems, r->flg);
		if (ret < 0)
			return errno;
		return ret == r->id ? 0 : X_WRONG;
	case OP_SEMOP:
		sb[0] = (struct sembuf){ .sem_num = r->num, .sem_op = r->val,
					 .sem_flg = r->flg };
		return svipc_semop(r->id, sb, 1) ? errno : 0;
	case OP_SEMOP2:
		sb[0] = (struct sembuf){ .sem_num = !r->num, .sem_op = 0,
					 .sem_flg = r->flg };
		sb[1] = (struct sembuf){ .sem_num = r->num, .sem_op = r->val,
					 .sem_flg = r->flg };
		return svipc_semop(r->id, sb, 2) ? errno : 0;
	case OP_GETVAL:
	case OP_GETNCNT:
	case OP_GETZCNT:
	case OP_GETPID:
		ret = svipc_semctl(r->id, r->num,
				   r->op == OP_GETVAL ? GETVAL :
				   r->op == OP_GETNCNT ? GETNCNT :
				   r->op == OP_GETZCNT ? GETZCNT : GETPID);
		if (ret < 0)
			return errno;
		if (r->op == OP_GETPID)
			return ret > 0 ? 0 : X_WRONG;
		return ret == r->val ? 0 : X_WRONG;
	case OP_GETALL:
		a.array = vals;
		if (svipc_semctl(r->id, 0, GETALL, a))
			return errno;
		for (i = 0; i < NSEMS; i++)
			if (vals[i] != r->vals[i])
				return X_WRONG;
		return 0;
	case OP_SETVAL:
		a.val = r->val;
		return svipc_semctl(r->id, r->num, SETVAL, a) ? errno : 0;
	case OP_SETALL:
		memcpy(vals, r->vals, sizeof(vals));
		a.array = vals;
		return svipc_semctl(r->id, 0, SETALL, a) ? errno : 0;
	case OP_STAT:
		a.buf = &ds;
		ret = svipc_semctl(r->id, 0, IPC_STAT, a);
		if (ret < 0)
			return errno;
		return ret == 0 && ds.sem_perm.__key == r->key &&
		       ds.sem_nsems == NSEMS ? 0 : X_WRONG;
	case OP_SEM_STAT:
	case OP_SEM_STAT_ANY:
		a.buf = &ds;
		ret = svipc_semctl(idx, 0, r->op == OP_SEM_STAT ? SEM_STAT :
				   SEM_STAT_ANY, a);
		if (ret < 0)
			return errno;
		return ret == r->id && ds.sem_perm.__key == r->key ? 0 : X_WRONG;
	case OP_SET:
		ds = r->ds;
		a.buf = &ds;
		return svipc_semctl(r->id, 0, IPC_SET, a) ? errno : 0;
	case OP_RMID:
		return svipc_semctl(r->id, 0, IPC_RMID) ? errno : 0;
	case OP_IPC_INFO:
	case OP_SEM_INFO:
		memset(&info, 0, sizeof(info));
		a.__buf = &info;
		ret = svipc_semctl(0, 0, r->op == OP_IPC_INFO ? IPC_INFO :
				   SEM_INFO, a);
		if (ret < 0)
			return errno;
		if (ret < idx || info.semmsl <= 0 || info.semvmx <= 0)
			return X_WRONG;
		if (r->op == OP_SEM_INFO && (info.semusz < 1 || info.semaem < 1))
			return X_WRONG;
		return 0;
	}
	return X_WRONG;
}

#define MAXSETS 8
#define MAXKIDS 8

/* Sets and children are cleaned up even when a test fails. */
FIXTURE(perm) {
	int ids[MAXSETS];
	int n;
	pid_t kids[MAXKIDS];
};

FIXTURE_SETUP(perm)
{
}

FIXTURE_TEARDOWN(perm)
{
	int i, id;

	for (i = 0; i < MAXKIDS; i++) {
		if (self->kids[i] > 0) {
			kill(self->kids[i], SIGKILL);
			waitpid(self->kids[i], NULL, 0);
		}
	}
	for (i = 0; i < self->n; i++)
		svipc_semctl(self->ids[i], 0, IPC_RMID);
	/* Whatever a child created under one of this test's keys. */
	for (i = 0; i < 16; i++) {
		id = svipc_semget(test_key(i), 0, 0);
		if (id >= 0)
			svipc_semctl(id, 0, IPC_RMID);
	}
}

/* Fork a child that becomes @w and performs @r; returns its pid. */
static pid_t spawn_as(FIXTURE_DATA(perm) *self, const struct who *w,
		      const struct req *r)
{
	pid_t pid;
	int i;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		if (become_who(w))
			_exit(X_BECOME);
		_exit(do_req(r));
	}
	for (i = 0; pid > 0 && i < MAXKIDS; i++) {
		if (self->kids[i] <= 0) {
			self->kids[i] = pid;
			break;
		}
	}
	return pid;
}

/*
 * Wait for a child of spawn_as(): its exit status.  A child that should
 * have ended but still sleeps after 20 s (a missed wake-up) is killed and
 * reported as X_HUNG, so that the test fails and its teardown still runs
 * instead of the harness timing the whole test out.  This bound can only
 * fail a test, never pass one.
 */
static int reap(FIXTURE_DATA(perm) *self, pid_t pid)
{
	int i, st = X_HUNG;

	if (pid <= 0)
		return -1;
	for (i = 0; i < 20000; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
		if (r < 0) {
			st = -1;
			break;
		}
		usleep(1000);
	}
	if (i == 20000) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		st = X_HUNG;
	}
	for (i = 0; i < MAXKIDS; i++)
		if (self->kids[i] == pid)
			self->kids[i] = 0;
	return st;
}

static int as_user(FIXTURE_DATA(perm) *self, const struct who *w,
		   const struct req *r)
{
	return reap(self, spawn_as(self, w, r));
}

/* AS(&who, .op = ..., ...): 0, the errno of the call, or X_*. */
#define AS(w, ...) as_user(self, (w), &(struct req){ __VA_ARGS__ })
#define SPAWN(w, ...) spawn_as(self, (w), &(struct req){ __VA_ARGS__ })

static int track(FIXTURE_DATA(perm) *self, int id)
{
	if (id >= 0 && self->n < MAXSETS)
		self->ids[self->n++] = id;
	return id;
}

/* A set of NSEMS semaphores root creates under test_key(@n). */
static int mkset(FIXTURE_DATA(perm) *self, int n, int mode)
{
	return track(self, svipc_semget(test_key(n), NSEMS,
					IPC_CREAT | IPC_EXCL | mode));
}

/* A set @w creates under test_key(@n); root finds and tracks it. */
static int mkset_as(FIXTURE_DATA(perm) *self, const struct who *w, int n,
		    int mode)
{
	if (AS(w, .op = OP_CREATE, .key = test_key(n), .flg = mode))
		return -1;
	return track(self, svipc_semget(test_key(n), 0, 0));
}

/* IPC_STAT by root; all-ones on failure. */
static struct semid_ds rstat(int id)
{
	struct semid_ds ds;
	union semun a = { .buf = &ds };

	if (svipc_semctl(id, 0, IPC_STAT, a))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

static int rset(int id, struct semid_ds *ds)
{
	union semun a = { .buf = ds };

	return svipc_semctl(id, 0, IPC_SET, a);
}

/* IPC_SET by root of uid, gid and mode. */
static int set_perm(int id, uid_t uid, gid_t gid, int mode)
{
	struct semid_ds ds;
	union semun a = { .buf = &ds };

	if (svipc_semctl(id, 0, IPC_STAT, a))
		return -1;
	ds.sem_perm.uid = uid;
	ds.sem_perm.gid = gid;
	ds.sem_perm.mode = mode;
	return rset(id, &ds);
}

static int rgetval(int id, int num)
{
	return svipc_semctl(id, num, GETVAL);
}

static int rsetval(int id, int num, int val)
{
	union semun a = { .val = val };

	return svipc_semctl(id, num, SETVAL, a);
}

static int rsetall(int id, unsigned short v0, unsigned short v1)
{
	unsigned short vals[NSEMS] = { v0, v1 };
	union semun a = { .array = vals };

	return svipc_semctl(id, 0, SETALL, a);
}

static int rop(int id, int num, int op)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op,
			     .sem_flg = IPC_NOWAIT };

	return svipc_semop(id, &sb, 1);
}

/*
 * A root-made set under test_key(0) given to owner (uid U_A, gid G_A;
 * cuid/cgid stay 0) with @mode; semaphore 0 holds 1, semaphore 1 holds 0.
 */
static int owned_set(FIXTURE_DATA(perm) *self, int mode)
{
	int id = mkset(self, 0, 0600);

	if (id < 0 || set_perm(id, U_A, G_A, mode) || rsetall(id, 1, 0))
		return -1;
	return id;
}

/*
 * The read-type operations on an owned_set()-like set (values {1, 0}),
 * each expected to give @err (0: allowed).  None changes a value.
 */
#define EXPECT_READS(w, id, err) do {					\
	key_t k_ = test_key(0);						\
	EXPECT_EQ(err, AS(w, .op = OP_SEMOP, .id = (id), .num = 1,	\
			  .val = 0, .flg = IPC_NOWAIT));		\
	EXPECT_EQ(err, AS(w, .op = OP_GETVAL, .id = (id), .num = 0,	\
			  .val = 1));					\
	EXPECT_EQ(err, AS(w, .op = OP_GETALL, .id = (id),		\
			  .vals = { 1, 0 }));				\
	EXPECT_EQ(err, AS(w, .op = OP_GETNCNT, .id = (id), .num = 0,	\
			  .val = 0));					\
	EXPECT_EQ(err, AS(w, .op = OP_GETZCNT, .id = (id), .num = 1,	\
			  .val = 0));					\
	EXPECT_EQ(err, AS(w, .op = OP_GETPID, .id = (id), .num = 0));	\
	EXPECT_EQ(err, AS(w, .op = OP_STAT, .id = (id), .key = k_));	\
	EXPECT_EQ(err, AS(w, .op = OP_SEM_STAT, .id = (id), .key = k_)); \
} while (0)

/*
 * The alter-type operations on an owned_set()-like set (values {1, 0}),
 * each expected to give @err (0: allowed), with root checking after each
 * that it took effect or changed nothing; the set ends as {1, 0}.
 */
#define EXPECT_ALTERS(w, id, err) do {					\
	int ok_ = (err) == 0;						\
	EXPECT_EQ(err, AS(w, .op = OP_SEMOP, .id = (id), .num = 0,	\
			  .val = 1, .flg = IPC_NOWAIT));		\
	EXPECT_EQ(ok_ ? 2 : 1, rgetval(id, 0));				\
	EXPECT_EQ(err, AS(w, .op = OP_SEMOP, .id = (id), .num = 0,	\
			  .val = -1, .flg = IPC_NOWAIT));		\
	EXPECT_EQ(1, rgetval(id, 0));					\
	EXPECT_EQ(err, AS(w, .op = OP_SEMOP, .id = (id), .num = 0,	\
			  .val = -1, .flg = IPC_NOWAIT));		\
	EXPECT_EQ(ok_ ? 0 : 1, rgetval(id, 0));				\
	/* One non-zero sem_op among zero ones makes it an alter. */	\
	EXPECT_EQ(err, AS(w, .op = OP_SEMOP2, .id = (id), .num = 0,	\
			  .val = 1, .flg = IPC_NOWAIT));		\
	EXPECT_EQ(1, rgetval(id, 0));					\
	EXPECT_EQ(err, AS(w, .op = OP_SETVAL, .id = (id), .num = 0,	\
			  .val = 3));					\
	EXPECT_EQ(ok_ ? 3 : 1, rgetval(id, 0));				\
	EXPECT_EQ(err, AS(w, .op = OP_SETALL, .id = (id),		\
			  .vals = { 5, 6 }));				\
	EXPECT_EQ(ok_ ? 5 : 1, rgetval(id, 0));				\
	EXPECT_EQ(ok_ ? 6 : 0, rgetval(id, 1));				\
	ASSERT_EQ(0, rsetall(id, 1, 0));				\
} while (0)

/* ---- read: semop(0), GET*, IPC_STAT, SEM_STAT ------------------------ */

TEST_F(perm, owner_by_uid_with_read_may_do_every_read)
{
	int id = owned_set(self, 0400);

	ASSERT_LE(0, id);
	EXPECT_READS(&owner, id, 0);
	/* Read does not grant alter. */
	EXPECT_ALTERS(&owner, id, EACCES);
}

TEST_F(perm, owner_without_read_gets_eacces_even_if_group_and_other_may_read)
{
	int id = owned_set(self, 0377);

	ASSERT_LE(0, id);
	EXPECT_READS(&owner, id, EACCES);
}

TEST_F(perm, group_member_with_read_may_do_every_read)
{
	int id = owned_set(self, 0040);

	ASSERT_LE(0, id);
	EXPECT_READS(&member, id, 0);
	EXPECT_ALTERS(&member, id, EACCES);
}

TEST_F(perm, group_member_without_read_gets_eacces_even_if_other_may_read)
{
	int id = owned_set(self, 0737);

	ASSERT_LE(0, id);
	EXPECT_READS(&member, id, EACCES);
}

TEST_F(perm, other_with_read_may_do_every_read)
{
	int id = owned_set(self, 0004);

	ASSERT_LE(0, id);
	EXPECT_READS(&other, id, 0);
	EXPECT_ALTERS(&other, id, EACCES);
}

TEST_F(perm, other_without_read_gets_eacces_on_every_read)
{
	int id = owned_set(self, 0773);

	ASSERT_LE(0, id);
	EXPECT_READS(&other, id, EACCES);
}

TEST_F(perm, wait_for_zero_without_read_gets_eacces_before_eagain)
{
	int id = owned_set(self, 0773);

	ASSERT_LE(0, id);
	/* Semaphore 0 holds 1: a reader would get EAGAIN. */
	EXPECT_EQ(EAGAIN, AS(&owner, .op = OP_SEMOP, .id = id, .num = 0,
			     .val = 0, .flg = IPC_NOWAIT));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SEMOP, .id = id, .num = 0,
			     .val = 0, .flg = IPC_NOWAIT));
}

TEST_F(perm, sem_stat_any_needs_no_read_permission)
{
	int id = owned_set(self, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SEM_STAT, .id = id,
			     .key = test_key(0)));
	EXPECT_EQ(0, AS(&other, .op = OP_SEM_STAT_ANY, .id = id,
			.key = test_key(0)));
	EXPECT_EQ(0, AS(&member, .op = OP_SEM_STAT_ANY, .id = id,
			.key = test_key(0)));
	EXPECT_EQ(0, AS(&owner, .op = OP_SEM_STAT_ANY, .id = id,
			.key = test_key(0)));
}

/* ---- alter: semop(+/-), SETVAL, SETALL ------------------------------ */

TEST_F(perm, owner_by_uid_with_alter_may_semop_setval_and_setall)
{
	int id = owned_set(self, 0200);

	ASSERT_LE(0, id);
	EXPECT_ALTERS(&owner, id, 0);
	/* Alter does not grant read, not even to wait for zero. */
	EXPECT_READS(&owner, id, EACCES);
}

TEST_F(perm, owner_without_alter_gets_eacces_even_if_group_and_other_may_alter)
{
	int id = owned_set(self, 0577);

	ASSERT_LE(0, id);
	EXPECT_ALTERS(&owner, id, EACCES);
}

TEST_F(perm, group_member_with_alter_may_semop_setval_and_setall)
{
	int id = owned_set(self, 0020);

	ASSERT_LE(0, id);
	EXPECT_ALTERS(&member, id, 0);
	EXPECT_READS(&member, id, EACCES);
}

TEST_F(perm, group_member_without_alter_gets_eacces_even_if_other_may_alter)
{
	int id = owned_set(self, 0757);

	ASSERT_LE(0, id);
	EXPECT_ALTERS(&member, id, EACCES);
}

TEST_F(perm, other_with_alter_may_semop_setval_and_setall)
{
	int id = owned_set(self, 0002);

	ASSERT_LE(0, id);
	EXPECT_ALTERS(&other, id, 0);
	EXPECT_READS(&other, id, EACCES);
}

TEST_F(perm, other_without_alter_gets_eacces_on_every_alter)
{
	int id = owned_set(self, 0775);

	ASSERT_LE(0, id);
	EXPECT_ALTERS(&other, id, EACCES);
}

TEST_F(perm, decrement_without_alter_gets_eacces_before_eagain)
{
	int id = owned_set(self, 0664);

	ASSERT_LE(0, id);
	/* Semaphore 1 holds 0: a decrement by an alterer gets EAGAIN. */
	EXPECT_EQ(EAGAIN, AS(&owner, .op = OP_SEMOP, .id = id, .num = 1,
			     .val = -1, .flg = IPC_NOWAIT));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SEMOP, .id = id, .num = 1,
			     .val = -1, .flg = IPC_NOWAIT));
	EXPECT_EQ(0, rgetval(id, 1));
}

TEST_F(perm, efbig_and_setval_einval_come_before_eacces_getval_einval_after)
{
	int id = owned_set(self, 0000);

	ASSERT_LE(0, id);
	/* sem_num beyond the set: EFBIG, checked before permissions. */
	EXPECT_EQ(EFBIG, AS(&other, .op = OP_SEMOP, .id = id, .num = NSEMS,
			    .val = 1, .flg = IPC_NOWAIT));
	EXPECT_EQ(EFBIG, AS(&other, .op = OP_SEMOP, .id = id, .num = NSEMS,
			    .val = 0, .flg = IPC_NOWAIT));
	/* SETVAL checks semnum first, the GET* path permissions first. */
	EXPECT_EQ(EINVAL, AS(&other, .op = OP_SETVAL, .id = id,
			     .num = NSEMS, .val = 1));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SETVAL, .id = id, .num = 0,
			     .val = 1));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GETVAL, .id = id,
			     .num = NSEMS));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GETNCNT, .id = id,
			     .num = NSEMS));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0004));
	EXPECT_EQ(EINVAL, AS(&other, .op = OP_GETVAL, .id = id,
			     .num = NSEMS));
}

/* ---- which class: uid/cuid, gid/cgid, supplementary groups ---------- */

TEST_F(perm, caller_matching_uid_or_cuid_only_gets_owner_class)
{
	const struct who creator = WHO(U_A, G_C);	/* cuid only */
	const struct who new_owner = WHO(U_B, G_C);	/* uid only */
	int id = mkset_as(self, &owner, 0, 0600);

	ASSERT_LE(0, id);
	/* Give the set to U_B and a group nobody here has. */
	ASSERT_EQ(0, set_perm(id, U_B, G_E, 0600));
	ASSERT_EQ(0, rsetall(id, 1, 0));

	EXPECT_READS(&creator, id, 0);
	EXPECT_ALTERS(&creator, id, 0);
	EXPECT_READS(&new_owner, id, 0);
	EXPECT_ALTERS(&new_owner, id, 0);
	/* Same egid, neither uid: other, which has nothing. */
	EXPECT_READS(&other, id, EACCES);
	EXPECT_ALTERS(&other, id, EACCES);
}

TEST_F(perm, owner_class_wins_over_matching_group)
{
	/* uid and gid both match: the owner bits (none) decide. */
	const struct who both = WHO(U_A, G_A);
	int id = owned_set(self, 0077);

	ASSERT_LE(0, id);
	EXPECT_READS(&both, id, EACCES);
	EXPECT_ALTERS(&both, id, EACCES);
}

TEST_F(perm, caller_matching_gid_or_cgid_only_gets_group_class)
{
	const struct who by_cgid = WHO(U_C, G_A);
	const struct who by_gid = WHO(U_C, G_B);
	int id = mkset_as(self, &owner, 0, 0600);	/* cgid G_A */

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_perm(id, U_D, G_B, 0060));
	ASSERT_EQ(0, rsetall(id, 1, 0));

	EXPECT_READS(&by_cgid, id, 0);
	EXPECT_ALTERS(&by_cgid, id, 0);
	EXPECT_READS(&by_gid, id, 0);
	EXPECT_ALTERS(&by_gid, id, 0);
	EXPECT_READS(&other, id, EACCES);
	EXPECT_ALTERS(&other, id, EACCES);
	/* The creator, still owner class, has no bits. */
	EXPECT_READS(&owner, id, EACCES);
	EXPECT_ALTERS(&owner, id, EACCES);
}

TEST_F(perm, supplementary_group_matching_gid_or_cgid_gets_group_class)
{
	const struct who supp_gid = WHO_SUPP(U_C, G_C, G_B);
	const struct who supp_cgid = WHO_SUPP(U_C, G_C, G_A);
	const struct who supp_none = WHO_SUPP(U_C, G_C, G_E);
	int id = mkset_as(self, &owner, 0, 0600);	/* cgid G_A */

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_perm(id, U_D, G_B, 0060));
	ASSERT_EQ(0, rsetall(id, 1, 0));

	EXPECT_READS(&supp_gid, id, 0);
	EXPECT_ALTERS(&supp_gid, id, 0);
	EXPECT_READS(&supp_cgid, id, 0);
	EXPECT_ALTERS(&supp_cgid, id, 0);
	EXPECT_READS(&supp_none, id, EACCES);
	EXPECT_ALTERS(&supp_none, id, EACCES);
}

/* ---- semget --------------------------------------------------------- */

TEST_F(perm, semget_with_zero_flags_needs_no_permission)
{
	key_t key = test_key(0);
	int id = mkset(self, 0, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.nsems = 0, .flg = 0));
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.nsems = NSEMS, .flg = 0));
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.nsems = 1, .flg = 0));
	/* Bits outside the permission bits request nothing either. */
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.nsems = 0, .flg = IPC_NOWAIT));
}

TEST_F(perm, semget_checks_the_permission_bits_given_in_flags)
{
	key_t key = test_key(0);
	int id = mkset(self, 0, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0400));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0200));
	/* Any class's bit of the request counts as that permission. */
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0004));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0040));
	/* IPC_CREAT on an existing key checks too. */
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .nsems = NSEMS, .flg = IPC_CREAT | 0600));

	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0604));
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.flg = 0400));
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.nsems = NSEMS, .flg = IPC_CREAT | 0444));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0600));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0002));
	EXPECT_EQ(0, AS(&owner, .op = OP_GET, .id = id, .key = key,
			.flg = 0600));
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_GET, .id = id, .key = key,
			     .flg = 0700));
	EXPECT_EQ(0, AS(&member, .op = OP_GET, .id = id, .key = key,
			.flg = 0));
	EXPECT_EQ(EACCES, AS(&member, .op = OP_GET, .id = id, .key = key,
			     .flg = 0004));
}

TEST_F(perm, semget_reports_eexist_and_einval_before_eacces)
{
	key_t key = test_key(0);
	int id = mkset(self, 0, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(EEXIST, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .nsems = NSEMS,
			     .flg = IPC_CREAT | IPC_EXCL | 0600));
	/* More semaphores than the set has: EINVAL, not EACCES. */
	EXPECT_EQ(EINVAL, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .nsems = NSEMS + 1, .flg = 0600));
	EXPECT_EQ(EINVAL, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .nsems = NSEMS + 1, .flg = IPC_CREAT | 0600));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .nsems = NSEMS, .flg = IPC_CREAT | 0600));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .nsems = 1, .flg = 0400));
}

/* ---- IPC_SET and IPC_RMID ------------------------------------------- */

TEST_F(perm, non_owner_ipc_set_is_eperm_even_with_mode_0666_and_changes_nothing)
{
	const struct who group_by_cgid = WHO(U_B, 0);	/* cgid 0 */
	struct semid_ds before, after, same, want;
	int id = owned_set(self, 0666);

	ASSERT_LE(0, id);
	before = rstat(id);
	want = before;
	want.sem_perm.uid = U_C;
	want.sem_perm.gid = G_C;
	want.sem_perm.mode = 0777;
	/* Changing nothing at all is still EPERM. */
	same = before;

	EXPECT_EQ(EPERM, AS(&other, .op = OP_SET, .id = id, .ds = want));
	EXPECT_EQ(EPERM, AS(&member, .op = OP_SET, .id = id, .ds = want));
	EXPECT_EQ(EPERM, AS(&group_by_cgid, .op = OP_SET, .id = id,
			    .ds = want));
	EXPECT_EQ(EPERM, AS(&other, .op = OP_SET, .id = id, .ds = same));
	EXPECT_EQ(EPERM, AS(&member, .op = OP_SET, .id = id, .ds = same));
	after = rstat(id);
	EXPECT_EQ(U_A, after.sem_perm.uid);
	EXPECT_EQ(G_A, after.sem_perm.gid);
	EXPECT_EQ(0, after.sem_perm.cuid);
	EXPECT_EQ(0, after.sem_perm.cgid);
	EXPECT_EQ(0666, after.sem_perm.mode);
	EXPECT_EQ(before.sem_ctime, after.sem_ctime);
	/* Yet they may alter and read the set. */
	EXPECT_READS(&other, id, 0);
	EXPECT_ALTERS(&other, id, 0);
}

TEST_F(perm, non_owner_ipc_rmid_is_eperm_even_with_mode_0666)
{
	int id = owned_set(self, 0666);

	ASSERT_LE(0, id);
	EXPECT_EQ(EPERM, AS(&other, .op = OP_RMID, .id = id));
	EXPECT_EQ(EPERM, AS(&member, .op = OP_RMID, .id = id));
	EXPECT_EQ(0, rstat(id).sem_perm.cuid);
	EXPECT_EQ(1, rgetval(id, 0));
}

TEST_F(perm, owner_may_ipc_set_and_rmid_without_any_mode_bits)
{
	struct semid_ds ds;
	int id = owned_set(self, 0000);

	ASSERT_LE(0, id);
	ds = rstat(id);
	ds.sem_perm.gid = G_B;
	ds.sem_perm.mode = 0640;
	EXPECT_EQ(0, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	ds = rstat(id);
	EXPECT_EQ(U_A, ds.sem_perm.uid);
	EXPECT_EQ(G_B, ds.sem_perm.gid);
	EXPECT_EQ(0640, ds.sem_perm.mode);

	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0000));
	EXPECT_EQ(0, AS(&owner, .op = OP_RMID, .id = id));
	EXPECT_EQ(-1, rgetval(id, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(perm, root_may_ipc_set_and_rmid_a_set_it_does_not_own)
{
	struct semid_ds ds;
	int id = mkset_as(self, &owner, 0, 0000);

	ASSERT_LE(0, id);
	ds = rstat(id);
	EXPECT_EQ(U_A, ds.sem_perm.cuid);
	EXPECT_EQ(U_A, ds.sem_perm.uid);
	EXPECT_EQ(G_A, ds.sem_perm.cgid);
	EXPECT_EQ(0, set_perm(id, U_B, G_B, 0000));
	ds = rstat(id);
	EXPECT_EQ(U_B, ds.sem_perm.uid);
	EXPECT_EQ(G_B, ds.sem_perm.gid);
	EXPECT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
	EXPECT_EQ(-1, rgetval(id, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(perm, ipc_set_changes_uid_gid_and_only_the_low_nine_mode_bits)
{
	struct semid_ds ds;
	int id = mkset_as(self, &owner, 0, 0600);

	ASSERT_LE(0, id);
	ds = rstat(id);
	ds.sem_perm.uid = U_B;
	ds.sem_perm.gid = G_B;
	ds.sem_perm.mode = 0xffff;
	/* The owner may give the set away. */
	EXPECT_EQ(0, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	ds = rstat(id);
	EXPECT_EQ(U_B, ds.sem_perm.uid);
	EXPECT_EQ(G_B, ds.sem_perm.gid);
	EXPECT_EQ(0777, ds.sem_perm.mode);
	EXPECT_EQ(U_A, ds.sem_perm.cuid);
	EXPECT_EQ(G_A, ds.sem_perm.cgid);

	ds.sem_perm.mode = 01640;
	EXPECT_EQ(0, rset(id, &ds));
	ds = rstat(id);
	EXPECT_EQ(0640, ds.sem_perm.mode);
	EXPECT_EQ(U_A, ds.sem_perm.cuid);
	EXPECT_EQ(G_A, ds.sem_perm.cgid);
}

TEST_F(perm, new_owner_and_creator_may_both_ipc_set_and_rmid)
{
	const struct who new_owner = WHO(U_B, G_C);
	const struct who creator = WHO(U_A, G_C);
	struct semid_ds ds;
	int s1 = mkset_as(self, &owner, 0, 0600);
	int s2 = mkset_as(self, &owner, 1, 0600);

	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	ASSERT_EQ(0, set_perm(s1, U_B, G_B, 0000));
	ASSERT_EQ(0, set_perm(s2, U_B, G_B, 0000));

	/* The new owner (uid) may IPC_SET. */
	ds = rstat(s1);
	ds.sem_perm.mode = 0604;
	EXPECT_EQ(0, AS(&new_owner, .op = OP_SET, .id = s1, .ds = ds));
	EXPECT_EQ(0604, rstat(s1).sem_perm.mode);
	/* So may the creator (cuid), though no longer uid. */
	ds.sem_perm.mode = 0640;
	EXPECT_EQ(0, AS(&creator, .op = OP_SET, .id = s1, .ds = ds));
	EXPECT_EQ(0640, rstat(s1).sem_perm.mode);
	EXPECT_EQ(EPERM, AS(&other, .op = OP_SET, .id = s1, .ds = ds));
	EXPECT_EQ(EPERM, AS(&other, .op = OP_RMID, .id = s1));

	/* The creator gives it to U_C: U_B loses SET/RMID, U_C gains. */
	ds.sem_perm.uid = U_C;
	EXPECT_EQ(0, AS(&creator, .op = OP_SET, .id = s1, .ds = ds));
	EXPECT_EQ(U_C, rstat(s1).sem_perm.uid);
	EXPECT_EQ(EPERM, AS(&new_owner, .op = OP_SET, .id = s1, .ds = ds));
	EXPECT_EQ(EPERM, AS(&new_owner, .op = OP_RMID, .id = s1));
	EXPECT_EQ(0, AS(&other, .op = OP_SET, .id = s1, .ds = ds));

	/* RMID by the owner by uid, and by the creator. */
	EXPECT_EQ(0, AS(&other, .op = OP_RMID, .id = s1));
	EXPECT_EQ(-1, rgetval(s1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, AS(&creator, .op = OP_RMID, .id = s2));
	EXPECT_EQ(-1, rgetval(s2, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- sleepers are not rechecked ------------------------------------- */

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_decrement_that_loses_alter_still_completes, 90)
{
	int id = mkset(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	kid = SPAWN(&other, .op = OP_SEMOP, .id = id, .num = 0, .val = -1);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	ASSERT_EQ(1, svipc_semctl(id, 0, GETNCNT));
	/* Take alter (and read) away: IPC_SET wakes no semop sleeper. */
	ASSERT_EQ(0, set_perm(id, 0, 0, 0600));
	usleep(100000);
	EXPECT_EQ(0, waitpid(kid, NULL, WNOHANG));
	EXPECT_EQ(0, wait_blocked(kid));
	EXPECT_EQ(1, svipc_semctl(id, 0, GETNCNT));
	/* A fresh call by the same user is refused... */
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SEMOP, .id = id, .num = 0,
			     .val = -1, .flg = IPC_NOWAIT));
	/* ...but the sleeper completes when the value is raised. */
	ASSERT_EQ(0, rop(id, 0, 1));
	EXPECT_EQ(0, reap(self, kid));
	EXPECT_EQ(0, rgetval(id, 0));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
}

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_decrement_woken_by_setval_after_losing_alter_completes, 90)
{
	int id = mkset(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	kid = SPAWN(&other, .op = OP_SEMOP, .id = id, .num = 1, .val = -2);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0000));
	ASSERT_EQ(0, rsetval(id, 1, 5));
	EXPECT_EQ(0, reap(self, kid));
	EXPECT_EQ(3, rgetval(id, 1));
}

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_wait_for_zero_that_loses_read_still_completes, 90)
{
	int id = mkset(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, rsetval(id, 0, 1));
	kid = SPAWN(&other, .op = OP_SEMOP, .id = id, .num = 0, .val = 0);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	ASSERT_EQ(1, svipc_semctl(id, 0, GETZCNT));
	ASSERT_EQ(0, set_perm(id, 0, 0, 0600));
	usleep(100000);
	EXPECT_EQ(0, waitpid(kid, NULL, WNOHANG));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SEMOP, .id = id, .num = 0,
			     .val = 0, .flg = IPC_NOWAIT));
	ASSERT_EQ(0, rop(id, 0, -1));
	EXPECT_EQ(0, reap(self, kid));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETZCNT));
}

/* ---- root and the INFO commands ------------------------------------- */

TEST_F(perm, root_ignores_mode_bits)
{
	unsigned short vals[NSEMS] = { 0 };
	union semun a = { .array = vals };
	struct semid_ds ds;
	int id = mkset_as(self, &owner, 0, 0000);	/* root: neither uid nor cuid */

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_semget(test_key(0), NSEMS, 0666));
	EXPECT_EQ(0, rsetval(id, 0, 2));
	EXPECT_EQ(0, rsetall(id, 2, 1));
	EXPECT_EQ(0, rop(id, 0, 1));
	EXPECT_EQ(0, rop(id, 0, -1));
	EXPECT_EQ(0, rop(id, 1, -1));
	EXPECT_EQ(0, rop(id, 1, 0));
	EXPECT_EQ(2, rgetval(id, 0));
	EXPECT_EQ(0, svipc_semctl(id, 0, GETALL, a));
	EXPECT_EQ(2, vals[0]);
	EXPECT_EQ(0, vals[1]);
	EXPECT_EQ(0, svipc_semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, svipc_semctl(id, 1, GETZCNT));
	EXPECT_EQ(getpid(), svipc_semctl(id, 1, GETPID));
	ds = rstat(id);
	EXPECT_EQ(0, ds.sem_perm.mode);
	EXPECT_EQ(NSEMS, ds.sem_nsems);
	a.buf = &ds;
	EXPECT_EQ(id, svipc_semctl(id & 0x7fff, 0, SEM_STAT, a));
	/* Unprivileged, the owner itself has no access. */
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_SEMOP, .id = id, .num = 0,
			     .val = 1, .flg = IPC_NOWAIT));
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_STAT, .id = id,
			     .key = test_key(0)));
}

TEST_F(perm, ipc_info_and_sem_info_need_no_permission)
{
	int id = owned_set(self, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&other, .op = OP_IPC_INFO, .id = id));
	EXPECT_EQ(0, AS(&other, .op = OP_SEM_INFO, .id = id));
	EXPECT_EQ(0, AS(&owner, .op = OP_IPC_INFO, .id = id));
	EXPECT_EQ(0, AS(&owner, .op = OP_SEM_INFO, .id = id));
}

SVIPC_TEST_MAIN
