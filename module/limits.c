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
#include <linux/sysfs.h>

#include "limits.h"
#include "obj.h"

struct svipc_limit svipc_msgmax = { MSGMAX, 0, INT_MAX };
struct svipc_limit svipc_msgmnb = { MSGMNB, 0, INT_MAX };
struct svipc_limit svipc_msgmni = { MSGMNI, 0, SVIPC_MNI };

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
