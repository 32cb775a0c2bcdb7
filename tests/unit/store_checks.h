/* Small helpers the store tests share (tests/unit/test_store.c on both
 * backends, tests/ldap/store/test_ldap_store.c on the directory's own
 * cases): an update function that moves a counter, and readers of it. */
#ifndef SSPR_TEST_STORE_CHECKS_H
#define SSPR_TEST_STORE_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct bump {
	int status; /* what the function returns */
	bool log_event;
};

/* Gives the user a TOTP record (on first use) and moves its last step on
 * by one; logs an event when asked. */
static inline int bump_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct bump *b = ctx;

	(void)exists;
	rec->has_totp = true;
	rec->totp.digits = 6;
	rec->totp.period = 30;
	rec->totp.sealed_len = SSPR_SEAL_OVERHEAD + 1;
	rec->totp.last_step++;
	if (b->log_event)
		sspr_event_set(ev, 100, "test", "bump", "totp", "u", "unit", "", "");
	return b->status;
}

static inline uint64_t step_of(struct sspr_store *st, const char *user)
{
	struct sspr_record rec;
	struct sspr_error err;

	assert_int_equal(sspr_store_get(st, user, &rec, &err), SSPR_OK);
	return rec.totp.last_step;
}

static inline int count_fn(const struct sspr_event *ev, int status, void *ctx)
{
	(void)ev;
	(void)status;
	(*(int *)ctx)++;
	return 0;
}

static inline int count_events(struct sspr_store *st, int64_t since)
{
	struct sspr_error err;
	int n = 0;

	assert_int_equal(sspr_store_foreach_event(st, since, count_fn, &n, &err), SSPR_OK);
	return n;
}

#endif
