/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests that run a scenario natively and on svipc and compare:
 * a call's outcome, and the comparison.
 */
#ifndef SVIPC_SELFTEST_NATIVE_H
#define SVIPC_SELFTEST_NATIVE_H

#include <errno.h>
#include <string.h>

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

#endif /* SVIPC_SELFTEST_NATIVE_H */
