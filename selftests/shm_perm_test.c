// SPDX-License-Identifier: GPL-2.0
/*
 * The permission matrix of shared memory segments, as native Linux
 * enforces it, proved by unprivileged callers (forked children that drop
 * to a non-zero uid with no capabilities) against segments that root
 * creates and removes:
 *
 *  - ipcperms: the owner class applies when euid is uid or cuid, else the
 *    group class when egid or a supplementary group is gid or cgid, else
 *    other; the class's bits alone decide.  shmat needs read and write,
 *    read only with SHM_RDONLY, and execute too with SHM_EXEC; IPC_STAT
 *    and SHM_STAT need read; SHM_STAT_ANY, IPC_INFO and SHM_INFO nothing;
 *  - the order of the checks: shmat's address rules and the id lookup
 *    come before EACCES; shmget's EEXIST and EINVAL (size) come before
 *    it, and shmget checks the permission bits given in its flags;
 *  - IPC_SET and IPC_RMID belong to uid and cuid (and CAP_SYS_ADMIN),
 *    whatever the mode; SHM_LOCK and SHM_UNLOCK to uid and cuid (and
 *    CAP_IPC_LOCK);
 *  - an attach keeps working after IPC_SET takes the permission away;
 *    only new attaches are refused;
 *  - root (CAP_IPC_OWNER) ignores the mode bits, but not SHM_RDONLY.
 */
#include <setjmp.h>
#include <sys/mman.h>

#include "common.h"

/* Users and groups: none needs an /etc/passwd or /etc/group entry. */
#define U_A 1001
#define U_B 1002
#define U_C 1003
#define G_A 2001
#define G_B 2002
#define G_C 2003

#define X_BECOME 250	/* could not take the identity */
#define X_WRONG 251	/* the call succeeded with a wrong result */

struct who {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[1];
};

#define WHO(u, g) { .uid = (u), .gid = (g) }
#define WHO_SUPP(u, g, s) { .uid = (u), .gid = (g), .ngroups = 1, .groups = { (s) } }

static const struct who owner = WHO(U_A, G_A);	/* made uid/gid by set_perm */
static const struct who member = WHO(U_B, G_A);	/* egid == gid only */
static const struct who supp = WHO_SUPP(U_B, G_B, G_A);
static const struct who other = WHO(U_C, G_C);

enum op {
	OP_AT,			/* shmat(id, NULL, flg), touch, shmdt */
	OP_AT_ADDR,		/* shmat(id, addr, flg): an address error */
	OP_GET,			/* shmget(key, size, flg) must return id */
	OP_STAT,
	OP_SHM_STAT,		/* must return id */
	OP_SHM_STAT_ANY,	/* must return id */
	OP_IPC_INFO,		/* must return an index >= id's */
	OP_SHM_INFO,
	OP_SET,			/* IPC_SET: mode */
	OP_RMID,
	OP_LOCK,
	OP_UNLOCK,
};

struct req {
	enum op op;
	int id;
	key_t key;
	int flg;
	size_t size;
	unsigned long addr;
	unsigned int mode;
};

static int become_who(const struct who *w)
{
	if (setgroups(w->ngroups, w->groups) ||
	    setresgid(w->gid, w->gid, w->gid) ||
	    setresuid(w->uid, w->uid, w->uid))
		return -1;
	return 0;
}

/* Runs in the child: 0, an errno value, or X_WRONG. */
static int do_req(const struct req *r)
{
	struct shmid_ds ds;
	struct shm_info info;
	volatile char *p;
	int ret;

	switch (r->op) {
	case OP_AT:
	case OP_AT_ADDR:
		p = svipc_shmat(r->id, (void *)r->addr, r->flg);
		if (p == (void *)-1)
			return errno;
		/* Read; write unless read-only. */
		if (!(r->flg & SHM_RDONLY))
			p[0] = p[0] + 1;
		else
			(void)p[0];
		return svipc_shmdt((void *)p) ? errno : 0;
	case OP_GET:
		ret = svipc_shmget(r->key, r->size, r->flg);
		if (ret < 0)
			return errno;
		return ret == r->id ? 0 : X_WRONG;
	case OP_STAT:
		return svipc_shmctl(r->id, IPC_STAT, &ds) ? errno : 0;
	case OP_SHM_STAT:
	case OP_SHM_STAT_ANY:
		ret = svipc_shmctl(r->id & 0x7fff,
				   r->op == OP_SHM_STAT ? SHM_STAT : SHM_STAT_ANY, &ds);
		if (ret < 0)
			return errno;
		return ret == r->id ? 0 : X_WRONG;
	case OP_IPC_INFO:
	case OP_SHM_INFO:
		ret = svipc_shmctl(0, r->op == OP_IPC_INFO ? IPC_INFO : SHM_INFO,
				   (struct shmid_ds *)&info);
		if (ret < 0)
			return errno;
		return ret >= (r->id & 0x7fff) ? 0 : X_WRONG;
	case OP_SET:
		if (svipc_shmctl(r->id, IPC_STAT, &ds) &&
		    errno != EACCES)
			return errno;
		/* Without read, the caller still knows what to write. */
		memset(&ds.shm_perm, 0, sizeof(ds.shm_perm));
		ds.shm_perm.uid = U_A;
		ds.shm_perm.gid = G_A;
		ds.shm_perm.mode = r->mode;
		return svipc_shmctl(r->id, IPC_SET, &ds) ? errno : 0;
	case OP_RMID:
		return svipc_shmctl(r->id, IPC_RMID, NULL) ? errno : 0;
	case OP_LOCK:
		return svipc_shmctl(r->id, SHM_LOCK, NULL) ? errno : 0;
	case OP_UNLOCK:
		return svipc_shmctl(r->id, SHM_UNLOCK, NULL) ? errno : 0;
	}
	return X_WRONG;
}

/* @r done by @w in a child: 0, the errno, X_BECOME or X_WRONG. */
static int as(const struct who *w, const struct req *r)
{
	pid_t child = fork();

	if (child < 0)
		return -1;
	if (child == 0) {
		if (become_who(w))
			_exit(X_BECOME);
		_exit(do_req(r));
	}
	return wait_status(child);
}

static int req_at(const struct who *w, int id, int flg)
{
	struct req r = { .op = OP_AT, .id = id, .flg = flg };

	return as(w, &r);
}

static int req_op(const struct who *w, enum op op, int id)
{
	struct req r = { .op = op, .id = id };

	return as(w, &r);
}

/* ---- fixture --------------------------------------------------------- */

FIXTURE(perm) {
	int ids[8];
	int n;
};

FIXTURE_SETUP(perm)
{
	self->n = 0;
	/* Children that change user inherit the open device. */
	ASSERT_LE(0, svipc_fd());
}

FIXTURE_TEARDOWN(perm)
{
	int i;

	for (i = 0; i < self->n; i++)
		svipc_shmctl(self->ids[i], IPC_RMID, NULL);
}

/* A segment of root's (cuid/cgid 0) handed to U_A/G_A with @mode. */
static int mkseg(FIXTURE_DATA(perm) *self, key_t key, unsigned int mode)
{
	struct shmid_ds ds;
	int id;

	id = svipc_shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return -1;
	if (self->n < 8)
		self->ids[self->n++] = id;
	if (svipc_shmctl(id, IPC_STAT, &ds))
		return -1;
	ds.shm_perm.uid = U_A;
	ds.shm_perm.gid = G_A;
	ds.shm_perm.mode = mode;
	if (svipc_shmctl(id, IPC_SET, &ds))
		return -1;
	return id;
}

/* ---- shmat ----------------------------------------------------------- */

TEST_F(perm, owner_class_needs_read_and_write_for_a_plain_attach)
{
	int rw = mkseg(self, IPC_PRIVATE, 0600);
	int r = mkseg(self, IPC_PRIVATE, 0400);
	int w = mkseg(self, IPC_PRIVATE, 0200);

	ASSERT_LE(0, rw);
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	EXPECT_EQ(0, req_at(&owner, rw, 0));
	EXPECT_EQ(EACCES, req_at(&owner, r, 0));
	EXPECT_EQ(EACCES, req_at(&owner, w, 0));
	EXPECT_EQ(0, req_at(&owner, r, SHM_RDONLY));
	EXPECT_EQ(EACCES, req_at(&owner, w, SHM_RDONLY));
}

TEST_F(perm, owner_class_bits_decide_even_when_group_and_other_may)
{
	int id = mkseg(self, IPC_PRIVATE, 0066);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, req_at(&owner, id, 0));
	EXPECT_EQ(EACCES, req_at(&owner, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, req_op(&owner, OP_STAT, id));
	EXPECT_EQ(0, req_at(&member, id, 0));
	EXPECT_EQ(0, req_at(&other, id, 0));
}

TEST_F(perm, group_member_by_egid_or_supplementary_group_gets_group_bits)
{
	int id = mkseg(self, IPC_PRIVATE, 0640);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, req_at(&member, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, req_at(&member, id, 0));
	EXPECT_EQ(0, req_at(&supp, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, req_at(&supp, id, 0));
	EXPECT_EQ(0, req_op(&member, OP_STAT, id));
	EXPECT_EQ(EACCES, req_at(&other, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, req_op(&other, OP_STAT, id));
}

TEST_F(perm, group_bits_decide_even_when_other_may)
{
	int id = mkseg(self, IPC_PRIVATE, 0606);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, req_at(&member, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, req_at(&supp, id, 0));
	EXPECT_EQ(0, req_at(&other, id, 0));
}

TEST_F(perm, creator_uid_and_gid_count_like_owner_uid_and_gid)
{
	static const struct who by_cuid = WHO(0, G_C);
	static const struct who by_cgid = WHO(U_C, 0);
	int id = mkseg(self, IPC_PRIVATE, 0660);
	pid_t child;

	ASSERT_LE(0, id);
	/* cuid is 0 (root made it): uid 0 without capabilities is owner. */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct req r = { .op = OP_AT, .id = id };

		if (become_who(&by_cuid) ||
		    syscall(SYS_capset, &(struct { uint32_t v; int pid; }){ 0x20080522, 0 },
			    (uint32_t[6]){ 0 }))
			_exit(X_BECOME);
		_exit(do_req(&r));
	}
	EXPECT_EQ(0, wait_status(child));
	/* cgid is 0: a caller in group 0 gets the group bits. */
	EXPECT_EQ(0, req_at(&by_cgid, id, 0));
}

TEST_F(perm, shm_exec_needs_execute_permission_too)
{
	int rwx = mkseg(self, IPC_PRIVATE, 0700);
	int rw = mkseg(self, IPC_PRIVATE, 0600);
	int rx = mkseg(self, IPC_PRIVATE, 0500);

	ASSERT_LE(0, rwx);
	ASSERT_LE(0, rw);
	ASSERT_LE(0, rx);
	EXPECT_EQ(0, req_at(&owner, rwx, SHM_EXEC));
	EXPECT_EQ(EACCES, req_at(&owner, rw, SHM_EXEC));
	EXPECT_EQ(0, req_at(&owner, rx, SHM_EXEC | SHM_RDONLY));
	EXPECT_EQ(EACCES, req_at(&owner, rx, SHM_EXEC));
	EXPECT_EQ(EACCES, req_at(&owner, rw, SHM_EXEC | SHM_RDONLY));
}

TEST_F(perm, address_errors_and_bad_ids_come_before_eacces)
{
	int id = mkseg(self, IPC_PRIVATE, 0000);
	struct req r = { .op = OP_AT_ADDR, .id = id, .addr = 4096 + 1 };

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, req_at(&other, id, 0));
	EXPECT_EQ(EINVAL, as(&other, &r));
	r.addr = 0;
	r.flg = SHM_REMAP;
	EXPECT_EQ(EINVAL, as(&other, &r));
	EXPECT_EQ(EINVAL, req_at(&other, id + (1 << 15), 0));
	EXPECT_EQ(EINVAL, req_at(&other, -1, 0));
}

TEST_F(perm, an_attach_outlives_the_loss_of_permission)
{
	struct shmid_ds ds;
	int pfd[2], qfd[2], id, st;
	pid_t child;
	char c;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pipe(qfd));
	id = mkseg(self, IPC_PRIVATE, 0666);
	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		volatile char *p;

		if (become_who(&other))
			_exit(X_BECOME);
		p = svipc_shmat(id, NULL, 0);
		if (p == (void *)-1)
			_exit(1);
		p[0] = 'a';
		if (write(pfd[1], "x", 1) != 1 || read(qfd[0], &c, 1) != 1)
			_exit(2);
		/* The mapping works on; a new attach is refused. */
		p[1] = 'b';
		if (p[0] != 'a')
			_exit(3);
		if (svipc_shmat(id, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
			_exit(4);
		_exit(svipc_shmdt((void *)p) ? 5 : 0);
	}
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	ds.shm_perm.mode = 0600;
	ASSERT_EQ(0, svipc_shmctl(id, IPC_SET, &ds));
	ASSERT_EQ(1, write(qfd[1], "y", 1));
	st = wait_status(child);
	EXPECT_EQ(0, st);
}

/* ---- shmctl ---------------------------------------------------------- */

TEST_F(perm, stat_needs_read_but_shm_stat_any_and_info_need_nothing)
{
	int id = mkseg(self, IPC_PRIVATE, 0200);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, req_op(&owner, OP_STAT, id));
	EXPECT_EQ(EACCES, req_op(&owner, OP_SHM_STAT, id));
	EXPECT_EQ(0, req_op(&owner, OP_SHM_STAT_ANY, id));
	EXPECT_EQ(0, req_op(&other, OP_SHM_STAT_ANY, id));
	EXPECT_EQ(0, req_op(&other, OP_IPC_INFO, id));
	EXPECT_EQ(0, req_op(&other, OP_SHM_INFO, id));
	EXPECT_EQ(EACCES, req_op(&other, OP_STAT, id));
}

TEST_F(perm, ipc_set_and_rmid_belong_to_owner_and_creator_whatever_the_mode)
{
	struct req set = { .op = OP_SET, .mode = 0666 };
	int id = mkseg(self, IPC_PRIVATE, 0666);

	ASSERT_LE(0, id);
	set.id = id;
	EXPECT_EQ(EPERM, as(&member, &set));
	EXPECT_EQ(EPERM, as(&other, &set));
	EXPECT_EQ(EPERM, req_op(&other, OP_RMID, id));
	EXPECT_EQ(EPERM, req_op(&member, OP_RMID, id));
	/* The owner with no mode bits at all. */
	set.mode = 0000;
	EXPECT_EQ(0, as(&owner, &set));
	set.mode = 0640;
	EXPECT_EQ(0, as(&owner, &set));
	EXPECT_EQ(0, req_op(&owner, OP_RMID, id));
	EXPECT_EQ(-1, svipc_shmctl(id, IPC_STAT, NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(perm, a_segment_given_away_stays_with_its_creator)
{
	static const struct who creator = WHO(U_C, G_C);
	struct req set = { .op = OP_SET, .mode = 0600 };
	int pfd[2], id = -1;
	pid_t child;

	ASSERT_EQ(0, pipe(pfd));
	/* U_C creates it, then gives it to U_A. */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct shmid_ds ds;

		if (become_who(&creator))
			_exit(X_BECOME);
		id = svipc_shmget(IPC_PRIVATE, 4096, 0600);
		if (id < 0 || svipc_shmctl(id, IPC_STAT, &ds))
			_exit(1);
		ds.shm_perm.uid = U_A;
		if (svipc_shmctl(id, IPC_SET, &ds))
			_exit(2);
		_exit(write(pfd[1], &id, sizeof(id)) == sizeof(id) ? 0 : 3);
	}
	ASSERT_EQ(0, wait_status(child));
	ASSERT_EQ(sizeof(id), read(pfd[0], &id, sizeof(id)));
	self->ids[self->n++] = id;
	set.id = id;
	/* Both the new owner and the creator may. */
	EXPECT_EQ(0, as(&creator, &set));
	EXPECT_EQ(0, as(&owner, &set));
	EXPECT_EQ(0, req_at(&creator, id, 0));
	EXPECT_EQ(0, req_at(&owner, id, 0));
	EXPECT_EQ(EACCES, req_at(&member, id, 0));
	EXPECT_EQ(EPERM, as(&member, &set));
}

TEST_F(perm, shm_lock_and_unlock_belong_to_owner_and_creator)
{
	int id = mkseg(self, IPC_PRIVATE, 0666);
	struct shmid_ds ds;

	ASSERT_LE(0, id);
	EXPECT_EQ(EPERM, req_op(&other, OP_LOCK, id));
	EXPECT_EQ(EPERM, req_op(&member, OP_LOCK, id));
	/* The default RLIMIT_MEMLOCK (8 MiB) holds a page. */
	EXPECT_EQ(0, req_op(&owner, OP_LOCK, id));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(02666u, ds.shm_perm.mode);
	EXPECT_EQ(EPERM, req_op(&other, OP_UNLOCK, id));
	EXPECT_EQ(0, req_op(&owner, OP_UNLOCK, id));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0666u, ds.shm_perm.mode);
	/* Root (CAP_IPC_LOCK) need not own it. */
	EXPECT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(0, svipc_shmctl(id, SHM_UNLOCK, NULL));
}

/* ---- shmget ---------------------------------------------------------- */

TEST_F(perm, shmget_checks_the_permission_bits_given_in_flags)
{
	key_t key = test_key(1);
	int id = mkseg(self, key, 0644);
	struct req r = { .op = OP_GET, .key = key };

	ASSERT_LE(0, id);
	r.id = id;
	/* No bits asked: no permission needed. */
	r.flg = 0;
	EXPECT_EQ(0, as(&other, &r));
	r.flg = 0400;
	EXPECT_EQ(0, as(&other, &r));
	r.flg = 0600;
	EXPECT_EQ(EACCES, as(&other, &r));
	r.flg = 0040;
	EXPECT_EQ(0, as(&member, &r));
	r.flg = 0020;
	EXPECT_EQ(EACCES, as(&member, &r));
	r.flg = IPC_CREAT | 0666;
	EXPECT_EQ(EACCES, as(&other, &r));
	r.flg = 0600;
	EXPECT_EQ(0, as(&owner, &r));
}

TEST_F(perm, shmget_reports_eexist_and_einval_before_eacces)
{
	key_t key = test_key(2);
	int id = mkseg(self, key, 0000);
	struct req r = { .op = OP_GET, .key = key };

	ASSERT_LE(0, id);
	r.id = id;
	r.flg = IPC_CREAT | IPC_EXCL | 0600;
	EXPECT_EQ(EEXIST, as(&other, &r));
	r.flg = 0600;
	r.size = 4097;
	EXPECT_EQ(EINVAL, as(&other, &r));
	r.size = 4096;
	EXPECT_EQ(EACCES, as(&other, &r));
}

/* ---- root ------------------------------------------------------------ */

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

TEST_F(perm, root_ignores_the_mode_but_not_shm_rdonly)
{
	int id = mkseg(self, IPC_PRIVATE, 0000);
	struct sigaction sa = { .sa_handler = on_segv }, old;
	struct shmid_ds ds;
	volatile char *p;
	int faulted = 1;

	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, SHM_EXEC);
	ASSERT_NE((void *)-1, p);
	p[0] = 1;
	EXPECT_EQ(0, svipc_shmdt((void *)p));
	EXPECT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	p = svipc_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ(-1, mprotect((void *)p, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(jb, 1)) {
		p[0] = 2;
		faulted = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	EXPECT_EQ(1, faulted);
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(0, svipc_shmdt((void *)p));
}

SVIPC_TEST_MAIN
