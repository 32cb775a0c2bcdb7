/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading configuration and key files the careful way: no symlink games on
 * the final component for secrets, a regular file, owner root (or the
 * effective user, so tests run unprivileged), never writable by group or
 * others, and a size cap so /dev/zero or a 100 MiB file cannot hurt us. */
#ifndef SSPR_SAFEFILE_H
#define SSPR_SAFEFILE_H

#include <stddef.h>

#include "status.h"

enum sspr_file_flags {
	SSPR_FILE_SECRET = 1 << 0,  /* implied by sspr_file_read_secret: refuse any group/other access */
	SSPR_FILE_OPTIONAL = 1 << 1, /* a missing file returns SSPR_ENOENT with no message */
	/* With SSPR_FILE_SECRET: the file's group may read it too (0640), for
	 * a secret the setgid helper needs (the directory's bind password). */
	SSPR_FILE_GROUP_READ = 1 << 2,
};

/* Reads the whole of path (at most max bytes) into a NUL-terminated buffer.
 * *out must be released with sspr_file_free(*out, *len), which wipes it.
 * SSPR_FILE_SECRET is refused here: secrets use the _secret pair. */
int sspr_file_read(const char *path, size_t max, unsigned flags, char **out, size_t *len,
		   struct sspr_error *err);
void sspr_file_free(char *buf, size_t len);

/* safefile_secret.c: the same for a secret, in guarded memory (libsodium's);
 * release with sspr_file_free_secret(*out). */
int sspr_file_read_secret(const char *path, size_t max, unsigned flags, char **out,
			  size_t *len, struct sspr_error *err);
void sspr_file_free_secret(char *buf);

/* The reader both share, with the buffer's allocator, and the status for
 * an errno; for safefile_*.c only. */
int sspr_file_read_with(const char *path, size_t max, unsigned flags,
			void *(*alloc)(size_t), void (*release)(void *, size_t), char **out,
			size_t *len, struct sspr_error *err);
int sspr_file_errno_status(int e);

/* safefile_write.c: writes data to path atomically (temporary file in the same directory,
 * fsync, rename, fsync of the directory) with the given mode. Refuses to
 * replace an existing file unless replace is non-zero. */
int sspr_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
			   int replace, struct sspr_error *err);

#endif
