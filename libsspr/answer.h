/* SPDX-License-Identifier: BSD-2-Clause */
/* Security-question answers: one normal form, hashed with Argon2id.
 *
 * Normalisation makes "  New   York " and "new york" the same answer:
 * leading and trailing white space dropped, inner runs of white space
 * collapsed to one space, letters case-folded (Unicode, through the C.UTF-8
 * locale, never the process locale). Invalid UTF-8 and control characters
 * are refused, not repaired: a stored answer must be typeable again. */
#ifndef SSPR_ANSWER_H
#define SSPR_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "status.h"

#define SSPR_ANSWER_MAX 255 /* bytes of an answer as typed, and normalised */

/* Normalises `in` into out (size bytes, at least SSPR_ANSWER_MAX + 1).
 * *chars receives the length in characters (code points). Returns SSPR_OK,
 * or SSPR_EINVAL for invalid UTF-8, a control character or an answer longer
 * than SSPR_ANSWER_MAX bytes; out is then wiped. */
int sspr_answer_normalise(const char *in, char *out, size_t size, size_t *chars);

/* True when the normalised haystack contains the normalised needle
 * (both already normalised; an empty needle never matches). */
bool sspr_answer_contains(const char *haystack, const char *needle);

/* Hashes a normalised answer with crypto_pwhash_str (Argon2id) at the given
 * cost into hash (SSPR_HASH_STR_MAX bytes). SSPR_ENOMEM when the cost
 * cannot be met. */
int sspr_answer_hash(const char *normalised, unsigned long long opslimit, size_t memlimit,
		     char hash[SSPR_HASH_STR_MAX]);

/* True when the normalised answer matches the stored hash. */
bool sspr_answer_verify(const char *hash, const char *normalised);

#endif
