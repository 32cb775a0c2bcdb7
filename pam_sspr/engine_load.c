/* SPDX-License-Identifier: BSD-2-Clause */
/* The front's loader of the engine (engine.h). A failure is logged every
 * time it is met and leaves the caller to refuse the reset or skip the
 * reminder: an ordinary login never depends on the engine. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "config.h"
#include "engine.h"
#include "plugin.h"

#define ENGINE_PATH SSPR_PLUGIN_DIR "/" SSPR_ENGINE_FILE

const struct sspr_engine *sspr_engine_get(pam_handle_t *pamh)
{
	static const struct sspr_plugin_kind kind = {
	    .what = "the reset engine",
	    .missing_hint = "the pam_sspr package installs it next to the module's other "
			    "parts; resets and reminders need it",
	};
	/* Kept for the process: the engine is loaded for good (plugin.h). */
	static const struct sspr_engine *engine;
	struct sspr_error err = {{0}};
	const struct sspr_engine *e;
	void *sym = NULL;

	if (engine != NULL)
		return engine;
	if (sspr_plugin_load(ENGINE_PATH, SSPR_ENGINE_SYMBOL, &kind, &sym, &err) != SSPR_OK) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		return NULL;
	}
	e = sym;
	/* Nothing past abi is read unless abi matches: another layout may
	 * hold anything there. */
	if (e->abi != SSPR_ENGINE_ABI) {
		pam_syslog(pamh, LOG_ERR, "%s: not the reset engine of pam_sspr %s (interface %u, "
			   "expected %u)", ENGINE_PATH, SSPR_VERSION, e->abi, SSPR_ENGINE_ABI);
		return NULL;
	}
	if (e->version == NULL || strcmp(e->version, SSPR_VERSION) != 0 ||
	    e->policy_size != sizeof(struct sspr_policy) ||
	    e->options_size != sizeof(struct sspr_options) || e->reset == NULL ||
	    e->account == NULL) {
		pam_syslog(pamh, LOG_ERR, "%s: not the reset engine of pam_sspr %s (version %.32s)",
			   ENGINE_PATH, SSPR_VERSION, e->version != NULL ? e->version : "unknown");
		return NULL;
	}
	engine = e;
	return engine;
}
