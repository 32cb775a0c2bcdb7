/* SPDX-License-Identifier: BSD-2-Clause */
/* What the robustness test programs share: TAP-like check lines, a way to
 * give up on the set-up, and the files a test writes into its directory. */
#ifndef SSPR_ROBUST_TAP_H
#define SSPR_ROBUST_TAP_H

#include <stdbool.h>

extern int tap_checks, tap_failed;

/* Prints "ok - ..." or "not ok - ..." and counts it. */
void tap_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The set-up failed: says so on stderr and exits 99 (a hard error). */
void tap_die(const char *what) __attribute__((noreturn));

/* Writes (mode "w") or appends ("a") text to DIR/NAME, mode 0644. */
void tap_write(const char *dir, const char *name, const char *text, const char *mode);

#endif
