// SPDX-License-Identifier: GPL-2.0
/*
 * Built by install-test and deb-test with pkg-config's flags for svipc
 * against the installed library.  Where there is no /dev/svipc (the build
 * machine) the library must say ENOSYS.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/svipc.h>
#include <svipc.h>

int main(void)
{
	int id = svipc_msgget(IPC_PRIVATE, 0600);

	printf("%d %d %s\n", id, errno, SVIPC_DEVICE);
	return !(id == -1 && errno == ENOSYS);
}
