// SPDX-License-Identifier: GPL-2.0
/*
 * A dynamically linked program that knows nothing of svipc: it calls
 * glibc's System V IPC functions, or syscall() with their numbers, as any
 * program does.  shim_test runs it with LD_PRELOAD=libsvipc-preload.so
 * and checks from outside where its objects ended up.
 *
 *	shim-prog names|syscalls	make a queue, a set and a segment, use
 *					them, leave them; print their ids
 *	shim-prog passthrough		other syscall() numbers behave as ever
 *	shim-prog missing		every call fails with ENOSYS
 *	shim-prog fallback		print msgget's result and errno
 *
 * Exit status 0 when every step did what it should; a line on stderr
 * names the first step that did not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int raw;		/* use syscall() rather than the libc names */

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "shim-prog: line %d: %s (errno %d)\n",	\
			__LINE__, #cond, errno);			\
		exit(1);						\
	}								\
} while (0)

static int p_msgget(key_t k, int f)
{
	return raw ? syscall(SYS_msgget, k, f) : msgget(k, f);
}

static int p_msgsnd(int id, const void *m, size_t n, int f)
{
	return raw ? syscall(SYS_msgsnd, id, m, n, f) : msgsnd(id, m, n, f);
}

static ssize_t p_msgrcv(int id, void *m, size_t n, long t, int f)
{
	return raw ? syscall(SYS_msgrcv, id, m, n, t, f) : msgrcv(id, m, n, t, f);
}

static int p_msgctl(int id, int cmd, struct msqid_ds *ds)
{
	return raw ? syscall(SYS_msgctl, id, cmd, ds) : msgctl(id, cmd, ds);
}

static int p_semget(key_t k, int n, int f)
{
	return raw ? syscall(SYS_semget, k, n, f) : semget(k, n, f);
}

static int p_semop(int id, struct sembuf *s, size_t n)
{
	return raw ? syscall(SYS_semop, id, s, n) : semop(id, s, n);
}

static int p_semtimedop(int id, struct sembuf *s, size_t n,
			const struct timespec *t)
{
	return raw ? syscall(SYS_semtimedop, id, s, n, t) : semtimedop(id, s, n, t);
}

static int p_semctl(int id, int num, int cmd, union semun a)
{
	return raw ? syscall(SYS_semctl, id, num, cmd, a.buf) :
		     semctl(id, num, cmd, a);
}

static int p_shmget(key_t k, size_t sz, int f)
{
	return raw ? syscall(SYS_shmget, k, sz, f) : shmget(k, sz, f);
}

static void *p_shmat(int id, const void *a, int f)
{
	return raw ? (void *)syscall(SYS_shmat, id, a, f) : shmat(id, a, f);
}

static int p_shmdt(const void *a)
{
	return raw ? syscall(SYS_shmdt, a) : shmdt(a);
}

static int p_shmctl(int id, int cmd, struct shmid_ds *ds)
{
	return raw ? syscall(SYS_shmctl, id, cmd, ds) : shmctl(id, cmd, ds);
}

/* Leave: a queue holding one message of type 3, text "via shim". */
static int make_queue(void)
{
	struct { long type; char text[16]; } m;
	struct msqid_ds ds;
	int id = p_msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	CHECK(id >= 0);
	m.type = 3;
	strcpy(m.text, "via shim");
	CHECK(p_msgsnd(id, &m, 9, 0) == 0);
	m.type = 4;
	strcpy(m.text, "second");
	CHECK(p_msgsnd(id, &m, 7, IPC_NOWAIT) == 0);
	memset(&m, 0, sizeof(m));
	CHECK(p_msgrcv(id, &m, sizeof(m.text), 4, 0) == 7);
	CHECK(m.type == 4 && !strcmp(m.text, "second"));
	CHECK(p_msgrcv(id, &m, sizeof(m.text), 9, IPC_NOWAIT) == -1 &&
	      errno == ENOMSG);
	CHECK(p_msgctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.msg_qnum == 1 && ds.msg_lspid == getpid());
	CHECK(p_msgctl(id, IPC_RMID + 1000, &ds) == -1 && errno == EINVAL);
	return id;
}

/* Leave: a set of two with values 7 and 1. */
static int make_set(void)
{
	struct timespec ts = { 0, 1000000 };
	struct sembuf op = { 0, 2, 0 };
	unsigned short vals[2];
	struct semid_ds ds;
	union semun a;
	int id = p_semget(IPC_PRIVATE, 2, 0600);

	CHECK(id >= 0);
	a.val = 5;
	CHECK(p_semctl(id, 0, SETVAL, a) == 0);
	CHECK(p_semop(id, &op, 1) == 0);
	op.sem_num = 1;
	op.sem_op = 1;
	CHECK(p_semtimedop(id, &op, 1, &ts) == 0);
	op.sem_op = -2;
	CHECK(p_semtimedop(id, &op, 1, &ts) == -1 && errno == EAGAIN);
	a.array = vals;
	CHECK(p_semctl(id, 0, GETALL, a) == 0);
	CHECK(vals[0] == 7 && vals[1] == 1);
	a.buf = &ds;
	CHECK(p_semctl(id, 0, IPC_STAT, a) == 0);
	CHECK(ds.sem_nsems == 2);
	a.val = 0;
	CHECK(p_semctl(id, 1, GETPID, a) == getpid());
	return id;
}

/* Leave: a two-page segment, detached, starting "written via shim". */
static int make_segment(void)
{
	struct shmid_ds ds;
	char *p, *ro;
	int id = p_shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);

	CHECK(id >= 0);
	p = p_shmat(id, NULL, 0);
	CHECK(p != (void *)-1);
	ro = p_shmat(id, NULL, SHM_RDONLY);
	CHECK(ro != (void *)-1 && ro != p);
	strcpy(p, "written via shim");
	CHECK(!strcmp(ro, "written via shim"));
	CHECK(p_shmctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.shm_nattch == 2 && ds.shm_segsz == 8192);
	CHECK(p_shmdt(ro) == 0);
	CHECK(p_shmdt(p) == 0);
	CHECK(p_shmdt(p) == -1 && errno == EINVAL);
	return id;
}

static void passthrough(void)
{
	char c = 'x';
	int fds[2];

	CHECK(syscall(SYS_getpid) == getpid());
	CHECK(syscall(SYS_getppid) == getppid());
	CHECK(syscall(SYS_close, -1) == -1 && errno == EBADF);
	CHECK(pipe(fds) == 0);
	CHECK(syscall(SYS_write, fds[1], &c, 1) == 1);
	c = 0;
	CHECK(syscall(SYS_read, fds[0], &c, 1, 0, 0, 0) == 1 && c == 'x');
	/* Six arguments reach the kernel: a mmap with an offset. */
	CHECK((void *)syscall(SYS_mmap, NULL, 4096, 1, 0x22, -1, 0) != (void *)-1);
	CHECK(syscall(99999) == -1 && errno == ENOSYS);
}

static void missing(void)
{
	struct sembuf op = { 0, 1, 0 };
	int i;

	for (i = 0; i < 3; i++) {
		errno = 0;
		CHECK(msgget(IPC_PRIVATE, 0600) == -1 && errno == ENOSYS);
	}
	CHECK(semget(IPC_PRIVATE, 1, 0600) == -1 && errno == ENOSYS);
	CHECK(semop(0, &op, 1) == -1 && errno == ENOSYS);
	CHECK(shmget(IPC_PRIVATE, 4096, 0600) == -1 && errno == ENOSYS);
	CHECK(shmat(0, NULL, 0) == (void *)-1 && errno == ENOSYS);
	CHECK(shmctl(0, IPC_RMID, NULL) == -1 && errno == ENOSYS);
	CHECK(syscall(SYS_msgget, IPC_PRIVATE, 0600) == -1 && errno == ENOSYS);
	CHECK(syscall(SYS_getpid) == getpid());
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "names") || !strcmp(mode, "syscalls")) {
		int q, s, m;

		raw = !strcmp(mode, "syscalls");
		q = make_queue();
		s = make_set();
		m = make_segment();
		printf("%d %d %d\n", q, s, m);
	} else if (!strcmp(mode, "passthrough")) {
		passthrough();
	} else if (!strcmp(mode, "missing")) {
		missing();
	} else if (!strcmp(mode, "fallback")) {
		int id = msgget(IPC_PRIVATE, 0600);

		printf("%d %d\n", id < 0 ? -1 : 0, id < 0 ? errno : 0);
		if (id >= 0)
			CHECK(msgctl(id, IPC_RMID, NULL) == 0);
	} else {
		fprintf(stderr, "usage: shim-prog names|syscalls|passthrough|missing|fallback\n");
		return 2;
	}
	return 0;
}
