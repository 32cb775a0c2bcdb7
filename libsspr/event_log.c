/* SPDX-License-Identifier: BSD-2-Clause */
/* Audit events as syslog lines (see event_log.h). Every field is bounded
 * by the event's own limits and holds no secret: events never do. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "event_log.h"
#include "store.h"

struct line {
	char *buf;
	size_t size, n;
	bool full; /* a piece did not fit: nothing more is added */
};

/* Appends text as it is (the fixed words of the line). */
static void put_word(struct line *l, const char *text)
{
	size_t len = strlen(text);

	if (l->full || l->n + len >= l->size) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->n, text, len + 1);
	l->n += len;
}

static bool bare_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._-+:/@,%~#", c) != NULL;
}

/* Appends " key=value", the value bare, quoted or "-" (event_log.h). Built
 * aside and added whole: a line cut short ends after a value, never inside
 * quotes or after a key without its value. */
static void put_field(struct line *l, const char *key, const char *s)
{
	char field[SSPR_LOG_LINE_MAX];
	size_t n;
	bool bare = true;

	n = (size_t)snprintf(field, sizeof(field), " %s=", key);
	if (s == NULL || s[0] == '\0')
		s = "-";
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		bare = bare && bare_byte(*p);
	if (!bare)
		field[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		unsigned char c = *p < 0x20 || *p >= 0x7f ? '?' : *p;

		if (n + 4 >= sizeof(field))
			break;
		if (c == '"' || c == '\\')
			field[n++] = '\\';
		field[n++] = (char)c;
	}
	if (!bare)
		field[n++] = '"';
	field[n] = '\0';
	put_word(l, field);
}

const char *sspr_log_line(const struct sspr_log_fields *f, char *buf, size_t size)
{
	struct line l = {.buf = buf, .size = size};
	char uid[24];

	if (size == 0)
		return buf;
	buf[0] = '\0';
	/* The leading words are the project's own ("password reset", an
	 * action, a result), never taken from the caller. */
	put_word(&l, f->what != NULL ? f->what : "-");
	put_word(&l, " ");
	put_word(&l, f->result != NULL && f->result[0] != '\0' ? f->result : "-");
	put_word(&l, ":");
	put_field(&l, "user", f->user);
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)getuid());
	put_field(&l, "uid", uid);
	put_field(&l, "service", f->service);
	/* rhost before tty and ruser: user names are plain and the service is
	 * bounded, so the host always fits in the line, however long the
	 * values after it are (a filter keys on it). */
	if (f->rhost != NULL) {
		put_field(&l, "rhost", f->rhost);
		put_field(&l, "tty", f->tty);
		put_field(&l, "ruser", f->ruser);
	}
	put_field(&l, "method", f->method);
	if (f->detail != NULL && f->detail[0] != '\0')
		put_field(&l, "detail", f->detail);
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
