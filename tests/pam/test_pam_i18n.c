/* SPDX-License-Identifier: BSD-2-Clause */
/* The dialog in the user's language: the real module in real libpam
 * transactions (pam_wrapper), reading the catalogues this build made
 * (po/, a build with -Dlocaledir=BUILD/po as tools/test.sh configures it;
 * skipped otherwise, saying so). The test program is an application that
 * never calls setlocale, like sshd and pamtester: the module takes the
 * language from LANGUAGE, or from PAM's environment, for the length of
 * its call, and leaves the process's locale and text domain as they were.
 * The German texts are written out: they are what a German user reads. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libintl.h>
#include <locale.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "config.h"

#include "fixture.h"

#define DE_TOTP_PROMPT "Bestätigungscode aus Ihrer Authenticator-App: "
#define DE_CHANGED "Ihr Passwort wurde geändert."
#define DE_MENU "Wie möchten Sie nachweisen, wer Sie sind?"
#define DE_MENU_TOTP "1. Mit einem Code aus Ihrer Authenticator-App"
#define DE_CHOOSE "\nWählen Sie 1-2: "
#define DE_NUMBER "Bitte geben Sie eine Zahl von 1 bis 2 ein."
#define DE_REFUSED "Der Code ist ungültig."
#define DE_OFFER "Passwort vergessen? Jetzt zurücksetzen? [j/N] "

/* What the application had before the call is what it has after. */
static void assert_host_locale_untouched(void)
{
	assert_string_equal(setlocale(LC_ALL, NULL), "C");
	assert_true(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
	assert_string_equal(textdomain(NULL), "messages");
}

/* gettext keeps what it found per locale, not per LANGUAGE: a program
 * that changes LANGUAGE says so by setting its text domain again (as a
 * real application never needs to: its LANGUAGE does not change). */
static void use_language(const char *language)
{
	if (language != NULL)
		setenv("LANGUAGE", language, 1);
	else
		unsetenv("LANGUAGE");
	(void)textdomain("messages");
}

static int german(void **state)
{
	(void)state;
	unsetenv("LANG");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	use_language("de");
	return setup(state);
}

static void test_reset_in_german(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	current_code(code);
	script_init(&sc, 4, "", code, "NewPass-2", "NewPass-2");
	assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	printf("# %s|%s|%s\n", sc.prompts[0], sc.prompts[1], sc.messages[0]);
	/* The ordinary prompt is libpam's in the application's language (this
	 * program's "C"): an ordinary login shows what it showed before. */
	assert_string_equal(sc.prompts[0], "Password: ");
	assert_string_equal(sc.prompts[1], DE_TOTP_PROMPT);
	assert_true(script_said(&sc, DE_CHANGED));
	assert_false(script_said(&sc, "Your password has been changed."));
	assert_true(password_is(user, "NewPass-2"));
	assert_host_locale_untouched();
}

static void test_menu_and_refusal_in_german(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	wrong_code(code);
	/* A number out of range, then the app, then a wrong code. */
	script_init(&sc, 4, "", "9", "1", code);
	assert_int_not_equal(run("sspr-i18n-menu", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	printf("# %s\n", sc.prompts[1]);
	/* The question, the items and the choice are one prompt. */
	assert_non_null(strstr(sc.prompts[1], DE_MENU "\n  " DE_MENU_TOTP "\n"));
	assert_non_null(strstr(sc.prompts[1], DE_CHOOSE));
	assert_string_equal(strstr(sc.prompts[1], DE_CHOOSE), DE_CHOOSE);
	assert_true(script_said(&sc, DE_NUMBER));
	assert_string_equal(sc.prompts[3], DE_TOTP_PROMPT);
	assert_true(script_said(&sc, DE_REFUSED));
	assert_true(script_said(&sc, HELPDESK)); /* the admin's text, as written */
	assert_host_locale_untouched();
}

/* Hidden, a stranger's German dialog is the account's, word for word: the
 * real challenge and the decoy translate the same message ids. */
static void test_stranger_sees_the_same_german(void **state)
{
	static const char *const choices[] = {"1", "2"};
	struct script real, stranger;
	char code[SSPR_TOTP_CODE_MAX + 1];

	wrong_code(code);
	for (size_t c = 0; c < sizeof(choices) / sizeof(choices[0]); c++) {
		script_init(&real, 4, "", choices[c], code, code);
		assert_int_not_equal(run("sspr-i18n-menu", user, PAMTEST_AUTHENTICATE, &real),
				     PAM_SUCCESS);
		script_init(&stranger, 4, "", choices[c], code, code);
		assert_int_not_equal(run("sspr-i18n-menu", "sspr-test-no-such-user",
					 PAMTEST_AUTHENTICATE, &stranger),
				     PAM_SUCCESS);
		assert_non_null(strstr(real.prompts[1], DE_MENU));
		assert_int_equal(real.n_prompts, stranger.n_prompts);
		for (int i = 0; i < real.n_prompts; i++)
			assert_string_equal(real.prompts[i], stranger.prompts[i]);
		assert_int_equal(real.n_messages, stranger.n_messages);
		for (int i = 0; i < real.n_messages; i++)
			assert_string_equal(real.messages[i], stranger.messages[i]);
	}
	assert_true(script_said(&real, "Der Wiederherstellungscode ist ungültig.") ||
		    script_said(&real, DE_REFUSED));
}

/* The offer's yes is the language's word; the English one still works. */
static void test_offer_takes_german_yes(void **state)
{
	struct script sc;

	script_init(&sc, 3, "wrong", "ja", "");
	assert_int_not_equal(run("sspr-test-offer", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], DE_OFFER);
	assert_string_equal(sc.prompts[2], DE_TOTP_PROMPT);

	script_init(&sc, 3, "wrong", "yes", "");
	assert_int_not_equal(run("sspr-test-offer", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_string_equal(sc.prompts[2], DE_TOTP_PROMPT);

	script_init(&sc, 2, "wrong", "nein");
	assert_int_not_equal(run("sspr-test-offer", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_int_equal(sc.n_prompts, 2); /* no: nothing more is asked */
}

/* A language without a catalogue, or none at all: English. */
static void test_unknown_language_is_english(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	use_language("xx");
	wrong_code(code);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], "Verification code from your authenticator app: ");
	use_language(NULL);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], "Verification code from your authenticator app: ");
	assert_host_locale_untouched();
}

/* A German locale, compiled with localedef into the test's own LOCPATH
 * (the locales package's sources; skipped without them). */
static bool have_german_locale(void)
{
	static int made = -1;
	char locales[300], command[800];

	if (made < 0) {
		snprintf(locales, sizeof(locales), "%s/locales", dir);
		snprintf(command, sizeof(command),
			 "mkdir -p %s && localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
			 locales, locales);
		made = system(command) == 0;
		if (made)
			setenv("LOCPATH", locales, 1);
		else
			printf("# localedef cannot make de_DE.UTF-8 (the locales package is missing)\n");
	}
	return made == 1;
}

/* An application that chose a language (setlocale) is followed, not
 * overridden: here German with LANGUAGE=fr, where gettext takes French
 * (LANGUAGE comes first in a locale with a language), and the
 * application's locale is its own again afterwards. */
static void test_application_locale_is_followed(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	if (!have_german_locale())
		skip();
	assert_non_null(setlocale(LC_ALL, "de_DE.UTF-8"));
	use_language("fr");
	wrong_code(code);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	printf("# %s\n", sc.prompts[1]);
	assert_string_equal(sc.prompts[1],
			    "Code de vérification de votre application d'authentification : ");
	assert_string_equal(setlocale(LC_ALL, NULL), "de_DE.UTF-8");
	assert_true(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
	/* Without LANGUAGE, the application's German. */
	use_language(NULL);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], DE_TOTP_PROMPT);
	assert_non_null(setlocale(LC_ALL, "C"));
}

/* The first set of LC_ALL, LC_MESSAGES, LANG decides, as for gettext:
 * LC_ALL=C is English, whatever LANG and LANGUAGE say. */
static void test_lc_all_c_is_english(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	if (!have_german_locale())
		skip();
	use_language(NULL); /* LANG alone must decide below */
	setenv("LC_ALL", "C", 1);
	setenv("LANG", "de_DE.UTF-8", 1);
	wrong_code(code);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	unsetenv("LC_ALL");
	assert_string_equal(sc.prompts[1], "Verification code from your authenticator app: ");
	/* LANG alone: German. */
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	unsetenv("LANG");
	assert_string_equal(sc.prompts[1], DE_TOTP_PROMPT);
	assert_host_locale_untouched();
}

/* A LANGUAGE that could be a path gets the msgids, even where the
 * application chose a language (German here, which its "de" entry would
 * otherwise give). */
static void test_language_path_is_refused(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	if (!have_german_locale())
		skip();
	assert_non_null(setlocale(LC_ALL, "de_DE.UTF-8"));
	use_language("de:../../../tmp/x");
	wrong_code(code);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], "Verification code from your authenticator app: ");
	assert_string_equal(setlocale(LC_ALL, NULL), "de_DE.UTF-8");
	assert_non_null(setlocale(LC_ALL, "C"));
	use_language(NULL);
}

/* LANG in PAM's environment (as an application puts it there before it
 * authenticates; here the stand-in module's putenv= line), for an
 * application in the "C" locale without LANGUAGE: needs a German locale,
 * compiled here with localedef into a private LOCPATH. */
static void test_pam_environment_language(void **state)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];

	use_language(NULL);
	if (!have_german_locale())
		skip();
	wrong_code(code);
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-i18n-env", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], DE_TOTP_PROMPT);
	/* A locale name that is a path (to the very locale just compiled) is
	 * not loaded: English. (The module refuses it; this C library would
	 * too, an older one would load it.) */
	script_init(&sc, 2, "", code);
	assert_int_not_equal(run("sspr-i18n-path", user, PAMTEST_AUTHENTICATE, &sc),
			     PAM_SUCCESS);
	assert_string_equal(sc.prompts[1], "Verification code from your authenticator app: ");
	assert_host_locale_untouched();
}

/* A stack that puts LANG=value into PAM's environment before the module. */
static void write_lang_stack(const char *service, const char *value)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "auth optional " TEST_PASSWD_MODULE " putenv=LANG=%s\n"
		 "auth optional " PAM_SSPR_MODULE " config=%s/sspr.conf\n"
		 "auth required " TEST_PASSWD_MODULE " file=%s/passwords\n",
		 value, dir, dir);
	write_service(service, text);
}

/* The services these tests add, before pam_wrapper reads the directory:
 * the menu (two methods, hidden), and LANG in PAM's environment. */
static int setup_i18n(void **state)
{
	char path[512];
	int r = setup_all(state);

	write_policy("i18n-menu.conf", "methods = totp recovery\nenumeration = hide\n");
	write_stack("sspr-i18n-menu", "i18n-menu.conf", "", "optional");
	write_lang_stack("sspr-i18n-env", "de_DE.UTF-8");
	snprintf(path, sizeof(path), "%s/locales/de_DE.UTF-8", dir);
	write_lang_stack("sspr-i18n-path", path);
	return r;
}

int main(void)
{
	char catalogue[512];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_in_german, german),
		cmocka_unit_test_setup(test_menu_and_refusal_in_german, german),
		cmocka_unit_test_setup(test_stranger_sees_the_same_german, german),
		cmocka_unit_test_setup(test_offer_takes_german_yes, german),
		cmocka_unit_test_setup(test_unknown_language_is_english, german),
		cmocka_unit_test_setup(test_application_locale_is_followed, german),
		cmocka_unit_test_setup(test_pam_environment_language, german),
		cmocka_unit_test_setup(test_lc_all_c_is_english, german),
		cmocka_unit_test_setup(test_language_path_is_refused, german),
	};

	/* An installed catalogue may be another version's. */
	if (!CATALOGUES_IN_BUILD_TREE) {
		printf("SKIP: this build reads installed catalogues (%s), not its own: configure "
		       "with -Dlocaledir=BUILD/po (tools/test.sh does)\n", SSPR_LOCALE_DIR);
		return 77;
	}
	snprintf(catalogue, sizeof(catalogue), "%s/de/LC_MESSAGES/pam_sspr.mo", SSPR_LOCALE_DIR);
	if (access(catalogue, R_OK) != 0) {
		printf("%s is missing\n", catalogue);
		return 1;
	}
	return cmocka_run_group_tests(tests, setup_i18n, teardown_all);
}
