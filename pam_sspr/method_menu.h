/* SPDX-License-Identifier: BSD-2-Clause */
/* Choosing how to prove one's identity: a numbered menu of the methods
 * the user can still use, shown only when there is a choice. With
 * enumeration = hide the e-mail entry does not show the masked address. */
#ifndef SSPR_METHOD_MENU_H
#define SSPR_METHOD_MENU_H

#include <stdbool.h>

#include "record.h"
#include "session.h"

/* Asks title, the numbered items and "Choose 1-N: " as one prompt (up to
 * three times; all three already translated) and returns the index
 * chosen, or -1 when no usable answer came. */
int sspr_menu_ask(struct sspr_session *s, const char *title, const char *const *items,
		  unsigned n);

/* With unlock = yes, asks whether the user wants a new password or only
 * their account unlocked, and sets s->action; otherwise sets RESET. Shown
 * to everyone alike. False when no usable answer came (reported). */
bool sspr_action_choose(struct sspr_session *s);

/* Returns one method out of `candidates` (a bitmask, not empty), or 0 when
 * the user gave no usable answer (already reported). */
unsigned sspr_method_choose(struct sspr_session *s, const struct sspr_record *rec,
			    unsigned candidates);

#endif
