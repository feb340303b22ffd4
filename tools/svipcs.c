// SPDX-License-Identifier: GPL-2.0
/*
 * svipcs: util-linux's ipcs(1) (version 2.38) for svipc's objects.
 *
 * The options, headers, column layouts, date formats, messages and exit
 * codes are ipcs's; only the program name in messages differs.  The data
 * comes from libsvipc: the limits (-l) from IPC_INFO, the summary (-u)
 * from MSG_INFO, SEM_INFO and SHM_INFO, and the objects from
 * MSG_STAT_ANY, SEM_STAT_ANY and SHM_STAT_ANY on each index up to the
 * highest one *_INFO reports, so that every object is listed whatever its
 * permissions, as ipcs lists the native ones from /proc/sysvipc.
 *
 * Intended differences from ipcs: the program name (messages and usage
 * take it from argv[0], as util-linux does); -V prints VERSION_LINE;
 * -l prints svipc's limits, as ipcs does the kernel's: from the sysctls,
 * /proc/sys/svipc/ where ipcs reads /proc/sys/kernel/, else IPC_INFO,
 * with SEMVMX and SHMMIN built in; "-s -i" with a negative id
 * says the id is not found where ipcs 2.38.1 crashes if any set exists.
 * Quirks of ipcs that svipcs keeps: -i with a negative id shows the first
 * queue or segment under that id (a queue with msg_qbytes 0), and
 * msg_qbytes is 0 when IPC_STAT is refused; extra arguments are ignored;
 * "-s -p" prints nothing; "-i ID" is looked up among all the objects.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "svipc.h"
#include "ipc-cli.h"

#define VERSION_LINE	"svipcs (svipc), compatible with ipcs from util-linux 2.38.1"

/* What is shown about each kind; the last option given wins. */
enum format {
	FMT_LIST,
	FMT_LIMITS,
	FMT_STATUS,
	FMT_CREATOR,
	FMT_TIME,
	FMT_PID,
};

/* How sizes are written. */
enum unit {
	UNIT_DEFAULT,
	UNIT_BYTES,
	UNIT_KB,
	UNIT_HUMAN,
};

enum {
	OPT_HUMAN = CHAR_MAX + 1,
};

/* The semctl argument, which callers define themselves. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

static void __attribute__((noreturn)) usage(void)
{
	const char *me = program_invocation_short_name;

	printf("\nUsage:\n"
	       " %s [resource-option...] [output-option]\n"
	       " %s -m|-q|-s -i <id>\n", me, me);
	printf("\nShow information on IPC facilities.\n");
	printf("\nOptions:\n"
	       " -i, --id <id>  print details on resource identified by <id>\n"
	       " -h, --help     display this help\n"
	       " -V, --version  display version\n");
	printf("\nResource options:\n"
	       " -m, --shmems      shared memory segments\n"
	       " -q, --queues      message queues\n"
	       " -s, --semaphores  semaphores\n"
	       " -a, --all         all (default)\n");
	printf("\nOutput options:\n"
	       " -t, --time        show attach, detach and change times\n"
	       " -p, --pid         show PIDs of creator and last operator\n"
	       " -c, --creator     show creator and owner\n"
	       " -l, --limits      show resource limits\n"
	       " -u, --summary     show status summary\n"
	       "     --human       show sizes in human-readable format\n"
	       " -b, --bytes       show sizes in bytes\n");
	printf("\nFor more details see ipcs(1).\n");
	exit(EXIT_SUCCESS);
}

/* An id: a decimal int, or exit with ipcs's message. */
static int parse_id(const char *s)
{
	return parse_int_arg(s, "id argument");
}

/*
 * @n bytes with a binary prefix: one letter, at most one decimal,
 * rounded half up ("1.5M", "16K", "0B").
 */
static void human(char *buf, size_t len, uint64_t n)
{
	static const char letters[] = "BKMGTPE";
	const char *dp = localeconv()->decimal_point;
	unsigned int shift = 0;
	uint64_t whole = n, rest = 0, tenths = 0;

	while (shift < 60 && n >= (UINT64_C(1) << (shift + 10)))
		shift += 10;
	if (shift) {
		whole = n >> shift;
		rest = n & ((UINT64_C(1) << shift) - 1);
	}
	if (rest) {
		uint64_t thousandths;

		if (rest >= UINT64_MAX / 1000)
			thousandths = (rest / 1024) * 1000 >> (shift - 10);
		else
			thousandths = rest * 1000 >> shift;
		tenths = (thousandths + 50) / 100;
		if (tenths == 10) {
			whole++;
			tenths = 0;
		}
	}
	if (!dp || !*dp)
		dp = ".";
	if (tenths)
		snprintf(buf, len, "%d%s%d%c", (int)whole, dp, (int)tenths,
			 letters[shift / 10]);
	else
		snprintf(buf, len, "%d%c", (int)whole, letters[shift / 10]);
}

/*
 * A size: "@label (bytes) = " (or "(kbytes)", or " = " for human sizes
 * and labels that carry their unit; a label ending in '=' is printed as
 * it is), the value in @width columns (negative: left-aligned), then @end.
 */
static void print_size(enum unit unit, const char *label, uint64_t size,
		       const char *end, int width)
{
	char buf[32];

	if (!label)
		;
	else if (label[strlen(label) - 1] == '=')
		fputs(label, stdout);
	else if (unit == UNIT_BYTES)
		printf("%s (bytes) = ", label);
	else if (unit == UNIT_KB)
		printf("%s (kbytes) = ", label);
	else
		printf("%s = ", label);

	switch (unit) {
	case UNIT_KB:
		size /= 1024;
		/* fall through */
	case UNIT_DEFAULT:
	case UNIT_BYTES:
		printf("%*" PRIu64, width, size);
		break;
	case UNIT_HUMAN:
		human(buf, sizeof(buf), size);
		printf("%*s", width, buf);
		break;
	}
	if (end)
		fputs(end, stdout);
}

/* ctime() without the newline; @t is never 0 here. */
static const char *date(time_t t)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];

	if (!ctime_r(&t, b))
		snprintf(b, sizeof(buf[0]), "%lld", (long long)t);
	return b;
}

/* The "Mmm dd hh:mm:ss" part of a date, or "Not set" for none. */
static const char *short_date(time_t t)
{
	return t ? date(t) + 4 : "Not set";
}

static const char *long_date(time_t t)
{
	return t ? date(t) : "Not set";
}

/* The owner column of the list, -t and -p: id, then name or uid. */
static void print_id_owner(const char *idfmt, int id, uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	printf(idfmt, id);
	if (pw)
		printf(" %-10.10s", pw->pw_name);
	else
		printf(" %-10u", (unsigned int)uid);
}

static void print_user(uid_t uid, const char *end)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		printf(" %-10s%s", pw->pw_name, end);
	else
		printf(" %-10u%s", (unsigned int)uid, end);
}

static void print_group(gid_t gid, const char *end)
{
	struct group *gr = getgrgid(gid);

	if (gr)
		printf(" %-10s%s", gr->gr_name, end);
	else
		printf(" %-10u%s", (unsigned int)gid, end);
}

/* A -c line: id, permissions, creator and owner. */
static void print_perms(int id, const struct ipc_perm *p)
{
	printf("%-10d %-10o", id, p->mode & 0777);
	print_user(p->cuid, "");
	print_group(p->cgid, "");
	print_user(p->uid, "");
	print_group(p->gid, "\n");
}

/*
 * Walk the objects of a kind: each *_STAT_ANY call takes an index and
 * returns the id of the object there.  @pos starts at 0; -1 at the end.
 */
static int msg_next(int *pos, int maxid, struct msqid_ds *ds)
{
	while (*pos <= maxid) {
		int id = svipc_msgctl((*pos)++, MSG_STAT_ANY, ds);

		if (id >= 0)
			return id;
	}
	return -1;
}

static int shm_next(int *pos, int maxid, struct shmid_ds *ds)
{
	while (*pos <= maxid) {
		int id = svipc_shmctl((*pos)++, SHM_STAT_ANY, ds);

		if (id >= 0)
			return id;
	}
	return -1;
}

static int sem_next(int *pos, int maxid, struct semid_ds *ds)
{
	while (*pos <= maxid) {
		union semun arg = { .buf = ds };
		int id = svipc_semctl((*pos)++, 0, SEM_STAT_ANY, arg);

		if (id >= 0)
			return id;
	}
	return -1;
}

static int msg_maxid(struct msginfo *info)
{
	return svipc_msgctl(0, MSG_INFO, (struct msqid_ds *)info);
}

static int shm_maxid(struct shm_info *info)
{
	return svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)info);
}

static int sem_maxid(struct seminfo *info)
{
	union semun arg = { .__buf = info };

	return svipc_semctl(0, 0, SEM_INFO, arg);
}

#define SYSCTL_DIR "/proc/sys/svipc/"

/*
 * Up to @n numbers from sysctl @name, as ipcs reads /proc/sys/kernel/:
 * 0 when all @n were read, -1 (so IPC_INFO is asked) otherwise.
 */
static int sysctl_read(const char *name, unsigned long long *v, int n)
{
	char path[64];
	int i, ok = 0;
	FILE *f;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; i < n; i++)
		ok += fscanf(f, "%llu", &v[i]) == 1;
	fclose(f);
	return ok == n ? 0 : -1;
}

/* msgmni, msgmax and msgmnb from the sysctls, or IPC_INFO. */
static int msg_limits(struct msginfo *info)
{
	unsigned long long mni, max, mnb;

	if (!sysctl_read("msgmni", &mni, 1) && !sysctl_read("msgmax", &max, 1) &&
	    !sysctl_read("msgmnb", &mnb, 1)) {
		memset(info, 0, sizeof(*info));
		info->msgmni = mni;
		info->msgmax = max;
		info->msgmnb = mnb;
		return 0;
	}
	return svipc_msgctl(0, IPC_INFO, (struct msqid_ds *)info) < 0 ? -1 : 0;
}

static int shm_limits(struct shminfo *lim)
{
	unsigned long long mni, max, all;

	if (!sysctl_read("shmmni", &mni, 1) && !sysctl_read("shmmax", &max, 1) &&
	    !sysctl_read("shmall", &all, 1)) {
		memset(lim, 0, sizeof(*lim));
		lim->shmmni = mni;
		lim->shmmax = max;
		lim->shmall = all;
		lim->shmmin = 1;
		return 0;
	}
	return svipc_shmctl(0, IPC_INFO, (struct shmid_ds *)lim) < 0 ? -1 : 0;
}

static int sem_limits(struct seminfo *info)
{
	unsigned long long v[4];
	union semun arg = { .__buf = info };

	if (!sysctl_read("sem", v, 4)) {
		memset(info, 0, sizeof(*info));
		info->semmsl = v[0];
		info->semmns = v[1];
		info->semopm = v[2];
		info->semmni = v[3];
		info->semvmx = 32767;	/* SEMVMX */
		return 0;
	}
	return svipc_semctl(0, 0, IPC_INFO, arg) < 0 ? -1 : 0;
}

static void do_msg(enum format fmt, enum unit unit)
{
	struct msqid_ds ds;
	struct msginfo info;
	int pos = 0, maxid, id;

	switch (fmt) {
	case FMT_LIMITS:
		if (msg_limits(&info) < 0) {
			printf("unable to fetch message limits\n");
			return;
		}
		printf("------ Messages Limits --------\n");
		printf("max queues system wide = %d\n", info.msgmni);
		print_size(unit == UNIT_DEFAULT ? UNIT_BYTES : unit,
			   "max size of message", (unsigned int)info.msgmax, "\n", 0);
		print_size(unit == UNIT_DEFAULT ? UNIT_BYTES : unit,
			   "default max size of queue", (unsigned int)info.msgmnb,
			   "\n", 0);
		return;
	case FMT_STATUS:
		if (msg_maxid(&info) < 0) {
			printf("kernel not configured for message queues\n");
			return;
		}
		printf("------ Messages Status --------\n");
		printf("allocated queues = %d\n", info.msgpool);
		printf("used headers = %d\n", info.msgmap);
		print_size(unit, "used space", (unsigned int)info.msgtql,
			   unit == UNIT_DEFAULT ? " bytes\n" : "\n", 0);
		return;
	case FMT_CREATOR:
		printf("------ Message Queues Creators/Owners --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n",
		       "msqid", "perms", "cuid", "cgid", "uid", "gid");
		break;
	case FMT_TIME:
		printf("------ Message Queues Send/Recv/Change Times --------\n");
		printf("%-8s %-10s %-20s %-20s %-20s\n",
		       "msqid", "owner", "send", "recv", "change");
		break;
	case FMT_PID:
		printf("------ Message Queues PIDs --------\n");
		printf("%-10s %-10s %-10s %-10s\n",
		       "msqid", "owner", "lspid", "lrpid");
		break;
	case FMT_LIST:
		printf("------ Message Queues --------\n");
		printf("%-10s %-10s %-10s %-10s %-12s %-12s\n",
		       "key", "msqid", "owner", "perms",
		       unit == UNIT_HUMAN ? "size" : "used-bytes", "messages");
		break;
	}

	maxid = msg_maxid(&info);
	while ((id = msg_next(&pos, maxid, &ds)) >= 0) {
		switch (fmt) {
		case FMT_CREATOR:
			print_perms(id, &ds.msg_perm);
			break;
		case FMT_TIME:
			print_id_owner("%-8d", id, ds.msg_perm.uid);
			printf(" %-20.16s", short_date(ds.msg_stime));
			printf(" %-20.16s", short_date(ds.msg_rtime));
			printf(" %-20.16s\n", short_date(ds.msg_ctime));
			break;
		case FMT_PID:
			print_id_owner("%-8d", id, ds.msg_perm.uid);
			printf("  %5d     %5d\n", ds.msg_lspid, ds.msg_lrpid);
			break;
		default:
			printf("0x%08x ", (unsigned int)ds.msg_perm.__key);
			print_id_owner("%-10d", id, ds.msg_perm.uid);
			printf(" %-10o ", ds.msg_perm.mode & 0777);
			if (unit == UNIT_HUMAN)
				print_size(unit, NULL, ds.msg_cbytes, "      ", 6);
			else
				print_size(unit, NULL, ds.msg_cbytes, NULL, -12);
			printf(" %-12ju\n", (uintmax_t)ds.msg_qnum);
			break;
		}
	}
}

static void do_shm(enum format fmt, enum unit unit)
{
	struct shmid_ds ds;
	struct shm_info info;
	int pos = 0, maxid, id;

	switch (fmt) {
	case FMT_LIMITS: {
		struct shminfo lim;
		uint64_t total, kb = getpagesize() / 1024, pg = getpagesize();

		if (shm_limits(&lim) < 0) {
			printf("unable to fetch shared memory limits\n");
			return;
		}
		printf("------ Shared Memory Limits --------\n");
		printf("max number of segments = %ju\n", (uintmax_t)lim.shmmni);
		print_size(unit == UNIT_DEFAULT ? UNIT_KB : unit,
			   "max seg size", lim.shmmax, "\n", 0);
		/* Pages to (k)bytes, saturating as ipcs does. */
		if (unit == UNIT_DEFAULT || unit == UNIT_KB) {
			total = (uint64_t)lim.shmall * kb;
			if (lim.shmall && total / lim.shmall != kb)
				total = UINT64_MAX - UINT64_MAX % kb;
			print_size(UNIT_DEFAULT, "max total shared memory (kbytes)",
				   total, "\n", 0);
		} else {
			total = (uint64_t)lim.shmall * pg;
			if (lim.shmall && total / lim.shmall != pg)
				total = UINT64_MAX - UINT64_MAX % pg;
			print_size(unit, "max total shared memory", total, "\n", 0);
		}
		print_size(unit == UNIT_DEFAULT ? UNIT_BYTES : unit,
			   "min seg size", lim.shmmin, "\n", 0);
		return;
	}
	case FMT_STATUS:
		if (shm_maxid(&info) < 0) {
			printf("kernel not configured for shared memory\n");
			return;
		}
		printf("------ Shared Memory Status --------\n");
		printf("segments allocated %d\n"
		       "pages allocated %ld\n"
		       "pages resident  %ld\n"
		       "pages swapped   %ld\n"
		       "Swap performance: %ld attempts\t %ld successes\n",
		       info.used_ids, (long)info.shm_tot, (long)info.shm_rss,
		       (long)info.shm_swp, (long)info.swap_attempts,
		       (long)info.swap_successes);
		return;
	case FMT_CREATOR:
		printf("------ Shared Memory Segment Creators/Owners --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n",
		       "shmid", "perms", "cuid", "cgid", "uid", "gid");
		break;
	case FMT_TIME:
		printf("------ Shared Memory Attach/Detach/Change Times --------\n");
		printf("%-10s %-10s %-20s %-20s %-20s\n",
		       "shmid", "owner", "attached", "detached", "changed");
		break;
	case FMT_PID:
		printf("------ Shared Memory Creator/Last-op PIDs --------\n");
		printf("%-10s %-10s %-10s %-10s\n", "shmid", "owner", "cpid", "lpid");
		break;
	case FMT_LIST:
		printf("------ Shared Memory Segments --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s %-12s\n",
		       "key", "shmid", "owner", "perms",
		       unit == UNIT_HUMAN ? "size" : "bytes", "nattch", "status");
		break;
	}

	maxid = shm_maxid(&info);
	while ((id = shm_next(&pos, maxid, &ds)) >= 0) {
		switch (fmt) {
		case FMT_CREATOR:
			print_perms(id, &ds.shm_perm);
			break;
		case FMT_TIME:
			print_id_owner("%-10d", id, ds.shm_perm.uid);
			printf(" %-20.16s", short_date(ds.shm_atime));
			printf(" %-20.16s", short_date(ds.shm_dtime));
			printf(" %-20.16s\n", short_date(ds.shm_ctime));
			break;
		case FMT_PID:
			print_id_owner("%-10d", id, ds.shm_perm.uid);
			printf(" %-10u %-10u\n", (unsigned int)ds.shm_cpid,
			       (unsigned int)ds.shm_lpid);
			break;
		default:
			printf("0x%08x ", (unsigned int)ds.shm_perm.__key);
			print_id_owner("%-10d", id, ds.shm_perm.uid);
			printf(" %-10o ", ds.shm_perm.mode & 0777);
			if (unit == UNIT_HUMAN)
				print_size(unit, NULL, ds.shm_segsz, "    ", 6);
			else
				print_size(unit, NULL, ds.shm_segsz, NULL, -10);
			printf(" %-10ju %-6s %-6s\n", (uintmax_t)ds.shm_nattch,
			       ds.shm_perm.mode & SHM_DEST ? "dest" : " ",
			       ds.shm_perm.mode & SHM_LOCKED ? "locked" : " ");
			break;
		}
	}
}

static void do_sem(enum format fmt)
{
	struct semid_ds ds;
	struct seminfo info;
	int pos = 0, maxid, id;

	switch (fmt) {
	case FMT_LIMITS: {
		if (sem_limits(&info) < 0) {
			printf("unable to fetch semaphore limits\n");
			return;
		}
		printf("------ Semaphore Limits --------\n");
		printf("max number of arrays = %d\n", info.semmni);
		printf("max semaphores per array = %d\n", info.semmsl);
		printf("max semaphores system wide = %d\n", info.semmns);
		printf("max ops per semop call = %d\n", info.semopm);
		printf("semaphore max value = %u\n", (unsigned int)info.semvmx);
		return;
	}
	case FMT_STATUS:
		if (sem_maxid(&info) < 0) {
			printf("kernel not configured for semaphores\n");
			return;
		}
		printf("------ Semaphore Status --------\n");
		printf("used arrays = %d\n", info.semusz);
		printf("allocated semaphores = %d\n", info.semaem);
		return;
	case FMT_CREATOR:
		printf("------ Semaphore Arrays Creators/Owners --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n",
		       "semid", "perms", "cuid", "cgid", "uid", "gid");
		break;
	case FMT_TIME:
		printf("------ Semaphore Operation/Change Times --------\n");
		printf("%-8s %-10s %-26.24s %-26.24s\n",
		       "semid", "owner", "last-op", "last-changed");
		break;
	case FMT_PID:
		/* ipcs has no PID view of semaphores: nothing at all. */
		return;
	case FMT_LIST:
		printf("------ Semaphore Arrays --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s\n",
		       "key", "semid", "owner", "perms", "nsems");
		break;
	}

	maxid = sem_maxid(&info);
	while ((id = sem_next(&pos, maxid, &ds)) >= 0) {
		switch (fmt) {
		case FMT_CREATOR:
			print_perms(id, &ds.sem_perm);
			break;
		case FMT_TIME:
			print_id_owner("%-8d", id, ds.sem_perm.uid);
			printf("  %-26.24s", long_date(ds.sem_otime));
			printf(" %-26.24s\n", long_date(ds.sem_ctime));
			break;
		default:
			printf("0x%08x ", (unsigned int)ds.sem_perm.__key);
			print_id_owner("%-10d", id, ds.sem_perm.uid);
			printf(" %-10o %-10ju\n", ds.sem_perm.mode & 0777,
			       (uintmax_t)ds.sem_nsems);
			break;
		}
	}
}

/*
 * -i: like ipcs, look the id up among all the objects.  A negative id
 * matches none; ipcs then shows the first object under the id asked for
 * (without msg_qbytes), and so does svipcs for queues and segments.
 */
static void print_msg(int want, enum unit unit)
{
	struct msqid_ds ds, st;
	struct msginfo info;
	int pos = 0, maxid = msg_maxid(&info), id;
	unsigned long qbytes = 0;

	while ((id = msg_next(&pos, maxid, &ds)) >= 0)
		if (want < 0 || id == want)
			break;
	if (id < 0) {
		warnx("id %d not found", want);
		return;
	}
	/* ipcs takes msg_qbytes from IPC_STAT, which may be refused. */
	if (want >= 0 && svipc_msgctl(id, IPC_STAT, &st) == 0)
		qbytes = st.msg_qbytes;

	printf("\nMessage Queue msqid=%d\n", want);
	printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\tmode=%#o\n",
	       (unsigned int)ds.msg_perm.uid, (unsigned int)ds.msg_perm.gid,
	       (unsigned int)ds.msg_perm.cuid, (unsigned int)ds.msg_perm.cgid,
	       ds.msg_perm.mode);
	print_size(unit, unit == UNIT_HUMAN ? "csize=" : "cbytes=",
		   ds.msg_cbytes, "\t", 0);
	print_size(unit, unit == UNIT_HUMAN ? "qsize=" : "qbytes=",
		   qbytes, "\t", 0);
	printf("qnum=%jd\tlspid=%d\tlrpid=%d\n", (intmax_t)ds.msg_qnum,
	       ds.msg_lspid, ds.msg_lrpid);
	printf("send_time=%-26.24s\n", long_date(ds.msg_stime));
	printf("rcv_time=%-26.24s\n", long_date(ds.msg_rtime));
	printf("change_time=%-26.24s\n", long_date(ds.msg_ctime));
	printf("\n");
}

static void print_shm(int want, enum unit unit)
{
	struct shmid_ds ds;
	struct shm_info info;
	int pos = 0, maxid = shm_maxid(&info), id;

	while ((id = shm_next(&pos, maxid, &ds)) >= 0)
		if (want < 0 || id == want)
			break;
	if (id < 0) {
		warnx("id %d not found", want);
		return;
	}

	printf("\nShared memory Segment shmid=%d\n", want);
	printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\n",
	       (unsigned int)ds.shm_perm.uid, (unsigned int)ds.shm_perm.gid,
	       (unsigned int)ds.shm_perm.cuid, (unsigned int)ds.shm_perm.cgid);
	printf("mode=%#o\taccess_perms=%#o\n", ds.shm_perm.mode,
	       ds.shm_perm.mode & 0777);
	print_size(unit, unit == UNIT_HUMAN ? "size=" : "bytes=",
		   ds.shm_segsz, "\t", 0);
	printf("lpid=%u\tcpid=%u\tnattch=%jd\n", (unsigned int)ds.shm_lpid,
	       (unsigned int)ds.shm_cpid, (intmax_t)ds.shm_nattch);
	printf("att_time=%-26.24s\n", long_date(ds.shm_atime));
	printf("det_time=%-26.24s\n", long_date(ds.shm_dtime));
	printf("change_time=%-26.24s\n", date(ds.shm_ctime));
	printf("\n");
}

struct sem_elem {
	int val, ncnt, zcnt, pid;
};

/* One of GETVAL, GETNCNT, GETZCNT, GETPID, or exit as ipcs does. */
static int sem_get(int id, int num, int cmd, const char *name)
{
	int v = svipc_semctl(id, num, cmd);

	if (v < 0)
		err(EXIT_FAILURE, "semctl(%s) failed", name);
	return v;
}

static void print_sem(int want)
{
	struct semid_ds ds;
	struct seminfo info;
	struct sem_elem *e;
	int pos = 0, maxid = sem_maxid(&info), id;
	unsigned long i, n;

	/* ipcs crashes on a negative id; svipcs finds nothing instead. */
	id = -1;
	if (want >= 0)
		while ((id = sem_next(&pos, maxid, &ds)) >= 0)
			if (id == want)
				break;
	if (id < 0) {
		warnx("id %d not found", want);
		return;
	}

	/* Everything is read before anything is printed, as by ipcs. */
	n = ds.sem_nsems;
	e = calloc(n ? n : 1, sizeof(*e));
	if (!e)
		err(EXIT_FAILURE, "cannot allocate %zu bytes", n * sizeof(*e));
	for (i = 0; i < n; i++) {
		e[i].val = sem_get(id, i, GETVAL, "GETVAL");
		e[i].ncnt = sem_get(id, i, GETNCNT, "GETNCNT");
		e[i].zcnt = sem_get(id, i, GETZCNT, "GETZCNT");
		e[i].pid = sem_get(id, i, GETPID, "GETPID");
	}

	printf("\nSemaphore Array semid=%d\n", want);
	printf("uid=%u\t gid=%u\t cuid=%u\t cgid=%u\n",
	       (unsigned int)ds.sem_perm.uid, (unsigned int)ds.sem_perm.gid,
	       (unsigned int)ds.sem_perm.cuid, (unsigned int)ds.sem_perm.cgid);
	printf("mode=%#o, access_perms=%#o\n", ds.sem_perm.mode,
	       ds.sem_perm.mode & 0777);
	printf("nsems = %lu\n", n);
	printf("otime = %-26.24s\n", long_date(ds.sem_otime));
	printf("ctime = %-26.24s\n", date(ds.sem_ctime));
	printf("%-10s %-10s %-10s %-10s %-10s\n",
	       "semnum", "value", "ncount", "zcount", "pid");
	for (i = 0; i < n; i++)
		printf("%-10lu %-10d %-10d %-10d %-10d\n",
		       i, e[i].val, e[i].ncnt, e[i].zcnt, e[i].pid);
	printf("\n");
	free(e);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "id",		required_argument,	NULL, 'i' },
		{ "queues",	no_argument,		NULL, 'q' },
		{ "shmems",	no_argument,		NULL, 'm' },
		{ "semaphores",	no_argument,		NULL, 's' },
		{ "all",	no_argument,		NULL, 'a' },
		{ "time",	no_argument,		NULL, 't' },
		{ "pid",	no_argument,		NULL, 'p' },
		{ "creator",	no_argument,		NULL, 'c' },
		{ "limits",	no_argument,		NULL, 'l' },
		{ "summary",	no_argument,		NULL, 'u' },
		{ "human",	no_argument,		NULL, OPT_HUMAN },
		{ "bytes",	no_argument,		NULL, 'b' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum format fmt = FMT_LIST;
	enum unit unit = UNIT_DEFAULT;
	int msg = 0, shm = 0, sem = 0, id = 0, by_id = 0;
	int c;

	setlocale(LC_ALL, "");
	atexit(check_stdout);

	while ((c = getopt_long(argc, argv, "i:qmsatpclubVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			id = parse_id(optarg);
			by_id = 1;
			break;
		case 'a':
			msg = shm = sem = 1;
			break;
		case 'q':
			msg = 1;
			break;
		case 'm':
			shm = 1;
			break;
		case 's':
			sem = 1;
			break;
		case 't':
			fmt = FMT_TIME;
			break;
		case 'c':
			fmt = FMT_CREATOR;
			break;
		case 'p':
			fmt = FMT_PID;
			break;
		case 'l':
			fmt = FMT_LIMITS;
			break;
		case 'u':
			fmt = FMT_STATUS;
			break;
		case OPT_HUMAN:
			unit = UNIT_HUMAN;
			break;
		case 'b':
			unit = UNIT_BYTES;
			break;
		case 'h':
			usage();
		case 'V':
			printf("%s\n", VERSION_LINE);
			return EXIT_SUCCESS;
		default:
			try_help();
		}
	}

	if (by_id) {
		if (msg + shm + sem != 1)
			errx(EXIT_FAILURE,
			     "when using an ID, a single resource must be specified");
		if (msg)
			print_msg(id, unit);
		if (shm)
			print_shm(id, unit);
		if (sem)
			print_sem(id);
		return EXIT_SUCCESS;
	}

	if (!msg && !shm && !sem)
		msg = shm = sem = 1;
	printf("\n");
	if (msg) {
		do_msg(fmt, unit);
		printf("\n");
	}
	if (shm) {
		do_shm(fmt, unit);
		printf("\n");
	}
	if (sem) {
		do_sem(fmt);
		printf("\n");
	}
	return EXIT_SUCCESS;
}
