/* SPDX-License-Identifier: BSD-2-Clause */
/* Module tests: a reset obeys the host. The account state the module reads
 * from shadow (through tests/lib/shadow_shim.so and SSPR_TEST_SHADOW), the
 * new password handed on to the next module instead of ending the stack,
 * unlock without reset, and the services key. The same behaviour against
 * the real pam_unix, pam_faillock and sudo is in tests/e2e. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "record.h"
#include "store.h"
#include "util.h"

#include "fixture.h"

#define STRANGER "sspr-no-such-user"

/* A shadow file holding an entry for `user` with this hash and these
 * expiry fields, and a usable one for STRANGER (whom NSS does not know:
 * the shim stands for a root caller, who can read shadow); the shim
 * answers from it. */
static void shadow_entry(const char *hash, long lastchg, const char *expire)
{
	char text[1024], path[512];

	snprintf(text, sizeof(text),
		 "%s:%s:%ld:0:99999:7::%s:\n" STRANGER ":$6$x$:%ld:0:99999:7:::\n", user, hash,
		 lastchg, expire, lastchg);
	write_file("shadow", text);
	snprintf(path, sizeof(path), "%s/shadow", dir);
	setenv("SSPR_TEST_SHADOW", path, 1);
}

/* The same prompts and messages, in the same order. */
static void assert_same_dialog(const struct script *a, const struct script *b)
{
	assert_int_equal(a->n_prompts, b->n_prompts);
	for (int i = 0; i < a->n_prompts; i++)
		assert_string_equal(a->prompts[i], b->prompts[i]);
	assert_int_equal(a->n_messages, b->n_messages);
	for (int i = 0; i < a->n_messages; i++)
		assert_string_equal(a->messages[i], b->messages[i]);
}

static long today(void)
{
	return (long)(time(NULL) / 86400);
}

/* pam_wrapper copies the service files at the first pam_start: every
 * stack of this file is written before it. */
static int setup_group(void **state)
{
	char text[4096];
	int r = setup_all(state);

	if (r != 0)
		return r;
	write_stack("sspr-hidden", "hide.conf", "", "optional");
	write_stack("sspr-unlock", "unlock.conf", "", "optional");
	write_stack("sspr-unlockh", "unlock-hide.conf", "", "optional");
	write_stack("sspr-serv", "services.conf", "", "optional");
	write_stack("sspr-servok", "services-ok.conf", "", "optional");
	snprintf(text, sizeof(text),
		 "auth optional " PAM_SSPR_MODULE " config=%s/sspr.conf\n"
		 "auth required " TEST_PASSWD_MODULE " file=%s/passwords\n"
		 "auth required " TEST_PASSWD_MODULE " file=%s/other-factor\n",
		 dir, dir, dir);
	write_service("sspr-2fa", text);
	return 0;
}

static int setup_host(void **state)
{
	unsetenv("SSPR_TEST_SHADOW");
	return setup(state);
}

static int teardown_host(void **state)
{
	unsetenv("SSPR_TEST_SHADOW");
	return 0;
}

/* A reset refused before any challenge: nothing spent, nothing counted. */
static void assert_refused_before_challenge(const struct script *sc, int events_before)
{
	struct sspr_record rec;

	assert_true(have_record(user, &rec));
	assert_int_equal(rec.totp[0].last_step, 0);
	assert_int_equal(rec.n_failures, 0);
	assert_int_equal(last_event().count, events_before + 1);
	assert_true(password_is(user, "OldPass-1"));
}

static void test_locked_account_is_refused_before_any_code(void **state)
{
	struct script sc;
	int events = last_event().count;

	shadow_entry("!$6$locked$", today(), "");
	script_init(&sc, 4, "", "000000", "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	assert_true(script_said(&sc, "This account is locked or expired."));
	assert_false(script_said(&sc, "changed"));
	for (int i = 0; i < sc.n_prompts; i++)
		assert_null(strstr(sc.prompts[i], "code"));
	assert_string_equal(last_event().ev.result, "account-disabled");
	assert_string_equal(last_event().ev.detail, "account locked by admin");
	assert_refused_before_challenge(&sc, events);
}

static void test_star_hash_and_expired_account_are_refused(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	shadow_entry("*", today(), "");
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	assert_string_equal(last_event().ev.detail, "account locked by admin");

	shadow_entry("$6$fine$", today(), "1"); /* chage -E 1 */
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	assert_string_equal(last_event().ev.detail, "account expired");
	assert_true(password_is(user, "OldPass-1"));

	/* The code none of this spent still resets once the account is fine. */
	shadow_entry("$6$fine$", today(), "");
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-2"));
}

/* chage -d 0: the password must change, which a reset does. */
static void test_expired_password_is_no_lock(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	shadow_entry("$6$fine$", 0, "");
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-2"));
}

/* Hidden, a locked account's dialog is a stranger's: a code prompt and
 * the refusal of a wrong code. */
static void test_locked_account_hidden_gets_the_decoy(void **state)
{
	struct script sc, stranger;
	char code[SSPR_TOTP_CODE_MAX + 1];

	write_policy("hide.conf", "enumeration = hide\n");
	current_code(code);
	shadow_entry("!$6$locked$", today(), "");
	/* Hidden, everyone gets the menu of the policy's methods. */
	script_init(&sc, 5, "", "1", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-hidden", user, PAMTEST_AUTHENTICATE, &sc), PAM_AUTH_ERR);
	script_init(&stranger, 5, "", "1", code, "NewPass-2", "NewPass-2");
	assert_int_not_equal(run("sspr-hidden", STRANGER, PAMTEST_AUTHENTICATE, &stranger),
			     PAM_SUCCESS);
	assert_same_dialog(&sc, &stranger);
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.detail, "account locked by admin");
}

/* The module never ends the stack: the next module checks the password it
 * hands on, so a module after it that refuses (a second factor, or a
 * password module that disagrees) still refuses the login. */
static void test_new_password_goes_on_to_the_next_module(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_int_equal(sc.n_prompts, 4); /* the next module asked nothing more */

	/* The same with a refusing module after the block. */
	write_file("other-factor", "nobody:x\n");
	set_password(user, "OldPass-1");
	enroll(user);
	current_code(code);
	script_init(&sc, 4, "", code, "NewPass-3", "NewPass-3");
	assert_int_equal(run("sspr-2fa", user, PAMTEST_AUTHENTICATE, &sc), PAM_USER_UNKNOWN);
	assert_true(script_said(&sc, "Your password has been changed."));
	assert_true(password_is(user, "NewPass-3"));
}

static void test_unlock_keeps_the_password(void **state)
{
	struct script sc, stranger;
	char code[SSPR_TOTP_CODE_MAX + 1];

	write_policy("unlock.conf", "unlock = yes\n");
	current_code(code);
	script_init(&sc, 4, "", "2", code, "OldPass-1");
	assert_int_equal(run("sspr-unlock", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_asked(&sc, "What do you need?"));
	assert_true(script_asked(&sc, "Unlock my account"));
	assert_true(script_said(&sc, "Your account is unlocked."));
	assert_false(script_said(&sc, "password has been changed"));
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.action, "unlock");
	assert_string_equal(last_event().ev.result, "success");

	/* Choosing the reset still resets. */
	enroll(user);
	current_code(code);
	script_init(&sc, 5, "", "1", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-unlock", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(password_is(user, "NewPass-2"));

	/* Hidden, a stranger gets the same first menu. */
	write_policy("unlock-hide.conf", "unlock = yes\nenumeration = hide\n");
	script_init(&stranger, 4, "", "2", "1", "123456");
	assert_int_not_equal(run("sspr-unlockh", STRANGER, PAMTEST_AUTHENTICATE, &stranger),
			     PAM_SUCCESS);
	assert_true(script_asked(&stranger, "What do you need?"));
	assert_true(script_asked(&stranger, "How do you want to prove who you are?"));
	assert_non_null(strstr(stranger.prompts[3], "code"));
}

static void test_services_key_limits_where_resets_are_offered(void **state)
{
	struct script sc;
	int events = last_event().count;

	write_policy("services.conf", "services = login sshd\n");
	script_init(&sc, 2, "", "OldPass-1");
	assert_int_equal(run("sspr-serv", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is not offered here."));
	assert_int_equal(sc.n_prompts, 2); /* "Password:", then the next module's */
	assert_int_equal(last_event().count, events);

	write_policy("services-ok.conf", "services = login sspr-servok\n");
	{
		char code[SSPR_TOTP_CODE_MAX + 1];

		current_code(code);
		script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
		assert_int_equal(run("sspr-servok", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
		assert_true(password_is(user, "NewPass-2"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_locked_account_is_refused_before_any_code,
					    setup_host, teardown_host),
	    cmocka_unit_test_setup_teardown(test_star_hash_and_expired_account_are_refused,
					    setup_host, teardown_host),
	    cmocka_unit_test_setup_teardown(test_expired_password_is_no_lock, setup_host,
					    teardown_host),
	    cmocka_unit_test_setup_teardown(test_locked_account_hidden_gets_the_decoy, setup_host,
					    teardown_host),
	    cmocka_unit_test_setup_teardown(test_new_password_goes_on_to_the_next_module,
					    setup_host, teardown_host),
	    cmocka_unit_test_setup_teardown(test_unlock_keeps_the_password, setup_host,
					    teardown_host),
	    cmocka_unit_test_setup_teardown(test_services_key_limits_where_resets_are_offered,
					    setup_host, teardown_host),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_all);
}
