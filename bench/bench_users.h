/* SPDX-License-Identifier: BSD-2-Clause */
/* The bench's users: names and TOTP secrets derived from an index, so the
 * driver, the seeders and bench.py agree without sharing a file. The same
 * derivation is written out in bench.py (blake2b, 20 bytes). */
#ifndef SSPR_BENCH_USERS_H
#define SSPR_BENCH_USERS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define BENCH_SECRET_BYTES 20
#define BENCH_NAME_MAX 32

/* "bu0000042": fixed width, so names sort as their indices do. */
static inline void bench_user_name(unsigned idx, char name[BENCH_NAME_MAX])
{
	snprintf(name, BENCH_NAME_MAX, "bu%07u", idx);
}

/* secret = BLAKE2b-160("pam_sspr-bench-secret-<idx>"); not a secret at all,
 * which is the point: every module gets the same one. */
static inline void bench_user_secret(unsigned idx, uint8_t secret[BENCH_SECRET_BYTES])
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "pam_sspr-bench-secret-%u", idx);

	crypto_generichash(secret, BENCH_SECRET_BYTES, (const unsigned char *)msg, (size_t)n,
			   NULL, 0);
}

#endif
