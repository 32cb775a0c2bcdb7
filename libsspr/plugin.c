/* SPDX-License-Identifier: BSD-2-Clause */
/* The loader of our shared objects; see plugin.h for what it checks. */
#define _GNU_SOURCE /* O_PATH */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin.h"

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || (uid == geteuid() && getauxval(AT_SECURE) == 0 && geteuid() != 0);
}

static bool safe_dir(const struct stat *sb)
{
	return S_ISDIR(sb->st_mode) && trusted_owner(sb->st_uid) &&
	       ((sb->st_mode & (S_IWGRP | S_IWOTH)) == 0 ||
		((sb->st_mode & S_ISVTX) != 0 && sb->st_uid == 0));
}

/* *fd is the checked, open file on success. */
static int open_checked(const char *path, const struct sspr_plugin_kind *kind, int *fd,
			struct sspr_error *err)
{
	char buf[PATH_MAX], *save = NULL, *part, *next;
	struct stat sb;
	int dir, e = 0, r = SSPR_OK;

	*fd = -1;
	if (path[0] != '/' || strlen(path) >= sizeof(buf))
		return sspr_error_set(err, SSPR_EINVAL, "%s: not an absolute path", path);
	memcpy(buf, path, strlen(path) + 1);
	if ((dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sspr_error_set(err, SSPR_ERR, "/: %s", strerror(errno));
	part = strtok_r(buf, "/", &save);
	while (part != NULL && r == SSPR_OK) {
		int f;

		next = strtok_r(NULL, "/", &save);
		if (fstat(dir, &sb) != 0 || !safe_dir(&sb)) {
			r = SSPR_EACCES;
			break;
		}
		f = openat(dir, part,
			   (next != NULL ? O_PATH | O_DIRECTORY : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
		if (f < 0) {
			e = errno;
			r = e == ENOENT ? SSPR_ENOENT : e == ELOOP || e == ENOTDIR ? SSPR_EACCES : SSPR_ERR;
			break;
		}
		close(dir);
		dir = f;
		part = next;
	}
	if (r == SSPR_OK && (fstat(dir, &sb) != 0 || !S_ISREG(sb.st_mode) ||
			     !trusted_owner(sb.st_uid) || (sb.st_mode & (S_IWGRP | S_IWOTH))))
		r = SSPR_EACCES;
	if (r == SSPR_OK) {
		*fd = dir;
		return SSPR_OK;
	}
	close(dir);
	if (r == SSPR_ENOENT)
		return sspr_error_set(err, SSPR_ERR, "%s: cannot find %s: %s (%s)", path, kind->what,
				      strerror(ENOENT), kind->missing_hint);
	if (r == SSPR_EACCES)
		return sspr_error_set(err, SSPR_EACCES,
				      "%s: refusing to load %s: the file and every directory "
				      "above it must be root's, reached without a symbolic link, "
				      "and writable only by root",
				      path, kind->what);
	return sspr_error_set(err, SSPR_ERR, "%s: cannot open %s: %s", path, kind->what,
			      strerror(e));
}

int sspr_plugin_load(const char *path, const char *symbol, const struct sspr_plugin_kind *kind,
		     void **sym, struct sspr_error *err)
{
	char by_fd[32];
	void *lib;
	int fd, r;

	*sym = NULL;
	/* Loaded before in this process, this very file (the loader matches
	 * it by device and inode, and maps nothing for RTLD_NOLOAD): it was
	 * checked then. A file replaced since (an upgrade) is another inode,
	 * and is checked and loaded afresh below. */
	lib = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
	if (lib == NULL) {
		if ((r = open_checked(path, kind, &fd, err)) != SSPR_OK)
			return r;
		snprintf(by_fd, sizeof(by_fd), "/proc/self/fd/%d", fd);
		lib = dlopen(by_fd, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		if (lib == NULL) {
			close(fd);
			return sspr_error_set(err, SSPR_ERR,
					      "%s: cannot load %s (through %s, the descriptor that "
					      "was checked; is /proc mounted?): %s",
					      path, kind->what, by_fd, dlerror());
		}
		/* The descriptor stays open for the life of the process: the
		 * loader remembers the object by its /proc name, and a number
		 * reused for another file (the next plugin) would be handed
		 * the first object instead. One descriptor per file loaded. */
	}
	*sym = dlsym(lib, symbol);
	dlclose(lib); /* a reference only; RTLD_NODELETE keeps the code */
	if (*sym == NULL)
		return sspr_error_set(err, SSPR_ERR, "%s: not %s of pam_sspr (no %s)", path,
				      kind->what, symbol);
	return SSPR_OK;
}
