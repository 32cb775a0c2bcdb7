/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin enroll USER questions --stdin: sets a user's security
 * questions from "question<TAB>answer" lines, as a helpdesk does when it
 * registers someone in person. Every answer is normalised and checked under
 * the policy like one the user typed, then hashed with Argon2id before the
 * store is touched: the store update only copies the hashes. Answers are
 * never echoed, not even in an error, and are wiped on every path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "answer.h"
#include "questions.h"
#include "util.h"

/* A question, a tab and an answer at their longest, and room for the
 * spaces people leave around them. */
#define QUESTION_LINE_MAX 1024
/* Every line at its longest plus a few comments: more is not a question
 * set but a mistake (the wrong file piped in). */
#define QUESTIONS_INPUT_MAX 16384

struct q_entry {
	char question[SSPR_QUESTION_MAX + 1];
	char answer[SSPR_ANSWER_MAX + 1]; /* normalised */
	size_t chars;
	unsigned line;
	char hash[SSPR_HASH_STR_MAX];
};

struct q_set {
	const char *user;
	int64_t now;
	char actor[32];
	unsigned n;
	struct q_entry q[SSPR_QUESTIONS_MAX];
	bool replaced; /* out: a previous set was overwritten */
};

static char *trim(char *s)
{
	char *end;

	while (*s == ' ')
		s++;
	end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	return s;
}

/* With custom_questions = no, only the questions of questions_file. */
static int question_allowed(const struct admin_ctx *ctx, const struct sspr_question_list *list,
			    unsigned line, const char *question)
{
	struct sspr_error err = {{0}};

	if (ctx->pol.custom_questions) {
		if (sspr_question_text_check(question, &err) != SSPR_OK)
			return admin_error(SSPR_EINVAL, "stdin:%u: %s", line, err.msg);
		return SSPR_EXIT_OK;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (strcmp(list->text[i], question) == 0)
			return SSPR_EXIT_OK;
	}
	return admin_error(SSPR_EINVAL,
			   "stdin:%u: question is not in %s (custom_questions = no allows only "
			   "those)",
			   line, ctx->pol.questions_file);
}

/* One "question<TAB>answer" line into the next entry of s. */
static int parse_line(const struct admin_ctx *ctx, const struct sspr_question_list *list,
		      struct q_set *s, char *line, unsigned lineno)
{
	struct sspr_error err = {{0}};
	const char *others[SSPR_QUESTIONS_MAX];
	struct q_entry *e;
	char *tab, *question;
	int rc;

	if (strlen(line) > QUESTION_LINE_MAX)
		return admin_error(SSPR_EINVAL, "stdin:%u: line is too long (at most %d bytes)",
				   lineno, QUESTION_LINE_MAX);
	if ((tab = strchr(line, '\t')) == NULL)
		return admin_error(SSPR_EINVAL, "stdin:%u: expected \"question<TAB>answer\"",
				   lineno);
	if (s->n == SSPR_QUESTIONS_MAX)
		return admin_error(SSPR_EINVAL, "stdin:%u: too many questions (at most %d)", lineno,
				   SSPR_QUESTIONS_MAX);
	*tab = '\0';
	question = trim(line);
	if ((rc = question_allowed(ctx, list, lineno, question)) != SSPR_EXIT_OK)
		return rc;
	e = &s->q[s->n];
	if (sspr_strlcpy(e->question, question, sizeof(e->question)) != SSPR_OK)
		return admin_error(SSPR_EINVAL, "stdin:%u: question is too long (at most %d bytes)",
				   lineno, SSPR_QUESTION_MAX);
	for (unsigned i = 0; i < s->n; i++) {
		if (strcmp(s->q[i].question, e->question) == 0)
			return admin_error(SSPR_EINVAL, "stdin:%u: same question as line %u",
					   lineno, s->q[i].line);
		others[i] = s->q[i].answer;
	}
	if (sspr_answer_normalise(tab + 1, e->answer, sizeof(e->answer), &e->chars) != SSPR_OK)
		return admin_error(SSPR_EINVAL,
				   "stdin:%u: answer is not valid (invalid UTF-8, a control "
				   "character, or over %d bytes)",
				   lineno, SSPR_ANSWER_MAX);
	if (sspr_answer_check(&ctx->pol, s->user, e->question, e->answer, e->chars, others, s->n,
			      &err) != SSPR_OK)
		return admin_error(SSPR_EINVAL, "stdin:%u: %s", lineno,
				   err.msg[0] != '\0' ? err.msg : "answer refused by the policy");
	e->line = lineno;
	s->n++;
	return SSPR_EXIT_OK;
}

static int read_questions(const struct admin_ctx *ctx, const struct sspr_question_list *list,
			  struct q_set *s)
{
	struct admin_input in;
	size_t pos = 0;
	unsigned lineno = 0;
	char *line;
	int rc;

	if ((rc = admin_input_stdin(QUESTIONS_INPUT_MAX, &in)) != SSPR_EXIT_OK)
		return rc;
	while ((line = admin_input_line(&in, &pos, &lineno)) != NULL) {
		/* Blank lines and comments let the input be a kept file. */
		if (line[strspn(line, " \t")] == '\0' || line[0] == '#')
			continue;
		if ((rc = parse_line(ctx, list, s, line, lineno)) != SSPR_EXIT_OK)
			goto out;
	}
	if (s->n < ctx->pol.questions_to_register) {
		rc = admin_error(SSPR_EINVAL,
				 "stdin: %u question%s given, the policy needs at least %u "
				 "(questions_to_register)",
				 s->n, s->n == 1 ? "" : "s", ctx->pol.questions_to_register);
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	admin_input_free(&in);
	return rc;
}

/* Outside the store update: Argon2id takes time and memory, and the
 * update may run more than once. */
static int hash_answers(const struct sspr_policy *pol, struct q_set *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		int r = sspr_answer_hash(s->q[i].answer, pol->argon2_opslimit, pol->argon2_memlimit,
					 s->q[i].hash);

		sodium_memzero(s->q[i].answer, sizeof(s->q[i].answer));
		if (r != SSPR_OK)
			return admin_error(r, "hashing an answer failed: %s (argon2_memlimit %zu)",
					   sspr_strerror(r), pol->argon2_memlimit);
	}
	return SSPR_EXIT_OK;
}

static int questions_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct q_set *s = ctx;
	const char *question[SSPR_QUESTIONS_MAX], *hash[SSPR_QUESTIONS_MAX];
	int r;

	(void)exists;
	for (unsigned i = 0; i < s->n && i < SSPR_QUESTIONS_MAX; i++) {
		question[i] = s->q[i].question;
		hash[i] = s->q[i].hash;
	}
	r = sspr_record_set_questions(rec, question, hash, s->n, s->now, &s->replaced);
	if (r != SSPR_OK)
		return r;
	sspr_event_set(ev, s->now, "enroll", "success", "questions", s->user, ADMIN_SERVICE, "",
		       s->actor);
	return SSPR_OK;
}

int admin_enroll_questions(struct admin_ctx *ctx, const char *user)
{
	struct sspr_error err = {{0}};
	struct sspr_question_list *list = NULL;
	struct sspr_store *st = NULL;
	struct q_set *s;
	int r, rc = SSPR_EXIT_ERROR;

	/* Answers live here until hashed: locked, wiped memory. */
	s = sodium_malloc(sizeof(*s));
	if (s == NULL)
		return admin_error(SSPR_ENOMEM, "out of memory");
	memset(s, 0, sizeof(*s));
	s->user = user;
	admin_actor(s->actor, sizeof(s->actor));
	if ((rc = admin_check_user_exists(user)) != SSPR_EXIT_OK)
		goto out;
	admin_warn_unusable(&ctx->pol, user, SSPR_METHOD_QUESTIONS);
	if (!ctx->pol.custom_questions) {
		if ((list = calloc(1, sizeof(*list))) == NULL) {
			rc = admin_error(SSPR_ENOMEM, "out of memory");
			goto out;
		}
		r = sspr_questions_load(ctx->pol.questions_file, list, &err);
		if (r != SSPR_OK) {
			rc = admin_lib_error(r, &err, ctx->pol.questions_file);
			goto out;
		}
	}
	/* The store first: a missing store fails before anything is typed. */
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = read_questions(ctx, list, s)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = hash_answers(&ctx->pol, s)) != SSPR_EXIT_OK)
		goto out;
	s->now = sspr_now();
	r = sspr_store_update(st, user, 0, questions_update, s, &err);
	if (r != SSPR_OK) {
		rc = admin_update_error(r, &err, user);
		goto out;
	}
	printf("%s: %u questions enrolled%s\n", user, s->n,
	       s->replaced ? ", replacing the previous set" : "");
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	free(list);
	sodium_memzero(s, sizeof(*s));
	sodium_free(s);
	return rc;
}
