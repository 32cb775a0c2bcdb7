/* SPDX-License-Identifier: BSD-2-Clause */
/* Host key: generation never overwrites, load checks the pair, sealing
 * opens only with the right key; the key ring opens with current, next and
 * previous keys, and its files are held to host.key's standards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostkey.h"
#include "record.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sspr-keytest-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *buf, size_t size, const char *sub, const char *name)
{
	snprintf(buf, size, "%s/%s/%s", dir, sub, name);
}

static void test_generate_creates_pair_with_modes(void **state)
{
	char keys[128], p[160];
	struct stat st;
	struct sspr_hostkey key;
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/a", dir);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	path_of(p, sizeof(p), "a", "host.key");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, SSPR_HOSTKEY_SECRET_BYTES);
	path_of(p, sizeof(p), "a", "host.pub");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(sspr_hostkey_load(keys, &key, &err), SSPR_OK);
	sspr_hostkey_wipe(&key);
}

static void test_generate_never_overwrites(void **state)
{
	char keys[128];
	struct sspr_hostkey before, after;
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/b", dir);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_load(keys, &before, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_EEXIST);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(sspr_hostkey_load(keys, &after, &err), SSPR_OK);
	assert_memory_equal(before.sk, after.sk, sizeof(before.sk));
}

static void test_seal_opens_only_with_its_key(void **state)
{
	char k1[128], k2[128];
	struct sspr_hostkey a, b;
	struct sspr_error err;
	const uint8_t msg[] = "totp secret bytes";
	uint8_t sealed[SSPR_SEALED_MAX], opened[SSPR_TOTP_SECRET_MAX];
	size_t slen, olen;

	snprintf(k1, sizeof(k1), "%s/c1", dir);
	snprintf(k2, sizeof(k2), "%s/c2", dir);
	assert_int_equal(sspr_hostkey_generate(k1, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate(k2, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_load(k1, &a, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_load(k2, &b, &err), SSPR_OK);
	assert_int_equal(sspr_seal(a.pk, msg, sizeof(msg), sealed, sizeof(sealed), &slen), SSPR_OK);
	assert_int_equal(slen, sizeof(msg) + SSPR_SEAL_OVERHEAD);
	assert_int_equal(sspr_unseal(&b, sealed, slen, opened, sizeof(opened), &olen), SSPR_EKEY);
	assert_int_equal(sspr_unseal(&a, sealed, slen, opened, sizeof(opened), &olen), SSPR_OK);
	assert_int_equal(olen, sizeof(msg));
	assert_memory_equal(opened, msg, sizeof(msg));
	sealed[10] ^= 1;
	assert_int_equal(sspr_unseal(&a, sealed, slen, opened, sizeof(opened), &olen), SSPR_EKEY);
}

static void test_mismatched_pair_is_refused(void **state)
{
	char k1[128], k2[128], from[160], to[160], cmd[400];
	struct sspr_hostkey key;
	struct sspr_error err;

	snprintf(k1, sizeof(k1), "%s/d1", dir);
	snprintf(k2, sizeof(k2), "%s/d2", dir);
	assert_int_equal(sspr_hostkey_generate(k1, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate(k2, &err), SSPR_OK);
	path_of(from, sizeof(from), "d2", "host.pub");
	path_of(to, sizeof(to), "d1", "host.pub");
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sspr_hostkey_load(k1, &key, &err), SSPR_EKEY);
	assert_non_null(strstr(err.msg, "do not belong together"));
}

static void test_missing_or_exposed_key_is_refused(void **state)
{
	char keys[128], p[160];
	struct sspr_hostkey key;
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/e", dir);
	assert_int_equal(sspr_hostkey_load(keys, &key, &err), SSPR_EKEY);
	assert_non_null(strstr(err.msg, "sspr-admin init"));
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	path_of(p, sizeof(p), "e", "host.key");
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_not_equal(sspr_hostkey_load(keys, &key, &err), SSPR_OK);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(truncate(p, 16), 0);
	assert_int_equal(sspr_hostkey_load(keys, &key, &err), SSPR_EKEY);
}

/* Seals msg to the public key of role's file in keys. */
static void seal_to_role(const char *keys, enum sspr_key_role role, const uint8_t *msg, size_t len,
			 uint8_t *sealed, size_t *slen)
{
	struct sspr_keyring ring;
	struct sspr_error err;

	assert_int_equal(sspr_keyring_load(keys, 0, &ring, &err), SSPR_OK);
	assert_true(ring.have[role]);
	assert_int_equal(sspr_seal(ring.key[role].pk, msg, len, sealed, SSPR_SEALED_MAX, slen),
			 SSPR_OK);
	sspr_keyring_wipe(&ring);
}

static void test_ring_opens_with_next_and_previous(void **state)
{
	char keys[128], other[128];
	struct sspr_keyring ring, strange;
	struct sspr_error err;
	const uint8_t msg[] = "0123456789abcdefghij";
	uint8_t sealed_next[SSPR_SEALED_MAX], sealed_prev[SSPR_SEALED_MAX];
	uint8_t sealed_cur[SSPR_SEALED_MAX], sealed_other[SSPR_SEALED_MAX];
	uint8_t opened[SSPR_TOTP_SECRET_MAX];
	size_t l1, l2, l3, l4, olen;
	enum sspr_key_role role;

	snprintf(keys, sizeof(keys), "%s/r", dir);
	snprintf(other, sizeof(other), "%s/r-other", dir);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate(other, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate_role(keys, SSPR_KEY_NEXT, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate_role(keys, SSPR_KEY_PREVIOUS, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate_role(keys, SSPR_KEY_NEXT, &err), SSPR_EEXIST);

	seal_to_role(keys, SSPR_KEY_CURRENT, msg, sizeof(msg), sealed_cur, &l1);
	seal_to_role(keys, SSPR_KEY_NEXT, msg, sizeof(msg), sealed_next, &l2);
	seal_to_role(keys, SSPR_KEY_PREVIOUS, msg, sizeof(msg), sealed_prev, &l3);
	seal_to_role(other, SSPR_KEY_CURRENT, msg, sizeof(msg), sealed_other, &l4);

	assert_int_equal(sspr_keyring_load(keys, 0, &ring, &err), SSPR_OK);
	assert_int_equal(sspr_unseal_ring(&ring, sealed_cur, l1, opened, sizeof(opened), &olen,
					  &role),
			 SSPR_OK);
	assert_int_equal(role, SSPR_KEY_CURRENT);
	assert_memory_equal(opened, msg, sizeof(msg));
	assert_int_equal(sspr_unseal_ring(&ring, sealed_next, l2, opened, sizeof(opened), &olen,
					  &role),
			 SSPR_OK);
	assert_int_equal(role, SSPR_KEY_NEXT);
	assert_int_equal(sspr_unseal_ring(&ring, sealed_prev, l3, opened, sizeof(opened), &olen,
					  &role),
			 SSPR_OK);
	assert_int_equal(role, SSPR_KEY_PREVIOUS);
	assert_memory_equal(opened, msg, sizeof(msg));
	assert_int_equal(sspr_unseal_ring(&ring, sealed_other, l4, opened, sizeof(opened), &olen,
					  NULL),
			 SSPR_EKEY);

	/* Without previous.key, what was sealed to it no longer opens. */
	assert_int_equal(sspr_hostkey_remove(keys, SSPR_KEY_PREVIOUS, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_remove(keys, SSPR_KEY_PREVIOUS, &err), SSPR_OK);
	assert_int_equal(sspr_keyring_load(keys, 0, &strange, &err), SSPR_OK);
	assert_false(strange.have[SSPR_KEY_PREVIOUS]);
	assert_int_equal(sspr_unseal_ring(&strange, sealed_prev, l3, opened, sizeof(opened), &olen,
					  NULL),
			 SSPR_EKEY);
	assert_int_equal(sspr_hostkey_remove(keys, SSPR_KEY_CURRENT, &err), SSPR_EINVAL);
	sspr_keyring_wipe(&strange);
	sspr_keyring_wipe(&ring);
}

static void test_ring_extra_key_is_checked_like_host_key(void **state)
{
	char keys[128], p[160];
	struct sspr_keyring ring;
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/x", dir);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate_role(keys, SSPR_KEY_NEXT, &err), SSPR_OK);
	path_of(p, sizeof(p), "x", "next.key");
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_not_equal(sspr_keyring_load(keys, 0, &ring, &err), SSPR_OK);
	assert_non_null(strstr(err.msg, "next.key"));
	assert_false(ring.have[SSPR_KEY_CURRENT]); /* wiped on failure */
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(truncate(p, 31), 0);
	assert_int_equal(sspr_keyring_load(keys, 0, &ring, &err), SSPR_EKEY);
	assert_non_null(strstr(err.msg, "not a host key"));
}

static void test_ring_current_optional_only_when_absent(void **state)
{
	char keys[128], p[160];
	struct sspr_keyring ring;
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/o", dir);
	assert_int_equal(mkdir(keys, 0755), 0);
	assert_int_equal(sspr_keyring_load(keys, 0, &ring, &err), SSPR_EKEY);
	assert_int_equal(sspr_keyring_load(keys, SSPR_KEYRING_CURRENT_OPTIONAL, &ring, &err),
			 SSPR_OK);
	assert_false(ring.have[SSPR_KEY_CURRENT]);
	/* A host.key that is there but broken is an error even so. */
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	path_of(p, sizeof(p), "o", "host.key");
	assert_int_equal(truncate(p, 5), 0);
	assert_int_equal(sspr_keyring_load(keys, SSPR_KEYRING_CURRENT_OPTIONAL, &ring, &err),
			 SSPR_EKEY);
}

static void test_write_current_and_key_id(void **state)
{
	char a[128], b[128];
	struct sspr_hostkey ka, kb, derived;
	struct sspr_error err;
	char id1[SSPR_KEY_ID_TEXT], id2[SSPR_KEY_ID_TEXT], id3[SSPR_KEY_ID_TEXT];

	snprintf(a, sizeof(a), "%s/w1", dir);
	snprintf(b, sizeof(b), "%s/w2", dir);
	assert_int_equal(sspr_hostkey_generate(a, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_generate(b, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_load(a, &ka, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_from_secret(ka.sk, &derived), SSPR_OK);
	assert_memory_equal(derived.pk, ka.pk, sizeof(ka.pk));
	/* Writing a's key into b makes b's pair a's, both halves. */
	assert_int_equal(sspr_hostkey_write(b, SSPR_KEY_CURRENT, &ka, &err), SSPR_OK);
	assert_int_equal(sspr_hostkey_load(b, &kb, &err), SSPR_OK);
	assert_memory_equal(kb.sk, ka.sk, sizeof(ka.sk));
	sspr_key_id(ka.pk, id1);
	sspr_key_id(kb.pk, id2);
	assert_int_equal(strlen(id1), 16);
	assert_string_equal(id1, id2);
	assert_true(strspn(id1, "0123456789abcdef") == 16);
	kb.pk[0] ^= 1;
	sspr_key_id(kb.pk, id3);
	assert_string_not_equal(id1, id3);
	sspr_hostkey_wipe(&ka);
	sspr_hostkey_wipe(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_creates_pair_with_modes),
		cmocka_unit_test(test_generate_never_overwrites),
		cmocka_unit_test(test_seal_opens_only_with_its_key),
		cmocka_unit_test(test_mismatched_pair_is_refused),
		cmocka_unit_test(test_missing_or_exposed_key_is_refused),
		cmocka_unit_test(test_ring_opens_with_next_and_previous),
		cmocka_unit_test(test_ring_extra_key_is_checked_like_host_key),
		cmocka_unit_test(test_ring_current_optional_only_when_absent),
		cmocka_unit_test(test_write_current_and_key_id),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
