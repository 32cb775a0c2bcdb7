/* SPDX-License-Identifier: BSD-2-Clause */
/* Answer normalisation, the answer rules and the questions file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "answer.h"
#include "questions.h"

static void expect_normal(const char *in, const char *want, size_t want_chars)
{
	char out[SSPR_ANSWER_MAX + 1];
	size_t chars = 99;

	assert_int_equal(sspr_answer_normalise(in, out, sizeof(out), &chars), SSPR_OK);
	assert_string_equal(out, want);
	assert_int_equal(chars, want_chars);
}

static void expect_refused(const char *in)
{
	char out[SSPR_ANSWER_MAX + 1];
	size_t chars;

	assert_int_equal(sspr_answer_normalise(in, out, sizeof(out), &chars), SSPR_EINVAL);
	assert_int_equal(out[0], '\0');
}

static void test_normalise_trims_collapses_and_folds(void **state)
{
	expect_normal("  New   York ", "new york", 8);
	expect_normal("FLUFFY", "fluffy", 6);
	expect_normal("", "", 0);
	expect_normal("   ", "", 0);
	/* Non-ASCII letters fold too, whatever the process locale. */
	expect_normal("\xc3\x89" "COLE \xc3\x96" "STERREICH", "\xc3\xa9" "cole \xc3\xb6" "sterreich", 16);
	expect_normal("\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
		      "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", 6);
	/* A no-break space is white space. */
	expect_normal("a\xc2\xa0\xc2\xa0 b", "a b", 3);
}

static void test_normalise_refuses_controls_and_bad_utf8(void **state)
{
	char longest[SSPR_ANSWER_MAX + 2];

	expect_refused("tab\there");
	expect_refused("new\nline");
	expect_refused("del\x7f");
	expect_refused("c1 \xc2\x85");
	expect_refused("\xff");
	expect_refused("\xc3");             /* truncated */
	expect_refused("\xc0\xaf");         /* overlong '/' */
	expect_refused("\xed\xa0\x80");     /* surrogate */
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	expect_refused(longest);
	longest[SSPR_ANSWER_MAX] = '\0';
	expect_normal(longest, longest, SSPR_ANSWER_MAX);
}

static void test_hash_and_verify(void **state)
{
	char hash[SSPR_HASH_STR_MAX];

	/* The minimum cost: the property, not the cost, is under test. */
	assert_int_equal(sspr_answer_hash("fluffy", 1, 8192, hash), SSPR_OK);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_true(sspr_answer_verify(hash, "fluffy"));
	assert_false(sspr_answer_verify(hash, "fluffy "));
	assert_false(sspr_answer_verify(hash, "Fluffy"));
	assert_false(sspr_answer_verify("garbage", "fluffy"));
}

static void test_answer_rules(void **state)
{
	struct sspr_policy pol;
	struct sspr_error err = {{0}};
	const char *others[] = {"fluffy", "paris"};
	const char *q = "What was the name of your first pet?";

	sspr_policy_defaults(&pol);
	assert_int_equal(sspr_answer_check(&pol, "alice", q, "rex", 3, others, 2, &err), SSPR_OK);
	assert_int_equal(sspr_answer_check(&pol, "alice", q, "ab", 2, others, 2, &err),
			 SSPR_EINVAL);
	assert_string_equal(err.msg, "an answer needs at least 3 characters");
	assert_int_equal(sspr_answer_check(&pol, "alice", q, "paris", 5, others, 2, &err),
			 SSPR_EINVAL);
	assert_string_equal(err.msg, "each answer must differ from the others");
	assert_int_equal(sspr_answer_check(&pol, "Alice", q, "alice smith", 11, others, 2, &err),
			 SSPR_EINVAL);
	assert_string_equal(err.msg, "an answer may not contain your user name");
	assert_int_equal(sspr_answer_check(&pol, "alice", q, "your first pet", 14, others, 2,
					   &err),
			 SSPR_EINVAL);
	assert_string_equal(err.msg, "an answer may not repeat the question");
	assert_int_equal(sspr_answer_check(&pol, "alice", q, "what was the name of your first "
					   "pet? rex", 40, others, 2, &err),
			 SSPR_EINVAL);
	pol.answer_min_length = 8;
	assert_int_equal(sspr_answer_check(&pol, "alice", q, "rexrex7", 7, NULL, 0, &err),
			 SSPR_EINVAL);
}

static char path[64];

static void write_questions(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/sspr-questions-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void expect_questions_error(const char *text, const char *message)
{
	struct sspr_question_list *list = malloc(sizeof(*list));
	struct sspr_error err = {{0}};
	char want[600];

	write_questions(text);
	assert_int_equal(sspr_questions_load(path, list, &err), SSPR_EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, message);
	assert_string_equal(err.msg, want);
	assert_int_equal(list->count, 0);
	unlink(path);
	free(list);
}

static void test_questions_file(void **state)
{
	struct sspr_question_list *list = malloc(sizeof(*list));
	struct sspr_error err = {{0}};
	char many[80 * 70] = "";

	write_questions("# comment\n\nWhat was the name of your first pet?\n"
			"  In what city were you born?  \n");
	assert_int_equal(sspr_questions_load(path, list, &err), SSPR_OK);
	assert_int_equal(list->count, 2);
	assert_string_equal(list->text[1], "In what city were you born?");
	unlink(path);
	free(list);

	expect_questions_error("Too short\n", "1: a question needs at least 10 characters");
	expect_questions_error("What is your name?\n\nWhat is your name?\n",
			       "3: duplicate question");
	expect_questions_error("Bad \x01 control question\n",
			       "1: a question must be UTF-8 text without control characters");
	for (int i = 0; i < SSPR_QUESTIONS_FILE_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "Question number %d here?\n", i);
	expect_questions_error(many, "65: more than 64 questions");
}

/* The shipped file's text, read as it is installed (root's, 0644): a copy,
 * so the test does not depend on the modes of the source tree (a tree
 * unpacked from `git archive` has its files 0664, which the loader rightly
 * refuses). */
static void test_shipped_questions_file_loads(void **state)
{
	struct sspr_question_list *list = malloc(sizeof(*list));
	struct sspr_error err = {{0}};
	static char text[64 * 1024];
	FILE *in = fopen(SHIPPED_QUESTIONS, "r");
	size_t n;

	assert_non_null(in);
	n = fread(text, 1, sizeof(text) - 1, in);
	assert_true(feof(in));
	fclose(in);
	text[n] = '\0';
	write_questions(text);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(sspr_questions_load(path, list, &err), SSPR_OK);
	assert_true(list->count >= 15);
	unlink(path);
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_trims_collapses_and_folds),
		cmocka_unit_test(test_normalise_refuses_controls_and_bad_utf8),
		cmocka_unit_test(test_hash_and_verify),
		cmocka_unit_test(test_answer_rules),
		cmocka_unit_test(test_questions_file),
		cmocka_unit_test(test_shipped_questions_file_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
