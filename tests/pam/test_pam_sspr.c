/* SPDX-License-Identifier: BSD-2-Clause */
/* Module tests: the real pam_sspr.so in real libpam transactions, with
 * service files in a private directory (pam_wrapper), a scripted
 * conversation that records every prompt and message, and a stand-in
 * password backend (pam_sspr_test_passwd.so). Runs unprivileged. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>
#include <sodium.h>

#include "hostkey.h"
#include "record.h"
#include "store.h"
#include "totp.h"
#include "util.h"

#include "fixture.h"

/* ---- tests --------------------------------------------------------- */

static void test_ordinary_password_is_passed_on(void **state)
{
	struct script sc;
	int events = last_event().count;

	script_init(&sc, 1, "OldPass-1");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_prompts, 1); /* asked once, checked by the next module */
	assert_non_null(strstr(sc.prompts[0], "Password"));
	assert_int_equal(last_event().count, events); /* nothing of ours was touched */

	script_init(&sc, 1, "wrong");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	assert_int_equal(sc.n_prompts, 1);
}

static void test_reset_with_right_code_changes_password(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];
	struct sspr_record rec;

	current_code(code);
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "code"));
	assert_int_equal(sc.n_prompts, 4); /* no menu: TOTP is the only method */
	assert_true(script_said(&sc, "Your password has been changed."));
	assert_true(password_is(user, "NewPass-2"));
	assert_true(have_record(user, &rec));
	/* The accepted step is recorded, so the same code cannot come back. */
	assert_true(rec.totp[0].last_step + 1 >= sspr_totp_step(sspr_now(), 30));
	assert_true(rec.totp[0].last_step <= sspr_totp_step(sspr_now(), 30) + 1);
	assert_string_equal(last_event().ev.result, "success");
	assert_string_equal(last_event().ev.method, "totp");

	/* The old password no longer works; the new one does. */
	script_init(&sc, 1, "OldPass-1");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	script_init(&sc, 1, "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
}

static void test_wrong_code_is_refused(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];
	struct sspr_record rec;

	wrong_code(code);
	/* After the refusal the password module asks again: give it nothing. */
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The code is not valid."));
	assert_true(script_said(&sc, HELPDESK));
	assert_true(password_is(user, "OldPass-1"));
	assert_true(have_record(user, &rec));
	assert_int_equal(rec.n_failures, 1);
	assert_string_equal(last_event().ev.result, "bad-code");
}

static void test_malformed_codes_are_refused(void **state)
{
	const char *bad[] = {"12345", "1234567", "12a456", " 123456", "", "9999999999999"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct script sc;

		script_init(&sc, 2, "", bad[i]);
		assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc),
				     PAM_SUCCESS);
		assert_true(script_said(&sc, "The code is not valid."));
		enroll(user); /* keep clear of the lockout */
	}
	assert_true(password_is(user, "OldPass-1"));
}

static void test_replayed_code_is_refused(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	script_init(&sc, 4, "", code, "NewPass-3", "NewPass-3");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	script_init(&sc, 4, "", code, "NewPass-4", "NewPass-4");
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The code is not valid."));
	assert_true(password_is(user, "NewPass-3"));
	assert_string_equal(last_event().ev.result, "replayed-code");
}

static void test_user_not_enrolled_is_told_so(void **state)
{
	struct script sc;
	struct sspr_record rec;

	script_init(&sc, 1, "");
	assert_int_not_equal(run("sspr-test", other, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is not set up for this account."));
	assert_true(script_said(&sc, HELPDESK));
	assert_int_equal(sc.n_prompts, 2); /* the password, then the password module again */
	assert_false(have_record(other, &rec));
	assert_string_equal(last_event().ev.result, "not-enrolled");
}

static void test_user_outside_group_is_refused(void **state)
{
	struct script sc;

	script_init(&sc, 1, "");
	assert_int_not_equal(run("sspr-test-group", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is not set up for this account."));
	assert_true(script_said(&sc, HELPDESK));
	for (int i = 0; i < sc.n_prompts; i++)
		assert_null(strstr(sc.prompts[i], "code"));
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.result, "not-eligible");
}

static void test_lockout_after_three_failures(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1], good[SSPR_TOTP_CODE_MAX + 1];
	struct sspr_record rec;

	wrong_code(code);
	for (int i = 0; i < 3; i++) {
		script_init(&sc, 2, "", code);
		assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc),
				     PAM_SUCCESS);
	}
	assert_true(script_said(&sc, "password reset is now locked"));
	assert_true(have_record(user, &rec));
	assert_true(rec.locked_until > sspr_now());

	/* Locked: the right code no longer helps, and is not even asked for. */
	current_code(good);
	script_init(&sc, 4, "", good, "NewPass-5", "NewPass-5");
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "locked"));
	for (int i = 0; i < sc.n_prompts; i++)
		assert_null(strstr(sc.prompts[i], "code"));
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.result, "locked");
}

static void test_bad_policy_keeps_password_login(void **state)
{
	struct script sc;

	script_init(&sc, 1, "OldPass-1");
	assert_int_equal(run("sspr-test-broken", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);

	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-test-broken", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is unavailable."));
	assert_true(password_is(user, "OldPass-1"));

	/* An explicit config= that is missing is an error too, not defaults. */
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-test-missing", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is unavailable."));
}

static void test_login_after_reset_no_asks_for_new_password(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	/* After the change the password module asks; the user types the new one. */
	script_init(&sc, 5, "", code, "NewPass-6", "NewPass-6", "NewPass-6");
	assert_int_equal(run("sspr-test-nologin", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Log in with your new password."));
	assert_int_equal(sc.n_prompts, 5);
	assert_true(password_is(user, "NewPass-6"));
}

static void test_offer_after_failed_password(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	/* "no": the login simply fails. */
	script_init(&sc, 2, "wrong", "n");
	assert_int_not_equal(run("sspr-test-offer", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "Forgot your password?"));
	assert_true(password_is(user, "OldPass-1"));

	current_code(code);
	script_init(&sc, 5, "wrong", "y", code, "NewPass-7", "NewPass-7");
	assert_int_equal(run("sspr-test-offer", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[2], "code"));
	assert_true(password_is(user, "NewPass-7"));
}

static void test_conversation_error_aborts_reset(void **state)
{
	struct script sc;

	script_init(&sc, 2, "", NULL);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "OldPass-1"));
}

static void test_account_hook_reminds_unenrolled(void **state)
{
	struct script sc;

	script_init(&sc, 0);
	assert_int_equal(run("sspr-test", other, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "sspr-enroll"));

	script_init(&sc, 0);
	assert_int_equal(run("sspr-test", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_messages, 0);

	/* A broken policy never fails the account phase. */
	script_init(&sc, 0);
	assert_int_equal(run("sspr-test-broken", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
}

/* Runs the dialog of sc with pam_wrapper's syslog copy on stderr sent to
 * a file, and returns that file's contents in log (size logsize). */
static void dialog_capturing_syslog(const char *service, struct script *sc, char *log,
				    size_t logsize)
{
	char path[512];
	int saved = dup(STDERR_FILENO), fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/syslog.txt", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	assert_true(fd >= 0 && saved >= 0);
	setenv("PAM_WRAPPER_DEBUGLEVEL", "3", 1);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	(void)run(service, user, PAMTEST_AUTHENTICATE, sc);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	unsetenv("PAM_WRAPPER_DEBUGLEVEL");
	n = pread(fd, log, logsize - 1, 0);
	close(fd);
	assert_true(n > 0);
	log[n] = '\0';
}

static void reset_capturing_syslog_on(const char *service, const char *code,
				      const char *password, char *log, size_t logsize)
{
	struct script sc;

	script_init(&sc, 4, "", code, password, password);
	dialog_capturing_syslog(service, &sc, log, logsize);
}

static void reset_capturing_syslog(const char *code, const char *password, char *log,
				   size_t logsize)
{
	reset_capturing_syslog_on("sspr-test", code, password, log, logsize);
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* True when a syslog line of the captured log holds needle. pam_wrapper's
 * own trace lines (item values, PAM_AUTHTOK included) are not syslog. */
static bool syslog_has(const char *log, const char *needle)
{
	for (const char *line = log; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
		char buf[4096];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		if (strstr(buf, "SYSLOG") != NULL && strstr(buf, needle) != NULL)
			return true;
		line = end != NULL ? end + 1 : NULL;
	}
	return false;
}

static void test_one_log_line_per_outcome_and_no_secret(void **state)
{
	static char log[65536];
	char code[SSPR_TOTP_CODE_MAX + 1], wrong[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	reset_capturing_syslog(code, "Secret-Pass-8", log, sizeof(log));
	assert_int_equal(count_lines_with(log, "password reset "), 1);
	assert_non_null(strstr(log, "password reset success: user="));
	assert_false(syslog_has(log, code));
	assert_false(syslog_has(log, "Secret-Pass-8"));

	wrong_code(wrong);
	reset_capturing_syslog(wrong, "Secret-Pass-9", log, sizeof(log));
	assert_int_equal(count_lines_with(log, "password reset "), 1);
	assert_non_null(strstr(log, "password reset bad-code: user="));
	assert_false(syslog_has(log, wrong));
}

/* The failure that starts a lock writes its own line and its own event,
 * after those of the failure, in the same store transaction: the lock is
 * not a detail of the refusal. */
static void test_lock_is_its_own_line_and_event(void **state)
{
	static char log[65536];
	char wrong[SSPR_TOTP_CODE_MAX + 1];
	struct last_event le;
	struct script sc;
	const char *bad, *lock;
	int before;

	wrong_code(wrong);
	for (int i = 0; i < 2; i++) {
		script_init(&sc, 2, "", wrong);
		assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc),
				     PAM_SUCCESS);
	}
	before = last_event().count;
	reset_capturing_syslog(wrong, "x", log, sizeof(log));
	bad = strstr(log, "password reset bad-code: user=");
	lock = strstr(log, "password reset lockout: user=");
	assert_non_null(bad);
	assert_non_null(lock);
	assert_true(bad < lock);
	assert_null(strstr(bad, "resets locked\"")); /* the refusal's line carries no lock */
	assert_non_null(strstr(lock, " method=totp detail=\"3 failed answers within 600 s: "
				     "resets locked for 600 s\""));
	assert_int_equal(count_lines_with(log, "password reset lockout:"), 1);
	le = last_event();
	assert_int_equal(le.count, before + 3); /* challenge shown, bad-code, the lock */
	assert_string_equal(le.ev.action, "lockout");
	assert_string_equal(le.ev.result, "started");
	assert_string_equal(le.ev.method, "totp");
	assert_non_null(strstr(le.ev.detail, "3 failed answers within 600 s"));
}

/* The application's conversation fails at the code prompt (its script
 * has no more answers): the line that says so names the user, service
 * and method, and libpam's bare "conversation failed" is not written for
 * the module's prompt. */
static void test_failed_conversation_is_logged_with_fields(void **state)
{
	static char log[65536];
	struct script sc;
	char *aborted;

	script_init(&sc, 1, "");
	dialog_capturing_syslog("sspr-test", &sc, log, sizeof(log));
	aborted = strstr(log, "password reset aborted: user=");
	assert_non_null(aborted);
	assert_non_null(strstr(aborted, " service=sspr-test rhost="));
	assert_non_null(strstr(aborted, " method=totp detail=conversation"));
	/* After the module, pam_unix asks for the password through libpam,
	 * which logs its own failure: only the module's part is ours. */
	*aborted = '\0';
	assert_null(strstr(log, "conversation failed"));
}

/* A remote host name is the peer's choice: a newline in it must not start
 * a forged log line, nor a space or '=' add a key of its own to the line
 * (the value is quoted whole).
 * (The stack's first module sets PAM_RHOST to
 * "evil.example\nFAKE password reset success: user=root".) */
static void test_remote_host_cannot_forge_log_lines(void **state)
{
	static char log[65536];
	char wrong[SSPR_TOTP_CODE_MAX + 1];

	wrong_code(wrong);
	reset_capturing_syslog_on("sspr-test-rhost", wrong, "x", log, sizeof(log));
	assert_non_null(strstr(log, "rhost=\"evil.example?FAKE password reset success: user=root\" "
				    "tty="));
	/* The raw name shows only in pam_wrapper's own trace of the item. */
	for (const char *p = strstr(log, "\nFAKE"); p != NULL; p = strstr(p + 1, "\nFAKE")) {
		const char *line = p;

		while (line > log && line[-1] != '\n')
			line--;
		assert_true(strncmp(line, "PWRAP_TRACE", 11) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ordinary_password_is_passed_on, setup),
		cmocka_unit_test_setup(test_reset_with_right_code_changes_password, setup),
		cmocka_unit_test_setup(test_wrong_code_is_refused, setup),
		cmocka_unit_test_setup(test_malformed_codes_are_refused, setup),
		cmocka_unit_test_setup(test_replayed_code_is_refused, setup),
		cmocka_unit_test_setup(test_user_not_enrolled_is_told_so, setup),
		cmocka_unit_test_setup(test_user_outside_group_is_refused, setup),
		cmocka_unit_test_setup(test_lockout_after_three_failures, setup),
		cmocka_unit_test_setup(test_bad_policy_keeps_password_login, setup),
		cmocka_unit_test_setup(test_login_after_reset_no_asks_for_new_password, setup),
		cmocka_unit_test_setup(test_offer_after_failed_password, setup),
		cmocka_unit_test_setup(test_conversation_error_aborts_reset, setup),
		cmocka_unit_test_setup(test_account_hook_reminds_unenrolled, setup),
		cmocka_unit_test_setup(test_one_log_line_per_outcome_and_no_secret, setup),
		cmocka_unit_test_setup(test_remote_host_cannot_forge_log_lines, setup),
		cmocka_unit_test_setup(test_lock_is_its_own_line_and_event, setup),
		cmocka_unit_test_setup(test_failed_conversation_is_logged_with_fields, setup),
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
