// SPDX-License-Identifier: GPL-2.0
/*
 * svipc and IPC namespaces.
 *
 * As native, every object belongs to an IPC namespace: keys, ids, limits
 * and the INFO counts are per namespace, a process sees only the objects
 * of the namespace it is in (current->nsproxy->ipc_ns), and capabilities
 * that override checks are checked in the user namespace that owns it.
 * struct svipc_ns holds one namespace's tables; svipc_init_ns is the
 * initial namespace's, static, and the others are made on first use.
 *
 * Finding a namespace's tables
 * ----------------------------
 * svipc_ns_hash maps an ipc_namespace to its svipc_ns.  Each entry holds
 * a reference on its ipc_namespace, so the namespace cannot be freed
 * while its entry is in the table: no later namespace can be given the
 * same address, and so no namespace is ever handed another's tables.
 * A caller's own namespace is held by its nsproxy while it runs, which
 * keeps the entry it finds alive without a reference of its own (see
 * "Death" for why the entry cannot go meanwhile).
 *
 * Death
 * -----
 * Linux has no notifier for a namespace's death, and modules cannot
 * call the code that frees it.  But once our reference is the only one
 * left, the namespace is dead to everyone else: no task is in it (each
 * nsproxy holds one), no nsfs file or bind mount names it, no svipc
 * mapping, /proc/svipc file or native object keeps it, and nothing can
 * take a new reference, since no one else has a pointer to it.  That is
 * the state native frees in, and it cannot be left.  A delayed work
 * looks for it every SVIPC_NS_POLL while namespaces other than the
 * initial one have tables; it then empties the tables as native's
 * free_ipc_ns() does, and drops the reference (native then frees the
 * namespace).  So a namespace's objects go at most SVIPC_NS_POLL, plus
 * the time to free them, after its last user.
 *
 * What holds a namespace like native does: shm attaches (struct
 * shm_attach) and open /proc/svipc files hold a reference on the
 * ipc_namespace itself, so it lives on while they do, as native.
 *
 * Lifetime of struct svipc_ns
 * ---------------------------
 * Its own refcount counts the table's reference (dropped at death),
 * each SEM_UNDO list made in it and each open /proc/svipc file: those
 * can outlive the namespace (a list of a process that moved on is
 * applied later; see undo.c).  The last put frees it after an RCU grace
 * period, in process context (queue_rcu_work), since the exit probe may
 * drop it.
 *
 * Locking
 * -------
 * svipc_ns_mutex serialises adding, removing and walking entries; it is
 * taken before any table's rwsem.  Lookups use RCU.
 *
 * Kernels without IPC namespaces
 * ------------------------------
 * Without CONFIG_IPC_NS there is one namespace, and without System V
 * IPC and POSIX message queues none at all (nsproxy->ipc_ns is NULL):
 * everything is then svipc_init_ns.  On 6.1, put_ipc_ns() is not
 * exported; the namespace's own proc_ns_operations reach it, and
 * svipc_ns_init() checks that they are the IPC namespace's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "ns.h"
#include "svipc.h"

#define SVIPC_NS_POLL	(HZ / 2)

struct svipc_ns svipc_init_ns = {
	.lim = SVIPC_LIMITS_INIT,
	.user_ns = &init_user_ns,
	.ref = REFCOUNT_INIT(1),
};

/* What a new namespace starts from: the parameters given at load. */
static struct svipc_limits svipc_ns_defaults;

static DEFINE_MUTEX(svipc_ns_mutex);
static DEFINE_HASHTABLE(svipc_ns_hash, 6);	/* RCU; svipc_ns_mutex */
static LIST_HEAD(svipc_ns_list);		/* all but the initial one */
static struct workqueue_struct *svipc_ns_wq;
static void svipc_ns_poll(struct work_struct *work);
static DECLARE_DELAYED_WORK(svipc_ns_poll_work, svipc_ns_poll);

struct ipc_namespace *svipc_ipc_ns_get_current(void)
{
	return get_ipc_ns(current->nsproxy->ipc_ns);
}

void svipc_ipc_ns_put(struct ipc_namespace *ipc_ns)
{
#if defined(CONFIG_IPC_NS) && defined(SVIPC_HAVE_PUT_IPC_NS)
	put_ipc_ns(ipc_ns);
#elif defined(CONFIG_IPC_NS)
	/* ipcns_operations.put, checked in svipc_ns_init(). */
	if (ipc_ns)
		ipc_ns->ns.ops->put(&ipc_ns->ns);
#endif
}

/* Caller is in an RCU read section or holds svipc_ns_mutex. */
static struct svipc_ns *svipc_ns_lookup(struct ipc_namespace *ipc_ns)
{
	struct svipc_ns *ns;

	hash_for_each_possible_rcu(svipc_ns_hash, ns, hash_node,
				   (unsigned long)ipc_ns,
				   lockdep_is_held(&svipc_ns_mutex))
		if (ns->ipc_ns == ipc_ns)
			return ns;
	return NULL;
}

static int svipc_ns_setup(struct svipc_ns *ns)
{
	int err;

	err = svipc_msg_ns_init(ns);
	if (err)
		return err;
	svipc_sem_ns_init(ns);
	svipc_shm_ns_init(ns);
	return 0;
}

static void svipc_ns_free_work(struct work_struct *work)
{
	struct svipc_ns *ns = container_of(to_rcu_work(work), struct svipc_ns,
					   free_work);

	svipc_shm_ns_free(ns);
	svipc_sem_ns_free(ns);
	svipc_msg_ns_free(ns);
	kfree(ns);
}

struct svipc_ns *svipc_ns_get(struct svipc_ns *ns)
{
	refcount_inc(&ns->ref);
	return ns;
}

/*
 * Safe with preemption disabled (the exit probe): the free is an RCU
 * callback that queues work.  The initial namespace is never freed here.
 */
void svipc_ns_put(struct svipc_ns *ns)
{
	if (refcount_dec_and_test(&ns->ref) && !WARN_ON(ns == &svipc_init_ns))
		queue_rcu_work(svipc_ns_wq, &ns->free_work);
}

static struct svipc_ns *svipc_ns_create(struct ipc_namespace *ipc_ns)
{
	struct svipc_ns *ns, *new;
	bool first;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->lim = svipc_ns_defaults;
	new->ipc_ns = ipc_ns;
	new->user_ns = ipc_ns->user_ns;
	refcount_set(&new->ref, 1);
	INIT_RCU_WORK(&new->free_work, svipc_ns_free_work);
	if (svipc_ns_setup(new)) {
		kfree(new);
		return ERR_PTR(-ENOMEM);
	}

	mutex_lock(&svipc_ns_mutex);
	/* Another task of the namespace may have raced us. */
	ns = svipc_ns_lookup(ipc_ns);
	if (!ns) {
		/* Our caller is in it: the count cannot be zero. */
		get_ipc_ns(ipc_ns);
		first = list_empty(&svipc_ns_list);
		list_add_tail(&new->list_node, &svipc_ns_list);
		hash_add_rcu(svipc_ns_hash, &new->hash_node, (unsigned long)ipc_ns);
		if (first)
			queue_delayed_work(svipc_ns_wq, &svipc_ns_poll_work,
					   SVIPC_NS_POLL);
		ns = new;
		new = NULL;
	}
	mutex_unlock(&svipc_ns_mutex);
	if (new) {
		/* Never published: nothing can have used it. */
		svipc_ns_free_work(&new->free_work.work);
	}
	return ns;
}

/* svipc_ns_current() for any namespace but the initial one: see ns.h. */
struct svipc_ns *svipc_ns_find(struct ipc_namespace *ipc_ns)
{
	struct svipc_ns *ns;

	rcu_read_lock();
	ns = svipc_ns_lookup(ipc_ns);
	rcu_read_unlock();
	if (likely(ns))
		return ns;
	return svipc_ns_create(ipc_ns);
}

/*
 * Empty a namespace's tables, as native's free_ipc_ns() does, and let
 * the namespace go.  It is out of the hash and the list already.
 */
static void svipc_ns_destroy(struct svipc_ns *ns)
{
	svipc_shm_ns_clear(ns);
	svipc_sem_ns_clear(ns);
	svipc_msg_ns_clear(ns);
	svipc_ipc_ns_put(ns->ipc_ns);
	svipc_ns_put(ns);
}

/* Only our reference is left: see "Death". */
static bool svipc_ns_dead(struct svipc_ns *ns)
{
	return refcount_read(&ns->ipc_ns->ns.count) == 1;
}

static void svipc_ns_poll(struct work_struct *work)
{
	struct svipc_ns *ns, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&svipc_ns_mutex);
	list_for_each_entry_safe(ns, tmp, &svipc_ns_list, list_node) {
		if (!svipc_ns_dead(ns))
			continue;
		hash_del_rcu(&ns->hash_node);
		list_move(&ns->list_node, &dead);
	}
	if (!list_empty(&svipc_ns_list))
		queue_delayed_work(svipc_ns_wq, &svipc_ns_poll_work, SVIPC_NS_POLL);
	mutex_unlock(&svipc_ns_mutex);

	list_for_each_entry_safe(ns, tmp, &dead, list_node) {
		list_del(&ns->list_node);
		svipc_ns_destroy(ns);
	}
}

/* Calls @fn on every namespace's tables, under svipc_ns_mutex. */
void svipc_ns_for_each(void (*fn)(struct svipc_ns *ns))
{
	struct svipc_ns *ns;

	mutex_lock(&svipc_ns_mutex);
	fn(&svipc_init_ns);
	list_for_each_entry(ns, &svipc_ns_list, list_node)
		fn(ns);
	mutex_unlock(&svipc_ns_mutex);
}

int svipc_ns_init(void)
{
	struct ipc_namespace *ipc_ns = init_task.nsproxy->ipc_ns;
	int err;

#if defined(CONFIG_IPC_NS) && !defined(SVIPC_HAVE_PUT_IPC_NS)
	{
		const struct proc_ns_operations *ops = ipc_ns->ns.ops;

		if (!ops || ops->type != CLONE_NEWIPC || !ops->put ||
		    strcmp(ops->name, "ipc")) {
			pr_err("the initial IPC namespace has no ipc operations\n");
			return -ENOENT;
		}
	}
#endif
	svipc_ns_wq = alloc_workqueue("svipc", 0, 0);
	if (!svipc_ns_wq)
		return -ENOMEM;
	/* Parameters given to insmod are in svipc_init_ns.lim by now. */
	svipc_ns_defaults = svipc_init_ns.lim;
	svipc_init_ns.ipc_ns = ipc_ns;
	err = svipc_ns_setup(&svipc_init_ns);
	if (err)
		destroy_workqueue(svipc_ns_wq);
	return err;
}

/*
 * Unload (main.c): every namespace's tables go.  Nothing that can hold a
 * namespace's tables exists any more except the tables themselves:
 * SEM_UNDO lists and shm mappings pin the module, /proc/svipc is gone.
 */
void svipc_ns_exit(void)
{
	struct svipc_ns *ns, *tmp;

	cancel_delayed_work_sync(&svipc_ns_poll_work);
	mutex_lock(&svipc_ns_mutex);
	list_for_each_entry_safe(ns, tmp, &svipc_ns_list, list_node) {
		hash_del_rcu(&ns->hash_node);
		list_del(&ns->list_node);
		svipc_ns_destroy(ns);
	}
	mutex_unlock(&svipc_ns_mutex);
	svipc_shm_ns_clear(&svipc_init_ns);
	svipc_sem_ns_clear(&svipc_init_ns);
	svipc_msg_ns_clear(&svipc_init_ns);
	/* The frees are RCU callbacks that queue work. */
	rcu_barrier();
	destroy_workqueue(svipc_ns_wq);
	WARN_ON(refcount_read(&svipc_init_ns.ref) != 1);
	svipc_shm_ns_free(&svipc_init_ns);
	svipc_sem_ns_free(&svipc_init_ns);
	svipc_msg_ns_free(&svipc_init_ns);
}
