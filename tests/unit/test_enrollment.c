/* SPDX-License-Identifier: BSD-2-Clause */
/* Enrollment writes (libsspr/enrollment.c): what each method's enrollment
 * replaces, wipes and keeps. sspr-enroll, sspr-admin and the importers all
 * write through these, so a case here holds for every tool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "enrollment.h"
#include "record.h"

#define NOW 1800000000

static struct sspr_totp_enrollment totp_of(size_t sealed_len, uint8_t fill, unsigned period,
					   uint64_t last_step)
{
	struct sspr_totp_enrollment t;

	memset(&t, 0, sizeof(t));
	memset(t.sealed, fill, sealed_len);
	t.sealed_len = sealed_len;
	t.digits = 6;
	t.period = period;
	t.last_step = last_step;
	return t;
}

/* A shorter secret over a longer one leaves nothing of the old one. */
static void test_totp_replaces_whole_field(void **state)
{
	struct sspr_record rec;
	struct sspr_totp_enrollment old = totp_of(SSPR_SEALED_MAX, 0xa5, 30, 0);
	struct sspr_totp_enrollment fresh = totp_of(SSPR_SEAL_OVERHEAD + 10, 0x11, 30, 0);

	(void)state;
	sspr_record_init(&rec);
	bool replaced = true;

	assert_int_equal(sspr_record_set_totp(&rec, &old, NOW - 100, &replaced), SSPR_OK);
	assert_false(replaced);
	assert_int_equal(sspr_record_set_totp(&rec, &fresh, NOW, &replaced), SSPR_OK);
	assert_true(replaced);
	assert_int_equal(rec.totp[0].sealed_len, SSPR_SEAL_OVERHEAD + 10);
	for (size_t i = SSPR_SEAL_OVERHEAD + 10; i < SSPR_SEALED_MAX; i++)
		assert_int_equal(rec.totp[0].sealed[i], 0);
	assert_int_equal(rec.totp[0].enrolled_at, NOW);
	assert_int_equal(rec.registered_at, NOW - 100);
	assert_int_equal(rec.confirmed_at, NOW);
}

/* The replay mark never goes down, whatever the new period. */
static void test_totp_keeps_the_higher_mark(void **state)
{
	struct sspr_record rec;
	struct sspr_totp_enrollment first = totp_of(SSPR_SEAL_OVERHEAD + 20, 1, 30, 1000);
	struct sspr_totp_enrollment lower = totp_of(SSPR_SEAL_OVERHEAD + 20, 2, 30, 10);
	struct sspr_totp_enrollment minute = totp_of(SSPR_SEAL_OVERHEAD + 20, 3, 60, 0);
	struct sspr_totp_enrollment higher = totp_of(SSPR_SEAL_OVERHEAD + 20, 4, 60, 900);

	(void)state;
	sspr_record_init(&rec);
	assert_int_equal(sspr_record_set_totp(&rec, &first, NOW, NULL), SSPR_OK);
	assert_int_equal(sspr_record_set_totp(&rec, &lower, NOW, NULL), SSPR_OK);
	assert_int_equal(rec.totp[0].last_step, 1000);
	/* Step 1000 of 30 s ends at second 30029: step 500 of 60 s. */
	assert_int_equal(sspr_record_set_totp(&rec, &minute, NOW, NULL), SSPR_OK);
	assert_int_equal(rec.totp[0].last_step, 500);
	assert_int_equal(sspr_record_set_totp(&rec, &higher, NOW, NULL), SSPR_OK);
	assert_int_equal(rec.totp[0].last_step, 900);
}

/* Out-of-range input changes nothing; a mark too high to convert
 * saturates instead of wrapping to a low one. */
static void test_totp_refuses_bad_input_and_saturates(void **state)
{
	struct sspr_record rec;
	struct sspr_totp_enrollment good = totp_of(SSPR_SEAL_OVERHEAD + 20, 1, 3600, 0);
	struct sspr_totp_enrollment bad = totp_of(SSPR_SEAL_OVERHEAD, 2, 30, 0);
	struct sspr_totp_enrollment slow = totp_of(SSPR_SEAL_OVERHEAD + 20, 3, 1, 0);

	(void)state;
	sspr_record_init(&rec);
	assert_int_equal(sspr_record_set_totp(&rec, &good, NOW, NULL), SSPR_OK);
	assert_int_equal(sspr_record_set_totp(&rec, &bad, NOW + 1, NULL), SSPR_EINVAL);
	bad = totp_of(SSPR_SEAL_OVERHEAD + 20, 2, 3601, 0);
	assert_int_equal(sspr_record_set_totp(&rec, &bad, NOW + 1, NULL), SSPR_EINVAL);
	bad.period = 30;
	bad.digits = 9;
	assert_int_equal(sspr_record_set_totp(&rec, &bad, NOW + 1, NULL), SSPR_EINVAL);
	assert_int_equal(rec.totp[0].sealed[0], 1);
	assert_int_equal(rec.totp[0].enrolled_at, NOW);
	rec.totp[0].last_step = UINT64_MAX / 1000;
	assert_int_equal(sspr_record_set_totp(&rec, &slow, NOW, NULL), SSPR_OK);
	assert_true(rec.totp[0].last_step >= UINT64_MAX / 1000);
}

/* A code mailed to the old address for a reset dies with the address. */
static void test_email_change_drops_the_pending_code(void **state)
{
	struct sspr_record rec;
	bool replaced = true;

	(void)state;
	sspr_record_init(&rec);
	assert_int_equal(sspr_record_set_email(&rec, "old@example.org", NOW - 10, &replaced),
			 SSPR_OK);
	assert_false(replaced);
	rec.has_pending = true;
	memset(rec.pending.hash, 'p', 20);
	rec.pending.expires_at = NOW + 600;
	rec.pending.tries = 1;
	assert_int_equal(sspr_record_set_email(&rec, "new@example.org", NOW, &replaced), SSPR_OK);
	assert_true(replaced);
	assert_false(rec.has_pending);
	assert_int_equal(rec.pending.hash[0], 0);
	assert_int_equal(rec.pending.expires_at, 0);
	assert_string_equal(rec.email.address, "new@example.org");
	assert_true(rec.email.verified);
	assert_int_equal(rec.email.verified_at, NOW);
	assert_true(sspr_record_methods(&rec) & SSPR_METHOD_EMAIL);
	/* The same address again is a re-verification, not a replacement. */
	assert_int_equal(sspr_record_set_email(&rec, "new@example.org", NOW, &replaced), SSPR_OK);
	assert_false(replaced);
}

static void test_email_too_long_changes_nothing(void **state)
{
	struct sspr_record rec;
	char address[SSPR_EMAIL_MAX + 2];

	(void)state;
	sspr_record_init(&rec);
	assert_int_equal(sspr_record_set_email(&rec, "kept@example.org", NOW, NULL), SSPR_OK);
	memset(address, 'a', sizeof(address) - 1);
	address[sizeof(address) - 1] = '\0';
	assert_int_equal(sspr_record_set_email(&rec, address, NOW + 1, NULL), SSPR_EINVAL);
	assert_string_equal(rec.email.address, "kept@example.org");
	assert_int_equal(rec.confirmed_at, NOW);
}

static void test_questions_replace_set_and_draw(void **state)
{
	struct sspr_record rec;
	const char *q4[] = {"q1", "q2", "q3", "q4"}, *h4[] = {"h1", "h2", "h3", "h4"};
	const char *q3[] = {"a", "b", "c"}, *h3[] = {"x", "y", "z"};
	bool replaced = true;

	(void)state;
	sspr_record_init(&rec);
	assert_int_equal(sspr_record_set_questions(&rec, q4, h4, 4, NOW, &replaced), SSPR_OK);
	assert_false(replaced);
	rec.n_drawn = 2;
	rec.drawn[0] = 3;
	rec.draw_epoch = 77;
	assert_int_equal(sspr_record_set_questions(&rec, q3, h3, 3, NOW, &replaced), SSPR_OK);
	assert_true(replaced);
	assert_int_equal(rec.n_questions, 3);
	assert_int_equal(rec.n_drawn, 0);
	assert_int_equal(rec.draw_epoch, 0);
	assert_string_equal(rec.questions[2].hash, "z");
	assert_int_equal(rec.questions[3].question[0], '\0');
	assert_int_equal(sspr_record_set_questions(&rec, q3, h3, 0, NOW, NULL), SSPR_EINVAL);
	assert_int_equal(rec.n_questions, 3);
}

static void test_recovery_replaces_the_set(void **state)
{
	struct sspr_record rec, codes;

	(void)state;
	sspr_record_init(&rec);
	sspr_record_init(&codes);
	rec.n_recovery = 10;
	memset(rec.recovery, 0xee, sizeof(rec.recovery));
	codes.n_recovery = 2;
	memset(codes.recovery_salt, 3, sizeof(codes.recovery_salt));
	memset(codes.recovery[0].hash, 1, SSPR_RECOVERY_HASH_BYTES);
	memset(codes.recovery[1].hash, 2, SSPR_RECOVERY_HASH_BYTES);
	bool replaced = false;

	assert_int_equal(sspr_record_set_recovery(&rec, &codes, NOW, &replaced), SSPR_OK);
	assert_true(replaced);
	assert_int_equal(rec.n_recovery, 2);
	assert_int_equal(rec.recovery[1].hash[0], 2);
	assert_int_equal(rec.recovery[2].hash[0], 0);
	assert_int_equal(rec.registered_at, NOW);
}

/* A new name adds a device, a known one replaces it (keeping its replay
 * mark), six are too many, and one device goes without the others. */
static void test_devices_add_replace_and_remove(void **state)
{
	static struct sspr_record rec;
	struct sspr_totp_enrollment t = totp_of(SSPR_SEAL_OVERHEAD + 20, 1, 30, 500);
	const char *names[] = {NULL, "phone", "tablet", "token", "laptop"};
	bool replaced = true;

	(void)state;
	sspr_record_init(&rec);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		t.name = names[i];
		assert_int_equal(sspr_record_set_totp(&rec, &t, NOW, &replaced), SSPR_OK);
		assert_false(replaced);
	}
	assert_int_equal(rec.n_totp, SSPR_TOTP_DEVICES_MAX);
	assert_string_equal(rec.totp[0].name, SSPR_DEVICE_DEFAULT);
	t.name = "sixth";
	assert_int_equal(sspr_record_set_totp(&rec, &t, NOW, NULL), SSPR_EFULL);
	t.name = "my tablet";
	assert_int_equal(sspr_record_set_totp(&rec, &t, NOW, NULL), SSPR_EINVAL);
	/* Replacing "tablet" with a lower mark keeps its own mark. */
	t = totp_of(SSPR_SEAL_OVERHEAD + 20, 9, 30, 10);
	t.name = "tablet";
	assert_int_equal(sspr_record_set_totp(&rec, &t, NOW + 1, &replaced), SSPR_OK);
	assert_true(replaced);
	assert_int_equal(rec.n_totp, SSPR_TOTP_DEVICES_MAX);
	assert_int_equal(rec.totp[2].last_step, 500);
	assert_int_equal(rec.totp[2].sealed[0], 9);
	/* One device removed, then the method. */
	assert_true(sspr_record_remove(&rec, SSPR_METHOD_TOTP, "phone"));
	assert_false(sspr_record_remove(&rec, SSPR_METHOD_TOTP, "phone"));
	assert_int_equal(rec.n_totp, SSPR_TOTP_DEVICES_MAX - 1);
	assert_int_equal(sspr_record_find_totp(&rec, "tablet"), 1);
	assert_false(sspr_record_remove(&rec, SSPR_METHOD_EMAIL, "tablet"));
	assert_true(sspr_record_remove(&rec, SSPR_METHOD_TOTP, NULL));
	assert_int_equal(rec.n_totp, 0);
	assert_false(sspr_record_remove(&rec, SSPR_METHOD_TOTP, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_totp_replaces_whole_field),
	    cmocka_unit_test(test_totp_keeps_the_higher_mark),
	    cmocka_unit_test(test_totp_refuses_bad_input_and_saturates),
	    cmocka_unit_test(test_email_change_drops_the_pending_code),
	    cmocka_unit_test(test_email_too_long_changes_nothing),
	    cmocka_unit_test(test_questions_replace_set_and_draw),
	    cmocka_unit_test(test_recovery_replaces_the_set),
	    cmocka_unit_test(test_devices_add_replace_and_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
