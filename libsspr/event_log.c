/* Committed events to syslog (see event_log.h). Every field is bounded by
 * the event's own limits and holds no secret: events never do. */
#include <string.h>
#include <syslog.h>

#include "event_log.h"
#include "store.h"

static const char *or_dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

static void log_event(const struct sspr_event *ev)
{
	int priority = strcmp(ev->result, "success") == 0 ? LOG_NOTICE : LOG_WARNING;

	syslog(LOG_AUTHPRIV | priority, "%s %s: user=%s service=%s method=%s%s%s", ev->action,
	       or_dash(ev->result), or_dash(ev->user), or_dash(ev->service), or_dash(ev->method),
	       ev->detail[0] != '\0' ? " detail=" : "", ev->detail);
}

void sspr_event_log_start(const char *ident)
{
	openlog(ident, LOG_PID, LOG_AUTHPRIV);
	sspr_store_observe_events(log_event);
}
