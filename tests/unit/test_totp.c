/* SPDX-License-Identifier: BSD-2-Clause */
/* TOTP: RFC 6238 test vectors, window edges, replay rule, base32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "totp.h"

static const uint8_t rfc_secret[] = "12345678901234567890"; /* RFC 6238 appendix B, SHA-1 */
#define RFC_SECRET_LEN 20

static void test_rfc6238_sha1_vectors(void **state)
{
	static const struct {
		int64_t time;
		const char *code;
	} v[] = {
		{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	};
	char code[SSPR_TOTP_CODE_MAX + 1];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(sspr_totp_code(rfc_secret, RFC_SECRET_LEN, 8,
						sspr_totp_step(v[i].time, 30), code),
				 SSPR_OK);
		assert_string_equal(code, v[i].code);
		/* The six-digit code is the last six digits of the same value. */
		assert_int_equal(sspr_totp_code(rfc_secret, RFC_SECRET_LEN, 6,
						sspr_totp_step(v[i].time, 30), code),
				 SSPR_OK);
		assert_string_equal(code, v[i].code + 2);
	}
}

static void test_find_step_accepts_window_edges_only(void **state)
{
	const struct sspr_totp_params p = {.digits = 8, .period = 30, .window = 1};
	char code[SSPR_TOTP_CODE_MAX + 1];
	uint64_t now_step = sspr_totp_step(1111111111, 30), step = 0;

	for (int off = -3; off <= 3; off++) {
		sspr_totp_code(rfc_secret, RFC_SECRET_LEN, 8, now_step + (uint64_t)(int64_t)off,
			       code);
		int r = sspr_totp_find_step(rfc_secret, RFC_SECRET_LEN, &p, 1111111111, code,
					    &step);
		if (off >= -1 && off <= 1) {
			assert_int_equal(r, SSPR_OK);
			assert_int_equal(step, now_step + (uint64_t)(int64_t)off);
		} else {
			assert_int_equal(r, SSPR_EBADCODE);
		}
	}
}

static void test_window_zero_accepts_current_step_only(void **state)
{
	const struct sspr_totp_params p = {.digits = 6, .period = 30, .window = 0};
	char code[SSPR_TOTP_CODE_MAX + 1];
	uint64_t step;

	sspr_totp_code(rfc_secret, RFC_SECRET_LEN, 6, sspr_totp_step(1234567890, 30), code);
	assert_int_equal(sspr_totp_find_step(rfc_secret, RFC_SECRET_LEN, &p, 1234567890, code,
					     &step),
			 SSPR_OK);
	assert_int_equal(sspr_totp_find_step(rfc_secret, RFC_SECRET_LEN, &p, 1234567890 + 30,
					     code, &step),
			 SSPR_EBADCODE);
}

static void test_malformed_codes_never_match(void **state)
{
	const struct sspr_totp_params p = {.digits = 6, .period = 30, .window = 1};
	char code[SSPR_TOTP_CODE_MAX + 1], longer[32];
	uint64_t step;
	const char *bad[] = {"", "1", "00000", "abcdef", "0000000", "089005924"};

	sspr_totp_code(rfc_secret, RFC_SECRET_LEN, 6, sspr_totp_step(1234567890, 30), code);
	/* The right code followed by more digits is not the right code. */
	snprintf(longer, sizeof(longer), "%s9", code);
	assert_int_equal(sspr_totp_find_step(rfc_secret, RFC_SECRET_LEN, &p, 1234567890, longer,
					     &step),
			 SSPR_EBADCODE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sspr_totp_find_step(rfc_secret, RFC_SECRET_LEN, &p, 1234567890,
						     bad[i], &step),
				 SSPR_EBADCODE);
}

static void test_replay_at_or_before_last_step_is_refused(void **state)
{
	struct sspr_totp t = {.last_step = 100};

	assert_int_equal(sspr_totp_accept_step(&t, 99), SSPR_EREPLAY);
	assert_int_equal(sspr_totp_accept_step(&t, 100), SSPR_EREPLAY);
	assert_int_equal(t.last_step, 100);
	assert_int_equal(sspr_totp_accept_step(&t, 101), SSPR_OK);
	assert_int_equal(t.last_step, 101);
	assert_int_equal(sspr_totp_accept_step(&t, 101), SSPR_EREPLAY);
}

static void test_base32_round_trip_and_rfc4648(void **state)
{
	uint8_t out[64];
	size_t len = 0;
	char text[128];

	/* RFC 4648 section 10 vectors (without padding on encode). */
	assert_int_equal(sspr_base32_encode((const uint8_t *)"foobar", 6, text, sizeof(text)),
			 SSPR_OK);
	assert_string_equal(text, "MZXW6YTBOI");
	assert_int_equal(sspr_base32_decode("MZXW6YTBOI======", out, sizeof(out), &len), SSPR_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "foobar", 6);
	/* Case, spaces and dashes as people type them. */
	assert_int_equal(sspr_base32_decode("mzxw 6ytb-oi", out, sizeof(out), &len), SSPR_OK);
	assert_memory_equal(out, "foobar", 6);
	assert_int_equal(sspr_base32_encode(rfc_secret, RFC_SECRET_LEN, text, sizeof(text)),
			 SSPR_OK);
	assert_string_equal(text, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void test_base32_refuses_bad_input(void **state)
{
	uint8_t out[4];
	size_t len;
	char small[4];

	assert_int_equal(sspr_base32_decode("MZXW1", out, sizeof(out), &len), SSPR_EINVAL);
	assert_int_equal(sspr_base32_decode("MZ=XW", out, sizeof(out), &len), SSPR_EINVAL);
	assert_int_equal(sspr_base32_decode("MZXW6YTBOI", out, sizeof(out), &len), SSPR_EINVAL);
	assert_int_equal(sspr_base32_encode((const uint8_t *)"foobar", 6, small, sizeof(small)),
			 SSPR_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_sha1_vectors),
		cmocka_unit_test(test_find_step_accepts_window_edges_only),
		cmocka_unit_test(test_window_zero_accepts_current_step_only),
		cmocka_unit_test(test_malformed_codes_never_match),
		cmocka_unit_test(test_replay_at_or_before_last_step_is_refused),
		cmocka_unit_test(test_base32_round_trip_and_rfc4648),
		cmocka_unit_test(test_base32_refuses_bad_input),
	};

	if (sspr_totp_init() != SSPR_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
