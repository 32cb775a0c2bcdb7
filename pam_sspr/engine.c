/* SPDX-License-Identifier: BSD-2-Clause */
/* The engine's one export (engine.h): its entry points, and what the front
 * checks them against. Each entry initialises libsodium first: the front
 * never touches it, and everything in the engine (guarded memory, the
 * random draws) relies on it, decoys included. */
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "config.h"
#include "conv.h"
#include "engine.h"
#include "reminder.h"
#include "reset.h"

static int engine_reset(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	if (sodium_init() < 0) {
		pam_syslog(pamh, LOG_ERR, "password reset unavailable: libsodium failed to initialise");
		if (!(flags & PAM_SILENT) && opts->trigger == SSPR_TRIGGER_EMPTY)
			sspr_conv_say(pamh, PAM_ERROR_MSG, "%s", _(SSPR_MSG_UNAVAILABLE));
		return PAM_AUTH_ERR;
	}
	return sspr_reset_run(pamh, flags, opts);
}

static int engine_account(pam_handle_t *pamh, int flags, const struct sspr_options *opts,
			  const struct sspr_policy *pol, const struct sspr_rule *rule,
			  const char *user)
{
	if (sodium_init() < 0) {
		pam_syslog(pamh, LOG_ERR, "account check skipped: libsodium failed to initialise");
		return PAM_IGNORE;
	}
	return sspr_reminder_run(pamh, flags, opts, pol, rule, user);
}

__attribute__((visibility("default"))) const struct sspr_engine sspr_engine = {
    .abi = SSPR_ENGINE_ABI,
    .version = SSPR_VERSION,
    .policy_size = sizeof(struct sspr_policy),
    .options_size = sizeof(struct sspr_options),
    .reset = engine_reset,
    .account = engine_account,
};
