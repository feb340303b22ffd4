/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object layer shared by message queues, semaphore sets and shared
 * memory segments: key table, ids, permissions, lookup and lifetime.
 * See obj.c for the locking rules.
 */
#ifndef SVIPC_OBJ_H
#define SVIPC_OBJ_H

#include <linux/bits.h>
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/ipc.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>

#include "../uapi/linux/svipc.h"

/* Ids are seq << SVIPC_SEQ_SHIFT | index, as native without ipcmni_extend. */
#define SVIPC_SEQ_SHIFT		15
#define SVIPC_MNI		BIT(SVIPC_SEQ_SHIFT)
#define SVIPC_SEQ_MAX		(INT_MAX >> SVIPC_SEQ_SHIFT)
/* idr_alloc_cyclic's window never shrinks below this many slots. */
#define SVIPC_MIN_CYCLE		64

/*
 * Embedded at the top of every kind's object.  Fields marked [lock] are
 * protected by @lock; [rwsem] by the table's rwsem held for write; [const]
 * never change after publication.
 */
struct svipc_obj {
	spinlock_t lock;		/* the object's own state; see above */
	bool deleted;			/* [lock]+[rwsem] set once, on removal */
	int id;				/* [const] */
	key_t key;			/* [lock]+[rwsem] shm may make it private */
	kuid_t uid;			/* [lock] */
	kgid_t gid;			/* [lock] */
	kuid_t cuid;			/* [const] */
	kgid_t cgid;			/* [const] */
	umode_t mode;			/* [lock] */
	struct hlist_node key_node;	/* [rwsem] */
	refcount_t refcount;
	struct rcu_head rcu;
};

struct svipc_get_params {
	key_t key;
	int flg;
	u64 size;
};

struct svipc_ids;

struct svipc_kind_ops {
	/* Current limit on the number of objects of this kind. */
	int (*limit)(void);
	/* Allocate and initialise an object; the layer fills the perm part. */
	struct svipc_obj *(*alloc)(const struct svipc_get_params *p);
	/* Undo @alloc for an object that was never published. */
	void (*free_unpublished)(struct svipc_obj *obj);
	/* Kind-specific checks on an existing object (size, nsems). */
	int (*more_checks)(struct svipc_obj *obj, const struct svipc_get_params *p);
	/* Optional: the object was just published; ids->rwsem is held. */
	void (*published)(struct svipc_obj *obj);
	/*
	 * Whether each object in the table pins the module.  Shared memory
	 * segments do not: their mappings do, and unload frees the rest.
	 */
	bool pin_module;
};

struct svipc_ids {
	/*
	 * rwsem: taken for write by get, IPC_SET and IPC_RMID; for read by
	 * IPC_INFO-style queries.  Protects the key hash, in_use, max_idx,
	 * last_idx, seq and insertion/removal in the idr.
	 */
	struct rw_semaphore rwsem;
	struct idr idr;			/* index -> object; RCU lookup */
	DECLARE_HASHTABLE(keys, 8);	/* key -> object; no IPC_PRIVATE */
	int in_use;
	int max_idx;			/* highest index in use, -1 if none */
	int last_idx;			/* last index handed out */
	unsigned int seq;
	const struct svipc_kind_ops *ops;
};

void svipc_ids_init(struct svipc_ids *ids, const struct svipc_kind_ops *ops);
void svipc_ids_destroy(struct svipc_ids *ids);

int svipc_get(struct svipc_ids *ids, const struct svipc_get_params *p);

struct svipc_obj *svipc_obtain(struct svipc_ids *ids, int id);
struct svipc_obj *svipc_obtain_check(struct svipc_ids *ids, int id);
struct svipc_obj *svipc_obtain_owner(struct svipc_ids *ids, int id);

int svipc_perms(struct svipc_obj *obj, short flag);
int svipc_update_perm(struct svipc_obj *obj, u32 uid, u32 gid, u32 mode);
void svipc_fill_perm(struct svipc_obj *obj, struct svipc_ipc_perm *out);
void svipc_rmid(struct svipc_ids *ids, struct svipc_obj *obj);
void svipc_set_key_private(struct svipc_ids *ids, struct svipc_obj *obj);
int svipc_max_idx(struct svipc_ids *ids);

static inline bool svipc_getref(struct svipc_obj *obj)
{
	return refcount_inc_not_zero(&obj->refcount);
}

void svipc_putref(struct svipc_obj *obj, rcu_callback_t free);

static inline void svipc_lock(struct svipc_obj *obj)
{
	spin_lock(&obj->lock);
}

static inline void svipc_unlock(struct svipc_obj *obj)
{
	spin_unlock(&obj->lock);
}

/* Caller holds obj->lock. */
static inline bool svipc_valid(struct svipc_obj *obj)
{
	return !obj->deleted;
}

/*
 * Deferred wake-ups (the kernel's wake_q is not exported to modules).
 * Waiters are chosen and their status published under the object lock;
 * the tasks are woken once the lock is dropped, so a woken task does not
 * spin on the lock its waker still holds.  A task reference is held from
 * queueing to waking because the waiter may see its status and return
 * before the wake-up is delivered.
 */
#define SVIPC_WAKE_BATCH	16

struct svipc_wake_q {
	unsigned int n;
	struct task_struct *tasks[SVIPC_WAKE_BATCH];
};

static inline void svipc_wake_up_q(struct svipc_wake_q *q)
{
	unsigned int i;

	for (i = 0; i < q->n; i++) {
		wake_up_process(q->tasks[i]);
		put_task_struct(q->tasks[i]);
	}
	q->n = 0;
}

/*
 * Called under the object lock, before the waiter's status is published.
 * A full batch is woken at once, still under the lock: those waiters'
 * statuses are already published, so an early wake-up is merely early.
 */
static inline void svipc_wake_q_add(struct svipc_wake_q *q, struct task_struct *t)
{
	if (q->n == SVIPC_WAKE_BATCH)
		svipc_wake_up_q(q);
	get_task_struct(t);
	q->tasks[q->n++] = t;
}

#endif /* SVIPC_OBJ_H */
