/* Lockout arithmetic, kept pure (a record and a time in, a record out) so it
 * can run inside a store update and be unit-tested to the second. */
#ifndef SSPR_LOCKOUT_H
#define SSPR_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

struct sspr_lockout_limits {
	unsigned attempts; /* failures within window that lock: 1..SSPR_FAILURES_MAX */
	unsigned window;   /* seconds */
	unsigned duration; /* seconds a lock lasts */
};

/* True while rec is locked at now. */
bool sspr_lockout_active(const struct sspr_record *rec, int64_t now);

/* Records one failed verification at now: failures older than the window
 * are dropped, this one is added, and when the count reaches the limit the
 * record is locked until now + duration and the failures are cleared.
 * Returns true when this failure started the lock. */
bool sspr_lockout_add_failure(struct sspr_record *rec, int64_t now,
			      const struct sspr_lockout_limits *limits);

/* A successful reset or an admin unlock: no failures, no lock. */
void sspr_lockout_clear(struct sspr_record *rec);

#endif
