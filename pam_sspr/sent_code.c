/* SPDX-License-Identifier: BSD-2-Clause */
/* The sent-code challenge and its decoy (sent_code.h). */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "codes.h"
#include "conv.h"
#include "decoy.h"
#include "sent_code.h"

/* A new code at most this often. */
#define RESEND_SECONDS 60
#define MASKED_MAX (SSPR_EMAIL_MAX + 16)

struct code_answer {
	const struct sspr_policy *pol;
	unsigned method;
	char hash[SSPR_HASH_STR_MAX]; /* of the code to send */
	bool too_soon;  /* output of the opening: a code went out less than a minute ago */
	int64_t stored_expiry; /* output of the opening: the expiry of the code it stored */
	bool unsent;    /* the command failed: the stored code never went out */
	const char *typed;
	bool may_retry; /* output: the code is still pending after a refusal */
};

/* Runs in the write that opens the challenge: the new code is stored
 * (hashed) before it is sent. */
static void store_pending(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct code_answer *a = ctx;
	struct sspr_contact_slot c;

	a->too_soon = false;
	if (!sspr_record_contact(rec, a->method, &c))
		return;
	if (*c.has_pending &&
	    c.pending->expires_at - (int64_t)a->pol->code_lifetime > now - RESEND_SECONDS) {
		a->too_soon = true;
		return;
	}
	*c.has_pending = true;
	memcpy(c.pending->hash, a->hash, sizeof(c.pending->hash));
	c.pending->expires_at = now + (int64_t)a->pol->code_lifetime;
	c.pending->tries = 0;
	a->stored_expiry = c.pending->expires_at;
}

static void clear_pending(const struct sspr_contact_slot *c)
{
	sodium_memzero(c->pending, sizeof(*c->pending));
	*c->has_pending = false;
}

/* The code stored by store_pending never went out: it goes (if it is
 * still ours, not one a concurrent attempt sent since), so the next
 * attempt sends one instead of pointing at a message that never came. */
static void drop_unsent(struct sspr_record *rec, void *ctx)
{
	const struct code_answer *a = ctx;
	struct sspr_contact_slot c;

	if (sspr_record_contact(rec, a->method, &c) && *c.has_pending &&
	    c.pending->expires_at == a->stored_expiry)
		clear_pending(&c);
}

static enum sspr_verdict judge_code(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct code_answer *a = ctx;
	struct sspr_contact_slot c;

	a->may_retry = false;
	if (!sspr_record_contact(rec, a->method, &c) || !*c.has || !c.contact->verified)
		return SSPR_VERDICT_NOT_ENROLLED;
	/* Hidden, a code that could not be sent is asked for as if it had
	 * been (a stranger's decoy cannot fail that way); the answer is not
	 * the user's failure, and the unsent code goes in this write. */
	if (a->unsent) {
		drop_unsent(rec, a);
		return SSPR_VERDICT_EXPIRED;
	}
	if (!*c.has_pending)
		return SSPR_VERDICT_EXPIRED; /* spent, used up or replaced */
	if (now >= c.pending->expires_at) {
		clear_pending(&c);
		return SSPR_VERDICT_EXPIRED;
	}
	if (sspr_code_verify(c.pending->hash, a->typed)) {
		clear_pending(&c);
		return SSPR_VERDICT_ACCEPTED;
	}
	if (++c.pending->tries >= SSPR_CODE_TRIES)
		clear_pending(&c);
	else
		a->may_retry = true;
	return SSPR_VERDICT_REFUSED;
}

enum sent {
	SENT,
	SENT_RECENTLY, /* less than a minute ago: that code stays valid, none is sent */
	NOT_SENT,      /* the command failed (reported) */
};

/* Opens the challenge, storing the new code in the same write, and sends
 * it to `contact`; *sent says what happened. Returns SSPR_OK, or what
 * sspr_challenge_begin returned (reported; with enumeration = hide a
 * decoy has run). A code that cannot be sent is SSPR_OK with NOT_SENT:
 * with enumeration = hide the dialog goes on as if it had been, since a
 * stranger's decoy cannot fail that way. */
static int send_code(struct sspr_session *s, const struct sspr_record *rec,
		     const struct sspr_code_channel *ch, const struct sspr_check *check,
		     const char *contact, struct code_answer *a, enum sent *sent)
{
	char code[SSPR_CODE_SIZE];
	struct sspr_error err = {{0}};
	const char *method = check->method;
	int r;

	r = sspr_code_generate(s->policy.code_length, code);
	if (r == SSPR_OK)
		r = sspr_code_hash(code, a->hash);
	if (r != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", method, "code generation",
				  SSPR_MSG_UNAVAILABLE);
		goto out;
	}
	r = sspr_challenge_begin(s, check, rec);
	if (r != SSPR_OK)
		goto out;
	if (a->too_soon) {
		sspr_session_debug(s, "%s code for %s sent less than a minute ago: not resent",
				   method, s->user);
		*sent = SENT_RECENTLY;
		goto out;
	}
	*sent = SENT;
	if (ch->send(s, contact, code, &err) != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, true, "unavailable", method, err.msg);
		*sent = NOT_SENT;
		a->unsent = true;
	}
out:
	sodium_memzero(code, sizeof(code));
	sodium_memzero(a->hash, sizeof(a->hash));
	return r;
}

/* Tells where the code went and returns the prompt for it. */
static void announce(struct sspr_session *s, const struct sspr_code_channel *ch,
		     const char *contact, enum sent sent, char *prompt, size_t size)
{
	char masked[MASKED_MAX];

	if (s->hide) {
		sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", _(ch->sent_hidden));
		snprintf(prompt, size, "%s", _(ch->prompt_hidden));
		return;
	}
	ch->mask(contact, masked, sizeof(masked));
	if (sent == SENT_RECENTLY)
		/* TRANSLATORS: %s is a masked e-mail address or phone number. */
		sspr_conv_say(s->pamh, PAM_TEXT_INFO,
			      _("A code was sent to %s less than a minute ago: use that one."), masked);
	else
		/* TRANSLATORS: %s is a masked e-mail address or phone number. */
		sspr_conv_say(s->pamh, PAM_TEXT_INFO, _("A code has been sent to %s."), masked);
	ch->prompt(masked, prompt, size);
}

int sspr_sent_code_challenge(struct sspr_session *s, const struct sspr_record *rec,
			     const struct sspr_code_channel *ch)
{
	struct code_answer answer = {.pol = &s->policy, .method = ch->method};
	const char *method = sspr_method_name(ch->method);
	const struct sspr_check check = {
		.method = method,
		.refused_result = "bad-code",
		.refused_text = SSPR_CODE_REFUSED,
		.judge = judge_code,
		.prepare = store_pending,
		.ctx = &answer,
	};
	const char *contact = sspr_record_contact_of(rec, ch->method)->address;
	char prompt[MASKED_MAX + 64];
	enum sent sent = NOT_SENT;
	int r, tries = 0;

	r = send_code(s, rec, ch, &check, contact, &answer, &sent);
	if (r != SSPR_OK)
		return r;
	if (sent == NOT_SENT && !s->hide) {
		sspr_challenge_withdraw_undo(s, method, drop_unsent, &answer);
		sspr_session_refuse(s, N_("The code could not be sent."));
		return SSPR_ERR;
	}
	announce(s, ch, contact, sent, prompt, sizeof(prompt));
	do {
		char *code = NULL;

		if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, &code) != PAM_SUCCESS) {
			sspr_session_aborted(s, method, SSPR_CODE_REFUSED);
			return SSPR_EINVAL;
		}
		answer.typed = code;
		answer.may_retry = false;
		r = sspr_challenge_decide(s, &check, NULL);
		sspr_conv_free(code);
		tries++;
		/* Hidden, every refused dialog has all its tries, as a decoy's
		 * has: stopping early would tell that a lock just started. */
	} while ((r == SSPR_EBADCODE || r == SSPR_ELOCKED) && tries < SSPR_CODE_TRIES &&
		 (s->hide || (answer.may_retry && !s->lock_started)));
	return r;
}

int sspr_sent_code_decoy(struct sspr_session *s, const struct sspr_code_channel *ch)
{
	const char *method = sspr_method_name(ch->method);

	/* The real one stores the pending code in its opening write. */
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", _(ch->sent_hidden));
	for (int i = 0; i < SSPR_CODE_TRIES; i++) {
		char *code = NULL;
		int r;

		if (!sspr_decoy_ask(s, method, _(ch->prompt_hidden), SSPR_CODE_REFUSED, &code))
			return SSPR_EINVAL;
		sspr_conv_free(code);
		r = sspr_decoy_refuse(s, method, SSPR_CODE_REFUSED);
		if (r != SSPR_EBADCODE || i + 1 == SSPR_CODE_TRIES)
			return r;
	}
	return SSPR_EBADCODE;
}
