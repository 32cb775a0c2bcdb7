/* The decision step shared by every challenge (see challenge.h). */
#include <syslog.h>

#include <security/pam_ext.h>

#include "challenge.h"
#include "lockout.h"
#include "util.h"

struct decision {
	struct sspr_session *session;
	const struct sspr_check *check;
	int64_t now;
	/* outputs, recomputed on every call of decide() */
	enum sspr_verdict verdict;
	bool lock_started;
};

static const char *verdict_result(enum sspr_verdict v)
{
	switch (v) {
	case SSPR_VERDICT_ACCEPTED:
		return "verified";
	case SSPR_VERDICT_REFUSED:
		return "bad-code";
	case SSPR_VERDICT_REPLAY:
		return "replayed-code";
	case SSPR_VERDICT_EXPIRED:
		return "expired-code";
	case SSPR_VERDICT_LOCKED:
		return "locked";
	case SSPR_VERDICT_NOT_ENROLLED:
		return "not-enrolled";
	}
	return "error";
}

static const char *refusal_result(const struct decision *d)
{
	if (d->verdict == SSPR_VERDICT_REFUSED)
		return d->check->refused_result;
	return verdict_result(d->verdict);
}

/* Runs inside the store's write transaction on the current record. */
static int decide(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct decision *d = ctx;
	const struct sspr_policy *pol = &d->session->policy;

	d->lock_started = false;
	if (!exists) {
		d->verdict = SSPR_VERDICT_NOT_ENROLLED;
	} else if (sspr_lockout_active(rec, d->now)) {
		d->verdict = SSPR_VERDICT_LOCKED;
	} else {
		d->verdict = d->check->judge(rec, d->now, d->check->ctx);
		if (d->verdict == SSPR_VERDICT_REFUSED || d->verdict == SSPR_VERDICT_REPLAY)
			d->lock_started = sspr_lockout_add_failure(rec, d->now, &pol->lockout);
		/* Failures go only once every required method has passed, in
		 * the same write as the last one. */
		if (d->verdict == SSPR_VERDICT_ACCEPTED && d->session->last_method)
			sspr_lockout_clear(rec);
	}
	/* The accepted case is reported once the whole reset is done, as one
	 * event for it. */
	if (d->verdict != SSPR_VERDICT_ACCEPTED)
		sspr_session_event(d->session, ev, refusal_result(d), d->check->method,
				   d->lock_started ? "resets locked" : NULL);
	if (d->verdict == SSPR_VERDICT_NOT_ENROLLED || d->verdict == SSPR_VERDICT_LOCKED)
		return SSPR_NOCHANGE;
	return SSPR_OK;
}

int sspr_challenge_decide(struct sspr_session *s, const struct sspr_check *check,
			  enum sspr_verdict *verdict)
{
	struct decision d = {.session = s, .check = check, .now = sspr_now()};
	struct sspr_error err = {{0}};
	int r;

	r = sspr_store_update(s->store, s->user, 0, decide, &d, &err);
	if (verdict != NULL)
		*verdict = r < 0 ? SSPR_VERDICT_REFUSED : d.verdict;
	if (r < 0) {
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", check->method, err.msg);
		sspr_session_refuse(s, SSPR_MSG_UNAVAILABLE);
		return r;
	}
	if (d.lock_started)
		s->lock_started = true;
	switch (d.verdict) {
	case SSPR_VERDICT_ACCEPTED:
		sspr_session_debug(s, "%s accepted for %s", check->method, s->user);
		return SSPR_OK;
	case SSPR_VERDICT_LOCKED:
		sspr_session_outcome(s, LOG_WARNING, false, "locked", check->method, NULL);
		sspr_session_refuse(s, s->hide ? check->refused_text : SSPR_MSG_LOCKED);
		return SSPR_ELOCKED;
	case SSPR_VERDICT_NOT_ENROLLED:
		sspr_session_outcome(s, LOG_NOTICE, false, "not-enrolled", check->method, NULL);
		sspr_session_refuse(s, s->hide ? check->refused_text : SSPR_MSG_NOT_SET_UP);
		return SSPR_ENOENT;
	case SSPR_VERDICT_EXPIRED:
		sspr_session_outcome(s, LOG_NOTICE, false, "expired-code", check->method, NULL);
		sspr_session_refuse(s, s->hide ? check->refused_text : "The code has expired.");
		return SSPR_EBADCODE;
	case SSPR_VERDICT_REFUSED:
	case SSPR_VERDICT_REPLAY:
		sspr_session_outcome(s, LOG_WARNING, false, refusal_result(&d), check->method,
				     d.lock_started ? "resets locked" : NULL);
		if (d.lock_started && !s->hide)
			sspr_session_refuse_fmt(s, "%s Too many failed attempts: password reset "
						"is now locked.", check->refused_text);
		else
			sspr_session_refuse(s, check->refused_text);
		return SSPR_EBADCODE;
	}
	return SSPR_ERR;
}
