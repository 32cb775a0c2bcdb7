/* SPDX-License-Identifier: BSD-2-Clause */
/* Address checks, masking, and the mail command runner. */
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
#include <sodium.h>

#include "mail.h"

static void test_addresses(void **state)
{
	char masked[64];

	assert_true(sspr_email_valid("alice@example.com"));
	assert_true(sspr_email_valid("a.b+tag@mail.example.org"));
	assert_false(sspr_email_valid("alice"));
	assert_false(sspr_email_valid("alice@localhost"));
	assert_false(sspr_email_valid("@example.com"));
	assert_false(sspr_email_valid("a@b@example.com"));
	assert_false(sspr_email_valid("alice@example.com\nBcc: x@y.z"));
	assert_false(sspr_email_valid("alice smith@example.com"));
	assert_false(sspr_email_valid("<alice@example.com>"));
	assert_false(sspr_email_valid("-oQ/tmp@example.com"));
	assert_false(sspr_email_valid("alice@example..com"));
	assert_false(sspr_email_valid("alice@example."));

	sspr_email_mask("alice@example.com", masked, sizeof(masked));
	assert_string_equal(masked, "a***@e***.com");
	sspr_email_mask("bob@mail.example.co.uk", masked, sizeof(masked));
	assert_string_equal(masked, "b***@m***.uk");
	sspr_email_mask("not an address", masked, sizeof(masked));
	assert_string_equal(masked, "***");
}

static char dir[] = "/tmp/sspr-mail-XXXXXX";
static char script[128], saved[128], command[512];

static void write_script(const char *body)
{
	FILE *f = fopen(script, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(script, 0700);
}

static char *read_saved(void)
{
	static char buf[8192];
	FILE *f = fopen(saved, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(script, sizeof(script), "%s/sendmail", dir);
	snprintf(saved, sizeof(saved), "%s/message", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(script);
	unlink(saved);
	rmdir(dir);
	return 0;
}

static void test_send_runs_the_command_without_a_shell(void **state)
{
	const struct sspr_mail mail = {.from = "root", .to = "alice@example.com",
				       .subject = "Your code", .body = "Code: 12345678"};
	struct sspr_error err = {{0}};
	char *msg;

	/* Arguments reach the command as words; the environment is minimal. */
	write_script("{ echo \"args:$*\"; echo \"env:$(env | grep -v '^PWD=' | sort | tr '\\n' ' ')\";"
		     " cat; } > \"$1\"");
	snprintf(command, sizeof(command), "%s %s -t -i", script, saved);
	setenv("SSPR_TEST_LEAK", "secret", 1);
	assert_int_equal(sspr_mail_send(command, &mail, 0, &err), SSPR_OK);
	msg = read_saved();
	assert_non_null(strstr(msg, "args:"));
	assert_non_null(strstr(msg, " -t -i\n"));
	assert_null(strstr(msg, "SSPR_TEST_LEAK"));
	assert_non_null(strstr(msg, "To: alice@example.com\n"));
	assert_non_null(strstr(msg, "Subject: Your code\n"));
	assert_non_null(strstr(msg, "\n\nCode: 12345678\n"));
}

/* A subject that is not ASCII goes out as RFC 2047 encoded words, folded,
 * none longer than 75 characters and no character cut in two. */
static void test_subject_in_another_language_is_encoded(void **state)
{
	/* 2 x 22 bytes of "ä" (two bytes each) and more: three words. */
	const char *subject = "Ihr Code zum Zurücksetzen: äääääääääääääääääääääää "
			      "ööööööööööööööööööööööööööö Ende";
	const struct sspr_mail mail = {.from = "root", .to = "alice@example.com",
				       .subject = subject, .body = "Grüße"};
	struct sspr_error err = {{0}};
	char decoded[512] = "", *msg, *line, *save = NULL;
	size_t used = 0, words = 0;

	write_script("cat > \"$1\"");
	snprintf(command, sizeof(command), "%s %s", script, saved);
	assert_int_equal(sspr_mail_send(command, &mail, 0, &err), SSPR_OK);
	msg = read_saved();
	assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(msg, "\n\nGrüße\n")); /* the body is 8-bit UTF-8 */
	for (line = strtok_r(strstr(msg, "Subject: ") + 9, "\n", &save);
	     line != NULL && (words == 0 || line[0] == ' '); line = strtok_r(NULL, "\n", &save)) {
		char *w = line + (line[0] == ' '), *end = strstr(w, "?=");
		unsigned char raw[64];
		size_t n = 0;

		assert_true(strncmp(w, "=?UTF-8?B?", 10) == 0 && end != NULL && end[2] == '\0');
		assert_true(strlen(w) <= 75);
		/* RFC 2047: a line with an encoded word, "Subject: " included,
		 * at most 76 characters. */
		assert_true(strlen(line) + (words == 0 ? strlen("Subject: ") : 0) <= 76);
		for (const char *c = w; *c != '\0'; c++)
			assert_true((unsigned char)*c < 0x80); /* the header is ASCII */
		*end = '\0';
		assert_int_equal(sodium_base642bin(raw, sizeof(raw), w + 10, strlen(w + 10), NULL,
						   &n, NULL, sodium_base64_VARIANT_ORIGINAL),
				 0);
		assert_true((raw[0] & 0xc0) != 0x80); /* starts a character */
		memcpy(decoded + used, raw, n);
		used += n;
		words++;
	}
	decoded[used] = '\0';
	assert_true(words >= 3);
	assert_string_equal(decoded, subject);
}

static void test_send_reports_failures(void **state)
{
	const struct sspr_mail mail = {.from = "root", .to = "alice@example.com",
				       .subject = "s", .body = "b"};
	const struct sspr_mail injected = {.from = "root", .to = "a@example.com\nBcc: x@y.z",
					   .subject = "s", .body = "b"};
	struct sspr_error err = {{0}};

	write_script("cat >/dev/null; exit 3");
	assert_int_equal(sspr_mail_send(script, &mail, 0, &err), SSPR_ERR);
	assert_non_null(strstr(err.msg, "failed (exit status 3)"));
	assert_int_equal(sspr_mail_send("sendmail -t", &mail, 0, &err), SSPR_EINVAL);
	assert_string_equal(err.msg, "mail_command must start with an absolute path");
	assert_int_equal(sspr_mail_send("/nonexistent/sendmail", &mail, 0, &err), SSPR_ERR);
	assert_non_null(strstr(err.msg, "/nonexistent/sendmail"));
	assert_int_equal(sspr_mail_send(script, &injected, 0, &err), SSPR_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_send_runs_the_command_without_a_shell),
		cmocka_unit_test(test_send_reports_failures),
		cmocka_unit_test(test_subject_in_another_language_is_encoded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
