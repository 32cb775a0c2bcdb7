/* SPDX-License-Identifier: BSD-2-Clause */
/* enumeration = hide: someone who does not exist, is outside the group,
 * has not enrolled or is locked sees the same prompts, in the same order,
 * and the same refusal as an enrolled user who answers wrongly; and the
 * time from the answer to the refusal is the same within noise (the two
 * distributions are printed). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
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

#define STRANGER "sspr-test-no-such-user"
#define TIMING_RUNS 40
#define SSPR_TEST_REPLY_MAX 512 /* pam_sspr/conv.h: longer replies are refused */

static const char *const my_questions[3] = {
	"What was the name of your first pet?",
	"In what city were you born?",
	"What was your first car?",
};

/* ---- fixture ------------------------------------------------------- */

static unsigned only_method; /* the methods enroll_only() leaves the user with */

static int keep_only(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	char codes[10][SSPR_RECOVERY_CODE_SIZE];

	if (!(only_method & SSPR_METHOD_TOTP))
		sspr_record_clear_method(rec, SSPR_METHOD_TOTP);
	if (only_method & SSPR_METHOD_QUESTIONS) {
		rec->n_questions = 3;
		for (int i = 0; i < 3; i++) {
			snprintf(rec->questions[i].question, sizeof(rec->questions[i].question), "%s",
				 my_questions[i]);
			assert_int_equal(sspr_answer_hash("right answer", 1, 8192,
							  rec->questions[i].hash),
					 SSPR_OK);
		}
	}
	if (only_method & SSPR_METHOD_EMAIL) {
		rec->has_email = true;
		snprintf(rec->email.address, sizeof(rec->email.address), "alice@example.com");
		rec->email.verified = true;
	}
	if (only_method & SSPR_METHOD_RECOVERY)
		assert_int_equal(sspr_recovery_issue(rec, 10, codes), SSPR_OK);
	return SSPR_OK;
}

/* The user enrolled with the methods under test (a mask). */
static void enroll_only(void)
{
	struct sspr_store *st;
	struct sspr_error err;

	enroll(user);
	st = open_store();
	assert_int_equal(sspr_store_update(st, user, 0, keep_only, NULL, &err), SSPR_OK);
	sspr_store_close(st);
}

/* hide-METHOD.conf: enumeration = hide, only METHOD allowed; and the same
 * with a group nobody is in. */
static void write_hide_policy(const char *method, const char *extra_line)
{
	char extra[2048], name[64], service[96], conf[96];

	/* Questions at the same cost as the enrolled hashes, so the decoy's
	 * Argon2id runs as long as a real verification. */
	snprintf(extra, sizeof(extra),
		 "enumeration = hide\nmethods = %s\nquestions_file = %s/questions\n"
		 "questions_to_reset = 2\nmail_command = %s/sendmail\nnotify_user = no\n"
		 "argon2_opslimit = 1\nargon2_memlimit = 8192\n%s",
		 method, dir, dir, extra_line);
	snprintf(name, sizeof(name), "hide-%s%s", method, extra_line[0] != '\0' ? "-group" : "");
	snprintf(conf, sizeof(conf), "%s.conf", name);
	snprintf(service, sizeof(service), "sspr-%s", name);
	write_policy(conf, extra);
	write_stack(service, conf, "", "optional");
}

static const char *all_methods_policy(const char *extra_line)
{
	static char text[4][2048];
	static int next;
	char *out = text[next++ % 4];

	snprintf(out, sizeof(text[0]),
		 "enumeration = hide\nmethods = totp questions email recovery\n"
		 "questions_file = %s/questions\nquestions_to_reset = 2\n"
		 "mail_command = %s/sendmail\nnotify_user = no\nlockout_attempts = 100\n"
		 "argon2_opslimit = 1\nargon2_memlimit = 8192\n%s",
		 dir, dir, extra_line);
	return out;
}

static int setup_hide(void **state)
{
	static const char *const methods[] = {"totp", "questions", "email", "recovery"};
	char path[512];

	setup_all(state);
	write_file("questions", "What was the name of your first school?\n"
				"What is your oldest cousin's first name?\n"
				"In what town did your parents meet?\n"
				"What was the make of your first bicycle?\n"
				"What was your childhood nickname?\n");
	write_file("sendmail", "#!/bin/sh\ncat >/dev/null\n");
	snprintf(path, sizeof(path), "%s/sendmail", dir);
	assert_int_equal(chmod(path, 0700), 0);
	for (int i = 0; i < 4; i++) {
		write_hide_policy(methods[i], "");
		write_hide_policy(methods[i], "group = sspr-test-no-such-group\n");
	}
	/* Every method offered, and every method twice over: what the
	 * dialogs of all enrolment mixes are compared under. Many dialogs
	 * for one user, each counted: a high limit, so only the locked user
	 * is locked. */
	write_policy("hide-all.conf", all_methods_policy(""));
	write_stack("sspr-hide-all", "hide-all.conf", "", "optional");
	write_policy("hide-all-group.conf", all_methods_policy("group = sspr-test-no-such-group\n"));
	write_stack("sspr-hide-all-group", "hide-all-group.conf", "", "optional");
	write_policy("hide-two.conf", all_methods_policy("methods_required = 2\n"));
	write_stack("sspr-hide-two", "hide-two.conf", "", "optional");
	write_policy("hide-slot.conf", all_methods_policy("argon2_max_parallel = 1\n"));
	write_stack("sspr-hide-slot", "hide-slot.conf", "", "optional");
	/* enumeration = show: aborted dialogs, counted. */
	write_policy("abort.conf", "methods = totp questions\nquestions_to_reset = 2\n"
				   "lockout_attempts = 100\nargon2_opslimit = 1\n"
				   "argon2_memlimit = 8192\n");
	write_stack("sspr-abort", "abort.conf", "", "optional");
	write_policy("abort-lock.conf", "methods = totp\n");
	write_stack("sspr-abort-lock", "abort-lock.conf", "", "optional");
	write_policy("hide-timing.conf", "enumeration = hide\nlockout_attempts = 100\n"
					 "lockout_window = 86400\nmethods = totp\n");
	write_stack("sspr-hide-timing", "hide-timing.conf", "", "optional");
	return 0;
}

static int setup_each(void **state)
{
	set_password(user, "OldPass-1");
	only_method = SSPR_METHOD_TOTP;
	enroll_only();
	return 0;
}

/* ---- comparing dialogs --------------------------------------------- */

/* A dialog as the user sees it: prompts and messages, with each question
 * text replaced by "<question>" (a decoy's questions are other ones). */
static void transcript(const struct script *sc, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < sc->n_prompts && used < size; i++) {
		const char *p = sc->prompts[i];

		/* A drawn security question; the menu (which asks too) stays. */
		if (strchr(p, '?') != NULL && strstr(p, "\nChoose 1-") == NULL)
			p = "<question>";
		used += (size_t)snprintf(out + used, size - used, "P:%s|", p);
	}
	for (int i = 0; i < sc->n_messages && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "M:%s|", sc->messages[i]);
	assert_true(used < size);
}

static void dialog(const char *service, const char *who, const char *answer, char *out,
		   size_t size)
{
	struct script sc;

	/* Enter, then the same wrong answer to every prompt of the challenge;
	 * the password module's prompt ends it. */
	script_init(&sc, 6, "", answer, answer, answer, answer, NULL);
	assert_int_not_equal(run(service, who, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	transcript(&sc, out, size);
}

static void lock_user(const char *service, const char *answer)
{
	struct script sc;

	for (int i = 0; i < 3; i++) {
		script_init(&sc, 5, "", answer, answer, answer, NULL);
		(void)run(service, user, PAMTEST_AUTHENTICATE, &sc);
	}
}

/* An enrolled user (with only `method`) who answers wrongly, a stranger,
 * an account that never enrolled, the user outside the group and the
 * user once locked: one and the same dialog. */
static void expect_same_dialogs(unsigned method, const char *answer)
{
	static char enrolled[8192], stranger[8192], unenrolled[8192], outside[8192], locked[8192];
	char service[64], service_group[96];
	struct sspr_record rec;

	snprintf(service, sizeof(service), "sspr-hide-%s", sspr_method_name(method));
	snprintf(service_group, sizeof(service_group), "%s-group", service);
	only_method = method;
	enroll_only();
	dialog(service, user, answer, enrolled, sizeof(enrolled));
	dialog(service, STRANGER, answer, stranger, sizeof(stranger));
	dialog(service, other, answer, unenrolled, sizeof(unenrolled));
	dialog(service_group, user, answer, outside, sizeof(outside));
	enroll_only();
	lock_user(service, answer);
	assert_true(have_record(user, &rec));
	assert_true(rec.locked_until > sspr_now());
	dialog(service, user, answer, locked, sizeof(locked));
	printf("# %s: every dialog is: %s\n", sspr_method_name(method), enrolled);
	assert_string_equal(stranger, enrolled);
	assert_string_equal(unenrolled, enrolled);
	assert_string_equal(outside, enrolled);
	assert_string_equal(locked, enrolled);
	assert_null(strstr(enrolled, "locked"));
	assert_null(strstr(enrolled, "not set up"));
	assert_null(strstr(enrolled, "@"));
}

/* ---- tests --------------------------------------------------------- */

static void test_same_dialog_for_authenticator_codes(void **state)
{
	expect_same_dialogs(SSPR_METHOD_TOTP, "000000");
}

static void test_same_dialog_for_questions(void **state)
{
	expect_same_dialogs(SSPR_METHOD_QUESTIONS, "wrong answer");
}

static void test_same_dialog_for_mailed_codes(void **state)
{
	expect_same_dialogs(SSPR_METHOD_EMAIL, "00000000");
}

static void test_same_dialog_for_recovery_codes(void **state)
{
	expect_same_dialogs(SSPR_METHOD_RECOVERY, "0000-0000-0000-0000");
}

/* Giving up at the prompt (Ctrl-D) also looks the same, and still shows
 * the helpdesk text. */
static void test_giving_up_looks_the_same(void **state)
{
	static char enrolled[8192], stranger[8192];
	struct script sc;

	script_init(&sc, 1, "");
	(void)run("sspr-hide-totp", user, PAMTEST_AUTHENTICATE, &sc);
	transcript(&sc, enrolled, sizeof(enrolled));
	script_init(&sc, 1, "");
	(void)run("sspr-hide-totp", STRANGER, PAMTEST_AUTHENTICATE, &sc);
	transcript(&sc, stranger, sizeof(stranger));
	assert_string_equal(stranger, enrolled);
	assert_true(script_said(&sc, HELPDESK));
}

/* The decoy asks the same few questions of the same stranger each time. */
static void test_decoy_questions_are_stable(void **state)
{
	char seen[8][256];
	int n_seen = 0;

	for (int attempt = 0; attempt < 6; attempt++) {
		struct script sc;

		script_init(&sc, 4, "", "x", "x", NULL);
		(void)run("sspr-hide-questions", STRANGER, PAMTEST_AUTHENTICATE, &sc);
		for (int p = 1; p < sc.n_prompts; p++) {
			bool known = false;

			if (strchr(sc.prompts[p], '?') == NULL)
				continue;
			for (int i = 0; i < n_seen; i++)
				known |= strcmp(seen[i], sc.prompts[p]) == 0;
			if (!known && n_seen < 8)
				snprintf(seen[n_seen++], sizeof(seen[0]), "%s", sc.prompts[p]);
		}
	}
	/* questions_to_register = 3 of the file's 5, never more. */
	assert_true(n_seen >= 2 && n_seen <= 3);
}

static void test_the_truth_is_in_the_audit_trail(void **state)
{
	static char buf[8192];

	dialog("sspr-hide-totp", other, "000000", buf, sizeof(buf));
	assert_string_equal(last_event().ev.result, "not-enrolled");
	dialog("sspr-hide-totp-group", user, "000000", buf, sizeof(buf));
	assert_string_equal(last_event().ev.result, "not-eligible");
}

/* ---- one dialog shape for every enrolment ---------------------------- */

static int lock_record(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	rec->locked_until = sspr_now() + 3600;
	return SSPR_OK;
}

/* Enter, menu item `choice`, then the same wrong answer to every prompt. */
static void chosen_dialog(const char *service, const char *who, const char *choice, char *out,
			  size_t size)
{
	struct script sc;

	script_init(&sc, 8, "", choice, "000000", "000000", "000000", "000000", "000000", "000000");
	assert_int_not_equal(run(service, who, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	transcript(&sc, out, size);
}

/* Under `service`, a stranger's dialog for each menu item is the dialog
 * of every enrolment mix, of the user outside the group and of the
 * locked user. */
static void expect_one_shape(const char *service, const char *service_group)
{
	static const unsigned mixes[] = {
		SSPR_METHOD_TOTP,
		SSPR_METHOD_QUESTIONS,
		SSPR_METHOD_EMAIL,
		SSPR_METHOD_RECOVERY,
		SSPR_METHOD_TOTP | SSPR_METHOD_QUESTIONS,
		SSPR_METHOD_EMAIL | SSPR_METHOD_RECOVERY,
		SSPR_METHOD_ALL,
	};
	static char stranger[8192], seen[8192];
	static const char *const choices[] = {"1", "2", "3", "4"};
	struct sspr_store *st;
	struct sspr_error err;

	for (size_t c = 0; c < 4; c++) {
		chosen_dialog(service, STRANGER, choices[c], stranger, sizeof(stranger));
		printf("# %s, item %s: %s\n", service, choices[c], stranger);
		assert_non_null(strstr(stranger, "How do you want to prove who you are?"));
		for (size_t m = 0; m < sizeof(mixes) / sizeof(mixes[0]); m++) {
			only_method = mixes[m];
			enroll_only();
			chosen_dialog(service, user, choices[c], seen, sizeof(seen));
			if (strcmp(seen, stranger) != 0)
				printf("# enrolled with 0x%x differs: %s\n", mixes[m], seen);
			assert_string_equal(seen, stranger);
		}
		chosen_dialog(service, other, choices[c], seen, sizeof(seen));
		assert_string_equal(seen, stranger);
		chosen_dialog(service_group, user, choices[c], seen, sizeof(seen));
		assert_string_equal(seen, stranger);
		only_method = SSPR_METHOD_ALL;
		enroll_only();
		st = open_store();
		assert_int_equal(sspr_store_update(st, user, 0, lock_record, NULL, &err), SSPR_OK);
		sspr_store_close(st);
		chosen_dialog(service, user, choices[c], seen, sizeof(seen));
		assert_string_equal(seen, stranger);
	}
}

static void test_one_dialog_for_every_enrolment(void **state)
{
	expect_one_shape("sspr-hide-all", "sspr-hide-all-group");
}

static void test_one_dialog_when_two_methods_are_required(void **state)
{
	expect_one_shape("sspr-hide-two", "sspr-hide-all-group");
}

/* Hidden, an enrolled user still resets with what they enrolled: the menu
 * lists more, and the method they have works. */
static void test_the_menu_still_resets(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	only_method = SSPR_METHOD_TOTP;
	enroll_only();
	current_code(code);
	script_init(&sc, 5, "", "1", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-hide-all", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	/* One prompt: the question, the items, and the choice on its last line. */
	assert_non_null(strstr(sc.prompts[1], "How do you want to prove who you are?\n  1. "));
	assert_non_null(strstr(sc.prompts[1], "\nChoose 1-4: "));
	assert_string_equal(strstr(sc.prompts[1], "\nChoose 1-4: "), "\nChoose 1-4: ");
	assert_true(password_is(user, "NewPass-2"));
	/* A method not enrolled: a decoy, and the truth in the audit trail. */
	script_init(&sc, 5, "", "2", "x", "x", "");
	assert_int_not_equal(run("sspr-hide-all", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "The answers are not correct."));
	assert_string_equal(last_event().ev.result, "not-enrolled");
	assert_string_equal(last_event().ev.method, "questions");
}

/* ---- aborts count ---------------------------------------------------- */

static unsigned failures_of(const char *who)
{
	struct sspr_record rec;
	unsigned n = 0;

	if (have_record(who, &rec))
		n = rec.n_failures;
	sspr_record_wipe(&rec);
	return n;
}

static const char *kill_at_code_prompt(struct script *sc, const char *prompt)
{
	if (strstr(prompt, "Verification code") != NULL)
		raise(SIGKILL);
	return NULL;
}

static void test_aborted_dialogs_count(void **state)
{
	char longest[SSPR_TEST_REPLY_MAX + 64];
	struct script sc;
	unsigned before;
	int status = 0;
	pid_t pid;

	only_method = SSPR_METHOD_TOTP;
	enroll_only();
	/* The conversation fails at the code prompt. */
	before = failures_of(user);
	script_init(&sc, 2, "", NULL);
	assert_int_equal(run("sspr-abort", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	assert_int_equal(failures_of(user), before + 1);
	assert_string_equal(last_event().ev.result, "aborted");

	/* An over-long reply. */
	memset(longest, '7', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	script_init(&sc, 2, "", longest);
	assert_int_equal(run("sspr-abort", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	assert_int_equal(failures_of(user), before + 2);
	assert_string_equal(last_event().ev.result, "aborted");

	/* The process is killed at the prompt (a dropped SSH connection):
	 * the failure and the event were written before the prompt. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		script_init(&sc, 2, "", "000000");
		sc.hook = kill_at_code_prompt;
		(void)run("sspr-abort", user, PAMTEST_AUTHENTICATE, &sc);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(failures_of(user), before + 3);
	assert_string_equal(last_event().ev.action, "challenge");
	assert_string_equal(last_event().ev.result, "shown");
	assert_string_equal(last_event().ev.method, "totp");
}

/* Aborted dialogs lock as wrong answers do: lockout_attempts = 3. */
static void test_aborts_lock_resets(void **state)
{
	struct script sc;
	struct sspr_record rec;
	char code[SSPR_TOTP_CODE_MAX + 1];

	for (int i = 0; i < 3; i++) {
		script_init(&sc, 2, "", NULL);
		assert_int_equal(run("sspr-abort-lock", user, PAMTEST_AUTHENTICATE, &sc),
				 PAM_AUTH_ERR);
	}
	current_code(code);
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_not_equal(run("sspr-abort-lock", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_true(script_said(&sc, "locked after too many failed attempts"));
	assert_true(have_record(user, &rec));
	assert_true(rec.locked_until > sspr_now());
	assert_true(password_is(user, "OldPass-1"));
}

/* The questions asked stay the same when the user gives up at one, until
 * they are answered right. */
static void test_drawn_questions_stay_across_aborts(void **state)
{
	char first[2][SCRIPT_TEXT] = {{0}};
	struct sspr_record rec;
	struct script sc;

	only_method = SSPR_METHOD_QUESTIONS;
	enroll_only();
	for (int attempt = 0; attempt < 8; attempt++) {
		/* The first answered wrongly, the conversation fails at the
		 * second. */
		script_init(&sc, 3, "", "wrong", NULL);
		assert_int_equal(run("sspr-abort", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
		assert_true(sc.n_prompts >= 3);
		if (attempt == 0) {
			snprintf(first[0], sizeof(first[0]), "%s", sc.prompts[1]);
			snprintf(first[1], sizeof(first[1]), "%s", sc.prompts[2]);
		}
		assert_string_equal(sc.prompts[1], first[0]);
		assert_string_equal(sc.prompts[2], first[1]);
	}
	assert_true(have_record(user, &rec));
	assert_int_equal(rec.n_drawn, 2);
	script_init(&sc, 5, "", "right answer", "right answer", "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-abort", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(have_record(user, &rec));
	assert_int_equal(rec.n_drawn, 0); /* answered: the next reset draws afresh */
	assert_int_equal(rec.n_failures, 0);
}

/* ---- what strangers cost ---------------------------------------------- */

/* A stranger's questions take as long as real checks but hold no shared
 * Argon2id slot: with the host's only slot taken (by the test, as by a
 * long real check), strangers' dialogs still end at once with the decoy's
 * refusal, where a real check must wait for the slot. */
static void test_strangers_hold_no_answer_slot(void **state)
{
	char path[512];
	struct sspr_slot slot;
	struct sspr_error err;
	struct script sc;
	double start;

	only_method = SSPR_METHOD_QUESTIONS;
	enroll_only();
	/* One real check first: it records what a check costs. */
	script_init(&sc, 4, "", "2", "wrong", "wrong");
	(void)run("sspr-hide-slot", user, PAMTEST_AUTHENTICATE, &sc);
	snprintf(path, sizeof(path), "%s/run", dir);
	assert_int_equal(sspr_slot_acquire(path, "argon2", 1, 1000, &slot, &err), SSPR_OK);
	for (int i = 0; i < 5; i++) {
		start = script_now();
		script_init(&sc, 5, "", "2", "x", "x", "x");
		(void)run("sspr-hide-slot", STRANGER, PAMTEST_AUTHENTICATE, &sc);
		assert_true(script_said(&sc, "The answers are not correct."));
		assert_false(script_said(&sc, "unavailable"));
		assert_true(script_now() - start < 5.0);
	}
	sspr_slot_release(&slot);
}

/* ---- timing -------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Seconds from the code's answer to the refusal, over TIMING_RUNS runs. */
static void refusal_times(const char *who, double *times)
{
	for (int i = 0; i < TIMING_RUNS; i++) {
		struct script sc;

		enroll(user); /* keep the enrolled user's failures below any lock */
		script_init(&sc, 3, "", "000000", NULL);
		(void)run("sspr-hide-timing", who, PAMTEST_AUTHENTICATE, &sc);
		assert_true(sc.n_prompts >= 2 && sc.n_messages >= 1);
		times[i] = sc.message_at[0] - sc.answered_at[1];
	}
	qsort(times, TIMING_RUNS, sizeof(double), compare_doubles);
}

static void print_distribution(const char *who, const double *t)
{
	printf("# %-26s ms: min %.3f  p10 %.3f  median %.3f  p90 %.3f  max %.3f\n", who,
	       t[0] * 1e3, t[TIMING_RUNS / 10] * 1e3, t[TIMING_RUNS / 2] * 1e3,
	       t[TIMING_RUNS * 9 / 10] * 1e3, t[TIMING_RUNS - 1] * 1e3);
}

/* Within noise: the decoy's median lies inside the enrolled user's p10..p90
 * band, widened by half a millisecond either side. */
static bool within_noise(const double *enrolled, const double *decoy)
{
	double median = decoy[TIMING_RUNS / 2];

	return median >= enrolled[TIMING_RUNS / 10] - 0.0005 &&
	       median <= enrolled[TIMING_RUNS * 9 / 10] + 0.0005;
}

static void test_refusal_takes_as_long_for_a_stranger(void **state)
{
	double enrolled[TIMING_RUNS], stranger[TIMING_RUNS], unenrolled[TIMING_RUNS];
	bool same = false;

	/* A second sample only if the first is off: a burst of disk load from
	 * elsewhere can skew one run of 40; a real difference shows twice. */
	for (int sample = 1; sample <= 2 && !same; sample++) {
		refusal_times(user, enrolled);
		refusal_times(STRANGER, stranger);
		refusal_times(other, unenrolled);
		printf("# time from the code to the refusal, %d runs each (sample %d):\n",
		       TIMING_RUNS, sample);
		print_distribution("enrolled, wrong code", enrolled);
		print_distribution("no such user (decoy)", stranger);
		print_distribution("not enrolled (decoy)", unenrolled);
		same = within_noise(enrolled, stranger) && within_noise(enrolled, unenrolled);
	}
	assert_true(same);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_same_dialog_for_authenticator_codes, setup_each),
		cmocka_unit_test_setup(test_same_dialog_for_questions, setup_each),
		cmocka_unit_test_setup(test_same_dialog_for_mailed_codes, setup_each),
		cmocka_unit_test_setup(test_same_dialog_for_recovery_codes, setup_each),
		cmocka_unit_test_setup(test_giving_up_looks_the_same, setup_each),
		cmocka_unit_test_setup(test_decoy_questions_are_stable, setup_each),
		cmocka_unit_test_setup(test_the_truth_is_in_the_audit_trail, setup_each),
		cmocka_unit_test_setup(test_one_dialog_for_every_enrolment, setup_each),
		cmocka_unit_test_setup(test_one_dialog_when_two_methods_are_required, setup_each),
		cmocka_unit_test_setup(test_the_menu_still_resets, setup_each),
		cmocka_unit_test_setup(test_aborted_dialogs_count, setup_each),
		cmocka_unit_test_setup(test_aborts_lock_resets, setup_each),
		cmocka_unit_test_setup(test_drawn_questions_stay_across_aborts, setup_each),
		cmocka_unit_test_setup(test_strangers_hold_no_answer_slot, setup_each),
		cmocka_unit_test_setup(test_refusal_takes_as_long_for_a_stranger, setup_each),
	};

	return cmocka_run_group_tests(tests, setup_hide, teardown_all);
}
