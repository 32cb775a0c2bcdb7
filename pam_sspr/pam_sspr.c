/* SPDX-License-Identifier: BSD-2-Clause */
/* PAM entry points. Each parses the module arguments once and hands over;
 * no logic lives here. The password hook is deliberately absent: password
 * changes belong to the system's own password stack. */
#include <security/pam_modules.h>

#include "account.h"
#include "auth.h"
#include "options.h"

#define SSPR_EXPORT __attribute__((visibility("default")))

SSPR_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct sspr_options opts;

	sspr_options_parse(pamh, argc, argv, &opts);
	return sspr_auth_run(pamh, flags, &opts);
}

/* Nothing to set: ignoring keeps the rest of the stack's setcred running. */
SSPR_EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

SSPR_EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct sspr_options opts;

	sspr_options_parse(pamh, argc, argv, &opts);
	return sspr_account_run(pamh, flags, &opts);
}
