/* SPDX-License-Identifier: BSD-2-Clause */
/* E-mailed codes and recovery codes. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codes.h"

static void test_numeric_codes(void **state)
{
	char code[SSPR_CODE_SIZE], other[SSPR_CODE_SIZE];
	int same = 0;

	assert_int_equal(sspr_code_generate(5, code), SSPR_EINVAL);
	assert_int_equal(sspr_code_generate(11, code), SSPR_EINVAL);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(sspr_code_generate(8, code), SSPR_OK);
		assert_int_equal(strlen(code), 8);
		assert_int_equal(strspn(code, "0123456789"), 8);
		assert_int_equal(sspr_code_generate(8, other), SSPR_OK);
		same += strcmp(code, other) == 0;
	}
	assert_true(same < 2);
}

static void test_code_hash_verify(void **state)
{
	char hash[SSPR_HASH_STR_MAX], hash2[SSPR_HASH_STR_MAX];

	assert_int_equal(sspr_code_hash("12345678", hash), SSPR_OK);
	assert_true(sspr_code_verify(hash, "12345678"));
	assert_true(sspr_code_verify(hash, " 12345678 "));
	assert_false(sspr_code_verify(hash, "12345679"));
	assert_false(sspr_code_verify(hash, "1234567"));
	assert_false(sspr_code_verify(hash, ""));
	/* Salted: the same code never gives the same stored string. */
	assert_int_equal(sspr_code_hash("12345678", hash2), SSPR_OK);
	assert_string_not_equal(hash, hash2);
	hash[3] ^= 1;
	assert_false(sspr_code_verify(hash, "12345678"));
	assert_false(sspr_code_verify("short$", "12345678"));
}

static void test_recovery_issue_and_use(void **state)
{
	struct sspr_record rec;
	char codes[10][SSPR_RECOVERY_CODE_SIZE], typed[SSPR_RECOVERY_CODE_SIZE];

	sspr_record_init(&rec);
	assert_int_equal(sspr_recovery_issue(&rec, 0, codes), SSPR_EINVAL);
	assert_int_equal(sspr_recovery_issue(&rec, 10, codes), SSPR_OK);
	assert_int_equal(rec.n_recovery, 10);
	assert_int_equal(sspr_recovery_left(&rec), 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(strlen(codes[i]), 19);
		assert_int_equal(codes[i][4], '-');
		assert_int_equal(sspr_recovery_find(&rec, codes[i]), i);
	}
	/* Case, dashes and look-alike letters do not matter. */
	strcpy(typed, codes[3]);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	memmove(typed + 4, typed + 5, strlen(typed + 5) + 1);
	assert_int_equal(sspr_recovery_find(&rec, typed), 3);
	rec.recovery[3].used = true;
	assert_int_equal(sspr_recovery_find(&rec, codes[3]), -1);
	assert_int_equal(sspr_recovery_left(&rec), 9);
	assert_int_equal(sspr_recovery_find(&rec, "0000-0000-0000-0000"), -1);
	assert_int_equal(sspr_recovery_find(&rec, "!!"), -1);
	/* A new set replaces the old one entirely. */
	strcpy(typed, codes[0]);
	assert_int_equal(sspr_recovery_issue(&rec, 5, codes), SSPR_OK);
	assert_int_equal(sspr_recovery_find(&rec, typed), -1);
	assert_int_equal(sspr_recovery_left(&rec), 5);
}

static void test_recovery_import(void **state)
{
	struct sspr_record rec;
	const char *scratch[] = {"12345678", "87654321"};
	const char *bad[] = {"12345678", "12"};

	sspr_record_init(&rec);
	assert_int_equal(sspr_recovery_set(&rec, scratch, 2), SSPR_OK);
	assert_int_equal(sspr_recovery_find(&rec, "87654321"), 1);
	assert_int_equal(sspr_recovery_find(&rec, "87654320"), -1);
	assert_int_equal(sspr_recovery_set(&rec, bad, 2), SSPR_EINVAL);
	assert_int_equal(rec.n_recovery, 0);
}

static void test_pass_issue_and_match(void **state)
{
	struct sspr_record rec;
	char pass[SSPR_RECOVERY_CODE_SIZE], other[SSPR_RECOVERY_CODE_SIZE], typed[64];
	uint8_t first_salt[SSPR_SALT_BYTES];

	sspr_record_init(&rec);
	assert_false(sspr_pass_matches(&rec, "0000-0000-0000-0000"));
	assert_int_equal(sspr_pass_issue(&rec, 1000, SSPR_PASS_TTL_MIN - 1, 1, pass), SSPR_EINVAL);
	assert_int_equal(sspr_pass_issue(&rec, 1000, SSPR_PASS_TTL_MAX + 1, 1, pass), SSPR_EINVAL);
	assert_int_equal(sspr_pass_issue(&rec, 1000, 3600, 0, pass), SSPR_EINVAL);
	assert_int_equal(sspr_pass_issue(&rec, 1000, 3600, SSPR_PASS_USES_MAX + 1, pass),
			 SSPR_EINVAL);
	assert_false(rec.has_pass);
	assert_int_equal(sspr_pass_issue(&rec, 1000, 3600, 2, pass), SSPR_OK);
	assert_true(rec.has_pass);
	assert_int_equal(rec.pass.issued_at, 1000);
	assert_int_equal(rec.pass.expires_at, 4600);
	assert_int_equal(rec.pass.uses_left, 2);
	/* The recovery codes' shape: four groups of four. */
	assert_int_equal(strlen(pass), 19);
	assert_true(pass[4] == '-' && pass[9] == '-' && pass[14] == '-');
	assert_true(sspr_pass_matches(&rec, pass));
	/* Read as recovery codes are: case, dashes and spaces do not matter. */
	snprintf(typed, sizeof(typed), " %.4s %.4s%.4s-%.4s ", pass, pass + 5, pass + 10,
		 pass + 15);
	for (char *p = typed; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	assert_true(sspr_pass_matches(&rec, typed));
	/* A prefix, a longer string, another pass: no. */
	assert_false(sspr_pass_matches(&rec, "0000"));
	snprintf(typed, sizeof(typed), "%sX", pass);
	assert_false(sspr_pass_matches(&rec, typed));
	memcpy(first_salt, rec.pass.salt, sizeof(first_salt));
	assert_int_equal(sspr_pass_issue(&rec, 2000, 60, 1, other), SSPR_OK);
	assert_false(sspr_pass_matches(&rec, pass));
	assert_true(sspr_pass_matches(&rec, other));
	assert_memory_not_equal(first_salt, rec.pass.salt, sizeof(first_salt));
	/* The recovery codes keep their own salt. */
	assert_int_equal(rec.n_recovery, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric_codes),
		cmocka_unit_test(test_code_hash_verify),
		cmocka_unit_test(test_recovery_issue_and_use),
		cmocka_unit_test(test_recovery_import),
		cmocka_unit_test(test_pass_issue_and_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
