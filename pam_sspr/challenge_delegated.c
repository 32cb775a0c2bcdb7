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
#include <syslog.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>

#include "challenge.h"
#include "decoy.h"
#include "pamconf.h"

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

/* A service that is not there would be "other" (on Debian, the password
 * login itself), and one that runs pam_sspr would start a reset inside
 * the reset: neither is run. *why gets the reason. */
static bool service_usable(const char *service, const char **why)
{
	if (!sspr_pamconf_service_exists(NULL, service)) {
		*why = "the pam: service has no file in /etc/pam.d";
		return false;
	}
	if (sspr_pamconf_has_module(NULL, service, "auth", "pam_sspr.so")) {
		*why = "the pam: service runs pam_sspr itself";
		return false;
	}
	return true;
}

/* Runs the service's auth stack for `user` (the name as typed: a stranger
 * gets it run for a name that does not exist). */
static enum delegated_outcome run_service(struct sspr_session *s, const char *user,
					  const char **why)
{
	const char *service = s->policy.delegated_service;
	const struct pam_conv *conv = NULL;
	pam_handle_t *inner = NULL;
	enum delegated_outcome outcome;
	int r;

	*why = NULL;
	if (!service_usable(service, why))
		return DELEGATED_UNAVAILABLE;
	if (pam_get_item(s->pamh, PAM_CONV, (const void **)&conv) != PAM_SUCCESS ||
	    conv == NULL) {
		*why = "no conversation";
		return DELEGATED_UNAVAILABLE;
	}
	r = pam_start(service, user, conv, &inner);
	if (r != PAM_SUCCESS) {
		*why = "the pam: service did not start";
		return DELEGATED_UNAVAILABLE;
	}
	sspr_session_share_items(s, inner);
	r = pam_authenticate(inner, (s->flags & PAM_SILENT) ? (int)PAM_SILENT : 0);
	sspr_session_debug(s, "pam:%s returned %s", service, pam_strerror(inner, r));
	pam_end(inner, r);
	outcome = outcome_of(r);
	if (outcome == DELEGATED_UNAVAILABLE)
		*why = "the pam: service could not judge";
	return outcome;
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
	int r = sspr_challenge_begin(s, &check, rec);

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

/* Its decoy (decoy.h): the same service, run for the name as typed, so
 * the prompts and the wait are the service's own for every name; whatever
 * it says, the refusal follows. What the service itself shows a name it
 * does not know is the service's to hide (pam_sspr.8, "Delegated
 * methods"). */
int sspr_decoy_delegated(struct sspr_session *s, const struct sspr_record *rec)
{
	const char *why;
	enum delegated_outcome outcome = run_service(s, s->user, &why);

	(void)rec;
	if (outcome == DELEGATED_ABORTED || outcome == DELEGATED_UNAVAILABLE)
		return end_unjudged(s, outcome, why);
	return sspr_decoy_refuse(s, "pam", SSPR_DELEGATED_REFUSED);
}
