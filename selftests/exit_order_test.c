// SPDX-License-Identifier: GPL-2.0
/*
 * What an exiting process undoes, and in which order, as native Linux
 * does it.  do_exit() calls exit_sem() and exit_shm() right after the
 * sched_process_exit tracepoint and before exit_files(): so whoever sees
 * one of the dying process's files go (a pipe's EOF, a socket's hang-up,
 * an fcntl record lock released by exit_files() itself) already sees its
 * SEM_UNDO applied and, under shm_rmid_forced, the unattached segments it
 * created destroyed.  A process that waits for that EOF and then takes
 * the semaphore with IPC_NOWAIT must not get EAGAIN.
 *
 * Each scenario runs twice, as fixture variants: with glibc's native
 * calls, where the kernel has System V IPC (not the debug kernel), and
 * with svipc's.  Both must see what is written here, which is the native
 * outcome: the native variant proves the expectation on the kernel at
 * hand, so svipc's observation equals native's.
 *
 * The dying child holds many open files (each its own struct file), and
 * the file the test watches at its highest descriptor.  exit_files()
 * closes descriptors in ascending order, and each last fput() queues a
 * ____fput() task work; task works run last in, first out, so the watched
 * file is released first and the thousands of others after it.  An undo
 * done as task work queued before exit_files() (from the tracepoint)
 * would only come after all of those: a wide, reliable window in which
 * the test would see the semaphore not yet given back.
 */
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "common.h"
#include "native.h"

/*
 * Open files of the dying child: its exit closes them all after the
 * watched one.  At most NFILES, or as many as it opens in OPEN_MS: as
 * long to close again, whatever the kernel's speed (KASAN is slow).
 */
#define NFILES		20000
#define OPEN_MS		1000
/* How long anything may take before the test calls it a hang, in ms. */
#define HANG_MS		20000

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* ---- the two implementations ----------------------------------------- */

struct ipc_api {
	const char *name;
	bool native;
	int (*semget)(key_t key, int nsems, int semflg);
	int (*semop)(int semid, struct sembuf *sops, size_t nsops);
	int (*semctl)(int semid, int semnum, int cmd, ...);
	int (*shmget)(key_t key, size_t size, int shmflg);
	int (*shmctl)(int shmid, int cmd, struct shmid_ds *buf);
	/* shm_rmid_forced: -1 if unreadable; 0 or an errno. */
	int (*get_rmid_forced)(void);
	int (*set_rmid_forced)(int val);
};

#define NATIVE_RMID_FORCED "/proc/sys/kernel/shm_rmid_forced"

static int native_get_rmid_forced(void)
{
	char buf[16] = "";
	int fd = open(NATIVE_RMID_FORCED, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = 0;
	close(fd);
	return buf[0] ? atoi(buf) : -1;
}

static int native_set_rmid_forced(int val)
{
	char buf[16];
	int fd = open(NATIVE_RMID_FORCED, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	snprintf(buf, sizeof(buf), "%d", val);
	if (write(fd, buf, strlen(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int svipc_get_rmid_forced(void)
{
	return param_get("shm_rmid_forced");
}

static int svipc_set_rmid_forced(int val)
{
	return param_set("shm_rmid_forced", val);
}

static const struct ipc_api native_api = {
	.name = "native",
	.native = true,
	.semget = semget,
	.semop = semop,
	.semctl = semctl,
	.shmget = shmget,
	.shmctl = shmctl,
	.get_rmid_forced = native_get_rmid_forced,
	.set_rmid_forced = native_set_rmid_forced,
};

static const struct ipc_api svipc_api = {
	.name = "svipc",
	.semget = svipc_semget,
	.semop = svipc_semop,
	.semctl = svipc_semctl,
	.shmget = svipc_shmget,
	.shmctl = svipc_shmctl,
	.get_rmid_forced = svipc_get_rmid_forced,
	.set_rmid_forced = svipc_set_rmid_forced,
};

static int used_segments(const struct ipc_api *api)
{
	struct shm_info info;

	if (api->shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return -1;
	return info.used_ids;
}

/* ---- the scenario ---------------------------------------------------- */

enum watched {
	WATCH_PIPE,	/* the test reads the pipe until EOF */
	WATCH_SOCKET,	/* the test polls its end of a socketpair for POLLHUP */
	WATCH_LOCK,	/* the test waits in F_SETLKW for the child's lock */
};

struct scenario {
	enum watched watch;
	bool sigkill;	/* killed while idle, instead of _exit(0) */
	bool shm;	/* a shm_rmid_forced segment, instead of SEM_UNDO */
};

FIXTURE(exit_order) {
	pid_t child;
	int semid;
	key_t key;
	int saved_rmid_forced;	/* -1: untouched */
	char lockpath[64];
};

FIXTURE_VARIANT(exit_order) {
	const struct ipc_api *api;
};

FIXTURE_VARIANT_ADD(exit_order, native) {
	.api = &native_api,
};

FIXTURE_VARIANT_ADD(exit_order, svipc) {
	.api = &svipc_api,
};

FIXTURE_SETUP(exit_order)
{
	self->child = 0;
	self->semid = -1;
	self->key = test_key(0);
	self->saved_rmid_forced = -1;
	snprintf(self->lockpath, sizeof(self->lockpath),
		 "/tmp/svipc-exit-order.%d", getpid());
}

FIXTURE_TEARDOWN(exit_order)
{
	const struct ipc_api *api = variant->api;
	int id;

	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->semid >= 0)
		api->semctl(self->semid, 0, IPC_RMID);
	id = api->shmget(self->key, 0, 0);
	if (id >= 0)
		api->shmctl(id, IPC_RMID, NULL);
	if (self->saved_rmid_forced >= 0)
		api->set_rmid_forced(self->saved_rmid_forced);
	unlink(self->lockpath);
}

/*
 * A child must never return into the harness: it checks with CHILD_CHECK
 * and leaves with _exit.
 */
static void __attribute__((noreturn)) child_fail(int line)
{
	fprintf(stderr, "# child %d: check at line %d failed (errno %d: %s)\n",
		getpid(), line, errno, strerror(errno));
	_exit(1);
}

#define CHILD_CHECK(cond) do { if (!(cond)) child_fail(__LINE__); } while (0)

/*
 * The dying child: NFILES open files, then its SEM_UNDO (semval 1 -> 0)
 * or its segment, then the watched file at the highest descriptor.  It
 * sends the segment's id (0 for a semaphore) and how many files it opened
 * on @ready once all is set.
 */
static void __attribute__((noreturn))
dying_child(const struct ipc_api *api, const struct scenario *sc,
	    const FIXTURE_DATA(exit_order) *self, int ready, int theirs)
{
	struct rlimit rl = { NFILES + 64, NFILES + 64 };
	struct sembuf take = { 0, -1, SEM_UNDO | IPC_NOWAIT };
	struct timespec t0, t;
	int fd, msg[2] = { 0, 0 };

	CHILD_CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Separate opens, not dup(): each close must be a last fput(). */
	for (msg[1] = 0; msg[1] < NFILES; msg[1]++) {
		CHILD_CHECK(open("/dev/null", O_RDONLY) >= 0);
		if (msg[1] % 256)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > OPEN_MS)
			break;
	}
	if (sc->shm) {
		msg[0] = api->shmget(self->key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		CHILD_CHECK(msg[0] >= 0);
	} else {
		CHILD_CHECK(api->semop(self->semid, &take, 1) == 0);
	}
	if (sc->watch == WATCH_LOCK) {
		struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		fd = open(self->lockpath, O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(fcntl(fd, F_SETLK, &lk) == 0);
	} else {
		/* Move the watched end above every other descriptor. */
		fd = dup(theirs);
		CHILD_CHECK(fd > theirs);
		CHILD_CHECK(close(theirs) == 0);
	}
	CHILD_CHECK(write(ready, msg, sizeof(msg)) == sizeof(msg));
	if (sc->sigkill)
		for (;;)
			pause();
	_exit(0);
}

static void on_alarm(int sig)
{
}

/*
 * Block until the child's watched file goes, as a waiter would: 0, or
 * an errno (ETIMEDOUT after HANG_MS).
 */
static int wait_for_release(const struct scenario *sc, int mine,
			    const char *lockpath)
{
	struct pollfd pfd = { .fd = mine, .events = POLLIN };
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct sigaction sa = { .sa_handler = on_alarm };
	char c;
	int fd, err = 0;

	switch (sc->watch) {
	case WATCH_PIPE:
		/* Nothing is ever written: the first readable moment is EOF. */
		if (poll(&pfd, 1, HANG_MS) != 1)
			return ETIMEDOUT;
		return read(mine, &c, 1) == 0 ? 0 : EPROTO;
	case WATCH_SOCKET:
		if (poll(&pfd, 1, HANG_MS) != 1)
			return ETIMEDOUT;
		if (!(pfd.revents & POLLHUP))
			return EPROTO;
		return read(mine, &c, 1) == 0 ? 0 : EPROTO;
	case WATCH_LOCK:
		fd = open(lockpath, O_RDWR);
		if (fd < 0)
			return errno;
		/* No SA_RESTART: the alarm only breaks a hang. */
		sigaction(SIGALRM, &sa, NULL);
		alarm(HANG_MS / 1000);
		if (fcntl(fd, F_SETLKW, &lk))
			err = errno == EINTR ? ETIMEDOUT : errno;
		alarm(0);
		close(fd);
		return err;
	}
	return EINVAL;
}

/* Wait for the child: its wait_status(), or -1 after HANG_MS. */
static int reap(FIXTURE_DATA(exit_order) *self)
{
	int i, st;

	for (i = 0; i < HANG_MS; i++) {
		pid_t r = waitpid(self->child, &st, WNOHANG);

		if (r < 0)
			return -1;
		if (r == self->child) {
			self->child = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			       WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
		}
		usleep(1000);
	}
	return -1;
}

/* What the test saw the moment the watched file went, and after the reap. */
struct seen {
	int files;		/* the child's open files, besides the watched */
	int status;		/* the child's wait_status() */
	/* SEM_UNDO */
	int semval;		/* GETVAL at release */
	int take;		/* semop(-1, IPC_NOWAIT) at release: 0 or errno */
	int semval_reaped;	/* GETVAL after the reap */
	/* shm_rmid_forced */
	int by_key;		/* shmget(key, 0, 0) at release: 0 or errno */
	int by_id;		/* IPC_STAT at release: 0 or errno */
	int used_left;		/* SHM_INFO used_ids at release, minus before */
	int by_key_reaped;	/* shmget(key, 0, 0) after the reap */
};

static void run(struct __test_metadata *_metadata,
		FIXTURE_DATA(exit_order) *self,
		const FIXTURE_VARIANT(exit_order) *variant,
		const struct scenario *sc, struct seen *seen)
{
	const struct ipc_api *api = variant->api;
	struct sembuf take = { 0, -1, IPC_NOWAIT };
	int ready[2], held[2] = { -1, -1 }, used = 0, msg[2], id;
	struct shmid_ds ds;

	if (api->native && !have_native())
		SKIP(return, "no native System V IPC in this kernel; svipc's variant checks the native outcome");
	memset(seen, 0, sizeof(*seen));
	if (sc->shm) {
		self->saved_rmid_forced = api->get_rmid_forced();
		ASSERT_LE(0, self->saved_rmid_forced);
		ASSERT_EQ(0, api->set_rmid_forced(1));
		used = used_segments(api);
		ASSERT_LE(0, used);
	} else {
		self->semid = api->semget(IPC_PRIVATE, 1, 0600);
		ASSERT_LE(0, self->semid);
		ASSERT_EQ(0, api->semctl(self->semid, 0, SETVAL,
					 (union semun){ .val = 1 }));
	}
	ASSERT_EQ(0, pipe(ready));
	switch (sc->watch) {
	case WATCH_PIPE:
		ASSERT_EQ(0, pipe(held));
		break;
	case WATCH_SOCKET:
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, held));
		break;
	case WATCH_LOCK: {
		int fd = open(self->lockpath, O_RDWR | O_CREAT | O_EXCL, 0600);

		ASSERT_LE(0, fd);
		close(fd);
		break;
	}
	}

	fflush(stdout);
	fflush(stderr);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		close(ready[0]);
		if (held[0] >= 0)
			close(held[0]);
		dying_child(api, sc, self, ready[1], held[1]);
	}
	close(ready[1]);
	/* Only the child may hold the watched end. */
	if (held[1] >= 0)
		close(held[1]);
	{
		struct pollfd pfd = { .fd = ready[0], .events = POLLIN };

		ASSERT_EQ(1, poll(&pfd, 1, HANG_MS));
		ASSERT_EQ(sizeof(msg), read(ready[0], msg, sizeof(msg)))
			TH_LOG("child failed before it was ready: status %d",
			       reap(self));
	}
	close(ready[0]);
	id = msg[0];
	seen->files = msg[1];
	if (sc->sigkill) {
		/* Idle until killed: its segment is there until then. */
		if (sc->shm)
			ASSERT_EQ(used + 1, used_segments(api));
		ASSERT_EQ(0, kill(self->child, SIGKILL));
	}

	ASSERT_EQ(0, wait_for_release(sc, held[0], self->lockpath));
	/* At once: the dying child is still closing its other files. */
	if (sc->shm) {
		seen->by_key = api->shmget(self->key, 0, 0) < 0 ? errno : 0;
		seen->by_id = api->shmctl(id, IPC_STAT, &ds) < 0 ? errno : 0;
		seen->used_left = used_segments(api) - used;
	} else {
		seen->semval = api->semctl(self->semid, 0, GETVAL);
		seen->take = api->semop(self->semid, &take, 1) ? errno : 0;
	}
	if (held[0] >= 0)
		close(held[0]);

	seen->status = reap(self);
	if (sc->shm)
		seen->by_key_reaped = api->shmget(self->key, 0, 0) < 0 ? errno : 0;
	else
		seen->semval_reaped = api->semctl(self->semid, 0, GETVAL);
}

static const char *const watch_name[] = {
	[WATCH_PIPE] = "pipe EOF",
	[WATCH_SOCKET] = "socket hang-up",
	[WATCH_LOCK] = "record lock granted",
};

/*
 * Run @sc and expect the native outcome: the exiting process's SEM_UNDO
 * applied, or its segment destroyed, before its watched file went.
 */
static void expect_native_order(struct __test_metadata *_metadata,
				FIXTURE_DATA(exit_order) *self,
				const FIXTURE_VARIANT(exit_order) *variant,
				struct scenario sc)
{
	const char *api = variant->api->name, *what = watch_name[sc.watch];
	struct seen seen;

	run(_metadata, self, variant, &sc, &seen);
	if (_metadata->skip)
		return;
	EXPECT_EQ(sc.sigkill ? 128 + SIGKILL : 0, seen.status);
	if (sc.shm) {
		EXPECT_EQ(ENOENT, seen.by_key)
			TH_LOG("%s: at %s shmget finds the dead creator's segment by key (%s; %d more files to close)",
			       api, what, strerror(seen.by_key), seen.files);
		EXPECT_EQ(EINVAL, seen.by_id)
			TH_LOG("%s: at %s IPC_STAT still finds the segment (%s)",
			       api, what, strerror(seen.by_id));
		EXPECT_EQ(0, seen.used_left)
			TH_LOG("%s: at %s SHM_INFO used_ids counts %d more than before the child",
			       api, what, seen.used_left);
		EXPECT_EQ(ENOENT, seen.by_key_reaped);
	} else {
		EXPECT_EQ(1, seen.semval)
			TH_LOG("%s: at %s semval is %d: SEM_UNDO not yet applied (%d more files to close)",
			       api, what, seen.semval, seen.files);
		EXPECT_EQ(0, seen.take)
			TH_LOG("%s: at %s semop(-1, IPC_NOWAIT) fails: %s",
			       api, what, strerror(seen.take));
		/* Applied exactly once: the test now holds what it gave back. */
		EXPECT_EQ(seen.take ? 1 : 0, seen.semval_reaped);
	}
}

#define SC(w, k, s) ((struct scenario){ .watch = (w), .sigkill = (k), .shm = (s) })
#define EXPECT_NATIVE_ORDER(sc) expect_native_order(_metadata, self, variant, sc)

TEST_F(exit_order, sem_undo_applied_before_pipe_eof_at_exit)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_PIPE, false, false));
}

TEST_F(exit_order, sem_undo_applied_before_pipe_eof_at_sigkill)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_PIPE, true, false));
}

TEST_F(exit_order, sem_undo_applied_before_socket_hangup_at_exit)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_SOCKET, false, false));
}

TEST_F(exit_order, sem_undo_applied_before_socket_hangup_at_sigkill)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_SOCKET, true, false));
}

TEST_F(exit_order, sem_undo_applied_before_record_lock_release_at_exit)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_LOCK, false, false));
}

TEST_F(exit_order, sem_undo_applied_before_record_lock_release_at_sigkill)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_LOCK, true, false));
}

TEST_F(exit_order, rmid_forced_segment_gone_before_pipe_eof_at_exit)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_PIPE, false, true));
}

TEST_F(exit_order, rmid_forced_segment_gone_before_pipe_eof_at_sigkill)
{
	EXPECT_NATIVE_ORDER(SC(WATCH_PIPE, true, true));
}

SVIPC_TEST_MAIN
