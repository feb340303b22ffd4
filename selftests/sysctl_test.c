// SPDX-License-Identifier: GPL-2.0
/*
 * The native interfaces around System V IPC: the kernel.* sysctls (with
 * *_next_id and auto_msgmni), sysctl(8) on them, /proc/sysvipc and
 * util-linux's ipcs.
 *
 * Where the kernel has System V IPC, each scenario runs on native's
 * kernel.* files and calls, then on svipc's /proc/sys/svipc files and
 * calls, and the outcomes are compared; native's files must not change
 * when svipc's do.  Where it has none, svipc registers kernel.* and
 * /proc/sysvipc itself: the scenarios run on those and on
 * /proc/sys/svipc, both with svipc's calls, and must agree with each
 * other and with what each scenario asserts of native (the assertions
 * hold natively too: they are checked on the kernels that have it).
 *
 * Each scenario runs in a new IPC namespace, so its limits and ids are
 * its own, natively as on svipc.
 */
#include <dirent.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <linux/capability.h>

#include "common.h"
#include "native.h"

#define SYSCTL_BIN	"/usr/sbin/sysctl"
#define IPCS_BIN	"/usr/bin/ipcs"
#define SVIPCS_BIN	"/bin/svipcs"
#define PRELOAD		"/usr/lib/svipc/libsvipc-preload.so"
#define SYSCTL_D	"/etc/sysctl.d"
#define SYSCTL_CONF	SYSCTL_D "/90-svipc-sysctl-test.conf"

/* One way to reach System V IPC: calls, sysctl directory, listing. */
struct side {
	const char *name;
	const char *dir;		/* the sysctls */
	const char *prefix;		/* their names for sysctl(8) */
	const char *proc;		/* the listing */
	bool svipc;			/* svipc's calls, else native's */
};

static const struct side native_side = {
	"native", "/proc/sys/kernel", "kernel.", "/proc/sysvipc", false,
};

/* svipc's own names, there on every kernel. */
static const struct side svipc_side = {
	"svipc", "/proc/sys/svipc", "svipc.", "/proc/svipc", true,
};

/* Native's names, which svipc registers on a kernel without them. */
static const struct side svipc_kernel_side = {
	"svipc as kernel.*", "/proc/sys/kernel", "kernel.", "/proc/sysvipc", true,
};

/*
 * The two sides a test compares: native and svipc's own where native
 * exists; svipc's kernel.* and its own where it does not.
 */
static void sides(const struct side **a, const struct side **b)
{
	*a = have_native() ? &native_side : &svipc_kernel_side;
	*b = &svipc_side;
}

static int xget(const struct side *s, int kind, key_t key, int flg)
{
	switch (kind) {
	case 0:
		return s->svipc ? svipc_msgget(key, flg) : msgget(key, flg);
	case 1:
		return s->svipc ? svipc_semget(key, 2, flg) : semget(key, 2, flg);
	default:
		return s->svipc ? svipc_shmget(key, 4096, flg) : shmget(key, 4096, flg);
	}
}

static int xrmid(const struct side *s, int kind, int id)
{
	switch (kind) {
	case 0:
		return s->svipc ? svipc_msgctl(id, IPC_RMID, NULL) : msgctl(id, IPC_RMID, NULL);
	case 1:
		return s->svipc ? svipc_semctl(id, 0, IPC_RMID) : semctl(id, 0, IPC_RMID);
	default:
		return s->svipc ? svipc_shmctl(id, IPC_RMID, NULL) : shmctl(id, IPC_RMID, NULL);
	}
}

static const char *const kind_names[3] = { "msg", "sem", "shm" };

static int knob_set(const struct side *s, const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	return write_str(path, val);
}

static long knob_long(const struct side *s, const char *name)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	if (read_str(path, buf, sizeof(buf)))
		return -100;
	return strtol(buf, NULL, 10);
}

/* Memory a scenario's child writes its outcome to. */
static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Run @fn(@s, @out) in a child in a new IPC namespace; its exit status. */
static int in_new_ns(void (*fn)(const struct side *s, void *out),
		     const struct side *s, void *out)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(100);
		fn(s, out);
		_exit(0);
	}
	return wait_status(pid);
}

/*
 * Run @fn on both sides (sides()), each in a new IPC namespace, each
 * with @size bytes of shared memory for its outcome: side a's, then b's.
 * NULL if a scenario could not run.
 */
static void *both_sides(void (*fn)(const struct side *s, void *out), size_t size,
			const struct side **sa, const struct side **sb)
{
	char *out = shared(2 * size);

	sides(sa, sb);
	if (!out || in_new_ns(fn, *sa, out) || in_new_ns(fn, *sb, out + size))
		return NULL;
	return out;
}

/* ---- *_next_id ------------------------------------------------------- */

#define NEXT_IDX	1000

struct next_id_out {
	long initial;			/* reads -1 */
	int bad[4];			/* errno of out-of-range/malformed writes */
	long after_bad;
	int set;
	long after_set;
	int id;				/* the creation that uses it */
	long after_use;
	int id2;			/* the next one: native's cyclic order */
	int taken_set;
	int taken_id;			/* the index was taken: the next free one */
	long after_taken;
	int rm[3];
};

static const char *const bad_next_ids[4] = { "-1", "abc", "2147483648", "-2" };

static void next_id_scenario(const struct side *s, void *outp)
{
	struct next_id_out *o = outp;
	char name[32], val[32];
	int kind;

	for (kind = 0; kind < 3; kind++, o++) {
		int i;

		snprintf(name, sizeof(name), "%s_next_id", kind_names[kind]);
		o->initial = knob_long(s, name);
		for (i = 0; i < 4; i++)
			o->bad[i] = knob_set(s, name, bad_next_ids[i]);
		o->after_bad = knob_long(s, name);
		snprintf(val, sizeof(val), "%d", (5 << 15) | NEXT_IDX);
		o->set = knob_set(s, name, val);
		o->after_set = knob_long(s, name);
		o->id = xget(s, kind, IPC_PRIVATE, 0600);
		o->after_use = knob_long(s, name);
		o->id2 = xget(s, kind, IPC_PRIVATE, 0600);
		/* The same index again, another sequence number: taken. */
		snprintf(val, sizeof(val), "%d", (9 << 15) | NEXT_IDX);
		o->taken_set = knob_set(s, name, val);
		o->taken_id = xget(s, kind, IPC_PRIVATE, 0600);
		o->after_taken = knob_long(s, name);
		o->rm[0] = xrmid(s, kind, o->id);
		o->rm[1] = xrmid(s, kind, o->id2);
		o->rm[2] = xrmid(s, kind, o->taken_id);
	}
}

static void check_next_id(struct __test_metadata *_metadata, const struct side *s,
			  const struct next_id_out *o)
{
	int kind, i;

	for (kind = 0; kind < 3; kind++, o++) {
		TH_LOG("%s, %s_next_id", s->name, kind_names[kind]);
		EXPECT_EQ(-1, o->initial);
		for (i = 0; i < 4; i++) {
			const char *val = bad_next_ids[i];

			EXPECT_EQ(EINVAL, o->bad[i]) TH_LOG("writing %s", val);
		}
		EXPECT_EQ(-1, o->after_bad);
		EXPECT_EQ(0, o->set);
		EXPECT_EQ((5 << 15) | NEXT_IDX, o->after_set);
		EXPECT_EQ((5 << 15) | NEXT_IDX, o->id);
		EXPECT_EQ(-1, o->after_use);
		/* The cyclic allocation goes on as if it had not happened. */
		EXPECT_EQ(0, o->id2);
		EXPECT_EQ(0, o->taken_set);
		EXPECT_EQ((9 << 15) | (NEXT_IDX + 1), o->taken_id);
		EXPECT_EQ(-1, o->after_taken);
		for (i = 0; i < 3; i++)
			EXPECT_EQ(0, o->rm[i]);
	}
}

#define SAME(field) \
	EXPECT_EQ(a->field, b->field) TH_LOG("%s: %s %ld, %s %ld", #field, \
					     sa->name, (long)a->field, sb->name, (long)b->field)

TEST(next_id_gives_the_next_object_that_id_once)
{
	const struct side *sa, *sb;
	struct next_id_out *oa, *ob;
	int kind, i;

	oa = both_sides(next_id_scenario, 3 * sizeof(*oa), &sa, &sb);
	ASSERT_NE(NULL, oa);
	ob = oa + 3;
	check_next_id(_metadata, sa, oa);
	check_next_id(_metadata, sb, ob);
	for (kind = 0; kind < 3; kind++) {
		const struct next_id_out *a = &oa[kind], *b = &ob[kind];

		SAME(initial);
		for (i = 0; i < 4; i++) {
			int ea = a->bad[i], eb = b->bad[i];

			EXPECT_EQ(ea, eb) TH_LOG("writing %s", bad_next_ids[i]);
		}
		SAME(id);
		SAME(id2);
		SAME(taken_id);
		SAME(after_taken);
	}
}

struct next_id_kept_out {
	int exists_id;
	struct res excl;		/* IPC_CREAT|IPC_EXCL on an existing key */
	struct res open;		/* opening it */
	struct res bad;			/* a creation refused before an id */
	long kept;			/* next_id after those */
	int set_mni;
	struct res full;		/* mni reached */
	long kept_full;
	int restore_mni;
	struct res made;		/* finally, a creation */
	long used;
	int rm[2];
};

static void next_id_kept_scenario(const struct side *s, void *outp)
{
	struct next_id_kept_out *o = outp;
	static const char *const mni[3] = { "msgmni", "sem", "shmmni" };
	int kind;

	for (kind = 0; kind < 3; kind++, o++) {
		key_t key = test_key(kind);
		char name[32], val[64];

		snprintf(name, sizeof(name), "%s_next_id", kind_names[kind]);
		o->exists_id = xget(s, kind, key, IPC_CREAT | 0600);
		knob_set(s, name, "77");
		o->excl = RES(xget(s, kind, key, IPC_CREAT | IPC_EXCL | 0600));
		o->open = RES(xget(s, kind, key, 0));
		switch (kind) {
		case 0:	/* a missing key without IPC_CREAT */
			o->bad = RES(s->svipc ? svipc_msgget(key + 100, 0600) :
				     msgget(key + 100, 0600));
			break;
		case 1:	/* nsems over semmsl */
			o->bad = RES(s->svipc ? svipc_semget(IPC_PRIVATE, 40000, 0600) :
				     semget(IPC_PRIVATE, 40000, 0600));
			break;
		default:	/* size 0 */
			o->bad = RES(s->svipc ? svipc_shmget(IPC_PRIVATE, 0, 0600) :
				     shmget(IPC_PRIVATE, 0, 0600));
			break;
		}
		o->kept = knob_long(s, name);
		/* One object exists: a limit of one leaves no room. */
		o->set_mni = knob_set(s, mni[kind], kind == 1 ? "32000 1024000000 500 1" : "1");
		o->full = RES(xget(s, kind, IPC_PRIVATE, 0600));
		o->kept_full = knob_long(s, name);
		snprintf(val, sizeof(val), kind == 1 ? "32000 1024000000 500 %d" : "%d", 32000);
		o->restore_mni = knob_set(s, mni[kind], val);
		o->made = RES(xget(s, kind, IPC_PRIVATE, 0600));
		o->used = knob_long(s, name);
		o->rm[0] = xrmid(s, kind, o->exists_id);
		o->rm[1] = xrmid(s, kind, o->made.ret);
	}
}

TEST(next_id_is_kept_by_calls_that_make_nothing)
{
	const struct side *sa, *sb;
	struct next_id_kept_out *oa, *ob;
	const struct side *ss[2];
	int kind, j;

	oa = both_sides(next_id_kept_scenario, 3 * sizeof(*oa), &sa, &sb);
	ASSERT_NE(NULL, oa);
	ob = oa + 3;
	ss[0] = sa;
	ss[1] = sb;
	for (j = 0; j < 2; j++) {
		const struct next_id_kept_out *o = j ? ob : oa;

		for (kind = 0; kind < 3; kind++, o++) {
			TH_LOG("%s, %s", ss[j]->name, kind_names[kind]);
			EXPECT_LE(0, o->exists_id);
			EXPECT_EQ(EEXIST, o->excl.err);
			EXPECT_EQ(o->exists_id, o->open.ret);
			EXPECT_NE(0, o->bad.err);
			EXPECT_EQ(77, o->kept);
			EXPECT_EQ(0, o->set_mni);
			EXPECT_EQ(ENOSPC, o->full.err);
			EXPECT_EQ(77, o->kept_full);
			EXPECT_EQ(0, o->restore_mni);
			EXPECT_EQ(77, o->made.ret);
			EXPECT_EQ(-1, o->used);
			EXPECT_EQ(0, o->rm[0]);
			EXPECT_EQ(0, o->rm[1]);
		}
	}
	for (kind = 0; kind < 3; kind++) {
		TH_LOG("%s", kind_names[kind]);
		expect_same(_metadata, "IPC_EXCL", oa[kind].excl, ob[kind].excl);
		expect_same(_metadata, "refused", oa[kind].bad, ob[kind].bad);
		expect_same(_metadata, "full", oa[kind].full, ob[kind].full);
		expect_same(_metadata, "made", oa[kind].made, ob[kind].made);
	}
}

/* ---- Who may set *_next_id -------------------------------------------- */

static int set_caps(__u64 caps)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (__u32)caps, (__u32)caps, 0 },
		{ (__u32)(caps >> 32), (__u32)(caps >> 32), 0 },
	};

	return syscall(SYS_capset, &h, d);
}

#define CAP(c)	(1ULL << (c))

struct who_out {
	int root_no_caps;		/* root without SYS_ADMIN, CHECKPOINT_RESTORE */
	int root_cr_only;		/* root with CHECKPOINT_RESTORE only */
	int user;			/* uid 65534, no capabilities */
	int user_cr;			/* uid 65534 with CHECKPOINT_RESTORE */
	int user_cr_ioctl;		/* the same through SVIPC_IOC_LIMIT */
	int user_ioctl;			/* uid 65534 without it, the ioctl */
	long value;			/* what is set at the end */
};

static int try_in_child(const struct side *s, int how, int *ioctl_err)
{
	int *res = shared(2 * sizeof(int));
	pid_t pid;
	int err;

	if (!res)
		return -1;
	res[0] = res[1] = -1;
	pid = fork();
	if (pid == 0) {
		__u64 all = (1ULL << (CAP_LAST_CAP + 1)) - 1;
		long long v = 4242;
		struct svipc_limit a = {
			.name = SVIPC_LIMIT_SEM_NEXT_ID, .flags = SVIPC_LIMIT_SET,
		};

		switch (how) {
		case 0:
			set_caps(all & ~(CAP(CAP_SYS_ADMIN) | CAP(CAP_CHECKPOINT_RESTORE)));
			break;
		case 1:
			set_caps(CAP(CAP_CHECKPOINT_RESTORE) | CAP(CAP_SETUID));
			break;
		case 2:
			become(65534, 65534);
			break;
		default:
			prctl(PR_SET_KEEPCAPS, 1);
			become(65534, 65534);
			set_caps(CAP(CAP_CHECKPOINT_RESTORE));
			break;
		}
		res[0] = knob_set(s, "sem_next_id", "4242");
		a.value = v;
		res[1] = ioctl(svipc_fd(), SVIPC_IOC_LIMIT, &a) ? errno : 0;
		_exit(0);
	}
	wait_status(pid);
	err = res[0];
	if (ioctl_err)
		*ioctl_err = res[1];
	munmap(res, 2 * sizeof(int));
	return err;
}

static void who_scenario(const struct side *s, void *outp)
{
	struct who_out *o = outp;

	o->root_no_caps = try_in_child(s, 0, NULL);
	o->root_cr_only = try_in_child(s, 1, NULL);
	knob_set(s, "sem_next_id", "0");
	xrmid(s, 1, xget(s, 1, IPC_PRIVATE, 0600));
	o->user = try_in_child(s, 2, &o->user_ioctl);
	o->user_cr = try_in_child(s, 3, &o->user_cr_ioctl);
	o->value = knob_long(s, "sem_next_id");
}

TEST(next_id_needs_checkpoint_restore_or_sys_admin)
{
	const struct side *sa, *sb;
	struct who_out *oa, *ob;
	bool native = have_native();

	oa = both_sides(who_scenario, 1 * sizeof(*oa), &sa, &sb);
	ASSERT_NE(NULL, oa);
	ob = oa + 1;
	/* Native, and svipc's files, for root with or without the capabilities. */
	EXPECT_EQ(EACCES, oa->root_no_caps);
	EXPECT_EQ(0, oa->root_cr_only);
	EXPECT_EQ(EACCES, oa->user);
	EXPECT_EQ(oa->root_no_caps, ob->root_no_caps);
	EXPECT_EQ(oa->root_cr_only, ob->root_cr_only);
	EXPECT_EQ(oa->user, ob->user);
	/* The ioctl refuses a user without the capability. */
	EXPECT_EQ(EPERM, ob->user_ioctl);
	/*
	 * A user other than root with CAP_CHECKPOINT_RESTORE: natively the
	 * file is writable for it.  svipc's files belong to the initial
	 * root (README, Differences): such a user sets it through the ioctl.
	 */
	if (native)
		EXPECT_EQ(0, oa->user_cr);
	EXPECT_EQ(EACCES, ob->user_cr);
	EXPECT_EQ(0, ob->user_cr_ioctl);
	EXPECT_EQ(4242, ob->value);
}

/* ---- The files ---------------------------------------------------------- */

static const char *const ipc_names[] = {
	"auto_msgmni", "msg_next_id", "msgmax", "msgmnb", "msgmni", "sem",
	"sem_next_id", "shm_next_id", "shm_rmid_forced", "shmall", "shmmax",
	"shmmni",
};

#define NNAMES (sizeof(ipc_names) / sizeof(ipc_names[0]))

static bool is_ipc_name(const char *n)
{
	size_t i;

	for (i = 0; i < NNAMES; i++)
		if (!strcmp(n, ipc_names[i]))
			return true;
	return false;
}

struct files_out {
	int count;			/* System V IPC names in the directory */
	char val[NNAMES][64];		/* each one's content, fresh */
	int auto_w[3];			/* auto_msgmni: 1, 0, 2 */
	char auto_val[16];
	int orphan_gone;		/* shm_rmid_forced: a read destroyed it */
};

static void files_scenario(const struct side *s, void *outp)
{
	struct files_out *o = outp;
	char path[128];
	key_t key;
	struct dirent *e;
	size_t i;
	DIR *d;
	int id;

	d = opendir(s->dir);
	if (d) {
		while ((e = readdir(d)))
			o->count += is_ipc_name(e->d_name);
		closedir(d);
	}
	for (i = 0; i < NNAMES; i++) {
		snprintf(path, sizeof(path), "%s/%s", s->dir, ipc_names[i]);
		read_str(path, o->val[i], sizeof(o->val[i]));
	}
	o->auto_w[0] = knob_set(s, "auto_msgmni", "1");
	o->auto_w[1] = knob_set(s, "auto_msgmni", "0");
	o->auto_w[2] = knob_set(s, "auto_msgmni", "2");
	snprintf(path, sizeof(path), "%s/auto_msgmni", s->dir);
	read_str(path, o->auto_val, sizeof(o->auto_val));

	/* An orphan (its creator is gone): setting shm_rmid_forced destroys it. */
	key = test_key(9);
	if (fork() == 0)
		_exit(xget(s, 2, key, IPC_CREAT | 0600) < 0);
	wait(NULL);
	id = xget(s, 2, key, 0);
	knob_set(s, "shm_rmid_forced", "1");
	o->orphan_gone = id >= 0 && xget(s, 2, key, 0) < 0 && errno == ENOENT;
}

TEST(the_files_are_natives)
{
	const struct side *sa, *sb;
	struct files_out *oa, *ob;
	size_t i;

	oa = both_sides(files_scenario, 1 * sizeof(*oa), &sa, &sb);
	ASSERT_NE(NULL, oa);
	ob = oa + 1;
	EXPECT_EQ((int)NNAMES, oa->count);
	EXPECT_EQ((int)NNAMES, ob->count);
	for (i = 0; i < NNAMES; i++) {
		const char *name = ipc_names[i];

		EXPECT_STREQ(oa->val[i], ob->val[i]) TH_LOG("%s", name);
	}
	EXPECT_STREQ("-1\n", ob->val[1]);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(oa->auto_w[i], ob->auto_w[i]);
	EXPECT_EQ(0, ob->auto_w[0]);
	EXPECT_EQ(EINVAL, ob->auto_w[2]);
	EXPECT_STREQ("0\n", oa->auto_val);
	EXPECT_STREQ(oa->auto_val, ob->auto_val);
	EXPECT_EQ(1, oa->orphan_gone);
	EXPECT_EQ(1, ob->orphan_gone);
}

/* Where native exists, writing svipc's files leaves native's alone. */
TEST(native_files_are_untouched)
{
	char before[NNAMES][64], after[NNAMES][64], path[128];
	size_t i;
	pid_t pid;

	if (!have_native())
		SKIP(return, "no native System V IPC: kernel.* are svipc's");
	for (i = 0; i < NNAMES; i++) {
		snprintf(path, sizeof(path), "/proc/sys/kernel/%s", ipc_names[i]);
		ASSERT_EQ(0, read_str(path, before[i], sizeof(before[i])));
	}
	pid = fork();
	if (pid == 0) {
		/* The initial namespace's, as an administrator would. */
		int err = knob_set(&svipc_side, "msgmni", "77") ||
			  knob_set(&svipc_side, "sem", "1 2 3 4") ||
			  knob_set(&svipc_side, "shmmax", "123456") ||
			  knob_set(&svipc_side, "shm_next_id", "99") ||
			  knob_set(&svipc_side, "auto_msgmni", "1");

		_exit(err);
	}
	ASSERT_EQ(0, wait_status(pid));
	for (i = 0; i < NNAMES; i++) {
		snprintf(path, sizeof(path), "/proc/sys/kernel/%s", ipc_names[i]);
		ASSERT_EQ(0, read_str(path, after[i], sizeof(after[i])));
		EXPECT_STREQ(before[i], after[i]) TH_LOG("kernel.%s", ipc_names[i]);
	}
	/* Put svipc's back: the module's defaults. */
	knob_set(&svipc_side, "msgmni", "32000");
	knob_set(&svipc_side, "sem", "32000 1024000000 500 32000");
	knob_set(&svipc_side, "shmmax", "18446744073692774399");
	EXPECT_EQ(99, svipc_shmget(IPC_PRIVATE, 4096, 0600));
	svipc_shmctl(99, IPC_RMID, NULL);
}

/* ---- sysctl(8) ---------------------------------------------------------- */

/* Run @argv (LD_PRELOAD the shim if @preload); its output into @out. */
static int run(const char *const *argv, bool preload, char *out, size_t size)
{
	int fds[2];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		clearenv();
		setenv("PATH", "/bin:/usr/bin:/sbin:/usr/sbin", 1);
		if (preload)
			setenv("LD_PRELOAD", PRELOAD, 1);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(fds[1]);
	while (len + 1 < size && (n = read(fds[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	close(fds[0]);
	return wait_status(pid);
}

#define NEED(path)							\
	do {								\
		if (access(path, X_OK))					\
			SKIP(return, "no %s here", path);		\
	} while (0)

struct sysctl_out {
	int w_status;			/* sysctl -w ...msgmni=3 */
	char w_out[128];
	int queues;			/* how many msgget then allows */
	int sys_status;			/* sysctl --system, with sem in a file */
	char sem[64];
	struct seminfo si;
	int sets;			/* how many semget then allows */
	int a_status;			/* sysctl -a */
	int a_lines;			/* of the System V IPC names */
	char a_msgmni[64];
};

static void sysctl_scenario(const struct side *s, void *outp)
{
	struct sysctl_out *o = outp;
	char arg[64], conf[128], *out = malloc(1 << 20), *line, *save;
	const char *w[] = { SYSCTL_BIN, "-w", arg, NULL };
	const char *sys[] = { SYSCTL_BIN, "--system", NULL };
	const char *a[] = { SYSCTL_BIN, "-a", NULL };
	int ids[8], i, fd;

	snprintf(arg, sizeof(arg), "%smsgmni=3", s->prefix);
	o->w_status = run(w, false, o->w_out, sizeof(o->w_out));
	for (i = 0; i < 8; i++) {
		ids[i] = xget(s, 0, IPC_PRIVATE, 0600);
		if (ids[i] < 0)
			break;
	}
	o->queues = i;
	while (i--)
		xrmid(s, 0, ids[i]);

	mkdir(SYSCTL_D, 0755);
	fd = open(SYSCTL_CONF, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(conf, sizeof(conf), "# svipc's sysctl_test\n%ssem = 100 2000 10 2\n",
		 s->prefix);
	if (fd >= 0) {
		if (write(fd, conf, strlen(conf)) < 0)
			o->sys_status = -2;
		close(fd);
	}
	o->sys_status = run(sys, false, out, 1 << 20);
	unlink(SYSCTL_CONF);
	snprintf(conf, sizeof(conf), "%s/sem", s->dir);
	read_str(conf, o->sem, sizeof(o->sem));
	if (s->svipc)
		svipc_semctl(0, 0, IPC_INFO, &o->si);
	else
		semctl(0, 0, IPC_INFO, &o->si);
	for (i = 0; i < 4; i++) {
		ids[i] = xget(s, 1, IPC_PRIVATE, 0600);
		if (ids[i] < 0)
			break;
	}
	o->sets = i;
	while (i--)
		xrmid(s, 1, ids[i]);

	o->a_status = run(a, false, out, 1 << 20);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];

		if (strncmp(line, s->prefix, strlen(s->prefix)) ||
		    sscanf(line + strlen(s->prefix), "%63s", name) != 1)
			continue;
		if (!is_ipc_name(name))
			continue;
		o->a_lines++;
		if (!strcmp(name, "msgmni"))
			snprintf(o->a_msgmni, sizeof(o->a_msgmni), "%s",
				 line + strlen(s->prefix));
	}
	free(out);
}

TEST(sysctl_w_system_and_a_work)
{
	const struct side *sa, *sb;
	struct sysctl_out *oa, *ob;
	char expect[64];

	NEED(SYSCTL_BIN);
	oa = both_sides(sysctl_scenario, 1 * sizeof(*oa), &sa, &sb);
	ASSERT_NE(NULL, oa);
	ob = oa + 1;
	for (int j = 0; j < 2; j++) {
		const struct side *s = j ? sb : sa;
		const struct sysctl_out *o = j ? ob : oa;

		TH_LOG("%s", s->name);
		EXPECT_EQ(0, o->w_status) TH_LOG("sysctl -w: %s", o->w_out);
		snprintf(expect, sizeof(expect), "%smsgmni = 3\n", s->prefix);
		EXPECT_STREQ(expect, o->w_out);
		EXPECT_EQ(3, o->queues);
		EXPECT_EQ(0, o->sys_status);
		EXPECT_STREQ("100\t2000\t10\t2\n", o->sem);
		EXPECT_EQ(100, o->si.semmsl);
		EXPECT_EQ(2000, o->si.semmns);
		EXPECT_EQ(10, o->si.semopm);
		EXPECT_EQ(2, o->si.semmni);
		EXPECT_EQ(2, o->sets);
		EXPECT_EQ(0, o->a_status);
		EXPECT_EQ((int)NNAMES, o->a_lines);
		EXPECT_STREQ("msgmni = 3", o->a_msgmni);
	}
}

/* ---- /proc/sysvipc and ipcs --------------------------------------------- */

static int count_key(const char *path, key_t key)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strtol(line, NULL, 10) == key;
	fclose(f);
	return n;
}

/*
 * Without native: /proc/sysvipc/ is svipc's listing, byte for byte.
 * With it: native's lists native's objects only, svipc's svipc's.
 */
TEST(proc_sysvipc_lists_the_kernels_objects)
{
	key_t key = test_key(1);
	bool native = have_native();
	char a[4096], b[4096], path[64];
	int ids[3], nids[3] = { -1, -1, -1 }, kind;

	for (kind = 0; kind < 3; kind++) {
		ids[kind] = xget(&svipc_side, kind, key, IPC_CREAT | 0600);
		ASSERT_LE(0, ids[kind]);
		if (native) {
			nids[kind] = xget(&native_side, kind, key + 8, IPC_CREAT | 0600);
			ASSERT_LE(0, nids[kind]);
		}
	}
	for (kind = 0; kind < 3; kind++) {
		snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind_names[kind]);
		EXPECT_EQ(native ? 0 : 1, count_key(path, key)) TH_LOG("%s", path);
		if (native) {
			EXPECT_EQ(1, count_key(path, key + 8));
		} else {
			EXPECT_EQ(0, access(path, R_OK));
		}
		snprintf(path, sizeof(path), "/proc/svipc/%s", kind_names[kind]);
		EXPECT_EQ(1, count_key(path, key));
		EXPECT_EQ(0, count_key(path, key + 8));
		if (!native) {
			snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind_names[kind]);
			ASSERT_EQ(0, read_str(path, a, sizeof(a)));
			snprintf(path, sizeof(path), "/proc/svipc/%s", kind_names[kind]);
			ASSERT_EQ(0, read_str(path, b, sizeof(b)));
			EXPECT_STREQ(a, b);
		}
	}
	for (kind = 0; kind < 3; kind++) {
		EXPECT_EQ(0, xrmid(&svipc_side, kind, ids[kind]));
		if (native)
			EXPECT_EQ(0, xrmid(&native_side, kind, nids[kind]));
	}
}

struct ipcs_out {
	int status;
	char out[4096];
};

static void ipcs_scenario(const struct side *s, void *outp)
{
	struct ipcs_out *o = outp;
	const char *ipcs_l[] = { IPCS_BIN, "-l", NULL };
	const char *svipcs_l[] = { SVIPCS_BIN, "-l", NULL };

	knob_set(s, "msgmni", "1234");
	knob_set(s, "sem", "250 32000 32 128");
	knob_set(s, "shmmax", "33554432");
	o->status = run(s == &svipc_side ? svipcs_l : ipcs_l, s->svipc,
			o->out, sizeof(o->out));
}

/*
 * util-linux's ipcs, unmodified, with the shim: where svipc stands in
 * for the kernel's interfaces it lists svipc's objects and limits.
 * svipcs -l, which reads /proc/sys/svipc/, says the same as ipcs -l
 * about the same limits, native's where native exists.
 */
TEST(ipcs_sees_svipcs_objects_and_limits)
{
	const struct side *sa, *sb;
	const char *const ipcs[] = { IPCS_BIN, NULL };
	char hex[16], out[8192], *msg, *shm, *sem, *p;
	struct ipcs_out *oa, *ob;
	key_t key = test_key(2);
	int ids[3], kind;

	NEED(IPCS_BIN);
	oa = both_sides(ipcs_scenario, 1 * sizeof(*oa), &sa, &sb);
	ASSERT_NE(NULL, oa);
	ob = oa + 1;
	EXPECT_EQ(0, oa->status);
	EXPECT_EQ(0, ob->status);
	EXPECT_STREQ(oa->out, ob->out);
	EXPECT_NE(NULL, strstr(oa->out, "max queues system wide = 1234\n")) TH_LOG("%s", oa->out);
	EXPECT_NE(NULL, strstr(oa->out, "max number of arrays = 128\n"));
	EXPECT_NE(NULL, strstr(oa->out, "max seg size (kbytes) = 32768\n"));

	if (have_native())
		return;
	/* ipcs, with svipc's objects in /proc/sysvipc/: each in its section. */
	for (kind = 0; kind < 3; kind++) {
		ids[kind] = xget(&svipc_side, kind, key, IPC_CREAT | 0640);
		ASSERT_LE(0, ids[kind]);
	}
	ASSERT_EQ(0, run(ipcs, true, out, sizeof(out)));
	snprintf(hex, sizeof(hex), "0x%08x ", key);
	msg = strstr(out, "------ Message Queues");
	shm = strstr(out, "------ Shared Memory Segments");
	sem = strstr(out, "------ Semaphore Arrays");
	ASSERT_TRUE(msg && shm && sem && msg < shm && shm < sem) TH_LOG("%s", out);
	p = strstr(msg, hex);
	EXPECT_TRUE(p && p < shm) TH_LOG("%s", out);
	p = strstr(shm, hex);
	EXPECT_TRUE(p && p < sem) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(sem, hex)) TH_LOG("%s", out);
	for (kind = 0; kind < 3; kind++)
		EXPECT_EQ(0, xrmid(&svipc_side, kind, ids[kind]));
}

SVIPC_TEST_MAIN
