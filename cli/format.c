/* SPDX-License-Identifier: BSD-2-Clause */
/* Times, method lists and names as the tools print them (format.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "method.h"
#include "util.h"

static const char *format_time(int64_t t, bool date_only, char buf[CLI_TIME_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	if (t == 0)
		return "-";
	/* Literal formats, so the compiler checks them. */
	if ((int64_t)tt == t && gmtime_r(&tt, &tm) != NULL)
		n = date_only ? strftime(buf, CLI_TIME_MAX, "%Y-%m-%d", &tm)
			      : strftime(buf, CLI_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* A time no calendar can show (a corrupt value) is shown raw. */
	if (n == 0)
		snprintf(buf, CLI_TIME_MAX, "@%lld", (long long)t);
	return buf;
}

const char *cli_time_iso(int64_t t, char buf[CLI_TIME_MAX])
{
	return format_time(t, false, buf);
}

const char *cli_time_date(int64_t t, char buf[CLI_TIME_MAX])
{
	return format_time(t, true, buf);
}

const char *cli_safe_name(const char *s, char buf[SSPR_USER_MAX + 1])
{
	size_t n = strnlen(s, SSPR_USER_MAX);

	/* Control characters and bytes past ASCII could drive a terminal. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = s[i];
		if (c < 0x20 || c >= 0x7f)
			buf[i] = '?';
	}
	buf[n] = '\0';
	return buf;
}
