/* SPDX-License-Identifier: BSD-2-Clause */
/* Choosing the dialog's language (see dialog_locale.h).
 *
 * An application that called setlocale (login, su, sudo, most display
 * managers) has chosen already: dgettext follows its LC_MESSAGES and its
 * LANGUAGE, and nothing is done here. One that did not (sshd, pamtester)
 * runs in "C", where gettext translates nothing; then the first locale
 * named by LC_ALL, LC_MESSAGES or LANG in PAM's environment (pam_env,
 * the application), else in the process's, is made this thread's for the
 * call. LANGUAGE alone (the process's; gettext reads no other) is honoured
 * through a locale it names, or C.UTF-8 (sspr_language_locale). */
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "i18n.h"
#include "dialog_locale.h"

static const char *const locale_variables[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

/* A locale name as newlocale may be given it: short, and no path (PAM's
 * environment may hold what a user wrote in ~/.pam_environment, and a
 * name with a '/' is a file glibc would load for root). */
static bool locale_name_usable(const char *name)
{
	return name != NULL && sspr_language_valid(name) && !sspr_locale_names_no_language(name);
}

/* The user's locale, as the application left it in the environments. */
static locale_t requested_locale(pam_handle_t *pamh)
{
	locale_t l;

	for (size_t i = 0; i < sizeof(locale_variables) / sizeof(locale_variables[0]); i++) {
		const char *name = pam_getenv(pamh, locale_variables[i]);

		if (locale_name_usable(name) && (l = sspr_messages_locale(name)) != (locale_t)0)
			return l;
	}
	for (size_t i = 0; i < sizeof(locale_variables) / sizeof(locale_variables[0]); i++) {
		const char *name = getenv(locale_variables[i]);

		if (locale_name_usable(name) && (l = sspr_messages_locale(name)) != (locale_t)0)
			return l;
	}
	return sspr_language_locale(getenv("LANGUAGE"));
}

void sspr_locale_enter(pam_handle_t *pamh, struct sspr_locale *l)
{
	l->chosen = (locale_t)0;
	l->previous = (locale_t)0;
	sspr_i18n_bind();
	/* A thread with a locale of its own, or a process with a language,
	 * has chosen. */
	if (uselocale((locale_t)0) != LC_GLOBAL_LOCALE ||
	    !sspr_locale_names_no_language(setlocale(LC_MESSAGES, NULL)))
		return;
	l->chosen = requested_locale(pamh);
	if (l->chosen != (locale_t)0)
		l->previous = uselocale(l->chosen);
}

void sspr_locale_leave(struct sspr_locale *l)
{
	if (l->chosen == (locale_t)0)
		return;
	(void)uselocale(l->previous);
	freelocale(l->chosen);
	l->chosen = (locale_t)0;
}
