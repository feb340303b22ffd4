// SPDX-License-Identifier: LGPL-2.1-or-later
/* msgget, msgsnd, msgrcv, msgctl over /dev/svipc. */
#include <errno.h>
#include <string.h>

#include <linux/svipc.h>

#include "svipc.h"
#include "internal.h"

/*
 * Where glibc's struct msqid_ds and struct msginfo have the ABI's layout
 * (x86-64 and other LP64 targets of the generic ABI), the caller's buffer
 * goes to the kernel untouched, so a bad pointer gives EFAULT as natively.
 * Elsewhere the library converts.
 */
#define MSQID_DS_IS_ABI \
	(sizeof(struct msqid_ds) == sizeof(struct svipc_msqid_ds) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_perm.__key, struct svipc_msqid_ds, perm.key) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_perm.mode, struct svipc_msqid_ds, perm.mode) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_perm.__seq, struct svipc_msqid_ds, perm.seq) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_stime, struct svipc_msqid_ds, stime) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_ctime, struct svipc_msqid_ds, ctime) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, __msg_cbytes, struct svipc_msqid_ds, cbytes) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_qbytes, struct svipc_msqid_ds, qbytes) && \
	 SVIPC_SAME_FIELD(struct msqid_ds, msg_lrpid, struct svipc_msqid_ds, lrpid))

#define MSGINFO_IS_ABI \
	(sizeof(struct msginfo) == sizeof(struct svipc_msginfo) && \
	 SVIPC_SAME_FIELD(struct msginfo, msgtql, struct svipc_msginfo, msgtql) && \
	 SVIPC_SAME_FIELD(struct msginfo, msgseg, struct svipc_msginfo, msgseg))

int svipc_msgget(key_t key, int msgflg)
{
	struct svipc_get a = { .key = key, .flags = msgflg };

	return svipc_call(SVIPC_IOC_MSGGET, &a);
}

/*
 * svipc_msgsnd and svipc_msgrcv are cancellation points (internal.h); the
 * _nocancel twins, for the shim's syscall(), are not.
 */
static inline int msgsnd_call(int msqid, const void *msgp, size_t msgsz,
			      int msgflg, int cancel_point)
{
	struct svipc_msgsnd a = {
		.msqid = msqid,
		.msgflg = msgflg,
		.msgp = svipc_ptr(msgp),
		.msgsz = svipc_size(msgsz),
		.mtype_size = sizeof(long),
	};

	return svipc_call_maybe_cancel(SVIPC_IOC_MSGSND, &a, cancel_point);
}

int svipc_msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg)
{
	return msgsnd_call(msqid, msgp, msgsz, msgflg, 1);
}

int svipc_msgsnd_nocancel(int msqid, const void *msgp, size_t msgsz, int msgflg)
{
	return msgsnd_call(msqid, msgp, msgsz, msgflg, 0);
}

static inline ssize_t msgrcv_call(int msqid, void *msgp, size_t msgsz,
				  long msgtyp, int msgflg, int cancel_point)
{
	struct svipc_msgrcv a = {
		.msqid = msqid,
		.msgflg = msgflg,
		.msgp = svipc_ptr(msgp),
		.msgsz = svipc_size(msgsz),
		.msgtyp = msgtyp,
		.mtype_size = sizeof(long),
	};

	return svipc_call_maybe_cancel(SVIPC_IOC_MSGRCV, &a, cancel_point);
}

ssize_t svipc_msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp,
		     int msgflg)
{
	return msgrcv_call(msqid, msgp, msgsz, msgtyp, msgflg, 1);
}

ssize_t svipc_msgrcv_nocancel(int msqid, void *msgp, size_t msgsz,
			      long msgtyp, int msgflg)
{
	return msgrcv_call(msqid, msgp, msgsz, msgtyp, msgflg, 0);
}

static void msqid_from_abi(struct msqid_ds *out, const struct svipc_msqid_ds *in)
{
	memset(out, 0, sizeof(*out));
	out->msg_perm.__key = in->perm.key;
	out->msg_perm.uid = in->perm.uid;
	out->msg_perm.gid = in->perm.gid;
	out->msg_perm.cuid = in->perm.cuid;
	out->msg_perm.cgid = in->perm.cgid;
	out->msg_perm.mode = in->perm.mode;
	out->msg_perm.__seq = in->perm.seq;
	out->msg_stime = in->stime;
	out->msg_rtime = in->rtime;
	out->msg_ctime = in->ctime;
	out->__msg_cbytes = in->cbytes;
	out->msg_qnum = in->qnum;
	out->msg_qbytes = in->qbytes;
	out->msg_lspid = in->lspid;
	out->msg_lrpid = in->lrpid;
}

static void msqid_to_abi(struct svipc_msqid_ds *out, const struct msqid_ds *in)
{
	memset(out, 0, sizeof(*out));
	out->perm.uid = in->msg_perm.uid;
	out->perm.gid = in->msg_perm.gid;
	out->perm.mode = in->msg_perm.mode;
	out->qbytes = in->msg_qbytes;
}

static void msginfo_from_abi(struct msginfo *out, const struct svipc_msginfo *in)
{
	out->msgpool = in->msgpool;
	out->msgmap = in->msgmap;
	out->msgmax = in->msgmax;
	out->msgmnb = in->msgmnb;
	out->msgmni = in->msgmni;
	out->msgssz = in->msgssz;
	out->msgtql = in->msgtql;
	out->msgseg = in->msgseg;
}

int svipc_msgctl(int msqid, int cmd, struct msqid_ds *buf)
{
	struct svipc_ctl a = { .id = msqid, .cmd = cmd, .buf = svipc_ptr(buf) };
	struct svipc_msqid_ds ds;
	struct svipc_msginfo info;
	int ret;

	switch (cmd) {
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		if (MSQID_DS_IS_ABI || !buf)
			break;
		a.buf = svipc_ptr(&ds);
		ret = svipc_call(SVIPC_IOC_MSGCTL, &a);
		if (ret >= 0)
			msqid_from_abi(buf, &ds);
		return ret;
	case IPC_SET:
		if (MSQID_DS_IS_ABI || !buf)
			break;
		msqid_to_abi(&ds, buf);
		a.buf = svipc_ptr(&ds);
		break;
	case IPC_INFO:
	case MSG_INFO:
		if (MSGINFO_IS_ABI || !buf)
			break;
		a.buf = svipc_ptr(&info);
		ret = svipc_call(SVIPC_IOC_MSGCTL, &a);
		if (ret >= 0)
			msginfo_from_abi((struct msginfo *)buf, &info);
		return ret;
	}
	return svipc_call(SVIPC_IOC_MSGCTL, &a);
}
