/* SPDX-License-Identifier: BSD-2-Clause */
/* Atomic writes of the files we create (host keys): a temporary file with
 * an unguessable name next to the target, fsync, rename, fsync of the
 * directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"

#define TMP_ATTEMPTS 16

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
			return sspr_error_set(err, sspr_file_errno_status(errno),
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
		r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: cannot write: %s", path,
				   strerror(errno));
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r != 0) {
		r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: cannot write: %s", path,
				   strerror(errno));
		goto out;
	}
	if (replace) {
		if (rename(tmp, path) != 0) {
			r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: %s", path,
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
			r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: %s", path,
					   strerror(errno));
		goto out;
	}
	/* Without this the new name may not survive a crash. Some file
	 * systems cannot sync a directory (EINVAL); that is not our failure. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) {
		r = sspr_error_set(err, sspr_file_errno_status(errno), "%s: cannot sync directory: %s", dir,
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
