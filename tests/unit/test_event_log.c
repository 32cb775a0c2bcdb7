/* SPDX-License-Identifier: BSD-2-Clause */
/* The syslog line format (event_log.h): every value one token for a
 * key=value parser, whatever the caller put in it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "event_log.h"

static char uid_field[32];

static const char *line_of(const struct sspr_log_fields *f)
{
	static char buf[SSPR_LOG_LINE_MAX];

	return sspr_log_line(f, buf, sizeof(buf));
}

static void test_plain_values_are_bare(void **state)
{
	const struct sspr_log_fields f = {"password reset", "success", "alice", "sshd", "ssh",
					  "", "192.0.2.7", "totp", NULL};
	char want[256];

	snprintf(want, sizeof(want),
		 "password reset success: user=alice %s service=sshd rhost=192.0.2.7 "
		 "tty=ssh ruser=- method=totp",
		 uid_field);
	assert_string_equal(line_of(&f), want);
}

static void test_spaces_quotes_and_equals_are_quoted(void **state)
{
	const struct sspr_log_fields f = {"password reset", "bad-code", "bob", "sudo",
					  "/dev/pts/3", "carol", "a b=c\"d\\e", "questions",
					  "resets locked"};
	const char *line = line_of(&f);

	assert_non_null(strstr(line, " rhost=\"a b=c\\\"d\\\\e\" tty=/dev/pts/3 ruser=carol "
				     "method=questions"));
	assert_non_null(strstr(line, " detail=\"resets locked\""));
	assert_int_equal(line[strlen(line) - 1], '"');
}

static void test_control_and_high_bytes_become_question_marks(void **state)
{
	const struct sspr_log_fields f = {"password reset", "locked", "dave", "login",
					  "tty1\n", "", "evil\nFAKE\x1b[2J\xc2\x9b", "email", NULL};
	const char *line = line_of(&f);

	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '\x1b'));
	assert_non_null(strstr(line, " tty=\"tty1?\" "));
	assert_non_null(strstr(line, " rhost=\"evil?FAKE?[2J??\" tty="));
}

static void test_a_tool_line_has_no_remote_fields(void **state)
{
	const struct sspr_log_fields f = {"enroll", "success", "erin", "sspr-admin", NULL, NULL,
					  NULL, "recovery", "by root"};
	char want[256];

	snprintf(want, sizeof(want),
		 "enroll success: user=erin %s service=sspr-admin method=recovery detail=\"by root\"",
		 uid_field);
	assert_string_equal(line_of(&f), want);
}

static void test_a_long_line_is_cut_between_values(void **state)
{
	char detail[SSPR_LOG_LINE_MAX * 2], buf[128];
	const struct sspr_log_fields f = {"password reset", "error", "frank", "sshd", "", "",
					  "", "totp", detail};
	size_t len;

	memset(detail, 'x', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	detail[10] = ' '; /* quoted */
	sspr_log_line(&f, buf, sizeof(buf));
	len = strlen(buf);
	assert_true(len < sizeof(buf));
	assert_null(strstr(buf, "detail="));          /* the value did not fit: not begun */
	assert_int_equal(buf[len - 1], 'p');          /* ends with "method=totp" */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_values_are_bare),
	    cmocka_unit_test(test_spaces_quotes_and_equals_are_quoted),
	    cmocka_unit_test(test_control_and_high_bytes_become_question_marks),
	    cmocka_unit_test(test_a_tool_line_has_no_remote_fields),
	    cmocka_unit_test(test_a_long_line_is_cut_between_values),
	};

	snprintf(uid_field, sizeof(uid_field), "uid=%lu", (unsigned long)getuid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
