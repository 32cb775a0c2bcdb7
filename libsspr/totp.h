/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 6238 time-based codes. liboath computes the codes; the comparison is
 * ours so that it runs in constant time (sodium_memcmp) and over the whole
 * window, and the replay rule is ours so it can live inside a store update. */
#ifndef SSPR_TOTP_H
#define SSPR_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "status.h"

#define SSPR_TOTP_CODE_MAX 10 /* digits; a code buffer needs one more byte */

struct sspr_totp_params {
	unsigned digits; /* 6..8 */
	unsigned period; /* seconds */
	unsigned window; /* steps accepted either side of now */
};

/* Must be called once per process before the other functions (liboath init);
 * safe to call again. */
int sspr_totp_init(void);

/* The time step that now falls in. */
uint64_t sspr_totp_step(int64_t now, unsigned period);

/* Writes the code for step into code (digits + NUL). */
int sspr_totp_code(const uint8_t *secret, size_t secret_len, unsigned digits, uint64_t step,
		   char code[SSPR_TOTP_CODE_MAX + 1]);

/* Looks for code among the steps now-window .. now+window. On a match,
 * *step gets the latest matching step and SSPR_OK is returned; otherwise
 * SSPR_EBADCODE. A code of the wrong length or with non-digits is
 * SSPR_EBADCODE too (no early return that would tell them apart by time). */
int sspr_totp_find_step(const uint8_t *secret, size_t secret_len,
			const struct sspr_totp_params *params, int64_t now, const char *code,
			uint64_t *step);

/* Replay rule: a step at or before the last accepted one is SSPR_EREPLAY;
 * otherwise the step becomes the last accepted one. */
int sspr_totp_accept_step(struct sspr_totp *totp, uint64_t step);

/* Base32 (RFC 4648, as authenticator apps use) helpers. Decoding ignores
 * spaces and case and refuses anything else. */
int sspr_base32_decode(const char *in, uint8_t *out, size_t cap, size_t *outlen);
int sspr_base32_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
