/* SPDX-License-Identifier: BSD-2-Clause */
/* The challenges a user answers to prove who they are. Each returns
 * SSPR_OK when the user passed; every other outcome has already been told
 * to the user and reported (syslog + audit) when it returns.
 *
 * Every challenge ends in sspr_challenge_decide(): the answer is judged
 * against the record as it is inside one store update, with the lockout
 * rules around it, so that spent codes, failure counts and locks hold
 * when several logins race. Slow work (Argon2id, opening a sealed secret,
 * sending mail) happens before, outside the write. */
#ifndef SSPR_CHALLENGE_H
#define SSPR_CHALLENGE_H

#include <stdint.h>

#include "i18n.h"
#include "record.h"
#include "session.h"

enum sspr_verdict {
	SSPR_VERDICT_ACCEPTED,
	SSPR_VERDICT_REFUSED,      /* wrong answer: counts toward the lockout */
	SSPR_VERDICT_REPLAY,       /* spent code: counts, and reads as a wrong one */
	SSPR_VERDICT_EXPIRED,      /* e-mailed code too old: does not count */
	SSPR_VERDICT_LOCKED,
	SSPR_VERDICT_NOT_ENROLLED, /* the method went away meanwhile */
};

struct sspr_check {
	const char *method;       /* a method's name (sspr_method_name) */
	const char *refused_result; /* "bad-code" or "bad-answer": log and audit */
	const char *refused_text;   /* told to the user on a refusal */
	/* Judges the answer against the current record; may change it (spend
	 * a code). Runs inside the store update, possibly more than once, so
	 * it must give the same answer for the same input. */
	enum sspr_verdict (*judge)(struct sspr_record *rec, int64_t now, void *ctx);
	/* Optional: runs in the write that opens the challenge (what the
	 * challenge keeps in the record while it is shown). Same rules as
	 * judge. */
	void (*prepare)(struct sspr_record *rec, int64_t now, void *ctx);
	void *ctx;
};

/* Opens a challenge, before its first prompt: one store update counts the
 * attempt as a failure already (sspr_lockout_charge) and writes a
 * "challenge shown" audit event, so that a dialog that ends without a
 * verdict (an error, an over-long reply, a killed process) is counted and
 * on record. The verdict (sspr_challenge_decide) takes the failure back
 * or keeps it. Returns SSPR_OK: show the challenge. Anything else ends it,
 * told and reported: SSPR_ELOCKED (resets are locked, perhaps by this very
 * charge), SSPR_ENOENT (the method went away), a store error; with
 * enumeration = hide the first two are not told but followed by the
 * method's decoy (rec: the record the challenge was chosen from), whose
 * status is returned. */
int sspr_challenge_begin(struct sspr_session *s, const struct sspr_check *check,
			 const struct sspr_record *rec);

/* The challenge cannot go on for a reason of ours (the mail did not go
 * out): the failure counted when it opened is taken back. */
void sspr_challenge_withdraw(struct sspr_session *s, const char *method);
/* The same, undoing in the same write what the opening's prepare stored
 * (a code that never went out must not count as sent). */
void sspr_challenge_withdraw_undo(struct sspr_session *s, const char *method,
				  void (*undo)(struct sspr_record *rec, void *ctx), void *ctx);

/* Returns SSPR_OK when accepted; otherwise reports the outcome and
 * returns SSPR_EBADCODE, SSPR_ELOCKED, SSPR_ENOENT or a store error. The
 * verdict is left in *verdict (may be NULL). */
int sspr_challenge_decide(struct sspr_session *s, const struct sspr_check *check,
			  enum sspr_verdict *verdict);

/* A challenge of one secret prompt (recovery code, pass): opens it, asks
 * prompt (a message id, translated here) with echo off, points *typed at the reply for check->judge and
 * decides; the reply is freed before it returns. Returns what
 * sspr_challenge_decide returns, or SSPR_EINVAL when the conversation
 * failed (reported as aborted). */
int sspr_challenge_secret(struct sspr_session *s, const struct sspr_check *check,
			  const struct sspr_record *rec, const char *prompt, const char **typed);

/* Each method's challenge and its decoy, side by side in challenge_NAME.c
 * (the decoy shows the same prompts in the same order, does the same
 * expensive work and ends with the same refusal; decoy.h), and the table
 * that ties them to the method's bit, in the spirit of OpenSSH's
 * authmethods[]. Both return SSPR_OK (accepted; the decoy never does),
 * SSPR_EBADCODE, SSPR_EINVAL when the conversation failed, or an error. */
typedef int (*sspr_challenge_fn)(struct sspr_session *s, const struct sspr_record *rec);

struct sspr_method_ops {
	unsigned method; /* a bit of enum sspr_method */
	sspr_challenge_fn challenge;
	sspr_challenge_fn decoy;
};

/* The entry of a method; an unknown bit gets TOTP's, the least telling. */
const struct sspr_method_ops *sspr_method_ops_of(unsigned method);

int sspr_challenge_totp(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_totp(struct sspr_session *s, const struct sspr_record *rec);
int sspr_challenge_questions(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_questions(struct sspr_session *s, const struct sspr_record *rec);
int sspr_challenge_email(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_email(struct sspr_session *s, const struct sspr_record *rec);
int sspr_challenge_recovery(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_recovery(struct sspr_session *s, const struct sspr_record *rec);
int sspr_challenge_pass(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_pass(struct sspr_session *s, const struct sspr_record *rec);
int sspr_challenge_delegated(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_delegated(struct sspr_session *s, const struct sspr_record *rec);
int sspr_challenge_phone(struct sspr_session *s, const struct sspr_record *rec);
int sspr_decoy_phone(struct sspr_session *s, const struct sspr_record *rec);

/* Prompts and refusals, shared by the real challenges and their decoys
 * (decoy.c) so the two can never drift apart. They are message ids
 * (i18n.h): a prompt is translated where it is asked, a refusal where
 * sspr_session_refuse shows it, so real and decoy show the same words. */
#define SSPR_TOTP_PROMPT N_("Verification code from your authenticator app: ")
#define SSPR_TOTP_REFUSED N_("The code is not valid.")
#define SSPR_QUESTIONS_INTRO N_("Answer your security questions.")
#define SSPR_QUESTIONS_REFUSED N_("The answers are not correct.")
#define SSPR_RECOVERY_PROMPT N_("Recovery code: ")
#define SSPR_RECOVERY_REFUSED N_("The recovery code is not valid.")
#define SSPR_PASS_PROMPT N_("Temporary access pass: ")
#define SSPR_PASS_REFUSED N_("The temporary access pass is not valid.")
#define SSPR_DELEGATED_REFUSED N_("The check did not succeed.")
#define SSPR_EMAIL_SENT_HIDDEN N_("A code has been sent to your registered e-mail address.")
#define SSPR_EMAIL_PROMPT_HIDDEN N_("Verification code from the e-mail: ")
#define SSPR_PHONE_SENT_HIDDEN N_("A code has been sent to your registered phone number.")
#define SSPR_PHONE_PROMPT_HIDDEN N_("Code from the text message: ")

#define SSPR_MSG_UNAVAILABLE N_("Password reset is unavailable.")
#define SSPR_MSG_NOT_SET_UP N_("Password reset is not set up for this account.")
#define SSPR_MSG_NOT_OFFERED N_("Password reset is not offered here.")
#define SSPR_MSG_CANNOT_CHANGE                                                                     \
	N_("Password reset is not possible in this program: it cannot change passwords.")
#define SSPR_MSG_ACCOUNT_DISABLED                                                                  \
	N_("This account is locked or expired. Only an administrator can enable it again.")
#define SSPR_MSG_NO_LOCAL_PASSWORD                                                                 \
	N_("This account's password is not kept on this host, so it cannot be reset here.")
#define SSPR_MSG_NO_DIRECTORY_ACCOUNT                                                              \
	N_("This account's password is not kept in the directory, so it cannot be reset here.")
#define SSPR_MSG_LOCKED N_("Password reset is locked after too many failed attempts. Try again later.")

#endif
