/* SPDX-License-Identifier: BSD-2-Clause */
/* Lockout arithmetic: a sliding window of failure times per user. */
#include <string.h>

#include "lockout.h"

bool sspr_lockout_active(const struct sspr_record *rec, int64_t now)
{
	return rec->locked_until > now;
}

/* Drops failures that fell out of the window, keeping the rest in order. */
static void expire_failures(struct sspr_record *rec, int64_t now, unsigned window)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < rec->n_failures; i++) {
		if (rec->failures[i] > now - (int64_t)window)
			rec->failures[kept++] = rec->failures[i];
	}
	rec->n_failures = (uint8_t)kept;
}

static unsigned attempts_of(const struct sspr_lockout_limits *limits)
{
	if (limits->attempts == 0 || limits->attempts > SSPR_FAILURES_MAX)
		return SSPR_FAILURES_MAX;
	return limits->attempts;
}

static void start_lock(struct sspr_record *rec, int64_t now,
		       const struct sspr_lockout_limits *limits)
{
	rec->locked_until = now + (int64_t)limits->duration;
	rec->n_failures = 0;
}

/* Appends a failure at now (or at the latest one, if the clock stepped
 * back) and returns the time recorded. */
static int64_t append_failure(struct sspr_record *rec, int64_t now,
			      const struct sspr_lockout_limits *limits)
{
	/* An expired lock starts a fresh count. */
	if (rec->locked_until != 0 && rec->locked_until <= now)
		rec->locked_until = 0;
	expire_failures(rec, now, limits->window);
	/* Clocks can step backwards; keep the list sorted so decoding, which
	 * insists on order, never sees a record we wrote. */
	if (rec->n_failures > 0 && now < rec->failures[rec->n_failures - 1])
		now = rec->failures[rec->n_failures - 1];
	if (rec->n_failures >= SSPR_FAILURES_MAX) {
		memmove(rec->failures, rec->failures + 1,
			(SSPR_FAILURES_MAX - 1) * sizeof(rec->failures[0]));
		rec->n_failures = SSPR_FAILURES_MAX - 1;
	}
	rec->failures[rec->n_failures++] = now;
	return now;
}

bool sspr_lockout_add_failure(struct sspr_record *rec, int64_t now,
			      const struct sspr_lockout_limits *limits)
{
	now = append_failure(rec, now, limits);
	if (rec->n_failures < attempts_of(limits))
		return false;
	start_lock(rec, now, limits);
	return true;
}

int64_t sspr_lockout_charge(struct sspr_record *rec, int64_t now,
			    const struct sspr_lockout_limits *limits)
{
	if (rec->locked_until != 0 && rec->locked_until <= now)
		rec->locked_until = 0;
	expire_failures(rec, now, limits->window);
	/* The limit was reached by dialogs that never came back: this one
	 * would be the next failure over it. */
	if (rec->n_failures >= attempts_of(limits)) {
		start_lock(rec, now, limits);
		return 0;
	}
	return append_failure(rec, now, limits);
}

void sspr_lockout_uncharge(struct sspr_record *rec, int64_t at)
{
	/* The newest failure at that time: any one of equal time is the same. */
	for (unsigned i = rec->n_failures; i-- > 0;) {
		if (rec->failures[i] != at)
			continue;
		memmove(rec->failures + i, rec->failures + i + 1,
			(rec->n_failures - i - 1) * sizeof(rec->failures[0]));
		rec->n_failures--;
		rec->failures[rec->n_failures] = 0;
		return;
	}
}

void sspr_lockout_clear(struct sspr_record *rec)
{
	rec->n_failures = 0;
	memset(rec->failures, 0, sizeof(rec->failures));
	rec->locked_until = 0;
}
