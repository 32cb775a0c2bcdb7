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

bool sspr_lockout_add_failure(struct sspr_record *rec, int64_t now,
			      const struct sspr_lockout_limits *limits)
{
	unsigned attempts = limits->attempts;

	if (attempts == 0 || attempts > SSPR_FAILURES_MAX)
		attempts = SSPR_FAILURES_MAX;
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
	if (rec->n_failures < attempts)
		return false;
	rec->locked_until = now + (int64_t)limits->duration;
	rec->n_failures = 0;
	return true;
}

void sspr_lockout_clear(struct sspr_record *rec)
{
	rec->n_failures = 0;
	memset(rec->failures, 0, sizeof(rec->failures));
	rec->locked_until = 0;
}
