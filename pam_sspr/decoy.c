/* Decoy challenges (enumeration = hide): what someone who cannot reset
 * sees instead of "not set up" or "locked", and what an enrolled user sees
 * for a method of the menu they did not enroll. Each one shows the prompts
 * of the real challenge in the same order, does the same expensive work
 * (opening a sealed secret, Argon2id, as many synced store writes), and
 * ends with the same refusal. The truth goes only to syslog and the audit
 * trail, written before the decoy starts. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "answer.h"
#include "challenge.h"
#include "codes.h"
#include "conv.h"
#include "decoy.h"
#include "hostkey.h"
#include "question_draw.h"
#include "questions.h"
#include "answer_check.h"
#include "totp.h"
#include "util.h"

/* A synced store write where the real challenge makes one (opening,
 * verdict). When it fails, the decoy ends as the real challenge does when
 * its write fails: "unavailable" (a stopped writer must not tell who is
 * real). Returns SSPR_OK or the store's error, reported. */
static int pace_write(struct sspr_session *s, const char *method)
{
	struct sspr_error err = {{0}};
	int r = sspr_session_paced_write(s, &err);

	if (r != SSPR_OK) {
		sspr_session_outcome(s, LOG_ERR, false, "unavailable", method, err.msg);
		sspr_session_refuse(s, SSPR_MSG_UNAVAILABLE);
	}
	return r;
}

/* Asks one prompt; false when the conversation failed, which is then
 * answered as a real challenge answers it (sspr_session_aborted, with its
 * audit write). */
static bool ask(struct sspr_session *s, const char *method, const char *prompt,
		const char *refusal, char **reply)
{
	if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, reply) == PAM_SUCCESS)
		return true;
	sspr_session_aborted(s, method, refusal);
	return false;
}

static int refuse(struct sspr_session *s, const char *method, const char *text)
{
	int r = pace_write(s, method);

	if (r != SSPR_OK)
		return r;
	sspr_session_refuse(s, text);
	return SSPR_EBADCODE;
}

static int decoy_totp(struct sspr_session *s)
{
	uint8_t sealed[SSPR_SEALED_MAX], secret[SSPR_TOTP_SECRET_MAX];
	struct sspr_hostkey key;
	struct sspr_error err = {{0}};
	size_t len = 0;
	uint64_t step;
	char *code = NULL;

	/* The real challenge opens the user's sealed secret first. */
	randombytes_buf(sealed, sizeof(sealed));
	if (sspr_hostkey_load(s->policy.key_dir, &key, &err) == SSPR_OK)
		(void)sspr_unseal(&key, sealed, SSPR_SEAL_OVERHEAD + 20, secret, sizeof(secret),
				  &len);
	sspr_hostkey_wipe(&key);
	if (!ask(s, "totp", SSPR_TOTP_PROMPT, SSPR_TOTP_REFUSED, &code))
		return SSPR_EINVAL;
	randombytes_buf(secret, 20);
	(void)sspr_totp_find_step(secret, 20, &s->policy.totp, sspr_now(), code, &step);
	sodium_memzero(secret, sizeof(secret));
	sspr_conv_free(code);
	return refuse(s, "totp", SSPR_TOTP_REFUSED);
}

static int decoy_recovery(struct sspr_session *s)
{
	struct sspr_record *scratch = sodium_malloc(sizeof(*scratch));
	char *code = NULL;

	if (!ask(s, "recovery", SSPR_RECOVERY_PROMPT, SSPR_RECOVERY_REFUSED, &code)) {
		sodium_free(scratch);
		return SSPR_EINVAL;
	}
	if (scratch != NULL) {
		sspr_record_init(scratch);
		(void)sspr_recovery_find(scratch, code); /* the keyed hash a real check makes */
		sodium_free(scratch);
	}
	sspr_conv_free(code);
	return refuse(s, "recovery", SSPR_RECOVERY_REFUSED);
}

static int decoy_email(struct sspr_session *s)
{
	/* The real one stores the pending code in its opening write. */
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", SSPR_EMAIL_SENT_HIDDEN);
	for (int i = 0; i < SSPR_EMAIL_TRIES; i++) {
		char *code = NULL;

		int r;

		if (!ask(s, "email", SSPR_EMAIL_PROMPT_HIDDEN, SSPR_EMAIL_REFUSED, &code))
			return SSPR_EINVAL;
		sspr_conv_free(code);
		r = refuse(s, "email", SSPR_EMAIL_REFUSED);
		if (r != SSPR_EBADCODE || i + 1 == SSPR_EMAIL_TRIES)
			return r;
	}
	return SSPR_EBADCODE;
}

/* The questions a decoy asks, as question texts. Whoever has a question
 * set of their own (a locked user, one outside the group) is asked from
 * it, with the draw their record keeps for this period, or else one keyed
 * to the period: what they saw before the lock, they see during it. A
 * stranger gets questions_to_register questions of the questions file
 * keyed to the name for ever, and questions_to_reset of those keyed to
 * the period, as a real draw changes. NULL when there is nothing to ask
 * (no key or no questions file). */
static const char **decoy_questions_pick(struct sspr_session *s, const struct sspr_record *rec,
					 struct sspr_question_list *list, const char **texts,
					 unsigned *n_asked)
{
	struct sspr_draw draw;
	struct sspr_error err = {{0}};
	unsigned registered = s->policy.questions_to_register, asked = s->policy.questions_to_reset;
	unsigned set[SSPR_QUESTIONS_MAX], picked[SSPR_QUESTIONS_MAX];

	if (sspr_draw_begin(s, sspr_now(), &draw, &err) != SSPR_OK) {
		sspr_session_debug(s, "decoy questions unavailable: %s", err.msg);
		return NULL;
	}
	if (rec != NULL && rec->n_questions > 0) {
		*n_asked = asked < rec->n_questions ? asked : rec->n_questions;
		if (!sspr_draw_kept(rec, &draw, *n_asked, picked))
			sspr_draw_shuffle(draw.seed, rec->n_questions, *n_asked, picked);
		for (unsigned i = 0; i < *n_asked; i++)
			texts[i] = rec->questions[picked[i]].question;
		sspr_draw_wipe(&draw);
		return texts;
	}
	if (sspr_questions_load(s->policy.questions_file, list, &err) != SSPR_OK ||
	    list->count < registered || asked > registered) {
		sspr_session_debug(s, "decoy questions unavailable: %s", err.msg);
		sspr_draw_wipe(&draw);
		return NULL;
	}
	sspr_draw_shuffle(draw.set_seed, (unsigned)list->count, registered, set);
	sspr_draw_shuffle(draw.seed, registered, asked, picked);
	sspr_draw_wipe(&draw);
	for (unsigned i = 0; i < asked; i++)
		texts[i] = list->text[set[picked[i]]];
	*n_asked = asked;
	return texts;
}

static int decoy_questions(struct sspr_session *s, const struct sspr_record *rec)
{
	struct sspr_question_list *list = sodium_malloc(sizeof(*list));
	const char *texts[SSPR_QUESTIONS_MAX];
	unsigned asked = 0;
	int r = SSPR_OK;

	if (list == NULL || decoy_questions_pick(s, rec, list, texts, &asked) == NULL) {
		/* Nothing plausible to ask: the authenticator prompt is the
		 * next best disguise. */
		if (list != NULL)
			sodium_free(list);
		return decoy_totp(s);
	}
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", SSPR_QUESTIONS_INTRO);
	for (unsigned i = 0; i < asked && r == SSPR_OK; i++) {
		char prompt[SSPR_QUESTION_MAX + 2], *reply = NULL;

		snprintf(prompt, sizeof(prompt), "%s ", texts[i]);
		if (!ask(s, "questions", prompt, SSPR_QUESTIONS_REFUSED, &reply)) {
			r = SSPR_EINVAL;
			break;
		}
		sspr_conv_free(reply);
		/* As long as a real check, without its CPU, memory or slot. */
		r = sspr_answer_decoy_check(s);
	}
	sodium_free(list);
	return r == SSPR_OK ? refuse(s, "questions", SSPR_QUESTIONS_REFUSED) : r;
}

int sspr_decoy_challenge(struct sspr_session *s, unsigned method, const struct sspr_record *rec,
			 bool opened)
{
	/* A real challenge opens with a write that counts the attempt
	 * (sspr_challenge_begin); unless that write was made, so does this. */
	if (!opened && pace_write(s, sspr_method_name(method)) != SSPR_OK)
		return SSPR_ERR;
	switch (method) {
	case SSPR_METHOD_QUESTIONS:
		return decoy_questions(s, rec);
	case SSPR_METHOD_EMAIL:
		return decoy_email(s);
	case SSPR_METHOD_RECOVERY:
		return decoy_recovery(s);
	default:
		return decoy_totp(s);
	}
}
