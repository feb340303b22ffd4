/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * svipc: System V IPC as a misc device, /dev/svipc.
 *
 * DOC: ABI rules
 *
 * Every structure here has the same layout for 32- and 64-bit callers:
 * fixed-width fields only, user addresses carried as __u64, explicit
 * padding, and 64-bit fields declared 8-byte aligned (i386 aligns a plain
 * __u64 in a structure to 4 bytes only).  Fields named resv or pad must
 * be zero, otherwise the ioctl fails with EINVAL.
 *
 * The IPC flag words (msgflg, cmd, ...) keep the native system calls'
 * meaning: bits the native call ignores are ignored here too, because
 * svipc promises native behaviour errno for errno.  Flags that belong to
 * the ABI itself are validated against a mask of known bits.
 *
 * Each ioctl returns what the native call returns (0, an id, a byte count,
 * a value); errors are -1 with errno set, with the errno the native call
 * gives.  Unknown ioctl numbers fail with ENOTTY.
 *
 * The status structures (svipc_msqid_ds, svipc_semid_ds, svipc_shmid_ds,
 * svipc_msginfo, svipc_seminfo, svipc_shminfo, svipc_shm_info,
 * svipc_ipc_perm) are laid out like the x86-64 kernel's msqid64_ds,
 * semid64_ds, shmid64_ds, msginfo, seminfo, shminfo64 and shm_info, so
 * a 64-bit library can pass a caller's structures straight through;
 * times are 64-bit on every architecture.
 */
#ifndef _UAPI_LINUX_SVIPC_H
#define _UAPI_LINUX_SVIPC_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define SVIPC_DEVICE		"/dev/svipc"
#define SVIPC_ABI_VERSION	1

struct svipc_version {
	__u32 abi_version;	/* out: SVIPC_ABI_VERSION */
	__u32 kinds;		/* out: SVIPC_KIND_* bits this module serves */
	__aligned_u64 resv[2];		/* must be zero */
};

#define SVIPC_KIND_MSG		0x1U
#define SVIPC_KIND_SEM		0x2U
#define SVIPC_KIND_SHM		0x4U

/* msgget, semget, shmget: returns the id. */
struct svipc_get {
	__s32 key;		/* key_t; 0 is IPC_PRIVATE */
	__s32 flags;		/* IPC_CREAT, IPC_EXCL, permission bits */
	__aligned_u64 size;		/* semget: nsems, shmget: bytes; msgget: 0 */
	__aligned_u64 resv;		/* must be zero */
};

/*
 * The message buffer at msgp is the caller's struct msgbuf: a C long
 * mtype followed by the text.  mtype_size says how wide that long is for
 * the caller (4 or 8), which is all that differs between 32- and 64-bit
 * callers.
 */
struct svipc_msgsnd {
	__s32 msqid;
	__s32 msgflg;
	__aligned_u64 msgp;		/* user address of struct msgbuf */
	__aligned_u64 msgsz;		/* size_t: bytes of text */
	__u32 mtype_size;	/* 4 or 8 */
	__u32 resv;		/* must be zero */
};

/* msgrcv: returns the number of bytes of text copied. */
struct svipc_msgrcv {
	__s32 msqid;
	__s32 msgflg;
	__aligned_u64 msgp;		/* user address of struct msgbuf */
	__aligned_u64 msgsz;		/* size_t: room for text */
	__aligned_s64 msgtyp;		/* C long */
	__u32 mtype_size;	/* 4 or 8 */
	__u32 resv;		/* must be zero */
};

/* msgctl, semctl, shmctl. */
struct svipc_ctl {
	__s32 id;
	__s32 cmd;		/* IPC_STAT, IPC_SET, ..., without IPC_64 */
	__aligned_u64 buf;		/* user address of the command's structure */
	__s32 semnum;		/* semctl only, 0 otherwise */
	__u32 resv;		/* must be zero */
};

struct svipc_ipc_perm {
	__s32 key;
	__u32 uid;
	__u32 gid;
	__u32 cuid;
	__u32 cgid;
	__u32 mode;
	__u16 seq;
	__u16 pad;
	__aligned_u64 unused1;
	__aligned_u64 unused2;
};

struct svipc_msqid_ds {
	struct svipc_ipc_perm perm;
	__aligned_s64 stime;
	__aligned_s64 rtime;
	__aligned_s64 ctime;
	__aligned_u64 cbytes;
	__aligned_u64 qnum;
	__aligned_u64 qbytes;
	__s32 lspid;
	__s32 lrpid;
	__aligned_u64 unused4;
	__aligned_u64 unused5;
};

struct svipc_msginfo {
	__s32 msgpool;
	__s32 msgmap;
	__s32 msgmax;
	__s32 msgmnb;
	__s32 msgmni;
	__s32 msgssz;
	__s32 msgtql;
	__u16 msgseg;
	__u16 pad;
};

/* struct sembuf: the same 6 bytes for every caller. */
struct svipc_sembuf {
	__u16 sem_num;
	__s16 sem_op;
	__s16 sem_flg;
};

struct svipc_timespec {
	__aligned_s64 tv_sec;
	__aligned_s64 tv_nsec;
};

/* semop and semtimedop. */
struct svipc_semop {
	__s32 semid;
	__u32 nsops;
	__aligned_u64 sops;	/* user address of struct svipc_sembuf[nsops] */
	__aligned_u64 timeout;	/* user address of svipc_timespec, 0: none */
	__aligned_u64 resv;	/* must be zero */
};

/*
 * semctl: struct svipc_ctl with semnum; buf is the union semun argument:
 * the value for SETVAL, otherwise the user address of a svipc_semid_ds,
 * a __u16 array (GETALL, SETALL) or a svipc_seminfo.
 */
struct svipc_semid_ds {
	struct svipc_ipc_perm perm;
	__aligned_s64 otime;
	__aligned_u64 unused1;
	__aligned_s64 ctime;
	__aligned_u64 unused2;
	__aligned_u64 nsems;
	__aligned_u64 unused3;
	__aligned_u64 unused4;
};

struct svipc_seminfo {
	__s32 semmap;
	__s32 semmni;
	__s32 semmns;
	__s32 semmnu;
	__s32 semmsl;
	__s32 semopm;
	__s32 semume;
	__s32 semusz;
	__s32 semvmx;
	__s32 semaem;
};

/*
 * shmat: attaches segment shmid at addr (0: the kernel chooses) and
 * returns 0 with the address of the attach in addr.  The mapping is made
 * by the ioctl itself, in the calling process.
 */
struct svipc_shmat {
	__s32 shmid;
	__s32 shmflg;		/* SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC */
	__aligned_u64 addr;	/* in: wanted address; out: the attach */
	__aligned_u64 resv;	/* must be zero */
};

/* shmdt: detaches the attach that starts at addr. */
struct svipc_shmdt {
	__aligned_u64 addr;
	__aligned_u64 resv;	/* must be zero */
};

/* shmctl: struct svipc_ctl, semnum 0; buf points to one of these. */
struct svipc_shmid_ds {
	struct svipc_ipc_perm perm;	/* mode includes SHM_DEST, SHM_LOCKED */
	__aligned_u64 segsz;
	__aligned_s64 atime;
	__aligned_s64 dtime;
	__aligned_s64 ctime;
	__s32 cpid;
	__s32 lpid;
	__aligned_u64 nattch;
	__aligned_u64 unused4;
	__aligned_u64 unused5;
};

/* Bits of svipc_shmid_ds.perm.mode beside the permissions, as native. */
#define SVIPC_SHM_DEST		01000	/* removed, freed at the last detach */
#define SVIPC_SHM_LOCKED	02000	/* SHM_LOCK in force */

/* IPC_INFO */
struct svipc_shminfo {
	__aligned_u64 shmmax;
	__aligned_u64 shmmin;
	__aligned_u64 shmmni;
	__aligned_u64 shmseg;
	__aligned_u64 shmall;
	__aligned_u64 unused1;
	__aligned_u64 unused2;
	__aligned_u64 unused3;
	__aligned_u64 unused4;
};

/* SHM_INFO */
struct svipc_shm_info {
	__s32 used_ids;
	__u32 pad;
	__aligned_u64 shm_tot;		/* pages of all segments */
	__aligned_u64 shm_rss;		/* pages resident */
	__aligned_u64 shm_swp;		/* pages swapped out */
	__aligned_u64 swap_attempts;	/* always 0, as native */
	__aligned_u64 swap_successes;	/* always 0, as native */
};

/*
 * SVIPC_IOC_LIMIT: one limit of the caller's IPC namespace, the value of
 * the native sysctl of the same name (kernel.msgmax, the four of
 * kernel.sem, ...), with its range.  Reading is open to everyone.
 * Setting (SVIPC_LIMIT_SET) is for uid 0 of the user namespace that owns
 * the IPC namespace, as for native's per-namespace sysctl files
 * (otherwise EPERM), so a container's root sets its own namespace's
 * limits and nobody else's.  An unknown name or flag, or a value out of
 * range, is EINVAL; semmni out of [0, 32768] is ERANGE, as the sysctl's.
 */
#define SVIPC_LIMIT_MSGMAX		0
#define SVIPC_LIMIT_MSGMNB		1
#define SVIPC_LIMIT_MSGMNI		2
#define SVIPC_LIMIT_SEMMSL		3
#define SVIPC_LIMIT_SEMMNS		4
#define SVIPC_LIMIT_SEMOPM		5
#define SVIPC_LIMIT_SEMMNI		6
#define SVIPC_LIMIT_SHMMAX		7
#define SVIPC_LIMIT_SHMALL		8
#define SVIPC_LIMIT_SHMMNI		9
#define SVIPC_LIMIT_SHM_RMID_FORCED	10
/*
 * The ids the next msgget, semget and shmget that create an object give
 * it (kernel.msg_next_id and the others), read as -1 when unset.  Each
 * is used by one creation and then reads -1 again; a value set must be
 * in [0, INT_MAX].  Setting them takes CAP_CHECKPOINT_RESTORE or
 * CAP_SYS_ADMIN in the user namespace owning the IPC namespace.
 */
#define SVIPC_LIMIT_MSG_NEXT_ID		11
#define SVIPC_LIMIT_SEM_NEXT_ID		12
#define SVIPC_LIMIT_SHM_NEXT_ID		13
#define SVIPC_LIMIT_NR			14

#define SVIPC_LIMIT_SET			0x1U	/* set value; else read it */

struct svipc_limit {
	__u32 name;		/* SVIPC_LIMIT_* */
	__u32 flags;		/* SVIPC_LIMIT_SET or 0 */
	__aligned_u64 value;	/* int limits sign-extended */
};

#define SVIPC_IOC_MAGIC		0xE5

#define SVIPC_IOC_VERSION	_IOR(SVIPC_IOC_MAGIC, 0x00, struct svipc_version)
#define SVIPC_IOC_MSGGET	_IOW(SVIPC_IOC_MAGIC, 0x10, struct svipc_get)
#define SVIPC_IOC_MSGSND	_IOW(SVIPC_IOC_MAGIC, 0x11, struct svipc_msgsnd)
#define SVIPC_IOC_MSGRCV	_IOW(SVIPC_IOC_MAGIC, 0x12, struct svipc_msgrcv)
#define SVIPC_IOC_MSGCTL	_IOW(SVIPC_IOC_MAGIC, 0x13, struct svipc_ctl)
#define SVIPC_IOC_SEMGET	_IOW(SVIPC_IOC_MAGIC, 0x20, struct svipc_get)
#define SVIPC_IOC_SEMOP		_IOW(SVIPC_IOC_MAGIC, 0x21, struct svipc_semop)
#define SVIPC_IOC_SEMCTL	_IOW(SVIPC_IOC_MAGIC, 0x22, struct svipc_ctl)
#define SVIPC_IOC_SHMGET	_IOW(SVIPC_IOC_MAGIC, 0x30, struct svipc_get)
#define SVIPC_IOC_SHMAT		_IOWR(SVIPC_IOC_MAGIC, 0x31, struct svipc_shmat)
#define SVIPC_IOC_SHMDT		_IOW(SVIPC_IOC_MAGIC, 0x32, struct svipc_shmdt)
#define SVIPC_IOC_SHMCTL	_IOW(SVIPC_IOC_MAGIC, 0x33, struct svipc_ctl)
#define SVIPC_IOC_LIMIT		_IOWR(SVIPC_IOC_MAGIC, 0x40, struct svipc_limit)

#endif /* _UAPI_LINUX_SVIPC_H */
