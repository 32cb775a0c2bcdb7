/* Bench-only LD_PRELOAD shim: opens every LMDB environment with extra
 * commit flags, so the bench can measure what each durability choice costs
 * without a switch in the product. SSPR_BENCH_LMDB_SYNC = "nometasync"
 * (MDB_NOMETASYNC: one flush per commit), "nosync" (MDB_NOSYNC: none) or
 * "proposed": MDB_NOMETASYNC, and a commit whose only writes are appends
 * (the store appends events with MDB_APPEND; records are written without it)
 * is not flushed on its own: the next commit's flush carries it. That is
 * the change BENCHMARKS.md proposes for store_lmdb.c, emulated here.
 * Unset or "default" changes nothing. Never installed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

typedef int (*env_open_fn)(MDB_env *, const char *, unsigned int, mdb_mode_t);
typedef int (*put_fn)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *, unsigned int);
typedef int (*commit_fn)(MDB_txn *);

/* One write transaction at a time per process (LMDB's rule for us here). */
static MDB_txn *cur_txn;
static int cur_appends, cur_others;

static void *next_symbol(const char *name)
{
	void *sym = dlsym(RTLD_NEXT, name);

	if (sym == NULL)
		fprintf(stderr, "lmdb_sync_shim: %s not found\n", name);
	return sym;
}

static bool proposed(void)
{
	const char *m = getenv("SSPR_BENCH_LMDB_SYNC");

	return m != NULL && strcmp(m, "proposed") == 0;
}

__attribute__((visibility("default"))) int mdb_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key,
						   MDB_val *data, unsigned int flags)
{
	put_fn real;
	void *sym = next_symbol("mdb_put");

	if (sym == NULL)
		return EINVAL;
	memcpy(&real, &sym, sizeof(real));
	if (txn != cur_txn) {
		cur_txn = txn;
		cur_appends = cur_others = 0;
	}
	if (flags & MDB_APPEND)
		cur_appends++;
	else
		cur_others++;
	return real(txn, dbi, key, data, flags);
}

__attribute__((visibility("default"))) int mdb_txn_commit(MDB_txn *txn)
{
	commit_fn real;
	void *sym = next_symbol("mdb_txn_commit");
	MDB_env *env = mdb_txn_env(txn);
	bool lazy = proposed() && txn == cur_txn && cur_appends > 0 && cur_others == 0;
	int rc;

	if (sym == NULL)
		return EINVAL;
	memcpy(&real, &sym, sizeof(real));
	if (txn == cur_txn)
		cur_txn = NULL;
	if (lazy)
		mdb_env_set_flags(env, MDB_NOSYNC, 1);
	rc = real(txn);
	if (lazy)
		mdb_env_set_flags(env, MDB_NOSYNC, 0);
	return rc;
}

__attribute__((visibility("default"))) int mdb_env_open(MDB_env *env, const char *path,
							unsigned int flags, mdb_mode_t mode)
{
	env_open_fn real;
	void *sym = dlsym(RTLD_NEXT, "mdb_env_open");
	const char *mode_name = getenv("SSPR_BENCH_LMDB_SYNC");

	/* POSIX dlsym hands back a function as an object pointer. */
	memcpy(&real, &sym, sizeof(real));
	if (sym == NULL) {
		fprintf(stderr, "lmdb_sync_shim: mdb_env_open not found\n");
		return EINVAL;
	}
	if (mode_name != NULL && !(flags & MDB_RDONLY)) {
		if (strcmp(mode_name, "nometasync") == 0 || strcmp(mode_name, "proposed") == 0)
			flags |= MDB_NOMETASYNC;
		else if (strcmp(mode_name, "nosync") == 0)
			flags |= MDB_NOSYNC;
	}
	return real(env, path, flags, mode);
}
