/* SPDX-License-Identifier: BSD-2-Clause */
/* Audit events as syslog lines: one format for the module and the tools,
 * "WHAT RESULT: user=U service=S [rhost=R ]method=M[ detail=D]" on
 * authpriv, the same fields the store keeps ("-" for an empty one). The
 * module writes the line through pam_syslog, the tools through syslog. */
#ifndef SSPR_EVENT_LOG_H
#define SSPR_EVENT_LOG_H

#include <stddef.h>

#include "event.h"

/* The fields of one line. rhost NULL: a tool's line, which has none. */
struct sspr_log_fields {
	const char *what;   /* "password reset", or the event's action */
	const char *result;
	const char *user;
	const char *service;
	const char *rhost;
	const char *method;
	const char *detail;
};

#define SSPR_LOG_LINE_MAX 1024
/* The line into buf (cut to size); returns buf. Control bytes become '?',
 * and so do spaces and '=' inside a key's value (detail keeps its spaces). */
const char *sspr_log_line(const struct sspr_log_fields *f, char *buf, size_t size);

/* The line of f through syslog(3) on authpriv, LOG_NOTICE for a success and
 * LOG_WARNING for anything else: for
 * the tools (the module writes its lines through pam_syslog). */
void sspr_log_syslog(const struct sspr_log_fields *f);

/* openlog(ident, LOG_PID, LOG_AUTHPRIV) and registers the store observer
 * that logs every committed event. */
void sspr_event_log_start(const char *ident);

#endif
