// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process SEM_UNDO lists, applied when the process exits.
 *
 * A process (thread group) gets one struct svipc_undo_list on its first
 * SEM_UNDO operation, found through a table keyed by its signal_struct:
 * all threads share it, execve keeps it, fork does not inherit it (the
 * child has a new signal_struct).  The list holds one struct svipc_undo
 * per set touched, whose semadj[] the set's operations update under the
 * set's locks.
 *
 * Linux exports no process-exit notifier, so exit is seen through the
 * sched_process_exit tracepoint, which every exiting thread fires in its
 * own context before the process becomes a zombie: a parent's waitpid()
 * returns only after the undo was applied.  The process is gone when
 * signal->live is 0; several exiting threads can see that, so the list
 * is claimed by whoever takes it out of the table.  The probe runs with
 * preemption disabled, so it only claims the list and queues task work
 * that applies it later in the same exit, where sleeping is allowed.
 *
 * Locking: undo_table_lock is a leaf lock, taken alone, by writers of
 * the table only (a list added, or claimed at exit).  Each SEM_UNDO call
 * finds its list under RCU without it, so that processes using SEM_UNDO
 * share no lock (as natively, where the list hangs off the task); a list
 * is freed after a grace period.  For a list, ulp->lock nests inside a
 * set's lock (see sem.c).  An svipc_undo is
 * freed after an RCU grace period; a set's removal detaches its entries
 * (semid = -1) under both the set's global lock and ulp->lock.
 *
 * Each list pins the module, so the probe cannot outlive the code it
 * needs; unload unregisters the probe and waits for running probes
 * before anything is freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>

#include "sem.h"
#include "svipc.h"

static DEFINE_SPINLOCK(undo_table_lock);
static DEFINE_HASHTABLE(undo_table, 8);	/* under undo_table_lock */
static atomic_t undo_lists = ATOMIC_INIT(0);
static struct tracepoint *exit_tp;

/* Caller holds undo_table_lock or is in an RCU read section. */
static struct svipc_undo_list *ulp_lookup(const void *owner)
{
	struct svipc_undo_list *ulp;

	hash_for_each_possible_rcu(undo_table, ulp, node, (unsigned long)owner,
				   lockdep_is_held(&undo_table_lock))
		if (ulp->owner == owner)
			return ulp;
	return NULL;
}

/*
 * The calling process's list, made on first use.  Called in an RCU read
 * section, which it leaves to allocate.
 */
static struct svipc_undo_list *ulp_get(void)
	__must_hold(RCU)
{
	const void *owner = current->signal;
	struct svipc_undo_list *ulp, *new;

	/*
	 * Only this process adds or claims its own list, so what the lookup
	 * finds stays in the table while we run.
	 */
	ulp = ulp_lookup(owner);
	if (ulp)
		return ulp;

	rcu_read_unlock();
	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	rcu_read_lock();
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->owner = owner;
	spin_lock_init(&new->lock);
	INIT_LIST_HEAD(&new->list);

	spin_lock(&undo_table_lock);
	/* Another thread of this process may have raced us. */
	ulp = ulp_lookup(owner);
	if (!ulp) {
		hash_add_rcu(undo_table, &new->node, (unsigned long)owner);
		atomic_inc(&undo_lists);
		__module_get(THIS_MODULE);
		ulp = new;
		new = NULL;
	}
	spin_unlock(&undo_table_lock);
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
struct svipc_undo *svipc_find_alloc_undo(int semid)
	__must_hold(RCU)
{
	struct svipc_undo_list *ulp;
	struct svipc_sem_array *sma;
	struct svipc_undo *un, *new;

	ulp = ulp_get();
	if (IS_ERR(ulp))
		return ERR_CAST(ulp);
	spin_lock(&ulp->lock);
	un = undo_lookup(ulp, semid);
	spin_unlock(&ulp->lock);
	if (un)
		return un;

	/* Size the entry for the set, then allocate outside the locks. */
	sma = svipc_sem_obtain_check(semid);
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
	spin_lock(&ulp->lock);
	un = undo_lookup(ulp, semid);
	if (!un) {
		new->ulp = ulp;
		new->semid = semid;
		list_add_rcu(&new->list_proc, &ulp->list);
		list_add(&new->list_id, &sma->undos);
		un = new;
		new = NULL;
	}
	spin_unlock(&ulp->lock);
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
	spin_lock(&un->ulp->lock);
	un->semid = -1;
	list_del_rcu(&un->list_proc);
	spin_unlock(&un->ulp->lock);
	call_rcu(&un->rcu, undo_free_rcu);
}

/*
 * Apply and free every entry of @ulp; the process is gone.  Runs from
 * task work late in the exiting thread's do_exit(): it may sleep, and the
 * parent still cannot reap the process before it is done.
 */
static void undo_apply_all(struct callback_head *work)
{
	struct svipc_undo_list *ulp = container_of(work, struct svipc_undo_list, work);

	for (;;) {
		struct svipc_wake_q wq = { };
		struct svipc_sem_array *sma;
		struct svipc_undo *un;
		int semid;

		rcu_read_lock();
		un = list_first_or_null_rcu(&ulp->list, struct svipc_undo, list_proc);
		if (!un) {
			/* Let a removal that is detaching an entry finish. */
			spin_lock(&ulp->lock);
			spin_unlock(&ulp->lock);
			rcu_read_unlock();
			break;
		}
		spin_lock(&ulp->lock);
		semid = un->semid;
		spin_unlock(&ulp->lock);
		if (semid == -1) {
			/* Being detached by a removal right now: look again. */
			rcu_read_unlock();
			continue;
		}
		sma = svipc_sem_obtain_check(semid);
		if (IS_ERR(sma)) {
			/* Removed: the removal detaches the entry. */
			rcu_read_unlock();
			continue;
		}
		svipc_sem_lock_all(sma);
		if (!svipc_valid(&sma->obj)) {
			svipc_sem_unlock_all(sma);
			rcu_read_unlock();
			continue;
		}
		spin_lock(&ulp->lock);
		un = undo_lookup(ulp, semid);
		if (un)
			list_del_rcu(&un->list_proc);
		spin_unlock(&ulp->lock);
		if (un) {
			list_del(&un->list_id);
			svipc_sem_apply_undo(sma, un, &wq);
		}
		svipc_sem_unlock_all(sma);
		rcu_read_unlock();
		svipc_wake_up_q(&wq);
		if (un)
			call_rcu(&un->rcu, undo_free_rcu);
		cond_resched();
	}
	/* Another process's lookup may be walking past it. */
	kfree_rcu(ulp, rcu);
	atomic_dec(&undo_lists);
	module_put(THIS_MODULE);
}

/* sched_process_exit: runs in the exiting thread, preemption disabled. */
static void svipc_exit_probe(void *data, struct task_struct *task)
{
	struct svipc_undo_list *ulp;

	if (!atomic_read(&undo_lists) || atomic_read(&task->signal->live))
		return;
	/* Claim the list exactly once: several threads may get here. */
	spin_lock(&undo_table_lock);
	ulp = ulp_lookup(task->signal);
	if (ulp)
		hash_del_rcu(&ulp->node);
	spin_unlock(&undo_table_lock);
	if (!ulp)
		return;
	/*
	 * The probe runs with preemption disabled, and undoing may touch many
	 * large sets: leave the work to task work, which runs later in this
	 * same exit (exit_task_work), sleepable, before the exit is reported
	 * to the parent.
	 */
	init_task_work(&ulp->work, undo_apply_all);
	if (task_work_add(task, &ulp->work, TWA_NONE))
		undo_apply_all(&ulp->work);	/* cannot happen before exit_task_work */
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

void svipc_undo_exit(void)
{
	/* Lists pin the module: none can exist here. */
	WARN_ON(atomic_read(&undo_lists));
	tracepoint_probe_unregister(exit_tp, svipc_exit_probe, NULL);
	tracepoint_synchronize_unregister();
}
