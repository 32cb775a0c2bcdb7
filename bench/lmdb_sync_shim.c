/* SPDX-License-Identifier: BSD-2-Clause */
/* Bench-only LD_PRELOAD shim: opens every LMDB environment with other
 * commit flags than the store's, so the bench can measure what each
 * durability choice costs without a switch in the product.
 * SSPR_BENCH_LMDB_SYNC = "metasync" takes MDB_NOMETASYNC away (LMDB's own
 * default: the data pages and then the meta page are flushed, two flushes
 * per commit) and "nosync" adds MDB_NOSYNC (no flush at all: what the rest
 * of a login costs). Unset or anything else changes nothing: the store's
 * MDB_NOMETASYNC, one flush per commit. Never installed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

typedef int (*env_open_fn)(MDB_env *, const char *, unsigned int, mdb_mode_t);

__attribute__((visibility("default"))) int mdb_env_open(MDB_env *env, const char *path,
							unsigned int flags, mdb_mode_t mode)
{
	env_open_fn real;
	void *sym = dlsym(RTLD_NEXT, "mdb_env_open");
	const char *mode_name = getenv("SSPR_BENCH_LMDB_SYNC");

	/* POSIX dlsym hands back a function as an object pointer. */
	memcpy(&real, &sym, sizeof(real));
	if (sym == NULL) {
		/* Naming an LMDB function keeps liblmdb among this shim's
		 * DT_NEEDED under --as-needed, so it is loaded globally at
		 * start and RTLD_NEXT finds it. */
		fprintf(stderr, "lmdb_sync_shim: mdb_env_open not found (%s)\n",
			mdb_version(NULL, NULL, NULL));
		return EINVAL;
	}
	if (mode_name != NULL && !(flags & MDB_RDONLY)) {
		if (strcmp(mode_name, "metasync") == 0)
			flags &= ~(unsigned int)MDB_NOMETASYNC;
		else if (strcmp(mode_name, "nosync") == 0)
			flags |= MDB_NOSYNC;
	}
	return real(env, path, flags, mode);
}
