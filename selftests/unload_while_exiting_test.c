// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading the module while processes that used it exit.  Nothing of an
 * exiting process may run the module's code once delete_module() has
 * returned: not the exit probe, and not any work it left for later.
 *
 * The first test stages the race of issue 11 step by step, so that it
 * happens every time.  With shm_rmid_forced set, a creator whose segment
 * is all it has of svipc (no descriptor, no mapping: nothing pins the
 * module) is killed while the unload waits inside svipc_exit(), where the
 * exit probe is still registered; it must not leave work that runs after
 * the module is freed.  Two user-space stalls, both on pages of a
 * userfaultfd nobody serves until the test says so, hold things still:
 *
 *  - a read() of /proc/svipc/shm parked in copy_to_user(), which keeps
 *    proc_remove(), and so svipc_exit(), waiting;
 *  - a write() to a pipe parked in copy_page_from_iter() with the pipe's
 *    mutex held: the creator holds that pipe's other end, so the
 *    ____fput() task work its exit_files() queues waits in pipe_release()
 *    until the test lets the writer go, and every task work queued
 *    before it (by the exit probe, say) waits too.  This stands in for
 *    "a creator with 100k open files", deterministically.
 *
 * The test releases the reader, lets delete_module() return, and only
 * then the writer.  A creator that runs freed module code dies in the
 * kernel's oops handler and is never reaped: the test fails on that, and
 * the rig on the oops in dmesg.
 *
 * The second test unloads and reloads the module 20 times while
 * processes come and go that use SEM_UNDO (and, last, leave only their
 * undo list to pin the module) or make a segment and close the device.
 * Each unload is held in svipc_exit() for a moment by a parked /proc
 * reader while such creators, with thousands of open files each, exit:
 * the same race, left to the creators' own timing (and to "many open
 * files" rather than a gate), many times over.
 *
 * Both unload the module and load it again from /svipc.ko, where the
 * test VM keeps it, so they run only inside the VM; each leaves it loaded
 * with default parameters.  The file's name sorts after unload_test, so
 * that they run last.  The test process itself never opens /dev/svipc
 * (an open descriptor pins the module): children do the svipc calls.
 */
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "common.h"

#define MODULE_PATH	"/svipc.ko"
#define MODULE_SYSFS	"/sys/module/svipc"
/* How long anything may take before the test calls it a hang, in ms. */
#define HANG_MS		20000
#define CYCLES		20
/*
 * Open files of a creator worker, so that its exit's task work lasts
 * long: at most CREATOR_FILES, or as many as it opens in CREATOR_MS.
 */
#define CREATOR_FILES	20000
#define CREATOR_MS	500

static long pg;

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

static bool in_vm(void)
{
	return access(MODULE_PATH, R_OK) == 0;
}

/* The module's initstate ("live", "going", ...), or "" when not loaded. */
static void module_state(char *buf, size_t n)
{
	ssize_t r = -1;
	int fd = open(MODULE_SYSFS "/initstate", O_RDONLY);

	if (fd >= 0) {
		r = read(fd, buf, n - 1);
		close(fd);
	}
	buf[r > 0 ? r : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
}

static bool module_loaded(void)
{
	return access(MODULE_SYSFS, F_OK) == 0;
}

/* 0 or an errno. */
static int load_module(const char *params)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = errno;
	close(fd);
	return err;
}

/* 0 or an errno. */
static int unload_module(void)
{
	return syscall(SYS_delete_module, "svipc", O_NONBLOCK) ? errno : 0;
}

/*
 * Unload, retrying while something still pins the module (EWOULDBLOCK)
 * or it is still coming up (EBUSY): 0, or the last errno after HANG_MS.
 */
static int unload_module_retrying(void)
{
	int i, err = 0;

	for (i = 0; i < HANG_MS; i++) {
		err = unload_module();
		if (err != EWOULDBLOCK && err != EBUSY)
			return err;
		usleep(1000);
	}
	return err;
}

/* Wait for @pid: its wait_status(), or -1 if not reaped within @ms. */
static int wait_status_ms(pid_t pid, int ms)
{
	int i, st;

	for (i = 0; i < ms; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r < 0)
			return -1;
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			       WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
		usleep(1000);
	}
	return -1;
}

/*
 * True once @pid has been through exit_files(): /proc says FDSize 0 when
 * the task has no files_struct any more.
 */
static bool files_gone(pid_t pid)
{
	char path[64], line[128];
	bool gone = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "FDSize:", 7)) {
			gone = atoi(line + 7) == 0;
			break;
		}
	fclose(f);
	return gone;
}

/* Run @fn in a child that may use svipc; its exit status. */
static int in_child(int (*fn)(void))
{
	pid_t child;

	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child == 0)
		_exit(fn());
	return child < 0 ? -1 : wait_status(child);
}

static int used_segments(void)
{
	struct shm_info info;

	if (svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return 100;
	return info.used_ids;
}

/* ---- userfaultfd: pages whose first touch waits for the test ---------- */

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Faults on missing pages of [@area, @area + @len) wait for the test. */
static int uffd_register(int uffd, char *area, long len)
{
	struct uffdio_register reg = {
		.range = { (unsigned long)area, len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	return ioctl(uffd, UFFDIO_REGISTER, &reg);
}

/* Wait until some thread faults on @page: 0, or -1 after HANG_MS. */
static int uffd_wait_fault(int uffd, const char *page)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;
	int i;

	for (i = 0; i < HANG_MS / 100; i++) {
		if (poll(&pfd, 1, 100) < 0)
			return -1;
		/* A retried fault may report twice: skip other pages. */
		while (read(uffd, &msg, sizeof(msg)) == sizeof(msg))
			if (msg.event == UFFD_EVENT_PAGEFAULT &&
			    (msg.arg.pagefault.address & ~(pg - 1)) ==
			    (unsigned long)page)
				return 0;
	}
	return -1;
}

/* Serve @page, waking whoever waits on it: 0 or -1. */
static int uffd_serve(int uffd, char *page, const char *src)
{
	struct uffdio_copy copy = {
		.dst = (unsigned long)page,
		.src = (unsigned long)src,
		.len = pg,
	};

	if (ioctl(uffd, UFFDIO_COPY, &copy) && errno != EEXIST)
		return -1;
	return 0;
}

/* ---- threads that block in the kernel -------------------------------- */

struct job {
	pthread_t thread;
	bool started;
	int fd;
	char *buf;
	long ret;
	int err;
	int done;		/* atomic */
};

static void *reader_main(void *arg)
{
	struct job *j = arg;

	j->ret = read(j->fd, j->buf, pg);
	j->err = errno;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *writer_main(void *arg)
{
	struct job *j = arg;

	j->ret = write(j->fd, j->buf, pg);
	j->err = errno;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *unloader_main(void *arg)
{
	struct job *j = arg;

	j->err = unload_module();
	j->ret = j->err ? -1 : 0;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The same, retrying while workers still pin the module. */
static void *retrying_unloader_main(void *arg)
{
	struct job *j = arg;

	j->err = unload_module_retrying();
	j->ret = j->err ? -1 : 0;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int start(struct job *j, void *(*fn)(void *))
{
	j->done = 0;
	if (pthread_create(&j->thread, NULL, fn, j))
		return -1;
	j->started = true;
	return 0;
}

static bool job_done(struct job *j)
{
	return __atomic_load_n(&j->done, __ATOMIC_ACQUIRE);
}

/* Join @j: 0, or -1 if it is still blocked after HANG_MS. */
static int join(struct job *j)
{
	struct timespec ts;

	if (!j->started)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HANG_MS / 1000;
	if (pthread_timedjoin_np(j->thread, NULL, &ts))
		return -1;
	j->started = false;
	return 0;
}

/* ---- fixture --------------------------------------------------------- */

/* Shared by the second test and its workers. */
struct tally {
	int stop;		/* the spawner stops */
	int gen;		/* bumped by the test: waiting creators exit */
	int waiting;		/* creators waiting for the bump */
	int ok;
	int nomodule;
	int failed;
	int first_failure;	/* a worker's status */
	int stuck;		/* never reaped */
	int during_unload;	/* creators that exited on a bump */
};

FIXTURE(unload) {
	int uffd;
	char *area;		/* pages registered with uffd */
	int npages;
	char *src;		/* what fills them */
	struct job reader, writer, unloader;
	pid_t creator;
	pid_t spawner;
	int saved_rmid_forced;	/* -1: untouched */
	struct tally *tally;	/* shared with the spawner */
};

FIXTURE_SETUP(unload)
{
	pg = sysconf(_SC_PAGESIZE);
	self->uffd = -1;
	self->area = MAP_FAILED;
	self->saved_rmid_forced = -1;
	self->reader.fd = -1;
	self->writer.fd = -1;
	/* A writer let go after the creator's exit must not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	self->src = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->src);
	memset(self->src, 'x', pg);
	self->tally = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->tally);
}

/*
 * Whatever happened: let both parked threads go (the reader holds up an
 * unload, the writer the creator's exit), reap what can be reaped, and
 * leave the module loaded with default parameters for the next test.
 */
FIXTURE_TEARDOWN(unload)
{
	int i;

	for (i = 0; i < self->npages; i++)
		uffd_serve(self->uffd, self->area + i * pg, self->src);
	join(&self->reader);
	join(&self->unloader);
	join(&self->writer);
	if (self->reader.fd >= 0)
		close(self->reader.fd);
	if (self->writer.fd >= 0)
		close(self->writer.fd);
	if (self->spawner > 0) {
		__atomic_store_n(&self->tally->stop, 1, __ATOMIC_RELEASE);
		if (wait_status_ms(self->spawner, HANG_MS) < 0)
			kill(self->spawner, SIGKILL);
	}
	if (self->creator > 0) {
		kill(self->creator, SIGKILL);
		/* One that died in freed module code is never reaped. */
		wait_status_ms(self->creator, 1000);
	}
	if (!module_loaded())
		load_module("");
	else if (self->saved_rmid_forced >= 0)
		param_set("shm_rmid_forced", self->saved_rmid_forced);
}

/*
 * @n pages whose first touch waits until the test serves them: 0 or an
 * errno (ENOSYS, EPERM: no userfaultfd for us).
 */
static int stall_pages(FIXTURE_DATA(unload) *self, int n)
{
	self->uffd = uffd_open();
	if (self->uffd < 0)
		return errno;
	self->area = mmap(NULL, n * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (self->area == MAP_FAILED)
		return errno;
	if (uffd_register(self->uffd, self->area, n * pg))
		return errno;
	self->npages = n;
	return 0;
}

/*
 * Park a reader of /proc/svipc/shm on @page, then start an unload, which
 * waits for that reader in svipc_exit() with the module going and its
 * exit probe registered: 0, or -1 with the reason logged.
 */
static int park_unload(struct __test_metadata *_metadata,
		       FIXTURE_DATA(unload) *self, char *page,
		       void *(*unloader)(void *))
{
	char state[32] = "";
	int i;

	self->reader.fd = open("/proc/svipc/shm", O_RDONLY | O_CLOEXEC);
	self->reader.buf = page;
	if (self->reader.fd < 0 || start(&self->reader, reader_main) ||
	    uffd_wait_fault(self->uffd, page)) {
		TH_LOG("the /proc reader never faulted");
		return -1;
	}
	if (start(&self->unloader, unloader))
		return -1;
	for (i = 0; i < HANG_MS; i++) {
		module_state(state, sizeof(state));
		if (!strcmp(state, "going") || job_done(&self->unloader))
			break;
		usleep(1000);
	}
	if (job_done(&self->unloader) || strcmp(state, "going")) {
		TH_LOG("delete_module did not wait for the /proc reader: %s (module %s)",
		       strerror(self->unloader.err), state);
		return -1;
	}
	return 0;
}

/* Let the parked reader go, and the unload finish: 0 or -1, logged. */
static int finish_unload(struct __test_metadata *_metadata,
			 FIXTURE_DATA(unload) *self)
{
	if (uffd_serve(self->uffd, self->reader.buf, self->src) ||
	    join(&self->reader))
		return -1;
	if (self->reader.ret <= 0)
		TH_LOG("/proc/svipc/shm read: %s", strerror(self->reader.err));
	close(self->reader.fd);
	self->reader.fd = -1;
	if (join(&self->unloader)) {
		TH_LOG("delete_module still blocked after the reader left");
		return -1;
	}
	if (self->unloader.err) {
		TH_LOG("delete_module: %s", strerror(self->unloader.err));
		return -1;
	}
	return 0;
}

/* ---- a creator's exit racing the unload ------------------------------- */

TEST_F_TIMEOUT(unload, creator_exit_during_unload_runs_no_freed_module_code, 180)
{
	int ready[2], gate[2], id = -1, i, err;
	char state[32] = "";

	if (!in_vm())
		SKIP(return, "no " MODULE_PATH ": not in the test VM");
	/* Two pages: the reader's, the writer's. */
	err = stall_pages(self, 2);
	if (err == ENOSYS || err == EPERM)
		SKIP(return, "no userfaultfd: %s", strerror(err));
	ASSERT_EQ(0, err);
	module_state(state, sizeof(state));
	ASSERT_STREQ("live", state);
	self->saved_rmid_forced = param_get("shm_rmid_forced");
	ASSERT_LE(0, self->saved_rmid_forced);
	ASSERT_EQ(0, param_set("shm_rmid_forced", 1));

	/*
	 * The creator: one unattached segment, its descriptor of the device
	 * closed, so nothing of it pins the module.  It holds the read end
	 * of the gate pipe, and is the only one to.
	 */
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(gate));
	fflush(stdout);
	fflush(stderr);
	self->creator = fork();
	ASSERT_LE(0, self->creator);
	if (self->creator == 0) {
		close(ready[0]);
		close(gate[1]);
		id = svipc_shmget(IPC_PRIVATE, pg, 0600);
		if (id < 0 || close(svipc_fd()))
			_exit(1);
		if (write(ready[1], &id, sizeof(id)) != sizeof(id))
			_exit(2);
		for (;;)
			pause();
	}
	close(ready[1]);
	close(gate[0]);
	ASSERT_EQ(sizeof(id), read(ready[0], &id, sizeof(id)));
	close(ready[0]);
	ASSERT_LE(0, id);

	/* The gate: a writer parked with the pipe's mutex held. */
	self->writer.fd = gate[1];
	self->writer.buf = self->area + pg;
	ASSERT_EQ(0, start(&self->writer, writer_main));
	ASSERT_EQ(0, uffd_wait_fault(self->uffd, self->area + pg))
		TH_LOG("the gate's writer never faulted");

	/*
	 * The reader, parked inside a read of /proc/svipc/shm, and the
	 * unload, which cannot get past proc_remove() in svipc_exit().
	 */
	ASSERT_EQ(0, park_unload(_metadata, self, self->area, unloader_main));

	/*
	 * The creator exits while the module is going and its exit probe is
	 * still registered.  Once its files are gone, the probe has run
	 * (do_exit() fires it before exit_files()), and its exit is held in
	 * task work, behind the gate.
	 */
	ASSERT_EQ(0, kill(self->creator, SIGKILL));
	for (i = 0; i < HANG_MS && !files_gone(self->creator); i++)
		usleep(1000);
	ASSERT_TRUE(files_gone(self->creator));

	/* Let the unload finish. */
	ASSERT_EQ(0, finish_unload(_metadata, self));
	ASSERT_FALSE(module_loaded());
	/* The gate held: the creator is still inside its exit. */
	ASSERT_EQ(0, waitpid(self->creator, NULL, WNOHANG));

	/* Now the rest of its exit runs, with the module gone. */
	ASSERT_EQ(0, uffd_serve(self->uffd, self->area + pg, self->src));
	ASSERT_EQ(0, join(&self->writer));
	EXPECT_EQ(128 + SIGKILL, wait_status_ms(self->creator, 10000))
		TH_LOG("the creator never finished its exit: it ran code of the unloaded module (see the kernel log)");
	self->creator = 0;

	/* Back for the rest of the suite: a fresh module, no segment. */
	ASSERT_EQ(0, load_module(""));
	EXPECT_EQ(0, in_child(used_segments));
}

/* ---- many unloads while processes exit -------------------------------- */

/* Exit statuses of the workers below. */
#define WORKER_OK		0
#define WORKER_NOMODULE	99	/* the module was away: nothing to check */

/* A worker's check failed: exit with its line, which the test logs. */
#define WORKER_CHECK(c) do { if (!(c)) _exit(__LINE__ % 98 + 1); } while (0)

/*
 * SEM_UNDO: a child takes the semaphore with SEM_UNDO and exits or is
 * killed; its parent, once it has reaped it, finds the value back.  Then
 * the parent leaves itself nothing but an undo list (the set removed,
 * the device closed), which alone pins the module until its exit has
 * applied it.
 */
static void __attribute__((noreturn)) undo_worker(int n)
{
	struct sembuf take = { 0, -1, SEM_UNDO }, give = { 0, 1, SEM_UNDO };
	int id = svipc_semget(IPC_PRIVATE, 1, 0600), st;
	pid_t child;

	if (id < 0 && errno == ENOSYS)
		_exit(WORKER_NOMODULE);
	WORKER_CHECK(id >= 0);
	WORKER_CHECK(svipc_semctl(id, 0, SETVAL, (union semun){ .val = 1 }) == 0);
	child = fork();
	WORKER_CHECK(child >= 0);
	if (child == 0) {
		if (svipc_semop(id, &take, 1))
			_exit(1);
		if (n & 2)
			raise(SIGKILL);
		_exit(0);
	}
	st = wait_status(child);
	WORKER_CHECK(st == 0 || st == 128 + SIGKILL);
	WORKER_CHECK(svipc_semctl(id, 0, GETVAL) == 1);
	WORKER_CHECK(svipc_semop(id, &give, 1) == 0);
	WORKER_CHECK(svipc_semctl(id, 0, IPC_RMID) == 0);
	WORKER_CHECK(close(svipc_fd()) == 0);
	if (n & 4)
		raise(SIGKILL);
	_exit(WORKER_OK);
}

/*
 * shm_rmid_forced: a creator with many open files (so that its exit's
 * task work is long) and one unattached segment, the device closed: its
 * exit alone destroys the segment, with nothing pinning the module.  It
 * waits (up to 1 s) for the test to start an unload, and exits while
 * that is under way.
 */
static void __attribute__((noreturn)) creator_worker(struct tally *t, int n)
{
	struct rlimit rl = { CREATOR_FILES + 64, CREATOR_FILES + 64 };
	struct timespec t0, now;
	int i, id, gen;

	WORKER_CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < CREATOR_FILES; i++) {
		WORKER_CHECK(open("/dev/null", O_RDONLY) >= 0);
		if (i % 256)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000 > CREATOR_MS)
			break;
	}
	id = svipc_shmget(IPC_PRIVATE, 4096, 0600);
	if (id < 0 && errno == ENOSYS)
		_exit(WORKER_NOMODULE);
	WORKER_CHECK(id >= 0);
	WORKER_CHECK(close(svipc_fd()) == 0);
	gen = __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
	__atomic_add_fetch(&t->waiting, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(&t->gen, __ATOMIC_ACQUIRE) != gen) {
			__atomic_add_fetch(&t->during_unload, 1, __ATOMIC_RELAXED);
			break;
		}
		usleep(1000);
	}
	__atomic_sub_fetch(&t->waiting, 1, __ATOMIC_RELEASE);
	if (n & 2)
		raise(SIGKILL);
	_exit(WORKER_OK);
}

static void count(struct tally *t, int st)
{
	if (st == WORKER_OK || st == 128 + SIGKILL) {
		__atomic_add_fetch(&t->ok, 1, __ATOMIC_RELAXED);
	} else if (st == WORKER_NOMODULE) {
		__atomic_add_fetch(&t->nomodule, 1, __ATOMIC_RELAXED);
	} else {
		if (!__atomic_fetch_add(&t->failed, 1, __ATOMIC_RELAXED))
			t->first_failure = st;
	}
}

/* Keeps three workers alive until told to stop; never uses svipc itself. */
static void __attribute__((noreturn)) spawner(struct tally *t)
{
	int live = 0, n = 0, st, i;
	pid_t pid;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		while (live < 3) {
			pid = fork();
			if (pid == 0) {
				if (n % 2)
					creator_worker(t, n);
				undo_worker(n);
			}
			if (pid < 0)
				break;
			live++;
			n++;
		}
		pid = waitpid(-1, &st, 0);
		if (pid > 0) {
			st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			live--;
			count(t, st);
			/* Do not spin while the module is away. */
			if (st == WORKER_NOMODULE)
				usleep(1000);
		}
	}
	/* Workers that ran freed module code are never reaped. */
	for (i = 0; live && i < HANG_MS; i++) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0) {
			live--;
			count(t, WIFEXITED(st) ? WEXITSTATUS(st) :
				 128 + WTERMSIG(st));
		} else {
			usleep(1000);
		}
	}
	t->stuck = live;
	_exit(0);
}

TEST_F_TIMEOUT(unload, unload_and_reload_20_times_while_undo_users_and_creators_exit, 900)
{
	struct tally *t = self->tally;
	bool park;
	int cycle;

	if (!in_vm())
		SKIP(return, "no " MODULE_PATH ": not in the test VM");
	/* Without userfaultfd, plain unloads only. */
	park = stall_pages(self, CYCLES) == 0;
	if (!park)
		TH_LOG("no userfaultfd: unloads are not held in svipc_exit()");
	ASSERT_TRUE(module_loaded());
	self->saved_rmid_forced = param_get("shm_rmid_forced");
	ASSERT_LE(0, self->saved_rmid_forced);
	ASSERT_EQ(0, param_set("shm_rmid_forced", 1));
	memset(t, 0, sizeof(*t));
	fflush(stdout);
	fflush(stderr);
	self->spawner = fork();
	ASSERT_LE(0, self->spawner);
	if (self->spawner == 0)
		spawner(t);

	for (cycle = 0; cycle < CYCLES; cycle++) {
		int err, ok = __atomic_load_n(&t->ok, __ATOMIC_RELAXED), i;

		/*
		 * Some work done with the module there, and a creator waiting
		 * to exit; then away with the module.
		 */
		for (i = 0; i < HANG_MS; i++) {
			if (__atomic_load_n(&t->ok, __ATOMIC_RELAXED) > ok &&
			    __atomic_load_n(&t->waiting, __ATOMIC_ACQUIRE))
				break;
			usleep(1000);
		}
		ASSERT_GT(t->ok, ok)
			TH_LOG("cycle %d: no worker got through with the module loaded",
			       cycle);
		if (!park) {
			err = unload_module_retrying();
			__atomic_add_fetch(&t->gen, 1, __ATOMIC_RELEASE);
			ASSERT_EQ(0, err)
				TH_LOG("cycle %d: delete_module: %s", cycle,
				       strerror(err));
		} else {
			/*
			 * Hold the unload in svipc_exit(), its exit probe still
			 * registered, while the waiting creators exit; let it
			 * finish while their exits close their files.
			 */
			ASSERT_EQ(0, park_unload(_metadata, self,
						 self->area + cycle * pg,
						 retrying_unloader_main))
				TH_LOG("cycle %d", cycle);
			__atomic_add_fetch(&t->gen, 1, __ATOMIC_RELEASE);
			for (i = 0; i < HANG_MS; i++) {
				if (!__atomic_load_n(&t->waiting, __ATOMIC_ACQUIRE))
					break;
				usleep(1000);
			}
			usleep(5000);
			ASSERT_EQ(0, finish_unload(_metadata, self))
				TH_LOG("cycle %d", cycle);
		}
		usleep(5000);
		err = load_module("shm_rmid_forced=1");
		ASSERT_EQ(0, err)
			TH_LOG("cycle %d: finit_module: %s", cycle, strerror(err));
	}
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(0, wait_status_ms(self->spawner, 2 * HANG_MS));
	self->spawner = 0;
	TH_LOG("workers: %d done (%d creators exited during an unload), %d found no module, %d failed, %d never reaped",
	       t->ok, t->during_unload, t->nomodule, t->failed, t->stuck);
	EXPECT_EQ(0, t->failed)
		TH_LOG("first failed worker's status: %d", t->first_failure);
	EXPECT_EQ(0, t->stuck)
		TH_LOG("workers that never finished their exit ran code of an unloaded module (see the kernel log)");
	EXPECT_LT(0, t->ok);
	/* Every creator is gone, and shm_rmid_forced took its segment. */
	EXPECT_EQ(0, in_child(used_segments));

	/* Leave the module as the suite expects it: default parameters. */
	ASSERT_EQ(0, unload_module_retrying());
	ASSERT_EQ(0, load_module(""));
	self->saved_rmid_forced = -1;
}

SVIPC_TEST_MAIN
