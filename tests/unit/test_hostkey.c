/* Host key: generation never overwrites, load checks the pair, sealing
 * opens only with the right key. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_creates_pair_with_modes),
		cmocka_unit_test(test_generate_never_overwrites),
		cmocka_unit_test(test_seal_opens_only_with_its_key),
		cmocka_unit_test(test_mismatched_pair_is_refused),
		cmocka_unit_test(test_missing_or_exposed_key_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
