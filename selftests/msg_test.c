// SPDX-License-Identifier: GPL-2.0
/*
 * Message queues through libsvipc, as native Linux behaves: msgget's key
 * rules, msgsnd/msgrcv with every msgtyp mode and flag, msgctl's commands,
 * each errno row of SPEC.md, the limits, and blocking and wake-up across
 * processes (EIDRM, EINTR, IPC_SET waking sleepers).
 */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "common.h"

struct tmsg {
	long mtype;
	char mtext[256];
};

static int send_str(int id, long type, const char *s, int flg)
{
	struct tmsg m = { .mtype = type };

	strncpy(m.mtext, s, sizeof(m.mtext) - 1);
	return svipc_msgsnd(id, &m, strlen(s) + 1, flg);
}

/* Receive with IPC_NOWAIT; returns the type, or -errno. */
static long recv_type(int id, long typ, int flg, char *text)
{
	struct tmsg m;
	ssize_t n;

	n = svipc_msgrcv(id, &m, sizeof(m.mtext), typ, flg | IPC_NOWAIT);
	if (n < 0)
		return -errno;
	if (text)
		memcpy(text, m.mtext, n);
	return m.mtype;
}

static unsigned long qnum(int id)
{
	struct msqid_ds ds;

	if (svipc_msgctl(id, IPC_STAT, &ds))
		return ULONG_MAX;
	return ds.msg_qnum;
}

/* Queues made through the fixture are removed even when a test fails. */
FIXTURE(q) {
	int ids[16];
	int n;
	int saved_msgmax, saved_msgmnb, saved_msgmni;
};

FIXTURE_SETUP(q)
{
	self->n = 0;
	self->saved_msgmax = param_get("msgmax");
	self->saved_msgmnb = param_get("msgmnb");
	self->saved_msgmni = param_get("msgmni");
	ASSERT_LT(0, self->saved_msgmax);
}

FIXTURE_TEARDOWN(q)
{
	int i;

	for (i = 0; i < self->n; i++)
		svipc_msgctl(self->ids[i], IPC_RMID, NULL);
	param_set("msgmax", self->saved_msgmax);
	param_set("msgmnb", self->saved_msgmnb);
	param_set("msgmni", self->saved_msgmni);
}

static int track(FIXTURE_DATA(q) *self, int id)
{
	if (id >= 0 && self->n < 16)
		self->ids[self->n++] = id;
	return id;
}

#define MKQ(key, flg) track(self, svipc_msgget((key), (flg)))

/* ---- msgget ---------------------------------------------------------- */

TEST_F(q, msgget_private_creates_a_new_queue_each_time)
{
	int a = MKQ(IPC_PRIVATE, 0600);
	int b = MKQ(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
}

TEST_F(q, msgget_without_creat_on_missing_key_is_enoent)
{
	EXPECT_EQ(-1, svipc_msgget(test_key(0), 0600));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(q, msgget_creat_returns_existing_queue)
{
	int id = MKQ(test_key(0), IPC_CREAT | 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_msgget(test_key(0), IPC_CREAT | 0600));
	EXPECT_EQ(id, svipc_msgget(test_key(0), 0));
	EXPECT_EQ(id, svipc_msgget(test_key(0), 0600));
}

TEST_F(q, msgget_creat_excl_on_existing_key_is_eexist)
{
	ASSERT_LE(0, MKQ(test_key(0), IPC_CREAT | IPC_EXCL | 0660));
	EXPECT_EQ(-1, svipc_msgget(test_key(0), IPC_CREAT | IPC_EXCL | 0660));
	EXPECT_EQ(EEXIST, errno);
	/* IPC_EXCL alone means nothing. */
	EXPECT_LE(0, svipc_msgget(test_key(0), IPC_EXCL));
}

TEST_F(q, msgget_new_queue_status_is_initialised)
{
	struct msqid_ds ds;
	time_t before = time(NULL);
	int id = MKQ(test_key(1), IPC_CREAT | 0741);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(test_key(1), ds.msg_perm.__key);
	EXPECT_EQ(0741, ds.msg_perm.mode);
	EXPECT_EQ(geteuid(), ds.msg_perm.uid);
	EXPECT_EQ(geteuid(), ds.msg_perm.cuid);
	EXPECT_EQ(getegid(), ds.msg_perm.gid);
	EXPECT_EQ(getegid(), ds.msg_perm.cgid);
	EXPECT_EQ(id >> 15, ds.msg_perm.__seq);
	EXPECT_EQ(0, ds.msg_qnum);
	EXPECT_EQ(0, ds.__msg_cbytes);
	EXPECT_EQ((unsigned long)param_get("msgmnb"), ds.msg_qbytes);
	EXPECT_EQ(0, ds.msg_lspid);
	EXPECT_EQ(0, ds.msg_lrpid);
	EXPECT_EQ(0, ds.msg_stime);
	EXPECT_EQ(0, ds.msg_rtime);
	EXPECT_LE(before, ds.msg_ctime);
	EXPECT_GE(time(NULL), ds.msg_ctime);
}

TEST_F(q, msgget_mode_ignores_umask_and_high_bits)
{
	struct msqid_ds ds;
	int id;

	umask(077);
	id = MKQ(IPC_PRIVATE, 0777 | 04000);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0777, ds.msg_perm.mode);
}

TEST_F(q, private_queue_reports_key_zero)
{
	struct msqid_ds ds;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.msg_perm.__key);
}

TEST_F(q, msgmni_limit_gives_enospc)
{
	struct msginfo info;
	int in_use, id;

	ASSERT_LE(0, svipc_msgctl(0, MSG_INFO, (struct msqid_ds *)&info));
	in_use = info.msgpool;
	ASSERT_EQ(0, param_set("msgmni", in_use + 2));
	ASSERT_LE(0, MKQ(IPC_PRIVATE, 0600));
	ASSERT_LE(0, MKQ(test_key(2), IPC_CREAT | 0600));
	id = svipc_msgget(test_key(3), IPC_CREAT | 0600);
	EXPECT_EQ(-1, id);
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-1, svipc_msgget(IPC_PRIVATE, 0600));
	EXPECT_EQ(ENOSPC, errno);
	/* An existing key is still found at the limit. */
	EXPECT_LE(0, svipc_msgget(test_key(2), IPC_CREAT | 0600));
}

TEST_F(q, limits_reject_out_of_range_values)
{
	EXPECT_EQ(EINVAL, param_set("msgmni", -1));
	EXPECT_EQ(EINVAL, param_set("msgmni", 32769));
	EXPECT_EQ(0, param_set("msgmni", 32768));
	EXPECT_EQ(EINVAL, param_set("msgmax", -1));
	EXPECT_EQ(EINVAL, param_set("msgmnb", -5));
	EXPECT_EQ(EINVAL, param_set("msgmax", 1LL << 31));
	EXPECT_EQ(self->saved_msgmax, param_get("msgmax"));
}

TEST_F(q, removed_id_is_stale_and_gives_einval)
{
	struct msqid_ds ds;
	int id = svipc_msgget(IPC_PRIVATE, 0600);
	int id2;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_RMID, NULL));
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_str(id, 1, "x", IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, recv_type(id, 0, 0, NULL));
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, errno);
	/* A new queue never reuses the very same id at once. */
	id2 = MKQ(IPC_PRIVATE, 0600);
	ASSERT_LE(0, id2);
	EXPECT_NE(id, id2);
	/* An id with the right index but a wrong sequence is stale too. */
	EXPECT_EQ(-1, svipc_msgctl(id2 + (1 << 15), IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(q, key_is_free_again_after_rmid)
{
	int id = svipc_msgget(test_key(4), IPC_CREAT | IPC_EXCL | 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_RMID, NULL));
	EXPECT_EQ(-1, svipc_msgget(test_key(4), 0600));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_LE(0, MKQ(test_key(4), IPC_CREAT | IPC_EXCL | 0600));
}

/* ---- msgsnd / msgrcv ------------------------------------------------- */

TEST_F(q, msgsnd_rejects_nonpositive_mtype)
{
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(-1, send_str(id, 0, "a", IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_str(id, -3, "a", IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, qnum(id));
}

TEST_F(q, msgsnd_bad_ids_are_einval)
{
	EXPECT_EQ(-1, send_str(-1, 1, "a", IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_str(0x7ffffff0, 1, "a", IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(q, msgsnd_larger_than_msgmax_is_einval)
{
	int max = param_get("msgmax");
	char *buf = calloc(1, sizeof(long) + max + 1);
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_NE(NULL, buf);
	*(long *)buf = 1;
	ASSERT_EQ(0, set_qbytes(id, max * 2));
	EXPECT_EQ(-1, svipc_msgsnd(id, buf, max + 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, svipc_msgsnd(id, buf, max, IPC_NOWAIT));
	free(buf);
}

TEST_F(q, msgmax_change_applies_to_next_send)
{
	char buf[sizeof(long) + 200] = "";
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	*(long *)buf = 1;
	ASSERT_EQ(0, param_set("msgmax", 100));
	EXPECT_EQ(-1, svipc_msgsnd(id, buf, 101, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, svipc_msgsnd(id, buf, 100, IPC_NOWAIT));
}

TEST_F(q, msgmnb_is_the_qbytes_of_new_queues)
{
	struct msqid_ds ds;
	int id;

	ASSERT_EQ(0, param_set("msgmnb", 1234));
	id = MKQ(IPC_PRIVATE, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(1234, ds.msg_qbytes);
}

TEST_F(q, zero_and_msgmax_byte_messages_round_trip)
{
	int max = param_get("msgmax");
	char *in = malloc(sizeof(long) + max), *out = malloc(sizeof(long) + max);
	int id = MKQ(IPC_PRIVATE, 0600);
	int i;

	ASSERT_LE(0, id);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(0, set_qbytes(id, 2 * max));
	*(long *)in = 7;
	for (i = 0; i < max; i++)
		in[sizeof(long) + i] = (char)(i * 31 + 7);
	ASSERT_EQ(0, svipc_msgsnd(id, in, 0, IPC_NOWAIT));
	ASSERT_EQ(0, svipc_msgsnd(id, in, max, IPC_NOWAIT));
	EXPECT_EQ(0, svipc_msgrcv(id, out, max, 0, IPC_NOWAIT));
	EXPECT_EQ(7, *(long *)out);
	EXPECT_EQ(max, svipc_msgrcv(id, out, max, 0, IPC_NOWAIT));
	EXPECT_EQ(0, memcmp(in, out, sizeof(long) + max));
	free(in);
	free(out);
}

/*
 * Messages are kept in page-sized pieces: every size around a piece's end
 * must come back intact, whole, copied (MSG_COPY) or cut (MSG_NOERROR),
 * and a hole in the text far past the first page is EFAULT with nothing
 * queued.
 */
TEST_F(q, messages_spanning_several_pages_round_trip_byte_for_byte)
{
	static const int sizes[] = {
		1, 4055, 4056, 4057, 4064, 4080, 4088, 4089, 4096, 4097,
		8135, 8136, 8144, 8192, 12000, 20000, 65536,
	};
	long page = sysconf(_SC_PAGESIZE);
	int max = 65536, i, j, id;
	char *in, *out, *hole;

	ASSERT_EQ(0, param_set("msgmax", max));
	in = malloc(sizeof(long) + max);
	out = malloc(sizeof(long) + max);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	id = MKQ(IPC_PRIVATE, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 4 * max));
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		int n = sizes[i], cut = n / 3 + 1;

		*(long *)in = 100 + i;
		for (j = 0; j < n; j++)
			in[sizeof(long) + j] = (char)(j * 131 + n);
		ASSERT_EQ(0, svipc_msgsnd(id, in, n, IPC_NOWAIT));
		/* A copy first, leaving it queued. */
		memset(out, 0, sizeof(long) + max);
		EXPECT_EQ(n, svipc_msgrcv(id, out, max, 0, IPC_NOWAIT | MSG_COPY));
		EXPECT_EQ(0, memcmp(in, out, sizeof(long) + n)) {
			TH_LOG("MSG_COPY of %d bytes differs", n);
		}
		/* Then cut short: only the first bytes, the rest lost. */
		memset(out, 0, sizeof(long) + max);
		EXPECT_EQ(cut, svipc_msgrcv(id, out, cut, 0, IPC_NOWAIT | MSG_NOERROR));
		EXPECT_EQ(0, memcmp(in, out, sizeof(long) + cut)) {
			TH_LOG("%d bytes cut to %d differ", n, cut);
		}
		EXPECT_EQ(0, out[sizeof(long) + cut]);
		/* And whole. */
		ASSERT_EQ(0, svipc_msgsnd(id, in, n, IPC_NOWAIT));
		memset(out, 0, sizeof(long) + max);
		EXPECT_EQ(n, svipc_msgrcv(id, out, max, 0, IPC_NOWAIT));
		EXPECT_EQ(0, memcmp(in, out, sizeof(long) + n)) {
			TH_LOG("%d bytes differ", n);
		}
	}
	/* Three pages of text that run into a hole in the third. */
	hole = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole + 3 * page, page));
	*(long *)hole = 1;
	EXPECT_EQ(-1, svipc_msgsnd(id, hole, 3 * page, IPC_NOWAIT));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, svipc_msgsnd(id, hole, 3 * page - sizeof(long), IPC_NOWAIT));
	/* Receiving into a buffer with a hole past its second page. */
	EXPECT_EQ(-1, svipc_msgrcv(id, hole + page, 3 * page, 0, IPC_NOWAIT));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, svipc_msgrcv(id, out, max, 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	munmap(hole, 3 * page);
	free(in);
	free(out);
}

TEST_F(q, msgrcv_type_zero_is_fifo)
{
	char t[64];
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 3, "first", 0));
	ASSERT_EQ(0, send_str(id, 1, "second", 0));
	ASSERT_EQ(0, send_str(id, 2, "third", 0));
	EXPECT_EQ(3, recv_type(id, 0, 0, t));
	EXPECT_STREQ("first", t);
	EXPECT_EQ(1, recv_type(id, 0, 0, t));
	EXPECT_STREQ("second", t);
	EXPECT_EQ(2, recv_type(id, 0, 0, t));
	EXPECT_STREQ("third", t);
	EXPECT_EQ(-ENOMSG, recv_type(id, 0, 0, NULL));
}

TEST_F(q, msgrcv_positive_type_takes_first_of_that_type)
{
	char t[64];
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 1, "a1", 0));
	ASSERT_EQ(0, send_str(id, 2, "b1", 0));
	ASSERT_EQ(0, send_str(id, 2, "b2", 0));
	EXPECT_EQ(2, recv_type(id, 2, 0, t));
	EXPECT_STREQ("b1", t);
	EXPECT_EQ(-ENOMSG, recv_type(id, 5, 0, NULL));
	EXPECT_EQ(2, recv_type(id, 2, 0, t));
	EXPECT_STREQ("b2", t);
	EXPECT_EQ(1, qnum(id));
}

TEST_F(q, msgrcv_negative_type_takes_lowest_type_first)
{
	char t[64];
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 5, "e", 0));
	ASSERT_EQ(0, send_str(id, 3, "c1", 0));
	ASSERT_EQ(0, send_str(id, 4, "d", 0));
	ASSERT_EQ(0, send_str(id, 3, "c2", 0));
	ASSERT_EQ(0, send_str(id, 1, "a", 0));
	/* Lowest type <= 4 is 1, then the two 3s in order, then 4. */
	EXPECT_EQ(1, recv_type(id, -4, 0, t));
	EXPECT_EQ(3, recv_type(id, -4, 0, t));
	EXPECT_STREQ("c1", t);
	EXPECT_EQ(3, recv_type(id, -4, 0, t));
	EXPECT_STREQ("c2", t);
	EXPECT_EQ(4, recv_type(id, -4, 0, t));
	EXPECT_EQ(-ENOMSG, recv_type(id, -4, 0, NULL));
	EXPECT_EQ(5, recv_type(id, -5, 0, t));
}

TEST_F(q, msgrcv_long_min_type_means_any_lowest)
{
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, LONG_MAX, "big", 0));
	ASSERT_EQ(0, send_str(id, 9, "nine", 0));
	EXPECT_EQ(9, recv_type(id, LONG_MIN, 0, NULL));
	EXPECT_EQ(LONG_MAX, recv_type(id, LONG_MIN, 0, NULL));
}

TEST_F(q, msg_except_takes_first_of_another_type)
{
	char t[64];
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 1, "one", 0));
	ASSERT_EQ(0, send_str(id, 1, "one'", 0));
	ASSERT_EQ(0, send_str(id, 7, "seven", 0));
	ASSERT_EQ(0, send_str(id, 2, "two", 0));
	EXPECT_EQ(7, recv_type(id, 1, MSG_EXCEPT, t));
	EXPECT_STREQ("seven", t);
	EXPECT_EQ(2, recv_type(id, 1, MSG_EXCEPT, NULL));
	EXPECT_EQ(-ENOMSG, recv_type(id, 1, MSG_EXCEPT, NULL));
	/* With type 0 MSG_EXCEPT changes nothing: any message. */
	EXPECT_EQ(1, recv_type(id, 0, MSG_EXCEPT, t));
	EXPECT_STREQ("one", t);
}

TEST_F(q, msgrcv_nowait_on_empty_queue_is_enomsg)
{
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(-ENOMSG, recv_type(id, 0, 0, NULL));
	EXPECT_EQ(-ENOMSG, recv_type(id, 3, 0, NULL));
	EXPECT_EQ(-ENOMSG, recv_type(id, -3, 0, NULL));
}

TEST_F(q, msgrcv_too_small_buffer_is_e2big_and_keeps_message)
{
	struct tmsg m;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 1, "0123456789", 0));
	EXPECT_EQ(-1, svipc_msgrcv(id, &m, 4, 0, IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(1, qnum(id));
	/* MSG_NOERROR truncates, returns what was copied, and consumes. */
	memset(&m, 0, sizeof(m));
	EXPECT_EQ(4, svipc_msgrcv(id, &m, 4, 0, IPC_NOWAIT | MSG_NOERROR));
	EXPECT_EQ(0, memcmp(m.mtext, "0123", 4));
	EXPECT_EQ(0, m.mtext[4]);
	EXPECT_EQ(0, qnum(id));
}

TEST_F(q, msgrcv_negative_bufsz_is_einval)
{
	struct tmsg m;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 1, "x", 0));
	EXPECT_EQ(-1, svipc_msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, svipc_msgrcv(-1, &m, 8, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, qnum(id));
}

TEST_F(q, msg_copy_reads_by_index_without_removing)
{
	char t[64];
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 4, "zero", 0));
	ASSERT_EQ(0, send_str(id, 5, "one", 0));
	EXPECT_EQ(5, recv_type(id, 1, MSG_COPY, t));
	EXPECT_STREQ("one", t);
	EXPECT_EQ(4, recv_type(id, 0, MSG_COPY, t));
	EXPECT_STREQ("zero", t);
	EXPECT_EQ(-ENOMSG, recv_type(id, 2, MSG_COPY, NULL));
	EXPECT_EQ(-ENOMSG, recv_type(id, -1, MSG_COPY, NULL));
	EXPECT_EQ(2, qnum(id));
}

TEST_F(q, msg_copy_flag_rules)
{
	struct tmsg m;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_str(id, 1, "0123456789", 0));
	/* MSG_COPY needs IPC_NOWAIT and refuses MSG_EXCEPT. */
	EXPECT_EQ(-1, svipc_msgrcv(id, &m, sizeof(m.mtext), 0, MSG_COPY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, svipc_msgrcv(id, &m, sizeof(m.mtext), 0,
				   MSG_COPY | MSG_EXCEPT | IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	/* Too small: E2BIG, and with MSG_NOERROR native's EINVAL. */
	EXPECT_EQ(-1, svipc_msgrcv(id, &m, 4, 0, MSG_COPY | IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, svipc_msgrcv(id, &m, 4, 0,
				   MSG_COPY | IPC_NOWAIT | MSG_NOERROR));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, qnum(id));
}

TEST_F(q, msg_qbytes_limits_bytes)
{
	char buf[sizeof(long) + 100] = "";
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	*(long *)buf = 1;
	ASSERT_EQ(0, set_qbytes(id, 150));
	EXPECT_EQ(0, svipc_msgsnd(id, buf, 100, IPC_NOWAIT));
	EXPECT_EQ(-1, svipc_msgsnd(id, buf, 51, IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, svipc_msgsnd(id, buf, 50, IPC_NOWAIT));
	EXPECT_EQ(2, qnum(id));
}

TEST_F(q, msg_qbytes_also_limits_message_count)
{
	char buf[sizeof(long)] = "";
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	*(long *)buf = 1;
	ASSERT_EQ(0, set_qbytes(id, 3));
	EXPECT_EQ(0, svipc_msgsnd(id, buf, 0, IPC_NOWAIT));
	EXPECT_EQ(0, svipc_msgsnd(id, buf, 0, IPC_NOWAIT));
	EXPECT_EQ(0, svipc_msgsnd(id, buf, 0, IPC_NOWAIT));
	EXPECT_EQ(-1, svipc_msgsnd(id, buf, 0, IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(3, qnum(id));
}

TEST_F(q, msg_qbytes_zero_blocks_every_send)
{
	char buf[sizeof(long)] = "";
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	*(long *)buf = 1;
	ASSERT_EQ(0, set_qbytes(id, 0));
	EXPECT_EQ(-1, svipc_msgsnd(id, buf, 0, IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(q, send_and_receive_set_pids_and_times)
{
	struct msqid_ds ds;
	time_t before = time(NULL);
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(send_str(id, 1, "hi", 0) ? 1 : 0);
	ASSERT_EQ(0, wait_status(child));
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(child, ds.msg_lspid);
	EXPECT_EQ(0, ds.msg_lrpid);
	EXPECT_LE(before, ds.msg_stime);
	EXPECT_EQ(0, ds.msg_rtime);
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(3, ds.__msg_cbytes);
	EXPECT_EQ(1, recv_type(id, 0, 0, NULL));
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(getpid(), ds.msg_lrpid);
	EXPECT_LE(before, ds.msg_rtime);
	EXPECT_EQ(0, ds.msg_qnum);
	EXPECT_EQ(0, ds.__msg_cbytes);
}

/* A thread's send is recorded under its process id, not its thread id. */
static void *send_thread(void *arg)
{
	return (void *)(long)send_str(*(int *)arg, 1, "t", 0);
}

TEST_F(q, lspid_is_the_process_id_of_a_sending_thread)
{
	struct msqid_ds ds;
	pthread_t th;
	void *ret;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, pthread_create(&th, NULL, send_thread, &id));
	ASSERT_EQ(0, pthread_join(th, &ret));
	ASSERT_EQ(NULL, ret);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(getpid(), ds.msg_lspid);
}

TEST_F(q, lspid_is_reported_in_the_readers_pid_namespace)
{
	struct msqid_ds ds;
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		pid_t inner;

		if (unshare(CLONE_NEWPID))
			_exit(2);
		inner = fork();
		if (inner < 0)
			_exit(3);
		if (inner == 0) {
			struct msqid_ds ds;

			/* pid 1 in its own namespace */
			if (send_str(id, 1, "ns", 0) ||
			    svipc_msgctl(id, IPC_STAT, &ds))
				_exit(4);
			_exit(ds.msg_lspid == 1 ? 0 : 5);
		}
		_exit(wait_status(inner));
	}
	ASSERT_EQ(0, wait_status(child));
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	/* Seen from here it is a real pid, neither 0 nor 1. */
	EXPECT_LT(1, ds.msg_lspid);
	EXPECT_NE(child, ds.msg_lspid);
}

/* ---- blocking and wake-ups ------------------------------------------- */

TEST_F(q, blocked_receiver_wakes_for_a_message_from_another_process)
{
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct tmsg m;
		ssize_t n = svipc_msgrcv(id, &m, sizeof(m.mtext), 6, 0);

		_exit(n == 6 && m.mtype == 6 && !strcmp(m.mtext, "hello") ? 0 : 1);
	}
	ASSERT_EQ(0, wait_blocked(child));
	ASSERT_EQ(0, send_str(id, 5, "other", 0));	/* not for it */
	ASSERT_EQ(0, send_str(id, 6, "hello", 0));
	EXPECT_EQ(0, wait_status(child));
	EXPECT_EQ(1, qnum(id));
}

TEST_F(q, blocked_sender_wakes_when_room_is_made)
{
	char buf[sizeof(long) + 64] = "";
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	*(long *)buf = 1;
	ASSERT_EQ(0, set_qbytes(id, 64));
	ASSERT_EQ(0, svipc_msgsnd(id, buf, 64, 0));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(svipc_msgsnd(id, buf, 10, 0) ? 1 : 0);
	ASSERT_EQ(0, wait_blocked(child));
	EXPECT_EQ(1, qnum(id));
	EXPECT_EQ(64, svipc_msgrcv(id, buf, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(0, wait_status(child));
	EXPECT_EQ(1, qnum(id));
}

TEST_F(q, ipc_set_raising_qbytes_wakes_blocked_sender)
{
	char buf[sizeof(long) + 64] = "";
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	*(long *)buf = 1;
	ASSERT_EQ(0, set_qbytes(id, 0));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(svipc_msgsnd(id, buf, 10, 0) ? 1 : 0);
	ASSERT_EQ(0, wait_blocked(child));
	ASSERT_EQ(0, set_qbytes(id, 100));
	EXPECT_EQ(0, wait_status(child));
	EXPECT_EQ(1, qnum(id));
}

TEST_F(q, rmid_wakes_blocked_receiver_and_sender_with_eidrm)
{
	char buf[sizeof(long) + 8] = "";
	int id = svipc_msgget(IPC_PRIVATE, 0600);
	pid_t rcv, snd;

	ASSERT_LE(0, id);
	track(self, id);
	*(long *)buf = 1;
	rcv = fork();
	ASSERT_LE(0, rcv);
	if (rcv == 0) {
		struct tmsg m;

		if (svipc_msgrcv(id, &m, sizeof(m.mtext), 99, 0) != -1)
			_exit(1);
		_exit(errno == EIDRM ? 0 : 2);
	}
	ASSERT_EQ(0, wait_blocked(rcv));
	ASSERT_EQ(0, set_qbytes(id, 0));
	snd = fork();
	ASSERT_LE(0, snd);
	if (snd == 0) {
		if (svipc_msgsnd(id, buf, 8, 0) != -1)
			_exit(1);
		_exit(errno == EIDRM ? 0 : 2);
	}
	ASSERT_EQ(0, wait_blocked(snd));
	ASSERT_EQ(0, svipc_msgctl(id, IPC_RMID, NULL));
	EXPECT_EQ(0, wait_status(rcv));
	EXPECT_EQ(0, wait_status(snd));
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* Blocks in msgrcv (or msgsnd on a full queue) under a SIGUSR1 handler. */
static int blocked_call_gets_eintr(int id, int send, int sa_flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = sa_flags };
	char buf[sizeof(long) + 8] = "";

	sigaction(SIGUSR1, &sa, NULL);
	*(long *)buf = 1;
	if (send ? svipc_msgsnd(id, buf, 8, 0) != -1 :
		   svipc_msgrcv(id, buf, 8, 0, 0) != -1)
		return 1;
	return errno == EINTR ? 0 : 2;
}

TEST_F(q, signal_handler_interrupts_msgrcv_even_with_sa_restart)
{
	int id = MKQ(IPC_PRIVATE, 0600);
	int flags[] = { 0, SA_RESTART };
	unsigned int i;

	ASSERT_LE(0, id);
	for (i = 0; i < 2; i++) {
		pid_t child = fork();

		ASSERT_LE(0, child);
		if (child == 0)
			_exit(blocked_call_gets_eintr(id, 0, flags[i]));
		ASSERT_EQ(0, wait_blocked(child));
		kill(child, SIGUSR1);
		EXPECT_EQ(0, wait_status(child));
	}
}

TEST_F(q, signal_handler_interrupts_blocked_msgsnd)
{
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_qbytes(id, 0));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(blocked_call_gets_eintr(id, 1, SA_RESTART));
	ASSERT_EQ(0, wait_blocked(child));
	kill(child, SIGUSR1);
	EXPECT_EQ(0, wait_status(child));
	EXPECT_EQ(0, qnum(id));
}

TEST_F(q, stop_and_continue_does_not_interrupt_msgrcv)
{
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;
	int st;

	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct tmsg m;

		_exit(svipc_msgrcv(id, &m, sizeof(m.mtext), 0, 0) == 3 ? 0 : 1);
	}
	ASSERT_EQ(0, wait_blocked(child));
	kill(child, SIGSTOP);
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	kill(child, SIGCONT);
	/* The call restarted silently and sleeps again. */
	ASSERT_EQ(0, wait_blocked(child));
	ASSERT_EQ(0, send_str(id, 1, "ok", 0));
	EXPECT_EQ(0, wait_status(child));
}

TEST_F(q, killed_receiver_leaves_queue_usable)
{
	int id = MKQ(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct tmsg m;

		svipc_msgrcv(id, &m, sizeof(m.mtext), 0, 0);
		_exit(1);
	}
	ASSERT_EQ(0, wait_blocked(child));
	kill(child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wait_status(child));
	/* The dead receiver must not swallow the next message. */
	ASSERT_EQ(0, send_str(id, 1, "after", 0));
	EXPECT_EQ(1, qnum(id));
	EXPECT_EQ(1, recv_type(id, 0, 0, NULL));
}

/* ---- msgctl ---------------------------------------------------------- */

TEST_F(q, msgctl_unknown_or_negative_command_is_einval)
{
	struct msqid_ds ds;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(-1, svipc_msgctl(id, 99, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, svipc_msgctl(id, -1, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, svipc_msgctl(-1, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	/* x86-64 takes no IPC_64 flag: the native call rejects it too. */
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_STAT | 0x100, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(q, ipc_set_changes_owner_mode_and_qbytes_and_ctime)
{
	struct msqid_ds ds;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	ds.msg_perm.uid = 1234;
	ds.msg_perm.gid = 4321;
	ds.msg_perm.mode = 07640;
	ds.msg_qbytes = 77;
	ds.msg_perm.cuid = 999;	/* not settable */
	ASSERT_EQ(0, svipc_msgctl(id, IPC_SET, &ds));
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(1234, ds.msg_perm.uid);
	EXPECT_EQ(4321, ds.msg_perm.gid);
	EXPECT_EQ(0640, ds.msg_perm.mode);
	EXPECT_EQ(77, ds.msg_qbytes);
	EXPECT_EQ(0, ds.msg_perm.cuid);
	EXPECT_NE(0, ds.msg_ctime);
}

TEST_F(q, ipc_set_with_unmappable_uid_is_einval)
{
	struct msqid_ds ds;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	ds.msg_perm.uid = (uid_t)-1;
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_SET, &ds));
	EXPECT_EQ(EINVAL, errno);
	ds.msg_perm.uid = 0;
	ds.msg_perm.gid = (gid_t)-1;
	EXPECT_EQ(-1, svipc_msgctl(id, IPC_SET, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(q, ipc_info_reports_limits_and_highest_index)
{
	struct msginfo info;
	int id = MKQ(IPC_PRIVATE, 0600);
	int ret;

	ASSERT_LE(0, id);
	memset(&info, 0xff, sizeof(info));
	ret = svipc_msgctl(0, IPC_INFO, (struct msqid_ds *)&info);
	ASSERT_LE(0, ret);
	EXPECT_LE(id & 0x7fff, ret);
	EXPECT_EQ(param_get("msgmax"), info.msgmax);
	EXPECT_EQ(param_get("msgmnb"), info.msgmnb);
	EXPECT_EQ(param_get("msgmni"), info.msgmni);
	EXPECT_EQ(16, info.msgssz);
	EXPECT_EQ(512000, info.msgpool);
	EXPECT_EQ(16384, info.msgmap);
	EXPECT_EQ(16384, info.msgtql);
	EXPECT_EQ(0xffff, info.msgseg);
}

TEST_F(q, msg_info_counts_queues_messages_and_bytes)
{
	struct msginfo a, b;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	ASSERT_LE(0, svipc_msgctl(0, MSG_INFO, (struct msqid_ds *)&a));
	ASSERT_LE(0, MKQ(IPC_PRIVATE, 0600));
	ASSERT_EQ(0, send_str(id, 1, "123456789", 0));	/* 10 bytes */
	ASSERT_EQ(0, send_str(id, 1, "1234", 0));	/* 5 bytes */
	ASSERT_LE(0, svipc_msgctl(0, MSG_INFO, (struct msqid_ds *)&b));
	EXPECT_EQ(a.msgpool + 1, b.msgpool);
	EXPECT_EQ(a.msgmap + 2, b.msgmap);
	EXPECT_EQ(a.msgtql + 15, b.msgtql);
}

TEST_F(q, msg_stat_takes_an_index_and_returns_the_id)
{
	struct msqid_ds ds;
	int id = MKQ(test_key(5), IPC_CREAT | 0600);
	int max;

	ASSERT_LE(0, id);
	EXPECT_EQ(id, svipc_msgctl(id & 0x7fff, MSG_STAT, &ds));
	EXPECT_EQ(test_key(5), ds.msg_perm.__key);
	EXPECT_EQ(id, svipc_msgctl(id & 0x7fff, MSG_STAT_ANY, &ds));
	/* An unused index is EINVAL. */
	max = svipc_msgctl(0, IPC_INFO, &ds);
	ASSERT_LE(0, max);
	EXPECT_EQ(-1, svipc_msgctl(max + 1, MSG_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(q, every_index_up_to_ipc_info_max_is_listable)
{
	struct msqid_ds ds;
	int i, max, found = 0;
	int id = MKQ(IPC_PRIVATE, 0600);

	ASSERT_LE(0, id);
	max = svipc_msgctl(0, MSG_INFO, &ds);
	ASSERT_LE(0, max);
	for (i = 0; i <= max; i++)
		if (svipc_msgctl(i, MSG_STAT_ANY, &ds) == id)
			found++;
	EXPECT_EQ(1, found);
}

/* ---- the library ----------------------------------------------------- */

static void *fd_thread(void *arg)
{
	(void)arg;
	return (void *)(long)svipc_fd();
}

TEST(library_opens_one_cloexec_descriptor_shared_by_threads)
{
	pthread_t th[4];
	void *ret;
	int i, fd;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fd_thread, NULL));
	fd = svipc_fd();
	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &ret));
		EXPECT_EQ(fd, (long)ret);
	}
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

TEST(library_works_in_a_forked_child)
{
	int id = svipc_msgget(IPC_PRIVATE, 0600);
	pid_t child;

	ASSERT_LE(0, id);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(send_str(id, 1, "fork", 0) ? 1 : 0);
	EXPECT_EQ(0, wait_status(child));
	EXPECT_EQ(1, recv_type(id, 0, 0, NULL));
	EXPECT_EQ(0, svipc_msgctl(id, IPC_RMID, NULL));
}

SVIPC_TEST_MAIN
