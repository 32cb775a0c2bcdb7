/* SPDX-License-Identifier: BSD-2-Clause */
/* A counting semaphore across processes that cannot leak: up to `max`
 * holders at once, each holding an exclusive flock on DIR/NAME.N. The
 * kernel drops a lock when its holder exits, however it exits, so a
 * crashed login never keeps a slot. Used to bound how many Argon2id
 * computations (argon2_memlimit bytes each) the module runs at once. */
#ifndef SSPR_SLOTS_H
#define SSPR_SLOTS_H

#include "status.h"

struct sspr_slot {
	int fd; /* -1 when not held */
};

/* Takes one of `max` slots (max 0: no limit, nothing taken), waiting up to
 * timeout_ms. Creates dir (0700) and the slot files (0600) as needed.
 * SSPR_EBUSY when every slot stayed taken, SSPR_ERR (err says why) when the
 * directory or a file cannot be used. */
int sspr_slot_acquire(const char *dir, const char *name, unsigned max, unsigned timeout_ms,
		      struct sspr_slot *slot, struct sspr_error *err);
void sspr_slot_release(struct sspr_slot *slot);

#endif
