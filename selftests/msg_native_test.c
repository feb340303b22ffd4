// SPDX-License-Identifier: GPL-2.0
/*
 * Message queue behaviours where svipc once differed from native Linux,
 * each run twice: with the kernel's own System V calls (where the kernel
 * has them) and with svipc's, and the two outcomes compared.  On a kernel
 * without native System V IPC only svipc runs, against native's outcome
 * written out.
 */
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>

#include "common.h"
#include "native.h"
#include "perm.h"

struct msg_api {
	const char *name;
	int (*get)(key_t key, int flg);
	int (*snd)(int id, const void *msgp, size_t sz, int flg);
	ssize_t (*rcv)(int id, void *msgp, size_t sz, long type, int flg);
	int (*ctl)(int id, int cmd, struct msqid_ds *ds);
};

static const struct msg_api native_api = {
	"native", msgget, msgsnd, msgrcv, msgctl,
};

static const struct msg_api svipc_api = {
	"svipc", svipc_msgget, svipc_msgsnd, svipc_msgrcv, svipc_msgctl,
};


/*
 * A buffer of which only the last @readable bytes before an unmapped
 * page can be read.  Returns the start of those bytes.
 */
static char *short_buffer(size_t readable)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + pg, pg);
	memset(p, 0, pg);
	return p + pg - readable;
}

/* MSG_COPY's checks on one API: the three calls of the scenario. */
static void msg_copy_order(const struct msg_api *api, struct res r[3])
{
	struct { long mtype; char text[8]; } m = { 1, "hello" };
	char *buf = short_buffer(64);
	int id = api->get(IPC_PRIVATE, 0600);

	/* NULL buffer, empty queue. */
	r[0] = RES(api->rcv(id, NULL, 16, 0, MSG_COPY | IPC_NOWAIT));
	/* NULL buffer, an id that names no queue. */
	r[1] = RES(api->rcv(id + 1, NULL, 16, 0, MSG_COPY | IPC_NOWAIT));
	/* A 6-byte message, 64 readable bytes, msgsz 4000. */
	api->snd(id, &m, 6, 0);
	r[2] = RES(api->rcv(id, buf, 4000, 0, MSG_COPY | IPC_NOWAIT));
	api->ctl(id, IPC_RMID, NULL);
	munmap(buf + 64 - sysconf(_SC_PAGESIZE), sysconf(_SC_PAGESIZE));
}

TEST(msg_copy_reads_the_callers_buffer_before_the_queue)
{
	struct res n[3] = {
		/* Native's outcome where the kernel has no System V IPC. */
		{ -1, EFAULT }, { -1, EFAULT }, { -1, EFAULT },
	}, s[3];
	static const char *const what[3] = {
		"NULL buffer, empty queue", "NULL buffer, bad id",
		"6-byte message, 64 readable bytes, msgsz 4000",
	};
	int i;

	if (have_native())
		msg_copy_order(&native_api, n);
	msg_copy_order(&svipc_api, s);
	for (i = 0; i < 3; i++)
		expect_same(_metadata, what[i], n[i], s[i]);
}

/* IPC_SET of @qbytes by the queue's owner @who; then IPC_STAT. */
struct qbytes_out {
	struct res set;
	unsigned long qbytes;
};

static void ipc_set_qbytes(const struct msg_api *api, const struct who *who,
			   unsigned long qbytes, struct qbytes_out *out)
{
	struct qbytes_out *shared;
	pid_t child;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		out->set = (struct res){ -2, errno };
		return;
	}
	child = fork();
	if (child == 0) {
		struct msqid_ds ds;
		int id;

		if (become_who(who))
			_exit(X_BECOME);
		id = api->get(IPC_PRIVATE, 0600);
		if (id < 0 || api->ctl(id, IPC_STAT, &ds))
			_exit(1);
		ds.msg_qbytes = qbytes;
		shared->set = RES(api->ctl(id, IPC_SET, &ds));
		if (api->ctl(id, IPC_STAT, &ds))
			_exit(2);
		shared->qbytes = ds.msg_qbytes;
		_exit(api->ctl(id, IPC_RMID, NULL) ? 3 : 0);
	}
	if (wait_status(child))
		shared->set = (struct res){ -3, 0 };
	*out = *shared;
	munmap(shared, sizeof(*shared));
}

TEST(msgctl_ipc_set_takes_qbytes_as_an_int)
{
	static const struct {
		const struct who *who;
		unsigned long asked;
		struct qbytes_out native;	/* where there is no native */
	} rows[] = {
		/* Cut to 100: allowed, and 100 is stored. */
		{ &owner, 0x100000064UL, { { 0, 0 }, 100 } },
		/* Cut to -1, which is above msgmnb as unsigned. */
		{ &owner, 0xffffffffUL, { { -1, EPERM }, 16384 } },
		{ &owner, 0x10000UL, { { -1, EPERM }, 16384 } },
		/* With CAP_SYS_RESOURCE, -1 is stored sign-extended. */
		{ &root, 0xffffffffUL, { { 0, 0 }, ULONG_MAX } },
		{ &root, 0x1ffffffffUL, { { 0, 0 }, ULONG_MAX } },
	};
	bool native = have_native();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct qbytes_out n = rows[i].native, s;

		if (native)
			ipc_set_qbytes(&native_api, rows[i].who, rows[i].asked, &n);
		ipc_set_qbytes(&svipc_api, rows[i].who, rows[i].asked, &s);
		expect_same(_metadata, "IPC_SET", n.set, s.set);
		EXPECT_EQ(n.qbytes, s.qbytes)
			TH_LOG("qbytes %#lx by uid %u: native stores %#lx, svipc %#lx",
			       rows[i].asked, rows[i].who->uid, n.qbytes, s.qbytes);
	}
}

/*
 * msgrcv into a buffer with fewer readable bytes than mtype: EFAULT, and
 * the buffer is left as it was (native stores mtype with put_user(),
 * whole or not at all); the message is gone all the same.
 */
struct short_rcv_out {
	struct res rcv;
	unsigned char after[5];
	unsigned long qnum;
};

static void rcv_short_mtype(const struct msg_api *api, struct short_rcv_out *out)
{
	struct { long mtype; char text[8]; } m = { 2, "abc" };
	unsigned char *buf = (unsigned char *)short_buffer(5);
	struct msqid_ds ds;
	int id = api->get(IPC_PRIVATE, 0600);

	memset(out, 0, sizeof(*out));
	out->rcv = (struct res){ -2, 0 };
	if (!buf || id < 0)
		return;
	memset(buf, 0xa5, 5);
	api->snd(id, &m, 3, 0);
	out->rcv = RES(api->rcv(id, buf, 100, 0, IPC_NOWAIT));
	memcpy(out->after, buf, 5);
	if (!api->ctl(id, IPC_STAT, &ds))
		out->qnum = ds.msg_qnum;
	api->ctl(id, IPC_RMID, NULL);
	munmap(buf + 5 - sysconf(_SC_PAGESIZE), sysconf(_SC_PAGESIZE));
}

TEST(msgrcv_into_a_buffer_too_short_for_mtype_writes_nothing)
{
	struct short_rcv_out n = {
		/* Native's outcome where the kernel has no System V IPC. */
		{ -1, EFAULT }, { 0xa5, 0xa5, 0xa5, 0xa5, 0xa5 }, 0,
	}, s;

	if (have_native())
		rcv_short_mtype(&native_api, &n);
	rcv_short_mtype(&svipc_api, &s);
	ASSERT_NE(-2, n.rcv.ret);
	ASSERT_NE(-2, s.rcv.ret);
	expect_same(_metadata, "msgrcv, 5 bytes for mtype", n.rcv, s.rcv);
	EXPECT_EQ(0, memcmp(n.after, s.after, 5))
		TH_LOG("after: native %02x %02x %02x %02x %02x, svipc %02x %02x %02x %02x %02x",
		       n.after[0], n.after[1], n.after[2], n.after[3], n.after[4],
		       s.after[0], s.after[1], s.after[2], s.after[3], s.after[4]);
	EXPECT_EQ(n.qnum, s.qnum);
}

/*
 * msgsnd and msgrcv are cancellation points (POSIX; glibc's are):
 * pthread_cancel() ends a thread blocked in one, running its cleanup
 * handlers, rather than making the call fail with EINTR.
 */
struct cancel_arg {
	const struct msg_api *api;
	int id;
	int send;		/* block in msgsnd on a full queue, else msgrcv */
	pid_t tid;		/* set by the thread */
	int cleaned;		/* set by its cleanup handler */
};

static void cancel_cleanup(void *p)
{
	__atomic_store_n(&((struct cancel_arg *)p)->cleaned, 1, __ATOMIC_RELEASE);
}

static void *cancel_blocker(void *p)
{
	struct cancel_arg *a = p;
	struct { long mtype; char text[8]; } m = { 1, "x" };

	__atomic_store_n(&a->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	pthread_cleanup_push(cancel_cleanup, a);
	if (a->send)
		a->api->snd(a->id, &m, 1, 0);
	else
		a->api->rcv(a->id, &m, sizeof(m.text), 0, 0);
	pthread_cleanup_pop(0);
	return NULL;
}

/* Until thread @tid sleeps in a system call (any); 0, or -1 after 20 s. */
static int wait_thread_asleep(pid_t tid)
{
	char dir[48];
	int i;

	snprintf(dir, sizeof(dir), "/proc/self/task/%d", tid);
	for (i = 0; i < 20000; i++) {
		if (task_asleep_in(dir, -1) == 1)
			return 0;
		usleep(1000);
	}
	return -1;
}

struct cancel_out {
	int cancelled;		/* joined as PTHREAD_CANCELED */
	int cleaned;
};

static int cancel_in_call(const struct msg_api *api, int send, struct cancel_out *out)
{
	struct cancel_arg a = { .api = api, .send = send };
	struct { long mtype; char text[8]; } m = { 1, "x" };
	struct msqid_ds ds;
	pthread_t t;
	void *ret;

	a.id = api->get(IPC_PRIVATE, 0600);
	if (a.id < 0)
		return -1;
	if (send) {
		/* A queue of one byte, full. */
		if (api->ctl(a.id, IPC_STAT, &ds))
			return -1;
		ds.msg_qbytes = 1;
		if (api->ctl(a.id, IPC_SET, &ds) || api->snd(a.id, &m, 1, IPC_NOWAIT))
			return -1;
	}
	if (pthread_create(&t, NULL, cancel_blocker, &a))
		return -1;
	while (!__atomic_load_n(&a.tid, __ATOMIC_ACQUIRE))
		usleep(100);
	if (wait_thread_asleep(a.tid))
		return -1;
	pthread_cancel(t);
	pthread_join(t, &ret);
	out->cancelled = ret == PTHREAD_CANCELED;
	out->cleaned = __atomic_load_n(&a.cleaned, __ATOMIC_ACQUIRE);
	api->ctl(a.id, IPC_RMID, NULL);
	return 0;
}

TEST(a_thread_blocked_in_msgsnd_or_msgrcv_is_cancelled)
{
	static const char *const what[2] = { "msgrcv", "msgsnd" };
	int send;

	for (send = 0; send < 2; send++) {
		/* Native's outcome where the kernel has no System V IPC. */
		struct cancel_out n = { 1, 1 }, s = { 0, 0 };
		const char *call = what[send];

		if (have_native())
			ASSERT_EQ(0, cancel_in_call(&native_api, send, &n)) TH_LOG("native %s", call);
		ASSERT_EQ(0, cancel_in_call(&svipc_api, send, &s)) TH_LOG("svipc %s", call);
		EXPECT_EQ(n.cancelled, s.cancelled)
			TH_LOG("%s: cancelled natively %d, in svipc %d", call, n.cancelled, s.cancelled);
		EXPECT_EQ(n.cleaned, s.cleaned)
			TH_LOG("%s: cleanup ran natively %d, in svipc %d", call, n.cleaned, s.cleaned);
	}
}

/*
 * A process's only thread that has cancelled itself is cancelled at its
 * next msgsnd or msgrcv, as with glibc: pthread_cancel() clears
 * __libc_single_threaded, so glibc's wrapper (and svipc's) takes the
 * cancellation path.  The call is IPC_NOWAIT, so that not acting would
 * show as the call returning (exit 3); cancelled, the child's last thread
 * ends and it exits 0.  Returns the child's wait status, or -1.
 */
static int self_cancel_in_call(const struct msg_api *api, int send)
{
	struct { long mtype; char text[8]; } m = { 1, "x" };
	int id = api->get(IPC_PRIVATE, 0600), st;
	pid_t pid;

	if (id < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		pthread_cancel(pthread_self());
		if (send)
			api->snd(id, &m, 1, IPC_NOWAIT);
		else
			api->rcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT);
		_exit(3);	/* not cancelled */
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		st = -1;
	api->ctl(id, IPC_RMID, NULL);
	return st;
}

TEST(a_lone_thread_that_cancelled_itself_is_cancelled_at_msgsnd_or_msgrcv)
{
	static const char *const what[2] = { "msgrcv", "msgsnd" };
	int send;

	for (send = 0; send < 2; send++) {
		/* Native's outcome where the kernel has no System V IPC: exit 0. */
		int n = 0, s = self_cancel_in_call(&svipc_api, send);
		const char *call = what[send];

		if (have_native())
			n = self_cancel_in_call(&native_api, send);
		ASSERT_NE(-1, n) TH_LOG("native %s", call);
		ASSERT_NE(-1, s) TH_LOG("svipc %s", call);
		EXPECT_EQ(n, s)
			TH_LOG("%s: wait status natively %#x, in svipc %#x", call, n, s);
		ksft_print_msg("%s: wait status natively %#x, in svipc %#x\n", call, n, s);
	}
}

SVIPC_TEST_MAIN
