/* Policy parser: defaults, the shipped file, every key read, and the
 * exact message for each kind of bad input. */
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

#include "policy.h"
#include "record.h"

#ifndef SHIPPED_POLICY
#error SHIPPED_POLICY must name policy/sspr.conf
#endif

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sspr-policytest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/sspr.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_policy(const char *text, size_t len)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0644), 0);
}

/* Loads text and returns the status; err gets the message. */
static int load(const char *text, struct sspr_policy *pol, struct sspr_error *err)
{
	write_policy(text, strlen(text));
	memset(err, 0, sizeof(*err));
	return sspr_policy_load(path, pol, err);
}

static void expect_error(const char *text, const char *message)
{
	struct sspr_policy pol;
	struct sspr_error err;
	char want[SSPR_ERROR_MAX];

	assert_int_not_equal(load(text, &pol, &err), SSPR_OK);
	snprintf(want, sizeof(want), "%s:%s", path, message);
	assert_string_equal(err.msg, want);
}

static void test_defaults_match_design(void **state)
{
	struct sspr_policy p;

	sspr_policy_defaults(&p);
	assert_string_equal(p.group, "sspr");
	assert_int_equal(p.min_uid, 1000);
	assert_false(p.allow_root);
	assert_int_equal(p.methods, SSPR_METHOD_ALL);
	assert_int_equal(p.methods_required, 1);
	assert_int_equal(p.totp.digits, 6);
	assert_int_equal(p.totp.period, 30);
	assert_int_equal(p.totp.window, 1);
	assert_string_equal(p.questions_file, "/etc/security/sspr-questions");
	assert_true(p.custom_questions);
	assert_int_equal(p.questions_to_register, 3);
	assert_int_equal(p.questions_to_reset, 3);
	assert_int_equal(p.answer_min_length, 3);
	assert_string_equal(p.mail_command, "/usr/sbin/sendmail -t -i");
	assert_string_equal(p.mail_from, "root");
	assert_int_equal(p.code_length, 8);
	assert_int_equal(p.code_lifetime, 600);
	assert_int_equal(p.recovery_codes, 10);
	assert_int_equal(p.lockout.attempts, 5);
	assert_int_equal(p.lockout.window, 3600);
	assert_int_equal(p.lockout.duration, 86400);
	assert_string_equal(p.password_service, "sspr-passwd");
	assert_true(p.login_after_reset);
	assert_int_equal(p.registration, SSPR_REGISTRATION_REMIND);
	assert_int_equal(p.reconfirm_days, 180);
	assert_true(p.notify_user);
	assert_false(p.notify_admins);
	assert_string_equal(p.admin_group, "sudo");
	assert_string_equal(p.admin_mail, "root");
	assert_string_equal(p.helpdesk, "");
	assert_string_equal(p.store, "/var/lib/sspr");
	assert_string_equal(p.key_dir, "/etc/security/sspr");
	assert_int_equal(p.argon2_opslimit, 2);
	assert_int_equal(p.argon2_memlimit, 67108864);
}

static void test_shipped_file_parses_to_defaults(void **state)
{
	struct sspr_policy loaded, defaults;
	struct sspr_error err;
	FILE *in = fopen(SHIPPED_POLICY, "r");
	char text[SSPR_POLICY_FILE_MAX];
	size_t n;

	assert_non_null(in);
	n = fread(text, 1, sizeof(text) - 1, in);
	fclose(in);
	text[n] = '\0';
	assert_int_equal(load(text, &loaded, &err), SSPR_OK);
	sspr_policy_defaults(&defaults);
	assert_memory_equal(&loaded, &defaults, sizeof(loaded));
}

static void test_every_key_is_read(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;
	const char *text = "group = wheel\n"
			   "min_uid = 500\n"
			   "allow_root = yes\n"
			   "methods = recovery totp\n"
			   "methods_required = 2\n"
			   "totp_digits = 8\n"
			   "totp_period = 60\n"
			   "totp_window = 0\n"
			   "questions_file = /etc/q\n"
			   "custom_questions = no\n"
			   "questions_to_register = 5\n"
			   "questions_to_reset = 4\n"
			   "answer_min_length = 7\n"
			   "mail_command = /usr/lib/sendmail -oi -t\n"
			   "mail_from = sspr@example.org\n"
			   "code_length = 10\n"
			   "code_lifetime = 120\n"
			   "recovery_codes = 12\n"
			   "lockout_attempts = 9\n"
			   "lockout_window = 77\n"
			   "lockout_duration = 88\n"
			   "password_service = my-passwd\n"
			   "login_after_reset = no\n"
			   "registration = require\n"
			   "reconfirm_days = 0\n"
			   "notify_user = no\n"
			   "notify_admins = yes\n"
			   "admin_group = admins\n"
			   "admin_mail = sec@example.org\n"
			   "helpdesk = Call #1234 — ask for Zoë\n"
			   "store = /srv/sspr\n"
			   "key_dir = /srv/keys\n"
			   "argon2_opslimit = 3\n"
			   "argon2_memlimit = 8192\n";

	assert_int_equal(load(text, &p, &err), SSPR_OK);
	assert_string_equal(p.group, "wheel");
	assert_int_equal(p.min_uid, 500);
	assert_true(p.allow_root);
	assert_int_equal(p.methods, SSPR_METHOD_RECOVERY | SSPR_METHOD_TOTP);
	assert_int_equal(p.methods_required, 2);
	assert_int_equal(p.totp.digits, 8);
	assert_int_equal(p.totp.period, 60);
	assert_int_equal(p.totp.window, 0);
	assert_string_equal(p.questions_file, "/etc/q");
	assert_false(p.custom_questions);
	assert_int_equal(p.questions_to_register, 5);
	assert_int_equal(p.questions_to_reset, 4);
	assert_int_equal(p.answer_min_length, 7);
	assert_string_equal(p.mail_command, "/usr/lib/sendmail -oi -t");
	assert_string_equal(p.mail_from, "sspr@example.org");
	assert_int_equal(p.code_length, 10);
	assert_int_equal(p.code_lifetime, 120);
	assert_int_equal(p.recovery_codes, 12);
	assert_int_equal(p.lockout.attempts, 9);
	assert_int_equal(p.lockout.window, 77);
	assert_int_equal(p.lockout.duration, 88);
	assert_string_equal(p.password_service, "my-passwd");
	assert_false(p.login_after_reset);
	assert_int_equal(p.registration, SSPR_REGISTRATION_REQUIRE);
	assert_int_equal(p.reconfirm_days, 0);
	assert_false(p.notify_user);
	assert_true(p.notify_admins);
	assert_string_equal(p.admin_group, "admins");
	assert_string_equal(p.admin_mail, "sec@example.org");
	assert_string_equal(p.helpdesk, "Call #1234 — ask for Zoë");
	assert_string_equal(p.store, "/srv/sspr");
	assert_string_equal(p.key_dir, "/srv/keys");
	assert_int_equal(p.argon2_opslimit, 3);
	assert_int_equal(p.argon2_memlimit, 8192);
}

static void test_syntax_is_forgiving_where_it_should_be(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;

	assert_int_equal(load("# comment\n\n   # indented comment\n\t min_uid\t=\t2000  \r\n"
			      "group=*\nhelpdesk =\n",
			      &p, &err),
			 SSPR_OK);
	assert_int_equal(p.min_uid, 2000);
	assert_string_equal(p.group, "*");
	assert_string_equal(p.helpdesk, "");
	assert_int_equal(load("", &p, &err), SSPR_OK);
}

static void test_each_error_names_file_line_and_fault(void **state)
{
	char longline[SSPR_POLICY_LINE_MAX + 32];

	expect_error("foo = 1\n", "1: unknown key 'foo'");
	expect_error("min_uid = 1\n\nmin_uid = 2\n",
		     "3: duplicate key 'min_uid' (first set on line 1)");
	expect_error("# ok\nmin_uid 1000\n", "2: expected 'key = value'");
	expect_error("min_uid =\n", "1: min_uid needs a value");
	expect_error("lockout_attempts = 0\n", "1: lockout_attempts must be a number from 1 to 100");
	expect_error("lockout_attempts = 101\n",
		     "1: lockout_attempts must be a number from 1 to 100");
	expect_error("min_uid = 99999999999999999999\n",
		     "1: min_uid must be a number from 0 to 4294967294");
	expect_error("min_uid = -1\n", "1: min_uid must be a number from 0 to 4294967294");
	expect_error("min_uid = 0x10\n", "1: min_uid must be a number from 0 to 4294967294");
	expect_error("totp_digits = 5\n", "1: totp_digits must be a number from 6 to 8");
	expect_error("totp_digits = 9\n", "1: totp_digits must be a number from 6 to 8");
	expect_error("totp_window = 11\n", "1: totp_window must be a number from 0 to 10");
	expect_error("allow_root = true\n", "1: allow_root must be yes or no");
	expect_error("registration = maybe\n", "1: registration must be no, remind or require");
	expect_error("methods = totp sms\n",
		     "1: methods: unknown method 'sms' (use totp, questions, email, recovery)");
	expect_error("methods = totp totp\n", "1: methods: 'totp' is listed twice");
	expect_error("methods = totp\nmethods_required = 2\n",
		     "2: methods_required (2) is more than the number of methods (1)");
	expect_error("questions_to_reset = 5\n",
		     "1: questions_to_reset (5) must not exceed questions_to_register (3)");
	expect_error("store = var/lib/sspr\n", "1: store must be an absolute path");
	expect_error("mail_command = sendmail -t\n",
		     "1: mail_command must be an absolute program path, optionally followed by "
		     "arguments");
	expect_error("group = bad name\n", "1: group must be a group name or *");
	expect_error("admin_group = *\n", "1: admin_group must be a group name");
	expect_error("password_service = ../etc/x\n",
		     "1: password_service must be a PAM service name");
	expect_error("helpdesk = ring \x1b[31m now\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = bad \xff byte\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	memset(longline, 'x', sizeof(longline) - 2);
	memcpy(longline, "helpdesk = ", 11);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	expect_error(longline, "1: line is longer than 1024 bytes");
}

static void test_nul_byte_is_refused(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;
	char want[256];

	write_policy("min_uid = 1\nmin\0uid = 2\n", 24);
	assert_int_not_equal(sspr_policy_load(path, &p, &err), SSPR_OK);
	snprintf(want, sizeof(want), "%s:2: NUL byte in file", path);
	assert_string_equal(err.msg, want);
}

static void test_unusable_files_are_refused(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;
	char missing[160], want[256];
	char *big;

	snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	assert_int_equal(sspr_policy_load(missing, &p, &err), SSPR_ENOENT);
	snprintf(want, sizeof(want), "%s: no such file", missing);
	assert_string_equal(err.msg, want);

	assert_int_not_equal(sspr_policy_load(dir, &p, &err), SSPR_OK);
	snprintf(want, sizeof(want), "%s: is a directory", dir);
	assert_string_equal(err.msg, want);

	write_policy("min_uid = 1\n", 12);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(sspr_policy_load(path, &p, &err), SSPR_EACCES);
	snprintf(want, sizeof(want), "%s: writable by group or others", path);
	assert_string_equal(err.msg, want);

	big = malloc(SSPR_POLICY_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, '#', SSPR_POLICY_FILE_MAX + 1);
	write_policy(big, SSPR_POLICY_FILE_MAX + 1);
	free(big);
	assert_int_not_equal(sspr_policy_load(path, &p, &err), SSPR_OK);
	snprintf(want, sizeof(want), "%s: file is larger than %d bytes", path,
		 SSPR_POLICY_FILE_MAX);
	assert_string_equal(err.msg, want);

	/* /dev/zero through a symlink: not a regular file, no hang. */
	unlink(path);
	assert_int_equal(symlink("/dev/zero", path), 0);
	assert_int_not_equal(sspr_policy_load(path, &p, &err), SSPR_OK);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	assert_string_equal(err.msg, want);
	unlink(path);
}

static void collect(const char *key, const char *value, void *ctx)
{
	int *n = ctx;

	assert_non_null(key);
	assert_non_null(value);
	(*n)++;
}

static void test_foreach_lists_every_key_and_round_trips(void **state)
{
	struct sspr_policy p;
	int n = 0;

	sspr_policy_defaults(&p);
	sspr_policy_foreach(&p, collect, &n);
	assert_int_equal(n, 34);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_design),
		cmocka_unit_test(test_shipped_file_parses_to_defaults),
		cmocka_unit_test(test_every_key_is_read),
		cmocka_unit_test(test_syntax_is_forgiving_where_it_should_be),
		cmocka_unit_test(test_each_error_names_file_line_and_fault),
		cmocka_unit_test(test_nul_byte_is_refused),
		cmocka_unit_test(test_unusable_files_are_refused),
		cmocka_unit_test(test_foreach_lists_every_key_and_round_trips),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
