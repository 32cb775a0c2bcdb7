/* SPDX-License-Identifier: BSD-2-Clause */
/* The LMDB store's two files, data.mdb and lock.mdb, always belong to the
 * store directory's owner and group with mode 0660, whoever opens the store
 * first. LMDB creates lock.mdb on demand with the opener's uid and umask:
 * after a restore without it, the setgid helper would make it the user's
 * (who could then chmod or scribble on it), and a root process with umask
 * 022 would make it 0640 (so no enrollment could open it again). */
#ifndef SSPR_STORE_LMDB_FILES_H
#define SSPR_STORE_LMDB_FILES_H

#include <sys/stat.h>

#include "status.h"

/* Before mdb_env_open. Only the directory's owner (root, in production) may
 * create a missing lock.mdb; anyone else is refused with a message. An
 * existing file must be a regular file; one that is not the owner's is
 * refused to everyone but the owner, who repairs it after the open. */
int sspr_lmdb_files_check(const char *dir, const struct stat *dir_st, struct sspr_error *err);

/* After mdb_env_open, by the directory's owner only (a no-op for anyone
 * else): gives each file the directory's owner, group and mode 0660 where
 * it has anything else, through a descriptor opened without following
 * links. */
int sspr_lmdb_files_settle(const char *dir, const struct stat *dir_st, struct sspr_error *err);

#endif
