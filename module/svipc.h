/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points of each kind, called from the ioctl dispatch in main.c. */
#ifndef SVIPC_SVIPC_H
#define SVIPC_SVIPC_H

#include "obj.h"

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

#endif /* SVIPC_SVIPC_H */
