/* SPDX-License-Identifier: BSD-2-Clause */
/* The "directory unreachable" mark: an empty file in lock_dir whose mtime
 * is when the directory was last found unreachable. Its name carries a
 * hash of ldap_uri, so two policies naming different servers on one host
 * (or a test's hosts) keep separate marks. lock_dir is root's and 0700: no
 * one else can set a mark, and all a mark can do is skip a reminder. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "directory_down.h"
#include "util.h"

#define MARK_PREFIX "ldap-down."

static bool mark_path(const struct sspr_policy *pol, char *buf, size_t size)
{
	if (pol->store_backend != SSPR_BACKEND_LDAP || pol->lock_dir[0] == '\0')
		return false;
	return (size_t)snprintf(buf, size, "%s/" MARK_PREFIX "%016llx", pol->lock_dir,
				(unsigned long long)sspr_name_hash(pol->ldap_uri)) < size;
}

bool sspr_directory_down_recently(const struct sspr_policy *pol, int64_t now, int64_t *since)
{
	char path[SSPR_PATH_MAX + 64];
	struct stat st;

	if (since != NULL)
		*since = 0;
	if (pol->ldap_retry_after == 0 || !mark_path(pol, path, sizeof(path)) ||
	    lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
		return false;
	if (since != NULL)
		*since = (int64_t)st.st_mtime;
	/* A mark from the future (the clock stepped back) is not trusted to
	 * keep the directory unasked for longer than it says. */
	return (int64_t)st.st_mtime <= now && now - (int64_t)st.st_mtime < pol->ldap_retry_after;
}

void sspr_directory_note(const struct sspr_policy *pol, bool reachable)
{
	char path[SSPR_PATH_MAX + 64];
	int fd;

	if (!mark_path(pol, path, sizeof(path)))
		return;
	if (reachable) {
		(void)unlink(path);
		return;
	}
	if (pol->ldap_retry_after == 0 || (mkdir(pol->lock_dir, 0700) != 0 && errno != EEXIST))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	(void)futimens(fd, NULL); /* an existing mark is renewed */
	(void)close(fd);
}
