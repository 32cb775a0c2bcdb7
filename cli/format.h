/* SPDX-License-Identifier: BSD-2-Clause */
/* Times and method lists as the tools print them. Times are always UTC so
 * the output of two hosts, or of a host and its log server, compares. */
#ifndef SSPR_CLI_FORMAT_H
#define SSPR_CLI_FORMAT_H

#include <stdint.h>

#include "util.h"

#define CLI_TIME_MAX 32
/* ISO 8601 UTC ("2024-05-01T12:00:00Z"); "-" for 0 (never). */
const char *cli_time_iso(int64_t t, char buf[CLI_TIME_MAX]);
/* The date part only ("2024-05-01"); "-" for 0. */
const char *cli_time_date(int64_t t, char buf[CLI_TIME_MAX]);


/* A user name that came from a store, into buf, with control characters
 * and bytes past ASCII as '?' (for messages made with printf formats). */
const char *cli_safe_name(const char *s, char buf[SSPR_USER_MAX + 1]);

#endif
