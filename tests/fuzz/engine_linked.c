/* The dialog harness links the engine in: sspr_engine_get hands out the
 * engine's own table, as the front's loader does once it has checked the
 * shared object (pam_sspr/engine_load.c), without a dlopen the stubbed
 * libpam and the wrapped allocator would get in the way of. */
#include "engine.h"

extern const struct sspr_engine sspr_engine;

const struct sspr_engine *sspr_engine_get(pam_handle_t *pamh)
{
	(void)pamh;
	return &sspr_engine;
}
