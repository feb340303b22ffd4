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
#include <linux/llist.h>
#include <linux/pid.h>
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
 * protected by the object's lock; [rwsem] by the table's rwsem held for
 * write; [const] never change after publication.
 *
 * The lock is a raw_spinlock_t for the kinds whose objects the exit
 * probe (undo.c, shm.c) touches: it runs with preemption disabled, where
 * a spinlock_t would sleep on PREEMPT_RT.  Message queues keep a
 * spinlock_t, which PREEMPT_RT makes preemptible.  Use svipc_lock().
 */
struct svipc_obj {
	union {
		spinlock_t lock;	/* !raw */
		raw_spinlock_t raw_lock;	/* raw */
	};
	bool raw;			/* [const] which of the two */
	/*
	 * [lock] set once, on removal; also under [rwsem] except when the
	 * exit probe removes a segment (svipc_mark_removed), which cannot
	 * take the rwsem.  Read without the lock by svipc_obtain().
	 */
	bool deleted;
	/*
	 * Set with deleted by svipc_mark_removed(): the object stays in the
	 * table until reaped, but lookups no longer find it.
	 */
	bool hidden;
	int id;				/* [const] */
	struct svipc_ns *ns;		/* [const] the namespace it lives in */
	key_t key;			/* [lock]+[rwsem] shm may make it private */
	kuid_t uid;			/* [lock] */
	kgid_t gid;			/* [lock] */
	kuid_t cuid;			/* [const] */
	kgid_t cgid;			/* [const] */
	umode_t mode;			/* [lock] */
	struct hlist_node key_node;	/* [rwsem] */
	struct llist_node reap_node;	/* ids->reap, see svipc_mark_removed */
	refcount_t refcount;
	struct rcu_head rcu;
};

struct svipc_get_params {
	key_t key;
	int flg;
	u64 size;
};

struct svipc_ids;
struct svipc_ns;

struct svipc_kind_ops {
	/* Current limit on the number of objects of this kind. */
	int (*limit)(struct svipc_ns *ns);
	/* Allocate and initialise an object; the layer fills the perm part. */
	struct svipc_obj *(*alloc)(struct svipc_ns *ns,
				   const struct svipc_get_params *p);
	/* Undo @alloc for an object that was never published. */
	void (*free_unpublished)(struct svipc_obj *obj);
	/* Kind-specific checks on an existing object (size, nsems). */
	int (*more_checks)(struct svipc_obj *obj, const struct svipc_get_params *p);
	/* Optional: the object was just published; ids->rwsem is held. */
	void (*published)(struct svipc_obj *obj);
	/*
	 * Finish removing an object that svipc_mark_removed() took out of
	 * sight: ids->rwsem is held for write, the object's lock is not.
	 * Needed by the kinds that call svipc_mark_removed().
	 */
	void (*reap)(struct svipc_obj *obj);
	/* The objects' lock is a raw_spinlock_t (see struct svipc_obj). */
	bool raw_lock;
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
	/*
	 * The id the next object made gets, or -1: the *_next_id sysctl
	 * (limits.c) sets it, the next svipc_addid() takes it with xchg(),
	 * as native's ipc_idr_alloc() consumes ids->next_id.
	 */
	int next_id;
	/* Objects removed by svipc_mark_removed(), still in the table. */
	struct llist_head reap;
	const struct svipc_kind_ops *ops;
	struct svipc_ns *ns;		/* the namespace it belongs to */
};

void svipc_ids_init(struct svipc_ids *ids, const struct svipc_kind_ops *ops,
		    struct svipc_ns *ns);
void svipc_ids_destroy(struct svipc_ids *ids);
void svipc_ids_down_write(struct svipc_ids *ids);
void svipc_ids_down_read(struct svipc_ids *ids);
void svipc_ids_reap(struct svipc_ids *ids);

int svipc_get(struct svipc_ids *ids, const struct svipc_get_params *p);

struct svipc_obj *svipc_obtain(struct svipc_ids *ids, int id);
struct svipc_obj *svipc_obtain_check(struct svipc_ids *ids, int id);
struct svipc_obj *svipc_obtain_owner(struct svipc_ids *ids, int id);

int svipc_perms(struct svipc_obj *obj, short flag);
int svipc_update_perm(struct svipc_obj *obj, u32 uid, u32 gid, u32 mode);
void svipc_fill_perm(struct svipc_obj *obj, struct svipc_ipc_perm *out);
void svipc_rmid(struct svipc_ids *ids, struct svipc_obj *obj);
bool svipc_mark_removed(struct svipc_ids *ids, struct svipc_obj *obj);
void svipc_set_key_private(struct svipc_ids *ids, struct svipc_obj *obj);
int svipc_max_idx(struct svipc_ids *ids);

static inline bool svipc_getref(struct svipc_obj *obj)
{
	return refcount_inc_not_zero(&obj->refcount);
}

void svipc_putref(struct svipc_obj *obj, rcu_callback_t free);

/*
 * PREEMPT_RT's spin_lock() and spin_unlock() carry no sparse annotation,
 * the raw ones do: count both branches alike for sparse.
 */
static inline void svipc_lock(struct svipc_obj *obj)
	__acquires(obj)
{
	if (obj->raw) {
		raw_spin_lock(&obj->raw_lock);
	} else {
		spin_lock(&obj->lock);
#ifdef CONFIG_PREEMPT_RT
		__acquire(&obj->lock);
#endif
	}
}

static inline void svipc_unlock(struct svipc_obj *obj)
	__releases(obj)
{
	if (obj->raw) {
		raw_spin_unlock(&obj->raw_lock);
	} else {
		spin_unlock(&obj->lock);
#ifdef CONFIG_PREEMPT_RT
		__release(&obj->lock);
#endif
	}
}

static inline void svipc_assert_locked(struct svipc_obj *obj)
{
	if (obj->raw)
		lockdep_assert_held(&obj->raw_lock);
	else
		lockdep_assert_held(&obj->lock);
}

/* Caller holds the object's lock. */
static inline bool svipc_valid(struct svipc_obj *obj)
{
	return !obj->deleted;
}

void svipc_put_pid_atomic(struct pid *pid);

/*
 * Make *@slot (a last-operation pid: sempid, lspid, lpid, ...) refer to
 * @pid.  Safe under a raw spinlock and in the exit probe: see
 * svipc_put_pid_atomic().
 */
static inline void svipc_set_pid(struct pid **slot, struct pid *pid)
{
	if (*slot != pid) {
		svipc_put_pid_atomic(*slot);
		*slot = get_pid(pid);
	}
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

/*
 * The per-call paths (msgsnd, msgrcv, semop) declare theirs
 * __uninitialized and call this: slots are written before they are read,
 * and zeroing all of them, as the kernel's INIT_STACK_ALL_ZERO does for
 * "= { }", cost every call 17 stores.
 */
static inline void svipc_wake_q_init(struct svipc_wake_q *q)
{
	q->n = 0;
}

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
