// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The drop-in shim: glibc's System V IPC names, and syscall() for their
 * twelve numbers, served by /dev/svipc.
 *
 * Built twice from this one file and the rest of lib/: into
 * libsvipc-preload.so for LD_PRELOAD, and into libsvipc-compat.a for
 * static programs linked with --whole-archive.  It is kept out of
 * libsvipc.a and libsvipc.so, which must never take over the standard
 * names of a program that merely links the library.
 *
 * The route is chosen once per process, at the first call: /dev/svipc if
 * it opens; otherwise, when SVIPC_FALLBACK=native, the kernel's own
 * calls; otherwise every call fails with ENOSYS, as the native calls do
 * on a kernel built without System V IPC, and one line on stderr says
 * why.  Latching the choice keeps one process from mixing ids of the two
 * implementations should the module be loaded while it runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "svipc.h"
#include "internal.h"

#if !defined(__x86_64__)
#error "the shim's raw system calls are written for x86-64 only"
#endif

enum shim_route {
	SHIM_UNDECIDED,
	SHIM_SVIPC,
	SHIM_NATIVE,
	SHIM_MISSING,
};

static int shim_route_latch = SHIM_UNDECIDED;

/*
 * A system call made directly, never through libc's syscall(), which
 * this file replaces.  On x86-64 glibc's own syscall() is exactly this,
 * so passing other numbers through here changes nothing for the caller.
 */
static long shim_raw(long nr, long a1, long a2, long a3, long a4, long a5,
		     long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	unsigned long ret;

	__asm__ volatile ("syscall"
			  : "=a" (ret)
			  : "0" (nr), "D" (a1), "S" (a2), "d" (a3),
			    "r" (r10), "r" (r8), "r" (r9)
			  : "rcx", "r11", "memory");
	if (ret > -4096UL) {
		errno = -(long)ret;
		return -1;
	}
	return (long)ret;
}

static void shim_say_missing(void)
{
	static const char msg[] =
		"svipc: /dev/svipc is missing (is the svipc module loaded?): "
		"System V IPC calls fail with ENOSYS; "
		"SVIPC_FALLBACK=native uses the kernel's own\n";
	int saved = errno;

	/* write(2) directly: stdio may be what the program is using. */
	shim_raw(SYS_write, 2, (long)msg, sizeof(msg) - 1, 0, 0, 0);
	errno = saved;
}

static int shim_route(void)
{
	int route = __atomic_load_n(&shim_route_latch, __ATOMIC_ACQUIRE);
	int old = SHIM_UNDECIDED;
	const char *fb;

	if (route != SHIM_UNDECIDED)
		return route;
	if (svipc_fd() >= 0) {
		route = SHIM_SVIPC;
	} else if (errno != ENOSYS) {
		/* Not absent but unusable (EACCES, EMFILE...): decide later. */
		return -1;
	} else {
		fb = getenv("SVIPC_FALLBACK");
		route = (fb && !strcmp(fb, "native")) ? SHIM_NATIVE : SHIM_MISSING;
	}
	if (!__atomic_compare_exchange_n(&shim_route_latch, &old, route, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return old;
	if (route == SHIM_MISSING)
		shim_say_missing();
	return route;
}

/*
 * Each entry point: -1 from shim_route() keeps its errno; SHIM_MISSING is
 * ENOSYS.  Returns nonzero when the call must fail now.
 */
static int shim_fails(int route)
{
	if (route == SHIM_MISSING)
		errno = ENOSYS;
	return route < 0 || route == SHIM_MISSING;
}

int msgget(key_t key, int msgflg)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_msgget, key, msgflg, 0, 0, 0, 0);
	return svipc_msgget(key, msgflg);
}

/*
 * msgsnd and msgrcv are cancellation points (see lib/internal.h) when
 * called by name, and not through syscall(), as with glibc.  This is the
 * native route's side of it; libsvipc's calls take care of their own.
 */
static long shim_raw_maybe_cancel(int cancel_point, long nr, long a1, long a2,
				  long a3, long a4, long a5)
{
	long ret;
	int cancel;

	if (!cancel_point || __libc_single_threaded)
		return shim_raw(nr, a1, a2, a3, a4, a5, 0);
	cancel = svipc_cancel_async_begin();
	ret = shim_raw(nr, a1, a2, a3, a4, a5, 0);
	svipc_cancel_async_end(cancel);
	return ret;
}

static long shim_msgsnd(int msqid, const void *msgp, size_t msgsz,
			int msgflg, int cancel_point)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r != SHIM_NATIVE)
		return cancel_point ? svipc_msgsnd(msqid, msgp, msgsz, msgflg) :
			svipc_msgsnd_nocancel(msqid, msgp, msgsz, msgflg);
	return shim_raw_maybe_cancel(cancel_point, SYS_msgsnd, msqid, (long)msgp,
				     msgsz, msgflg, 0);
}

static long shim_msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp,
			int msgflg, int cancel_point)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r != SHIM_NATIVE)
		return cancel_point ?
			svipc_msgrcv(msqid, msgp, msgsz, msgtyp, msgflg) :
			svipc_msgrcv_nocancel(msqid, msgp, msgsz, msgtyp, msgflg);
	return shim_raw_maybe_cancel(cancel_point, SYS_msgrcv, msqid, (long)msgp,
				     msgsz, msgtyp, msgflg);
}

int msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg)
{
	return shim_msgsnd(msqid, msgp, msgsz, msgflg, 1);
}

ssize_t msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp, int msgflg)
{
	return shim_msgrcv(msqid, msgp, msgsz, msgtyp, msgflg, 1);
}

int msgctl(int msqid, int cmd, struct msqid_ds *buf)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_msgctl, msqid, cmd, (long)buf, 0, 0, 0);
	return svipc_msgctl(msqid, cmd, buf);
}

int semget(key_t key, int nsems, int semflg)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_semget, key, nsems, semflg, 0, 0, 0);
	return svipc_semget(key, nsems, semflg);
}

int semop(int semid, struct sembuf *sops, size_t nsops)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_semop, semid, (long)sops, nsops, 0, 0, 0);
	return svipc_semop(semid, sops, nsops);
}

int semtimedop(int semid, struct sembuf *sops, size_t nsops,
	       const struct timespec *timeout)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_semtimedop, semid, (long)sops, nsops,
				(long)timeout, 0, 0);
	return svipc_semtimedop(semid, sops, nsops, timeout);
}

/* glibc's semun: the caller defines it; only its size and layout matter. */
union shim_semun {
	int val;
	void *ptr;
	unsigned long raw;
};

static int shim_semctl(int semid, int semnum, int cmd, union shim_semun arg)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_semctl, semid, semnum, cmd, (long)arg.raw,
				0, 0);
	return svipc_semctl(semid, semnum, cmd, arg);
}

int semctl(int semid, int semnum, int cmd, ...)
{
	union shim_semun arg = { .raw = 0 };
	va_list ap;

	/* Read the fourth argument only for the commands that take one. */
	if (svipc_semctl_has_arg(cmd)) {
		va_start(ap, cmd);
		arg = va_arg(ap, union shim_semun);
		va_end(ap);
	}
	return shim_semctl(semid, semnum, cmd, arg);
}

int shmget(key_t key, size_t size, int shmflg)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_shmget, key, size, shmflg, 0, 0, 0);
	return svipc_shmget(key, size, shmflg);
}

void *shmat(int shmid, const void *shmaddr, int shmflg)
{
	int r = shim_route();

	if (shim_fails(r))
		return (void *)-1;
	if (r == SHIM_NATIVE)
		return (void *)shim_raw(SYS_shmat, shmid, (long)shmaddr, shmflg,
					0, 0, 0);
	return svipc_shmat(shmid, shmaddr, shmflg);
}

int shmdt(const void *shmaddr)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_shmdt, (long)shmaddr, 0, 0, 0, 0, 0);
	return svipc_shmdt(shmaddr);
}

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	int r = shim_route();

	if (shim_fails(r))
		return -1;
	if (r == SHIM_NATIVE)
		return shim_raw(SYS_shmctl, shmid, cmd, (long)buf, 0, 0, 0);
	return svipc_shmctl(shmid, cmd, buf);
}

/*
 * syscall(2) with the twelve System V numbers routed like the names
 * above, every other number passed straight to the kernel.  Like glibc's
 * x86-64 syscall(), it takes six arguments whether or not the caller
 * passed them: the unused ones are whatever the registers held.
 */
long syscall(long number, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	switch (number) {
	case SYS_msgget:
		return msgget(a[0], a[1]);
	case SYS_msgsnd:
		return shim_msgsnd(a[0], (const void *)a[1], a[2], a[3], 0);
	case SYS_msgrcv:
		return shim_msgrcv(a[0], (void *)a[1], a[2], a[3], a[4], 0);
	case SYS_msgctl:
		return msgctl(a[0], a[1], (struct msqid_ds *)a[2]);
	case SYS_semget:
		return semget(a[0], a[1], a[2]);
	case SYS_semop:
		return semop(a[0], (struct sembuf *)a[1], a[2]);
	case SYS_semtimedop:
		return semtimedop(a[0], (struct sembuf *)a[1], a[2],
				  (const struct timespec *)a[3]);
	case SYS_semctl:
		/* The raw call passes the union as an unsigned long. */
		return shim_semctl(a[0], a[1], a[2],
				   (union shim_semun){ .raw = a[3] });
	case SYS_shmget:
		return shmget(a[0], a[1], a[2]);
	case SYS_shmat:
		return (long)shmat(a[0], (const void *)a[1], a[2]);
	case SYS_shmdt:
		return shmdt((const void *)a[0]);
	case SYS_shmctl:
		return shmctl(a[0], a[1], (struct shmid_ds *)a[2]);
	}
	return shim_raw(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
