// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process SEM_UNDO lists, applied when the process exits.
 *
 * A process (thread group) gets one struct svipc_undo_list per IPC
 * namespace on its first SEM_UNDO operation there, found through a table
 * keyed by its signal_struct and the namespace: all threads share it,
 * execve keeps it, fork does not inherit it (the child has a new
 * signal_struct).  The list holds one struct svipc_undo per set touched,
 * whose semadj[] the set's operations update under the set's locks.  Its
 * entries name sets of its own namespace only, and it is applied there.
 *
 * Leaving a namespace
 * -------------------
 * Natively, unshare(CLONE_NEWIPC) and setns() run exit_sem(): a thread
 * leaves its undo list behind, and the list is applied once no thread
 * holds it any more.  A module cannot see a thread switch namespaces.
 * So a single-threaded process's lists of other namespaces are applied
 * at its next svipc call (svipc_undo_left_behind), and every list at the
 * process's exit: never in another namespace.
 *
 * Exit
 * ----
 * Linux exports no process-exit notifier, so exit is seen through the
 * sched_process_exit tracepoint.  do_exit() fires it right before
 * exit_sem() and exit_shm(), where native System V IPC does this work,
 * and before exit_files(): the adjustments are applied before the dead
 * process's descriptors are closed, so a peer that learns of the death
 * through pipe EOF, a socket hang-up or a released fcntl lock already
 * finds the semaphores given back, as natively.  The process is gone when
 * signal->live is 0; several exiting threads can see that, so the list
 * is claimed by whoever takes it out of the table, and that thread
 * applies it before its own exit_files().  Files shared by the threads
 * are closed by the last put of the files_struct, which comes after.
 *
 * The probe runs with preemption disabled (and, for RCU, inside a read
 * section), so applying the list must not sleep; why that holds:
 *  - every lock taken is a raw_spinlock_t (undo_table_lock, ulp->lock,
 *    a set's global and per-semaphore locks): on PREEMPT_RT a
 *    spinlock_t would sleep;
 *  - nothing is allocated, and nothing is freed in place: entries and
 *    the list go through call_rcu(), replaced sempids through
 *    svipc_put_pid_atomic(), woken tasks through put_task_struct(),
 *    which PREEMPT_RT defers itself when called with preemption off;
 *  - sets are found under RCU (svipc_sem_obtain_check) and locked with
 *    spinning locks only.
 * The cost is that a process with undo entries on many large sets keeps
 * its CPU for the whole walk, as native exit_sem() keeps the sets' locks.
 *
 * Locking
 * -------
 * undo_table_lock is a leaf lock, taken alone, by writers of the table
 * only (a list added, or claimed at exit).  Each SEM_UNDO call finds its
 * list under RCU without it, so that processes using SEM_UNDO share no
 * lock (as natively, where the list hangs off the task); a list is freed
 * after a grace period.  For a list, ulp->lock nests inside a set's lock
 * (see sem.c).  An svipc_undo is freed after an RCU grace period; a
 * set's removal detaches its entries (semid = -1) under both the set's
 * global lock and ulp->lock.
 *
 * Unload
 * ------
 * Each list pins the module from its creation (in an ioctl, where the
 * caller's open file holds the module) until the probe has applied it;
 * the probe drops that reference and may go on running.  That is safe
 * because svipc_exit() unregisters the probe, and waits for running
 * probes, before it tears anything down (see main.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "ns.h"
#include "sem.h"
#include "svipc.h"

static DEFINE_RAW_SPINLOCK(undo_table_lock);
static DEFINE_HASHTABLE(undo_table, 8);	/* under undo_table_lock */
static atomic_t undo_lists = ATOMIC_INIT(0);
static struct tracepoint *exit_tp;

/*
 * The list of process @owner in @ns; with @ns NULL, any list of @owner.
 * Caller holds undo_table_lock or is in an RCU read section.
 */
static struct svipc_undo_list *ulp_lookup(const void *owner,
					  const struct svipc_ns *ns)
{
	struct svipc_undo_list *ulp;

	hash_for_each_possible_rcu(undo_table, ulp, node, (unsigned long)owner,
				   lockdep_is_held(&undo_table_lock))
		if (ulp->owner == owner && (!ns || ulp->ns == ns))
			return ulp;
	return NULL;
}

/*
 * The calling process's list in @ns, made on first use.  Called in an
 * RCU read section, which it leaves to allocate.
 */
static struct svipc_undo_list *ulp_get(struct svipc_ns *ns)
	__must_hold(RCU)
{
	const void *owner = current->signal;
	struct svipc_undo_list *ulp, *new;

	/*
	 * Only this process adds or claims its own lists, and not this one
	 * while a thread of it is in @ns, as we are: what the lookup finds
	 * stays in the table while we run.
	 */
	ulp = ulp_lookup(owner, ns);
	if (ulp)
		return ulp;

	rcu_read_unlock();
	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	rcu_read_lock();
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->owner = owner;
	raw_spin_lock_init(&new->lock);
	INIT_LIST_HEAD(&new->list);

	raw_spin_lock(&undo_table_lock);
	/* Another thread of this process may have raced us. */
	ulp = ulp_lookup(owner, ns);
	if (!ulp) {
		new->ns = svipc_ns_get(ns);
		hash_add_rcu(undo_table, &new->node, (unsigned long)owner);
		atomic_inc(&undo_lists);
		__module_get(THIS_MODULE);
		ulp = new;
		new = NULL;
	}
	raw_spin_unlock(&undo_table_lock);
	kfree(new);
	return ulp;
}

/* Caller holds ulp->lock or is in an RCU read section. */
static struct svipc_undo *undo_lookup(struct svipc_undo_list *ulp, int semid)
{
	struct svipc_undo *un;

	list_for_each_entry_rcu(un, &ulp->list, list_proc,
				lockdep_is_held(&ulp->lock))
		if (un->semid == semid)
			return un;
	return NULL;
}

/*
 * The calling process's undo entry for set @semid, made if needed.  The
 * caller is in an RCU read section, which keeps the entry valid after
 * return; this may leave and re-enter it to allocate.
 */
struct svipc_undo *svipc_find_alloc_undo(struct svipc_ns *ns, int semid)
	__must_hold(RCU)
{
	struct svipc_undo_list *ulp;
	struct svipc_sem_array *sma;
	struct svipc_undo *un, *new;

	ulp = ulp_get(ns);
	if (IS_ERR(ulp))
		return ERR_CAST(ulp);
	raw_spin_lock(&ulp->lock);
	un = undo_lookup(ulp, semid);
	raw_spin_unlock(&ulp->lock);
	if (un)
		return un;

	/* Size the entry for the set, then allocate outside the locks. */
	sma = svipc_sem_obtain_check(ns, semid);
	if (IS_ERR(sma))
		return ERR_CAST(sma);
	/* Lost a race with IPC_RMID: as native, EIDRM. */
	if (!svipc_getref(&sma->obj))
		return ERR_PTR(-EIDRM);
	rcu_read_unlock();
	new = kvzalloc(struct_size(new, semadj, sma->nsems), GFP_KERNEL_ACCOUNT);
	rcu_read_lock();
	if (!new) {
		svipc_sem_putref(sma);
		return ERR_PTR(-ENOMEM);
	}

	svipc_sem_lock_all(sma);
	if (!svipc_valid(&sma->obj)) {
		un = ERR_PTR(-EIDRM);
		goto out_unlock;
	}
	raw_spin_lock(&ulp->lock);
	un = undo_lookup(ulp, semid);
	if (!un) {
		new->ulp = ulp;
		new->semid = semid;
		list_add_rcu(&new->list_proc, &ulp->list);
		list_add(&new->list_id, &sma->undos);
		un = new;
		new = NULL;
	}
	raw_spin_unlock(&ulp->lock);
out_unlock:
	svipc_sem_unlock_all(sma);
	svipc_sem_putref(sma);
	kvfree(new);
	return un;
}

static void undo_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct svipc_undo, rcu));
}

/*
 * The set of @un is being removed.  Caller holds that set's global lock
 * and has unlinked @un from the set.
 */
void svipc_undo_forget(struct svipc_undo *un)
{
	raw_spin_lock(&un->ulp->lock);
	un->semid = -1;
	list_del_rcu(&un->list_proc);
	raw_spin_unlock(&un->ulp->lock);
	call_rcu(&un->rcu, undo_free_rcu);
}

/*
 * Apply and free every entry of @ulp; the process is gone.  Runs in the
 * exit probe, without sleeping: see "Exit" above.
 */
static void undo_apply_all(struct svipc_undo_list *ulp)
{
	rcu_read_lock();
	for (;;) {
		struct svipc_wake_q wq = { };
		struct svipc_sem_array *sma;
		struct svipc_undo *un;
		int semid;

		un = list_first_or_null_rcu(&ulp->list, struct svipc_undo, list_proc);
		if (!un) {
			/* Let a removal that is detaching an entry finish. */
			raw_spin_lock(&ulp->lock);
			raw_spin_unlock(&ulp->lock);
			break;
		}
		raw_spin_lock(&ulp->lock);
		semid = un->semid;
		raw_spin_unlock(&ulp->lock);
		/*
		 * -1: a removal detached it in the section just left, so the
		 * next look finds the next entry.  A set not found is being
		 * removed, and the removal detaches the entry before it takes
		 * the set out of the table.
		 */
		if (semid == -1)
			continue;
		sma = svipc_sem_obtain_check(ulp->ns, semid);
		if (IS_ERR(sma))
			continue;
		svipc_sem_lock_all(sma);
		if (!svipc_valid(&sma->obj)) {
			svipc_sem_unlock_all(sma);
			continue;
		}
		raw_spin_lock(&ulp->lock);
		un = undo_lookup(ulp, semid);
		if (un)
			list_del_rcu(&un->list_proc);
		raw_spin_unlock(&ulp->lock);
		if (un) {
			list_del(&un->list_id);
			svipc_sem_apply_undo(sma, un, &wq);
		}
		svipc_sem_unlock_all(sma);
		svipc_wake_up_q(&wq);
		if (un)
			call_rcu(&un->rcu, undo_free_rcu);
	}
	rcu_read_unlock();
	svipc_ns_put(ulp->ns);
	/* Another process's lookup may be walking past it. */
	kfree_rcu(ulp, rcu);
	atomic_dec(&undo_lists);
	/* The probe goes on after this: see "Unload" above. */
	module_put(THIS_MODULE);
}

/*
 * sched_process_exit: runs in the exiting thread, preemption disabled,
 * after exit_mm() and before exit_files().
 */
static void svipc_exit_probe(void *data, struct task_struct *task)
{
	struct svipc_undo_list *ulp;

	if (!atomic_read(&undo_lists) || atomic_read(&task->signal->live))
		return;
	/*
	 * The tracepoint has disabled preemption already.  Saying so to
	 * lockdep (rcu_sched's map has a spinning wait context) lets a
	 * kernel with PROVE_RAW_LOCK_NESTING report any sleeping lock taken
	 * below: on PREEMPT_RT that lock would sleep here.
	 */
	rcu_read_lock_sched();
	/* Each list of any namespace, claimed exactly once: several threads may get here. */
	for (;;) {
		raw_spin_lock(&undo_table_lock);
		ulp = ulp_lookup(task->signal, NULL);
		if (ulp)
			hash_del_rcu(&ulp->node);
		raw_spin_unlock(&undo_table_lock);
		if (!ulp)
			break;
		undo_apply_all(ulp);
	}
	rcu_read_unlock_sched();
}

/*
 * The calling process makes an svipc call in @ns: apply the lists it
 * left behind in other namespaces (see "Leaving a namespace").  Only a
 * process with a single thread does it: that thread is here, so no
 * thread of the process is in another namespace, none can enter one or
 * sleep in a semop with an entry of such a list meanwhile, and the lists
 * are applied as at exit.  Threads of a multi-threaded process may be in
 * several namespaces and come and go between them; their lists wait for
 * the exit.  The common case costs a lookup.
 */
void svipc_undo_left_behind(struct svipc_ns *ns)
{
	const void *owner = current->signal;
	struct svipc_undo_list *ulp, *found;

	if (!atomic_read(&undo_lists) || get_nr_threads(current) != 1)
		return;
	for (;;) {
		found = NULL;
		rcu_read_lock();
		hash_for_each_possible_rcu(undo_table, ulp, node, (unsigned long)owner) {
			if (ulp->owner == owner && ulp->ns != ns) {
				found = ulp;
				break;
			}
		}
		rcu_read_unlock();
		if (!found)
			return;
		/* Only this thread claims the process's lists now. */
		raw_spin_lock(&undo_table_lock);
		hash_del_rcu(&found->node);
		raw_spin_unlock(&undo_table_lock);
		undo_apply_all(found);
	}
}

int svipc_undo_init(void)
{
	exit_tp = svipc_exit_tracepoint();
	if (!exit_tp) {
		pr_err("no sched_process_exit tracepoint: SEM_UNDO impossible\n");
		return -ENOENT;
	}
	return tracepoint_probe_register(exit_tp, svipc_exit_probe, NULL);
}

/* The first step of unload: see main.c.  Returns once no probe runs. */
void svipc_undo_exit(void)
{
	tracepoint_probe_unregister(exit_tp, svipc_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	/* Lists pin the module: none can exist once the probe is gone. */
	WARN_ON(atomic_read(&undo_lists));
}
