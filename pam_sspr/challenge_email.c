/* The e-mailed code challenge: a fresh code_length-digit code, stored
 * hashed with its expiry in the record before it is sent, valid once, for
 * code_lifetime seconds and EMAIL_TRIES tries. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "codes.h"
#include "conv.h"
#include "mail.h"
#include "util.h"

#define EMAIL_TRIES 3
/* A new code at most this often, so a stranger pressing Enter at the login
 * prompt cannot flood the user's mailbox. */
#define EMAIL_RESEND_SECONDS 60

struct pending_code {
	const struct sspr_policy *pol;
	char hash[SSPR_HASH_STR_MAX];
	int64_t now;
	bool too_soon; /* output: a code went out less than a minute ago */
};

static int store_pending(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct pending_code *p = ctx;

	p->too_soon = false;
	if (!exists || !rec->has_email || !rec->email.verified)
		return SSPR_NOCHANGE;
	if (rec->has_pending && rec->pending.expires_at - (int64_t)p->pol->code_lifetime >
					p->now - EMAIL_RESEND_SECONDS) {
		p->too_soon = true;
		return SSPR_NOCHANGE;
	}
	rec->has_pending = true;
	memcpy(rec->pending.hash, p->hash, sizeof(rec->pending.hash));
	rec->pending.expires_at = p->now + (int64_t)p->pol->code_lifetime;
	rec->pending.tries = 0;
	return SSPR_OK;
}

struct email_answer {
	const char *typed;
	bool may_retry; /* output: the code is still pending after a refusal */
};

static void clear_pending(struct sspr_record *rec)
{
	sodium_memzero(&rec->pending, sizeof(rec->pending));
	rec->has_pending = false;
}

static enum sspr_verdict judge_email(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct email_answer *a = ctx;

	a->may_retry = false;
	if (!rec->has_email || !rec->email.verified)
		return SSPR_VERDICT_NOT_ENROLLED;
	if (!rec->has_pending)
		return SSPR_VERDICT_EXPIRED; /* spent, used up or replaced */
	if (now >= rec->pending.expires_at) {
		clear_pending(rec);
		return SSPR_VERDICT_EXPIRED;
	}
	if (sspr_code_verify(rec->pending.hash, a->typed)) {
		clear_pending(rec);
		return SSPR_VERDICT_ACCEPTED;
	}
	if (++rec->pending.tries >= EMAIL_TRIES)
		clear_pending(rec);
	else
		a->may_retry = true;
	return SSPR_VERDICT_REFUSED;
}

static void compose_body(const struct sspr_session *s, const char *code, char *body, size_t size)
{
	char host[256] = "this host";

	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "this host");
	host[sizeof(host) - 1] = '\0';
	snprintf(body, size,
		 "Your password reset code for %s on %s is:\n\n    %s\n\n"
		 "It is valid for %u minutes and works once.\n\n"
		 "If you did not ask to reset your password, someone else may be trying to:\n"
		 "tell your helpdesk.\n",
		 s->user, host, code, (s->policy.code_lifetime + 59) / 60);
}

/* Creates, stores and sends the code; SSPR_OK or an error already
 * reported. */
static int send_code(struct sspr_session *s, const struct sspr_record *rec)
{
	struct pending_code p = {.pol = &s->policy, .now = sspr_now()};
	char code[SSPR_CODE_SIZE], body[1024];
	struct sspr_error err = {{0}};
	struct sspr_mail mail = {
		.from = s->policy.mail_from,
		.to = rec->email.address,
		.subject = "Your password reset code",
		.body = body,
	};
	int r;

	r = sspr_code_generate(s->policy.code_length, code);
	if (r == SSPR_OK)
		r = sspr_code_hash(code, p.hash);
	if (r == SSPR_OK)
		r = sspr_store_update(s->store, s->user, 0, store_pending, &p, &err);
	if (r < 0) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", "email", err.msg);
		sspr_session_refuse(s, SSPR_MSG_UNAVAILABLE);
		goto out;
	}
	if (p.too_soon) {
		sspr_session_outcome(s, LOG_NOTICE, true, "throttled", "email", NULL);
		sspr_session_refuse(s, "A code was sent less than a minute ago. Use that one, or "
				       "try again in a minute.");
		r = SSPR_EBUSY;
		goto out;
	}
	compose_body(s, code, body, sizeof(body));
	r = sspr_mail_send(s->policy.mail_command, &mail, 0, &err);
	if (r != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", "email", err.msg);
		sspr_session_refuse(s, "The code could not be sent.");
	}
out:
	sodium_memzero(code, sizeof(code));
	sodium_memzero(body, sizeof(body));
	return r;
}

int sspr_challenge_email(struct sspr_session *s, const struct sspr_record *rec)
{
	struct email_answer answer = {0};
	const struct sspr_check check = {
		.method = "email",
		.refused_result = "bad-code",
		.refused_text = "The code is not valid.",
		.judge = judge_email,
		.ctx = &answer,
	};
	char masked[SSPR_EMAIL_MAX + 16], prompt[SSPR_EMAIL_MAX + 64];
	int r;

	r = send_code(s, rec);
	if (r != SSPR_OK)
		return r;
	sspr_email_mask(rec->email.address, masked, sizeof(masked));
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "A code has been sent to %s.", masked);
	snprintf(prompt, sizeof(prompt), "Verification code from the e-mail sent to %s: ", masked);
	do {
		char *code = NULL;

		if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, &code) != PAM_SUCCESS) {
			sspr_session_outcome(s, LOG_NOTICE, false, "aborted", "email",
					     "conversation");
			return SSPR_EINVAL;
		}
		answer.typed = code;
		r = sspr_challenge_decide(s, &check, NULL);
		sspr_conv_free(code);
	} while (r == SSPR_EBADCODE && answer.may_retry && !s->lock_started);
	return r;
}
