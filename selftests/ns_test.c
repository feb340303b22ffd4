// SPDX-License-Identifier: GPL-2.0
/*
 * IPC namespaces, as native: keys, ids, limits, INFO counts and the /proc
 * listing belong to a namespace; a namespace's objects go when it dies,
 * and not before (an nsfs reference or an attach keeps it); capabilities
 * count in the user namespace that owns it; SEM_UNDO lists are applied
 * in their own namespace once the process has left it.
 *
 * Each scenario runs with the kernel's own System V calls where the
 * kernel has them, then with svipc's, and the outcomes are compared.  On
 * a kernel without native System V IPC only svipc runs, against native's
 * outcome written out.  What only svipc has (the module's reference
 * count) is checked by hand.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "common.h"
#include "native.h"

struct ipc_api {
	const char *name;
	const char *proc;		/* the /proc listing directory */
	int (*msgget)(key_t key, int flg);
	int (*msgsnd)(int id, const void *msgp, size_t sz, int flg);
	ssize_t (*msgrcv)(int id, void *msgp, size_t sz, long type, int flg);
	int (*msgctl)(int id, int cmd, struct msqid_ds *ds);
	int (*semget)(key_t key, int nsems, int flg);
	int (*semop)(int id, struct sembuf *sops, size_t nsops);
	int (*semctl)(int id, int num, int cmd, ...);
	int (*shmget)(key_t key, size_t size, int flg);
	void *(*shmat)(int id, const void *addr, int flg);
	int (*shmdt)(const void *addr);
	int (*shmctl)(int id, int cmd, struct shmid_ds *ds);
	const char *msgmax;		/* where the initial namespace's msgmax is */
};

static const struct ipc_api native_api = {
	"native", "/proc/sysvipc",
	msgget, msgsnd, msgrcv, msgctl, semget, semop, semctl,
	shmget, shmat, shmdt, shmctl,
	"/proc/sys/kernel/msgmax",
};

static const struct ipc_api svipc_api = {
	"svipc", "/proc/svipc",
	svipc_msgget, svipc_msgsnd, svipc_msgrcv, svipc_msgctl,
	svipc_semget, svipc_semop, svipc_semctl,
	svipc_shmget, svipc_shmat, svipc_shmdt, svipc_shmctl,
	PARAM_DIR "msgmax",
};

/* Whether this kernel has IPC namespaces at all. */
static bool have_ipc_ns(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWIPC) ? 1 : 0);
	return wait_status(pid) == 0;
}

#define SKIP_WITHOUT_IPC_NS()						\
	do {								\
		if (!have_ipc_ns())					\
			SKIP(return, "this kernel has no IPC namespaces"); \
	} while (0)


/* Memory the scenario's children write their results to. */
static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Lines of @api's /proc listing of @kind, header excluded; -1 if none. */
static int proc_count(const struct ipc_api *api, const char *kind, key_t key,
		      int *with_key)
{
	char path[64], line[512];
	int n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", api->proc, kind);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (with_key)
		*with_key = 0;
	while (fgets(line, sizeof(line), f)) {
		if (n++ < 0)
			continue;
		if (with_key && strtol(line, NULL, 10) == key)
			(*with_key)++;
	}
	fclose(f);
	return n;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return strtol(buf, NULL, 10);
}

static int write_long(const char *path, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	return write_str(path, buf);
}

/* The module's reference count: queues, sets, undo lists, attaches. */
static long module_refs(void)
{
	return read_long("/sys/module/svipc/refcnt");
}

/* kB of shared memory in use (segments' pages count there). */
static long shmem_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Shmem: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Wait until shared memory in use is at most @kb; the seconds it took,
 * or -1 after 20 s.
 */
static double wait_shmem_below(long kb)
{
	double t0 = now_s();

	while (shmem_kb() > kb) {
		if (now_s() - t0 > 20)
			return -1;
		usleep(10000);
	}
	return now_s() - t0;
}

/* Wait until the module's reference count is @refs; as above. */
static double wait_refs(long refs)
{
	double t0 = now_s();

	while (module_refs() != refs) {
		if (now_s() - t0 > 20)
			return -1;
		usleep(10000);
	}
	return now_s() - t0;
}

/*
 * The module's reference count once namespaces that earlier tests let
 * die have been cleared: unchanged for three of svipc's polls.
 */
static long settled_refs(void)
{
	double t0 = now_s(), same = now_s();
	long refs = module_refs(), r;

	while (now_s() - same < 1.5 && now_s() - t0 < 20) {
		usleep(50000);
		r = module_refs();
		if (r != refs) {
			refs = r;
			same = now_s();
		}
	}
	return refs;
}

static int knob_set(const struct ipc_api *api, const char *name, const char *val);

struct msgbuf8 {
	long mtype;
	char text[8];
};

/* ---- keys and ids --------------------------------------------------- */

struct keys_out {
	struct res inner_create;	/* in a new namespace, key k */
	struct res inner_sees_outer;	/* there, the outer namespace's key */
	struct res outer_sees_inner;	/* outside, key k */
	struct res outer_creates_k;	/* outside, key k, IPC_EXCL */
	struct res inner_rcv;		/* the inner queue still has its message */
};

/*
 * The case: user 65534 in a new namespace makes queue k; the
 * same user outside must not find it, and may make its own k.
 */
static void keys(const struct ipc_api *api, key_t k, key_t outer_k,
		 struct keys_out *o)
{
	int c2p[2], p2c[2], outer, mine;
	struct msgbuf8 m = { 1, "secret" };
	pid_t pid;
	char c;

	outer = api->msgget(outer_k, IPC_CREAT | 0666);
	if (pipe(c2p) || pipe(p2c))
		return;
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC) || become(65534, 65534))
			_exit(1);
		o->inner_create = RES(api->msgget(k, IPC_CREAT | IPC_EXCL | 0666));
		o->inner_sees_outer = RES(api->msgget(outer_k, 0));
		api->msgsnd(o->inner_create.ret, &m, sizeof(m.text), IPC_NOWAIT);
		if (write(c2p[1], "x", 1) != 1 || read(p2c[0], &c, 1) != 1)
			_exit(1);
		o->inner_rcv = RES(api->msgrcv(o->inner_create.ret, &m,
					       sizeof(m.text), 0, IPC_NOWAIT));
		_exit(0);
	}
	if (read(c2p[0], &c, 1) == 1) {
		pid_t peer = fork();

		/* The same user, outside. */
		if (peer == 0) {
			if (become(65534, 65534))
				_exit(1);
			o->outer_sees_inner = RES(api->msgget(k, 0));
			o->outer_creates_k = RES(api->msgget(k, IPC_CREAT | IPC_EXCL | 0666));
			/* Not its value: ids differ between the two tables. */
			mine = o->outer_creates_k.ret;
			if (mine >= 0) {
				api->msgctl(mine, IPC_RMID, NULL);
				o->outer_creates_k.ret = 0;
			}
			_exit(0);
		}
		wait_status(peer);
	}
	if (write(p2c[1], "x", 1) != 1)
		kill(pid, SIGKILL);
	wait_status(pid);
	api->msgctl(outer, IPC_RMID, NULL);
}

TEST(a_key_made_in_a_new_namespace_is_its_own)
{
	struct keys_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	/* Native's outcome where the kernel has no System V IPC. */
	n->inner_create = (struct res){ 0, 0 };
	n->inner_sees_outer = (struct res){ -1, ENOENT };
	n->outer_sees_inner = (struct res){ -1, ENOENT };
	n->outer_creates_k = (struct res){ 0, 0 };
	n->inner_rcv = (struct res){ 8, 0 };
	if (have_native())
		keys(&native_api, test_key(0), test_key(1), n);
	keys(&svipc_api, test_key(0), test_key(1), s);
	expect_same(_metadata, "msgget(IPC_CREAT|IPC_EXCL) in a new namespace",
		    n->inner_create, s->inner_create);
	expect_same(_metadata, "msgget of the outer namespace's key, inside",
		    n->inner_sees_outer, s->inner_sees_outer);
	expect_same(_metadata, "msgget of the inner key by the same user outside",
		    n->outer_sees_inner, s->outer_sees_inner);
	expect_same(_metadata, "msgget(IPC_CREAT|IPC_EXCL) of the inner key outside",
		    n->outer_creates_k, s->outer_creates_k);
	expect_same(_metadata, "msgrcv inside after all that",
		    n->inner_rcv, s->inner_rcv);
}

/* ---- ids, INFO counts, limits, /proc -------------------------------- */

struct fresh_out {
	struct res ids[4];		/* msg, msg, sem, shm */
	struct res msg_info, sem_info, shm_info, ipc_info;
	long msgpool, msgmap, msgtql, semusz, semaem, shm_used, shm_tot;
	long msgmax, msgmnb, msgmni, semmsl, semmns, semopm, semmni, shmmni;
	int proc_msg, proc_sem, proc_shm, proc_key;
};

/*
 * In a new namespace: its first ids, its INFO counts and limits, and its
 * /proc listing.  The initial namespace has objects and a changed msgmax
 * meanwhile, none of which may show.
 */
static void fresh(const struct ipc_api *api, key_t k, struct fresh_out *o)
{
	long old_msgmax = read_long(api->msgmax);
	int outer = api->msgget(k, IPC_CREAT | 0600);
	int outer_sem = api->semget(IPC_PRIVATE, 7, 0600);
	pid_t pid;

	write_long(api->msgmax, 4000);
	pid = fork();
	if (pid == 0) {
		struct msgbuf8 m = { 1, "abc" };
		struct msginfo mi;
		struct seminfo si;
		union {
			struct shm_info i;
			struct shminfo l;
		} hi;

		if (unshare(CLONE_NEWIPC))
			_exit(1);
		o->ids[0] = RES(api->msgget(k, IPC_CREAT | 0600));
		o->ids[1] = RES(api->msgget(IPC_PRIVATE, 0600));
		o->ids[2] = RES(api->semget(IPC_PRIVATE, 3, 0600));
		o->ids[3] = RES(api->shmget(IPC_PRIVATE, 8192, 0600));
		api->msgsnd(o->ids[0].ret, &m, 3, IPC_NOWAIT);
		o->msg_info = RES(api->msgctl(0, MSG_INFO, (struct msqid_ds *)&mi));
		o->msgpool = mi.msgpool;
		o->msgmap = mi.msgmap;
		o->msgtql = mi.msgtql;
		o->ipc_info = RES(api->msgctl(0, IPC_INFO, (struct msqid_ds *)&mi));
		o->msgmax = mi.msgmax;
		o->msgmnb = mi.msgmnb;
		o->msgmni = mi.msgmni;
		o->sem_info = RES(api->semctl(0, 0, SEM_INFO, &si));
		o->semusz = si.semusz;
		o->semaem = si.semaem;
		api->semctl(0, 0, IPC_INFO, &si);
		o->semmsl = si.semmsl;
		o->semmns = si.semmns;
		o->semopm = si.semopm;
		o->semmni = si.semmni;
		o->shm_info = RES(api->shmctl(0, SHM_INFO, (struct shmid_ds *)&hi.i));
		o->shm_used = hi.i.used_ids;
		o->shm_tot = hi.i.shm_tot;
		api->shmctl(0, IPC_INFO, (struct shmid_ds *)&hi.l);
		o->shmmni = hi.l.shmmni;
		o->proc_msg = proc_count(api, "msg", k, &o->proc_key);
		o->proc_sem = proc_count(api, "sem", 0, NULL);
		o->proc_shm = proc_count(api, "shm", 0, NULL);
		_exit(0);
	}
	wait_status(pid);
	write_long(api->msgmax, old_msgmax);
	api->msgctl(outer, IPC_RMID, NULL);
	api->semctl(outer_sem, 0, IPC_RMID);
}

TEST(a_new_namespace_starts_empty_with_its_own_ids_counts_and_limits)
{
	struct fresh_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));
	static const char *const what[4] = {
		"first msgget", "second msgget", "first semget", "first shmget",
	};
	int i;

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	if (have_native()) {
		fresh(&native_api, test_key(0), n);
	} else {
		/* Native's outcome: ids from 0, only this namespace counted. */
		*n = (struct fresh_out){
			.ids = { { 0, 0 }, { 1, 0 }, { 0, 0 }, { 0, 0 } },
			.msg_info = { 1, 0 }, .sem_info = { 0, 0 },
			.shm_info = { 0, 0 }, .ipc_info = { 1, 0 },
			.msgpool = 2, .msgmap = 1, .msgtql = 3,
			.semusz = 1, .semaem = 3, .shm_used = 1, .shm_tot = 2,
			.msgmax = 8192, .msgmnb = 16384, .msgmni = 32000,
			.semmsl = 32000, .semmns = 1024000000, .semopm = 500,
			.semmni = 32000, .shmmni = 4096,
			.proc_msg = 2, .proc_sem = 1, .proc_shm = 1, .proc_key = 1,
		};
	}
	fresh(&svipc_api, test_key(0), s);
	for (i = 0; i < 4; i++)
		expect_same(_metadata, what[i], n->ids[i], s->ids[i]);
	expect_same(_metadata, "MSG_INFO", n->msg_info, s->msg_info);
	expect_same(_metadata, "IPC_INFO", n->ipc_info, s->ipc_info);
	expect_same(_metadata, "SEM_INFO", n->sem_info, s->sem_info);
	expect_same(_metadata, "SHM_INFO", n->shm_info, s->shm_info);
#define SAME(f) EXPECT_EQ(n->f, s->f) TH_LOG(#f ": native %ld, svipc %ld", (long)n->f, (long)s->f)
	SAME(msgpool);
	SAME(msgmap);
	SAME(msgtql);
	SAME(semusz);
	SAME(semaem);
	SAME(shm_used);
	SAME(shm_tot);
	/* A new namespace never takes the initial one's tuned msgmax. */
	SAME(msgmax);
	SAME(msgmnb);
	SAME(msgmni);
	SAME(semmsl);
	SAME(semmns);
	SAME(semopm);
	SAME(semmni);
	SAME(shmmni);
	SAME(proc_msg);
	SAME(proc_sem);
	SAME(proc_shm);
	SAME(proc_key);
#undef SAME
}

/* ---- what a namespace sees ------------------------------------------ */

/*
 * Objects *_STAT_ANY finds over the indexes *_INFO reports, per kind,
 * and how many of those have key @key; and the /proc lines per kind.
 */
struct sight {
	int found[3], with_key[3], proc[3];
};

static void look(const struct ipc_api *api, key_t key, struct sight *v)
{
	static const char *const kinds[3] = { "msg", "sem", "shm" };
	union {
		struct msqid_ds m;
		struct semid_ds s;
		struct shmid_ds h;
		struct msginfo mi;
		struct seminfo si;
		struct shm_info hi;
	} u;
	int k, i, max, id;

	for (k = 0; k < 3; k++) {
		v->found[k] = 0;
		v->with_key[k] = 0;
		max = k == 0 ? api->msgctl(0, MSG_INFO, &u.m) :
		      k == 1 ? api->semctl(0, 0, SEM_INFO, &u.si) :
			       api->shmctl(0, SHM_INFO, &u.h);
		for (i = 0; i <= max && i < 32768; i++) {
			key_t got;

			if (k == 0) {
				id = api->msgctl(i, MSG_STAT_ANY, &u.m);
				got = u.m.msg_perm.__key;
			} else if (k == 1) {
				id = api->semctl(i, 0, SEM_STAT_ANY, &u.s);
				got = u.s.sem_perm.__key;
			} else {
				id = api->shmctl(i, SHM_STAT_ANY, &u.h);
				got = u.h.shm_perm.__key;
			}
			if (id < 0)
				continue;
			v->found[k]++;
			if (got == key)
				v->with_key[k]++;
		}
		v->proc[k] = proc_count(api, kinds[k], 0, NULL);
	}
}

/* One object of each kind with @key, mode 0600. */
static void make_three(const struct ipc_api *api, key_t key)
{
	api->msgget(key, IPC_CREAT | 0600);
	api->semget(key, 1, IPC_CREAT | 0600);
	api->shmget(key, 4096, IPC_CREAT | 0600);
}

static void drop_three(const struct ipc_api *api, key_t key)
{
	api->msgctl(api->msgget(key, 0), IPC_RMID, NULL);
	api->semctl(api->semget(key, 0, 0), 0, IPC_RMID);
	api->shmctl(api->shmget(key, 0, 0), IPC_RMID, NULL);
}

struct sights_out {
	struct sight outer, a, nested, b;
};

/*
 * The initial namespace, a new namespace A, one made from inside A, and
 * a sibling B made by uid 1001 with its own user namespace: each has one
 * object of each kind under its own key, and sees only those.
 */
static void sights(const struct ipc_api *api, key_t k, struct sights_out *o)
{
	pid_t pid;

	make_three(api, k);
	pid = fork();
	if (pid == 0) {
		pid_t in;

		if (unshare(CLONE_NEWIPC))
			_exit(1);
		make_three(api, k + 1);
		in = fork();
		if (in == 0) {
			if (unshare(CLONE_NEWIPC))
				_exit(1);
			make_three(api, k + 2);
			look(api, k + 2, &o->nested);
			_exit(0);
		}
		wait_status(in);
		look(api, k + 1, &o->a);
		_exit(0);
	}
	wait_status(pid);
	pid = fork();
	if (pid == 0) {
		if (become(1001, 1001) || unshare(CLONE_NEWUSER | CLONE_NEWIPC))
			_exit(1);
		make_three(api, k + 3);
		look(api, k + 3, &o->b);
		_exit(0);
	}
	wait_status(pid);
	look(api, k, &o->outer);
	drop_three(api, k);
}

static void same_sight(struct __test_metadata *_metadata, const char *what,
		       const struct sight *n, const struct sight *s)
{
	int k;

	for (k = 0; k < 3; k++) {
		EXPECT_EQ(n->found[k], s->found[k])
			TH_LOG("%s, kind %d: *_STAT_ANY finds %d natively, %d on svipc",
			       what, k, n->found[k], s->found[k]);
		EXPECT_EQ(n->with_key[k], s->with_key[k])
			TH_LOG("%s, kind %d: with its key", what, k);
		EXPECT_EQ(n->proc[k], s->proc[k])
			TH_LOG("%s, kind %d: /proc lines %d natively, %d on svipc",
			       what, k, n->proc[k], s->proc[k]);
	}
}

TEST(sibling_and_nested_namespaces_see_only_their_own_objects)
{
	struct sights_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));
	const struct sight one = { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } };

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	n->a = n->nested = n->b = one;
	/* Natively the initial namespace may hold other tests' objects. */
	n->outer = one;
	if (have_native())
		sights(&native_api, test_key(0), n);
	sights(&svipc_api, test_key(0), s);
	same_sight(_metadata, "namespace A", &n->a, &s->a);
	same_sight(_metadata, "a namespace made inside A", &n->nested, &s->nested);
	same_sight(_metadata, "sibling B of uid 1001's user namespace", &n->b, &s->b);
	EXPECT_EQ(1, s->outer.with_key[0]);
	EXPECT_EQ(1, s->outer.with_key[1]);
	EXPECT_EQ(1, s->outer.with_key[2]);
}

struct exhaust_out {
	struct res a_first, a_second, b_first, b_second;
};

/* msgmni = 1 in namespace A: its second queue is ENOSPC, B's is not. */
static void exhaust(const struct ipc_api *api, struct exhaust_out *o)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (unshare(CLONE_NEWIPC) || knob_set(api, "msgmni", "1"))
			_exit(1);
		o->a_first = RES(api->msgget(IPC_PRIVATE, 0600));
		o->a_second = RES(api->msgget(IPC_PRIVATE, 0600));
		_exit(0);
	}
	wait_status(pid);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		o->b_first = RES(api->msgget(IPC_PRIVATE, 0600));
		o->b_second = RES(api->msgget(IPC_PRIVATE, 0600));
		_exit(0);
	}
	wait_status(pid);
}

TEST(a_namespace_that_runs_out_leaves_the_others_alone)
{
	struct exhaust_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	*n = (struct exhaust_out){
		.a_first = { 0, 0 }, .a_second = { -1, ENOSPC },
		.b_first = { 0, 0 }, .b_second = { 1, 0 },
	};
	if (have_native())
		exhaust(&native_api, n);
	exhaust(&svipc_api, s);
	expect_same(_metadata, "A's first queue", n->a_first, s->a_first);
	expect_same(_metadata, "A's second queue", n->a_second, s->a_second);
	expect_same(_metadata, "B's first queue", n->b_first, s->b_first);
	expect_same(_metadata, "B's second queue", n->b_second, s->b_second);
}

/* svipc's ipcs lists the caller's namespace, as ipcs does. */
TEST(svipcs_lists_the_callers_namespace_only)
{
	key_t outer = test_key(0), inner = test_key(1);
	int c2p[2], q;
	char line[256], want_in[16], want_out[16];
	int seen_in = 0, seen_out = 0;
	pid_t pid;
	FILE *f;

	SKIP_WITHOUT_IPC_NS();
	q = svipc_msgget(outer, IPC_CREAT | 0600);
	ASSERT_GE(q, 0);
	ASSERT_EQ(0, pipe(c2p));
	pid = fork();
	if (pid == 0) {
		close(c2p[0]);
		if (unshare(CLONE_NEWIPC) || svipc_msgget(inner, IPC_CREAT | 0600) < 0 ||
		    dup2(c2p[1], 1) < 0)
			_exit(1);
		execl("/bin/svipcs", "svipcs", "-q", (char *)NULL);
		_exit(2);
	}
	close(c2p[1]);
	f = fdopen(c2p[0], "r");
	ASSERT_TRUE(f != NULL);
	snprintf(want_in, sizeof(want_in), "0x%08x", inner);
	snprintf(want_out, sizeof(want_out), "0x%08x", outer);
	while (fgets(line, sizeof(line), f)) {
		seen_in += !strncmp(line, want_in, strlen(want_in));
		seen_out += !strncmp(line, want_out, strlen(want_out));
	}
	fclose(f);
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_EQ(1, seen_in);
	EXPECT_EQ(0, seen_out);
	svipc_msgctl(q, IPC_RMID, NULL);
}

/* ---- death ---------------------------------------------------------- */

struct kept_out {
	struct res made, found, rcv, after_death;
	double shmem_s;			/* seconds until the segment's pages went */
};

#define SEG_SIZE (8 << 20)

/*
 * A namespace with a queue and an 8 MiB segment, kept by an nsfs
 * reference after its last task has gone: setns() finds both again.
 * Once the reference goes too the namespace dies, and its segment's
 * pages are freed.
 */
static void kept(const struct ipc_api *api, key_t k, struct kept_out *o)
{
	struct msgbuf8 m = { 7, "kept" };
	long before = shmem_kb();
	char path[64];
	pid_t pid;
	int fd = -1;

	pid = fork();
	if (pid == 0) {
		int shmid;
		char *p;

		if (unshare(CLONE_NEWIPC))
			_exit(1);
		o->made = RES(api->msgget(k, IPC_CREAT | 0600));
		api->msgsnd(o->made.ret, &m, sizeof(m.text), IPC_NOWAIT);
		shmid = api->shmget(k, SEG_SIZE, IPC_CREAT | 0600);
		p = api->shmat(shmid, NULL, 0);
		if (p == (void *)-1)
			_exit(1);
		memset(p, 0x5a, SEG_SIZE);
		api->shmdt(p);
		/* Stopped: the parent takes a reference to the namespace. */
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, NULL, WUNTRACED) == pid) {
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
		fd = open(path, O_RDONLY);
	}
	kill(pid, SIGKILL);
	wait_status(pid);
	if (fd < 0)
		return;
	/* Well past svipc's poll for dead namespaces. */
	usleep(1500 * 1000);
	pid = fork();
	if (pid == 0) {
		if (setns(fd, CLONE_NEWIPC))
			_exit(1);
		o->found = RES(api->msgget(k, 0));
		o->rcv = RES(api->msgrcv(o->found.ret, &m, sizeof(m.text), 7, IPC_NOWAIT));
		_exit(0);
	}
	wait_status(pid);
	close(fd);
	o->shmem_s = wait_shmem_below(before + SEG_SIZE / 1024 / 4);
	/* Dead: a new namespace is a new one. */
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		o->after_death = RES(api->msgget(k, 0));
		_exit(0);
	}
	wait_status(pid);
}

TEST(a_namespace_kept_by_a_reference_keeps_its_objects_and_frees_them_when_it_dies)
{
	struct kept_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	n->made = (struct res){ 0, 0 };
	n->found = (struct res){ 0, 0 };
	n->rcv = (struct res){ 8, 0 };
	n->after_death = (struct res){ -1, ENOENT };
	n->shmem_s = 0;
	if (have_native())
		kept(&native_api, test_key(0), n);
	kept(&svipc_api, test_key(0), s);
	expect_same(_metadata, "msgget in the new namespace", n->made, s->made);
	expect_same(_metadata, "msgget after setns into the kept namespace",
		    n->found, s->found);
	expect_same(_metadata, "msgrcv there", n->rcv, s->rcv);
	expect_same(_metadata, "msgget in a later namespace", n->after_death,
		    s->after_death);
	EXPECT_GE(n->shmem_s, 0) TH_LOG("native kept the dead namespace's segment");
	EXPECT_GE(s->shmem_s, 0) TH_LOG("svipc kept the dead namespace's segment");
	TH_LOG("segment freed %.2f s (native) and %.2f s (svipc) after the namespace died",
	       n->shmem_s, s->shmem_s);
}

struct attach_out {
	struct res got, dt;
	int intact;			/* the mapping still held the pattern */
	long held_kb;			/* shmem above the start while attached */
	double freed_s;
};

/*
 * An attach keeps its namespace alive, as native's does: a process
 * attaches in a new namespace, goes back to the old one and waits; the
 * segment lives on until it detaches, then goes with the namespace.
 */
static void attached(const struct ipc_api *api, struct attach_out *o)
{
	long before = shmem_kb();
	pid_t pid = fork();

	if (pid == 0) {
		int back = open("/proc/self/ns/ipc", O_RDONLY);
		char *p;
		size_t i;

		if (back < 0 || unshare(CLONE_NEWIPC))
			_exit(1);
		o->got = RES(api->shmget(IPC_PRIVATE, SEG_SIZE, 0600));
		p = api->shmat(o->got.ret, NULL, 0);
		if (p == (void *)-1)
			_exit(1);
		memset(p, 0x5a, SEG_SIZE);
		if (setns(back, CLONE_NEWIPC))
			_exit(1);
		usleep(1500 * 1000);
		o->held_kb = shmem_kb() - before;
		o->intact = 1;
		for (i = 0; i < SEG_SIZE; i += 4096)
			if (p[i] != 0x5a)
				o->intact = 0;
		o->dt = RES(api->shmdt(p));
		_exit(0);
	}
	wait_status(pid);
	o->freed_s = wait_shmem_below(before + SEG_SIZE / 1024 / 4);
}

TEST(an_attach_keeps_its_namespace_alive_until_the_detach)
{
	struct attach_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	*n = (struct attach_out){ .got = { 0, 0 }, .dt = { 0, 0 }, .intact = 1,
				  .held_kb = SEG_SIZE / 1024 };
	if (have_native())
		attached(&native_api, n);
	attached(&svipc_api, s);
	expect_same(_metadata, "shmget in the new namespace", n->got, s->got);
	expect_same(_metadata, "shmdt from the old namespace", n->dt, s->dt);
	EXPECT_EQ(n->intact, s->intact);
	/* Its pages are still there while attached. */
	EXPECT_GE(s->held_kb, SEG_SIZE / 1024 * 3 / 4)
		TH_LOG("svipc: %ld kB of shared memory while attached", s->held_kb);
	EXPECT_GE(n->freed_s, 0) TH_LOG("native kept the segment after the detach");
	EXPECT_GE(s->freed_s, 0) TH_LOG("svipc kept the segment after the detach");
	TH_LOG("segment freed %.2f s (native) and %.2f s (svipc) after the detach",
	       n->freed_s, s->freed_s);
}

/*
 * svipc only: a dead namespace's queues and sets stop pinning the module
 * (they are destroyed), and how long that takes is measured.
 */
TEST(a_dead_namespaces_queues_and_sets_are_destroyed)
{
	long base;
	double t;
	pid_t pid;
	int st;

	SKIP_WITHOUT_IPC_NS();
	ASSERT_GE(svipc_fd(), 0);
	base = settled_refs();
	pid = fork();
	if (pid == 0) {
		struct msgbuf8 m = { 1, "x" };
		struct sembuf up = { 0, 1, SEM_UNDO };
		int q, s;

		if (unshare(CLONE_NEWIPC))
			_exit(1);
		q = svipc_msgget(IPC_PRIVATE, 0600);
		s = svipc_semget(IPC_PRIVATE, 2, 0600);
		if (q < 0 || s < 0 || svipc_msgsnd(q, &m, 1, 0) ||
		    svipc_semop(s, &up, 1))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(0, wait_status(pid));
	st = module_refs();
	t = wait_refs(base);
	EXPECT_GE(t, 0)
		TH_LOG("the module is still held %ld times (%d after the exit, %ld before)",
		       module_refs() - base, st, base);
	TH_LOG("the dead namespace's objects went %.2f s after its last task", t);
}

/* ---- never another namespace's tables -------------------------------- */

/*
 * For the tests that make namespaces by the hundred: a namespace's
 * birth and death cost a debug kernel under load far more than the
 * harness's default 30 s allow for 200 of them.
 */
FIXTURE(many) {};
FIXTURE_SETUP(many) {}
FIXTURE_TEARDOWN(many) {}

#define GENERATIONS 200

struct gen_out {
	struct res first[GENERATIONS];	/* msgget(k, IPC_CREAT|IPC_EXCL) */
	struct res info[GENERATIONS];	/* MSG_INFO before it */
};

/*
 * Namespace after namespace, each dying before the next is made, often
 * at the same address: each starts empty, and its key is free.
 */
static void generations(const struct ipc_api *api, key_t k, struct gen_out *o)
{
	int i;

	for (i = 0; i < GENERATIONS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct msgbuf8 m = { 1, "gen" };
			struct msginfo mi;
			int r;

			if (unshare(CLONE_NEWIPC))
				_exit(1);
			r = api->msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
			o->info[i] = (struct res){ r < 0 ? r : mi.msgpool,
						   r < 0 ? errno : 0 };
			o->first[i] = RES(api->msgget(k, IPC_CREAT | IPC_EXCL | 0600));
			api->msgsnd(o->first[i].ret, &m, 3, IPC_NOWAIT);
			_exit(0);
		}
		wait_status(pid);
	}
}

TEST_F_TIMEOUT(many, no_namespace_is_handed_the_tables_of_an_earlier_one, 300)
{
	struct gen_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));
	char what[64];
	int i;

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	for (i = 0; i < GENERATIONS; i++) {
		n->first[i] = (struct res){ 0, 0 };
		n->info[i] = (struct res){ 0, 0 };
	}
	if (have_native())
		generations(&native_api, test_key(0), n);
	generations(&svipc_api, test_key(0), s);
	for (i = 0; i < GENERATIONS; i++) {
		snprintf(what, sizeof(what), "generation %d: queues in use", i);
		expect_same(_metadata, what, n->info[i], s->info[i]);
		snprintf(what, sizeof(what), "generation %d: msgget", i);
		expect_same(_metadata, what, n->first[i], s->first[i]);
	}
}

/* ---- capabilities ----------------------------------------------------- */

struct caps_out {
	struct res stat_own_ns;		/* ns root, object of its own namespace */
	struct res rmid_own_ns;
	struct res stat_init_ns;	/* ns root, object of the initial one */
	struct res rmid_init_ns;
};

/* Write @map (one line) to @pid's uid_map and gid_map. */
static int map_ids(pid_t pid, const char *map)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (write_str(path, map))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_str(path, map) ? -1 : 0;
}

/*
 * fork(); the child unshares @flags, a new user namespace among them,
 * waits while the parent maps its ids by @map, and becomes root there.
 * Returns as fork() does; a child that cannot get there exits with 1.
 */
static pid_t fork_in_userns(int flags, const char *map)
{
	int c2p[2], p2c[2];
	pid_t pid;
	char c;

	if (pipe(c2p) || pipe(p2c))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (unshare(flags) || write(c2p[1], "x", 1) != 1 ||
		    read(p2c[0], &c, 1) != 1 ||
		    setresgid(0, 0, 0) || setresuid(0, 0, 0))
			_exit(1);
		return 0;
	}
	if (pid > 0 && (read(c2p[0], &c, 1) != 1 || map_ids(pid, map) ||
			write(p2c[1], "x", 1) != 1)) {
		kill(pid, SIGKILL);
		wait_status(pid);
		pid = -1;
	}
	close(c2p[0]);
	close(c2p[1]);
	close(p2c[0]);
	close(p2c[1]);
	return pid;
}

/*
 * A queue of uid 1001, mode 0600, in the caller's namespace; made by a
 * child so that the caller keeps its capabilities.
 */
static int queue_of_1001(const struct ipc_api *api, int *id)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (become(1001, 1001))
			_exit(1);
		*id = api->msgget(IPC_PRIVATE, 0600);
		_exit(*id < 0);
	}
	return wait_status(pid);
}

/*
 * Root of a new user namespace that owns a new IPC namespace may
 * override permissions there (CAP_IPC_OWNER, CAP_SYS_ADMIN), and not on
 * the initial namespace's objects.
 */
static void caps(const struct ipc_api *api, struct caps_out *o)
{
	int *ids = shared(2 * sizeof(int));
	pid_t pid;

	if (!ids || queue_of_1001(api, &ids[0]))
		return;
	/* Root of a new user namespace, with its capabilities. */
	pid = fork_in_userns(CLONE_NEWUSER | CLONE_NEWIPC, "0 0 65536");
	if (pid == 0) {
		struct msqid_ds ds;

		if (queue_of_1001(api, &ids[1]))
			_exit(1);
		o->stat_own_ns = RES(api->msgctl(ids[1], IPC_STAT, &ds));
		o->rmid_own_ns = RES(api->msgctl(ids[1], IPC_RMID, NULL));
		_exit(0);
	}
	if (pid < 0)
		return;
	wait_status(pid);
	pid = fork();
	if (pid == 0) {
		struct msqid_ds ds;

		/* Root of a new user namespace, in the initial IPC namespace. */
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		o->stat_init_ns = RES(api->msgctl(ids[0], IPC_STAT, &ds));
		o->rmid_init_ns = RES(api->msgctl(ids[0], IPC_RMID, NULL));
		_exit(0);
	}
	wait_status(pid);
	api->msgctl(ids[0], IPC_RMID, NULL);
}

TEST(capabilities_count_in_the_user_namespace_that_owns_the_ipc_namespace)
{
	struct caps_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	*n = (struct caps_out){
		.stat_own_ns = { 0, 0 }, .rmid_own_ns = { 0, 0 },
		.stat_init_ns = { -1, EACCES }, .rmid_init_ns = { -1, EPERM },
	};
	if (have_native())
		caps(&native_api, n);
	caps(&svipc_api, s);
	expect_same(_metadata, "IPC_STAT of uid 1001's 0600 queue by the namespace's root",
		    n->stat_own_ns, s->stat_own_ns);
	expect_same(_metadata, "IPC_RMID of it", n->rmid_own_ns, s->rmid_own_ns);
	expect_same(_metadata, "IPC_STAT of such a queue of the initial namespace",
		    n->stat_init_ns, s->stat_init_ns);
	expect_same(_metadata, "IPC_RMID of that", n->rmid_init_ns, s->rmid_init_ns);
}

/* ---- limits ------------------------------------------------------------ */

/* The knobs: native's kernel.* sysctls, svipc's of the same names. */
static const char *knob_dir(const struct ipc_api *api)
{
	return api == &native_api ? "/proc/sys/kernel" : "/proc/sys/svipc";
}

/* Write @val to knob @name: 0, or the errno of the open or the write. */
static int knob_set(const struct ipc_api *api, const char *name, const char *val)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/%s", knob_dir(api), name);
	return write_str(path, val);
}

static void knob_get(const struct ipc_api *api, const char *name, char *buf,
		     size_t size)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", knob_dir(api), name);
	buf[0] = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
}

#define NKNOBS 8

static const char *const knobs[NKNOBS] = {
	"msgmax", "msgmnb", "msgmni", "sem", "shmmax", "shmall", "shmmni",
	"shm_rmid_forced",
};

/* What a namespace's limits are, through the knobs and through IPC_INFO. */
struct limits_view {
	char knob[NKNOBS][64];
	int msgmax, semmsl, semmni;
	unsigned long shmmax;
};

static void view(const struct ipc_api *api, struct limits_view *v)
{
	struct msginfo mi;
	struct seminfo si;
	struct shminfo hi;
	int i;

	for (i = 0; i < NKNOBS; i++)
		knob_get(api, knobs[i], v->knob[i], sizeof(v->knob[i]));
	api->msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
	api->semctl(0, 0, IPC_INFO, &si);
	api->shmctl(0, IPC_INFO, (struct shmid_ds *)&hi);
	v->msgmax = mi.msgmax;
	v->semmsl = si.semmsl;
	v->semmni = si.semmni;
	v->shmmax = hi.shmmax;
}

/* Writes tried in a new namespace, and what each gives. */
static const struct {
	const char *knob, *val;
} writes[] = {
	{ "msgmax", "1234" }, { "msgmax", "-1" }, { "msgmax", "x" },
	{ "msgmni", "32768" }, { "msgmni", "32769" }, { "shmmni", "-1" },
	{ "sem", "250 32000 32 40000" }, { "sem", "100 1000 10" },
	{ "sem", "1 2 3 4 5" }, { "shmmax", "123456789" },
	{ "shm_rmid_forced", "2" }, { "shm_rmid_forced", "1" },
};

#define NWRITES (sizeof(writes) / sizeof(writes[0]))

struct limits_out {
	int err[NWRITES];
	struct limits_view inner;	/* after the writes */
	struct limits_view outer;	/* the initial namespace meanwhile */
	struct limits_view fresh;	/* another new namespace */
	/*
	 * Root of a child user namespace, on its own namespace's msgmax and
	 * on the initial one's; uid 1001 on the initial one's: natively
	 * through kernel.msgmax, on svipc through SVIPC_IOC_LIMIT, and
	 * (svipc only) through /proc/sys/svipc, which only the initial
	 * root may open for writing.
	 */
	int child_root_inner, child_root_inner_file;
	int child_root_outer, child_root_outer_file;
	int user_outer, user_outer_file;
	struct limits_view child_inner;
};

/* SVIPC_IOC_LIMIT: 0 or errno. */
static int limit_ioctl(unsigned int name, unsigned int flags, long long *v)
{
	struct svipc_limit a = { .name = name, .flags = flags, .value = *v };

	if (raw_ioctl(SVIPC_IOC_LIMIT, &a))
		return errno;
	*v = (long long)a.value;
	return 0;
}

/*
 * Set msgmax the way each side lets a namespace's root do it: the
 * sysctl natively, the ioctl on svipc; and, on svipc, through its
 * sysctl file too (into *@file).
 */
static int set_msgmax(const struct ipc_api *api, long long v, int *file)
{
	char val[32];

	snprintf(val, sizeof(val), "%lld", v);
	if (api == &native_api) {
		*file = 0;
		return knob_set(api, "msgmax", val);
	}
	*file = knob_set(api, "msgmax", val);
	return limit_ioctl(SVIPC_LIMIT_MSGMAX, SVIPC_LIMIT_SET, &v);
}

static void limits(const struct ipc_api *api, struct limits_out *o)
{
	pid_t pid;
	size_t i;

	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		for (i = 0; i < NWRITES; i++)
			o->err[i] = knob_set(api, writes[i].knob, writes[i].val);
		view(api, &o->inner);
		_exit(0);
	}
	wait_status(pid);
	view(api, &o->outer);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		view(api, &o->fresh);
		_exit(0);
	}
	wait_status(pid);

	/* Root of a new user namespace, uid 100000 outside. */
	pid = fork_in_userns(CLONE_NEWUSER | CLONE_NEWIPC, "0 100000 1");
	if (pid == 0) {
		o->child_root_inner = set_msgmax(api, 2222, &o->child_root_inner_file);
		view(api, &o->child_inner);
		_exit(0);
	}
	wait_status(pid);
	/* The same, left in the initial IPC namespace. */
	pid = fork_in_userns(CLONE_NEWUSER, "0 100000 1");
	if (pid == 0) {
		o->child_root_outer = set_msgmax(api, 3333, &o->child_root_outer_file);
		_exit(0);
	}
	wait_status(pid);
	pid = fork();
	if (pid == 0) {
		if (become(1001, 1001))
			_exit(1);
		o->user_outer = set_msgmax(api, 4444, &o->user_outer_file);
		_exit(0);
	}
	wait_status(pid);
}

static void same_knob(struct __test_metadata *_metadata, const char *what,
		      const char *name, const char *n, const char *s)
{
	EXPECT_STREQ(n, s)
		TH_LOG("%s: %s reads \"%s\" natively, \"%s\" on svipc", what, name, n, s);
}

static void same_view(struct __test_metadata *_metadata, const char *what,
		      const struct limits_view *n, const struct limits_view *s)
{
	int i;

	for (i = 0; i < NKNOBS; i++)
		same_knob(_metadata, what, knobs[i], n->knob[i], s->knob[i]);
	EXPECT_EQ(n->msgmax, s->msgmax) TH_LOG("%s: IPC_INFO msgmax", what);
	EXPECT_EQ(n->semmsl, s->semmsl) TH_LOG("%s: IPC_INFO semmsl", what);
	EXPECT_EQ(n->semmni, s->semmni) TH_LOG("%s: IPC_INFO semmni", what);
	EXPECT_EQ(n->shmmax, s->shmmax) TH_LOG("%s: IPC_INFO shmmax", what);
}

static void same_errno(struct __test_metadata *_metadata, const char *knob,
		       const char *val, int n, int s)
{
	EXPECT_EQ(n, s)
		TH_LOG("%s = \"%s\": native %s, svipc %s", knob, val, strerror(n),
		       strerror(s));
}

TEST(each_namespace_has_its_own_limits_which_its_own_root_sets)
{
	struct limits_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));
	size_t i;

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	if (!have_native())
		SKIP(return, "no native System V IPC to compare with");
	limits(&native_api, n);
	limits(&svipc_api, s);
	for (i = 0; i < NWRITES; i++)
		same_errno(_metadata, writes[i].knob, writes[i].val, n->err[i], s->err[i]);
	same_view(_metadata, "the namespace written", &n->inner, &s->inner);
	same_view(_metadata, "the initial namespace", &n->outer, &s->outer);
	same_view(_metadata, "another new namespace", &n->fresh, &s->fresh);
	/* Allowed natively and through svipc's ioctl; EACCES and EPERM. */
	EXPECT_EQ(0, n->child_root_inner) TH_LOG("native: %s", strerror(n->child_root_inner));
	EXPECT_EQ(0, s->child_root_inner) TH_LOG("svipc: %s", strerror(s->child_root_inner));
	same_view(_metadata, "that namespace", &n->child_inner, &s->child_inner);
	EXPECT_EQ(EACCES, n->child_root_outer);
	EXPECT_EQ(EPERM, s->child_root_outer);
	EXPECT_EQ(EACCES, n->user_outer);
	EXPECT_EQ(EPERM, s->user_outer);
	/* svipc's sysctl files: the initial root's only (README). */
	EXPECT_EQ(EACCES, s->child_root_inner_file);
	EXPECT_EQ(EACCES, s->child_root_outer_file);
	EXPECT_EQ(EACCES, s->user_outer_file);
}

/*
 * svipc only: SVIPC_IOC_LIMIT reads what the sysctl files and IPC_INFO
 * show, and sets with the sysctl's ranges and errors, in the caller's
 * namespace; unknown names and flags are EINVAL.
 */
TEST(the_limit_ioctl_reads_and_sets_what_the_sysctls_do)
{
	pid_t pid;
	int st;

	SKIP_WITHOUT_IPC_NS();
	pid = fork();

	if (pid == 0) {
		static const struct {
			unsigned int name;
			long long v;
			int err;
		} sets[] = {
			{ SVIPC_LIMIT_MSGMAX, 4000, 0 },
			{ SVIPC_LIMIT_MSGMAX, -1, EINVAL },
			{ SVIPC_LIMIT_MSGMAX, 1LL << 31, EINVAL },
			{ SVIPC_LIMIT_MSGMNI, 32768, 0 },
			{ SVIPC_LIMIT_MSGMNI, 32769, EINVAL },
			{ SVIPC_LIMIT_SEMMSL, -5, 0 },
			{ SVIPC_LIMIT_SEMMNI, 32769, ERANGE },
			{ SVIPC_LIMIT_SEMMNI, 77, 0 },
			{ SVIPC_LIMIT_SHMMAX, -2, 0 },	/* ULONG_MAX - 1 */
			{ SVIPC_LIMIT_SHMMNI, -1, EINVAL },
			{ SVIPC_LIMIT_SHM_RMID_FORCED, 2, EINVAL },
			{ SVIPC_LIMIT_SHM_RMID_FORCED, 1, 0 },
		};
		struct svipc_limit bad = { .name = SVIPC_LIMIT_NR };
		char buf[64];
		long long v;
		size_t i;
		int rc = 0;

		if (unshare(CLONE_NEWIPC))
			_exit(100);
		for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
			v = sets[i].v;
			if (limit_ioctl(sets[i].name, SVIPC_LIMIT_SET, &v) != sets[i].err)
				_exit(1 + i);
		}
		knob_get(&svipc_api, "msgmax", buf, sizeof(buf));
		if (strcmp(buf, "4000\n"))
			_exit(20);
		knob_get(&svipc_api, "sem", buf, sizeof(buf));
		if (strcmp(buf, "-5\t1024000000\t500\t77\n"))
			_exit(21);
		knob_get(&svipc_api, "shmmax", buf, sizeof(buf));
		if (strcmp(buf, "18446744073709551614\n"))
			_exit(22);
		v = 0;
		if (limit_ioctl(SVIPC_LIMIT_SHM_RMID_FORCED, 0, &v) || v != 1)
			_exit(23);
		v = 0;
		if (limit_ioctl(SVIPC_LIMIT_SEMMNS, 0, &v) || v != 1024000000)
			_exit(24);
		if (!raw_ioctl(SVIPC_IOC_LIMIT, &bad) || errno != EINVAL)
			_exit(25);
		bad.name = SVIPC_LIMIT_MSGMAX;
		bad.flags = 2;
		if (!raw_ioctl(SVIPC_IOC_LIMIT, &bad) || errno != EINVAL)
			_exit(26);
		if (!raw_ioctl(SVIPC_IOC_LIMIT, NULL) || errno != EFAULT)
			_exit(27);
		/* Anyone reads; only the namespace's root sets. */
		if (become(1001, 1001))
			_exit(28);
		v = 0;
		if (limit_ioctl(SVIPC_LIMIT_MSGMAX, 0, &v) || v != 4000)
			_exit(29);
		v = 1;
		if (limit_ioctl(SVIPC_LIMIT_MSGMAX, SVIPC_LIMIT_SET, &v) != EPERM)
			_exit(30);
		_exit(rc);
	}
	st = wait_status(pid);
	ASSERT_EQ(0, st) TH_LOG("step %d failed (100: unshare)", st);
}

/* ---- SEM_UNDO across namespaces --------------------------------------- */

struct undo_out {
	struct res sa, sb;		/* the first set of namespaces A and B */
	struct res held;		/* A's set while the list is live */
	struct res after_switch;	/* A's set after unshare to B and a call */
	struct res sb_val;		/* B's set, id 0 too, after that call */
	struct res sb_after_exit;	/* B's set after the process exits */
};

/* GETVAL of set @id of the IPC namespace open at @fd, from a child. */
static struct res getval_in(const struct ipc_api *api, int fd, int id)
{
	struct res *r = shared(sizeof(*r));
	struct res out = { -3, 0 };
	pid_t pid;

	if (!r)
		return out;
	*r = out;
	pid = fork();
	if (pid == 0) {
		if (setns(fd, CLONE_NEWIPC))
			_exit(1);
		*r = RES(api->semctl(id, 0, GETVAL));
		_exit(0);
	}
	wait_status(pid);
	out = *r;
	munmap(r, sizeof(*r));
	return out;
}

static int ns_fd(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
	return open(path, O_RDONLY);
}

/*
 * A process takes a semaphore of set A0 (id 0 of a new namespace A)
 * with SEM_UNDO, then unshares into a new namespace B and makes set B0
 * there, with the same id.  Natively its undo list is applied at the
 * unshare, in A; svipc applies it at the process's next call (making
 * B0), in A.  Either way A0 is given back before the process goes on,
 * and B0 is never touched, not even when the process exits.
 */
static void undo_switch(const struct ipc_api *api, bool by_setns,
			struct undo_out *o)
{
	int c2p[2], p2c[2], fda = -1, fdb = -1, target = -1;
	pid_t pid, holder = -1;
	char c;

	if (pipe(c2p) || pipe(p2c))
		return;
	/* For setns: namespace B, made and held by a stopped child. */
	if (by_setns) {
		holder = fork();
		if (holder == 0) {
			if (unshare(CLONE_NEWIPC))
				_exit(1);
			raise(SIGSTOP);
			_exit(0);
		}
		if (waitpid(holder, NULL, WUNTRACED) != holder)
			return;
		target = ns_fd(holder);
		if (target < 0)
			return;
	}
	pid = fork();
	if (pid == 0) {
		struct sembuf up = { 0, 1, SEM_UNDO };

		if (by_setns ? setns(target, CLONE_NEWIPC) : unshare(CLONE_NEWIPC))
			_exit(1);
		o->sa = RES(api->semget(IPC_PRIVATE, 1, 0600));
		if (api->semop(o->sa.ret, &up, 1))
			_exit(1);
		if (write(c2p[1], "a", 1) != 1 || read(p2c[0], &c, 1) != 1)
			_exit(1);
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		o->sb = RES(api->semget(IPC_PRIVATE, 1, 0600));
		api->semctl(o->sb.ret, 0, SETVAL, 5);
		o->sb_val = RES(api->semctl(o->sb.ret, 0, GETVAL));
		if (write(c2p[1], "b", 1) != 1 || read(p2c[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (read(c2p[0], &c, 1) == 1) {
		fda = ns_fd(pid);
		o->held = getval_in(api, fda, o->sa.ret);
		if (write(p2c[1], "x", 1) == 1 && read(c2p[0], &c, 1) == 1) {
			fdb = ns_fd(pid);
			o->after_switch = getval_in(api, fda, o->sa.ret);
		}
		if (write(p2c[1], "x", 1) != 1)
			kill(pid, SIGKILL);
	}
	wait_status(pid);
	if (fdb >= 0)
		o->sb_after_exit = getval_in(api, fdb, o->sb.ret);
	if (fda >= 0)
		close(fda);
	if (fdb >= 0)
		close(fdb);
	if (holder > 0) {
		close(target);
		kill(holder, SIGKILL);
		wait_status(holder);
	}
}

static void undo_left(struct __test_metadata *_metadata, bool by_setns)
{
	struct undo_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	*n = (struct undo_out){
		.sa = { 0, 0 }, .sb = { 0, 0 },
		.held = { 1, 0 }, .after_switch = { 0, 0 },
		.sb_val = { 5, 0 }, .sb_after_exit = { 5, 0 },
	};
	if (have_native())
		undo_switch(&native_api, by_setns, n);
	undo_switch(&svipc_api, by_setns, s);
	expect_same(_metadata, "semget in A", n->sa, s->sa);
	expect_same(_metadata, "semget in B", n->sb, s->sb);
	expect_same(_metadata, "A's set while its taker is in A", n->held, s->held);
	expect_same(_metadata, "A's set once its taker has moved to B and made a call",
		    n->after_switch, s->after_switch);
	expect_same(_metadata, "B's set with the same id then", n->sb_val, s->sb_val);
	expect_same(_metadata, "B's set after the taker's exit",
		    n->sb_after_exit, s->sb_after_exit);
}

TEST(an_undo_list_left_by_unshare_is_applied_in_its_namespace_only)
{
	undo_left(_metadata, false);
}

TEST(an_undo_list_left_by_setns_is_applied_in_its_namespace_only)
{
	undo_left(_metadata, true);
}

/*
 * The documented difference for processes with several threads (README,
 * Differences): when both threads of a process have left namespace A,
 * natively the list they shared is applied by the second one's switch;
 * svipc cannot see switches and applies it at the exit.  A thread that
 * leaves while the other stays changes nothing on either side.
 */
struct mt_out {
	struct res after_one;		/* A's set, one thread gone from A */
	struct res after_both;		/* both gone, each after a call */
	struct res after_exit;
};

struct mt_thread {
	const struct ipc_api *api;
	int go[2], done[2], end[2];
};

static void *mt_leave(void *p)
{
	struct mt_thread *t = p;
	char c;

	if (read(t->go[0], &c, 1) != 1 || unshare(CLONE_NEWIPC))
		return NULL;
	t->api->msgget(IPC_PRIVATE, 0600);
	/* Lives on, in B, until the process is told to end. */
	if (write(t->done[1], "x", 1) != 1 || read(t->end[0], &c, 1) != 1)
		return NULL;
	return NULL;
}

static void undo_threads(const struct ipc_api *api, struct mt_out *o)
{
	int c2p[2], p2c[2], fda = -1;
	pid_t pid;
	char c;

	if (pipe(c2p) || pipe(p2c))
		return;
	pid = fork();
	if (pid == 0) {
		struct sembuf up = { 0, 1, SEM_UNDO };
		struct mt_thread t = { .api = api };
		pthread_t th;
		int id;

		if (unshare(CLONE_NEWIPC) || pipe(t.go) || pipe(t.done) || pipe(t.end))
			_exit(1);
		id = api->semget(IPC_PRIVATE, 1, 0600);
		if (id != 0 || api->semop(id, &up, 1) ||
		    pthread_create(&th, NULL, mt_leave, &t))
			_exit(1);
		/* The other thread leaves A and makes a call in B. */
		if (write(t.go[1], "x", 1) != 1 || read(t.done[0], &c, 1) != 1 ||
		    write(c2p[1], "1", 1) != 1 || read(p2c[0], &c, 1) != 1)
			_exit(1);
		/* Now this one. */
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		api->msgget(IPC_PRIVATE, 0600);
		if (write(c2p[1], "2", 1) != 1 || read(p2c[0], &c, 1) != 1 ||
		    write(t.end[1], "x", 1) != 1)
			_exit(1);
		pthread_join(th, NULL);
		_exit(0);
	}
	if (read(c2p[0], &c, 1) == 1) {
		fda = ns_fd(pid);
		o->after_one = getval_in(api, fda, 0);
		if (write(p2c[1], "x", 1) == 1 && read(c2p[0], &c, 1) == 1)
			o->after_both = getval_in(api, fda, 0);
		if (write(p2c[1], "x", 1) != 1)
			kill(pid, SIGKILL);
	}
	wait_status(pid);
	if (fda >= 0) {
		o->after_exit = getval_in(api, fda, 0);
		close(fda);
	}
}

TEST(threads_that_all_leave_a_namespace_leave_their_list_to_the_exit)
{
	struct mt_out *n = shared(sizeof(*n)), *s = shared(sizeof(*s));

	SKIP_WITHOUT_IPC_NS();
	ASSERT_TRUE(n && s);
	if (have_native()) {
		undo_threads(&native_api, n);
		EXPECT_EQ(1, n->after_one.ret);
		EXPECT_EQ(0, n->after_both.ret);
		EXPECT_EQ(0, n->after_exit.ret);
	}
	undo_threads(&svipc_api, s);
	EXPECT_EQ(1, s->after_one.ret);
	EXPECT_EQ(1, s->after_both.ret) TH_LOG("svipc applied it before the exit");
	EXPECT_EQ(0, s->after_exit.ret);
}

/*
 * svipc only: a thousand namespaces with a queue, a set with an undo
 * list, an attached and an unattached segment each come and go; all of
 * it is freed (the rig's kmemleak scan after rmmod checks the memory)
 * and the module is held no more than before.
 */
TEST_F_TIMEOUT(many, a_thousand_namespaces_come_and_go, 900)
{
	double t, t0 = now_s();
	long base;
	int i;

	SKIP_WITHOUT_IPC_NS();
	ASSERT_GE(svipc_fd(), 0);
	base = settled_refs();
	for (i = 0; i < 1000; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct msgbuf8 m = { 1, "x" };
			struct sembuf up = { 0, 1, SEM_UNDO };
			int q, s, h;
			char *p;

			if (unshare(CLONE_NEWIPC))
				_exit(1);
			q = svipc_msgget(IPC_PRIVATE, 0600);
			s = svipc_semget(IPC_PRIVATE, 2, 0600);
			h = svipc_shmget(IPC_PRIVATE, 4096, 0600);
			if (q < 0 || s < 0 || h < 0 || svipc_msgsnd(q, &m, 1, 0) ||
			    svipc_semop(s, &up, 1))
				_exit(2);
			p = svipc_shmat(h, NULL, 0);
			if (p == (void *)-1)
				_exit(3);
			p[0] = 1;
			if (svipc_shmget(IPC_PRIVATE, 8192, 0600) < 0 ||
			    proc_count(&svipc_api, "shm", 0, NULL) != 2)
				_exit(4);
			_exit(0);
		}
		ASSERT_EQ(0, wait_status(pid)) TH_LOG("namespace %d", i);
	}
	TH_LOG("1000 namespaces in %.1f s", now_s() - t0);
	t = wait_refs(base);
	EXPECT_GE(t, 0) TH_LOG("the module is still held %ld times more than before",
			       module_refs() - base);
	EXPECT_EQ(0, proc_count(&svipc_api, "msg", 0, NULL));
}

SVIPC_TEST_MAIN
