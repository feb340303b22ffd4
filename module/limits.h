/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunables of one IPC namespace, named and defaulted like native's
 * sysctls.  The initial namespace's are the module parameters, writable
 * by root at run time through /sys/module/svipc/parameters/ and checked
 * on write (limits.c); their values at load time are what every new
 * namespace starts from.
 */
#ifndef SVIPC_LIMITS_H
#define SVIPC_LIMITS_H

#include <linux/compiler.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>

struct svipc_limits {
	int msgmax;
	int msgmnb;
	int msgmni;
	/* kernel.sem's four; written together under svipc_sem_param_lock */
	int semmsl;
	int semmns;
	int semopm;
	int semmni;
	int shmmni;
	unsigned long shmmax;
	unsigned long shmall;
	int shm_rmid_forced;
};

/* Native's defaults. */
#define SVIPC_LIMITS_INIT {						\
	.msgmax = MSGMAX, .msgmnb = MSGMNB, .msgmni = MSGMNI,		\
	.semmsl = SEMMSL, .semmns = SEMMNS, .semopm = SEMOPM,		\
	.semmni = SEMMNI, .shmmni = SHMMNI, .shmmax = SHMMAX,		\
	.shmall = SHMALL, .shm_rmid_forced = 0,				\
}

/* A snapshot of one limit of namespace @ns: svipc_lim(ns, msgmax). */
#define svipc_lim(ns, field)	READ_ONCE((ns)->lim.field)

#endif /* SVIPC_LIMITS_H */
