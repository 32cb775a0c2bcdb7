/* SPDX-License-Identifier: BSD-2-Clause */
/* Decoy challenges for enumeration = hide (see decoy.c). */
#ifndef SSPR_DECOY_H
#define SSPR_DECOY_H

#include <stdbool.h>

#include "record.h"
#include "session.h"

/* Runs the decoy of one method (a bit of enum sspr_method) and refuses
 * exactly as the real challenge refuses a wrong answer. rec: the record of
 * the user, if any (their own questions are asked); opened: the write
 * that opens a real challenge has been made (sspr_challenge_begin found
 * the user locked), so the decoy does not make its own. Returns
 * SSPR_EBADCODE, or SSPR_EINVAL when the conversation failed. */
int sspr_decoy_challenge(struct sspr_session *s, unsigned method, const struct sspr_record *rec,
			 bool opened);

/* What the decoys share (each method's own is next to its challenge, in
 * challenge_*.c). sspr_decoy_pace: a synced store write where the real
 * challenge makes one; when it fails, "unavailable" is reported and said,
 * as for a real challenge. sspr_decoy_ask: one prompt, as shown (the
 * caller translated it); false when the conversation failed (then answered
 * as a real challenge answers it). sspr_decoy_refuse: the verdict's write,
 * then the refusal text; SSPR_EBADCODE or the store's error. Refusals are
 * message ids, as for sspr_session_refuse. */
int sspr_decoy_pace(struct sspr_session *s, const char *method);
bool sspr_decoy_ask(struct sspr_session *s, const char *method, const char *prompt,
		    const char *refusal, char **reply);
int sspr_decoy_refuse(struct sspr_session *s, const char *method, const char *text);

/* The decoy of a one-secret challenge (sspr_challenge_secret): the prompt
 * (a message id, as there),
 * then work (the keyed hash a real check makes) on the reply against an
 * empty scratch record, then the refusal. */
typedef void (*sspr_decoy_work_fn)(const struct sspr_record *scratch, const char *typed);
int sspr_decoy_secret(struct sspr_session *s, const char *method, const char *prompt,
		      const char *refusal, sspr_decoy_work_fn work);

#endif
