/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SVIPC_LIB_INTERNAL_H
#define SVIPC_LIB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "svipc.h"

#define SVIPC_HIDDEN __attribute__((visibility("hidden")))

/* The process's descriptor of /dev/svipc once open, else -1 (dev.c). */
extern int svipc_devfd SVIPC_HIDDEN;

/*
 * ioctl on the process's device descriptor; -1 + errno on failure.
 * Inline, with the descriptor read in place: this is every call's path,
 * and a call through the library should cost little more than glibc's
 * own wrapper (README, "Performance").
 */
static inline long svipc_call(unsigned long cmd, void *arg)
{
	int fd = __atomic_load_n(&svipc_devfd, __ATOMIC_ACQUIRE);

	if (__builtin_expect(fd < 0, 0)) {
		fd = svipc_fd();
		if (fd < 0)
			return -1;
	}
	return ioctl(fd, cmd, arg);
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
