/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 6238 TOTP: code generation through liboath, constant-time matching
 * over the whole window, the replay rule, and base32 for secrets. */
#include <stdbool.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "totp.h"

int sspr_totp_init(void)
{
	if (sodium_init() < 0)
		return SSPR_ERR;
	/* oath_init only sets up the hash backend; calling it again is
	 * harmless. We never call oath_done: another module in the same
	 * process (pam_oath) may still need the backend. */
	return oath_init() == OATH_OK ? SSPR_OK : SSPR_ERR;
}

uint64_t sspr_totp_step(int64_t now, unsigned period)
{
	if (now < 0 || period == 0)
		return 0;
	return (uint64_t)now / period;
}

int sspr_totp_code(const uint8_t *secret, size_t secret_len, unsigned digits, uint64_t step,
		   char code[SSPR_TOTP_CODE_MAX + 1])
{
	/* liboath takes a time and a period; step * 1 with period 1 names the
	 * step exactly without any multiplication that could overflow. */
	if (digits < 6 || digits > 8 || step > (uint64_t)INT64_MAX)
		return SSPR_EINVAL;
	if (oath_totp_generate2((const char *)secret, secret_len, (time_t)step, 1, 0,
				(unsigned)digits, 0, code) != OATH_OK)
		return SSPR_ERR;
	return SSPR_OK;
}

int sspr_totp_find_step(const uint8_t *secret, size_t secret_len,
			const struct sspr_totp_params *params, int64_t now, const char *code,
			uint64_t *step)
{
	char typed[SSPR_TOTP_CODE_MAX + 1] = {0};
	char expected[SSPR_TOTP_CODE_MAX + 1];
	uint64_t current = sspr_totp_step(now, params->period);
	size_t len = strnlen(code, SSPR_TOTP_CODE_MAX + 1);
	bool well_formed = len == params->digits;
	bool found = false;
	uint64_t best = 0;

	if (params->digits < 6 || params->digits > 8 || params->window > 10)
		return SSPR_EINVAL;
	for (size_t i = 0; i < len && i < SSPR_TOTP_CODE_MAX; i++) {
		typed[i] = code[i];
		if (code[i] < '0' || code[i] > '9')
			well_formed = false;
	}
	/* Every step in the window is computed and compared whatever the
	 * input, so timing says nothing about which step (if any) matched. */
	for (uint64_t s = current > params->window ? current - params->window : 0;
	     s <= current + params->window; s++) {
		if (sspr_totp_code(secret, secret_len, params->digits, s, expected) != SSPR_OK)
			continue;
		if (sodium_memcmp(expected, typed, params->digits) == 0 && well_formed) {
			found = true;
			best = s;
		}
	}
	sodium_memzero(expected, sizeof(expected));
	sodium_memzero(typed, sizeof(typed));
	if (!found)
		return SSPR_EBADCODE;
	*step = best;
	return SSPR_OK;
}

int sspr_totp_accept_step(struct sspr_totp *totp, uint64_t step)
{
	if (step <= totp->last_step)
		return SSPR_EREPLAY;
	totp->last_step = step;
	return SSPR_OK;
}

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int base32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int sspr_base32_decode(const char *in, uint8_t *out, size_t cap, size_t *outlen)
{
	uint32_t bits = 0;
	unsigned nbits = 0;
	size_t n = 0;
	bool padding = false;
	int r = SSPR_EINVAL;

	for (const char *p = in; *p != '\0'; p++) {
		int v;

		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '=') {
			padding = true;
			continue;
		}
		v = base32_value(*p);
		if (v < 0 || padding)
			goto out;
		bits = (bits << 5) | (uint32_t)v;
		nbits += 5;
		if (nbits >= 8) {
			if (n >= cap)
				goto out;
			out[n++] = (uint8_t)(bits >> (nbits - 8));
			nbits -= 8;
		}
		bits &= (1u << nbits) - 1;
	}
	*outlen = n;
	r = SSPR_OK;
out:
	/* A plain store to a dead variable is optimised away. */
	sodium_memzero(&bits, sizeof(bits));
	if (r != SSPR_OK)
		sodium_memzero(out, cap);
	return r;
}

int sspr_base32_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	uint32_t bits = 0;
	unsigned nbits = 0;
	size_t n = 0;

	/* No padding: authenticator apps and otpauth URIs do without it. */
	if (len > (SIZE_MAX - 1) / 8 || cap < (len * 8 + 4) / 5 + 1)
		return SSPR_EINVAL;
	for (size_t i = 0; i < len; i++) {
		bits = (bits << 8) | in[i];
		nbits += 8;
		while (nbits >= 5) {
			out[n++] = base32_alphabet[(bits >> (nbits - 5)) & 31];
			nbits -= 5;
		}
		bits &= (1u << nbits) - 1;
	}
	if (nbits > 0)
		out[n++] = base32_alphabet[(bits << (5 - nbits)) & 31];
	out[n] = '\0';
	return SSPR_OK;
}
