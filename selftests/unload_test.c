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
#include "native.h"

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

/*
 * What the module registers: its own files always; where the kernel has
 * no System V IPC, native's too.  Unload must remove each, and leave a
 * kernel's own alone.
 */
static const char *const registered[] = {
	"/proc/svipc/msg", "/proc/svipc/sem", "/proc/svipc/shm",
	"/proc/sys/svipc/msgmni", "/proc/sys/svipc/sem", "/proc/sys/svipc/shm_next_id",
};

static const char *const natives[] = {
	"/proc/sysvipc/msg", "/proc/sysvipc/sem", "/proc/sysvipc/shm",
	"/proc/sys/kernel/msgmni", "/proc/sys/kernel/sem", "/proc/sys/kernel/shm_next_id",
	"/proc/sys/kernel/auto_msgmni",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* How many of @paths exist, saying which do not (@log) or which do. */
static size_t present(const char *const *paths, size_t n, bool log_absent)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		bool here = access(paths[i], F_OK) == 0;

		k += here;
		if (here == log_absent)
			continue;
		printf("# %s is %s\n", paths[i], here ? "there" : "missing");
	}
	return k;
}

static int in_vm(void)
{
	return access(MODULE_PATH, R_OK) == 0;
}

TEST(unload_frees_unattached_segments_and_reload_starts_empty)
{
	bool native = have_native();
	int *ids, fd;

	if (!in_vm())
		SKIP(return, "no " MODULE_PATH ": not in the test VM");
	EXPECT_EQ(N(registered), present(registered, N(registered), true));
	/* The kernel's own, or svipc's where the kernel has none. */
	EXPECT_EQ(N(natives), present(natives, N(natives), true));
	ids = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ids != MAP_FAILED);
	ASSERT_EQ(0, in_child(leave_segments, ids));
	EXPECT_EQ(3, in_child(used_ids, NULL));

	/* Nothing but unattached segments: unload succeeds. */
	ASSERT_EQ(0, syscall(SYS_delete_module, "svipc", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(-1, access(SVIPC_DEVICE, F_OK));
	EXPECT_EQ(0, present(registered, N(registered), false));
	EXPECT_EQ(native ? N(natives) : 0, present(natives, N(natives), native));

	fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(fd);
	/* A fresh module: none of the old segments. */
	EXPECT_EQ(0, in_child(used_ids, NULL));
	EXPECT_EQ(N(registered), present(registered, N(registered), true));
	EXPECT_EQ(N(natives), present(natives, N(natives), true));
	munmap(ids, 4096);
}

SVIPC_TEST_MAIN
