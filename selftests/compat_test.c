// SPDX-License-Identifier: GPL-2.0
/*
 * A statically linked program written against glibc's System V IPC names
 * only, linked with -Wl,--whole-archive libsvipc-compat.a: every call,
 * including syscall() with their numbers, must reach svipc.  The binary
 * re-executes itself under svipc-nosysv first, so the kernel's own calls
 * fail with ENOSYS and nothing here can quietly use them.
 */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "common.h"

#define NOSYSV	"/bin/svipc-nosysv"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void __attribute__((constructor)) under_nosysv(void)
{
	static char self[4096];
	char *const argv[] = { NOSYSV, self, NULL };
	ssize_t n;

	if (getenv("SVIPC_COMPAT_NOSYSV"))
		return;
	/* Resolved now: in svipc-nosysv, /proc/self/exe is svipc-nosysv. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		perror("/proc/self/exe");
		exit(1);
	}
	self[n] = 0;
	setenv("SVIPC_COMPAT_NOSYSV", "1", 1);
	execv(NOSYSV, argv);
	perror(NOSYSV);
	exit(1);
}

/* msgget made by hand, past libc and the shim: what the kernel says. */
static long kernel_msgget(key_t key, int flg)
{
	unsigned long ret;

	__asm__ volatile ("syscall"
			  : "=a" (ret)
			  : "0" ((long)SYS_msgget), "D" ((long)key), "S" ((long)flg)
			  : "rcx", "r11", "memory");
	return (long)ret;
}

TEST(the_kernels_own_calls_are_gone)
{
	EXPECT_EQ(-ENOSYS, kernel_msgget(IPC_PRIVATE, 0600));
}

TEST(glibc_names_reach_svipc)
{
	struct { long type; char text[8]; } m = { 5, "static" };
	struct sembuf op = { 0, 3, 0 };
	struct shmid_ds sds;
	union semun a;
	int q, s, seg;
	char *p;

	q = msgget(IPC_PRIVATE, 0600);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, msgsnd(q, &m, 7, 0));
	/* The same object, seen through the library's own entry point. */
	memset(&m, 0, sizeof(m));
	EXPECT_EQ(7, svipc_msgrcv(q, &m, sizeof(m.text), 5, IPC_NOWAIT));
	EXPECT_STREQ("static", m.text);
	EXPECT_EQ(-1, msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(0, msgctl(q, IPC_RMID, NULL));
	EXPECT_EQ(-1, svipc_msgctl(q, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, errno);

	s = semget(IPC_PRIVATE, 1, 0600);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, semop(s, &op, 1));
	a.val = 0;
	EXPECT_EQ(3, semctl(s, 0, GETVAL, a));
	EXPECT_EQ(3, svipc_semctl(s, 0, GETVAL));
	op.sem_op = -4;
	op.sem_flg = IPC_NOWAIT;
	EXPECT_EQ(-1, semtimedop(s, &op, 1, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, semctl(s, 0, IPC_RMID));

	seg = shmget(IPC_PRIVATE, 4096, 0600);
	ASSERT_LE(0, seg);
	p = shmat(seg, NULL, 0);
	ASSERT_NE((void *)-1, p);
	strcpy(p, "shared");
	ASSERT_EQ(0, svipc_shmctl(seg, IPC_STAT, &sds));
	EXPECT_EQ(1, sds.shm_nattch);
	EXPECT_EQ(0, shmdt(p));
	EXPECT_EQ(0, shmctl(seg, IPC_RMID, NULL));
}

TEST(syscall_numbers_reach_svipc_and_others_pass_through)
{
	struct sembuf op = { 0, 1, 0 };
	int s;

	s = syscall(SYS_semget, IPC_PRIVATE, 1, 0600);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, syscall(SYS_semop, s, &op, 1));
	EXPECT_EQ(1, svipc_semctl(s, 0, GETVAL));
	EXPECT_EQ(0, syscall(SYS_semctl, s, 0, IPC_RMID, 0));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	EXPECT_EQ(-1, syscall(SYS_close, -1));
	EXPECT_EQ(EBADF, errno);
}

TEST(a_forked_child_uses_the_same_objects)
{
	struct { long type; char text[8]; } m = { 1, "child" };
	int q, status;
	pid_t pid;

	q = msgget(IPC_PRIVATE, 0600);
	ASSERT_LE(0, q);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(msgsnd(q, &m, 6, 0) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	memset(&m, 0, sizeof(m));
	EXPECT_EQ(6, msgrcv(q, &m, sizeof(m.text), 0, 0));
	EXPECT_STREQ("child", m.text);
	EXPECT_EQ(0, msgctl(q, IPC_RMID, NULL));
}

SVIPC_TEST_MAIN
