/* SPDX-License-Identifier: BSD-2-Clause */
/* Careful reads of config and key files. They trust nothing about the
 * path: the descriptor is checked with fstat after open, so the checks and
 * the read see one file. Secrets go into guarded memory (safefile_secret.c)
 * and atomic writes live in safefile_write.c, so that what reads only the
 * policy (the module's front) needs no cryptographic library. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
#include "util.h"

int sspr_file_errno_status(int e)
{
	switch (e) {
	case ENOENT:
		return SSPR_ENOENT;
	case EACCES:
	case EPERM:
		return SSPR_EACCES;
	case ENOSPC:
	case EDQUOT:
		return SSPR_EFULL;
	case ENOMEM:
		return SSPR_ENOMEM;
	default:
		return SSPR_ERR;
	}
}

static int open_error(const char *path, int e, unsigned flags, struct sspr_error *err)
{
	if (e == ENOENT && (flags & SSPR_FILE_OPTIONAL))
		return SSPR_ENOENT;
	if (e == ENOENT)
		return sspr_error_set(err, SSPR_ENOENT, "%s: no such file", path);
	/* With O_NOFOLLOW, ELOOP means the last component is a symlink. */
	if (e == ELOOP && (flags & SSPR_FILE_SECRET))
		return sspr_error_set(err, SSPR_EACCES,
				      "%s: is a symbolic link (refused for secret files)", path);
	return sspr_error_set(err, sspr_file_errno_status(e), "%s: %s", path, strerror(e));
}

/* Owner root or us, nobody else may write, secrets readable by the owner
 * only. Anyone else who can write the file can rewrite our policy. */
static int check_file(const char *path, const struct stat *st, unsigned flags,
		      struct sspr_error *err)
{
	if (S_ISDIR(st->st_mode))
		return sspr_error_set(err, SSPR_EINVAL, "%s: is a directory", path);
	if (!S_ISREG(st->st_mode))
		return sspr_error_set(err, SSPR_EINVAL, "%s: not a regular file", path);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return sspr_error_set(err, SSPR_EACCES, "%s: owned by uid %lu, expected root", path,
				      (unsigned long)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return sspr_error_set(err, SSPR_EACCES,
				      "%s: writable by group or others (chmod go-w)", path);
	if ((flags & SSPR_FILE_SECRET) && (flags & SSPR_FILE_GROUP_READ) &&
	    (st->st_mode & (S_IXGRP | S_IRWXO)))
		return sspr_error_set(err, SSPR_EACCES,
				      "%s: secret file is accessible to others (chmod 640)", path);
	if ((flags & SSPR_FILE_SECRET) && !(flags & SSPR_FILE_GROUP_READ) &&
	    (st->st_mode & (S_IRWXG | S_IRWXO)))
		return sspr_error_set(
		    err, SSPR_EACCES,
		    "%s: secret file is accessible to group or others (chmod 600)", path);
	return SSPR_OK;
}

static void *plain_alloc(size_t size)
{
	return malloc(size);
}

static void plain_release(void *buf, size_t len)
{
	sspr_wipe(buf, len);
	free(buf);
}

void sspr_file_free(char *buf, size_t len)
{
	if (buf != NULL)
		plain_release(buf, len);
}

int sspr_file_read_with(const char *path, size_t max, unsigned flags,
			void *(*alloc)(size_t), void (*release)(void *, size_t), char **out,
			size_t *len, struct sspr_error *err)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat
	 * below then refuses it. Regular files ignore the flag. */
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	char *buf = NULL;
	size_t used = 0;
	int fd = -1;
	int r = SSPR_ERR;

	*out = NULL;
	*len = 0;
	if (max >= SIZE_MAX / 2) {
		r = sspr_error_set(err, SSPR_EINVAL, "%s: size limit is too large", path);
		goto out;
	}
	if (flags & SSPR_FILE_SECRET)
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0) {
		r = open_error(path, errno, flags, err);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = check_file(path, &st, flags, err)) != SSPR_OK)
		goto out;
	if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
		r = sspr_error_set(err, SSPR_EINVAL, "%s: file is larger than %zu bytes", path,
				   max);
		goto out;
	}
	buf = alloc(max + 1);
	if (buf == NULL) {
		r = sspr_error_set(err, SSPR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	/* Ask for one byte past the cap: a file that grew after fstat is
	 * caught here rather than silently cut short. */
	for (;;) {
		ssize_t n = read(fd, buf + used, max + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: %s", path,
					   strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			r = sspr_error_set(err, SSPR_EINVAL, "%s: file is larger than %zu bytes",
					   path, max);
			goto out;
		}
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL; /* belongs to the caller now */
	r = SSPR_OK;
out:
	if (buf != NULL)
		release(buf, max + 1);
	if (fd >= 0)
		close(fd);
	return r;
}

int sspr_file_read(const char *path, size_t max, unsigned flags, char **out, size_t *len,
		   struct sspr_error *err)
{
	if (flags & SSPR_FILE_SECRET) {
		*out = NULL;
		*len = 0;
		return sspr_error_set(err, SSPR_EINVAL, "%s: a secret is read with "
				      "sspr_file_read_secret", path);
	}
	return sspr_file_read_with(path, max, flags, plain_alloc, plain_release, out, len, err);
}
