/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded string copy, user name validation, wiping, the clock, the host name. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "status.h"
#include "util.h"

int sspr_strlcpy(char *dst, const char *src, size_t dstsize)
{
	size_t len;

	if (dstsize == 0)
		return SSPR_EINVAL;
	len = strnlen(src, dstsize);
	if (len >= dstsize) {
		dst[0] = '\0';
		return SSPR_EINVAL;
	}
	memcpy(dst, src, len + 1);
	return SSPR_OK;
}

bool sspr_user_name_valid(const char *name)
{
	size_t len;

	if (name == NULL || name[0] == '\0' || name[0] == '-')
		return false;
	len = strnlen(name, SSPR_USER_MAX + 1);
	if (len > SSPR_USER_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
			  c == '@' || c == '$';
		if (!ok)
			return false;
	}
	return true;
}

int64_t sspr_now(void)
{
	return (int64_t)time(NULL);
}

int64_t sspr_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sspr_monotonic_deadline(int64_t ms, struct timespec *ts)
{
	if (ms < 0)
		ms = 0;
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void sspr_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

uint64_t sspr_name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

const char *sspr_host_name(char *buf, size_t size)
{
	if (size == 0)
		return "this host";
	if (gethostname(buf, size - 1) != 0)
		snprintf(buf, size, "this host");
	buf[size - 1] = '\0';
	return buf;
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int sspr_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = ascii_lower((unsigned char)a[i]), y = ascii_lower((unsigned char)b[i]);

		if (x != y || x == '\0')
			return (int)x - (int)y;
	}
	return 0;
}

int sspr_ascii_casecmp(const char *a, const char *b)
{
	return sspr_ascii_ncasecmp(a, b, (size_t)-1);
}

char sspr_ascii_upper(char c)
{
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	if (c >= 'a' && c <= 'z')
		return upper[c - 'a'];
	return c;
}
