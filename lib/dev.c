// SPDX-License-Identifier: LGPL-2.1-or-later
/* The process's descriptor of /dev/svipc. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <linux/svipc.h>

#include "svipc.h"
#include "internal.h"

/*
 * Opened once per process, lazily.  A descriptor inherited across fork
 * stays valid (the device keeps no per-open state); O_CLOEXEC closes it
 * at exec, where this variable starts over at -1 too.
 */
int svipc_devfd = -1;

int svipc_fd(void)
{
	int fd = __atomic_load_n(&svipc_devfd, __ATOMIC_ACQUIRE);
	int old = -1, state;

	if (fd >= 0)
		return fd;
	/*
	 * open() is a cancellation point; the call that opens the device,
	 * a semget say, may not be one.  Nor may a cancellation leave the
	 * descriptor open and unrecorded.
	 */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &state);
	fd = open(SVIPC_DEVICE, O_RDWR | O_CLOEXEC);
	pthread_setcancelstate(state, NULL);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			errno = ENOSYS;
		return -1;
	}
	if (!__atomic_compare_exchange_n(&svipc_devfd, &old, fd, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Another thread won the race: use its descriptor. */
		close(fd);
		fd = old;
	}
	return fd;
}

/* Out of line: only a process that has had a second thread comes here. */
long svipc_call_cancel_point(unsigned long cmd, void *arg)
{
	long r;
	int cancel;

	/* The device is opened first: see svipc_cancel_async_begin(). */
	if (svipc_devfd_get() < 0)
		return -1;
	cancel = svipc_cancel_async_begin();
	r = svipc_call(cmd, arg);
	svipc_cancel_async_end(cancel);
	return r;
}
