/* SPDX-License-Identifier: BSD-2-Clause */
/* Record codec: round trips, strictness, and no crash on any corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "event.h"
#include "record.h"
#include "util.h"

static void fill_full(struct sspr_record *r)
{
	sspr_record_init(r);
	r->n_totp = 1;
	snprintf(r->totp[0].name, sizeof(r->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	r->totp[0].sealed_len = SSPR_SEALED_MAX;
	memset(r->totp[0].sealed, 0xa5, SSPR_SEALED_MAX);
	r->totp[0].digits = 8;
	r->totp[0].period = 30;
	r->totp[0].last_step = UINT64_MAX - 1;
	r->totp[0].enrolled_at = 1700000000;
	r->n_questions = SSPR_QUESTIONS_MAX;
	for (int i = 0; i < SSPR_QUESTIONS_MAX; i++) {
		memset(r->questions[i].question, 'q', SSPR_QUESTION_MAX);
		r->questions[i].question[SSPR_QUESTION_MAX] = '\0';
		memset(r->questions[i].hash, 'h', SSPR_HASH_STR_MAX - 1);
		r->questions[i].hash[SSPR_HASH_STR_MAX - 1] = '\0';
	}
	r->has_email = true;
	memset(r->email.address, 'e', SSPR_EMAIL_MAX);
	r->email.address[SSPR_EMAIL_MAX] = '\0';
	r->email.verified = true;
	r->email.verified_at = -5; /* times are signed */
	r->n_recovery = SSPR_RECOVERY_MAX;
	memset(r->recovery_salt, 7, SSPR_SALT_BYTES);
	for (int i = 0; i < SSPR_RECOVERY_MAX; i++) {
		memset(r->recovery[i].hash, i, SSPR_RECOVERY_HASH_BYTES);
		r->recovery[i].used = i % 2;
	}
	r->has_pending = true;
	snprintf(r->pending.hash, sizeof(r->pending.hash), "$argon2id$v=19$pending");
	r->pending.expires_at = 1700000600;
	r->pending.tries = 2;
	r->has_phone = true;
	snprintf(r->phone.address, sizeof(r->phone.address), "+447700900123456"); /* 15 digits */
	r->phone.verified = true;
	r->phone.verified_at = 1700000100;
	r->has_phone_pending = true;
	snprintf(r->phone_pending.hash, sizeof(r->phone_pending.hash), "$argon2id$v=19$texted");
	r->phone_pending.expires_at = 1700000700;
	r->phone_pending.tries = 1;
	r->n_failures = SSPR_FAILURES_MAX;
	for (int i = 0; i < SSPR_FAILURES_MAX; i++)
		r->failures[i] = 1000 + i;
	r->locked_until = 1800000000;
	r->registered_at = 1600000000;
	r->confirmed_at = 1650000000;
	r->n_drawn = 2;
	r->drawn[0] = 2;
	r->drawn[1] = 0;
	r->draw_epoch = 123456;
	r->has_pass = true;
	memset(r->pass.salt, 9, SSPR_SALT_BYTES);
	memset(r->pass.hash, 10, SSPR_RECOVERY_HASH_BYTES);
	r->pass.issued_at = INT64_MAX - SSPR_PASS_TTL_MAX;
	r->pass.expires_at = INT64_MAX; /* usable whenever the test runs */
	r->pass.uses_left = SSPR_PASS_USES_MAX;
}

static void test_empty_record_round_trips(void **state)
{
	struct sspr_record a, b;
	uint8_t buf[SSPR_RECORD_ENCODED_MAX];
	size_t len;

	sspr_record_init(&a);
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_OK);
	assert_int_equal(len, 1); /* just the version: absent data costs nothing */
	assert_int_equal(sspr_record_decode(buf, len, &b), SSPR_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(sspr_record_methods(&b), 0);
}

static void test_full_record_round_trips_deterministically(void **state)
{
	static struct sspr_record a, b;
	uint8_t buf1[SSPR_RECORD_ENCODED_MAX], buf2[SSPR_RECORD_ENCODED_MAX];
	size_t len1, len2;

	fill_full(&a);
	assert_int_equal(sspr_record_encode(&a, buf1, sizeof(buf1), &len1), SSPR_OK);
	assert_true(len1 <= SSPR_RECORD_ENCODED_MAX);
	assert_int_equal(sspr_record_decode(buf1, len1, &b), SSPR_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(sspr_record_encode(&b, buf2, sizeof(buf2), &len2), SSPR_OK);
	assert_int_equal(len1, len2);
	assert_memory_equal(buf1, buf2, len1);
	assert_int_equal(sspr_record_methods(&b), SSPR_METHOD_ALL & ~(unsigned)SSPR_METHOD_PAM);
}

static void test_every_truncation_is_corrupt(void **state)
{
	static struct sspr_record a, b;
	uint8_t buf[SSPR_RECORD_ENCODED_MAX];
	size_t len;

	fill_full(&a);
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_OK);
	for (size_t cut = 0; cut < len; cut++) {
		int r = sspr_record_decode(buf, cut, &b);

		/* A cut exactly between items may decode, but then only if
		 * every pairing rule still holds; otherwise it is corrupt. */
		if (r == SSPR_OK) {
			uint8_t again[SSPR_RECORD_ENCODED_MAX];
			size_t alen;

			assert_int_equal(sspr_record_encode(&b, again, sizeof(again), &alen),
					 SSPR_OK);
		} else {
			assert_int_equal(r, SSPR_ECORRUPT);
		}
	}
	assert_int_equal(sspr_record_decode(buf, 0, &b), SSPR_ECORRUPT);
}

static void test_every_byte_flip_is_safe(void **state)
{
	static struct sspr_record a, b;
	uint8_t buf[SSPR_RECORD_ENCODED_MAX], again[SSPR_RECORD_ENCODED_MAX];
	size_t len, alen;

	fill_full(&a);
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_OK);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			buf[i] ^= (uint8_t)(1u << bit);
			if (sspr_record_decode(buf, len, &b) == SSPR_OK)
				assert_int_equal(
					sspr_record_encode(&b, again, sizeof(again), &alen),
					SSPR_OK);
			buf[i] ^= (uint8_t)(1u << bit);
		}
	}
}

static void test_strictness(void **state)
{
	struct sspr_record r;
	uint8_t buf[SSPR_RECORD_ENCODED_MAX];
	size_t len;
	/* version 2 */
	const uint8_t v2[] = {2};
	/* unknown tag 99 */
	const uint8_t unknown[] = {1, 99, 0, 0};
	/* LOCKED_UNTIL twice */
	const uint8_t twice[] = {1, 13, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 13, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2};
	/* LOCKED_UNTIL with a 4-byte value */
	const uint8_t short_time[] = {1, 13, 0, 4, 0, 0, 0, 1};
	/* TOTP digits alone, without the rest of TOTP */
	const uint8_t partial_totp[] = {1, 2, 0, 1, 6};
	/* TOTP digits out of range (with nothing else: corrupt either way) */
	const uint8_t digits9[] = {1, 2, 0, 1, 9};
	/* failures out of order */
	const uint8_t order[] = {1, 12, 0, 8, 0, 0, 0, 0, 0, 0, 0, 9, 12, 0, 8, 0, 0, 0, 0, 0, 0, 0, 8};
	/* e-mail address with a NUL inside */
	const uint8_t nul[] = {1, 7, 0, 3, 'a', 0, 'b'};
	/* verified without an address */
	const uint8_t verified_only[] = {1, 8, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1};

	assert_int_equal(sspr_record_decode(v2, sizeof(v2), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(unknown, sizeof(unknown), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(twice, sizeof(twice), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(twice, 12, &r), SSPR_OK);
	assert_int_equal(r.locked_until, 1);
	assert_int_equal(sspr_record_decode(short_time, sizeof(short_time), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(partial_totp, sizeof(partial_totp), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(digits9, sizeof(digits9), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(order, sizeof(order), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(nul, sizeof(nul), &r), SSPR_ECORRUPT);
	assert_int_equal(sspr_record_decode(verified_only, sizeof(verified_only), &r),
			 SSPR_ECORRUPT);
	/* trailing garbage after a valid record */
	sspr_record_init(&r);
	r.locked_until = 5;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_OK);
	buf[len] = 13;
	assert_int_equal(sspr_record_decode(buf, len + 1, &r), SSPR_ECORRUPT);
}

static void test_encode_refuses_out_of_range(void **state)
{
	struct sspr_record r;
	uint8_t buf[SSPR_RECORD_ENCODED_MAX];
	size_t len;

	sspr_record_init(&r);
	r.n_totp = 1;
	snprintf(r.totp[0].name, sizeof(r.totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	r.totp[0].digits = 6;
	r.totp[0].period = 30;
	r.totp[0].sealed_len = SSPR_SEAL_OVERHEAD; /* no secret inside */
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	sspr_record_init(&r);
	r.n_failures = SSPR_FAILURES_MAX + 1;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	/* A draw names each question once, below SSPR_QUESTIONS_MAX. */
	sspr_record_init(&r);
	r.n_drawn = 2;
	r.drawn[0] = r.drawn[1] = 1;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	r.drawn[1] = SSPR_QUESTIONS_MAX;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	r.n_drawn = SSPR_QUESTIONS_MAX + 1;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	sspr_record_init(&r);
	r.locked_until = 1;
	assert_int_equal(sspr_record_encode(&r, buf, 4, &len), SSPR_ENOMEM);
	/* A pass has 1..SSPR_PASS_USES_MAX uses and lives at most
	 * SSPR_PASS_TTL_MAX after it was issued. */
	sspr_record_init(&r);
	r.has_pass = true;
	r.pass.issued_at = 1000;
	r.pass.expires_at = 1000 + 3600;
	r.pass.uses_left = 0;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	r.pass.uses_left = SSPR_PASS_USES_MAX + 1;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	r.pass.uses_left = 1;
	r.pass.expires_at = 1000;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	r.pass.expires_at = 1000 + SSPR_PASS_TTL_MAX + 1;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_EINVAL);
	r.pass.expires_at = 1000 + SSPR_PASS_TTL_MAX;
	assert_int_equal(sspr_record_encode(&r, buf, sizeof(buf), &len), SSPR_OK);
}

static void test_methods_rules(void **state)
{
	struct sspr_record r;

	sspr_record_init(&r);
	r.n_questions = 2; /* incomplete set */
	r.has_email = true; /* not verified */
	r.n_recovery = 1;
	r.recovery[0].used = true; /* none left */
	assert_int_equal(sspr_record_methods(&r), 0);
	r.n_questions = 3;
	r.email.verified = true;
	r.recovery[0].used = false;
	assert_int_equal(sspr_record_methods(&r),
			 SSPR_METHOD_QUESTIONS | SSPR_METHOD_EMAIL | SSPR_METHOD_RECOVERY);
	/* A pass counts while it has uses left and until it expires. */
	r.has_pass = true;
	r.pass.uses_left = 1;
	r.pass.issued_at = sspr_now() - 10;
	r.pass.expires_at = sspr_now() + 60;
	assert_true(sspr_record_methods(&r) & SSPR_METHOD_PASS);
	assert_true(sspr_record_pass_usable(&r, r.pass.expires_at - 1));
	assert_false(sspr_record_pass_usable(&r, r.pass.expires_at));
	r.pass.expires_at = sspr_now();
	assert_false(sspr_record_methods(&r) & SSPR_METHOD_PASS);
	assert_true(sspr_record_has_method_data(&r, SSPR_METHOD_PASS));
	sspr_record_clear_method(&r, SSPR_METHOD_PASS);
	assert_false(r.has_pass);
	assert_string_equal(sspr_method_name(SSPR_METHOD_PASS), "pass");
	assert_string_equal(sspr_method_name(SSPR_METHOD_EMAIL), "email");
	assert_int_equal(sspr_method_from_name("recovery"), SSPR_METHOD_RECOVERY);
	assert_int_equal(sspr_method_from_name("sms"), 0);
}

static void test_event_round_trip_and_corruption(void **state)
{
	struct sspr_event a, b;
	uint8_t buf[SSPR_EVENT_ENCODED_MAX];
	char long_detail[400];
	size_t len;

	memset(long_detail, 'd', sizeof(long_detail) - 1);
	long_detail[sizeof(long_detail) - 1] = '\0';
	sspr_event_set(&a, 1234, "reset", "success", "totp", "alice", "sshd", NULL, long_detail);
	assert_string_equal(a.rhost, "");
	assert_int_equal(strlen(a.detail), SSPR_EVENT_DETAIL_MAX);
	assert_int_equal(sspr_event_encode(&a, buf, sizeof(buf), &len), SSPR_OK);
	assert_int_equal(sspr_event_decode(buf, len, &b), SSPR_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	for (size_t cut = 0; cut < len; cut++)
		(void)sspr_event_decode(buf, cut, &b); /* must not crash */
	assert_int_equal(sspr_event_decode(buf, len - 1, &b), SSPR_ECORRUPT);
	buf[0] = 9;
	assert_int_equal(sspr_event_decode(buf, len, &b), SSPR_ECORRUPT);
}

/* Named devices: written as repeated items, read back alike; one device
 * called "default" keeps the form of before (an older version reads it);
 * the two forms mixed, a name twice or a bad name are corrupt. */
static void test_devices_round_trip_and_forms(void **state)
{
	static struct sspr_record a, b;
	uint8_t buf[SSPR_RECORD_ENCODED_MAX], legacy[SSPR_RECORD_ENCODED_MAX];
	size_t len, legacy_len;
	const char *names[SSPR_TOTP_DEVICES_MAX] = {"default", "phone", "tablet", "yubi.key-2",
						    "Work_Laptop"};

	(void)state;
	sspr_record_init(&a);
	for (unsigned i = 0; i < SSPR_TOTP_DEVICES_MAX; i++) {
		struct sspr_totp *t = &a.totp[i];

		snprintf(t->name, sizeof(t->name), "%s", names[i]);
		t->sealed_len = (uint16_t)(SSPR_SEAL_OVERHEAD + 20 + i);
		memset(t->sealed, (int)(0x10 + i), t->sealed_len);
		t->digits = (uint8_t)(6 + i % 3);
		t->period = (uint16_t)(30 * (i + 1));
		t->last_step = 1000 + i;
		t->enrolled_at = 1700000000 + (int64_t)i;
	}
	a.n_totp = SSPR_TOTP_DEVICES_MAX;
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_OK);
	assert_int_equal(sspr_record_decode(buf, len, &b), SSPR_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(sspr_record_find_totp(&b, "tablet"), 2);
	assert_int_equal(sspr_record_find_totp(&b, "laptop"), -1);
	/* Removing one keeps the others in order. */
	sspr_record_remove_totp(&b, 1);
	assert_int_equal(b.n_totp, SSPR_TOTP_DEVICES_MAX - 1);
	assert_string_equal(b.totp[1].name, "tablet");
	assert_int_equal(b.totp[1].last_step, 1002);
	/* One "default" device: the items of before, which the decoder also
	 * reads as that device. */
	a.n_totp = 1;
	assert_int_equal(sspr_record_encode(&a, legacy, sizeof(legacy), &legacy_len), SSPR_OK);
	assert_int_equal(legacy[1], 1); /* TOTP_SEALED first */
	assert_int_equal(sspr_record_decode(legacy, legacy_len, &b), SSPR_OK);
	assert_int_equal(b.n_totp, 1);
	assert_string_equal(b.totp[0].name, "default");
	/* A lone "default" device as a device item is not how it is written:
	 * corrupt (decode and encode stay each other's inverse). */
	{
		uint8_t one[SSPR_RECORD_ENCODED_MAX];
		size_t one_len;

		a.n_totp = 2;
		assert_int_equal(sspr_record_encode(&a, one, sizeof(one), &one_len), SSPR_OK);
		/* the first device item alone: version byte, tag, length, value */
		one_len = 1 + 3 + (size_t)((one[2] << 8) | one[3]);
		assert_int_equal(one[1], 23);
		assert_int_equal(sspr_record_decode(one, one_len, &b), SSPR_ECORRUPT);
	}
	/* A legacy record with a device item beside it is corrupt. */
	a.n_totp = 2;
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_OK);
	memcpy(legacy + legacy_len, buf + 1, len - 1);
	assert_int_equal(sspr_record_decode(legacy, legacy_len + len - 1, &b), SSPR_ECORRUPT);
	/* A name twice, an empty or a bad name: refused by the encoder. */
	snprintf(a.totp[1].name, sizeof(a.totp[1].name), "default");
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_EINVAL);
	snprintf(a.totp[1].name, sizeof(a.totp[1].name), "-phone");
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_EINVAL);
	snprintf(a.totp[1].name, sizeof(a.totp[1].name), "my phone");
	assert_int_equal(sspr_record_encode(&a, buf, sizeof(buf), &len), SSPR_EINVAL);
	assert_true(sspr_device_name_valid("tablet"));
	assert_false(sspr_device_name_valid(""));
	assert_false(sspr_device_name_valid("123456789012345678901234567890123")); /* 33 */
	assert_false(sspr_device_name_valid("a\x1b[2J"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_record_round_trips),
		cmocka_unit_test(test_full_record_round_trips_deterministically),
		cmocka_unit_test(test_every_truncation_is_corrupt),
		cmocka_unit_test(test_every_byte_flip_is_safe),
		cmocka_unit_test(test_strictness),
		cmocka_unit_test(test_encode_refuses_out_of_range),
		cmocka_unit_test(test_methods_rules),
		cmocka_unit_test(test_event_round_trip_and_corruption),
		cmocka_unit_test(test_devices_round_trip_and_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
