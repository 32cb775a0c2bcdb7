/* Times and method lists as the tools print them. Times are always UTC so
 * the output of two hosts, or of a host and its log server, compares. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "record.h"
#include "safe_text.h"

static const char *format_time(int64_t t, bool date_only, char buf[ADMIN_TIME_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	if (t == 0)
		return "-";
	/* Literal formats, so the compiler checks them. */
	if ((int64_t)tt == t && gmtime_r(&tt, &tm) != NULL)
		n = date_only ? strftime(buf, ADMIN_TIME_MAX, "%Y-%m-%d", &tm)
			      : strftime(buf, ADMIN_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* A time no calendar can show (a corrupt value) is shown raw. */
	if (n == 0)
		snprintf(buf, ADMIN_TIME_MAX, "@%lld", (long long)t);
	return buf;
}

const char *admin_time_iso(int64_t t, char buf[ADMIN_TIME_MAX])
{
	return format_time(t, false, buf);
}

const char *admin_time_date(int64_t t, char buf[ADMIN_TIME_MAX])
{
	return format_time(t, true, buf);
}

const char *admin_methods_text(unsigned mask, char buf[ADMIN_METHODS_TEXT_MAX])
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit <= SSPR_METHOD_ALL; bit <<= 1) {
		const char *name;
		size_t len;

		if ((mask & bit) == 0 || (name = sspr_method_name(bit)) == NULL)
			continue;
		len = strlen(name);
		/* Four names of at most 9 bytes always fit; the check keeps
		 * that true if a method is ever added. */
		if (n + len + 2 > ADMIN_METHODS_TEXT_MAX)
			break;
		if (n > 0)
			buf[n++] = ',';
		memcpy(buf + n, name, len + 1);
		n += len;
	}
	return n > 0 ? buf : "-";
}

void admin_print_safe(const char *s)
{
	sspr_text_print_safe(stdout, s);
}

const char *admin_safe_name(const char *s, char buf[SSPR_USER_MAX + 1])
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
