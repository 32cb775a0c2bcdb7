/* SPDX-License-Identifier: BSD-2-Clause */
/* What checking a security-question answer may cost, and who pays it.
 *
 * A real check is one Argon2id run (argon2_memlimit bytes, about a tenth
 * of a second) in one of argon2_max_parallel slots shared by the host, and
 * in the one slot of its user: whoever guesses at one account holds at
 * most one shared slot, and the lockout bounds how often. A decoy
 * (enumeration = hide) computes nothing and holds no slot: it waits as
 * long as real checks take, measured as they run and kept in lock_dir, so
 * strangers cost the host no CPU, no memory and no slot time, and cannot
 * keep real users waiting. */
#ifndef SSPR_ANSWER_CHECK_H
#define SSPR_ANSWER_CHECK_H

#include <stdbool.h>

#include "session.h"

/* Checks `normalised` against the Argon2id `hash` in the user's slot and
 * a shared one, and records how long it took. *r: SSPR_OK, or no slot
 * freed within 30 s (reported as "unavailable"). */
bool sspr_answer_verify_slotted(struct sspr_session *s, const char *hash, const char *normalised,
		       int *r);

/* A decoy's check: as long as a real one takes, at no cost. SSPR_OK, or
 * (reported) no slot for the one calibrating check made when no real one
 * has run yet. */
int sspr_answer_decoy_check(struct sspr_session *s);

#endif
