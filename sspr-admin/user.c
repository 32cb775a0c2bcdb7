/* Checks on the USER argument, and who is acting (for audit events). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "util.h"

/* getpwnam_r's buffer: enough for any sane passwd entry, and a fixed
 * upper bound so a hostile NSS source cannot make us allocate without end. */
#define PW_BUF_MIN 1024
#define PW_BUF_MAX (1024 * 1024)

int admin_check_user_name(const char *user)
{
	/* The name is not echoed: it failed validation, so it may hold
	 * anything, terminal escapes included. */
	if (!sspr_user_name_valid(user))
		return admin_error(SSPR_EINVAL,
				   "invalid user name (letters, digits and . _ - @ $, "
				   "at most %d bytes)",
				   SSPR_USER_MAX);
	return ADMIN_EXIT_OK;
}

int admin_check_user_exists(const char *user)
{
	struct passwd pw, *found = NULL;
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t size = hint > PW_BUF_MIN ? (size_t)hint : PW_BUF_MIN;
	char *buf = NULL;
	int rc = ADMIN_EXIT_ERROR;
	int e;

	if ((rc = admin_check_user_name(user)) != ADMIN_EXIT_OK)
		return rc;
	rc = ADMIN_EXIT_ERROR;
	for (;;) {
		char *bigger;

		if (size > PW_BUF_MAX) {
			rc = admin_error(SSPR_ERR, "%s: account entry is too large", user);
			goto out;
		}
		bigger = realloc(buf, size);
		if (bigger == NULL) {
			rc = admin_error(SSPR_ENOMEM, "%s: looking up the account: %s", user,
					 strerror(ENOMEM));
			goto out;
		}
		buf = bigger;
		e = getpwnam_r(user, &pw, buf, size, &found);
		if (e != ERANGE)
			break;
		size *= 2;
	}
	if (found != NULL) {
		rc = ADMIN_EXIT_OK;
	} else if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM) {
		/* glibc reports "no such entry" as 0 or as one of these. */
		rc = admin_error(SSPR_ENOENT, "%s: no such user", user);
	} else {
		rc = admin_error(SSPR_ERR, "%s: looking up the account: %s", user, strerror(e));
	}
out:
	free(buf);
	return rc;
}

void admin_actor(char *buf, size_t size)
{
	uid_t uid = getuid();

	if (uid == 0)
		snprintf(buf, size, "by root");
	else
		snprintf(buf, size, "by uid %lu", (unsigned long)uid);
}
