/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SVIPC_LIB_INTERNAL_H
#define SVIPC_LIB_INTERNAL_H

#include <stdint.h>
#include <sys/ioctl.h>

/* ioctl on the process's device descriptor; -1 + errno on failure. */
long svipc_call(unsigned long cmd, void *arg);

static inline uint64_t svipc_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif
