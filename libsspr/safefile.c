/* Careful reads of config and key files, and atomic writes of the files we
 * create (host keys). Reads trust nothing about the path: the descriptor is
 * checked with fstat after open, so the checks and the read see one file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"

#define TMP_ATTEMPTS 16

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
	return sspr_error_set(err, errno_status(e), "%s: %s", path, strerror(e));
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

static char *alloc_buffer(size_t size, unsigned flags)
{
	return (flags & SSPR_FILE_SECRET) ? sodium_malloc(size) : malloc(size);
}

void sspr_file_free(char *buf, size_t len, unsigned flags)
{
	if (buf == NULL)
		return;
	if (flags & SSPR_FILE_SECRET) {
		sodium_free(buf); /* wipes the whole allocation itself */
		return;
	}
	sodium_memzero(buf, len);
	free(buf);
}

int sspr_file_read(const char *path, size_t max, unsigned flags, char **out, size_t *len,
		   struct sspr_error *err)
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
	if (sodium_init() < 0) {
		r = sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
		goto out;
	}
	fd = open(path, oflags);
	if (fd < 0) {
		r = open_error(path, errno, flags, err);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = sspr_error_set(err, errno_status(errno), "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = check_file(path, &st, flags, err)) != SSPR_OK)
		goto out;
	if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
		r = sspr_error_set(err, SSPR_EINVAL, "%s: file is larger than %zu bytes", path,
				   max);
		goto out;
	}
	buf = alloc_buffer(max + 1, flags);
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
			r = sspr_error_set(err, errno_status(errno), "%s: %s", path,
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
	sspr_file_free(buf, max + 1, flags);
	if (fd >= 0)
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

/* Splits path into the directory that holds it (where the temporary file
 * goes and what is fsync'd) and its last component. */
static int split_path(const char *path, char *dir, size_t dirsize, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		*base = path;
		path = ".";
		n = 1;
	} else {
		*base = slash + 1;
		n = slash == path ? 1 : (size_t)(slash - path);
	}
	if (**base == '\0' || n >= dirsize)
		return SSPR_EINVAL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return SSPR_OK;
}

/* Creates a temporary file next to path with an unguessable name, so a
 * file planted by someone else is never written to (O_EXCL|O_NOFOLLOW). */
static int create_temp(const char *dir, const char *base, unsigned mode, char *tmp, size_t tmpsize,
		       int *fd, struct sspr_error *err)
{
	for (int i = 0; i < TMP_ATTEMPTS; i++) {
		unsigned char rnd[8];
		char hex[2 * sizeof(rnd) + 1];
		int n;

		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		n = snprintf(tmp, tmpsize, "%s/.%s.%s.tmp", dir, base, hex);
		if (n < 0 || (size_t)n >= tmpsize)
			return sspr_error_set(err, SSPR_EINVAL, "%s/%s: path is too long", dir,
					      base);
		*fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
			   (mode_t)mode);
		if (*fd >= 0)
			return SSPR_OK;
		if (errno != EEXIST)
			return sspr_error_set(err, errno_status(errno),
					      "%s: cannot create a temporary file: %s", dir,
					      strerror(errno));
	}
	return sspr_error_set(err, SSPR_ERR, "%s: cannot create a temporary file", dir);
}

int sspr_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
			   int replace, struct sspr_error *err)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	int fd = -1, dfd = -1;
	int created = 0;
	int r = SSPR_ERR;

	if ((mode & ~0777u) != 0) {
		r = sspr_error_set(err, SSPR_EINVAL, "%s: mode %o is not a permission mode", path,
				   mode);
		goto out;
	}
	if (split_path(path, dir, sizeof(dir), &base) != SSPR_OK) {
		r = sspr_error_set(err, SSPR_EINVAL, "%s: not a file path or too long", path);
		goto out;
	}
	if (sodium_init() < 0) {
		r = sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
		goto out;
	}
	if ((r = create_temp(dir, base, mode, tmp, sizeof(tmp), &fd, err)) != SSPR_OK)
		goto out;
	created = 1;
	/* The umask may have taken bits from mode; the caller asked for mode. */
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		r = sspr_error_set(err, errno_status(errno), "%s: cannot write: %s", path,
				   strerror(errno));
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r != 0) {
		r = sspr_error_set(err, errno_status(errno), "%s: cannot write: %s", path,
				   strerror(errno));
		goto out;
	}
	if (replace) {
		if (rename(tmp, path) != 0) {
			r = sspr_error_set(err, errno_status(errno), "%s: %s", path,
					   strerror(errno));
			goto out;
		}
		created = 0; /* the temporary file is path now */
	} else if (link(tmp, path) != 0) {
		/* link() never replaces: an existing file stays as it was.
		 * The temporary name is removed below either way. */
		if (errno == EEXIST)
			r = sspr_error_set(err, SSPR_EEXIST, "%s: already exists, not replaced",
					   path);
		else
			r = sspr_error_set(err, errno_status(errno), "%s: %s", path,
					   strerror(errno));
		goto out;
	}
	/* Without this the new name may not survive a crash. Some file
	 * systems cannot sync a directory (EINVAL); that is not our failure. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) {
		r = sspr_error_set(err, errno_status(errno), "%s: cannot sync directory: %s", dir,
				   strerror(errno));
		goto out;
	}
	r = SSPR_OK;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (created)
		(void)unlink(tmp);
	return r;
}
