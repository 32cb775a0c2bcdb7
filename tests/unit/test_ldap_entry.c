/* SPDX-License-Identifier: BSD-2-Clause */
/* The directory backend without a server: record <-> attributes round
 * trips for every field, corrupt values refused, DN/filter escaping, and
 * the StartTLS decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "store_ldap_conn.h"
#include "store_ldap_entry.h"

/* A record with every field set, lists full. */
static void full_record(struct sspr_record *rec)
{
	sspr_record_init(rec);
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].sealed_len = SSPR_SEALED_MAX;
	for (int i = 0; i < SSPR_SEALED_MAX; i++)
		rec->totp[0].sealed[i] = (uint8_t)(i * 7); /* includes 0 and spaces */
	rec->totp[0].digits = 8;
	rec->totp[0].period = 60;
	rec->totp[0].last_step = 0; /* 0 is a value, not an absence */
	rec->totp[0].enrolled_at = 1700000001;
	rec->n_questions = SSPR_QUESTIONS_MAX;
	for (int i = 0; i < SSPR_QUESTIONS_MAX; i++) {
		snprintf(rec->questions[i].question, sizeof(rec->questions[i].question),
			 "Question %d with  two spaces?", i);
		snprintf(rec->questions[i].hash, sizeof(rec->questions[i].hash),
			 "$argon2id$v=19$m=65536,t=2,p=1$salt%d$hash", i);
	}
	rec->has_email = true;
	snprintf(rec->email.address, sizeof(rec->email.address), "a.b@example.org");
	rec->email.verified = true;
	rec->email.verified_at = 0;
	rec->n_recovery = SSPR_RECOVERY_MAX;
	for (int i = 0; i < SSPR_SALT_BYTES; i++)
		rec->recovery_salt[i] = (uint8_t)(0xf0 + i);
	for (int i = 0; i < SSPR_RECOVERY_MAX; i++) {
		memset(rec->recovery[i].hash, i, SSPR_RECOVERY_HASH_BYTES);
		rec->recovery[i].used = i % 3 == 0;
	}
	rec->has_pending = true;
	snprintf(rec->pending.hash, sizeof(rec->pending.hash), "pending hash with spaces");
	rec->pending.expires_at = -5;
	rec->pending.tries = 255;
	rec->has_phone = true;
	snprintf(rec->phone.address, sizeof(rec->phone.address), "+447700900123");
	rec->phone.verified = true;
	rec->phone.verified_at = 1700000002;
	rec->has_phone_pending = true;
	snprintf(rec->phone_pending.hash, sizeof(rec->phone_pending.hash), "texted hash");
	rec->phone_pending.expires_at = 1700000600;
	rec->phone_pending.tries = 2;
	rec->n_failures = SSPR_FAILURES_MAX;
	for (int i = 0; i < SSPR_FAILURES_MAX; i++)
		rec->failures[i] = INT64_MAX - 200 + i;
	rec->locked_until = INT64_MIN;
	rec->registered_at = 1;
	rec->confirmed_at = 2;
	rec->grace_started_at = 3;
	rec->updated_at = 4;
	rec->n_drawn = 3;
	rec->drawn[0] = 4;
	rec->drawn[1] = 0;
	rec->drawn[2] = 2;
	rec->draw_epoch = UINT64_C(1) << 40;
}

/* The attributes an add would write, as a server would return them. */
static size_t as_attrs(const struct sspr_ldap_mods *m, struct sspr_ldap_attr *attrs)
{
	size_t n = 0;

	for (size_t i = 0; m->list[i] != NULL; i++) {
		attrs[n].name = m->list[i]->mod_type;
		attrs[n].vals = m->list[i]->mod_bvalues;
		n++;
	}
	return n;
}

static void assert_same_record(const struct sspr_record *a, const struct sspr_record *b)
{
	static uint8_t ea[SSPR_RECORD_ENCODED_MAX], eb[SSPR_RECORD_ENCODED_MAX];
	size_t la = 0, lb = 0;

	assert_int_equal(sspr_record_encode(a, ea, sizeof(ea), &la), SSPR_OK);
	assert_int_equal(sspr_record_encode(b, eb, sizeof(eb), &lb), SSPR_OK);
	assert_int_equal(la, lb);
	assert_memory_equal(ea, eb, la);
}

static struct sspr_ldap_mods mods;
static struct sspr_record rec, back;

static void round_trip(const struct sspr_record *in)
{
	struct sspr_ldap_attr attrs[SSPR_LDAP_MOD_ATTRS];
	uint64_t revision = 0;
	size_t n;

	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", in, NULL, 0, 1), SSPR_OK);
	n = as_attrs(&mods, attrs);
	assert_int_equal(sspr_ldap_entry_decode(attrs, n, &back, &revision), SSPR_OK);
	assert_int_equal(revision, 1);
	assert_same_record(in, &back);
}

static void test_every_field_round_trips(void **state)
{
	full_record(&rec);
	round_trip(&rec);
	assert_int_equal(back.totp[0].last_step, 0);
	assert_true(back.email.verified);
	assert_string_equal(back.questions[4].question, "Question 4 with  two spaces?");
	sspr_record_init(&rec);
	rec.registered_at = 9;
	round_trip(&rec); /* and an almost empty one */
	assert_false(back.n_totp);
}

/* Named devices go to ssprTotpDevice, a lone "default" one to the
 * attributes of before; both read back as written. */
static void test_devices_round_trip(void **state)
{
	(void)state;
	full_record(&rec);
	snprintf(rec.totp[1].name, sizeof(rec.totp[1].name), "tablet");
	rec.totp[1].sealed_len = SSPR_SEAL_OVERHEAD + 20;
	memset(rec.totp[1].sealed, 0x5a, rec.totp[1].sealed_len);
	rec.totp[1].digits = 6;
	rec.totp[1].period = 30;
	rec.totp[1].last_step = 1234;
	rec.totp[1].enrolled_at = -1;
	rec.n_totp = 2;
	round_trip(&rec);
	assert_int_equal(back.n_totp, 2);
	assert_string_equal(back.totp[1].name, "tablet");
	assert_int_equal(back.totp[1].last_step, 1234);
	for (size_t i = 0; mods.list[i] != NULL; i++)
		assert_string_not_equal(mods.list[i]->mod_type, "ssprTotpSecret");
	rec.n_totp = 1;
	round_trip(&rec);
	assert_string_equal(back.totp[0].name, "default");
	for (size_t i = 0; mods.list[i] != NULL; i++)
		assert_string_not_equal(mods.list[i]->mod_type, "ssprTotpDevice");
}

static void test_absent_fields_have_no_attribute_on_add(void **state)
{
	sspr_record_init(&rec);
	rec.locked_until = 77;
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, NULL, 0, 1), SSPR_OK);
	/* objectClass, ssprUser, ssprRevision, ssprLockedUntil */
	assert_null(mods.list[4]);
	assert_string_equal(mods.list[3]->mod_type, "ssprLockedUntil");
	assert_string_equal(mods.list[3]->mod_bvalues[0]->bv_val, "77");
}

static void test_modify_moves_the_revision_and_replaces_all(void **state)
{
	struct berval old = {1, "5"};
	size_t n = 0;

	sspr_record_init(&rec);
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, &old, SSPR_LDAP_HAD_DRAW, 6), SSPR_OK);
	assert_int_equal(mods.list[0]->mod_op & ~LDAP_MOD_BVALUES, LDAP_MOD_DELETE);
	assert_memory_equal(mods.list[0]->mod_bvalues[0]->bv_val, "5", 1);
	assert_int_equal(mods.list[1]->mod_op & ~LDAP_MOD_BVALUES, LDAP_MOD_ADD);
	assert_memory_equal(mods.list[1]->mod_bvalues[0]->bv_val, "6", 1);
	for (size_t i = 2; mods.list[i] != NULL; i++, n++) {
		assert_int_equal(mods.list[i]->mod_op & ~LDAP_MOD_BVALUES, LDAP_MOD_REPLACE);
		assert_null(mods.list[i]->mod_bvalues[0]); /* empty record: remove */
	}
	assert_int_equal(n, 18); /* every mapped attribute, 3..20 */
	/* An entry that never had a draw is not told to drop one: a schema
	 * older than ssprQuestionDraw still takes the write. */
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, &old, 0, 6), SSPR_OK);
	for (size_t i = 0; mods.list[i] != NULL; i++)
		assert_string_not_equal(mods.list[i]->mod_type, "ssprQuestionDraw");
}

/* Decodes attrs built from the full record with one value replaced. */
static int decode_with(const char *name, const char *value)
{
	struct sspr_ldap_attr attrs[SSPR_LDAP_MOD_ATTRS + 1];
	struct berval bv = {strlen(value), (char *)value}, *vals[] = {&bv, NULL};
	uint64_t revision;
	size_t n;
	bool replaced = false;

	full_record(&rec);
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, NULL, 0, 1), SSPR_OK);
	n = as_attrs(&mods, attrs);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(attrs[i].name, name) == 0) {
			attrs[i].vals = vals;
			replaced = true;
		}
	}
	if (!replaced) {
		attrs[n].name = name;
		attrs[n++].vals = vals;
	}
	return sspr_ldap_entry_decode(attrs, n, &back, &revision);
}

static void test_corrupt_values_are_refused(void **state)
{
	static const struct {
		const char *name, *value;
	} bad[] = {
		{"ssprTotpDigits", "9"},
		{"ssprTotpDigits", "06"},
		{"ssprTotpPeriod", "0"},
		{"ssprTotpLastStep", "-1"},
		{"ssprTotpLastStep", "1x"},
		{"ssprUpdatedAt", "99999999999999999999"},
		{"ssprUpdatedAt", "-0"},
		{"ssprUpdatedAt", ""},
		{"ssprUpdatedAt", "+4"},
		{"ssprTotpSecret", "short"},
		{"ssprRecoverySalt", "15 bytes only.."},
		{"ssprQuestion", "5 hash text"},
		{"ssprQuestion", "0 hash"},
		{"ssprQuestion", "x hash text"},
		{"ssprRecoveryCode", "0 2 0000000000000000000000000000000000000000000000000000000000000000"},
		{"ssprRecoveryCode", "0 1 000000000000000000000000000000000000000000000000000000000000000A"},
		{"ssprRecoveryCode", "0 1 00"},
		{"ssprPendingCode", "10 256 hash"},
		{"ssprPendingCode", "10 1"},
		{"ssprFailureTimes", "5 4"},
		{"ssprFailureTimes", "5 "},
		{"ssprFailureTimes", "5  6"},
		{"ssprQuestionDraw", "7"},
		{"ssprQuestionDraw", "7 1 1"},
		{"ssprQuestionDraw", "7 5"},
		{"ssprQuestionDraw", "x 1"},
		{"ssprQuestionDraw", "7 1 "},
		{"ssprQuestionDraw", "7 0 1 2 3 4 0"},
		{"ssprRevision", "0"},
		{"ssprRevision", "abc"},
		{"ssprMail", ""},
		{"ssprFutureField", "1"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = decode_with(bad[i].name, bad[i].value);

		if (r != SSPR_ECORRUPT)
			fail_msg("%s: '%s' was accepted", bad[i].name, bad[i].value);
		assert_false(back.n_totp); /* wiped */
	}
	/* Not ours, so not a reason to refuse. */
	assert_int_equal(decode_with("objectClass", "ssprAccount"), SSPR_OK);
	assert_int_equal(decode_with("entryUUID", "x"), SSPR_OK);
}

static void test_fields_that_need_each_other(void **state)
{
	struct sspr_ldap_attr attrs[SSPR_LDAP_MOD_ATTRS];
	uint64_t revision;
	size_t n, k = 0;

	full_record(&rec);
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, NULL, 0, 1), SSPR_OK);
	n = as_attrs(&mods, attrs);
	/* Drop the TOTP period: three TOTP fields of four is corrupt. */
	for (size_t i = 0; i < n; i++)
		if (strcmp(attrs[i].name, "ssprTotpPeriod") != 0)
			attrs[k++] = attrs[i];
	assert_int_equal(sspr_ldap_entry_decode(attrs, k, &back, &revision), SSPR_ECORRUPT);
	/* Two values of one index. */
	{
		struct berval a = {6, "0 h q1"}, b = {6, "0 h q2"}, c = {6, "1 h q3"};
		struct berval *vals[] = {&a, &b, &c, NULL};

		for (size_t i = 0; i < n; i++)
			if (strcmp(attrs[i].name, "ssprQuestion") == 0)
				attrs[i].vals = vals;
		assert_int_equal(sspr_ldap_entry_decode(attrs, n, &back, &revision),
				 SSPR_ECORRUPT);
	}
}

static void test_mapping_refuses_what_the_codec_refuses(void **state)
{
	full_record(&rec);
	rec.totp[0].digits = 9;
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, NULL, 0, 1), SSPR_EINVAL);
	full_record(&rec);
	snprintf(rec.questions[0].hash, sizeof(rec.questions[0].hash), "has space");
	assert_int_equal(sspr_ldap_mods_build(&mods, "alice", &rec, NULL, 0, 1), SSPR_EINVAL);
}

static void test_escaping(void **state)
{
	char out[64];

	assert_int_equal(sspr_ldap_escape("alice.b_c-9", out, sizeof(out)), SSPR_OK);
	assert_string_equal(out, "alice.b_c-9");
	assert_int_equal(sspr_ldap_escape("a@b$c", out, sizeof(out)), SSPR_OK);
	assert_string_equal(out, "a\\40b\\24c");
	assert_int_equal(sspr_ldap_escape("*)(,=+\\ #\xff", out, sizeof(out)), SSPR_OK);
	assert_string_equal(out, "\\2a\\29\\28\\2c\\3d\\2b\\5c\\20\\23\\ff");
	assert_int_equal(sspr_ldap_escape("abcd", out, 5), SSPR_OK);
	assert_int_equal(sspr_ldap_escape("abcde", out, 5), SSPR_EINVAL);
	assert_int_equal(sspr_ldap_escape("ab@", out, 5), SSPR_EINVAL);
	assert_string_equal(out, "");
}

static void test_starttls_decision(void **state)
{
	/* Every TCP connection is TLS, loopback included: no plain text. */
	static const struct {
		const char *uri;
		int mode;
	} cases[] = {
		{"ldap://127.0.0.1:389", SSPR_LDAP_TLS_STARTTLS},
		{"ldap://127.1.2.3", SSPR_LDAP_TLS_STARTTLS},
		{"ldap://localhost", SSPR_LDAP_TLS_STARTTLS},
		{"ldap://LOCALHOST:10389", SSPR_LDAP_TLS_STARTTLS},
		{"ldap://[::1]:389", SSPR_LDAP_TLS_STARTTLS},
		{"ldap://ldap.example.org", SSPR_LDAP_TLS_STARTTLS},
		{"ldap://", SSPR_LDAP_TLS_STARTTLS}, /* ldap.conf's host: unknown */
		{"LDAP://10.0.0.1", SSPR_LDAP_TLS_STARTTLS},
		{"ldaps://ldap.example.org", SSPR_LDAP_TLS_LDAPS},
		{"ldaps://127.0.0.1", SSPR_LDAP_TLS_LDAPS},
		{"ldapi://%2Frun%2Fslapd%2Fldapi", SSPR_LDAP_TLS_NONE},
	};
	enum sspr_ldap_tls mode;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sspr_ldap_tls_mode(cases[i].uri, &mode), SSPR_OK);
		if ((int)mode != cases[i].mode)
			fail_msg("%s: mode %d, expected %d", cases[i].uri, mode, cases[i].mode);
	}
	assert_int_equal(sspr_ldap_tls_mode("http://example.org", &mode), SSPR_EINVAL);
	assert_int_equal(sspr_ldap_tls_mode("cldap://127.0.0.1", &mode), SSPR_EINVAL);
	assert_int_equal(sspr_ldap_tls_mode("not a uri", &mode), SSPR_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_round_trips),
		cmocka_unit_test(test_absent_fields_have_no_attribute_on_add),
		cmocka_unit_test(test_modify_moves_the_revision_and_replaces_all),
		cmocka_unit_test(test_corrupt_values_are_refused),
		cmocka_unit_test(test_fields_that_need_each_other),
		cmocka_unit_test(test_mapping_refuses_what_the_codec_refuses),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_devices_round_trip),
		cmocka_unit_test(test_starttls_decision),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
