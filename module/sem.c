// SPDX-License-Identifier: GPL-2.0
/*
 * svipc semaphore sets: semget, semop, semtimedop, semctl.
 *
 * Locking
 * -------
 * Lock order (outermost first):
 *
 *	ns->sem_ids.rwsem			(get, IPC_SET, IPC_RMID, INFO)
 *	  sma->obj.lock  or  sma->sems[i].lock	(see below)
 *	    ulp->lock				(a process's undo list)
 *
 * A semop with one operation takes only that semaphore's lock: the fast
 * path.  Everything else (semop with several operations, semctl, undo
 * at exit, removal) takes the set's global lock, sma->obj.lock, and
 * switches the set to global mode first (sem_complexmode_enter): it sets
 * sma->use_global_lock, then takes and drops every per-semaphore lock,
 * which waits out the fast-path holders that came before.  A fast-path
 * caller that finds use_global_lock set after taking its semaphore's
 * lock drops it and takes the global lock instead.
 *
 * SEM_BARRIER_1: the fast path reads use_global_lock with
 * smp_load_acquire() after raw_spin_lock(&sem->lock); global mode is left
 * with smp_store_release(&use_global_lock, 0) under obj.lock.  Either a
 * fast-path holder took sem->lock before sem_complexmode_enter() took and
 * dropped it (and is waited for), or it took it after, and the lock's
 * release/acquire chain makes it see use_global_lock set.
 *
 * Global mode is kept while a complex operation sleeps (complex_count),
 * because any single operation may complete it, and for a few
 * operations more (hysteresis) so that mixed workloads do not flip modes
 * on every call.
 *
 * Wait lists: a single operation that blocks sleeps on its semaphore's
 * pending_alter or pending_const list; a complex one on the set's lists.
 * While complex operations sleep, the per-semaphore alter lists are
 * merged into the set's list, so that single and complex alter waiters
 * are scanned together (each semaphore's waiters keep their order); they
 * are split again when the last complex waiter is gone.
 *
 * SEM_BARRIER_2: a waker unlinks a waiter, takes a task reference
 * (svipc_wake_q_add) and then publishes the result in q->status with
 * smp_store_release().  The sleeper reads it with READ_ONCE() +
 * smp_acquire__after_ctrl_dep() without any lock; a status other than
 * -EINTR means it owns the result and the set may already be gone.  A
 * status still -EINTR means it is still queued, so the set has not been
 * removed (removal completes every waiter) and the RCU read section it
 * entered before looking keeps the set's memory valid for the lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/nospec.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "limits.h"
#include "ns.h"
#include "sem.h"
#include "svipc.h"

#define SEM_GLOBAL_LOCK		(-1)
#define SEM_GLOBAL_HYSTERESIS	10
/* Operations copied on the stack; longer arrays are allocated. */
#define SEM_OPS_FAST		64

struct sem_queue {
	struct list_head list;
	struct task_struct *sleeper;
	struct svipc_undo *undo;
	struct pid *pid;		/* the caller's process */
	int status;			/* -EINTR until completed: SEM_BARRIER_2 */
	struct sembuf *sops;
	struct sembuf *blocking;	/* the operation that blocked */
	int nsops;
	bool alter;
};

static struct svipc_sem_array *to_sma(struct svipc_obj *obj)
{
	return container_of(obj, struct svipc_sem_array, obj);
}

struct svipc_sem_array *svipc_sem_obtain_check(struct svipc_ns *ns, int semid)
{
	struct svipc_obj *obj = svipc_obtain_check(&ns->sem_ids, semid);

	return IS_ERR(obj) ? ERR_CAST(obj) : to_sma(obj);
}

/* ---- locking ---------------------------------------------------------- */

static void sem_complexmode_enter(struct svipc_sem_array *sma)
{
	int i;

	if (sma->use_global_lock > 0) {
		/* Already global: just restart the hysteresis. */
		WRITE_ONCE(sma->use_global_lock, SEM_GLOBAL_HYSTERESIS);
		return;
	}
	WRITE_ONCE(sma->use_global_lock, SEM_GLOBAL_HYSTERESIS);
	/* SEM_BARRIER_1: wait for fast-path holders that came before. */
	for (i = 0; i < sma->nsems; i++) {
		raw_spin_lock(&sma->sems[i].lock);
		raw_spin_unlock(&sma->sems[i].lock);
	}
}

static void sem_complexmode_tryleave(struct svipc_sem_array *sma)
{
	if (sma->complex_count)
		return;
	if (sma->use_global_lock == 1)
		smp_store_release(&sma->use_global_lock, 0);	/* SEM_BARRIER_1 */
	else
		WRITE_ONCE(sma->use_global_lock, sma->use_global_lock - 1);
}

/*
 * Put the per-semaphore alter waiters on the set's list, each
 * semaphore's waiters in their order (order across semaphores is lost).
 */
static void sem_merge_queues(struct svipc_sem_array *sma)
{
	int i;

	for (i = 0; i < sma->nsems; i++)
		list_splice_tail_init(&sma->sems[i].pending_alter,
				      &sma->pending_alter);
}

/* With no complex waiter left, single waiters go back to their lists. */
static void sem_unmerge_queues(struct svipc_sem_array *sma)
{
	struct sem_queue *q, *t;

	if (sma->complex_count)
		return;
	list_for_each_entry_safe(q, t, &sma->pending_alter, list)
		list_move_tail(&q->list,
			       &sma->sems[q->sops[0].sem_num].pending_alter);
}

/*
 * Lock for @sops: a semaphore's own lock for a single operation when the
 * set is not in global mode, else the global lock.  Returns the index of
 * the semaphore locked or SEM_GLOBAL_LOCK.
 */
static int sem_lock(struct svipc_sem_array *sma, struct sembuf *sops, int nsops)
	__acquires(sma)
{
	struct svipc_sem *sem;
	int idx;

	if (nsops != 1) {
		svipc_sem_lock_all(sma);
		return SEM_GLOBAL_LOCK;
	}
	idx = array_index_nospec(sops->sem_num, sma->nsems);
	sem = &sma->sems[idx];
	if (!READ_ONCE(sma->use_global_lock)) {
		raw_spin_lock(&sem->lock);
		/* SEM_BARRIER_1 */
		if (!smp_load_acquire(&sma->use_global_lock))
			return idx;
		raw_spin_unlock(&sem->lock);
	}
	/*
	 * Slow path.  If global mode ended meanwhile, take the semaphore's
	 * lock after all; otherwise stay global without restarting the
	 * hysteresis, so that a run of single operations ends global mode.
	 */
	svipc_lock(&sma->obj);
	if (!sma->use_global_lock) {
		raw_spin_lock(&sem->lock);
		svipc_unlock(&sma->obj);
		return idx;
	}
	return SEM_GLOBAL_LOCK;
}

static void sem_unlock(struct svipc_sem_array *sma, int locknum)
	__releases(sma)
{
	if (locknum == SEM_GLOBAL_LOCK)
		svipc_sem_unlock_all(sma);
	else
		raw_spin_unlock(&sma->sems[locknum].lock);
}

void svipc_sem_lock_all(struct svipc_sem_array *sma)
	__acquires(&sma->obj.raw_lock)
{
	svipc_lock(&sma->obj);
	sem_complexmode_enter(sma);
}

void svipc_sem_unlock_all(struct svipc_sem_array *sma)
	__releases(&sma->obj.raw_lock)
{
	sem_unmerge_queues(sma);
	sem_complexmode_tryleave(sma);
	svipc_unlock(&sma->obj);
}

/* ---- operations --------------------------------------------------------- */

/*
 * Try @q's operations, in order, all or nothing.  Returns 0 when done, 1
 * when the caller must sleep (q->blocking says on what), or -EAGAIN
 * (that operation had IPC_NOWAIT) or -ERANGE, with nothing changed.
 * Caller holds the lock(s) covering every semaphore named.
 */
static int sem_perform(struct svipc_sem_array *sma, struct sem_queue *q)
{
	struct svipc_undo *un = q->undo;
	struct sembuf *sop;
	int i, result, ret;

	for (i = 0; i < q->nsops; i++) {
		struct svipc_sem *sem;
		int idx;

		sop = &q->sops[i];
		idx = array_index_nospec(sop->sem_num, sma->nsems);
		sem = &sma->sems[idx];
		result = sem->semval;
		if (!sop->sem_op && result)
			goto would_block;
		result += sop->sem_op;
		if (result < 0)
			goto would_block;
		if (result > SEMVMX) {
			ret = -ERANGE;
			goto revert;
		}
		if (sop->sem_flg & SEM_UNDO) {
			int adj = un->semadj[idx] - sop->sem_op;

			if (adj < -SEMAEM - 1 || adj > SEMAEM) {
				ret = -ERANGE;
				goto revert;
			}
			un->semadj[idx] = adj;
		}
		sem->semval = result;
	}
	for (i = 0; i < q->nsops; i++) {
		struct svipc_sem *sem = &sma->sems[q->sops[i].sem_num];

		svipc_set_pid(&sem->sempid, q->pid);
	}
	return 0;

would_block:
	q->blocking = sop;
	ret = (sop->sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
revert:
	while (--i >= 0) {
		sop = &q->sops[i];
		sma->sems[sop->sem_num].semval -= sop->sem_op;
		if (sop->sem_flg & SEM_UNDO)
			un->semadj[sop->sem_num] += sop->sem_op;
	}
	return ret;
}

static void sem_unlink(struct svipc_sem_array *sma, struct sem_queue *q)
{
	list_del(&q->list);
	if (q->nsops > 1)
		sma->complex_count--;
}

/* Complete a sleeping @q with @error.  SEM_BARRIER_2. */
static void sem_wake(struct sem_queue *q, int error, struct svipc_wake_q *wq)
{
	svipc_wake_q_add(wq, q->sleeper);
	/* SEM_BARRIER_2 */
	smp_store_release(&q->status, error);
}

static void sem_set_otime(struct svipc_sem_array *sma, struct sembuf *sops)
{
	sma->sems[sops ? sops[0].sem_num : 0].otime = ktime_get_real_seconds();
}

/* Complete what waits for zero on @list.  Returns true if any did. */
static bool sem_wake_const(struct svipc_sem_array *sma, struct list_head *list,
			   struct svipc_wake_q *wq)
{
	struct sem_queue *q, *t;
	bool done = false;

	list_for_each_entry_safe(q, t, list, list) {
		int error = sem_perform(sma, q);

		if (error > 0)
			continue;
		sem_unlink(sma, q);
		sem_wake(q, error, wq);
		if (!error)
			done = true;
	}
	return done;
}

/*
 * Wake-for-zero after @sops (all semaphores when NULL) changed values.
 * Returns true if an operation completed.
 */
static bool sem_wakeup_zero(struct svipc_sem_array *sma, struct sembuf *sops,
			    int nsops, struct svipc_wake_q *wq)
{
	bool zero = false, done = false;
	int i;

	if (!sops) {
		for (i = 0; i < sma->nsems; i++) {
			if (sma->sems[i].semval)
				continue;
			zero = true;
			done |= sem_wake_const(sma, &sma->sems[i].pending_const, wq);
		}
	} else {
		for (i = 0; i < nsops; i++) {
			struct svipc_sem *sem = &sma->sems[sops[i].sem_num];

			if (sops[i].sem_op >= 0 || sem->semval)
				continue;
			zero = true;
			done |= sem_wake_const(sma, &sem->pending_const, wq);
		}
	}
	if (zero)
		done |= sem_wake_const(sma, &sma->pending_const, wq);
	return done;
}

/*
 * Complete the alter waiters of semaphore @semnum (or of the set's list
 * when SEM_GLOBAL_LOCK) that can now proceed, in arrival order.  Every
 * completion may enable earlier waiters, so the scan restarts after one.
 */
static bool sem_update_queue(struct svipc_sem_array *sma, int semnum,
			     struct svipc_wake_q *wq)
{
	struct list_head *list;
	struct sem_queue *q, *t;
	bool done = false;

	list = semnum == SEM_GLOBAL_LOCK ? &sma->pending_alter :
					   &sma->sems[semnum].pending_alter;
again:
	list_for_each_entry_safe(q, t, list, list) {
		int error;

		/* A lone semaphore at zero cannot satisfy a decrement. */
		if (semnum != SEM_GLOBAL_LOCK && !sma->sems[semnum].semval)
			break;
		error = sem_perform(sma, q);
		if (error > 0)
			continue;
		sem_unlink(sma, q);
		/* Before the wake: @q is gone once its status is published. */
		if (!error)
			sem_wakeup_zero(sma, q->sops, q->nsops, wq);
		sem_wake(q, error, wq);
		if (error)
			continue;
		done = true;
		goto again;
	}
	return done;
}

/*
 * After @sops (NULL: any semaphore) changed values: complete whatever can
 * now proceed, and record the operation time if anything ran.
 */
static void sem_smart_update(struct svipc_sem_array *sma, struct sembuf *sops,
			     int nsops, bool otime, struct svipc_wake_q *wq)
{
	int i;

	otime |= sem_wakeup_zero(sma, sops, nsops, wq);
	if (!list_empty(&sma->pending_alter)) {
		otime |= sem_update_queue(sma, SEM_GLOBAL_LOCK, wq);
	} else if (!sops) {
		for (i = 0; i < sma->nsems; i++)
			otime |= sem_update_queue(sma, i, wq);
	} else {
		for (i = 0; i < nsops; i++)
			if (sops[i].sem_op > 0)
				otime |= sem_update_queue(sma, sops[i].sem_num, wq);
	}
	if (otime)
		sem_set_otime(sma, sops);
}

/*
 * Undo at exit: add @un's adjustments, clamped to [0, SEMVMX] (never
 * blocks), and wake whoever can now proceed.  Caller holds the global
 * lock and has unlinked @un.
 */
void svipc_sem_apply_undo(struct svipc_sem_array *sma, struct svipc_undo *un,
			  struct svipc_wake_q *wq)
{
	struct pid *pid = task_tgid(current);
	int i;

	lockdep_assert_held(&sma->obj.raw_lock);
	for (i = 0; i < sma->nsems; i++) {
		struct svipc_sem *sem = &sma->sems[i];
		int val;

		if (!un->semadj[i])
			continue;
		val = clamp(sem->semval + un->semadj[i], 0, SEMVMX);
		sem->semval = val;
		svipc_set_pid(&sem->sempid, pid);
	}
	sem_smart_update(sma, NULL, 0, true, wq);
}

/* Queue @q to sleep.  Caller holds the lock from sem_lock(). */
static void sem_queue_sleeper(struct svipc_sem_array *sma, struct sem_queue *q)
{
	if (q->nsops == 1) {
		struct svipc_sem *sem = &sma->sems[q->sops[0].sem_num];

		if (!q->alter)
			list_add_tail(&q->list, &sem->pending_const);
		else if (sma->complex_count)
			list_add_tail(&q->list, &sma->pending_alter);
		else
			list_add_tail(&q->list, &sem->pending_alter);
		return;
	}
	if (!sma->complex_count)
		sem_merge_queues(sma);
	list_add_tail(&q->list, q->alter ? &sma->pending_alter :
					   &sma->pending_const);
	sma->complex_count++;
}

static long sem_do_semtimedop(struct svipc_ns *ns, int semid,
			      struct sembuf *sops, int nsops,
			      const struct timespec64 *timeout)
{
	struct svipc_sem_array *sma;
	struct svipc_undo *un = NULL;
	struct svipc_wake_q wq __uninitialized;
	ktime_t expires, *exp = NULL;
	bool undos = false, alter = false, timed_out = false;
	/*
	 * Every field is written before it is read: the operations before
	 * sem_perform(), blocking by it, the list link when queued, the
	 * status and sleeper before the lock is dropped.
	 */
	struct sem_queue q __uninitialized;
	int max = 0, i, locknum, error;

	svipc_wake_q_init(&wq);
	if (semid < 0)
		return -EINVAL;
	if (timeout) {
		if (!timespec64_valid(timeout))
			return -EINVAL;
		expires = ktime_add_safe(ktime_get(), timespec64_to_ktime(*timeout));
		exp = &expires;
	}
	for (i = 0; i < nsops; i++) {
		max = max_t(int, max, sops[i].sem_num);
		if (sops[i].sem_flg & SEM_UNDO)
			undos = true;
		if (sops[i].sem_op)
			alter = true;
	}

	rcu_read_lock();
	if (undos) {
		un = svipc_find_alloc_undo(ns, semid);
		if (IS_ERR(un)) {
			error = PTR_ERR(un);
			goto out_rcu;
		}
	}
	sma = svipc_sem_obtain_check(ns, semid);
	if (IS_ERR(sma)) {
		error = PTR_ERR(sma);
		goto out_rcu;
	}
	error = -EFBIG;
	if (max >= sma->nsems)
		goto out_rcu;
	error = -EACCES;
	if (svipc_perms(&sma->obj, alter ? 0222 : 0444))
		goto out_rcu;

	locknum = sem_lock(sma, sops, nsops);
	error = -EIDRM;
	if (!svipc_valid(&sma->obj) || (un && un->semid == -1))
		goto out_unlock;

	q.sops = sops;
	q.nsops = nsops;
	q.undo = un;
	q.pid = task_tgid(current);
	q.alter = alter;
	error = sem_perform(sma, &q);
	if (error == 0) {
		if (alter)
			sem_smart_update(sma, sops, nsops, true, &wq);
		else
			sem_set_otime(sma, sops);
		goto out_unlock;
	}
	if (error < 0)
		goto out_unlock;

	sem_queue_sleeper(sma, &q);
	do {
		WRITE_ONCE(q.status, -EINTR);
		q.sleeper = current;
		__set_current_state(TASK_INTERRUPTIBLE);
		sem_unlock(sma, locknum);
		rcu_read_unlock();
		timed_out = !schedule_hrtimeout_range(exp, current->timer_slack_ns,
						      HRTIMER_MODE_ABS);

		/* SEM_BARRIER_2 */
		rcu_read_lock();
		error = READ_ONCE(q.status);
		if (error != -EINTR) {
			smp_acquire__after_ctrl_dep();
			goto out_rcu;
		}
		locknum = sem_lock(sma, sops, nsops);
		error = READ_ONCE(q.status);
		if (error != -EINTR)
			goto out_unlock;
		/* The deadline is absolute: a spurious wake-up keeps it. */
		if (timed_out)
			error = -EAGAIN;
	} while (error == -EINTR && !signal_pending(current));
	sem_unlink(sma, &q);

out_unlock:
	sem_unlock(sma, locknum);
out_rcu:
	rcu_read_unlock();
	svipc_wake_up_q(&wq);
	return error;
}

long svipc_semop_ioctl(struct svipc_ns *ns, struct svipc_semop __user *uarg)
{
	/* Only the entries copied in are read: no need to zero them. */
	struct sembuf fast[SEM_OPS_FAST] __uninitialized;
	struct sembuf *sops = fast;
	struct timespec64 ts, *timeout = NULL;
	struct svipc_timespec uts;
	struct svipc_semop a;
	long err;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv)
		return -EINVAL;
	/* Native order: timeout read, E2BIG, nsops, copy, then semid. */
	if (a.timeout) {
		const struct svipc_timespec __user *ut = u64_to_user_ptr(a.timeout);

		if (svipc_get_args(&uts, ut))
			return -EFAULT;
		ts.tv_sec = uts.tv_sec;
		ts.tv_nsec = uts.tv_nsec;
		timeout = &ts;
	}
	if (a.nsops > (unsigned int)svipc_lim(ns, semopm))
		return -E2BIG;
	if (a.nsops < 1)
		return -EINVAL;
	if (a.nsops > SEM_OPS_FAST) {
		sops = kvmalloc_array(a.nsops, sizeof(*sops), GFP_KERNEL_ACCOUNT);
		if (!sops)
			return -ENOMEM;
	}
	BUILD_BUG_ON(sizeof(struct sembuf) != sizeof(struct svipc_sembuf));
	if (copy_from_user(sops, u64_to_user_ptr(a.sops), a.nsops * sizeof(*sops)))
		err = -EFAULT;
	else
		err = sem_do_semtimedop(ns, a.semid, sops, a.nsops, timeout);
	if (sops != fast)
		kvfree(sops);
	return err;
}

/* ---- semget ------------------------------------------------------------- */

static int sem_limit(struct svipc_ns *ns)
{
	return svipc_lim(ns, semmni);
}

/* Called under sem_ids.rwsem (write). */
static struct svipc_obj *sma_alloc(struct svipc_ns *ns,
				   const struct svipc_get_params *p)
{
	struct svipc_sem_array *sma;
	int i, nsems = p->size;

	if (!nsems)
		return ERR_PTR(-EINVAL);
	if (ns->sem_used + nsems > svipc_lim(ns, semmns))
		return ERR_PTR(-ENOSPC);
	sma = kvzalloc(struct_size(sma, sems, nsems), GFP_KERNEL_ACCOUNT);
	if (!sma)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < nsems; i++) {
		raw_spin_lock_init(&sma->sems[i].lock);
		INIT_LIST_HEAD(&sma->sems[i].pending_alter);
		INIT_LIST_HEAD(&sma->sems[i].pending_const);
	}
	INIT_LIST_HEAD(&sma->pending_alter);
	INIT_LIST_HEAD(&sma->pending_const);
	INIT_LIST_HEAD(&sma->undos);
	sma->nsems = nsems;
	sma->ctime = ktime_get_real_seconds();
	ns->sem_used += nsems;
	return &sma->obj;
}

static void sma_free(struct svipc_sem_array *sma)
{
	int i;

	for (i = 0; i < sma->nsems; i++)
		put_pid(sma->sems[i].sempid);
	kvfree(sma);
}

static void sma_free_rcu(struct rcu_head *head)
{
	sma_free(container_of(head, struct svipc_sem_array, obj.rcu));
}

void svipc_sem_putref(struct svipc_sem_array *sma)
{
	svipc_putref(&sma->obj, sma_free_rcu);
}

static void sma_free_unpublished(struct svipc_obj *obj)
{
	struct svipc_sem_array *sma = to_sma(obj);

	obj->ns->sem_used -= sma->nsems;
	sma_free(sma);
}

static int sma_more_checks(struct svipc_obj *obj, const struct svipc_get_params *p)
{
	return p->size > to_sma(obj)->nsems ? -EINVAL : 0;
}

static const struct svipc_kind_ops sem_ops = {
	.limit = sem_limit,
	.alloc = sma_alloc,
	.free_unpublished = sma_free_unpublished,
	.more_checks = sma_more_checks,
	/* Undo at exit locks sets in the exit probe: see undo.c. */
	.raw_lock = true,
	.pin_module = true,
};

long svipc_semget_ioctl(struct svipc_ns *ns, struct svipc_get __user *uarg)
{
	struct svipc_get a;
	struct svipc_get_params p;
	s64 nsems;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv)
		return -EINVAL;
	nsems = (s64)a.size;
	if (nsems < 0 || nsems > svipc_lim(ns, semmsl) || nsems > INT_MAX)
		return -EINVAL;
	p.key = a.key;
	p.flg = a.flags;
	p.size = nsems;
	return svipc_get(&ns->sem_ids, &p);
}

/* ---- semctl ------------------------------------------------------------- */

static int semctl_info(struct svipc_ns *ns, int cmd, void __user *buf)
{
	struct svipc_seminfo info = {
		.semmni = svipc_lim(ns, semmni),
		.semmns = svipc_lim(ns, semmns),
		.semmsl = svipc_lim(ns, semmsl),
		.semopm = svipc_lim(ns, semopm),
		.semvmx = SEMVMX,
		.semmnu = SEMMNU,
		.semmap = SEMMAP,
		.semume = SEMUME,
	};
	int max_idx;

	down_read(&ns->sem_ids.rwsem);
	if (cmd == SEM_INFO) {
		/* As native: these two fields count what is in use. */
		info.semusz = ns->sem_ids.in_use;
		info.semaem = ns->sem_used;
	} else {
		info.semusz = SEMUSZ;
		info.semaem = SEMAEM;
	}
	max_idx = svipc_max_idx(&ns->sem_ids);
	up_read(&ns->sem_ids.rwsem);
	if (copy_to_user(buf, &info, sizeof(info)))
		return -EFAULT;
	return max_idx < 0 ? 0 : max_idx;
}

static time64_t sem_get_otime(struct svipc_sem_array *sma)
{
	time64_t t = 0;
	int i;

	for (i = 0; i < sma->nsems; i++)
		t = max(t, sma->sems[i].otime);
	return t;
}

static int semctl_stat(struct svipc_ns *ns, int semid, int cmd,
		       struct svipc_semid_ds *ds)
{
	struct svipc_sem_array *sma;
	struct svipc_obj *obj;
	int err;

	memset(ds, 0, sizeof(*ds));
	rcu_read_lock();
	if (cmd == SEM_STAT || cmd == SEM_STAT_ANY)
		obj = svipc_obtain(&ns->sem_ids, semid);
	else
		obj = svipc_obtain_check(&ns->sem_ids, semid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_rcu;
	}
	err = -EACCES;
	if (cmd != SEM_STAT_ANY && svipc_perms(obj, 0444))
		goto out_rcu;
	sma = to_sma(obj);
	svipc_sem_lock_all(sma);
	err = -EIDRM;
	if (!svipc_valid(obj))
		goto out_unlock;
	svipc_fill_perm(obj, &ds->perm);
	ds->otime = sem_get_otime(sma);
	ds->ctime = sma->ctime;
	ds->nsems = sma->nsems;
	err = cmd == IPC_STAT ? 0 : obj->id;
out_unlock:
	svipc_sem_unlock_all(sma);
out_rcu:
	rcu_read_unlock();
	return err;
}

/* Waiters counted as SUS says: by the operation each one is blocked on. */
static int sem_count(struct svipc_sem_array *sma, int semnum, bool zero)
{
	struct list_head *l;
	struct sem_queue *q;
	int n = 0;

	lockdep_assert_held(&sma->obj.raw_lock);
	l = zero ? &sma->sems[semnum].pending_const : &sma->sems[semnum].pending_alter;
	list_for_each_entry(q, l, list)
		n++;
	list_for_each_entry(q, &sma->pending_alter, list)
		if (q->blocking->sem_num == semnum &&
		    (zero ? !q->blocking->sem_op : q->blocking->sem_op < 0))
			n++;
	if (zero)
		list_for_each_entry(q, &sma->pending_const, list)
			if (q->blocking->sem_num == semnum && !q->blocking->sem_op)
				n++;
	return n;
}

/* Values were set from outside: forget every process's adjustment. */
static void sem_clear_semadj(struct svipc_sem_array *sma, int semnum)
{
	struct svipc_undo *un;

	lockdep_assert_held(&sma->obj.raw_lock);
	list_for_each_entry(un, &sma->undos, list_id) {
		if (semnum >= 0)
			un->semadj[semnum] = 0;
		else
			memset(un->semadj, 0, sma->nsems * sizeof(un->semadj[0]));
	}
}

static void sem_set_pid(struct svipc_sem *sem)
{
	svipc_set_pid(&sem->sempid, task_tgid(current));
}

static int semctl_setval(struct svipc_ns *ns, int semid, int semnum, int val)
{
	struct svipc_sem_array *sma;
	struct svipc_wake_q wq = { };
	int err;

	if (val > SEMVMX || val < 0)
		return -ERANGE;
	rcu_read_lock();
	sma = svipc_sem_obtain_check(ns, semid);
	if (IS_ERR(sma)) {
		err = PTR_ERR(sma);
		goto out_rcu;
	}
	err = -EINVAL;
	if (semnum < 0 || semnum >= sma->nsems)
		goto out_rcu;
	err = -EACCES;
	if (svipc_perms(&sma->obj, 0222))
		goto out_rcu;
	svipc_sem_lock_all(sma);
	err = -EIDRM;
	if (!svipc_valid(&sma->obj))
		goto out_unlock;
	semnum = array_index_nospec(semnum, sma->nsems);
	sem_clear_semadj(sma, semnum);
	sma->sems[semnum].semval = val;
	sem_set_pid(&sma->sems[semnum]);
	sma->ctime = ktime_get_real_seconds();
	sem_smart_update(sma, NULL, 0, false, &wq);
	err = 0;
out_unlock:
	svipc_sem_unlock_all(sma);
out_rcu:
	rcu_read_unlock();
	svipc_wake_up_q(&wq);
	return err;
}

/*
 * SETALL and GETALL copy user memory outside the locks; the caller holds
 * a reference on the set and no RCU read section.
 */
static int semctl_setall(struct svipc_sem_array *sma, u16 __user *array)
{
	struct svipc_wake_q wq = { };
	u16 *vals;
	int i, err;

	vals = kvmalloc_array(sma->nsems, sizeof(*vals), GFP_KERNEL_ACCOUNT);
	if (!vals)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(vals, array, sma->nsems * sizeof(*vals)))
		goto out_free;
	err = -ERANGE;
	for (i = 0; i < sma->nsems; i++)
		if (vals[i] > SEMVMX)
			goto out_free;

	rcu_read_lock();
	svipc_sem_lock_all(sma);
	err = -EIDRM;
	if (svipc_valid(&sma->obj)) {
		for (i = 0; i < sma->nsems; i++) {
			sma->sems[i].semval = vals[i];
			sem_set_pid(&sma->sems[i]);
		}
		sem_clear_semadj(sma, -1);
		sma->ctime = ktime_get_real_seconds();
		sem_smart_update(sma, NULL, 0, false, &wq);
		err = 0;
	}
	svipc_sem_unlock_all(sma);
	rcu_read_unlock();
	svipc_wake_up_q(&wq);
out_free:
	kvfree(vals);
	return err;
}

static int semctl_getall(struct svipc_sem_array *sma, u16 __user *array)
{
	u16 *vals;
	int i, err, n = sma->nsems;

	vals = kvmalloc_array(n, sizeof(*vals), GFP_KERNEL);
	if (!vals)
		return -ENOMEM;
	rcu_read_lock();
	svipc_sem_lock_all(sma);
	err = -EIDRM;
	if (svipc_valid(&sma->obj)) {
		for (i = 0; i < n; i++)
			vals[i] = sma->sems[i].semval;
		err = 0;
	}
	svipc_sem_unlock_all(sma);
	rcu_read_unlock();
	if (!err && copy_to_user(array, vals, n * sizeof(*vals)))
		err = -EFAULT;
	kvfree(vals);
	return err;
}

/* GETVAL, GETPID, GETNCNT, GETZCNT, GETALL, SETALL. */
static int semctl_main(struct svipc_ns *ns, int semid, int semnum, int cmd,
		       void __user *buf)
{
	struct svipc_sem_array *sma;
	struct svipc_sem *sem;
	int err;

	rcu_read_lock();
	sma = svipc_sem_obtain_check(ns, semid);
	if (IS_ERR(sma)) {
		err = PTR_ERR(sma);
		goto out_rcu;
	}
	err = -EACCES;
	if (svipc_perms(&sma->obj, cmd == SETALL ? 0222 : 0444))
		goto out_rcu;
	if (cmd == GETALL || cmd == SETALL) {
		/* Lost a race with IPC_RMID: as native, EIDRM. */
		if (!svipc_getref(&sma->obj)) {
			err = -EIDRM;
			goto out_rcu;
		}
		rcu_read_unlock();
		if (cmd == GETALL)
			err = semctl_getall(sma, buf);
		else
			err = semctl_setall(sma, buf);
		svipc_sem_putref(sma);
		return err;
	}

	err = -EINVAL;
	if (semnum < 0 || semnum >= sma->nsems)
		goto out_rcu;
	svipc_sem_lock_all(sma);
	err = -EIDRM;
	if (!svipc_valid(&sma->obj))
		goto out_unlock;
	semnum = array_index_nospec(semnum, sma->nsems);
	sem = &sma->sems[semnum];
	switch (cmd) {
	case GETVAL:
		err = sem->semval;
		break;
	case GETPID:
		err = pid_vnr(sem->sempid);
		break;
	case GETNCNT:
		err = sem_count(sma, semnum, false);
		break;
	default:	/* GETZCNT */
		err = sem_count(sma, semnum, true);
		break;
	}
out_unlock:
	svipc_sem_unlock_all(sma);
out_rcu:
	rcu_read_unlock();
	return err;
}

/*
 * Remove a set.  Caller holds sem_ids.rwsem (write) and the global lock;
 * this drops the lock.
 */
static void sem_remove(struct svipc_sem_array *sma)
	__releases(&sma->obj.raw_lock)
{
	struct svipc_wake_q wq = { };
	struct svipc_undo *un, *tu;
	struct sem_queue *q, *tq;
	int i;

	lockdep_assert_held(&sma->obj.raw_lock);
	/* Undo entries of every process for this set become void. */
	list_for_each_entry_safe(un, tu, &sma->undos, list_id) {
		list_del(&un->list_id);
		svipc_undo_forget(un);
	}
	/* Every sleeper fails with EIDRM. */
	list_for_each_entry_safe(q, tq, &sma->pending_const, list) {
		sem_unlink(sma, q);
		sem_wake(q, -EIDRM, &wq);
	}
	list_for_each_entry_safe(q, tq, &sma->pending_alter, list) {
		sem_unlink(sma, q);
		sem_wake(q, -EIDRM, &wq);
	}
	for (i = 0; i < sma->nsems; i++) {
		struct svipc_sem *sem = &sma->sems[i];

		list_for_each_entry_safe(q, tq, &sem->pending_const, list) {
			sem_unlink(sma, q);
			sem_wake(q, -EIDRM, &wq);
		}
		list_for_each_entry_safe(q, tq, &sem->pending_alter, list) {
			sem_unlink(sma, q);
			sem_wake(q, -EIDRM, &wq);
		}
	}
	svipc_rmid(&sma->obj.ns->sem_ids, &sma->obj);
	sma->obj.ns->sem_used -= sma->nsems;
	svipc_sem_unlock_all(sma);
	svipc_wake_up_q(&wq);
	svipc_putref(&sma->obj, sma_free_rcu);
}

static int semctl_down(struct svipc_ns *ns, int semid, int cmd,
		       const struct svipc_semid_ds *ds)
{
	struct svipc_sem_array *sma;
	struct svipc_obj *obj;
	int err;

	down_write(&ns->sem_ids.rwsem);
	rcu_read_lock();
	obj = svipc_obtain_owner(&ns->sem_ids, semid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_rcu;
	}
	sma = to_sma(obj);
	svipc_sem_lock_all(sma);
	if (cmd == IPC_RMID) {
		sem_remove(sma);		/* unlocks */
		err = 0;
		goto out_rcu;
	}
	err = svipc_update_perm(obj, ds->perm.uid, ds->perm.gid, ds->perm.mode);
	if (!err)
		sma->ctime = ktime_get_real_seconds();
	svipc_sem_unlock_all(sma);
out_rcu:
	rcu_read_unlock();
	up_write(&ns->sem_ids.rwsem);
	return err;
}

/*
 * The commands with a struct semid_ds, each in a function of its own so
 * that only they pay for zeroing it (INIT_STACK_ALL_ZERO): semctl(-1) is
 * svipc's null call, the floor of every figure in the benchmark.
 */
static int semctl_stat_user(struct svipc_ns *ns, int semid, int cmd,
			    void __user *buf)
{
	struct svipc_semid_ds ds;
	int err = semctl_stat(ns, semid, cmd, &ds);

	if (err < 0)
		return err;
	return copy_to_user(buf, &ds, sizeof(ds)) ? -EFAULT : err;
}

static int semctl_set_user(struct svipc_ns *ns, int semid, int cmd,
			   const void __user *buf)
{
	struct svipc_semid_ds ds;

	if (copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;
	return semctl_down(ns, semid, cmd, &ds);
}

long svipc_semctl_ioctl(struct svipc_ns *ns, struct svipc_ctl __user *uarg)
{
	struct svipc_ctl a;
	void __user *buf;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv)
		return -EINVAL;
	if (a.id < 0)
		return -EINVAL;
	buf = u64_to_user_ptr(a.buf);

	switch (a.cmd) {
	case IPC_INFO:
	case SEM_INFO:
		return semctl_info(ns, a.cmd, buf);
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		return semctl_stat_user(ns, a.id, a.cmd, buf);
	case GETALL:
	case GETVAL:
	case GETPID:
	case GETNCNT:
	case GETZCNT:
	case SETALL:
		return semctl_main(ns, a.id, a.semnum, a.cmd, buf);
	case SETVAL:
		/* The union's int, as the native call reads it. */
		return semctl_setval(ns, a.id, a.semnum, (int)a.buf);
	case IPC_SET:
		return semctl_set_user(ns, a.id, a.cmd, buf);
	case IPC_RMID:
		return semctl_down(ns, a.id, a.cmd, NULL);
	default:
		return -EINVAL;
	}
}

/* ---- /proc/svipc/sem (proc.c) ------------------------------------------ */

/* Caller holds sem_ids.rwsem and the global lock (svipc_sem_lock_all). */
void svipc_sem_proc_get(struct svipc_sem_array *sma, struct svipc_sem_proc *p)
{
	lockdep_assert_held(&sma->obj.ns->sem_ids.rwsem);
	lockdep_assert_held(&sma->obj.raw_lock);
	p->nsems = sma->nsems;
	p->otime = sem_get_otime(sma);
	p->ctime = sma->ctime;
}

int svipc_sem_init(void)
{
	return svipc_undo_init();
}

/* Unload's first step (main.c): no exit probe of ours runs after this. */
void svipc_sem_stop_exit_probe(void)
{
	svipc_undo_exit();
}

void svipc_sem_ns_init(struct svipc_ns *ns)
{
	svipc_ids_init(&ns->sem_ids, &sem_ops, ns);
}

/*
 * The namespace died, or the module goes: remove every set.  Nobody
 * waits on them; undo entries of processes that left the namespace are
 * detached, as by IPC_RMID.
 */
void svipc_sem_ns_clear(struct svipc_ns *ns)
{
	struct svipc_obj *obj;
	int id;

	down_write(&ns->sem_ids.rwsem);
	idr_for_each_entry(&ns->sem_ids.idr, obj, id) {
		svipc_sem_lock_all(to_sma(obj));
		sem_remove(to_sma(obj));	/* unlocks */
	}
	up_write(&ns->sem_ids.rwsem);
}

void svipc_sem_ns_free(struct svipc_ns *ns)
{
	svipc_ids_destroy(&ns->sem_ids);
}
