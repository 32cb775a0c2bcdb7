/* Careful reads of config and key files, and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"

static int errno_status(int e)
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
	default:
		return SSPR_ERR;
	}
}

/* Owner root or us, nobody else may write, secrets readable by the owner only. */
static int check_file(const char *path, const struct stat *st, unsigned flags,
		      struct sspr_error *err)
{
	if (S_ISDIR(st->st_mode))
		return sspr_error_set(err, SSPR_EINVAL, "%s: is a directory", path);
	if (!S_ISREG(st->st_mode))
		return sspr_error_set(err, SSPR_EINVAL, "%s: not a regular file", path);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return sspr_error_set(err, SSPR_EACCES, "%s: owned by uid %u, expected root", path,
				      (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return sspr_error_set(err, SSPR_EACCES, "%s: writable by group or others", path);
	if ((flags & SSPR_FILE_SECRET) && (st->st_mode & (S_IRWXG | S_IRWXO)))
		return sspr_error_set(err, SSPR_EACCES,
				      "%s: secret file must not be accessible to group or others "
				      "(chmod 600)",
				      path);
	return SSPR_OK;
}

static char *alloc_buffer(size_t size, unsigned flags)
{
	return (flags & SSPR_FILE_SECRET) ? sodium_malloc(size) : malloc(size);
}

void sspr_file_free(char *buf, size_t len, unsigned flags)
{
	if (buf == NULL)
		return;
	if (flags & SSPR_FILE_SECRET) {
		sodium_free(buf); /* wipes */
		return;
	}
	sodium_memzero(buf, len);
	free(buf);
}

int sspr_file_read(const char *path, size_t max, unsigned flags, char **out, size_t *len,
		   struct sspr_error *err)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	char *buf = NULL;
	size_t used = 0;
	int fd = -1, r;

	*out = NULL;
	*len = 0;
	if (flags & SSPR_FILE_SECRET)
		oflags |= O_NOFOLLOW;
	if (sodium_init() < 0)
		return sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
	fd = open(path, oflags);
	if (fd < 0) {
		r = errno_status(errno);
		if (r == SSPR_ENOENT && (flags & SSPR_FILE_OPTIONAL))
			return r;
		if (errno == ELOOP)
			return sspr_error_set(err, SSPR_EACCES, "%s: is a symbolic link", path);
		return sspr_error_set(err, r, "%s: %s", path,
				      r == SSPR_ENOENT ? "no such file" : strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		r = sspr_error_set(err, SSPR_ERR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = check_file(path, &st, flags, err)) != SSPR_OK)
		goto out;
	if ((uint64_t)st.st_size > max) {
		r = sspr_error_set(err, SSPR_EINVAL, "%s: file is larger than %zu bytes", path, max);
		goto out;
	}
	buf = alloc_buffer(max + 1, flags);
	if (buf == NULL) {
		r = sspr_error_set(err, SSPR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	/* Read up to one byte past the cap to notice a file growing under us. */
	for (;;) {
		ssize_t n = read(fd, buf + used, max + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sspr_error_set(err, SSPR_ERR, "%s: %s", path, strerror(errno));
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
	buf = NULL;
	r = SSPR_OK;
out:
	sspr_file_free(buf, max + 1, flags);
	close(fd);
	return r;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int sspr_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
			   int replace, struct sspr_error *err)
{
	char tmp[PATH_MAX];
	int fd, r = SSPR_OK;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return sspr_error_set(err, SSPR_EINVAL, "%s: path is too long", path);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sspr_error_set(err, errno_status(errno), "%s: %s", tmp, strerror(errno));
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		r = sspr_error_set(err, errno_status(errno), "%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) != 0) {
		r = sspr_error_set(err, errno_status(errno), "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (replace) {
		if (rename(tmp, path) != 0)
			r = sspr_error_set(err, errno_status(errno), "%s: %s", path,
					   strerror(errno));
	} else if (link(tmp, path) != 0) {
		/* link() never replaces: an existing file stays as it was. */
		r = errno == EEXIST ? sspr_error_set(err, SSPR_EEXIST, "%s: already exists", path)
				    : sspr_error_set(err, errno_status(errno), "%s: %s", path,
						     strerror(errno));
	}
	if (r == SSPR_OK)
		fsync_parent(path);
out:
	(void)unlink(tmp);
	return r;
}
