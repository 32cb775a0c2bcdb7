/* SPDX-License-Identifier: BSD-2-Clause */
/* Choosing the dialog's language (see dialog_locale.h).
 *
 * An application that called setlocale with a language (login, su, sudo)
 * has chosen: dgettext follows its LC_MESSAGES and LANGUAGE, and nothing
 * is done here. One that did not (sshd, LightDM, pamtester) runs in "C",
 * where gettext translates nothing; then the variables decide as they
 * would have decided for the application (POSIX: the first set of LC_ALL,
 * LC_MESSAGES, LANG), read from PAM's environment (where an application
 * puts its user's), else from the process's (systemd gives services the
 * LANG of /etc/locale.conf): a locale with a language is made this
 * thread's for the call; "C" or "POSIX" is English; C.UTF-8, or nothing
 * set, leaves LANGUAGE (the process's; gettext reads no other) to decide
 * (sspr_language_locale). */
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "dialog_locale.h"
#include "i18n.h"

static const char *from_pam(void *ctx, const char *name)
{
	return pam_getenv(ctx, name);
}

static const char *from_process(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* The user's locale, as the application left it in the environments. */
static locale_t requested_locale(pam_handle_t *pamh)
{
	const char *name = sspr_locale_name(from_pam, pamh);

	if (name == NULL)
		name = sspr_locale_name(from_process, NULL);
	if (name != NULL && !sspr_locale_names_no_language(name))
		return sspr_messages_locale(name); /* not installed: English, as for gettext */
	if (name != NULL && (strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0))
		return sspr_english_locale(); /* whatever LANGUAGE says, as gettext in "C" */
	/* C.UTF-8, or nothing set, names no language: LANGUAGE may. */
	return sspr_language_locale(getenv("LANGUAGE"));
}

void sspr_locale_enter(pam_handle_t *pamh, struct sspr_locale *l)
{
	const char *language = getenv("LANGUAGE");

	*l = (struct sspr_locale){0};
	sspr_i18n_bind();
	/* gettext makes a file name of each LANGUAGE entry: one that could
	 * be a path (a login's environment may come from afar) gets the
	 * msgids, whatever the application chose. */
	if (language != NULL && language[0] != '\0' && !sspr_language_valid(language)) {
		sspr_locale_use(l, sspr_english_locale());
		return;
	}
	/* A thread with a locale of its own, or a process with a language,
	 * has chosen. */
	if (uselocale((locale_t)0) != LC_GLOBAL_LOCALE ||
	    !sspr_locale_names_no_language(setlocale(LC_MESSAGES, NULL)))
		return;
	sspr_locale_use(l, requested_locale(pamh));
}
