/* SPDX-License-Identifier: BSD-2-Clause */
/* The questions file and the answer rules (see questions.h). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "answer.h"
#include "questions.h"
#include "safefile.h"

#define QUESTIONS_FILE_MAX (64 * 1024)
#define QUESTION_MIN 10

/* Valid UTF-8 without control characters: the normaliser is the judge,
 * since a question is shown to users and compared with answers. */
static bool text_ok(const char *text)
{
	char norm[SSPR_ANSWER_MAX + 1];
	size_t chars;

	return sspr_answer_normalise(text, norm, sizeof(norm), &chars) == SSPR_OK;
}

int sspr_question_text_check(const char *question, struct sspr_error *err)
{
	size_t n = strnlen(question, SSPR_QUESTION_MAX + 1);

	if (n < QUESTION_MIN)
		return sspr_error_set(err, SSPR_EINVAL, "a question needs at least %d characters",
				      QUESTION_MIN);
	if (n > SSPR_QUESTION_MAX)
		return sspr_error_set(err, SSPR_EINVAL, "a question may have at most %d bytes",
				      SSPR_QUESTION_MAX);
	if (!text_ok(question))
		return sspr_error_set(err, SSPR_EINVAL,
				      "a question must be UTF-8 text without control characters");
	return SSPR_OK;
}

/* Trims spaces at both ends, in place. */
static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int parse_questions(const char *path, char *text, struct sspr_question_list *list,
			   struct sspr_error *err)
{
	char *line = text;

	list->count = 0;
	for (unsigned lineno = 1; line != NULL && *line != '\0'; lineno++) {
		char *next = strchr(line, '\n'), *q;
		struct sspr_error why = {{0}};

		if (next != NULL)
			*next++ = '\0';
		q = trim(line);
		line = next;
		if (*q == '\0' || *q == '#')
			continue;
		if (sspr_question_text_check(q, &why) != SSPR_OK)
			return sspr_error_set(err, SSPR_EINVAL, "%s:%u: %s", path, lineno, why.msg);
		for (size_t i = 0; i < list->count; i++)
			if (strcmp(list->text[i], q) == 0)
				return sspr_error_set(err, SSPR_EINVAL,
						      "%s:%u: duplicate question", path, lineno);
		if (list->count == SSPR_QUESTIONS_FILE_MAX)
			return sspr_error_set(err, SSPR_EINVAL, "%s:%u: more than %d questions",
					      path, lineno, SSPR_QUESTIONS_FILE_MAX);
		memcpy(list->text[list->count++], q, strlen(q) + 1);
	}
	return SSPR_OK;
}

int sspr_questions_load(const char *path, struct sspr_question_list *list,
			struct sspr_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	list->count = 0;
	r = sspr_file_read(path, QUESTIONS_FILE_MAX, 0, &text, &len, err);
	if (r != SSPR_OK)
		return r;
	if (memchr(text, '\0', len) != NULL)
		r = sspr_error_set(err, SSPR_EINVAL, "%s: contains a NUL byte", path);
	else
		r = parse_questions(path, text, list, err);
	sspr_file_free(text, len);
	if (r != SSPR_OK)
		list->count = 0;
	return r;
}

int sspr_answer_check(const struct sspr_policy *pol, const char *user, const char *question,
		      const char *normalised, size_t chars, const char *const *others,
		      size_t n_others, struct sspr_error *err)
{
	char norm_user[SSPR_ANSWER_MAX + 1], norm_question[SSPR_ANSWER_MAX + 1];
	size_t user_chars = 0, question_chars = 0;
	int r = SSPR_EINVAL;

	if (chars < pol->answer_min_length) {
		sspr_error_set(err, r, "an answer needs at least %u characters",
			       pol->answer_min_length);
		goto out;
	}
	for (size_t i = 0; i < n_others; i++) {
		/* Registration compares the user's own fresh answers: no secret
		 * leaks through the timing of this comparison. */
		if (strcmp(others[i], normalised) == 0) {
			sspr_error_set(err, r, "each answer must differ from the others");
			goto out;
		}
	}
	if (sspr_answer_normalise(user, norm_user, sizeof(norm_user), &user_chars) == SSPR_OK &&
	    sspr_answer_contains(normalised, norm_user)) {
		sspr_error_set(err, r, "an answer may not contain your user name");
		goto out;
	}
	if (sspr_answer_normalise(question, norm_question, sizeof(norm_question),
				  &question_chars) == SSPR_OK &&
	    (sspr_answer_contains(normalised, norm_question) ||
	     sspr_answer_contains(norm_question, normalised))) {
		sspr_error_set(err, r, "an answer may not repeat the question");
		goto out;
	}
	r = SSPR_OK;
out:
	sodium_memzero(norm_user, sizeof(norm_user));
	return r;
}
