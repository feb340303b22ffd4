/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Semaphore sets and SEM_UNDO lists: the structures sem.c and undo.c
 * share.  The locking rules are at the top of sem.c.
 */
#ifndef SVIPC_SEM_H
#define SVIPC_SEM_H

#include <linux/cache.h>
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/sem.h>
#include <linux/types.h>

#include "obj.h"

/* One semaphore: the fast path locks only this. */
struct svipc_sem {
	raw_spinlock_t lock;		/* single-op fast path, see sem.c */
	int semval;
	struct pid *sempid;
	struct list_head pending_alter;	/* single-op waiters that alter */
	struct list_head pending_const;	/* single-op waiters for zero */
	time64_t otime;			/* last semop touching it first */
} ____cacheline_aligned_in_smp;

struct svipc_sem_array {
	struct svipc_obj obj;		/* obj.lock is the set's global lock */
	time64_t ctime;
	struct list_head pending_alter;	/* complex ops; single ones merged */
	struct list_head pending_const;	/* complex wait-for-zero ops */
	struct list_head undos;		/* struct svipc_undo.list_id */
	int nsems;
	int complex_count;		/* complex ops sleeping */
	unsigned int use_global_lock;	/* >0: every op takes obj.lock */
	struct svipc_sem sems[];
};

struct svipc_undo_list;

/* A process's adjustments for one set. */
struct svipc_undo {
	struct list_head list_proc;	/* ulp->list, RCU; under ulp->lock */
	struct rcu_head rcu;
	struct svipc_undo_list *ulp;
	struct list_head list_id;	/* sma->undos, under the set's global lock */
	int semid;			/* -1 once the set is gone */
	short semadj[];			/* under the set's lock(s) */
};

/* A process's (thread group's) undo list in one namespace. */
struct svipc_undo_list {
	struct hlist_node node;		/* process table: RCU, undo_table_lock */
	const void *owner;		/* the task's signal_struct */
	struct svipc_ns *ns;		/* its namespace; a reference */
	raw_spinlock_t lock;		/* protects list; raw: see undo.c */
	struct list_head list;		/* struct svipc_undo, most recent first */
	struct rcu_head rcu;		/* lookups may still see it when freed */
};

/* sem.c */
struct svipc_ns;

struct svipc_sem_array *svipc_sem_obtain_check(struct svipc_ns *ns, int semid);
void svipc_sem_putref(struct svipc_sem_array *sma);
void svipc_sem_lock_all(struct svipc_sem_array *sma) __acquires(&sma->obj.raw_lock);
void svipc_sem_unlock_all(struct svipc_sem_array *sma) __releases(&sma->obj.raw_lock);
void svipc_sem_apply_undo(struct svipc_sem_array *sma, struct svipc_undo *un,
			  struct svipc_wake_q *wq);

/* undo.c */
int svipc_undo_init(void);
void svipc_undo_exit(void);
struct svipc_undo *svipc_find_alloc_undo(struct svipc_ns *ns, int semid)
	__must_hold(RCU);
void svipc_undo_left_behind(struct svipc_ns *ns);
void svipc_undo_forget(struct svipc_undo *un);

#endif /* SVIPC_SEM_H */
