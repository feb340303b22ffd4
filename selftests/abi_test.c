// SPDX-License-Identifier: GPL-2.0
/*
 * The raw ioctl ABI of /dev/svipc (uapi/linux/svipc.h), spoken directly:
 * unknown numbers give ENOTTY, reserved fields and bad sizes give EINVAL,
 * bad argument pointers and bad user pointers inside the structures give
 * EFAULT (with native's side effects: nothing queued, a message lost on a
 * failed receive), both mtype widths work, and every structure has one
 * layout.  Shared memory's ioctls get the same treatment at the end:
 * shmat's address comes back in its structure (and an attach the caller
 * cannot learn is undone), the library's 32-bit conversions agree with
 * the raw structures.  The file is also built with -m32 (abi32_test), which proves the
 * compat_ioctl path: every expectation here holds for both builds.
 */
#include <limits.h>
#include <stddef.h>
#include <sys/mman.h>

#include "common.h"


/*
 * The ABI's layout of the status structures, written out rather than taken
 * from the header: the x86-64 kernel's ipc64_perm, msqid64_ds and msginfo.
 * Tests read the status fields at these offsets, so a layout slip in the
 * header shows in the layout tests, not in every test.
 */
#define ABI_PERM_SIZE		48
#define ABI_MSQID_SIZE		120
#define ABI_MSGINFO_SIZE	32

#define OFF_KEY		0
#define OFF_UID		4
#define OFF_GID		8
#define OFF_CUID	12
#define OFF_CGID	16
#define OFF_MODE	20
#define OFF_SEQ		24
#define OFF_STIME	48
#define OFF_RTIME	56
#define OFF_CTIME	64
#define OFF_CBYTES	72
#define OFF_QNUM	80
#define OFF_QBYTES	88
#define OFF_LSPID	96
#define OFF_LRPID	100

#define OFF_MSGPOOL	0
#define OFF_MSGMAP	4
#define OFF_MSGMAX	8
#define OFF_MSGMNB	12
#define OFF_MSGMNI	16
#define OFF_MSGSSZ	20
#define OFF_MSGTQL	24
#define OFF_MSGSEG	28

/* Room for any status structure, whatever a broken header thinks. */
#define STATBUF		256

#define KERNEL_ADDR	0xffffffff81000000ULL

/* ---- helpers ---------------------------------------------------------- */

static long raw_msgget(key_t key, int flags)
{
	struct svipc_get a = { .key = key, .flags = flags };

	return raw_ioctl(SVIPC_IOC_MSGGET, &a);
}

static long raw_snd(int id, const void *msgp, uint64_t sz, int flg,
		    uint32_t width)
{
	struct svipc_msgsnd a = {
		.msqid = id,
		.msgflg = flg,
		.msgp = (uintptr_t)msgp,
		.msgsz = sz,
		.mtype_size = width,
	};

	return raw_ioctl(SVIPC_IOC_MSGSND, &a);
}

static long raw_rcv(int id, void *msgp, uint64_t sz, int64_t typ, int flg,
		    uint32_t width)
{
	struct svipc_msgrcv a = {
		.msqid = id,
		.msgflg = flg,
		.msgp = (uintptr_t)msgp,
		.msgsz = sz,
		.msgtyp = typ,
		.mtype_size = width,
	};

	return raw_ioctl(SVIPC_IOC_MSGRCV, &a);
}

static long raw_ctl(int id, int cmd, const void *buf)
{
	struct svipc_ctl a = { .id = id, .cmd = cmd, .buf = (uintptr_t)buf };

	return raw_ioctl(SVIPC_IOC_MSGCTL, &a);
}

static long raw_ctl64(int id, int cmd, uint64_t buf)
{
	struct svipc_ctl a = { .id = id, .cmd = cmd, .buf = buf };

	return raw_ioctl(SVIPC_IOC_MSGCTL, &a);
}

static uint64_t get_u64(const unsigned char *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put_u64(unsigned char *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put_u32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

/* IPC_STAT into a STATBUF-sized buffer; 0 or -1. */
static int raw_stat(int id, unsigned char *buf)
{
	memset(buf, 0, STATBUF);
	return raw_ctl(id, IPC_STAT, buf) ? -1 : 0;
}

/* Messages on the queue, read through a raw IPC_STAT; ~0 on error. */
static uint64_t qnum(int id)
{
	unsigned char buf[STATBUF];

	if (raw_stat(id, buf))
		return ~0ULL;
	return get_u64(buf, OFF_QNUM);
}

static uint64_t cbytes(int id)
{
	unsigned char buf[STATBUF];

	if (raw_stat(id, buf))
		return ~0ULL;
	return get_u64(buf, OFF_CBYTES);
}

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* An address with nothing mapped at it (use before mapping anything else). */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, page_size());
	return p;
}

/* Two pages whose second one is unmapped: returns the end of the first. */
static unsigned char *page_end_before_hole(void)
{
	long pg = page_size();
	unsigned char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + pg, pg);
	return p + pg;
}

/* A zeroed page that can only be read. */
static void *read_only_page(void)
{
	void *p = mmap(NULL, page_size(), PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Lay out a message: an mtype of @width bytes, then the text. */
static size_t put_msg(unsigned char *buf, uint32_t width, int64_t mtype,
		      const char *text, size_t len)
{
	if (width == 4) {
		int32_t t = (int32_t)mtype;

		memcpy(buf, &t, 4);
	} else {
		memcpy(buf, &mtype, 8);
	}
	memcpy(buf + width, text, len);
	return len;
}

/* errno of a call that must fail, or 0 if it succeeded. */
#define ERRNO_OF(expr) ({ long __r; errno = 0; __r = (long)(expr); \
			  __r == -1 ? errno : (__r < -1 ? -9999 : 0); })

/* Allows a trailing TH_LOG(), like the harness's own EXPECT_*(). */
#define EXPECT_ERRNO(err, expr) EXPECT_EQ(err, ERRNO_OF(expr))

/* ---- fixture: every queue is removed, even after a failed ASSERT ----- */

FIXTURE(abi) {
	int ids[32];
	int n;
};

FIXTURE_SETUP(abi)
{
	self->n = 0;
	ASSERT_LE(0, svipc_fd()) TH_LOG("open %s: %s", SVIPC_DEVICE,
					 strerror(errno));
}

FIXTURE_TEARDOWN(abi)
{
	int i;

	for (i = 0; i < self->n; i++)
		raw_ctl(self->ids[i], IPC_RMID, NULL);
	/* Keyed queues a test may have made by accident. */
	for (i = 0; i < 16; i++) {
		long id = raw_msgget(test_key(i), 0);

		if (id >= 0)
			raw_ctl(id, IPC_RMID, NULL);
	}
}

static long track(FIXTURE_DATA(abi) *self, long id)
{
	if (id >= 0 && id <= INT_MAX && self->n < 32)
		self->ids[self->n++] = id;
	return id;
}

/* Track what an ioctl of MSGGET's number wrongly returned, as an id. */
static long track_cmd(FIXTURE_DATA(abi) *self, unsigned long cmd, long r)
{
	return _IOC_NR(cmd) == _IOC_NR(SVIPC_IOC_MSGGET) ? track(self, r) : r;
}

#define NEWQ() ((int)track(self, raw_msgget(IPC_PRIVATE, IPC_CREAT | 0600)))

static const struct {
	unsigned long cmd;
} all_ioctls[] = {
	{ SVIPC_IOC_VERSION },
	{ SVIPC_IOC_MSGGET },
	{ SVIPC_IOC_MSGSND },
	{ SVIPC_IOC_MSGRCV },
	{ SVIPC_IOC_MSGCTL },
	{ SVIPC_IOC_SEMGET },
	{ SVIPC_IOC_SEMOP },
	{ SVIPC_IOC_SEMCTL },
	{ SVIPC_IOC_SHMGET },
	{ SVIPC_IOC_SHMAT },
	{ SVIPC_IOC_SHMDT },
	{ SVIPC_IOC_SHMCTL },
	{ SVIPC_IOC_LIMIT },
};

#define N_IOCTLS (sizeof(all_ioctls) / sizeof(all_ioctls[0]))

/*
 * @cmd must be ENOTTY with a NULL argument and with a zeroed, valid one.
 * Should the module wrongly accept it, a returned id is cleaned up.
 */
static void check_enotty(struct __test_metadata *_metadata,
			 FIXTURE_DATA(abi) *self, unsigned long cmd)
{
	unsigned char arg[STATBUF];
	long r;
	int e;

	errno = 0;
	r = ioctl(svipc_fd(), cmd, NULL);
	e = errno;
	track_cmd(self, cmd, r);
	EXPECT_EQ(-1, r) TH_LOG("cmd %#lx with NULL succeeded", cmd);
	EXPECT_EQ(ENOTTY, e) TH_LOG("cmd %#lx with NULL: %s", cmd, strerror(e));

	memset(arg, 0, sizeof(arg));
	errno = 0;
	r = ioctl(svipc_fd(), cmd, arg);
	e = errno;
	track_cmd(self, cmd, r);
	EXPECT_EQ(-1, r) TH_LOG("cmd %#lx succeeded", cmd);
	EXPECT_EQ(ENOTTY, e) TH_LOG("cmd %#lx: %s", cmd, strerror(e));
}

/* ---- layouts ---------------------------------------------------------- */

#define EXPECT_LAYOUT(want, got) \
	EXPECT_EQ((size_t)(want), (size_t)(got)) TH_LOG("%s", #got)

TEST(argument_structs_have_one_layout_for_32_and_64_bit)
{
	EXPECT_LAYOUT(24, sizeof(struct svipc_version));
	EXPECT_LAYOUT(0, offsetof(struct svipc_version, abi_version));
	EXPECT_LAYOUT(4, offsetof(struct svipc_version, kinds));
	EXPECT_LAYOUT(8, offsetof(struct svipc_version, resv));

	EXPECT_LAYOUT(16, sizeof(struct svipc_limit));
	EXPECT_LAYOUT(0, offsetof(struct svipc_limit, name));
	EXPECT_LAYOUT(4, offsetof(struct svipc_limit, flags));
	EXPECT_LAYOUT(8, offsetof(struct svipc_limit, value));

	EXPECT_LAYOUT(24, sizeof(struct svipc_get));
	EXPECT_LAYOUT(0, offsetof(struct svipc_get, key));
	EXPECT_LAYOUT(4, offsetof(struct svipc_get, flags));
	EXPECT_LAYOUT(8, offsetof(struct svipc_get, size));
	EXPECT_LAYOUT(16, offsetof(struct svipc_get, resv));

	EXPECT_LAYOUT(32, sizeof(struct svipc_msgsnd));
	EXPECT_LAYOUT(0, offsetof(struct svipc_msgsnd, msqid));
	EXPECT_LAYOUT(4, offsetof(struct svipc_msgsnd, msgflg));
	EXPECT_LAYOUT(8, offsetof(struct svipc_msgsnd, msgp));
	EXPECT_LAYOUT(16, offsetof(struct svipc_msgsnd, msgsz));
	EXPECT_LAYOUT(24, offsetof(struct svipc_msgsnd, mtype_size));
	EXPECT_LAYOUT(28, offsetof(struct svipc_msgsnd, resv));

	EXPECT_LAYOUT(40, sizeof(struct svipc_msgrcv));
	EXPECT_LAYOUT(0, offsetof(struct svipc_msgrcv, msqid));
	EXPECT_LAYOUT(4, offsetof(struct svipc_msgrcv, msgflg));
	EXPECT_LAYOUT(8, offsetof(struct svipc_msgrcv, msgp));
	EXPECT_LAYOUT(16, offsetof(struct svipc_msgrcv, msgsz));
	EXPECT_LAYOUT(24, offsetof(struct svipc_msgrcv, msgtyp));
	EXPECT_LAYOUT(32, offsetof(struct svipc_msgrcv, mtype_size));
	EXPECT_LAYOUT(36, offsetof(struct svipc_msgrcv, resv));

	EXPECT_LAYOUT(24, sizeof(struct svipc_ctl));
	EXPECT_LAYOUT(0, offsetof(struct svipc_ctl, id));
	EXPECT_LAYOUT(4, offsetof(struct svipc_ctl, cmd));
	EXPECT_LAYOUT(8, offsetof(struct svipc_ctl, buf));
	EXPECT_LAYOUT(16, offsetof(struct svipc_ctl, semnum));
	EXPECT_LAYOUT(20, offsetof(struct svipc_ctl, resv));

	/* The size is part of each ioctl number. */
	EXPECT_LAYOUT(24, _IOC_SIZE(SVIPC_IOC_VERSION));
	EXPECT_LAYOUT(24, _IOC_SIZE(SVIPC_IOC_MSGGET));
	EXPECT_LAYOUT(32, _IOC_SIZE(SVIPC_IOC_MSGSND));
	EXPECT_LAYOUT(40, _IOC_SIZE(SVIPC_IOC_MSGRCV));
	EXPECT_LAYOUT(24, _IOC_SIZE(SVIPC_IOC_MSGCTL));
}

TEST(ipc_perm_and_msqid_ds_have_the_x86_64_msqid64_ds_layout)
{
	EXPECT_LAYOUT(ABI_PERM_SIZE, sizeof(struct svipc_ipc_perm));
	EXPECT_LAYOUT(OFF_KEY, offsetof(struct svipc_ipc_perm, key));
	EXPECT_LAYOUT(OFF_UID, offsetof(struct svipc_ipc_perm, uid));
	EXPECT_LAYOUT(OFF_GID, offsetof(struct svipc_ipc_perm, gid));
	EXPECT_LAYOUT(OFF_CUID, offsetof(struct svipc_ipc_perm, cuid));
	EXPECT_LAYOUT(OFF_CGID, offsetof(struct svipc_ipc_perm, cgid));
	EXPECT_LAYOUT(OFF_MODE, offsetof(struct svipc_ipc_perm, mode));
	EXPECT_LAYOUT(OFF_SEQ, offsetof(struct svipc_ipc_perm, seq));
	EXPECT_LAYOUT(26, offsetof(struct svipc_ipc_perm, pad));
	EXPECT_LAYOUT(32, offsetof(struct svipc_ipc_perm, unused1));
	EXPECT_LAYOUT(40, offsetof(struct svipc_ipc_perm, unused2));

	EXPECT_LAYOUT(ABI_MSQID_SIZE, sizeof(struct svipc_msqid_ds));
	EXPECT_LAYOUT(0, offsetof(struct svipc_msqid_ds, perm));
	EXPECT_LAYOUT(OFF_STIME, offsetof(struct svipc_msqid_ds, stime));
	EXPECT_LAYOUT(OFF_RTIME, offsetof(struct svipc_msqid_ds, rtime));
	EXPECT_LAYOUT(OFF_CTIME, offsetof(struct svipc_msqid_ds, ctime));
	EXPECT_LAYOUT(OFF_CBYTES, offsetof(struct svipc_msqid_ds, cbytes));
	EXPECT_LAYOUT(OFF_QNUM, offsetof(struct svipc_msqid_ds, qnum));
	EXPECT_LAYOUT(OFF_QBYTES, offsetof(struct svipc_msqid_ds, qbytes));
	EXPECT_LAYOUT(OFF_LSPID, offsetof(struct svipc_msqid_ds, lspid));
	EXPECT_LAYOUT(OFF_LRPID, offsetof(struct svipc_msqid_ds, lrpid));
	EXPECT_LAYOUT(104, offsetof(struct svipc_msqid_ds, unused4));
	EXPECT_LAYOUT(112, offsetof(struct svipc_msqid_ds, unused5));
}

TEST(msginfo_has_one_layout_for_32_and_64_bit)
{
	EXPECT_LAYOUT(ABI_MSGINFO_SIZE, sizeof(struct svipc_msginfo));
	EXPECT_LAYOUT(OFF_MSGPOOL, offsetof(struct svipc_msginfo, msgpool));
	EXPECT_LAYOUT(OFF_MSGMAP, offsetof(struct svipc_msginfo, msgmap));
	EXPECT_LAYOUT(OFF_MSGMAX, offsetof(struct svipc_msginfo, msgmax));
	EXPECT_LAYOUT(OFF_MSGMNB, offsetof(struct svipc_msginfo, msgmnb));
	EXPECT_LAYOUT(OFF_MSGMNI, offsetof(struct svipc_msginfo, msgmni));
	EXPECT_LAYOUT(OFF_MSGSSZ, offsetof(struct svipc_msginfo, msgssz));
	EXPECT_LAYOUT(OFF_MSGTQL, offsetof(struct svipc_msginfo, msgtql));
	EXPECT_LAYOUT(OFF_MSGSEG, offsetof(struct svipc_msginfo, msgseg));
	EXPECT_LAYOUT(30, offsetof(struct svipc_msginfo, pad));
}

#if __SIZEOF_LONG__ == 8
TEST(libc_msqid_ds_and_msginfo_match_the_abi_on_64_bit)
{
	EXPECT_LAYOUT(ABI_MSQID_SIZE, sizeof(struct msqid_ds));
	EXPECT_LAYOUT(OFF_MODE, offsetof(struct msqid_ds, msg_perm.mode));
	EXPECT_LAYOUT(OFF_SEQ, offsetof(struct msqid_ds, msg_perm.__seq));
	EXPECT_LAYOUT(OFF_STIME, offsetof(struct msqid_ds, msg_stime));
	EXPECT_LAYOUT(OFF_QNUM, offsetof(struct msqid_ds, msg_qnum));
	EXPECT_LAYOUT(OFF_QBYTES, offsetof(struct msqid_ds, msg_qbytes));
	EXPECT_LAYOUT(OFF_LRPID, offsetof(struct msqid_ds, msg_lrpid));
	EXPECT_LAYOUT(ABI_MSGINFO_SIZE, sizeof(struct msginfo));
	EXPECT_LAYOUT(OFF_MSGSEG, offsetof(struct msginfo, msgseg));
}
#endif

TEST_F(abi, ipc_stat_writes_exactly_the_abi_msqid_ds)
{
	unsigned char buf[STATBUF];
	int id = NEWQ();
	size_t i, dirty = 0;

	ASSERT_LE(0, id);
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, raw_ctl(id, IPC_STAT, buf));
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0xa5)
			dirty = i + 1;
	/* unused4/unused5 are written as zeroes, so the last byte is 119. */
	EXPECT_EQ((size_t)ABI_MSQID_SIZE, dirty);
	EXPECT_EQ((size_t)ABI_MSQID_SIZE, sizeof(struct svipc_msqid_ds))
		TH_LOG("the kernel writes %d bytes into a %zu-byte struct",
		       ABI_MSQID_SIZE, sizeof(struct svipc_msqid_ds));
	EXPECT_EQ(0600u, get_u32(buf, OFF_MODE) & 0777);
	EXPECT_EQ((uint32_t)geteuid(), get_u32(buf, OFF_UID));
	EXPECT_EQ((uint64_t)param_get("msgmnb"), get_u64(buf, OFF_QBYTES));
	EXPECT_EQ(0u, get_u64(buf, OFF_QNUM));
	EXPECT_NE(0u, get_u64(buf, OFF_CTIME));
}

TEST_F(abi, ipc_info_writes_exactly_the_abi_msginfo)
{
	unsigned char buf[STATBUF];
	size_t i, dirty = 0;
	int cmds[] = { IPC_INFO, MSG_INFO };
	unsigned int c;

	for (c = 0; c < 2; c++) {
		memset(buf, 0xa5, sizeof(buf));
		dirty = 0;
		ASSERT_LE(0, raw_ctl(0, cmds[c], buf));
		for (i = 0; i < sizeof(buf); i++)
			if (buf[i] != 0xa5)
				dirty = i + 1;
		EXPECT_EQ((size_t)ABI_MSGINFO_SIZE, dirty);
		EXPECT_EQ((uint32_t)param_get("msgmax"),
			  get_u32(buf, OFF_MSGMAX));
		EXPECT_EQ((uint32_t)param_get("msgmnb"),
			  get_u32(buf, OFF_MSGMNB));
		EXPECT_EQ((uint32_t)param_get("msgmni"),
			  get_u32(buf, OFF_MSGMNI));
		EXPECT_EQ(16u, get_u32(buf, OFF_MSGSSZ));
	}
}

/* ---- ENOTTY ----------------------------------------------------------- */

TEST_F(abi, unknown_ioctl_magic_is_enotty)
{
	static const unsigned char magics[] = { 0xe4, 0xe6, 0x5e, 0xff };
	unsigned int i, j;

	for (i = 0; i < sizeof(magics); i++)
		for (j = 0; j < N_IOCTLS; j++)
			check_enotty(_metadata, self,
				     _IOC(_IOC_DIR(all_ioctls[j].cmd), magics[i],
					  _IOC_NR(all_ioctls[j].cmd),
					  _IOC_SIZE(all_ioctls[j].cmd)));
	check_enotty(_metadata, self, 0);
}

TEST_F(abi, unknown_ioctl_number_is_enotty)
{
	static const unsigned char nrs[] = {
		0x01, 0x02, 0x0f, 0x14, 0x15, 0x23, 0x2f, 0x3f, 0xff,
	};
	static const unsigned int sizes[] = { 0, 8, 24, 32, 40 };
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	unsigned int i, j, k;

	for (i = 0; i < sizeof(nrs); i++)
		for (j = 0; j < 5; j++)
			for (k = 0; k < 4; k++)
				check_enotty(_metadata, self,
					     _IOC(dirs[k], SVIPC_IOC_MAGIC,
						  nrs[i], sizes[j]));
}

TEST_F(abi, known_number_with_wrong_size_is_enotty)
{
	static const unsigned int sizes[] = { 0, 4, 8, 16, 20, 24, 28, 32, 36,
					      40, 44, 48, 120 };
	unsigned int i, j;

	for (j = 0; j < N_IOCTLS; j++) {
		unsigned long cmd = all_ioctls[j].cmd;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			if (sizes[i] == _IOC_SIZE(cmd))
				continue;
			check_enotty(_metadata, self,
				     _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd),
					  _IOC_NR(cmd), sizes[i]));
		}
	}
}

TEST_F(abi, known_number_with_wrong_direction_is_enotty)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	unsigned int i, j;

	for (j = 0; j < N_IOCTLS; j++) {
		unsigned long cmd = all_ioctls[j].cmd;

		for (i = 0; i < 4; i++) {
			if (dirs[i] == _IOC_DIR(cmd))
				continue;
			check_enotty(_metadata, self,
				     _IOC(dirs[i], _IOC_TYPE(cmd),
					  _IOC_NR(cmd), _IOC_SIZE(cmd)));
		}
	}
}

/* ---- VERSION ---------------------------------------------------------- */

TEST(version_reports_abi_1_and_message_queues)
{
	struct svipc_version v;

	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, raw_ioctl(SVIPC_IOC_VERSION, &v));
	EXPECT_EQ(SVIPC_ABI_VERSION, v.abi_version);
	EXPECT_EQ(1u, v.abi_version);
	EXPECT_EQ(SVIPC_KIND_MSG, v.kinds & SVIPC_KIND_MSG);
	EXPECT_EQ(0u, v.kinds & ~(SVIPC_KIND_MSG | SVIPC_KIND_SEM |
				  SVIPC_KIND_SHM));
	EXPECT_EQ(0u, v.resv[0]);
	EXPECT_EQ(0u, v.resv[1]);
}

TEST(version_with_nonzero_in_fields_is_einval)
{
	struct svipc_version v;
	int i;

	for (i = 0; i < 6; i++) {
		memset(&v, 0, sizeof(v));
		switch (i) {
		case 0: v.abi_version = 1; break;
		case 1: v.abi_version = 0x80000000u; break;
		case 2: v.kinds = SVIPC_KIND_MSG; break;
		case 3: v.resv[0] = 1; break;
		case 4: v.resv[1] = 1ULL << 63; break;
		case 5: v.resv[0] = v.resv[1] = ~0ULL; break;
		}
		EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_VERSION, &v))
			TH_LOG("case %d", i);
	}
}

TEST(version_into_read_only_argument_is_efault)
{
	void *p = read_only_page();

	ASSERT_TRUE(p != NULL);
	EXPECT_ERRNO(EFAULT, raw_ioctl(SVIPC_IOC_VERSION, p));
	munmap(p, page_size());
}

/* ---- EFAULT for the argument pointer ---------------------------------- */

TEST_F(abi, null_argument_pointer_is_efault_for_every_ioctl)
{
	unsigned int i;

	for (i = 0; i < N_IOCTLS; i++)
		EXPECT_ERRNO(EFAULT, track_cmd(self, all_ioctls[i].cmd, ioctl(svipc_fd(),
					   all_ioctls[i].cmd, NULL)))
			TH_LOG("ioctl %#lx", all_ioctls[i].cmd);
}

TEST_F(abi, unmapped_argument_pointer_is_efault_for_every_ioctl)
{
	void *p = unmapped_page();
	unsigned int i;

	ASSERT_TRUE(p != NULL);
	for (i = 0; i < N_IOCTLS; i++) {
		EXPECT_ERRNO(EFAULT, track_cmd(self, all_ioctls[i].cmd, ioctl(svipc_fd(),
					   all_ioctls[i].cmd, p)))
			TH_LOG("ioctl %#lx", all_ioctls[i].cmd);
		/* A struct that starts on the hole's last byte, too. */
		EXPECT_ERRNO(EFAULT, track_cmd(self, all_ioctls[i].cmd, ioctl(svipc_fd(),
					   all_ioctls[i].cmd,
					   (char *)p + page_size() - 1)))
			TH_LOG("ioctl %#lx", all_ioctls[i].cmd);
	}
}

TEST_F(abi, kernel_address_argument_pointer_is_efault_for_every_ioctl)
{
#if __SIZEOF_LONG__ == 8
	static const unsigned long addrs[] = {
		KERNEL_ADDR,			/* kernel text */
		0xffff888000000000UL,		/* direct map */
		0x8000000000000000UL,		/* non-canonical */
		0xfffffffffffff000UL,		/* last page */
	};
	unsigned int i, j;

	for (j = 0; j < sizeof(addrs) / sizeof(addrs[0]); j++)
		for (i = 0; i < N_IOCTLS; i++)
			EXPECT_ERRNO(EFAULT,
				     track_cmd(self, all_ioctls[i].cmd,
					       ioctl(svipc_fd(),
						     all_ioctls[i].cmd,
						       (void *)addrs[j])))
				TH_LOG("ioctl %#lx at %#lx", all_ioctls[i].cmd,
				       addrs[j]);
#else
	SKIP(return, "a 32-bit argument pointer cannot name a kernel address");
#endif
}

TEST_F(abi, argument_struct_running_into_unmapped_page_is_efault)
{
	unsigned char *end = page_end_before_hole();
	unsigned int i;

	ASSERT_TRUE(end != NULL);
	for (i = 0; i < N_IOCTLS; i++) {
		size_t sz = _IOC_SIZE(all_ioctls[i].cmd);
		unsigned char *p = end - sz + 8;	/* last 8 bytes missing */

		memset(p, 0, sz - 8);
		if (all_ioctls[i].cmd == SVIPC_IOC_MSGGET) {
			/* key and flags are readable: a create must not happen */
			struct svipc_get g = { .key = test_key(1),
					       .flags = IPC_CREAT | 0600 };

			memcpy(p, &g, 8);
		}
		EXPECT_ERRNO(EFAULT, track_cmd(self, all_ioctls[i].cmd, ioctl(svipc_fd(),
					   all_ioctls[i].cmd, p)))
			TH_LOG("ioctl %#lx", all_ioctls[i].cmd);
	}
	EXPECT_ERRNO(ENOENT, raw_msgget(test_key(1), 0));
	munmap(end - page_size(), page_size());
}

/* ---- reserved fields and in-fields ------------------------------------ */

TEST_F(abi, msgget_nonzero_resv_is_einval)
{
	struct svipc_get g = { .key = test_key(2), .flags = IPC_CREAT | 0600,
			       .resv = 1 };

	EXPECT_ERRNO(EINVAL, track(self, raw_ioctl(SVIPC_IOC_MSGGET, &g)));
	g.resv = 1ULL << 63;
	EXPECT_ERRNO(EINVAL, track(self, raw_ioctl(SVIPC_IOC_MSGGET, &g)));
	g.key = IPC_PRIVATE;
	EXPECT_ERRNO(EINVAL, track(self, raw_ioctl(SVIPC_IOC_MSGGET, &g)));
	/* Nothing was created. */
	EXPECT_ERRNO(ENOENT, raw_msgget(test_key(2), 0));
	g.resv = 0;
	g.key = test_key(2);
	EXPECT_LE(0, track(self, raw_ioctl(SVIPC_IOC_MSGGET, &g)));
}

TEST_F(abi, msgget_nonzero_size_is_einval)
{
	struct svipc_get g = { .key = test_key(3), .flags = IPC_CREAT | 0600 };
	static const uint64_t sizes[] = { 1, 8192, 1ULL << 32, ~0ULL };
	unsigned int i;
	int id;

	for (i = 0; i < 4; i++) {
		g.size = sizes[i];
		EXPECT_ERRNO(EINVAL, track(self, raw_ioctl(SVIPC_IOC_MSGGET,
							   &g)))
			TH_LOG("size %#llx", (unsigned long long)sizes[i]);
	}
	EXPECT_ERRNO(ENOENT, raw_msgget(test_key(3), 0));
	/* ...also for an existing key. */
	g.size = 0;
	id = track(self, raw_ioctl(SVIPC_IOC_MSGGET, &g));
	ASSERT_LE(0, id);
	g.size = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGGET, &g));
	g.flags = 0;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGGET, &g));
	g.size = 0;
	EXPECT_EQ(id, raw_ioctl(SVIPC_IOC_MSGGET, &g));
}

TEST_F(abi, msgsnd_nonzero_resv_is_einval)
{
	unsigned char msg[16] = { 0 };
	struct svipc_msgsnd a;
	int id = NEWQ();

	ASSERT_LE(0, id);
	put_msg(msg, sizeof(long), 1, "x", 1);
	memset(&a, 0, sizeof(a));
	a.msqid = id;
	a.msgflg = IPC_NOWAIT;
	a.msgp = (uintptr_t)msg;
	a.msgsz = 1;
	a.mtype_size = sizeof(long);
	a.resv = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGSND, &a));
	a.resv = 0x80000000u;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGSND, &a));
	EXPECT_EQ(0u, qnum(id));
	a.resv = 0;
	EXPECT_EQ(0, raw_ioctl(SVIPC_IOC_MSGSND, &a));
	EXPECT_EQ(1u, qnum(id));
}

TEST_F(abi, msgrcv_nonzero_resv_is_einval)
{
	unsigned char msg[16] = { 0 }, out[16];
	struct svipc_msgrcv a;
	int id = NEWQ();

	ASSERT_LE(0, id);
	put_msg(msg, sizeof(long), 1, "x", 1);
	ASSERT_EQ(0, raw_snd(id, msg, 1, 0, sizeof(long)));
	memset(&a, 0, sizeof(a));
	a.msqid = id;
	a.msgflg = IPC_NOWAIT;
	a.msgp = (uintptr_t)out;
	a.msgsz = 8;
	a.mtype_size = sizeof(long);
	a.resv = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGRCV, &a));
	a.resv = 0x80000000u;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGRCV, &a));
	EXPECT_EQ(1u, qnum(id));
	a.resv = 0;
	EXPECT_EQ(1, raw_ioctl(SVIPC_IOC_MSGRCV, &a));
	EXPECT_EQ(0u, qnum(id));
}

TEST_F(abi, msgctl_nonzero_resv_is_einval)
{
	unsigned char buf[STATBUF];
	struct svipc_ctl a;
	int id = NEWQ();

	ASSERT_LE(0, id);
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.buf = (uintptr_t)buf;
	a.resv = 1;
	a.cmd = IPC_STAT;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGCTL, &a));
	a.cmd = IPC_INFO;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGCTL, &a));
	a.cmd = IPC_RMID;
	a.resv = 0x80000000u;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGCTL, &a));
	/* The refused RMID left the queue alone. */
	EXPECT_EQ(0, raw_stat(id, buf));
}

TEST_F(abi, msgctl_nonzero_semnum_is_einval)
{
	unsigned char buf[STATBUF];
	static const int32_t semnums[] = { 1, -1, INT_MAX, INT_MIN };
	static const int cmds[] = { IPC_STAT, IPC_INFO, MSG_INFO, IPC_RMID };
	struct svipc_ctl a;
	unsigned int i, j;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			memset(&a, 0, sizeof(a));
			a.id = id;
			a.cmd = cmds[j];
			a.buf = (uintptr_t)buf;
			a.semnum = semnums[i];
			EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_MSGCTL, &a))
				TH_LOG("cmd %d semnum %d", cmds[j], semnums[i]);
		}
	}
	EXPECT_EQ(0, raw_stat(id, buf));
}

TEST_F(abi, mtype_size_other_than_4_or_8_is_einval)
{
	static const uint32_t widths[] = { 0, 1, 2, 3, 5, 6, 7, 9, 16,
					   0x80000004u, ~0u };
	unsigned char msg[64] = { 0 }, out[64];
	unsigned int i;
	int id = NEWQ();

	ASSERT_LE(0, id);
	put_msg(msg, 8, 1, "hello", 5);
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 5, IPC_NOWAIT,
					     widths[i]))
			TH_LOG("msgsnd mtype_size %u", widths[i]);
	}
	EXPECT_EQ(0u, qnum(id));
	ASSERT_EQ(0, raw_snd(id, msg, 5, 0, 8));
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		EXPECT_ERRNO(EINVAL, raw_rcv(id, out, sizeof(out) - 8, 0,
					     IPC_NOWAIT, widths[i]))
			TH_LOG("msgrcv mtype_size %u", widths[i]);
	}
	EXPECT_EQ(1u, qnum(id));
}

/* ---- bad pointers inside the structures ------------------------------- */

TEST_F(abi, msgsnd_null_or_unmapped_msgp_is_efault)
{
	unsigned int w;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (w = 4; w <= 8; w += 4) {
		void *hole = unmapped_page();

		EXPECT_ERRNO(EFAULT, raw_snd(id, NULL, 1, IPC_NOWAIT, w));
		EXPECT_ERRNO(EFAULT, raw_snd(id, NULL, 0, IPC_NOWAIT, w));
		ASSERT_TRUE(hole != NULL);
		EXPECT_ERRNO(EFAULT, raw_snd(id, hole, 1, IPC_NOWAIT, w));
		EXPECT_ERRNO(EFAULT, raw_snd(id, hole, 0, IPC_NOWAIT, w));
	}
	EXPECT_EQ(0u, qnum(id));
}

TEST_F(abi, msgsnd_kernel_address_msgp_is_efault)
{
	struct svipc_msgsnd a;
	int id = NEWQ();

	ASSERT_LE(0, id);
	memset(&a, 0, sizeof(a));
	a.msqid = id;
	a.msgflg = IPC_NOWAIT;
	a.msgp = KERNEL_ADDR;
	a.msgsz = 1;
	a.mtype_size = 8;
	/* A u64 field: a 32-bit caller can name a kernel address too. */
	EXPECT_ERRNO(EFAULT, raw_ioctl(SVIPC_IOC_MSGSND, &a));
	a.mtype_size = 4;
	EXPECT_ERRNO(EFAULT, raw_ioctl(SVIPC_IOC_MSGSND, &a));
	a.msgp = 0x8000000000000000ULL;
	EXPECT_ERRNO(EFAULT, raw_ioctl(SVIPC_IOC_MSGSND, &a));
	EXPECT_EQ(0u, qnum(id));
}

TEST_F(abi, msgsnd_text_running_into_unmapped_page_is_efault_and_queues_nothing)
{
	unsigned char *end = page_end_before_hole();
	unsigned int w;
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_TRUE(end != NULL);
	for (w = 4; w <= 8; w += 4) {
		/* mtype and 4 bytes of text before the hole */
		unsigned char *m = end - w - 4;

		put_msg(m, w, 3, "abcd", 4);
		EXPECT_ERRNO(EFAULT, raw_snd(id, m, 64, IPC_NOWAIT, w));
		EXPECT_ERRNO(EFAULT, raw_snd(id, m, 5, IPC_NOWAIT, w));
		EXPECT_EQ(0u, qnum(id));
		EXPECT_EQ(0u, cbytes(id));
		/* The same message, kept inside the page, goes through. */
		EXPECT_EQ(0, raw_snd(id, m, 4, IPC_NOWAIT, w));
		EXPECT_EQ(1u, qnum(id));
		EXPECT_EQ(4u, cbytes(id));
		EXPECT_EQ(4, raw_rcv(id, end - page_size(), 64, 0, IPC_NOWAIT,
				     w));
		EXPECT_EQ(0, memcmp(end - page_size() + w, "abcd", 4));
	}
	/* The mtype itself split by the hole. */
	EXPECT_ERRNO(EFAULT, raw_snd(id, end - 4, 0, IPC_NOWAIT, 8));
	EXPECT_EQ(0u, qnum(id));
	munmap(end - page_size(), page_size());
}

TEST_F(abi, msgsnd_copies_text_before_looking_up_the_id)
{
	unsigned char *end = page_end_before_hole();
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_TRUE(end != NULL);
	put_msg(end - 8, 8, 1, "", 0);
	ASSERT_EQ(0, raw_ctl(id, IPC_RMID, NULL));
	/* As native: mtype, size, load_msg, then the id. */
	EXPECT_ERRNO(EFAULT, raw_snd(id, end - 8, 16, 0, 8));
	EXPECT_ERRNO(EINVAL, raw_snd(id, end - 8, 0, 0, 8));
	/* Size and mtype are checked before the text is read. */
	EXPECT_ERRNO(EINVAL, raw_snd(id, end - 8, 1ULL << 63, 0, 8));
	put_msg(end - 8, 8, 0, "", 0);
	EXPECT_ERRNO(EINVAL, raw_snd(id, end - 8, 16, 0, 8));
	/* But the mtype is read first of all. */
	EXPECT_ERRNO(EFAULT, raw_snd(-1, NULL, 1ULL << 63, 0, 8));
	munmap(end - page_size(), page_size());
}

TEST_F(abi, msgrcv_into_unmapped_buffer_is_efault_and_consumes_the_message)
{
	unsigned char msg[16];
	unsigned int w;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (w = 4; w <= 8; w += 4) {
		void *hole;

		put_msg(msg, w, 5, "data", 4);
		ASSERT_EQ(0, raw_snd(id, msg, 4, 0, w));
		ASSERT_EQ(1u, qnum(id));
		hole = unmapped_page();
		ASSERT_TRUE(hole != NULL);
		EXPECT_ERRNO(EFAULT, raw_rcv(id, hole, 64, 0, IPC_NOWAIT, w));
		/* As native: the message was taken, then lost. */
		EXPECT_EQ(0u, qnum(id));
		EXPECT_EQ(0u, cbytes(id));

		ASSERT_EQ(0, raw_snd(id, msg, 4, 0, w));
		EXPECT_ERRNO(EFAULT, raw_rcv(id, NULL, 64, 0, IPC_NOWAIT, w));
		EXPECT_EQ(0u, qnum(id));
	}
}

TEST_F(abi, msgrcv_text_running_into_unmapped_page_is_efault_and_consumes_the_message)
{
	unsigned char *end = page_end_before_hole();
	unsigned char msg[64];
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_TRUE(end != NULL);
	memset(msg, 'z', sizeof(msg));
	put_msg(msg, 8, 5, "0123456789", 10);
	ASSERT_EQ(0, raw_snd(id, msg, 10, 0, 8));
	/* mtype and 4 bytes fit before the hole, the other 6 do not. */
	EXPECT_ERRNO(EFAULT, raw_rcv(id, end - 12, 64, 0, IPC_NOWAIT, 8));
	EXPECT_EQ(0u, qnum(id));
	munmap(end - page_size(), page_size());
}

TEST_F(abi, msgrcv_into_read_only_or_kernel_buffer_is_efault_and_consumes_the_message)
{
	unsigned char msg[16];
	void *ro = read_only_page();
	struct svipc_msgrcv a;
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_TRUE(ro != NULL);
	put_msg(msg, 8, 5, "data", 4);
	ASSERT_EQ(0, raw_snd(id, msg, 4, 0, 8));
	EXPECT_ERRNO(EFAULT, raw_rcv(id, ro, 64, 0, IPC_NOWAIT, 8));
	EXPECT_EQ(0u, qnum(id));

	ASSERT_EQ(0, raw_snd(id, msg, 4, 0, 8));
	memset(&a, 0, sizeof(a));
	a.msqid = id;
	a.msgflg = IPC_NOWAIT;
	a.msgp = KERNEL_ADDR;
	a.msgsz = 64;
	a.mtype_size = 8;
	EXPECT_ERRNO(EFAULT, raw_ioctl(SVIPC_IOC_MSGRCV, &a));
	EXPECT_EQ(0u, qnum(id));
	munmap(ro, page_size());
}

TEST_F(abi, msgrcv_msg_copy_into_unmapped_buffer_is_efault_and_keeps_the_message)
{
	unsigned char msg[16];
	void *hole;
	int id = NEWQ();

	ASSERT_LE(0, id);
	put_msg(msg, 8, 5, "data", 4);
	ASSERT_EQ(0, raw_snd(id, msg, 4, 0, 8));
	hole = unmapped_page();
	ASSERT_TRUE(hole != NULL);
	EXPECT_ERRNO(EFAULT, raw_rcv(id, hole, 64, 0, IPC_NOWAIT | MSG_COPY,
				     8));
	EXPECT_EQ(1u, qnum(id));
}

TEST_F(abi, msgrcv_buffer_is_not_checked_before_a_message_is_found)
{
	int id = NEWQ();

	ASSERT_LE(0, id);
	EXPECT_ERRNO(ENOMSG, raw_rcv(id, NULL, 64, 0, IPC_NOWAIT, 8));
	EXPECT_ERRNO(ENOMSG, raw_rcv(id, NULL, 64, 0, IPC_NOWAIT, 4));
}

TEST_F(abi, msgctl_status_into_unmapped_buffer_is_efault)
{
	static const int cmds[] = { IPC_STAT, MSG_STAT, MSG_STAT_ANY,
				    IPC_INFO, MSG_INFO };
	unsigned int i;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (i = 0; i < 5; i++) {
		int qid = (cmds[i] == MSG_STAT || cmds[i] == MSG_STAT_ANY) ?
			  (id & 0x7fff) : id;
		void *hole = unmapped_page();

		ASSERT_TRUE(hole != NULL);
		EXPECT_ERRNO(EFAULT, raw_ctl(qid, cmds[i], hole))
			TH_LOG("cmd %d unmapped", cmds[i]);
		EXPECT_ERRNO(EFAULT, raw_ctl(qid, cmds[i], NULL))
			TH_LOG("cmd %d NULL", cmds[i]);
		EXPECT_ERRNO(EFAULT, raw_ctl64(qid, cmds[i], KERNEL_ADDR))
			TH_LOG("cmd %d kernel address", cmds[i]);
	}
}

TEST_F(abi, msgctl_status_into_read_only_buffer_is_efault)
{
	static const int cmds[] = { IPC_STAT, MSG_STAT, MSG_STAT_ANY,
				    IPC_INFO, MSG_INFO };
	void *ro = read_only_page();
	unsigned int i;
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_TRUE(ro != NULL);
	for (i = 0; i < 5; i++) {
		int qid = (cmds[i] == MSG_STAT || cmds[i] == MSG_STAT_ANY) ?
			  (id & 0x7fff) : id;

		EXPECT_ERRNO(EFAULT, raw_ctl(qid, cmds[i], ro))
			TH_LOG("cmd %d", cmds[i]);
	}
	munmap(ro, page_size());
}

TEST_F(abi, msgctl_stat_checks_the_id_before_the_buffer)
{
	void *hole;
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_EQ(0, raw_ctl(id, IPC_RMID, NULL));
	hole = unmapped_page();
	ASSERT_TRUE(hole != NULL);
	EXPECT_ERRNO(EINVAL, raw_ctl(id, IPC_STAT, hole));
	EXPECT_ERRNO(EINVAL, raw_ctl(id, IPC_STAT, NULL));
}

TEST_F(abi, msgctl_ipc_set_from_unmapped_buffer_is_efault)
{
	unsigned char buf[STATBUF];
	void *hole;
	int id = NEWQ();

	ASSERT_LE(0, id);
	hole = unmapped_page();
	ASSERT_TRUE(hole != NULL);
	EXPECT_ERRNO(EFAULT, raw_ctl(id, IPC_SET, hole));
	EXPECT_ERRNO(EFAULT, raw_ctl(id, IPC_SET, NULL));
	EXPECT_ERRNO(EFAULT, raw_ctl64(id, IPC_SET, KERNEL_ADDR));
	ASSERT_EQ(0, raw_stat(id, buf));
	EXPECT_EQ(0600u, get_u32(buf, OFF_MODE) & 0777);
	EXPECT_EQ((uint64_t)param_get("msgmnb"), get_u64(buf, OFF_QBYTES));
}

TEST_F(abi, msgctl_ipc_set_reads_a_read_only_buffer)
{
	unsigned char buf[STATBUF];
	unsigned char *p = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_EQ(0, raw_ctl(id, IPC_STAT, p));
	put_u32(p, OFF_MODE, 0640);
	put_u64(p, OFF_QBYTES, 1000);
	ASSERT_EQ(0, mprotect(p, page_size(), PROT_READ));
	EXPECT_EQ(0, raw_ctl(id, IPC_SET, p));
	ASSERT_EQ(0, raw_stat(id, buf));
	EXPECT_EQ(0640u, get_u32(buf, OFF_MODE) & 0777);
	EXPECT_EQ(1000u, get_u64(buf, OFF_QBYTES));
	munmap(p, page_size());
}

TEST_F(abi, msgctl_ipc_rmid_ignores_the_buffer)
{
	int id = NEWQ();

	ASSERT_LE(0, id);
	EXPECT_EQ(0, raw_ctl64(id, IPC_RMID, KERNEL_ADDR));
	EXPECT_ERRNO(EINVAL, raw_ctl(id, IPC_STAT, NULL));
	id = NEWQ();
	ASSERT_LE(0, id);
	EXPECT_EQ(0, raw_ctl64(id, IPC_RMID, 1));
}

/* ---- sizes ------------------------------------------------------------ */

TEST_F(abi, msgsnd_absurd_msgsz_is_einval)
{
	static const uint64_t sizes[] = {
		1ULL << 63, ~0ULL, 1ULL << 32, (1ULL << 32) + 1, 0x80000000ULL,
		0xffffffffULL, (uint64_t)LONG_MAX,
	};
	unsigned char msg[64] = { 0 };
	unsigned int i, w;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (w = 4; w <= 8; w += 4) {
		put_msg(msg, w, 1, "x", 1);
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			EXPECT_ERRNO(EINVAL, raw_snd(id, msg, sizes[i],
						     IPC_NOWAIT, w))
				TH_LOG("msgsz %#llx",
				       (unsigned long long)sizes[i]);
	}
	EXPECT_EQ(0u, qnum(id));
}

TEST_F(abi, msgsnd_larger_than_msgmax_is_einval)
{
	int msgmax = param_get("msgmax");
	unsigned char *msg;
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_LT(0, msgmax);
	msg = calloc(1, msgmax + 16);
	ASSERT_TRUE(msg != NULL);
	put_msg(msg, 8, 1, "", 0);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, msgmax + 1, IPC_NOWAIT, 8));
	put_msg(msg, 4, 1, "", 0);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, msgmax + 1, IPC_NOWAIT, 4));
	EXPECT_EQ(0u, qnum(id));
	/* msgmax itself is fine. */
	EXPECT_EQ(0, raw_snd(id, msg, msgmax, IPC_NOWAIT, 4));
	EXPECT_EQ(1u, qnum(id));
	EXPECT_EQ((uint64_t)msgmax, cbytes(id));
	free(msg);
}

TEST_F(abi, msgrcv_negative_msgsz_is_einval)
{
	static const uint64_t sizes[] = { 1ULL << 63, ~0ULL,
					  0x8000000000000001ULL };
	unsigned char msg[64] = { 0 }, out[64];
	unsigned int i, w;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (w = 4; w <= 8; w += 4) {
		for (i = 0; i < 3; i++)
			EXPECT_ERRNO(EINVAL, raw_rcv(id, out, sizes[i], 0,
						     IPC_NOWAIT, w))
				TH_LOG("empty, msgsz %#llx",
				       (unsigned long long)sizes[i]);
		put_msg(msg, w, 1, "x", 1);
		ASSERT_EQ(0, raw_snd(id, msg, 1, 0, w));
		for (i = 0; i < 3; i++)
			EXPECT_ERRNO(EINVAL, raw_rcv(id, out, sizes[i], 0,
						     IPC_NOWAIT, w))
				TH_LOG("msgsz %#llx",
				       (unsigned long long)sizes[i]);
		/* The message is still there. */
		EXPECT_EQ(1u, qnum(id));
		EXPECT_EQ(1, raw_rcv(id, out, sizeof(out) - 8, 0, IPC_NOWAIT,
				     w));
	}
}

TEST_F(abi, library_msgrcv_with_size_max_is_einval)
{
	long msg[8] = { 1, 0 };
	long out[8];
	int id = NEWQ();

	ASSERT_LE(0, id);
	/*
	 * Native msgrcv tests (long)msgsz < 0, and a 32-bit caller's long is
	 * 32 bits: SIZE_MAX is EINVAL in both kinds of process.
	 */
	EXPECT_ERRNO(EINVAL, svipc_msgrcv(id, out, SIZE_MAX, 0, IPC_NOWAIT));
	EXPECT_ERRNO(EINVAL, svipc_msgrcv(id, out, (size_t)LONG_MAX + 1, 0,
					  IPC_NOWAIT));
	ASSERT_EQ(0, svipc_msgsnd(id, msg, 4, 0));
	EXPECT_ERRNO(EINVAL, svipc_msgrcv(id, out, SIZE_MAX, 0, IPC_NOWAIT));
	EXPECT_EQ(1u, qnum(id));
	EXPECT_ERRNO(EINVAL, svipc_msgsnd(id, msg, SIZE_MAX, IPC_NOWAIT));
	EXPECT_EQ(1u, qnum(id));
}

/* ---- mtype widths ----------------------------------------------------- */

TEST_F(abi, mtype_8_sent_is_received_truncated_with_mtype_size_4)
{
	unsigned char msg[64], out[64];
	int64_t big = 0x100000007LL;
	int32_t t32;
	int64_t t64;
	int id = NEWQ();

	ASSERT_LE(0, id);
	put_msg(msg, 8, big, "hello", 6);
	ASSERT_EQ(0, raw_snd(id, msg, 6, 0, 8));
	/* The queue keeps the full 64-bit type. */
	EXPECT_ERRNO(ENOMSG, raw_rcv(id, out, 64, 7, IPC_NOWAIT, 4));
	memset(out, 0xa5, sizeof(out));
	EXPECT_EQ(6, raw_rcv(id, out, 32, 0, IPC_NOWAIT, 4));
	memcpy(&t32, out, 4);
	EXPECT_EQ(7, t32);
	EXPECT_EQ(0, memcmp(out + 4, "hello", 6));
	EXPECT_EQ(0xa5, out[10]);

	/* And the other way: a 4-byte mtype read back as 8 bytes. */
	put_msg(msg, 4, 9, "abc", 3);
	ASSERT_EQ(0, raw_snd(id, msg, 3, 0, 4));
	memset(out, 0xa5, sizeof(out));
	EXPECT_EQ(3, raw_rcv(id, out, 32, 9, IPC_NOWAIT, 8));
	memcpy(&t64, out, 8);
	EXPECT_EQ(9, t64);
	EXPECT_EQ(0, memcmp(out + 8, "abc", 3));
	EXPECT_EQ(0xa5, out[11]);

	/* Full 64-bit type, selected by its full value. */
	put_msg(msg, 8, big, "w", 1);
	ASSERT_EQ(0, raw_snd(id, msg, 1, 0, 8));
	EXPECT_EQ(1, raw_rcv(id, out, 32, big, IPC_NOWAIT, 8));
	memcpy(&t64, out, 8);
	EXPECT_EQ(big, t64);
	EXPECT_EQ(0u, qnum(id));
}

TEST_F(abi, mtype_4_is_sign_extended_as_native_compat)
{
	unsigned char msg[64], out[64];
	int64_t t64;
	int id = NEWQ();

	ASSERT_LE(0, id);
	/* 0x80000000 as a 32-bit long is negative: EINVAL. */
	put_msg(msg, 4, (int32_t)0x80000000u, "x", 1);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 1, IPC_NOWAIT, 4));
	put_msg(msg, 4, -1, "x", 1);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 1, IPC_NOWAIT, 4));
	put_msg(msg, 4, 0, "x", 1);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 1, IPC_NOWAIT, 4));
	/* Only the first 4 bytes count: garbage after them is text. */
	memset(msg, 0xff, 8);
	put_msg(msg, 4, INT32_MAX, "", 0);
	EXPECT_EQ(0, raw_snd(id, msg, 4, IPC_NOWAIT, 4));
	EXPECT_EQ(1u, qnum(id));
	/* As a 64-bit long the same bits are positive. */
	put_msg(msg, 8, 0x80000000LL, "y", 1);
	EXPECT_EQ(0, raw_snd(id, msg, 1, IPC_NOWAIT, 8));
	put_msg(msg, 8, -1, "y", 1);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 1, IPC_NOWAIT, 8));

	memset(out, 0, sizeof(out));
	EXPECT_EQ(4, raw_rcv(id, out, 32, INT32_MAX, IPC_NOWAIT, 8));
	memcpy(&t64, out, 8);
	EXPECT_EQ((int64_t)INT32_MAX, t64);
	EXPECT_EQ(0xffffffffu, get_u32(out, 8));
	/* 0x80000000 truncated into 4 bytes reads back negative. */
	EXPECT_EQ(1, raw_rcv(id, out, 32, 0x80000000LL, IPC_NOWAIT, 4));
	EXPECT_EQ(0x80000000u, get_u32(out, 0));
	EXPECT_EQ('y', out[4]);
	EXPECT_EQ(0u, qnum(id));
}

TEST_F(abi, library_uses_mtype_size_of_long)
{
	unsigned char out[64];
	long msg[4] = { 42, 0 };
	int64_t t64;
	int id = NEWQ();

	ASSERT_LE(0, id);
	memcpy(&msg[1], "lib", 4);
	ASSERT_EQ(0, svipc_msgsnd(id, msg, 4, 0));
	memset(out, 0xa5, sizeof(out));
	EXPECT_EQ(4, raw_rcv(id, out, 32, 42, IPC_NOWAIT, 8));
	memcpy(&t64, out, 8);
	EXPECT_EQ(42, t64);
	EXPECT_EQ(0, memcmp(out + 8, "lib", 4));
	/* and the raw width the library would use is sizeof(long) */
	put_msg(out, sizeof(long), 43, "raw", 4);
	ASSERT_EQ(0, raw_snd(id, out, 4, 0, sizeof(long)));
	memset(msg, 0, sizeof(msg));
	EXPECT_EQ(4, svipc_msgrcv(id, msg, 16, 43, IPC_NOWAIT));
	EXPECT_EQ(43, msg[0]);
	EXPECT_EQ(0, memcmp(&msg[1], "raw", 4));
}

/* ---- ids and commands ------------------------------------------------- */

TEST_F(abi, negative_ids_are_einval)
{
	static const int ids[] = { -1, INT_MIN, -32768 };
	unsigned char msg[16], out[16], buf[STATBUF];
	static const int cmds[] = { IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO,
				    MSG_INFO, MSG_STAT, MSG_STAT_ANY };
	unsigned int i, j;

	put_msg(msg, 8, 1, "x", 1);
	for (i = 0; i < 3; i++) {
		EXPECT_ERRNO(EINVAL, raw_snd(ids[i], msg, 1, IPC_NOWAIT, 8));
		EXPECT_ERRNO(EINVAL, raw_rcv(ids[i], out, 8, 0, IPC_NOWAIT,
					     8));
		/* msgrcv checks the id before touching the buffer */
		EXPECT_ERRNO(EINVAL, raw_rcv(ids[i], NULL, 8, 0, IPC_NOWAIT,
					     8));
		for (j = 0; j < sizeof(cmds) / sizeof(cmds[0]); j++) {
			memset(buf, 0, sizeof(buf));
			EXPECT_ERRNO(EINVAL, raw_ctl(ids[i], cmds[j], buf))
				TH_LOG("id %d cmd %d", ids[i], cmds[j]);
			/* ...and msgctl before reading IPC_SET's buffer */
			EXPECT_ERRNO(EINVAL, raw_ctl(ids[i], cmds[j], NULL))
				TH_LOG("id %d cmd %d NULL", ids[i], cmds[j]);
		}
	}
}

TEST_F(abi, negative_or_unknown_cmd_is_einval)
{
	static const int cmds[] = { -1, INT_MIN, -IPC_STAT, 4, 10, 14, 99,
				    INT_MAX };
	unsigned char buf[STATBUF];
	unsigned int i;
	int id = NEWQ();

	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(buf, 0, sizeof(buf));
		EXPECT_ERRNO(EINVAL, raw_ctl(id, cmds[i], buf))
			TH_LOG("cmd %d", cmds[i]);
		EXPECT_ERRNO(EINVAL, raw_ctl(0, cmds[i], NULL))
			TH_LOG("id 0 cmd %d", cmds[i]);
	}
	EXPECT_EQ(0, raw_stat(id, buf));
}

TEST_F(abi, stale_id_after_rmid_is_einval)
{
	unsigned char msg[16], out[16], buf[STATBUF];
	int id = NEWQ();

	ASSERT_LE(0, id);
	ASSERT_EQ(0, raw_stat(id, buf));
	ASSERT_EQ(0, raw_ctl(id, IPC_RMID, NULL));
	put_msg(msg, 8, 1, "x", 1);
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 1, IPC_NOWAIT, 8));
	EXPECT_ERRNO(EINVAL, raw_snd(id, msg, 1, 0, 8));
	EXPECT_ERRNO(EINVAL, raw_rcv(id, out, 8, 0, IPC_NOWAIT, 8));
	EXPECT_ERRNO(EINVAL, raw_rcv(id, out, 8, 0, 0, 8));
	EXPECT_ERRNO(EINVAL, raw_ctl(id, IPC_STAT, buf));
	EXPECT_ERRNO(EINVAL, raw_ctl(id, IPC_SET, buf));
	EXPECT_ERRNO(EINVAL, raw_ctl(id, IPC_RMID, NULL));
}

TEST_F(abi, live_index_with_wrong_sequence_is_einval)
{
	unsigned char msg[16], out[16], buf[STATBUF];
	int id = NEWQ();
	int other;

	ASSERT_LE(0, id);
	other = id ^ (1 << 15);		/* same index, other sequence */
	ASSERT_LE(0, other);
	put_msg(msg, 8, 1, "x", 1);
	EXPECT_ERRNO(EINVAL, raw_snd(other, msg, 1, IPC_NOWAIT, 8));
	EXPECT_ERRNO(EINVAL, raw_rcv(other, out, 8, 0, IPC_NOWAIT, 8));
	EXPECT_ERRNO(EINVAL, raw_ctl(other, IPC_STAT, buf));
	EXPECT_ERRNO(EINVAL, raw_ctl(other, IPC_RMID, NULL));
	/* MSG_STAT takes an index: the sequence is not checked. */
	EXPECT_EQ(id, raw_ctl(other & 0x7fff, MSG_STAT, buf));
	EXPECT_EQ(0, raw_stat(id, buf));
}

TEST_F(abi, unknown_msgflg_bits_are_ignored_as_native)
{
	unsigned char msg[16], out[16];
	int id = NEWQ();

	ASSERT_LE(0, id);
	put_msg(msg, 8, 1, "x", 1);
	EXPECT_EQ(0, raw_snd(id, msg, 1, IPC_NOWAIT | 0x40000000, 8));
	EXPECT_EQ(0, raw_snd(id, msg, 1, IPC_NOWAIT | 0x100000, 8));
	EXPECT_EQ(1, raw_rcv(id, out, 8, 0, IPC_NOWAIT | 0x40000000, 8));
	EXPECT_EQ(1, raw_rcv(id, out, 8, 0, IPC_NOWAIT | 0x100000, 8));
	EXPECT_EQ(0u, qnum(id));
}

/* ---- the library and the raw ABI agree -------------------------------- */

/*
 * The library's IPC_STAT runs in a child, so that a library writing past
 * its buffer cannot take the test (and its cleanup) down with it.
 */
static int lib_stat(int id, struct msqid_ds *ds, int *err)
{
	struct {
		int ret, err;
		struct msqid_ds ds;
	} r;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		memset(&r, 0, sizeof(r));
		errno = 0;
		r.ret = svipc_msgctl(id, IPC_STAT, &r.ds);
		r.err = errno;
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != sizeof(r))
		r.ret = -2;
	close(p[0]);
	if (wait_status(pid) != 0)
		return -2;
	*ds = r.ds;
	*err = r.err;
	return r.ret;
}

TEST_F(abi, library_ipc_stat_agrees_with_raw_ioctl_field_by_field)
{
	unsigned char raw[STATBUF];
	struct msqid_ds ds;
	long msg[4] = { 3, 0 };
	int id = track(self, svipc_msgget(test_key(4), IPC_CREAT | 0640));
	void *hole = NULL;
	int err = 0;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgsnd(id, msg, 5, 0));
	ASSERT_EQ(0, svipc_msgsnd(id, msg, 7, 0));
	ASSERT_EQ(5, svipc_msgrcv(id, msg, 16, 0, IPC_NOWAIT));

	ASSERT_EQ(0, raw_stat(id, raw));
	ASSERT_EQ(0, lib_stat(id, &ds, &err)) TH_LOG("%s", strerror(err));

	/* What the module reports, at the ABI's offsets. */
	EXPECT_EQ((uint32_t)test_key(4), get_u32(raw, OFF_KEY));
	EXPECT_EQ(0640u, get_u32(raw, OFF_MODE) & 0777);
	EXPECT_EQ(1u, get_u64(raw, OFF_QNUM));
	EXPECT_EQ(7u, get_u64(raw, OFF_CBYTES));
	EXPECT_EQ((uint32_t)getpid(), get_u32(raw, OFF_LSPID));
	EXPECT_EQ((uint32_t)getpid(), get_u32(raw, OFF_LRPID));

	/* The library says the same. */
	EXPECT_EQ((int32_t)get_u32(raw, OFF_KEY), ds.msg_perm.__key);
	EXPECT_EQ(get_u32(raw, OFF_UID), ds.msg_perm.uid);
	EXPECT_EQ(get_u32(raw, OFF_GID), ds.msg_perm.gid);
	EXPECT_EQ(get_u32(raw, OFF_CUID), ds.msg_perm.cuid);
	EXPECT_EQ(get_u32(raw, OFF_CGID), ds.msg_perm.cgid);
	EXPECT_EQ(get_u32(raw, OFF_MODE) & 0xffff, ds.msg_perm.mode);
	EXPECT_EQ(get_u32(raw, OFF_SEQ) & 0xffff, ds.msg_perm.__seq);
	EXPECT_EQ((int64_t)get_u64(raw, OFF_STIME), (int64_t)ds.msg_stime);
	EXPECT_EQ((int64_t)get_u64(raw, OFF_RTIME), (int64_t)ds.msg_rtime);
	EXPECT_EQ((int64_t)get_u64(raw, OFF_CTIME), (int64_t)ds.msg_ctime);
	EXPECT_EQ(get_u64(raw, OFF_CBYTES), (uint64_t)ds.__msg_cbytes);
	EXPECT_EQ(get_u64(raw, OFF_QNUM), (uint64_t)ds.msg_qnum);
	EXPECT_EQ(get_u64(raw, OFF_QBYTES), (uint64_t)ds.msg_qbytes);
	EXPECT_EQ((pid_t)get_u32(raw, OFF_LSPID), ds.msg_lspid);
	EXPECT_EQ((pid_t)get_u32(raw, OFF_LRPID), ds.msg_lrpid);
	EXPECT_NE(0, (int64_t)ds.msg_stime);

#if __SIZEOF_LONG__ == 8
	/* Straight through: the very same bytes... */
	EXPECT_EQ(0, memcmp(raw, &ds, sizeof(ds)));
	/* ...and the caller's pointer reaches the module untouched. */
	hole = unmapped_page();
	ASSERT_TRUE(hole != NULL);
	EXPECT_ERRNO(EFAULT, svipc_msgctl(id, IPC_STAT, hole));
	EXPECT_ERRNO(EFAULT, svipc_msgctl(id, IPC_SET, hole));
	EXPECT_ERRNO(EFAULT, svipc_msgctl(id, IPC_INFO, hole));
#else
	(void)hole;
#endif
}

TEST_F(abi, library_ipc_set_reaches_the_module)
{
	unsigned char raw[STATBUF];
	struct msqid_ds ds;
	int id = NEWQ();
	int err = 0;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, lib_stat(id, &ds, &err)) TH_LOG("%s", strerror(err));
	ds.msg_perm.mode = 0604;
	ds.msg_qbytes = 777;
	ASSERT_EQ(0, svipc_msgctl(id, IPC_SET, &ds));
	ASSERT_EQ(0, raw_stat(id, raw));
	EXPECT_EQ(0604u, get_u32(raw, OFF_MODE) & 0777);
	EXPECT_EQ(777u, get_u64(raw, OFF_QBYTES));
	EXPECT_EQ((uint32_t)geteuid(), get_u32(raw, OFF_UID));
	EXPECT_EQ((uint32_t)getegid(), get_u32(raw, OFF_GID));
}

TEST_F(abi, library_ipc_info_agrees_with_raw_ioctl)
{
	unsigned char raw[STATBUF];
	struct msginfo info;
	int r1, r2;

	memset(raw, 0, sizeof(raw));
	r1 = raw_ctl(0, IPC_INFO, raw);
	ASSERT_LE(0, r1);
	memset(&info, 0, sizeof(info));
	r2 = svipc_msgctl(0, IPC_INFO, (struct msqid_ds *)&info);
	ASSERT_LE(0, r2);
	EXPECT_EQ(r1, r2);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGPOOL), info.msgpool);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGMAP), info.msgmap);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGMAX), info.msgmax);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGMNB), info.msgmnb);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGMNI), info.msgmni);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGSSZ), info.msgssz);
	EXPECT_EQ((int)get_u32(raw, OFF_MSGTQL), info.msgtql);
	EXPECT_EQ(get_u32(raw, OFF_MSGSEG) & 0xffff, info.msgseg);
	EXPECT_EQ(param_get("msgmax"), info.msgmax);
}

/* ---- shared memory ---------------------------------------------------- */

/* The x86-64 kernel's shmid64_ds, shminfo64 and shm_info. */
#define ABI_SHMID_SIZE		112
#define OFF_SEGSZ		48
#define OFF_ATIME		56
#define OFF_DTIME		64
#define OFF_SHM_CTIME		72
#define OFF_CPID		80
#define OFF_LPID		84
#define OFF_NATTCH		88
#define ABI_SHMINFO_SIZE	72
#define ABI_SHM_INFO_SIZE	48

static long raw_shmget(key_t key, uint64_t size, int flags)
{
	struct svipc_get a = { .key = key, .flags = flags, .size = size };

	return raw_ioctl(SVIPC_IOC_SHMGET, &a);
}

static long raw_shmctl(int id, int cmd, const void *buf)
{
	struct svipc_ctl a = { .id = id, .cmd = cmd, .buf = (uintptr_t)buf };

	return raw_ioctl(SVIPC_IOC_SHMCTL, &a);
}

static uint64_t shm_nattch(int id)
{
	unsigned char buf[STATBUF];

	memset(buf, 0, sizeof(buf));
	if (raw_shmctl(id, IPC_STAT, buf))
		return ~0ULL;
	return get_u64(buf, OFF_NATTCH);
}

FIXTURE(shmabi) {
	int ids[8];
	int n;
};

FIXTURE_SETUP(shmabi)
{
	self->n = 0;
	ASSERT_LE(0, svipc_fd());
}

FIXTURE_TEARDOWN(shmabi)
{
	int i;

	for (i = 0; i < self->n; i++)
		raw_shmctl(self->ids[i], IPC_RMID, NULL);
}

static long shm_track(FIXTURE_DATA(shmabi) *self, long id)
{
	if (id >= 0 && id <= INT_MAX && self->n < 8)
		self->ids[self->n++] = id;
	return id;
}

TEST(shm_structs_have_one_layout_for_32_and_64_bit)
{
	EXPECT_LAYOUT(24, sizeof(struct svipc_shmat));
	EXPECT_LAYOUT(0, offsetof(struct svipc_shmat, shmid));
	EXPECT_LAYOUT(4, offsetof(struct svipc_shmat, shmflg));
	EXPECT_LAYOUT(8, offsetof(struct svipc_shmat, addr));
	EXPECT_LAYOUT(16, offsetof(struct svipc_shmat, resv));
	EXPECT_LAYOUT(16, sizeof(struct svipc_shmdt));
	EXPECT_LAYOUT(8, offsetof(struct svipc_shmdt, resv));

	EXPECT_LAYOUT(ABI_SHMID_SIZE, sizeof(struct svipc_shmid_ds));
	EXPECT_LAYOUT(OFF_SEGSZ, offsetof(struct svipc_shmid_ds, segsz));
	EXPECT_LAYOUT(OFF_ATIME, offsetof(struct svipc_shmid_ds, atime));
	EXPECT_LAYOUT(OFF_DTIME, offsetof(struct svipc_shmid_ds, dtime));
	EXPECT_LAYOUT(OFF_SHM_CTIME, offsetof(struct svipc_shmid_ds, ctime));
	EXPECT_LAYOUT(OFF_CPID, offsetof(struct svipc_shmid_ds, cpid));
	EXPECT_LAYOUT(OFF_LPID, offsetof(struct svipc_shmid_ds, lpid));
	EXPECT_LAYOUT(OFF_NATTCH, offsetof(struct svipc_shmid_ds, nattch));
	EXPECT_LAYOUT(96, offsetof(struct svipc_shmid_ds, unused4));
	EXPECT_LAYOUT(104, offsetof(struct svipc_shmid_ds, unused5));

	EXPECT_LAYOUT(ABI_SHMINFO_SIZE, sizeof(struct svipc_shminfo));
	EXPECT_LAYOUT(0, offsetof(struct svipc_shminfo, shmmax));
	EXPECT_LAYOUT(32, offsetof(struct svipc_shminfo, shmall));
	EXPECT_LAYOUT(ABI_SHM_INFO_SIZE, sizeof(struct svipc_shm_info));
	EXPECT_LAYOUT(4, offsetof(struct svipc_shm_info, pad));
	EXPECT_LAYOUT(8, offsetof(struct svipc_shm_info, shm_tot));
	EXPECT_LAYOUT(40, offsetof(struct svipc_shm_info, swap_successes));

	EXPECT_LAYOUT(24, _IOC_SIZE(SVIPC_IOC_SHMGET));
	EXPECT_LAYOUT(24, _IOC_SIZE(SVIPC_IOC_SHMAT));
	EXPECT_LAYOUT(16, _IOC_SIZE(SVIPC_IOC_SHMDT));
	EXPECT_LAYOUT(24, _IOC_SIZE(SVIPC_IOC_SHMCTL));
	EXPECT_LAYOUT(_IOC_READ | _IOC_WRITE, _IOC_DIR(SVIPC_IOC_SHMAT));
}

#if __SIZEOF_LONG__ == 8
TEST(libc_shm_structs_match_the_abi_on_64_bit)
{
	EXPECT_LAYOUT(ABI_SHMID_SIZE, sizeof(struct shmid_ds));
	EXPECT_LAYOUT(OFF_SEGSZ, offsetof(struct shmid_ds, shm_segsz));
	EXPECT_LAYOUT(OFF_SHM_CTIME, offsetof(struct shmid_ds, shm_ctime));
	EXPECT_LAYOUT(OFF_LPID, offsetof(struct shmid_ds, shm_lpid));
	EXPECT_LAYOUT(OFF_NATTCH, offsetof(struct shmid_ds, shm_nattch));
	EXPECT_LAYOUT(ABI_SHMINFO_SIZE, sizeof(struct shminfo));
	EXPECT_LAYOUT(32, offsetof(struct shminfo, shmall));
	EXPECT_LAYOUT(ABI_SHM_INFO_SIZE, sizeof(struct shm_info));
	EXPECT_LAYOUT(8, offsetof(struct shm_info, shm_tot));
}
#endif

TEST(version_reports_shared_memory)
{
	struct svipc_version v;

	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, raw_ioctl(SVIPC_IOC_VERSION, &v));
	EXPECT_EQ(SVIPC_KIND_MSG | SVIPC_KIND_SEM | SVIPC_KIND_SHM, v.kinds);
}

TEST_F(shmabi, reserved_fields_are_einval_and_change_nothing)
{
	struct svipc_get g = { .key = test_key(5), .flags = IPC_CREAT | 0600,
			       .size = 4096, .resv = 1 };
	struct svipc_shmat at = { 0 };
	struct svipc_shmdt dt = { 0 };
	struct svipc_ctl c = { 0 };
	unsigned char buf[STATBUF];
	int id;

	EXPECT_ERRNO(EINVAL, shm_track(self, raw_ioctl(SVIPC_IOC_SHMGET, &g)));
	EXPECT_ERRNO(ENOENT, raw_shmget(test_key(5), 0, 0));
	id = shm_track(self, raw_shmget(IPC_PRIVATE, 4096, 0600));
	ASSERT_LE(0, id);

	at.shmid = id;
	at.resv = 1ULL << 63;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_SHMAT, &at));
	EXPECT_EQ(0u, shm_nattch(id));
	at.resv = 0;
	ASSERT_EQ(0, raw_ioctl(SVIPC_IOC_SHMAT, &at));
	ASSERT_NE(0u, at.addr);
	EXPECT_EQ(1u, shm_nattch(id));

	dt.addr = at.addr;
	dt.resv = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_SHMDT, &dt));
	EXPECT_EQ(1u, shm_nattch(id));

	c.id = id;
	c.cmd = IPC_STAT;
	c.buf = (uintptr_t)buf;
	c.semnum = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_SHMCTL, &c));
	c.semnum = 0;
	c.resv = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_SHMCTL, &c));
	c.resv = 0;
	EXPECT_EQ(0, raw_ioctl(SVIPC_IOC_SHMCTL, &c));

	dt.resv = 0;
	EXPECT_EQ(0, raw_ioctl(SVIPC_IOC_SHMDT, &dt));
	EXPECT_EQ(0u, shm_nattch(id));
}

TEST_F(shmabi, shmat_returns_the_address_in_its_structure_only)
{
	struct svipc_shmat at;
	unsigned char *p;
	int id;

	id = shm_track(self, raw_shmget(IPC_PRIVATE, 4096, 0600));
	ASSERT_LE(0, id);
	memset(&at, 0, sizeof(at));
	at.shmid = id;
	ASSERT_EQ(0, raw_ioctl(SVIPC_IOC_SHMAT, &at));
	EXPECT_EQ(id, at.shmid);
	EXPECT_EQ(0, at.shmflg);
	EXPECT_EQ(0u, at.resv);
	EXPECT_EQ(0u, at.addr % page_size());
	/* A 32-bit caller gets an address it can hold. */
	EXPECT_EQ(at.addr, (uint64_t)(uintptr_t)at.addr);
	p = (unsigned char *)(uintptr_t)at.addr;
	p[0] = 42;
	EXPECT_EQ(42, p[0]);
	EXPECT_EQ(0, svipc_shmdt(p));
	/* The library returns what the ioctl does. */
	p = svipc_shmat(id, (void *)(uintptr_t)at.addr, 0);
	EXPECT_EQ((uintptr_t)at.addr, (uintptr_t)p);
	EXPECT_EQ(42, p[0]);
	EXPECT_EQ(0, svipc_shmdt(p));
}

TEST_F(shmabi, shmat_that_cannot_report_its_address_is_undone)
{
	struct svipc_shmat at = { 0 };
	struct svipc_shmat *ro;
	int id;

	id = shm_track(self, raw_shmget(IPC_PRIVATE, 3 * 4096, 0600));
	ASSERT_LE(0, id);
	at.shmid = id;
	ro = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	memcpy(ro, &at, sizeof(at));
	ASSERT_EQ(0, mprotect(ro, page_size(), PROT_READ));
	/* Read, mapped, but the address cannot be written back. */
	EXPECT_ERRNO(EFAULT, raw_ioctl(SVIPC_IOC_SHMAT, ro));
	EXPECT_EQ(0u, shm_nattch(id));
	munmap(ro, page_size());
}

TEST_F(shmabi, shmat_and_shmdt_take_any_user_address_value)
{
	struct svipc_shmat at = { 0 };
	struct svipc_shmdt dt = { 0 };
	int id;

	id = shm_track(self, raw_shmget(IPC_PRIVATE, 4096, 0600));
	ASSERT_LE(0, id);
	at.shmid = id;
	/* Beyond the address space: the mapping fails, nothing is left. */
	at.addr = 0xfffffffffffff000ULL;
	EXPECT_NE(0, ERRNO_OF(raw_ioctl(SVIPC_IOC_SHMAT, &at)));
	EXPECT_EQ(0u, shm_nattch(id));
	dt.addr = 0xfffffffffffff000ULL;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_SHMDT, &dt));
	dt.addr = 1;
	EXPECT_ERRNO(EINVAL, raw_ioctl(SVIPC_IOC_SHMDT, &dt));
}

TEST_F(shmabi, shmctl_writes_exactly_the_abi_structures)
{
	unsigned char buf[STATBUF];
	size_t i, dirty;
	int id, c;
	static const struct { int cmd; size_t size; } cmds[] = {
		{ IPC_STAT, ABI_SHMID_SIZE },
		{ IPC_INFO, ABI_SHMINFO_SIZE },
		{ SHM_INFO, ABI_SHM_INFO_SIZE },
	};

	id = shm_track(self, raw_shmget(test_key(6), 5000, IPC_CREAT | 0640));
	ASSERT_LE(0, id);
	for (c = 0; c < 3; c++) {
		memset(buf, 0xa5, sizeof(buf));
		ASSERT_LE(0, raw_shmctl(id, cmds[c].cmd, buf));
		dirty = 0;
		for (i = 0; i < sizeof(buf); i++)
			if (buf[i] != 0xa5)
				dirty = i + 1;
		EXPECT_EQ(cmds[c].size, dirty) TH_LOG("cmd %d", cmds[c].cmd);
	}
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, raw_shmctl(id, IPC_STAT, buf));
	EXPECT_EQ((uint32_t)test_key(6), get_u32(buf, OFF_KEY));
	EXPECT_EQ(0640u, get_u32(buf, OFF_MODE));
	EXPECT_EQ(5000u, get_u64(buf, OFF_SEGSZ));
	EXPECT_EQ((uint32_t)getpid(), get_u32(buf, OFF_CPID));
	EXPECT_EQ(0u, get_u64(buf, OFF_NATTCH));
	EXPECT_NE(0u, get_u64(buf, OFF_SHM_CTIME));
}

TEST_F(shmabi, library_shmctl_agrees_with_raw_ioctl_field_by_field)
{
	unsigned char raw[STATBUF], rawinfo[STATBUF];
	struct shm_info sinfo;
	struct shminfo info;
	struct shmid_ds ds;
	char *p;
	int id;

	id = shm_track(self, svipc_shmget(test_key(7), 3 * 4096 + 1, IPC_CREAT | 0604));
	ASSERT_LE(0, id);
	p = svipc_shmat(id, NULL, 0);
	ASSERT_TRUE(p != (void *)-1);
	p[0] = 1;
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	memset(raw, 0, sizeof(raw));
	ASSERT_EQ(0, raw_shmctl(id, IPC_STAT, raw));
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ((int32_t)get_u32(raw, OFF_KEY), ds.shm_perm.__key);
	EXPECT_EQ(get_u32(raw, OFF_UID), ds.shm_perm.uid);
	EXPECT_EQ(get_u32(raw, OFF_CGID), ds.shm_perm.cgid);
	EXPECT_EQ(get_u32(raw, OFF_MODE), ds.shm_perm.mode);
	EXPECT_EQ(02604u, ds.shm_perm.mode);
	EXPECT_EQ(get_u32(raw, OFF_SEQ) & 0xffff, ds.shm_perm.__seq);
	EXPECT_EQ(get_u64(raw, OFF_SEGSZ), (uint64_t)ds.shm_segsz);
	EXPECT_EQ((int64_t)get_u64(raw, OFF_ATIME), (int64_t)ds.shm_atime);
	EXPECT_EQ((int64_t)get_u64(raw, OFF_DTIME), (int64_t)ds.shm_dtime);
	EXPECT_EQ((int64_t)get_u64(raw, OFF_SHM_CTIME), (int64_t)ds.shm_ctime);
	EXPECT_EQ((pid_t)get_u32(raw, OFF_CPID), ds.shm_cpid);
	EXPECT_EQ((pid_t)get_u32(raw, OFF_LPID), ds.shm_lpid);
	EXPECT_EQ(get_u64(raw, OFF_NATTCH), (uint64_t)ds.shm_nattch);
	EXPECT_EQ(1u, (uint64_t)ds.shm_nattch);
	EXPECT_NE(0, (int64_t)ds.shm_atime);

	/* IPC_SET through the library. */
	ds.shm_perm.mode = 0600;
	ASSERT_EQ(0, svipc_shmctl(id, IPC_SET, &ds));
	ASSERT_EQ(0, raw_shmctl(id, IPC_STAT, raw));
	EXPECT_EQ(02600u, get_u32(raw, OFF_MODE));

	memset(rawinfo, 0, sizeof(rawinfo));
	ASSERT_LE(0, raw_shmctl(0, IPC_INFO, rawinfo));
	ASSERT_LE(0, svipc_shmctl(0, IPC_INFO, (struct shmid_ds *)&info));
	/* As the native compat call, a 32-bit caller sees at most INT_MAX. */
	if (sizeof(long) == 4) {
		EXPECT_EQ(0x7fffffffUL, info.shmmax);
	} else {
		EXPECT_EQ(get_u64(rawinfo, 0), (uint64_t)info.shmmax);
	}
	EXPECT_EQ(1u, info.shmmin);
	EXPECT_EQ(get_u64(rawinfo, 16), (uint64_t)info.shmmni);
	EXPECT_EQ(get_u64(rawinfo, 24), (uint64_t)info.shmseg);

	memset(rawinfo, 0, sizeof(rawinfo));
	ASSERT_LE(0, raw_shmctl(0, SHM_INFO, rawinfo));
	ASSERT_LE(0, svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo));
	EXPECT_EQ((int)get_u32(rawinfo, 0), sinfo.used_ids);
	EXPECT_EQ(get_u64(rawinfo, 8), (uint64_t)sinfo.shm_tot);
	EXPECT_EQ(get_u64(rawinfo, 16), (uint64_t)sinfo.shm_rss);
	EXPECT_LE(1u, (uint64_t)sinfo.shm_rss);
	EXPECT_EQ(0, svipc_shmdt(p));
}

SVIPC_TEST_MAIN
