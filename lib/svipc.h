/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsvipc: System V IPC calls served by /dev/svipc.
 *
 * Each function has the signature, types and errno conventions of the
 * glibc function of the same name without the svipc_ prefix: on failure
 * it returns -1 (or (void *)-1) and sets errno.  If /dev/svipc is absent
 * the calls fail with ENOSYS, as the native calls do on a kernel built
 * without System V IPC.  All functions are thread-safe.
 */
#ifndef SVIPC_LIB_H
#define SVIPC_LIB_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

int svipc_msgget(key_t key, int msgflg);
int svipc_msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg);
ssize_t svipc_msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp,
		     int msgflg);
int svipc_msgctl(int msqid, int cmd, struct msqid_ds *buf);

int svipc_semget(key_t key, int nsems, int semflg);
int svipc_semop(int semid, struct sembuf *sops, size_t nsops);
int svipc_semtimedop(int semid, struct sembuf *sops, size_t nsops,
		     const struct timespec *timeout);
/* The fourth argument is the caller's union semun, as for glibc. */
int svipc_semctl(int semid, int semnum, int cmd, ...);

int svipc_shmget(key_t key, size_t size, int shmflg);
void *svipc_shmat(int shmid, const void *shmaddr, int shmflg);
int svipc_shmdt(const void *shmaddr);
int svipc_shmctl(int shmid, int cmd, struct shmid_ds *buf);

/*
 * The descriptor of /dev/svipc this process uses, opened on first use
 * with O_CLOEXEC, for callers that speak raw ioctl (uapi/linux/svipc.h).
 * Returns -1 with errno ENOSYS when the device is missing.
 */
int svipc_fd(void);

#ifdef __cplusplus
}
#endif

#endif /* SVIPC_LIB_H */
