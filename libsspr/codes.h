/* SPDX-License-Identifier: BSD-2-Clause */
/* One-time codes: the numeric codes sent by e-mail and the recovery codes
 * shown once at enrollment. Both are drawn with randombytes_uniform and
 * stored only as keyed BLAKE2b hashes; verification is constant-time. */
#ifndef SSPR_CODES_H
#define SSPR_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "status.h"

#define SSPR_CODE_DIGITS_MIN 6
#define SSPR_CODE_DIGITS_MAX 10
#define SSPR_CODE_SIZE (SSPR_CODE_DIGITS_MAX + 1)

/* Recovery codes are 16 characters of Crockford-style base32 (80 bits) in
 * four groups: "7K2M-9QXD-4HNB-W3TR". 80 bits keep a stolen store backup
 * from being brute-forced, so a fast keyed hash is enough to store them. */
#define SSPR_RECOVERY_CODE_CHARS 16
#define SSPR_RECOVERY_CODE_SIZE (SSPR_RECOVERY_CODE_CHARS + 3 + 1)

/* A random code of `digits` decimal digits (SSPR_CODE_DIGITS_MIN..MAX)
 * into out (SSPR_CODE_SIZE). */
int sspr_code_generate(unsigned digits, char out[SSPR_CODE_SIZE]);

/* Stores a code as "salt-hex$hash-hex" in out (SSPR_HASH_STR_MAX). */
int sspr_code_hash(const char *code, char out[SSPR_HASH_STR_MAX]);

/* True when code matches a sspr_code_hash() string; surrounding white
 * space in the typed code is ignored. */
bool sspr_code_verify(const char *stored, const char *code);

/* Replaces the record's recovery codes with n fresh ones (1..SSPR_RECOVERY_MAX)
 * and a fresh salt; the codes, formatted for the user, go to out[0..n-1].
 * The caller shows them once and wipes them. */
int sspr_recovery_issue(struct sspr_record *rec, unsigned n,
			char out[][SSPR_RECOVERY_CODE_SIZE]);

/* Replaces the record's recovery codes with the given ones (imported from
 * another tool, such as google-authenticator scratch codes): each 6..32
 * characters of [0-9A-Za-z-], normalised as sspr_recovery_find() reads
 * them. SSPR_EINVAL for a bad code or count (1..SSPR_RECOVERY_MAX). */
int sspr_recovery_set(struct sspr_record *rec, const char *const *codes, unsigned n);

/* Index of the unused recovery code matching `typed` (case, dashes and
 * spaces ignored; 0/O, 1/I/L read alike), or -1. Every stored code is
 * compared, so the time does not depend on which one matches. */
int sspr_recovery_find(const struct sspr_record *rec, const char *typed);

/* Unused codes left in the record. */
unsigned sspr_recovery_left(const struct sspr_record *rec);

/* Temporary access passes (sspr-admin pass): a recovery code's shape and
 * 80 bits, far beyond what lockout_attempts guesses can reach, kept as a
 * keyed hash with a salt of its own. Replaces any pass the record had:
 * valid from now for ttl seconds (SSPR_PASS_TTL_MIN..MAX) and uses
 * (1..SSPR_PASS_USES_MAX) resets; the pass, formatted, goes to out, for the
 * caller to show once and wipe. */
int sspr_pass_issue(struct sspr_record *rec, int64_t now, unsigned ttl, unsigned uses,
		    char out[SSPR_RECOVERY_CODE_SIZE]);
/* True when typed is the record's pass (read as recovery codes are:
 * case, dashes and spaces ignored); its expiry and uses are not looked at.
 * Constant-time, and as slow without a pass. */
bool sspr_pass_matches(const struct sspr_record *rec, const char *typed);

#endif
