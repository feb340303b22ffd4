// SPDX-License-Identifier: GPL-2.0
/*
 * SHM_HUGETLB segments: reservation at shmget, rounding to the huge page,
 * alignment of attaches, shmdt, sharing through fork, IPC_RMID while
 * attached, who may (EPERM), a pool too small (ENOMEM), SHM_NORESERVE,
 * the page size encodings, SHM_LOCK, SHM_INFO, /proc/PID/maps and the
 * /proc listing.
 *
 * Each scenario runs with the kernel's own calls where it has them, then
 * with svipc's, and the outcomes must be equal; each also asserts what
 * native does, which is how it is checked on a kernel without native
 * System V IPC (the assertions hold natively: they pass on 6.1 and 6.12).
 * The test VMs boot with a pool of huge pages (hugepages= on the kernel
 * command line); without one, the tests skip.
 */
#include <sched.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <linux/capability.h>

#include "common.h"
#include "native.h"

#ifndef SHM_HUGE_SHIFT
#define SHM_HUGE_SHIFT	26
#endif
#define HUGE_LOG(n)	((n) << SHM_HUGE_SHIFT)
#define SHM_DEST_BIT	01000
#define SHM_LOCKED_BIT	02000

struct api {
	const char *name;
	const char *proc;
	int (*get)(key_t key, size_t size, int flg);
	void *(*at)(int id, const void *addr, int flg);
	int (*dt)(const void *addr);
	int (*ctl)(int id, int cmd, struct shmid_ds *ds);
};

static const struct api native_api = {
	"native", "/proc/sysvipc/shm", shmget, shmat, shmdt, shmctl,
};

static const struct api svipc_api = {
	"svipc", "/proc/svipc/shm", svipc_shmget, svipc_shmat, svipc_shmdt, svipc_shmctl,
};

/* A line of /proc/meminfo, in its unit; -1 if absent. */
static long meminfo(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static unsigned long hps(void)
{
	return (unsigned long)meminfo("Hugepagesize") << 10;
}

/* Huge pages neither used nor reserved. */
static long avail(void)
{
	return meminfo("HugePages_Free") - meminfo("HugePages_Rsvd");
}

#define NEED_POOL()							\
	do {								\
		if (meminfo("HugePages_Total") <= 0)			\
			SKIP(return, "no huge page pool (hugepages=)");	\
	} while (0)

/* Run @fn for each side there is; the outcomes in @out[0] and @out[1]. */
static void *run_apis(void (*fn)(const struct api *api, void *out), size_t size)
{
	char *out = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int i;

	if (out == MAP_FAILED)
		return NULL;
	for (i = 0; i < 2; i++) {
		const struct api *api = i ? &svipc_api : &native_api;

		if (!i && !have_native())
			continue;
		/* A child each: nothing of one run stays in the other's way. */
		pid = fork();
		if (pid == 0) {
			fn(api, out + i * size);
			_exit(0);
		}
		if (wait_status(pid))
			return NULL;
	}
	return out;
}

/* The /proc/self/maps line of the mapping at @p, its path and size. */
static int map_of(void *p, char *path, size_t len, unsigned long *size)
{
	unsigned long a, b;
	char line[512];
	int found = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	path[0] = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *name;

		if (sscanf(line, "%lx-%lx", &a, &b) != 2 || a != (unsigned long)p)
			continue;
		name = strchr(line, '/');
		snprintf(path, len, "%s", name ? name : "");
		path[strcspn(path, "\n")] = 0;
		*size = b - a;
		found = 0;
	}
	fclose(f);
	return found;
}

/* smaps' KernelPageSize of the mapping at @p, in kB. */
static long kernel_page_size(void *p)
{
	char line[512];
	bool in = false;
	long v = -1;
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long a, b;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line; the others are "Name: value". */
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {
			in = a == (unsigned long)p;
			continue;
		}
		if (in && sscanf(line, "KernelPageSize: %ld kB", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

/* The rss column (bytes) of segment @id in a /proc listing. */
static long proc_rss(const char *path, int id)
{
	char line[512];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long key, sid, perms, size, cpid, lpid, nattch, uid, gid, cuid, cgid;
		long at, dt, ct, rss, swap;

		if (sscanf(line, "%ld %ld %lo %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld",
			   &key, &sid, &perms, &size, &cpid, &lpid, &nattch, &uid,
			   &gid, &cuid, &cgid, &at, &dt, &ct, &rss, &swap) == 16 && sid == id)
			v = rss;
	}
	fclose(f);
	return v;
}

/* Drop CAP_IPC_LOCK from the effective and permitted sets. */
static int drop_cap_ipc_lock(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1U << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &h, d);
}

/* ---- A segment's life ---------------------------------------------------- */

struct life_out {
	key_t key;
	struct res get;
	long rsvd_get, free_get;	/* pool changes after shmget */
	unsigned long tot_get;		/* SHM_INFO shm_tot change */
	long segsz;
	struct res at;
	int aligned;
	char path[64];
	unsigned long mapsize;
	long kps;			/* KernelPageSize, kB */
	long rsvd_touch, free_touch;	/* after touching both pages */
	long nattch;
	unsigned long rss_info;		/* SHM_INFO shm_rss, base pages */
	long rss_proc;			/* the listing's rss, bytes */
	struct res dt, rm;
	long rsvd_end, free_end;
};

static unsigned long shm_tot(const struct api *api, unsigned long *rss)
{
	struct shm_info info;

	memset(&info, 0, sizeof(info));
	api->ctl(0, SHM_INFO, (struct shmid_ds *)&info);
	if (rss)
		*rss = info.shm_rss;
	return info.shm_tot;
}

static void life(const struct api *api, void *outp)
{
	struct life_out *o = outp;
	long rsvd0 = meminfo("HugePages_Rsvd"), free0 = meminfo("HugePages_Free");
	unsigned long tot0 = shm_tot(api, NULL), rss0, rss1;
	key_t key = test_key(1);
	struct shmid_ds ds;
	char *p;
	int id;

	o->key = key;
	shm_tot(api, &rss0);
	id = api->get(key, hps() + 1, IPC_CREAT | SHM_HUGETLB | 0600);
	o->get = RES(id);
	if (id < 0)
		return;
	o->rsvd_get = meminfo("HugePages_Rsvd") - rsvd0;
	o->free_get = meminfo("HugePages_Free") - free0;
	o->tot_get = shm_tot(api, NULL) - tot0;
	api->ctl(id, IPC_STAT, &ds);
	o->segsz = ds.shm_segsz;
	p = api->at(id, NULL, 0);
	o->at = p == (void *)-1 ? (struct res){ -1, errno } : (struct res){ 0, 0 };
	if (p != (void *)-1) {
		o->aligned = ((unsigned long)p % hps()) == 0;
		map_of(p, o->path, sizeof(o->path), &o->mapsize);
		o->kps = kernel_page_size(p);
		p[0] = 1;
		p[2 * hps() - 1] = 2;
		o->rsvd_touch = meminfo("HugePages_Rsvd") - rsvd0;
		o->free_touch = meminfo("HugePages_Free") - free0;
		api->ctl(id, IPC_STAT, &ds);
		o->nattch = ds.shm_nattch;
		shm_tot(api, &rss1);
		o->rss_info = rss1 - rss0;
		o->rss_proc = proc_rss(api->proc, id);
		o->dt = RES(api->dt(p));
	}
	o->rm = RES(api->ctl(id, IPC_RMID, NULL));
	o->rsvd_end = meminfo("HugePages_Rsvd") - rsvd0;
	o->free_end = meminfo("HugePages_Free") - free0;
}

/*
 * The same outcome: both succeeded, or both failed with the same errno.
 * Ids are not compared: each side's tables have their own history.
 */
static void same_outcome(struct __test_metadata *_metadata, const char *what,
			 struct res native, struct res svipc)
{
	EXPECT_EQ(native.ret < 0, svipc.ret < 0)
		TH_LOG("%s: native returned %ld, svipc %ld", what, native.ret, svipc.ret);
	EXPECT_EQ(native.err, svipc.err)
		TH_LOG("%s: native errno %s, svipc %s", what, strerror(native.err),
		       strerror(svipc.err));
}

#define SAME(f) EXPECT_EQ(a->f, b->f) TH_LOG("%s: native %ld, svipc %ld", #f, (long)a->f, (long)b->f)

TEST(a_huge_segment_is_reserved_rounded_mapped_and_freed)
{
	struct life_out *out, *a, *b;
	char expect[64];
	int i;

	NEED_POOL();
	if (avail() < 2)
		SKIP(return, "fewer than 2 huge pages free");
	out = run_apis(life, sizeof(*out));
	ASSERT_NE(NULL, out);
	a = &out[0];
	b = &out[1];
	for (i = have_native() ? 0 : 1; i < 2; i++) {
		const struct life_out *o = &out[i];

		TH_LOG("%s", i ? "svipc" : "native");
		ASSERT_LE(0, o->get.ret) TH_LOG("shmget: %s", strerror(o->get.err));
		EXPECT_EQ(2, o->rsvd_get);
		EXPECT_EQ(0, o->free_get);
		EXPECT_EQ(hps() / 4096 + 1, o->tot_get);
		EXPECT_EQ((long)hps() + 1, o->segsz);
		EXPECT_EQ(0, o->at.ret);
		EXPECT_EQ(1, o->aligned);
		snprintf(expect, sizeof(expect), "/SYSV%08x (deleted)", o->key);
		EXPECT_STREQ(expect, o->path);
		EXPECT_EQ(2 * hps(), o->mapsize);
		EXPECT_EQ((long)hps() >> 10, o->kps);
		EXPECT_EQ(0, o->rsvd_touch);
		EXPECT_EQ(-2, o->free_touch);
		EXPECT_EQ(1, o->nattch);
		EXPECT_EQ(2 * hps() / 4096, o->rss_info);
		EXPECT_EQ((long)(2 * hps()), o->rss_proc);
		EXPECT_EQ(0, o->dt.ret);
		EXPECT_EQ(0, o->rm.ret);
		EXPECT_EQ(0, o->rsvd_end);
		EXPECT_EQ(0, o->free_end);
	}
	if (!have_native())
		return;
	same_outcome(_metadata, "shmget", a->get, b->get);
	SAME(rsvd_get);
	SAME(free_get);
	SAME(tot_get);
	SAME(segsz);
	SAME(mapsize);
	SAME(kps);
	SAME(rsvd_touch);
	SAME(free_touch);
	SAME(rss_info);
	SAME(rss_proc);
	SAME(rsvd_end);
	SAME(free_end);
}

/* ---- Where it may be attached, and detached ---------------------------- */

#define NALIGN 8

struct align_out {
	struct res r[NALIGN];
};

static struct res at_res(void *p)
{
	return p == (void *)-1 ? (struct res){ -1, errno } : (struct res){ 0, 0 };
}

static void align(const struct api *api, void *outp)
{
	struct align_out *o = outp;
	unsigned long h = hps();
	int id = api->get(IPC_PRIVATE, h, SHM_HUGETLB | 0600);
	char *p, *q;

	o->r[0] = RES(id);
	if (id < 0)
		return;
	p = api->at(id, NULL, 0);
	o->r[1] = at_res(p);
	if (p == (void *)-1)
		goto out;
	/* Where no attach starts: a page in, and half a huge page in. */
	o->r[2] = RES(api->dt(p + 4096));
	o->r[3] = RES(api->dt(p + h / 2));
	o->r[4] = RES(api->dt(p));
	/* At a page boundary that is not a huge one, with and without SHM_RND. */
	o->r[5] = at_res(api->at(id, p + 4096, 0));
	o->r[6] = at_res(q = api->at(id, p + h / 2 + 100, SHM_RND));
	if (q != (void *)-1)
		api->dt(q);
	/* At the huge page boundary it had. */
	q = api->at(id, p, 0);
	o->r[7] = at_res(q);
	if (q != (void *)-1)
		api->dt(q);
out:
	api->ctl(id, IPC_RMID, NULL);
}

TEST(attaches_go_at_huge_page_boundaries_and_shmdt_takes_where_one_starts)
{
	static const int expect[NALIGN] = { 0, 0, EINVAL, EINVAL, 0, EINVAL, EINVAL, 0 };
	struct align_out *out;
	int i, j;

	NEED_POOL();
	out = run_apis(align, sizeof(*out));
	ASSERT_NE(NULL, out);
	for (j = have_native() ? 0 : 1; j < 2; j++) {
		for (i = 0; i < NALIGN; i++) {
			int e = expect[i], got = out[j].r[i].err;

			EXPECT_EQ(e, got) TH_LOG("%s step %d", j ? "svipc" : "native", i);
		}
	}
	if (have_native())
		for (i = 0; i < NALIGN; i++)
			same_outcome(_metadata, "step", out[0].r[i], out[1].r[i]);
}

/* ---- fork, and IPC_RMID while attached ---------------------------------- */

struct share_out {
	int child;			/* the child's exit status */
	long nattch_after;
	int reply;
	long mode_rm, key_rm;		/* IPC_STAT after IPC_RMID */
	int data_after_rm;
	struct res get_rm, stat_end;
	long free_end;
};

static void share(const struct api *api, void *outp)
{
	struct share_out *o = outp;
	long free0 = meminfo("HugePages_Free");
	unsigned long h = hps();
	key_t key = test_key(2);
	struct shmid_ds ds;
	char *p;
	pid_t pid;
	int id;

	id = api->get(key, 2 * h, IPC_CREAT | SHM_HUGETLB | 0600);
	p = id < 0 ? (void *)-1 : api->at(id, NULL, 0);
	if (p == (void *)-1) {
		o->child = -1;
		return;
	}
	memset(p, 0x5a, 2 * h);
	pid = fork();
	if (pid == 0) {
		struct shmid_ds cds;

		/* The parent's pages, not copies: the fork shares the attach. */
		if (p[0] != 0x5a || p[2 * h - 1] != 0x5a)
			_exit(1);
		if (api->ctl(id, IPC_STAT, &cds) || cds.shm_nattch != 2)
			_exit(2);
		p[h + 5] = 0x33;
		_exit(0);
	}
	o->child = wait_status(pid);
	o->reply = p[h + 5];
	api->ctl(id, IPC_STAT, &ds);
	o->nattch_after = ds.shm_nattch;

	/* IPC_RMID while attached: marked, private, still there for us. */
	api->ctl(id, IPC_RMID, NULL);
	api->ctl(id, IPC_STAT, &ds);
	o->mode_rm = ds.shm_perm.mode & (SHM_DEST_BIT | 0777);
	o->key_rm = ds.shm_perm.__key;
	o->data_after_rm = p[2 * h - 1];
	o->get_rm = RES(api->get(key, 0, 0));
	api->dt(p);
	o->stat_end = RES(api->ctl(id, IPC_STAT, &ds));
	o->free_end = meminfo("HugePages_Free") - free0;
}

TEST(fork_shares_a_huge_attach_and_rmid_waits_for_the_last_detach)
{
	struct share_out *out;
	int j;

	NEED_POOL();
	if (avail() < 2)
		SKIP(return, "fewer than 2 huge pages free");
	out = run_apis(share, sizeof(*out));
	ASSERT_NE(NULL, out);
	for (j = have_native() ? 0 : 1; j < 2; j++) {
		const struct share_out *o = &out[j];

		TH_LOG("%s", j ? "svipc" : "native");
		EXPECT_EQ(0, o->child);
		EXPECT_EQ(0x33, o->reply);
		EXPECT_EQ(1, o->nattch_after);
		EXPECT_EQ(SHM_DEST_BIT | 0600, o->mode_rm);
		EXPECT_EQ(0, o->key_rm);
		EXPECT_EQ(0x5a, o->data_after_rm);
		EXPECT_EQ(ENOENT, o->get_rm.err);
		EXPECT_EQ(EINVAL, o->stat_end.err);
		EXPECT_EQ(0, o->free_end);
	}
}

/* ---- Who may, and how much ------------------------------------------------ */

struct who_out {
	struct res user;		/* uid/gid 65534, no capabilities */
	struct res user_noreserve;
	struct res user_in_group;	/* with vm.hugetlb_shm_group = 65534 */
	struct res root_no_cap;		/* uid 0, gid 0, no CAP_IPC_LOCK */
	struct res root_no_group;	/* the same with the group -1: nobody's */
	struct res userns_in_group;	/* in the group, in a user namespace */
};

static struct res get_as(const struct api *api, int how)
{
	struct res *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct res out;
	pid_t pid;

	r->ret = -2;
	pid = fork();
	if (pid == 0) {
		int id;

		if (how == 3) {
			/* Root without CAP_IPC_LOCK: gid 0 is the default group. */
			if (drop_cap_ipc_lock())
				_exit(1);
		} else if (become(65534, 65534)) {
			_exit(1);
		} else if (how == 4 && unshare(CLONE_NEWUSER | CLONE_NEWIPC)) {
			/* Its own namespaces, its ids unmapped in them. */
			_exit(1);
		}
		id = api->get(IPC_PRIVATE, hps(),
			      SHM_HUGETLB | 0600 | (how == 1 ? SHM_NORESERVE : 0));
		*r = RES(id);
		if (id >= 0)
			api->ctl(id, IPC_RMID, NULL);
		_exit(0);
	}
	wait_status(pid);
	out = *r;
	munmap(r, sizeof(*r));
	return out;
}

static void who(const struct api *api, void *outp)
{
	struct who_out *o = outp;

	o->user = get_as(api, 0);
	o->user_noreserve = get_as(api, 1);
	write_str("/proc/sys/vm/hugetlb_shm_group", "65534");
	o->user_in_group = get_as(api, 2);
	o->userns_in_group = get_as(api, 4);
	write_str("/proc/sys/vm/hugetlb_shm_group", "0");
	o->root_no_cap = get_as(api, 3);
	write_str("/proc/sys/vm/hugetlb_shm_group", "-1");
	o->root_no_group = get_as(api, 3);
	write_str("/proc/sys/vm/hugetlb_shm_group", "0");
}

TEST(only_cap_ipc_lock_or_hugetlb_shm_group_may)
{
	struct who_out *out;
	int j;

	NEED_POOL();
	out = run_apis(who, sizeof(*out));
	ASSERT_NE(NULL, out);
	for (j = have_native() ? 0 : 1; j < 2; j++) {
		const struct who_out *o = &out[j];

		TH_LOG("%s", j ? "svipc" : "native");
		EXPECT_EQ(EPERM, o->user.err);
		EXPECT_EQ(EPERM, o->user_noreserve.err);
		EXPECT_LE(0, o->user_in_group.ret) TH_LOG("%s", strerror(o->user_in_group.err));
		EXPECT_LE(0, o->root_no_cap.ret) TH_LOG("%s", strerror(o->root_no_cap.err));
		EXPECT_EQ(EPERM, o->root_no_group.err);
		EXPECT_LE(0, o->userns_in_group.ret)
			TH_LOG("%s", strerror(o->userns_in_group.err));
	}
	if (have_native()) {
		same_outcome(_metadata, "user", out[0].user, out[1].user);
		same_outcome(_metadata, "user_noreserve", out[0].user_noreserve,
			    out[1].user_noreserve);
	}
}

struct pool_out {
	struct res over, over_noreserve, all;
	long rsvd_noreserve;
};

static void pool(const struct api *api, void *outp)
{
	struct pool_out *o = outp;
	unsigned long h = hps();
	long n = avail(), rsvd0;
	int id;

	o->over = RES(id = api->get(IPC_PRIVATE, (n + 1) * h, SHM_HUGETLB | 0600));
	if (id >= 0)
		api->ctl(id, IPC_RMID, NULL);
	rsvd0 = meminfo("HugePages_Rsvd");
	o->over_noreserve = RES(id = api->get(IPC_PRIVATE, (n + 1) * h,
					      SHM_HUGETLB | SHM_NORESERVE | 0600));
	o->rsvd_noreserve = meminfo("HugePages_Rsvd") - rsvd0;
	if (id >= 0)
		api->ctl(id, IPC_RMID, NULL);
	o->all = RES(id = api->get(IPC_PRIVATE, n * h, SHM_HUGETLB | 0600));
	if (id >= 0)
		api->ctl(id, IPC_RMID, NULL);
}

TEST(a_pool_too_small_is_enomem_unless_noreserve)
{
	struct pool_out *out;
	int j;

	NEED_POOL();
	out = run_apis(pool, sizeof(*out));
	ASSERT_NE(NULL, out);
	for (j = have_native() ? 0 : 1; j < 2; j++) {
		const struct pool_out *o = &out[j];

		TH_LOG("%s", j ? "svipc" : "native");
		EXPECT_EQ(ENOMEM, o->over.err);
		EXPECT_LE(0, o->over_noreserve.ret);
		EXPECT_EQ(0, o->rsvd_noreserve);
		EXPECT_LE(0, o->all.ret);
	}
	if (have_native())
		same_outcome(_metadata, "over", out[0].over, out[1].over);
}

/* ---- Page size encodings, SHM_LOCK ---------------------------------------- */

#define NSIZES 6

static const int size_flags[NSIZES] = {
	0, HUGE_LOG(21), HUGE_LOG(30), HUGE_LOG(30) | SHM_NORESERVE,
	HUGE_LOG(16), HUGE_LOG(63),
};

struct sizes_out {
	struct res r[NSIZES];
	struct res lock, unlock;
	long mode_locked;
};

static void sizes(const struct api *api, void *outp)
{
	struct sizes_out *o = outp;
	struct shmid_ds ds;
	int i, id;

	for (i = 0; i < NSIZES; i++) {
		o->r[i] = RES(id = api->get(IPC_PRIVATE, 4096,
					    SHM_HUGETLB | size_flags[i] | 0600));
		if (id >= 0)
			api->ctl(id, IPC_RMID, NULL);
	}
	id = api->get(IPC_PRIVATE, 4096, SHM_HUGETLB | 0600);
	o->lock = RES(api->ctl(id, SHM_LOCK, NULL));
	api->ctl(id, IPC_STAT, &ds);
	o->mode_locked = ds.shm_perm.mode & SHM_LOCKED_BIT;
	o->unlock = RES(api->ctl(id, SHM_UNLOCK, NULL));
	api->ctl(id, IPC_RMID, NULL);
}

TEST(page_size_encodings_and_shm_lock)
{
	bool gb = access("/sys/kernel/mm/hugepages/hugepages-1048576kB", F_OK) == 0;
	bool mb2 = access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0;
	long gb_free = 0;
	struct sizes_out *out;
	int i, j;

	NEED_POOL();
	if (gb) {
		char buf[32];

		read_str("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages",
			 buf, sizeof(buf));
		gb_free = atol(buf);
	}
	out = run_apis(sizes, sizeof(*out));
	ASSERT_NE(NULL, out);
	for (j = have_native() ? 0 : 1; j < 2; j++) {
		const struct sizes_out *o = &out[j];
		int e[NSIZES] = {
			0, mb2 ? 0 : EINVAL,
			gb ? (gb_free ? 0 : ENOMEM) : EINVAL, gb ? 0 : EINVAL,
			EINVAL, EINVAL,
		};

		for (i = 0; i < NSIZES; i++) {
			int want = e[i], got = o->r[i].err;

			EXPECT_EQ(want, got) TH_LOG("%s, size flags %#x", j ? "svipc" : "native",
						    size_flags[i]);
		}
		/* SHM_LOCK of a huge segment: success, and nothing to show. */
		EXPECT_EQ(0, o->lock.ret);
		EXPECT_EQ(0, o->mode_locked);
		EXPECT_EQ(0, o->unlock.ret);
	}
	if (have_native())
		for (i = 0; i < NSIZES; i++)
			same_outcome(_metadata, "size", out[0].r[i], out[1].r[i]);
}

SVIPC_TEST_MAIN
