/* Decoy challenges for enumeration = hide (see decoy.c). */
#ifndef SSPR_DECOY_H
#define SSPR_DECOY_H

#include "session.h"

#include "record.h"

/* Runs the decoy of one method (a bit of enum sspr_method) and refuses
 * exactly as the real challenge refuses a wrong answer. rec: the record of
 * the user, if any (their own questions are asked); opened: the write
 * that opens a real challenge has been made (sspr_challenge_begin found
 * the user locked), so the decoy does not make its own. Returns
 * SSPR_EBADCODE, or SSPR_EINVAL when the conversation failed. */
int sspr_decoy_challenge(struct sspr_session *s, unsigned method, const struct sspr_record *rec,
			 bool opened);

#endif
