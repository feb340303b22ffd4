/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for svipc's selftests (kselftest harness).  Every test
 * runs in its own forked child, so each one gets its own pid, and
 * test_key() a key no other test uses.
 */
#ifndef SVIPC_SELFTEST_COMMON_H
#define SVIPC_SELFTEST_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include <linux/svipc.h>
#include "svipc.h"

/* A key private to the calling test process; @n tells several apart. */
static inline key_t test_key(int n)
{
	return (key_t)(0x53000000 | ((getpid() & 0xfffff) << 4) | (n & 0xf));
}

/* ioctl on the library's device descriptor: -1 + errno on failure. */
static inline long raw_ioctl(unsigned long cmd, void *arg)
{
	return ioctl(svipc_fd(), cmd, arg);
}

/*
 * Is the task whose /proc directory is @dir ("/proc/PID", or
 * "/proc/self/task/TID") asleep in system call @want (in any, if -1)?
 * 1 if so, 0 if not, -1 if its stat file cannot be opened.
 */
static inline int task_asleep_in(const char *dir, long want)
{
	char path[96], buf[256];
	char state = 0;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		char *p = strrchr(buf, ')');

		if (p && p[1] == ' ')
			state = p[2];
	}
	fclose(f);
	if (state != 'S')
		return 0;
	snprintf(path, sizeof(path), "%s/syscall", dir);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
	}
	return want < 0 ? nr >= 0 : nr == want;
}

/*
 * Wait until @pid is asleep inside an ioctl (blocked in svipc), so that a
 * test can wake it knowing it really slept.  Returns 0, or -1 after 20 s.
 */
static inline int wait_blocked(pid_t pid)
{
	char dir[32];
	int i;

	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	for (i = 0; i < 20000; i++) {
		siginfo_t si;
		int r;

		/* A child that already ended will never block: give up. */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			return -1;
		r = task_asleep_in(dir, SYS_ioctl);
		if (r < 0)
			return -1;
		if (r)
			return 0;
		usleep(1000);
	}
	return -1;
}

#define PARAM_DIR "/sys/module/svipc/parameters/"

/* A module parameter's value as an int, -1 if unreadable. */
static inline int param_get(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return atoi(buf);
}

/* Write a module parameter; returns 0 or the errno of the write. */
static inline int param_set(const char *name, long long val)
{
	char path[128], buf[32];
	int fd, err = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	snprintf(buf, sizeof(buf), "%lld", val);
	if (write(fd, buf, strlen(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Write @val to @path: 0, or the errno of the open or the write. */
static inline int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Read up to @size - 1 bytes of @path into @buf: 0 or errno. */
static inline int read_str(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY), err = 0;
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		err = errno;
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	return err;
}

/* IPC_SET a queue's msg_qbytes, keeping the rest. */
static inline int set_qbytes(int id, unsigned long qbytes)
{
	struct msqid_ds ds;

	if (svipc_msgctl(id, IPC_STAT, &ds))
		return -1;
	ds.msg_qbytes = qbytes;
	return svipc_msgctl(id, IPC_SET, &ds);
}

/* Wait for @pid and return its exit status, or 128+signal. */
static inline int wait_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* Become an unprivileged user: no supplementary groups, no capabilities. */
static inline int become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/*
 * main() for a test binary: like TEST_HARNESS_MAIN, but when SVIPC_TC is
 * set only the test case of that name runs.
 */
#define SVIPC_TEST_MAIN							\
int main(int argc, char **argv)						\
{									\
	const char *only = getenv("SVIPC_TC");				\
	struct __fixture_metadata *f;					\
									\
	for (f = __fixture_list; only && *only && f; f = f->next) {	\
		struct __test_metadata *t, *next, *head = NULL, *tail = NULL; \
									\
		for (t = f->tests; t; t = next) {			\
			next = t->next;					\
			if (strcmp(t->name, only))			\
				continue;				\
			t->next = NULL;					\
			if (tail)					\
				tail->next = t;				\
			else						\
				head = t;				\
			tail = t;					\
		}							\
		f->tests = head;					\
	}								\
	return test_harness_run(argc, argv);				\
}

#endif /* SVIPC_SELFTEST_COMMON_H */
