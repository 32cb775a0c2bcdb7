/* SPDX-License-Identifier: BSD-2-Clause */
/* A tiny streaming JSON writer for --json output; commas are its business.
 * Strings are escaped per RFC 8259 and bytes that are not valid UTF-8
 * become U+FFFD (safe_text.h), so the output is valid JSON whatever a
 * record holds. */
#ifndef SSPR_CLI_JSON_H
#define SSPR_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_JSON_DEPTH_MAX 8
struct cli_json {
	FILE *f;
	unsigned depth;
	bool need_comma[CLI_JSON_DEPTH_MAX + 1];
	bool after_key;
};

void cli_json_init(struct cli_json *j, FILE *f);
void cli_json_begin_object(struct cli_json *j);
void cli_json_end_object(struct cli_json *j);
void cli_json_begin_array(struct cli_json *j);
void cli_json_end_array(struct cli_json *j);
void cli_json_key(struct cli_json *j, const char *key);
void cli_json_string(struct cli_json *j, const char *s);
void cli_json_int(struct cli_json *j, int64_t v);
void cli_json_uint(struct cli_json *j, uint64_t v);
void cli_json_bool(struct cli_json *j, bool v);
void cli_json_null(struct cli_json *j);
/* ISO 8601 string, or null for 0. */
void cli_json_time(struct cli_json *j, int64_t t);
/* The methods in mask as an array of names. */
void cli_json_methods(struct cli_json *j, unsigned mask);
/* "key": {"address", "verified", "verified_at"} for a registered e-mail
 * address or phone number, or null; verified_at as cli_json_time writes
 * it (iso_time) or in seconds. */
struct sspr_contact;
void cli_json_contact(struct cli_json *j, const char *key, bool has, const struct sspr_contact *c,
		      bool iso_time);

#endif
