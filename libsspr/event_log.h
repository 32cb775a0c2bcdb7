/* Audit events as syslog lines, for the tools (the module writes its own
 * through pam_syslog): "ACTION RESULT: user=U service=S method=M
 * [detail=D]" on authpriv, the same fields the store keeps. */
#ifndef SSPR_EVENT_LOG_H
#define SSPR_EVENT_LOG_H

#include "event.h"

/* openlog(ident, LOG_PID, LOG_AUTHPRIV) and registers the store observer
 * that logs every committed event. */
void sspr_event_log_start(const char *ident);

#endif
