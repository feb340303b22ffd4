// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/svipc/msg, sem and shm: the header lines and the line layout of
 * native /proc/sysvipc, byte for byte (every line is parsed and printed
 * again with native's format, and must come out the same); every field
 * against IPC_STAT and the values the test set (a negative key, perms in
 * octal with SHM_DEST and SHM_LOCKED, cbytes/qnum, lspid/lrpid, nsems,
 * size, cpid/lpid, nattch, rss); a SHM_DEST segment's key 0; removed
 * objects vanish; files 0444 owned by root, readable by anyone; pids in
 * the opener's pid namespace and uids in its user namespace; hundreds of
 * objects read with reads of every size, each listed exactly once; and
 * reads racing creation and removal, never a malformed, repeated or
 * missing line.  Where the kernel has native System V IPC, the same
 * objects made natively show lines of the same layout; nothing else here
 * uses native System V IPC.
 */
#include <limits.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "common.h"
#include "native.h"

#define IDX(id)		((id) & 0x7fff)
#define SHM_DEST_BIT	01000
#define SHM_LOCKED_BIT	02000

/* True when a call failed with exactly @e. */
#define FAILS(call, e) ((call) == -1 && errno == (e))

/* In children: exit with the number of the first check that failed. */
#define CHK(c) do { step++; if (!(c)) _exit(step); } while (0)

/* A child's exit status for "the kernel lacks this namespace". */
#define NO_NS		99

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

enum kind { K_MSG, K_SEM, K_SHM, NKINDS };

static const char *const path[NKINDS] = {
	"/proc/svipc/msg", "/proc/svipc/sem", "/proc/svipc/shm",
};

static const char *const native_path[NKINDS] = {
	"/proc/sysvipc/msg", "/proc/sysvipc/sem", "/proc/sysvipc/shm",
};

/* Native's header lines and line formats (64-bit), written out again. */
static const char *const header[NKINDS] = {
	"       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
	"       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
	"       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
};

#define MSG_FMT "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n"
#define SEM_FMT "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n"
#define SHM_FMT "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu\n"

static long pg;

/* One line, parsed.  t[] holds the kind's three (sem: two) times. */
struct pline {
	int key, id;
	unsigned int perms;
	unsigned long cbytes, qnum;		/* msg */
	unsigned int lspid, lrpid;		/* msg */
	unsigned int nsems;			/* sem */
	unsigned long size, nattch, rss, swap;	/* shm */
	unsigned int cpid, lpid;		/* shm */
	unsigned int uid, gid, cuid, cgid;
	unsigned long long t[3];
};

/*
 * Parse @line (with its '\n') of @k, then print the values again with
 * native's format: 0 only if every field parsed and the result is the
 * same string, byte for byte.
 */
static int parse_line(enum kind k, const char *line, struct pline *p)
{
	char again[512];
	int n = -1, got;

	memset(p, 0, sizeof(*p));
	switch (k) {
	case K_MSG:
		got = sscanf(line, "%d %d %o %lu %lu %u %u %u %u %u %u %llu %llu %llu%n",
			     &p->key, &p->id, &p->perms, &p->cbytes, &p->qnum,
			     &p->lspid, &p->lrpid, &p->uid, &p->gid, &p->cuid,
			     &p->cgid, &p->t[0], &p->t[1], &p->t[2], &n);
		if (got != 14)
			return -1;
		snprintf(again, sizeof(again), MSG_FMT, p->key, p->id, p->perms,
			 p->cbytes, p->qnum, p->lspid, p->lrpid, p->uid, p->gid,
			 p->cuid, p->cgid, p->t[0], p->t[1], p->t[2]);
		break;
	case K_SEM:
		got = sscanf(line, "%d %d %o %u %u %u %u %u %llu %llu%n",
			     &p->key, &p->id, &p->perms, &p->nsems, &p->uid,
			     &p->gid, &p->cuid, &p->cgid, &p->t[0], &p->t[1], &n);
		if (got != 10)
			return -1;
		snprintf(again, sizeof(again), SEM_FMT, p->key, p->id, p->perms,
			 p->nsems, p->uid, p->gid, p->cuid, p->cgid, p->t[0],
			 p->t[1]);
		break;
	default:
		got = sscanf(line, "%d %d %o %lu %u %u %lu %u %u %u %u %llu %llu %llu %lu %lu%n",
			     &p->key, &p->id, &p->perms, &p->size, &p->cpid,
			     &p->lpid, &p->nattch, &p->uid, &p->gid, &p->cuid,
			     &p->cgid, &p->t[0], &p->t[1], &p->t[2], &p->rss,
			     &p->swap, &n);
		if (got != 16)
			return -1;
		snprintf(again, sizeof(again), SHM_FMT, p->key, p->id, p->perms,
			 p->size, p->cpid, p->lpid, p->nattch, p->uid, p->gid,
			 p->cuid, p->cgid, p->t[0], p->t[1], p->t[2], p->rss,
			 p->swap);
		break;
	}
	if (n < 0 || strcmp(line + n, "\n"))
		return -1;
	return strcmp(again, line) ? -1 : 0;
}

/* All that is left to read of @fd, @chunk bytes per read(); NULL on error. */
static char *slurp_fd(int fd, size_t chunk)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;

	for (;;) {
		if (cap - len < chunk + 1) {
			cap = (cap + chunk + 1) * 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				break;
			buf = nbuf;
		}
		n = read(fd, buf + len, chunk);
		if (n < 0)
			break;
		if (n == 0) {
			buf[len] = 0;
			return buf;
		}
		len += n;
	}
	free(buf);
	return NULL;
}

/* The whole file, read @chunk bytes per read(); NULL on error. */
static char *slurp(const char *file, size_t chunk)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0)
		return NULL;
	buf = slurp_fd(fd, chunk);
	close(fd);
	return buf;
}

/* The next line of @*pos (with its '\n') in @out; false at the end. */
static bool next_line(const char **pos, char *out, size_t n)
{
	const char *end = strchr(*pos, '\n');
	size_t len;

	if (!end)
		return false;
	len = end + 1 - *pos;
	if (len >= n)
		len = n - 1;
	memcpy(out, *pos, len);
	out[len] = 0;
	*pos = end + 1;
	return true;
}

/*
 * How many lines of @buf (a file of @k) show @id; the last one is parsed
 * into @p.  -1 if that line does not parse.
 */
static int find_id(enum kind k, const char *buf, int id, struct pline *p,
		   char *line, size_t n)
{
	const char *pos = buf;
	char l[512];
	int key, lid, count = 0, bad = 0;

	if (!next_line(&pos, l, sizeof(l)))	/* the header */
		return -1;
	while (next_line(&pos, l, sizeof(l))) {
		if (sscanf(l, "%d %d", &key, &lid) != 2 || lid != id)
			continue;
		count++;
		bad = parse_line(k, l, p);
		if (line)
			snprintf(line, n, "%s", l);
	}
	return bad ? -1 : count;
}

/* Read @k's file and find @id in it, as find_id(). */
static int lookup(enum kind k, int id, struct pline *p, char *line, size_t n)
{
	char *buf = slurp(path[k], 4096);
	int count;

	if (!buf)
		return -2;
	count = find_id(k, buf, id, p, line, n);
	free(buf);
	return count;
}

/*
 * Check a whole file of @k: the header, every line well formed, indexes
 * strictly increasing (nothing listed twice).  Counts in @seen how often
 * each index of @want (n ids) appears.  Returns 0 or a reason (> 0).
 */
static int check_file(enum kind k, const char *buf, const int *want, int n,
		      int *seen)
{
	const char *pos = buf;
	struct pline p;
	char l[512];
	int i, last = -1;

	if (!next_line(&pos, l, sizeof(l)) || strcmp(l, header[k]))
		return 1;
	while (next_line(&pos, l, sizeof(l))) {
		if (parse_line(k, l, &p))
			return 2;
		if (IDX(p.id) <= last)
			return 3;
		last = IDX(p.id);
		for (i = 0; i < n; i++)
			if (want[i] == p.id)
				seen[i]++;
	}
	return *pos ? 4 : 0;	/* a last line without its '\n' */
}

/* The end column of each blank-separated field: the layout of a line. */
static int columns(const char *line, int *ends, int max)
{
	int i, n = 0;

	for (i = 0; line[i] && line[i] != '\n'; i++)
		if (line[i] != ' ' && (line[i + 1] == ' ' || line[i + 1] == '\n' ||
				       !line[i + 1]) && n < max)
			ends[n++] = i;
	return n;
}

/* A negative key no other test uses: printed signed. */
static key_t neg_key(int n)
{
	return (key_t)((unsigned int)test_key(n) | 0x80000000u);
}

static int sem_stat(int id, struct semid_ds *ds)
{
	union semun a = { .buf = ds };

	return svipc_semctl(id, 0, IPC_STAT, a);
}

static int sem_set(int id, struct semid_ds *ds)
{
	union semun a = { .buf = ds };

	return svipc_semctl(id, 0, IPC_SET, a);
}

struct tmsg {
	long mtype;
	char mtext[64];
};

static int send_n(int id, size_t n)
{
	struct tmsg m = { .mtype = 1 };

	memset(m.mtext, 'x', sizeof(m.mtext));
	return svipc_msgsnd(id, &m, n, IPC_NOWAIT);
}

static int rmid(enum kind k, int id)
{
	if (k == K_MSG)
		return svipc_msgctl(id, IPC_RMID, NULL);
	if (k == K_SEM)
		return svipc_semctl(id, 0, IPC_RMID);
	return svipc_shmctl(id, IPC_RMID, NULL);
}

/* ---- fixture --------------------------------------------------------- */

#define MAXIDS	400
#define MAXKIDS	8

FIXTURE(proc) {
	int ids[NKINDS][MAXIDS];
	int n[NKINDS];
	int native[NKINDS];		/* native objects, -1 if none */
	pid_t kids[MAXKIDS];
	int nkids;
	volatile int *shared;		/* a page shared with children */
};

FIXTURE_SETUP(proc)
{
	void *shared;
	int k;

	pg = sysconf(_SC_PAGESIZE);
	for (k = 0; k < NKINDS; k++) {
		self->n[k] = 0;
		self->native[k] = -1;
	}
	self->nkids = 0;
	shared = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	self->shared = shared;
	/* Open the device now: children that change user inherit it. */
	ASSERT_LE(0, svipc_fd());
}

FIXTURE_TEARDOWN(proc)
{
	int i, k, t;

	/* Children stop on their own, removing what they made. */
	self->shared[0] = 1;
	for (i = 0; i < self->nkids; i++) {
		for (t = 0; t < 1000; t++) {
			if (waitpid(self->kids[i], NULL, WNOHANG) != 0)
				break;
			usleep(10000);
		}
		if (t == 1000) {
			kill(self->kids[i], SIGKILL);
			waitpid(self->kids[i], NULL, 0);
		}
	}
	for (k = 0; k < NKINDS; k++) {
		for (i = 0; i < self->n[k]; i++)
			rmid(k, self->ids[k][i]);
	}
	if (self->native[K_MSG] >= 0)
		syscall(SYS_msgctl, self->native[K_MSG], IPC_RMID, NULL);
	if (self->native[K_SEM] >= 0)
		syscall(SYS_semctl, self->native[K_SEM], 0, IPC_RMID, 0);
	if (self->native[K_SHM] >= 0)
		syscall(SYS_shmctl, self->native[K_SHM], IPC_RMID, NULL);
	munmap((void *)self->shared, pg);
}

static int track(FIXTURE_DATA(proc) *self, enum kind k, int id)
{
	if (id >= 0 && self->n[k] < MAXIDS)
		self->ids[k][self->n[k]++] = id;
	return id;
}

static pid_t kid(FIXTURE_DATA(proc) *self, pid_t pid)
{
	if (pid > 0 && self->nkids < MAXKIDS)
		self->kids[self->nkids++] = pid;
	return pid;
}

/* The child was reaped: teardown must not wait for it again. */
static void reaped(FIXTURE_DATA(proc) *self, pid_t pid)
{
	int i;

	for (i = 0; i < self->nkids; i++) {
		if (self->kids[i] == pid) {
			self->kids[i] = self->kids[--self->nkids];
			return;
		}
	}
}

#define MKQ(key, flg)		track(self, K_MSG, svipc_msgget((key), (flg)))
#define MKS(key, n, flg)	track(self, K_SEM, svipc_semget((key), (n), (flg)))
#define MKM(key, sz, flg)	track(self, K_SHM, svipc_shmget((key), (sz), (flg)))

/* ---- the files ------------------------------------------------------- */

TEST_F(proc, files_are_0444_owned_by_root)
{
	struct stat st;
	int k;

	ASSERT_EQ(0, stat("/proc/svipc", &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	for (k = 0; k < NKINDS; k++) {
		ASSERT_EQ(0, stat(path[k], &st)) TH_LOG("%s", path[k]);
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(0444, st.st_mode & 07777);
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
	}
}

TEST_F(proc, header_lines_are_natives)
{
	char l[512], *buf;
	const char *pos;
	int k;

	for (k = 0; k < NKINDS; k++) {
		buf = slurp(path[k], 4096);
		ASSERT_NE(NULL, buf);
		pos = buf;
		ASSERT_TRUE(next_line(&pos, l, sizeof(l)));
		EXPECT_STREQ(header[k], l);
		free(buf);

		/* Where native System V IPC exists, its header is the same. */
		buf = slurp(native_path[k], 4096);
		if (!buf)
			continue;
		pos = buf;
		ASSERT_TRUE(next_line(&pos, l, sizeof(l)));
		EXPECT_STREQ(l, header[k]);
		free(buf);
	}
}

/* ---- message queues -------------------------------------------------- */

TEST_F(proc, msg_line_matches_ipc_stat)
{
	key_t key = neg_key(0);
	struct msqid_ds ds;
	struct tmsg m;
	char line[512];
	struct pline p;
	pid_t sender, receiver;
	int id;

	id = MKQ(key, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);

	/* A fresh queue: nothing sent or received yet. */
	ASSERT_EQ(1, lookup(K_MSG, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(key, p.key);
	EXPECT_EQ(0, p.cbytes);
	EXPECT_EQ(0, p.qnum);
	EXPECT_EQ(0, p.lspid);
	EXPECT_EQ(0, p.lrpid);
	EXPECT_EQ(0, p.t[0]);
	EXPECT_EQ(0, p.t[1]);

	/* Three messages sent by one child, one received by another. */
	sender = fork();
	ASSERT_LE(0, sender);
	if (sender == 0)
		_exit(send_n(id, 10) || send_n(id, 20) || send_n(id, 33));
	ASSERT_EQ(0, wait_status(sender));
	receiver = fork();
	ASSERT_LE(0, receiver);
	if (receiver == 0)
		_exit(svipc_msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT) != 10);
	ASSERT_EQ(0, wait_status(receiver));

	/* IPC_SET makes the owner differ from the creator. */
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));
	ds.msg_perm.uid = 1234;
	ds.msg_perm.gid = 5678;
	ds.msg_perm.mode = 0604;
	ASSERT_EQ(0, svipc_msgctl(id, IPC_SET, &ds));
	ASSERT_EQ(0, svipc_msgctl(id, IPC_STAT, &ds));

	ASSERT_EQ(1, lookup(K_MSG, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(key, p.key);
	EXPECT_GT(0, p.key);
	EXPECT_EQ(id, p.id);
	EXPECT_EQ(0604, p.perms);
	EXPECT_EQ(ds.msg_perm.mode & 0777, p.perms);
	EXPECT_EQ(53, p.cbytes);
	EXPECT_EQ(ds.__msg_cbytes, p.cbytes);
	EXPECT_EQ(2, p.qnum);
	EXPECT_EQ(ds.msg_qnum, p.qnum);
	EXPECT_EQ(sender, p.lspid);
	EXPECT_EQ(ds.msg_lspid, p.lspid);
	EXPECT_EQ(receiver, p.lrpid);
	EXPECT_EQ(ds.msg_lrpid, p.lrpid);
	EXPECT_EQ(1234, p.uid);
	EXPECT_EQ(5678, p.gid);
	EXPECT_EQ(getuid(), p.cuid);
	EXPECT_EQ(getgid(), p.cgid);
	EXPECT_EQ(ds.msg_perm.cuid, p.cuid);
	EXPECT_EQ(ds.msg_perm.cgid, p.cgid);
	EXPECT_EQ(ds.msg_stime, p.t[0]);
	EXPECT_EQ(ds.msg_rtime, p.t[1]);
	EXPECT_EQ(ds.msg_ctime, p.t[2]);
	EXPECT_NE(0, p.t[0]);
	EXPECT_LE(p.t[0], p.t[1]);
	EXPECT_LE(p.t[1], p.t[2]);
}

/* ---- semaphore sets -------------------------------------------------- */

TEST_F(proc, sem_line_matches_ipc_stat)
{
	struct sembuf sb = { .sem_num = 5, .sem_op = 1 };
	key_t key = neg_key(1);
	struct semid_ds ds;
	char line[512];
	struct pline p;
	int id;

	id = MKS(key, 7, IPC_CREAT | IPC_EXCL | 0660);
	ASSERT_LE(0, id);
	ASSERT_EQ(1, lookup(K_SEM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(0, p.t[0]);	/* no semop yet */

	ASSERT_EQ(0, svipc_semop(id, &sb, 1));
	ASSERT_EQ(0, sem_stat(id, &ds));
	ds.sem_perm.uid = 4321;
	ds.sem_perm.gid = 8765;
	ds.sem_perm.mode = 0464;
	ASSERT_EQ(0, sem_set(id, &ds));
	ASSERT_EQ(0, sem_stat(id, &ds));

	ASSERT_EQ(1, lookup(K_SEM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(key, p.key);
	EXPECT_GT(0, p.key);
	EXPECT_EQ(id, p.id);
	EXPECT_EQ(0464, p.perms);
	EXPECT_EQ(7, p.nsems);
	EXPECT_EQ(ds.sem_nsems, p.nsems);
	EXPECT_EQ(4321, p.uid);
	EXPECT_EQ(8765, p.gid);
	EXPECT_EQ(getuid(), p.cuid);
	EXPECT_EQ(getgid(), p.cgid);
	EXPECT_EQ(ds.sem_otime, p.t[0]);
	EXPECT_NE(0, p.t[0]);
	EXPECT_EQ(ds.sem_ctime, p.t[1]);
}

/* ---- shared memory --------------------------------------------------- */

TEST_F(proc, shm_line_matches_ipc_stat)
{
	int go[2], ready[2], step = 0;
	key_t key = neg_key(2);
	size_t size = 4 * pg + 123;
	struct shmid_ds ds;
	char line[512], c;
	struct pline p;
	pid_t child;
	char *a;
	int id;

	id = MKM(key, size, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);

	/* Fresh: nothing attached, nothing resident. */
	ASSERT_EQ(1, lookup(K_SHM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(key, p.key);
	EXPECT_EQ(size, p.size);
	EXPECT_EQ(getpid(), p.cpid);
	EXPECT_EQ(0, p.lpid);
	EXPECT_EQ(0, p.nattch);
	EXPECT_EQ(0, p.rss);
	EXPECT_EQ(0, p.swap);
	EXPECT_EQ(0, p.t[0]);
	EXPECT_EQ(0, p.t[1]);

	/* Attached here, then by a child that stays: lpid is the child. */
	a = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, a);
	a[0] = 1;
	a[2 * pg] = 1;
	a[4 * pg + 100] = 1;
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0) {
		char *b = svipc_shmat(id, NULL, SHM_RDONLY);

		CHK(b != (void *)-1);
		CHK(write(ready[1], "r", 1) == 1);
		CHK(read(go[0], &c, 1) == 1);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));

	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	ds.shm_perm.uid = 2222;
	ds.shm_perm.gid = 3333;
	ds.shm_perm.mode = 0644;
	ASSERT_EQ(0, svipc_shmctl(id, IPC_SET, &ds));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));

	ASSERT_EQ(1, lookup(K_SHM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(key, p.key);
	EXPECT_GT(0, p.key);
	EXPECT_EQ(id, p.id);
	EXPECT_EQ(0644, p.perms);
	EXPECT_EQ(ds.shm_perm.mode, p.perms);
	EXPECT_EQ(size, p.size);
	EXPECT_EQ(ds.shm_segsz, p.size);
	EXPECT_EQ(getpid(), p.cpid);
	EXPECT_EQ(ds.shm_cpid, p.cpid);
	EXPECT_EQ(child, p.lpid);
	EXPECT_EQ(ds.shm_lpid, p.lpid);
	/* Counted in VMAs: mine, the child's copy of it, the child's own. */
	EXPECT_EQ(3, p.nattch);
	EXPECT_EQ(ds.shm_nattch, p.nattch);
	EXPECT_EQ(2222, p.uid);
	EXPECT_EQ(3333, p.gid);
	EXPECT_EQ(getuid(), p.cuid);
	EXPECT_EQ(getgid(), p.cgid);
	EXPECT_EQ(ds.shm_atime, p.t[0]);
	EXPECT_EQ(ds.shm_dtime, p.t[1]);
	EXPECT_EQ(ds.shm_ctime, p.t[2]);
	/* Three pages touched: resident, in bytes; nothing swapped. */
	EXPECT_EQ(3 * pg, p.rss);
	EXPECT_EQ(0, p.swap);

	/* The child detaches by exiting: lpid and dtime follow. */
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, wait_status(child));
	reaped(self, child);
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	ASSERT_EQ(1, lookup(K_SHM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(1, p.nattch);
	EXPECT_EQ(child, p.lpid);
	EXPECT_EQ(ds.shm_dtime, p.t[1]);
	EXPECT_NE(0, p.t[1]);

	EXPECT_EQ(0, svipc_shmdt(a));
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
}

TEST_F(proc, shm_locked_and_dest_bits_and_key_zero)
{
	key_t key = test_key(3);
	struct shmid_ds ds;
	char line[512];
	struct pline p;
	char *a;
	int id;

	id = MKM(key, pg, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	ASSERT_EQ(1, lookup(K_SHM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(key, p.key);
	EXPECT_EQ(SHM_LOCKED_BIT | 0600, p.perms);

	a = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, a);
	/* Removed while attached: SHM_DEST, and no longer found by key. */
	ASSERT_EQ(0, svipc_shmctl(id, IPC_RMID, NULL));
	ASSERT_EQ(0, svipc_shmctl(id, IPC_STAT, &ds));
	ASSERT_EQ(1, lookup(K_SHM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(0, p.key);
	EXPECT_EQ(ds.shm_perm.__key, p.key);
	EXPECT_EQ(SHM_DEST_BIT | SHM_LOCKED_BIT | 0600, p.perms);
	EXPECT_EQ(ds.shm_perm.mode, p.perms);
	EXPECT_EQ(1, p.nattch);

	ASSERT_EQ(0, svipc_shmctl(id, SHM_UNLOCK, NULL));
	ASSERT_EQ(1, lookup(K_SHM, id, &p, line, sizeof(line))) TH_LOG("%s", line);
	EXPECT_EQ(SHM_DEST_BIT | 0600, p.perms);

	/* The last detach destroys it: the line goes. */
	ASSERT_EQ(0, svipc_shmdt(a));
	EXPECT_EQ(0, lookup(K_SHM, id, &p, NULL, 0));
}

/* ---- lifetime, readers ----------------------------------------------- */

TEST_F(proc, removed_objects_vanish)
{
	int q, s, m, q2;
	struct pline p;

	q = MKQ(test_key(0), IPC_CREAT | IPC_EXCL | 0600);
	q2 = MKQ(IPC_PRIVATE, 0600);
	s = MKS(test_key(1), 2, IPC_CREAT | IPC_EXCL | 0600);
	m = MKM(test_key(2), pg, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, q);
	ASSERT_LE(0, q2);
	ASSERT_LE(0, s);
	ASSERT_LE(0, m);
	EXPECT_EQ(1, lookup(K_MSG, q, &p, NULL, 0));
	EXPECT_EQ(1, lookup(K_MSG, q2, &p, NULL, 0));
	EXPECT_EQ(0, p.key);	/* IPC_PRIVATE */
	EXPECT_EQ(1, lookup(K_SEM, s, &p, NULL, 0));
	EXPECT_EQ(1, lookup(K_SHM, m, &p, NULL, 0));

	ASSERT_EQ(0, rmid(K_MSG, q));
	ASSERT_EQ(0, rmid(K_SEM, s));
	ASSERT_EQ(0, rmid(K_SHM, m));
	EXPECT_EQ(0, lookup(K_MSG, q, &p, NULL, 0));
	EXPECT_EQ(0, lookup(K_SEM, s, &p, NULL, 0));
	EXPECT_EQ(0, lookup(K_SHM, m, &p, NULL, 0));
	/* The other queue stays. */
	EXPECT_EQ(1, lookup(K_MSG, q2, &p, NULL, 0));
}

TEST_F(proc, an_unprivileged_reader_sees_every_object)
{
	int id[NKINDS], k, step = 0;
	struct msqid_ds ds;
	pid_t child;

	id[K_MSG] = MKQ(IPC_PRIVATE, 0600);
	id[K_SEM] = MKS(IPC_PRIVATE, 3, 0600);
	id[K_SHM] = MKM(IPC_PRIVATE, pg, 0600);
	for (k = 0; k < NKINDS; k++)
		ASSERT_LE(0, id[k]);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct pline p;

		CHK(become(65534, 65534) == 0);
		/* It may not read the objects, but the files list them. */
		CHK(FAILS(svipc_msgctl(id[K_MSG], IPC_STAT, &ds), EACCES));
		for (k = 0; k < NKINDS; k++) {
			CHK(lookup(k, id[k], &p, NULL, 0) == 1);
			CHK(p.perms == 0600 && p.uid == 0 && p.cuid == 0);
		}
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(child));
}

TEST_F(proc, pids_are_in_the_openers_pid_namespace)
{
	struct msqid_ds ds;
	struct pline p;
	pid_t child;
	int q1, q2, st;

	q1 = MKQ(IPC_PRIVATE, 0600);
	q2 = MKQ(IPC_PRIVATE, 0600);
	ASSERT_LE(0, q1);
	ASSERT_LE(0, q2);
	ASSERT_EQ(0, send_n(q1, 1));	/* lspid: this process */

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		int step = 0;
		pid_t init;

		if (unshare(CLONE_NEWPID))
			_exit(NO_NS);
		init = fork();
		CHK(init >= 0);
		if (init == 0) {
			/* pid 1 of a new namespace, which the test's is not in. */
			CHK(getpid() == 1);
			CHK(send_n(q2, 1) == 0);
			CHK(lookup(K_MSG, q2, &p, NULL, 0) == 1);
			CHK(p.lspid == 1);
			CHK(lookup(K_MSG, q1, &p, NULL, 0) == 1);
			CHK(p.lspid == 0);
			_exit(0);
		}
		self->shared[1] = init;
		st = wait_status(init);
		_exit(st ? 10 + st : 0);
	}
	st = wait_status(child);
	if (st == NO_NS)
		SKIP(return, "no pid namespaces");
	ASSERT_EQ(0, st);

	/* Out here the sender has its own pid, as in IPC_STAT. */
	ASSERT_EQ(0, svipc_msgctl(q2, IPC_STAT, &ds));
	EXPECT_EQ(self->shared[1], ds.msg_lspid);
	ASSERT_EQ(1, lookup(K_MSG, q2, &p, NULL, 0));
	EXPECT_EQ(self->shared[1], p.lspid);
	ASSERT_EQ(1, lookup(K_MSG, q1, &p, NULL, 0));
	EXPECT_EQ(getpid(), p.lspid);
}

TEST_F(proc, ids_are_in_the_openers_user_namespace)
{
	struct msqid_ds ds;
	struct pline p;
	pid_t child;
	int q, st;

	q = MKQ(IPC_PRIVATE, 0644);
	ASSERT_LE(0, q);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		int step = 0, fd;
		char *buf;

		/* This process's own view, opened before unsharing. */
		fd = open(path[K_MSG], O_RDONLY);
		CHK(fd >= 0);
		if (unshare(CLONE_NEWUSER))
			_exit(NO_NS);
		/* No uid map: every id is the overflow id, as IPC_STAT says. */
		CHK(svipc_msgctl(q, IPC_STAT, &ds) == 0);
		CHK(ds.msg_perm.uid == 65534 && ds.msg_perm.cgid == 65534);
		CHK(lookup(K_MSG, q, &p, NULL, 0) == 1);
		CHK(p.uid == 65534 && p.gid == 65534);
		CHK(p.cuid == 65534 && p.cgid == 65534);
		/* A file opened outside keeps its opener's view. */
		buf = slurp_fd(fd, 4096);
		CHK(buf);
		CHK(find_id(K_MSG, buf, q, &p, NULL, 0) == 1);
		CHK(p.uid == 0 && p.cgid == 0);
		_exit(0);
	}
	st = wait_status(child);
	if (st == NO_NS)
		SKIP(return, "no user namespaces");
	EXPECT_EQ(0, st);
}

/* ---- many objects, and readers racing writers ------------------------- */

TEST_F(proc, hundreds_of_objects_each_listed_once)
{
	static const size_t chunks[] = { 1, 97, 4096, 65536 };
	const int count[NKINDS] = { 300, 120, 120 };
	int seen[MAXIDS], i, k, c, r;
	char *buf;

	for (i = 0; i < count[K_MSG]; i++)
		ASSERT_LE(0, MKQ(IPC_PRIVATE, 0600));
	for (i = 0; i < count[K_SEM]; i++)
		ASSERT_LE(0, MKS(IPC_PRIVATE, 1, 0600));
	for (i = 0; i < count[K_SHM]; i++)
		ASSERT_LE(0, MKM(IPC_PRIVATE, pg, 0600));

	for (k = 0; k < NKINDS; k++) {
		for (c = 0; c < (int)(sizeof(chunks) / sizeof(chunks[0])); c++) {
			buf = slurp(path[k], chunks[c]);
			ASSERT_NE(NULL, buf);
			/* More than one seq_file buffer: reads resumed. */
			EXPECT_LT(2 * 4096, strlen(buf));
			memset(seen, 0, sizeof(seen));
			r = check_file(k, buf, self->ids[k], self->n[k], seen);
			EXPECT_EQ(0, r) TH_LOG("%s, reads of %zu", path[k], chunks[c]);
			for (i = 0; i < self->n[k]; i++)
				EXPECT_EQ(1, seen[i])
					TH_LOG("%s id %d, reads of %zu", path[k],
					       self->ids[k][i], chunks[c]);
			free(buf);
		}
	}

	/* Every other one removed: the rest still listed once. */
	for (k = 0; k < NKINDS; k++) {
		int keep[MAXIDS], n = 0;

		for (i = 0; i < self->n[k]; i++) {
			if (i % 2) {
				keep[n++] = self->ids[k][i];
				continue;
			}
			ASSERT_EQ(0, rmid(k, self->ids[k][i]));
		}
		memcpy(self->ids[k], keep, n * sizeof(keep[0]));
		self->n[k] = n;
		buf = slurp(path[k], 97);
		ASSERT_NE(NULL, buf);
		memset(seen, 0, sizeof(seen));
		EXPECT_EQ(0, check_file(k, buf, self->ids[k], self->n[k], seen));
		for (i = 0; i < self->n[k]; i++)
			EXPECT_EQ(1, seen[i]);
		free(buf);
	}
}

#define CHURN_SLOTS	24

/*
 * Create and remove objects of every kind until told to stop, keeping a
 * window of live ones so that removals land among the indexes a reader
 * is walking.  Segments are attached and touched, and removed while
 * attached, so the last detach destroys them.  Removes everything it
 * made before it exits.
 */
static int churn(volatile int *shared)
{
	int slot[NKINDS][CHURN_SLOTS], i, k;
	char *at[CHURN_SLOTS] = { NULL };
	unsigned int iter = 0;

	memset(slot, -1, sizeof(slot));
	while (!shared[0]) {
		i = iter % CHURN_SLOTS;
		for (k = 0; k < NKINDS; k++) {
			if (slot[k][i] >= 0) {
				rmid(k, slot[k][i]);
				slot[k][i] = -1;
			}
			if (k == K_SHM && at[i]) {
				svipc_shmdt(at[i]);
				at[i] = NULL;
			}
			if ((iter / CHURN_SLOTS) % 3 == 2)
				continue;	/* now and then, leave holes */
			if (k == K_MSG)
				slot[k][i] = svipc_msgget(IPC_PRIVATE, 0600);
			else if (k == K_SEM)
				slot[k][i] = svipc_semget(IPC_PRIVATE, 1 + i % 4, 0600);
			else
				slot[k][i] = svipc_shmget(IPC_PRIVATE, 2 * pg, 0600);
		}
		if (slot[K_MSG][i] >= 0)
			send_n(slot[K_MSG][i], i);
		if (slot[K_SHM][i] >= 0) {
			at[i] = svipc_shmat(slot[K_SHM][i], NULL, 0);
			if (at[i] == (void *)-1)
				at[i] = NULL;
			else
				at[i][i % 2 * pg] = 1;
		}
		iter++;
		shared[2] = iter;
	}
	for (i = 0; i < CHURN_SLOTS; i++) {
		for (k = 0; k < NKINDS; k++)
			if (slot[k][i] >= 0)
				rmid(k, slot[k][i]);
		if (at[i])
			svipc_shmdt(at[i]);
	}
	return 0;
}

TEST_F_TIMEOUT(proc, reads_racing_creation_and_removal, 300)
{
	static const size_t chunks[] = { 61, 700, 4096, 65536 };
	int seen[MAXIDS], passes = 0, i, k, r;
	struct timespec t0, t;
	pid_t child;
	char *buf;

	/* Objects that live through the whole race: always listed once. */
	for (i = 0; i < 4; i++) {
		ASSERT_LE(0, MKQ(IPC_PRIVATE, 0600));
		ASSERT_LE(0, MKS(IPC_PRIVATE, 2, 0600));
		ASSERT_LE(0, MKM(IPC_PRIVATE, pg, 0600));
	}
	self->shared[0] = 0;
	self->shared[2] = 0;
	child = kid(self, fork());
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(churn(self->shared));
	/* More stable objects, now at indexes among the churner's. */
	for (i = 0; i < 4; i++) {
		ASSERT_LE(0, MKQ(IPC_PRIVATE, 0600));
		ASSERT_LE(0, MKS(IPC_PRIVATE, 2, 0600));
		ASSERT_LE(0, MKM(IPC_PRIVATE, pg, 0600));
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (k = 0; k < NKINDS; k++) {
			buf = slurp(path[k], chunks[passes % 4]);
			ASSERT_NE(NULL, buf);
			memset(seen, 0, sizeof(seen));
			r = check_file(k, buf, self->ids[k], self->n[k], seen);
			ASSERT_EQ(0, r) TH_LOG("%s, pass %d:\n%s", path[k], passes, buf);
			for (i = 0; i < self->n[k]; i++)
				ASSERT_EQ(1, seen[i]) TH_LOG("%s, pass %d", path[k], passes);
			free(buf);
		}
		passes++;
		clock_gettime(CLOCK_MONOTONIC, &t);
		/*
		 * A number of passes and churn rounds, not a time: under a
		 * loaded TCG host a few seconds may hold only a few of each.
		 * The bound only stops a churner that never gets to run.
		 */
	} while ((passes < 20 || self->shared[2] < 20) && t.tv_sec - t0.tv_sec < 240);

	self->shared[0] = 1;
	ASSERT_EQ(0, wait_status(child));
	reaped(self, child);
	TH_LOG("%d passes, %d churn rounds", passes, self->shared[2]);
	EXPECT_LE(20, passes);
	EXPECT_LE(20, self->shared[2]);
}

/* ---- against native System V IPC, where the kernel has it ------------ */

/*
 * The line of native object @id in @k's /proc/sysvipc file, in @line.
 * False when there is none (no native System V IPC).
 */
static bool native_line(enum kind k, int id, char *line, size_t n)
{
	char *buf = slurp(native_path[k], 4096);
	struct pline p;
	int count;

	if (!buf)
		return false;
	count = find_id(k, buf, id, &p, line, n);
	free(buf);
	return count == 1;
}

/*
 * The same objects, made natively and here, give lines that parse with
 * the same format and whose every field ends at the same column.  Only
 * where the kernel has System V IPC of its own (not on the debug kernel,
 * where /proc/sysvipc is svipc's): nothing is asserted without it.
 */
TEST_F(proc, layout_matches_native)
{
	char mine[512], theirs[512];
	int ends_m[32], ends_t[32], nm, nt, k, id, nid;
	size_t size = 3 * pg + 5;
	struct sembuf sb = { .sem_num = 1, .sem_op = 2 };
	struct tmsg m = { .mtype = 1 };
	struct pline p;
	char *a, *na;

	/* Where the kernel has none, /proc/sysvipc is svipc's own. */
	if (!have_native()) {
		TH_LOG("no native System V IPC: no native layout to compare");
		return;
	}

	/* A queue with two messages, each way. */
	id = MKQ(neg_key(4), IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_n(id, 10));
	ASSERT_EQ(0, send_n(id, 20));
	nid = syscall(SYS_msgget, neg_key(4), IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, nid);
	self->native[K_MSG] = nid;
	ASSERT_EQ(0, syscall(SYS_msgsnd, nid, &m, 10, IPC_NOWAIT));
	ASSERT_EQ(0, syscall(SYS_msgsnd, nid, &m, 20, IPC_NOWAIT));

	/* A set of 5, with a semop, each way. */
	id = MKS(neg_key(5), 5, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, svipc_semop(id, &sb, 1));
	nid = syscall(SYS_semget, neg_key(5), 5, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, nid);
	self->native[K_SEM] = nid;
	ASSERT_EQ(0, syscall(SYS_semop, nid, &sb, 1));

	/* An attached, touched, locked segment, each way. */
	id = MKM(neg_key(6), size, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);
	a = svipc_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, a);
	a[0] = a[pg] = 1;
	ASSERT_EQ(0, svipc_shmctl(id, SHM_LOCK, NULL));
	nid = syscall(SYS_shmget, neg_key(6), size, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, nid);
	self->native[K_SHM] = nid;
	na = (char *)syscall(SYS_shmat, nid, NULL, 0);
	ASSERT_NE((void *)-1, na);
	na[0] = na[pg] = 1;
	ASSERT_EQ(0, syscall(SYS_shmctl, nid, SHM_LOCK, NULL));

	for (k = 0; k < NKINDS; k++) {
		ASSERT_EQ(1, lookup(k, self->ids[k][self->n[k] - 1], &p, mine,
				    sizeof(mine)));
		ASSERT_TRUE(native_line(k, self->native[k], theirs, sizeof(theirs)))
			TH_LOG("%s: native line does not parse", native_path[k]);
		nm = columns(mine, ends_m, 32);
		nt = columns(theirs, ends_t, 32);
		EXPECT_EQ(nt, nm);
		EXPECT_EQ(strlen(theirs), strlen(mine));
		EXPECT_EQ(0, memcmp(ends_t, ends_m, nm * sizeof(int)))
			TH_LOG("%s:\n%s%s", path[k], theirs, mine);
	}

	EXPECT_EQ(0, svipc_shmdt(a));
	EXPECT_EQ(0, syscall(SYS_shmdt, na));
}

SVIPC_TEST_MAIN
