// SPDX-License-Identifier: GPL-2.0
/*
 * svipc object layer: key table, ids, permission checks, lookup, lifetime.
 *
 * Locking
 * -------
 * Lock order (outermost first):
 *
 *	ids->rwsem		(one per kind and namespace)
 *	  obj->lock		(one per object)
 *
 * ids->rwsem serialises the things that change the table: creating an
 * object (get with IPC_CREAT), IPC_SET and IPC_RMID, and gives INFO
 * queries a stable view.  The hot paths (msgsnd, msgrcv, ...) never take
 * it: they find the object with svipc_obtain_check() under
 * rcu_read_lock(), then take obj->lock and check svipc_valid(), because
 * IPC_RMID may have run between the lookup and the lock.
 *
 * Lifetime
 * --------
 * An object starts with one reference, owned by the table.  Removal
 * (svipc_rmid) marks it deleted and drops it from the idr and key hash
 * under both locks; the kind then drops the table's reference.  A sleeper
 * that must touch the object after sleeping either holds a reference
 * (svipc_getref) or re-enters an RCU read section while it can still
 * prove the object has not been removed.  The last svipc_putref() frees
 * the object after a grace period, so lock-free lookups never touch
 * freed memory.
 *
 * An object is fully initialised before idr_replace() publishes it: a
 * lookup can never see a half-built object.
 *
 * Every message queue and semaphore set pins the module; unload is
 * refused with EBUSY while any exists (rmmod says "in use").  Shared
 * memory segments are pinned by their mappings instead (shm.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/user_namespace.h>

#include "ns.h"
#include "svipc.h"

void svipc_ids_init(struct svipc_ids *ids, const struct svipc_kind_ops *ops,
		    struct svipc_ns *ns)
{
	init_rwsem(&ids->rwsem);
	idr_init(&ids->idr);
	hash_init(ids->keys);
	ids->in_use = 0;
	ids->max_idx = -1;
	ids->last_idx = -1;
	ids->seq = 0;
	ids->next_id = -1;
	init_llist_head(&ids->reap);
	ids->ops = ops;
	ids->ns = ns;
}

void svipc_ids_destroy(struct svipc_ids *ids)
{
	WARN_ON(ids->in_use);
	WARN_ON(!llist_empty(&ids->reap));
	idr_destroy(&ids->idr);
}

/*
 * Finish the removals that svipc_mark_removed() started.  Every holder
 * of ids->rwsem calls this first (svipc_ids_down_write/read), so whoever
 * holds it sees a table without hidden objects, except those hidden
 * after it took the rwsem: their removal is ordered after its call.
 */
void svipc_ids_reap(struct svipc_ids *ids)
{
	struct svipc_obj *obj, *next;
	struct llist_node *list;

	lockdep_assert_held_write(&ids->rwsem);
	list = llist_del_all(&ids->reap);
	llist_for_each_entry_safe(obj, next, list, reap_node)
		ids->ops->reap(obj);
}

void svipc_ids_down_write(struct svipc_ids *ids)
{
	down_write(&ids->rwsem);
	svipc_ids_reap(ids);
}

void svipc_ids_down_read(struct svipc_ids *ids)
{
	/* Pairs with svipc_mark_removed(), see svipc_obtain(). */
	if (llist_empty(&ids->reap)) {
		down_read(&ids->rwsem);
		return;
	}
	down_write(&ids->rwsem);
	svipc_ids_reap(ids);
	downgrade_write(&ids->rwsem);
}

static struct svipc_obj *svipc_find_key(struct svipc_ids *ids, key_t key)
{
	struct svipc_obj *obj;

	lockdep_assert_held(&ids->rwsem);
	hash_for_each_possible(ids->keys, obj, key_node, key)
		if (obj->key == key)
			return obj;
	return NULL;
}

/*
 * Reserve an index, fix the object's id and publish it.  Caller holds
 * ids->rwsem for write; the object is fully initialised.
 */
static int svipc_addid(struct svipc_ids *ids, struct svipc_obj *obj)
{
	int idx, window, next_id;
	unsigned int seq;

	lockdep_assert_held_write(&ids->rwsem);
	if (ids->in_use >= ids->ops->limit(ids->ns))
		return -ENOSPC;

	/*
	 * A *_next_id is used once, by the first creation that gets this
	 * far, even if its index cannot be had, as natively.
	 */
	next_id = xchg(&ids->next_id, -1);
	idr_preload(GFP_KERNEL_ACCOUNT);
	if (next_id >= 0) {
		/*
		 * Its sequence number as given; its index or, if that is
		 * taken, the first free one above (native's idr_alloc()).
		 * The cyclic position and ids->seq stay as they were.
		 */
		seq = (unsigned int)next_id >> SVIPC_SEQ_SHIFT;
		idx = idr_alloc(&ids->idr, NULL, next_id & (SVIPC_MNI - 1),
				SVIPC_MNI, GFP_NOWAIT);
	} else {
		/*
		 * As native: hand out indexes cyclically within a window a
		 * little larger than what is in use, and bump the sequence
		 * only when the index wraps, so that ids are reused as late
		 * as possible.
		 */
		window = max(ids->in_use * 3 / 2, SVIPC_MIN_CYCLE);
		window = min(window, SVIPC_MNI);
		idx = idr_alloc_cyclic(&ids->idr, NULL, 0, window, GFP_NOWAIT);
		if (idx >= 0) {
			if (idx <= ids->last_idx) {
				/* As native: SVIPC_SEQ_MAX itself is never used. */
				if (++ids->seq >= SVIPC_SEQ_MAX)
					ids->seq = 0;
			}
			ids->last_idx = idx;
		}
		seq = ids->seq;
	}
	idr_preload_end();
	if (idx < 0)
		return idx == -ENOSPC ? -ENOSPC : -ENOMEM;
	obj->id = (seq << SVIPC_SEQ_SHIFT) | idx;

	if (obj->key != IPC_PRIVATE)
		hash_add(ids->keys, &obj->key_node, obj->key);
	ids->in_use++;
	if (idx > ids->max_idx)
		ids->max_idx = idx;
	if (ids->ops->pin_module)
		__module_get(THIS_MODULE);
	/* Publish last: from here on lookups may find it. */
	idr_replace(&ids->idr, obj, idx);
	return obj->id;
}

static int svipc_newobj(struct svipc_ids *ids, const struct svipc_get_params *p)
{
	const struct cred *cred = current_cred();
	struct svipc_obj *obj;
	int id;

	obj = ids->ops->alloc(ids->ns, p);
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	obj->raw = ids->ops->raw_lock;
	if (obj->raw)
		raw_spin_lock_init(&obj->raw_lock);
	else
		spin_lock_init(&obj->lock);
	obj->deleted = false;
	obj->hidden = false;
	obj->ns = ids->ns;
	obj->key = p->key;
	obj->mode = p->flg & 0777;
	obj->uid = cred->euid;
	obj->cuid = cred->euid;
	obj->gid = cred->egid;
	obj->cgid = cred->egid;
	refcount_set(&obj->refcount, 1);

	id = svipc_addid(ids, obj);
	if (id < 0)
		ids->ops->free_unpublished(obj);
	else if (ids->ops->published)
		ids->ops->published(obj);
	return id;
}

/*
 * The generic msgget/semget/shmget, with native's order of errors.
 * Everything it reads of an existing object (mode, owner, size) changes
 * only under ids->rwsem held for write, as here, so the object's lock is
 * not needed; capability checks stay outside raw spinlocks.
 */
int svipc_get(struct svipc_ids *ids, const struct svipc_get_params *p)
{
	struct svipc_obj *obj;
	int err;

	svipc_ids_down_write(ids);
	if (p->key == IPC_PRIVATE) {
		err = svipc_newobj(ids, p);
		goto out;
	}

	obj = svipc_find_key(ids, p->key);
	/* Hidden by the exit probe since we took the rwsem: finish it. */
	if (obj && smp_load_acquire(&obj->hidden)) {
		svipc_ids_reap(ids);
		obj = svipc_find_key(ids, p->key);
	}
	if (!obj) {
		err = (p->flg & IPC_CREAT) ? svipc_newobj(ids, p) : -ENOENT;
		goto out;
	}
	if ((p->flg & IPC_CREAT) && (p->flg & IPC_EXCL)) {
		err = -EEXIST;
		goto out;
	}

	err = 0;
	if (ids->ops->more_checks)
		err = ids->ops->more_checks(obj, p);
	if (!err && svipc_perms(obj, p->flg))
		err = -EACCES;
	if (!err)
		err = obj->id;
out:
	up_write(&ids->rwsem);
	return err;
}

/* Look up by index only (the *_STAT commands).  Caller is in RCU. */
struct svipc_obj *svipc_obtain(struct svipc_ids *ids, int id)
{
	struct svipc_obj *obj;

	obj = idr_find(&ids->idr, id & (SVIPC_MNI - 1));
	/*
	 * A hidden object is as good as gone (svipc_mark_removed).  The
	 * acquire pairs with its release: a caller that saw it hidden also
	 * sees it on ids->reap, so its next look at the table reaps it.
	 */
	if (!obj || smp_load_acquire(&obj->hidden))
		return ERR_PTR(-EINVAL);
	return obj;
}

/* Look up by full id: a stale sequence is EINVAL.  Caller is in RCU. */
struct svipc_obj *svipc_obtain_check(struct svipc_ids *ids, int id)
{
	struct svipc_obj *obj;

	if (id < 0)
		return ERR_PTR(-EINVAL);
	obj = svipc_obtain(ids, id);
	if (!IS_ERR(obj) && obj->id != id)
		return ERR_PTR(-EINVAL);
	return obj;
}

/*
 * For IPC_SET and IPC_RMID: the caller must be the owner or creator, or
 * have CAP_SYS_ADMIN over the namespace.  Caller holds ids->rwsem for
 * write and is in RCU.
 */
struct svipc_obj *svipc_obtain_owner(struct svipc_ids *ids, int id)
{
	kuid_t euid = current_euid();
	struct svipc_obj *obj;

	lockdep_assert_held_write(&ids->rwsem);
	obj = svipc_obtain_check(ids, id);
	if (IS_ERR(obj))
		return obj;
	if (uid_eq(euid, obj->cuid) || uid_eq(euid, obj->uid) ||
	    ns_capable(ids->ns->user_ns, CAP_SYS_ADMIN))
		return obj;
	return ERR_PTR(-EPERM);
}

/*
 * Owner/group/other check of @flag's permission bits.  As native, the
 * capability that overrides the check is checked in the user namespace
 * that owns the object's IPC namespace.  Returns 0 or -EACCES.
 */
int svipc_perms(struct svipc_obj *obj, short flag)
{
	kuid_t euid = current_euid();
	int requested, granted;

	requested = (flag >> 6) | (flag >> 3) | flag;
	granted = obj->mode;
	if (uid_eq(euid, obj->cuid) || uid_eq(euid, obj->uid))
		granted >>= 6;
	else if (in_group_p(obj->cgid) || in_group_p(obj->gid))
		granted >>= 3;
	if ((requested & ~granted & 0007) &&
	    !ns_capable(obj->ns->user_ns, CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/* IPC_SET's common part.  Caller holds obj->lock. */
int svipc_update_perm(struct svipc_obj *obj, u32 uid, u32 gid, u32 mode)
{
	kuid_t kuid = make_kuid(current_user_ns(), uid);
	kgid_t kgid = make_kgid(current_user_ns(), gid);

	svipc_assert_locked(obj);
	if (!uid_valid(kuid) || !gid_valid(kgid))
		return -EINVAL;
	obj->uid = kuid;
	obj->gid = kgid;
	obj->mode = (obj->mode & ~0777) | (mode & 0777);
	return 0;
}

/* Caller holds obj->lock. */
void svipc_fill_perm(struct svipc_obj *obj, struct svipc_ipc_perm *out)
{
	struct user_namespace *ns = current_user_ns();

	out->key = obj->key;
	out->uid = from_kuid_munged(ns, obj->uid);
	out->gid = from_kgid_munged(ns, obj->gid);
	out->cuid = from_kuid_munged(ns, obj->cuid);
	out->cgid = from_kgid_munged(ns, obj->cgid);
	out->mode = obj->mode;
	out->seq = obj->id >> SVIPC_SEQ_SHIFT;
}

/*
 * Take an object out of the table.  Caller holds ids->rwsem for write and
 * obj->lock, and afterwards drops the table's reference.
 */
void svipc_rmid(struct svipc_ids *ids, struct svipc_obj *obj)
{
	int idx = obj->id & (SVIPC_MNI - 1);

	lockdep_assert_held_write(&ids->rwsem);
	svipc_assert_locked(obj);

	idr_remove(&ids->idr, idx);
	if (obj->key != IPC_PRIVATE)
		hash_del(&obj->key_node);
	obj->deleted = true;
	ids->in_use--;
	if (idx == ids->max_idx) {
		/* Find the new highest index below this one. */
		int i;

		ids->max_idx = -1;
		for (i = idx - 1; i >= 0 && ids->in_use; i--) {
			if (idr_find(&ids->idr, i)) {
				ids->max_idx = i;
				break;
			}
		}
	}
	if (ids->ops->pin_module)
		module_put(THIS_MODULE);
}

/*
 * Start removing an object without ids->rwsem, for the exit probe, which
 * cannot sleep: from here on no lookup finds it (svipc_obtain, the key
 * lookup of svipc_get) and every path that takes its lock sees it
 * invalid.  The next holder of ids->rwsem finishes the removal through
 * ops->reap, which ends in svipc_rmid(); until then the table still
 * holds its reference.  Caller holds the object's lock.  False if it was
 * already removed.
 */
bool svipc_mark_removed(struct svipc_ids *ids, struct svipc_obj *obj)
{
	svipc_assert_locked(obj);
	if (obj->deleted)
		return false;
	obj->deleted = true;
	llist_add(&obj->reap_node, &ids->reap);
	/* Pairs with svipc_obtain() and svipc_get(). */
	smp_store_release(&obj->hidden, true);
	return true;
}

/*
 * Hide an object from key lookups while it lives on (a segment marked
 * SHM_DEST).  Caller holds ids->rwsem for write and obj->lock.
 */
void svipc_set_key_private(struct svipc_ids *ids, struct svipc_obj *obj)
{
	lockdep_assert_held_write(&ids->rwsem);
	svipc_assert_locked(obj);

	if (obj->key != IPC_PRIVATE)
		hash_del(&obj->key_node);
	obj->key = IPC_PRIVATE;
}

int svipc_max_idx(struct svipc_ids *ids)
{
	lockdep_assert_held(&ids->rwsem);
	return ids->max_idx;
}

static void svipc_put_pid_rcu(struct rcu_head *head)
{
	put_pid(container_of(head, struct pid, rcu));
}

/*
 * put_pid() for where nothing may be freed: under a raw spinlock, or in
 * the exit probe with preemption disabled, where PREEMPT_RT's slab
 * allocator takes sleeping locks.  A reference that is not the last is
 * dropped at once.  The last one is dropped after a grace period, through
 * the pid's own rcu_head: the pid core uses that head once, in
 * free_pid(), to drop the reference the pid held while attached to its
 * task; when ours is the only reference left that callback has run, so
 * the head is free, and since the pid is detached no lookup can take a
 * new reference meanwhile.  RCU callbacks may free (on PREEMPT_RT they
 * run in a preemptible kthread); unload waits for them (rcu_barrier).
 */
void svipc_put_pid_atomic(struct pid *pid)
{
	if (!pid || refcount_dec_not_one(&pid->count))
		return;
	call_rcu(&pid->rcu, svipc_put_pid_rcu);
}

void svipc_putref(struct svipc_obj *obj, rcu_callback_t free)
{
	if (refcount_dec_and_test(&obj->refcount))
		call_rcu(&obj->rcu, free);
}

static void svipc_find_exit_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		*(struct tracepoint **)priv = tp;
}

/*
 * Linux exports no process-exit notifier; the sched_process_exit
 * tracepoint fires in every exiting thread, before the parent can reap
 * it (see undo.c).  Its symbol is not exported: find it by name.
 */
struct tracepoint *svipc_exit_tracepoint(void)
{
	struct tracepoint *tp = NULL;

	for_each_kernel_tracepoint(svipc_find_exit_tp, &tp);
	return tp;
}
