/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The twelve System V IPC calls as one table, so that a tool can run the
 * same code on the kernel's own calls (glibc's) and on svipc's.
 */
#ifndef SVIPC_TOOLS_IPC_IMPL_H
#define SVIPC_TOOLS_IPC_IMPL_H

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>

#include "svipc.h"

struct ipc_impl {
	const char *name;
	int (*msgget)(key_t, int);
	int (*msgsnd)(int, const void *, size_t, int);
	ssize_t (*msgrcv)(int, void *, size_t, long, int);
	int (*msgctl)(int, int, struct msqid_ds *);
	int (*semget)(key_t, int, int);
	int (*semop)(int, struct sembuf *, size_t);
	int (*semtimedop)(int, struct sembuf *, size_t, const struct timespec *);
	int (*semctl)(int, int, int, ...);
	int (*shmget)(key_t, size_t, int);
	void *(*shmat)(int, const void *, int);
	int (*shmdt)(const void *);
	int (*shmctl)(int, int, struct shmid_ds *);
	int native;		/* the kernel's own calls */
};

static const struct ipc_impl ipc_native = {
	.name = "native", .native = 1,
	.msgget = msgget, .msgsnd = msgsnd, .msgrcv = msgrcv, .msgctl = msgctl,
	.semget = semget, .semop = semop, .semtimedop = semtimedop,
	.semctl = semctl,
	.shmget = shmget, .shmat = shmat, .shmdt = shmdt, .shmctl = shmctl,
};

static const struct ipc_impl ipc_svipc = {
	.name = "svipc",
	.msgget = svipc_msgget, .msgsnd = svipc_msgsnd,
	.msgrcv = svipc_msgrcv, .msgctl = svipc_msgctl,
	.semget = svipc_semget, .semop = svipc_semop,
	.semtimedop = svipc_semtimedop, .semctl = svipc_semctl,
	.shmget = svipc_shmget, .shmat = svipc_shmat, .shmdt = svipc_shmdt,
	.shmctl = svipc_shmctl,
};

#endif /* SVIPC_TOOLS_IPC_IMPL_H */
