/* SPDX-License-Identifier: BSD-2-Clause */
/* Answer normalisation and hashing (see answer.h).
 *
 * Case folding must not depend on the locale of the process that happens
 * to load us (sshd runs in "C", a user's shell in anything), or the same
 * answer would hash differently at enrollment and at reset. So the UTF-8
 * decoding is our own and folding uses a private C.UTF-8 locale object. */
#include <locale.h>
#include <string.h>
#include <wctype.h>

#include <sodium.h>

#include "answer.h"

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length, or 0
 * for an invalid, overlong or surrogate sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t utf8_encode(uint32_t c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | (c >> 6));
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (c >> 12));
		out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (c >> 18));
	out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/* C0, DEL and C1 controls; tabs and newlines included, since no prompt
 * can take them back the same way. */
static bool is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* glibc leaves the no-break spaces out of iswspace; a pasted or
 * autocorrected answer may carry them, so they count as spaces here. */
static bool is_space(uint32_t c, locale_t loc)
{
	return c == ' ' || c == 0xa0 || c == 0x2007 || c == 0x202f ||
	       (c > 0x7f && iswspace_l((wint_t)c, loc));
}

int sspr_answer_normalise(const char *in, char *out, size_t size, size_t *chars)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strnlen(in, SSPR_ANSWER_MAX + 1), used = 0, count = 0;
	bool pending_space = false;
	locale_t loc;
	int r = SSPR_EINVAL;

	*chars = 0;
	/* Every refusal wipes out, as answer.h promises: a caller that
	 * misses the status must find an empty string, not stale bytes. */
	if (size < SSPR_ANSWER_MAX + 1 || n > SSPR_ANSWER_MAX) {
		sodium_memzero(out, size);
		return SSPR_EINVAL;
	}
	loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (loc == (locale_t)0) {
		sodium_memzero(out, size);
		return SSPR_ERR;
	}
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t len = utf8_decode(s + i, n - i, &c);
		unsigned char enc[4];
		size_t enc_len;

		if (len == 0 || is_control(c))
			goto out;
		i += len;
		if (is_space(c, loc)) {
			pending_space = count > 0; /* leading spaces vanish */
			continue;
		}
		c = (uint32_t)towlower_l((wint_t)c, loc);
		enc_len = utf8_encode(c, enc);
		/* Folding can lengthen a character; the result must still fit. */
		if (used + (pending_space ? 1 : 0) + enc_len > SSPR_ANSWER_MAX)
			goto out;
		if (pending_space) {
			out[used++] = ' ';
			count++;
			pending_space = false;
		}
		memcpy(out + used, enc, enc_len);
		used += enc_len;
		count++;
	}
	out[used] = '\0';
	*chars = count;
	r = SSPR_OK;
out:
	freelocale(loc);
	if (r != SSPR_OK)
		sodium_memzero(out, size);
	return r;
}

bool sspr_answer_contains(const char *haystack, const char *needle)
{
	return needle[0] != '\0' && strstr(haystack, needle) != NULL;
}

int sspr_answer_hash(const char *normalised, unsigned long long opslimit, size_t memlimit,
		     char hash[SSPR_HASH_STR_MAX])
{
	_Static_assert(SSPR_HASH_STR_MAX >= crypto_pwhash_STRBYTES, "hash field too small");

	if (sodium_init() < 0)
		return SSPR_ERR;
	if (crypto_pwhash_str_alg(hash, normalised, strlen(normalised), opslimit, memlimit,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SSPR_ENOMEM;
	return SSPR_OK;
}

bool sspr_answer_verify(const char *hash, const char *normalised)
{
	if (sodium_init() < 0 || strnlen(hash, SSPR_HASH_STR_MAX) >= SSPR_HASH_STR_MAX)
		return false;
	return crypto_pwhash_str_verify(hash, normalised, strlen(normalised)) == 0;
}
