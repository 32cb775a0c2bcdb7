/* SPDX-License-Identifier: BSD-2-Clause */
/* Reset notifications (see notify.h). */
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>

#include "i18n.h"
#include "eligibility.h"
#include "language.h"
#include "mail.h"
#include "notify.h"
#include "util.h"

static void send_notice(struct sspr_session *s, const char *to, const char *subject,
			const char *body)
{
	const struct sspr_mail mail = {
		.from = s->policy.mail_from, .to = to, .subject = subject, .body = body};
	struct sspr_error err = {{0}};

	if (sspr_mail_send(s->policy.mail_command, &mail, 0, &err) != SSPR_OK)
		pam_syslog(s->pamh, LOG_WARNING, "notification to %s about %s not sent: %s", to,
			   s->user, err.msg);
	else
		sspr_session_debug(s, "notification about %s sent to %s", s->user, to);
}

/* Notices go only about a real account, whose ids the eligibility check
 * kept (reset.c). */
static bool is_admin(const struct sspr_session *s)
{
	return s->account_exists && sspr_user_in_group(s->user, s->ids.gid, s->policy.admin_group);
}

void sspr_notify(struct sspr_session *s, const struct sspr_record *rec, enum sspr_notice what)
{
	char host[256], when[64], through[512], body[1536], subject[256];
	char admin_subject[SSPR_USER_MAX + 128];
	time_t now = time(NULL);
	struct sspr_locale lang;
	struct tm tm;

	/* In the host's language: the notices warn the owner, and whoever
	 * made the attempt must not choose the language they are read in. */
	sspr_locale_use(&lang, sspr_host_locale());
	sspr_host_name(host, sizeof(host));
	if (gmtime_r(&now, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
						       &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)now);
	if (s->rhost[0] != '\0')
		/* TRANSLATORS: a PAM service (sshd) and the remote host it was
		 * used from; the mails below say "through %s". */
		snprintf(through, sizeof(through), _("%s from %s"), s->service, s->rhost);
	else
		snprintf(through, sizeof(through), "%s", s->service);
	if (what == SSPR_NOTICE_RESET) {
		snprintf(subject, sizeof(subject), "%s", _("Your password was reset"));
		snprintf(body, sizeof(body),
			 /* TRANSLATORS: a mail; the account, the host, the time (UTC),
			  * the service (and where from). */
			 _("The password of %s on %s was reset at %s\n"
			   "through %s.\n\n"
			   "If this was not you, tell your helpdesk at once.\n"),
			 s->user, host, when, through);
	} else if (what == SSPR_NOTICE_UNLOCKED) {
		snprintf(subject, sizeof(subject), "%s", _("Your account was unlocked"));
		snprintf(body, sizeof(body),
			 _("The account %s on %s was unlocked at %s\n"
			   "through %s: its failed logins were cleared.\n"
			   "The password was not changed.\n\n"
			   "If this was not you, tell your helpdesk at once.\n"),
			 s->user, host, when, through);
	} else {
		snprintf(subject, sizeof(subject), "%s", _("Password reset locked after failed attempts"));
		snprintf(body, sizeof(body),
			 _("Too many failed attempts to reset the password of %s on %s\n"
			   "(the last at %s, through %s) have locked password reset.\n\n"
			   "If this was not you, someone may be trying to take over your account:\n"
			   "tell your helpdesk.\n"),
			 s->user, host, when, through);
	}
	/* TRANSLATORS: the subject of the administrators' copy; %s is the
	 * account. */
	snprintf(admin_subject, sizeof(admin_subject), _("Password of %s was reset"), s->user);
	sspr_locale_done(&lang);
	if (s->policy.notify_user && rec->has_email && rec->email.verified)
		send_notice(s, rec->email.address, subject, body);
	if (what == SSPR_NOTICE_RESET && s->policy.notify_admins && is_admin(s))
		send_notice(s, s->policy.admin_mail, admin_subject, body);
}
