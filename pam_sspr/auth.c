/* SPDX-License-Identifier: BSD-2-Clause */
/* Deciding whether this login is a reset. Nothing here reads the policy,
 * the store or the key: an ordinary login costs one prompt and touches no
 * file of ours, so nothing of ours can break it. A reset is the engine's
 * (engine.h), loaded only now. */
#include <stddef.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "auth.h"
#include "challenge.h"
#include "conv.h"
#include "dialog_locale.h"
#include "engine.h"

/* Without the engine there is no reset, and the password module asks
 * afresh. With trigger=offer nothing was asked yet, so nothing is said.
 * The reset speaks the user's language (dialog_locale.h), prompts of the
 * password service it runs included; an ordinary login's prompt stays the
 * application's. */
static int run_reset(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	const struct sspr_engine *engine = sspr_engine_get(pamh);
	struct sspr_locale lang;
	int r = PAM_AUTH_ERR;

	sspr_locale_enter(pamh, &lang);
	if (engine != NULL)
		r = engine->reset(pamh, flags, opts);
	else if (opts->trigger == SSPR_TRIGGER_EMPTY && !(flags & PAM_SILENT))
		sspr_conv_say(pamh, PAM_ERROR_MSG, "%s", _(SSPR_MSG_UNAVAILABLE));
	sspr_locale_done(&lang);
	return r;
}

static int trigger_empty(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	const char *password = NULL;
	int r;

	/* Asks "Password: " unless an earlier module already has the answer;
	 * the answer is left in PAM_AUTHTOK for the next module. */
	r = pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL);
	if (r != PAM_SUCCESS)
		return r;
	if (password != NULL && password[0] != '\0')
		return PAM_IGNORE;
	/* An empty password is the request. Drop it so that, if the reset
	 * does not log the user in, the password module asks afresh. */
	(void)pam_set_item(pamh, PAM_AUTHTOK, NULL);
	return run_reset(pamh, flags, opts);
}

int sspr_auth_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts)
{
	/* The earlier module failed; reset.c asks "Forgot your password?"
	 * where the policy offers resets. */
	if (opts->trigger == SSPR_TRIGGER_OFFER)
		return run_reset(pamh, flags, opts);
	return trigger_empty(pamh, flags, opts);
}
