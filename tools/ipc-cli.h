/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What svipcs and svipcrm share: util-linux's conventions for a command
 * line tool (the "Try --help" hint, a checked flush of stdout at exit, an
 * int argument parsed as its tools do).
 */
#ifndef SVIPC_TOOLS_IPC_CLI_H
#define SVIPC_TOOLS_IPC_CLI_H

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void __attribute__((noreturn)) try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
		program_invocation_short_name);
	exit(EXIT_FAILURE);
}

/* Flush stdout at exit; a failed write makes the exit status 1. */
static inline void check_stdout(void)
{
	int failed = ferror(stdout);

	errno = 0;
	if (fflush(stdout) != 0)
		failed = 1;
	if (failed && errno != EPIPE) {
		if (errno)
			warn("write error");
		else
			warnx("write error");
		_exit(EXIT_FAILURE);
	}
}

/*
 * A decimal int, or exit with util-linux's message, which names @what
 * ("argument" for ipcrm, "id argument" for ipcs).
 */
static inline int parse_int_arg(const char *s, const char *what)
{
	char *end = NULL;
	intmax_t v;

	errno = 0;
	if (!*s)
		errx(EXIT_FAILURE, "failed to parse %s: '%s'", what, s);
	v = strtoimax(s, &end, 10);
	if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX) {
		errno = ERANGE;
		err(EXIT_FAILURE, "failed to parse %s: '%s'", what, s);
	}
	if (errno || end == s || *end)
		errx(EXIT_FAILURE, "failed to parse %s: '%s'", what, s);
	return (int)v;
}

#endif
