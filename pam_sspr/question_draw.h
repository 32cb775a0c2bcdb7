/* SPDX-License-Identifier: BSD-2-Clause */
/* Which security questions a reset asks, and for how long the same ones.
 *
 * A user's questions are drawn for a period, lockout_window long, starting
 * at a per-user offset only the host key knows, with a seed keyed to the
 * user and the period; the draw is also kept in the record (n_drawn,
 * drawn, draw_epoch), so it holds while the question set does. Within a
 * period the same questions come up however often the dialog is given up
 * or answered: an attacker who knows some answers gains nothing by giving
 * up whenever an unknown question comes up. A decoy (enumeration = hide)
 * derives its questions from the same key and period, so they change at
 * the same moments as a real user's, and a locked user is asked what they
 * were asked before the lock. */
#ifndef SSPR_QUESTION_DRAW_H
#define SSPR_QUESTION_DRAW_H

#include <stdint.h>

#include "record.h"
#include "session.h"

#define SSPR_DRAW_SEED_BYTES 32

struct sspr_draw {
	uint64_t period;                         /* the draw period of `now` */
	uint8_t seed[SSPR_DRAW_SEED_BYTES];      /* keyed: this user and period */
	uint8_t set_seed[SSPR_DRAW_SEED_BYTES];  /* keyed: this user, for ever (a
						  * decoy's "registered" questions) */
};

/* Fills draw for s->user at now from the host key; SSPR_EKEY (err says
 * why) when the key does not load. */
int sspr_draw_begin(const struct sspr_session *s, int64_t now, struct sspr_draw *draw,
		    struct sspr_error *err);
void sspr_draw_wipe(struct sspr_draw *draw);

/* k distinct indices below n (k <= n <= SSPR_QUESTIONS_FILE_MAX), in the
 * order they are asked, shuffled by the stream of seed. */
void sspr_draw_shuffle(const uint8_t seed[SSPR_DRAW_SEED_BYTES], unsigned n, unsigned k,
		       unsigned *out);

/* True when rec holds a draw of k questions for this period that still
 * fits its question set; *out then gets it. */
bool sspr_draw_kept(const struct sspr_record *rec, const struct sspr_draw *draw, unsigned k,
		    unsigned *out);

#endif
