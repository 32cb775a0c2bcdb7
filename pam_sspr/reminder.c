/* SPDX-License-Identifier: BSD-2-Clause */
/* The account hook's part that needs the user's record: registration
 * reminders, the registration requirement and the re-confirmation nudge,
 * for a user the front (account.c) found eligible under a policy that asks
 * for them.
 *
 * With a directory store, a registered user read a moment ago is answered
 * from the reminder cache, and a directory found unreachable a moment ago
 * is not asked (directory_down.h), so an ordinary login waits on the
 * directory at most once in ldap_retry_after.
 *
 * Every error of our own is logged and swallowed: the hook refuses a login
 * only when it knows for sure that an eligible user has not registered and
 * their grace is over (registration = require). Anything it cannot read
 * or write lets the login go on. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "i18n.h"
#include "conv.h"
#include "directory_down.h"
#include "eligibility.h"
#include "policy_store.h"
#include "record.h"
#include "reminder.h"
#include "reminder_cache.h"
#include "store.h"
#include "util.h"

#define DAY 86400

struct account_check {
	pam_handle_t *pamh;
	const struct sspr_options *opts;
	const char *user;
	const struct sspr_policy *pol;
	const struct sspr_rule *rule;
	struct sspr_store *store;
	struct sspr_record rec;
};

/* Starts the grace on first sight and returns when it began. */
static int start_grace(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	int64_t *started = ctx;

	if (rec->grace_started_at != 0) {
		*started = rec->grace_started_at;
		return SSPR_NOCHANGE;
	}
	rec->grace_started_at = *started;
	return SSPR_OK;
}

static void say(const struct account_check *a, int style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const struct account_check *a, int style, const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (a->pol->helpdesk[0] != '\0' && style == PAM_ERROR_MSG)
		sspr_conv_say(a->pamh, style, "%s\n%s", text, a->pol->helpdesk);
	else
		sspr_conv_say(a->pamh, style, "%s", text);
}

/* registration = require for a user who has not registered. */
static int require_registration(struct account_check *a)
{
	struct sspr_error err = {{0}};
	int64_t now = sspr_now(), started = now, deadline;
	char date[32];
	struct tm tm;
	time_t t;

	if (a->pol->registration_grace_days > 0 &&
	    sspr_store_update(a->store, a->user, 0, start_grace, &started, &err) < 0) {
		pam_syslog(a->pamh, LOG_ERR, "cannot start the registration grace of %s: %s",
			   a->user, err.msg);
		return PAM_IGNORE;
	}
	deadline = started + (int64_t)a->pol->registration_grace_days * DAY;
	if (now < deadline) {
		t = (time_t)deadline;
		if (localtime_r(&t, &tm) == NULL || strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
			say(a, PAM_TEXT_INFO, "%s",
			    /* TRANSLATORS: keep the command 'sspr-enroll' as it is. */
			    _("You must set up self-service password reset soon: run 'sspr-enroll'. "
			      "After that you cannot log in until you have."));
		else
			say(a, PAM_TEXT_INFO,
			    /* TRANSLATORS: %s is a date (2026-12-31). Keep the command
			     * 'sspr-enroll' as it is. */
			    _("You must set up self-service password reset by %s: run "
			      "'sspr-enroll'. After that you cannot log in until you have."),
			    date);
		return PAM_IGNORE;
	}
	pam_syslog(a->pamh, LOG_NOTICE, "login refused: user=%s has not registered for password "
		   "reset (registration = require)", a->user);
	say(a, PAM_ERROR_MSG, "%s",
	    _("Login refused: you have not set up self-service password reset. Run 'sspr-enroll' "
	      "in a session your helpdesk opens for you."));
	return PAM_PERM_DENIED;
}

/* Registered as everyone else must be, whatever the user's own rule. */
static bool complete_for_everyone(const struct account_check *a,
				  const struct sspr_registration_summary *sum)
{
	const struct sspr_rule everyone = {.methods = a->pol->methods,
					   .required = a->pol->methods_required};

	return sspr_summary_complete(&everyone, sum);
}

/* A registered user: at most the re-confirmation nudge. */
static int nudge_reconfirm(const struct account_check *a,
			   const struct sspr_registration_summary *sum)
{
	if (!a->opts->quiet && sspr_summary_reconfirm_due(a->pol, sum, sspr_now()))
		say(a, PAM_TEXT_INFO,
		    dngettext(SSPR_TEXT_DOMAIN,
			      "Your password reset methods have not been confirmed for over %u day. "
			      "Run 'sspr-enroll' to confirm they are still yours.",
			      "Your password reset methods have not been confirmed for over %u days. "
			      "Run 'sspr-enroll' to confirm they are still yours.",
			      a->pol->reconfirm_days),
		    a->pol->reconfirm_days);
	return PAM_IGNORE;
}

static int check_account(struct account_check *a)
{
	struct sspr_error err = {{0}};
	struct sspr_registration_summary sum;
	bool require = a->pol->registration == SSPR_REGISTRATION_REQUIRE;
	int64_t now = sspr_now();
	int r;

	/* A registered user this host read from the directory a moment ago
	 * is not read again (reminder_cache.h): no connection, no wait. */
	if (sspr_reminder_cache_get(a->pol, a->rule, a->user, now, &sum))
		return nudge_reconfirm(a, &sum);

	/* A directory this host found unreachable a moment ago is left
	 * alone: asking again would make this login wait ldap_timeout too. */
	if (sspr_directory_down_recently(a->pol, now, NULL)) {
		if (require)
			pam_syslog(a->pamh, LOG_WARNING, "registration = require not enforced for "
				   "user=%s: the directory was unreachable less than %u s ago",
				   a->user, a->pol->ldap_retry_after);
		else if (a->opts->debug)
			pam_syslog(a->pamh, LOG_DEBUG, "no reminder: the directory was unreachable "
				   "less than %u s ago", a->pol->ldap_retry_after);
		return PAM_IGNORE;
	}
	/* Only the requirement writes (the grace); reminders only read. */
	r = sspr_policy_open_store(a->pol,
				   require && a->pol->registration_grace_days > 0 ? 0
										  : SSPR_STORE_READONLY,
				   &a->store, &err);
	if (r != SSPR_OK) {
		/* An unprivileged caller (a screen locker checking its own
		 * user) may not read the store, and would say so at every
		 * unlock: only under debug. A store root cannot open is a
		 * fault resets share. */
		if (r == SSPR_EACCES && geteuid() != 0) {
			if (a->opts->debug)
				pam_syslog(a->pamh, LOG_DEBUG, "no reminder: store: %s", err.msg);
		} else if (r == SSPR_EUNAVAIL && a->pol->ldap_retry_after > 0) {
			pam_syslog(a->pamh, LOG_ERR, "store: %s; logins skip the directory for %u s "
				   "(ldap_retry_after)", err.msg, a->pol->ldap_retry_after);
		} else {
			pam_syslog(a->pamh, LOG_ERR, "store: %s", err.msg);
		}
		return PAM_IGNORE;
	}
	r = sspr_store_get(a->store, a->user, &a->rec, &err);
	if (r != SSPR_OK && r != SSPR_ENOENT) {
		if (r == SSPR_EUNAVAIL)
			sspr_directory_note(a->pol, false); /* answered the bind, then went silent */
		pam_syslog(a->pamh, LOG_ERR, "store: %s", err.msg);
		return PAM_IGNORE;
	}
	sspr_registration_summarize(&a->rec, &sum);
	sspr_reminder_cache_put(a->pol, a->rule, a->user, now, r == SSPR_OK ? &sum : NULL);
	if (r == SSPR_ENOENT || !sspr_summary_complete(a->rule, &sum)) {
		/* What only the administrators' rule asks is reminded of,
		 * never enforced: a policy (or an upgrade) that tightens it
		 * must not lock every administrator out at once. */
		if (require && !(r == SSPR_OK && a->rule->admin && complete_for_everyone(a, &sum)))
			return require_registration(a);
		if (r == SSPR_OK && a->rule->admin) {
			if (!a->opts->quiet)
				say(a, PAM_TEXT_INFO,
				    /* TRANSLATORS: %s is the administrators' rule, a sentence. */
				    _("Your password reset registration is not enough for an "
				      "administrator: %s Run 'sspr-enroll'."), sspr_rule_text(a->rule));
			return PAM_IGNORE;
		}
		if (!a->opts->quiet)
			say(a, PAM_TEXT_INFO, "%s",
			    _("You have not set up self-service password reset. Run 'sspr-enroll' so "
			      "you can reset a forgotten password yourself."));
		return PAM_IGNORE;
	}
	return nudge_reconfirm(a, &sum);
}

int sspr_reminder_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts,
		      const struct sspr_policy *pol, const struct sspr_rule *rule,
		      const char *user)
{
	struct account_check a = {
	    .pamh = pamh, .opts = opts, .user = user, .pol = pol, .rule = rule};
	int r;

	(void)flags;
	sspr_record_init(&a.rec);
	r = check_account(&a);
	sspr_record_wipe(&a.rec);
	sspr_store_close(a.store);
	return r;
}
