/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three permission-matrix tests (msg_perm, sem_perm, shm_perm)
 * share: the unprivileged identities their children take, and how a
 * child takes one.  Each test keeps its own requests and fixture.
 */
#ifndef SVIPC_SELFTEST_PERM_H
#define SVIPC_SELFTEST_PERM_H

#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Users and groups: none needs an /etc/passwd or /etc/group entry. */
#define U_A 1001
#define U_B 1002
#define U_C 1003
#define U_D 1004
#define G_A 2001
#define G_B 2002
#define G_C 2003
#define G_D 2004
#define G_E 2005

/* Exit statuses of a child besides 0 (success) and an errno value. */
#define X_BECOME 250	/* could not take the identity */
#define X_WRONG 251	/* the call succeeded with a wrong result */

struct who {
	uid_t uid;		/* real uid; 0 stays root */
	uid_t euid;		/* 0: the same as uid */
	gid_t gid;
	int ngroups;
	gid_t groups[2];
	uint64_t drop;		/* root: capabilities to give up */
};

#define WHO(u, g) { .uid = (u), .gid = (g) }
#define WHO_SUPP(u, g, s) { .uid = (u), .gid = (g), .ngroups = 1, .groups = { (s) } }
#define ROOT_WITHOUT(cap) { .uid = 0, .gid = 0, .drop = 1ULL << (cap) }

/* The callers of most tests. */
static const struct who owner = WHO(U_A, G_A);	/* made uid/gid by set_perm */
static const struct who member = WHO(U_B, G_A);	/* egid == gid only */
static const struct who other = WHO(U_C, G_C);
static const struct who root = WHO(0, 0);

/* Drop the capabilities in @mask from every set. */
static inline int drop_caps(uint64_t mask)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	int i;

	if (syscall(SYS_capget, &h, d))
		return -1;
	for (i = 0; i < 2; i++) {
		uint32_t m = (uint32_t)(mask >> (32 * i));

		d[i].effective &= ~m;
		d[i].permitted &= ~m;
		d[i].inheritable &= ~m;
	}
	return syscall(SYS_capset, &h, d);
}

/* Like become(), with @w's supplementary groups, euid and capabilities. */
static inline int become_who(const struct who *w)
{
	uid_t euid = w->euid ? w->euid : w->uid;

	if (setgroups(w->ngroups, w->groups) ||
	    setresgid(w->gid, w->gid, w->gid))
		return -1;
	if (w->uid)
		return setresuid(w->uid, euid, euid);
	return w->drop ? drop_caps(w->drop) : 0;
}

#endif /* SVIPC_SELFTEST_PERM_H */
