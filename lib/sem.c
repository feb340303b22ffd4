// SPDX-License-Identifier: LGPL-2.1-or-later
/* semget, semop, semtimedop, semctl over /dev/svipc. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <linux/svipc.h>

#include "svipc.h"
#include "internal.h"

/* What callers pass as semctl's fourth argument (they define it). */
union svipc_semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* As in msg.c: pass-through where glibc's layout is the ABI's. */
#define SEMID_DS_IS_ABI \
	(sizeof(struct semid_ds) == sizeof(struct svipc_semid_ds) && \
	 SVIPC_SAME_FIELD(struct semid_ds, sem_perm.__key, struct svipc_semid_ds, perm.key) && \
	 SVIPC_SAME_FIELD(struct semid_ds, sem_perm.mode, struct svipc_semid_ds, perm.mode) && \
	 SVIPC_SAME_FIELD(struct semid_ds, sem_otime, struct svipc_semid_ds, otime) && \
	 SVIPC_SAME_FIELD(struct semid_ds, sem_ctime, struct svipc_semid_ds, ctime) && \
	 SVIPC_SAME_FIELD(struct semid_ds, sem_nsems, struct svipc_semid_ds, nsems))

#define SEMINFO_IS_ABI \
	(sizeof(struct seminfo) == sizeof(struct svipc_seminfo) && \
	 SVIPC_SAME_FIELD(struct seminfo, semaem, struct svipc_seminfo, semaem))

#define TIMESPEC_IS_ABI \
	(sizeof(struct timespec) == sizeof(struct svipc_timespec) && \
	 SVIPC_SAME_FIELD(struct timespec, tv_nsec, struct svipc_timespec, tv_nsec))

int svipc_semget(key_t key, int nsems, int semflg)
{
	/* nsems keeps its sign: the kernel rejects negative counts. */
	struct svipc_get a = {
		.key = key,
		.flags = semflg,
		.size = (uint64_t)(int64_t)nsems,
	};

	return svipc_call(SVIPC_IOC_SEMGET, &a);
}

int svipc_semtimedop(int semid, struct sembuf *sops, size_t nsops,
		     const struct timespec *timeout)
{
	struct svipc_semop a = {
		.semid = semid,
		/* The native call takes an unsigned int. */
		.nsops = (unsigned int)nsops,
		.sops = svipc_ptr(sops),
		.timeout = svipc_ptr(timeout),
	};
	struct svipc_timespec ts;

	if (timeout && !TIMESPEC_IS_ABI) {
		ts.tv_sec = timeout->tv_sec;
		ts.tv_nsec = timeout->tv_nsec;
		a.timeout = svipc_ptr(&ts);
	}
	return svipc_call(SVIPC_IOC_SEMOP, &a);
}

int svipc_semop(int semid, struct sembuf *sops, size_t nsops)
{
	return svipc_semtimedop(semid, sops, nsops, NULL);
}

static void semid_from_abi(struct semid_ds *out, const struct svipc_semid_ds *in)
{
	memset(out, 0, sizeof(*out));
	out->sem_perm.__key = in->perm.key;
	out->sem_perm.uid = in->perm.uid;
	out->sem_perm.gid = in->perm.gid;
	out->sem_perm.cuid = in->perm.cuid;
	out->sem_perm.cgid = in->perm.cgid;
	out->sem_perm.mode = in->perm.mode;
	out->sem_perm.__seq = in->perm.seq;
	out->sem_otime = in->otime;
	out->sem_ctime = in->ctime;
	out->sem_nsems = in->nsems;
}

static void semid_to_abi(struct svipc_semid_ds *out, const struct semid_ds *in)
{
	memset(out, 0, sizeof(*out));
	out->perm.uid = in->sem_perm.uid;
	out->perm.gid = in->sem_perm.gid;
	out->perm.mode = in->sem_perm.mode;
}

static void seminfo_from_abi(struct seminfo *out, const struct svipc_seminfo *in)
{
	out->semmap = in->semmap;
	out->semmni = in->semmni;
	out->semmns = in->semmns;
	out->semmnu = in->semmnu;
	out->semmsl = in->semmsl;
	out->semopm = in->semopm;
	out->semume = in->semume;
	out->semusz = in->semusz;
	out->semvmx = in->semvmx;
	out->semaem = in->semaem;
}

int svipc_semctl(int semid, int semnum, int cmd, ...)
{
	struct svipc_ctl a = { .id = semid, .cmd = cmd, .semnum = semnum };
	union svipc_semun arg = { .val = 0 };
	struct svipc_semid_ds ds;
	struct svipc_seminfo info;
	va_list ap;
	int ret;

	/* Only some commands take the fourth argument, as in glibc. */
	if (svipc_semctl_has_arg(cmd)) {
		va_start(ap, cmd);
		arg = va_arg(ap, union svipc_semun);
		va_end(ap);
	}

	switch (cmd) {
	case SETVAL:
		a.buf = (uint32_t)arg.val;
		break;
	case GETALL:
	case SETALL:
		a.buf = svipc_ptr(arg.array);
		break;
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		a.buf = svipc_ptr(arg.buf);
		if (SEMID_DS_IS_ABI || !arg.buf)
			break;
		a.buf = svipc_ptr(&ds);
		ret = svipc_call(SVIPC_IOC_SEMCTL, &a);
		if (ret >= 0)
			semid_from_abi(arg.buf, &ds);
		return ret;
	case IPC_SET:
		a.buf = svipc_ptr(arg.buf);
		if (SEMID_DS_IS_ABI || !arg.buf)
			break;
		semid_to_abi(&ds, arg.buf);
		a.buf = svipc_ptr(&ds);
		break;
	case IPC_INFO:
	case SEM_INFO:
		a.buf = svipc_ptr(arg.__buf);
		if (SEMINFO_IS_ABI || !arg.__buf)
			break;
		a.buf = svipc_ptr(&info);
		ret = svipc_call(SVIPC_IOC_SEMCTL, &a);
		if (ret >= 0)
			seminfo_from_abi(arg.__buf, &info);
		return ret;
	}
	return svipc_call(SVIPC_IOC_SEMCTL, &a);
}
