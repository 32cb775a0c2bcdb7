/* SPDX-License-Identifier: BSD-2-Clause */
/* One LMDB environment per store per process, as LMDB requires ("do not
 * have open an LMDB database twice in the same process at the same time").
 *
 * A second environment on the same files is not harmless: the fcntl locks
 * LMDB takes on lock.mdb belong to the process, so when either copy closes
 * it finds itself "the last user" and destroys the shared writer and
 * reader mutexes under the other. With LMDB 0.9.31 (Debian 13) the other's
 * next write transaction then fails with EINVAL; older versions carried on
 * with mutexes reinitialised under a live writer. A process opens a store
 * twice at once when it runs two PAM transactions side by side (a threaded
 * service, a greeter and a locker in one process), or when a test edits
 * the record during the module's conversation. Every store handle of this
 * process on the same directory therefore shares one environment, counted,
 * and the last handle closes it.
 *
 * Sharing one environment also shares its data.mdb descriptor, and with it
 * the write gate (write_gate.h), whose OFD lock belongs to the descriptor:
 * the gate cannot tell two writers of one process apart, and the first to
 * let it go would open it for other processes while the second writes. So
 * each environment also has a writer mutex of its own, taken with the same
 * deadline before the gate and let go after it: one writer per process at
 * the gate, and a nested write through a second handle gets SSPR_EBUSY at
 * the deadline instead of waiting for ever on LMDB's mutex. */
#ifndef SSPR_STORE_LMDB_ENV_H
#define SSPR_STORE_LMDB_ENV_H

#include <stdbool.h>
#include <sys/stat.h>

#include <lmdb.h>

#include "status.h"

/* The environment of the store directory dir (dir_st: its stat), opened
 * with flags (MDB_RDONLY or not, plus the flags every open uses) if this
 * process has none open yet, else the open one. A read-only handle may
 * share a read-write environment (the handle refuses writes itself); a
 * read-write handle cannot share a read-only one, and is refused
 * (SSPR_EBUSY) rather than given a second environment. open_first runs the
 * opening steps around mdb_env_open for a new environment (see
 * store_lmdb.c); *created says whether it ran. */
typedef int (*sspr_lmdb_env_opener)(MDB_env *env, const char *dir, const struct stat *dir_st,
				    unsigned mdb_flags, void *ctx, struct sspr_error *err);
int sspr_lmdb_env_acquire(const char *dir, const struct stat *dir_st, unsigned mdb_flags,
			  sspr_lmdb_env_opener open_first, void *ctx, MDB_env **env,
			  struct sspr_error *err);

/* Gives back what sspr_lmdb_env_acquire gave; the last one closes it. */
void sspr_lmdb_env_release(const MDB_env *env);

/* The environment's writer mutex: 0 when taken, ETIMEDOUT after wait_ms,
 * or an errno. Taken before the write gate, released after it. */
int sspr_lmdb_env_writer_take(const MDB_env *env, unsigned wait_ms);
void sspr_lmdb_env_writer_release(const MDB_env *env);

#endif
