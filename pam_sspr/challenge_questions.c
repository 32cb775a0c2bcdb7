/* SPDX-License-Identifier: BSD-2-Clause */
/* The security-question challenge: questions_to_reset of the user's
 * questions, drawn once and kept until they are answered right or their
 * draw period ends (question_draw.h), all asked and all checked before the
 * verdict, so neither the dialog nor its timing says which answer was
 * wrong. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "answer.h"
#include "answer_check.h"
#include "challenge.h"
#include "questions.h"
#include "decoy.h"
#include "conv.h"
#include "question_draw.h"
#include "util.h"

struct questions_answer {
	const struct sspr_record *asked_from; /* the record the answers were checked against */
	unsigned to_ask;                      /* questions_to_reset */
	struct sspr_draw draw;
	/* output of the opening: the questions to ask */
	unsigned picked[SSPR_QUESTIONS_MAX];
	unsigned n_picked;
	bool all_right;
};

static void forget_draw(struct sspr_record *rec)
{
	rec->n_drawn = 0;
	memset(rec->drawn, 0, sizeof(rec->drawn));
	rec->draw_epoch = 0;
}

/* Runs in the write that opens the challenge: the draw this record keeps
 * for this period, or the one keyed to the user and the period, which a
 * decoy of the same user would ask too (a locked user sees no change when
 * the lock starts or ends). */
static void keep_draw(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct questions_answer *a = ctx;
	unsigned n = rec->n_questions < a->asked_from->n_questions ? rec->n_questions
								   : a->asked_from->n_questions;

	(void)now;
	a->n_picked = a->to_ask < n ? a->to_ask : n;
	if (sspr_draw_kept(rec, &a->draw, a->n_picked, a->picked))
		return;
	sspr_draw_shuffle(a->draw.seed, n, a->n_picked, a->picked);
	rec->n_drawn = (uint8_t)a->n_picked;
	for (unsigned i = 0; i < a->n_picked; i++)
		rec->drawn[i] = (uint8_t)a->picked[i];
	rec->draw_epoch = a->draw.period;
}

static enum sspr_verdict judge_questions(struct sspr_record *rec, int64_t now, void *ctx)
{
	const struct questions_answer *a = ctx;

	if (rec->n_questions == 0)
		return SSPR_VERDICT_NOT_ENROLLED;
	/* The set changed since we read it: these answers prove nothing. */
	if (rec->n_questions != a->asked_from->n_questions || a->n_picked == 0)
		return SSPR_VERDICT_REFUSED;
	for (unsigned i = 0; i < a->n_picked; i++)
		if (strcmp(rec->questions[a->picked[i]].hash,
			   a->asked_from->questions[a->picked[i]].hash) != 0)
			return SSPR_VERDICT_REFUSED;
	if (!a->all_right)
		return SSPR_VERDICT_REFUSED;
	forget_draw(rec); /* answered: the next reset draws afresh */
	return SSPR_VERDICT_ACCEPTED;
}

/* Asks one question and checks the answer; false on any mismatch. A
 * conversation failure (SSPR_EINVAL) or no free Argon2id slot (reported)
 * comes back through *r. */
static bool ask_one(struct sspr_session *s, const struct sspr_question *q, int *r)
{
	char prompt[SSPR_QUESTION_MAX + 2], norm[SSPR_ANSWER_MAX + 1];
	char *reply = NULL;
	size_t chars = 0;
	bool right = false;

	snprintf(prompt, sizeof(prompt), "%s ", q->question);
	if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, &reply) != PAM_SUCCESS) {
		*r = SSPR_EINVAL;
		return false;
	}
	/* A reply that cannot be an answer still costs one verification, so
	 * its timing matches a wrong answer's. */
	if (sspr_answer_normalise(reply, norm, sizeof(norm), &chars) != SSPR_OK)
		norm[0] = '\0';
	right = sspr_answer_verify_slotted(s, q->hash, norm, r) && chars > 0;
	sodium_memzero(norm, sizeof(norm));
	sspr_conv_free(reply);
	return right;
}

int sspr_challenge_questions(struct sspr_session *s, const struct sspr_record *rec)
{
	struct questions_answer answer = {
		.asked_from = rec, .to_ask = s->policy.questions_to_reset, .all_right = true};
	const struct sspr_check check = {
		.method = "questions",
		.refused_result = "bad-answer",
		.refused_text = SSPR_QUESTIONS_REFUSED,
		.judge = judge_questions,
		.prepare = keep_draw,
		.ctx = &answer,
	};
	struct sspr_error err = {{0}};
	int r;

	r = sspr_draw_begin(s, sspr_now(), &answer.draw, &err);
	if (r != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", "questions", err.msg,
				  SSPR_MSG_UNAVAILABLE);
		return r;
	}
	r = sspr_challenge_begin(s, &check, rec);
	sspr_draw_wipe(&answer.draw);
	if (r != SSPR_OK)
		return r;
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", _(SSPR_QUESTIONS_INTRO));
	for (unsigned i = 0; i < answer.n_picked && r == SSPR_OK; i++)
		if (!ask_one(s, &rec->questions[answer.picked[i]], &r))
			answer.all_right = false;
	if (r == SSPR_EINVAL)
		sspr_session_aborted(s, "questions", SSPR_QUESTIONS_REFUSED);
	if (r != SSPR_OK)
		return r;
	return sspr_challenge_decide(s, &check, NULL);
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

int sspr_decoy_questions(struct sspr_session *s, const struct sspr_record *rec)
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
		return sspr_decoy_totp(s, rec);
	}
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", _(SSPR_QUESTIONS_INTRO));
	for (unsigned i = 0; i < asked && r == SSPR_OK; i++) {
		char prompt[SSPR_QUESTION_MAX + 2], *reply = NULL;

		snprintf(prompt, sizeof(prompt), "%s ", texts[i]);
		if (!sspr_decoy_ask(s, "questions", prompt, SSPR_QUESTIONS_REFUSED, &reply)) {
			r = SSPR_EINVAL;
			break;
		}
		sspr_conv_free(reply);
		/* As long as a real check, without its CPU, memory or slot. */
		r = sspr_answer_decoy_check(s);
	}
	sodium_free(list);
	return r == SSPR_OK ? sspr_decoy_refuse(s, "questions", SSPR_QUESTIONS_REFUSED) : r;
}
