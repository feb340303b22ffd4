// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory behaviours where svipc once differed from native Linux
 * (found by tools/svipc-difffuzz), each run twice: with the kernel's own
 * System V calls (where the kernel has them) and with svipc's, and the
 * two outcomes compared.  On a kernel without native System V IPC only
 * svipc runs, against native's outcome written out.
 */
#include <sys/mman.h>

#include "common.h"

struct shm_api {
	const char *name;
	int (*get)(key_t key, size_t size, int flg);
	void *(*at)(int id, const void *addr, int flg);
	int (*dt)(const void *addr);
	int (*ctl)(int id, int cmd, struct shmid_ds *ds);
};

static const struct shm_api native_api = {
	"native", shmget, shmat, shmdt, shmctl,
};

static const struct shm_api svipc_api = {
	"svipc", svipc_shmget, svipc_shmat, svipc_shmdt, svipc_shmctl,
};

static bool have_native(void)
{
	int id = shmget(IPC_PRIVATE, 4096, 0600);

	if (id < 0)
		return errno != ENOSYS;
	shmctl(id, IPC_RMID, NULL);
	return true;
}

struct res {
	long ret;
	int err;
};

static struct res at_res(void *p)
{
	return p == (void *)-1 ? (struct res){ -1, errno } : (struct res){ 0, 0 };
}

/*
 * shmat of a segment larger than the whole address space (SHM_NORESERVE
 * lets it exist) at the address of an existing attach: the range is
 * occupied, and no mapping could hold it anyway.  Native looks for an
 * overlap first (EINVAL); only a free range goes on to do_mmap(), which
 * says ENOMEM for a length past TASK_SIZE.
 */
static struct res attach_over_occupied(const struct shm_api *api)
{
	int small = api->get(IPC_PRIVATE, 4096, 0600);
	int big = api->get(IPC_PRIVATE, 1UL << 62, 0600 | SHM_NORESERVE);
	void *p = small >= 0 ? api->at(small, NULL, 0) : (void *)-1;
	struct res r = { -2, 0 };

	if (small >= 0 && big >= 0 && p != (void *)-1)
		r = at_res(api->at(big, p, 0));
	if (p != (void *)-1)
		api->dt(p);
	if (small >= 0)
		api->ctl(small, IPC_RMID, NULL);
	if (big >= 0)
		api->ctl(big, IPC_RMID, NULL);
	return r;
}

TEST(shmat_at_an_occupied_range_is_einval_even_for_a_segment_past_task_size)
{
	struct res n = { -1, EINVAL }, s;

	if (have_native())
		n = attach_over_occupied(&native_api);
	s = attach_over_occupied(&svipc_api);
	ASSERT_NE(-2, n.ret);
	ASSERT_NE(-2, s.ret);
	EXPECT_EQ(n.ret, s.ret);
	EXPECT_EQ(n.err, s.err)
		TH_LOG("native errno %s, svipc %s", strerror(n.err), strerror(s.err));
}

SVIPC_TEST_MAIN
