/* SPDX-License-Identifier: BSD-2-Clause */
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

/* Before a challenge is shown: the attempt is counted as a failure now,
 * so that a dialog that never reaches its verdict (the connection drops,
 * the process is killed, the reply is too long) still costs one. Failures
 * left by such dialogs that already reach the limit start the lock
 * instead: returns 0 then (the record is locked). Otherwise returns the
 * time the failure was recorded at, which the verdict hands back to
 * sspr_lockout_uncharge. */
int64_t sspr_lockout_charge(struct sspr_record *rec, int64_t now,
			    const struct sspr_lockout_limits *limits);

/* The verdict came: takes back the failure sspr_lockout_charge recorded
 * at `at` (if the window has not dropped it already). A refusal then
 * counts as any failure does, with sspr_lockout_add_failure. */
void sspr_lockout_uncharge(struct sspr_record *rec, int64_t at);

/* A successful reset or an admin unlock: no failures, no lock. */
void sspr_lockout_clear(struct sspr_record *rec);

#endif
