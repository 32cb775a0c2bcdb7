/* Messages and exit codes: every failure is reported here as
 * "sspr-admin: what failed: why" on stderr, and every library status becomes
 * an exit code in admin_exit_status() and nowhere else. */
#include <stdarg.h>
#include <stdio.h>

#include "admin.h"
#include "safe_text.h"

int admin_exit_status(int status)
{
	switch (status) {
	case SSPR_OK:
	case SSPR_NOCHANGE:
	case SSPR_DELETE:
		return ADMIN_EXIT_OK;
	case SSPR_EACCES:
		return ADMIN_EXIT_DENIED;
	case SSPR_EBADCODE:
	case SSPR_EREPLAY:
		return ADMIN_EXIT_AUTH;
	default:
		return ADMIN_EXIT_ERROR;
	}
}

/* The format attribute lets the compiler check the callers' formats
 * through this helper too (clang's -Wformat-nonliteral asks for it). */
static void vreport(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char text[2 * SSPR_ERROR_MAX];

	/* Messages carry what a directory server or a file said: shown
	 * with every control neutralised, as store content is. */
	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(stderr, "%s: %s", ADMIN_PROG, prefix);
	sspr_text_print_safe(stderr, text);
	fputc('\n', stderr);
}

int admin_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return admin_exit_status(status);
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
	vreport("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", ADMIN_PROG);
	return ADMIN_EXIT_USAGE;
}

void admin_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

const char *admin_quote_arg(const char *arg, char *buf, size_t size)
{
	size_t n = 0;

	/* Arguments may hold terminal escapes or be huge; an error message
	 * shows at most a short, printable prefix. */
	for (; arg[n] != '\0' && n + 4 < size && n < ADMIN_QUOTE_MAX; n++) {
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
