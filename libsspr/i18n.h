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
 * xgettext extracts both (po/meson.build); TRANSLATORS: comments right
 * above the line of the string reach the catalogues. Which language a
 * process or a call speaks is language.h's. A translated text is never a
 * format unless its msgid is one ("%s", _("...") otherwise): only the
 * catalogues' c-format messages are checked by msgfmt. */
#ifndef SSPR_I18N_H
#define SSPR_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define SSPR_TEXT_DOMAIN "pam_sspr"

#define _(text) dgettext(SSPR_TEXT_DOMAIN, text)
#define N_(text) text

/* Points the text domain at the catalogues this build installs (or, for
 * the tests, builds). Touches no other domain; cheap to call again. */
void sspr_i18n_bind(void);

/* Whether a reply means yes or no: the English y/yes and n/no, and the
 * words the catalogue of the current locale lists. Case is ignored (for
 * ASCII letters), and so are spaces around the word. */
bool sspr_answer_is_yes(const char *reply);
bool sspr_answer_is_no(const char *reply);

#endif
