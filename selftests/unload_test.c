// SPDX-License-Identifier: GPL-2.0
/*
 * Unload with shared memory segments left: they do not pin the module,
 * and unloading frees them (kmemleak, in the debug kernel's run, checks
 * that nothing of them survives).  The test unloads the module and loads
 * it again from /svipc.ko, where the test VM keeps it, so it runs last
 * (the suite runs its binaries in name order) and only inside the VM.
 * Everything is done by children, so the test process itself never holds
 * the device open while it unloads.
 */
#include <sys/mman.h>

#include "common.h"

#define MODULE_PATH "/svipc.ko"

/* Runs @fn in a child; returns its exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t child = fork();

	if (child == 0)
		_exit(fn(arg));
	return wait_status(child);
}

/* Leaves segments behind: touched, SHM_LOCKed, removed-while-unattached. */
static int leave_segments(void *arg)
{
	int *ids = arg, i;
	char *p;

	for (i = 0; i < 3; i++) {
		ids[i] = svipc_shmget(IPC_PRIVATE, (i + 1) << 20, 0600);
		if (ids[i] < 0)
			return 10 + i;
		p = svipc_shmat(ids[i], NULL, 0);
		if (p == (void *)-1)
			return 20 + i;
		memset(p, i + 1, (i + 1) << 20);
		if (svipc_shmdt(p))
			return 30 + i;
	}
	if (svipc_shmctl(ids[1], SHM_LOCK, NULL))
		return 40;
	return 0;
}

static int used_ids(void *arg)
{
	struct shm_info info;

	if (svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return 100;
	return info.used_ids;
}

static int in_vm(void)
{
	return access(MODULE_PATH, R_OK) == 0;
}

TEST(unload_frees_unattached_segments_and_reload_starts_empty)
{
	int *ids, fd;

	if (!in_vm())
		SKIP(return, "no " MODULE_PATH ": not in the test VM");
	ids = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ids != MAP_FAILED);
	ASSERT_EQ(0, in_child(leave_segments, ids));
	EXPECT_EQ(3, in_child(used_ids, NULL));

	/* Nothing but unattached segments: unload succeeds. */
	ASSERT_EQ(0, syscall(SYS_delete_module, "svipc", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(-1, access(SVIPC_DEVICE, F_OK));

	fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(fd);
	/* A fresh module: none of the old segments. */
	EXPECT_EQ(0, in_child(used_ids, NULL));
	munmap(ids, 4096);
}

SVIPC_TEST_MAIN
