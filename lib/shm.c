// SPDX-License-Identifier: LGPL-2.1-or-later
/* shmget, shmat, shmdt, shmctl over /dev/svipc. */
#include <errno.h>
#include <string.h>

#include <linux/svipc.h>

#include "svipc.h"
#include "internal.h"

/* As in msg.c: pass-through where glibc's layout is the ABI's. */
#define SHMID_DS_IS_ABI \
	(sizeof(struct shmid_ds) == sizeof(struct svipc_shmid_ds) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_perm.__key, struct svipc_shmid_ds, perm.key) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_perm.mode, struct svipc_shmid_ds, perm.mode) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_perm.__seq, struct svipc_shmid_ds, perm.seq) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_segsz, struct svipc_shmid_ds, segsz) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_atime, struct svipc_shmid_ds, atime) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_ctime, struct svipc_shmid_ds, ctime) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_lpid, struct svipc_shmid_ds, lpid) && \
	 SVIPC_SAME_FIELD(struct shmid_ds, shm_nattch, struct svipc_shmid_ds, nattch))

#define SHMINFO_IS_ABI \
	(sizeof(struct shminfo) == sizeof(struct svipc_shminfo) && \
	 SVIPC_SAME_FIELD(struct shminfo, shmmax, struct svipc_shminfo, shmmax) && \
	 SVIPC_SAME_FIELD(struct shminfo, shmall, struct svipc_shminfo, shmall))

#define SHM_INFO_IS_ABI \
	(sizeof(struct shm_info) == sizeof(struct svipc_shm_info) && \
	 SVIPC_SAME_FIELD(struct shm_info, used_ids, struct svipc_shm_info, used_ids) && \
	 SVIPC_SAME_FIELD(struct shm_info, shm_tot, struct svipc_shm_info, shm_tot) && \
	 SVIPC_SAME_FIELD(struct shm_info, swap_successes, struct svipc_shm_info, swap_successes))

int svipc_shmget(key_t key, size_t size, int shmflg)
{
	/* size_t is unsigned in the native call on every ABI. */
	struct svipc_get a = { .key = key, .flags = shmflg, .size = size };

	return svipc_call(SVIPC_IOC_SHMGET, &a);
}

void *svipc_shmat(int shmid, const void *shmaddr, int shmflg)
{
	struct svipc_shmat a = {
		.shmid = shmid,
		.shmflg = shmflg,
		.addr = svipc_ptr(shmaddr),
	};

	if (svipc_call(SVIPC_IOC_SHMAT, &a) < 0)
		return (void *)-1;
	return (void *)(uintptr_t)a.addr;
}

int svipc_shmdt(const void *shmaddr)
{
	struct svipc_shmdt a = { .addr = svipc_ptr(shmaddr) };

	return svipc_call(SVIPC_IOC_SHMDT, &a);
}

static void shmid_from_abi(struct shmid_ds *out, const struct svipc_shmid_ds *in)
{
	memset(out, 0, sizeof(*out));
	out->shm_perm.__key = in->perm.key;
	out->shm_perm.uid = in->perm.uid;
	out->shm_perm.gid = in->perm.gid;
	out->shm_perm.cuid = in->perm.cuid;
	out->shm_perm.cgid = in->perm.cgid;
	out->shm_perm.mode = in->perm.mode;
	out->shm_perm.__seq = in->perm.seq;
	out->shm_segsz = in->segsz;
	out->shm_atime = in->atime;
	out->shm_dtime = in->dtime;
	out->shm_ctime = in->ctime;
	out->shm_cpid = in->cpid;
	out->shm_lpid = in->lpid;
	out->shm_nattch = in->nattch;
}

static void shmid_to_abi(struct svipc_shmid_ds *out, const struct shmid_ds *in)
{
	memset(out, 0, sizeof(*out));
	out->perm.uid = in->shm_perm.uid;
	out->perm.gid = in->shm_perm.gid;
	out->perm.mode = in->shm_perm.mode;
}

static void shminfo_from_abi(struct shminfo *out, const struct svipc_shminfo *in)
{
	memset(out, 0, sizeof(*out));
	/* As the native compat call: a 32-bit caller sees at most INT_MAX. */
	out->shmmax = in->shmmax > 0x7fffffff && sizeof(long) == 4 ?
		      0x7fffffff : in->shmmax;
	out->shmmin = in->shmmin;
	out->shmmni = in->shmmni;
	out->shmseg = in->shmseg;
	out->shmall = in->shmall;
}

static void shm_info_from_abi(struct shm_info *out, const struct svipc_shm_info *in)
{
	memset(out, 0, sizeof(*out));
	out->used_ids = in->used_ids;
	out->shm_tot = in->shm_tot;
	out->shm_rss = in->shm_rss;
	out->shm_swp = in->shm_swp;
	out->swap_attempts = in->swap_attempts;
	out->swap_successes = in->swap_successes;
}

int svipc_shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct svipc_ctl a = { .id = shmid, .cmd = cmd, .buf = svipc_ptr(buf) };
	union {
		struct svipc_shmid_ds ds;
		struct svipc_shminfo info;
		struct svipc_shm_info shm_info;
	} u;
	int ret;

	switch (cmd) {
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		if (SHMID_DS_IS_ABI || !buf)
			break;
		a.buf = svipc_ptr(&u.ds);
		ret = svipc_call(SVIPC_IOC_SHMCTL, &a);
		if (ret >= 0)
			shmid_from_abi(buf, &u.ds);
		return ret;
	case IPC_SET:
		if (SHMID_DS_IS_ABI || !buf)
			break;
		shmid_to_abi(&u.ds, buf);
		a.buf = svipc_ptr(&u.ds);
		break;
	case IPC_INFO:
		if (SHMINFO_IS_ABI || !buf)
			break;
		a.buf = svipc_ptr(&u.info);
		ret = svipc_call(SVIPC_IOC_SHMCTL, &a);
		if (ret >= 0)
			shminfo_from_abi((struct shminfo *)buf, &u.info);
		return ret;
	case SHM_INFO:
		if (SHM_INFO_IS_ABI || !buf)
			break;
		a.buf = svipc_ptr(&u.shm_info);
		ret = svipc_call(SVIPC_IOC_SHMCTL, &a);
		if (ret >= 0)
			shm_info_from_abi((struct shm_info *)buf, &u.shm_info);
		return ret;
	}
	return svipc_call(SVIPC_IOC_SHMCTL, &a);
}
