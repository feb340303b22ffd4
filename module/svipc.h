/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points of each kind, called from the ioctl dispatch in main.c. */
#ifndef SVIPC_SVIPC_H
#define SVIPC_SVIPC_H

#include "obj.h"

struct tracepoint;

int svipc_msg_init(void);
void svipc_msg_exit(void);
int svipc_msgget(key_t key, int msgflg);
long svipc_msgsnd_ioctl(struct svipc_msgsnd __user *uarg);
long svipc_msgrcv_ioctl(struct svipc_msgrcv __user *uarg);
long svipc_msgctl_ioctl(struct svipc_ctl __user *uarg);

int svipc_sem_init(void);
void svipc_sem_stop_exit_probe(void);
void svipc_sem_exit(void);
long svipc_semget_ioctl(struct svipc_get __user *uarg);
long svipc_semop_ioctl(struct svipc_semop __user *uarg);
long svipc_semctl_ioctl(struct svipc_ctl __user *uarg);

int svipc_shm_init(void);
void svipc_shm_stop_exit_probe(void);
void svipc_shm_exit(void);
long svipc_shmget_ioctl(struct svipc_get __user *uarg);
long svipc_shmat_ioctl(struct svipc_shmat __user *uarg);
long svipc_shmdt_ioctl(struct svipc_shmdt __user *uarg);
long svipc_shmctl_ioctl(struct svipc_ctl __user *uarg);
void svipc_shm_destroy_orphans(void);

/* obj.c: the sched_process_exit tracepoint, or NULL. */
struct tracepoint *svipc_exit_tracepoint(void);

/*
 * /proc/svipc/{msg,sem,shm} (proc.c).  Each kind lends its table and
 * fills in, under the object's lock, the fields of a line beyond the
 * svipc_obj part; the pids stay valid until that lock is dropped.
 */
struct svipc_sem_array;

struct svipc_msg_proc {
	unsigned long cbytes;
	unsigned long qnum;
	struct pid *lspid;
	struct pid *lrpid;
	time64_t stime;
	time64_t rtime;
	time64_t ctime;
};

struct svipc_sem_proc {
	int nsems;
	time64_t otime;
	time64_t ctime;
};

struct svipc_shm_proc {
	size_t segsz;
	struct pid *cpid;
	struct pid *lpid;
	unsigned long nattch;
	time64_t atime;
	time64_t dtime;
	time64_t ctime;
	unsigned long rss;		/* pages */
	unsigned long swp;		/* pages */
};

struct svipc_ids *svipc_msg_ids(void);
void svipc_msg_proc_get(struct svipc_obj *obj, struct svipc_msg_proc *p);
struct svipc_ids *svipc_sem_ids(void);
void svipc_sem_proc_get(struct svipc_sem_array *sma, struct svipc_sem_proc *p);
struct svipc_ids *svipc_shm_ids(void);
void svipc_shm_proc_rss(struct svipc_obj *obj, struct svipc_shm_proc *p);
void svipc_shm_proc_get(struct svipc_obj *obj, struct svipc_shm_proc *p);

int svipc_proc_init(void);
void svipc_proc_exit(void);

#endif /* SVIPC_SVIPC_H */
