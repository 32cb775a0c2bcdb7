/* Audit events as syslog lines (see event_log.h). Every field is bounded
 * by the event's own limits and holds no secret: events never do. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "event_log.h"
#include "store.h"

static const char *or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

const char *sspr_log_line(const struct sspr_log_fields *f, char *buf, size_t size)
{
	bool detail = f->detail != NULL && f->detail[0] != '\0';

	(void)snprintf(buf, size, "%s %s: user=%s service=%s%s%s method=%s%s%s", f->what,
		       or_dash(f->result), or_dash(f->user), or_dash(f->service),
		       f->rhost != NULL ? " rhost=" : "", f->rhost != NULL ? or_dash(f->rhost) : "",
		       or_dash(f->method), detail ? " detail=" : "", detail ? f->detail : "");
	return buf;
}

int sspr_log_priority(const char *result)
{
	return strcmp(result, "success") == 0 ? LOG_NOTICE : LOG_WARNING;
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
	char line[SSPR_LOG_LINE_MAX];

	syslog(LOG_AUTHPRIV | sspr_log_priority(ev->result), "%s", sspr_log_line(&f, line, sizeof(line)));
}

void sspr_event_log_start(const char *ident)
{
	openlog(ident, LOG_PID, LOG_AUTHPRIV);
	sspr_store_observe_events(log_event);
}
