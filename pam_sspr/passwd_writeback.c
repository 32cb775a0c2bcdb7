/* SPDX-License-Identifier: BSD-2-Clause */
/* The dialog of a reset whose password lives in a directory: the prompts
 * and messages of a password stack (pam_pwquality's words), the directory
 * in pam_unix's place. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "i18n.h"
#include "conv.h"
#include "passwd_writeback.h"
#include "policy_store.h"
#include "sssd_refresh.h"

#define NEW_PROMPT N_("New password: ")
#define RETYPE_PROMPT N_("Retype new password: ")
#define TRIES 3

static int load_ops(const struct sspr_session *s, const struct sspr_passwd_directory_ops **ops,
		    char *why, size_t why_size)
{
	enum sspr_passwd_directory_kind kind = s->policy.password_backend == SSPR_PASSWORD_KERBEROS
						       ? SSPR_PASSWD_DIRECTORY_KERBEROS
						       : SSPR_PASSWD_DIRECTORY_LDAP;
	struct sspr_error err = {{0}};

	if (sspr_passwd_directory_load(kind, ops, &err) != SSPR_OK) {
		snprintf(why, why_size, "%s", err.msg);
		return SSPR_ERR;
	}
	return SSPR_OK;
}

/* For the log lines. */
static const char *directory_name(const struct sspr_session *s)
{
	return s->policy.password_backend == SSPR_PASSWORD_KERBEROS ? "password KDC"
								     : "password directory";
}

int sspr_writeback_account(struct sspr_session *s, enum sspr_directory_account *state,
			   char *why, size_t why_size)
{
	const struct sspr_passwd_directory_ops *ops;
	struct sspr_passwd_directory_config cfg;
	struct sspr_error err = {{0}};
	int r;

	*state = SSPR_DIRECTORY_NO_ACCOUNT;
	if ((r = load_ops(s, &ops, why, why_size)) != SSPR_OK)
		return r;
	sspr_policy_passwd_directory_config(&s->policy, &cfg);
	r = ops->account(&cfg, s->user, state, &err);
	if (r != SSPR_OK)
		snprintf(why, why_size, "%s: %s", directory_name(s), err.msg);
	return r;
}

/* The new password, asked twice. PAM_SUCCESS with *out (the caller wipes
 * it), PAM_TRY_AGAIN when the two differ, or the conversation's failure. */
static int ask_new_password(struct sspr_session *s, char **out)
{
	char *first = NULL, *second = NULL;
	int r;

	*out = NULL;
	r = sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, _(NEW_PROMPT), &first);
	if (r != PAM_SUCCESS)
		return r;
	if (first[0] == '\0') {
		sspr_conv_free(first);
		sspr_conv_say(s->pamh, PAM_ERROR_MSG, "%s", _("No password has been supplied."));
		return PAM_AUTHTOK_ERR;
	}
	r = sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, _(RETYPE_PROMPT), &second);
	if (r != PAM_SUCCESS) {
		sspr_conv_free(first);
		return r;
	}
	if (strlen(first) != strlen(second) ||
	    sodium_memcmp(first, second, strlen(first)) != 0) {
		sspr_conv_free(first);
		sspr_conv_free(second);
		sspr_conv_say(s->pamh, PAM_ERROR_MSG, "%s", _("Sorry, passwords do not match."));
		return PAM_TRY_AGAIN;
	}
	sspr_conv_free(second);
	*out = first;
	return PAM_SUCCESS;
}

/* The password the login goes on with, in guarded memory. */
static char *keep_copy(const char *password)
{
	size_t n = strlen(password);
	char *copy = sodium_malloc(n + 1);

	if (copy != NULL)
		memcpy(copy, password, n + 1);
	return copy;
}

/* One status of the directory's change as the PAM status of the dialog. */
static int change_status(int r)
{
	switch (r) {
	case SSPR_ELOCKED:
	case SSPR_ENOENT:
		return PAM_PERM_DENIED;
	case SSPR_EUNAVAIL:
		return PAM_AUTHINFO_UNAVAIL;
	default:
		return PAM_AUTHTOK_ERR;
	}
}

int sspr_writeback_change(struct sspr_session *s, char **new_password, char *why,
			  size_t why_size)
{
	const struct sspr_passwd_directory_ops *ops;
	struct sspr_passwd_directory_config cfg;
	char refusal[SSPR_DIRECTORY_REFUSAL_MAX];
	int r = PAM_AUTHTOK_ERR;

	*new_password = NULL;
	if (load_ops(s, &ops, why, why_size) != SSPR_OK)
		return PAM_SYSTEM_ERR;
	if (sodium_init() < 0) {
		snprintf(why, why_size, "libsodium cannot start");
		return PAM_SYSTEM_ERR;
	}
	sspr_policy_passwd_directory_config(&s->policy, &cfg);
	snprintf(why, why_size, "no password accepted in %d tries", TRIES);
	for (int attempt = 0; attempt < TRIES; attempt++) {
		struct sspr_error err = {{0}};
		bool must_change = false;
		char *password = NULL;
		int d;

		r = ask_new_password(s, &password);
		if (r == PAM_TRY_AGAIN) {
			r = PAM_AUTHTOK_ERR;
			continue;
		}
		if (r != PAM_SUCCESS) {
			snprintf(why, why_size, "no new password given");
			return r;
		}
		d = ops->change(&cfg, s->user, password, refusal, &must_change, &err);
		if (d == SSPR_OK) {
			*new_password = keep_copy(password);
			sspr_sssd_refresh(s->pamh, s->user, password);
		}
		sspr_conv_free(password);
		if (d == SSPR_EREFUSED) {
			/* Logged without a word of the password. */
			pam_syslog(s->pamh, LOG_NOTICE, "user=%s: the %s refused the new password: %s",
				   s->user, directory_name(s), err.msg);
			/* TRANSLATORS: %s is the directory's reason, in its own words. */
			sspr_conv_say(s->pamh, PAM_ERROR_MSG, _("BAD PASSWORD: %s"), refusal);
			r = PAM_AUTHTOK_ERR;
			snprintf(why, why_size, "the directory refused %d new passwords", attempt + 1);
			continue;
		}
		if (d != SSPR_OK) {
			snprintf(why, why_size, "%s: %s", directory_name(s), err.msg);
			return change_status(d);
		}
		if (must_change) {
			pam_syslog(s->pamh, LOG_NOTICE,
				   "user=%s: the %s asks for another change at the next login "
				   "(pwdReset)",
				   s->user, directory_name(s));
			sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s",
				      _("The directory asks you to choose another new password at "
					"your next login."));
		}
		why[0] = '\0';
		return PAM_SUCCESS;
	}
	return r;
}
