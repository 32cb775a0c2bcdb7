/* SPDX-License-Identifier: BSD-2-Clause */
/* The language of the dialog: the locale the application runs in, or,
 * when it left the process in the "C" locale, the one its user asked for
 * (PAM's environment, then the process's). Chosen for the calling thread
 * only (uselocale) and for the length of one call into the module: the
 * host's locale and text domain are never changed. */
#ifndef SSPR_DIALOG_LOCALE_H
#define SSPR_DIALOG_LOCALE_H

#include <locale.h>

#include <security/pam_modules.h>

struct sspr_locale {
	locale_t chosen;   /* (locale_t)0: the thread's own locale is used */
	locale_t previous; /* what the thread had, put back by _leave */
};

/* Binds the text domain and, where the application did not choose a
 * language, switches this thread to the user's. Never fails: without a
 * usable locale the dialog is in English. */
void sspr_locale_enter(pam_handle_t *pamh, struct sspr_locale *l);
void sspr_locale_leave(struct sspr_locale *l);

#endif
