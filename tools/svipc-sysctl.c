// SPDX-License-Identifier: GPL-2.0
/*
 * svipc-sysctl: read and set svipc's limits of the caller's IPC
 * namespace, as sysctl(8) does for the native kernel.msgmax and the
 * rest, through the SVIPC_IOC_LIMIT ioctl.
 *
 *	svipc-sysctl [-n] [-a | NAME...]
 *	svipc-sysctl [-n] -w NAME=VALUE...
 *
 * NAME is msgmax, msgmnb, msgmni, sem, shmmax, shmall, shmmni,
 * shm_rmid_forced, msg_next_id, sem_next_id or shm_next_id, optionally
 * after "kernel." or "svipc."; sem's value is up to four numbers,
 * "SEMMSL SEMMNS SEMOPM SEMMNI".  The ioctl lets the root of the user
 * namespace owning the IPC namespace set its limits, and a holder of
 * CAP_CHECKPOINT_RESTORE there its *_next_id, which the /proc/sys/svipc
 * files (owned by the initial root) cannot: this is how a container's
 * root sets its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/svipc.h>
#include "svipc.h"

struct knob {
	const char *name;
	int nvals;
	unsigned int limit[4];		/* SVIPC_LIMIT_* */
	int is_ulong;
};

static const struct knob knobs[] = {
	{ "msgmax", 1, { SVIPC_LIMIT_MSGMAX }, 0 },
	{ "msgmnb", 1, { SVIPC_LIMIT_MSGMNB }, 0 },
	{ "msgmni", 1, { SVIPC_LIMIT_MSGMNI }, 0 },
	{ "sem", 4, { SVIPC_LIMIT_SEMMSL, SVIPC_LIMIT_SEMMNS,
		      SVIPC_LIMIT_SEMOPM, SVIPC_LIMIT_SEMMNI }, 0 },
	{ "shmall", 1, { SVIPC_LIMIT_SHMALL }, 1 },
	{ "shmmax", 1, { SVIPC_LIMIT_SHMMAX }, 1 },
	{ "shmmni", 1, { SVIPC_LIMIT_SHMMNI }, 0 },
	{ "shm_rmid_forced", 1, { SVIPC_LIMIT_SHM_RMID_FORCED }, 0 },
	{ "msg_next_id", 1, { SVIPC_LIMIT_MSG_NEXT_ID }, 0 },
	{ "sem_next_id", 1, { SVIPC_LIMIT_SEM_NEXT_ID }, 0 },
	{ "shm_next_id", 1, { SVIPC_LIMIT_SHM_NEXT_ID }, 0 },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static int fd;
static int names_only_values;

static const struct knob *find(const char *name)
{
	size_t i;

	if (!strncmp(name, "kernel.", 7))
		name += 7;
	else if (!strncmp(name, "svipc.", 6))
		name += 6;
	for (i = 0; i < NKNOBS; i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

static int limit_get(unsigned int limit, unsigned long long *v)
{
	struct svipc_limit a = { .name = limit };

	if (ioctl(fd, SVIPC_IOC_LIMIT, &a))
		return -1;
	*v = a.value;
	return 0;
}

static int limit_set(unsigned int limit, unsigned long long v)
{
	struct svipc_limit a = { .name = limit, .flags = SVIPC_LIMIT_SET, .value = v };

	return ioctl(fd, SVIPC_IOC_LIMIT, &a);
}

static int show(const struct knob *k)
{
	unsigned long long v;
	int i;

	if (!names_only_values)
		printf("svipc.%s = ", k->name);
	for (i = 0; i < k->nvals; i++) {
		if (limit_get(k->limit[i], &v)) {
			fprintf(stderr, "svipc-sysctl: reading key \"svipc.%s\": %s\n",
				k->name, strerror(errno));
			return 1;
		}
		if (k->is_ulong)
			printf("%s%llu", i ? "\t" : "", v);
		else
			printf("%s%lld", i ? "\t" : "", (long long)v);
	}
	printf("\n");
	return 0;
}

/* NAME=VALUE: each of VALUE's numbers in turn, as the sysctl writes them. */
static int set(char *arg)
{
	char *eq = strchr(arg, '='), *p, *end;
	const struct knob *k;
	int i;

	if (!eq) {
		fprintf(stderr, "svipc-sysctl: \"%s\" must be of the form name=value\n", arg);
		return 1;
	}
	*eq = 0;
	k = find(arg);
	if (!k) {
		fprintf(stderr, "svipc-sysctl: cannot stat svipc.%s: no such limit\n", arg);
		return 1;
	}
	p = eq + 1;
	for (i = 0; i < k->nvals; i++) {
		unsigned long long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		errno = 0;
		v = k->is_ulong ? strtoull(p, &end, 0) : (unsigned long long)strtoll(p, &end, 0);
		if (end == p || errno || (*end && *end != ' ' && *end != '\t')) {
			fprintf(stderr, "svipc-sysctl: setting key \"svipc.%s\": Invalid argument\n",
				k->name);
			return 1;
		}
		if (limit_set(k->limit[i], v)) {
			fprintf(stderr, "svipc-sysctl: setting key \"svipc.%s\": %s\n",
				k->name, strerror(errno));
			return 1;
		}
		p = end;
	}
	if (i == 0 || *p) {
		fprintf(stderr, "svipc-sysctl: setting key \"svipc.%s\": Invalid argument\n",
			k->name);
		return 1;
	}
	return show(k);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: svipc-sysctl [-n] [-a | NAME...]\n"
		"       svipc-sysctl [-n] -w NAME=VALUE...\n"
		"svipc's limits of this IPC namespace; NAME is msgmax, msgmnb, msgmni, sem,\n"
		"shmmax, shmall, shmmni, shm_rmid_forced, msg_next_id, sem_next_id or\n"
		"shm_next_id.\n");
}

int main(int argc, char **argv)
{
	int opt, write = 0, rc = 0, i;
	size_t k;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "anwh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			break;
		case 'n':
			names_only_values = 1;
			break;
		case 'w':
			write = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	fd = svipc_fd();
	if (fd < 0) {
		fprintf(stderr, "svipc-sysctl: %s: %s\n", SVIPC_DEVICE, strerror(errno));
		return 1;
	}
	if (optind == argc) {
		if (write) {
			usage(stderr);
			return 2;
		}
		for (k = 0; k < NKNOBS; k++)
			rc |= show(&knobs[k]);
		return rc;
	}
	for (i = optind; i < argc; i++) {
		const struct knob *kn;

		if (write) {
			rc |= set(argv[i]);
			continue;
		}
		kn = find(argv[i]);
		if (!kn) {
			fprintf(stderr, "svipc-sysctl: cannot stat svipc.%s: no such limit\n",
				argv[i]);
			rc = 1;
			continue;
		}
		rc |= show(kn);
	}
	return rc;
}
