/* SPDX-License-Identifier: BSD-2-Clause */
/* Audit events as syslog lines: one format for the module and the tools,
 * on authpriv, the same fields the store keeps plus who asked, as pam_unix
 * has them:
 *
 *   WHAT RESULT: user=U uid=N service=S [rhost=H tty=T ruser=R ]method=M[ detail=D]
 *
 * Every value is one token for a key=value parser: written bare when it
 * holds only letters, digits and . _ - + : / @ , % ~ #, in double quotes
 * (with \" and \\ inside) when it holds anything else, "-" when it is
 * empty. Bytes outside printable ASCII become '?'. uid is the real uid of
 * the process (for sudo and su, the caller's). The module writes the line
 * through pam_syslog, the tools through syslog. */
#ifndef SSPR_EVENT_LOG_H
#define SSPR_EVENT_LOG_H

#include <stddef.h>

#include "event.h"

/* The fields of one line. rhost NULL: a tool's line, without tty, ruser
 * and rhost. */
struct sspr_log_fields {
	const char *what;   /* "password reset", or the event's action */
	const char *result;
	const char *user;
	const char *service;
	const char *tty;    /* PAM_TTY */
	const char *ruser;  /* PAM_RUSER */
	const char *rhost;
	const char *method;
	const char *detail;
};

#define SSPR_LOG_LINE_MAX 1024
/* The line into buf; returns buf. A line longer than size is cut at a
 * value's end, never inside a quoted value. */
const char *sspr_log_line(const struct sspr_log_fields *f, char *buf, size_t size);

/* The line of f through syslog(3) on authpriv, LOG_NOTICE for a success and
 * LOG_WARNING for anything else: for
 * the tools (the module writes its lines through pam_syslog). */
void sspr_log_syslog(const struct sspr_log_fields *f);

/* openlog(ident, LOG_PID, LOG_AUTHPRIV) and registers the store observer
 * that logs every committed event. */
void sspr_event_log_start(const char *ident);

#endif
