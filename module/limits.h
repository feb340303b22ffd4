/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunables: module parameters named and defaulted like native's
 * sysctls, writable by root at run time through
 * /sys/module/svipc/parameters/, validated on write.
 */
#ifndef SVIPC_LIMITS_H
#define SVIPC_LIMITS_H

#include <linux/compiler.h>

struct svipc_limit {
	int val;
	int min;
	int max;
};

extern struct svipc_limit svipc_msgmax;
extern struct svipc_limit svipc_msgmnb;
extern struct svipc_limit svipc_msgmni;
extern struct svipc_limit svipc_semmsl;
extern struct svipc_limit svipc_semmns;
extern struct svipc_limit svipc_semopm;
extern struct svipc_limit svipc_semmni;

static inline int svipc_limit_get(const struct svipc_limit *l)
{
	return READ_ONCE(l->val);
}

#endif /* SVIPC_LIMITS_H */
