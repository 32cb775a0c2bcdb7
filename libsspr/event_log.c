/* SPDX-License-Identifier: BSD-2-Clause */
/* Audit events as syslog lines (see event_log.h). Every field is bounded
 * by the event's own limits and holds no secret: events never do. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "event_log.h"
#include "store.h"

/* Appends s to the line at *n, "-" when empty. No control byte passes,
 * and in a key's value (every field but detail and the leading words)
 * neither does a space or '=': a service or remote host name must not be
 * able to add a key of its own for a parser that splits on them. */
static void put(char *buf, size_t size, size_t *n, const char *s, bool value)
{
	if (s == NULL || s[0] == '\0')
		s = "-";
	for (; *s != '\0' && *n + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;

		buf[(*n)++] = (char)(c < 0x20 || c == 0x7f || (value && (c == ' ' || c == '='))
					 ? '?'
					 : c);
	}
	buf[*n] = '\0';
}

const char *sspr_log_line(const struct sspr_log_fields *f, char *buf, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	put(buf, size, &n, f->what, false);
	put(buf, size, &n, " ", false);
	put(buf, size, &n, f->result, true);
	put(buf, size, &n, ": user=", false);
	put(buf, size, &n, f->user, true);
	put(buf, size, &n, " service=", false);
	put(buf, size, &n, f->service, true);
	if (f->rhost != NULL) {
		put(buf, size, &n, " rhost=", false);
		put(buf, size, &n, f->rhost, true);
	}
	put(buf, size, &n, " method=", false);
	put(buf, size, &n, f->method, true);
	if (f->detail != NULL && f->detail[0] != '\0') {
		put(buf, size, &n, " detail=", false);
		put(buf, size, &n, f->detail, false);
	}
	return buf;
}

static int log_priority(const char *result)
{
	return strcmp(result, "success") == 0 ? LOG_NOTICE : LOG_WARNING;
}

void sspr_log_syslog(const struct sspr_log_fields *f)
{
	char line[SSPR_LOG_LINE_MAX];

	syslog(LOG_AUTHPRIV | log_priority(f->result != NULL ? f->result : ""), "%s",
	       sspr_log_line(f, line, sizeof(line)));
}

static void log_event(const struct sspr_event *ev)
{
	const struct sspr_log_fields f = {
	    .what = ev->action,
	    .result = ev->result,
	    .user = ev->user,
	    .service = ev->service,
	    .method = ev->method,
	    .detail = ev->detail,
	};

	sspr_log_syslog(&f);
}

void sspr_event_log_start(const char *ident)
{
	openlog(ident, LOG_PID, LOG_AUTHPRIV);
	sspr_store_observe_events(log_event);
}
