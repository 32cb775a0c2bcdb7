/* SPDX-License-Identifier: BSD-2-Clause */
/* E-mailed codes and recovery codes (see codes.h). */
#include <string.h>

#include <sodium.h>

#include "codes.h"
#include "util.h"

#define CODE_SALT_BYTES 16
#define CODE_HASH_BYTES 32
#define RECOVERY_IMPORT_MIN 6
#define RECOVERY_IMPORT_MAX 32

/* Crockford's base32: no I, L, O or U, so codes read back unambiguously. */
static const char recovery_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int sspr_code_generate(unsigned digits, char out[SSPR_CODE_SIZE])
{
	if (digits < SSPR_CODE_DIGITS_MIN || digits > SSPR_CODE_DIGITS_MAX || sodium_init() < 0)
		return SSPR_EINVAL;
	for (unsigned i = 0; i < digits; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[digits] = '\0';
	return SSPR_OK;
}

/* The typed code without surrounding white space, or NULL when it does not
 * fit a code. */
static const char *trim_code(const char *typed, char *buf, size_t size)
{
	size_t n;

	while (*typed == ' ' || *typed == '\t')
		typed++;
	n = strnlen(typed, size);
	while (n > 0 && (typed[n - 1] == ' ' || typed[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, typed, n);
	buf[n] = '\0';
	return buf;
}

static void keyed_hash(const uint8_t *salt, const char *code, uint8_t out[CODE_HASH_BYTES])
{
	crypto_generichash(out, CODE_HASH_BYTES, (const unsigned char *)code, strlen(code), salt,
			   CODE_SALT_BYTES);
}

int sspr_code_hash(const char *code, char out[SSPR_HASH_STR_MAX])
{
	uint8_t salt[CODE_SALT_BYTES], hash[CODE_HASH_BYTES];
	char buf[SSPR_CODE_SIZE];

	_Static_assert(CODE_SALT_BYTES * 2 + 1 + CODE_HASH_BYTES * 2 + 1 <= SSPR_HASH_STR_MAX,
		       "code hash does not fit");
	if (sodium_init() < 0 || trim_code(code, buf, sizeof(buf)) == NULL)
		return SSPR_EINVAL;
	randombytes_buf(salt, sizeof(salt));
	keyed_hash(salt, buf, hash);
	sodium_bin2hex(out, CODE_SALT_BYTES * 2 + 1, salt, sizeof(salt));
	out[CODE_SALT_BYTES * 2] = '$';
	sodium_bin2hex(out + CODE_SALT_BYTES * 2 + 1, CODE_HASH_BYTES * 2 + 1, hash, sizeof(hash));
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(hash, sizeof(hash));
	return SSPR_OK;
}

bool sspr_code_verify(const char *stored, const char *code)
{
	uint8_t salt[CODE_SALT_BYTES], want[CODE_HASH_BYTES], got[CODE_HASH_BYTES];
	char buf[SSPR_CODE_SIZE];
	size_t len;
	bool ok = false;

	if (sodium_init() < 0 || strnlen(stored, SSPR_HASH_STR_MAX) != CODE_SALT_BYTES * 2 + 1 +
								      CODE_HASH_BYTES * 2 ||
	    stored[CODE_SALT_BYTES * 2] != '$')
		return false;
	if (sodium_hex2bin(salt, sizeof(salt), stored, CODE_SALT_BYTES * 2, NULL, &len, NULL) != 0 ||
	    len != sizeof(salt) ||
	    sodium_hex2bin(want, sizeof(want), stored + CODE_SALT_BYTES * 2 + 1,
			   CODE_HASH_BYTES * 2, NULL, &len, NULL) != 0 ||
	    len != sizeof(want))
		return false;
	if (trim_code(code, buf, sizeof(buf)) != NULL) {
		keyed_hash(salt, buf, got);
		ok = sodium_memcmp(got, want, sizeof(want)) == 0;
	}
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(got, sizeof(got));
	return ok;
}

/* The canonical form a recovery code is hashed in: upper case, no dashes or
 * spaces, O read as 0 and I or L as 1. Returns false for any other
 * character or a length outside min..max. */
static bool recovery_canonical(const char *typed, char *out, size_t min, size_t max)
{
	size_t n = 0;

	for (const char *p = typed; *p != '\0'; p++) {
		char c = sspr_ascii_upper(*p);

		if (c == '-' || c == ' ')
			continue;
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || n >= max)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n >= min;
}

static void salted_hash(const uint8_t salt[SSPR_SALT_BYTES], const char *canonical,
			uint8_t out[SSPR_RECOVERY_HASH_BYTES])
{
	_Static_assert(SSPR_SALT_BYTES >= crypto_generichash_KEYBYTES_MIN, "salt too short");
	crypto_generichash(out, SSPR_RECOVERY_HASH_BYTES, (const unsigned char *)canonical,
			   strlen(canonical), salt, SSPR_SALT_BYTES);
}

static void recovery_hash(const struct sspr_record *rec, const char *canonical,
			  uint8_t out[SSPR_RECOVERY_HASH_BYTES])
{
	salted_hash(rec->recovery_salt, canonical, out);
}

/* A fresh 80-bit code: its canonical form (what is hashed) and the one
 * shown, in groups of four. */
static void draw_code(char canonical[SSPR_RECOVERY_CODE_CHARS + 1],
		      char shown[SSPR_RECOVERY_CODE_SIZE])
{
	size_t o = 0;

	for (unsigned j = 0; j < SSPR_RECOVERY_CODE_CHARS; j++) {
		char c = recovery_alphabet[randombytes_uniform(32)];

		canonical[j] = c;
		if (j > 0 && j % 4 == 0)
			shown[o++] = '-';
		shown[o++] = c;
	}
	canonical[SSPR_RECOVERY_CODE_CHARS] = '\0';
	shown[o] = '\0';
}

int sspr_recovery_issue(struct sspr_record *rec, unsigned n, char out[][SSPR_RECOVERY_CODE_SIZE])
{
	char canonical[SSPR_RECOVERY_CODE_CHARS + 1];

	if (n < 1 || n > SSPR_RECOVERY_MAX || sodium_init() < 0)
		return SSPR_EINVAL;
	sodium_memzero(rec->recovery, sizeof(rec->recovery));
	randombytes_buf(rec->recovery_salt, sizeof(rec->recovery_salt));
	for (unsigned i = 0; i < n; i++) {
		draw_code(canonical, out[i]);
		recovery_hash(rec, canonical, rec->recovery[i].hash);
		rec->recovery[i].used = false;
	}
	rec->n_recovery = (uint8_t)n;
	sodium_memzero(canonical, sizeof(canonical));
	return SSPR_OK;
}

int sspr_recovery_set(struct sspr_record *rec, const char *const *codes, unsigned n)
{
	char canonical[RECOVERY_IMPORT_MAX + 1];
	int r = SSPR_OK;

	if (n < 1 || n > SSPR_RECOVERY_MAX || sodium_init() < 0)
		return SSPR_EINVAL;
	sodium_memzero(rec->recovery, sizeof(rec->recovery));
	randombytes_buf(rec->recovery_salt, sizeof(rec->recovery_salt));
	for (unsigned i = 0; i < n; i++) {
		if (!recovery_canonical(codes[i], canonical, RECOVERY_IMPORT_MIN,
					RECOVERY_IMPORT_MAX)) {
			r = SSPR_EINVAL;
			break;
		}
		recovery_hash(rec, canonical, rec->recovery[i].hash);
	}
	sodium_memzero(canonical, sizeof(canonical));
	if (r != SSPR_OK) {
		sodium_memzero(rec->recovery, sizeof(rec->recovery));
		rec->n_recovery = 0;
		return r;
	}
	rec->n_recovery = (uint8_t)n;
	return SSPR_OK;
}

int sspr_recovery_find(const struct sspr_record *rec, const char *typed)
{
	char canonical[RECOVERY_IMPORT_MAX + 1];
	uint8_t hash[SSPR_RECOVERY_HASH_BYTES];
	int found = -1;

	if (sodium_init() < 0 || strnlen(typed, 128) >= 128 ||
	    !recovery_canonical(typed, canonical, RECOVERY_IMPORT_MIN, RECOVERY_IMPORT_MAX))
		return -1;
	recovery_hash(rec, canonical, hash);
	/* No early exit: every code is compared whichever one matches. */
	for (unsigned i = 0; i < rec->n_recovery && i < SSPR_RECOVERY_MAX; i++) {
		bool match = sodium_memcmp(hash, rec->recovery[i].hash, sizeof(hash)) == 0;

		if (match && !rec->recovery[i].used && found < 0)
			found = (int)i;
	}
	sodium_memzero(canonical, sizeof(canonical));
	sodium_memzero(hash, sizeof(hash));
	return found;
}

unsigned sspr_recovery_left(const struct sspr_record *rec)
{
	unsigned left = 0;

	for (unsigned i = 0; i < rec->n_recovery && i < SSPR_RECOVERY_MAX; i++)
		left += !rec->recovery[i].used;
	return left;
}

int sspr_pass_issue(struct sspr_record *rec, int64_t now, unsigned ttl, unsigned uses,
		    char out[SSPR_RECOVERY_CODE_SIZE])
{
	char canonical[SSPR_RECOVERY_CODE_CHARS + 1];

	if (ttl < SSPR_PASS_TTL_MIN || ttl > SSPR_PASS_TTL_MAX || uses < 1 ||
	    uses > SSPR_PASS_USES_MAX || sodium_init() < 0)
		return SSPR_EINVAL;
	sodium_memzero(&rec->pass, sizeof(rec->pass));
	randombytes_buf(rec->pass.salt, sizeof(rec->pass.salt));
	draw_code(canonical, out);
	salted_hash(rec->pass.salt, canonical, rec->pass.hash);
	sodium_memzero(canonical, sizeof(canonical));
	rec->pass.issued_at = now;
	rec->pass.expires_at = now + (int64_t)ttl;
	rec->pass.uses_left = (uint8_t)uses;
	rec->has_pass = true;
	return SSPR_OK;
}

bool sspr_pass_matches(const struct sspr_record *rec, const char *typed)
{
	static const uint8_t no_salt[SSPR_SALT_BYTES];
	char canonical[SSPR_RECOVERY_CODE_CHARS + 1];
	uint8_t hash[SSPR_RECOVERY_HASH_BYTES];
	bool shaped, match;

	if (sodium_init() < 0 || strnlen(typed, 128) >= 128)
		return false;
	shaped = recovery_canonical(typed, canonical, SSPR_RECOVERY_CODE_CHARS,
				    SSPR_RECOVERY_CODE_CHARS);
	/* Hashed whatever was typed and whether there is a pass: the time
	 * says nothing of either. */
	salted_hash(rec->has_pass ? rec->pass.salt : no_salt, shaped ? canonical : "", hash);
	match = sodium_memcmp(hash, rec->pass.hash, sizeof(hash)) == 0;
	sodium_memzero(canonical, sizeof(canonical));
	sodium_memzero(hash, sizeof(hash));
	return match && shaped && rec->has_pass;
}
