/* SPDX-License-Identifier: BSD-2-Clause */
/* Untrusted text on its way to a terminal or into JSON: every control a
 * terminal or a bidi-aware viewer obeys is neutralised, text is kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "safe_text.h"

typedef void (*printer)(FILE *, const char *);

static void expect_printed(printer fn, const char *in, const char *want)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	fn(f, in);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_terminal_text(void **state)
{
	(void)state;
	expect_printed(sspr_text_print_safe, "plain text", "plain text");
	expect_printed(sspr_text_print_safe, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
		       "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	/* C0, DEL, ESC sequences */
	expect_printed(sspr_text_print_safe, "a\x1b]0;owned\x07z\x7f\n", "a?]0;owned?z??");
	/* C1 as UTF-8 (CSI U+009B, OSC U+009D, NEL U+0085) */
	expect_printed(sspr_text_print_safe, "x\xc2\x9b" "31m\xc2\x9d\xc2\x85y", "x?31m??y");
	/* C1 as raw bytes: not UTF-8, and an 8-bit terminal's CSI */
	expect_printed(sspr_text_print_safe, "x\x9b" "2J\x90y", "x?2J?y");
	/* bidi: RLO, LRE, PDF, RLI, PDI, LRM, RLM, ALM; LS and PS */
	expect_printed(sspr_text_print_safe,
		       "\xe2\x80\xae" "evil\xe2\x80\xaa\xe2\x80\xac\xe2\x81\xa7\xe2\x81\xa9"
		       "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8\xe2\x80\xa9",
		       "?evil?????????");
	/* overlong, surrogate, truncated */
	expect_printed(sspr_text_print_safe, "\xc0\xaf\xed\xa0\x80\xe2\x80", "???????");
}

static void test_json_text(void **state)
{
	(void)state;
	expect_printed(sspr_text_print_json, "a\"b\\c\n\t", "\"a\\\"b\\\\c\\n\\t\"");
	expect_printed(sspr_text_print_json, "\x1b[2J\x7f", "\"\\u001b[2J\\u007f\"");
	expect_printed(sspr_text_print_json, "\xc2\x9b\xe2\x80\xae\xe2\x81\xa6",
		       "\"\\u009b\\u202e\\u2066\"");
	expect_printed(sspr_text_print_json, "\x9b\xff", "\"\\ufffd\\ufffd\"");
	expect_printed(sspr_text_print_json, "\xc3\xa9", "\"\xc3\xa9\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_terminal_text),
	    cmocka_unit_test(test_json_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
