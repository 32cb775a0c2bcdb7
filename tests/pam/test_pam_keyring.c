/* SPDX-License-Identifier: BSD-2-Clause */
/* Module tests of the key ring during a fleet key rotation: a TOTP secret
 * sealed to next.key (installed before the switch) or to previous.key (the
 * key before it, kept until nothing is sealed to it) still opens, so the
 * user still resets; and a secret whose key is not in key_dir does not.
 * Same fixture as test_pam_sspr.c, so it runs on both store backends. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "hostkey.h"
#include "record.h"
#include "store.h"
#include "totp.h"
#include "util.h"

#include "fixture.h"

static void key_path(enum sspr_key_role role, const char *suffix, char *path, size_t cap)
{
	snprintf(path, cap, "%s/keys/%s%s", dir, sspr_key_role_file(role), suffix);
}

/* Moves role's key file out of the ring (aside = true) or back. */
static void set_aside(enum sspr_key_role role, bool aside)
{
	char in_ring[512], out_of_ring[512];

	key_path(role, "", in_ring, sizeof(in_ring));
	key_path(role, ".aside", out_of_ring, sizeof(out_of_ring));
	if (aside)
		assert_int_equal(rename(in_ring, out_of_ring), 0);
	else
		assert_int_equal(rename(out_of_ring, in_ring), 0);
}

struct reseal_ctx {
	const uint8_t *pk;
};

static int reseal_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct reseal_ctx *r = ctx;
	size_t len = 0;

	if (!exists || !rec->n_totp)
		return SSPR_ENOENT;
	assert_int_equal(sspr_seal(r->pk, secret, sizeof(secret), rec->totp[0].sealed,
				   sizeof(rec->totp[0].sealed), &len),
			 SSPR_OK);
	rec->totp[0].sealed_len = (uint16_t)len;
	return SSPR_OK;
}

/* Puts role's key into the ring (a new one) and seals the user's secret
 * to it instead of host.pub, as a host that already switched would. */
static void seal_to_new_key(enum sspr_key_role role)
{
	char keys[512];
	struct sspr_keyring ring;
	struct sspr_error err = {{0}};
	struct reseal_ctx r;
	struct sspr_store *st;

	snprintf(keys, sizeof(keys), "%s/keys", dir);
	if (sspr_hostkey_generate_role(keys, role, &err) != SSPR_OK)
		fail_msg("cannot make %s: %s", sspr_key_role_file(role), err.msg);
	if (sspr_keyring_load(keys, 0, &ring, &err) != SSPR_OK)
		fail_msg("cannot load the key ring: %s", err.msg);
	assert_true(ring.have[role]);
	/* Otherwise the test would prove nothing about the ring. */
	assert_memory_not_equal(ring.key[role].pk, ring.key[SSPR_KEY_CURRENT].pk,
				SSPR_HOSTKEY_PUBLIC_BYTES);
	r.pk = ring.key[role].pk;
	st = open_store();
	assert_int_equal(sspr_store_update(st, user, 0, reseal_fn, &r, &err), SSPR_OK);
	sspr_store_close(st);
	sspr_keyring_wipe(&ring);
}

/* A reset with the current code: PAM_SUCCESS and the new password, or
 * (want_success = false) refused as unavailable with the password kept. */
static void reset_by_code(const char *new_password, bool want_success)
{
	struct script sc;
	char code[SSPR_TOTP_CODE_MAX + 1];
	struct sspr_record rec;

	current_code(code);
	if (want_success) {
		script_init(&sc, 4, "", code, new_password, new_password);
		assert_int_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
		assert_true(script_said(&sc, "Your password has been changed."));
		assert_true(password_is(user, new_password));
		assert_string_equal(last_event().ev.result, "success");
		assert_string_equal(last_event().ev.method, "totp");
		/* The step was recorded on the record the module read. */
		assert_true(have_record(user, &rec));
		assert_true(rec.totp[0].last_step + 1 >= sspr_totp_step(sspr_now(), 30));
		sspr_record_wipe(&rec);
		return;
	}
	/* The secret cannot be opened: the module says so before asking for
	 * a code; the password module then asks again and gets nothing. */
	script_init(&sc, 1, "");
	assert_int_not_equal(run("sspr-test", user, PAMTEST_AUTHENTICATE, &sc), PAM_SUCCESS);
	assert_true(script_said(&sc, "Password reset is unavailable."));
	assert_true(script_said(&sc, HELPDESK));
	assert_true(password_is(user, "OldPass-1"));
	assert_string_equal(last_event().ev.result, "unavailable");
}

static void check_role_opens(enum sspr_key_role role)
{
	seal_to_new_key(role);
	/* Without that key in key_dir the secret does not open... */
	set_aside(role, true);
	reset_by_code(NULL, false);
	/* ...with it, the reset goes through. */
	set_aside(role, false);
	reset_by_code("NewPass-5", true);
}

static void test_secret_sealed_to_next_key_resets(void **state)
{
	check_role_opens(SSPR_KEY_NEXT);
}

static void test_secret_sealed_to_previous_key_resets(void **state)
{
	check_role_opens(SSPR_KEY_PREVIOUS);
}

/* Both extra keys in the ring at once, the secret sealed to the previous
 * one: every key is tried, not only the first that is present. */
static void test_previous_key_opens_with_next_present(void **state)
{
	char keys[512];
	struct sspr_error err = {{0}};

	snprintf(keys, sizeof(keys), "%s/keys", dir);
	assert_int_equal(sspr_hostkey_generate_role(keys, SSPR_KEY_NEXT, &err), SSPR_OK);
	seal_to_new_key(SSPR_KEY_PREVIOUS);
	reset_by_code("NewPass-6", true);
}

/* Each test leaves key_dir with host.key and host.pub only. */
static int remove_extra_keys(void **state)
{
	char keys[512], aside[512];
	struct sspr_error err = {{0}};

	snprintf(keys, sizeof(keys), "%s/keys", dir);
	for (int role = SSPR_KEY_NEXT; role <= SSPR_KEY_PREVIOUS; role++) {
		key_path((enum sspr_key_role)role, ".aside", aside, sizeof(aside));
		(void)remove(aside);
		if (sspr_hostkey_remove(keys, (enum sspr_key_role)role, &err) != SSPR_OK)
			fail_msg("cannot remove %s: %s", sspr_key_role_file((enum sspr_key_role)role),
				 err.msg);
	}
	return 0;
}

static int setup_each(void **state)
{
	remove_extra_keys(state);
	return setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secret_sealed_to_next_key_resets, setup_each,
						remove_extra_keys),
		cmocka_unit_test_setup_teardown(test_secret_sealed_to_previous_key_resets,
						setup_each, remove_extra_keys),
		cmocka_unit_test_setup_teardown(test_previous_key_opens_with_next_present,
						setup_each, remove_extra_keys),
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
