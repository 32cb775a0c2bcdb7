/* SPDX-License-Identifier: BSD-2-Clause */
/* The account hook, front part: what every login pays. It reads the
 * policy and looks the user up (both without any library beyond libc), and
 * only for an eligible user under a policy that reminds or requires does
 * it load the engine to read their record (reminder.c). Every error is
 * logged and lets the login go on. */
#include <syslog.h>

#include <security/pam_ext.h>

#include "account.h"
#include "eligibility.h"
#include "dialog_locale.h"
#include "engine.h"
#include "policy.h"
#include "util.h"

int sspr_account_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	struct sspr_error err = {{0}};
	const struct sspr_engine *engine;
	struct sspr_locale lang;
	int r;
	struct sspr_policy pol;
	struct sspr_user_ids ids;
	struct sspr_rule rule;
	const char *user = NULL;

	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL ||
	    !sspr_user_name_valid(user))
		return PAM_IGNORE;
	if (sspr_policy_load_or_default(opts->config, opts->config_explicit, &pol, NULL, &err) !=
	    SSPR_OK) {
		pam_syslog(pamh, LOG_ERR, "policy: %s", err.msg);
		return PAM_IGNORE;
	}
	if (pol.registration == SSPR_REGISTRATION_NO)
		return PAM_IGNORE;
	/* PAM_SILENT and quiet ask for no messages, and reminders are all
	 * messages; the requirement still holds. */
	if (((flags & PAM_SILENT) || opts->quiet) && pol.registration != SSPR_REGISTRATION_REQUIRE)
		return PAM_IGNORE;
	if (sspr_user_eligibility(&pol, user, &ids) != SSPR_ELIGIBLE)
		return PAM_IGNORE;
	sspr_rule_of(&pol, user, &ids, &rule);
	if ((engine = sspr_engine_get(pamh)) == NULL) {
		/* Fail open, as for a store that cannot be read, but say what
		 * the admin asked for is not being enforced. */
		if (pol.registration == SSPR_REGISTRATION_REQUIRE)
			pam_syslog(pamh, LOG_WARNING, "registration = require not enforced for user=%s: "
				   "the reset engine is unavailable", user);
		return PAM_IGNORE;
	}
	/* The reminders in the user's language (dialog_locale.h). */
	sspr_locale_enter(pamh, &lang);
	r = engine->account(pamh, flags, opts, &pol, &rule, user);
	sspr_locale_done(&lang);
	return r;
}
