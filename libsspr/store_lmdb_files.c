/* SPDX-License-Identifier: BSD-2-Clause */
/* Owner, group and mode of the LMDB store's files (see the header). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_lmdb_files.h"

#define STORE_FILE_MODE 0660

static const char *const store_files[] = {"data.mdb", "lock.mdb"};

static bool settled(const struct stat *st, const struct stat *dir_st)
{
	return st->st_uid == dir_st->st_uid && st->st_gid == dir_st->st_gid &&
	       (st->st_mode & 07777) == STORE_FILE_MODE;
}

/* The directory as a descriptor in *fd, or the reason it is not. */
static int dir_fd(const char *dir, int *fd, struct sspr_error *err)
{
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return sspr_error_set(err, errno == EACCES ? SSPR_EACCES : SSPR_ERR, "%s: %s",
				      dir, strerror(errno));
	return SSPR_OK;
}

int sspr_lmdb_files_check(const char *dir, const struct stat *dir_st, struct sspr_error *err)
{
	bool owner = geteuid() == dir_st->st_uid;
	int dfd, r;

	if ((r = dir_fd(dir, &dfd, err)) != SSPR_OK)
		return r;
	for (size_t i = 0; i < sizeof(store_files) / sizeof(store_files[0]) && r == SSPR_OK; i++) {
		struct stat st;

		if (fstatat(dfd, store_files[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT)
				r = sspr_error_set(err, errno == EACCES ? SSPR_EACCES : SSPR_ERR,
						   "%s/%s: %s", dir, store_files[i],
						   strerror(errno));
			else if (!owner && strcmp(store_files[i], "lock.mdb") == 0)
				r = sspr_error_set(err, SSPR_EACCES,
						   "%s/lock.mdb is missing (restored without it?); "
						   "the next login or sspr-admin command makes it "
						   "again",
						   dir);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			r = sspr_error_set(err, SSPR_EACCES, "%s/%s is not a regular file", dir,
					   store_files[i]);
		else if (!owner && st.st_uid != dir_st->st_uid)
			r = sspr_error_set(err, SSPR_EACCES,
					   "%s/%s belongs to uid %u, not to the store's owner; "
					   "any sspr-admin command run as root repairs it",
					   dir, store_files[i], (unsigned)st.st_uid);
	}
	close(dfd);
	return r;
}

int sspr_lmdb_files_settle(const char *dir, const struct stat *dir_st, struct sspr_error *err)
{
	int dfd, r;

	if (geteuid() != dir_st->st_uid)
		return SSPR_OK;
	if ((r = dir_fd(dir, &dfd, err)) != SSPR_OK)
		return r;
	for (size_t i = 0; i < sizeof(store_files) / sizeof(store_files[0]) && r == SSPR_OK; i++) {
		struct stat st;
		int fd;

		if (fstatat(dfd, store_files[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    settled(&st, dir_st))
			continue;
		fd = openat(dfd, store_files[i], O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) != 0)
			r = sspr_error_set(err, SSPR_ERR, "%s/%s: %s", dir, store_files[i],
					   strerror(errno));
		else if (!S_ISREG(st.st_mode))
			r = sspr_error_set(err, SSPR_ERR, "%s/%s is not a regular file", dir,
					   store_files[i]);
		/* chown before chmod: chown may clear mode bits. */
		else if (fchown(fd, dir_st->st_uid, dir_st->st_gid) != 0 ||
			 fchmod(fd, STORE_FILE_MODE) != 0)
			r = sspr_error_set(err, SSPR_ERR, "%s/%s: cannot set owner and mode: %s", dir,
					   store_files[i], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	close(dfd);
	return r;
}
