/* SPDX-License-Identifier: BSD-2-Clause */
/* The delegated method (methods = pam:SERVICE): a PAM service of the
 * administrator's runs as one challenge inside the reset, on the
 * application's own conversation, so pam_u2f asks for a touch of the key,
 * pam_duo waits for a push, pam_oath asks for a one-time password, and
 * pam_sspr sees only the service's verdict. The challenge opens, and
 * counts a failure, before the service runs, so a dialog killed halfway
 * is counted; the verdict is decided in the store write as every other
 * challenge's is. Who the service knows, and how long it waits (a push
 * approval's timeout), is the service's configuration. */
#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>

#include "challenge.h"
#include "decoy.h"
#include "delegated_stack.h"

enum delegated_outcome {
	DELEGATED_PASSED,
	DELEGATED_FAILED,      /* the service refused: counts as a wrong answer */
	DELEGATED_ABORTED,     /* the conversation ended: as giving up at a prompt */
	DELEGATED_UNAVAILABLE, /* the service could not judge (a server down, a bad stack) */
};

/* What pam_authenticate's status means for the reset. A module that
 * cannot reach its server says PAM_AUTHINFO_UNAVAIL: that is no failure of
 * the user's. */
static enum delegated_outcome outcome_of(int status)
{
	switch (status) {
	case PAM_SUCCESS:
		return DELEGATED_PASSED;
	case PAM_CONV_ERR:
		return DELEGATED_ABORTED;
	case PAM_AUTHINFO_UNAVAIL:
	case PAM_SERVICE_ERR:
	case PAM_SYSTEM_ERR:
	case PAM_BUF_ERR:
	case PAM_OPEN_ERR:
	case PAM_SYMBOL_ERR:
		return DELEGATED_UNAVAILABLE;
	default:
		/* AUTH_ERR, USER_UNKNOWN, MAXTRIES, ...; PAM_ABORT too, which
		 * pam_duo answers a denied push with, after guesses were
		 * checked: never a withdrawn charge. */
		return DELEGATED_FAILED;
	}
}

/* One question per run of the service: the run costs one charge of the
 * lockout, so a service that asks again (pam_duo's prompts=3, a module
 * that retries) would get guesses for free. Messages that only inform
 * (pam_u2f's "touch the device") pass freely. */
#define DELEGATED_QUESTIONS_MAX 1u

/* The name a decoy runs the service for when the name typed is an
 * account of the host that may not reset (locked, not eligible, not
 * enrolled): the service must not push to that user's phone or spend
 * their counter for nothing. A colon cannot be in a passwd entry. */
#define DELEGATED_DECOY_USER "sspr:nobody"

/* The application's conversation, passed through with the questions
 * counted. */
struct counted_conv {
	const struct pam_conv *outer;
	unsigned questions;
	bool cut; /* a question beyond the bound was refused */
};

static int counted_conv(int n, const struct pam_message **msg, struct pam_response **resp,
			void *appdata)
{
	struct counted_conv *c = appdata;
	unsigned asks = 0;

	/* Every prompt counts, several in one call too. */
	for (int i = 0; i < n; i++)
		asks += msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
			msg[i]->msg_style == PAM_PROMPT_ECHO_ON;
	if (asks > 0 && c->questions + asks > DELEGATED_QUESTIONS_MAX) {
		c->cut = true;
		return PAM_CONV_ERR;
	}
	c->questions += asks;
	return c->outer->conv(n, msg, resp, c->outer->appdata_ptr);
}

/* True when the service still names `user` after its stack ran: a module
 * that maps names must not pass someone else's check for this account. */
static bool same_user(pam_handle_t *inner, const char *user)
{
	const void *now = NULL;

	return pam_get_item(inner, PAM_USER, &now) == PAM_SUCCESS && now != NULL &&
	       strcmp(now, user) == 0;
}

/* Runs the service's auth stack for `user`, a stack already judged usable
 * (sspr_delegated_stack_usable). Only the auth stack: its account stack
 * would be "other"'s on most hosts, which is the login's, and pam_sspr's
 * own admission has judged the account. */
static enum delegated_outcome run_service(struct sspr_session *s, const char *user,
					  const char **why)
{
	const char *service = s->policy.delegated_service;
	struct counted_conv counted = {0};
	struct pam_conv conv = {.conv = counted_conv, .appdata_ptr = &counted};
	pam_handle_t *inner = NULL;
	enum delegated_outcome outcome;
	int flags = PAM_DISALLOW_NULL_AUTHTOK | ((s->flags & PAM_SILENT) ? (int)PAM_SILENT : 0);
	int r;

	*why = NULL;
	if (pam_get_item(s->pamh, PAM_CONV, (const void **)&counted.outer) != PAM_SUCCESS ||
	    counted.outer == NULL || counted.outer->conv == NULL) {
		*why = "no conversation";
		return DELEGATED_UNAVAILABLE;
	}
	r = pam_start(service, user, &conv, &inner);
	if (r != PAM_SUCCESS) {
		*why = "the pam: service did not start";
		return DELEGATED_UNAVAILABLE;
	}
	sspr_session_share_items(s, inner);
	r = pam_authenticate(inner, flags);
	sspr_session_debug(s, "pam:%s returned %s", service, pam_strerror(inner, r));
	outcome = outcome_of(r);
	if (counted.cut) {
		sspr_session_debug(s, "pam:%s asked more than %u question(s)", service,
				   DELEGATED_QUESTIONS_MAX);
		outcome = DELEGATED_FAILED;
	} else if (outcome == DELEGATED_PASSED && !same_user(inner, user)) {
		pam_syslog(s->pamh, LOG_WARNING, "pam:%s changed the user name: refused", service);
		outcome = DELEGATED_FAILED;
	}
	pam_end(inner, r);
	if (outcome == DELEGATED_UNAVAILABLE)
		*why = "the pam: service could not judge";
	return outcome;
}

/* Judged before any charge or write, for the real challenge and the
 * decoy alike: a stack that is no check is the host's fault. */
static bool stack_refused(struct sspr_session *s)
{
	char why[300];

	if (sspr_delegated_stack_usable(NULL, s->policy.delegated_service, why, sizeof(why)))
		return false;
	sspr_session_stop(s, LOG_ERR, true, "unavailable", "pam", why, SSPR_MSG_UNAVAILABLE);
	return true;
}

/* An outcome other than passed or failed ends the challenge, told and
 * reported; the same words for the real challenge and the decoy. */
static int end_unjudged(struct sspr_session *s, enum delegated_outcome outcome, const char *why)
{
	if (outcome == DELEGATED_ABORTED) {
		sspr_session_aborted(s, "pam", SSPR_DELEGATED_REFUSED);
		return SSPR_EINVAL;
	}
	sspr_session_stop(s, LOG_ERR, true, "unavailable", "pam", why, SSPR_MSG_UNAVAILABLE);
	return SSPR_ERR;
}

static enum sspr_verdict judge_delegated(struct sspr_record *rec, int64_t now, void *ctx)
{
	const bool *passed = ctx;

	(void)rec;
	(void)now;
	return *passed ? SSPR_VERDICT_ACCEPTED : SSPR_VERDICT_REFUSED;
}

int sspr_challenge_delegated(struct sspr_session *s, const struct sspr_record *rec)
{
	bool passed = false;
	const struct sspr_check check = {
		.method = "pam",
		.refused_result = "refused",
		.refused_text = SSPR_DELEGATED_REFUSED,
		.judge = judge_delegated,
		.ctx = &passed,
	};
	enum delegated_outcome outcome;
	const char *why;
	int r;

	if (stack_refused(s))
		return SSPR_ERR;
	r = sspr_challenge_begin(s, &check, rec);
	if (r != SSPR_OK)
		return r;
	outcome = run_service(s, s->user, &why);
	if (outcome == DELEGATED_UNAVAILABLE)
		sspr_challenge_withdraw(s, "pam"); /* not the user's failure */
	if (outcome == DELEGATED_ABORTED || outcome == DELEGATED_UNAVAILABLE)
		return end_unjudged(s, outcome, why);
	passed = outcome == DELEGATED_PASSED;
	return sspr_challenge_decide(s, &check, NULL);
}

/* Its decoy (decoy.h): the same service, so the prompts and the wait are
 * the service's own; run for the name as typed when it is no account of
 * the host, else for DELEGATED_DECOY_USER. Whatever it says, the refusal
 * follows. What the service shows a name it does not know is the
 * service's to hide (pam_sspr.8, "DELEGATED METHODS"). */
int sspr_decoy_delegated(struct sspr_session *s, const struct sspr_record *rec)
{
	const char *why;
	enum delegated_outcome outcome;

	(void)rec;
	if (stack_refused(s))
		return SSPR_ERR;
	outcome = run_service(s, s->account_exists ? DELEGATED_DECOY_USER : s->user, &why);
	if (outcome == DELEGATED_UNAVAILABLE && sspr_decoy_pace(s, "pam") != SSPR_OK)
		return SSPR_ERR; /* the write the real challenge's withdrawal makes */
	if (outcome == DELEGATED_ABORTED || outcome == DELEGATED_UNAVAILABLE)
		return end_unjudged(s, outcome, why);
	return sspr_decoy_refuse(s, "pam", SSPR_DELEGATED_REFUSED);
}
