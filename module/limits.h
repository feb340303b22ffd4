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

extern struct svipc_limit svipc_shmmni;
extern unsigned long svipc_shmmax;
extern unsigned long svipc_shmall;
extern int svipc_shm_rmid_forced;

static inline int svipc_limit_get(const struct svipc_limit *l)
{
	return READ_ONCE(l->val);
}

static inline unsigned long svipc_ulimit_get(const unsigned long *l)
{
	return READ_ONCE(*l);
}

#endif /* SVIPC_LIMITS_H */
