/* Enrollment reminder at login. Every error here is logged and swallowed:
 * the account hook must never be the reason a login fails. */
#include <syslog.h>

#include <security/pam_ext.h>

#include "account.h"
#include "conv.h"
#include "eligibility.h"
#include "policy.h"
#include "record.h"
#include "store.h"
#include "util.h"

int sspr_account_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	struct sspr_policy pol;
	struct sspr_record rec;
	struct sspr_store *store = NULL;
	struct sspr_error err = {{0}};
	const char *user = NULL;
	int r;

	sspr_record_init(&rec);
	if (opts->quiet || (flags & PAM_SILENT))
		goto out;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !sspr_user_name_valid(user))
		goto out;
	r = sspr_policy_load(opts->config, &pol, &err);
	if (r == SSPR_ENOENT && !opts->config_explicit) {
		sspr_policy_defaults(&pol);
	} else if (r != SSPR_OK) {
		pam_syslog(pamh, LOG_ERR, "policy: %s", err.msg);
		goto out;
	}
	if (pol.registration == SSPR_REGISTRATION_NO ||
	    sspr_user_eligibility(&pol, user, NULL) != SSPR_ELIGIBLE)
		goto out;
	r = sspr_store_open(pol.store, SSPR_STORE_READONLY, &store, &err);
	if (r != SSPR_OK) {
		if (opts->debug)
			pam_syslog(pamh, LOG_DEBUG, "store: %s", err.msg);
		goto out;
	}
	r = sspr_store_get(store, user, &rec, &err);
	if (r == SSPR_OK && sspr_usable_methods(&pol, &rec) != 0)
		goto out;
	if (r != SSPR_OK && r != SSPR_ENOENT) {
		pam_syslog(pamh, LOG_ERR, "store: %s", err.msg);
		goto out;
	}
	sspr_conv_say(pamh, PAM_TEXT_INFO,
		      "You have not set up self-service password reset. Run 'sspr-enroll' so "
		      "you can reset a forgotten password yourself.");
out:
	sspr_record_wipe(&rec);
	sspr_store_close(store);
	return PAM_IGNORE;
}
