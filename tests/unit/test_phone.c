/* SPDX-License-Identifier: BSD-2-Clause */
/* Phone numbers as sspr-enroll takes them and the dialog shows them, and
 * the text message handed to sms_command. */
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

#include "mail_relay.h"
#include "phone.h"

static void test_only_e164_is_valid(void **state)
{
	(void)state;
	assert_true(sspr_phone_valid("+447700900123"));
	assert_true(sspr_phone_valid("+2901234"));         /* 7 digits */
	assert_true(sspr_phone_valid("+123456789012345")); /* 15 digits */
	assert_false(sspr_phone_valid("+1234567890123456"));
	assert_false(sspr_phone_valid("+123456"));
	assert_false(sspr_phone_valid("447700900123"));
	assert_false(sspr_phone_valid("+0447700900123"));
	assert_false(sspr_phone_valid("+44 7700 900123"));
	assert_false(sspr_phone_valid("+4477009001x3"));
	assert_false(sspr_phone_valid("+-447700900123"));
	assert_false(sspr_phone_valid(""));
}

static void test_typed_forms_normalize(void **state)
{
	char out[SSPR_PHONE_DIGITS_MAX + 2];

	(void)state;
	assert_true(sspr_phone_normalize("+44 7700 900123", out, sizeof(out)));
	assert_string_equal(out, "+447700900123");
	assert_true(sspr_phone_normalize("+1 (202) 555-0123", out, sizeof(out)));
	assert_string_equal(out, "+12025550123");
	assert_true(sspr_phone_normalize("+(44) 7700.900.123", out, sizeof(out)));
	assert_string_equal(out, "+447700900123");
	/* No leading +, letters, a separator first, too long, a shell word,
	 * an option: all refused, out left empty. */
	const char *bad[] = {"07700 900123", "+44 7700 CALLME", "+ 447700900123",
			     "+44 7700 900123 4567", "+447700900123;id", "-447700900123",
			     "+44\n7700900123", "+", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(sspr_phone_normalize(bad[i], out, sizeof(out)));
		assert_string_equal(out, "");
	}
	assert_false(sspr_phone_normalize("+447700900123", out, 8)); /* too small */
}

static void test_mask_keeps_a_few_digits(void **state)
{
	char out[SSPR_PHONE_MASKED_MAX];

	(void)state;
	sspr_phone_mask("+447700900123", out, sizeof(out));
	assert_string_equal(out, "+44 ***** **123");
	sspr_phone_mask("+12025550123", out, sizeof(out));
	assert_string_equal(out, "+12 ***** *123");
	sspr_phone_mask("+123456789012345", out, sizeof(out));
	assert_string_equal(out, "+12 ***** *****345");
	sspr_phone_mask("+2901234", out, sizeof(out));
	assert_string_equal(out, "+2 ****34");
	sspr_phone_mask("not a number", out, sizeof(out));
	assert_string_equal(out, "***");
}

/* The command gets the number as its last argument and the text on
 * standard input: a script that writes both to a file shows it. */
static void test_sms_reaches_the_command(void **state)
{
	char dir[] = "/tmp/sspr-sms-XXXXXX", script[128], out[128], cmd[300], got[256] = "";
	struct sspr_error err = {{0}};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/sms", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nprintf '%%s|%%s|' \"$1\" \"$2\" >%s\ncat >>%s\n", out, out);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(script, 0700), 0);
	snprintf(cmd, sizeof(cmd), "%s --to", script);
	assert_int_equal(sspr_sms_send(cmd, "+447700900123", "Code 12345678", 0, &err), SSPR_OK);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "--to|+447700900123|Code 12345678\n");
	/* Not a number, not printable, too long, no command: refused unsent. */
	assert_int_equal(sspr_sms_send(cmd, "447700900123", "x", 0, &err), SSPR_EINVAL);
	assert_int_equal(sspr_sms_send(cmd, "+447700900123", "a\nb", 0, &err), SSPR_EINVAL);
	char long_text[SSPR_SMS_TEXT_MAX + 2];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_int_equal(sspr_sms_send(cmd, "+447700900123", long_text, 0, &err), SSPR_EINVAL);
	assert_int_equal(sspr_sms_send("", "+447700900123", "x", 0, &err), SSPR_ERR);
	assert_non_null(strstr(err.msg, "sms_command is not set"));
	/* A command that fails is an error that names it. */
	assert_int_equal(sspr_sms_send("/bin/false", "+447700900123", "x", 0, &err), SSPR_ERR);
	assert_non_null(strstr(err.msg, "sms_command /bin/false failed"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* sspr-enroll's confirmation fits one message whatever the names'
 * lengths: the host name is cut first. */
static void test_verify_text_fits_one_message(void **state)
{
	char buf[512], host[300];

	(void)state;
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	assert_int_equal(sspr_phone_verify_text(buf, sizeof(buf), "a-very-long-user-name-of-32-byte",
						host, "1234567890", 1440),
			 SSPR_OK);
	assert_true(strlen(buf) <= SSPR_SMS_TEXT_MAX);
	assert_non_null(strstr(buf, "Code 1234567890 registers this number"));
	assert_int_equal(sspr_phone_verify_text(buf, sizeof(buf), "alice", "vm", "12345678", 10),
			 SSPR_OK);
	assert_non_null(strstr(buf, "resets of alice on vm;"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_only_e164_is_valid),
	    cmocka_unit_test(test_typed_forms_normalize),
	    cmocka_unit_test(test_mask_keeps_a_few_digits),
	    cmocka_unit_test(test_sms_reaches_the_command),
	    cmocka_unit_test(test_verify_text_fits_one_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
