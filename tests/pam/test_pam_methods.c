/* SPDX-License-Identifier: BSD-2-Clause */
/* Module tests of every reset method but the authenticator app, the method
 * menu, two-method resets, notifications and the account hook's
 * registration rules. Same fixture as test_pam_sspr.c; e-mail goes through
 * a stand-in mail command that saves each message to a file. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "answer.h"
#include "codes.h"
#include "slots.h"
#include "util.h"

#include "fixture.h"

#define ADDRESS "alice@example.com"
#define DAY 86400

static const char *const questions[3] = {
	"What was the name of your first pet?",
	"In what city were you born?",
	"What was your first car?",
};
static const char *const answers[3] = {"fluffy", "new york", "beetle"};

static char recovery[10][SSPR_RECOVERY_CODE_SIZE];

/* ---- record edits -------------------------------------------------- */

typedef void (*edit_fn)(struct sspr_record *rec, void *ctx);

struct edit {
	edit_fn fn;
	void *ctx;
};

static int apply_edit(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct edit *e = ctx;

	e->fn(rec, e->ctx);
	return SSPR_OK;
}

/* Between transactions, when the module has closed the store. */
static void edit_record(const char *who, edit_fn fn, void *ctx)
{
	struct edit e = {fn, ctx};
	struct sspr_store *st = open_store();
	struct sspr_error err;

	assert_int_equal(sspr_store_update(st, who, 0, apply_edit, &e, &err), SSPR_OK);
	sspr_store_close(st);
}

/* During the module's conversation, when it has the store open: in a child
 * process, as another login or sspr-enroll would. LMDB allows one
 * environment per store per process, and the module's copy of libsspr and
 * this program's cannot share one (store_lmdb_env.h). fn's effects on this
 * process's memory are lost. */
static void edit_record_elsewhere(const char *who, edit_fn fn, void *ctx)
{
	struct edit e = {fn, ctx};
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct sspr_store *st = NULL;
		struct sspr_error err = {{0}};
		int r = try_open_store(0, &st, &err);

		if (r == SSPR_OK)
			r = sspr_store_update(st, who, 0, apply_edit, &e, &err);
		if (r != SSPR_OK)
			fprintf(stderr, "edit_record(%s): %s\n", who, err.msg);
		sspr_store_close(st);
		_exit(r == SSPR_OK ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void add_questions(struct sspr_record *rec, void *ctx)
{
	rec->n_questions = 3;
	for (int i = 0; i < 3; i++) {
		snprintf(rec->questions[i].question, sizeof(rec->questions[i].question), "%s",
			 questions[i]);
		/* The lowest cost: the flow is under test, not Argon2id. */
		assert_int_equal(sspr_answer_hash(answers[i], 1, 8192, rec->questions[i].hash),
				 SSPR_OK);
	}
}

static void add_email(struct sspr_record *rec, void *ctx)
{
	rec->has_email = true;
	snprintf(rec->email.address, sizeof(rec->email.address), ADDRESS);
	rec->email.verified = true;
	rec->email.verified_at = sspr_now();
}

static void add_recovery(struct sspr_record *rec, void *ctx)
{
	assert_int_equal(sspr_recovery_issue(rec, 10, recovery), SSPR_OK);
}

static char pass[SSPR_RECOVERY_CODE_SIZE];

/* ctx: the uses, as an unsigned *; valid for an hour. */
static void issue_pass(struct sspr_record *rec, void *ctx)
{
	assert_int_equal(sspr_pass_issue(rec, sspr_now(), 3600, *(unsigned *)ctx, pass), SSPR_OK);
}

static void expire_pass(struct sspr_record *rec, void *ctx)
{
	rec->pass.issued_at = sspr_now() - 120;
	rec->pass.expires_at = sspr_now() - 1;
}

static void drop_questions(struct sspr_record *rec, void *ctx)
{
	sspr_record_clear_method(rec, SSPR_METHOD_QUESTIONS);
}

static void drop_totp(struct sspr_record *rec, void *ctx)
{
	memset(&rec->totp[0], 0, sizeof(rec->totp[0]));
	rec->n_totp = 0;
}

static void set_pending_expiry(struct sspr_record *rec, void *ctx)
{
	rec->pending.expires_at = *(int64_t *)ctx;
}

static void set_failures(struct sspr_record *rec, void *ctx)
{
	rec->n_failures = 1;
	rec->failures[0] = sspr_now();
}

static void age_confirmation(struct sspr_record *rec, void *ctx)
{
	rec->registered_at = rec->confirmed_at = sspr_now() - 3 * DAY;
}

static void set_grace_start(struct sspr_record *rec, void *ctx)
{
	rec->grace_started_at = *(int64_t *)ctx;
}

/* The user with only the given extra methods (TOTP dropped unless kept). */
static void enroll_methods(bool keep_totp, bool with_questions, bool with_email,
			   bool with_recovery)
{
	enroll(user);
	if (!keep_totp)
		edit_record(user, drop_totp, NULL);
	if (with_questions)
		edit_record(user, add_questions, NULL);
	if (with_email)
		edit_record(user, add_email, NULL);
	if (with_recovery)
		edit_record(user, add_recovery, NULL);
}

/* ---- mail ---------------------------------------------------------- */

static void mail_path(char *out, size_t size)
{
	snprintf(out, size, "%s/mail.txt", dir);
}

static void clear_mail(void)
{
	char path[512];

	mail_path(path, sizeof(path));
	unlink(path);
}

/* Everything the stand-in mail command received, concatenated. */
static const char *mail_text(void)
{
	static char text[16384];
	char path[512];
	FILE *f;
	size_t n;

	text[0] = '\0';
	mail_path(path, sizeof(path));
	f = fopen(path, "r");
	if (f == NULL)
		return text;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* The last code mailed ("    12345678" line), or "" when none. */
static const char *mailed_code(void)
{
	static char code[SSPR_CODE_SIZE];
	const char *text = mail_text(), *p = text, *last = NULL;

	while ((p = strstr(p, "\n    ")) != NULL) {
		last = p + 5;
		p++;
	}
	code[0] = '\0';
	if (last != NULL)
		snprintf(code, sizeof(code), "%.*s", (int)strspn(last, "0123456789"), last);
	return code;
}

static int count_mails(void)
{
	int n = 0;

	for (const char *p = strstr(mail_text(), "Subject: "); p != NULL;
	     p = strstr(p + 1, "Subject: "))
		n++;
	return n;
}

/* ---- conversation hooks -------------------------------------------- */

static int wrong_answers_left; /* questions answered wrongly before the right ones */
static const char *typed_code; /* e-mail code to type instead of the mailed one */
static int64_t expiry_to_set;  /* when set, the pending code's expiry is changed first */

static const char *answer_by_question(struct script *sc, const char *prompt)
{
	for (int i = 0; i < 3; i++) {
		if (strncmp(prompt, questions[i], strlen(questions[i])) == 0) {
			if (wrong_answers_left > 0) {
				wrong_answers_left--;
				return "wrong answer";
			}
			return answers[i];
		}
	}
	if (strstr(prompt, "code from the e-mail") != NULL) {
		if (expiry_to_set != 0)
			edit_record_elsewhere(user, set_pending_expiry, &expiry_to_set);
		return typed_code != NULL ? typed_code : mailed_code();
	}
	return NULL;
}

static int prompts_with(const struct script *sc, const char *needle)
{
	int n = 0;

	for (int i = 0; i < sc->n_prompts; i++)
		n += strstr(sc->prompts[i], needle) != NULL;
	return n;
}

static int question_prompts(const struct script *sc)
{
	return prompts_with(sc, "What was") + prompts_with(sc, "In what city");
}

static struct sspr_record record_of(const char *who)
{
	struct sspr_record rec;

	assert_true(have_record(who, &rec));
	return rec;
}

/* ---- fixture ------------------------------------------------------- */

static int setup_methods(void **state)
{
	char extra[1024];
	struct group *gr = getgrgid(getgid());

	setup_all(state);
	assert_non_null(gr);
	write_file("sendmail", "#!/bin/sh\ncat >> \"$(dirname \"$0\")/mail.txt\"\n");
	snprintf(extra, sizeof(extra), "%s/sendmail", dir);
	assert_int_equal(chmod(extra, 0700), 0);

#define MAIL "mail_command = %s/sendmail -t -i\nnotify_user = no\n"
	snprintf(extra, sizeof(extra), MAIL "questions_to_reset = 2\n", dir);
	write_policy("methods.conf", extra);
	snprintf(extra, sizeof(extra), MAIL "questions_to_reset = 2\nlockout_window = 1\n", dir);
	write_policy("draws.conf", extra);
	snprintf(extra, sizeof(extra), MAIL "questions_to_reset = 3\nlockout_attempts = 5\n", dir);
	write_policy("all-questions.conf", extra);
	snprintf(extra, sizeof(extra), MAIL "methods_required = 2\n", dir);
	write_policy("two.conf", extra);
	snprintf(extra, sizeof(extra), MAIL "methods = questions\n", dir);
	write_policy("only-questions.conf", extra);
	snprintf(extra, sizeof(extra),
		 "mail_command = %s/sendmail -t -i\nnotify_user = yes\nnotify_admins = yes\n"
		 "admin_group = %s\nadmin_mail = admin@example.org\n",
		 dir, gr->gr_name);
	write_policy("notify.conf", extra);
	write_policy("nomail.conf", "mail_command = /bin/false\nnotify_user = yes\n");
	write_policy("require.conf", "registration = require\nregistration_grace_days = 0\n");
	write_policy("grace.conf", "registration = require\nregistration_grace_days = 7\n");
	write_policy("reconfirm.conf", "reconfirm_days = 1\n");
	write_policy("quiet.conf", "registration = no\n");
	write_policy("uid.conf", "allow_root = no\nmin_uid = 4294967294\n");
	snprintf(extra, sizeof(extra),
		 "mail_command = %s/sendmail -t -i\nnotify_user = no\ncode_length = 6\n"
		 "code_lifetime = 120\nmail_from = sspr@example.org\n",
		 dir);
	write_policy("code.conf", extra);

	write_stack("sspr-methods", "methods.conf", "", "optional");
	write_stack("sspr-draws", "draws.conf", "", "optional");
	write_stack("sspr-all-questions", "all-questions.conf", "", "optional");
	write_stack("sspr-two", "two.conf", "", "optional");
	write_stack("sspr-only-questions", "only-questions.conf", "", "optional");
	write_stack("sspr-notify", "notify.conf", "", "optional");
	write_stack("sspr-nomail", "nomail.conf", "", "optional");
	write_stack("sspr-require", "require.conf", "", "required");
	write_stack("sspr-grace", "grace.conf", "", "required");
	write_stack("sspr-reconfirm", "reconfirm.conf", "", "optional");
	write_stack("sspr-no-registration", "quiet.conf", "", "required");
	write_stack("sspr-uid", "uid.conf", "", "optional");
	snprintf(extra, sizeof(extra), MAIL "questions_to_reset = 2\nargon2_max_parallel = 1\n", dir);
	write_policy("slot.conf", extra);
	write_stack("sspr-slot", "slot.conf", "", "optional");
	write_stack("sspr-code", "code.conf", "", "optional");
	/* The account running the tests is an administrator here: its
	 * primary group is admin_group. */
	snprintf(extra, sizeof(extra),
		 MAIL "questions_to_reset = 2\nadmin_policy = strict\nadmin_group = %s\n", dir,
		 gr->gr_name);
	write_policy("admin.conf", extra);
	write_stack("sspr-admin-rule", "admin.conf", "", "optional");
	snprintf(extra, sizeof(extra),
		 MAIL "questions_to_reset = 2\nadmin_policy = strict\nadmin_group = %s\n"
		      "enumeration = hide\n",
		 dir, gr->gr_name);
	write_policy("admin-hide.conf", extra);
	write_stack("sspr-admin-hide", "admin-hide.conf", "", "optional");
	snprintf(extra, sizeof(extra),
		 "admin_policy = strict\nadmin_group = %s\nregistration = require\n"
		 "registration_grace_days = 0\n",
		 gr->gr_name);
	write_policy("admin-require.conf", extra);
	write_stack("sspr-admin-require", "admin-require.conf", "", "required");
	write_policy("pass.conf", "methods = totp questions email recovery pass\n");
	write_stack("sspr-pass", "pass.conf", "", "optional");
	write_policy("pass-hide.conf",
		     "methods = totp questions email recovery pass\nenumeration = hide\n");
	write_stack("sspr-pass-hide", "pass-hide.conf", "", "optional");
	return 0;
}

static int setup_each(void **state)
{
	set_password(user, "OldPass-1");
	clear_mail();
	wrong_answers_left = 0;
	typed_code = NULL;
	expiry_to_set = 0;
	return 0;
}

/* ---- security questions -------------------------------------------- */

static void test_questions_reset(void **state)
{
	struct script sc;

	enroll_methods(false, true, false, false);
	script_init(&sc, 3, "", "NewPass-2", "NewPass-2");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	/* questions_to_reset = 2 distinct questions out of 3, no menu. */
	assert_int_equal(question_prompts(&sc), 2);
	assert_false(strcmp(sc.prompts[1], sc.prompts[2]) == 0);
	assert_int_equal(prompts_with(&sc, "Choose"), 0);
	assert_true(password_is(user, "NewPass-2"));
	assert_string_equal(last_event().ev.result, "success");
	assert_string_equal(last_event().ev.method, "questions");
}

/* The questions asked are drawn for a period (lockout_window long, 1 s
 * here) with a key of the host's: the same within a period, so giving up
 * gains nothing (test_pam_hide), and another draw in the next. */
static void test_questions_are_drawn_anew_each_period(void **state)
{
	bool seen[3] = {false, false, false};

	enroll_methods(false, true, false, false);
	/* 2 of 3 each period: over 10 periods every question comes up (a
	 * fixed choice would miss one; the odds of missing one by chance are
	 * 3 * (1/3)^10). */
	for (int run_no = 0; run_no < 10; run_no++) {
		struct script sc;

		if (run_no > 0)
			sleep(1); /* the next period */
		set_password(user, "OldPass-1");
		script_init(&sc, 3, "", "NewPass-3", "NewPass-3");
		sc.hook = answer_by_question;
		assert_int_equal(run("sspr-draws", user, PAMTEST_AUTHENTICATE, &sc),
				 PAM_SUCCESS);
		for (int p = 0; p < sc.n_prompts; p++)
			for (int q = 0; q < 3; q++)
				if (strcmp(sc.prompts[p], questions[q]) == 0 ||
				    strncmp(sc.prompts[p], questions[q], strlen(questions[q])) == 0)
					seen[q] = true;
	}
	assert_true(seen[0] && seen[1] && seen[2]);
}

static void test_one_wrong_answer_fails_without_saying_which(void **state)
{
	struct script sc;
	struct sspr_record rec;

	enroll_methods(false, true, false, false);
	wrong_answers_left = 1;
	script_init(&sc, 1, "");
	sc.hook = answer_by_question;
	assert_int_not_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	/* Both questions were asked although the first answer was wrong. */
	assert_int_equal(question_prompts(&sc), 2);
	assert_true(script_said(&sc, "The answers are not correct."));
	assert_true(password_is(user, "OldPass-1"));
	rec = record_of(user);
	assert_int_equal(rec.n_failures, 1);
	assert_string_equal(last_event().ev.result, "bad-answer");
	assert_string_equal(last_event().ev.method, "questions");
}

static void test_all_registered_questions_asked_when_equal(void **state)
{
	struct script sc;

	enroll_methods(false, true, false, false);
	script_init(&sc, 3, "", "NewPass-4", "NewPass-4");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-all-questions", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(question_prompts(&sc), 3);
	assert_true(password_is(user, "NewPass-4"));
}

static const char *shouted_answers(struct script *sc, const char *prompt)
{
	if (strncmp(prompt, questions[0], strlen(questions[0])) == 0)
		return "  FLUFFY ";
	if (strncmp(prompt, questions[1], strlen(questions[1])) == 0)
		return "New    York";
	if (strncmp(prompt, questions[2], strlen(questions[2])) == 0)
		return "BeeTle";
	return NULL;
}

static void test_answers_are_normalised(void **state)
{
	struct script sc;

	enroll_methods(false, true, false, false);
	script_init(&sc, 3, "", "NewPass-5", "NewPass-5");
	sc.hook = shouted_answers;
	assert_int_equal(run("sspr-all-questions", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-5"));
}

/* argon2_max_parallel = 1 and another process holding the one slot for
 * half a second: the answer check waits for it, then goes on. */
static void test_answer_checks_wait_for_a_free_slot(void **state)
{
	struct script sc;
	char slots[512];
	int ready[2];
	double start;
	pid_t pid;
	char c;

	enroll_methods(false, true, false, false);
	snprintf(slots, sizeof(slots), "%s/run", dir);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		struct sspr_slot held;
		struct sspr_error err;

		if (sspr_slot_acquire(slots, "argon2", 1, 0, &held, &err) != SSPR_OK)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		usleep(500 * 1000);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	start = script_now();
	script_init(&sc, 3, "", "NewPass-17", "NewPass-17");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-slot", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_now() - start >= 0.4);
	assert_true(password_is(user, "NewPass-17"));
	waitpid(pid, NULL, 0);
	close(ready[0]);
	close(ready[1]);
}

static void test_policy_methods_limit_what_can_be_used(void **state)
{
	struct script sc;

	/* TOTP only, but the policy allows questions only. */
	enroll_methods(true, false, false, false);
	script_init(&sc, 1, "");
	assert_int_not_equal(run("sspr-only-questions", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_true(script_said(&sc, "not set up"));
	assert_int_equal(prompts_with(&sc, "code"), 0);
}

/* ---- e-mailed code ------------------------------------------------- */

static void test_email_code_reset(void **state)
{
	struct script sc;
	struct sspr_record rec;

	enroll_methods(false, false, true, false);
	script_init(&sc, 3, "", "NewPass-6", "NewPass-6");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "a***@e***.com"));
	assert_int_equal(prompts_with(&sc, "code"), 1);
	assert_int_equal(count_mails(), 1);
	assert_non_null(strstr(mail_text(), "To: " ADDRESS "\n"));
	assert_int_equal(strlen(mailed_code()), 8); /* code_length */
	assert_true(password_is(user, "NewPass-6"));
	rec = record_of(user);
	assert_false(rec.has_pending); /* spent */
	assert_string_equal(last_event().ev.method, "email");
}

static void test_email_code_works_once(void **state)
{
	struct script sc;
	char code[SSPR_CODE_SIZE];

	enroll_methods(false, false, true, false);
	script_init(&sc, 3, "", "NewPass-7", "NewPass-7");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	snprintf(code, sizeof(code), "%s", mailed_code());

	/* A minute later (the resend limit), a new code goes out; the old
	 * one is refused. */
	enroll_methods(false, false, true, false);
	typed_code = code;
	script_init(&sc, 4, "", "x", "x", "x");
	sc.hook = answer_by_question;
	assert_int_not_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The code is not valid."));
	assert_true(password_is(user, "NewPass-7"));
}

static int email_turn;

static const char *wrong_wrong_right(struct script *sc, const char *prompt)
{
	if (strstr(prompt, "code from the e-mail") == NULL)
		return NULL;
	return ++email_turn < 3 ? "00000000" : mailed_code();
}

static const char *always_wrong(struct script *sc, const char *prompt)
{
	if (strstr(prompt, "code from the e-mail") == NULL)
		return NULL;
	email_turn++;
	return "00000000";
}

static void test_email_three_tries(void **state)
{
	struct script sc;
	struct sspr_record rec;

	/* Third and last try right: accepted. */
	enroll_methods(false, false, true, false);
	email_turn = 0;
	script_init(&sc, 3, "", "NewPass-8", "NewPass-8");
	sc.hook = wrong_wrong_right;
	assert_int_equal(run("sspr-all-questions", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(email_turn, 3);
	assert_true(password_is(user, "NewPass-8"));

	/* Three wrong: no fourth prompt, the code is gone. */
	enroll_methods(false, false, true, false);
	set_password(user, "OldPass-1");
	email_turn = 0;
	script_init(&sc, 1, "");
	sc.hook = always_wrong;
	assert_int_not_equal(run("sspr-all-questions", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_int_equal(email_turn, 3);
	rec = record_of(user);
	assert_false(rec.has_pending);
	assert_int_equal(rec.n_failures, 3);
	assert_true(password_is(user, "OldPass-1"));
}

static void test_email_code_expired_by_one_second(void **state)
{
	struct script sc;

	/* Expired one second ago: refused, and it does not count as a guess. */
	enroll_methods(false, false, true, false);
	expiry_to_set = sspr_now() - 1;
	script_init(&sc, 1, "");
	sc.hook = answer_by_question;
	assert_int_not_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The code has expired."));
	assert_int_equal(record_of(user).n_failures, 0);
	assert_string_equal(last_event().ev.result, "expired-code");
	assert_true(password_is(user, "OldPass-1"));

	/* Still valid for a moment: accepted. */
	enroll_methods(false, false, true, false);
	expiry_to_set = sspr_now() + 2;
	script_init(&sc, 3, "", "NewPass-9", "NewPass-9");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-9"));
}

static void test_email_resend_is_throttled(void **state)
{
	struct script sc;

	enroll_methods(false, false, true, false);
	/* First attempt: mailed, then the user gives up at the prompt. */
	script_init(&sc, 2, "", NULL);
	assert_int_not_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(count_mails(), 1);
	/* Straight away again: no second mail, and the first code still works. */
	script_init(&sc, 3, "", "NewPass-16", "NewPass-16");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "less than a minute ago: use that one."));
	assert_int_equal(count_mails(), 1);
	assert_true(password_is(user, "NewPass-16"));
}

static void test_email_send_failure_is_reported(void **state)
{
	struct script sc;

	enroll_methods(false, false, true, false);
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-nomail", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The code could not be sent."));
	assert_int_equal(prompts_with(&sc, "code from the e-mail"), 0);
	assert_string_equal(last_event().ev.result, "unavailable");
}

/* have_record, from a child process while the module has the store open
 * (see edit_record_elsewhere). The record is plain data: it comes back
 * through a pipe. */
static bool have_record_elsewhere(const char *who, struct sspr_record *rec)
{
	int fds[2], status = 0;
	ssize_t got;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		struct sspr_store *st = NULL;
		struct sspr_error err = {{0}};
		struct sspr_record found;
		int r;

		close(fds[0]);
		sspr_record_init(&found);
		r = try_open_store(SSPR_STORE_READONLY, &st, &err);
		if (r == SSPR_OK)
			r = sspr_store_get(st, who, &found, &err);
		sspr_store_close(st);
		if (r == SSPR_OK && write(fds[1], &found, sizeof(found)) != (ssize_t)sizeof(found))
			r = SSPR_ERR;
		_exit(r == SSPR_OK ? 0 : r == SSPR_ENOENT ? 2 : 1);
	}
	close(fds[1]);
	got = read(fds[0], rec, sizeof(*rec));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 1);
	return WEXITSTATUS(status) == 0 && got == (ssize_t)sizeof(*rec);
}

static int64_t seen_expiry;

static const char *mailed_code_noting_expiry(struct script *sc, const char *prompt)
{
	struct sspr_record rec;

	if (strstr(prompt, "code from the e-mail") == NULL)
		return NULL;
	assert_true(have_record_elsewhere(user, &rec));
	seen_expiry = rec.pending.expires_at;
	sspr_record_wipe(&rec);
	return mailed_code();
}

static void test_email_code_shape_lifetime_and_sender(void **state)
{
	struct script sc;
	int64_t before = sspr_now();

	enroll_methods(false, false, true, false);
	script_init(&sc, 3, "", "NewPass-15", "NewPass-15");
	sc.hook = mailed_code_noting_expiry;
	assert_int_equal(run("sspr-code", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(strlen(mailed_code()), 6);                     /* code_length */
	assert_true(seen_expiry >= before + 120 && seen_expiry <= sspr_now() + 120);
	assert_non_null(strstr(mail_text(), "From: sspr@example.org\n")); /* mail_from */
	assert_non_null(strstr(mail_text(), "valid for 2 minutes"));
	assert_true(password_is(user, "NewPass-15"));
}

/* ---- recovery codes ------------------------------------------------ */

static void test_recovery_code_works_once(void **state)
{
	struct script sc;

	enroll_methods(false, false, false, true);
	script_init(&sc, 4, "", recovery[4], "NewPass-10", "NewPass-10");
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "Recovery code"));
	assert_true(script_said(&sc, "9 left"));
	assert_true(password_is(user, "NewPass-10"));
	{
		struct sspr_record rec = record_of(user);

		assert_int_equal(sspr_recovery_left(&rec), 9);
		assert_true(rec.recovery[4].used);
	}
	script_init(&sc, 2, "", recovery[4]);
	assert_int_not_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The recovery code is not valid."));
	assert_true(password_is(user, "NewPass-10"));
}

/* ---- who may reset ------------------------------------------------ */

static void test_uid_and_root_rules(void **state)
{
	struct script sc;

	/* Root with allow_root = no, anyone else below min_uid: refused alike. */
	enroll_methods(true, false, false, true);
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-uid", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is not set up for this account."));
	assert_int_equal(prompts_with(&sc, "code"), 0);
	assert_string_equal(last_event().ev.result, "not-eligible");
}

/* ---- the menu and two methods -------------------------------------- */

static void test_menu_lists_only_enrolled_methods(void **state)
{
	struct script sc;

	enroll_methods(true, false, false, true);
	/* An answer out of range is asked again. */
	script_init(&sc, 6, "", "9", "2", recovery[0], "NewPass-11", "NewPass-11");
	assert_int_equal(run("sspr-methods", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "Choose 1-2"));
	assert_true(script_asked(&sc, "1. With a code from your authenticator app"));
	assert_true(script_asked(&sc, "2. With one of your recovery codes"));
	assert_false(script_said(&sc, "security questions"));
	assert_true(script_said(&sc, "Please type a number from 1 to 2."));
	assert_true(password_is(user, "NewPass-11"));
}

static void test_two_methods_both_needed(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	enroll_methods(true, false, false, true);
	current_code(code);
	/* Menu for the first; the second is the one left, without a menu. */
	script_init(&sc, 6, "", "1", code, recovery[1], "NewPass-12", "NewPass-12");
	assert_int_equal(run("sspr-two", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(prompts_with(&sc, "Choose"), 1);
	assert_true(script_said(&sc, "second, different method"));
	assert_true(password_is(user, "NewPass-12"));
	assert_string_equal(last_event().ev.method, "totp+recovery");
}

static void test_two_methods_one_fails(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	enroll_methods(true, false, false, true);
	edit_record(user, set_failures, NULL);
	current_code(code);
	script_init(&sc, 5, "", "1", code, "0000-0000-0000-0000", "x");
	assert_int_not_equal(run("sspr-two", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The recovery code is not valid."));
	assert_true(password_is(user, "OldPass-1"));
	/* Passing the first method did not wipe the earlier failure. */
	assert_int_equal(record_of(user).n_failures, 2);
}

static void test_two_methods_need_two_enrolled(void **state)
{
	struct script sc;

	enroll_methods(true, false, false, false);
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-two", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "needs 2 different methods and this account has 1"));
	assert_int_equal(prompts_with(&sc, "code"), 0);
}

/* ---- administrators (admin_policy = strict) ------------------------- */

static void test_admin_questions_do_not_count(void **state)
{
	struct script sc;

	/* Two methods, one of them questions: one that counts. */
	enroll_methods(true, true, false, false);
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-admin-rule", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "needs 2 different methods and this account has 1. "
				     "Administrators need 2 different methods, security questions "
				     "not among them."));
	assert_int_equal(prompts_with(&sc, "code"), 0);
	assert_int_equal(question_prompts(&sc), 0);
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.result, "not-enrolled");
}

static void test_admin_passes_two_methods(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	/* methods_required is 1 here; an administrator still needs two, and
	 * the menu leaves the questions out. */
	enroll_methods(true, true, false, true);
	current_code(code);
	script_init(&sc, 6, "", "1", code, recovery[2], "NewPass-30", "NewPass-30");
	sc.hook = answer_by_question;
	assert_int_equal(run("sspr-admin-rule", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "Choose 1-2"));
	assert_false(script_said(&sc, "security questions"));
	assert_true(script_said(&sc, "second, different method"));
	assert_int_equal(question_prompts(&sc), 0);
	assert_true(password_is(user, "NewPass-30"));
	assert_string_equal(last_event().ev.method, "totp+recovery");
}

static void test_admin_hidden_questions_are_a_decoy(void **state)
{
	struct script sc;

	/* Hidden, everyone's menu is the policy's: an administrator who
	 * picks questions, with the right answers, gets their decoy. */
	enroll_methods(true, true, false, true);
	script_init(&sc, 6, "", "2", "x", "x", "x", "x");
	sc.hook = answer_by_question;
	assert_int_not_equal(run("sspr-admin-hide", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "Choose 1-4"));
	assert_true(script_said(&sc, "The answers are not correct."));
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.result, "not-enrolled");
}

/* The account hook asks an administrator for what counts for them. */
static void test_admin_reminded_of_what_counts(void **state)
{
	struct script sc;

	enroll_methods(true, true, false, false);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-admin-rule", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Your password reset registration is not enough for an "
				     "administrator: Administrators need 2 different methods, "
				     "security questions not among them."));
	/* registration = require enforces only what everyone must have:
	 * tightening the administrators' rule locks nobody out. */
	script_init(&sc, 0);
	assert_int_equal(run("sspr-admin-require", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "not enough for an administrator"));
	edit_record(user, drop_totp, NULL);
	edit_record(user, drop_questions, NULL);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-admin-require", user, PAMTEST_ACCOUNT, &sc), PAM_PERM_DENIED);
	enroll_methods(true, true, false, true);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-admin-rule", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_false(script_said(&sc, "not enough"));
	assert_false(script_said(&sc, "You have not set up"));
}

/* ---- temporary access pass (sspr-admin pass) ------------------------ */

static void test_pass_resets_once(void **state)
{
	struct script sc;
	unsigned uses = 1;

	/* Nothing but the helpdesk's pass: no menu, one prompt. */
	enroll_methods(false, false, false, false);
	edit_record(user, issue_pass, &uses);
	script_init(&sc, 4, "", pass, "NewPass-40", "NewPass-40");
	assert_int_equal(run("sspr-pass", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_non_null(strstr(sc.prompts[1], "Temporary access pass: "));
	assert_int_equal(prompts_with(&sc, "Choose"), 0);
	assert_true(script_said(&sc, "Temporary access pass accepted; it is now used up."));
	assert_true(password_is(user, "NewPass-40"));
	assert_string_equal(last_event().ev.method, "pass");
	assert_false(record_of(user).has_pass);
	/* Spent: the account has nothing left to reset with. */
	script_init(&sc, 2, "", "NewPass-40");
	assert_int_equal(run("sspr-pass", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is not set up for this account."));
	assert_true(password_is(user, "NewPass-40"));
}

static void test_pass_with_two_uses_counts_down(void **state)
{
	struct script sc;
	unsigned uses = 2;
	char typed[64];

	enroll_methods(false, false, false, false);
	edit_record(user, issue_pass, &uses);
	/* Typed as a person would: lower case, spaces for dashes. */
	snprintf(typed, sizeof(typed), "%.4s %.4s %.4s %.4s", pass, pass + 5, pass + 10, pass + 15);
	for (char *p = typed; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	script_init(&sc, 4, "", typed, "NewPass-41", "NewPass-41");
	assert_int_equal(run("sspr-pass", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "it can be used 1 more time."));
	assert_int_equal(record_of(user).pass.uses_left, 1);
}

static void test_pass_wrong_or_expired_is_refused(void **state)
{
	struct script sc;
	unsigned uses = 1;

	enroll_methods(false, false, false, false);
	edit_record(user, issue_pass, &uses);
	script_init(&sc, 3, "", "AAAA-BBBB-CCCC-DDDD", "x");
	assert_int_not_equal(run("sspr-pass", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The temporary access pass is not valid."));
	assert_string_equal(last_event().ev.result, "bad-code");
	assert_int_equal(record_of(user).n_failures, 1);
	assert_true(password_is(user, "OldPass-1"));
	/* The right pass, an hour too late. */
	edit_record(user, expire_pass, NULL);
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-pass", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is not set up for this account."));
	assert_int_equal(prompts_with(&sc, "Temporary access pass"), 0);
	assert_true(password_is(user, "OldPass-1"));
}

/* A pass is a way in, not a registration: the account hook still reminds. */
static void test_pass_is_no_registration(void **state)
{
	struct script sc;
	unsigned uses = 1;

	enroll_methods(false, false, false, false);
	edit_record(user, issue_pass, &uses);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-pass", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "You have not set up self-service password reset."));
}

/* Hidden, whoever picks the pass sees its prompt and its refusal. */
static void test_pass_decoy_matches(void **state)
{
	struct script real, stranger;
	unsigned uses = 1;

	enroll_methods(true, false, false, false);
	edit_record(user, issue_pass, &uses);
	script_init(&real, 3, "", "5", "AAAA-BBBB-CCCC-DDDD");
	assert_int_not_equal(run("sspr-pass-hide", user, PAMTEST_AUTHENTICATE, &real),
			     PAM_SUCCESS);
	script_init(&stranger, 3, "", "5", "AAAA-BBBB-CCCC-DDDD");
	assert_int_not_equal(run("sspr-pass-hide", "sspr-test-no-such-user",
				 PAMTEST_AUTHENTICATE, &stranger),
			     PAM_SUCCESS);
	assert_int_equal(real.n_prompts, stranger.n_prompts);
	for (int i = 0; i < real.n_prompts; i++)
		assert_string_equal(real.prompts[i], stranger.prompts[i]);
	assert_true(script_asked(&real, "5. With a temporary access pass from your helpdesk"));
	assert_true(script_said(&stranger, "The temporary access pass is not valid."));
	assert_true(script_said(&real, "The temporary access pass is not valid."));
}

/* ---- notifications ------------------------------------------------- */

static void test_notifications_on_reset(void **state)
{
	struct script sc;

	enroll_methods(false, false, true, true);
	script_init(&sc, 5, "", "2", recovery[2], "NewPass-13", "NewPass-13");
	assert_int_equal(run("sspr-notify", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-13"));
	/* To the user, and to the admins since the user is in admin_group. */
	assert_int_equal(count_mails(), 2);
	assert_non_null(strstr(mail_text(), "Subject: Your password was reset"));
	assert_non_null(strstr(mail_text(), "To: admin@example.org"));
}

static void test_notification_on_lockout(void **state)
{
	struct script sc;

	enroll_methods(false, false, true, true);
	for (int i = 0; i < 3; i++) {
		script_init(&sc, 4, "", "2", "0000-0000-0000-0000", "x");
		assert_int_not_equal(run("sspr-notify", user, PAMTEST_AUTHENTICATE, &sc),
				     PAM_SUCCESS);
	}
	assert_true(script_said(&sc, "now locked"));
	assert_int_equal(count_mails(), 1);
	assert_non_null(strstr(mail_text(), "Subject: Password reset locked"));
	assert_non_null(strstr(mail_text(), "To: " ADDRESS));
}

static void test_mail_failure_never_blocks_reset(void **state)
{
	struct script sc;

	enroll_methods(false, false, true, true);
	script_init(&sc, 5, "", "2", recovery[3], "NewPass-14", "NewPass-14");
	assert_int_equal(run("sspr-nomail", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-14"));
}

/* ---- account hook -------------------------------------------------- */

static void test_require_refuses_unregistered_without_grace(void **state)
{
	struct script sc;

	script_init(&sc, 0);
	assert_int_equal(run("sspr-require", other, PAMTEST_ACCOUNT, &sc), PAM_PERM_DENIED);
	assert_true(script_said(&sc, "sspr-enroll"));
	assert_true(script_said(&sc, HELPDESK));

	enroll_methods(true, false, false, false);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-require", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_messages, 0);

	/* registration = no: nothing is required or said. */
	script_init(&sc, 0);
	assert_int_equal(run("sspr-no-registration", other, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_messages, 0);
}

static void test_require_grace(void **state)
{
	struct script sc;
	int64_t long_ago = sspr_now() - 8 * DAY;
	struct sspr_record rec;

	/* A user with a record but no usable method: in grace, told the date. */
	enroll_methods(false, false, false, false);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-grace", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "You must set up self-service password reset by"));
	rec = record_of(user);
	assert_true(rec.grace_started_at > sspr_now() - 60);

	/* Grace over: refused. */
	edit_record(user, set_grace_start, &long_ago);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-grace", user, PAMTEST_ACCOUNT, &sc), PAM_PERM_DENIED);
	assert_true(script_said(&sc, "Login refused"));
}

static void test_reconfirm_nudge(void **state)
{
	struct script sc;

	enroll_methods(true, false, false, false);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-reconfirm", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_messages, 0);

	edit_record(user, age_confirmation, NULL);
	script_init(&sc, 0);
	assert_int_equal(run("sspr-reconfirm", user, PAMTEST_ACCOUNT, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "not been confirmed for over 1 day."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_questions_reset, setup_each),
		cmocka_unit_test_setup(test_questions_are_drawn_anew_each_period, setup_each),
		cmocka_unit_test_setup(test_one_wrong_answer_fails_without_saying_which, setup_each),
		cmocka_unit_test_setup(test_all_registered_questions_asked_when_equal, setup_each),
		cmocka_unit_test_setup(test_answers_are_normalised, setup_each),
		cmocka_unit_test_setup(test_answer_checks_wait_for_a_free_slot, setup_each),
		cmocka_unit_test_setup(test_policy_methods_limit_what_can_be_used, setup_each),
		cmocka_unit_test_setup(test_email_code_reset, setup_each),
		cmocka_unit_test_setup(test_email_code_works_once, setup_each),
		cmocka_unit_test_setup(test_email_three_tries, setup_each),
		cmocka_unit_test_setup(test_email_code_expired_by_one_second, setup_each),
		cmocka_unit_test_setup(test_email_resend_is_throttled, setup_each),
		cmocka_unit_test_setup(test_email_send_failure_is_reported, setup_each),
		cmocka_unit_test_setup(test_email_code_shape_lifetime_and_sender, setup_each),
		cmocka_unit_test_setup(test_recovery_code_works_once, setup_each),
		cmocka_unit_test_setup(test_uid_and_root_rules, setup_each),
		cmocka_unit_test_setup(test_menu_lists_only_enrolled_methods, setup_each),
		cmocka_unit_test_setup(test_two_methods_both_needed, setup_each),
		cmocka_unit_test_setup(test_two_methods_one_fails, setup_each),
		cmocka_unit_test_setup(test_two_methods_need_two_enrolled, setup_each),
		cmocka_unit_test_setup(test_admin_questions_do_not_count, setup_each),
		cmocka_unit_test_setup(test_admin_passes_two_methods, setup_each),
		cmocka_unit_test_setup(test_admin_hidden_questions_are_a_decoy, setup_each),
		cmocka_unit_test_setup(test_admin_reminded_of_what_counts, setup_each),
		cmocka_unit_test_setup(test_pass_resets_once, setup_each),
		cmocka_unit_test_setup(test_pass_with_two_uses_counts_down, setup_each),
		cmocka_unit_test_setup(test_pass_wrong_or_expired_is_refused, setup_each),
		cmocka_unit_test_setup(test_pass_is_no_registration, setup_each),
		cmocka_unit_test_setup(test_pass_decoy_matches, setup_each),
		cmocka_unit_test_setup(test_notifications_on_reset, setup_each),
		cmocka_unit_test_setup(test_notification_on_lockout, setup_each),
		cmocka_unit_test_setup(test_mail_failure_never_blocks_reset, setup_each),
		cmocka_unit_test_setup(test_require_refuses_unregistered_without_grace, setup_each),
		cmocka_unit_test_setup(test_require_grace, setup_each),
		cmocka_unit_test_setup(test_reconfirm_nudge, setup_each),
	};

	return cmocka_run_group_tests(tests, setup_methods, teardown_all);
}
