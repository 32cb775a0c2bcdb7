/* SPDX-License-Identifier: BSD-2-Clause */
/* The e-mailed code challenge: a fresh code_length-digit code, stored
 * hashed with its expiry in the record before it is sent, valid once, for
 * code_lifetime seconds and SSPR_EMAIL_TRIES tries. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "decoy.h"
#include "codes.h"
#include "conv.h"
#include "mail.h"
#include "util.h"

/* A new code at most this often, so a stranger pressing Enter at the login
 * prompt cannot flood the user's mailbox. */
#define EMAIL_RESEND_SECONDS 60

struct email_answer {
	const struct sspr_policy *pol;
	char hash[SSPR_HASH_STR_MAX]; /* of the code to send */
	bool too_soon;  /* output of the opening: a code went out less than a minute ago */
	const char *typed;
	bool may_retry; /* output: the code is still pending after a refusal */
};

/* Runs in the write that opens the challenge: the new code is stored
 * (hashed) before it is sent. */
static void store_pending(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct email_answer *a = ctx;

	a->too_soon = false;
	if (rec->has_pending &&
	    rec->pending.expires_at - (int64_t)a->pol->code_lifetime > now - EMAIL_RESEND_SECONDS) {
		a->too_soon = true;
		return;
	}
	rec->has_pending = true;
	memcpy(rec->pending.hash, a->hash, sizeof(rec->pending.hash));
	rec->pending.expires_at = now + (int64_t)a->pol->code_lifetime;
	rec->pending.tries = 0;
}

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
	if (++rec->pending.tries >= SSPR_EMAIL_TRIES)
		clear_pending(rec);
	else
		a->may_retry = true;
	return SSPR_VERDICT_REFUSED;
}

static void compose_body(const struct sspr_session *s, const char *code, char *body, size_t size)
{
	char host[256];

	sspr_host_name(host, sizeof(host));
	snprintf(body, size,
		 "Your password reset code for %s on %s is:\n\n    %s\n\n"
		 "It is valid for %u minutes and works once.\n\n"
		 "If you did not ask to reset your password, someone else may be trying to:\n"
		 "tell your helpdesk.\n",
		 s->user, host, code, (s->policy.code_lifetime + 59) / 60);
}

enum sent {
	SENT,
	SENT_RECENTLY, /* less than a minute ago: that code stays valid, none is sent */
	NOT_SENT,      /* the mail command failed (reported) */
};

/* Opens the challenge, storing the new code in the same write, and sends
 * it; *sent says what happened. Returns SSPR_OK, or what
 * sspr_challenge_begin returned (reported; with enumeration = hide a
 * decoy has run). A mail that cannot be sent is SSPR_OK with NOT_SENT:
 * with enumeration = hide the dialog goes on as if it had been, since a
 * stranger's decoy cannot fail that way. */
static int send_code(struct sspr_session *s, const struct sspr_record *rec,
		     const struct sspr_check *check, struct email_answer *a, enum sent *sent)
{
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
		r = sspr_code_hash(code, a->hash);
	if (r != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", "email", "code generation",
				  SSPR_MSG_UNAVAILABLE);
		goto out;
	}
	r = sspr_challenge_begin(s, check, rec);
	if (r != SSPR_OK)
		goto out;
	if (a->too_soon) {
		sspr_session_debug(s, "code for %s sent less than a minute ago: not resent",
				   s->user);
		*sent = SENT_RECENTLY;
		goto out;
	}
	compose_body(s, code, body, sizeof(body));
	*sent = SENT;
	if (sspr_mail_send(s->policy.mail_command, &mail, 0, &err) != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", "email", err.msg);
		*sent = NOT_SENT;
	}
out:
	sodium_memzero(code, sizeof(code));
	sodium_memzero(body, sizeof(body));
	sodium_memzero(a->hash, sizeof(a->hash));
	return r;
}

int sspr_challenge_email(struct sspr_session *s, const struct sspr_record *rec)
{
	struct email_answer answer = {.pol = &s->policy};
	const struct sspr_check check = {
		.method = "email",
		.refused_result = "bad-code",
		.refused_text = SSPR_EMAIL_REFUSED,
		.judge = judge_email,
		.prepare = store_pending,
		.ctx = &answer,
	};
	char masked[SSPR_EMAIL_MAX + 16], prompt[SSPR_EMAIL_MAX + 64];
	enum sent sent = NOT_SENT;
	int r, tries = 0;

	r = send_code(s, rec, &check, &answer, &sent);
	if (r != SSPR_OK)
		return r;
	if (sent == NOT_SENT && !s->hide) {
		sspr_challenge_withdraw(s, "email");
		sspr_session_refuse(s, "The code could not be sent.");
		return SSPR_ERR;
	}
	sspr_email_mask(rec->email.address, masked, sizeof(masked));
	if (s->hide) {
		sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", SSPR_EMAIL_SENT_HIDDEN);
		snprintf(prompt, sizeof(prompt), "%s", SSPR_EMAIL_PROMPT_HIDDEN);
	} else {
		if (sent == SENT_RECENTLY)
			sspr_conv_say(s->pamh, PAM_TEXT_INFO, "A code was sent to %s less than a "
				      "minute ago: use that one.", masked);
		else
			sspr_conv_say(s->pamh, PAM_TEXT_INFO, "A code has been sent to %s.",
				      masked);
		snprintf(prompt, sizeof(prompt), "Verification code from the e-mail sent to %s: ",
			 masked);
	}
	do {
		char *code = NULL;

		if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, &code) != PAM_SUCCESS) {
			sspr_session_aborted(s, "email", SSPR_EMAIL_REFUSED);
			return SSPR_EINVAL;
		}
		answer.typed = code;
		answer.may_retry = false;
		r = sspr_challenge_decide(s, &check, NULL);
		sspr_conv_free(code);
		tries++;
		/* Hidden, every refused dialog has all its tries, as a decoy's
		 * has: stopping early would tell that a lock just started. */
	} while ((r == SSPR_EBADCODE || r == SSPR_ELOCKED) && tries < SSPR_EMAIL_TRIES &&
		 (s->hide || (answer.may_retry && !s->lock_started)));
	return r;
}

/* Its decoy (decoy.h): "sent", then the prompt and the refusal as often
 * as the real one allows. */
int sspr_decoy_email(struct sspr_session *s, const struct sspr_record *rec)
{
	(void)rec;
	/* The real one stores the pending code in its opening write. */
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", SSPR_EMAIL_SENT_HIDDEN);
	for (int i = 0; i < SSPR_EMAIL_TRIES; i++) {
		char *code = NULL;

		int r;

		if (!sspr_decoy_ask(s, "email", SSPR_EMAIL_PROMPT_HIDDEN, SSPR_EMAIL_REFUSED, &code))
			return SSPR_EINVAL;
		sspr_conv_free(code);
		r = sspr_decoy_refuse(s, "email", SSPR_EMAIL_REFUSED);
		if (r != SSPR_EBADCODE || i + 1 == SSPR_EMAIL_TRIES)
			return r;
	}
	return SSPR_EBADCODE;
}
