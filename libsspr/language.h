/* SPDX-License-Identifier: BSD-2-Clause */
/* Which language a process, or one call, speaks. gettext translates in
 * the locale of LC_MESSAGES and follows LANGUAGE there, but nothing in the
 * "C" locale (and some C libraries, Debian 13's, nothing in C.UTF-8
 * either, whatever LANGUAGE says). The module may not change the host's
 * locale, so it switches only the calling thread's, for one call
 * (uselocale: sspr_locale_use/_done); the relay and sspr-enroll, whole
 * processes of ours, set their own.
 *
 * Every locale object made here has C.UTF-8's LC_CTYPE: the catalogues
 * are converted to UTF-8 whatever the user's charset (mails are UTF-8),
 * and case rules are ASCII's (a Turkish LC_CTYPE makes "I" and "i"
 * differ, which would change how keywords and codes compare). */
#ifndef SSPR_LANGUAGE_H
#define SSPR_LANGUAGE_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

/* A language as LANGUAGE names it ("de", "de_DE:de"), or a locale name
 * ("de_DE.UTF-8"): 1 to SSPR_LANGUAGE_MAX letters, digits and "_@.:-",
 * no "..", never a path. PAM's environment may hold what a user wrote in
 * ~/.pam_environment, and a root process must not be led to a file. */
#define SSPR_LANGUAGE_MAX 64
bool sspr_language_valid(const char *language);

/* "C", "POSIX" and C.UTF-8 (or NULL) name no language. */
bool sspr_locale_names_no_language(const char *name);

/* Locale objects for uselocale, freed by the caller (freelocale), or
 * (locale_t)0. sspr_messages_locale: the messages of the installed locale
 * name. sspr_language_locale: one in which gettext follows the LANGUAGE
 * value language: the first installed locale an entry names ("de_DE" of
 * "de_DE:de", as UTF-8, or a full name such as de_DE.UTF-8), else C.UTF-8. */
locale_t sspr_messages_locale(const char *name);
locale_t sspr_language_locale(const char *language);
/* English (LC_MESSAGES "C"), whether C.UTF-8 is installed or not. */
locale_t sspr_english_locale(void);

/* The locale the first set of LC_ALL, LC_MESSAGES and LANG names, read
 * with get (getenv, or PAM's environment), as gettext would take it:
 * NULL when none is set. */
const char *sspr_locale_name(const char *(*get)(void *ctx, const char *name), void *ctx);

/* The host's own language: the locale /etc/locale.conf, else
 * /etc/default/locale names (LC_ALL, LC_MESSAGES, LANG), as a locale
 * object; English when neither names an installed one, and when the
 * process has a LANGUAGE that is not the file's own (gettext would follow
 * it in any locale but "C"). For what goes to the account's owner on
 * someone else's request (the code mail and text message, the notices),
 * whose language must not be the requester's choice. Never (locale_t)0
 * unless out of memory. */
locale_t sspr_host_locale(void);
/* The locale name (LC_ALL, LC_MESSAGES, LANG: the first set; of each the
 * last assignment) and LANGUAGE ("" if none) of such a file's text; false
 * when it names no locale. */
bool sspr_locale_conf_parse(const char *text, char name[SSPR_LANGUAGE_MAX + 1],
			    char language[SSPR_LANGUAGE_MAX + 1]);

/* This thread in locale l (nothing when l is (locale_t)0) until
 * sspr_locale_done, which puts the previous one back and frees l. One use
 * per done: u is a fresh struct each time, never one still in use. */
struct sspr_locale {
	locale_t chosen;
	locale_t previous;
};
void sspr_locale_use(struct sspr_locale *u, locale_t l);
void sspr_locale_done(struct sspr_locale *u);

/* For a process of ours serving one user (the relay): their LANGUAGE and
 * a locale in which gettext reads it, for the rest of the process. */
void sspr_language_adopt(const char *language);

/* The language this process's messages are in, as a LANGUAGE value, for a
 * process that writes them for us (the mail relay): "" (English) in the
 * "C" locale, $LANGUAGE where it is read (any other locale, C.UTF-8
 * included), else the locale of LC_MESSAGES. */
void sspr_message_language(char *out, size_t size);

#endif
