/* SPDX-License-Identifier: BSD-2-Clause */
/* The language of a reset's dialog and of the account hook's reminders:
 * the locale the application runs in, or, when it left the process in a
 * locale that names no language, the one its user asked for (PAM's
 * environment, then the process's). For the calling thread only and for
 * the length of one call into the engine (language.h): the host's locale
 * and text domain are never changed, and an ordinary login (a typed
 * password) shows exactly what it showed without the module. */
#ifndef SSPR_DIALOG_LOCALE_H
#define SSPR_DIALOG_LOCALE_H

#include <security/pam_modules.h>

#include "language.h"

/* Binds the text domain and, where the application did not choose a
 * language, switches this thread to the user's until sspr_locale_done
 * (language.h) puts it back.
 * Never fails: without a usable locale the dialog is in English. */
void sspr_locale_enter(pam_handle_t *pamh, struct sspr_locale *l);

#endif
