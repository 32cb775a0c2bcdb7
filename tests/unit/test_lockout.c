/* SPDX-License-Identifier: BSD-2-Clause */
/* Lockout arithmetic to the second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lockout.h"

static const struct sspr_lockout_limits limits = {.attempts = 3, .window = 60, .duration = 600};

static void test_lock_starts_at_exactly_the_limit(void **state)
{
	struct sspr_record rec;

	sspr_record_init(&rec);
	assert_false(sspr_lockout_add_failure(&rec, 1000, &limits));
	assert_false(sspr_lockout_add_failure(&rec, 1001, &limits));
	assert_false(sspr_lockout_active(&rec, 1002));
	assert_true(sspr_lockout_add_failure(&rec, 1002, &limits));
	assert_true(sspr_lockout_active(&rec, 1002));
	assert_int_equal(rec.locked_until, 1602);
	assert_int_equal(rec.n_failures, 0);
}

static void test_lock_ends_after_duration(void **state)
{
	struct sspr_record rec;

	sspr_record_init(&rec);
	rec.locked_until = 1602;
	assert_true(sspr_lockout_active(&rec, 1601));
	assert_false(sspr_lockout_active(&rec, 1602));
	/* After it ends, a new failure starts a new count from one. */
	assert_false(sspr_lockout_add_failure(&rec, 1700, &limits));
	assert_int_equal(rec.locked_until, 0);
	assert_int_equal(rec.n_failures, 1);
}

static void test_failures_outside_window_do_not_count(void **state)
{
	struct sspr_record rec;

	sspr_record_init(&rec);
	assert_false(sspr_lockout_add_failure(&rec, 1000, &limits));
	assert_false(sspr_lockout_add_failure(&rec, 1030, &limits));
	/* 1000 is exactly one window old at 1060: it has expired. */
	assert_false(sspr_lockout_add_failure(&rec, 1060, &limits));
	assert_int_equal(rec.n_failures, 2);
	assert_true(sspr_lockout_add_failure(&rec, 1089, &limits));
}

static void test_clock_going_back_keeps_failures_ordered(void **state)
{
	struct sspr_record rec;

	sspr_record_init(&rec);
	sspr_lockout_add_failure(&rec, 1000, &limits);
	sspr_lockout_add_failure(&rec, 990, &limits);
	assert_int_equal(rec.n_failures, 2);
	assert_true(rec.failures[1] >= rec.failures[0]);
}

static void test_limit_of_one_locks_on_first_failure(void **state)
{
	const struct sspr_lockout_limits one = {.attempts = 1, .window = 60, .duration = 5};
	struct sspr_record rec;

	sspr_record_init(&rec);
	assert_true(sspr_lockout_add_failure(&rec, 50, &one));
	assert_int_equal(rec.locked_until, 55);
}

static void test_many_failures_stay_bounded(void **state)
{
	const struct sspr_lockout_limits max = {
		.attempts = SSPR_FAILURES_MAX, .window = 1000000, .duration = 5};
	struct sspr_record rec;

	sspr_record_init(&rec);
	for (int i = 0; i < SSPR_FAILURES_MAX - 1; i++)
		assert_false(sspr_lockout_add_failure(&rec, 100 + i, &max));
	assert_int_equal(rec.n_failures, SSPR_FAILURES_MAX - 1);
	assert_true(sspr_lockout_add_failure(&rec, 500, &max));
	assert_int_equal(rec.n_failures, 0);
}

static void test_clear_unlocks(void **state)
{
	struct sspr_record rec;

	sspr_record_init(&rec);
	sspr_lockout_add_failure(&rec, 1, &limits);
	rec.locked_until = 99999;
	sspr_lockout_clear(&rec);
	assert_false(sspr_lockout_active(&rec, 2));
	assert_int_equal(rec.n_failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_starts_at_exactly_the_limit),
		cmocka_unit_test(test_lock_ends_after_duration),
		cmocka_unit_test(test_failures_outside_window_do_not_count),
		cmocka_unit_test(test_clock_going_back_keeps_failures_ordered),
		cmocka_unit_test(test_limit_of_one_locks_on_first_failure),
		cmocka_unit_test(test_many_failures_stay_bounded),
		cmocka_unit_test(test_clear_unlocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
