/* SPDX-License-Identifier: BSD-2-Clause */
/* The engine linked in instead of loaded: sspr_engine_get hands out the
 * engine's own table, as the front's loader (engine_load.c) does once it
 * has checked the shared object. For what runs the module's code without
 * the plugin directory: the dialog fuzzer (a stubbed libpam and a wrapped
 * allocator) and pam_sspr_uninstalled.so, which the tests of a build whose
 * plugin directory is elsewhere load (pam_sspr/meson.build). Never
 * installed. */
#include "engine.h"

extern const struct sspr_engine sspr_engine;

const struct sspr_engine *sspr_engine_get(pam_handle_t *pamh)
{
	(void)pamh;
	return &sspr_engine;
}
