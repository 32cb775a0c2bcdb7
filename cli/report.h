/* SPDX-License-Identifier: BSD-2-Clause */
/* What the tools print when something fails: "PROG: what failed: why" on
 * stderr, with every control character neutralised (a message may carry
 * what a directory server, a file or an argument said). */
#ifndef SSPR_CLI_REPORT_H
#define SSPR_CLI_REPORT_H

#include <stdarg.h>
#include <stddef.h>

/* The PROG of every message; set once by main(). */
void cli_set_program(const char *prog);
const char *cli_program(void);

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* prefix ("" or "warning: ") goes between "PROG: " and the message. */
void cli_vreport(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* At most CLI_QUOTE_MAX bytes of a user's argument, printable ASCII only
 * ('?' for the rest, "..." when cut), for quoting it in a message. */
#define CLI_QUOTE_MAX 48
const char *cli_quote_arg(const char *arg, char *buf, size_t size);

#endif
