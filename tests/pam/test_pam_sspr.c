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

#define MAX_TURNS 16
#define HELPDESK "Call the helpdesk on 555-0100."

static const uint8_t secret[20] = "12345678901234567890";

static char dir[256];
static char user[64];  /* the account running the tests: enrolled in setup */
static char other[64]; /* another existing account, never enrolled */

/* ---- conversation -------------------------------------------------- */

struct script {
	const char *answers[MAX_TURNS]; /* to prompts, in order; NULL = conversation error */
	int n_answers;
	int next;
	char prompts[MAX_TURNS][256];
	int n_prompts;
	char messages[MAX_TURNS][512]; /* errors and infos, in order */
	int n_messages;
};

static int scripted_conv(int n, const struct pam_message **msg, struct pam_response **resp,
			 void *data)
{
	struct script *sc = data;
	struct pam_response *out = calloc((size_t)n, sizeof(*out));

	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (sc->n_prompts < MAX_TURNS)
				snprintf(sc->prompts[sc->n_prompts++], 256, "%s", msg[i]->msg);
			if (sc->next >= sc->n_answers || sc->answers[sc->next] == NULL) {
				free(out);
				return PAM_CONV_ERR;
			}
			out[i].resp = strdup(sc->answers[sc->next++]);
			break;
		default:
			if (sc->n_messages < MAX_TURNS)
				snprintf(sc->messages[sc->n_messages++], 512, "%s", msg[i]->msg);
			break;
		}
	}
	*resp = out;
	return PAM_SUCCESS;
}

static void script_init(struct script *sc, int n, ...)
{
	va_list ap;

	memset(sc, 0, sizeof(*sc));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		sc->answers[i] = va_arg(ap, const char *);
	va_end(ap);
	sc->n_answers = n;
}

static bool said(const struct script *sc, const char *needle)
{
	for (int i = 0; i < sc->n_messages; i++)
		if (strstr(sc->messages[i], needle) != NULL)
			return true;
	return false;
}

static int run(const char *service, const char *who, enum pamtest_ops op, struct script *sc)
{
	struct pam_testcase tests[] = {pam_test(op, PAM_SUCCESS)};

	(void)_pamtest_conv(service, who, scripted_conv, sc, tests, 1, NULL);
	return tests[0].op_rv;
}

/* ---- fixture ------------------------------------------------------- */

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void write_policy(const char *name, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "group = *\nmin_uid = 0\nallow_root = yes\n"
		 "store = %s/store\nkey_dir = %s/keys\n"
		 "password_service = sspr-test-passwd\n"
		 "lockout_attempts = 3\nlockout_window = 600\nlockout_duration = 600\n"
		 "helpdesk = " HELPDESK "\n%s",
		 dir, dir, extra);
	write_file(name, text);
}

static void write_service(const char *name, const char *body)
{
	char path[512];

	snprintf(path, sizeof(path), "services/%s", name);
	write_file(path, body);
}

static void set_password(const char *who, const char *password)
{
	char text[256];

	snprintf(text, sizeof(text), "%s:%s\n", who, password);
	write_file("passwords", text);
}

static bool password_is(const char *who, const char *password)
{
	char path[512], line[256], want[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/passwords", dir);
	snprintf(want, sizeof(want), "%s:%s\n", who, password);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strcmp(line, want) == 0)
			found = true;
	fclose(f);
	return found;
}

struct enroll_ctx {
	const uint8_t *pk;
};

static int enroll_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct enroll_ctx *e = ctx;
	size_t len = 0;

	sspr_record_init(rec);
	rec->has_totp = true;
	rec->totp.digits = 6;
	rec->totp.period = 30;
	assert_int_equal(sspr_seal(e->pk, secret, sizeof(secret), rec->totp.sealed,
				   sizeof(rec->totp.sealed), &len),
			 SSPR_OK);
	rec->totp.sealed_len = (uint16_t)len;
	rec->registered_at = rec->confirmed_at = sspr_now();
	return SSPR_OK;
}

static struct sspr_store *open_store(void)
{
	char path[512];
	struct sspr_store *st = NULL;
	struct sspr_error err;

	snprintf(path, sizeof(path), "%s/store", dir);
	assert_int_equal(sspr_store_open(path, 0, &st, &err), SSPR_OK);
	return st;
}

/* A fresh record for who: TOTP with the test secret, nothing used yet. */
static void enroll(const char *who)
{
	char keys[512];
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	struct enroll_ctx e = {pk};
	struct sspr_store *st = open_store();
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/keys", dir);
	assert_int_equal(sspr_hostkey_load_public(keys, pk, &err), SSPR_OK);
	assert_int_equal(sspr_store_update(st, who, 0, enroll_fn, &e, &err), SSPR_OK);
	sspr_store_close(st);
}

static bool have_record(const char *who, struct sspr_record *rec)
{
	struct sspr_store *st = open_store();
	struct sspr_error err;
	int r = sspr_store_get(st, who, rec, &err);

	sspr_store_close(st);
	return r == SSPR_OK;
}

struct last_event {
	struct sspr_event ev;
	int count;
};

static int last_event_fn(const struct sspr_event *ev, int status, void *ctx)
{
	struct last_event *le = ctx;

	le->ev = *ev;
	le->count++;
	return 0;
}

static struct last_event last_event(void)
{
	struct last_event le = {0};
	struct sspr_store *st = open_store();
	struct sspr_error err;

	assert_int_equal(sspr_store_foreach_event(st, 0, last_event_fn, &le, &err), SSPR_OK);
	sspr_store_close(st);
	return le;
}

static void current_code(char code[SSPR_TOTP_CODE_MAX + 1])
{
	assert_int_equal(sspr_totp_code(secret, sizeof(secret), 6,
					sspr_totp_step(sspr_now(), 30), code),
			 SSPR_OK);
}

/* A six-digit code valid at no step in the window. */
static void wrong_code(char code[SSPR_TOTP_CODE_MAX + 1])
{
	uint64_t now = sspr_totp_step(sspr_now(), 30);
	char valid[3][SSPR_TOTP_CODE_MAX + 1];

	for (int i = 0; i < 3; i++)
		sspr_totp_code(secret, sizeof(secret), 6, now - 1 + (uint64_t)i, valid[i]);
	for (unsigned n = 0;; n++) {
		snprintf(code, SSPR_TOTP_CODE_MAX + 1, "%06u", n);
		if (strcmp(code, valid[0]) && strcmp(code, valid[1]) && strcmp(code, valid[2]))
			return;
	}
}

static int setup_all(void **state)
{
	char services[512], keys[512], storedir[512], text[4096];
	struct sspr_store *st = NULL;
	struct sspr_error err;
	struct passwd *pw = getpwuid(getuid());

	assert_non_null(pw);
	snprintf(user, sizeof(user), "%s", pw->pw_name);
	snprintf(other, sizeof(other), "%s", strcmp(user, "daemon") != 0 ? "daemon" : "bin");
	snprintf(dir, sizeof(dir), "%s", "/tmp/sspr-pamtest-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(services, sizeof(services), "%s/services", dir);
	assert_int_equal(mkdir(services, 0700), 0);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	snprintf(storedir, sizeof(storedir), "%s/store", dir);
	assert_int_equal(sspr_store_open(storedir, SSPR_STORE_CREATE, &st, &err), SSPR_OK);
	sspr_store_close(st);
	assert_int_equal(sspr_totp_init(), SSPR_OK);

	write_policy("sspr.conf", "");
	write_policy("no-login.conf", "login_after_reset = no\n");
	write_policy("other-group.conf", "");
	write_file("broken.conf", "lockout_attempts = lots\n");
	/* other-group.conf: same store, but a group nobody is in. */
	snprintf(text, sizeof(text),
		 "group = sspr-test-no-such-group\nmin_uid = 0\nallow_root = yes\n"
		 "store = %s/store\nkey_dir = %s/keys\npassword_service = sspr-test-passwd\n"
		 "helpdesk = " HELPDESK "\n", dir, dir);
	write_file("other-group.conf", text);

#define SERVICE(name, conf, args)                                                              \
	snprintf(text, sizeof(text),                                                           \
		 "auth [success=done default=ignore] " PAM_SSPR_MODULE " config=%s/" conf " " args \
		 "\nauth required " TEST_PASSWD_MODULE " file=%s/passwords\n"                    \
		 "account optional " PAM_SSPR_MODULE " config=%s/" conf "\n"                      \
		 "account required " TEST_PASSWD_MODULE "\n",                                     \
		 dir, dir, dir);                                                               \
	write_service(name, text)

	SERVICE("sspr-test", "sspr.conf", "");
	SERVICE("sspr-test-nologin", "no-login.conf", "");
	SERVICE("sspr-test-group", "other-group.conf", "");
	SERVICE("sspr-test-broken", "broken.conf", "");
	SERVICE("sspr-test-missing", "missing.conf", "debug");
	snprintf(text, sizeof(text),
		 "auth [success=done default=ignore] " TEST_PASSWD_MODULE " file=%s/passwords\n"
		 "auth [success=done ignore=ignore default=die] " PAM_SSPR_MODULE
		 " trigger=offer config=%s/sspr.conf\n"
		 "auth requisite " TEST_PASSWD_MODULE " file=/nonexistent\n",
		 dir, dir);
	write_service("sspr-test-offer", text);
	snprintf(text, sizeof(text), "password required " TEST_PASSWD_MODULE " file=%s/passwords\n",
		 dir);
	write_service("sspr-test-passwd", text);
	setenv("PAM_WRAPPER_SERVICE_DIR", services, 1);
	return 0;
}

static int teardown_all(void **state)
{
	char cmd[512];

	if (getenv("SSPR_KEEP_TEST_DIR") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}

/* Each test starts from: user enrolled, password "OldPass-1". */
static int setup(void **state)
{
	set_password(user, "OldPass-1");
	enroll(user);
	return 0;
}

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
	assert_true(said(&sc, "Your password has been changed."));
	assert_true(password_is(user, "NewPass-2"));
	assert_true(have_record(user, &rec));
	/* The accepted step is recorded, so the same code cannot come back. */
	assert_true(rec.totp.last_step + 1 >= sspr_totp_step(sspr_now(), 30));
	assert_true(rec.totp.last_step <= sspr_totp_step(sspr_now(), 30) + 1);
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
	assert_true(said(&sc, "The code is not valid."));
	assert_true(said(&sc, HELPDESK));
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
		assert_true(said(&sc, "The code is not valid."));
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
	assert_true(said(&sc, "The code is not valid."));
	assert_true(password_is(user, "NewPass-3"));
	assert_string_equal(last_event().ev.result, "replayed-code");
}

static void test_user_not_enrolled_is_told_so(void **state)
{
	struct script sc;
	struct sspr_record rec;

	script_init(&sc, 1, "");
	assert_int_not_equal(run("sspr-test", other, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(said(&sc, "Password reset is not set up for this account."));
	assert_true(said(&sc, HELPDESK));
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
	assert_true(said(&sc, "Password reset is not set up for this account."));
	assert_true(said(&sc, HELPDESK));
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
	assert_true(said(&sc, "password reset is now locked"));
	assert_true(have_record(user, &rec));
	assert_true(rec.locked_until > sspr_now());

	/* Locked: the right code no longer helps, and is not even asked for. */
	current_code(good);
	script_init(&sc, 4, "", good, "NewPass-5", "NewPass-5");
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(said(&sc, "locked"));
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
	assert_true(said(&sc, "Password reset is unavailable."));
	assert_true(password_is(user, "OldPass-1"));

	/* An explicit config= that is missing is an error too, not defaults. */
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-test-missing", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(said(&sc, "Password reset is unavailable."));
}

static void test_login_after_reset_no_asks_for_new_password(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	/* After the change the password module asks; the user types the new one. */
	script_init(&sc, 5, "", code, "NewPass-6", "NewPass-6", "NewPass-6");
	assert_int_equal(run("sspr-test-nologin", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(said(&sc, "Log in with your new password."));
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
	assert_true(said(&sc, "sspr-enroll"));

	script_init(&sc, 0);
	assert_int_equal(run("sspr-test", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_messages, 0);

	/* A broken policy never fails the account phase. */
	script_init(&sc, 0);
	assert_int_equal(run("sspr-test-broken", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
}

/* Runs a reset with pam_wrapper's syslog copy on stderr sent to a file,
 * and returns that file's contents in log (size logsize). */
static void reset_capturing_syslog(const char *code, const char *password, char *log,
				   size_t logsize)
{
	char path[512];
	struct script sc;
	int saved = dup(STDERR_FILENO), fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/syslog.txt", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	assert_true(fd >= 0 && saved >= 0);
	setenv("PAM_WRAPPER_DEBUGLEVEL", "3", 1);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	script_init(&sc, 4, "", code, password, password);
	(void)run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	unsetenv("PAM_WRAPPER_DEBUGLEVEL");
	n = pread(fd, log, logsize - 1, 0);
	close(fd);
	assert_true(n > 0);
	log[n] = '\0';
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_one_log_line_per_outcome_and_no_secret(void **state)
{
	static char log[65536];
	char code[SSPR_TOTP_CODE_MAX + 1], wrong[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	reset_capturing_syslog(code, "Secret-Pass-8", log, sizeof(log));
	assert_int_equal(count_lines_with(log, "password reset "), 1);
	assert_non_null(strstr(log, "password reset success: user="));
	assert_null(strstr(log, code));
	assert_null(strstr(log, "Secret-Pass-8"));

	wrong_code(wrong);
	reset_capturing_syslog(wrong, "Secret-Pass-9", log, sizeof(log));
	assert_int_equal(count_lines_with(log, "password reset "), 1);
	assert_non_null(strstr(log, "password reset bad-code: user="));
	assert_null(strstr(log, wrong));
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
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
