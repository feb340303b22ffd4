// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: unload is refused while anything it must serve
 * exists (a queue, a semaphore set, a process's undo list, a mapping of
 * a shared memory segment, even one already removed), because each of
 * those pins the module.  An unattached segment does not: unload frees
 * it (unload_test proves that, last in the suite).  The tests only try the unload; they never
 * succeed in it, since the rest of the suite needs the module.
 *
 * An open descriptor of /dev/svipc pins the module by itself, so the
 * objects are made by children, and the test process opens the device
 * only after trying the unload.
 */
#include "common.h"

static int try_unload(void)
{
	if (syscall(SYS_delete_module, "svipc", O_NONBLOCK) == 0)
		return 0;
	return errno;
}

TEST(module_unload_is_refused_while_a_queue_exists)
{
	int pfd[2], id = -1;
	pid_t child;

	ASSERT_EQ(0, pipe(pfd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		id = svipc_msgget(IPC_PRIVATE, 0600);
		if (write(pfd[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(0, wait_status(child));
	ASSERT_EQ(sizeof(id), read(pfd[0], &id, sizeof(id)));
	ASSERT_LE(0, id);
	EXPECT_EQ(EWOULDBLOCK, try_unload());
	EXPECT_EQ(0, svipc_msgctl(id, IPC_RMID, NULL));
}

TEST(module_unload_is_refused_while_a_semaphore_set_exists)
{
	int pfd[2], id = -1;
	pid_t child;

	ASSERT_EQ(0, pipe(pfd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		id = svipc_semget(IPC_PRIVATE, 2, 0600);
		if (write(pfd[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(0, wait_status(child));
	ASSERT_EQ(sizeof(id), read(pfd[0], &id, sizeof(id)));
	ASSERT_LE(0, id);
	EXPECT_EQ(EWOULDBLOCK, try_unload());
	EXPECT_EQ(0, svipc_semctl(id, 0, IPC_RMID));
}

TEST(module_unload_is_refused_while_a_process_has_an_undo_list)
{
	int pfd[2], ready = 0;
	pid_t child;

	ASSERT_EQ(0, pipe(pfd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct sembuf op = { 0, 1, SEM_UNDO };
		int id = svipc_semget(IPC_PRIVATE, 1, 0600);

		/*
		 * Leave only the undo list behind: the set is removed and
		 * the descriptor closed, so nothing else pins the module.
		 */
		if (id < 0 || svipc_semop(id, &op, 1) ||
		    svipc_semctl(id, 0, IPC_RMID) || close(svipc_fd()))
			_exit(1);
		ready = 1;
		if (write(pfd[1], &ready, sizeof(ready)) != sizeof(ready))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(ready), read(pfd[0], &ready, sizeof(ready)));
	EXPECT_EQ(EWOULDBLOCK, try_unload());
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
}

/* A child that attaches @id (made by the parent), closes the device, waits. */
static pid_t attach_and_wait(int id, int rmid, int pfd[2])
{
	pid_t child = fork();
	int ready = 1;

	if (child)
		return child;
	if (svipc_shmat(id, NULL, 0) == (void *)-1)
		_exit(1);
	if (rmid && svipc_shmctl(id, IPC_RMID, NULL))
		_exit(2);
	if (close(svipc_fd()) ||
	    write(pfd[1], &ready, sizeof(ready)) != sizeof(ready))
		_exit(3);
	pause();
	_exit(0);
}

/* The parent makes the segment in a child too, so that it holds nothing. */
static int segment_from_child(void)
{
	int pfd[2], id = -1;
	pid_t child;

	if (pipe(pfd))
		return -1;
	child = fork();
	if (child == 0) {
		id = svipc_shmget(IPC_PRIVATE, 4096, 0600);
		_exit(write(pfd[1], &id, sizeof(id)) == sizeof(id) ? 0 : 1);
	}
	if (wait_status(child) || read(pfd[0], &id, sizeof(id)) != sizeof(id))
		id = -1;
	close(pfd[0]);
	close(pfd[1]);
	return id;
}

TEST(module_unload_is_refused_while_a_segment_is_mapped)
{
	int pfd[2], ready = 0, id;
	pid_t child;

	id = segment_from_child();
	ASSERT_LE(0, id);
	ASSERT_EQ(0, pipe(pfd));
	child = attach_and_wait(id, 0, pfd);
	ASSERT_LE(0, child);
	ASSERT_EQ(sizeof(ready), read(pfd[0], &ready, sizeof(ready)));
	EXPECT_EQ(EWOULDBLOCK, try_unload());
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
	EXPECT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
}

TEST(module_unload_is_refused_while_a_removed_segment_is_still_mapped)
{
	int pfd[2], ready = 0, id;
	pid_t child;

	id = segment_from_child();
	ASSERT_LE(0, id);
	ASSERT_EQ(0, pipe(pfd));
	/* The child removes it while attached: only its mapping is left. */
	child = attach_and_wait(id, 1, pfd);
	ASSERT_LE(0, child);
	ASSERT_EQ(sizeof(ready), read(pfd[0], &ready, sizeof(ready)));
	EXPECT_EQ(EWOULDBLOCK, try_unload());
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
	/* The last detach freed it. */
	EXPECT_EQ(-1, svipc_shmctl(id, IPC_STAT, NULL));
	EXPECT_EQ(EINVAL, errno);
}

SVIPC_TEST_MAIN
