/* SPDX-License-Identifier: BSD-2-Clause */
/* Method names and sets (method.h). */
#include <string.h>

#include "method.h"

static const char *const method_names[SSPR_METHOD_COUNT] = {
    "totp",
    "questions",
    "email",
    "recovery",
    "pass",
    "pam",
    "phone",
};

/* 0 for TOTP, 1 for questions, ...; SSPR_METHOD_COUNT for no single method. */
static unsigned method_index(unsigned method)
{
	unsigned i = 0;

	SSPR_FOR_EACH_METHOD(m) {
		if (m == method)
			return i;
		i++;
	}
	return SSPR_METHOD_COUNT;
}

const char *sspr_method_name(unsigned method)
{
	unsigned i = method_index(method);

	return i < SSPR_METHOD_COUNT ? method_names[i] : "unknown";
}

unsigned sspr_method_from_name(const char *name)
{
	unsigned i = 0;

	SSPR_FOR_EACH_METHOD(m) {
		if (strcmp(method_names[i], name) == 0)
			return m;
		i++;
	}
	return 0;
}

unsigned sspr_method_count(unsigned methods)
{
	return (unsigned)__builtin_popcount(methods & SSPR_METHOD_ALL);
}

const char *sspr_methods_text(unsigned methods, const char *sep, char *buf, size_t size)
{
	size_t n = 0, gap = strlen(sep);

	if (size == 0)
		return "-";
	buf[0] = '\0';
	SSPR_FOR_EACH_METHOD(m) {
		const char *name = sspr_method_name(m);
		size_t len = strlen(name), need = len + (n > 0 ? gap : 0);

		if ((methods & m) == 0 || n + need + 1 > size)
			continue;
		if (n > 0) {
			memcpy(buf + n, sep, gap);
			n += gap;
		}
		memcpy(buf + n, name, len + 1);
		n += len;
	}
	return n > 0 ? buf : "-";
}
