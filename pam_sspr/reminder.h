/* SPDX-License-Identifier: BSD-2-Clause */
/* The account hook's reminders and requirement, in the engine (engine.h). */
#ifndef SSPR_REMINDER_H
#define SSPR_REMINDER_H

#include <security/pam_modules.h>

#include "eligibility.h"
#include "options.h"
#include "policy.h"

/* For user, whom the front found eligible under pol (registration is not
 * "no") and whose rule it found: PAM_IGNORE, or PAM_PERM_DENIED when
 * registration = require and the grace is over. */
int sspr_reminder_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts,
		      const struct sspr_policy *pol, const struct sspr_rule *rule,
		      const char *user);

#endif
