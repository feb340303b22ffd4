// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters for svipc's limits.  Each is an int with native's
 * name, default and accepted range; a write outside the range fails with
 * EINVAL and leaves the value alone, as the native sysctl does.  Readers
 * take a snapshot with svipc_limit_get(); a change applies to the calls
 * that start after it.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "limits.h"
#include "svipc.h"

struct svipc_limit svipc_msgmax = { MSGMAX, 0, INT_MAX };
struct svipc_limit svipc_msgmnb = { MSGMNB, 0, INT_MAX };
struct svipc_limit svipc_msgmni = { MSGMNI, 0, SVIPC_MNI };
/* The four of kernel.sem: any int is taken, but semmni must fit. */
struct svipc_limit svipc_semmsl = { SEMMSL, INT_MIN, INT_MAX };
struct svipc_limit svipc_semmns = { SEMMNS, INT_MIN, INT_MAX };
struct svipc_limit svipc_semopm = { SEMOPM, INT_MIN, INT_MAX };
struct svipc_limit svipc_semmni = { SEMMNI, 0, SVIPC_MNI };
struct svipc_limit svipc_shmmni = { SHMMNI, 0, SVIPC_MNI };
unsigned long svipc_shmmax = SHMMAX;
unsigned long svipc_shmall = SHMALL;
int svipc_shm_rmid_forced;

static int svipc_limit_set(const char *val, const struct kernel_param *kp)
{
	struct svipc_limit *l = kp->arg;
	int v;

	/* Anything unparsable or out of range is EINVAL, as for the sysctl. */
	if (kstrtoint(val, 0, &v) || v < l->min || v > l->max)
		return -EINVAL;
	WRITE_ONCE(l->val, v);
	return 0;
}

static int svipc_limit_show(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", svipc_limit_get(kp->arg));
}

static const struct kernel_param_ops svipc_limit_ops = {
	.set = svipc_limit_set,
	.get = svipc_limit_show,
};

module_param_cb(msgmax, &svipc_limit_ops, &svipc_msgmax, 0644);
MODULE_PARM_DESC(msgmax, "largest message in bytes (default 8192)");
module_param_cb(msgmnb, &svipc_limit_ops, &svipc_msgmnb, 0644);
MODULE_PARM_DESC(msgmnb, "default msg_qbytes of a new queue (default 16384)");
module_param_cb(msgmni, &svipc_limit_ops, &svipc_msgmni, 0644);
MODULE_PARM_DESC(msgmni, "most message queues (default 32000, at most 32768)");

static struct svipc_limit *const svipc_sem_limits[] = {
	&svipc_semmsl, &svipc_semmns, &svipc_semopm, &svipc_semmni,
};

/* Serialises writers of "sem", so that its four values change together. */
static DEFINE_SPINLOCK(svipc_sem_param_lock);

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
	if (n == ARRAY_SIZE(v) && (v[3] < svipc_semmni.min || v[3] > svipc_semmni.max)) {
		err = -ERANGE;
		n--;
	}
	spin_lock(&svipc_sem_param_lock);
	for (i = 0; i < n; i++)
		WRITE_ONCE(svipc_sem_limits[i]->val, v[i]);
	spin_unlock(&svipc_sem_param_lock);
	return err;
}

static int svipc_sem_param_show(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\t%d\t%d\t%d\n",
			  svipc_limit_get(&svipc_semmsl), svipc_limit_get(&svipc_semmns),
			  svipc_limit_get(&svipc_semopm), svipc_limit_get(&svipc_semmni));
}

static const struct kernel_param_ops svipc_sem_param_ops = {
	.set = svipc_sem_param_set,
	.get = svipc_sem_param_show,
};

module_param_cb(sem, &svipc_sem_param_ops, NULL, 0644);
MODULE_PARM_DESC(sem, "\"SEMMSL SEMMNS SEMOPM SEMMNI\" (default \"32000 1024000000 500 32000\")");

module_param_cb(shmmni, &svipc_limit_ops, &svipc_shmmni, 0644);
MODULE_PARM_DESC(shmmni, "most shared memory segments (default 4096, at most 32768)");

/* shmmax and shmall take any unsigned long, as the native sysctls do. */
static int svipc_ulimit_set(const char *val, const struct kernel_param *kp)
{
	unsigned long v;

	if (kstrtoul(val, 0, &v))
		return -EINVAL;
	WRITE_ONCE(*(unsigned long *)kp->arg, v);
	return 0;
}

static int svipc_ulimit_show(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", svipc_ulimit_get(kp->arg));
}

static const struct kernel_param_ops svipc_ulimit_ops = {
	.set = svipc_ulimit_set,
	.get = svipc_ulimit_show,
};

module_param_cb(shmmax, &svipc_ulimit_ops, &svipc_shmmax, 0644);
MODULE_PARM_DESC(shmmax, "largest segment in bytes (default ULONG_MAX - 2^24)");
module_param_cb(shmall, &svipc_ulimit_ops, &svipc_shmall, 0644);
MODULE_PARM_DESC(shmall, "most pages in all segments (default ULONG_MAX - 2^24)");

/*
 * shm_rmid_forced: 0 or 1.  As native, setting 1 also destroys the
 * segments that are already orphaned: unattached, creator gone.
 */
static int svipc_rmid_forced_set(const char *val, const struct kernel_param *kp)
{
	int v;

	if (kstrtoint(val, 0, &v) || v < 0 || v > 1)
		return -EINVAL;
	WRITE_ONCE(svipc_shm_rmid_forced, v);
	if (v)
		svipc_shm_destroy_orphans();
	return 0;
}

static int svipc_rmid_forced_show(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(svipc_shm_rmid_forced));
}

static const struct kernel_param_ops svipc_rmid_forced_ops = {
	.set = svipc_rmid_forced_set,
	.get = svipc_rmid_forced_show,
};

module_param_cb(shm_rmid_forced, &svipc_rmid_forced_ops, NULL, 0644);
MODULE_PARM_DESC(shm_rmid_forced, "1: destroy segments when unattached and their creator is gone (default 0)");
