/* SPDX-License-Identifier: BSD-2-Clause */
/* A failure's message (cli/report.h: "sspr-admin: what failed: why" on
 * stderr) and its exit code (cli_exit_status) in one call. */
#include <stdarg.h>
#include <stdio.h>

#include "admin.h"

int admin_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vreport("", fmt, ap);
	va_end(ap);
	return cli_exit_status(status);
}

int admin_lib_error(int status, const struct sspr_error *err, const char *what)
{
	/* The library's message already names the path or user it is about;
	 * without one, say what we were doing and the generic reason. */
	if (err != NULL && err->msg[0] != '\0')
		return admin_error(status, "%s", err->msg);
	return admin_error(status, "%s: %s", what, sspr_strerror(status));
}

int admin_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vreport("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", ADMIN_PROG);
	return SSPR_EXIT_USAGE;
}
