/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll questions: the user picks questions_to_register distinct
 * questions (from questions_file, or their own when custom_questions =
 * yes) and types each answer twice with echo off. Answers are checked
 * against the policy's rules, hashed with Argon2id, and only the hashes are
 * stored; the new set replaces any earlier one as a whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "answer.h"
#include "enroll.h"
#include "enrollment.h"
#include "questions.h"
#include "store.h"

#define PICK_TRIES 5   /* invalid choices of one question before giving up */
#define ANSWER_TRIES 5 /* refused or mistyped answers to one question */
#define LINE_MAX_BYTES (SSPR_QUESTION_MAX + 2)

/* Everything typed lives here, in guarded memory wiped on every path. */
struct question_set {
	size_t n;
	char question[SSPR_QUESTIONS_MAX][SSPR_QUESTION_MAX + 1];
	char answer[SSPR_QUESTIONS_MAX][SSPR_ANSWER_MAX + 1]; /* normalised */
	char hash[SSPR_QUESTIONS_MAX][SSPR_HASH_STR_MAX];
	char typed[LINE_MAX_BYTES];
	char again[SSPR_ANSWER_MAX + 1];
	char norm_a[SSPR_ANSWER_MAX + 1], norm_b[SSPR_ANSWER_MAX + 1];
};

struct questions_update {
	const struct question_set *set;
	const char *user;
	int64_t now;
};

static int store_questions(struct sspr_record *rec, bool exists, struct sspr_event *ev,
			   void *ctx)
{
	const struct questions_update *u = ctx;
	const char *question[SSPR_QUESTIONS_MAX], *hash[SSPR_QUESTIONS_MAX];
	int r;

	(void)exists;
	for (size_t i = 0; i < u->set->n && i < SSPR_QUESTIONS_MAX; i++) {
		question[i] = u->set->question[i];
		hash[i] = u->set->hash[i];
	}
	r = sspr_record_set_questions(rec, question, hash, (unsigned)u->set->n, u->now, NULL);
	if (r != SSPR_OK)
		return r;
	sspr_event_set(ev, u->now, "enroll", "success", "questions", u->user, ENROLL_SERVICE, "",
		       NULL);
	return SSPR_OK;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* True when q reads the same (after normalisation) as a question already
 * chosen: "What is your pet's name?" twice is one question. */
static bool already_chosen(struct question_set *s, const char *q)
{
	size_t chars;

	if (sspr_answer_normalise(q, s->norm_a, sizeof(s->norm_a), &chars) != SSPR_OK)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		if (sspr_answer_normalise(s->question[i], s->norm_b, sizeof(s->norm_b), &chars) ==
			    SSPR_OK &&
		    strcmp(s->norm_a, s->norm_b) == 0)
			return true;
	}
	return false;
}

/* Fills s->question[s->n]. SSPR_EXIT_OK, or SSPR_EXIT_ERROR at end of
 * input or after PICK_TRIES invalid choices. */
static int pick_question(const struct enroll_ctx *ctx, const struct sspr_question_list *list,
			 struct question_set *s)
{
	struct sspr_error err = {{0}};
	char prompt[512];
	const char *q;

	if (list->count == 0)
		snprintf(prompt, sizeof(prompt), _("Question %zu of %u: write your own question: "),
			 s->n + 1, ctx->pol.questions_to_register);
	else if (ctx->pol.custom_questions)
		snprintf(prompt, sizeof(prompt),
			 /* TRANSLATORS: its number: the number of a question in
			  * the list shown above. */
			 _("Question %zu of %u: type its number, or write your own question: "),
			 s->n + 1, ctx->pol.questions_to_register);
	else
		snprintf(prompt, sizeof(prompt), _("Question %zu of %u: type its number: "),
			 s->n + 1, ctx->pol.questions_to_register);
	for (int tries = 0; tries < PICK_TRIES; tries++) {
		int r = enroll_read_line(prompt, s->typed, sizeof(s->typed));

		if (r == -1)
			return SSPR_EXIT_ERROR;
		q = s->typed;
		if (r == -2) {
			printf(_("That question is too long (at most %d bytes).\n"),
			       SSPR_QUESTION_MAX);
			continue;
		}
		if (all_digits(s->typed) && list->count > 0) {
			unsigned long k = strtoul(s->typed, NULL, 10);

			if (k < 1 || k > list->count) {
				/* TRANSLATORS: %s is the number the user typed, %zu
				 * the number of questions in the list. */
				printf(_("There is no question %s; choose 1 to %zu.\n"), s->typed,
				       list->count);
				continue;
			}
			q = list->text[k - 1];
		} else if (!ctx->pol.custom_questions) {
			fputs(_("Type the number of a question from the list.\n"), stdout);
			continue;
		} else if (sspr_question_text_check(s->typed, &err) != SSPR_OK) {
			/* TRANSLATORS: %s says why. */
			printf(_("That question cannot be used: %s\n"), err.msg);
			continue;
		}
		if (already_chosen(s, q)) {
			fputs(_("You already chose that question; pick another one.\n"), stdout);
			continue;
		}
		if (sspr_strlcpy(s->question[s->n], q, sizeof(s->question[s->n])) != SSPR_OK)
			continue;
		return SSPR_EXIT_OK;
	}
	cli_error("%s", _("too many invalid choices"));
	return SSPR_EXIT_ERROR;
}

/* Fills s->answer[s->n] (normalised) for s->question[s->n]. */
static int ask_answer(const struct enroll_ctx *ctx, struct question_set *s)
{
	const char *others[SSPR_QUESTIONS_MAX];
	struct sspr_error err = {{0}};
	char *answer = s->answer[s->n];
	size_t chars;
	int r;

	for (size_t i = 0; i < s->n; i++)
		others[i] = s->answer[i];
	printf("%s\n", s->question[s->n]);
	for (int tries = 0; tries < ANSWER_TRIES; tries++) {
		r = enroll_read_secret(_("Answer (not shown): "), s->typed, sizeof(s->typed));
		if (r == -1)
			return SSPR_EXIT_ERROR;
		if (r == -2 || sspr_answer_normalise(s->typed, answer, SSPR_ANSWER_MAX + 1,
						     &chars) != SSPR_OK) {
			fputs(_("That answer cannot be used: it is too long or has characters that "
				"cannot be typed.\n"),
			      stdout);
			continue;
		}
		sodium_memzero(s->typed, sizeof(s->typed));
		if (sspr_answer_check(&ctx->pol, ctx->user, s->question[s->n], answer, chars,
				      others, s->n, &err) != SSPR_OK) {
			/* TRANSLATORS: %s says why, such as "an answer may not repeat the
			 * question". */
			printf(_("That answer cannot be used: %s\n"), err.msg);
			continue;
		}
		r = enroll_read_secret(_("Type the answer again: "), s->typed, sizeof(s->typed));
		if (r == -1)
			return SSPR_EXIT_ERROR;
		if (r == 0 && sspr_answer_normalise(s->typed, s->again, sizeof(s->again), &chars) ==
				      SSPR_OK &&
		    strlen(s->again) == strlen(answer) &&
		    sodium_memcmp(s->again, answer, strlen(answer)) == 0)
			return SSPR_EXIT_OK;
		fputs(_("The two answers do not match; type it again.\n"), stdout);
	}
	cli_error("%s", _("too many refused or mistyped answers"));
	return SSPR_EXIT_ERROR;
}

static int load_list(const struct enroll_ctx *ctx, struct sspr_question_list *list)
{
	struct sspr_error err = {{0}};
	int r = sspr_questions_load(ctx->pol.questions_file, list, &err);

	if (r == SSPR_ENOENT && ctx->pol.custom_questions) {
		list->count = 0;
		return SSPR_EXIT_OK;
	}
	if (r != SSPR_OK) {
		cli_error(_("cannot read the questions: %s"), err.msg);
		return SSPR_EXIT_ERROR;
	}
	if (!ctx->pol.custom_questions && list->count < ctx->pol.questions_to_register) {
		cli_error(dngettext(SSPR_TEXT_DOMAIN,
				    /* TRANSLATORS: the plural follows the first number (0 to 4);
				     * the second is 3 to 5. */
				    "only %zu questions are available, but %u must be registered; "
				    "ask your administrator",
				    "only %zu questions are available, but %u must be registered; "
				    "ask your administrator",
				    list->count),
			  list->count, ctx->pol.questions_to_register);
		return SSPR_EXIT_ERROR;
	}
	return SSPR_EXIT_OK;
}

static void show_list(const struct enroll_ctx *ctx, const struct sspr_question_list *list)
{
	printf(dngettext(SSPR_TEXT_DOMAIN,
			 /* TRANSLATORS: %u is 3 to 5. Keep the lines under 80 columns. */
			 "Choose %u different security questions and answer them. The answers are\n"
			 "not shown while you type; case and extra spaces do not matter.\n",
			 "Choose %u different security questions and answer them. The answers are\n"
			 "not shown while you type; case and extra spaces do not matter.\n",
			 ctx->pol.questions_to_register),
	       ctx->pol.questions_to_register);
	if (list->count > 0)
		printf("\n");
	for (size_t i = 0; i < list->count; i++)
		printf("%3zu. %s\n", i + 1, list->text[i]);
	if (list->count > 0 && ctx->pol.custom_questions)
		printf("\n%s", _("You may also write questions of your own.\n"));
	printf("\n");
}

int enroll_cmd_questions(struct enroll_ctx *ctx)
{
	struct sspr_question_list *list = NULL;
	struct question_set *s = NULL;
	struct questions_update u = {.user = ctx->user};
	struct sspr_record current;
	int r = SSPR_EXIT_ERROR;

	sspr_record_init(&current);
	if ((r = enroll_method_allowed(ctx, SSPR_METHOD_QUESTIONS)) != SSPR_EXIT_OK)
		return r;
	r = SSPR_EXIT_ERROR;
	if (ctx->pol.questions_to_register > SSPR_QUESTIONS_MAX) {
		/* TRANSLATORS: questions_to_register is a setting of the policy
		 * file: keep it. */
		cli_error(_("questions_to_register must be at most %d"), SSPR_QUESTIONS_MAX);
		goto out;
	}
	if (sodium_init() < 0) {
		cli_error("%s", _("cannot initialise libsodium"));
		goto out;
	}
	list = calloc(1, sizeof(*list));
	s = sodium_malloc(sizeof(*s));
	if (list == NULL || s == NULL) {
		cli_error("%s", _("out of memory"));
		goto out;
	}
	sodium_memzero(s, sizeof(*s));
	if ((r = load_list(ctx, list)) != SSPR_EXIT_OK)
		goto out;
	r = SSPR_EXIT_ERROR;
	if (enroll_load_record(ctx, &current) == SSPR_OK && current.n_questions > 0)
		printf(dngettext(SSPR_TEXT_DOMAIN,
				 "You have %u security questions registered; the new set replaces "
				 "them.\n\n",
				 "You have %u security questions registered; the new set replaces "
				 "them.\n\n",
				 current.n_questions),
		       current.n_questions);
	show_list(ctx, list);
	while (s->n < ctx->pol.questions_to_register) {
		r = pick_question(ctx, list, s);
		if (r == SSPR_EXIT_OK)
			r = ask_answer(ctx, s);
		if (r != SSPR_EXIT_OK) {
			cli_error(dngettext(SSPR_TEXT_DOMAIN,
					    /* TRANSLATORS: the plural follows the second number,
					     * the questions asked for (3 to 5). */
					    "%zu of %u questions answered; nothing was stored",
					    "%zu of %u questions answered; nothing was stored",
					    ctx->pol.questions_to_register),
				  s->n, ctx->pol.questions_to_register);
			goto out;
		}
		s->n++;
		printf("\n");
	}
	r = SSPR_EXIT_ERROR;
	for (size_t i = 0; i < s->n; i++) {
		if (sspr_answer_hash(s->answer[i], ctx->pol.argon2_opslimit,
				     ctx->pol.argon2_memlimit, s->hash[i]) != SSPR_OK) {
			/* TRANSLATORS: argon2_memlimit is a setting of the policy
			 * file: keep it. */
			cli_error("%s", _("cannot hash the answers (argon2_memlimit too high?)"));
			goto out;
		}
		sodium_memzero(s->answer[i], sizeof(s->answer[i]));
	}
	u.set = s;
	u.now = sspr_now();
	if (enroll_update_record(ctx, store_questions, &u, _("cannot store the questions")) < 0)
		goto out;
	printf(dngettext(SSPR_TEXT_DOMAIN, "Your %zu security questions are registered.\n",
			 "Your %zu security questions are registered.\n", s->n),
	       s->n);
	r = SSPR_EXIT_OK;
out:
	if (s != NULL)
		sodium_free(s); /* sodium_free wipes before unmapping */
	free(list);
	sspr_record_wipe(&current);
	return r;
}
