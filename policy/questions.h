/* SPDX-License-Identifier: BSD-2-Clause */
/* The predefined security questions (questions_file) and the rules an
 * answer must follow under the policy. */
#ifndef SSPR_QUESTIONS_H
#define SSPR_QUESTIONS_H

#include <stddef.h>

#include "policy.h"
#include "record.h"

#define SSPR_QUESTIONS_FILE_MAX 64 /* questions in a file */

struct sspr_question_list {
	size_t count;
	char text[SSPR_QUESTIONS_FILE_MAX][SSPR_QUESTION_MAX + 1];
};

/* Reads one question a line; '#' comments and blank lines skipped. An
 * over-long line, a control character, invalid UTF-8, a duplicate or more
 * than SSPR_QUESTIONS_FILE_MAX questions is an error "PATH:LINE: what". */
int sspr_questions_load(const char *path, struct sspr_question_list *list,
			struct sspr_error *err);

/* Checks a custom question typed by a user: 10..SSPR_QUESTION_MAX bytes,
 * valid UTF-8, no control characters. err says what is wrong. */
int sspr_question_text_check(const char *question, struct sspr_error *err);

/* Checks an answer under the policy. `normalised` is the answer after
 * sspr_answer_normalise (chars = its length in characters); `others` are
 * the normalised answers already accepted in this registration. Refuses an
 * answer shorter than answer_min_length, one equal to another answer, one
 * that contains the user name or the question, or whose question contains
 * it. err says what is wrong in words meant for the user. */
int sspr_answer_check(const struct sspr_policy *pol, const char *user, const char *question,
		      const char *normalised, size_t chars, const char *const *others,
		      size_t n_others, struct sspr_error *err);

#endif
