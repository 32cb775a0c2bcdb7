/* SPDX-License-Identifier: BSD-2-Clause */
/* The decision step shared by every challenge (see challenge.h). */
#include <stdio.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "challenge.h"
#include "conv.h"
#include "decoy.h"
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

/* What started a lock, for its own event and line: "5 failed answers
 * within 900 s: resets locked for 1800 s". */
#define LOCK_BY_ANSWERS "failed answers"
#define LOCK_BY_OPENINGS "dialogs ended without an answer"

static void lock_detail(const struct sspr_session *s, const char *why, char *buf, size_t size)
{
	const struct sspr_lockout_limits *l = &s->policy.lockout;

	snprintf(buf, size, "%u %s within %u s: resets locked for %u s", l->attempts, why,
		 l->window, l->duration);
}

/* The lock's own event, second in the transaction that starts it. */
static void lock_event(const struct sspr_session *s, struct sspr_event *ev, const char *method,
		       const char *why)
{
	char detail[SSPR_EVENT_DETAIL_MAX + 1];

	lock_detail(s, why, detail, sizeof(detail));
	sspr_event_set(ev, sspr_now(), "lockout", "started", method, s->user, s->service, s->rhost,
		       detail);
}

/* The lock's own syslog line, after the line of what started it. */
static void log_lock(struct sspr_session *s, const char *method, const char *why)
{
	char detail[SSPR_EVENT_DETAIL_MAX + 1];

	lock_detail(s, why, detail, sizeof(detail));
	sspr_session_outcome(s, LOG_WARNING, false, "lockout", method, detail);
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
		/* The failure counted when the challenge opened is taken back;
		 * a refusal then counts as one, now. */
		if (d->session->charged_at != 0)
			sspr_lockout_uncharge(rec, d->session->charged_at);
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
		sspr_session_event(d->session, &ev[0], refusal_result(d), d->check->method, NULL);
	if (d->lock_started)
		lock_event(d->session, &ev[1], d->check->method, LOCK_BY_ANSWERS);
	/* A method gone meanwhile still writes the charge taken back. */
	if (!exists || d->verdict == SSPR_VERDICT_LOCKED)
		return SSPR_NOCHANGE;
	return SSPR_OK;
}

struct opening {
	struct sspr_session *session;
	const struct sspr_check *check;
	int64_t now;
	/* outputs, recomputed on every call of open_challenge() */
	enum sspr_verdict verdict; /* ACCEPTED: the challenge may be shown */
	bool lock_started;
	int64_t charged_at;
};

/* Runs inside the store's write transaction on the current record. */
static int open_challenge(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct opening *o = ctx;
	struct sspr_session *s = o->session;
	unsigned method = sspr_method_from_name(o->check->method);

	o->lock_started = false;
	o->charged_at = 0;
	if (!exists || (sspr_usable_methods(&s->rule, rec) & method) == 0) {
		o->verdict = SSPR_VERDICT_NOT_ENROLLED;
		sspr_session_event(s, ev, "not-enrolled", o->check->method, NULL);
		return SSPR_NOCHANGE;
	}
	if (sspr_lockout_active(rec, o->now)) {
		o->verdict = SSPR_VERDICT_LOCKED;
		sspr_session_event(s, ev, "locked", o->check->method, NULL);
		return SSPR_NOCHANGE;
	}
	o->charged_at = sspr_lockout_charge(rec, o->now, &s->policy.lockout);
	if (o->charged_at == 0) {
		o->verdict = SSPR_VERDICT_LOCKED;
		o->lock_started = true;
		sspr_session_event(s, &ev[0], "locked", o->check->method, NULL);
		lock_event(s, &ev[1], o->check->method, LOCK_BY_OPENINGS);
		return SSPR_OK;
	}
	if (o->check->prepare != NULL)
		o->check->prepare(rec, o->now, o->check->ctx);
	o->verdict = SSPR_VERDICT_ACCEPTED;
	sspr_event_set(ev, o->now, "challenge", "shown", o->check->method, s->user, s->service,
		       s->rhost, s->action == SSPR_ACTION_UNLOCK ? "unlock" : "reset");
	return SSPR_OK;
}

int sspr_challenge_begin(struct sspr_session *s, const struct sspr_check *check,
			 const struct sspr_record *rec)
{
	struct opening o = {.session = s, .check = check, .now = sspr_now()};
	struct sspr_error err = {{0}};
	int r;

	r = sspr_store_update(s->store, s->user, 0, open_challenge, &o, &err);
	if (r < 0) {
		sspr_session_stop(s, LOG_ERR, false, "unavailable", check->method, err.msg,
				  SSPR_MSG_UNAVAILABLE);
		return r;
	}
	if (o.lock_started)
		s->lock_started = true;
	switch (o.verdict) {
	case SSPR_VERDICT_ACCEPTED:
		s->charged_at = o.charged_at;
		return SSPR_OK;
	case SSPR_VERDICT_NOT_ENROLLED:
		sspr_session_outcome(s, LOG_NOTICE, false, "not-enrolled", check->method, NULL);
		if (s->hide)
			return sspr_decoy_challenge(s, sspr_method_from_name(check->method), rec, true);
		sspr_session_refuse(s, SSPR_MSG_NOT_SET_UP);
		return SSPR_ENOENT;
	default:
		sspr_session_outcome(s, LOG_WARNING, false, "locked", check->method, NULL);
		if (o.lock_started)
			log_lock(s, check->method, LOCK_BY_OPENINGS);
		if (s->hide)
			return sspr_decoy_challenge(s, sspr_method_from_name(check->method), rec, true);
		sspr_session_refuse(s, SSPR_MSG_LOCKED);
		return SSPR_ELOCKED;
	}
}

struct withdrawal {
	int64_t charged_at;
	void (*undo)(struct sspr_record *rec, void *ctx);
	void *ctx;
};

static int uncharge(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct withdrawal *w = ctx;

	(void)ev;
	if (!exists)
		return SSPR_NOCHANGE;
	sspr_lockout_uncharge(rec, w->charged_at);
	if (w->undo != NULL)
		w->undo(rec, w->ctx);
	return SSPR_OK;
}

void sspr_challenge_withdraw_undo(struct sspr_session *s, const char *method,
				  void (*undo)(struct sspr_record *rec, void *ctx), void *ctx)
{
	struct sspr_error err = {{0}};
	struct withdrawal w = {.charged_at = s->charged_at, .undo = undo, .ctx = ctx};

	if (s->charged_at == 0)
		return;
	if (sspr_store_update(s->store, s->user, 0, uncharge, &w, &err) < 0)
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", method, err.msg);
	s->charged_at = 0;
}

void sspr_challenge_withdraw(struct sspr_session *s, const char *method)
{
	sspr_challenge_withdraw_undo(s, method, NULL, NULL);
}

int sspr_challenge_decide(struct sspr_session *s, const struct sspr_check *check,
			  enum sspr_verdict *verdict)
{
	struct decision d = {.session = s, .check = check, .now = sspr_now()};
	struct sspr_error err = {{0}};
	int r;

	r = sspr_store_update(s->store, s->user, 0, decide, &d, &err);
	if (r >= 0)
		s->charged_at = 0; /* judged: the charge is settled */
	if (verdict != NULL)
		*verdict = r < 0 ? SSPR_VERDICT_REFUSED : d.verdict;
	if (r < 0) {
		sspr_session_stop(s, LOG_ERR, false, "unavailable", check->method, err.msg,
				  SSPR_MSG_UNAVAILABLE);
		return r;
	}
	if (d.lock_started)
		s->lock_started = true;
	switch (d.verdict) {
	case SSPR_VERDICT_ACCEPTED:
		sspr_session_debug(s, "%s accepted for %s", check->method, s->user);
		return SSPR_OK;
	case SSPR_VERDICT_LOCKED:
		sspr_session_stop(s, LOG_WARNING, false, "locked", check->method, NULL,
				  s->hide ? check->refused_text : SSPR_MSG_LOCKED);
		return SSPR_ELOCKED;
	case SSPR_VERDICT_NOT_ENROLLED:
		sspr_session_stop(s, LOG_NOTICE, false, "not-enrolled", check->method, NULL,
				  s->hide ? check->refused_text : SSPR_MSG_NOT_SET_UP);
		return SSPR_ENOENT;
	case SSPR_VERDICT_EXPIRED:
		sspr_session_stop(s, LOG_NOTICE, false, "expired-code", check->method, NULL,
				  s->hide ? check->refused_text : N_("The code has expired."));
		return SSPR_EBADCODE;
	case SSPR_VERDICT_REFUSED:
	case SSPR_VERDICT_REPLAY:
		sspr_session_outcome(s, LOG_WARNING, false, refusal_result(&d), check->method,
				     NULL);
		if (d.lock_started)
			log_lock(s, check->method, LOCK_BY_ANSWERS);
		if (d.lock_started && !s->hide)
			/* TRANSLATORS: %s is the refusal, such as "The code is not
			 * valid." */
			sspr_session_refuse_fmt(s, N_("%s Too many failed attempts: password reset "
						      "is now locked."), _(check->refused_text));
		else
			sspr_session_refuse(s, check->refused_text);
		return SSPR_EBADCODE;
	}
	return SSPR_ERR;
}

int sspr_challenge_secret(struct sspr_session *s, const struct sspr_check *check,
			  const struct sspr_record *rec, const char *prompt, const char **typed)
{
	char *reply = NULL;
	int r = sspr_challenge_begin(s, check, rec);

	if (r != SSPR_OK)
		return r;
	if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, _(prompt), &reply) != PAM_SUCCESS) {
		sspr_session_aborted(s, check->method, check->refused_text);
		return SSPR_EINVAL;
	}
	*typed = reply;
	r = sspr_challenge_decide(s, check, NULL);
	*typed = NULL;
	sspr_conv_free(reply);
	return r;
}

static const struct sspr_method_ops method_ops[SSPR_METHOD_COUNT] = {
    {SSPR_METHOD_TOTP, sspr_challenge_totp, sspr_decoy_totp},
    {SSPR_METHOD_QUESTIONS, sspr_challenge_questions, sspr_decoy_questions},
    {SSPR_METHOD_EMAIL, sspr_challenge_email, sspr_decoy_email},
    {SSPR_METHOD_RECOVERY, sspr_challenge_recovery, sspr_decoy_recovery},
    {SSPR_METHOD_PASS, sspr_challenge_pass, sspr_decoy_pass},
    {SSPR_METHOD_PAM, sspr_challenge_delegated, sspr_decoy_delegated},
    {SSPR_METHOD_PHONE, sspr_challenge_phone, sspr_decoy_phone},
};

const struct sspr_method_ops *sspr_method_ops_of(unsigned method)
{
	for (size_t i = 0; i < SSPR_METHOD_COUNT; i++)
		if (method_ops[i].method == method)
			return &method_ops[i];
	return &method_ops[0];
}
