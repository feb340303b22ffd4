// SPDX-License-Identifier: GPL-2.0
/*
 * svipc-nosysv PROGRAM [ARGS...]
 *
 * Runs PROGRAM with the kernel's own System V IPC system calls failing
 * with ENOSYS, exactly as on a kernel built without CONFIG_SYSVIPC: a
 * seccomp filter installed before exec (and inherited by every child)
 * answers msgget ... shmctl, semtimedop and the old ipc(2) multiplexer,
 * for 64-bit, x32 and 32-bit callers.  Under it, a program that still
 * works can only be using svipc.
 *
 * On a kernel without seccomp filters the filter cannot be installed;
 * that is accepted only when the kernel has no System V IPC of its own
 * (a probe call fails with ENOSYS), since then the kernel already
 * behaves as the filter would.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_SYSCALL_BIT	0x40000000u

/* The System V numbers of the 64-bit (and x32) system call table. */
static const unsigned int sysv_x86_64[] = {
	SYS_msgget, SYS_msgsnd, SYS_msgrcv, SYS_msgctl,
	SYS_semget, SYS_semop, SYS_semtimedop, SYS_semctl,
	SYS_shmget, SYS_shmat, SYS_shmdt, SYS_shmctl,
};

/*
 * The i386 table (arch/x86/entry/syscalls/syscall_32.tbl): ipc(2), the
 * direct calls added in 5.1, and semtimedop_time64.
 */
static const unsigned int sysv_i386[] = {
	117,				/* ipc */
	393, 394, 395, 396, 397, 398,	/* semget semctl shmget shmctl shmat shmdt */
	399, 400, 401, 402,		/* msgget msgsnd msgrcv msgctl */
	420,				/* semtimedop_time64 */
};

#define N64	(sizeof(sysv_x86_64) / sizeof(sysv_x86_64[0]))
#define N32	(sizeof(sysv_i386) / sizeof(sysv_i386[0]))
#define STMT(c, k)		((struct sock_filter)BPF_STMT(c, k))
#define JUMP(c, k, t, f)	((struct sock_filter)BPF_JUMP(c, k, t, f))

/*
 * The program, by instruction index:
 *	0	load arch
 *	1	arch == x86-64 ? next : I386
 *	2-3	load nr, clear the x32 bit
 *	4..	one test per 64-bit number, true -> DENY
 *	ALLOW64	allow
 *	I386	arch == i386 ? next : ALLOW
 *	I386+1	load nr
 *	..	one test per i386 number, true -> DENY
 *	ALLOW	allow
 *	DENY	ENOSYS
 */
static int install_filter(void)
{
	enum {
		ALLOW64 = 4 + N64,
		I386 = ALLOW64 + 1,
		ALLOW = I386 + 2 + N32,
		DENY = ALLOW + 1,
		LEN = DENY + 1,
	};
	struct sock_filter f[LEN];
	struct sock_fprog prog;
	unsigned int n = 0, i;

	/* A jump's offsets count from the instruction after it. */
#define TO(target)	((target) - (n + 1))
	f[n] = STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)), n++;
	f[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, TO(I386)), n++;
	f[n] = STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)), n++;
	/* x32 calls carry a flag bit over the same numbers. */
	f[n] = STMT(BPF_ALU | BPF_AND | BPF_K, ~X32_SYSCALL_BIT), n++;
	for (i = 0; i < N64; i++)
		f[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, sysv_x86_64[i], TO(DENY), 0), n++;
	f[n] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), n++;
	f[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, TO(ALLOW)), n++;
	f[n] = STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)), n++;
	for (i = 0; i < N32; i++)
		f[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, sysv_i386[i], TO(DENY), 0), n++;
	f[n] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), n++;
	f[n] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS), n++;
#undef TO
	if (n != LEN)
		abort();

	prog.len = n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

#define USAGE "usage: svipc-nosysv PROGRAM [ARGS...]\n"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(USAGE, stderr);
		return 2;
	}
	/* A program named -h or --help is run as ./-h. */
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(USAGE, stdout);
		return 0;
	}
	if (install_filter()) {
		int err = errno;

		/* Without seccomp, only a kernel lacking SysV IPC will do. */
		if (err != EINVAL ||
		    syscall(SYS_msgctl, -1, IPC_STAT, NULL) != -1 ||
		    errno != ENOSYS) {
			fprintf(stderr, "svipc-nosysv: cannot install the seccomp filter: %s\n",
				strerror(err));
			return 125;
		}
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "svipc-nosysv: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
