/* SPDX-License-Identifier: BSD-2-Clause */
/* Checks on the USER argument, and who is acting (for audit events). */
#include <stdio.h>
#include <unistd.h>

#include "admin.h"
#include "eligibility.h"
#include "record.h"
#include "util.h"

int admin_check_user_name(const char *user)
{
	/* The name is not echoed: it failed validation, so it may hold
	 * anything, terminal escapes included. */
	if (!sspr_user_name_valid(user))
		return admin_error(SSPR_EINVAL,
				   "invalid user name (letters, digits and . _ - @ $, "
				   "at most %d bytes)",
				   SSPR_USER_MAX);
	return SSPR_EXIT_OK;
}

int admin_check_user_exists(const char *user)
{
	int rc = admin_check_user_name(user);

	if (rc != SSPR_EXIT_OK)
		return rc;
	switch (sspr_lookup_user(user, NULL, NULL)) {
	case 1:
		return SSPR_EXIT_OK;
	case 0:
		return admin_error(SSPR_ENOENT, "%s: no such user", user);
	default:
		return admin_error(SSPR_ERR, "%s: looking up the account failed", user);
	}
}

void admin_actor(char *buf, size_t size)
{
	uid_t uid = getuid();

	if (uid == 0)
		snprintf(buf, size, "by root");
	else
		snprintf(buf, size, "by uid %lu", (unsigned long)uid);
}

/* Enrolling for someone the policy would not let reset is allowed (the
 * admin may be preparing a policy change), but it should not go unnoticed. */
void admin_warn_unusable(const struct sspr_policy *pol, const char *user, unsigned method)
{
	enum sspr_eligibility elig = sspr_user_eligibility(pol, user, NULL);

	if ((pol->methods & method) == 0)
		cli_warn("%s is not in the policy's methods: %s cannot reset with it yet",
			   sspr_method_name(method), user);
	if (elig != SSPR_ELIGIBLE && elig != SSPR_NOT_ELIGIBLE_ERROR)
		cli_warn("%s cannot reset under the current policy: %s", user,
			   sspr_eligibility_reason(elig));
}
