/* SPDX-License-Identifier: BSD-2-Clause */
/* LD_PRELOADed ahead of pam_wrapper in the sanitize suite only: drops
 * RTLD_DEEPBIND from dlopen() flags. pam_wrapper (1.1.4, Debian 12) loads
 * libpam deep-bound, which ASan refuses because a deep-bound library would
 * bypass its malloc and string interceptors; bookworm's pam_wrapper has no
 * switch to turn that off. Without deep binding libpam resolves to the
 * same symbols the test program uses, which is all the tests need. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

void *dlopen(const char *file, int mode) __attribute__((visibility("default")));

void *dlopen(const char *file, int mode)
{
	static void *(*next)(const char *, int);

	if (next == NULL) {
		/* dlsym returns an object pointer; memcpy is the conversion ISO
		 * C allows (POSIX guarantees the sizes match). */
		void *sym = dlsym(RTLD_NEXT, "dlopen");

		memcpy(&next, &sym, sizeof(next));
	}
	if (next == NULL)
		return NULL;
	return next(file, mode & ~RTLD_DEEPBIND);
}
