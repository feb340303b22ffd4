// SPDX-License-Identifier: GPL-2.0
/*
 * svipc: System V IPC as a loadable module.  This file registers the misc
 * device /dev/svipc and dispatches its ioctls to each kind.
 *
 * The device carries no per-open state: each call acts in the caller's
 * IPC namespace (ns.c) and access is decided per object, as natively, so
 * the node is mode 0666 and a descriptor inherited across fork, or
 * passed to a process in another namespace, works unchanged.
 *
 * Unload: every message queue and semaphore set (obj.c), SEM_UNDO list
 * (undo.c) and shared memory mapping (shm.c) pins the module, so rmmod is
 * refused while any exists; callers inside an ioctl hold the module
 * through their open file.  The protocol that keeps module code from
 * running once the module is gone is written beside svipc_exit().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "ns.h"
#include "sem.h"
#include "svipc.h"

static long svipc_version_ioctl(struct svipc_version __user *uarg)
{
	struct svipc_version v;

	if (svipc_get_args(&v, uarg))
		return -EFAULT;
	if (v.abi_version || v.kinds || v.resv[0] || v.resv[1])
		return -EINVAL;
	v.abi_version = SVIPC_ABI_VERSION;
	v.kinds = SVIPC_KIND_MSG | SVIPC_KIND_SEM | SVIPC_KIND_SHM;
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long svipc_msgget_ioctl(struct svipc_ns *ns, struct svipc_get __user *uarg)
{
	struct svipc_get a;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.size || a.resv)
		return -EINVAL;
	return svipc_msgget(ns, a.key, a.flags);
}

static long svipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct svipc_ns *ns;

	switch (cmd) {
	case SVIPC_IOC_VERSION:
		return svipc_version_ioctl(uarg);
	case SVIPC_IOC_MSGGET:
	case SVIPC_IOC_MSGSND:
	case SVIPC_IOC_MSGRCV:
	case SVIPC_IOC_MSGCTL:
	case SVIPC_IOC_SEMGET:
	case SVIPC_IOC_SEMOP:
	case SVIPC_IOC_SEMCTL:
	case SVIPC_IOC_SHMGET:
	case SVIPC_IOC_SHMAT:
	case SVIPC_IOC_SHMDT:
	case SVIPC_IOC_SHMCTL:
	case SVIPC_IOC_LIMIT:
		break;
	default:
		return -ENOTTY;
	}

	ns = svipc_ns_current();
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	/* Undo lists left in namespaces this process has left: undo.c. */
	svipc_undo_left_behind(ns);

	switch (cmd) {
	case SVIPC_IOC_MSGGET:
		return svipc_msgget_ioctl(ns, uarg);
	case SVIPC_IOC_MSGSND:
		return svipc_msgsnd_ioctl(ns, uarg);
	case SVIPC_IOC_MSGRCV:
		return svipc_msgrcv_ioctl(ns, uarg);
	case SVIPC_IOC_MSGCTL:
		return svipc_msgctl_ioctl(ns, uarg);
	case SVIPC_IOC_SEMGET:
		return svipc_semget_ioctl(ns, uarg);
	case SVIPC_IOC_SEMOP:
		return svipc_semop_ioctl(ns, uarg);
	case SVIPC_IOC_SEMCTL:
		return svipc_semctl_ioctl(ns, uarg);
	case SVIPC_IOC_SHMGET:
		return svipc_shmget_ioctl(ns, uarg);
	case SVIPC_IOC_SHMAT:
		return svipc_shmat_ioctl(ns, uarg);
	case SVIPC_IOC_SHMDT:
		return svipc_shmdt_ioctl(uarg);
	case SVIPC_IOC_LIMIT:
		return svipc_limit_ioctl(ns, uarg);
	default:
		return svipc_shmctl_ioctl(ns, uarg);
	}
}

static const struct file_operations svipc_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = svipc_ioctl,
	/* Every structure has one layout for 32- and 64-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice svipc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "svipc",
	.fops = &svipc_fops,
	.mode = 0666,
};

static int __init svipc_init(void)
{
	int err;

	err = svipc_ns_init();
	if (err)
		return err;
	err = svipc_sem_init();
	if (err)
		goto out_ns;
	err = svipc_shm_init();
	if (err)
		goto out_sem;
	err = svipc_proc_init();
	if (err)
		goto out_shm;
	err = svipc_sysctl_init();
	if (err)
		goto out_proc;
	err = misc_register(&svipc_dev);
	if (err)
		goto out_sysctl;
	return 0;

out_sysctl:
	svipc_sysctl_exit();
out_proc:
	svipc_proc_exit();
out_shm:
	svipc_shm_stop_exit_probe();
	svipc_shm_exit();
out_sem:
	svipc_sem_stop_exit_probe();
out_ns:
	svipc_ns_exit();
	return err;
}

/*
 * The unload protocol.  delete_module() calls this once the module's
 * reference count has dropped to zero (try_stop_module()), so no open
 * file of ours, no queue or set, no SEM_UNDO list and no mapping
 * exists, and none can appear: opening the device now fails.  Module
 * code can still be entered only from:
 *
 *  1. the sched_process_exit probes (undo.c, shm.c), which run without
 *     holding a module reference (the undo probe even drops one, then
 *     goes on).  So they are stopped first, and tracepoint_synchronize_
 *     unregister() waits until no probe runs.  They queue no task work
 *     and take no module reference; the only work they leave behind is
 *     shm.c's reap work, flushed by svipc_shm_exit();
 *  2. /proc/svipc readers and /proc/sys/svipc handlers: proc_remove()
 *     and unregister_sysctl_table() wait for them;
 *  3. RCU callbacks that free removed objects and pids: rcu_barrier()
 *     waits for them, after the last place that can queue one;
 *  4. ns.c's work: the poll for dead namespaces, cancelled, and the
 *     frees of namespace tables, queued by RCU callbacks on ns.c's
 *     workqueue, which svipc_ns_exit() destroys after rcu_barrier().
 *
 * Nothing else holds a pointer into the module: no module function
 * drops its module's last reference and then runs on, except the undo
 * probe, which step 1 covers.  References are taken with __module_get()
 * only inside an ioctl, whose open file holds the module, so never on a
 * module that is going.
 */
static void __exit svipc_exit(void)
{
	svipc_sem_stop_exit_probe();
	svipc_shm_stop_exit_probe();
	misc_deregister(&svipc_dev);
	/* Wait for /proc/svipc readers and sysctl writers, which use the tables. */
	svipc_proc_exit();
	svipc_sysctl_exit();
	/* Stops the reap work, which walks the namespaces. */
	svipc_shm_exit();
	/*
	 * Every namespace's tables: the segments left, none mapped
	 * (mappings pin us).  Ends with rcu_barrier(): removed objects,
	 * pids and tables are freed by RCU callbacks in this module.
	 */
	svipc_ns_exit();
}

module_init(svipc_init);
module_exit(svipc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("System V IPC (message queues, semaphores, shared memory) over /dev/svipc");
MODULE_AUTHOR("svipc developers");
