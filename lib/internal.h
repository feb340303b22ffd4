/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SVIPC_LIB_INTERNAL_H
#define SVIPC_LIB_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/single_threaded.h>

#include "svipc.h"

#define SVIPC_HIDDEN __attribute__((visibility("hidden")))

/* The process's descriptor of /dev/svipc once open, else -1 (dev.c). */
extern int svipc_devfd SVIPC_HIDDEN;

/* The descriptor, opened if need be; -1 + errno on failure. */
static inline int svipc_devfd_get(void)
{
	int fd = __atomic_load_n(&svipc_devfd, __ATOMIC_ACQUIRE);

	return __builtin_expect(fd >= 0, 1) ? fd : svipc_fd();
}

/*
 * ioctl on the process's device descriptor; -1 + errno on failure.
 * Inline, with the descriptor read in place: this is every call's path,
 * and a call through the library should cost little more than glibc's
 * own wrapper (README, "Performance").
 */
static inline long svipc_call(unsigned long cmd, void *arg)
{
	int fd = svipc_devfd_get();

	return fd < 0 ? -1 : ioctl(fd, cmd, arg);
}

static inline uint64_t svipc_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * A size_t as the kernel's native call sees it: signed, so that on a
 * 32-bit caller sizes from 2^31 up are negative (EINVAL), as natively.
 */
static inline uint64_t svipc_size(size_t n)
{
	return (uint64_t)(int64_t)(ssize_t)n;
}

/*
 * msgsnd and msgrcv are cancellation points, as POSIX has them and as
 * glibc's are: pthread_cancel() ends a thread blocked in one.  A library
 * outside glibc cannot use glibc's own mechanism, so it does what glibc
 * 2.36 does around these two system calls: deferred cancellation becomes
 * asynchronous for the length of the call, so that a cancellation
 * pending at entry acts at once and one that arrives while the call
 * sleeps acts then.  (The thread would otherwise sleep on: glibc signals
 * only a thread whose cancellation is asynchronous.)  Only a process
 * that ever had a second thread can be cancelled by another, so callers
 * test __libc_single_threaded first and keep this out of the common path,
 * as glibc 2.36's wrappers do.  pthread_cancel() clears that flag, so a
 * lone thread that cancelled itself takes this path too, and is cancelled
 * at the call, as with glibc (msg_native_test checks both).
 * Callers open the device before: open() is no call to be cancelled
 * asynchronously halfway.  Returns what svipc_cancel_async_end() needs.
 */
static inline int svipc_cancel_async_begin(void)
{
	int old = PTHREAD_CANCEL_DEFERRED;

	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	return old;
}

static inline void svipc_cancel_async_end(int old)
{
	int saved = errno;

	pthread_setcanceltype(old, NULL);
	errno = saved;
}

/* svipc_call() as a cancellation point (dev.c); see above. */
long svipc_call_cancel_point(unsigned long cmd, void *arg) SVIPC_HIDDEN;

/*
 * svipc_call(), a cancellation point if @cancel_point and the process has
 * had a second thread; the single-threaded path pays one load and branch.
 */
static inline long svipc_call_maybe_cancel(unsigned long cmd, void *arg,
					   int cancel_point)
{
	if (cancel_point && __builtin_expect(!__libc_single_threaded, 0))
		return svipc_call_cancel_point(cmd, arg);
	return svipc_call(cmd, arg);
}

/* msgsnd and msgrcv that are not cancellation points (lib/msg.c). */
int svipc_msgsnd_nocancel(int msqid, const void *msgp, size_t msgsz,
			  int msgflg) SVIPC_HIDDEN;
ssize_t svipc_msgrcv_nocancel(int msqid, void *msgp, size_t msgsz,
			      long msgtyp, int msgflg) SVIPC_HIDDEN;

/* Does semctl @cmd take the fourth (union semun) argument?  As glibc. */
static inline int svipc_semctl_has_arg(int cmd)
{
	switch (cmd) {
	case SETVAL:
	case GETALL:
	case SETALL:
	case IPC_STAT:
	case IPC_SET:
	case SEM_STAT:
	case SEM_STAT_ANY:
	case IPC_INFO:
	case SEM_INFO:
		return 1;
	}
	return 0;
}

/* Does glibc's field sit where the ABI's does, with the same size? */
#define SVIPC_SAME_FIELD(a, fa, b, fb) \
	(offsetof(a, fa) == offsetof(b, fb) && \
	 sizeof(((a *)0)->fa) == sizeof(((b *)0)->fb))

#endif
