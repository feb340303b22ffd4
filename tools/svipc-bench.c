// SPDX-License-Identifier: GPL-2.0
/*
 * svipc-bench: the same System V IPC workloads on the kernel's native
 * calls and on svipc, alternating native/svipc over several rounds in one
 * boot, so that both see the same machine state.
 *
 *	svipc-bench [-r rounds] [-t seconds] [-w workload] [-S|-N] [-m]
 *	svipc-bench -P [-r rounds] [-t seconds] [-m]
 *
 * For each workload it prints ops/s on each side (median over rounds),
 * the cost ratio: svipc's time per operation over native's (native ops/s
 * divided by svipc ops/s), as median and range over rounds (1.00 is
 * parity; above 1 svipc is slower), and what svipc adds to each System V
 * call the workload makes, in ns.  The null-call workload measures the
 * floor: a call that fails at once, so only the way in and out counts (a
 * system call natively, an ioctl with its argument block for svipc).
 * Under QEMU's icount mode (scripts/vm-run SVIPC_ACCEL=icount) the guest
 * clock counts instructions, so "ns" are instructions and every figure
 * repeats closely.  The scaling workloads (-S) need two CPUs and real time;
 * each round interleaves short runs of 1 and 2 workers on both sides and
 * gives a scaling factor per side, printed as median and range over
 * rounds, since real time under TCG drifts too much to divide medians.
 *
 * -P measures unmodified programs instead: stress-ng's System V
 * stressors (--msg, --sem-sysv, --shm-sysv, and --msg with 4 instances),
 * each run natively and then with LD_PRELOAD=libsvipc-preload.so (the
 * order alternating by round), pinned to CPU 0, for -t seconds; the
 * figure is stress-ng's bogo ops per second of real time.  Every run
 * has the same seed: stress-ng otherwise seeds its random numbers afresh,
 * and --shm-sysv's segment sizes with them, which made its bogo ops vary
 * from 118 to 162 per run under icount; with a fixed seed they repeat
 * (130 or 131 on both sides).
 *
 * Nothing here asserts a time: it measures and reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/svipc.h>

#include "svipc.h"
#include "ipc-impl.h"

static double run_seconds = 0.5;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A page both sides of a fork see: the stop flag and the workers' counts. */
struct shared {
	volatile int stop;
	volatile int ready;
	volatile unsigned long count[4];
};

static struct shared *shared_page(void)
{
	struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (s == MAP_FAILED)
		die("mmap");
	memset(s, 0, sizeof(*s));
	return s;
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, "svipc-bench: worker %d ended badly (%#x)\n", pid, st);
}

struct msgbuf_big {
	long type;
	char text[4096];
};

/*
 * The floor: a call that fails at once (a negative id is EINVAL before
 * anything is looked up), so that only the way into the kernel and back
 * is measured: a system call natively, an ioctl on /dev/svipc (with its
 * argument block copied in) for svipc.
 */
static double null_call(const struct ipc_impl *im)
{
	unsigned long n = 0;
	double t0, t;

	t0 = now();
	do {
		int i;

		for (i = 0; i < 256; i++)
			if (im->semctl(-1, 0, GETVAL) != -1 || errno != EINVAL)
				die("semctl(-1)");
		n += 256;
		t = now();
	} while (t - t0 < run_seconds);
	return n / (t - t0);
}

/* A new private queue in *@q, then fork: returns as fork() does. */
static pid_t fork_on_new_queue(const struct ipc_impl *im, int *q)
{
	pid_t pid;

	*q = im->msgget(IPC_PRIVATE, 0600);
	if (*q < 0)
		die("msgget");
	pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

/* Round trips per second between two processes on one queue. */
static double msg_pingpong(const struct ipc_impl *im, size_t size)
{
	static struct msgbuf_big m;
	unsigned long n = 0;
	double t0, t;
	pid_t pid;
	int q;

	pid = fork_on_new_queue(im, &q);
	if (pid == 0) {
		/* Echo type 1 as type 2 until a type 3 arrives. */
		for (;;) {
			if (im->msgrcv(q, &m, size, -3, 0) < 0)
				_exit(1);
			if (m.type == 3)
				_exit(0);
			m.type = 2;
			if (im->msgsnd(q, &m, size, 0))
				_exit(1);
		}
	}
	memset(m.text, 'x', size);
	t0 = now();
	do {
		int i;

		for (i = 0; i < 64; i++) {
			m.type = 1;
			if (im->msgsnd(q, &m, size, 0) ||
			    im->msgrcv(q, &m, size, 2, 0) < 0)
				die("ping-pong");
		}
		n += 64;
		t = now();
	} while (t - t0 < run_seconds);
	m.type = 3;
	im->msgsnd(q, &m, 0, 0);
	reap(pid);
	im->msgctl(q, IPC_RMID, NULL);
	return n / (t - t0);
}

static double msg_pingpong_8(const struct ipc_impl *im)
{
	return msg_pingpong(im, 8);
}

static double msg_pingpong_4k(const struct ipc_impl *im)
{
	return msg_pingpong(im, 4096);
}

/* Messages per second from one sender to one receiver, 64 B each. */
static double msg_stream(const struct ipc_impl *im)
{
	struct { long type; char text[64]; } m = { 1, { 0 } };
	unsigned long n = 0;
	double t0, t;
	pid_t pid;
	int q;

	pid = fork_on_new_queue(im, &q);
	if (pid == 0) {
		/* Send until the queue is removed under us. */
		while (im->msgsnd(q, &m, sizeof(m.text), 0) == 0)
			;
		_exit(errno == EIDRM || errno == EINVAL ? 0 : 1);
	}
	t0 = now();
	do {
		int i;

		for (i = 0; i < 64; i++)
			if (im->msgrcv(q, &m, sizeof(m.text), 0, 0) < 0)
				die("msgrcv");
		n += 64;
		t = now();
	} while (t - t0 < run_seconds);
	im->msgctl(q, IPC_RMID, NULL);
	reap(pid);
	return n / (t - t0);
}

/* P then V by one process, no contention: pairs per second. */
static double sem_uncontended(const struct ipc_impl *im, short flg)
{
	struct sembuf p = { 0, -1, flg }, v = { 0, 1, flg };
	unsigned long n = 0;
	double t0, t;
	int s;

	s = im->semget(IPC_PRIVATE, 1, 0600);
	if (s < 0 || im->semctl(s, 0, SETVAL, 1))
		die("semget");
	t0 = now();
	do {
		int i;

		for (i = 0; i < 256; i++)
			if (im->semop(s, &p, 1) || im->semop(s, &v, 1))
				die("semop");
		n += 256;
		t = now();
	} while (t - t0 < run_seconds);
	im->semctl(s, 0, IPC_RMID);
	return n / (t - t0);
}

static double sem_pv(const struct ipc_impl *im)
{
	return sem_uncontended(im, 0);
}

static double sem_pv_undo(const struct ipc_impl *im)
{
	return sem_uncontended(im, SEM_UNDO);
}

/* Round trips per second: V(0) P(1) against P(0) V(1). */
static double sem_pingpong(const struct ipc_impl *im)
{
	struct sembuf v0 = { 0, 1, 0 }, p0 = { 0, -1, 0 };
	struct sembuf v1 = { 1, 1, 0 }, p1 = { 1, -1, 0 };
	struct shared *sh = shared_page();
	unsigned long n = 0;
	double t0, t;
	pid_t pid;
	int s;

	s = im->semget(IPC_PRIVATE, 2, 0600);
	if (s < 0)
		die("semget");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (;;) {
			if (im->semop(s, &p0, 1))
				_exit(1);
			if (sh->stop)
				_exit(0);
			if (im->semop(s, &v1, 1))
				_exit(1);
		}
	}
	t0 = now();
	do {
		int i;

		for (i = 0; i < 64; i++)
			if (im->semop(s, &v0, 1) || im->semop(s, &p1, 1))
				die("semop");
		n += 64;
		t = now();
	} while (t - t0 < run_seconds);
	/* Raise the stop flag, then let the child see it. */
	sh->stop = 1;
	im->semop(s, &v0, 1);
	reap(pid);
	im->semctl(s, 0, IPC_RMID);
	munmap(sh, 4096);
	return n / (t - t0);
}

/* shmat + shmdt of a 1 MiB segment: pairs per second. */
static double shm_attach(const struct ipc_impl *im)
{
	unsigned long n = 0;
	double t0, t;
	int id;

	id = im->shmget(IPC_PRIVATE, 1 << 20, 0600);
	if (id < 0)
		die("shmget");
	t0 = now();
	do {
		int i;

		for (i = 0; i < 64; i++) {
			void *p = im->shmat(id, NULL, 0);

			if (p == (void *)-1 || im->shmdt(p))
				die("shmat");
		}
		n += 64;
		t = now();
	} while (t - t0 < run_seconds);
	im->shmctl(id, IPC_RMID, NULL);
	return n / (t - t0);
}

#define BW_SIZE		(64UL << 20)

/* Bytes per second writing, then reading, an attached 64 MiB segment. */
static double shm_bandwidth(const struct ipc_impl *im, int reading)
{
	unsigned long bytes = 0;
	volatile uint64_t sink = 0;
	double t0, t;
	uint64_t *p;
	int id;

	id = im->shmget(IPC_PRIVATE, BW_SIZE, 0600);
	if (id < 0)
		die("shmget");
	p = im->shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat");
	/* Fault every page in first: the bandwidth, not the allocation. */
	memset(p, 1, BW_SIZE);
	t0 = now();
	do {
		size_t i;

		if (reading) {
			uint64_t sum = 0;

			for (i = 0; i < BW_SIZE / 8; i++)
				sum += p[i];
			sink += sum;
		} else {
			memset(p, (int)bytes, BW_SIZE);
		}
		bytes += BW_SIZE;
		t = now();
	} while (t - t0 < run_seconds);
	im->shmdt(p);
	im->shmctl(id, IPC_RMID, NULL);
	return bytes / (t - t0) / (1 << 20);
}

static double shm_write(const struct ipc_impl *im)
{
	return shm_bandwidth(im, 0);
}

static double shm_read(const struct ipc_impl *im)
{
	return shm_bandwidth(im, 1);
}

/*
 * @workers processes at once, each on an object of its own: a queue
 * (send then receive its own message) or a set (P then V).  Total ops/s.
 */
static double scaling(const struct ipc_impl *im, int workers, int sem)
{
	struct shared *sh = shared_page();
	pid_t pids[4];
	double t0, t;
	unsigned long total = 0;
	int w;

	for (w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			struct { long type; char text[8]; } m = { 1, "scale" };
			struct sembuf p = { 0, -1, 0 }, v = { 0, 1, 0 };
			unsigned long n = 0;
			int id;

			id = sem ? im->semget(IPC_PRIVATE, 1, 0600) :
				   im->msgget(IPC_PRIVATE, 0600);
			if (id < 0 || (sem && im->semctl(id, 0, SETVAL, 1)))
				_exit(1);
			__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
			while (sh->ready < workers)
				;
			while (!sh->stop) {
				int i;

				for (i = 0; i < 64; i++) {
					if (sem ? im->semop(id, &p, 1) || im->semop(id, &v, 1) :
						  im->msgsnd(id, &m, 8, 0) ||
						  im->msgrcv(id, &m, 8, 0, 0) < 0)
						_exit(1);
				}
				n += 64;
			}
			sh->count[w] = n;
			if (sem)
				im->semctl(id, 0, IPC_RMID);
			else
				im->msgctl(id, IPC_RMID, NULL);
			_exit(0);
		}
	}
	while (sh->ready < workers)
		;
	t0 = now();
	usleep(run_seconds * 1e6);
	sh->stop = 1;
	t = now();
	for (w = 0; w < workers; w++)
		reap(pids[w]);
	for (w = 0; w < workers; w++)
		total += sh->count[w];
	munmap(sh, 4096);
	return total / (t - t0);
}

static double msg_scale1(const struct ipc_impl *im) { return scaling(im, 1, 0); }
static double msg_scale2(const struct ipc_impl *im) { return scaling(im, 2, 0); }
static double sem_scale1(const struct ipc_impl *im) { return scaling(im, 1, 1); }
static double sem_scale2(const struct ipc_impl *im) { return scaling(im, 2, 1); }

struct workload {
	const char *name;
	const char *unit;
	double (*fn)(const struct ipc_impl *im);
	int calls;		/* System V calls per operation */
	int scaling;		/* workload 7: compares 1 and 2 workers */
};

static const struct workload workloads[] = {
	{ "null-call", "calls/s", null_call, 1, 0 },
	{ "msg-pingpong-8B", "round trips/s", msg_pingpong_8, 4, 0 },
	{ "msg-pingpong-4KiB", "round trips/s", msg_pingpong_4k, 4, 0 },
	{ "msg-stream-64B", "msgs/s", msg_stream, 2, 0 },
	{ "sem-pv", "P+V/s", sem_pv, 2, 0 },
	{ "sem-pv-undo", "P+V/s", sem_pv_undo, 2, 0 },
	{ "sem-pingpong", "round trips/s", sem_pingpong, 4, 0 },
	{ "shm-attach-detach-1MiB", "pairs/s", shm_attach, 2, 0 },
	{ "shm-write-64MiB", "MiB/s", shm_write, 0, 0 },
	{ "shm-read-64MiB", "MiB/s", shm_read, 0, 0 },
	{ "scale-msg-1", "ops/s", msg_scale1, 2, 1 },
	{ "scale-msg-2", "ops/s", msg_scale2, 2, 1 },
	{ "scale-sem-1", "ops/s", sem_scale1, 2, 1 },
	{ "scale-sem-2", "ops/s", sem_scale2, 2, 1 },
};

#define NWORK	(sizeof(workloads) / sizeof(workloads[0]))
#define MAXROUNDS 32

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAXROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double minimum(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static double maximum(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

static int selected(size_t w, const char *only, int scaling)
{
	if (only && !strstr(workloads[w].name, only))
		return 0;
	return scaling < 0 || workloads[w].scaling == scaling;
}

/* Are workloads @w and @w + 1 the 1- and 2-worker runs of one kind? */
static int same_pair(size_t w)
{
	const struct workload *a = &workloads[w], *b = &workloads[w + 1];
	size_t len = strlen(a->name) - 2;

	return a->scaling && b->scaling && !strncmp(a->name, b->name, len) &&
	       !strcmp(a->name + len, "-1") && !strcmp(b->name + len, "-2");
}

/*
 * One round of a workload 7 pair from @w: native and svipc with 1 and 2
 * workers.  Real time under TCG drifts within a second, so the round's
 * four runs are cut into SLICES short runs, interleaved (and reversed
 * every other slice), so that a drift meets all four alike.
 */
#define SLICES 5

static void run_pair(size_t w, int r, double (*nat)[MAXROUNDS],
		     double (*svi)[MAXROUNDS])
{
	double whole = run_seconds, sum[4] = { 0 };
	int s, i, k;

	run_seconds = whole / SLICES;
	for (s = 0; s < SLICES; s++) {
		for (i = 0; i < 4; i++) {
			/* 0, 1: native with 1, 2 workers; 2, 3: svipc. */
			k = (s + r) % 2 ? 3 - i : i;
			sum[k] += workloads[w + k % 2].fn(k < 2 ? &ipc_native : &ipc_svipc);
		}
	}
	run_seconds = whole;
	for (k = 0; k < 4; k++)
		(k < 2 ? nat : svi)[w + k % 2][r] = sum[k] / SLICES;
}

static void print_row(size_t w, int md, int rounds, const double *nat,
		      const double *svi, const double *ratio, const double *extra)
{
	const struct workload *wl = &workloads[w];

	if (md)
		printf("| %s | %s | %.0f | %.0f | %.3f | %.3f–%.3f | %s%.0f |\n",
		       wl->name, wl->unit, median(nat, rounds), median(svi, rounds),
		       median(ratio, rounds), minimum(ratio, rounds),
		       maximum(ratio, rounds), wl->calls ? "" : "n/a ",
		       median(extra, rounds));
	else
		printf("%-24s %-14s native %12.0f  svipc %12.0f  cost ratio %.3f (%.3f-%.3f)  +%.0f ns/call\n",
		       wl->name, wl->unit, median(nat, rounds), median(svi, rounds),
		       median(ratio, rounds), minimum(ratio, rounds),
		       maximum(ratio, rounds), median(extra, rounds));
}

/*
 * -F: where the null call's instructions go, each step measured on its
 * own under icount: the kernel's system call path, its ioctl path (a
 * command /dev/null does not know), svipc's entry (a command svipc does
 * not know), its dispatch and argument block (SVIPC_IOC_SEMCTL on id -1,
 * made with syscall() as the two before), then the library.  Steps 1-4
 * go through glibc's syscall(), so they compare among themselves; the
 * last two rows are what a program calls, and their difference is
 * null-call's "+ per call".
 */
#define FLOOR_CALLS 65536

/* Both descriptors are looked up once: each step is the call alone. */
static int floor_nullfd = -1, floor_svipcfd = -1;
static struct svipc_ctl floor_ctl = { .id = -1, .cmd = GETVAL };

static long floor_syscall(void) { return syscall(SYS_semctl, -1, 0, GETVAL); }
static long floor_ioctl_null(void) { return syscall(SYS_ioctl, floor_nullfd, 0xE5FFUL, 0); }
static long floor_ioctl_unknown(void) { return syscall(SYS_ioctl, floor_svipcfd, 0xE5FFUL, 0); }
static long floor_ioctl_semctl(void)
{
	return syscall(SYS_ioctl, floor_svipcfd, SVIPC_IOC_SEMCTL, &floor_ctl);
}
static long floor_glibc(void) { return semctl(-1, 0, GETVAL); }
static long floor_library(void) { return svipc_semctl(-1, 0, GETVAL); }

static const struct floor_step {
	const char *name;
	long (*fn)(void);
	int err;
} floor_steps[] = {
	{ "system call: semctl(-1) by syscall()", floor_syscall, EINVAL },
	{ "ioctl on /dev/null, unknown command", floor_ioctl_null, ENOTTY },
	{ "ioctl on /dev/svipc, unknown command", floor_ioctl_unknown, ENOTTY },
	{ "ioctl on /dev/svipc, SEMCTL on id -1", floor_ioctl_semctl, EINVAL },
	{ "glibc semctl(-1) (native null call)", floor_glibc, EINVAL },
	{ "libsvipc svipc_semctl(-1) (svipc null call)", floor_library, EINVAL },
};

#define NFLOOR	(sizeof(floor_steps) / sizeof(floor_steps[0]))

static double floor_step_ns(const struct floor_step *st)
{
	double t0 = now();
	int i;

	for (i = 0; i < FLOOR_CALLS; i++)
		if (st->fn() != -1 || errno != st->err)
			die(st->name);
	return (now() - t0) * 1e9 / FLOOR_CALLS;
}

static int bench_floor(int rounds, int md)
{
	static double t[NFLOOR][MAXROUNDS];
	size_t i;
	int r;

	floor_svipcfd = svipc_fd();
	floor_nullfd = open("/dev/null", O_RDWR);
	if (floor_nullfd < 0)
		die("/dev/null");
	for (i = 0; i < NFLOOR; i++)
		floor_step_ns(&floor_steps[i]);		/* warm-up */
	for (r = 0; r < rounds; r++)
		for (i = 0; i < NFLOOR; i++)
			t[i][r] = floor_step_ns(&floor_steps[i]);
	for (i = 0; i < NFLOOR; i++) {
		double m = median(t[i], rounds);
		/* Steps 2-4 add to the one before; the library adds to step 4. */
		double prev = i == 0 || i == 4 ? 0 : median(t[i == 5 ? 3 : i - 1], rounds);

		if (md)
			printf("| %s | %.0f | %s%.0f |\n", floor_steps[i].name, m,
			       prev ? "+" : "", prev ? m - prev : m);
		else
			printf("%-46s %8.0f  %+8.0f\n", floor_steps[i].name, m,
			       prev ? m - prev : m);
	}
	if (md)
		printf("\nsvipc's null call costs %.0f more than native's.\n",
		       median(t[5], rounds) - median(t[4], rounds));
	close(floor_nullfd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: svipc-bench [-r rounds] [-t seconds] [-w workload] [-S|-N|-P|-F] [-m]\n"
		"  -S  only the scaling workloads (1 and 2 workers)\n"
		"  -N  all but the scaling workloads\n"
		"  -P  unmodified programs: stress-ng through the shim against native\n"
		"  -F  where a null call's instructions go, step by step\n"
		"  -m  Markdown table rows\n");
	exit(2);
}

/* ---- -P: unmodified programs ------------------------------------------ */

#define STRESS_NG	"/usr/bin/stress-ng"
#define PRELOAD		"/usr/lib/svipc/libsvipc-preload.so"

static const struct program {
	const char *name;		/* as stress-ng names the stressor */
	const char *option;
	const char *instances;
} programs[] = {
	{ "msg", "--msg", "1" },
	{ "sem-sysv", "--sem-sysv", "1" },
	{ "shm-sysv", "--shm-sysv", "1" },
	{ "msg", "--msg", "4" },
};

#define NPROG	(sizeof(programs) / sizeof(programs[0]))

/*
 * Run stress-ng's @p for run_seconds, through the shim if @shim; its
 * bogo ops per second of real time, from its metrics line
 * "stress-ng: metrc: [pid] NAME OPS REAL USR SYS OPS/S OPS/S", or -1.
 */
static double run_program(const struct program *p, int shim)
{
	char secs[32], buf[8192], *line;
	double ops_s = -1;
	size_t len = 0;
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	snprintf(secs, sizeof(secs), "%.0f", run_seconds < 1 ? 1 : run_seconds);
	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		const char *argv[] = {
			STRESS_NG, p->option, p->instances, "-t", secs,
			"--taskset", "0", "--seed", "1", "--metrics-brief", NULL,
		};

		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (shim)
			setenv("LD_PRELOAD", PRELOAD, 1);
		else
			unsetenv("LD_PRELOAD");
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(fds[1]);
	while (len + 1 < sizeof(buf) &&
	       (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fds[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64], *b = strstr(line, "metrc:");
		double ops, real, usr, sys, rate;

		if (!b || !(b = strchr(b, ']')))
			continue;
		if (sscanf(b + 1, "%63s %lf %lf %lf %lf %lf", name, &ops, &real,
			   &usr, &sys, &rate) == 6 && !strcmp(name, p->name))
			ops_s = rate;
	}
	return ops_s;
}

static int bench_programs(int rounds, int md)
{
	static double nat[MAXROUNDS], svi[MAXROUNDS], ratio[MAXROUNDS];
	size_t i;
	int r;

	if (access(STRESS_NG, X_OK) || access(PRELOAD, R_OK)) {
		fprintf(stderr, "svipc-bench: -P needs %s and %s\n", STRESS_NG, PRELOAD);
		return 1;
	}
	for (i = 0; i < NPROG; i++) {
		const struct program *p = &programs[i];

		for (r = 0; r < rounds; r++) {
			/* Alternate the order, A/B then B/A. */
			if (r % 2) {
				svi[r] = run_program(p, 1);
				nat[r] = run_program(p, 0);
			} else {
				nat[r] = run_program(p, 0);
				svi[r] = run_program(p, 1);
			}
			if (nat[r] <= 0 || svi[r] <= 0) {
				fprintf(stderr, "svipc-bench: stress-ng %s %s gave no figure\n",
					p->option, p->instances);
				return 1;
			}
			ratio[r] = nat[r] / svi[r];
		}
		if (md)
			printf("| stress-ng %s %s | bogo ops/s | %.0f | %.0f | %.3f | %.3f–%.3f |\n",
			       p->option, p->instances, median(nat, rounds),
			       median(svi, rounds), median(ratio, rounds),
			       minimum(ratio, rounds), maximum(ratio, rounds));
		else
			printf("stress-ng %-12s %-2s native %10.0f  svipc %10.0f  cost ratio %.3f (%.3f-%.3f)\n",
			       p->option, p->instances, median(nat, rounds),
			       median(svi, rounds), median(ratio, rounds),
			       minimum(ratio, rounds), maximum(ratio, rounds));
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static double nat[NWORK][MAXROUNDS], svi[NWORK][MAXROUNDS];
	static double ratio[NWORK][MAXROUNDS], extra[NWORK][MAXROUNDS];
	static double natx[MAXROUNDS], svix[MAXROUNDS], relx[MAXROUNDS];
	const char *only = NULL;
	int rounds = 5, md = 0, scaling = -1, progs = 0, floor = 0, opt, r;
	size_t w, n;

	while ((opt = getopt(argc, argv, "r:t:w:SNPFm")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 't':
			run_seconds = atof(optarg);
			break;
		case 'w':
			only = optarg;
			break;
		case 'S':
			scaling = 1;
			break;
		case 'N':
			scaling = 0;
			break;
		case 'P':
			progs = 1;
			break;
		case 'F':
			floor = 1;
			break;
		case 'm':
			md = 1;
			break;
		default:
			usage();
		}
	}
	if (rounds < 1 || rounds > MAXROUNDS || run_seconds <= 0)
		usage();
	/* Figures need both sides: refuse on a kernel without SysV IPC. */
	if (msgctl(0, IPC_INFO, (struct msqid_ds *)&(struct msginfo){ 0 }) < 0 &&
	    errno == ENOSYS) {
		fprintf(stderr, "svipc-bench: this kernel has no native System V IPC to compare with\n");
		return 1;
	}
	if (svipc_fd() < 0)
		die("/dev/svipc");
	if (progs)
		return bench_programs(rounds, md);
	if (floor)
		return bench_floor(rounds, md);

	for (w = 0; w < NWORK; w += n) {
		size_t i;

		n = 1;
		if (!selected(w, only, scaling))
			continue;
		/*
		 * Workload 7: 1 and 2 workers are measured in the same round,
		 * so that each round gives a scaling factor of its own, taken
		 * a few seconds apart on both sides.
		 */
		if (w + 1 < NWORK && same_pair(w) && selected(w + 1, only, scaling))
			n = 2;
		/* A warm-up run of each, not counted. */
		for (i = w; i < w + n; i++) {
			workloads[i].fn(&ipc_native);
			workloads[i].fn(&ipc_svipc);
		}
		for (r = 0; r < rounds; r++) {
			/* Alternate the order, A/B then B/A. */
			if (n == 2) {
				run_pair(w, r, nat, svi);
			} else if (r % 2) {
				svi[w][r] = workloads[w].fn(&ipc_svipc);
				nat[w][r] = workloads[w].fn(&ipc_native);
			} else {
				nat[w][r] = workloads[w].fn(&ipc_native);
				svi[w][r] = workloads[w].fn(&ipc_svipc);
			}
			for (i = w; i < w + n; i++) {
				ratio[i][r] = nat[i][r] / svi[i][r];
				/* What svipc adds to each call, in ns of this clock. */
				extra[i][r] = workloads[i].calls ?
					(1e9 / svi[i][r] - 1e9 / nat[i][r]) /
					workloads[i].calls : 0;
			}
			if (n == 2) {
				natx[r] = nat[w + 1][r] / nat[w][r];
				svix[r] = svi[w + 1][r] / svi[w][r];
				relx[r] = svix[r] / natx[r];
			}
		}
		for (i = w; i < w + n; i++)
			print_row(i, md, rounds, nat[i], svi[i], ratio[i], extra[i]);
		if (n == 2) {
			int len = (int)strlen(workloads[w].name) - 2;

			printf(md ? "\n%.*s scaling from 1 to 2 workers, median (range) of %d rounds: native ×%.2f (%.2f–%.2f), svipc ×%.2f (%.2f–%.2f); svipc's factor ÷ native's, per round: %.2f (%.2f–%.2f)\n" :
				    "%.*s scaling 1 -> 2 workers over %d rounds: native x%.2f (%.2f-%.2f)  svipc x%.2f (%.2f-%.2f)  svipc/native %.2f (%.2f-%.2f)\n",
			       len, workloads[w].name, rounds,
			       median(natx, rounds), minimum(natx, rounds), maximum(natx, rounds),
			       median(svix, rounds), minimum(svix, rounds), maximum(svix, rounds),
			       median(relx, rounds), minimum(relx, rounds), maximum(relx, rounds));
		}
		fflush(stdout);
	}
	return 0;
}
