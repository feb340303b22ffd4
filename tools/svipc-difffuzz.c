// SPDX-License-Identifier: GPL-2.0
/*
 * svipc-difffuzz: native System V IPC and svipc in lockstep.
 *
 *	svipc-difffuzz [-s seed] [-n steps] [-l length] [-c chunk] [-k] [-v]
 *		       [-m module.ko]
 *	svipc-difffuzz --replay FILE [-v]
 *	svipc-difffuzz --self [-s seed] [-n steps]
 *
 * A seeded generator writes programs of System V IPC calls: every call,
 * command and flag (also those native ignores), sizes at and around each
 * limit, limits changed between calls, bad pointers (NULL, unmapped,
 * read-only, kernel, buffers that end at a page boundary), stale and
 * removed ids, IPC_SET permission changes, uid/gid/capability switches,
 * fork with SEM_UNDO and exit, shm_rmid_forced, and blocking calls.  Each
 * program runs twice, once on native System V IPC and once through
 * libsvipc, and every step's result is compared exactly: the return
 * value, errno, a fault, and the bytes the call left in its buffer
 * (*_ds, *_info, GETALL arrays, received messages, shared memory
 * contents).  Only times are normalised (zero or not).
 *
 * Each side starts empty, so ids, sequence numbers and *_INFO indexes
 * must match: the native run gets a fresh IPC namespace, the svipc run a
 * freshly loaded module (its objects are removed and it is reloaded from
 * -m, default /svipc.ko, before each run).  Both run as pid 1 of a fresh
 * pid namespace, so pids match too.  The programs are a pure function of
 * the seed: ids are named by slot, and each side resolves a slot to the
 * id its own call returned.
 *
 * Blocking is explored deterministically.  A call that can block runs
 * with a 1 ms repeating timer, so a call that blocks on one side fails
 * with EINTR there, and one that does not block is not disturbed (no
 * call here sleeps interruptibly unless it blocks).  A "spawn" step runs
 * the next call in a child with no timer, and the program goes on only
 * once that child sleeps inside its call or has exited; after every step
 * the same wait holds, so wake-ups (by a send, a semop, IPC_RMID, a
 * signal step, the end of a forked child's SEM_UNDO) happen at the same
 * point of the program on both sides.  Waiters still asleep at the end
 * are killed.
 *
 * On the first difference it prints the seed, the step, the call and
 * both results, shrinks the program to a minimal one that still differs
 * at the same call, and prints that program; --replay runs such a file
 * again and shows both sides step by step.  --self runs native against
 * native, to prove the programs are deterministic.  -k goes on after a
 * difference (each one shrunk a little), -c starts at a given program of
 * the seed, -l sets the program length, -v prints every step.
 *
 * Output is TAP (one case, "difffuzz"), so the suite counts it as a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "svipc.h"
#include "ipc-impl.h"

#ifndef MSG_COPY
#define MSG_COPY	040000
#endif
#ifndef SHM_EXEC
#define SHM_EXEC	0100000
#endif

#define NSLOT		6	/* object slots per kind */
#define NATT		8	/* attach slots */
#define MAXSTEPS	20000
#define OUTMAX		256	/* bytes of a result kept for display */
#define ARENA_SIZE	(256 * 1024)
#define REGION_SIZE	(64UL << 20)
/* Far from the binary, its heap and the mmap area: nothing else lands
 * there, so shmat(addr, SHM_REMAP) in it can only replace attaches. */
#define REGION_BASE	0x200000000000UL
#define PAGE		4096UL

enum op {
	OP_MSGGET, OP_MSGSND, OP_MSGRCV, OP_MSGCTL,
	OP_SEMGET, OP_SEMOP, OP_SEMCTL,
	OP_SHMGET, OP_SHMAT, OP_SHMDT, OP_SHMCTL, OP_SHMRW, OP_MUNMAP,
	OP_CRED, OP_LIMIT, OP_FORK, OP_SPAWN, OP_SIGNAL,
	OP_NR
};

static const char *const op_names[OP_NR] = {
	"msgget", "msgsnd", "msgrcv", "msgctl",
	"semget", "semop", "semctl",
	"shmget", "shmat", "shmdt", "shmctl", "shmrw", "munmap",
	"cred", "limit", "fork", "spawn", "signal",
};

/*
 * One step.  The meaning of a[] and b[] depends on the op (see run_step());
 * they are plain numbers, so that a program prints and reads back as text.
 */
#define NA 8
#define NB 2
struct step {
	int op;
	int a[NA];
	long long b[NB];
};

/* What a step did, on one side. */
struct rec {
	long long ret;
	int err;
	int sig;		/* the signal a memory access took, or 0 */
	unsigned int outlen;	/* bytes of output compared (all hashed) */
	uint64_t outhash;
	unsigned char out[OUTMAX];
	int done;
};

/* Shared with the runner (and its forked children): one run's records. */
#define NKIDS	4
struct trace {
	int nsteps;
	int reached;		/* steps finished so far */
	/* Each spawned waiter: its pid as /proc shows it, and 1 while it is
	 * inside its call, 2 once out of it. */
	volatile int kid_pid[NKIDS];
	volatile int kid_state[NKIDS];
	volatile int kid_may_exit[NKIDS];	/* set by the runner */
	struct rec rec[MAXSTEPS];
};

/* Fixed addresses, mapped before the runners fork, so both sides agree. */
static unsigned char *arena;	/* ARENA_SIZE read-write, then a hole */
static unsigned char *hole;	/* a PROT_NONE page */
static unsigned char *ro_page;	/* a read-only page */
static unsigned char *region;	/* REGION_SIZE kept free for shmat(addr) */
static struct timespec *ts_buf;	/* semtimedop's timeout */
static const char *module_path = "/svipc.ko";
static int verbose;

#define KERNEL_PTR	((void *)0xffffffff81000000UL)
#define FAR_PTR		((void *)0x100000000000UL)	/* never mapped */

/* ---------------------------------------------------------------- rng */

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

static int chance(uint64_t *s, int percent)
{
	return (int)below(s, 100) < percent;
}

#define PICK(s, arr) ((arr)[below((s), sizeof(arr) / sizeof((arr)[0]))])

/* ------------------------------------------------------------ tables */

static const key_t keys[] = {
	IPC_PRIVATE, 0x5eed0001, 0x5eed0002, 0x5eed0003, 0x5eed0004, -1,
};

/* Literal ids, for ids no slot names: sel >= 100 picks lit_ids[sel-100]. */
static const int lit_ids[] = {
	-1, 0, 1, 2, 3, INT_MAX, 32767, 32768, 32769, INT_MIN, 65536,
};

static const int modes[] = {
	0600, 0666, 0400, 0200, 0060, 0040, 0006, 0004, 0000, 0777, 0644,
	0620, 01777, 07777,
};

static const unsigned int ids_uid[] = { 0, 1000, 1001, 65534, 4294967295U };

/* Credentials a step can switch to (suid stays 0, to come back). */
struct credset {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[2];
	int caps;		/* -1 all; else a mask of CAP_* bits below */
};

#define C_OWNER	(1 << 0)
#define C_ADMIN	(1 << 1)
#define C_LOCK	(1 << 2)
#define C_RES	(1 << 3)

static const struct credset creds[] = {
	{ 0, 0, 0, { 0 }, -1 },
	{ 0, 0, 0, { 0 }, C_ADMIN | C_LOCK | C_RES },
	{ 0, 0, 0, { 0 }, C_OWNER | C_LOCK | C_RES },
	{ 0, 0, 0, { 0 }, C_OWNER | C_ADMIN | C_RES },
	{ 0, 0, 0, { 0 }, 0 },
	{ 1000, 1000, 0, { 0 }, 0 },
	{ 1000, 1001, 1, { 1000 }, 0 },
	{ 1001, 1000, 0, { 0 }, 0 },
	{ 1001, 1001, 2, { 1000, 65534 }, 0 },
	{ 65534, 65534, 0, { 0 }, 0 },
	{ 1000, 1000, 0, { 0 }, C_OWNER },
	{ 1001, 1001, 0, { 0 }, C_ADMIN },
	{ 1000, 1000, 0, { 0 }, C_LOCK },
	{ 1000, 1000, 0, { 0 }, C_RES },
};

#define NCREDS ((int)(sizeof(creds) / sizeof(creds[0])))

enum limit {
	L_MSGMAX, L_MSGMNB, L_MSGMNI, L_SEM, L_SHMMAX, L_SHMALL, L_SHMMNI,
	L_RMID_FORCED, L_NR
};

static const char *const limit_names[L_NR] = {
	"msgmax", "msgmnb", "msgmni", "sem", "shmmax", "shmall", "shmmni",
	"shm_rmid_forced",
};

/* ------------------------------------------------------------ generator */

static long long gen_size(uint64_t *s, long long around)
{
	static const long long fixed[] = {
		0, 1, 2, 7, 8, 9, 100, 4095, 4096, 4097, 8191, 8192, 8193,
		16383, 16384, 16385, 65536, 1 << 20, INT_MAX, 1LL << 31,
		-1, -2, LLONG_MAX,
	};

	if (chance(s, 50))
		return around + (long long)below(s, 5) - 2;
	return PICK(s, fixed);
}

static int gen_idsel(uint64_t *s)
{
	int r = below(s, 100);

	if (r < 75)
		return below(s, NSLOT);			/* a slot's id */
	if (r < 85)
		return NSLOT + below(s, NSLOT);		/* another seq */
	if (r < 92)
		return 2 * NSLOT + below(s, NSLOT);	/* the index */
	return 100 + below(s, sizeof(lit_ids) / sizeof(lit_ids[0]));
}

/* Pointer kinds. */
enum { P_OK, P_NULL, P_HOLE, P_RO, P_SHORT, P_KERNEL, P_FAR, P_NR };

static int gen_ptr(uint64_t *s, int bad_percent)
{
	if (!chance(s, bad_percent))
		return P_OK;
	return 1 + below(s, P_NR - 1);
}

static int gen_get_flags(uint64_t *s)
{
	int f = PICK(s, modes);

	if (chance(s, 70))
		f |= IPC_CREAT;
	if (chance(s, 25))
		f |= IPC_EXCL;
	if (chance(s, 5))
		f |= 1 << (12 + below(s, 20));		/* bits native ignores */
	return f;
}

static void gen_perm(uint64_t *s, struct step *st, int at)
{
	st->a[at] = below(s, 5);		/* uid index */
	st->a[at + 1] = below(s, 5);		/* gid index */
	st->a[at + 2] = PICK(s, modes);
}

static int nowait(uint64_t *s)
{
	return chance(s, 85) ? IPC_NOWAIT : 0;
}

static int last_kid;		/* the slot the latest spawn used */

static void gen_step(uint64_t *s, struct step *st, int remaining)
{
	int r = below(s, 1000);

	memset(st, 0, sizeof(*st));
	if (r < 50) {
		st->op = OP_MSGGET;
		st->a[0] = below(s, NSLOT);
		st->a[1] = below(s, sizeof(keys) / sizeof(keys[0]));
		st->a[2] = gen_get_flags(s);
	} else if (r < 150) {
		static const long long types[] = { 1, 2, 3, 5, 0, -1, LLONG_MAX, LLONG_MIN };

		st->op = OP_MSGSND;
		st->a[0] = gen_idsel(s);
		st->a[1] = gen_ptr(s, 8);
		st->a[2] = nowait(s) | (chance(s, 5) ? MSG_NOERROR : 0);
		st->b[0] = chance(s, 90) ? 1 + (long long)below(s, 4) : PICK(s, types);
		st->b[1] = chance(s, 70) ? (long long)below(s, 200) : gen_size(s, 8192);
		st->a[3] = below(s, 300);
	} else if (r < 250) {
		static const long long types[] = { 0, 1, 2, 3, -1, -2, -3, LLONG_MIN, LLONG_MAX };
		int f = nowait(s);

		st->op = OP_MSGRCV;
		st->a[0] = gen_idsel(s);
		st->a[1] = gen_ptr(s, 8);
		if (chance(s, 20))
			f |= MSG_NOERROR;
		if (chance(s, 10))
			f |= MSG_EXCEPT;
		if (chance(s, 10))
			f |= MSG_COPY;
		if (chance(s, 3))
			f |= 1 << (14 + below(s, 17));
		st->a[2] = f;
		st->b[0] = f & MSG_COPY && chance(s, 80) ? (long long)below(s, 5) : PICK(s, types);
		st->b[1] = chance(s, 70) ? (long long)below(s, 300) : gen_size(s, 8192);
		st->a[3] = below(s, 300);
	} else if (r < 330) {
		static const int cmds[] = {
			IPC_STAT, IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, MSG_INFO,
			MSG_STAT, MSG_STAT_ANY, 4, 99, -1, IPC_STAT | 0x100,
		};
		static const long long qb[] = {
			0, 1, 100, 16383, 16384, 16385, 0x100000064LL, -1,
			0xffffffffLL, 0x7fffffffLL, 0x80000000LL,
		};

		st->op = OP_MSGCTL;
		st->a[0] = gen_idsel(s);
		st->a[1] = gen_ptr(s, 8);
		st->a[2] = PICK(s, cmds);
		st->a[3] = below(s, 130);
		gen_perm(s, st, 4);
		st->b[0] = chance(s, 40) ? 16384 : PICK(s, qb);
	} else if (r < 380) {
		static const int ns[] = { 0, 1, 2, 3, 5, 250, 251, 32000, 32001, -1, INT_MAX };

		st->op = OP_SEMGET;
		st->a[0] = below(s, NSLOT);
		st->a[1] = below(s, sizeof(keys) / sizeof(keys[0]));
		st->a[2] = gen_get_flags(s);
		st->a[3] = chance(s, 80) ? 1 + (int)below(s, 4) : PICK(s, ns);
	} else if (r < 520) {
		static const int nsops[] = { 0, 1, 2, 3, 4, 499, 500, 501, 1000, -1 };

		st->op = OP_SEMOP;
		st->a[0] = gen_idsel(s);
		st->a[1] = gen_ptr(s, 6);
		st->a[2] = chance(s, 85) ? 1 + (int)below(s, 3) : PICK(s, nsops);
		st->a[3] = below(s, 40);
		/* timeout: -1 semop; 0 NULL; 1 zero; 2 100 us; 3 long; 4 bad
		 * nsec; 5 negative sec; 6 unmapped */
		st->a[4] = chance(s, 70) ? -1 : (int)below(s, 7);
		st->a[5] = chance(s, 85) ? 90 : 0;	/* % of ops with IPC_NOWAIT */
		st->a[6] = chance(s, 50) ? 40 : 0;	/* % with SEM_UNDO */
		st->b[0] = rng_next(s) & 0x7fffffff;	/* the ops' seed */
	} else if (r < 620) {
		static const int cmds[] = {
			GETVAL, SETVAL, GETPID, GETNCNT, GETZCNT, GETALL, SETALL,
			IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, SEM_INFO, SEM_STAT,
			SEM_STAT_ANY, 99, -1,
		};
		static const int vals[] = { 0, 1, 2, 32767, 32768, -1, 65535, 65536 };
		static const int nums[] = { 0, 1, 2, 3, 4, -1, 250, INT_MAX };

		st->op = OP_SEMCTL;
		st->a[0] = gen_idsel(s);
		st->a[1] = chance(s, 80) ? (int)below(s, 3) : PICK(s, nums);
		st->a[2] = PICK(s, cmds);
		st->a[3] = gen_ptr(s, 8);
		st->a[4] = below(s, 130);
		st->a[5] = chance(s, 70) ? (int)below(s, 4) : PICK(s, vals);
		st->a[6] = below(s, 5);		/* IPC_SET uid, gid, mode */
		st->a[7] = below(s, 5);
		st->b[1] = PICK(s, modes);
		st->b[0] = rng_next(s) & 0x7fffffff;
	} else if (r < 680) {
		static const long long sz[] = {
			0, 1, 100, 4095, 4096, 4097, 8192, 1 << 20, 1LL << 40,
			-1, 0x7fffffffffffffffLL, (long long)(~0ULL - (1ULL << 24)),
		};
		int f = gen_get_flags(s);

		if (chance(s, 10))
			f |= SHM_NORESERVE;
		st->op = OP_SHMGET;
		st->a[0] = below(s, NSLOT);
		st->a[1] = below(s, sizeof(keys) / sizeof(keys[0]));
		st->a[2] = f;
		st->b[0] = chance(s, 75) ? 1 + (long long)below(s, 3 * PAGE) : PICK(s, sz);
	} else if (r < 760) {
		int f = 0;

		st->op = OP_SHMAT;
		st->a[0] = gen_idsel(s);
		/* address: 0 NULL; 1 region page; 2 region unaligned;
		 * 3 an attach; 4 an attach + a page; 5 the arena */
		st->a[1] = chance(s, 60) ? 0 : (int)below(s, 6);
		if (chance(s, 15))
			f |= SHM_RDONLY;
		if (chance(s, 15))
			f |= SHM_RND;
		if (chance(s, 15))
			f |= SHM_REMAP;
		if (chance(s, 5))
			f |= SHM_EXEC;
		if (chance(s, 3))
			f |= 1 << (16 + below(s, 15));
		st->a[2] = f;
		st->a[3] = below(s, NATT);		/* where to keep it */
		st->a[4] = below(s, 16);		/* page / attach index */
		st->a[5] = 1 + below(s, 4095);		/* misalignment */
	} else if (r < 810) {
		st->op = OP_SHMDT;
		/* 0 an attach; 1 an attach + offset; 2 NULL; 3 a region page;
		 * 4 the arena */
		st->a[0] = chance(s, 75) ? 0 : (int)below(s, 5);
		st->a[1] = below(s, NATT);
		st->a[2] = chance(s, 50) ? (int)PAGE : 1 + (int)below(s, 8191);
		st->a[3] = below(s, 16);
	} else if (r < 880) {
		static const int cmds[] = {
			IPC_STAT, IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, SHM_INFO,
			SHM_STAT, SHM_STAT_ANY, SHM_LOCK, SHM_UNLOCK, 99, -1,
		};

		st->op = OP_SHMCTL;
		st->a[0] = gen_idsel(s);
		st->a[1] = gen_ptr(s, 8);
		st->a[2] = PICK(s, cmds);
		st->a[3] = below(s, 130);
		gen_perm(s, st, 4);
	} else if (r < 940) {
		st->op = OP_SHMRW;
		st->a[0] = below(s, NATT);
		st->a[1] = below(s, 4);			/* page */
		st->a[2] = chance(s, 50);		/* write? */
		st->b[0] = rng_next(s) & 0x7fffffff;
	} else if (r < 950) {
		st->op = OP_MUNMAP;
		st->a[0] = below(s, NATT);
		st->a[1] = below(s, 3);
		st->a[2] = 1 + below(s, 2);
	} else if (r < 975) {
		st->op = OP_CRED;
		st->a[0] = below(s, NCREDS);
	} else if (r < 985) {
		static const long long small[] = { 0, 1, 2, 3, 4, 5, 8, 100 };

		st->op = OP_LIMIT;
		st->a[0] = below(s, L_NR);
		st->a[1] = below(s, 4);			/* which sem field */
		switch (st->a[0]) {
		case L_MSGMAX: {
			/* not much more: a message is one allocation, and
			 * this VM has 2 GiB */
			static const long long v[] = { 0, 1, 8, 100, 8192, 16384, 65536 };

			st->b[0] = PICK(s, v);
			break;
		}
		case L_MSGMNB: {
			static const long long v[] = { 0, 1, 8, 100, 8192, 16384, 65536, INT_MAX };

			st->b[0] = PICK(s, v);
			break;
		}
		case L_SHMMAX: {
			static const long long v[] = {
				0, 1, 4096, 8192, 1 << 20, (long long)(~0ULL - (1ULL << 24)),
			};

			st->b[0] = PICK(s, v);
			break;
		}
		case L_RMID_FORCED:
			st->b[0] = below(s, 2);
			break;
		default:
			st->b[0] = chance(s, 80) ? PICK(s, small) : 32000;
		}
	} else if (r < 990) {
		st->op = OP_FORK;
		st->a[0] = 1 + below(s, remaining < 4 ? 1 : 3);
	} else if (r < 997) {
		st->op = OP_SPAWN;
		st->a[0] = below(s, NKIDS);
		last_kid = st->a[0];
	} else {
		st->op = OP_SIGNAL;
		st->a[0] = chance(s, 70) ? last_kid : (int)below(s, NKIDS);
		st->a[1] = chance(s, 50);		/* SIGKILL or SIGUSR1 */
	}
}

/* The call a spawned waiter makes: one that can block, made to. */
static void gen_blocking(uint64_t *s, struct step *st, int remaining)
{
	do
		gen_step(s, st, remaining);
	while (st->op != OP_MSGSND && st->op != OP_MSGRCV && st->op != OP_SEMOP);
	/* mostly on a live object, with a good buffer: likely to block */
	if (chance(s, 80)) {
		st->a[0] %= NSLOT;
		st->a[1] = P_OK;
	}
	if (st->op == OP_SEMOP) {
		st->a[5] = 0;			/* no IPC_NOWAIT */
		if (st->a[4] >= 1 && st->a[4] <= 2)
			st->a[4] = 3;		/* no timeout that ends it */
	} else {
		st->a[2] &= ~IPC_NOWAIT;
	}
}

static int generate(uint64_t seed, struct step *prog, int n)
{
	uint64_t s = seed;
	int i;

	for (i = 0; i < n; i++) {
		gen_step(&s, &prog[i], n - i - 1);
		if (prog[i].op == OP_SPAWN && i + 1 < n) {
			i++;
			gen_blocking(&s, &prog[i], n - i - 1);
		}
	}
	return n;
}

/* ------------------------------------------------------------ text form */

static void print_step(FILE *f, const struct step *st)
{
	int i;

	fprintf(f, "%s", op_names[st->op]);
	for (i = 0; i < NA; i++)
		fprintf(f, " %d", st->a[i]);
	for (i = 0; i < NB; i++)
		fprintf(f, " %lld", st->b[i]);
	fputc('\n', f);
}

static int parse_step(const char *line, struct step *st)
{
	char name[32];
	int n, op, i;
	const char *p = line;

	memset(st, 0, sizeof(*st));
	if (sscanf(p, "%31s%n", name, &n) != 1)
		return -1;
	p += n;
	for (op = 0; op < OP_NR; op++)
		if (!strcmp(name, op_names[op]))
			break;
	if (op == OP_NR)
		return -1;
	st->op = op;
	for (i = 0; i < NA; i++) {
		if (sscanf(p, "%d%n", &st->a[i], &n) != 1)
			return -1;
		p += n;
	}
	for (i = 0; i < NB; i++) {
		if (sscanf(p, "%lld%n", &st->b[i], &n) != 1)
			return -1;
		p += n;
	}
	return 0;
}

/* ------------------------------------------------------------ runner */

struct runner {
	const struct ipc_impl *ops;
	const struct step *prog;
	struct trace *tr;
	int ids[3][NSLOT];	/* msg, sem, shm slots */
	unsigned char *att[NATT];
	int depth;
	pid_t kids[NKIDS];	/* spawned waiters still alive, or 0 */
};

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_fault(int sig)
{
	if (fault_armed)
		siglongjmp(fault_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int in_kid;		/* a spawned waiter: its call may block */

static void timer_arm(int on)
{
	struct itimerval it = { 0 };

	if (in_kid)
		return;
	if (on) {
		it.it_value.tv_usec = 1000;
		it.it_interval.tv_usec = 1000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Fill the bytes a call may read or write with a pattern of this step. */
static void prefill(unsigned char *p, size_t n, int step)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(0xa5 ^ (i * 7) ^ step);
}

/* The buffer of pointer kind k for n bytes; *room is how many of them are
 * there to read or write (and to compare afterwards). */
static void *buffer(int kind, size_t n, int short_n, size_t *room)
{
	*room = 0;
	switch (kind) {
	case P_OK:
		*room = n < ARENA_SIZE ? n : ARENA_SIZE;
		return arena;
	case P_NULL:
		return NULL;
	case P_HOLE:
		return hole;
	case P_RO:
		return ro_page;
	case P_SHORT:
		*room = (size_t)short_n;
		return arena + ARENA_SIZE - short_n;
	case P_FAR:
		return FAR_PTR;
	default:
		return KERNEL_PTR;
	}
}

static int resolve_id(struct runner *r, int kind, int sel)
{
	if (sel >= 100)
		return lit_ids[(sel - 100) % (int)(sizeof(lit_ids) / sizeof(lit_ids[0]))];
	if (sel < NSLOT)
		return r->ids[kind][sel];
	if (sel < 2 * NSLOT)
		return r->ids[kind][sel - NSLOT] + 32768;
	return r->ids[kind][sel - 2 * NSLOT] & 32767;
}

/* Times: keep only whether each is set. */
static void norm_time(unsigned char *p, size_t len, size_t off)
{
	uint64_t v = 0;

	if (off >= len)
		return;
	if (off + 8 > len) {
		memset(p + off, 0xee, len - off);
		return;
	}
	memcpy(&v, p + off, 8);
	v = v != 0;
	memcpy(p + off, &v, 8);
}

enum { K_MSG, K_SEM, K_SHM };

/* Is cmd one that fills a *_ds of this kind? */
static int is_stat(int kind, int cmd)
{
	if (cmd == IPC_STAT)
		return 1;
	switch (kind) {
	case K_MSG:
		return cmd == MSG_STAT || cmd == MSG_STAT_ANY;
	case K_SEM:
		return cmd == SEM_STAT || cmd == SEM_STAT_ANY;
	default:
		return cmd == SHM_STAT || cmd == SHM_STAT_ANY;
	}
}

static void normalise(unsigned char *p, size_t len, int kind, int cmd)
{
	if (!is_stat(kind, cmd))
		return;
	switch (kind) {
	case K_MSG:
		norm_time(p, len, offsetof(struct msqid_ds, msg_stime));
		norm_time(p, len, offsetof(struct msqid_ds, msg_rtime));
		norm_time(p, len, offsetof(struct msqid_ds, msg_ctime));
		break;
	case K_SEM:
		norm_time(p, len, offsetof(struct semid_ds, sem_otime));
		norm_time(p, len, offsetof(struct semid_ds, sem_ctime));
		break;
	case K_SHM:
		norm_time(p, len, offsetof(struct shmid_ds, shm_atime));
		norm_time(p, len, offsetof(struct shmid_ds, shm_dtime));
		norm_time(p, len, offsetof(struct shmid_ds, shm_ctime));
		break;
	}
}

static void keep_out(struct rec *rc, unsigned char *p, size_t len)
{
	rc->outlen = len;
	rc->outhash = fnv(0xcbf29ce484222325ULL, p, len);
	memcpy(rc->out, p, len < OUTMAX ? len : OUTMAX);
}

static void capture(struct rec *rc, void *buf, size_t room, int kind, int cmd)
{
	unsigned char tmp[1024];
	size_t n = room < sizeof(tmp) ? room : sizeof(tmp);

	if (!room)
		return;
	if (room > sizeof(tmp)) {
		/* large buffers (messages): no times in them */
		keep_out(rc, buf, room);
		return;
	}
	memcpy(tmp, buf, n);
	normalise(tmp, n, kind, cmd);
	keep_out(rc, tmp, n);
}

#define CALL(rc, expr) do {				\
	errno = 0;					\
	(rc)->ret = (long long)(expr);			\
	(rc)->err = (rc)->ret == -1 ? errno : 0;	\
} while (0)

static void fill_ds_perm(struct ipc_perm *p, const struct step *st, int at, long long mode)
{
	p->uid = ids_uid[st->a[at] % 5];
	p->gid = ids_uid[st->a[at + 1] % 5];
	p->mode = (unsigned short)mode;
}

static void do_msg(struct runner *r, const struct step *st, struct rec *rc, int i)
{
	size_t room;
	void *buf;
	int id = resolve_id(r, K_MSG, st->a[0]);

	switch (st->op) {
	case OP_MSGGET:
		CALL(rc, r->ops->msgget(keys[st->a[1] % 6], st->a[2]));
		if (rc->ret >= 0)
			r->ids[K_MSG][st->a[0] % NSLOT] = rc->ret;
		break;
	case OP_MSGSND: {
		size_t sz = (size_t)st->b[1];

		buf = buffer(st->a[1], sz + sizeof(long), st->a[3], &room);
		if (room) {
			prefill(buf, room, i);
			if (room >= sizeof(long))
				memcpy(buf, &st->b[0], sizeof(long));
		}
		timer_arm(1);
		CALL(rc, r->ops->msgsnd(id, buf, sz, st->a[2]));
		timer_arm(0);
		break;
	}
	case OP_MSGRCV: {
		size_t sz = (size_t)st->b[1];

		buf = buffer(st->a[1], sz + sizeof(long), st->a[3], &room);
		if (room > 70000)
			room = 70000;
		if (room)
			prefill(buf, room, i);
		timer_arm(1);
		CALL(rc, r->ops->msgrcv(id, buf, sz, (long)st->b[0], st->a[2]));
		timer_arm(0);
		capture(rc, buf, room, K_MSG, -1);
		break;
	}
	case OP_MSGCTL: {
		int cmd = st->a[2];
		int is_id = cmd != MSG_STAT && cmd != MSG_STAT_ANY;

		if (!is_id && st->a[0] < 2 * NSLOT)
			id = resolve_id(r, K_MSG, 2 * NSLOT + st->a[0] % NSLOT);
		buf = buffer(st->a[1], sizeof(struct msqid_ds), st->a[3], &room);
		if (room)
			prefill(buf, room, i);
		if (cmd == IPC_SET && room >= sizeof(struct msqid_ds)) {
			struct msqid_ds *ds = buf;

			memset(ds, 0, sizeof(*ds));
			fill_ds_perm(&ds->msg_perm, st, 4, st->a[6]);
			ds->msg_qbytes = (msglen_t)st->b[0];
		}
		CALL(rc, r->ops->msgctl(id, cmd, buf));
		capture(rc, buf, room, K_MSG, cmd);
		break;
	}
	}
}

static void gen_sops(struct sembuf *sops, size_t n, const struct step *st)
{
	uint64_t s = (uint64_t)st->b[0];
	static const short big[] = { 32767, -32768, -32767, 2, -2, 100, -100 };
	size_t j;

	for (j = 0; j < n; j++) {
		int f = 0;

		sops[j].sem_num = chance(&s, 95) ? below(&s, 4) : PICK(&s, ((const unsigned short[]){ 4, 250, 65535 }));
		sops[j].sem_op = chance(&s, 90) ? (short)below(&s, 3) - 1 : PICK(&s, big);
		if (chance(&s, st->a[5]))
			f |= IPC_NOWAIT;
		if (chance(&s, st->a[6]))
			f |= SEM_UNDO;
		if (chance(&s, 2))
			f |= 1 << below(&s, 16);
		sops[j].sem_flg = (short)f;
	}
}

static void do_sem(struct runner *r, const struct step *st, struct rec *rc, int i)
{
	size_t room;
	void *buf;
	int id = resolve_id(r, K_SEM, st->a[0]);

	switch (st->op) {
	case OP_SEMGET:
		CALL(rc, r->ops->semget(keys[st->a[1] % 6], st->a[3], st->a[2]));
		if (rc->ret >= 0)
			r->ids[K_SEM][st->a[0] % NSLOT] = rc->ret;
		break;
	case OP_SEMOP: {
		size_t n = (size_t)(long)st->a[2];
		size_t want = n < 4096 ? n * sizeof(struct sembuf) : 4096 * sizeof(struct sembuf);
		const struct timespec *tsp = ts_buf;
		int arm = 1;

		buf = buffer(st->a[1], want, st->a[3], &room);
		if (room) {
			static struct sembuf tmp[4096 + 1];

			gen_sops(tmp, room / sizeof(struct sembuf) + 1, st);
			memcpy(buf, tmp, room);
		}
		switch (st->a[4]) {
		case 0:
			tsp = NULL;
			break;
		case 1:
			*ts_buf = (struct timespec){ 0, 0 };
			arm = 0;
			break;
		case 2:
			*ts_buf = (struct timespec){ 0, 100000 };
			arm = 0;
			break;
		case 3:
			*ts_buf = (struct timespec){ 1000, 0 };
			break;
		case 4:
			*ts_buf = (struct timespec){ 0, 1000000000 };
			break;
		case 5:
			*ts_buf = (struct timespec){ -1, 0 };
			break;
		case 6:
			tsp = (const struct timespec *)hole;
			break;
		}
		timer_arm(arm);
		if (st->a[4] < 0)
			CALL(rc, r->ops->semop(id, buf, n));
		else
			CALL(rc, r->ops->semtimedop(id, buf, n, tsp));
		timer_arm(0);
		break;
	}
	case OP_SEMCTL: {
		int cmd = st->a[2];
		size_t want = 1024;
		union { int val; void *buf; } arg;

		if ((cmd == SEM_STAT || cmd == SEM_STAT_ANY) && st->a[0] < 2 * NSLOT)
			id = resolve_id(r, K_SEM, 2 * NSLOT + st->a[0] % NSLOT);
		if (cmd == IPC_STAT || cmd == SEM_STAT || cmd == SEM_STAT_ANY ||
		    cmd == IPC_SET || cmd == IPC_INFO || cmd == SEM_INFO)
			want = sizeof(struct semid_ds);
		buf = buffer(st->a[3], want, st->a[4] * (cmd == GETALL || cmd == SETALL ? 2 : 1), &room);
		if (room)
			prefill(buf, room, i);
		if (cmd == SETALL && room) {
			uint64_t s = (uint64_t)st->b[0];
			unsigned short *v = buf;
			size_t j;

			for (j = 0; j < room / 2; j++)
				v[j] = chance(&s, 90) ? below(&s, 4) : PICK(&s, ((const unsigned short[]){ 32767, 32768, 65535 }));
		}
		if (cmd == IPC_SET && room >= sizeof(struct semid_ds)) {
			struct semid_ds *ds = buf;

			memset(ds, 0, sizeof(*ds));
			fill_ds_perm(&ds->sem_perm, st, 6, st->b[1]);
		}
		if (cmd == SETVAL)
			arg.val = st->a[5];
		else
			arg.buf = buf;
		CALL(rc, r->ops->semctl(id, st->a[1], cmd, arg));
		capture(rc, buf, room, K_SEM, cmd);
		break;
	}
	}
}

static int in_region(const unsigned char *p, size_t len)
{
	return p >= region && p + len <= region + REGION_SIZE;
}

/*
 * May [p, p + len) be touched or unmapped?  Only where it holds System V
 * shared memory (either side's mappings are named /SYSV<key>) or nothing:
 * a kernel-chosen attach may lie next to this program's own memory.
 */
static int shm_or_free(unsigned long p, unsigned long len)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int ok = 1;

	if (!f)
		return 0;
	while (ok && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (hi <= p || lo >= p + len)
			continue;
		ok = strstr(line, "/SYSV") != NULL;
	}
	fclose(f);
	return ok;
}

static unsigned char *att_addr(struct runner *r, int idx)
{
	unsigned char *p = r->att[idx % NATT];

	return p == (unsigned char *)-1 ? NULL : p;
}

static void do_shm(struct runner *r, const struct step *st, struct rec *rc, int i)
{
	size_t room;
	void *buf;
	int id = resolve_id(r, K_SHM, st->a[0]);

	switch (st->op) {
	case OP_SHMGET:
		CALL(rc, r->ops->shmget(keys[st->a[1] % 6], (size_t)st->b[0], st->a[2]));
		if (rc->ret >= 0)
			r->ids[K_SHM][st->a[0] % NSLOT] = rc->ret;
		break;
	case OP_SHMAT: {
		unsigned char *addr = NULL;
		void *p;

		switch (st->a[1]) {
		case 1:
			addr = region + st->a[4] * PAGE * 4;
			break;
		case 2:
			addr = region + st->a[4] * PAGE * 4 + st->a[5];
			break;
		case 3:
			addr = att_addr(r, st->a[4]);
			break;
		case 4:
			addr = att_addr(r, st->a[4]);
			if (addr)
				addr += PAGE;
			break;
		case 5:
			/* the arena: only without SHM_REMAP (it must stay) */
			addr = st->a[2] & SHM_REMAP ? region : arena;
			break;
		}
		if (st->a[2] & SHM_REMAP && addr && !in_region(addr, PAGE)) {
			rc->ret = -6;	/* could replace this program's memory */
			break;
		}
		errno = 0;
		p = r->ops->shmat(id, addr, st->a[2]);
		rc->ret = p == (void *)-1 ? -1 : (long long)(uintptr_t)p;
		rc->err = p == (void *)-1 ? errno : 0;
		if (p != (void *)-1)
			r->att[st->a[3] % NATT] = p;
		break;
	}
	case OP_SHMDT: {
		unsigned char *addr = NULL;

		switch (st->a[0]) {
		case 0:
			addr = att_addr(r, st->a[1]);
			break;
		case 1:
			addr = att_addr(r, st->a[1]);
			if (addr)
				addr += st->a[2];
			break;
		case 3:
			addr = region + st->a[3] * PAGE * 4;
			break;
		case 4:
			addr = arena;
			break;
		}
		CALL(rc, r->ops->shmdt(addr));
		break;
	}
	case OP_SHMCTL: {
		int cmd = st->a[2];

		if ((cmd == SHM_STAT || cmd == SHM_STAT_ANY) && st->a[0] < 2 * NSLOT)
			id = resolve_id(r, K_SHM, 2 * NSLOT + st->a[0] % NSLOT);
		buf = buffer(st->a[1], sizeof(struct shmid_ds), st->a[3], &room);
		if (room)
			prefill(buf, room, i);
		if (cmd == IPC_SET && room >= sizeof(struct shmid_ds)) {
			struct shmid_ds *ds = buf;

			memset(ds, 0, sizeof(*ds));
			fill_ds_perm(&ds->shm_perm, st, 4, st->a[6]);
		}
		CALL(rc, r->ops->shmctl(id, cmd, buf));
		capture(rc, buf, room, K_SHM, cmd);
		break;
	}
	case OP_SHMRW:
	case OP_MUNMAP: {
		unsigned char *p = att_addr(r, st->a[0]);
		int sig;

		if (!p) {
			rc->ret = -2;
			break;
		}
		p += st->a[1] * PAGE;
		if (!shm_or_free((unsigned long)p, (st->op == OP_MUNMAP ? st->a[2] : 1) * PAGE)) {
			rc->ret = -7;	/* not shared memory: leave it alone */
			break;
		}
		if (st->op == OP_MUNMAP) {
			CALL(rc, munmap(p, st->a[2] * PAGE));
			break;
		}
		fault_armed = 1;
		sig = sigsetjmp(fault_jmp, 1);
		if (!sig) {
			if (st->a[2]) {
				uint64_t s = (uint64_t)st->b[0];
				size_t j;

				for (j = 0; j < 64; j++)
					p[(j * 61) % PAGE] = (unsigned char)rng_next(&s);
			}
			keep_out(rc, p, PAGE);
		}
		fault_armed = 0;
		rc->sig = sig;
		break;
	}
	}
}

static uint64_t full_caps[2];

static int set_caps(int mask)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t eff = 0;

	if (mask < 0) {
		eff = full_caps[0] | full_caps[1] << 32;
	} else {
		if (mask & C_OWNER)
			eff |= 1ULL << CAP_IPC_OWNER;
		if (mask & C_ADMIN)
			eff |= 1ULL << CAP_SYS_ADMIN;
		if (mask & C_LOCK)
			eff |= 1ULL << CAP_IPC_LOCK;
		if (mask & C_RES)
			eff |= 1ULL << CAP_SYS_RESOURCE;
	}
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)full_caps[0];
	d[1].permitted = (uint32_t)full_caps[1];
	d[0].inheritable = d[1].inheritable = 0;
	return syscall(SYS_capset, &h, d);
}

static int become_root(void)
{
	/* Capabilities first: root with a reduced effective set could not
	 * setgroups(), and a change to uid 0 from uid 0 restores nothing. */
	if (set_caps(-1))
		return -1;
	if (setresuid(0, 0, 0) || setresgid(0, 0, 0) || setgroups(0, NULL))
		return -1;
	return set_caps(-1);
}

static int apply_cred(const struct credset *c)
{
	if (become_root())
		return -1;
	if (setgroups(c->ngroups, c->groups) || setresgid(c->gid, c->gid, c->gid))
		return -1;
	if (c->uid && setresuid(c->uid, c->uid, 0))
		return -1;
	return set_caps(c->caps);
}

static int cur_cred;

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int n, e;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	e = errno;
	close(fd);
	return n < 0 ? -e : 0;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* A limit, on each side where that side keeps it. */
static void do_limit(struct runner *r, const struct step *st, struct rec *rc)
{
	char path[128], val[128];
	int l = st->a[0] % L_NR;

	if (r->ops->native)
		snprintf(path, sizeof(path), "/proc/sys/kernel/%s", limit_names[l]);
	else
		snprintf(path, sizeof(path), "/sys/module/svipc/parameters/%s", limit_names[l]);
	if (l == L_SEM) {
		long long v[4];

		if (read_file(path, val, sizeof(val)) ||
		    sscanf(val, "%lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3]) != 4) {
			rc->ret = -3;
			return;
		}
		v[st->a[1] % 4] = st->b[0];
		snprintf(val, sizeof(val), "%lld %lld %lld %lld", v[0], v[1], v[2], v[3]);
	} else {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)st->b[0]);
	}
	if (become_root()) {
		rc->ret = -4;
		return;
	}
	rc->ret = write_file(path, val);
	if (apply_cred(&creds[cur_cred]))
		rc->ret = -5;
}

static int run_steps(struct runner *r, int from, int to);

static void do_fork(struct runner *r, const struct step *st, struct rec *rc, int i)
{
	int k = st->a[0];
	int end = i + 1 + k;
	pid_t pid;
	int status;

	if (end > r->tr->nsteps)
		end = r->tr->nsteps;
	pid = fork();
	if (pid < 0) {
		rc->ret = -errno;
		return;
	}
	if (!pid) {
		r->depth++;
		run_steps(r, i + 1, end);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc->ret = status;
	/* the child's steps are done; their records are the child's */
	r->tr->reached = end;
}

static void run_step(struct runner *r, int i);

static int outer_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

/* Its state letter in /proc/PID/stat, or 0. */
static char proc_state(int pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Wait until every spawned waiter is asleep inside its call or has exited
 * (and is reaped, so its exit, SEM_UNDO included, is complete): only then
 * is the next step's outcome a function of the program alone.
 *
 * Reading /proc/PID/stat takes a reference on the waiter's mm: were the
 * waiter exiting then, its last mmput(), and with it the detach of every
 * attach it inherited (shm_lpid!), would happen in this process.  So a
 * waiter out of its call waits for kid_may_exit, which is given only once
 * this process reads its stat no more.
 */
static int settle(struct runner *r)
{
	struct timespec t0, t;
	int k;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < NKIDS; k++) {
		if (!r->kids[k])
			continue;
		for (;;) {
			int st;

			if (r->tr->kid_state[k] == 2) {
				r->tr->kid_may_exit[k] = 1;
				while (waitpid(r->kids[k], &st, 0) < 0 && errno == EINTR)
					;
				r->kids[k] = 0;
				break;
			}
			if (r->tr->kid_state[k] == 1 && r->tr->kid_pid[k] > 0) {
				char c = proc_state(r->tr->kid_pid[k]);

				/* still in the call after that look: asleep there */
				if (c == 'S' && r->tr->kid_state[k] == 1)
					break;
				if (c == 'Z' || c == 'X' || !c) {
					/* died in its call (a fault): its mm is gone */
					while (waitpid(r->kids[k], &st, 0) < 0 && errno == EINTR)
						;
					r->kids[k] = 0;
					break;
				}
			}
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 20)
				return -1;	/* the run is broken */
			usleep(100);
		}
	}
	return 0;
}

/* Run step i+1 in a child that may block in it; go on once it is asleep
 * there or done. */
static void do_spawn(struct runner *r, int i, struct rec *rc)
{
	int k = r->prog[i].a[0] % NKIDS;
	pid_t pid;

	if (r->depth || r->kids[k] || i + 1 >= r->tr->nsteps) {
		rc->ret = -8;		/* not here: the slot is busy */
		return;
	}
	r->tr->kid_state[k] = 0;
	r->tr->kid_pid[k] = 0;
	r->tr->kid_may_exit[k] = 0;
	pid = fork();
	if (pid < 0) {
		rc->ret = -errno;
		return;
	}
	if (!pid) {
		in_kid = 1;
		r->depth++;
		r->tr->kid_pid[k] = outer_pid();
		r->tr->kid_state[k] = 1;
		run_step(r, i + 1);
		r->tr->kid_state[k] = 2;
		while (!r->tr->kid_may_exit[k])
			usleep(50);
		_exit(0);
	}
	r->kids[k] = pid;
	if (settle(r))
		rc->ret = -10;
}

static void do_signal(struct runner *r, const struct step *st, struct rec *rc)
{
	int k = st->a[0] % NKIDS;

	if (!r->kids[k]) {
		rc->ret = -11;		/* no waiter there */
		return;
	}
	/* as root: the waiter may have other credentials by now */
	if (become_root()) {
		rc->ret = -4;
		return;
	}
	CALL(rc, kill(r->kids[k], st->a[1] ? SIGKILL : SIGUSR1));
	if (st->a[1]) {
		int status;

		/* it dies at once: reap it without a look at its stat */
		while (waitpid(r->kids[k], &status, 0) < 0 && errno == EINTR)
			;
		r->kids[k] = 0;
	}
	if (apply_cred(&creds[cur_cred]))
		rc->ret = -5;
	if (settle(r))
		rc->ret = -10;
}

static void run_step(struct runner *r, int i)
{
	const struct step *st = &r->prog[i];
	struct rec *rc = &r->tr->rec[i];

	memset(rc, 0, sizeof(*rc));
	switch (st->op) {
	case OP_MSGGET:
	case OP_MSGSND:
	case OP_MSGRCV:
	case OP_MSGCTL:
		do_msg(r, st, rc, i);
		break;
	case OP_SEMGET:
	case OP_SEMOP:
	case OP_SEMCTL:
		do_sem(r, st, rc, i);
		break;
	case OP_CRED:
		cur_cred = st->a[0] % NCREDS;
		rc->ret = apply_cred(&creds[cur_cred]);
		break;
	case OP_LIMIT:
		do_limit(r, st, rc);
		break;
	case OP_FORK:
	case OP_SPAWN:
		break;
	case OP_SIGNAL:
		if (!r->depth)
			do_signal(r, st, rc);
		break;
	default:
		do_shm(r, st, rc, i);
	}
	rc->done = 1;
}

static int run_steps(struct runner *r, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		if (r->prog[i].op == OP_FORK) {
			memset(&r->tr->rec[i], 0, sizeof(r->tr->rec[i]));
			do_fork(r, &r->prog[i], &r->tr->rec[i], i);
			r->tr->rec[i].done = 1;
			i = r->tr->reached - 1;
			continue;
		}
		if (r->prog[i].op == OP_SPAWN && !r->depth) {
			memset(&r->tr->rec[i], 0, sizeof(r->tr->rec[i]));
			do_spawn(r, i, &r->tr->rec[i]);
			r->tr->rec[i].done = 1;
			if (r->tr->rec[i].ret == 0)
				i++;	/* the waiter's step: its record is its own */
			r->tr->reached = i + 1;
			continue;
		}
		run_step(r, i);
		r->tr->reached = i + 1;
		if (!r->depth && settle(r))
			r->tr->rec[i].ret = -10;
	}
	return 0;
}

/* The end of a run: waiters still asleep are killed (their steps stay
 * not done, on both sides alike). */
static void end_kids(struct runner *r)
{
	int k, st;

	become_root();
	for (k = 0; k < NKIDS; k++) {
		if (!r->kids[k])
			continue;
		kill(r->kids[k], SIGKILL);
		waitpid(r->kids[k], &st, 0);
		r->kids[k] = 0;
	}
}

static void runner_main(const struct ipc_impl *ops, const struct step *prog,
			struct trace *tr)
{
	struct runner r = { .ops = ops, .prog = prog, .tr = tr };
	struct sigaction sa = { 0 };
	int i, k;

	for (k = 0; k < 3; k++)
		for (i = 0; i < NSLOT; i++)
			r.ids[k][i] = -1;
	for (i = 0; i < NATT; i++)
		r.att[i] = NULL;
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	cur_cred = 0;
	run_steps(&r, 0, tr->nsteps);
	end_kids(&r);
}

/* ------------------------------------------------------------ sides */

/* Remove every svipc object (as root, by index), then reload the module. */
static int svipc_reset(void)
{
	pid_t pid = fork();
	int status, fd, tries;

	if (pid < 0)
		return -1;
	if (!pid) {
		int idx, max;
		struct msqid_ds m;
		struct semid_ds s;
		struct shmid_ds h;

		max = svipc_msgctl(0, MSG_INFO, &m);
		for (idx = 0; idx <= max; idx++) {
			int id = svipc_msgctl(idx, MSG_STAT_ANY, &m);

			if (id >= 0)
				svipc_msgctl(id, IPC_RMID, NULL);
		}
		max = svipc_semctl(0, 0, SEM_INFO, &s);
		for (idx = 0; idx <= max; idx++) {
			int id = svipc_semctl(idx, 0, SEM_STAT_ANY, &s);

			if (id >= 0)
				svipc_semctl(id, 0, IPC_RMID);
		}
		max = svipc_shmctl(0, SHM_INFO, &h);
		for (idx = 0; idx <= max; idx++) {
			int id = svipc_shmctl(idx, SHM_STAT_ANY, &h);

			if (id >= 0)
				svipc_shmctl(id, IPC_RMID, NULL);
		}
		_exit(0);
	}
	waitpid(pid, &status, 0);
	for (tries = 0; syscall(SYS_delete_module, "svipc", O_NONBLOCK); tries++) {
		if (errno == ENOENT)
			break;
		if (tries > 500) {
			fprintf(stderr, "difffuzz: delete_module: %s\n", strerror(errno));
			return -1;
		}
		usleep(10000);
	}
	fd = open(module_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
		fprintf(stderr, "difffuzz: load %s: %s\n", module_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The rig unloads the module after the run: leave no object behind. */
static void leave_empty(void)
{
	svipc_reset();
}

static struct trace *trace_map(void)
{
	void *p = mmap(NULL, sizeof(struct trace), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap trace");
		exit(2);
	}
	return p;
}

static volatile sig_atomic_t run_timed_out;

static void on_watchdog(int sig)
{
	(void)sig;
	run_timed_out = 1;
}

/*
 * Run a program on one side, in a fresh pid namespace.  The native side
 * gets a fresh IPC namespace; the svipc side stays in the initial one,
 * which svipc_reset() has just emptied and reloaded, and whose limits the
 * module parameters are (a fresh namespace would start empty too, but
 * the one before it is freed only up to half a second after it dies).
 */
static int run_side(const struct ipc_impl *ops, const struct step *prog, int n,
		    struct trace *tr)
{
	pid_t pid;
	int status;
	struct sigaction sa = { 0 };

	memset(tr, 0, offsetof(struct trace, rec) + n * sizeof(struct rec));
	tr->nsteps = n;
	if (!ops->native && svipc_reset())
		return -1;
	fflush(NULL);
	pid = syscall(SYS_clone, CLONE_NEWPID | (ops->native ? CLONE_NEWIPC : 0) | SIGCHLD,
		      NULL, NULL, NULL, 0);
	if (pid < 0) {
		perror("clone");
		return -1;
	}
	if (!pid) {
		runner_main(ops, prog, tr);
		_exit(0);
	}
	sa.sa_handler = on_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	run_timed_out = 0;
	alarm(120);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno == EINTR && run_timed_out) {
			kill(pid, SIGKILL);
			fprintf(stderr, "difffuzz: %s run hung at step %d\n", ops->name, tr->reached);
		}
	}
	alarm(0);
	return 0;
}

/* ------------------------------------------------------------ compare */

static int rec_differs(const struct rec *a, const struct rec *b)
{
	return a->done != b->done || a->ret != b->ret || a->err != b->err ||
	       a->sig != b->sig || a->outlen != b->outlen || a->outhash != b->outhash;
}

static const struct ipc_impl *side_a = &ipc_native, *side_b = &ipc_svipc;

/*
 * The differences the README lists that these programs can meet, each
 * matched as narrowly as it can be (a = native, b = svipc): the README's
 * name for it, or NULL.  None today: the last, SHM_HUGETLB's EINVAL, went
 * when svipc gained huge segments.  A new entry tests st, a and b.
 */
static const char *expected(const struct step *st, const struct rec *a, const struct rec *b)
{
	(void)st;
	(void)a;
	(void)b;
	return NULL;
}

static unsigned long n_expected;

static int first_difference(const struct step *prog, const struct trace *x,
			    const struct trace *y, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!rec_differs(&x->rec[i], &y->rec[i]))
			continue;
		if (expected(&prog[i], &x->rec[i], &y->rec[i])) {
			n_expected++;
			continue;
		}
		return i;
	}
	return -1;
}

static void print_rec(const char *side, const struct rec *rc, const struct rec *other)
{
	unsigned int j, n = rc->outlen < OUTMAX ? rc->outlen : OUTMAX;

	printf("#   %-6s ret %lld (%#llx) errno %d (%s)%s%s", side, rc->ret,
	       (unsigned long long)rc->ret, rc->err, rc->err ? strerror(rc->err) : "-",
	       rc->sig ? " signal " : "", rc->sig ? strsignal(rc->sig) : "");
	if (!rc->done)
		printf(" [never ran]");
	printf(" out %u bytes hash %016llx\n", rc->outlen, (unsigned long long)rc->outhash);
	if (!n)
		return;
	printf("#   %-6s out:", side);
	for (j = 0; j < n; j++) {
		int diff = other && (j >= other->outlen || other->out[j] != rc->out[j]);

		if (j % 32 == 0)
			printf("\n#     %04x:", j);
		printf(diff ? " [%02x]" : " %02x", rc->out[j]);
	}
	printf("\n");
}

static void print_prog(FILE *f, const struct step *prog, int n)
{
	int i;

	for (i = 0; i < n; i++)
		print_step(f, &prog[i]);
}

/* ------------------------------------------------------------ shrink */

static struct trace *tr_a, *tr_b;

/* Does the program still differ, first at a step of op `op`? Returns the
 * step or -1. */
static int still_differs(const struct step *prog, int n, int op)
{
	int d;

	if (run_side(side_a, prog, n, tr_a) || run_side(side_b, prog, n, tr_b))
		return -1;
	d = first_difference(prog, tr_a, tr_b, n);
	if (d < 0 || prog[d].op != op)
		return -1;
	return d;
}

static int shrink_tries = 3000;

static int shrink(struct step *prog, int n, int op)
{
	struct step *tmp = malloc(sizeof(*tmp) * n);
	int chunk, i, d, tries = 0;

	for (chunk = n / 2; chunk >= 1; chunk /= 2) {
		for (i = 0; i + chunk <= n && tries < shrink_tries; ) {
			int m = 0;

			memcpy(tmp, prog, sizeof(*tmp) * i);
			m = i;
			memcpy(tmp + m, prog + i + chunk, sizeof(*tmp) * (n - i - chunk));
			m += n - i - chunk;
			tries++;
			d = still_differs(tmp, m, op);
			if (d >= 0) {
				n = d + 1;
				memcpy(prog, tmp, sizeof(*tmp) * n);
			} else {
				i += chunk;
			}
		}
	}
	free(tmp);
	return n;
}

/* ------------------------------------------------------------ main */

static void setup_memory(void)
{
	unsigned char *p;

	/* arena, then a hole; a read-only page; a timespec page */
	p = mmap(NULL, ARENA_SIZE + 3 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	arena = p;
	/* PROT_NONE, not unmapped: a kernel-chosen attach must not fill it */
	hole = p + ARENA_SIZE;
	mprotect(hole, PAGE, PROT_NONE);
	ro_page = hole + PAGE;
	memset(ro_page, 0x5a, PAGE);
	mprotect(ro_page, PAGE, PROT_READ);
	ts_buf = (struct timespec *)(ro_page + PAGE);
	memset(arena, 0, ARENA_SIZE);
	region = (unsigned char *)REGION_BASE;
}

static int has_native(void)
{
	struct msqid_ds ds;

	/* ENOSYS where the kernel has no System V IPC of its own */
	return msgctl(0, IPC_INFO, &ds) >= 0;
}

static int read_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	full_caps[0] = d[0].permitted;
	full_caps[1] = d[1].permitted;
	return 0;
}

/*
 * Does each side repeat itself on this program?  A difference that comes
 * and goes is a race on one side (or in this program): say which.
 */
static void repeatability(const struct step *prog, int n)
{
	size_t sz = sizeof(struct rec) * n;
	struct rec *a = malloc(sz), *b = malloc(sz);
	const struct ipc_impl *side[2] = { side_a, side_b };
	struct trace *tr[2] = { tr_a, tr_b };
	struct rec *saved[2] = { a, b };
	int s, k, i;

	if (!a || !b)
		return;
	memcpy(a, tr_a->rec, sz);
	memcpy(b, tr_b->rec, sz);
	for (s = 0; s < 2; s++) {
		int same = 0, first = -1;

		for (k = 0; k < 3; k++) {
			if (run_side(side[s], prog, n, tr[s]))
				break;
			for (i = 0; i < n; i++)
				if (rec_differs(&tr[s]->rec[i], &saved[s][i]))
					break;
			if (i == n)
				same++;
			else if (first < 0)
				first = i;
		}
		printf("# %s repeats itself on this program %d times of 3", side[s]->name, same);
		if (first >= 0)
			printf(" (a rerun first strays at step %d)", first);
		printf("\n");
	}
	memcpy(tr_a->rec, a, sz);
	memcpy(tr_b->rec, b, sz);
	free(a);
	free(b);
}

static int report(struct step *prog, int n, int d, unsigned long long seed, int chunk)
{
	int op = prog[d].op, m;
	FILE *f;

	printf("# DIFFERENCE: seed %llu chunk %d step %d: ", seed, chunk, d);
	print_step(stdout, &prog[d]);
	print_rec(side_a->name, &tr_a->rec[d], &tr_b->rec[d]);
	print_rec(side_b->name, &tr_b->rec[d], &tr_a->rec[d]);
	fflush(stdout);
	n = d + 1;
	repeatability(prog, n);
	printf("# ---- program begin\n");
	print_prog(stdout, prog, n);
	printf("# ---- program end\n");
	m = shrink(prog, n, op);
	if (still_differs(prog, m, op) < 0) {
		printf("# (the shrunk program no longer differs)\n");
		return 1;
	}
	printf("# shrunk to %d steps (replay with --replay FILE, one step a line):\n", m);
	printf("# ---- repro begin\n");
	print_prog(stdout, prog, m);
	printf("# ---- repro end\n");
	print_rec(side_a->name, &tr_a->rec[m - 1], &tr_b->rec[m - 1]);
	print_rec(side_b->name, &tr_b->rec[m - 1], &tr_a->rec[m - 1]);
	f = fopen("/tmp/difffuzz.repro", "w");
	if (f) {
		print_prog(f, prog, m);
		fclose(f);
	}
	return 1;
}

/* What the programs did: per op, how many calls ended how (svipc's side,
 * which equals native's wherever no difference was reported). */
static unsigned long stats[OP_NR][136];

static void count(const struct step *prog, const struct trace *tr, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct rec *rc = &tr->rec[i];

		if (!rc->done)
			continue;
		if (rc->ret == -1 && rc->err > 0 && rc->err < 135)
			stats[prog[i].op][rc->err]++;
		else if (prog[i].op == OP_LIMIT && rc->ret < 0 && rc->ret > -135)
			stats[prog[i].op][-rc->ret]++;	/* the write's errno */
		else if (rc->ret >= 0)
			stats[prog[i].op][0]++;
		else
			stats[prog[i].op][135]++;	/* not called */
	}
}

static void print_stats(void)
{
	int op, e;

	for (op = 0; op < OP_NR; op++) {
		printf("# %-7s ok %lu", op_names[op], stats[op][0]);
		for (e = 1; e < 135; e++)
			if (stats[op][e])
				printf(", %s %lu", strerrorname_np(e), stats[op][e]);
		if (stats[op][135])
			printf(", skipped %lu", stats[op][135]);
		printf("\n");
	}
}

static int replay(const char *file)
{
	static struct step prog[MAXSTEPS];
	char line[512];
	int n = 0, i, bad = 0;
	FILE *f = fopen(file, "r");

	if (!f) {
		perror(file);
		return 2;
	}
	while (n < MAXSTEPS && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_step(line, &prog[n])) {
			fprintf(stderr, "difffuzz: bad step: %s", line);
			return 2;
		}
		n++;
	}
	fclose(f);
	if (run_side(side_a, prog, n, tr_a) || run_side(side_b, prog, n, tr_b))
		return 2;
	for (i = 0; i < n; i++) {
		int d = rec_differs(&tr_a->rec[i], &tr_b->rec[i]) &&
			!expected(&prog[i], &tr_a->rec[i], &tr_b->rec[i]);

		printf("# %s step %d: ", d ? "DIFF" : "same", i);
		print_step(stdout, &prog[i]);
		if (d || verbose) {
			print_rec(side_a->name, &tr_a->rec[i], &tr_b->rec[i]);
			print_rec(side_b->name, &tr_b->rec[i], &tr_a->rec[i]);
		}
		bad |= d;
	}
	printf("%s\n", bad ? "# the sides differ" : "# the sides agree");
	repeatability(prog, n);
	return bad;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1, steps = 2000, done = 0;
	int len = 400, self = 0, keep_going = 0, ndiff = 0, first_chunk = 0, chunk, i;
	const char *replay_file = NULL;
	static struct step prog[MAXSTEPS];
	time_t start = time(NULL);

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			steps = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-l") && i + 1 < argc)
			len = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			module_path = argv[++i];
		else if (!strcmp(argv[i], "--replay") && i + 1 < argc)
			replay_file = argv[++i];
		else if (!strcmp(argv[i], "--self"))
			self = 1;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			first_chunk = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-k"))
			keep_going = 1;
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else {
			fprintf(stderr, "usage: %s [-s seed] [-n steps] [-l length] [-m module.ko] [--self] [-v] [--replay FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (len < 1 || len > MAXSTEPS)
		len = 400;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..1\n");
	if (!has_native()) {
		printf("ok 1 difffuzz # SKIP this kernel has no System V IPC of its own\n");
		return 0;
	}
	if (getuid() != 0 || read_caps()) {
		printf("ok 1 difffuzz # SKIP needs root\n");
		return 0;
	}
	if (self)
		side_b = &ipc_native;
	else
		atexit(leave_empty);
	setup_memory();
	tr_a = trace_map();
	tr_b = trace_map();
	if (replay_file)
		return replay(replay_file);

	for (chunk = first_chunk; done < steps; chunk++) {
		int n = steps - done < (unsigned long long)len ? (int)(steps - done) : len;
		int d;

		generate(seed * 1000003ULL + chunk, prog, n);
		if (run_side(side_a, prog, n, tr_a) || run_side(side_b, prog, n, tr_b)) {
			printf("not ok 1 difffuzz # the rig failed (chunk %d)\n", chunk);
			return 1;
		}
		d = first_difference(prog, tr_a, tr_b, n);
		count(prog, tr_b, d < 0 ? n : d);
		if (verbose)
			for (i = 0; i < (d < 0 ? n : d + 1); i++) {
				printf("# step %d: ", i);
				print_step(stdout, &prog[i]);
				print_rec(side_a->name, &tr_a->rec[i], NULL);
				if (rec_differs(&tr_a->rec[i], &tr_b->rec[i]))
					print_rec(side_b->name, &tr_b->rec[i], NULL);
			}
		if (d >= 0 && keep_going) {
			shrink_tries = 400;
			report(prog, n, d, seed, chunk);
			ndiff++;
		} else if (d >= 0) {
			report(prog, n, d, seed, chunk);
			printf("not ok 1 difffuzz # %s and %s differ (seed %llu chunk %d step %d)\n",
			       side_a->name, side_b->name, seed, chunk, d);
			return 1;
		}
		done += n;
	}
	print_stats();
	printf("# %llu steps in %d programs, seed %llu, %ld s: %d differences, %lu as the README lists\n",
	       done, chunk, seed, (long)(time(NULL) - start), ndiff, n_expected);
	printf("%sok 1 difffuzz\n", ndiff ? "not " : "");
	return !!ndiff;
}
