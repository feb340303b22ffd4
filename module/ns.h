/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPC namespaces: every svipc object belongs to the IPC namespace its
 * creator was in, as native objects do.  See ns.c.
 */
#ifndef SVIPC_NS_H
#define SVIPC_NS_H

#include <linux/list.h>
#include <linux/nsproxy.h>
#include <linux/percpu_counter.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "limits.h"
#include "obj.h"

struct ipc_namespace;
struct user_namespace;

/*
 * The System V IPC of one IPC namespace: what native keeps in struct
 * ipc_namespace.  Fields marked [const] never change after creation.
 */
struct svipc_ns {
	struct svipc_ids msg_ids;
	struct svipc_ids sem_ids;
	struct svipc_ids shm_ids;
	/* Read with READ_ONCE(): a change applies to calls that start after it. */
	struct svipc_limits lim;
	/*
	 * Messages and bytes queued in all queues, for MSG_INFO.  Written on
	 * every message and read only by MSG_INFO, which sums the CPUs'
	 * counts: so, as native, updates stay in the CPU's own count (the
	 * _local variants) and never take the counter's shared lock.
	 */
	struct percpu_counter msg_hdrs;
	struct percpu_counter msg_bytes;
	int sem_used;			/* [sem_ids.rwsem] semaphores in all sets */
	unsigned long shm_tot;		/* [shm_ids.rwsem] pages in all segments */

	/*
	 * The namespace, with a reference, so that its address stays its
	 * own while this exists; NULL on a kernel without IPC namespaces.
	 */
	struct ipc_namespace *ipc_ns;	/* [const] */
	/* Owns the namespace: capabilities are checked there. */
	struct user_namespace *user_ns;	/* [const] */

	/*
	 * One reference for the table (svipc_ns_hash), dropped when the
	 * namespace dies; one per SEM_UNDO list and open /proc/svipc file.
	 */
	refcount_t ref;
	struct hlist_node hash_node;	/* svipc_ns_hash: RCU, svipc_ns_mutex */
	struct list_head list_node;	/* svipc_ns_list: svipc_ns_mutex */
	struct rcu_work free_work;
};

extern struct svipc_ns svipc_init_ns;

struct svipc_ns *svipc_ns_find(struct ipc_namespace *ipc_ns);

/*
 * The tables of the caller's IPC namespace, made on first use.  Valid
 * until the caller returns to user space: its nsproxy holds the
 * namespace (see "Death" in ns.c).  Inline, as every call starts here:
 * the initial namespace's tables are static and need no lookup.
 */
static inline struct svipc_ns *svipc_ns_current(void)
{
	struct ipc_namespace *ipc_ns = current->nsproxy->ipc_ns;

	if (likely(ipc_ns == svipc_init_ns.ipc_ns))
		return &svipc_init_ns;
	return svipc_ns_find(ipc_ns);
}

struct svipc_ns *svipc_ns_get(struct svipc_ns *ns);
void svipc_ns_put(struct svipc_ns *ns);
struct ipc_namespace *svipc_ipc_ns_get_current(void);
void svipc_ipc_ns_put(struct ipc_namespace *ipc_ns);
void svipc_ns_for_each(void (*fn)(struct svipc_ns *ns));

int svipc_ns_init(void);
void svipc_ns_exit(void);

/* Per kind: set up, empty (the namespace died, or unload) and free. */
int svipc_msg_ns_init(struct svipc_ns *ns);
void svipc_msg_ns_clear(struct svipc_ns *ns);
void svipc_msg_ns_free(struct svipc_ns *ns);
void svipc_sem_ns_init(struct svipc_ns *ns);
void svipc_sem_ns_clear(struct svipc_ns *ns);
void svipc_sem_ns_free(struct svipc_ns *ns);
void svipc_shm_ns_init(struct svipc_ns *ns);
void svipc_shm_ns_clear(struct svipc_ns *ns);
void svipc_shm_ns_free(struct svipc_ns *ns);

#endif /* SVIPC_NS_H */
