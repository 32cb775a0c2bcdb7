/* SPDX-License-Identifier: BSD-2-Clause */
/* See robust_tap.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "robust_tap.h"

int tap_checks, tap_failed;

void tap_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_checks++;
	if (!ok)
		tap_failed++;
	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void tap_die(const char *what)
{
	fprintf(stderr, "%s\n", what);
	exit(99);
}

void tap_write(const char *dir, const char *name, const char *text, const char *mode)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, mode);
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		tap_die("cannot write a test file");
	chmod(path, 0644);
}
