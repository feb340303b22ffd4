// SPDX-License-Identifier: GPL-2.0
/*
 * svipc-fuzz: a bounded, seeded random ioctl fuzzer for /dev/svipc.
 *
 *	svipc-fuzz [-s seed] [-n calls] [-p procs] [-t threads]
 *
 * Several processes, each with several threads, make random calls: every
 * svipc ioctl with random structure contents, sizes, flags and ids (live,
 * stale, removed, random), user pointers that are NULL, unmapped,
 * read-only, kernel addresses or straddle the end of a mapped page, and
 * random ioctl numbers.  Blocking calls are cut short by a timer signal;
 * some workers drop their privileges; a reaper kills children that sleep
 * inside svipc or hold shared memory attaches.  Shared memory is attached
 * where the kernel chooses, at bad addresses, and with SHM_REMAP over a
 * slot each thread keeps reserved for it (so that no thread's remap can
 * hit memory another one uses); attaches are touched, then detached, or
 * left to the process's exit.  Every errno must be one the native call
 * can return.
 *
 * At the end every object is removed and MSG_INFO, SEM_INFO and SHM_INFO
 * must show none left;
 * the rig then unloads the module (which fails if anything leaked a
 * reference) and, on the debug kernel, asks kmemleak.
 *
 * Output is TAP (one case, "fuzz"), so the suite counts it like a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/svipc.h>

#include "svipc.h"

#define MAX_IDS		64
#define MAX_PROCS	16
#define MAX_THREADS	8

/* Shared by all workers (MAP_SHARED): ids seen, counters, verdict. */
struct shared {
	int ids[MAX_IDS];
	int semids[MAX_IDS];
	int shmids[MAX_IDS];
	unsigned long calls;
	unsigned long errnos[160];
	unsigned long bad;
	unsigned long sigbus;		/* touches of a huge attach with no page */
	char bad_msg[256];
};

static struct shared *sh;
static unsigned long calls_per_thread;
static unsigned long seed = 1;
static int devfd;
static char *page_ro;		/* a read-only page */
static char *page_end;		/* the last byte of a page followed by a hole */
/*
 * Pages no access reaches: PROT_NONE, not unmapped, so that no mapping
 * made later (a shmat where the kernel chooses) can take their place and
 * turn "bad" pointers into good ones.  One that did once let a semget
 * read its arguments from a segment and make a set of thousands of
 * semaphores, whose GETALL then ran past every thread's buffer.
 */
static char *page_gone;

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static uint64_t rnd_below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static void note_bad(const char *what, long ret, int err)
{
	if (__atomic_fetch_add(&sh->bad, 1, __ATOMIC_RELAXED) == 0)
		snprintf(sh->bad_msg, sizeof(sh->bad_msg),
			 "%s returned %ld errno %d (%s)", what, ret, err,
			 strerror(err));
}

/* The errnos each native call may return (SPEC.md, section 1). */
static int allowed(unsigned long cmd, int err)
{
	switch (cmd) {
	case SVIPC_IOC_MSGGET:
		return err == ENOENT || err == EEXIST || err == EACCES ||
		       err == ENOSPC || err == ENOMEM || err == EINVAL ||
		       err == EFAULT;
	case SVIPC_IOC_MSGSND:
		return err == EINVAL || err == EFAULT || err == ENOMEM ||
		       err == EACCES || err == EAGAIN || err == EIDRM ||
		       err == EINTR;
	case SVIPC_IOC_MSGRCV:
		return err == EINVAL || err == E2BIG || err == ENOMSG ||
		       err == EACCES || err == EIDRM || err == EFAULT ||
		       err == EINTR || err == ENOMEM;
	case SVIPC_IOC_MSGCTL:
		return err == EINVAL || err == EACCES || err == EPERM ||
		       err == EFAULT || err == EIDRM;
	case SVIPC_IOC_SEMGET:
		return err == ENOENT || err == EEXIST || err == EACCES ||
		       err == ENOSPC || err == ENOMEM || err == EINVAL ||
		       err == EFAULT;
	case SVIPC_IOC_SEMOP:
		return err == E2BIG || err == EINVAL || err == EFBIG ||
		       err == EACCES || err == EIDRM || err == EAGAIN ||
		       err == ERANGE || err == EINTR || err == ENOMEM ||
		       err == EFAULT;
	case SVIPC_IOC_SEMCTL:
		return err == EINVAL || err == EACCES || err == EPERM ||
		       err == ERANGE || err == EIDRM || err == EFAULT ||
		       err == ENOMEM;
	case SVIPC_IOC_SHMGET:
		/* EPERM: SHM_HUGETLB without CAP_IPC_LOCK or the group. */
		return err == ENOENT || err == EEXIST || err == EACCES ||
		       err == ENOSPC || err == ENOMEM || err == EINVAL ||
		       err == EFAULT || err == EPERM;
	case SVIPC_IOC_SHMAT:
		/* EPERM: a fixed address below mmap_min_addr, as natively. */
		return err == EINVAL || err == EACCES || err == EIDRM ||
		       err == ENOMEM || err == EINTR || err == EFAULT ||
		       err == EPERM;
	case SVIPC_IOC_SHMDT:
		return err == EINVAL || err == EINTR || err == EFAULT;
	case SVIPC_IOC_SHMCTL:
		return err == EINVAL || err == EACCES || err == EPERM ||
		       err == EFAULT || err == EIDRM || err == ENOMEM;
	case SVIPC_IOC_VERSION:
		return err == EINVAL || err == EFAULT;
	default:
		return err == ENOTTY || err == EFAULT || err == EINVAL;
	}
}

/* One time in eight, a pointer the kernel must refuse with EFAULT. */
static void *bad_ptr(struct rng *r, void *good)
{
	switch (rnd_below(r, 40)) {
	case 0:
		return NULL;
	case 1:
		return page_gone;
	case 2:
		return page_ro;
	case 3:
		return (void *)(uintptr_t)(sizeof(void *) == 8 ?
			0xffffffff81000000ULL : 0xc1000000UL);
	case 4:
		return page_end - rnd_below(r, 16);
	default:
		return good;
	}
}

static int pick_id(struct rng *r)
{
	switch (rnd_below(r, 8)) {
	case 0:
		return (int)rnd(r);
	case 1:
		return -(int)rnd_below(r, 3);
	case 2: {
		/* a live id with a wrong sequence: stale */
		int id = sh->ids[rnd_below(r, MAX_IDS)];

		return id + (1 << 15);
	}
	default:
		return __atomic_load_n(&sh->ids[rnd_below(r, MAX_IDS)],
				       __ATOMIC_RELAXED);
	}
}

static int pick_flags(struct rng *r);
static void record(unsigned long cmd, const char *what, long ret);

static int pick_semid(struct rng *r)
{
	int id = __atomic_load_n(&sh->semids[rnd_below(r, MAX_IDS)],
				 __ATOMIC_RELAXED);

	switch (rnd_below(r, 8)) {
	case 0:
		return (int)rnd(r);
	case 1:
		return id + (1 << 15);
	default:
		return id;
	}
}

/*
 * GETALL and SETALL use @arr, room for the most semaphores a set can
 * have (SEMMSL), not the message buffer: a set made with many is legal.
 */
#define SEM_ARR_BYTES	(32000 * 2)
/* Each buffer is followed by this many bytes that no call may change. */
#define CANARY		256

static void sem_call(struct rng *r, char *arr)
{
	struct svipc_sembuf sops[8];
	struct svipc_timespec ts;
	unsigned long cmd;
	long ret;

	switch (rnd_below(r, 3)) {
	case 0: {
		struct svipc_get a = {
			.key = rnd_below(r, 4) ? 0 : 0x5b000000 + rnd_below(r, 8),
			.flags = pick_flags(r) | (rnd_below(r, 2) ? IPC_CREAT : 0),
			.size = rnd_below(r, 16) ? rnd_below(r, 6) : rnd(r),
		};

		cmd = SVIPC_IOC_SEMGET;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "semget", ret);
		if (ret >= 0)
			__atomic_store_n(&sh->semids[rnd_below(r, MAX_IDS)],
					 (int)ret, __ATOMIC_RELAXED);
		break;
	}
	case 1: {
		struct svipc_semop a = {
			.semid = pick_semid(r),
			.nsops = rnd_below(r, 16) ? 1 + rnd_below(r, 8) : (uint32_t)rnd(r),
		};
		unsigned int i;

		for (i = 0; i < 8; i++) {
			static const short fl[] = { 0, SEM_UNDO, IPC_NOWAIT,
						    SEM_UNDO | IPC_NOWAIT };

			sops[i].sem_num = rnd_below(r, 8) ? rnd_below(r, 5) : (uint16_t)rnd(r);
			sops[i].sem_op = rnd_below(r, 8) ? (short)rnd_below(r, 7) - 3 : (short)rnd(r);
			sops[i].sem_flg = fl[rnd_below(r, 4)];
		}
		a.sops = (uintptr_t)bad_ptr(r, sops);
		if (rnd_below(r, 4) == 0) {
			ts.tv_sec = rnd_below(r, 16) ? 0 : (int64_t)rnd(r) % 3;
			ts.tv_nsec = rnd_below(r, 16) ? (int64_t)rnd_below(r, 2000000) : (int64_t)rnd(r);
			a.timeout = (uintptr_t)bad_ptr(r, &ts);
		}
		cmd = SVIPC_IOC_SEMOP;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "semop", ret);
		break;
	}
	default: {
		static const int cmds[] = {
			IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, SEM_INFO, SEM_STAT,
			SEM_STAT_ANY, GETVAL, SETVAL, GETALL, SETALL, GETPID,
			GETNCNT, GETZCNT, 99, -1,
		};
		struct svipc_semid_ds ds;
		struct svipc_ctl a = {
			.id = pick_semid(r),
			.cmd = cmds[rnd_below(r, sizeof(cmds) / sizeof(cmds[0]))],
			.semnum = rnd_below(r, 8) ? (int)rnd_below(r, 6) : (int)rnd(r),
		};

		memset(&ds, 0, sizeof(ds));
		ds.perm.mode = rnd_below(r, 2) ? 0666 : (uint32_t)rnd(r);
		if (a.cmd == IPC_RMID && rnd_below(r, 3))
			a.cmd = GETALL;
		if (a.cmd == SEM_STAT || a.cmd == SEM_STAT_ANY)
			a.id &= 0x7fff;
		if (a.cmd == SETVAL) {
			a.buf = rnd_below(r, 8) ? rnd_below(r, 5) : rnd(r);
		} else if (a.cmd == GETALL || a.cmd == SETALL) {
			unsigned int i;

			for (i = 0; i < 64; i++)
				((uint16_t *)arr)[i] = rnd_below(r, 8) ? rnd_below(r, 4) : (uint16_t)rnd(r);
			a.buf = (uintptr_t)bad_ptr(r, arr);
		} else {
			a.buf = (uintptr_t)bad_ptr(r, &ds);
		}
		cmd = SVIPC_IOC_SEMCTL;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "semctl", ret);
		break;
	}
	}
}

/* ---- shared memory ---------------------------------------------------- */

#define SLOT_PAGES	16
#define MAX_ATT		8

/* Per thread: its attaches, and a reserved slot for SHM_REMAP. */
struct tstate {
	void *att[MAX_ATT];
	int natt;
	char *slot;			/* PROT_NONE reservation, or NULL */
};

static long pgsz;

static int pick_shmid(struct rng *r)
{
	int id = __atomic_load_n(&sh->shmids[rnd_below(r, MAX_IDS)],
				 __ATOMIC_RELAXED);

	switch (rnd_below(r, 10)) {
	case 0:
		return (int)rnd(r);
	case 1:
		return id + (1 << 15);
	case 2:
		return -(int)rnd_below(r, 3);
	default:
		return id;
	}
}

static long raw_shmat(int id, uint64_t addr, int flg, void **out)
{
	struct svipc_shmat a = { .shmid = id, .shmflg = flg, .addr = addr };
	long ret = ioctl(devfd, SVIPC_IOC_SHMAT, &a);

	*out = ret ? NULL : (void *)(uintptr_t)a.addr;
	return ret;
}

static long raw_shmdt(void *addr)
{
	struct svipc_shmdt a = { .addr = (uintptr_t)addr };

	return ioctl(devfd, SVIPC_IOC_SHMDT, &a);
}

/*
 * A SHM_HUGETLB segment made with SHM_NORESERVE has no page once the
 * pool of huge pages is empty: touching it is SIGBUS, as natively.
 * touch() catches that, in the thread that touched.
 */
static __thread sigjmp_buf bus_jmp;
static __thread volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read, and write unless read-only, the first byte of a fresh attach. */
static void touch(void *p, int flg)
{
	volatile char *c = p;

	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		__atomic_fetch_add(&sh->sigbus, 1, __ATOMIC_RELAXED);
		return;
	}
	bus_armed = 1;
	if (flg & SHM_RDONLY)
		(void)*c;
	else
		*c += 1;
	bus_armed = 0;
}

/* Attach where the kernel chooses, or at an address it must refuse. */
static void shm_attach(struct rng *r, struct tstate *ts)
{
	static const int fl[] = { 0, SHM_RDONLY, SHM_RND, SHM_EXEC,
				  SHM_RDONLY | SHM_EXEC };
	int flg = fl[rnd_below(r, 5)], id = pick_shmid(r);
	uint64_t addr = 0;
	void *p;
	long ret;

	if (rnd_below(r, 16) == 0)	/* unknown bits, but never a remap */
		flg |= (int)rnd(r) & ~SHM_REMAP;
	switch (rnd_below(r, 8)) {
	case 0:
		addr = 1 + rnd_below(r, pgsz - 1);	/* unaligned */
		flg &= ~SHM_RND;
		break;
	case 1:
		addr = rnd_below(r, 2) ? 0xffffffff81000000ULL : ~0ULL - 4095;
		break;
	case 2:
		flg |= SHM_REMAP;		/* with NULL: EINVAL */
		break;
	default:
		break;
	}
	if (ts->natt == MAX_ATT) {
		ret = raw_shmdt(ts->att[0]);
		record(SVIPC_IOC_SHMDT, "shmdt", ret);
		if (ret)
			note_bad("shmdt of an own attach", ret, errno);
		memmove(ts->att, ts->att + 1, sizeof(ts->att[0]) * (MAX_ATT - 1));
		ts->natt--;
	}
	ret = raw_shmat(id, addr, flg, &p);
	record(SVIPC_IOC_SHMAT, "shmat", ret);
	if (ret)
		return;
	if (addr >= 0xffff800000000000ULL || (flg & SHM_REMAP)) {
		note_bad("shmat at an impossible address", 0, 0);
		raw_shmdt(p);
		return;
	}
	touch(p, flg);
	ts->att[ts->natt++] = p;
}

/* SHM_REMAP over the thread's own slot: attach, touch, detach, reserve. */
static void shm_remap(struct rng *r, struct tstate *ts)
{
	struct svipc_shmid_ds ds;
	struct svipc_ctl c;
	int id = pick_shmid(r), flg = SHM_REMAP;
	void *p, *back;
	uint64_t addr;
	long ret;

	if (!ts->slot)
		return;
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = IPC_STAT;
	c.buf = (uintptr_t)&ds;
	/* A segment's size never changes: it fits now, it fits at attach. */
	if (ioctl(devfd, SVIPC_IOC_SHMCTL, &c) ||
	    ds.segsz > (uint64_t)SLOT_PAGES * pgsz)
		return;
	if (rnd_below(r, 2))
		flg |= SHM_RDONLY;
	if (rnd_below(r, 2))
		flg |= SHM_RND;
	addr = (uintptr_t)ts->slot;
	if (rnd_below(r, 4) == 0)	/* EINVAL, unless SHM_RND rounds it */
		addr += 1 + rnd_below(r, pgsz - 1);
	ret = raw_shmat(id, addr, flg, &p);
	record(SVIPC_IOC_SHMAT, "shmat remap", ret);
	if (ret)
		return;
	if ((char *)p != ts->slot) {
		note_bad("shmat remap landed elsewhere", 0, 0);
		return;
	}
	touch(p, flg);
	ret = raw_shmdt(p);
	record(SVIPC_IOC_SHMDT, "shmdt", ret);
	if (ret)
		note_bad("shmdt of a remap", ret, errno);
	/* Another thread's attach may have taken the hole: then give up. */
	back = mmap(ts->slot, SLOT_PAGES * pgsz, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (back != ts->slot) {
		if (back != MAP_FAILED)
			munmap(back, SLOT_PAGES * pgsz);
		ts->slot = NULL;
	}
}

static void shm_call(struct rng *r, struct tstate *ts, char *buf)
{
	unsigned long cmd;
	long ret;

	switch (rnd_below(r, 8)) {
	case 0: {
		static const uint64_t sizes[] = { 1, 4096, 4097, 12288, 65536,
						  1 << 20 };
		struct svipc_get a = {
			.key = rnd_below(r, 4) ? 0 : 0x5c000000 + rnd_below(r, 8),
			.flags = pick_flags(r) | (rnd_below(r, 2) ? IPC_CREAT : 0),
			.size = sizes[rnd_below(r, 6)],
		};

		if (rnd_below(r, 16) == 0)
			a.size = rnd_below(r, 2) ? 0 : rnd(r);
		if (rnd_below(r, 32) == 0)
			a.resv = rnd(r);
		cmd = SVIPC_IOC_SHMGET;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "shmget", ret);
		if (ret >= 0)
			__atomic_store_n(&sh->shmids[rnd_below(r, MAX_IDS)],
					 (int)ret, __ATOMIC_RELAXED);
		break;
	}
	case 1:
	case 2:
		shm_attach(r, ts);
		break;
	case 3:
		shm_remap(r, ts);
		break;
	case 4: {
		void *addr;
		int i = -1;

		if (ts->natt && rnd_below(r, 4)) {
			i = rnd_below(r, ts->natt);
			addr = ts->att[i];
		} else {
			static const uintptr_t junk[] = { 0, 1, 4095, 4096 };

			addr = (void *)junk[rnd_below(r, 4)];
			if (rnd_below(r, 2))
				addr = page_end - rnd_below(r, 16);
		}
		ret = raw_shmdt(addr);
		record(SVIPC_IOC_SHMDT, "shmdt", ret);
		if (i >= 0) {
			if (ret)
				note_bad("shmdt of an own attach", ret, errno);
			ts->att[i] = ts->att[--ts->natt];
		}
		break;
	}
	case 5: {
		struct svipc_shmdt a = { .addr = 0 };

		/* The argument itself bad, or a reserved bit set. */
		if (rnd_below(r, 2))
			a.resv = 1 + rnd_below(r, 100);
		ret = ioctl(devfd, SVIPC_IOC_SHMDT, bad_ptr(r, &a));
		record(SVIPC_IOC_SHMDT, "shmdt raw", ret);
		break;
	}
	default: {
		static const int cmds[] = {
			IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, SHM_INFO,
			SHM_STAT, SHM_STAT_ANY, SHM_LOCK, SHM_UNLOCK, 99, -1,
		};
		struct svipc_shmid_ds ds;
		struct svipc_ctl a = {
			.id = pick_shmid(r),
			.cmd = cmds[rnd_below(r, sizeof(cmds) / sizeof(cmds[0]))],
		};

		memset(&ds, 0, sizeof(ds));
		ds.perm.mode = rnd_below(r, 2) ? 0666 : (uint32_t)rnd(r);
		ds.perm.uid = rnd_below(r, 4) ? 0 : (uint32_t)rnd(r);
		if (a.cmd == IPC_RMID && rnd_below(r, 2))
			a.cmd = IPC_STAT;
		if (a.cmd == SHM_STAT || a.cmd == SHM_STAT_ANY)
			a.id &= 0x7fff;
		a.buf = (uintptr_t)bad_ptr(r, rnd_below(r, 2) ? (void *)&ds : buf);
		if (rnd_below(r, 32) == 0)
			a.semnum = (int)rnd(r);
		cmd = SVIPC_IOC_SHMCTL;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "shmctl", ret);
		break;
	}
	}
}

static int pick_flags(struct rng *r)
{
	static const int bits[] = {
		IPC_CREAT, IPC_EXCL, IPC_NOWAIT, MSG_NOERROR, MSG_EXCEPT,
		MSG_COPY, 0600, 0666, 0400, 0200, 0044,
	};
	int f = 0, i, n = rnd_below(r, 4);

	for (i = 0; i < n; i++)
		f |= bits[rnd_below(r, sizeof(bits) / sizeof(bits[0]))];
	if (rnd_below(r, 16) == 0)
		f = (int)rnd(r);
	/* Mostly non-blocking; the timer cuts the rest short. */
	if (rnd_below(r, 4))
		f |= IPC_NOWAIT;
	return f;
}

/* The last call each thread recorded, to name one that broke its buffer. */
static __thread const char *last_what;
static __thread unsigned long last_cmd;

static void record(unsigned long cmd, const char *what, long ret)
{
	int err = errno;

	last_what = what;
	last_cmd = cmd;
	__atomic_fetch_add(&sh->calls, 1, __ATOMIC_RELAXED);
	if (ret >= 0)
		return;
	if (err >= 0 && err < 160)
		__atomic_fetch_add(&sh->errnos[err], 1, __ATOMIC_RELAXED);
	if (!allowed(cmd, err))
		note_bad(what, ret, err);
}

static void one_call(struct rng *r, struct tstate *ts, char *buf,
		     size_t bufsz)
{
	unsigned long cmd;
	long ret;

	switch (rnd_below(r, 28)) {
	case 22:
	case 23:
	case 24:
	case 25:
	case 26:
	case 27:
		shm_call(r, ts, buf);
		break;
	case 16:
	case 17:
	case 18:
	case 19:
	case 20:
	case 21:
		sem_call(r, buf + bufsz + CANARY);
		break;
	case 0:
	case 1: {
		struct svipc_get a = {
			.key = rnd_below(r, 4) ? 0 : 0x5a000000 + rnd_below(r, 8),
			.flags = pick_flags(r) | (rnd_below(r, 2) ? IPC_CREAT : 0),
		};

		if (rnd_below(r, 32) == 0)
			a.resv = rnd(r);
		if (rnd_below(r, 32) == 0)
			a.size = rnd(r);
		cmd = SVIPC_IOC_MSGGET;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "msgget", ret);
		if (ret >= 0)
			__atomic_store_n(&sh->ids[rnd_below(r, MAX_IDS)], (int)ret,
					 __ATOMIC_RELAXED);
		break;
	}
	case 2:
	case 3:
	case 4: {
		struct svipc_msgsnd a = {
			.msqid = pick_id(r),
			.msgflg = pick_flags(r),
			.msgsz = rnd_below(r, 4) ? rnd_below(r, 300) : rnd_below(r, bufsz),
			.mtype_size = rnd_below(r, 8) ? sizeof(long) : (rnd_below(r, 2) ? 4 : (uint32_t)rnd(r)),
		};
		void *p = bad_ptr(r, buf);

		if (p == buf)
			*(long *)buf = rnd_below(r, 8) ? 1 + (long)rnd_below(r, 5) : (long)rnd(r);
		a.msgp = (uintptr_t)p;
		if (rnd_below(r, 64) == 0)
			a.msgsz = rnd(r);
		cmd = SVIPC_IOC_MSGSND;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "msgsnd", ret);
		break;
	}
	case 5:
	case 6:
	case 7: {
		struct svipc_msgrcv a = {
			.msqid = pick_id(r),
			.msgflg = pick_flags(r),
			.msgsz = rnd_below(r, 300),
			.msgtyp = (long)rnd_below(r, 11) - 5,
			.mtype_size = rnd_below(r, 8) ? sizeof(long) : 4,
		};

		a.msgp = (uintptr_t)bad_ptr(r, buf);
		if (rnd_below(r, 32) == 0)
			a.msgtyp = (long)rnd(r);
		if (rnd_below(r, 64) == 0)
			a.msgsz = rnd(r);
		cmd = SVIPC_IOC_MSGRCV;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "msgrcv", ret);
		break;
	}
	case 8:
	case 9:
	case 10: {
		static const int cmds[] = {
			IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, MSG_INFO,
			MSG_STAT, MSG_STAT_ANY, 99, -1,
		};
		struct svipc_msqid_ds ds;
		struct svipc_ctl a = {
			.id = pick_id(r),
			.cmd = cmds[rnd_below(r, sizeof(cmds) / sizeof(cmds[0]))],
		};

		memset(&ds, 0, sizeof(ds));
		ds.perm.mode = rnd_below(r, 2) ? 0666 : (uint32_t)rnd(r);
		ds.perm.uid = rnd_below(r, 4) ? 0 : (uint32_t)rnd(r);
		ds.perm.gid = rnd_below(r, 4) ? 0 : (uint32_t)rnd(r);
		ds.qbytes = rnd_below(r, 2) ? rnd_below(r, 20000) : rnd(r);
		if (a.cmd == IPC_RMID && rnd_below(r, 3))
			a.cmd = IPC_STAT;	/* keep some queues around */
		if (a.cmd == MSG_STAT || a.cmd == MSG_STAT_ANY)
			a.id &= 0x7fff;
		a.buf = (uintptr_t)bad_ptr(r, &ds);
		if (rnd_below(r, 32) == 0)
			a.semnum = (int)rnd(r);
		cmd = SVIPC_IOC_MSGCTL;
		ret = ioctl(devfd, cmd, bad_ptr(r, &a));
		record(cmd, "msgctl", ret);
		break;
	}
	case 11: {
		struct svipc_version v = { 0 };

		if (rnd_below(r, 4) == 0)
			v.resv[1] = rnd(r);
		cmd = SVIPC_IOC_VERSION;
		ret = ioctl(devfd, cmd, bad_ptr(r, &v));
		record(cmd, "version", ret);
		break;
	}
	default: {
		/* A random ioctl number, sometimes with svipc's magic. */
		unsigned long nr = rnd(r);

		if (rnd_below(r, 2))
			nr = _IOC(rnd_below(r, 4), SVIPC_IOC_MAGIC,
				  rnd_below(r, 0x20), rnd_below(r, 128));
		memset(buf, (int)rnd(r), 256);
		cmd = nr;
		ret = ioctl(devfd, nr, bad_ptr(r, buf));
		/* A number that happens to be a real command is fine too. */
		if (nr == SVIPC_IOC_MSGGET || nr == SVIPC_IOC_MSGSND ||
		    nr == SVIPC_IOC_MSGRCV || nr == SVIPC_IOC_MSGCTL ||
		    nr == SVIPC_IOC_SEMGET || nr == SVIPC_IOC_SEMOP ||
		    nr == SVIPC_IOC_SEMCTL || nr == SVIPC_IOC_VERSION)
			record(nr, "ioctl", ret < 0 && allowed(nr, errno) ? 0 : ret);
		else
			record(~0UL, "random ioctl", ret);
		if (ret >= 0 && nr == SVIPC_IOC_MSGGET)
			__atomic_store_n(&sh->ids[0], (int)ret, __ATOMIC_RELAXED);
		if (ret >= 0 && nr == SVIPC_IOC_SEMGET)
			__atomic_store_n(&sh->semids[0], (int)ret, __ATOMIC_RELAXED);
		break;
	}
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* -1 if intact, else the offset of the first changed byte. */
static int canary_broken(const char *c)
{
	int i;

	for (i = 0; i < CANARY; i++)
		if (c[i] != 0x5c)
			return i;
	return -1;
}

/* What a broken canary holds: which bytes changed, and to what. */
static void canary_report(const char *when, const char *c, int first)
{
	char what[160];
	int i, n = 0, last = first;

	for (i = first; i < CANARY; i++)
		if (c[i] != 0x5c) {
			n++;
			last = i;
		}
	snprintf(what, sizeof(what),
		 "canary broken %s %s (ioctl %#lx): %d bytes in [%d, %d], first %02x %02x %02x %02x; it",
		 when, last_what ? last_what : "?", last_cmd, n, first, last,
		 (unsigned char)c[first], (unsigned char)c[first + 1 < CANARY ? first + 1 : first],
		 (unsigned char)c[first + 2 < CANARY ? first + 2 : first],
		 (unsigned char)c[first + 3 < CANARY ? first + 3 : first]);
	note_bad(what, 0, 0);
}

struct thread_arg {
	unsigned long seed;
};

static void *worker_thread(void *p)
{
	struct thread_arg *ta = p;
	struct rng r = { .s = ta->seed | 1 };
	size_t bufsz = 9000;
	/*
	 * Followed by a canary, checked after every call: no call may write
	 * past the 9000 bytes it was given (the largest message is 8192
	 * bytes and its type).  A kernel copy that did would corrupt this
	 * thread's heap silently.
	 */
	char *buf = malloc(bufsz + CANARY + SEM_ARR_BYTES + CANARY);
	char *arr_canary;
	struct tstate ts = { .natt = 0 };
	unsigned long i;

	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGALRM,
	};
	struct itimerspec its = {
		.it_interval = { 0, 3000000 },
		.it_value = { 0, 3000000 },
	};
	timer_t timer;

	if (!buf)
		return NULL;
	/* A per-thread timer signal ends any call that blocks (EINTR). */
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) ||
	    timer_settime(timer, 0, &its, NULL)) {
		note_bad("timer_create", -1, errno);
		free(buf);
		return NULL;
	}
	/*
	 * The slot starts at an odd page, so at no huge page boundary: a
	 * huge segment's remap there fails (EINVAL) instead of replacing
	 * a huge page's worth of whatever follows the slot.
	 */
	ts.slot = mmap(NULL, (SLOT_PAGES + 1) * pgsz, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ts.slot == MAP_FAILED) {
		ts.slot = NULL;
	} else if ((uintptr_t)ts.slot / pgsz % 2 == 0) {
		munmap(ts.slot, pgsz);
		ts.slot += pgsz;
	} else {
		munmap(ts.slot + SLOT_PAGES * pgsz, pgsz);
	}
	memset(buf + bufsz, 0x5c, CANARY);
	arr_canary = buf + bufsz + CANARY + SEM_ARR_BYTES;
	memset(arr_canary, 0x5c, CANARY);
	for (i = 0; i < calls_per_thread; i++) {
		int at;

		/*
		 * Broken before the call: by something other than this
		 * thread's calls (another thread, or a shared mapping).
		 */
		at = canary_broken(buf + bufsz);
		if (at >= 0) {
			canary_report("before the call after", buf + bufsz, at);
			memset(buf + bufsz, 0x5c, CANARY);
		}
		one_call(&r, &ts, buf, bufsz);
		at = canary_broken(buf + bufsz);
		if (at >= 0) {
			canary_report("by", buf + bufsz, at);
			memset(buf + bufsz, 0x5c, CANARY);
		}
		at = canary_broken(arr_canary);
		if (at >= 0) {
			canary_report("(semaphore array) by", arr_canary, at);
			memset(arr_canary, 0x5c, CANARY);
		}
	}
	timer_delete(timer);
	/* Attaches left are dropped at exit, by the kernel. */
	free(buf);
	return NULL;
}

static void worker(int idx, int nthreads)
{
	pthread_t th[MAX_THREADS];
	struct thread_arg ta[MAX_THREADS];
	struct sigaction sa = { .sa_handler = on_alarm };
	struct sigaction bus = { .sa_handler = on_sigbus };
	int i;

	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGBUS, &bus, NULL);
	/*
	 * Every other worker runs in an IPC namespace of its own, where the
	 * ids the others share name nothing or something else; its objects
	 * go when it exits (main() waits for that).
	 */
	if (idx % 2 == 1 && unshare(CLONE_NEWIPC) && errno != EINVAL)
		_exit(4);
	/* Every third worker runs unprivileged: EACCES/EPERM paths. */
	if (idx % 3 == 2 && (setresgid(1000 + idx, 1000 + idx, 1000 + idx) ||
			     setresuid(1000 + idx, 1000 + idx, 1000 + idx)))
		_exit(3);
	for (i = 0; i < nthreads; i++) {
		ta[i].seed = seed * 1000003ULL + idx * 131ULL + i;
		pthread_create(&th[i], NULL, worker_thread, &ta[i]);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}

/* Forks children that sleep in svipc and kills them there. */
static void reaper(unsigned long rounds)
{
	struct rng r = { .s = seed * 7 + 3 };
	unsigned long i;

	for (i = 0; i < rounds; i++) {
		pid_t c = fork();

		if (c == 0) {
			struct { long t; char x[64]; } m;
			int id = sh->ids[rnd_below(&r, MAX_IDS)];

			int semid = sh->semids[rnd_below(&r, MAX_IDS)];
			struct sembuf up = { 0, 1, SEM_UNDO };
			struct sembuf down[2] = { { 0, -1, SEM_UNDO }, { 1, -2, SEM_UNDO } };

			int shmid = sh->shmids[rnd_below(&r, MAX_IDS)];
			char *att = svipc_shmat(shmid, NULL, 0);

			/* Exits (or dies) with undo entries and attaches. */
			if (att != (void *)-1)
				att[0] = 1;
			svipc_semop(semid, &up, 1);
			switch (rnd_below(&r, 3)) {
			case 0:
				svipc_msgrcv(id, &m, sizeof(m.x), 0, 0);
				break;
			case 1:
				m.t = 1;
				svipc_msgsnd(id, &m, sizeof(m.x), 0);
				break;
			default:
				svipc_semop(semid, down, 2);
				break;
			}
			_exit(0);
		}
		if (c < 0)
			continue;
		usleep(rnd_below(&r, 2000));
		kill(c, rnd_below(&r, 2) ? SIGKILL : SIGTERM);
		waitpid(c, NULL, 0);
	}
	_exit(0);
}

/* Remove every segment left; return SHM_INFO's count of what remains. */
static int shm_cleanup(void)
{
	struct svipc_shm_info info;
	struct svipc_shmid_ds ds;
	struct svipc_ctl a;
	int max, i, id;

	memset(&a, 0, sizeof(a));
	a.cmd = SHM_INFO;
	a.buf = (uintptr_t)&info;
	max = ioctl(devfd, SVIPC_IOC_SHMCTL, &a);
	for (i = 0; i <= max && i < 32768; i++) {
		memset(&a, 0, sizeof(a));
		a.id = i;
		a.cmd = SHM_STAT_ANY;
		a.buf = (uintptr_t)&ds;
		id = ioctl(devfd, SVIPC_IOC_SHMCTL, &a);
		if (id < 0)
			continue;
		/* Every worker has exited: nothing can be attached. */
		if (ds.nattch)
			note_bad("segment still attached", (long)ds.nattch, 0);
		memset(&a, 0, sizeof(a));
		a.id = id;
		a.cmd = IPC_RMID;
		if (ioctl(devfd, SVIPC_IOC_SHMCTL, &a))
			note_bad("cleanup shm rmid", -1, errno);
	}
	memset(&a, 0, sizeof(a));
	a.cmd = SHM_INFO;
	a.buf = (uintptr_t)&info;
	if (ioctl(devfd, SVIPC_IOC_SHMCTL, &a) < 0)
		return -1;
	return info.used_ids + (info.shm_tot ? 1 : 0) + (info.shm_rss ? 1 : 0);
}

/* Remove every object that is left; return how many remain after. */
static int cleanup(void)
{
	struct svipc_msginfo info;
	struct svipc_seminfo sinfo;
	struct svipc_msqid_ds ds;
	struct svipc_ctl a;
	int max, i, left;

	memset(&a, 0, sizeof(a));
	a.cmd = IPC_INFO;
	a.buf = (uintptr_t)&info;
	max = ioctl(devfd, SVIPC_IOC_MSGCTL, &a);
	for (i = 0; i <= max && i < 32768; i++) {
		memset(&a, 0, sizeof(a));
		a.id = i;
		a.cmd = MSG_STAT_ANY;
		a.buf = (uintptr_t)&ds;
		int id = ioctl(devfd, SVIPC_IOC_MSGCTL, &a);

		if (id < 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.id = id;
		a.cmd = IPC_RMID;
		if (ioctl(devfd, SVIPC_IOC_MSGCTL, &a))
			note_bad("cleanup rmid", -1, errno);
	}
	memset(&a, 0, sizeof(a));
	a.cmd = IPC_INFO;
	a.buf = (uintptr_t)&sinfo;
	max = ioctl(devfd, SVIPC_IOC_SEMCTL, &a);
	for (i = 0; i <= max && i < 32768; i++) {
		struct svipc_semid_ds sds;
		int id;

		memset(&a, 0, sizeof(a));
		a.id = i;
		a.cmd = SEM_STAT_ANY;
		a.buf = (uintptr_t)&sds;
		id = ioctl(devfd, SVIPC_IOC_SEMCTL, &a);
		if (id < 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.id = id;
		a.cmd = IPC_RMID;
		if (ioctl(devfd, SVIPC_IOC_SEMCTL, &a))
			note_bad("cleanup sem rmid", -1, errno);
	}
	memset(&a, 0, sizeof(a));
	a.cmd = SEM_INFO;
	a.buf = (uintptr_t)&sinfo;
	if (ioctl(devfd, SVIPC_IOC_SEMCTL, &a) < 0)
		return -1;
	left = sinfo.semusz + sinfo.semaem;
	memset(&a, 0, sizeof(a));
	a.cmd = MSG_INFO;
	a.buf = (uintptr_t)&info;
	if (ioctl(devfd, SVIPC_IOC_MSGCTL, &a) < 0)
		return -1;
	return left + info.msgpool + (info.msgmap ? 1 : 0) +
	       (info.msgtql ? 1 : 0) + shm_cleanup();
}

/* The module's reference count, -1 if unreadable. */
static long module_refs(void)
{
	char buf[32] = "";
	int fd = open("/sys/module/svipc/refcnt", O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/*
 * The workers' own namespaces died with them; svipc frees what was in
 * them within a second.  Wait for the module to be held no more than
 * before: anything still held then was lost.
 */
static int wait_namespaces_freed(long base)
{
	int i;

	if (base < 0)
		return 0;
	for (i = 0; i < 1000 && module_refs() > base; i++)
		usleep(10000);
	return module_refs() > base;
}

int main(int argc, char **argv)
{
	unsigned long calls = 100000;
	int procs = 4, threads = 2, opt, i, left, failed = 0;
	long base;
	long pg = sysconf(_SC_PAGESIZE);
	pid_t pids[MAX_PROCS + 1];
	char *m;

	while ((opt = getopt(argc, argv, "s:n:p:t:")) != -1) {
		switch (opt) {
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'n': calls = strtoul(optarg, NULL, 0); break;
		case 'p': procs = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-s seed] [-n calls] [-p procs] [-t threads]\n", argv[0]);
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS || threads < 1 || threads > MAX_THREADS)
		return 2;
	printf("TAP version 13\n1..1\n");
	printf("# svipc-fuzz: seed %lu, %lu calls, %d processes x %d threads\n",
	       seed, calls, procs, threads);
	fflush(stdout);

	devfd = svipc_fd();
	if (devfd < 0) {
		printf("not ok 1 fuzz # no device: %s\n", strerror(errno));
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || m == MAP_FAILED)
		return 1;
	memset(sh->ids, 0xff, sizeof(sh->ids));
	memset(sh->semids, 0xff, sizeof(sh->semids));
	memset(sh->shmids, 0xff, sizeof(sh->shmids));
	pgsz = pg;
	page_ro = m;
	mprotect(page_ro, pg, PROT_READ);
	page_end = m + 2 * pg - 1;
	page_gone = m + 2 * pg;
	mprotect(page_gone, 2 * pg, PROT_NONE);

	base = module_refs();
	calls_per_thread = calls / (procs * threads) + 1;
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i, threads);
	}
	pids[procs] = fork();
	if (pids[procs] == 0)
		reaper(calls / 2000 + 1);
	for (i = 0; i <= procs; i++) {
		int st;

		if (waitpid(pids[i], &st, 0) != pids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("# worker %d ended with status 0x%x\n", i, st);
			failed = 1;
		}
	}

	left = cleanup();
	if (wait_namespaces_freed(base)) {
		printf("# the module is still held %ld times more than before the workers\n",
		       module_refs() - base);
		failed = 1;
	}
	printf("# %lu calls made; errnos:", sh->calls);
	for (i = 0; i < 160; i++)
		if (sh->errnos[i])
			printf(" %s=%lu", strerrorname_np(i) ? strerrorname_np(i) : "?",
			       sh->errnos[i]);
	printf("\n");
	if (sh->sigbus)
		printf("# %lu touches of a huge attach found no huge page (SIGBUS, as natively)\n",
		       sh->sigbus);
	if (sh->bad) {
		printf("# %lu unexpected results, first: %s\n", sh->bad, sh->bad_msg);
		failed = 1;
	}
	if (left) {
		printf("# %d objects, messages, pages or bytes still accounted after cleanup\n", left);
		failed = 1;
	}
	printf("%s 1 fuzz\n", failed ? "not ok" : "ok");
	return failed;
}
