/* SPDX-License-Identifier: BSD-2-Clause */
/* The reset dialog. Everything here fails closed: any doubt about the
 * policy, the store, the key or the account ends the reset, and the caller
 * lets the ordinary password path carry on. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "account_state.h"
#include "challenge.h"
#include "conv.h"
#include "decoy.h"
#include "directory_down.h"
#include "eligibility.h"
#include "faillock_release.h"
#include "lockout.h"
#include "method_menu.h"
#include "notify.h"
#include "passwd_change.h"
#include "passwd_writeback.h"
#include "record.h"
#include "reminder_cache.h"
#include "reset.h"
#include "session.h"
#include "util.h"

/* TRANSLATORS: the y/N letters are the first of the yes and no words
 * ("y|yes", "n|no" in this catalogue). */
#define OFFER_PROMPT N_("Forgot your password? Reset it now? [y/N] ")

static int load_policy(struct sspr_session *s, struct sspr_error *err)
{
	int r = sspr_policy_load_or_default(s->opts->config, s->opts->config_explicit, &s->policy,
					    NULL, err);

	if (r == SSPR_OK)
		s->policy_loaded = true;
	return r;
}

/* A PAM item as it may appear in a log line, a mail and the audit trail:
 * the application or a remote peer chose it, so it is cut to size and
 * anything but printable ASCII becomes '?' (no forged log lines). */
static const char *pam_string_item(pam_handle_t *pamh, int item, char *buf, size_t size)
{
	const void *value = NULL;
	size_t n = 0;

	if (pam_get_item(pamh, item, &value) == PAM_SUCCESS && value != NULL) {
		for (const unsigned char *p = value; *p != '\0' && n + 1 < size; p++)
			buf[n++] = (char)(*p >= 0x20 && *p < 0x7f ? *p : '?');
	}
	buf[n] = '\0';
	return buf;
}

enum admission {
	ADMIT_GO,    /* rec holds the user's record: challenge them */
	ADMIT_DECOY, /* may not reset (logged); hidden: a decoy dialog follows */
	ADMIT_STOP,  /* refused, and told so */
};

/* Stops the attempt for a reason that is the same whoever the user is. */
static enum admission stop(struct sspr_session *s, int priority, const char *result,
			   const char *detail, const char *text)
{
	sspr_session_stop(s, priority, false, result, NULL, detail, text);
	return ADMIT_STOP;
}

/* A user who may not reset: the truth goes to the log and the audit trail;
 * the user is told only with enumeration = show. */
static enum admission turn_away(struct sspr_session *s, int priority, const char *result,
				const char *detail, const char *text)
{
	if (s->hide) {
		sspr_session_defer(s, priority, result, NULL, detail);
		return ADMIT_DECOY;
	}
	sspr_session_stop(s, priority, true, result, NULL, detail, text);
	return ADMIT_STOP;
}

/* trigger=offer: the password just failed; a yes starts the reset, and the
 * password typed before is dropped so the next module asks afresh. */
static bool offer_accepted(struct sspr_session *s)
{
	char *answer = NULL;
	bool yes;

	if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_ON, _(OFFER_PROMPT), &answer) != PAM_SUCCESS) {
		/* The conversation's failure has no other line (conv.c). */
		sspr_session_outcome(s, LOG_NOTICE, false, "aborted", NULL, "conversation");
		return false;
	}
	yes = sspr_answer_is_yes(answer);
	sspr_conv_free(answer);
	if (yes)
		(void)pam_set_item(s->pamh, PAM_AUTHTOK, NULL);
	return yes;
}

/* What does not depend on the user: the policy, whether this service
 * offers resets, and whether this process can change passwords at all.
 * Decided before anything is asked, so nobody spends a code in vain. */
static enum admission admit_caller(struct sspr_session *s)
{
	struct sspr_error err = {{0}};

	if (load_policy(s, &err) != SSPR_OK) {
		/* Offered or not is the policy's to say: without one, a "yes"
		 * learns that resets are unavailable. */
		if (s->opts->trigger == SSPR_TRIGGER_OFFER && !offer_accepted(s))
			return ADMIT_STOP;
		return stop(s, LOG_ERR, "unavailable", err.msg, SSPR_MSG_UNAVAILABLE);
	}
	s->hide = s->policy.enumeration == SSPR_ENUMERATION_HIDE;
	/* The service as the application named it, not the logged copy:
	 * a name cut short or with '?' in it must match nothing. */
	if (!sspr_policy_service_allowed(&s->policy, s->pam_service)) {
		if (s->opts->trigger == SSPR_TRIGGER_OFFER) {
			/* Nothing to offer: the failed password stands, quietly. */
			sspr_session_debug(s, "resets are not offered in %s", s->service);
			return ADMIT_STOP;
		}
		return stop(s, LOG_NOTICE, "not-offered", "service not in services",
			    SSPR_MSG_NOT_OFFERED);
	}
	if (s->opts->trigger == SSPR_TRIGGER_OFFER && !offer_accepted(s))
		return ADMIT_STOP;
	/* The shadow lookup is made for every name: what it says of the user
	 * is judged later, what it says of this process now. A password that
	 * lives in the directory has its state there (admit_user). */
	s->account_state = s->policy.password_backend != SSPR_PASSWORD_PAM
				   ? SSPR_ACCOUNT_USABLE
				   : sspr_account_state(s->user, sspr_now());
	if (s->account_state == SSPR_ACCOUNT_UNREADABLE)
		return stop(s, LOG_ERR, "unavailable",
			    sspr_account_state_reason(s->account_state), SSPR_MSG_CANNOT_CHANGE);
	return ADMIT_GO;
}

/* The account state that refuses the action chosen: an admin's lock or
 * expiry refuses both; having no local password refuses only a reset. */
static bool state_refuses(enum sspr_account_state state, enum sspr_action action)
{
	if (state == SSPR_ACCOUNT_USABLE)
		return false;
	return !(state == SSPR_ACCOUNT_NO_PASSWORD && action == SSPR_ACTION_UNLOCK);
}

/* Whether the directory's account refuses a reset or an unlock: the
 * reason for the log, or NULL. */
static const char *directory_refusal(enum sspr_directory_account state, const char **text)
{
	switch (state) {
	case SSPR_DIRECTORY_USABLE:
		return NULL;
	case SSPR_DIRECTORY_DISABLED:
		*text = SSPR_MSG_ACCOUNT_DISABLED;
		return "the directory account matches password_ldap_disabled_filter";
	case SSPR_DIRECTORY_NO_ACCOUNT:
		break;
	}
	*text = SSPR_MSG_NO_DIRECTORY_ACCOUNT;
	return "no single account in password_ldap_base";
}

static const char *state_refusal(enum sspr_account_state state)
{
	if (state == SSPR_ACCOUNT_NO_PASSWORD)
		return SSPR_MSG_NO_LOCAL_PASSWORD;
	if (state == SSPR_ACCOUNT_ERROR)
		return SSPR_MSG_UNAVAILABLE;
	return SSPR_MSG_ACCOUNT_DISABLED;
}

/* Everything about the user before a challenge; *usable gets the methods
 * the user can use when it returns ADMIT_GO. Failures of our own (store,
 * accounts, the password service) stop with "unavailable" for everyone
 * alike; who the user is and what they enrolled decide between a
 * challenge and a turning away. */
static enum admission admit_user(struct sspr_session *s, struct sspr_record *rec,
				 unsigned *usable)
{
	struct sspr_error err = {{0}};
	enum sspr_directory_account directory = SSPR_DIRECTORY_USABLE;
	enum sspr_eligibility elig;
	const char *refusal, *told = NULL;
	char why[256];
	int r;

	elig = sspr_user_eligibility(&s->policy, s->user, &s->ids);
	if (elig == SSPR_NOT_ELIGIBLE_ERROR)
		return stop(s, LOG_ERR, "unavailable", "account lookup", SSPR_MSG_UNAVAILABLE);
	s->account_exists = elig != SSPR_NOT_ELIGIBLE_NO_USER;
	sspr_rule_of(&s->policy, s->user, s->account_exists ? &s->ids : NULL, &s->rule);

	r = sspr_policy_open_store(&s->policy, 0, &s->store, &err);
	if (r != SSPR_OK)
		return stop(s, LOG_ERR, "unavailable", err.msg, SSPR_MSG_UNAVAILABLE);
	/* Started for everyone who asks for a reset, strangers too: a service
	 * that cannot start refuses before a code is spent, and the cost of
	 * loading its modules says nothing about who asked. */
	if (s->policy.password_backend != SSPR_PASSWORD_PAM) {
		/* Asked of the directory for every name, strangers too, for
		 * the same reasons; an unlock obeys it as a reset does. */
		if (sspr_writeback_account(s, &directory, why, sizeof(why)) != SSPR_OK)
			return stop(s, LOG_ERR, "unavailable", why, SSPR_MSG_UNAVAILABLE);
	} else if (s->action == SSPR_ACTION_RESET &&
		   sspr_passwd_open(s, why, sizeof(why)) != PAM_SUCCESS) {
		return stop(s, LOG_ERR, "unavailable", why, SSPR_MSG_UNAVAILABLE);
	}
	/* The record is read for every name before anything is judged, so
	 * whoever is turned away costs what an enrolled user costs. */
	r = sspr_store_get(s->store, s->user, rec, &err);
	if (r != SSPR_OK && r != SSPR_ENOENT) {
		if (r == SSPR_EUNAVAIL)
			sspr_directory_note(&s->policy, false);
		sspr_session_stop(s, LOG_ERR, true, "unavailable", NULL, err.msg,
				  SSPR_MSG_UNAVAILABLE);
		return ADMIT_STOP;
	}
	if (elig != SSPR_ELIGIBLE)
		return turn_away(s, LOG_NOTICE, "not-eligible", sspr_eligibility_reason(elig),
				 SSPR_MSG_NOT_SET_UP);
	if (state_refuses(s->account_state, s->action))
		return turn_away(s, s->account_state == SSPR_ACCOUNT_ERROR ? LOG_ERR : LOG_NOTICE,
				 s->account_state == SSPR_ACCOUNT_ERROR ? "unavailable"
									: "account-disabled",
				 sspr_account_state_reason(s->account_state),
				 state_refusal(s->account_state));
	if ((refusal = directory_refusal(directory, &told)) != NULL)
		return turn_away(s, LOG_NOTICE,
				 directory == SSPR_DIRECTORY_DISABLED ? "account-disabled"
								       : "not-eligible",
				 refusal, told);
	*usable = r == SSPR_OK ? sspr_usable_methods(&s->rule, rec) : 0;
	if (*usable == 0 && (r != SSPR_OK || !s->rule.admin))
		return turn_away(s, LOG_NOTICE, "not-enrolled", NULL, SSPR_MSG_NOT_SET_UP);
	if (sspr_method_count(*usable) < s->rule.required) {
		enum admission a = turn_away(s, LOG_NOTICE, "not-enrolled",
					     s->rule.admin ? "too few methods for admin_policy = strict"
							   : "too few methods",
					     NULL);

		if (a == ADMIT_STOP)
			sspr_session_refuse_fmt(
			    s,
			    /* TRANSLATORS: %u, %u: the methods needed and registered;
			     * the two %s are a rule for administrators and a space, or
			     * nothing. Keep the command 'sspr-enroll' as it is. */
			    N_("Password reset needs %u different methods and this account has %u. "
			       "%s%sRun 'sspr-enroll' to register more."),
			    s->rule.required, sspr_method_count(*usable), sspr_rule_text(&s->rule),
			    s->rule.admin ? " " : "");
		return a;
	}
	if (sspr_lockout_active(rec, sspr_now()))
		return turn_away(s, LOG_WARNING, "locked", NULL, SSPR_MSG_LOCKED);
	return ADMIT_GO;
}

/* Appends a method name to the "totp+questions" list of passed methods. */
static void note_method(char *passed, size_t size, unsigned method)
{
	size_t n = strlen(passed);

	snprintf(passed + n, size - n, "%s%s", n > 0 ? "+" : "", sspr_method_name(method));
}

/* Proves the user's identity with the rule's number of distinct methods
 * out of `usable` (0: whoever may not reset). Hidden, everyone is offered the
 * same menu, the policy's methods, and a method the user cannot use gets
 * its decoy: the menu, the prompts and the refusal then say nothing of who
 * the user is or what they enrolled. Shown, the menu lists what they can
 * use. Failures are cleared only by the last method's acceptance
 * (s->last_method): passing one method must not wipe the count of guesses
 * at the other. */
static int prove_identity(struct sspr_session *s, const struct sspr_record *rec, unsigned usable,
			  char *passed, size_t size)
{
	unsigned offered = s->hide ? s->policy.methods & SSPR_METHOD_ALL : usable;
	bool admitted = usable != 0; /* else turned away, and logged so already */
	int r;

	passed[0] = '\0';
	for (unsigned round = 0; round < s->rule.required; round++) {
		unsigned method;

		if (round > 0)
			sspr_conv_say(s->pamh, PAM_TEXT_INFO,
				      "%s", _("Now prove it with a second, different method."));
		method = sspr_method_choose(s, rec, offered);
		if (method == 0)
			return SSPR_EINVAL;
		s->last_method = round + 1 == s->rule.required;
		if (method & usable) {
			r = sspr_method_ops_of(method)->challenge(s, rec);
		} else {
			/* Hidden, an administrator choosing questions gets
			 * their decoy, as for a method not enrolled. */
			if (admitted)
				sspr_session_defer(s, LOG_NOTICE, "not-enrolled",
						   sspr_method_name(method),
						   (method & s->rule.methods) == 0
							   ? "chose a method admin_policy = strict excludes"
							   : "chose a method not enrolled");
			r = sspr_decoy_challenge(s, method, rec, false);
		}
		if (r != SSPR_OK)
			return r;
		note_method(passed, size, method);
		usable &= ~method;
		offered &= ~method;
	}
	return SSPR_OK;
}

/* account_changed() for an account in the directory. A reset's change
 * judges the account itself, on the connection that makes it; an unlock
 * asks here. */
static bool directory_account_changed(struct sspr_session *s, const char *passed)
{
	enum sspr_directory_account now;
	const char *refusal, *text = SSPR_MSG_UNAVAILABLE;
	char why[256];

	if (s->action == SSPR_ACTION_RESET)
		return false;
	if (sspr_writeback_account(s, &now, why, sizeof(why)) != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", passed, why, text);
		return true;
	}
	if ((refusal = directory_refusal(now, &text)) == NULL)
		return false;
	sspr_session_stop(s, LOG_WARNING, true, "account-disabled", passed, refusal, text);
	return true;
}

/* The admin may lock the account while the user answers (a mailed code
 * can take minutes): look again right before acting, since pam_unix run
 * by root would overwrite a locked hash. True when it now refuses. */
static bool account_changed(struct sspr_session *s, const char *passed)
{
	enum sspr_account_state now;

	if (s->policy.password_backend != SSPR_PASSWORD_PAM)
		return directory_account_changed(s, passed);
	now = sspr_account_state(s->user, sspr_now());

	if (!state_refuses(now, s->action))
		return false;
	sspr_session_stop(s, LOG_WARNING, true, "account-disabled", passed,
			     sspr_account_state_reason(now),
			  state_refusal(now));
	return true;
}

/* The identity is proved: set the new password through the password
 * service, then hand it to the next module (PAM_AUTHTOK) and step aside,
 * so the rest of the stack (pam_unix, a second factor) still decides. */
static int finish_reset(struct sspr_session *s, const struct sspr_record *rec,
			const char *passed)
{
	char why[256], *new_password = NULL;
	bool refused_here;
	int r;

	if (account_changed(s, passed))
		return PAM_AUTH_ERR;
	if (s->policy.password_backend != SSPR_PASSWORD_PAM)
		r = sspr_writeback_change(s, &new_password, why, sizeof(why));
	else
		r = sspr_passwd_change(s, &new_password, why, sizeof(why));
	if (r == PAM_PERM_DENIED) {
		/* Locked (or gone) in the directory while the user answered. */
		sspr_session_stop(s, LOG_WARNING, true, "account-disabled", passed, why,
				  SSPR_MSG_ACCOUNT_DISABLED);
		return PAM_AUTH_ERR;
	}
	if (r != PAM_SUCCESS) {
		sspr_session_stop(s, LOG_WARNING, true, "password-change-failed", passed, why,
				  N_("Your identity was confirmed, but the password was not "
				     "changed."));
		return PAM_AUTH_ERR;
	}
	refused_here = sspr_faillock_release(s);
	sspr_session_outcome(s, LOG_NOTICE, true, "success", passed, NULL);
	sspr_notify(s, rec, SSPR_NOTICE_RESET);
	if (!s->policy.login_after_reset) {
		sspr_passwd_forget(new_password);
		/* The password module asks next: the message has its prompt. */
		sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s",
			      _("Your password has been changed. Log in with your new password."));
		return PAM_AUTH_ERR;
	}
	if (refused_here)
		sspr_conv_say_last(s->pamh,
				   _("Your password has been changed and your account unlocked. This "
				     "login was refused before the reset: log in again with your new "
				     "password."));
	else
		sspr_conv_say_last(s->pamh, _("Your password has been changed."));
	if (new_password != NULL)
		(void)pam_set_item(s->pamh, PAM_AUTHTOK, new_password);
	sspr_passwd_forget(new_password);
	return PAM_IGNORE;
}

/* The identity is proved and the password is kept: clear the lock and let
 * the next module ask for the password. */
static int finish_unlock(struct sspr_session *s, const struct sspr_record *rec,
			 const char *passed)
{
	bool refused_here;

	if (account_changed(s, passed))
		return PAM_AUTH_ERR;
	refused_here = sspr_faillock_release(s);
	sspr_session_outcome(s, LOG_NOTICE, true, "success", passed, NULL);
	sspr_notify(s, rec, SSPR_NOTICE_UNLOCKED);
	if (refused_here)
		sspr_conv_say_last(s->pamh,
				   _("Your account is unlocked. This login was refused before the "
				     "unlock: log in again with your password."));
	else
		/* The password module asks next: the message has its prompt. */
		sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s",
			      _("Your account is unlocked. Log in with your password."));
	return PAM_IGNORE;
}

int sspr_reset_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	struct sspr_session s = {.pamh = pamh, .flags = flags, .opts = opts, .pam_service = ""};
	struct sspr_record rec;
	const char *user = NULL;
	const void *raw_service = NULL;
	char passed[64];
	char service[SSPR_EVENT_SERVICE_MAX + 1], rhost[SSPR_EVENT_RHOST_MAX + 1];
	char tty[SSPR_EVENT_RHOST_MAX + 1], ruser[SSPR_USER_MAX + 1];
	unsigned usable = 0;
	int r = PAM_AUTH_ERR;

	sspr_record_init(&rec);
	s.service = pam_string_item(pamh, PAM_SERVICE, service, sizeof(service));
	s.rhost = pam_string_item(pamh, PAM_RHOST, rhost, sizeof(rhost));
	s.tty = pam_string_item(pamh, PAM_TTY, tty, sizeof(tty));
	s.ruser = pam_string_item(pamh, PAM_RUSER, ruser, sizeof(ruser));
	if (pam_get_item(pamh, PAM_SERVICE, &raw_service) == PAM_SUCCESS && raw_service != NULL)
		s.pam_service = raw_service;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL)
		goto out;
	if (!sspr_user_name_valid(user) && opts->trigger == SSPR_TRIGGER_OFFER) {
		/* No reset is possible for it: nothing to offer. */
		sspr_session_debug(&s, "no reset offered to an invalid user name");
		goto out;
	}
	if (!sspr_user_name_valid(user)) {
		/* Never echo an unvalidated name into the log. */
		sspr_session_stop(&s, LOG_WARNING, false, "not-eligible", NULL,
				     "invalid user name",
				  SSPR_MSG_NOT_SET_UP);
		goto out;
	}
	s.user = user;
	sspr_session_debug(&s, "reset requested by %s", user);

	if (admit_caller(&s) != ADMIT_GO || !sspr_action_choose(&s))
		goto out;
	switch (admit_user(&s, &rec, &usable)) {
	case ADMIT_STOP:
		goto out;
	case ADMIT_DECOY:
		usable = 0; /* whatever the record holds, the dialog is a decoy */
		break;
	case ADMIT_GO:
		break;
	}
	if (prove_identity(&s, &rec, usable, passed, sizeof(passed)) != SSPR_OK) {
		if (s.lock_started)
			sspr_notify(&s, &rec, SSPR_NOTICE_LOCKED);
		goto out;
	}
	/* The proof may have spent the last recovery code: the next login
	 * reads the user's record afresh. */
	sspr_reminder_cache_put(&s.policy, &s.rule, s.user, sspr_now(), NULL);
	if (s.action == SSPR_ACTION_UNLOCK)
		r = finish_unlock(&s, &rec, passed);
	else
		r = finish_reset(&s, &rec, passed);
out:
	sspr_session_flush(&s);
	sspr_passwd_close(&s);
	sspr_record_wipe(&rec);
	sspr_store_close(s.store);
	return r;
}
