/* The reset dialog. Everything here fails closed: any doubt about the
 * policy, the store, the key or the account ends the reset, and the caller
 * lets the ordinary password path carry on. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "challenge.h"
#include "conv.h"
#include "eligibility.h"
#include "lockout.h"
#include "passwd_change.h"
#include "record.h"
#include "reset.h"
#include "session.h"
#include "util.h"

#define MSG_UNAVAILABLE "Password reset is unavailable."
#define MSG_NOT_SET_UP "Password reset is not set up for this account."

static int load_policy(struct sspr_session *s, struct sspr_error *err)
{
	int r = sspr_policy_load(s->opts->config, &s->policy, err);

	if (r == SSPR_ENOENT && !s->opts->config_explicit) {
		sspr_policy_defaults(&s->policy);
		r = SSPR_OK;
	}
	if (r == SSPR_OK)
		s->policy_loaded = true;
	return r;
}

static const char *pam_string_item(pam_handle_t *pamh, int item)
{
	const void *value = NULL;

	if (pam_get_item(pamh, item, &value) != PAM_SUCCESS || value == NULL)
		return "";
	return value;
}

/* Everything before a challenge: returns SSPR_OK with rec filled when the
 * user may go on to answer one. */
static int admit(struct sspr_session *s, struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	enum sspr_eligibility elig;
	int r;

	if (load_policy(s, &err) != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", NULL, err.msg);
		sspr_session_refuse(s, MSG_UNAVAILABLE);
		return SSPR_ERR;
	}
	elig = sspr_user_eligibility(&s->policy, s->user, NULL);
	if (elig == SSPR_NOT_ELIGIBLE_ERROR) {
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", NULL, "account lookup");
		sspr_session_refuse(s, MSG_UNAVAILABLE);
		return SSPR_ERR;
	}
	s->account_exists = elig != SSPR_NOT_ELIGIBLE_NO_USER;

	r = sspr_store_open(s->policy.store, 0, &s->store, &err);
	if (r != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", NULL, err.msg);
		sspr_session_refuse(s, MSG_UNAVAILABLE);
		return r;
	}
	if (elig != SSPR_ELIGIBLE) {
		sspr_session_outcome(s, LOG_NOTICE, true, "not-eligible", NULL,
				     sspr_eligibility_reason(elig));
		sspr_session_refuse(s, MSG_NOT_SET_UP);
		return SSPR_EACCES;
	}

	r = sspr_store_get(s->store, s->user, rec, &err);
	if (r == SSPR_ENOENT || (r == SSPR_OK && sspr_usable_methods(&s->policy, rec) == 0)) {
		sspr_session_outcome(s, LOG_NOTICE, true, "not-enrolled", NULL, NULL);
		sspr_session_refuse(s, MSG_NOT_SET_UP);
		return SSPR_ENOENT;
	}
	if (r != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", NULL, err.msg);
		sspr_session_refuse(s, MSG_UNAVAILABLE);
		return r;
	}
	if (sspr_lockout_active(rec, sspr_now())) {
		sspr_session_outcome(s, LOG_WARNING, true, "locked", NULL, NULL);
		sspr_session_refuse(s, "Password reset is locked after too many failed attempts. "
				       "Try again later.");
		return SSPR_ELOCKED;
	}
	return SSPR_OK;
}

/* Proves the user's identity with the methods they can use. Only the
 * authenticator app exists so far, so there is no menu to show. */
static int prove_identity(struct sspr_session *s, const struct sspr_record *rec)
{
	unsigned usable = sspr_usable_methods(&s->policy, rec);

	if (usable & SSPR_METHOD_TOTP)
		return sspr_challenge_totp(s, rec);
	sspr_session_outcome(s, LOG_NOTICE, true, "not-enrolled", NULL, "no usable method");
	sspr_session_refuse(s, MSG_NOT_SET_UP);
	return SSPR_ENOENT;
}

int sspr_reset_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	struct sspr_session s = {.pamh = pamh, .flags = flags, .opts = opts};
	struct sspr_record rec;
	const char *user = NULL;
	char why[256];
	int r = PAM_AUTH_ERR;

	sspr_record_init(&rec);
	s.service = pam_string_item(pamh, PAM_SERVICE);
	s.rhost = pam_string_item(pamh, PAM_RHOST);
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL)
		goto out;
	if (!sspr_user_name_valid(user)) {
		/* Never echo an unvalidated name into the log. */
		sspr_session_outcome(&s, LOG_WARNING, false, "not-eligible", NULL,
				     "invalid user name");
		sspr_session_refuse(&s, MSG_NOT_SET_UP);
		goto out;
	}
	s.user = user;
	sspr_session_debug(&s, "reset requested by %s", user);

	if (admit(&s, &rec) != SSPR_OK || prove_identity(&s, &rec) != SSPR_OK)
		goto out;

	r = sspr_change_password(&s, why, sizeof(why));
	if (r != PAM_SUCCESS) {
		sspr_session_outcome(&s, LOG_WARNING, true, "password-change-failed", "totp", why);
		sspr_session_refuse(&s, "Your identity was confirmed, but the password was not "
					"changed.");
		r = PAM_AUTH_ERR;
		goto out;
	}
	sspr_session_outcome(&s, LOG_NOTICE, true, "success", "totp", NULL);
	if (s.policy.login_after_reset) {
		sspr_conv_say(pamh, PAM_TEXT_INFO, "Your password has been changed.");
		r = PAM_SUCCESS;
	} else {
		sspr_conv_say(pamh, PAM_TEXT_INFO,
			      "Your password has been changed. Log in with your new password.");
		r = PAM_AUTH_ERR;
	}
out:
	sspr_record_wipe(&rec);
	sspr_store_close(s.store);
	return r;
}
