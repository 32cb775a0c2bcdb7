/* Decoy challenges for enumeration = hide (see decoy.c). */
#ifndef SSPR_DECOY_H
#define SSPR_DECOY_H

#include "session.h"

/* Runs the decoy of one method (a bit of enum sspr_method) and refuses
 * exactly as the real challenge refuses a wrong answer. Returns
 * SSPR_EBADCODE, or SSPR_EINVAL when the conversation failed. */
int sspr_decoy_challenge(struct sspr_session *s, unsigned method);

#endif
