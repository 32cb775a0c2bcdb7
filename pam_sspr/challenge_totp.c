/* The authenticator-app challenge: open the sealed secret, ask for the
 * code, then decide inside one store update, so that the replay rule and
 * the lockout count hold even when several logins race. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "conv.h"
#include "hostkey.h"
#include "lockout.h"
#include "totp.h"
#include "util.h"

#define TOTP_PROMPT "Verification code from your authenticator app: "

enum verdict {
	VERDICT_ACCEPTED,
	VERDICT_BAD_CODE,
	VERDICT_REPLAY,
	VERDICT_LOCKED,
	VERDICT_NOT_ENROLLED,
};

struct totp_decision {
	/* inputs */
	const struct sspr_session *session;
	const struct sspr_totp *verified_against; /* the TOTP data the code was checked with */
	bool code_matched;
	uint64_t step;
	int64_t now;
	/* outputs, recomputed on every call of decide() */
	enum verdict verdict;
	bool lock_started;
	int64_t locked_until;
};

static const char *verdict_result(enum verdict v)
{
	switch (v) {
	case VERDICT_ACCEPTED:
		return "verified";
	case VERDICT_BAD_CODE:
		return "bad-code";
	case VERDICT_REPLAY:
		return "replayed-code";
	case VERDICT_LOCKED:
		return "locked";
	case VERDICT_NOT_ENROLLED:
		return "not-enrolled";
	}
	return "error";
}

/* Runs inside the store's write transaction on the current record. */
static int decide(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct totp_decision *d = ctx;
	const struct sspr_policy *pol = &d->session->policy;
	bool counts_as_failure = false;
	int r = SSPR_OK;

	d->lock_started = false;
	d->locked_until = 0;
	if (!exists || !rec->has_totp) {
		d->verdict = VERDICT_NOT_ENROLLED;
		r = SSPR_NOCHANGE;
	} else if (sspr_lockout_active(rec, d->now)) {
		d->verdict = VERDICT_LOCKED;
		d->locked_until = rec->locked_until;
		r = SSPR_NOCHANGE;
	} else if (!d->code_matched ||
		   /* re-enrolled between our read and this write: the code was
		    * checked against a secret that is no longer the user's */
		   rec->totp.sealed_len != d->verified_against->sealed_len ||
		   sodium_memcmp(rec->totp.sealed, d->verified_against->sealed,
				 rec->totp.sealed_len) != 0) {
		d->verdict = VERDICT_BAD_CODE;
		counts_as_failure = true;
	} else if (sspr_totp_accept_step(&rec->totp, d->step) != SSPR_OK) {
		d->verdict = VERDICT_REPLAY;
		counts_as_failure = true;
	} else {
		d->verdict = VERDICT_ACCEPTED;
		sspr_lockout_clear(rec);
	}
	if (counts_as_failure) {
		d->lock_started = sspr_lockout_add_failure(rec, d->now, &pol->lockout);
		d->locked_until = rec->locked_until;
	}
	/* The accepted case is reported once the password change is done, as
	 * one event for the whole reset. */
	if (d->verdict != VERDICT_ACCEPTED)
		sspr_session_event(d->session, ev, verdict_result(d->verdict), "totp",
				   d->lock_started ? "resets locked" : NULL);
	return r;
}

/* Opens the user's secret with the host key; SSPR_OK or an error already
 * reported as "unavailable". */
static int open_secret(struct sspr_session *s, const struct sspr_totp *totp, uint8_t *secret,
		       size_t cap, size_t *len)
{
	struct sspr_hostkey key;
	struct sspr_error err = {{0}};
	int r;

	r = sspr_hostkey_load(s->policy.key_dir, &key, &err);
	if (r == SSPR_OK) {
		r = sspr_unseal(&key, totp->sealed, totp->sealed_len, secret, cap, len);
		if (r != SSPR_OK)
			sspr_error_set(&err, r, "secret of %s does not open with the host key in %s",
				       s->user, s->policy.key_dir);
	}
	sspr_hostkey_wipe(&key);
	if (r != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", "totp", err.msg);
		sspr_session_refuse(s, "Password reset is unavailable.");
	}
	return r;
}

int sspr_challenge_totp(struct sspr_session *s, const struct sspr_record *rec)
{
	struct totp_decision d = {.session = s, .verified_against = &rec->totp};
	struct sspr_totp_params params = s->policy.totp;
	struct sspr_error err = {{0}};
	uint8_t secret[SSPR_TOTP_SECRET_MAX];
	size_t secret_len = 0;
	char *code = NULL;
	int r;

	if (sspr_totp_init() != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", "totp", "crypto init");
		sspr_session_refuse(s, "Password reset is unavailable.");
		r = SSPR_ERR;
		goto out;
	}
	r = open_secret(s, &rec->totp, secret, sizeof(secret), &secret_len);
	if (r != SSPR_OK)
		goto out;

	r = sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, TOTP_PROMPT, &code);
	if (r != PAM_SUCCESS) {
		sspr_session_outcome(s, LOG_NOTICE, false, "aborted", "totp", "conversation");
		r = SSPR_EINVAL;
		goto out;
	}
	/* The enrolled code shape wins over the policy: a user enrolled with
	 * 8 digits keeps 8 digits when the default changes. */
	params.digits = rec->totp.digits;
	params.period = rec->totp.period;
	d.now = sspr_now();
	d.code_matched = sspr_totp_find_step(secret, secret_len, &params, d.now, code, &d.step) ==
			 SSPR_OK;
	sodium_memzero(secret, sizeof(secret));

	r = sspr_store_update(s->store, s->user, 0, decide, &d, &err);
	if (r < 0) {
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", "totp", err.msg);
		sspr_session_refuse(s, "Password reset is unavailable.");
		goto out;
	}

	switch (d.verdict) {
	case VERDICT_ACCEPTED:
		sspr_session_debug(s, "code accepted for %s at step %llu", s->user,
				   (unsigned long long)d.step);
		r = SSPR_OK;
		goto out;
	case VERDICT_LOCKED:
		sspr_session_outcome(s, LOG_WARNING, false, "locked", "totp", NULL);
		sspr_session_refuse(s, "Password reset is locked after too many failed attempts. "
				       "Try again later.");
		r = SSPR_ELOCKED;
		break;
	case VERDICT_NOT_ENROLLED:
		sspr_session_outcome(s, LOG_NOTICE, false, "not-enrolled", "totp", NULL);
		sspr_session_refuse(s, "Password reset is not set up for this account.");
		r = SSPR_ENOENT;
		break;
	case VERDICT_BAD_CODE:
	case VERDICT_REPLAY:
		/* A replayed code gets the same words as a wrong one. */
		sspr_session_outcome(s, LOG_WARNING, false, verdict_result(d.verdict), "totp",
				     d.lock_started ? "resets locked" : NULL);
		if (d.lock_started)
			sspr_session_refuse(s, "The code is not valid. Too many failed attempts: "
					       "password reset is now locked.");
		else
			sspr_session_refuse(s, "The code is not valid.");
		r = SSPR_EBADCODE;
		break;
	}
out:
	sodium_memzero(secret, sizeof(secret));
	sspr_conv_free(code);
	return r;
}
