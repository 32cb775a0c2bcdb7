/* SPDX-License-Identifier: BSD-2-Clause */
/* The fleet key bundle (format in key.h): written by "key export", read by
 * "key install". It holds secret keys, so it is built and parsed only in
 * memory the caller wipes, and every line is checked before anything is
 * installed. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "key.h"

#define B64_LEN sodium_base64_ENCODED_LEN(SSPR_HOSTKEY_SECRET_BYTES, sodium_base64_VARIANT_ORIGINAL)

int admin_bundle_format(const struct sspr_keyring *ring, char *buf, size_t cap, size_t *len)
{
	char id[SSPR_KEY_ID_TEXT];
	char b64[B64_LEN];
	size_t used;
	int n, r = SSPR_ENOMEM;

	n = snprintf(buf, cap, "%s\n", ADMIN_BUNDLE_HEADER);
	if (n < 0 || (size_t)n >= cap)
		goto out;
	used = (size_t)n;
	for (int role = 0; role < SSPR_KEY_ROLES; role++) {
		if (!ring->have[role])
			continue;
		sspr_key_id(ring->key[role].pk, id);
		sodium_bin2base64(b64, sizeof(b64), ring->key[role].sk, SSPR_HOSTKEY_SECRET_BYTES,
				  sodium_base64_VARIANT_ORIGINAL);
		n = snprintf(buf + used, cap - used, "%s %s %s\n",
			     sspr_key_role_name((enum sspr_key_role)role), id, b64);
		if (n < 0 || (size_t)n >= cap - used)
			goto out;
		used += (size_t)n;
	}
	*len = used;
	r = SSPR_OK;
out:
	sodium_memzero(b64, sizeof(b64));
	if (r != SSPR_OK)
		sodium_memzero(buf, cap);
	return r;
}

static int role_by_name(const char *name)
{
	for (int role = 0; role < SSPR_KEY_ROLES; role++) {
		if (strcmp(name, sspr_key_role_name((enum sspr_key_role)role)) == 0)
			return role;
	}
	return -1;
}

/* One "ROLE KEYID BASE64" line into ring. Returns NULL or why it is bad. */
static const char *parse_key_line(char *line, struct sspr_keyring *ring)
{
	uint8_t sk[SSPR_HOSTKEY_SECRET_BYTES];
	char id[SSPR_KEY_ID_TEXT];
	char *sp1, *sp2;
	const char *why = NULL;
	const char *end = NULL;
	size_t sk_len = 0;
	int role;

	sp1 = strchr(line, ' ');
	sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	if (sp2 == NULL || strchr(sp2 + 1, ' ') != NULL)
		return "expected 'ROLE KEYID KEY'";
	*sp1 = *sp2 = '\0';
	if ((role = role_by_name(line)) < 0)
		return "unknown role (current, next or previous)";
	if (ring->have[role])
		return "role given twice";
	if (sodium_base642bin(sk, sizeof(sk), sp2 + 1, strlen(sp2 + 1), NULL, &sk_len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    *end != '\0' || sk_len != sizeof(sk)) {
		why = "the key is not 32 bytes of base64";
		goto out;
	}
	if (sspr_hostkey_from_secret(sk, &ring->key[role]) != SSPR_OK) {
		why = "not a usable key";
		goto out;
	}
	sspr_key_id(ring->key[role].pk, id);
	if (strcmp(id, sp1 + 1) != 0) {
		sspr_hostkey_wipe(&ring->key[role]);
		why = "the key id does not match the key (damaged in transit?)";
		goto out;
	}
	ring->have[role] = true;
out:
	sodium_memzero(sk, sizeof(sk));
	return why;
}

int admin_bundle_parse(const char *where, struct admin_input *in, struct sspr_keyring *ring)
{
	size_t pos = 0;
	unsigned lineno = 0;
	char *line;

	sspr_keyring_wipe(ring);
	line = admin_input_line(in, &pos, &lineno);
	if (line == NULL || strcmp(line, ADMIN_BUNDLE_HEADER) != 0)
		return admin_error(SSPR_EINVAL, "%s: not a key bundle (first line is not '%s')",
				   where, ADMIN_BUNDLE_HEADER);
	while ((line = admin_input_line(in, &pos, &lineno)) != NULL) {
		const char *why;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((why = parse_key_line(line, ring)) != NULL) {
			sspr_keyring_wipe(ring);
			return admin_error(SSPR_EINVAL, "%s:%u: %s", where, lineno, why);
		}
	}
	if (!ring->have[SSPR_KEY_CURRENT])
		return admin_error(SSPR_EINVAL, "%s: the bundle has no current key", where);
	for (int a = 0; a < SSPR_KEY_ROLES; a++) {
		for (int b = a + 1; b < SSPR_KEY_ROLES; b++) {
			if (ring->have[a] && ring->have[b] &&
			    sodium_memcmp(ring->key[a].pk, ring->key[b].pk,
					  SSPR_HOSTKEY_PUBLIC_BYTES) == 0) {
				sspr_keyring_wipe(ring);
				return admin_error(SSPR_EINVAL,
						   "%s: the same key is both %s and %s", where,
						   sspr_key_role_name((enum sspr_key_role)a),
						   sspr_key_role_name((enum sspr_key_role)b));
			}
		}
	}
	return SSPR_EXIT_OK;
}
