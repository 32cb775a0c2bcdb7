/* Choosing how to prove one's identity: a numbered menu of the methods
 * the user can still use, shown only when there is a choice. With
 * enumeration = hide the e-mail entry does not show the masked address. */
#ifndef SSPR_METHOD_MENU_H
#define SSPR_METHOD_MENU_H

#include "record.h"
#include "session.h"

/* Returns one method out of `candidates` (a bitmask, not empty), or 0 when
 * the user gave no usable answer (already reported). */
unsigned sspr_method_choose(struct sspr_session *s, const struct sspr_record *rec,
			    unsigned candidates);

#endif
