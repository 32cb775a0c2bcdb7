/* SPDX-License-Identifier: BSD-2-Clause */
/* Messages and exit codes of the tools (report.h, exit.h). */
#include <stdio.h>

#include "exit.h"
#include "report.h"
#include "safe_text.h"
#include "status.h"

static const char *program = "pam_sspr";

void cli_set_program(const char *prog)
{
	program = prog;
}

const char *cli_program(void)
{
	return program;
}

int cli_exit_status(int status)
{
	switch (status) {
	case SSPR_OK:
	case SSPR_NOCHANGE:
	case SSPR_DELETE:
		return SSPR_EXIT_OK;
	case SSPR_EACCES:
		return SSPR_EXIT_DENIED;
	case SSPR_EBADCODE:
	case SSPR_EREPLAY:
		return SSPR_EXIT_AUTH;
	default:
		return SSPR_EXIT_ERROR;
	}
}

void cli_vreport(const char *prefix, const char *fmt, va_list ap)
{
	char text[2 * SSPR_ERROR_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(stderr, "%s: %s", program, prefix);
	sspr_text_print_safe(stderr, text);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vreport("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vreport("warning: ", fmt, ap);
	va_end(ap);
}

const char *cli_quote_arg(const char *arg, char *buf, size_t size)
{
	size_t n = 0;

	/* Arguments may hold terminal escapes or be huge. */
	for (; arg[n] != '\0' && n + 4 < size && n < CLI_QUOTE_MAX; n++) {
		unsigned char c = (unsigned char)arg[n];

		buf[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (arg[n] != '\0' && n + 3 < size) {
		buf[n++] = '.';
		buf[n++] = '.';
		buf[n++] = '.';
	}
	buf[n] = '\0';
	return buf;
}
