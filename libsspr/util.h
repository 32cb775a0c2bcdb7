/* SPDX-License-Identifier: BSD-2-Clause */
/* Small bounded string and time helpers used across libsspr, policy and the
 * programs. Every copy is bounded; every function says how it fails. */
#ifndef SSPR_UTIL_H
#define SSPR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longest user name accepted anywhere (Linux LOGIN_NAME_MAX - 1). */
#define SSPR_USER_MAX 255

/* Copies src into dst (size dstsize, NUL-terminated). Returns SSPR_OK, or
 * SSPR_EINVAL when src does not fit (dst is then left empty). */
int sspr_strlcpy(char *dst, const char *src, size_t dstsize);

/* True when name is a plausible login name: 1..SSPR_USER_MAX bytes of
 * [A-Za-z0-9._-] plus '@' and '$' (as useradd and SSSD allow), not starting
 * with '-'. Everything that reaches the store as a key passes this first. */
bool sspr_user_name_valid(const char *name);

/* Wipes len bytes at p in a way the compiler cannot drop (explicit_bzero),
 * for buffers that held something secret or personal. */
void sspr_wipe(void *p, size_t len);

/* Current wall-clock time in seconds. Library functions take the time as a
 * parameter so tests can pin it; only the programs call this. */
int64_t sspr_now(void);

/* This host's name for a message (mails name the host they come from),
 * or "this host" when it has none; in buf, which is returned. */
const char *sspr_host_name(char *buf, size_t size);

/* Milliseconds on the monotonic clock, for deadlines: every bounded wait
 * measures with this, never with the wall clock an admin may set. */
int64_t sspr_monotonic_ms(void);

/* The monotonic time ms milliseconds from now, as the *clocklock and
 * *cond_timedwait calls (with CLOCK_MONOTONIC) take it. */
void sspr_monotonic_deadline(int64_t ms, struct timespec *ts);

/* FNV-1a (64 bits) of a string: a short file name for a configured value
 * (the directory's URIs, its base), never a secret or a check. */
uint64_t sspr_name_hash(const char *s);

/* Case-insensitive comparison and upper case of ASCII letters only, for
 * keywords, schemes and codes: the C library's follow LC_CTYPE, and in a
 * Turkish locale "I" and "i" are not each other's case (sspr-enroll and
 * the relay run in the user's locale). */
int sspr_ascii_casecmp(const char *a, const char *b);
int sspr_ascii_ncasecmp(const char *a, const char *b, size_t n);
char sspr_ascii_upper(char c);

#endif
