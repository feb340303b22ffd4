/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests that run a scenario natively and on svipc and compare:
 * a call's outcome, and the comparison.
 */
#ifndef SVIPC_SELFTEST_NATIVE_H
#define SVIPC_SELFTEST_NATIVE_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* A call's result: its return value, and errno when it failed. */
struct res {
	long ret;
	int err;
};

#define RES(expr) ({ long __r = (long)(expr); (struct res){ __r, __r < 0 ? errno : 0 }; })

static inline void expect_same(struct __test_metadata *_metadata, const char *what,
			       struct res native, struct res svipc)
{
	EXPECT_EQ(native.ret, svipc.ret)
		TH_LOG("%s: native returned %ld, svipc %ld", what, native.ret, svipc.ret);
	EXPECT_EQ(native.err, svipc.err)
		TH_LOG("%s: native errno %s, svipc %s", what, strerror(native.err),
		       strerror(svipc.err));
}

/*
 * Whether the kernel has System V IPC of its own: its msgget does not
 * fail with ENOSYS.  Asked with the system call itself, so that the
 * shim's redirection cannot answer for it.
 */
static inline bool have_native(void)
{
	long id = syscall(SYS_msgget, IPC_PRIVATE, 0600);

	if (id < 0)
		return errno != ENOSYS;
	syscall(SYS_msgctl, id, IPC_RMID, NULL);
	return true;
}

#endif /* SVIPC_SELFTEST_NATIVE_H */
