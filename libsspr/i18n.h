/* SPDX-License-Identifier: BSD-2-Clause */
/* Translated text. Every user-facing string of the project (the module's
 * dialog, sspr-enroll, the mails and text messages) lives in the project's
 * own text domain and is looked up with dgettext, never through the
 * application's domain: a module must not change the text domain or the
 * locale of the process that loaded it.
 *
 *   _("text")   the translation, in the locale the thread runs in
 *   N_("text")  marks text that is translated later, where it is shown
 *
 * xgettext extracts both (po/meson.build); TRANSLATORS: comments above a
 * string reach the catalogues. */
#ifndef SSPR_I18N_H
#define SSPR_I18N_H

#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

#define SSPR_TEXT_DOMAIN "pam_sspr"

#define _(text) dgettext(SSPR_TEXT_DOMAIN, text)
#define N_(text) text

/* Points the text domain at the catalogues this build installs (or, for
 * the tests, builds). Touches no other domain; cheap to call again. */
void sspr_i18n_bind(void);

/* A language as LANGUAGE names it ("de", "de_DE.UTF-8", "fr:en"): 1 to
 * SSPR_LANGUAGE_MAX letters, digits and "_@.:-", never a path. */
#define SSPR_LANGUAGE_MAX 64
bool sspr_language_valid(const char *language);

/* A locale object for uselocale with the messages of the locale name (and
 * C.UTF-8's LC_CTYPE: UTF-8 output, ASCII case rules); (locale_t)0 when
 * the name is not an installed locale. sspr_language_locale: one in which
 * gettext follows the LANGUAGE value language (gettext ignores LANGUAGE in
 * "C", and newer C libraries in C.UTF-8 too): the first installed locale
 * an entry names ("de_DE" of "de_DE:de", as UTF-8, or a full name such as
 * de_DE.UTF-8), else C.UTF-8. The caller frees it (freelocale). */
locale_t sspr_messages_locale(const char *name);
/* "C", "POSIX" and C.UTF-8 (or NULL) name no language. */
bool sspr_locale_names_no_language(const char *name);
locale_t sspr_language_locale(const char *language);

/* The language this process's messages are in, as a LANGUAGE value, for a
 * process that writes them for us (the mail relay): $LANGUAGE, else the
 * locale of LC_MESSAGES; "" for the "C" locale. */
void sspr_message_language(char *out, size_t size);

/* Whether a reply means yes or no: the English y/yes and n/no, and the
 * words the catalogue of the current locale lists. Case is ignored (for
 * ASCII letters), and so are spaces around the word. */
bool sspr_answer_is_yes(const char *reply);
bool sspr_answer_is_no(const char *reply);

#endif
