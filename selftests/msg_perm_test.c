// SPDX-License-Identifier: GPL-2.0
/*
 * The permission matrix of message queues, as native Linux enforces it,
 * proved by unprivileged callers (forked children that drop to a non-zero
 * uid with no capabilities) against queues that root creates and removes:
 *
 *  - ipcperms: the owner class applies when euid is uid or cuid, else the
 *    group class when egid or a supplementary group is gid or cgid, else
 *    other; the class's bits alone decide (msgrcv, IPC_STAT and MSG_STAT
 *    need read, msgsnd needs write, MSG_STAT_ANY needs nothing);
 *  - msgget checks the permission bits given in its flags, after EEXIST;
 *  - IPC_SET and IPC_RMID belong to uid and cuid (and CAP_SYS_ADMIN),
 *    whatever the mode; raising msg_qbytes above msgmnb needs
 *    CAP_SYS_RESOURCE; IPC_SET changes uid, gid and the low 9 mode bits
 *    only, never cuid/cgid;
 *  - sleepers recheck permissions when woken: a sender or receiver that
 *    lost its permission through IPC_SET fails with EACCES;
 *  - root (CAP_IPC_OWNER) ignores the mode bits; IPC_INFO/MSG_INFO need
 *    no permission.
 */
#include <limits.h>

#include "common.h"
#include "perm.h"

/* An exit status of a child besides those of perm.h. */
#define X_HUNG 252	/* reap(): still running after 20 s, killed */

enum op {
	OP_CREATE,		/* msgget(key, IPC_CREAT | IPC_EXCL | flg) */
	OP_GET,			/* msgget(key, flg) must return id */
	OP_SND,			/* msgsnd of size bytes with flg */
	OP_RCV,			/* msgrcv of any type with flg */
	OP_STAT,
	OP_MSG_STAT,		/* must return id */
	OP_MSG_STAT_ANY,	/* must return id */
	OP_SET,			/* IPC_SET with ds */
	OP_RMID,
	OP_IPC_INFO,		/* must return an index >= id's */
	OP_MSG_INFO,		/* likewise */
};

struct req {
	enum op op;
	int id;
	key_t key;
	int flg;
	size_t size;
	struct msqid_ds ds;
};

struct tmsg {
	long mtype;
	char mtext[64];
};

/* Runs in the child: 0, an errno value, or X_WRONG. */
static int do_req(const struct req *r)
{
	struct tmsg m = { .mtype = 1 };
	struct msqid_ds ds;
	struct msginfo info;
	int idx = r->id & 0x7fff;
	long ret;

	errno = 0;
	switch (r->op) {
	case OP_CREATE:
		ret = svipc_msgget(r->key, IPC_CREAT | IPC_EXCL | r->flg);
		return ret < 0 ? errno : 0;
	case OP_GET:
		ret = svipc_msgget(r->key, r->flg);
		if (ret < 0)
			return errno;
		return ret == r->id ? 0 : X_WRONG;
	case OP_SND:
		return svipc_msgsnd(r->id, &m, r->size, r->flg) ? errno : 0;
	case OP_RCV:
		ret = svipc_msgrcv(r->id, &m, sizeof(m.mtext), 0, r->flg);
		return ret < 0 ? errno : 0;
	case OP_STAT:
		ret = svipc_msgctl(r->id, IPC_STAT, &ds);
		if (ret < 0)
			return errno;
		return ret == 0 && ds.msg_perm.__key == r->key ? 0 : X_WRONG;
	case OP_MSG_STAT:
	case OP_MSG_STAT_ANY:
		ret = svipc_msgctl(idx, r->op == OP_MSG_STAT ? MSG_STAT :
				   MSG_STAT_ANY, &ds);
		if (ret < 0)
			return errno;
		return ret == r->id && ds.msg_perm.__key == r->key ? 0 : X_WRONG;
	case OP_SET:
		ds = r->ds;
		return svipc_msgctl(r->id, IPC_SET, &ds) ? errno : 0;
	case OP_RMID:
		return svipc_msgctl(r->id, IPC_RMID, NULL) ? errno : 0;
	case OP_IPC_INFO:
	case OP_MSG_INFO:
		memset(&info, 0, sizeof(info));
		ret = svipc_msgctl(0, r->op == OP_IPC_INFO ? IPC_INFO : MSG_INFO,
				   (struct msqid_ds *)&info);
		if (ret < 0)
			return errno;
		if (ret < idx || info.msgmnb <= 0)
			return X_WRONG;
		if (r->op == OP_MSG_INFO && info.msgpool < 1)
			return X_WRONG;
		return 0;
	}
	return X_WRONG;
}

#define MAXQ 8
#define MAXKIDS 8

/* Queues and children are cleaned up even when a test fails. */
FIXTURE(perm) {
	int ids[MAXQ];
	int n;
	pid_t kids[MAXKIDS];
	int msgmnb;
};

FIXTURE_SETUP(perm)
{
	char buf[32] = "";
	int fd;

	fd = open(PARAM_DIR "msgmnb", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	self->msgmnb = atoi(buf);
	ASSERT_LT(0, self->msgmnb);
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
		svipc_msgctl(self->ids[i], IPC_RMID, NULL);
	/* Whatever a child created under one of this test's keys. */
	for (i = 0; i < 16; i++) {
		id = svipc_msgget(test_key(i), 0);
		if (id >= 0)
			svipc_msgctl(id, IPC_RMID, NULL);
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
	if (id >= 0 && self->n < MAXQ)
		self->ids[self->n++] = id;
	return id;
}

/* A queue root creates under test_key(@n). */
static int mkq(FIXTURE_DATA(perm) *self, int n, int mode)
{
	return track(self, svipc_msgget(test_key(n), IPC_CREAT | IPC_EXCL |
					mode));
}

/* A queue @w creates under test_key(@n); root finds and tracks it. */
static int mkq_as(FIXTURE_DATA(perm) *self, const struct who *w, int n,
		  int mode)
{
	if (AS(w, .op = OP_CREATE, .key = test_key(n), .flg = mode))
		return -1;
	return track(self, svipc_msgget(test_key(n), 0));
}

/* IPC_STAT by root; the fields of interest, or all-ones on failure. */
static struct msqid_ds rstat(int id)
{
	struct msqid_ds ds;

	if (svipc_msgctl(id, IPC_STAT, &ds))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

/* IPC_SET by root of uid, gid and mode, keeping msg_qbytes. */
static int set_perm(int id, uid_t uid, gid_t gid, int mode)
{
	struct msqid_ds ds;

	if (svipc_msgctl(id, IPC_STAT, &ds))
		return -1;
	ds.msg_perm.uid = uid;
	ds.msg_perm.gid = gid;
	ds.msg_perm.mode = mode;
	return svipc_msgctl(id, IPC_SET, &ds);
}

/* msgsnd by root of one message of @size bytes, without waiting. */
static int put_msg(int id, size_t size)
{
	struct tmsg m = { .mtype = 1 };

	return svipc_msgsnd(id, &m, size, IPC_NOWAIT);
}

static unsigned long qnum(int id)
{
	return rstat(id).msg_qnum;
}

/*
 * A root-made queue under test_key(0) given to owner (uid U_A, gid G_A;
 * cuid/cgid stay 0) with @mode, holding one message.
 */
static int owned_queue(FIXTURE_DATA(perm) *self, int mode)
{
	int id = mkq(self, 0, 0600);

	if (id < 0 || set_perm(id, U_A, G_A, mode) || put_msg(id, 8))
		return -1;
	return id;
}

/* The three reads, each expected to give @err (0: allowed). */
#define EXPECT_READS(w, id, err) do {					\
	key_t k_ = test_key(0);						\
	EXPECT_EQ(err, AS(w, .op = OP_STAT, .id = (id), .key = k_));	\
	EXPECT_EQ(err, AS(w, .op = OP_MSG_STAT, .id = (id), .key = k_)); \
	EXPECT_EQ(err, AS(w, .op = OP_RCV, .id = (id), .flg = IPC_NOWAIT)); \
} while (0)

/* ---- read: msgrcv, IPC_STAT, MSG_STAT ------------------------------- */

TEST_F(perm, owner_by_uid_with_read_may_msgrcv_ipc_stat_and_msg_stat)
{
	int id = owned_queue(self, 0400);

	ASSERT_LE(0, id);
	EXPECT_READS(&owner, id, 0);
	EXPECT_EQ(0, qnum(id));
	/* Read does not grant write. */
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
}

TEST_F(perm, owner_without_read_gets_eacces_even_if_group_and_other_may_read)
{
	int id = owned_queue(self, 0377);

	ASSERT_LE(0, id);
	EXPECT_READS(&owner, id, EACCES);
	EXPECT_EQ(1, qnum(id));
}

TEST_F(perm, group_member_with_read_may_msgrcv_ipc_stat_and_msg_stat)
{
	int id = owned_queue(self, 0040);

	ASSERT_LE(0, id);
	EXPECT_READS(&member, id, 0);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(EACCES, AS(&member, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
}

TEST_F(perm, group_member_without_read_gets_eacces_even_if_other_may_read)
{
	int id = owned_queue(self, 0737);

	ASSERT_LE(0, id);
	EXPECT_READS(&member, id, EACCES);
	EXPECT_EQ(1, qnum(id));
}

TEST_F(perm, other_with_read_may_msgrcv_ipc_stat_and_msg_stat)
{
	int id = owned_queue(self, 0004);

	ASSERT_LE(0, id);
	EXPECT_READS(&other, id, 0);
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
}

TEST_F(perm, other_without_read_gets_eacces_on_msgrcv_ipc_stat_and_msg_stat)
{
	int id = owned_queue(self, 0773);

	ASSERT_LE(0, id);
	EXPECT_READS(&other, id, EACCES);
	EXPECT_EQ(1, qnum(id));
	/* On an empty queue too: EACCES comes before ENOMSG. */
	EXPECT_EQ(0, AS(&owner, .op = OP_RCV, .id = id, .flg = IPC_NOWAIT));
	EXPECT_EQ(0, qnum(id));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_RCV, .id = id,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, AS(&owner, .op = OP_RCV, .id = id,
			     .flg = IPC_NOWAIT));
}

TEST_F(perm, msg_stat_any_needs_no_read_permission)
{
	int id = owned_queue(self, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AS(&other, .op = OP_MSG_STAT, .id = id,
			     .key = test_key(0)));
	EXPECT_EQ(0, AS(&other, .op = OP_MSG_STAT_ANY, .id = id,
			.key = test_key(0)));
	EXPECT_EQ(0, AS(&member, .op = OP_MSG_STAT_ANY, .id = id,
			.key = test_key(0)));
	EXPECT_EQ(0, AS(&owner, .op = OP_MSG_STAT_ANY, .id = id,
			.key = test_key(0)));
}

/* ---- write: msgsnd -------------------------------------------------- */

TEST_F(perm, owner_by_uid_with_write_may_msgsnd)
{
	int id = owned_queue(self, 0200);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&owner, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
	/* Write does not grant read. */
	EXPECT_READS(&owner, id, EACCES);
}

TEST_F(perm, owner_without_write_gets_eacces_even_if_group_and_other_may_write)
{
	int id = owned_queue(self, 0577);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(1, qnum(id));
}

TEST_F(perm, group_member_with_write_may_msgsnd)
{
	int id = owned_queue(self, 0020);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&member, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
	EXPECT_READS(&member, id, EACCES);
}

TEST_F(perm, group_member_without_write_gets_eacces_even_if_other_may_write)
{
	int id = owned_queue(self, 0757);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AS(&member, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(1, qnum(id));
}

TEST_F(perm, other_with_write_may_msgsnd)
{
	int id = owned_queue(self, 0002);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&other, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
	EXPECT_READS(&other, id, EACCES);
}

TEST_F(perm, other_without_write_gets_eacces_on_msgsnd_even_before_eagain)
{
	int id = owned_queue(self, 0775);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(1, qnum(id));
	/* Full queue: EACCES comes before EAGAIN. */
	ASSERT_EQ(0, set_qbytes(id, 8));
	EXPECT_EQ(EAGAIN, AS(&owner, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(1, qnum(id));
}

/* ---- which class: uid/cuid, gid/cgid, supplementary groups ---------- */

TEST_F(perm, caller_matching_uid_or_cuid_only_gets_owner_class)
{
	const struct who creator = WHO(U_A, G_C);	/* cuid only */
	const struct who new_owner = WHO(U_B, G_C);	/* uid only */
	int id = mkq_as(self, &owner, 0, 0600);

	ASSERT_LE(0, id);
	/* Give the queue to U_B and a group nobody here has. */
	ASSERT_EQ(0, set_perm(id, U_B, G_E, 0600));
	ASSERT_EQ(0, put_msg(id, 8));
	ASSERT_EQ(0, put_msg(id, 8));

	EXPECT_READS(&creator, id, 0);
	EXPECT_EQ(0, AS(&creator, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_READS(&new_owner, id, 0);
	EXPECT_EQ(0, AS(&new_owner, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
	/* Same egid, neither uid: other, which has nothing. */
	EXPECT_READS(&other, id, EACCES);
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
}

TEST_F(perm, owner_class_wins_over_matching_group)
{
	/* uid and gid both match: the owner bits (none) decide. */
	const struct who both = WHO(U_A, G_A);
	int id = owned_queue(self, 0077);

	ASSERT_LE(0, id);
	EXPECT_READS(&both, id, EACCES);
	EXPECT_EQ(EACCES, AS(&both, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
}

TEST_F(perm, caller_matching_gid_or_cgid_only_gets_group_class)
{
	const struct who by_cgid = WHO(U_C, G_A);
	const struct who by_gid = WHO(U_C, G_B);
	int id = mkq_as(self, &owner, 0, 0600);	/* cgid G_A */

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_perm(id, U_D, G_B, 0060));
	ASSERT_EQ(0, put_msg(id, 8));
	ASSERT_EQ(0, put_msg(id, 8));

	EXPECT_READS(&by_cgid, id, 0);
	EXPECT_EQ(0, AS(&by_cgid, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_READS(&by_gid, id, 0);
	EXPECT_EQ(0, AS(&by_gid, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
	EXPECT_READS(&other, id, EACCES);
	EXPECT_EQ(EACCES, AS(&other, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	/* The creator, still owner class, has no bits. */
	EXPECT_READS(&owner, id, EACCES);
	EXPECT_EQ(2, qnum(id));
}

TEST_F(perm, supplementary_group_matching_gid_or_cgid_gets_group_class)
{
	const struct who supp_gid = WHO_SUPP(U_C, G_C, G_B);
	const struct who supp_cgid = WHO_SUPP(U_C, G_C, G_A);
	const struct who supp_none = WHO_SUPP(U_C, G_C, G_E);
	int id = mkq_as(self, &owner, 0, 0600);	/* cgid G_A */

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_perm(id, U_D, G_B, 0060));
	ASSERT_EQ(0, put_msg(id, 8));
	ASSERT_EQ(0, put_msg(id, 8));

	EXPECT_READS(&supp_gid, id, 0);
	EXPECT_EQ(0, AS(&supp_gid, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_READS(&supp_cgid, id, 0);
	EXPECT_EQ(0, AS(&supp_cgid, .op = OP_SND, .id = id, .size = 8,
			.flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
	EXPECT_READS(&supp_none, id, EACCES);
	EXPECT_EQ(EACCES, AS(&supp_none, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
}

/* ---- msgget --------------------------------------------------------- */

TEST_F(perm, msgget_with_zero_flags_needs_no_permission)
{
	int id = mkq(self, 0, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = test_key(0),
			.flg = 0));
	/* Bits outside the permission bits request nothing either. */
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = test_key(0),
			.flg = IPC_NOWAIT));
}

TEST_F(perm, msgget_checks_the_permission_bits_given_in_flags)
{
	key_t key = test_key(0);
	int id = mkq(self, 0, 0600);

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
			     .flg = IPC_CREAT | 0600));

	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0604));
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.flg = 0400));
	EXPECT_EQ(0, AS(&other, .op = OP_GET, .id = id, .key = key,
			.flg = IPC_CREAT | 0444));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = 0600));
	EXPECT_EQ(0, AS(&owner, .op = OP_GET, .id = id, .key = key,
			.flg = 0600));
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_GET, .id = id, .key = key,
			     .flg = 0700));
}

TEST_F(perm, msgget_reports_eexist_before_eacces)
{
	key_t key = test_key(0);
	int id = mkq(self, 0, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(EEXIST, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EACCES, AS(&other, .op = OP_GET, .id = id, .key = key,
			     .flg = IPC_CREAT | 0600));
}

/* ---- IPC_SET and IPC_RMID ------------------------------------------- */

TEST_F(perm, non_owner_ipc_set_is_eperm_even_with_mode_0666_and_changes_nothing)
{
	const struct who group_by_cgid = WHO(U_B, 0);	/* cgid 0 */
	struct msqid_ds before, after, want;
	int id = owned_queue(self, 0666);

	ASSERT_LE(0, id);
	before = rstat(id);
	want = before;
	want.msg_perm.uid = U_C;
	want.msg_perm.gid = G_C;
	want.msg_perm.mode = 0777;
	want.msg_qbytes = 16;

	EXPECT_EQ(EPERM, AS(&other, .op = OP_SET, .id = id, .ds = want));
	EXPECT_EQ(EPERM, AS(&member, .op = OP_SET, .id = id, .ds = want));
	EXPECT_EQ(EPERM, AS(&group_by_cgid, .op = OP_SET, .id = id,
			    .ds = want));
	after = rstat(id);
	EXPECT_EQ(U_A, after.msg_perm.uid);
	EXPECT_EQ(G_A, after.msg_perm.gid);
	EXPECT_EQ(0, after.msg_perm.cuid);
	EXPECT_EQ(0, after.msg_perm.cgid);
	EXPECT_EQ(0666, after.msg_perm.mode);
	EXPECT_EQ(before.msg_qbytes, after.msg_qbytes);
	EXPECT_EQ(before.msg_ctime, after.msg_ctime);
}

TEST_F(perm, non_owner_ipc_rmid_is_eperm_even_with_mode_0666)
{
	int id = owned_queue(self, 0666);

	ASSERT_LE(0, id);
	EXPECT_EQ(EPERM, AS(&other, .op = OP_RMID, .id = id));
	EXPECT_EQ(EPERM, AS(&member, .op = OP_RMID, .id = id));
	EXPECT_EQ(0, svipc_msgctl(id, IPC_STAT, &(struct msqid_ds){}));
	EXPECT_EQ(1, qnum(id));
}

TEST_F(perm, owner_may_ipc_set_and_rmid_without_any_mode_bits)
{
	struct msqid_ds ds;
	int id = owned_queue(self, 0000);

	ASSERT_LE(0, id);
	ds = rstat(id);
	ds.msg_perm.gid = G_B;
	ds.msg_perm.mode = 0640;
	EXPECT_EQ(0, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	ds = rstat(id);
	EXPECT_EQ(U_A, ds.msg_perm.uid);
	EXPECT_EQ(G_B, ds.msg_perm.gid);
	EXPECT_EQ(0640, ds.msg_perm.mode);

	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0000));
	EXPECT_EQ(0, AS(&owner, .op = OP_RMID, .id = id));
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(perm, root_may_ipc_set_and_rmid_a_queue_it_does_not_own)
{
	struct msqid_ds ds;
	int id = mkq_as(self, &owner, 0, 0000);

	ASSERT_LE(0, id);
	ds = rstat(id);
	EXPECT_EQ(U_A, ds.msg_perm.cuid);
	EXPECT_EQ(U_A, ds.msg_perm.uid);
	EXPECT_EQ(0, set_perm(id, U_B, G_B, 0000));
	ds = rstat(id);
	EXPECT_EQ(U_B, ds.msg_perm.uid);
	EXPECT_EQ(G_B, ds.msg_perm.gid);
	EXPECT_EQ(0, svipc_msgctl(id, IPC_RMID, NULL));
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(perm, ipc_set_changes_uid_gid_and_only_the_low_nine_mode_bits)
{
	struct msqid_ds ds;
	int id = mkq_as(self, &owner, 0, 0600);

	ASSERT_LE(0, id);
	ds = rstat(id);
	ds.msg_perm.uid = U_B;
	ds.msg_perm.gid = G_B;
	ds.msg_perm.mode = 0xffff;
	/* The owner may give the queue away. */
	EXPECT_EQ(0, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	ds = rstat(id);
	EXPECT_EQ(U_B, ds.msg_perm.uid);
	EXPECT_EQ(G_B, ds.msg_perm.gid);
	EXPECT_EQ(0777, ds.msg_perm.mode);
	EXPECT_EQ(U_A, ds.msg_perm.cuid);
	EXPECT_EQ(G_A, ds.msg_perm.cgid);

	ds.msg_perm.mode = 01640;
	EXPECT_EQ(0, svipc_msgctl(id, IPC_SET, &ds));
	ds = rstat(id);
	EXPECT_EQ(0640, ds.msg_perm.mode);
	EXPECT_EQ(U_A, ds.msg_perm.cuid);
	EXPECT_EQ(G_A, ds.msg_perm.cgid);
}

TEST_F(perm, new_owner_and_creator_may_both_ipc_set_and_rmid)
{
	const struct who new_owner = WHO(U_B, G_C);
	const struct who creator = WHO(U_A, G_C);
	struct msqid_ds ds;
	int q1 = mkq_as(self, &owner, 0, 0600);
	int q2 = mkq_as(self, &owner, 1, 0600);

	ASSERT_LE(0, q1);
	ASSERT_LE(0, q2);
	ASSERT_EQ(0, set_perm(q1, U_B, G_B, 0000));
	ASSERT_EQ(0, set_perm(q2, U_B, G_B, 0000));

	/* The new owner (uid) may IPC_SET. */
	ds = rstat(q1);
	ds.msg_perm.mode = 0604;
	EXPECT_EQ(0, AS(&new_owner, .op = OP_SET, .id = q1, .ds = ds));
	EXPECT_EQ(0604, rstat(q1).msg_perm.mode);
	/* So may the creator (cuid), though no longer uid. */
	ds.msg_perm.mode = 0640;
	EXPECT_EQ(0, AS(&creator, .op = OP_SET, .id = q1, .ds = ds));
	EXPECT_EQ(0640, rstat(q1).msg_perm.mode);
	EXPECT_EQ(EPERM, AS(&other, .op = OP_SET, .id = q1, .ds = ds));
	EXPECT_EQ(EPERM, AS(&other, .op = OP_RMID, .id = q1));

	/* The creator gives it to U_C: U_B loses SET/RMID, U_C gains. */
	ds.msg_perm.uid = U_C;
	EXPECT_EQ(0, AS(&creator, .op = OP_SET, .id = q1, .ds = ds));
	EXPECT_EQ(U_C, rstat(q1).msg_perm.uid);
	EXPECT_EQ(EPERM, AS(&new_owner, .op = OP_SET, .id = q1, .ds = ds));
	EXPECT_EQ(EPERM, AS(&new_owner, .op = OP_RMID, .id = q1));
	EXPECT_EQ(0, AS(&other, .op = OP_SET, .id = q1, .ds = ds));

	/* RMID by the owner by uid, and by the creator. */
	EXPECT_EQ(0, AS(&other, .op = OP_RMID, .id = q1));
	EXPECT_EQ(-1, svipc_msgctl(q1, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, AS(&creator, .op = OP_RMID, .id = q2));
	EXPECT_EQ(-1, svipc_msgctl(q2, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- msg_qbytes and msgmnb ------------------------------------------ */

TEST_F(perm, owner_raising_qbytes_above_msgmnb_is_eperm_and_changes_nothing)
{
	struct msqid_ds ds, after;
	int id = owned_queue(self, 0600);

	ASSERT_LE(0, id);
	ds = rstat(id);
	ASSERT_EQ((unsigned long)self->msgmnb, ds.msg_qbytes);
	ds.msg_qbytes = self->msgmnb + 1;
	ds.msg_perm.mode = 0644;
	EXPECT_EQ(EPERM, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	after = rstat(id);
	EXPECT_EQ((unsigned long)self->msgmnb, after.msg_qbytes);
	EXPECT_EQ(0600, after.msg_perm.mode);
}

TEST_F(perm, owner_may_lower_qbytes_and_raise_it_back_up_to_msgmnb)
{
	struct msqid_ds ds;
	int id = owned_queue(self, 0600);

	ASSERT_LE(0, id);
	ds = rstat(id);
	ds.msg_qbytes = 100;
	EXPECT_EQ(0, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	EXPECT_EQ(100, rstat(id).msg_qbytes);
	ds.msg_qbytes = self->msgmnb;
	EXPECT_EQ(0, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	EXPECT_EQ((unsigned long)self->msgmnb, rstat(id).msg_qbytes);
}

TEST_F(perm, root_may_raise_qbytes_above_msgmnb_and_owner_may_not_keep_it)
{
	struct msqid_ds ds;
	unsigned long big = (unsigned long)self->msgmnb * 2;
	int id = owned_queue(self, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, set_qbytes(id, big));
	ds = rstat(id);
	EXPECT_EQ(big, ds.msg_qbytes);
	/* The check is against msgmnb, not the current msg_qbytes. */
	ds.msg_perm.mode = 0640;
	EXPECT_EQ(EPERM, AS(&owner, .op = OP_SET, .id = id, .ds = ds));
	EXPECT_EQ(0600, rstat(id).msg_perm.mode);
	EXPECT_EQ(big, rstat(id).msg_qbytes);
}

/* ---- sleepers recheck permissions ----------------------------------- */

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_sender_that_loses_write_gets_eacces_when_woken, 90)
{
	struct msqid_ds ds;
	int id = mkq(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 16));
	ASSERT_EQ(0, put_msg(id, 16));
	kid = SPAWN(&other, .op = OP_SND, .id = id, .size = 16);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	/* Take write away and make room, which wakes the sender. */
	ds = rstat(id);
	ds.msg_perm.mode = 0664;
	ds.msg_qbytes = 64;
	ASSERT_EQ(0, svipc_msgctl(id, IPC_SET, &ds));
	EXPECT_EQ(EACCES, reap(self, kid));
	EXPECT_EQ(1, qnum(id));
}

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_sender_that_lost_write_gets_eacces_when_room_frees, 90)
{
	struct tmsg m;
	int id = mkq(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 16));
	ASSERT_EQ(0, put_msg(id, 16));
	kid = SPAWN(&other, .op = OP_SND, .id = id, .size = 16);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	ASSERT_EQ(0, set_perm(id, 0, 0, 0664));
	/* Receiving makes room and wakes the sender, which rechecks. */
	ASSERT_EQ(16, svipc_msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT));
	EXPECT_EQ(EACCES, reap(self, kid));
	EXPECT_EQ(0, qnum(id));
}

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_receiver_that_loses_read_gets_eacces_when_woken, 90)
{
	int id = mkq(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	kid = SPAWN(&other, .op = OP_RCV, .id = id);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	ASSERT_EQ(0, set_perm(id, 0, 0, 0662));
	EXPECT_EQ(EACCES, reap(self, kid));
	/*
	 * It took nothing.  Only now may a message be sent: as natively, a
	 * receiver woken by IPC_SET stays on the wait list until it runs,
	 * and a message sent meanwhile is handed straight to it (the
	 * pipelined send), permission or not.
	 */
	ASSERT_EQ(0, put_msg(id, 8));
	EXPECT_EQ(1, qnum(id));
}

/* wait_blocked() and reap() may each take 20 s on failure. */
TEST_F_TIMEOUT(perm, blocked_receiver_that_keeps_read_waits_on_after_ipc_set, 90)
{
	int id = mkq(self, 0, 0666);
	pid_t kid;

	ASSERT_LE(0, id);
	kid = SPAWN(&other, .op = OP_RCV, .id = id);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, wait_blocked(kid));
	ASSERT_EQ(0, set_perm(id, 0, 0, 0644));
	ASSERT_EQ(0, put_msg(id, 8));
	EXPECT_EQ(0, reap(self, kid));
	EXPECT_EQ(0, qnum(id));
}

/* ---- root and the INFO commands ------------------------------------- */

TEST_F(perm, root_ignores_mode_bits)
{
	struct msqid_ds ds;
	struct tmsg m;
	int id = mkq_as(self, &owner, 0, 0000);	/* root: neither uid nor cuid */

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_msgget(test_key(0), 0666));
	EXPECT_EQ(0, put_msg(id, 8));
	EXPECT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.msg_perm.mode);
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(id, svipc_msgctl(id & 0x7fff, MSG_STAT, &ds));
	EXPECT_EQ(8, svipc_msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT));
	/* Unprivileged, the owner itself has no access. */
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_SND, .id = id, .size = 8,
			     .flg = IPC_NOWAIT));
	EXPECT_EQ(EACCES, AS(&owner, .op = OP_STAT, .id = id,
			     .key = test_key(0)));
}

TEST_F(perm, ipc_info_and_msg_info_need_no_permission)
{
	int id = owned_queue(self, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS(&other, .op = OP_IPC_INFO, .id = id));
	EXPECT_EQ(0, AS(&other, .op = OP_MSG_INFO, .id = id));
	EXPECT_EQ(0, AS(&owner, .op = OP_IPC_INFO, .id = id));
	EXPECT_EQ(0, AS(&owner, .op = OP_MSG_INFO, .id = id));
}

SVIPC_TEST_MAIN
