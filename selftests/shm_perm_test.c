// SPDX-License-Identifier: GPL-2.0
/*
 * The permission matrix of shared memory segments, as native Linux
 * enforces it, proved by unprivileged callers (forked children that drop
 * to a non-zero uid with no capabilities, or stay uid 0 without one
 * capability) against segments that root creates and removes:
 *
 *  - ipcperms: the owner class applies when euid is uid or cuid, else the
 *    group class when egid or a supplementary group is gid or cgid, else
 *    other; the class's bits alone decide.  shmat needs read and write,
 *    read only with SHM_RDONLY, and execute too with SHM_EXEC; IPC_STAT
 *    and SHM_STAT need read; SHM_STAT_ANY, IPC_INFO and SHM_INFO nothing;
 *  - the order of the checks: shmat's address rules and the id lookup
 *    come before EACCES, an overlap with an existing mapping after it;
 *    a bad id is EINVAL before EPERM too; shmget's EEXIST and EINVAL
 *    (size) come before EACCES, and shmget checks the permission bits
 *    given in its flags;
 *  - an attach keeps working after IPC_SET takes the permission away, and
 *    fork copies it unchecked; only new attaches are refused;
 *  - a SHM_RDONLY attach cannot be written or mprotect()ed writable, not
 *    even by root;
 *  - IPC_SET and IPC_RMID belong to uid and cuid (and CAP_SYS_ADMIN),
 *    whatever the mode; IPC_SET changes uid, gid and the low 9 mode bits
 *    only, keeping SHM_DEST and SHM_LOCKED;
 *  - SHM_LOCK and SHM_UNLOCK belong to uid and cuid (and CAP_IPC_LOCK);
 *    SHM_LOCK is EPERM with a zero RLIMIT_MEMLOCK, ENOMEM past it, the
 *    charge being whole pages summed over the segments locked by the
 *    caller's real uid, returned by SHM_UNLOCK (whoever calls it) or
 *    removal; locking twice charges once;
 *  - root ignores the mode bits, through CAP_IPC_OWNER, CAP_SYS_ADMIN
 *    and CAP_IPC_LOCK each for its own checks only.
 */
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "common.h"
#include "perm.h"

#define SZ 4096		/* a page: the size of most segments */

/* An exit status of a child besides those of perm.h. */
#define X_SEGV (128 + SIGSEGV)

enum op {
	OP_GET,			/* shmget(key, size, flg) must return id (if >= 0) */
	OP_AT,			/* shmat(id, addr, flg); read, write val; shmdt */
	OP_AT_OVERLAP,		/* shmat(id, a page mapped already, flg) */
	OP_AT_RO_WRITE,		/* SHM_RDONLY: mprotect must fail, a write fault */
	OP_STAT,
	OP_SHM_STAT,		/* must return id */
	OP_SHM_STAT_ANY,	/* must return id */
	OP_IPC_INFO,		/* must return an index >= id's */
	OP_SHM_INFO,		/* likewise */
	OP_SET,			/* IPC_SET with ds */
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
	char val;
	int set_memlock;	/* give RLIMIT_MEMLOCK the value memlock */
	rlim_t memlock;
	struct shmid_ds ds;
};

/* OP_AT and its variants, in the child. */
static int do_attach(const struct req *r)
{
	volatile char *p;
	void *busy = MAP_FAILED;

	if (r->op == OP_AT_OVERLAP) {
		busy = mmap(NULL, SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		if (busy == MAP_FAILED)
			return X_WRONG;
	}
	p = svipc_shmat(r->id, busy != MAP_FAILED ? busy : (void *)r->addr,
			r->flg);
	if (p == (void *)-1)
		return errno;
	if (r->op == OP_AT_RO_WRITE) {
		struct rlimit no_core = { 0, 0 };

		if (!mprotect((void *)p, SZ, PROT_READ | PROT_WRITE))
			return X_WRONG;
		if (errno != EACCES)
			return errno;
		setrlimit(RLIMIT_CORE, &no_core);
		p[0] = r->val;
		return X_WRONG;		/* should have died of SIGSEGV */
	}
	if (!(r->flg & SHM_RDONLY) && r->val)
		p[0] = r->val;
	else
		(void)p[0];
	return svipc_shmdt((void *)p) ? errno : 0;
}

/* Runs in the child: 0, an errno value, or X_WRONG. */
static int do_req(const struct req *r)
{
	struct shmid_ds ds;
	struct shm_info info;
	int idx = r->id & 0x7fff;
	int ret;

	errno = 0;
	switch (r->op) {
	case OP_GET:
		ret = svipc_shmget(r->key, r->size, r->flg);
		if (ret < 0)
			return errno;
		return r->id < 0 || ret == r->id ? 0 : X_WRONG;
	case OP_AT:
	case OP_AT_OVERLAP:
	case OP_AT_RO_WRITE:
		return do_attach(r);
	case OP_STAT:
		return svipc_shmctl(r->id, IPC_STAT, &ds) ? errno : 0;
	case OP_SHM_STAT:
	case OP_SHM_STAT_ANY:
		ret = svipc_shmctl(idx, r->op == OP_SHM_STAT ? SHM_STAT :
				   SHM_STAT_ANY, &ds);
		if (ret < 0)
			return errno;
		return ret == r->id ? 0 : X_WRONG;
	case OP_IPC_INFO:
	case OP_SHM_INFO:
		ret = svipc_shmctl(0, r->op == OP_IPC_INFO ? IPC_INFO :
				   SHM_INFO, (struct shmid_ds *)&info);
		if (ret < 0)
			return errno;
		return ret >= idx ? 0 : X_WRONG;
	case OP_SET:
		ds = r->ds;
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

#define MAXSEGS 8
#define MAXKIDS 8

/* Segments, root's attaches and children go even when a test fails. */
FIXTURE(perm) {
	int ids[MAXSEGS];
	int n;
	pid_t kids[MAXKIDS];
	void *map;		/* root's own attach, if any */
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
	if (self->map)
		svipc_shmdt(self->map);
	for (i = 0; i < self->n; i++)
		svipc_shmctl(self->ids[i], IPC_RMID, NULL);
	/* Whatever a child created under one of this test's keys. */
	for (i = 0; i < 16; i++) {
		id = svipc_shmget(test_key(i), 0, 0);
		if (id >= 0)
			svipc_shmctl(id, IPC_RMID, NULL);
	}
}

/*
 * fork(), the child remembered for the teardown.  A child still running
 * after 20 s (a bug: none of them blocks for long) dies of SIGALRM, so
 * that the test fails instead of the harness timing it out.
 */
static pid_t spawn(FIXTURE_DATA(perm) *self)
{
	pid_t pid;
	int i;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		alarm(20);
	for (i = 0; pid > 0 && i < MAXKIDS; i++) {
		if (self->kids[i] <= 0) {
			self->kids[i] = pid;
			break;
		}
	}
	return pid;
}

/* A child that becomes @w and performs @r; returns its pid. */
static pid_t spawn_as(FIXTURE_DATA(perm) *self, const struct who *w,
		      const struct req *r)
{
	pid_t pid = spawn(self);
	struct rlimit rl = { r->memlock, r->memlock };

	if (pid == 0) {
		if ((r->set_memlock && setrlimit(RLIMIT_MEMLOCK, &rl)) ||
		    become_who(w))
			_exit(X_BECOME);
		_exit(do_req(r));
	}
	return pid;
}

/* Wait for a child of spawn(): its exit status, or 128 + its signal. */
static int reap(FIXTURE_DATA(perm) *self, pid_t pid)
{
	int i, st = pid > 0 ? wait_status(pid) : -1;

	for (i = 0; i < MAXKIDS; i++)
		if (self->kids[i] == pid)
			self->kids[i] = 0;
	return st;
}

/* AS(&who, .op = ..., ...): 0, the errno of the call, or X_*. */
#define AS(w, ...) reap(self, spawn_as(self, (w), &(struct req){ __VA_ARGS__ }))
#define OP(w, o, i) AS(w, .op = (o), .id = (i))
#define AT(w, i, f) AS(w, .op = OP_AT, .id = (i), .flg = (f))
#define WR(w, i, c) AS(w, .op = OP_AT, .id = (i), .val = (c))
#define SET(w, i, d) AS(w, .op = OP_SET, .id = (i), .ds = (d))
#define LIM(w, o, i, n) \
	AS(w, .op = (o), .id = (i), .set_memlock = 1, .memlock = (n))
/* In the shmget tests: shmget(key, ...) as @w must give id. */
#define GET(w, ...) AS(w, .op = OP_GET, .id = id, .key = key, __VA_ARGS__)

static int track(FIXTURE_DATA(perm) *self, int id)
{
	if (id >= 0 && self->n < MAXSEGS)
		self->ids[self->n++] = id;
	return id;
}

/* IPC_STAT by root; all-ones on failure. */
static struct shmid_ds rstat(int id)
{
	struct shmid_ds ds;

	if (svipc_shmctl(id, IPC_STAT, &ds))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

static unsigned int rmode(int id)
{
	return rstat(id).shm_perm.mode;
}

/* 0 if root can IPC_STAT the segment, else the errno. */
static int rstat_err(int id)
{
	struct shmid_ds ds;

	return svipc_shmctl(id, IPC_STAT, &ds) ? errno : 0;
}

/* IPC_SET by root of uid, gid and mode. */
static int set_perm(int id, uid_t uid, gid_t gid, unsigned int mode)
{
	struct shmid_ds ds;

	if (svipc_shmctl(id, IPC_STAT, &ds))
		return -1;
	ds.shm_perm.uid = uid;
	ds.shm_perm.gid = gid;
	ds.shm_perm.mode = mode;
	return svipc_shmctl(id, IPC_SET, &ds);
}

/*
 * A segment of @size root creates under test_key(@n), given to owner
 * (uid U_A, gid G_A; cuid and cgid stay 0) with @mode.
 */
static int mkseg(FIXTURE_DATA(perm) *self, int n, size_t size,
		 unsigned int mode)
{
	int id = track(self, svipc_shmget(test_key(n), size,
					  IPC_CREAT | IPC_EXCL | 0600));

	if (id < 0 || set_perm(id, U_A, G_A, mode))
		return -1;
	return id;
}

/* A segment @w creates under test_key(@n); root finds and tracks it. */
static int mkseg_as(FIXTURE_DATA(perm) *self, const struct who *w, int n,
		    unsigned int mode)
{
	struct req r = { .op = OP_GET, .id = -1, .key = test_key(n),
			 .size = SZ, .flg = IPC_CREAT | IPC_EXCL | mode };

	if (reap(self, spawn_as(self, w, &r)))
		return -1;
	return track(self, svipc_shmget(test_key(n), 0, 0));
}

/* Byte @off of the segment, read by root through a read-only attach. */
static int rpeek(int id, int off)
{
	volatile char *p = svipc_shmat(id, NULL, SHM_RDONLY);
	int c;

	if (p == (void *)-1)
		return -1;
	c = p[off];
	svipc_shmdt((void *)p);
	return c;
}

/* ---- shmat: which bits of which class ------------------------------- */

TEST_F(perm, owner_with_read_and_write_may_attach_read_write_and_read_only)
{
	int id = mkseg(self, 0, SZ, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, WR(&owner, id, 'o'));
	EXPECT_EQ('o', rpeek(id, 0));
	EXPECT_EQ(0, AT(&owner, id, SHM_RDONLY));
	/* Neither group nor other has a bit. */
	EXPECT_EQ(EACCES, AT(&member, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&other, id, SHM_RDONLY));
	EXPECT_EQ(0, rstat(id).shm_nattch);
}

TEST_F(perm, owner_without_write_gets_eacces_on_read_write_shmat_but_may_attach_read_only)
{
	int id = mkseg(self, 0, SZ, 0466);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, WR(&owner, id, 'o'));
	EXPECT_EQ(0, rpeek(id, 0));
	EXPECT_EQ(0, AT(&owner, id, SHM_RDONLY));
	/* The group's write bit is no use to the owner, but to a member. */
	EXPECT_EQ(0, WR(&member, id, 'm'));
	EXPECT_EQ('m', rpeek(id, 0));
}

TEST_F(perm, owner_without_read_gets_eacces_even_read_only_when_its_group_and_other_may)
{
	int id = mkseg(self, 0, SZ, 0277);	/* owner's egid is the gid */

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, AT(&owner, id, 0));
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, OP(&owner, OP_STAT, id));
	EXPECT_EQ(0, AT(&member, id, 0));
	EXPECT_EQ(0, WR(&other, id, 'x'));
	EXPECT_EQ('x', rpeek(id, 0));
}

TEST_F(perm, group_member_by_egid_gets_only_the_group_bits)
{
	int id = mkseg(self, 0, SZ, 0040);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AT(&member, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&member, id, 0));
	EXPECT_EQ(0, OP(&member, OP_STAT, id));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0060));
	EXPECT_EQ(0, WR(&member, id, 'g'));
	EXPECT_EQ('g', rpeek(id, 0));
	/* Other's bits are no use to a member. */
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0707));
	EXPECT_EQ(EACCES, AT(&member, id, 0));
	EXPECT_EQ(EACCES, AT(&member, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, OP(&member, OP_STAT, id));
	EXPECT_EQ(0, AT(&other, id, 0));
}

TEST_F(perm, group_member_by_supplementary_group_gets_only_the_group_bits)
{
	const struct who supp = WHO_SUPP(U_C, G_C, G_A);
	const struct who supp2 = { .uid = U_C, .gid = G_C, .ngroups = 2,
				   .groups = { G_E, G_A } };
	const struct who supp_none = WHO_SUPP(U_C, G_C, G_E);
	int id = mkseg(self, 0, SZ, 0040);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AT(&supp, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&supp, id, 0));
	EXPECT_EQ(0, AT(&supp2, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&supp_none, id, SHM_RDONLY));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0707));
	EXPECT_EQ(EACCES, AT(&supp, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&supp2, id, 0));
	EXPECT_EQ(0, AT(&supp_none, id, 0));
}

TEST_F(perm, other_without_write_gets_eacces_on_read_write_shmat)
{
	int id = mkseg(self, 0, SZ, 0664);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, WR(&other, id, 'x'));
	EXPECT_EQ(0, AT(&other, id, SHM_RDONLY));
	EXPECT_EQ(0, OP(&other, OP_STAT, id));
	EXPECT_EQ(0, rpeek(id, 0));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0662));
	EXPECT_EQ(EACCES, AT(&other, id, 0));
	EXPECT_EQ(EACCES, AT(&other, id, SHM_RDONLY));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0006));
	EXPECT_EQ(0, WR(&other, id, 'x'));
	EXPECT_EQ('x', rpeek(id, 0));
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_RDONLY));
}

TEST_F(perm, caller_matching_uid_or_cuid_only_gets_the_owner_class)
{
	const struct who creator = WHO(U_A, G_C);	/* cuid only */
	const struct who new_owner = WHO(U_B, G_C);	/* uid only */
	int id = mkseg_as(self, &owner, 0, 0600);

	ASSERT_LE(0, id);
	/* Give it to U_B and a group nobody here has. */
	ASSERT_EQ(0, set_perm(id, U_B, G_E, 0600));
	EXPECT_EQ(0, WR(&creator, id, 'c'));
	EXPECT_EQ('c', rpeek(id, 0));
	EXPECT_EQ(0, WR(&new_owner, id, 'n'));
	EXPECT_EQ('n', rpeek(id, 0));
	EXPECT_EQ(0, OP(&new_owner, OP_STAT, id));
	EXPECT_EQ(EACCES, AT(&other, id, SHM_RDONLY));
	/* With no owner bits, neither may. */
	ASSERT_EQ(0, set_perm(id, U_B, G_E, 0066));
	EXPECT_EQ(EACCES, AT(&creator, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&new_owner, id, SHM_RDONLY));
	EXPECT_EQ(0, AT(&other, id, 0));
}

TEST_F(perm, caller_matching_gid_or_cgid_only_gets_the_group_class)
{
	const struct who by_cgid = WHO(U_C, G_A);
	const struct who by_gid = WHO(U_C, G_B);
	const struct who supp_cgid = WHO_SUPP(U_C, G_C, G_A);
	int id = mkseg_as(self, &owner, 0, 0600);	/* cgid G_A */

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_perm(id, U_D, G_B, 0060));
	EXPECT_EQ(0, AT(&by_cgid, id, 0));
	EXPECT_EQ(0, AT(&by_gid, id, 0));
	EXPECT_EQ(0, AT(&supp_cgid, id, 0));
	EXPECT_EQ(EACCES, AT(&other, id, SHM_RDONLY));
	/* The creator, still owner class, has no bits. */
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_RDONLY));
}

TEST_F(perm, shm_exec_needs_execute_permission_too)
{
	int id = mkseg(self, 0, SZ, 0700);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, AT(&owner, id, SHM_EXEC));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0611));
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_EXEC));
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_EXEC | SHM_RDONLY));
	EXPECT_EQ(0, AT(&owner, id, 0));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0557));
	EXPECT_EQ(0, AT(&owner, id, SHM_EXEC | SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_EXEC));
	EXPECT_EQ(0, AT(&member, id, SHM_EXEC | SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&member, id, SHM_EXEC));
	/* Execute alone is not read. */
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0751));
	EXPECT_EQ(EACCES, AT(&other, id, SHM_EXEC | SHM_RDONLY));
	EXPECT_EQ(0, OP(&other, OP_SHM_STAT_ANY, id));
}

/* ---- the order of the checks ---------------------------------------- */

TEST_F(perm, bad_ids_give_einval_before_eacces_and_eperm)
{
	int id = mkseg(self, 0, SZ, 0000);
	int stale = id + (1 << 15);
	struct shmid_ds ds;

	ASSERT_LE(0, id);
	ds = rstat(id);
	EXPECT_EQ(EACCES, AT(&other, id, 0));
	EXPECT_EQ(EINVAL, AT(&other, stale, 0));
	EXPECT_EQ(EINVAL, AT(&other, -1, 0));
	EXPECT_EQ(EACCES, OP(&other, OP_STAT, id));
	EXPECT_EQ(EINVAL, OP(&other, OP_STAT, stale));
	EXPECT_EQ(EPERM, SET(&other, id, ds));
	EXPECT_EQ(EINVAL, SET(&other, stale, ds));
	EXPECT_EQ(EPERM, OP(&other, OP_RMID, id));
	EXPECT_EQ(EINVAL, OP(&other, OP_RMID, stale));
	EXPECT_EQ(EPERM, OP(&other, OP_LOCK, id));
	EXPECT_EQ(EINVAL, OP(&other, OP_LOCK, stale));
	EXPECT_EQ(EINVAL, OP(&other, OP_UNLOCK, stale));
}

TEST_F(perm, address_errors_come_before_eacces_and_an_overlap_after_it)
{
	int id = mkseg(self, 0, SZ, 0000);

	ASSERT_LE(0, id);
	/* Unaligned without SHM_RND; SHM_REMAP with no or a zero address. */
	EXPECT_EQ(EINVAL, AS(&other, .op = OP_AT, .id = id,
			     .addr = 64 * SZ + 1));
	EXPECT_EQ(EINVAL, AT(&other, id, SHM_REMAP));
	EXPECT_EQ(EINVAL, AS(&other, .op = OP_AT, .id = id, .addr = 1,
			     .flg = SHM_RND | SHM_REMAP));
	/* A taken range is looked at only once the caller may attach. */
	EXPECT_EQ(EACCES, OP(&other, OP_AT_OVERLAP, id));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0666));
	EXPECT_EQ(EINVAL, OP(&other, OP_AT_OVERLAP, id));
	EXPECT_EQ(0, AS(&other, .op = OP_AT_OVERLAP, .id = id,
			.flg = SHM_REMAP));
	EXPECT_EQ(0, rstat(id).shm_nattch);
}

/* ---- attaches that exist --------------------------------------------- */

TEST_F(perm, an_attach_keeps_working_after_ipc_set_takes_the_permission_away)
{
	int to_kid[2], to_me[2], id;
	pid_t kid;
	char c;

	ASSERT_EQ(0, pipe(to_kid));
	ASSERT_EQ(0, pipe(to_me));
	id = mkseg(self, 0, SZ, 0666);
	ASSERT_LE(0, id);
	kid = spawn(self);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct shmid_ds ds;
		volatile char *p;
		pid_t gc;

		if (become_who(&other))
			_exit(X_BECOME);
		p = svipc_shmat(id, NULL, 0);
		if (p == (void *)-1)
			_exit(10);
		p[0] = 'a';
		if (write(to_me[1], "x", 1) != 1 || read(to_kid[0], &c, 1) != 1)
			_exit(11);
		/* The mapping works on, both ways. */
		p[1] = 'b';
		if (p[0] != 'a')
			_exit(12);
		/* A new attach or STAT is refused. */
		if (svipc_shmat(id, NULL, 0) != (void *)-1 || errno != EACCES)
			_exit(13);
		if (svipc_shmat(id, NULL, SHM_RDONLY) != (void *)-1 ||
		    errno != EACCES)
			_exit(14);
		if (svipc_shmctl(id, IPC_STAT, &ds) != -1 || errno != EACCES)
			_exit(15);
		/* fork copies the attach with no check. */
		gc = fork();
		if (gc == 0) {
			p[2] = 'c';
			_exit(0);
		}
		if (wait_status(gc) != 0)
			_exit(16);
		_exit(svipc_shmdt((void *)p) ? 17 : 0);
	}
	close(to_kid[0]);
	close(to_me[1]);
	ASSERT_EQ(1, read(to_me[0], &c, 1));
	EXPECT_EQ(1, rstat(id).shm_nattch);
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0600));
	ASSERT_EQ(1, write(to_kid[1], "y", 1));
	EXPECT_EQ(0, reap(self, kid));
	EXPECT_EQ('a', rpeek(id, 0));
	EXPECT_EQ('b', rpeek(id, 1));
	EXPECT_EQ('c', rpeek(id, 2));
	EXPECT_EQ(0, rstat(id).shm_nattch);
	close(to_kid[1]);
	close(to_me[0]);
}

TEST_F(perm, read_only_attach_faults_on_write_and_refuses_mprotect_write_even_for_root)
{
	int id = mkseg(self, 0, SZ, 0666);

	ASSERT_LE(0, id);
	/* Write permission makes no difference to a SHM_RDONLY attach. */
	EXPECT_EQ(X_SEGV, AS(&other, .op = OP_AT_RO_WRITE, .id = id,
			     .flg = SHM_RDONLY, .val = 'o'));
	EXPECT_EQ(X_SEGV, AS(&owner, .op = OP_AT_RO_WRITE, .id = id,
			     .flg = SHM_RDONLY, .val = 'o'));
	EXPECT_EQ(X_SEGV, AS(&root, .op = OP_AT_RO_WRITE, .id = id,
			     .flg = SHM_RDONLY, .val = 'r'));
	EXPECT_EQ(0, rpeek(id, 0));
	EXPECT_EQ(0, rstat(id).shm_nattch);
}

/* ---- shmctl: STAT and INFO ------------------------------------------- */

TEST_F(perm, ipc_stat_and_shm_stat_need_read)
{
	int id = mkseg(self, 0, SZ, 0266);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, OP(&owner, OP_STAT, id));
	EXPECT_EQ(EACCES, OP(&owner, OP_SHM_STAT, id));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0400));
	EXPECT_EQ(0, OP(&owner, OP_STAT, id));
	EXPECT_EQ(0, OP(&owner, OP_SHM_STAT, id));
	EXPECT_EQ(EACCES, OP(&member, OP_STAT, id));
	EXPECT_EQ(EACCES, OP(&other, OP_SHM_STAT, id));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0042));
	EXPECT_EQ(0, OP(&member, OP_SHM_STAT, id));
	EXPECT_EQ(EACCES, OP(&other, OP_STAT, id));
	EXPECT_EQ(EACCES, OP(&other, OP_SHM_STAT, id));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0004));
	EXPECT_EQ(0, OP(&other, OP_STAT, id));
	EXPECT_EQ(0, OP(&other, OP_SHM_STAT, id));
}

TEST_F(perm, shm_stat_any_ipc_info_and_shm_info_need_no_permission)
{
	int id = mkseg(self, 0, SZ, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, OP(&other, OP_SHM_STAT, id));
	EXPECT_EQ(0, OP(&other, OP_SHM_STAT_ANY, id));
	EXPECT_EQ(0, OP(&owner, OP_SHM_STAT_ANY, id));
	EXPECT_EQ(0, OP(&other, OP_IPC_INFO, id));
	EXPECT_EQ(0, OP(&other, OP_SHM_INFO, id));
	EXPECT_EQ(0, OP(&member, OP_IPC_INFO, id));
	EXPECT_EQ(0, OP(&member, OP_SHM_INFO, id));
}

/* ---- IPC_SET and IPC_RMID --------------------------------------------- */

TEST_F(perm, non_owner_ipc_set_and_rmid_are_eperm_even_with_mode_0666_and_change_nothing)
{
	const struct who group_by_cgid = WHO(U_B, 0);	/* cgid 0 */
	struct shmid_ds before, after, want;
	int id = mkseg(self, 0, SZ, 0666);

	ASSERT_LE(0, id);
	before = rstat(id);
	want = before;
	want.shm_perm.uid = U_C;
	want.shm_perm.gid = G_C;
	want.shm_perm.mode = 0777;
	EXPECT_EQ(EPERM, SET(&other, id, want));
	EXPECT_EQ(EPERM, SET(&member, id, want));
	EXPECT_EQ(EPERM, SET(&group_by_cgid, id, want));
	/* Changing nothing at all is still EPERM. */
	EXPECT_EQ(EPERM, SET(&other, id, before));
	EXPECT_EQ(EPERM, OP(&other, OP_RMID, id));
	EXPECT_EQ(EPERM, OP(&member, OP_RMID, id));
	EXPECT_EQ(id, svipc_shmget(test_key(0), 0, 0));
	after = rstat(id);
	EXPECT_EQ(U_A, after.shm_perm.uid);
	EXPECT_EQ(G_A, after.shm_perm.gid);
	EXPECT_EQ(0, after.shm_perm.cuid);
	EXPECT_EQ(0, after.shm_perm.cgid);
	EXPECT_EQ(0666, after.shm_perm.mode);
	EXPECT_EQ(before.shm_ctime, after.shm_ctime);
	/* Yet they may attach. */
	EXPECT_EQ(0, AT(&other, id, 0));
}

TEST_F(perm, owner_and_creator_may_ipc_set_and_rmid_without_any_mode_bits)
{
	const struct who new_owner = WHO(U_B, G_C);
	const struct who creator = WHO(U_A, G_C);
	struct shmid_ds ds;
	int s1 = mkseg_as(self, &owner, 0, 0600);
	int s2 = mkseg_as(self, &owner, 1, 0600);

	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	ASSERT_EQ(0, set_perm(s1, U_B, G_B, 0000));
	ASSERT_EQ(0, set_perm(s2, U_B, G_B, 0000));

	ds = rstat(s1);
	ds.shm_perm.mode = 0604;
	EXPECT_EQ(0, SET(&new_owner, s1, ds));
	EXPECT_EQ(0604, rmode(s1));
	/* The creator too, though no longer uid. */
	ds.shm_perm.mode = 0640;
	EXPECT_EQ(0, SET(&creator, s1, ds));
	EXPECT_EQ(0640, rmode(s1));
	EXPECT_EQ(EPERM, SET(&other, s1, ds));
	EXPECT_EQ(EPERM, OP(&other, OP_RMID, s1));

	/* The creator gives it to U_C: U_B loses SET/RMID, U_C gains. */
	ds.shm_perm.uid = U_C;
	EXPECT_EQ(0, SET(&creator, s1, ds));
	EXPECT_EQ(U_C, rstat(s1).shm_perm.uid);
	EXPECT_EQ(EPERM, SET(&new_owner, s1, ds));
	EXPECT_EQ(EPERM, OP(&new_owner, OP_RMID, s1));
	EXPECT_EQ(0, SET(&other, s1, ds));

	EXPECT_EQ(0, OP(&other, OP_RMID, s1));
	EXPECT_EQ(EINVAL, rstat_err(s1));
	EXPECT_EQ(0, OP(&creator, OP_RMID, s2));
	EXPECT_EQ(EINVAL, rstat_err(s2));
}

TEST_F(perm, ipc_set_changes_uid_gid_and_only_the_low_nine_mode_bits)
{
	struct shmid_ds ds;
	int id = mkseg_as(self, &owner, 0, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	ASSERT_EQ(02600, rmode(id));
	ds = rstat(id);
	ds.shm_perm.uid = U_B;
	ds.shm_perm.gid = G_B;
	ds.shm_perm.mode = 0xffff;
	/* The owner may give it away; SHM_LOCKED stays, 01000 is not set. */
	EXPECT_EQ(0, SET(&owner, id, ds));
	ds = rstat(id);
	EXPECT_EQ(U_B, ds.shm_perm.uid);
	EXPECT_EQ(G_B, ds.shm_perm.gid);
	EXPECT_EQ(02777, ds.shm_perm.mode);
	EXPECT_EQ(U_A, ds.shm_perm.cuid);
	EXPECT_EQ(G_A, ds.shm_perm.cgid);
	ds.shm_perm.mode = 0;
	EXPECT_EQ(0, SET(&owner, id, ds));
	EXPECT_EQ(02000, rmode(id));

	/* Removed while attached: SHM_DEST stays through IPC_SET too. */
	self->map = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, self->map);
	EXPECT_EQ(0, OP(&owner, OP_RMID, id));
	EXPECT_EQ(03000, rmode(id));
	ds.shm_perm.mode = 0640;
	EXPECT_EQ(0, SET(&owner, id, ds));
	EXPECT_EQ(03640, rmode(id));
	EXPECT_EQ(0, svipc_shmdt(self->map));
	self->map = NULL;
	EXPECT_EQ(EINVAL, rstat_err(id));
}

/* ---- SHM_LOCK and SHM_UNLOCK ------------------------------------------ */

TEST_F(perm, non_owner_shm_lock_and_unlock_are_eperm_even_with_mode_0666)
{
	const struct who group_by_cgid = WHO(U_B, 0);	/* cgid 0 */
	int id = mkseg(self, 0, SZ, 0666);

	ASSERT_LE(0, id);
	EXPECT_EQ(EPERM, LIM(&other, OP_LOCK, id, 1 << 20));
	EXPECT_EQ(EPERM, LIM(&member, OP_LOCK, id, 1 << 20));
	EXPECT_EQ(EPERM, LIM(&group_by_cgid, OP_LOCK, id, 1 << 20));
	EXPECT_EQ(0666, rmode(id));
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(EPERM, OP(&other, OP_UNLOCK, id));
	EXPECT_EQ(EPERM, OP(&member, OP_UNLOCK, id));
	EXPECT_EQ(02666, rmode(id));
}

TEST_F(perm, owner_and_creator_may_shm_lock_and_unlock_without_any_mode_bits)
{
	const struct who creator = WHO(U_A, G_C);
	const struct who new_owner = WHO(U_B, G_C);
	int id = mkseg_as(self, &owner, 0, 0000);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_perm(id, U_B, G_B, 0000));
	EXPECT_EQ(0, LIM(&creator, OP_LOCK, id, 1 << 20));
	EXPECT_EQ(02000, rmode(id));
	EXPECT_EQ(0, OP(&new_owner, OP_UNLOCK, id));
	EXPECT_EQ(0, rmode(id));
	EXPECT_EQ(0, LIM(&new_owner, OP_LOCK, id, 1 << 20));
	EXPECT_EQ(02000, rmode(id));
	EXPECT_EQ(0, OP(&creator, OP_UNLOCK, id));
	EXPECT_EQ(0, rmode(id));
}

TEST_F(perm, shm_lock_with_a_zero_memlock_rlimit_is_eperm_but_unlock_is_not)
{
	int id = mkseg(self, 0, SZ, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(EPERM, LIM(&owner, OP_LOCK, id, 0));
	EXPECT_EQ(0600, rmode(id));
	/* Even when there would be nothing to charge. */
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(EPERM, LIM(&owner, OP_LOCK, id, 0));
	EXPECT_EQ(02600, rmode(id));
	EXPECT_EQ(0, LIM(&owner, OP_UNLOCK, id, 0));
	EXPECT_EQ(0600, rmode(id));
}

TEST_F(perm, shm_lock_beyond_the_memlock_rlimit_is_enomem_counting_whole_pages)
{
	int id = mkseg(self, 0, SZ + 1, 0600);	/* two pages */

	ASSERT_LE(0, id);
	EXPECT_EQ(ENOMEM, LIM(&owner, OP_LOCK, id, SZ));
	EXPECT_EQ(ENOMEM, LIM(&owner, OP_LOCK, id, 2 * SZ - 1));
	EXPECT_EQ(0600, rmode(id));
	EXPECT_EQ(0, LIM(&owner, OP_LOCK, id, 2 * SZ));
	EXPECT_EQ(02600, rmode(id));
	EXPECT_EQ(0, OP(&owner, OP_UNLOCK, id));
	EXPECT_EQ(0600, rmode(id));
}

TEST_F(perm, shm_lock_charges_add_up_per_real_uid_until_unlock_or_removal)
{
	/* Real uid U_A, effective U_B: owner of U_B's segments. */
	const struct who a_as_b = { .uid = U_A, .euid = U_B, .gid = G_B };
	const struct who owner_b = WHO(U_B, G_B);
	int s1 = mkseg(self, 0, SZ, 0600);
	int s2 = mkseg(self, 1, SZ, 0600);
	int s3 = mkseg(self, 2, SZ, 0600);

	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	ASSERT_LE(0, s3);
	ASSERT_EQ(0, set_perm(s3, U_B, G_B, 0600));

	EXPECT_EQ(0, LIM(&owner, OP_LOCK, s1, SZ));
	EXPECT_EQ(ENOMEM, LIM(&owner, OP_LOCK, s2, SZ));
	EXPECT_EQ(0, LIM(&owner, OP_LOCK, s2, 2 * SZ));
	/* U_B's charge is its own. */
	EXPECT_EQ(0, LIM(&owner_b, OP_LOCK, s3, SZ));
	ASSERT_EQ(0, svipc_shmctl(s3, SHM_UNLOCK, NULL));
	/* Charged to the real uid, U_A, which has two pages already. */
	EXPECT_EQ(ENOMEM, LIM(&a_as_b, OP_LOCK, s3, 2 * SZ));
	EXPECT_EQ(0600, rmode(s3));
	/* An unlock by anyone gives the charge back to who locked. */
	ASSERT_EQ(0, svipc_shmctl(s1, SHM_UNLOCK, NULL));
	EXPECT_EQ(0, LIM(&a_as_b, OP_LOCK, s3, 2 * SZ));
	EXPECT_EQ(02600, rmode(s3));
	/* So does removing a locked segment. */
	EXPECT_EQ(ENOMEM, LIM(&owner, OP_LOCK, s1, 2 * SZ));
	ASSERT_EQ(0, svipc_shmctl(s2, IPC_RMID, NULL));
	EXPECT_EQ(0, LIM(&owner, OP_LOCK, s1, 2 * SZ));
	EXPECT_EQ(02600, rmode(s1));
}

TEST_F(perm, shm_lock_of_a_locked_segment_and_unlock_of_an_unlocked_one_return_zero)
{
	int id = mkseg(self, 0, SZ, 0600);
	int id2 = mkseg(self, 1, SZ, 0600);

	ASSERT_LE(0, id);
	ASSERT_LE(0, id2);
	EXPECT_EQ(0, OP(&owner, OP_UNLOCK, id));
	EXPECT_EQ(0600, rmode(id));
	EXPECT_EQ(0, LIM(&owner, OP_LOCK, id, SZ));
	/* A second charge would pass the limit: there is none. */
	EXPECT_EQ(0, LIM(&owner, OP_LOCK, id, SZ));
	EXPECT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(02600, rmode(id));
	EXPECT_EQ(0, OP(&owner, OP_UNLOCK, id));
	EXPECT_EQ(0600, rmode(id));
	EXPECT_EQ(0, OP(&owner, OP_UNLOCK, id));
	EXPECT_EQ(0600, rmode(id));
	/* Nothing is left charged. */
	EXPECT_EQ(0, LIM(&owner, OP_LOCK, id2, SZ));
	EXPECT_EQ(02600, rmode(id2));
}

/* ---- root and its capabilities ---------------------------------------- */

TEST_F(perm, root_ignores_the_mode_bits)
{
	struct shmid_ds ds;
	int id = mkseg_as(self, &owner, 0, 0000);	/* neither uid nor cuid */

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_shmget(test_key(0), SZ, 0666));
	EXPECT_EQ(0, AS(&root, .op = OP_AT, .id = id, .flg = SHM_EXEC,
			.val = 'r'));
	EXPECT_EQ('r', rpeek(id, 0));
	EXPECT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_perm.mode);
	EXPECT_EQ(id, svipc_shmctl(id & 0x7fff, SHM_STAT, &ds));
	EXPECT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(0, svipc_shmctl(id, SHM_UNLOCK, NULL));
	ds.shm_perm.gid = G_C;
	EXPECT_EQ(0, svipc_shmctl(id, IPC_SET, &ds));
	EXPECT_EQ(G_C, rstat(id).shm_perm.gid);
	/* Unprivileged, the owner itself has no access. */
	EXPECT_EQ(EACCES, AT(&owner, id, SHM_RDONLY));
	EXPECT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, rstat_err(id));
}

TEST_F(perm, uid_zero_without_cap_ipc_owner_is_held_to_the_mode_bits)
{
	const struct who no_owner = ROOT_WITHOUT(CAP_IPC_OWNER);
	struct shmid_ds ds;
	int id = mkseg_as(self, &owner, 0, 0660);	/* root is other */
	int mine = mkseg(self, 1, SZ, 0600);		/* cuid 0 */

	ASSERT_LE(0, id);
	ASSERT_LE(0, mine);
	EXPECT_EQ(EACCES, AT(&no_owner, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, OP(&no_owner, OP_STAT, id));
	EXPECT_EQ(EACCES, AS(&no_owner, .op = OP_GET, .id = id,
			     .key = test_key(0), .flg = 0400));
	EXPECT_EQ(0, OP(&no_owner, OP_SHM_STAT_ANY, id));
	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0664));
	EXPECT_EQ(0, AT(&no_owner, id, SHM_RDONLY));
	EXPECT_EQ(EACCES, AT(&no_owner, id, 0));
	/* CAP_SYS_ADMIN and CAP_IPC_LOCK still serve their own checks. */
	ds = rstat(id);
	ds.shm_perm.mode = 0000;
	EXPECT_EQ(0, SET(&no_owner, id, ds));
	EXPECT_EQ(0, OP(&no_owner, OP_LOCK, id));
	EXPECT_EQ(02000, rmode(id));
	/* The creator's class by cuid 0. */
	EXPECT_EQ(0, AT(&no_owner, mine, 0));
	ASSERT_EQ(0, set_perm(mine, U_A, G_A, 0066));
	EXPECT_EQ(EACCES, AT(&no_owner, mine, SHM_RDONLY));
}

TEST_F(perm, uid_zero_without_cap_sys_admin_or_cap_ipc_lock_gets_eperm)
{
	const struct who no_admin = ROOT_WITHOUT(CAP_SYS_ADMIN);
	const struct who no_lock = ROOT_WITHOUT(CAP_IPC_LOCK);
	struct shmid_ds ds;
	int id = mkseg_as(self, &owner, 0, 0000);	/* root is not owner */

	ASSERT_LE(0, id);
	ds = rstat(id);
	ds.shm_perm.mode = 0600;
	EXPECT_EQ(EPERM, SET(&no_admin, id, ds));
	EXPECT_EQ(EPERM, OP(&no_admin, OP_RMID, id));
	EXPECT_EQ(0, rmode(id));
	EXPECT_EQ(0, AT(&no_admin, id, 0));
	EXPECT_EQ(0, LIM(&no_admin, OP_LOCK, id, 0));
	EXPECT_EQ(02000, rmode(id));
	EXPECT_EQ(EPERM, OP(&no_lock, OP_UNLOCK, id));
	EXPECT_EQ(02000, rmode(id));
	EXPECT_EQ(0, OP(&no_admin, OP_UNLOCK, id));
	EXPECT_EQ(EPERM, LIM(&no_lock, OP_LOCK, id, 1 << 20));
	EXPECT_EQ(0, rmode(id));
	EXPECT_EQ(0, SET(&no_lock, id, ds));
	EXPECT_EQ(0600, rmode(id));
	EXPECT_EQ(0, OP(&no_lock, OP_RMID, id));
	EXPECT_EQ(EINVAL, rstat_err(id));
}

/* ---- shmget ------------------------------------------------------------ */

TEST_F(perm, shmget_with_no_permission_bits_in_flags_needs_no_permission)
{
	key_t key = test_key(0);
	int id = mkseg(self, 0, SZ, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(0, GET(&other, .size = 0, .flg = 0));
	EXPECT_EQ(0, GET(&other, .size = SZ, .flg = 0));
	EXPECT_EQ(0, GET(&other, .size = 1, .flg = IPC_CREAT));
	/* Bits outside the permission bits request nothing either. */
	EXPECT_EQ(0, GET(&other, .size = 0, .flg = SHM_NORESERVE));
}

TEST_F(perm, shmget_checks_the_permission_bits_given_in_flags)
{
	key_t key = test_key(0);
	int id = mkseg(self, 0, SZ, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(EACCES, GET(&other, .flg = 0400));
	EXPECT_EQ(EACCES, GET(&other, .flg = 0200));
	/* Any class's bit of the request counts as that permission. */
	EXPECT_EQ(EACCES, GET(&other, .flg = 0004));
	EXPECT_EQ(EACCES, GET(&other, .flg = 0040));
	EXPECT_EQ(EACCES, GET(&other, .size = SZ, .flg = IPC_CREAT | 0600));

	ASSERT_EQ(0, set_perm(id, U_A, G_A, 0644));
	EXPECT_EQ(0, GET(&other, .flg = 0400));
	EXPECT_EQ(0, GET(&other, .size = SZ, .flg = IPC_CREAT | 0444));
	EXPECT_EQ(EACCES, GET(&other, .flg = 0600));
	EXPECT_EQ(EACCES, GET(&other, .flg = 0002));
	EXPECT_EQ(EACCES, GET(&other, .flg = 0001));
	EXPECT_EQ(0, GET(&owner, .flg = 0600));
	EXPECT_EQ(EACCES, GET(&owner, .flg = 0700));
	EXPECT_EQ(0, GET(&member, .flg = 0444));
	EXPECT_EQ(EACCES, GET(&member, .flg = 0020));
}

TEST_F(perm, shmget_reports_eexist_and_einval_before_eacces)
{
	key_t key = test_key(0);
	int id = mkseg(self, 0, SZ, 0000);

	ASSERT_LE(0, id);
	EXPECT_EQ(EEXIST,
		  GET(&other, .size = SZ, .flg = IPC_CREAT | IPC_EXCL | 0600));
	/* Larger than the segment: EINVAL, not EACCES. */
	EXPECT_EQ(EINVAL, GET(&other, .size = SZ + 1, .flg = 0600));
	EXPECT_EQ(EINVAL, GET(&other, .size = SZ + 1, .flg = IPC_CREAT | 0600));
	EXPECT_EQ(EACCES, GET(&other, .size = SZ, .flg = IPC_CREAT | 0600));
	EXPECT_EQ(EACCES, GET(&other, .size = 1, .flg = 0400));
}

SVIPC_TEST_MAIN
