/* SPDX-License-Identifier: BSD-2-Clause */
/* A library for LD_PRELOAD that leaves a mark: its constructor creates the
 * file named by $ROBUST_PRELOAD_MARK. test_setgid.sh preloads it into
 * sspr-enroll (the loader must ignore it for a setgid program) and into a
 * plain program (the control: it does load there). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void leave_mark(void)
{
	const char *path = getenv("ROBUST_PRELOAD_MARK");
	int fd;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd >= 0)
		close(fd);
}
