/* SPDX-License-Identifier: BSD-2-Clause */
/* Outcome reporting for the reset dialog. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "conv.h"
#include "event_log.h"
#include "i18n.h"
#include "session.h"
#include "util.h"

void sspr_session_event(const struct sspr_session *s, struct sspr_event *ev, const char *result,
			const char *method, const char *detail)
{
	sspr_event_set(ev, sspr_now(), s->action == SSPR_ACTION_UNLOCK ? "unlock" : "reset", result,
		       method, s->user, s->service, s->rhost, detail);
}

void sspr_session_outcome(struct sspr_session *s, int priority, bool store_event,
			  const char *result, const char *method, const char *detail)
{
	/* The user name is bounded and validated before any outcome that
	 * names it, except "invalid user name", which does not print it. */
	const struct sspr_log_fields f = {
	    .what = s->action == SSPR_ACTION_UNLOCK ? "account unlock" : "password reset",
	    .result = result,
	    .user = s->user != NULL ? s->user : "?",
	    .service = s->service,
	    .tty = s->tty,
	    .ruser = s->ruser,
	    .rhost = s->rhost,
	    .method = method,
	    .detail = detail,
	};
	char line[SSPR_LOG_LINE_MAX];
	struct sspr_event ev;
	struct sspr_error err = {{0}};

	pam_syslog(s->pamh, priority, "%s", sspr_log_line(&f, line, sizeof(line)));
	if (!store_event || s->store == NULL)
		return;
	/* Nothing is kept for a name that is no account (the store must not
	 * grow with strangers' guesses), but the write costs what it costs
	 * for an account, so its time does not tell the two apart. */
	if (!s->account_exists) {
		if (sspr_store_decoy_write(s->store, &err) != SSPR_OK)
			sspr_session_debug(s, "decoy write: %s", err.msg);
		return;
	}
	sspr_session_event(s, &ev, result, method, detail);
	if (sspr_store_append_event(s->store, &ev, &err) != SSPR_OK)
		pam_syslog(s->pamh, LOG_ERR, "cannot record audit event: %s", err.msg);
}

void sspr_session_stop(struct sspr_session *s, int priority, bool store_event, const char *result,
		       const char *method, const char *detail, const char *text)
{
	sspr_session_outcome(s, priority, store_event, result, method, detail);
	if (text != NULL)
		sspr_session_refuse(s, text);
}

void sspr_session_defer(struct sspr_session *s, int priority, const char *result,
			const char *method, const char *detail)
{
	sspr_session_outcome(s, priority, false, result, method, detail);
	if (s->store == NULL || !s->account_exists)
		return; /* nothing is kept for a name that is no account */
	sspr_session_event(s, &s->deferred, result, method, detail);
	s->has_deferred = true;
}

int sspr_session_paced_write(struct sspr_session *s, struct sspr_error *err)
{
	if (s->store == NULL)
		return SSPR_OK;
	if (s->has_deferred) {
		s->has_deferred = false;
		return sspr_store_append_event(s->store, &s->deferred, err);
	}
	return sspr_store_decoy_write(s->store, err);
}

void sspr_session_flush(struct sspr_session *s)
{
	struct sspr_error err = {{0}};

	if (s->has_deferred && sspr_session_paced_write(s, &err) != SSPR_OK)
		pam_syslog(s->pamh, LOG_ERR, "cannot record audit event: %s", err.msg);
}

void sspr_session_debug(const struct sspr_session *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->opts->debug)
		return;
	va_start(ap, fmt);
	pam_vsyslog(s->pamh, LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* The helpdesk line is the admin's own text, shown as written. */
static void show_refusal(const struct sspr_session *s, const char *shown)
{
	if (s->policy_loaded && s->policy.helpdesk[0] != '\0')
		sspr_conv_say(s->pamh, PAM_ERROR_MSG, "%s\n%s", shown, s->policy.helpdesk);
	else
		sspr_conv_say(s->pamh, PAM_ERROR_MSG, "%s", shown);
}

void sspr_session_refuse(const struct sspr_session *s, const char *text)
{
	show_refusal(s, _(text));
}

void sspr_session_refuse_fmt(const struct sspr_session *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), _(fmt), ap);
	va_end(ap);
	show_refusal(s, text);
}

void sspr_session_aborted(struct sspr_session *s, const char *method, const char *refusal)
{
	/* The failure counted when the challenge opened stays: giving up
	 * costs what a wrong answer costs. */
	if (method != NULL)
		sspr_session_outcome(s, LOG_NOTICE, true, "aborted", method, "conversation");
	if (s->hide)
		sspr_session_refuse(s, refusal);
}

void sspr_session_share_items(const struct sspr_session *s, pam_handle_t *inner)
{
	static const int shared[] = {PAM_TTY, PAM_RHOST, PAM_RUSER};

	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		const void *value = NULL;

		if (pam_get_item(s->pamh, shared[i], &value) == PAM_SUCCESS && value != NULL)
			(void)pam_set_item(inner, shared[i], value);
	}
}
