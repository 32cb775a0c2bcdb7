/* SPDX-License-Identifier: BSD-2-Clause */
/* The in-memory input file the file-reading harnesses use (see fuzz.h).
 * /proc/self/fd/N opens the memfd again like any path, so the parser runs
 * its whole open/fstat/read path on every input. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: property broken: %s\n", what);
	abort();
}

const char *fuzz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	size_t done = 0;

	if (fd < 0) {
		fd = memfd_create("sspr-fuzz-input", MFD_CLOEXEC);
		/* A memfd is created 0777; the readers refuse group/other write. */
		if (fd < 0 || fchmod(fd, 0600) != 0)
			fuzz_fail("memfd_create/fchmod failed");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0)
		fuzz_fail("ftruncate of the input file failed");
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);

		if (n <= 0)
			fuzz_fail("writing the input file failed");
		done += (size_t)n;
	}
	return path;
}
