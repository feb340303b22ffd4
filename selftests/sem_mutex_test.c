// SPDX-License-Identifier: GPL-2.0
/*
 * Mutual exclusion on 2 vCPUs: many processes (or threads) run thousands
 * of P/V rounds around a critical section that updates shared memory
 * non-atomically.  Exclusivity must never be violated and no update may
 * be lost, whether P/V are single operations (the per-semaphore fast
 * path), two-operation calls (the global lock), both mixed on one set so
 * that the set switches modes under load, or taken with SEM_UNDO by
 * workers that are killed while inside.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include "common.h"

#define WORKERS		6
#define ROUNDS		400

struct shared {
	volatile int inside;
	volatile long counter;
	volatile int violations;
};

static struct shared *sh;

/* Semaphore 0 is the mutex; 1 is a dummy that makes calls complex. */
static int p(int id, int flg, int complex)
{
	struct sembuf ops[2] = {
		{ .sem_num = 0, .sem_op = -1, .sem_flg = flg },
		{ .sem_num = 1, .sem_op = 0, .sem_flg = 0 },
	};

	return svipc_semop(id, ops, complex ? 2 : 1);
}

static int v(int id, int flg, int complex)
{
	struct sembuf ops[2] = {
		{ .sem_num = 0, .sem_op = 1, .sem_flg = flg },
		{ .sem_num = 1, .sem_op = 0, .sem_flg = 0 },
	};

	return svipc_semop(id, ops, complex ? 2 : 1);
}

static void critical_section(void)
{
	long c;

	if (__atomic_fetch_add(&sh->inside, 1, __ATOMIC_SEQ_CST) != 0)
		__atomic_fetch_add(&sh->violations, 1, __ATOMIC_SEQ_CST);
	c = sh->counter;
	if ((c & 7) == 0)
		sched_yield();
	sh->counter = c + 1;
	__atomic_fetch_sub(&sh->inside, 1, __ATOMIC_SEQ_CST);
}

/* mode: 0 single ops, 1 complex ops, 2 alternate per worker and round */
static int worker(int id, int n, int flg, int mode)
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		int complex = mode == 2 ? (i + n) & 1 : mode;

		if (p(id, flg, complex))
			return 1;
		critical_section();
		if (v(id, flg, complex))
			return 2;
	}
	return 0;
}

struct targ {
	int id, n, flg, mode, ret;
};

static void *thread_main(void *a)
{
	struct targ *t = a;

	t->ret = worker(t->id, t->n, t->flg, t->mode);
	return NULL;
}

FIXTURE(mutex) {
	int id;
};

FIXTURE_SETUP(mutex)
{
	unsigned short init[2] = { 1, 0 };
	union { int val; unsigned short *array; } arg = { .array = init };

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	self->id = svipc_semget(IPC_PRIVATE, 2, 0600);
	ASSERT_LE(0, self->id);
	ASSERT_EQ(0, svipc_semctl(self->id, 0, SETALL, arg));
}

FIXTURE_TEARDOWN(mutex)
{
	if (self->id >= 0)
		svipc_semctl(self->id, 0, IPC_RMID);
	munmap(sh, sizeof(*sh));
}

static void run_processes(struct __test_metadata *_metadata, int id, int flg,
			  int mode)
{
	pid_t pids[WORKERS];
	int i;

	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			_exit(worker(id, i, flg, mode));
	}
	for (i = 0; i < WORKERS; i++)
		EXPECT_EQ(0, wait_status(pids[i]));
	EXPECT_EQ(0, sh->violations);
	EXPECT_EQ((long)WORKERS * ROUNDS, sh->counter);
	EXPECT_EQ(1, svipc_semctl(id, 0, GETVAL));
}

TEST_F(mutex, single_op_pv_excludes_and_loses_no_update)
{
	run_processes(_metadata, self->id, 0, 0);
}

TEST_F(mutex, single_op_pv_with_sem_undo_excludes_and_loses_no_update)
{
	run_processes(_metadata, self->id, SEM_UNDO, 0);
}

TEST_F(mutex, complex_op_pv_excludes_and_loses_no_update)
{
	run_processes(_metadata, self->id, 0, 1);
}

TEST_F(mutex, mixed_single_and_complex_pv_excludes_across_mode_switches)
{
	run_processes(_metadata, self->id, SEM_UNDO, 2);
}

TEST_F(mutex, threads_pv_excludes_and_loses_no_update)
{
	pthread_t th[WORKERS];
	struct targ t[WORKERS];
	int i;

	for (i = 0; i < WORKERS; i++) {
		t[i] = (struct targ){ self->id, i, SEM_UNDO, 2, -1 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, thread_main, &t[i]));
	}
	for (i = 0; i < WORKERS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, t[i].ret);
	}
	EXPECT_EQ(0, sh->violations);
	EXPECT_EQ((long)WORKERS * ROUNDS, sh->counter);
	EXPECT_EQ(1, svipc_semctl(self->id, 0, GETVAL));
}

TEST_F(mutex, holder_killed_inside_releases_the_mutex_through_sem_undo)
{
	pid_t pids[WORKERS], victim;
	int i, round;

	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			_exit(worker(self->id, i, SEM_UNDO, 2));
	}
	/* Victims: take the mutex with SEM_UNDO, get killed holding it. */
	for (round = 0; round < 20; round++) {
		int pfd[2];
		char c;

		ASSERT_EQ(0, pipe(pfd));
		victim = fork();
		ASSERT_LE(0, victim);
		if (victim == 0) {
			if (p(self->id, SEM_UNDO, round & 1))
				_exit(1);
			if (write(pfd[1], "x", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		close(pfd[1]);
		ASSERT_EQ(1, read(pfd[0], &c, 1));
		close(pfd[0]);
		kill(victim, SIGKILL);
		EXPECT_EQ(128 + SIGKILL, wait_status(victim));
	}
	for (i = 0; i < WORKERS; i++)
		EXPECT_EQ(0, wait_status(pids[i]));
	EXPECT_EQ(0, sh->violations);
	EXPECT_EQ((long)WORKERS * ROUNDS, sh->counter);
	EXPECT_EQ(1, svipc_semctl(self->id, 0, GETVAL));
}

SVIPC_TEST_MAIN
