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
void svipc_sem_exit(void);
long svipc_semget_ioctl(struct svipc_get __user *uarg);
long svipc_semop_ioctl(struct svipc_semop __user *uarg);
long svipc_semctl_ioctl(struct svipc_ctl __user *uarg);

int svipc_shm_init(void);
void svipc_shm_exit(void);
long svipc_shmget_ioctl(struct svipc_get __user *uarg);
long svipc_shmat_ioctl(struct svipc_shmat __user *uarg);
long svipc_shmdt_ioctl(struct svipc_shmdt __user *uarg);
long svipc_shmctl_ioctl(struct svipc_ctl __user *uarg);
void svipc_shm_destroy_orphans(void);

/* obj.c: the sched_process_exit tracepoint, or NULL. */
struct tracepoint *svipc_exit_tracepoint(void);

#endif /* SVIPC_SVIPC_H */
