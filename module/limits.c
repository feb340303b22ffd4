// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the limits of the initial IPC namespace.  Each has
 * native's name, default and accepted range; a write outside the range
 * fails with EINVAL and leaves the value alone, as the native sysctl
 * does.  Readers take a snapshot with svipc_lim(); a change applies to
 * the calls that start after it.  Other namespaces start from the values
 * these had when the module was loaded (ns.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/sysfs.h>

#include "limits.h"
#include "ns.h"
#include "svipc.h"

/* The four of kernel.sem: any int is taken, but semmni must fit. */
static int *const svipc_sem_limits[] = {
	&svipc_init_ns.lim.semmsl, &svipc_init_ns.lim.semmns,
	&svipc_init_ns.lim.semopm, &svipc_init_ns.lim.semmni,
};

/*
 * Serialises writers of "sem", parameter and sysctl, so that its four
 * values change together and a bad semmni can be put back.
 */
static DEFINE_MUTEX(svipc_sem_mutex);

/*
 * "SEMMSL SEMMNS SEMOPM SEMMNI", like the kernel.sem sysctl: one to four
 * integers; a malformed value is EINVAL; semmni outside [0, 32768] is
 * ERANGE and keeps its old value.
 */
static int svipc_sem_param_set(const char *val, const struct kernel_param *kp)
{
	int v[ARRAY_SIZE(svipc_sem_limits)], n = 0, i, err;
	char buf[96], *p = buf, *tok;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	while ((tok = strsep(&p, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (n == ARRAY_SIZE(v) || kstrtoint(tok, 0, &v[n]))
			return -EINVAL;
		n++;
	}
	if (!n)
		return -EINVAL;
	/* As native: a bad semmni is refused, the other values still change. */
	err = 0;
	if (n == ARRAY_SIZE(v) && (v[3] < 0 || v[3] > SVIPC_MNI)) {
		err = -ERANGE;
		n--;
	}
	mutex_lock(&svipc_sem_mutex);
	for (i = 0; i < n; i++)
		WRITE_ONCE(*svipc_sem_limits[i], v[i]);
	mutex_unlock(&svipc_sem_mutex);
	return err;
}

static int svipc_sem_param_show(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\t%d\t%d\t%d\n",
			  svipc_lim(&svipc_init_ns, semmsl), svipc_lim(&svipc_init_ns, semmns),
			  svipc_lim(&svipc_init_ns, semopm), svipc_lim(&svipc_init_ns, semmni));
}

static const struct kernel_param_ops svipc_sem_param_ops = {
	.set = svipc_sem_param_set,
	.get = svipc_sem_param_show,
};

module_param_cb(sem, &svipc_sem_param_ops, NULL, 0644);
MODULE_PARM_DESC(sem, "\"SEMMSL SEMMNS SEMOPM SEMMNI\" (default \"32000 1024000000 500 32000\")");

/*
 * The limits of an IPC namespace, as native's per-namespace sysctls
 * (kernel.msgmax and the rest), with their names, formats, ranges and
 * errors, in two places:
 *
 *  - /proc/sys/svipc/<name>, sysctls for sysctl(8) and /etc/sysctl.d:
 *    each reads and writes the limits of the caller's namespace;
 *  - SVIPC_IOC_LIMIT (svipc_limit_ioctl), one limit at a time.
 *
 * Who may write: natively each namespace has its own table, in a set
 * whose permission callback (ipc_permissions) gives the 0644 files' owner
 * bits to uid 0 of the user namespace owning the IPC namespace, checked
 * when a file is opened and at each write.  Modules can make neither
 * such a set nor a per-namespace owner: a plain sysctl table's files
 * belong to the initial root.  So the sysctls are 0644, which leaves
 * them to the initial root, and their handlers add native's check for
 * the caller's namespace.  World-writable files with a check of their
 * own would let an unprivileged opener hand a privileged program a
 * descriptor to write through; an ioctl has no such deputy.  So the
 * root of a child user namespace sets its own namespace's limits, and
 * nobody else's, through SVIPC_IOC_LIMIT, which makes native's check on
 * its caller.
 */
enum svipc_knob_kind {
	SVIPC_KNOB_INT,
	SVIPC_KNOB_ULONG,
	SVIPC_KNOB_SEM,
	SVIPC_KNOB_RMID_FORCED,
	/* kernel.*_next_id: one-shot, see svipc_addid() */
	SVIPC_KNOB_NEXT_ID,
	/* kernel.auto_msgmni: kept by native as a no-op that reads 0 */
	SVIPC_KNOB_AUTO_MSGMNI,
};

struct svipc_knob {
	const char *name;
	size_t off;			/* in struct svipc_ns */
	enum svipc_knob_kind kind;
	int *min;
	int *max;
};

static int svipc_mni = SVIPC_MNI;

#define SVIPC_KNOB(n, field, k, lo, hi)					\
	{ .name = (n), .off = offsetof(struct svipc_ns, field),		\
	  .kind = (k), .min = (lo), .max = (hi) }

/* Indexes in svipc_knobs[]. */
enum {
	SVIPC_K_MSGMAX, SVIPC_K_MSGMNB, SVIPC_K_MSGMNI, SVIPC_K_SEM,
	SVIPC_K_SHMMAX, SVIPC_K_SHMALL, SVIPC_K_SHMMNI, SVIPC_K_SHM_RMID_FORCED,
	SVIPC_K_MSG_NEXT_ID, SVIPC_K_SEM_NEXT_ID, SVIPC_K_SHM_NEXT_ID,
	SVIPC_K_AUTO_MSGMNI,
};

static const struct svipc_knob svipc_knobs[] = {
	SVIPC_KNOB("msgmax", lim.msgmax, SVIPC_KNOB_INT, SYSCTL_ZERO, SYSCTL_INT_MAX),
	SVIPC_KNOB("msgmnb", lim.msgmnb, SVIPC_KNOB_INT, SYSCTL_ZERO, SYSCTL_INT_MAX),
	SVIPC_KNOB("msgmni", lim.msgmni, SVIPC_KNOB_INT, SYSCTL_ZERO, &svipc_mni),
	SVIPC_KNOB("sem", lim.semmsl, SVIPC_KNOB_SEM, NULL, NULL),
	SVIPC_KNOB("shmmax", lim.shmmax, SVIPC_KNOB_ULONG, NULL, NULL),
	SVIPC_KNOB("shmall", lim.shmall, SVIPC_KNOB_ULONG, NULL, NULL),
	SVIPC_KNOB("shmmni", lim.shmmni, SVIPC_KNOB_INT, SYSCTL_ZERO, &svipc_mni),
	SVIPC_KNOB("shm_rmid_forced", lim.shm_rmid_forced, SVIPC_KNOB_RMID_FORCED,
		   SYSCTL_ZERO, SYSCTL_ONE),
	SVIPC_KNOB("msg_next_id", msg_ids.next_id, SVIPC_KNOB_NEXT_ID,
		   SYSCTL_ZERO, SYSCTL_INT_MAX),
	SVIPC_KNOB("sem_next_id", sem_ids.next_id, SVIPC_KNOB_NEXT_ID,
		   SYSCTL_ZERO, SYSCTL_INT_MAX),
	SVIPC_KNOB("shm_next_id", shm_ids.next_id, SVIPC_KNOB_NEXT_ID,
		   SYSCTL_ZERO, SYSCTL_INT_MAX),
	{ .name = "auto_msgmni", .kind = SVIPC_KNOB_AUTO_MSGMNI,
	  .min = SYSCTL_ZERO, .max = SYSCTL_ONE },
};

#define SVIPC_NR_KNOBS	ARRAY_SIZE(svipc_knobs)

/*
 * As native's ipc_permissions(): the namespace's root writes its limits;
 * *_next_id, read-only otherwise, is for whoever may checkpoint and
 * restore in the user namespace owning it.
 */
static bool svipc_knob_may_write(struct svipc_ns *ns, const struct svipc_knob *k)
{
	kuid_t root = make_kuid(ns->user_ns, 0);

	if (k->kind == SVIPC_KNOB_NEXT_ID)
		return checkpoint_restore_ns_capable(ns->user_ns);
	if (!uid_valid(root))
		root = GLOBAL_ROOT_UID;
	return uid_eq(current_euid(), root);
}

/* Read or write knob @k of @ns: a sysctl handler's job, on a kernel buffer. */
static int svipc_knob_rw(const struct svipc_knob *k, struct svipc_ns *ns,
			 int write, void *buf, size_t *lenp, loff_t *ppos)
{
	int dummy = 0;
	struct ctl_table t = {
		.procname = k->name,
		.data = (char *)ns + k->off,
		.maxlen = sizeof(int),
		.mode = 0644,
		.extra1 = k->min,
		.extra2 = k->max,
	};
	int err, semmni;

	switch (k->kind) {
	case SVIPC_KNOB_INT:
		return proc_dointvec_minmax(&t, write, buf, lenp, ppos);
	case SVIPC_KNOB_ULONG:
		t.maxlen = sizeof(unsigned long);
		return proc_doulongvec_minmax(&t, write, buf, lenp, ppos);
	case SVIPC_KNOB_SEM:
		/* As native's proc_ipc_sem_dointvec(): a bad semmni is put back. */
		t.maxlen = 4 * sizeof(int);
		if (!write)
			return proc_dointvec(&t, write, buf, lenp, ppos);
		mutex_lock(&svipc_sem_mutex);
		semmni = ns->lim.semmni;
		err = proc_dointvec(&t, write, buf, lenp, ppos);
		if (!err && (ns->lim.semmni < 0 || ns->lim.semmni > SVIPC_MNI))
			err = -ERANGE;
		if (err)
			WRITE_ONCE(ns->lim.semmni, semmni);
		mutex_unlock(&svipc_sem_mutex);
		return err;
	case SVIPC_KNOB_RMID_FORCED:
		/*
		 * As native: while it is 1, every access, even a read,
		 * destroys the orphans already there.
		 */
		err = proc_dointvec_minmax(&t, write, buf, lenp, ppos);
		if (!err && svipc_lim(ns, shm_rmid_forced))
			svipc_shm_destroy_orphans(ns);
		return err;
	case SVIPC_KNOB_AUTO_MSGMNI:
		t.data = &dummy;
		if (write)
			pr_info_once("writing to auto_msgmni has no effect\n");
		return proc_dointvec_minmax(&t, write, buf, lenp, ppos);
	default:
		/* proc_dointvec_minmax() stores with WRITE_ONCE(). */
		return proc_dointvec_minmax(&t, write, buf, lenp, ppos);
	}
}

#ifdef SVIPC_CTL_TABLE_CONST
#define SVIPC_CTL_CONST const
#else
#define SVIPC_CTL_CONST
#endif

/*
 * /proc/sys/svipc/, and on a kernel without System V IPC of its own
 * /proc/sys/kernel/ too, with native's names: the same knobs and handler.
 */
static struct ctl_table svipc_sysctls[SVIPC_NR_KNOBS + 1];
#if SVIPC_NATIVE_INTERFACES
static struct ctl_table svipc_kernel_sysctls[SVIPC_NR_KNOBS + 1];
static struct ctl_table_header *svipc_kernel_sysctl_header;
#endif

/* /proc/sys/svipc/<name>: the caller's namespace. */
static int svipc_sysctl_handler(SVIPC_CTL_CONST struct ctl_table *table,
				int write, void *buf, size_t *lenp, loff_t *ppos)
{
	const struct svipc_knob *k = table->extra1;
	struct svipc_ns *ns = svipc_ns_current();

	if (IS_ERR(ns))
		return PTR_ERR(ns);
	if (write && !svipc_knob_may_write(ns, k))
		return -EACCES;
	return svipc_knob_rw(k, ns, write, buf, lenp, ppos);
}

static struct ctl_table_header *svipc_sysctl_header;

/* SVIPC_LIMIT_* names: the knob, and which of "sem"'s four. */
static const struct {
	unsigned char knob;
	unsigned char sem;
} svipc_limit_names[SVIPC_LIMIT_NR] = {
	[SVIPC_LIMIT_MSGMAX] = { SVIPC_K_MSGMAX },
	[SVIPC_LIMIT_MSGMNB] = { SVIPC_K_MSGMNB },
	[SVIPC_LIMIT_MSGMNI] = { SVIPC_K_MSGMNI },
	[SVIPC_LIMIT_SEMMSL] = { SVIPC_K_SEM, 0 },
	[SVIPC_LIMIT_SEMMNS] = { SVIPC_K_SEM, 1 },
	[SVIPC_LIMIT_SEMOPM] = { SVIPC_K_SEM, 2 },
	[SVIPC_LIMIT_SEMMNI] = { SVIPC_K_SEM, 3 },
	[SVIPC_LIMIT_SHMMAX] = { SVIPC_K_SHMMAX },
	[SVIPC_LIMIT_SHMALL] = { SVIPC_K_SHMALL },
	[SVIPC_LIMIT_SHMMNI] = { SVIPC_K_SHMMNI },
	[SVIPC_LIMIT_SHM_RMID_FORCED] = { SVIPC_K_SHM_RMID_FORCED },
	[SVIPC_LIMIT_MSG_NEXT_ID] = { SVIPC_K_MSG_NEXT_ID },
	[SVIPC_LIMIT_SEM_NEXT_ID] = { SVIPC_K_SEM_NEXT_ID },
	[SVIPC_LIMIT_SHM_NEXT_ID] = { SVIPC_K_SHM_NEXT_ID },
};

/* Set one limit of @ns to @v, checked as the sysctl checks it. */
static int svipc_limit_set_one(struct svipc_ns *ns, const struct svipc_knob *k,
			       unsigned int sem, u64 v)
{
	void *field = (char *)ns + k->off;
	s64 sv = (s64)v;

	if (k->kind == SVIPC_KNOB_ULONG) {
		if (v > ULONG_MAX)
			return -EINVAL;
		WRITE_ONCE(*(unsigned long *)field, v);
		return 0;
	}
	if (sv < INT_MIN || sv > INT_MAX)
		return -EINVAL;
	if (k->kind == SVIPC_KNOB_SEM) {
		if (sem == 3 && (sv < 0 || sv > SVIPC_MNI))
			return -ERANGE;
		mutex_lock(&svipc_sem_mutex);
		WRITE_ONCE(((int *)field)[sem], sv);
		mutex_unlock(&svipc_sem_mutex);
		return 0;
	}
	if (sv < *k->min || sv > *k->max)
		return -EINVAL;
	WRITE_ONCE(*(int *)field, sv);
	if (k->kind == SVIPC_KNOB_RMID_FORCED && sv)
		svipc_shm_destroy_orphans(ns);
	return 0;
}

/*
 * The module parameters other than "sem": the initial namespace's
 * limits, set with the same checks and side effects as SVIPC_IOC_LIMIT
 * (out of range: EINVAL; shm_rmid_forced=1 destroys the orphans).
 */
static int svipc_knob_param_set(const char *val, const struct kernel_param *kp)
{
	const struct svipc_knob *k = kp->arg;
	unsigned long ul;
	int v;

	if (k->kind == SVIPC_KNOB_ULONG) {
		if (kstrtoul(val, 0, &ul))
			return -EINVAL;
		return svipc_limit_set_one(&svipc_init_ns, k, 0, ul);
	}
	if (kstrtoint(val, 0, &v))
		return -EINVAL;
	return svipc_limit_set_one(&svipc_init_ns, k, 0, (s64)v);
}

static int svipc_knob_param_show(char *buf, const struct kernel_param *kp)
{
	const struct svipc_knob *k = kp->arg;
	void *field = (char *)&svipc_init_ns + k->off;

	if (k->kind == SVIPC_KNOB_ULONG)
		return sysfs_emit(buf, "%lu\n", READ_ONCE(*(unsigned long *)field));
	return sysfs_emit(buf, "%d\n", READ_ONCE(*(int *)field));
}

static const struct kernel_param_ops svipc_knob_param_ops = {
	.set = svipc_knob_param_set,
	.get = svipc_knob_param_show,
};

#define SVIPC_KNOB_PARAM(name, i)					\
	module_param_cb(name, &svipc_knob_param_ops, (void *)&svipc_knobs[i], 0644)

SVIPC_KNOB_PARAM(msgmax, SVIPC_K_MSGMAX);
MODULE_PARM_DESC(msgmax, "largest message in bytes (default 8192)");
SVIPC_KNOB_PARAM(msgmnb, SVIPC_K_MSGMNB);
MODULE_PARM_DESC(msgmnb, "default msg_qbytes of a new queue (default 16384)");
SVIPC_KNOB_PARAM(msgmni, SVIPC_K_MSGMNI);
MODULE_PARM_DESC(msgmni, "most message queues (default 32000, at most 32768)");
SVIPC_KNOB_PARAM(shmmni, SVIPC_K_SHMMNI);
MODULE_PARM_DESC(shmmni, "most shared memory segments (default 4096, at most 32768)");
/* shmmax and shmall take any unsigned long, as the native sysctls do. */
SVIPC_KNOB_PARAM(shmmax, SVIPC_K_SHMMAX);
MODULE_PARM_DESC(shmmax, "largest segment in bytes (default ULONG_MAX - 2^24)");
SVIPC_KNOB_PARAM(shmall, SVIPC_K_SHMALL);
MODULE_PARM_DESC(shmall, "most pages in all segments (default ULONG_MAX - 2^24)");
SVIPC_KNOB_PARAM(shm_rmid_forced, SVIPC_K_SHM_RMID_FORCED);
MODULE_PARM_DESC(shm_rmid_forced, "1: destroy segments when unattached and their creator is gone (default 0)");

long svipc_limit_ioctl(struct svipc_ns *ns, struct svipc_limit __user *uarg)
{
	const struct svipc_knob *k;
	struct svipc_limit a;
	unsigned int sem;
	void *field;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.name >= SVIPC_LIMIT_NR || (a.flags & ~SVIPC_LIMIT_SET))
		return -EINVAL;
	a.name = array_index_nospec(a.name, SVIPC_LIMIT_NR);
	k = &svipc_knobs[svipc_limit_names[a.name].knob];
	sem = svipc_limit_names[a.name].sem;
	if (a.flags & SVIPC_LIMIT_SET) {
		if (!svipc_knob_may_write(ns, k))
			return -EPERM;
		return svipc_limit_set_one(ns, k, sem, a.value);
	}
	field = (char *)ns + k->off;
	if (k->kind == SVIPC_KNOB_ULONG)
		a.value = READ_ONCE(*(unsigned long *)field);
	else
		a.value = (s64)READ_ONCE(((int *)field)[sem]);
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

/*
 * Register @table (its first SVIPC_NR_KNOBS entries, one per knob; the
 * entry after them stays empty, the end for kernels that need one) as
 * directory @path.
 */
static struct ctl_table_header *svipc_sysctl_register(const char *path,
						      struct ctl_table *table)
{
	unsigned int i;

	for (i = 0; i < SVIPC_NR_KNOBS; i++) {
		table[i] = (struct ctl_table){
			.procname = svipc_knobs[i].name,
			.maxlen = sizeof(int),
			/*
			 * Native's *_next_id are 0444, made writable by the
			 * permission callback for those who may restore;
			 * here the owner bit is needed for root to open
			 * them and the handler makes the capability check.
			 */
			.mode = 0644,
			.proc_handler = svipc_sysctl_handler,
			.extra1 = (void *)&svipc_knobs[i],
		};
	}
#ifdef SVIPC_HAVE_REGISTER_SYSCTL_SZ
	return register_sysctl_sz(path, table, SVIPC_NR_KNOBS);
#else
	return register_sysctl(path, table);
#endif
}

int svipc_sysctl_init(void)
{
	/* "sem" is four ints in a row, as native's sem_ctls[]. */
	BUILD_BUG_ON(offsetof(struct svipc_limits, semmni) !=
		     offsetof(struct svipc_limits, semmsl) + 3 * sizeof(int));

	svipc_sysctl_header = svipc_sysctl_register("svipc", svipc_sysctls);
	if (!svipc_sysctl_header)
		return -ENOMEM;
#if SVIPC_NATIVE_INTERFACES
	svipc_kernel_sysctl_header = svipc_sysctl_register("kernel",
							   svipc_kernel_sysctls);
	if (!svipc_kernel_sysctl_header) {
		unregister_sysctl_table(svipc_sysctl_header);
		return -ENOMEM;
	}
#endif
	return 0;
}

/* Waits for running handlers: none runs after this returns. */
void svipc_sysctl_exit(void)
{
#if SVIPC_NATIVE_INTERFACES
	unregister_sysctl_table(svipc_kernel_sysctl_header);
#endif
	unregister_sysctl_table(svipc_sysctl_header);
}
