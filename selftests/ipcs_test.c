// SPDX-License-Identifier: GPL-2.0
/*
 * svipcs and svipcrm (tools/) against util-linux's ipcs and ipcrm.
 *
 * A fixed set of objects (the "scenario" below: three queues, four
 * segments, three semaphore sets with given keys, modes, owners, sizes,
 * messages, attaches, locks and sleepers) is made through svipc; then
 * /bin/svipcs and /bin/svipcrm run with each option set and their output,
 * normalised, must equal byte for byte what util-linux 2.38.1's ipcs and
 * ipcrm printed for the same objects made natively.  Those expected
 * outputs are selftests/ipcs_fixtures.h (readable copies in
 * selftests/fixtures/), made by selftests/fixtures/regen.sh in the test VM
 * (Debian 12's util-linux, native System V IPC of Debian's 6.1 kernel)
 * with this same file built with -DIPCS_GEN_FIXTURES: see
 * selftests/fixtures/README.md, which also describes the normalisation
 * (ids, the owner's pid and dates become placeholders; nothing else
 * changes).
 *
 * Besides: svipcs -l and -u print what IPC_INFO and *_INFO report, also
 * after the module parameters change; the dates svipcs prints are the
 * objects' times; -V.
 */
#ifdef IPCS_GEN_FIXTURES
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* The fixture maker uses the native calls. */
#define X(call)		call
#else
#include <ctype.h>
#include <sys/mman.h>
#include "common.h"
#define X(call)		svipc_##call
#endif

/* ---- The scenario: what exists while the tools run ------------------ */

#define KEY_Q1		((key_t)0x5a5a0001)
#define KEY_Q3		((key_t)0x5a5a0003)
#define KEY_M1		((key_t)0x5a5a0011)
#define KEY_M3		((key_t)0x5a5a0013)
#define KEY_M4		((key_t)0x5a5a0014)
#define KEY_S1		((key_t)0x5a5a0021)
#define KEY_S3		((key_t)0x5a5a0023)

#define NOBODY		65534	/* nobody, and group nogroup */
#define NONAME_UID	12345	/* no user has this uid ... */
#define NONAME_GID	23456	/* ... nor any group this gid */

union ipcs_semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

struct scen {
	int q[3], m[4], s[3];
	void *att[2];		/* the owner's attaches of M1 and M3 */
	pid_t sleeper[3];	/* asleep in semop on S1 */
	pid_t pid;		/* the owner: the process that made it all */
	int minseq;		/* ids from this sequence number up */
};

enum kind { QUEUE, SEGMENT, SEMSET };

static int make_private(enum kind k)
{
	switch (k) {
	case QUEUE:
		return X(msgget)(IPC_PRIVATE, 0600);
	case SEGMENT:
		return X(shmget)(IPC_PRIVATE, 1, 0600);
	default:
		return X(semget)(IPC_PRIVATE, 1, 0600);
	}
}

static int remove_obj(enum kind k, int id)
{
	switch (k) {
	case QUEUE:
		return X(msgctl)(id, IPC_RMID, NULL);
	case SEGMENT:
		return X(shmctl)(id, IPC_RMID, NULL);
	default:
		return X(semctl)(id, 0, IPC_RMID);
	}
}

/*
 * Make the next @n ids of kind @k come in increasing index order (no
 * wrap of the cyclic index allocation, so svipcs lists them in creation
 * order, like ipcs) and with a sequence number of at least @minseq (ids
 * >= 32768 stand out from every other number printed).  Native and svipc
 * allocate alike: indexes cyclically in a window of at least 64, the
 * sequence number bumped at each wrap.  Returns the sequence number of
 * the next ids, or -1.
 */
static int prime(enum kind k, int n, int minseq)
{
	int i, id;

	for (i = 0; i < 1000000; i++) {
		id = make_private(k);
		if (id < 0 || remove_obj(k, id) < 0)
			return -1;
		if ((id >> 15) >= minseq && (id & 0x7fff) + n < 60)
			return id >> 15;
	}
	errno = ELOOP;
	return -1;
}

/*
 * Prime the three kinds so that their ids differ too: each kind gets its
 * own sequence number, from @minseq up, taken in the order of the ones
 * they have now so that few objects are made and removed.
 */
static int prime_all(int minseq)
{
	static const int count[3] = { 3, 4, 3 };	/* queues, segments, sets */
	int cur[3], done[3] = { 0, 0, 0 }, floor = minseq, k, i, id;

	for (k = 0; k < 3; k++) {
		id = make_private(k);
		if (id < 0 || remove_obj(k, id) < 0)
			return -1;
		cur[k] = id >> 15;
	}
	for (i = 0; i < 3; i++) {
		int next = -1, seq;

		for (k = 0; k < 3; k++)
			if (!done[k] && (next < 0 || cur[k] < cur[next]))
				next = k;
		done[next] = 1;
		seq = prime(next, count[next], floor);
		if (seq < 0)
			return -1;
		floor = seq + 1;
	}
	return 0;
}

static int set_owner(enum kind k, int id, uid_t uid, gid_t gid, unsigned long qbytes)
{
	if (k == QUEUE) {
		struct msqid_ds ds;

		if (X(msgctl)(id, IPC_STAT, &ds))
			return -1;
		ds.msg_perm.uid = uid;
		ds.msg_perm.gid = gid;
		if (qbytes)
			ds.msg_qbytes = qbytes;
		return X(msgctl)(id, IPC_SET, &ds);
	}
	if (k == SEGMENT) {
		struct shmid_ds ds;

		if (X(shmctl)(id, IPC_STAT, &ds))
			return -1;
		ds.shm_perm.uid = uid;
		ds.shm_perm.gid = gid;
		return X(shmctl)(id, IPC_SET, &ds);
	} else {
		struct semid_ds ds;
		union ipcs_semun arg = { .buf = &ds };

		if (X(semctl)(id, 0, IPC_STAT, arg))
			return -1;
		ds.sem_perm.uid = uid;
		ds.sem_perm.gid = gid;
		return X(semctl)(id, 0, IPC_SET, arg);
	}
}

static int send_bytes(int id, size_t n)
{
	static struct { long mtype; char text[2048]; } m = { 1, "" };

	memset(m.text, 'x', n);
	return X(msgsnd)(id, &m, n, 0);
}

/* A child asleep in semop(S1): wait for zero on @num, or take 10. */
static pid_t sleeper(int semid, int num, int wait_zero)
{
	struct sembuf op = { .sem_num = num, .sem_op = wait_zero ? 0 : -10 };
	pid_t pid = fork();

	if (pid == 0) {
		X(semop)(semid, &op, 1);
		_exit(0);
	}
	return pid;
}

static void scen_destroy(struct scen *s)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (s->sleeper[i] > 0) {
			kill(s->sleeper[i], SIGKILL);
			waitpid(s->sleeper[i], NULL, 0);
			s->sleeper[i] = 0;
		}
	}
	for (i = 0; i < 2; i++) {
		if (s->att[i] && s->att[i] != (void *)-1) {
			X(shmdt)(s->att[i]);
			s->att[i] = NULL;
		}
	}
	/* Some are gone already (svipcrm, IPC_RMID of M3): no matter. */
	for (i = 0; i < 3; i++)
		if (s->q[i] >= 0)
			remove_obj(QUEUE, s->q[i]);
	for (i = 0; i < 4; i++)
		if (s->m[i] >= 0)
			remove_obj(SEGMENT, s->m[i]);
	for (i = 0; i < 3; i++)
		if (s->s[i] >= 0)
			remove_obj(SEMSET, s->s[i]);
}

#define CHECK(cond, what)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "# scenario: %s: %s\n", what,	\
				strerror(errno));			\
			return -1;					\
		}							\
	} while (0)

static int scen_make(struct scen *s)
{
	unsigned short vals[3] = { 1, 2, 3 };
	union ipcs_semun arg = { .array = vals };
	struct sembuf up = { .sem_num = 1, .sem_op = 1 };
	struct { long mtype; char text[64]; } m;
	int i, minseq = s->minseq;
	char *p;

	memset(s, 0, sizeof(*s));
	s->minseq = minseq;
	s->pid = getpid();
	for (i = 0; i < 3; i++)
		s->q[i] = s->s[i] = -1;
	for (i = 0; i < 4; i++)
		s->m[i] = -1;

	/* Queues: 50 bytes in 2 messages, after a receive; empty; 1500. */
	CHECK(!prime_all(minseq), "prime");
	s->q[0] = X(msgget)(KEY_Q1, IPC_CREAT | IPC_EXCL | 0640);
	CHECK(s->q[0] >= 0, "Q1");
	CHECK(!send_bytes(s->q[0], 10) && !send_bytes(s->q[0], 20) &&
	      !send_bytes(s->q[0], 30), "msgsnd Q1");
	CHECK(X(msgrcv)(s->q[0], &m, sizeof(m.text), 0, 0) == 10, "msgrcv Q1");
	s->q[1] = X(msgget)(IPC_PRIVATE, 0600);
	CHECK(s->q[1] >= 0, "Q2");
	CHECK(!set_owner(QUEUE, s->q[1], NOBODY, NOBODY, 0), "Q2 owner");
	s->q[2] = X(msgget)(KEY_Q3, IPC_CREAT | IPC_EXCL | 0666);
	CHECK(s->q[2] >= 0, "Q3");
	CHECK(!set_owner(QUEUE, s->q[2], NONAME_UID, NONAME_GID, 4096), "Q3 owner");
	CHECK(!send_bytes(s->q[2], 1500), "msgsnd Q3");

	/*
	 * Semaphore sets, before any attach so that the sleepers hold
	 * none: values 1 3 3 with one waiting for zero on #0 and two to
	 * take from #2; a private one; one read-only, of a nameless owner.
	 */
	s->s[0] = X(semget)(KEY_S1, 3, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(s->s[0] >= 0, "S1");
	CHECK(!X(semctl)(s->s[0], 0, SETALL, arg), "SETALL S1");
	CHECK(!X(semop)(s->s[0], &up, 1), "semop S1");
	s->sleeper[0] = sleeper(s->s[0], 0, 1);
	s->sleeper[1] = sleeper(s->s[0], 2, 0);
	s->sleeper[2] = sleeper(s->s[0], 2, 0);
	CHECK(s->sleeper[0] > 0 && s->sleeper[1] > 0 && s->sleeper[2] > 0, "fork");
	for (i = 0; i < 20000; i++) {
		if (X(semctl)(s->s[0], 0, GETZCNT) == 1 &&
		    X(semctl)(s->s[0], 2, GETNCNT) == 2)
			break;
		usleep(1000);
	}
	CHECK(i < 20000, "sleepers");
	s->s[1] = X(semget)(IPC_PRIVATE, 1, 0666);
	CHECK(s->s[1] >= 0, "S2");
	s->s[2] = X(semget)(KEY_S3, 2, IPC_CREAT | IPC_EXCL | 0400);
	CHECK(s->s[2] >= 0, "S3");
	CHECK(!set_owner(SEMSET, s->s[2], NONAME_UID, NOBODY, 0), "S3 owner");

	/*
	 * Segments: one page, attached and touched; 1.5 MB attached and
	 * detached; 100 bytes attached and removed (dest); two pages
	 * locked, owned by nobody.
	 */
	s->m[0] = X(shmget)(KEY_M1, 4096, IPC_CREAT | IPC_EXCL | 0640);
	CHECK(s->m[0] >= 0, "M1");
	s->att[0] = X(shmat)(s->m[0], NULL, 0);
	CHECK(s->att[0] != (void *)-1, "shmat M1");
	*(volatile char *)s->att[0] = 1;
	s->m[1] = X(shmget)(IPC_PRIVATE, 1536000, 0600);
	CHECK(s->m[1] >= 0, "M2");
	p = X(shmat)(s->m[1], NULL, 0);
	CHECK(p != (void *)-1 && !X(shmdt)(p), "shmat/shmdt M2");
	s->m[2] = X(shmget)(KEY_M3, 100, IPC_CREAT | IPC_EXCL | 0666);
	CHECK(s->m[2] >= 0, "M3");
	s->att[1] = X(shmat)(s->m[2], NULL, 0);
	CHECK(s->att[1] != (void *)-1, "shmat M3");
	CHECK(!X(shmctl)(s->m[2], IPC_RMID, NULL), "IPC_RMID M3");
	s->m[3] = X(shmget)(KEY_M4, 8192, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(s->m[3] >= 0, "M4");
	CHECK(!X(shmctl)(s->m[3], SHM_LOCK, NULL), "SHM_LOCK M4");
	CHECK(!set_owner(SEGMENT, s->m[3], NOBODY, NOBODY, 0), "M4 owner");
	return 0;
}

/* Placeholders: the names of the objects' ids, and of the owner's pid. */
#define NSUBST 11
static const char *const subst_name[NSUBST] = {
	"Q1", "Q2", "Q3", "M1", "M2", "M3", "M4", "S1", "S2", "S3", "PID",
};

static long subst_value(const struct scen *s, int i)
{
	if (i < 3)
		return s->q[i];
	if (i < 7)
		return s->m[i - 3];
	if (i < 10)
		return s->s[i - 7];
	return s->pid;
}

/* ---- The commands, and running them --------------------------------- */

struct cmd {
	int rm;			/* 0: svipcs/ipcs, 1: svipcrm/ipcrm */
	int nobody;		/* run as nobody:nogroup */
	const char *args[12];	/* "@Q1" etc. stand for ids */
};

static const struct cmd cmds[] = {
	/* Every view of everything. */
	{ 0, 0, { NULL } },
	{ 0, 0, { "-a" } },
	{ 0, 0, { "-q" } },
	{ 0, 0, { "-m" } },
	{ 0, 0, { "-s" } },
	{ 0, 0, { "-s", "-q" } },
	{ 0, 0, { "-t" } },
	{ 0, 0, { "-p" } },
	{ 0, 0, { "-c" } },
	{ 0, 0, { "-u" } },
	{ 0, 0, { "-u", "--human" } },
	{ 0, 0, { "-u", "-b" } },
	{ 0, 0, { "-l" } },
	{ 0, 0, { "-l", "--human" } },
	{ 0, 0, { "-l", "-b" } },
	{ 0, 0, { "--human" } },
	{ 0, 0, { "-b" } },
	{ 0, 0, { "-m", "-t" } },
	{ 0, 0, { "-q", "-p" } },
	{ 0, 0, { "-s", "-c" } },
	{ 0, 0, { "-s", "-t" } },
	{ 0, 0, { "-m", "-p" } },
	{ 0, 0, { "-s", "-p" } },
	{ 0, 0, { "-m", "--human" } },
	{ 0, 0, { "-t", "-c", "-p" } },
	{ 0, 0, { "--queues", "--time" } },
	{ 0, 0, { "--shmems", "--creator" } },
	{ 0, 0, { "--semaphores", "--pid" } },
	{ 0, 0, { "--all", "--summary", "--bytes" } },
	{ 0, 0, { "--limits", "--queues" } },
	{ 0, 0, { "-qms" } },
	/* One object each. */
	{ 0, 0, { "-i", "@Q1", "-q" } },
	{ 0, 0, { "-i", "@Q2", "-q", "-t" } },
	{ 0, 0, { "-q", "-i", "@Q3", "--human" } },
	{ 0, 0, { "--id", "@M1", "-m" } },
	{ 0, 0, { "-i", "@M2", "-m", "--human" } },
	{ 0, 0, { "-m", "--id=@M3" } },
	{ 0, 0, { "-i", "@M4", "-m", "-b" } },
	{ 0, 0, { "-i", "@S1", "-s" } },
	{ 0, 0, { "-s", "-i", "@S2" } },
	{ 0, 0, { "-i", "@S3", "--semaphores" } },
	{ 0, 0, { "-q", "-i", "-1" } },
	/* Errors. */
	{ 0, 0, { "-i", "999999", "-q" } },
	{ 0, 0, { "-i", "999999", "-m" } },
	{ 0, 0, { "-i", "999999", "-s" } },
	{ 0, 0, { "-i", "@Q1" } },
	{ 0, 0, { "-i", "@Q1", "-q", "-s" } },
	{ 0, 0, { "-a", "-i", "@S1" } },
	{ 0, 0, { "-i", "abc", "-q" } },
	{ 0, 0, { "-i", "", "-q" } },
	{ 0, 0, { "-i", "12x", "-q" } },
	{ 0, 0, { "-i", "99999999999", "-q" } },
	{ 0, 0, { "-i" } },
	{ 0, 0, { "-x" } },
	{ 0, 0, { "--foo" } },
	{ 0, 0, { "--s" } },
	{ 0, 0, { "-q", "extra" } },
	{ 0, 0, { "--help" } },
	/* Unprivileged: everything listed; -i of what nobody may not read. */
	{ 0, 1, { NULL } },
	{ 0, 1, { "-c" } },
	{ 0, 1, { "-i", "@Q1", "-q" } },
	{ 0, 1, { "-i", "@S1", "-s" } },
	{ 0, 1, { "-i", "@S3", "-s" } },

	/* svipcrm: each on a fresh scenario, svipcs shows what is left. */
	{ 1, 0, { NULL } },
	{ 1, 0, { "-q", "@Q1" } },
	{ 1, 0, { "-Q", "0x5a5a0001" } },
	{ 1, 0, { "--queue-key", "1515847683" } },
	{ 1, 0, { "-m", "@M1" } },
	{ 1, 0, { "-M", "0x5a5a0014" } },
	{ 1, 0, { "--shmem-id", "@M2" } },
	{ 1, 0, { "-s", "@S1" } },
	{ 1, 0, { "-S", "013226400043" } },
	{ 1, 0, { "--semaphore-id=@S2" } },
	{ 1, 0, { "-q", "@Q2", "-m", "@M2", "-s", "@S2" } },
	{ 1, 0, { "-v", "-Q", "0x5a5a0003", "-M", "0x5a5a0011", "-S", "0x5a5a0021" } },
	{ 1, 0, { "-q", "@Q1", "-q", "@Q1" } },
	{ 1, 0, { "-q", "@Q1", "-q", "999999", "-m", "@M4" } },
	{ 1, 0, { "-q", "999999" } },
	{ 1, 0, { "-m", "999999" } },
	{ 1, 0, { "-s", "999999" } },
	{ 1, 0, { "-Q", "0x5a5affff" } },
	{ 1, 0, { "-M", "0x5a5affff" } },
	{ 1, 0, { "-S", "0x5a5affff" } },
	{ 1, 0, { "-Q", "0" } },
	{ 1, 0, { "-M", "0x5a5a0013" } },
	{ 1, 0, { "-m", "@M3" } },
	{ 1, 0, { "-q", "abc" } },
	{ 1, 0, { "-s", "99999999999" } },
	{ 1, 0, { "-Q", "0x5a5a0001x" } },
	{ 1, 0, { "-Q", "99999999999999999999" } },
	{ 1, 0, { "-q" } },
	{ 1, 0, { "-x" } },
	{ 1, 0, { "--shm", "1" } },
	{ 1, 0, { "-q", "@Q1", "extra" } },
	{ 1, 0, { "-a" } },
	{ 1, 0, { "-a", "-v" } },
	{ 1, 0, { "-ashm" } },
	{ 1, 0, { "--all=msg" } },
	{ 1, 0, { "--all=sem", "--verbose" } },
	{ 1, 0, { "-afoo" } },
	{ 1, 0, { "-a", "sem" } },
	{ 1, 0, { "shm", "@M2" } },
	{ 1, 0, { "msg", "@Q1", "@Q3" } },
	{ 1, 0, { "sem", "@S2", "abc", "999999" } },
	{ 1, 0, { "sem" } },
	{ 1, 0, { "--help" } },
	{ 1, 1, { "-q", "@Q1" } },
	{ 1, 1, { "-Q", "0x5a5a0001" } },
	{ 1, 1, { "-q", "@Q2" } },
	{ 1, 1, { "-M", "0x5a5a0014" } },
	{ 1, 1, { "-S", "0x5a5a0023" } },
	{ 1, 1, { "-a", "-v" } },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

struct result {
	int status;		/* exit status, or 128 + signal */
	char *out, *err;
};

/* "svipcs -i @Q1 -q": the command line as the fixtures name it. */
static void cmd_line(const struct cmd *c, char *buf, size_t len)
{
	size_t n;
	int i;

	n = snprintf(buf, len, "%s%s", c->nobody ? "(as nobody) " : "",
		     c->rm ? "svipcrm" : "svipcs");
	for (i = 0; c->args[i] && n < len; i++)
		n += snprintf(buf + n, len - n, *c->args[i] ? " %s" : " ''",
			      c->args[i]);
}

/* A placeholder "@Q1" (also after "--id=") replaced by the id. */
static void expand_arg(const struct scen *s, const char *a, char *buf, size_t len)
{
	const char *at = strchr(a, '@');
	int i;

	snprintf(buf, len, "%s", a);
	if (!at)
		return;
	for (i = 0; i < NSUBST - 1; i++)
		if (!strcmp(at + 1, subst_name[i]))
			snprintf(buf, len, "%.*s%ld", (int)(at - a), a,
				 subst_value(s, i));
}

/* An anonymous file: memfd, or (kernels without it) an unlinked one. */
static int anon_file(void)
{
	char tmpl[] = "/tmp/ipcs_test.XXXXXX";
	int fd = memfd_create("ipcs_test", MFD_CLOEXEC);

	if (fd >= 0)
		return fd;
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

static char *read_all(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf = malloc(size + 1);

	if (!buf)
		return NULL;
	if (pread(fd, buf, size, 0) != size) {
		free(buf);
		return NULL;
	}
	buf[size] = 0;
	return buf;
}

/*
 * Start @path with stdout and stderr on @out and @err, optionally as
 * nobody.  The child is a vfork() one: sharing our memory, it never
 * holds the owner's attaches, whose detach at its exec would change the
 * segments' history (shm_lpid, shm_dtime).  So it only makes raw system
 * calls before execve.
 */
static pid_t spawn(const char *path, char *const argv[], int out, int err, int nobody)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	pid_t pid = vfork();

	if (pid == 0) {
		if (dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		if (nobody && (syscall(SYS_setgroups, 0, NULL) ||
			       syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) ||
			       syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY)))
			_exit(126);
		execve(path, argv, envp);
		_exit(127);
	}
	return pid;
}

/*
 * Run @path as "svipcs"/"svipcrm" (argv[0]: util-linux names itself by
 * it) with a bare environment, optionally as nobody; collect its exit
 * status, stdout and stderr.
 */
static int run_tool(const char *path, const char *name, const char *const *args,
		    const struct scen *s, int nobody, struct result *r)
{
	char argbuf[12][64];
	char *argv[14];
	int out, err, st, i;
	pid_t pid;

	argv[0] = (char *)name;
	for (i = 0; args[i]; i++) {
		expand_arg(s, args[i], argbuf[i], sizeof(argbuf[i]));
		argv[i + 1] = argbuf[i];
	}
	argv[i + 1] = NULL;

	out = anon_file();
	err = anon_file();
	if (out < 0 || err < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = spawn(path, argv, out, err, nobody);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = read_all(out);
	r->err = read_all(err);
	close(out);
	close(err);
	return r->out && r->err ? 0 : -1;
}

/* ---- Normalisation (selftests/fixtures/README.md) ------------------- */

/* 'a' a letter, '9' a digit, '_' a digit or a blank; others literal. */
static int match_template(const char *s, const char *t)
{
	for (; *t; s++, t++) {
		if (!*s)
			return 0;
		if (*t == 'a' ? !isalpha((unsigned char)*s) :
		    *t == '9' ? !isdigit((unsigned char)*s) :
		    *t == '_' ? !isdigit((unsigned char)*s) && *s != ' ' :
		    *s != *t)
			return 0;
	}
	return 1;
}

static const char *const date_forms[][2] = {
	{ "aaa aaa _9 99:99:99 9999", "DDD MMM dd hh:mm:ss YYYY" },
	{ "aaa _9 99:99:99", "MMM dd hh:mm:ss" },
};

/* The length of a number starting at @s[i] (not inside a word), or 0. */
static size_t number_at(const char *s, size_t i, long *val)
{
	size_t n = 0;

	if (i && isalnum((unsigned char)s[i - 1]))
		return 0;
	while (isdigit((unsigned char)s[i + n]))
		n++;
	if (!n || n > 12 || isalnum((unsigned char)s[i + n]))
		return 0;
	*val = strtol(s + i, NULL, 10);
	return n;
}

static int subst_lookup(const struct scen *s, long v)
{
	int i;

	for (i = 0; i < NSUBST; i++)
		if (subst_value(s, i) == v)
			return i;
	return -1;
}

/*
 * Dates become templates of the same length.  An id or the owner's pid,
 * as a whole number, becomes its name; several of them separated only
 * by blanks go together.  The blanks around such a group are part of its
 * fixed-width columns, so the group and its blanks become: one blank if
 * it had any before it, the names separated by one blank, then blanks up
 * to the same length (a group with no blank around it is not in a
 * column: just the names).  As ids and pids differ in digits from one
 * machine to the other but the columns do not, both sides normalise
 * alike.
 */
static char *normalise(const char *in, const struct scen *s)
{
	size_t len = strlen(in), cap = 2 * len + 64, o = 0, i = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (i < len) {
		size_t n, j, k, lead, start, run;
		long v;
		int f, idx;

		for (f = 0; f < 2; f++) {
			if (match_template(in + i, date_forms[f][0])) {
				n = strlen(date_forms[f][1]);
				memcpy(out + o, date_forms[f][1], n);
				o += n;
				i += n;
				break;
			}
		}
		if (f < 2)
			continue;

		n = number_at(in, i, &v);
		idx = n ? subst_lookup(s, v) : -1;
		if (idx < 0) {
			out[o++] = in[i++];
			continue;
		}
		for (lead = 0; lead < o && out[o - lead - 1] == ' '; lead++)
			;
		o -= lead;
		start = o;
		if (lead)
			out[o++] = ' ';
		j = i;
		for (;;) {
			o += sprintf(out + o, "%s", subst_name[idx]);
			j += n;
			for (k = j; in[k] == ' '; k++)
				;
			n = k > j ? number_at(in, k, &v) : 0;
			idx = n ? subst_lookup(s, v) : -1;
			if (idx < 0)
				break;
			out[o++] = ' ';
			j = k;
		}
		for (k = j; in[k] == ' '; k++)
			;
		run = lead + (k - i);
		while ((lead || k > j) && o - start < run)
			out[o++] = ' ';
		i = k;
	}
	out[o] = 0;
	return out;
}

#ifdef IPCS_GEN_FIXTURES

/* ---- The fixture maker (host side) ---------------------------------- */

static void put_c_string(FILE *f, const char *s, const char *indent)
{
	if (!*s) {
		fputs("\"\"", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		switch (*s) {
		case '\n':
			fputs("\\n\"", f);
			if (s[1])
				fprintf(f, "\n%s\"", indent);
			else
				return;
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '"':
		case '\\':
			fprintf(f, "\\%c", *s);
			break;
		default:
			if (isprint((unsigned char)*s))
				fputc(*s, f);
			else
				fprintf(f, "\\%03o", (unsigned char)*s);
		}
	}
	fputc('"', f);
}

/* All outputs, normalised, in both files under @dir. */
static int generate(const char *dir, int minseq)
{
	char path[512], line[512];
	FILE *h, *txt[2];
	struct scen s = { .minseq = minseq };
	size_t c;

	if (unshare(CLONE_NEWIPC)) {
		perror("unshare(CLONE_NEWIPC)");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/ipcs_fixtures.h", dir);
	h = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/ipcs.txt", dir);
	txt[0] = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/ipcrm.txt", dir);
	txt[1] = fopen(path, "w");
	if (!h || !txt[0] || !txt[1]) {
		perror(path);
		return -1;
	}
	fprintf(h, "/* SPDX-License-Identifier: GPL-2.0 */\n"
		"/*\n"
		" * Generated by selftests/fixtures/regen.sh: the output of util-linux\n"
		" * 2.38.1's ipcs and ipcrm for the scenario of selftests/ipcs_test.c,\n"
		" * normalised as selftests/fixtures/README.md says.  Do not edit.\n"
		" */\n"
		"static const struct ipcs_expect ipcs_expected[] = {\n");
	for (c = 0; c < NCMDS; c++) {
		const struct cmd *cmd = &cmds[c];
		struct result r, after = { 0, NULL, NULL };
		static const char *const none[] = { NULL };
		char *out, *err, *aft = NULL;
		FILE *t = txt[cmd->rm];

		if (scen_make(&s)) {
			scen_destroy(&s);
			return -1;
		}
		if (s.pid > 99999) {
			fprintf(stderr, "pid %d too long for ipcs's %%5d: run again\n", s.pid);
			return -1;
		}
		if (run_tool(cmd->rm ? "/usr/bin/ipcrm" : "/usr/bin/ipcs",
			     cmd->rm ? "svipcrm" : "svipcs", cmd->args, &s,
			     cmd->nobody, &r))
			return -1;
		if (cmd->rm && run_tool("/usr/bin/ipcs", "svipcs", none, &s, 0, &after))
			return -1;
		out = normalise(r.out, &s);
		err = normalise(r.err, &s);
		if (cmd->rm)
			aft = normalise(after.out, &s);
		scen_destroy(&s);

		cmd_line(cmd, line, sizeof(line));
		fprintf(t, "### %s\n# exit status %d\n# stdout:\n%s# stderr:\n%s",
			line, r.status, out, err);
		if (aft)
			fprintf(t, "# svipcs afterwards:\n%s", aft);
		fprintf(h, "\t{\n\t\t.cmd = ");
		put_c_string(h, line, "\t\t\t");
		fprintf(h, ",\n\t\t.status = %d,\n\t\t.out = ", r.status);
		put_c_string(h, out, "\t\t\t");
		fprintf(h, ",\n\t\t.err = ");
		put_c_string(h, err, "\t\t\t");
		if (aft) {
			fprintf(h, ",\n\t\t.after = ");
			put_c_string(h, aft, "\t\t\t");
		}
		fprintf(h, ",\n\t},\n");
		free(out);
		free(err);
		free(aft);
		free(r.out);
		free(r.err);
		free(after.out);
		free(after.err);
	}
	fprintf(h, "};\n");
	return fclose(h) | fclose(txt[0]) | fclose(txt[1]);
}

static int same_file(const char *a, const char *b)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

/*
 * ipcs_test-gen DIR: write DIR/ipcs_fixtures.h, DIR/fixtures/ipcs.txt and
 * DIR/fixtures/ipcrm.txt; with DIR "-", print them on stdout, each after
 * a line "=== NAME", then "=== end".  Run as root on the reference
 * system.  It runs
 * the whole scenario twice, in fresh IPC namespaces, with other ids and
 * another pid, and keeps the result only if both normalise alike (so no
 * id or pid happened to equal a number printed for another reason).
 */
int main(int argc, char **argv)
{
	const char *files[3] = { "ipcs_fixtures.h", "ipcs.txt", "ipcrm.txt" };
	const char *dest[3] = { "", "fixtures/", "fixtures/" };
	char tmp[2][64], a[256], b[256];
	struct passwd *pw;
	struct group *gr;
	int run, i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SELFTESTS_DIR\n", argv[0]);
		return 2;
	}
	/* The names the fixtures show must be the VM's. */
	pw = getpwuid(0);
	if (!pw || strcmp(pw->pw_name, "root") ||
	    !(pw = getpwuid(NOBODY)) || strcmp(pw->pw_name, "nobody") ||
	    !(gr = getgrgid(0)) || strcmp(gr->gr_name, "root") ||
	    !(gr = getgrgid(NOBODY)) || strcmp(gr->gr_name, "nogroup") ||
	    getpwuid(NONAME_UID) || getgrgid(NONAME_GID)) {
		fprintf(stderr, "need root:root (0), nobody:nogroup (65534), no uid %d, no gid %d\n",
			NONAME_UID, NONAME_GID);
		return 1;
	}
	for (run = 0; run < 2; run++) {
		pid_t pid;
		int st;

		snprintf(tmp[run], sizeof(tmp[run]), "/tmp/ipcs-fixtures.%d.XXXXXX", run);
		if (!mkdtemp(tmp[run])) {
			perror("mkdtemp");
			return 1;
		}
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			_exit(generate(tmp[run], 1 + run) ? 1 : 0);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "run %d failed\n", run);
			return 1;
		}
	}
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "%s/%s", tmp[0], files[i]);
		snprintf(b, sizeof(b), "%s/%s", tmp[1], files[i]);
		if (!same_file(a, b)) {
			fprintf(stderr, "%s and %s differ: a collision, run again\n", a, b);
			return 1;
		}
	}
	for (i = 0; i < 3; i++) {
		char cmd[600];

		snprintf(a, sizeof(a), "%s/%s", tmp[0], files[i]);
		if (!strcmp(argv[1], "-")) {
			/* For scripts/vm-run: the files on stdout. */
			printf("=== %s%s\n", dest[i], files[i]);
			fflush(stdout);
			snprintf(cmd, sizeof(cmd), "cat '%s'", a);
		} else {
			snprintf(b, sizeof(b), "%s/%s%s", argv[1], dest[i], files[i]);
			snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", a, b);
			printf("wrote %s\n", b);
		}
		if (system(cmd)) {
			fprintf(stderr, "%s failed\n", cmd);
			return 1;
		}
	}
	if (!strcmp(argv[1], "-"))
		printf("=== end\n");
	fflush(stdout);
	snprintf(a, sizeof(a), "rm -rf '%s' '%s'", tmp[0], tmp[1]);
	if (system(a))
		return 1;
	return 0;
}

#else /* !IPCS_GEN_FIXTURES */

/* ---- The tests (in the VM) ------------------------------------------ */

struct ipcs_expect {
	const char *cmd;
	int status;
	const char *out, *err, *after;
};

#include "ipcs_fixtures.h"

#define NEXPECTED (sizeof(ipcs_expected) / sizeof(ipcs_expected[0]))

/* Does @v appear as a number in any fixture (as other than an id/pid)? */
static int in_fixtures(long v)
{
	const char *texts[4];
	size_t e, i;
	int t;

	for (e = 0; e < NEXPECTED; e++) {
		texts[0] = ipcs_expected[e].out;
		texts[1] = ipcs_expected[e].err;
		texts[2] = ipcs_expected[e].after ? ipcs_expected[e].after : "";
		texts[3] = ipcs_expected[e].cmd;
		for (t = 0; t < 4; t++) {
			for (i = 0; texts[t][i]; i++) {
				long x;
				size_t n = number_at(texts[t], i, &x);

				if (n && x == v)
					return 1;
				if (n)
					i += n - 1;
			}
		}
	}
	return 0;
}

/*
 * The owner's pid is a placeholder in the fixtures: it must not equal a
 * number they print for another reason.  If it does, carry on in a child
 * (a new pid) and pass its verdict on.
 */
static void get_unremarkable_pid(void)
{
	while (in_fixtures(getpid())) {
		pid_t pid;
		int st;

		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid <= 0)
			return;		/* the child tries its own pid */
		if (waitpid(pid, &st, 0) != pid)
			_exit(1);
		if (WIFSIGNALED(st)) {
			signal(WTERMSIG(st), SIG_DFL);
			raise(WTERMSIG(st));
		}
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
}

/* The expected outputs must be those of this file's commands. */
static int fixtures_current(struct __test_metadata *_metadata)
{
	char line[512];
	size_t c;

	if (NEXPECTED != NCMDS) {
		TH_LOG("ipcs_fixtures.h has %zu entries, the test %zu commands: run selftests/fixtures/regen.sh",
		       NEXPECTED, NCMDS);
		return 0;
	}
	for (c = 0; c < NCMDS; c++) {
		cmd_line(&cmds[c], line, sizeof(line));
		if (strcmp(line, ipcs_expected[c].cmd)) {
			TH_LOG("fixture %zu is for \"%s\", not \"%s\": run selftests/fixtures/regen.sh",
			       c, ipcs_expected[c].cmd, line);
			return 0;
		}
	}
	return 1;
}

/* Compare, and show both texts when they differ. */
static int same_text(struct __test_metadata *_metadata, const char *cmd,
		     const char *what, const char *want, const char *got)
{
	if (!strcmp(want, got))
		return 1;
	TH_LOG("%s: %s differs\n--- expected (ipcs/ipcrm) ---\n%s--- got ---\n%s---",
	       cmd, what, want, got);
	return 0;
}

static const char *const no_args[] = { NULL };

/* Run command @c of the table and compare it with its fixture. */
static int check_cmd(struct __test_metadata *_metadata, struct scen *s, size_t c)
{
	const struct ipcs_expect *e = &ipcs_expected[c];
	struct result r, after = { 0, NULL, NULL };
	char *out, *err, *aft = NULL;
	int ok = 1;

	if (run_tool(cmds[c].rm ? "/bin/svipcrm" : "/bin/svipcs",
		     cmds[c].rm ? "svipcrm" : "svipcs", cmds[c].args, s,
		     cmds[c].nobody, &r)) {
		TH_LOG("%s: cannot run: %s", e->cmd, strerror(errno));
		return 0;
	}
	if (cmds[c].rm && run_tool("/bin/svipcs", "svipcs", no_args, s, 0, &after)) {
		TH_LOG("svipcs: cannot run: %s", strerror(errno));
		return 0;
	}
	out = normalise(r.out, s);
	err = normalise(r.err, s);
	if (after.out)
		aft = normalise(after.out, s);
	if (r.status != e->status) {
		TH_LOG("%s: exit status %d, ipcs/ipcrm's %d", e->cmd, r.status, e->status);
		ok = 0;
	}
	ok &= same_text(_metadata, e->cmd, "stdout", e->out, out);
	ok &= same_text(_metadata, e->cmd, "stderr", e->err, err);
	if (aft)
		ok &= same_text(_metadata, e->cmd, "what is left", e->after, aft);
	free(out);
	free(err);
	free(aft);
	free(r.out);
	free(r.err);
	free(after.out);
	free(after.err);
	return ok;
}

/* No id may stand for another number of the fixtures, nor be the pid. */
static int ids_unremarkable(struct __test_metadata *_metadata, const struct scen *s)
{
	int i;

	for (i = 0; i < NSUBST - 1; i++) {
		if (in_fixtures(subst_value(s, i)) || subst_value(s, i) == s->pid) {
			TH_LOG("id %ld of %s is also a number of the fixtures",
			       subst_value(s, i), subst_name[i]);
			return 0;
		}
	}
	return 1;
}

FIXTURE(ipcs) {
	struct scen s;
};

FIXTURE_SETUP(ipcs)
{
	get_unremarkable_pid();
	self->s.minseq = 1;
	if (scen_make(&self->s)) {
		scen_destroy(&self->s);
		ASSERT_TRUE(0);
	}
	if (!ids_unremarkable(_metadata, &self->s)) {
		scen_destroy(&self->s);
		ASSERT_TRUE(0);
	}
}

FIXTURE_TEARDOWN(ipcs)
{
	scen_destroy(&self->s);
}

/* Every svipcs command of the table prints what ipcs printed. */
TEST_F_TIMEOUT(ipcs, svipcs_matches_ipcs, 600)
{
	size_t c, bad = 0, n = 0;

	ASSERT_TRUE(fixtures_current(_metadata));
	for (c = 0; c < NCMDS; c++) {
		if (cmds[c].rm)
			continue;
		n++;
		if (!check_cmd(_metadata, &self->s, c))
			bad++;
	}
	TH_LOG("%zu of %zu svipcs commands differ from ipcs", bad, n);
	EXPECT_EQ(0, bad);
}

/* Every svipcrm command, each on a fresh scenario, does what ipcrm did. */
TEST_F_TIMEOUT(ipcs, svipcrm_matches_ipcrm, 600)
{
	size_t c, bad = 0, n = 0;

	ASSERT_TRUE(fixtures_current(_metadata));
	for (c = 0; c < NCMDS; c++) {
		if (!cmds[c].rm)
			continue;
		if (n++) {
			scen_destroy(&self->s);
			ASSERT_EQ(0, scen_make(&self->s));
			ASSERT_TRUE(ids_unremarkable(_metadata, &self->s));
		}
		if (!check_cmd(_metadata, &self->s, c))
			bad++;
	}
	TH_LOG("%zu of %zu svipcrm commands differ from ipcrm", bad, n);
	EXPECT_EQ(0, bad);
}

/* The value after "@label = " in @text, or -1. */
static long long value_of(const char *text, const char *label)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s = ", label);
	p = strstr(text, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static unsigned long long uvalue_of(const char *text, const char *label)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s = ", label);
	p = strstr(text, pat);
	return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

static int run_svipcs(const char *a0, const char *a1, struct result *r)
{
	const char *args[3] = { a0, a1, NULL };

	return run_tool("/bin/svipcs", "svipcs", args, NULL, 0, r);
}

/* -u prints MSG_INFO, SHM_INFO, SEM_INFO (nothing changes meanwhile). */
TEST_F(ipcs, summary_is_info)
{
	struct msginfo mi;
	struct shm_info si;
	struct seminfo smi;
	union ipcs_semun arg = { .__buf = &smi };
	struct result r;
	char want[256];

	ASSERT_LE(0, svipc_msgctl(0, MSG_INFO, (struct msqid_ds *)&mi));
	ASSERT_LE(0, svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&si));
	ASSERT_LE(0, svipc_semctl(0, 0, SEM_INFO, arg));
	ASSERT_EQ(0, run_svipcs("-u", NULL, &r));
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(3, mi.msgpool);
	EXPECT_EQ(3, mi.msgmap);
	EXPECT_EQ(1550, mi.msgtql);
	EXPECT_EQ(mi.msgpool, value_of(r.out, "allocated queues"));
	EXPECT_EQ(mi.msgmap, value_of(r.out, "used headers"));
	EXPECT_EQ(mi.msgtql, value_of(r.out, "used space"));
	snprintf(want, sizeof(want),
		 "segments allocated %d\npages allocated %lu\npages resident  %lu\n"
		 "pages swapped   %lu\nSwap performance: %lu attempts\t %lu successes\n",
		 si.used_ids, si.shm_tot, si.shm_rss, si.shm_swp,
		 si.swap_attempts, si.swap_successes);
	EXPECT_NE(NULL, strstr(r.out, want)) {
		TH_LOG("no \"%s\" in\n%s", want, r.out);
	}
	EXPECT_EQ(4, si.used_ids);
	EXPECT_EQ(smi.semusz, value_of(r.out, "used arrays"));
	EXPECT_EQ(smi.semaem, value_of(r.out, "allocated semaphores"));
	EXPECT_EQ(3, smi.semusz);
	EXPECT_EQ(6, smi.semaem);
	free(r.out);
	free(r.err);
}

/* The dates are the objects' times, as ctime() writes them. */
TEST_F(ipcs, dates_are_the_objects_times)
{
	struct msqid_ds q;
	struct shmid_ds m;
	struct semid_ds sd;
	union ipcs_semun arg = { .buf = &sd };
	struct result r;
	char id[16], want[128], c1[32], c2[32], c3[32];
	const char *args[4] = { "-i", id, "-q", NULL };

	ASSERT_EQ(0, svipc_msgctl(self->s.q[0], IPC_STAT, &q));
	ASSERT_EQ(0, svipc_shmctl(self->s.m[1], IPC_STAT, &m));
	ASSERT_EQ(0, svipc_semctl(self->s.s[0], 0, IPC_STAT, arg));

	snprintf(id, sizeof(id), "%d", self->s.q[0]);
	ASSERT_EQ(0, run_tool("/bin/svipcs", "svipcs", args, NULL, 0, &r));
	snprintf(want, sizeof(want), "send_time=%.24s  \nrcv_time=%.24s  \nchange_time=%.24s  \n",
		 ctime_r(&q.msg_stime, c1), ctime_r(&q.msg_rtime, c2), ctime_r(&q.msg_ctime, c3));
	EXPECT_NE(NULL, strstr(r.out, want)) {
		TH_LOG("no \"%s\" in\n%s", want, r.out);
	}
	free(r.out);
	free(r.err);

	ASSERT_EQ(0, run_svipcs("-m", "-t", &r));
	snprintf(id, sizeof(id), "\n%-10d", self->s.m[1]);
	snprintf(want, sizeof(want), "%s %-10.10s %-20.16s %-20.16s %-20.16s\n", id, "root",
		 ctime_r(&m.shm_atime, c1) + 4, ctime_r(&m.shm_dtime, c2) + 4,
		 ctime_r(&m.shm_ctime, c3) + 4);
	EXPECT_NE(NULL, strstr(r.out, want)) {
		TH_LOG("no \"%s\" in\n%s", want, r.out);
	}
	free(r.out);
	free(r.err);

	ASSERT_EQ(0, run_svipcs("-s", "-t", &r));
	snprintf(want, sizeof(want), "\n%-8d %-10.10s  %-26.24s %-26.24s\n", self->s.s[0], "root",
		 ctime_r(&sd.sem_otime, c1), ctime_r(&sd.sem_ctime, c2));
	EXPECT_NE(NULL, strstr(r.out, want)) {
		TH_LOG("no \"%s\" in\n%s", want, r.out);
	}
	free(r.out);
	free(r.err);
}

/* ---- -l: the module's limits ---------------------------------------- */

static const char *const limit_params[] = {
	"msgmax", "msgmnb", "msgmni", "sem", "shmmax", "shmall", "shmmni",
};

#define NPARAMS (sizeof(limit_params) / sizeof(limit_params[0]))

static int param_read(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int param_write(const char *name, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -1;
	close(fd);
	return ret;
}

FIXTURE(limits) {
	char saved[NPARAMS][64];
};

FIXTURE_SETUP(limits)
{
	size_t i;

	for (i = 0; i < NPARAMS; i++)
		ASSERT_EQ(0, param_read(limit_params[i], self->saved[i],
					sizeof(self->saved[i])));
}

FIXTURE_TEARDOWN(limits)
{
	size_t i;

	for (i = 0; i < NPARAMS; i++)
		EXPECT_EQ(0, param_write(limit_params[i], self->saved[i]));
}

/* svipcs -l prints IPC_INFO's numbers in each unit ipcs knows. */
static void check_limits(struct __test_metadata *_metadata)
{
	struct msginfo mi;
	struct shminfo si;
	struct seminfo smi;
	union ipcs_semun arg = { .__buf = &smi };
	unsigned long long pg = getpagesize(), total;
	struct result r, rb;

	ASSERT_LE(0, svipc_msgctl(0, IPC_INFO, (struct msqid_ds *)&mi));
	ASSERT_LE(0, svipc_shmctl(0, IPC_INFO, (struct shmid_ds *)&si));
	ASSERT_LE(0, svipc_semctl(0, 0, IPC_INFO, arg));
	ASSERT_EQ(0, run_svipcs("-l", NULL, &r));
	ASSERT_EQ(0, run_svipcs("-l", "-b", &rb));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);

	EXPECT_EQ(mi.msgmni, value_of(r.out, "max queues system wide"));
	EXPECT_EQ(mi.msgmax, value_of(r.out, "max size of message (bytes)"));
	EXPECT_EQ(mi.msgmnb, value_of(r.out, "default max size of queue (bytes)"));
	EXPECT_EQ(si.shmmni, uvalue_of(r.out, "max number of segments"));
	EXPECT_EQ(si.shmmax / 1024, uvalue_of(r.out, "max seg size (kbytes)"));
	EXPECT_EQ(si.shmmax, uvalue_of(rb.out, "max seg size (bytes)"));
	total = si.shmall * pg;
	if (si.shmall && total / si.shmall != pg)
		total = ~0ULL - ~0ULL % pg;
	EXPECT_EQ(total, uvalue_of(rb.out, "max total shared memory (bytes)"));
	total = si.shmall * (pg / 1024);
	if (si.shmall && total / si.shmall != pg / 1024)
		total = ~0ULL - ~0ULL % (pg / 1024);
	EXPECT_EQ(total, uvalue_of(r.out, "max total shared memory (kbytes)"));
	EXPECT_EQ(si.shmmin, uvalue_of(r.out, "min seg size (bytes)"));
	EXPECT_EQ(smi.semmni, value_of(r.out, "max number of arrays"));
	EXPECT_EQ(smi.semmsl, value_of(r.out, "max semaphores per array"));
	EXPECT_EQ(smi.semmns, value_of(r.out, "max semaphores system wide"));
	EXPECT_EQ(smi.semopm, value_of(r.out, "max ops per semop call"));
	EXPECT_EQ(smi.semvmx, value_of(r.out, "semaphore max value"));
	free(r.out);
	free(r.err);
	free(rb.out);
	free(rb.err);
}

TEST_F(limits, defaults_are_ipc_info)
{
	check_limits(_metadata);
}

/* After the parameters change, -l shows the new limits. */
TEST_F(limits, changed_parameters)
{
	struct result r;

	ASSERT_EQ(0, param_write("msgmax", "1000"));
	ASSERT_EQ(0, param_write("msgmnb", "3072"));
	ASSERT_EQ(0, param_write("msgmni", "77"));
	ASSERT_EQ(0, param_write("sem", "250 32000 32 128"));
	ASSERT_EQ(0, param_write("shmmax", "1610612736"));
	ASSERT_EQ(0, param_write("shmall", "1000"));
	ASSERT_EQ(0, param_write("shmmni", "99"));
	check_limits(_metadata);

	ASSERT_EQ(0, run_svipcs("-l", "--human", &r));
	EXPECT_STREQ("\n"
		     "------ Messages Limits --------\n"
		     "max queues system wide = 77\n"
		     "max size of message = 1000B\n"
		     "default max size of queue = 3K\n"
		     "\n"
		     "------ Shared Memory Limits --------\n"
		     "max number of segments = 99\n"
		     "max seg size = 1.5G\n"
		     "max total shared memory = 3.9M\n"
		     "min seg size = 1B\n"
		     "\n"
		     "------ Semaphore Limits --------\n"
		     "max number of arrays = 128\n"
		     "max semaphores per array = 250\n"
		     "max semaphores system wide = 32000\n"
		     "max ops per semop call = 32\n"
		     "semaphore max value = 32767\n"
		     "\n", r.out);
	free(r.out);
	free(r.err);
}

TEST(version)
{
	const char *args[2] = { "-V", NULL };
	struct result r;

	ASSERT_EQ(0, run_tool("/bin/svipcs", "svipcs", args, NULL, 0, &r));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("svipcs (svipc), compatible with ipcs from util-linux 2.38.1\n", r.out);
	free(r.out);
	free(r.err);
	ASSERT_EQ(0, run_tool("/bin/svipcrm", "svipcrm", args, NULL, 0, &r));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("svipcrm (svipc), compatible with ipcrm from util-linux 2.38.1\n", r.out);
	free(r.out);
	free(r.err);
}

SVIPC_TEST_MAIN

#endif /* IPCS_GEN_FIXTURES */
