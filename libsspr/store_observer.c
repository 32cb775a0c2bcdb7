/* The committed-event observer of store.h, shared by every backend. */
#include "store.h"

static sspr_store_event_observer observer;

void sspr_store_observe_events(sspr_store_event_observer fn)
{
	observer = fn;
}

void sspr_store_event_committed(const struct sspr_event *ev)
{
	if (observer != NULL)
		observer(ev);
}
