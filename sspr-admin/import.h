/* SPDX-License-Identifier: BSD-2-Clause */
/* The two importers' parsers (import_oath.c, import_ga.c), apart from
 * their store writes so the fuzzers (tests/fuzz/fuzz_oath.c, fuzz_ga.c)
 * drive the very code sspr-admin runs. */
#ifndef SSPR_ADMIN_IMPORT_H
#define SSPR_ADMIN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "enrollment.h"
#include "hostkey.h"
#include "record.h"
#include "util.h"

/* pam_oath's usersfile. */
#define OATH_FILE_MAX (8u * 1024 * 1024)
#define OATH_LINE_MAX 1024
#define OATH_FIELDS_MIN 4
#define OATH_FIELDS_MAX 7
/* liboath's search windows are a few steps; anything past this is not one. */
#define OATH_POSITION_MAX 1000
#define OATH_TIME_FORMAT "%Y-%m-%dT%H:%M:%SL" /* liboath's, local time */

struct oath_token {
	unsigned line;
	char user[SSPR_USER_MAX + 1];
	struct sspr_totp_enrollment t;
};

struct oath_import {
	const char *path;
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	struct oath_token *tok;
	size_t n, cap;
	unsigned bad, skipped;
};

/* One line of the usersfile (NUL-terminated in place): a TOTP token goes
 * into im, anything else is counted (bad, skipped) with a message naming
 * the file and line. SSPR_EXIT_OK, or SSPR_EXIT_ERROR to stop (out of
 * memory). */
int admin_oath_read_line(struct oath_import *im, char *line, unsigned lineno);

/* A google-authenticator file. */
#define GA_FILE_MAX 8192 /* real files are a few hundred bytes */
#define GA_SCRATCH_DIGITS 8
#define GA_LINE_MAX 1024
#define GA_DEFAULT_PERIOD 30
#define GA_DIGITS 6

/* Everything read from the file; scratch codes are secrets, so the whole
 * struct lives in sodium_malloc'd memory. */
struct ga_file {
	const char *path;
	uid_t owner; /* the user's uid: the file must be theirs or root's */
	struct sspr_totp_enrollment t;
	char scratch[SSPR_RECOVERY_MAX][GA_SCRATCH_DIGITS + 1];
	unsigned n_scratch;
	bool totp_auth;
	unsigned hotp_line; /* line of HOTP_COUNTER, 0 = none */
	unsigned bad;
};

/* Reads g->path (owned by g->owner or root) into g, the secret sealed to
 * pk. SSPR_EXIT_OK, or the exit code after the message. */
int admin_ga_parse(struct ga_file *g, const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES]);
/* The scratch codes of g as recovery codes in the scratch record codes. */
int admin_ga_hash_scratch(const struct ga_file *g, struct sspr_record *codes);

#endif
