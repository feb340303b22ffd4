// SPDX-License-Identifier: GPL-2.0
/*
 * svipcrm: util-linux's ipcrm(1) (version 2.38) for svipc's objects.
 *
 * Options, messages (on stderr), verbose lines (on stdout) and exit
 * status are ipcrm's; only the program name in messages differs.
 *
 *	svipcrm [-q id] [-Q key] [-s id] [-S key] [-m id] [-M key]
 *		[-a[shm|msg|sem]] [-v] ...
 *	svipcrm shm|msg|sem id...
 *
 * Each removal is an IPC_RMID through libsvipc; a key is first turned
 * into an id with *get(key, 0, 0); -a walks every index up to the highest
 * one *_INFO reports with MSG_STAT/SEM_STAT/SHM_STAT, so that it only
 * meets the objects the caller may read, as ipcrm does.
 *
 * Intended differences from ipcrm: the program name (messages and usage
 * take it from argv[0], as util-linux does) and -V, which prints
 * VERSION_LINE.  Kept as ipcrm has them: no arguments is success; "-a foo"
 * removes everything before complaining about "foo"; a key error names
 * the id it found ("permission denied for key (ID)").
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svipc.h"
#include "ipc-cli.h"

#define VERSION_LINE	"svipcrm (svipc), compatible with ipcrm from util-linux 2.38.1"

enum kind {
	KIND_SHM,
	KIND_SEM,
	KIND_MSG,
	KIND_ALL,
};

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

static int verbose;

static void __attribute__((noreturn)) usage(void)
{
	const char *me = program_invocation_short_name;

	printf("\nUsage:\n"
	       " %s [options]\n"
	       " %s shm|msg|sem <id>...\n", me, me);
	printf("\nRemove certain IPC resources.\n");
	printf("\nOptions:\n"
	       " -m, --shmem-id <id>        remove shared memory segment by id\n"
	       " -M, --shmem-key <key>      remove shared memory segment by key\n"
	       " -q, --queue-id <id>        remove message queue by id\n"
	       " -Q, --queue-key <key>      remove message queue by key\n"
	       " -s, --semaphore-id <id>    remove semaphore by id\n"
	       " -S, --semaphore-key <key>  remove semaphore by key\n"
	       " -a, --all[=shm|msg|sem]    remove all (in the specified category)\n"
	       " -v, --verbose              explain what is being done\n");
	printf("\n -h, --help                 display this help\n"
	       " -V, --version              display version\n");
	printf("\nFor more details see ipcrm(1).\n");
	exit(EXIT_SUCCESS);
}

/* An id: a decimal int, or exit with ipcrm's message. */
static int parse_id(const char *s)
{
	return parse_int_arg(s, "argument");
}

/*
 * A key for -Q/-S/-M: decimal, 0x hex or 0 octal, as an unsigned long
 * cut to key_t.  An empty key is reported with whatever errno is left,
 * as ipcrm does.
 */
static key_t parse_key(const char *s)
{
	unsigned long v;
	char *end = NULL;

	if (*s) {
		errno = 0;
		v = strtoul(s, &end, 0);
		if (!errno && end != s && !*end)
			return (key_t)v;
	}
	if (errno)
		err(EXIT_FAILURE, "failed to parse argument: '%s'", s);
	errx(EXIT_FAILURE, "failed to parse argument: '%s'", s);
}

/* IPC_RMID one object; 0, or 1 after a message. */
static int remove_id(enum kind kind, int iskey, int id)
{
	const char *what;
	int ret;

	switch (kind) {
	case KIND_SHM:
		if (verbose)
			printf("removing shared memory segment id `%d'\n", id);
		ret = svipc_shmctl(id, IPC_RMID, NULL);
		break;
	case KIND_MSG:
		if (verbose)
			printf("removing message queue id `%d'\n", id);
		ret = svipc_msgctl(id, IPC_RMID, NULL);
		break;
	case KIND_SEM:
		if (verbose)
			printf("removing semaphore id `%d'\n", id);
		ret = svipc_semctl(id, 0, IPC_RMID);
		break;
	default:
		errx(EXIT_FAILURE, "impossible occurred");
	}
	if (ret == 0)
		return 0;

	switch (errno) {
	case EACCES:
	case EPERM:
		what = iskey ? "permission denied for key" : "permission denied for id";
		break;
	case EINVAL:
		what = iskey ? "invalid key" : "invalid id";
		break;
	case EIDRM:
		what = iskey ? "already removed key" : "already removed id";
		break;
	default:
		err(EXIT_FAILURE, "%s", iskey ? "key failed" : "id failed");
	}
	warnx("%s (%d)", what, id);
	return 1;
}

/* The id of the object with key @s, or -1 after a message. */
static int key_to_id(enum kind kind, const char *s)
{
	key_t key = parse_key(s);
	const char *what;
	int id;

	if (key == IPC_PRIVATE) {
		warnx("illegal key (%s)", s);
		return -1;
	}
	switch (kind) {
	case KIND_SHM:
		id = svipc_shmget(key, 0, 0);
		break;
	case KIND_MSG:
		id = svipc_msgget(key, 0);
		break;
	case KIND_SEM:
		id = svipc_semget(key, 0, 0);
		break;
	default:
		errx(EXIT_FAILURE, "impossible occurred");
	}
	if (id >= 0)
		return id;

	switch (errno) {
	case EACCES:
		what = "permission denied for key";
		break;
	case EIDRM:
		what = "already removed key";
		break;
	case ENOENT:
		what = "invalid key";
		break;
	default:
		err(EXIT_FAILURE, "key failed");
	}
	warnx("%s (%s)", what, s);
	return -1;
}

/* -a: every object of @kind (or of every kind) that STAT lets us see. */
static int remove_all(enum kind kind)
{
	int ret = 0, maxid, pos, id;

	if (kind == KIND_SHM || kind == KIND_ALL) {
		struct shm_info info;
		struct shmid_ds ds;

		maxid = svipc_shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
		if (maxid < 0)
			errx(EXIT_FAILURE, "kernel not configured for shared memory");
		for (pos = 0; pos <= maxid; pos++) {
			id = svipc_shmctl(pos, SHM_STAT, &ds);
			if (id >= 0)
				ret |= remove_id(KIND_SHM, 0, id);
		}
	}
	if (kind == KIND_SEM || kind == KIND_ALL) {
		struct seminfo info;
		struct semid_ds ds;
		union semun arg = { .__buf = &info };

		maxid = svipc_semctl(0, 0, SEM_INFO, arg);
		if (maxid < 0)
			errx(EXIT_FAILURE, "kernel not configured for semaphores");
		for (pos = 0; pos <= maxid; pos++) {
			arg.buf = &ds;
			id = svipc_semctl(pos, 0, SEM_STAT, arg);
			if (id >= 0)
				ret |= remove_id(KIND_SEM, 0, id);
		}
	}
	if (kind == KIND_MSG || kind == KIND_ALL) {
		struct msginfo info;
		struct msqid_ds ds;

		maxid = svipc_msgctl(0, MSG_INFO, (struct msqid_ds *)&info);
		if (maxid < 0)
			errx(EXIT_FAILURE, "kernel not configured for message queues");
		for (pos = 0; pos <= maxid; pos++) {
			id = svipc_msgctl(pos, MSG_STAT, &ds);
			if (id >= 0)
				ret |= remove_id(KIND_MSG, 0, id);
		}
	}
	return ret;
}

/*
 * The historical form, "svipcrm shm|msg|sem id...".  Returns 0 when
 * argv[1] is no such keyword; otherwise it does not return.
 */
static int old_syntax(int argc, char **argv)
{
	enum kind kind;
	int i, errors = 0;

	if (!strcmp(argv[1], "shm"))
		kind = KIND_SHM;
	else if (!strcmp(argv[1], "msg"))
		kind = KIND_MSG;
	else if (!strcmp(argv[1], "sem"))
		kind = KIND_SEM;
	else
		return 0;

	if (argc < 3) {
		warnx("not enough arguments");
		try_help();
	}
	for (i = 2; i < argc; i++) {
		char *end = NULL;
		unsigned long v;

		errno = 0;
		v = strtoul(argv[i], &end, 10);
		if (errno || !end || *end) {
			warnx("invalid id: %s", argv[i]);
			errors++;
		} else if (remove_id(kind, 0, (int)v)) {
			errors++;
		}
	}
	if (errors)
		exit(EXIT_FAILURE);
	printf("resource(s) deleted\n");
	exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "shmem-id",		required_argument,	NULL, 'm' },
		{ "shmem-key",		required_argument,	NULL, 'M' },
		{ "queue-id",		required_argument,	NULL, 'q' },
		{ "queue-key",		required_argument,	NULL, 'Q' },
		{ "semaphore-id",	required_argument,	NULL, 's' },
		{ "semaphore-key",	required_argument,	NULL, 'S' },
		{ "all",		optional_argument,	NULL, 'a' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "version",		no_argument,		NULL, 'V' },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum kind all_kind = KIND_ALL;
	int ret = 0, rm_all = 0, id, c;

	/* Without arguments there is nothing to do. */
	if (argc == 1)
		return EXIT_SUCCESS;

	setlocale(LC_ALL, "");
	atexit(check_stdout);

	old_syntax(argc, argv);

	while ((c = getopt_long(argc, argv, "q:m:s:Q:M:S:a::vhV", longopts, NULL)) != -1) {
		enum kind kind;
		int iskey = 0;

		switch (c) {
		case 'M':
		case 'm':
			kind = KIND_SHM;
			break;
		case 'Q':
		case 'q':
			kind = KIND_MSG;
			break;
		case 'S':
		case 's':
			kind = KIND_SEM;
			break;
		case 'a':
			rm_all = 1;
			all_kind = KIND_ALL;
			if (optarg) {
				if (!strcmp(optarg, "shm"))
					all_kind = KIND_SHM;
				else if (!strcmp(optarg, "msg"))
					all_kind = KIND_MSG;
				else if (!strcmp(optarg, "sem"))
					all_kind = KIND_SEM;
				else
					errx(EXIT_FAILURE, "unknown argument: %s", optarg);
			}
			continue;
		case 'v':
			verbose = 1;
			continue;
		case 'h':
			usage();
		case 'V':
			printf("%s\n", VERSION_LINE);
			return EXIT_SUCCESS;
		default:
			try_help();
		}

		/* -q/-s/-m take an id; -Q/-S/-M a key, looked up first. */
		if (c == 'M' || c == 'Q' || c == 'S') {
			iskey = 1;
			id = key_to_id(kind, optarg);
			if (id < 0) {
				ret++;
				continue;
			}
		} else {
			id = parse_id(optarg);
		}
		if (remove_id(kind, iskey, id))
			ret++;
	}

	if (rm_all && remove_all(all_kind))
		ret++;

	if (optind < argc) {
		warnx("unknown argument: %s", argv[optind]);
		try_help();
	}
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}
