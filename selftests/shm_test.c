// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory through libsvipc, as native Linux 6.1 behaves (SPEC.md
 * sections 1 and 2): shmget's size and limit rules (shmmax, shmall,
 * shmmni) and their order against the permission check; zero-filled,
 * lazily allocated segments; shmat's address rules (SHM_RND, SHM_REMAP,
 * alignment, overlap), SHM_RDONLY and SHM_EXEC; writes seen across fork
 * and across unrelated processes; nattch exact through fork, exit, exec,
 * munmap, partial munmap and mprotect splits; shmdt of every piece of an
 * attach; IPC_RMID while attached (SHM_DEST, key made private, attach by
 * id, freed at the last detach); shmctl's commands with their pids, times
 * and errors; SHM_LOCK/SHM_UNLOCK and RLIMIT_MEMLOCK; shm_rmid_forced.
 * The permission matrix and the stress tests live in their own files.
 */
#include <limits.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "common.h"

#define UNPRIV_UID	1000
#define UNPRIV_GID	1000
#define SHM_DEST_BIT	01000
#define SHM_LOCKED_BIT	02000
#define IDX(id)		((id) & 0x7fff)

/* True when a call failed with exactly @e. */
#define FAILS(call, e) ((call) == -1 && errno == (e))
#define AT_FAILS(call, e) ((call) == (void *)-1 && errno == (e))

/* In children: exit with the number of the first check that failed. */
#define CHK(c) do { step++; if (!(c)) _exit(step); } while (0)

static long pg;

/* ---- helpers --------------------------------------------------------- */

static long nattch(int id)
{
	struct shmid_ds ds;

	if (svipc_shmctl(id, IPC_STAT, &ds))
		return -1;
	return ds.shm_nattch;
}

static int used_ids(void)
{
	struct shm_info info;

	if (svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return -1;
	return info.used_ids;
}

static unsigned long shm_tot(void)
{
	struct shm_info info;

	if (svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return ULONG_MAX;
	return info.shm_tot;
}

static unsigned long shm_rss(void)
{
	struct shm_info info;

	if (svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return ULONG_MAX;
	return info.shm_rss;
}

/* The line of /proc/self/maps that covers @addr, or "" */
static void maps_line(const void *addr, char *out, size_t n)
{
	unsigned long a = (unsigned long)addr, lo, hi;
	char buf[512];
	FILE *f;

	out[0] = 0;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%lx-%lx", &lo, &hi) == 2 && a >= lo && a < hi) {
			snprintf(out, n, "%s", buf);
			break;
		}
	}
	fclose(f);
}

/* How many VMAs of /proc/self/maps name this segment's file. */
static int maps_count(int id)
{
	char buf[512], ino[32];
	int n = 0;
	FILE *f;

	snprintf(ino, sizeof(ino), " %d ", id);
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (strstr(buf, "/SYSV") && strstr(buf, ino))
			n++;
	fclose(f);
	return n;
}

static int read_param(const char *name, char *buf, size_t n)
{
	char path[128];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	return 0;
}

static int write_param(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	return write_str(path, val);
}

static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, 1);
}

/* 1 if writing @p faults with SIGSEGV, 0 if the write went through. */
static int write_faults(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int faulted = 1;

	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(segv_jmp, 1)) {
		*p = 'x';
		faulted = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

/* ---- fixture --------------------------------------------------------- */

#define NPARAMS 4
static const char *const params[NPARAMS] = {
	"shmmax", "shmall", "shmmni", "shm_rmid_forced",
};

FIXTURE(shm) {
	int ids[32];
	int n;
	pid_t kids[16];
	int nkids;
	char saved[NPARAMS][64];
};

FIXTURE_SETUP(shm)
{
	int i;

	pg = sysconf(_SC_PAGESIZE);
	self->n = 0;
	self->nkids = 0;
	for (i = 0; i < NPARAMS; i++)
		ASSERT_EQ(0, read_param(params[i], self->saved[i],
					sizeof(self->saved[i])));
	/* Open the device now: children that change user inherit it. */
	ASSERT_LE(0, svipc_fd());
}

FIXTURE_TEARDOWN(shm)
{
	int i;

	for (i = 0; i < self->nkids; i++) {
		if (self->kids[i] <= 0)
			continue;
		kill(self->kids[i], SIGKILL);
		waitpid(self->kids[i], NULL, 0);
	}
	for (i = 0; i < NPARAMS; i++)
		write_param(params[i], self->saved[i]);
	for (i = 0; i < self->n; i++)
		svipc_shmctl(self->ids[i], IPC_RMID, NULL);
}

static int track(FIXTURE_DATA(shm) *self, int id)
{
	if (id >= 0 && self->n < 32)
		self->ids[self->n++] = id;
	return id;
}

static pid_t kid(FIXTURE_DATA(shm) *self, pid_t pid)
{
	if (pid > 0 && self->nkids < 16)
		self->kids[self->nkids++] = pid;
	return pid;
}

/* The child was reaped: teardown must not wait for it again. */
static void reaped(FIXTURE_DATA(shm) *self, pid_t pid)
{
	int i;

	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] == pid)
			self->kids[i] = 0;
}

#define MK(key, size, flg) track(self, svipc_shmget((key), (size), (flg)))

/* ---- shmget ---------------------------------------------------------- */

TEST_F(shm, shmget_creates_a_zero_filled_segment_with_its_status)
{
	struct shmid_ds ds;
	time_t before = time(NULL);
	unsigned char *p;
	int id, i;

	id = MK(test_key(0), 3 * pg + 5, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(test_key(0), ds.shm_perm.__key);
	EXPECT_EQ(0640, ds.shm_perm.mode);
	EXPECT_EQ(getuid(), ds.shm_perm.uid);
	EXPECT_EQ(getuid(), ds.shm_perm.cuid);
	EXPECT_EQ(getgid(), ds.shm_perm.gid);
	EXPECT_EQ(getgid(), ds.shm_perm.cgid);
	EXPECT_EQ(id >> 15, ds.shm_perm.__seq);
	EXPECT_EQ(3 * pg + 5, ds.shm_segsz);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(0, ds.shm_lpid);
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_EQ(0, ds.shm_atime);
	EXPECT_EQ(0, ds.shm_dtime);
	EXPECT_LE(before, ds.shm_ctime);
	EXPECT_GE(time(NULL), ds.shm_ctime);

	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	for (i = 0; i < 4 * pg; i++)
		if (p[i])
			break;
	/* The whole last page is mapped and zero, as natively. */
	EXPECT_EQ(4 * pg, i);
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, shmget_private_creates_a_new_segment_each_time)
{
	int a = MK(IPC_PRIVATE, pg, 0600), b = MK(IPC_PRIVATE, pg, 0600);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
}

TEST_F(shm, shmget_finds_an_existing_key_and_reports_eexist_and_enoent)
{
	int id = MK(test_key(0), 2 * pg, IPC_CREAT | 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_shmget(test_key(0), 2 * pg, 0600));
	EXPECT_EQ(id, svipc_shmget(test_key(0), 0, 0));
	EXPECT_EQ(id, svipc_shmget(test_key(0), 1, IPC_CREAT | 0600));
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), pg, IPC_CREAT | IPC_EXCL | 0600), EEXIST));
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(1), pg, 0600), ENOENT));
}

TEST_F(shm, shmget_size_rules_and_their_order)
{
	char buf[64];
	int id = MK(test_key(0), 2 * pg, IPC_CREAT | 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, 0, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(1), 0, IPC_CREAT | 0600), EINVAL));
	/* Bigger than the existing segment: EINVAL, even with IPC_CREAT. */
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), 2 * pg + 1, 0600), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), 2 * pg + 1, IPC_CREAT | 0600), EINVAL));
	/* IPC_EXCL is looked at before the size. */
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), 3 * pg, IPC_CREAT | IPC_EXCL | 0600), EEXIST));
	/* Past shmmax. */
	snprintf(buf, sizeof(buf), "%ld", 4 * pg);
	ASSERT_EQ(0, write_param("shmmax", buf));
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, 4 * pg + 1, 0600), EINVAL));
	EXPECT_LE(0, MK(IPC_PRIVATE, 4 * pg, 0600));
	/* size_t is unsigned: a huge size is past shmmax, not negative. */
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL));
	/* An existing segment larger than shmmax is still found. */
	EXPECT_EQ(id, svipc_shmget(test_key(0), 2 * pg, 0600));
}

TEST_F(shm, shmget_beyond_shmall_pages_is_enospc)
{
	unsigned long tot = shm_tot();
	char buf[64];

	ASSERT_NE(ULONG_MAX, tot);
	snprintf(buf, sizeof(buf), "%lu", tot + 3);
	ASSERT_EQ(0, write_param("shmall", buf));
	/* Pages are counted rounded up. */
	ASSERT_LE(0, MK(IPC_PRIVATE, pg + 1, 0600));
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, pg + 1, 0600), ENOSPC));
	EXPECT_LE(0, MK(IPC_PRIVATE, pg, 0600));
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, 1, 0600), ENOSPC));
	/* The size check comes first. */
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, 0, 0600), EINVAL));
	EXPECT_EQ(tot + 3, shm_tot());
}

TEST_F(shm, shmget_beyond_shmmni_segments_is_enospc)
{
	int used = used_ids();
	char buf[64];

	ASSERT_LE(0, used);
	snprintf(buf, sizeof(buf), "%d", used + 2);
	ASSERT_EQ(0, write_param("shmmni", buf));
	ASSERT_LE(0, MK(IPC_PRIVATE, pg, 0600));
	ASSERT_LE(0, MK(IPC_PRIVATE, pg, 0600));
	EXPECT_TRUE(FAILS(svipc_shmget(IPC_PRIVATE, pg, 0600), ENOSPC));
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), pg, IPC_CREAT | 0600), ENOSPC));
	/* Finding an existing key needs no free slot. */
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), pg, 0600), ENOENT));
}

TEST_F(shm, limit_parameters_take_native_values_and_refuse_bad_ones)
{
	char buf[64];

	ASSERT_EQ(0, read_param("shmmni", buf, sizeof(buf)));
	EXPECT_EQ(4096, atoi(buf));
	ASSERT_EQ(0, read_param("shmmax", buf, sizeof(buf)));
	EXPECT_EQ(ULONG_MAX - (1UL << 24), strtoul(buf, NULL, 0));
	ASSERT_EQ(0, read_param("shmall", buf, sizeof(buf)));
	EXPECT_EQ(ULONG_MAX - (1UL << 24), strtoul(buf, NULL, 0));
	ASSERT_EQ(0, read_param("shm_rmid_forced", buf, sizeof(buf)));
	EXPECT_EQ(0, atoi(buf));
	EXPECT_EQ(EINVAL, write_param("shmmni", "32769"));
	EXPECT_EQ(EINVAL, write_param("shmmni", "-1"));
	EXPECT_EQ(0, write_param("shmmni", "32768"));
	EXPECT_EQ(EINVAL, write_param("shmmax", "-1"));
	EXPECT_EQ(EINVAL, write_param("shmall", "many"));
	EXPECT_EQ(0, write_param("shmmax", "18446744073709551615"));
	EXPECT_EQ(EINVAL, write_param("shm_rmid_forced", "2"));
	EXPECT_EQ(0, write_param("shm_rmid_forced", "0"));
}

/* SHM_HUGETLB: shm_huge_test.c. */
TEST_F(shm, shmget_takes_shm_noreserve)
{
	EXPECT_LE(0, MK(IPC_PRIVATE, pg, SHM_NORESERVE | 0600));
}

/* ---- shmat and shmdt ------------------------------------------------- */

TEST_F(shm, shmat_maps_shared_file_memory_named_as_native)
{
	char line[512], want[64];
	struct shmid_ds ds;
	time_t before = time(NULL);
	char *p;
	int id;

	id = MK(test_key(2), 2 * pg, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ(0, (unsigned long)p % pg);
	maps_line(p, line, sizeof(line));
	TH_LOG("%s", line);
	/* rw-s, inode number = shmid, /SYSV<key> (deleted). */
	EXPECT_NE(NULL, strstr(line, " rw-s "));
	snprintf(want, sizeof(want), " %d ", id);
	EXPECT_NE(NULL, strstr(line, want));
	snprintf(want, sizeof(want), "/SYSV%08x (deleted)", test_key(2));
	EXPECT_NE(NULL, strstr(line, want));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_lpid);
	EXPECT_LE(before, ds.shm_atime);
	EXPECT_EQ(0, ds.shm_dtime);
	EXPECT_EQ(0, svipc_shmdt(p));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_LE(before, ds.shm_dtime);
}

TEST_F(shm, writes_are_seen_by_an_unrelated_process_attaching_by_key)
{
	int pfd[2], qfd[2], id;
	key_t key = test_key(0);
	char c = 0, *p;
	pid_t a, b;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pipe(qfd));
	id = MK(key, pg, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	/* Two siblings that share nothing but the key. */
	a = kid(self, fork());
	ASSERT_LE(0, a);
	if (a == 0) {
		int sid = svipc_shmget(key, 0, 0);
		char *m = svipc_shmat(sid, NULL, 0);

		if (m == (void *)-1)
			_exit(1);
		strcpy(m, "written by a");
		if (write(pfd[1], "x", 1) != 1 || read(qfd[0], &c, 1) != 1)
			_exit(2);
		_exit(strcmp(m, "answer from b") ? 3 : 0);
	}
	b = kid(self, fork());
	ASSERT_LE(0, b);
	if (b == 0) {
		int sid = svipc_shmget(key, 0, 0);
		char *m = svipc_shmat(sid, NULL, SHM_RDONLY);
		char *w = svipc_shmat(sid, NULL, 0);

		if (m == (void *)-1 || w == (void *)-1 || read(pfd[0], &c, 1) != 1)
			_exit(1);
		if (strcmp(m, "written by a"))
			_exit(2);
		strcpy(w, "answer from b");
		_exit(write(qfd[1], "y", 1) == 1 ? 0 : 3);
	}
	EXPECT_EQ(0, wait_status(a));
	EXPECT_EQ(0, wait_status(b));
	reaped(self, a);
	reaped(self, b);
	p = svipc_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	EXPECT_STREQ("answer from b", p);
	EXPECT_EQ(0, svipc_shmdt(p));
	/* Every attach of the exited children went with them. */
	EXPECT_EQ(0, nattch(id));
}

TEST_F(shm, fork_shares_the_attach_and_counts_it_until_exit)
{
	int pfd[2], qfd[2], id;
	char c, *p;
	pid_t child;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pipe(qfd));
	id = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	strcpy(p, "parent");
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		int step = 0;

		CHK(!strcmp(p, "parent"));
		strcpy(p, "child");
		CHK(write(pfd[1], "x", 1) == 1);
		CHK(read(qfd[0], &c, 1) == 1);
		/* The child's copy of the attach goes at shmdt too. */
		CHK(svipc_shmdt(p) == 0);
		CHK(write(pfd[1], "x", 1) == 1);
		CHK(read(qfd[0], &c, 1) == 1);
		_exit(0);
	}
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	EXPECT_STREQ("child", p);
	EXPECT_EQ(2, nattch(id));
	ASSERT_EQ(1, write(qfd[1], "y", 1));
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	EXPECT_EQ(1, nattch(id));
	ASSERT_EQ(1, write(qfd[1], "y", 1));
	EXPECT_EQ(0, wait_status(child));
	reaped(self, child);
	EXPECT_EQ(1, nattch(id));

	/* A child that exits attached drops its count with it. */
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(nattch(id) == 2 ? 0 : 1);
	EXPECT_EQ(0, wait_status(child));
	reaped(self, child);
	EXPECT_EQ(1, nattch(id));
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_EQ(0, nattch(id));
}

TEST_F(shm, exec_and_kill_drop_the_attaches_of_the_process)
{
	int pfd[2], id, i;
	char c, *p;
	pid_t child;

	/* Close-on-exec: the exec shows as end-of-file. */
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	id = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		if (svipc_shmat(id, NULL, 0) == (void *)-1)
			_exit(1);
		close(pfd[0]);
		if (write(pfd[1], "x", 1) != 1)
			_exit(2);
		/* busybox sleep: waits, attached to nothing, until killed. */
		execl("/bin/busybox", "sleep", "1000", (char *)NULL);
		_exit(3);
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	ASSERT_EQ(0, read(pfd[0], &c, 1));
	EXPECT_EQ(1, nattch(id));
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
	reaped(self, child);

	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		if (svipc_shmat(id, NULL, 0) == (void *)-1)
			_exit(1);
		pause();
		_exit(0);
	}
	for (i = 0; i < 20000 && nattch(id) != 3; i++)
		usleep(1000);
	EXPECT_EQ(3, nattch(id));
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
	reaped(self, child);
	EXPECT_EQ(1, nattch(id));
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, mprotect_splits_and_partial_munmap_count_every_piece)
{
	struct shmid_ds ds;
	char *p;
	int id;

	id = MK(IPC_PRIVATE, 4 * pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	/* As native: nattch counts VMAs, and a split makes more. */
	ASSERT_EQ(0, mprotect(p + pg, pg, PROT_READ));
	EXPECT_EQ(3, nattch(id));
	EXPECT_EQ(3, maps_count(id));
	/* Pieces of one attach never merge back. */
	ASSERT_EQ(0, mprotect(p + pg, pg, PROT_READ | PROT_WRITE));
	EXPECT_EQ(3, nattch(id));
	ASSERT_EQ(0, munmap(p + 3 * pg, pg));
	EXPECT_EQ(3, nattch(id));
	ASSERT_EQ(0, munmap(p + 2 * pg, pg));
	EXPECT_EQ(2, nattch(id));
	strcpy(p, "still here");
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(2, ds.shm_nattch);
	/* shmdt takes every remaining piece of the attach. */
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_EQ(0, nattch(id));
	EXPECT_EQ(0, maps_count(id));
	p = svipc_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	EXPECT_STREQ("still here", p);
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, shmdt_finds_an_attach_whose_first_page_is_gone)
{
	char *p;
	int id;

	id = MK(IPC_PRIVATE, 3 * pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, munmap(p, pg));
	EXPECT_EQ(1, nattch(id));
	/* The piece's offset says it belongs to the attach made at p. */
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_EQ(0, nattch(id));
	EXPECT_TRUE(FAILS(svipc_shmdt(p), EINVAL));
}

TEST_F(shm, shmdt_errors_and_shmdt_detaches_only_its_own_attach)
{
	char *p, *q, *m;
	int id;

	id = MK(IPC_PRIVATE, 2 * pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	q = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_NE((void *)-1, q);
	EXPECT_EQ(2, nattch(id));
	EXPECT_TRUE(FAILS(svipc_shmdt(p + 1), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmdt(p + pg), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmdt(NULL), EINVAL));
	/* Ordinary memory is not an attach. */
	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_TRUE(FAILS(svipc_shmdt(m), EINVAL));
	munmap(m, pg);
	EXPECT_EQ(2, nattch(id));
	EXPECT_EQ(0, svipc_shmdt(q));
	EXPECT_EQ(1, nattch(id));
	*p = 1;
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_TRUE(FAILS(svipc_shmdt(p), EINVAL));
}

TEST_F(shm, shmat_errors)
{
	int id = MK(IPC_PRIVATE, pg, 0600), gone;

	ASSERT_LE(0, id);
	EXPECT_TRUE(AT_FAILS(svipc_shmat(-1, NULL, 0), EINVAL));
	EXPECT_TRUE(AT_FAILS(svipc_shmat(id + (1 << 15), NULL, 0), EINVAL));
	gone = svipc_shmget(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, gone);
	ASSERT_EQ(0, svipc_shmctl(gone, IPC_RMID, NULL));
	EXPECT_TRUE(AT_FAILS(svipc_shmat(gone, NULL, 0), EINVAL));
	/* The address rules come before the id lookup. */
	EXPECT_TRUE(AT_FAILS(svipc_shmat(gone, (void *)(pg + 1), 0), EINVAL));
	EXPECT_TRUE(AT_FAILS(svipc_shmat(-1, NULL, SHM_REMAP), EINVAL));
}

TEST_F(shm, shmat_address_rules_rnd_remap_and_overlap)
{
	char *p, *q, *r;
	int id;

	id = MK(IPC_PRIVATE, 2 * pg, 0600);
	ASSERT_LE(0, id);
	/* Reserve a spot, then attach there. */
	p = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, 4 * pg));
	q = svipc_shmat(id, p, 0);
	ASSERT_EQ(p, q);
	strcpy(q, "one");
	/* Overlapping an existing mapping needs SHM_REMAP. */
	EXPECT_TRUE(AT_FAILS(svipc_shmat(id, p + pg, 0), EINVAL));
	EXPECT_EQ(1, nattch(id));
	/* Unaligned without SHM_RND. */
	EXPECT_TRUE(AT_FAILS(svipc_shmat(id, p + 2 * pg + 1, 0), EINVAL));
	/* SHM_RND rounds down to SHMLBA (a page here). */
	r = svipc_shmat(id, p + 2 * pg + 123, SHM_RND);
	EXPECT_EQ(p + 2 * pg, r);
	EXPECT_STREQ("one", r);
	EXPECT_EQ(2, nattch(id));
	/* SHM_REMAP replaces what is there: the old attach loses a piece. */
	r = svipc_shmat(id, p + pg, SHM_REMAP);
	EXPECT_EQ(p + pg, r);
	EXPECT_EQ(3, nattch(id));
	EXPECT_STREQ("one", r);
	/* SHM_REMAP needs an address, and one that does not round to 0. */
	EXPECT_TRUE(AT_FAILS(svipc_shmat(id, NULL, SHM_REMAP), EINVAL));
	EXPECT_TRUE(AT_FAILS(svipc_shmat(id, (void *)(pg - 1), SHM_RND | SHM_REMAP), EINVAL));
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_EQ(0, svipc_shmdt(p + pg));
	EXPECT_EQ(0, svipc_shmdt(p + 2 * pg));
	EXPECT_EQ(0, nattch(id));
}

TEST_F(shm, shm_rdonly_faults_on_write_and_cannot_be_made_writable)
{
	char line[512], *r, *w;
	int id;

	id = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	w = svipc_shmat(id, NULL, 0);
	r = svipc_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, w);
	ASSERT_NE((void *)-1, r);
	strcpy(w, "shared");
	EXPECT_STREQ("shared", r);
	maps_line(r, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " r--s "));
	EXPECT_EQ(1, write_faults(r));
	EXPECT_TRUE(FAILS(mprotect(r, pg, PROT_READ | PROT_WRITE), EACCES));
	EXPECT_EQ(1, write_faults(r));
	EXPECT_EQ(0, write_faults(w));
	EXPECT_EQ(0, svipc_shmdt(r));
	EXPECT_EQ(0, svipc_shmdt(w));
}

TEST_F(shm, shm_exec_maps_executable_and_plain_attaches_may_become_so)
{
	char line[512], *x, *p;
	int id;

	id = MK(IPC_PRIVATE, pg, 0700);
	ASSERT_LE(0, id);
	x = svipc_shmat(id, NULL, SHM_EXEC);
	ASSERT_NE((void *)-1, x);
	maps_line(x, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " rwxs "));
	p = svipc_shmat(id, NULL, SHM_RDONLY | SHM_EXEC);
	ASSERT_NE((void *)-1, p);
	maps_line(p, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " r-xs "));
	EXPECT_EQ(0, svipc_shmdt(p));
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ(0, mprotect(p, pg, PROT_READ | PROT_EXEC));
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_EQ(0, svipc_shmdt(x));
}

TEST_F(shm, msync_and_madvise_remove_work_on_an_attach)
{
	char *p;
	int id;

	id = MK(IPC_PRIVATE, 2 * pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	memset(p, 7, 2 * pg);
	EXPECT_EQ(0, msync(p, 2 * pg, MS_SYNC));
	/* MADV_REMOVE punches a hole: the page reads back as zero. */
	if (FAILS(madvise(p + pg, pg, MADV_REMOVE), ENOSYS)) {
		EXPECT_EQ(0, svipc_shmdt(p));
		SKIP(return, "kernel built without madvise (ADVISE_SYSCALLS=n)");
	}
	EXPECT_EQ(0, p[pg]);
	EXPECT_EQ(7, p[0]);
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, a_1_gib_segment_touched_sparsely_allocates_only_what_is_touched)
{
	unsigned long rss0, rss1, step = 64UL << 20, i;
	size_t size = 1UL << 30;
	char *p;
	int id;

	rss0 = shm_rss();
	ASSERT_NE(ULONG_MAX, rss0);
	id = MK(IPC_PRIVATE, size, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(rss0, shm_rss());
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	for (i = 0; i < size; i += step)
		p[i] = (char)(i / step + 1);
	p[size - 1] = 'z';
	rss1 = shm_rss();
	TH_LOG("rss %lu -> %lu pages", rss0, rss1);
	/* 17 pages touched (transparent huge pages are off for shmem). */
	EXPECT_EQ(rss0 + size / step + 1, rss1);
	for (i = 0; i < size; i += step)
		ASSERT_EQ((char)(i / step + 1), p[i]);
	EXPECT_EQ(0, svipc_shmdt(p));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	/* Removed and unattached: the memory is returned at once. */
	EXPECT_EQ(rss0, shm_rss());
}

/* ---- IPC_RMID -------------------------------------------------------- */

TEST_F(shm, rmid_while_attached_hides_the_key_and_frees_at_last_detach)
{
	unsigned long tot0 = shm_tot(), rss0 = shm_rss();
	int used0 = used_ids(), id, again;
	struct shmid_ds ds;
	char *p, *q;

	id = MK(test_key(0), 2 * pg, IPC_CREAT | 0640);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	memset(p, 5, 2 * pg);
	EXPECT_EQ(tot0 + 2, shm_tot());
	EXPECT_EQ(rss0 + 2, shm_rss());
	ASSERT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	/* Still there, marked SHM_DEST, key private. */
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(SHM_DEST_BIT | 0640, ds.shm_perm.mode);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_TRUE(FAILS(svipc_shmget(test_key(0), 0, 0), ENOENT));
	/* The key is free for a new segment. */
	again = MK(test_key(0), pg, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, again);
	EXPECT_NE(id, again);
	/* Attach by id is still allowed, and sees the data. */
	q = svipc_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, q);
	EXPECT_EQ(5, q[pg]);
	EXPECT_EQ(2, nattch(id));
	/* A second IPC_RMID is accepted. */
	EXPECT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_EQ(1, nattch(id));
	EXPECT_EQ(used0 + 2, used_ids());
	EXPECT_EQ(0, svipc_shmdt(q));
	/* Gone, and its memory with it. */
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_STAT, &ds), EINVAL));
	EXPECT_TRUE(AT_FAILS(svipc_shmat(id, NULL, 0), EINVAL));
	EXPECT_EQ(used0 + 1, used_ids());
	EXPECT_EQ(tot0 + 1, shm_tot());
	EXPECT_EQ(rss0, shm_rss());
}

TEST_F(shm, rmid_of_an_attached_segment_frees_it_when_the_last_process_exits)
{
	int pfd[2], id, used0 = used_ids();
	pid_t child;
	char c;

	ASSERT_EQ(0, pipe(pfd));
	id = svipc_shmget(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		char *p = svipc_shmat(id, NULL, 0);

		if (p == (void *)-1 || write(pfd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	EXPECT_EQ(1, nattch(id));
	EXPECT_EQ(used0 + 1, used_ids());
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
	reaped(self, child);
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_STAT, NULL), EINVAL));
	EXPECT_EQ(used0, used_ids());
}

/* ---- shmctl ---------------------------------------------------------- */

TEST_F(shm, shmctl_errors)
{
	struct shmid_ds ds;
	int id = MK(IPC_PRIVATE, pg, 0600);

	ASSERT_LE(0, id);
	EXPECT_TRUE(FAILS(svipc_shmctl(id, -1, &ds), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(-1, IPC_STAT, &ds), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, 99, &ds), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(id + (1 << 15), IPC_STAT, &ds), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_STAT, (void *)8), EFAULT));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_SET, (void *)8), EFAULT));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_INFO, (void *)8), EFAULT));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, SHM_INFO, (void *)8), EFAULT));
	/* A stale id: EINVAL, not EIDRM. */
	ASSERT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_RMID, NULL), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, SHM_LOCK, NULL), EINVAL));
}

TEST_F(shm, ipc_set_changes_owner_and_low_mode_bits_and_ctime)
{
	struct shmid_ds ds;
	char *p;
	int id;

	id = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	ds.shm_perm.uid = 1234;
	ds.shm_perm.gid = 2345;
	ds.shm_perm.mode = 07777;
	ds.shm_segsz = 1;
	ds.shm_ctime = 0;
	sleep(1);
	ASSERT_EQ(0, svipc_shmctl(id, IPC_SET, &ds));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(1234, ds.shm_perm.uid);
	EXPECT_EQ(2345, ds.shm_perm.gid);
	EXPECT_EQ(getuid(), ds.shm_perm.cuid);
	/* SHM_LOCKED stays; the rest above 0777 is not taken. */
	EXPECT_EQ(SHM_LOCKED_BIT | 0777, ds.shm_perm.mode);
	EXPECT_EQ(pg, ds.shm_segsz);
	EXPECT_LT(time(NULL) - 5, ds.shm_ctime);
	EXPECT_EQ(1, ds.shm_nattch);
	ds.shm_perm.uid = (uid_t)-1;
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_SET, &ds), EINVAL));
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, ipc_info_reports_the_limits_and_the_highest_index)
{
	struct shminfo info;
	int id, ret;

	id = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, write_param("shmmni", "123"));
	ASSERT_EQ(0, write_param("shmmax", "1000000"));
	ASSERT_EQ(0, write_param("shmall", "2000000"));
	memset(&info, 0xff, sizeof(info));
	ret = svipc_shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
	EXPECT_LE(IDX(id), ret);
	EXPECT_EQ(1000000, info.shmmax);
	EXPECT_EQ(1, info.shmmin);
	EXPECT_EQ(123, info.shmmni);
	EXPECT_EQ(123, info.shmseg);
	EXPECT_EQ(2000000, info.shmall);
	/* The id argument is not looked at. */
	EXPECT_EQ(ret, svipc_shmctl(12345, IPC_INFO, (struct shmid_ds *)&info));
}

TEST_F(shm, shm_info_counts_segments_pages_and_resident_pages)
{
	struct shm_info a, b;
	char *p;
	int id, ret;

	ASSERT_LE(0, svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&a));
	id = MK(IPC_PRIVATE, 5 * pg + 1, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	p[0] = 1;
	p[3 * pg] = 1;
	ret = svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&b);
	EXPECT_LE(IDX(id), ret);
	EXPECT_EQ(a.used_ids + 1, b.used_ids);
	EXPECT_EQ(a.shm_tot + 6, b.shm_tot);
	EXPECT_EQ(a.shm_rss + 2, b.shm_rss);
	EXPECT_EQ(a.shm_swp, b.shm_swp);
	EXPECT_EQ(0, b.swap_attempts);
	EXPECT_EQ(0, b.swap_successes);
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, shm_stat_and_shm_stat_any_take_an_index)
{
	struct shmid_ds ds;
	int id;

	id = MK(test_key(3), 2 * pg, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_shmctl(IDX(id), SHM_STAT, &ds));
	EXPECT_EQ(test_key(3), ds.shm_perm.__key);
	EXPECT_EQ(2 * pg, ds.shm_segsz);
	EXPECT_EQ(id, svipc_shmctl(IDX(id), SHM_STAT_ANY, &ds));
	/*
	 * Native masks the sequence off (ipcid_to_idx), so the full id
	 * also works as its own index.
	 */
	EXPECT_EQ(id, svipc_shmctl(id, SHM_STAT, &ds));
	EXPECT_EQ(id, svipc_shmctl(id, SHM_STAT_ANY, &ds));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	EXPECT_TRUE(FAILS(svipc_shmctl(IDX(id), SHM_STAT, &ds), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(IDX(id), SHM_STAT_ANY, &ds), EINVAL));
}

TEST_F(shm, shm_lock_sets_the_mode_bit_and_unlock_clears_it)
{
	struct shmid_ds ds;
	char *p;
	int id;

	id = MK(IPC_PRIVATE, 3 * pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	memset(p, 9, 3 * pg);
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(SHM_LOCKED_BIT | 0600, ds.shm_perm.mode);
	EXPECT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(0, svipc_shmctl(id, SHM_UNLOCK, NULL));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0600, ds.shm_perm.mode);
	EXPECT_EQ(0, svipc_shmctl(id, SHM_UNLOCK, NULL));
	EXPECT_EQ(9, p[2 * pg]);
	/* Removing a locked segment releases the lock. */
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shm, shm_lock_is_charged_against_rlimit_memlock_per_user)
{
	pid_t child;
	int a, b, c;

	a = MK(IPC_PRIVATE, 2 * pg, 0600);
	b = MK(IPC_PRIVATE, 1, 0600);
	c = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		struct rlimit rl = { 0, 3 * pg };
		int step = 0, mine;

		CHK(become(UNPRIV_UID, UNPRIV_GID) == 0);
		/* Another's segment: owner or CAP_IPC_LOCK only. */
		CHK(FAILS(svipc_shmctl(a, SHM_LOCK, NULL), EPERM));
		CHK(FAILS(svipc_shmctl(a, SHM_UNLOCK, NULL), EPERM));
		mine = svipc_shmget(IPC_PRIVATE, 2 * pg, 0600);
		CHK(mine >= 0);
		CHK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		CHK(FAILS(svipc_shmctl(mine, SHM_LOCK, NULL), EPERM));
		CHK(svipc_shmctl(mine, SHM_UNLOCK, NULL) == 0);
		rl.rlim_cur = 3 * pg;
		CHK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		CHK(svipc_shmctl(mine, SHM_LOCK, NULL) == 0);
		CHK(svipc_shmctl(mine, SHM_LOCK, NULL) == 0);
		_exit(svipc_shmctl(mine, IPC_RMID, NULL) == 0 ? 0 : 99);
	}
	EXPECT_EQ(0, wait_status(child));
	reaped(self, child);

	/* Charges add up per user and come back at SHM_UNLOCK. */
	ASSERT_EQ(0, svipc_shmctl(a, IPC_SET, &(struct shmid_ds){
		.shm_perm = { .uid = UNPRIV_UID, .gid = UNPRIV_GID, .mode = 0600 } }));
	ASSERT_EQ(0, svipc_shmctl(b, IPC_SET, &(struct shmid_ds){
		.shm_perm = { .uid = UNPRIV_UID, .gid = UNPRIV_GID, .mode = 0600 } }));
	ASSERT_EQ(0, svipc_shmctl(c, IPC_SET, &(struct shmid_ds){
		.shm_perm = { .uid = UNPRIV_UID, .gid = UNPRIV_GID, .mode = 0600 } }));
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		struct rlimit rl = { 3 * pg, 3 * pg };
		int step = 0;

		CHK(become(UNPRIV_UID, UNPRIV_GID) == 0);
		CHK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		CHK(svipc_shmctl(a, SHM_LOCK, NULL) == 0);
		CHK(svipc_shmctl(b, SHM_LOCK, NULL) == 0);
		CHK(FAILS(svipc_shmctl(c, SHM_LOCK, NULL), ENOMEM));
		CHK(svipc_shmctl(b, SHM_UNLOCK, NULL) == 0);
		CHK(svipc_shmctl(c, SHM_LOCK, NULL) == 0);
		CHK(svipc_shmctl(a, SHM_UNLOCK, NULL) == 0);
		CHK(svipc_shmctl(c, SHM_UNLOCK, NULL) == 0);
		/* Removal of a locked segment gives the charge back. */
		CHK(svipc_shmctl(a, SHM_LOCK, NULL) == 0);
		CHK(svipc_shmctl(a, IPC_RMID, NULL) == 0);
		CHK(svipc_shmctl(c, SHM_LOCK, NULL) == 0);
		CHK(svipc_shmctl(b, SHM_LOCK, NULL) == 0);
		CHK(svipc_shmctl(b, SHM_UNLOCK, NULL) == 0);
		CHK(svipc_shmctl(c, SHM_UNLOCK, NULL) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(child));
	reaped(self, child);
	/* Root has CAP_IPC_LOCK: no limit, no ownership needed. */
	EXPECT_EQ(0, svipc_shmctl(b, SHM_LOCK, NULL));
	EXPECT_EQ(0, svipc_shmctl(b, SHM_UNLOCK, NULL));
}

/* ---- shm_rmid_forced ------------------------------------------------- */

TEST_F(shm, rmid_forced_destroys_at_creator_exit_and_at_last_detach)
{
	int pfd[2], id, kept, used0;
	pid_t child;
	char *p;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, write_param("shm_rmid_forced", "1"));
	used0 = used_ids();
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		int ids[2];

		ids[0] = svipc_shmget(IPC_PRIVATE, pg, 0600);
		ids[1] = svipc_shmget(IPC_PRIVATE, pg, 0600);
		if (write(pfd[1], ids, sizeof(ids)) != sizeof(ids))
			_exit(1);
		_exit(0);
	}
	{
		int ids[2];

		ASSERT_EQ(sizeof(ids), read(pfd[0], ids, sizeof(ids)));
		id = ids[0];
		kept = ids[1];
	}
	EXPECT_EQ(0, wait_status(child));
	reaped(self, child);
	/* Destroyed before the parent could reap the creator. */
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_STAT, NULL), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(kept, IPC_STAT, NULL), EINVAL));
	EXPECT_EQ(used0, used_ids());

	/* Any segment goes at its last detach, creator alive or not. */
	id = svipc_shmget(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_TRUE(FAILS(svipc_shmctl(id, IPC_STAT, NULL), EINVAL));
	/* Unattached with a live creator: kept. */
	id = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, nattch(id));
}

TEST_F(shm, rmid_forced_spares_attached_orphans_until_their_last_detach)
{
	int pfd[2], qfd[2], id, i;
	pid_t creator, user;
	char c;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pipe(qfd));
	ASSERT_EQ(0, write_param("shm_rmid_forced", "1"));
	creator = kid(self, fork());
	ASSERT_LE(0, creator);
	if (creator == 0) {
		id = svipc_shmget(IPC_PRIVATE, pg, 0600);
		if (id < 0 || svipc_shmat(id, NULL, 0) == (void *)-1)
			_exit(1);
		user = fork();
		if (user == 0) {
			/* Inherits the attach, outlives the creator. */
			if (read(qfd[0], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
		_exit(write(pfd[1], &id, sizeof(id)) == sizeof(id) ? 0 : 1);
	}
	ASSERT_EQ(sizeof(id), read(pfd[0], &id, sizeof(id)));
	EXPECT_EQ(0, wait_status(creator));
	reaped(self, creator);
	/* The grandchild still holds an attach: kept. */
	EXPECT_EQ(1, nattch(id));
	ASSERT_EQ(1, write(qfd[1], "x", 1));
	/* Reaped by init; its exit detaches, which destroys the segment. */
	for (i = 0; i < 20000; i++) {
		if (FAILS(svipc_shmctl(id, IPC_STAT, NULL), EINVAL))
			break;
		usleep(1000);
	}
	EXPECT_GT(20000, i);
}

TEST_F(shm, setting_rmid_forced_destroys_existing_orphans)
{
	int pfd[2], ids[3], mine;
	pid_t child;
	char *p;

	ASSERT_EQ(0, pipe(pfd));
	mine = MK(IPC_PRIVATE, pg, 0600);
	ASSERT_LE(0, mine);
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		ids[0] = svipc_shmget(IPC_PRIVATE, pg, 0600);
		ids[1] = svipc_shmget(IPC_PRIVATE, pg, 0600);
		ids[2] = svipc_shmget(IPC_PRIVATE, pg, 0600);
		_exit(write(pfd[1], ids, sizeof(ids)) == sizeof(ids) ? 0 : 1);
	}
	ASSERT_EQ(sizeof(ids), read(pfd[0], ids, sizeof(ids)));
	EXPECT_EQ(0, wait_status(child));
	reaped(self, child);
	track(self, ids[0]);
	track(self, ids[1]);
	track(self, ids[2]);
	/* With shm_rmid_forced 0, orphans stay. */
	EXPECT_EQ(0, nattch(ids[0]));
	p = svipc_shmat(ids[1], NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, write_param("shm_rmid_forced", "1"));
	/* Unattached orphans go; the attached one and ours stay. */
	EXPECT_TRUE(FAILS(svipc_shmctl(ids[0], IPC_STAT, NULL), EINVAL));
	EXPECT_TRUE(FAILS(svipc_shmctl(ids[2], IPC_STAT, NULL), EINVAL));
	EXPECT_EQ(1, nattch(ids[1]));
	EXPECT_EQ(0, nattch(mine));
	EXPECT_EQ(0, svipc_shmdt(p));
	EXPECT_TRUE(FAILS(svipc_shmctl(ids[1], IPC_STAT, NULL), EINVAL));
}

SVIPC_TEST_MAIN
