/* SPDX-License-Identifier: BSD-2-Clause */
/* With a directory store, what the account hook last read of a registered
 * user (struct sspr_registration_summary), kept on the host for
 * ldap_reminder_cache seconds, so an ordinary login of a registered user
 * reads a local file instead of opening a TLS connection to the directory
 * (and waiting on it when it is slow). Only registered users are kept: a
 * user the summary would remind, or whom registration = require would
 * refuse, is always looked up afresh, so neither a reminder nor a refusal
 * is ever based on an old read. */
#ifndef SSPR_REMINDER_CACHE_H
#define SSPR_REMINDER_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "eligibility.h"
#include "policy.h"

/* True when a summary for user, read from the directory less than
 * ldap_reminder_cache seconds before now, is kept and says the user is
 * registered under pol and their rule; *sum is then that summary. False
 * for a policy without a directory store or with ldap_reminder_cache 0. */
bool sspr_reminder_cache_get(const struct sspr_policy *pol, const struct sspr_rule *rule,
			     const char *user, int64_t now, struct sspr_registration_summary *sum);

/* Keeps sum (read from the directory at now) when it says the user is
 * registered, removes the user's entry otherwise (sum NULL: no record).
 * Failures are ignored: the cache only saves time. */
void sspr_reminder_cache_put(const struct sspr_policy *pol, const struct sspr_rule *rule,
			     const char *user, int64_t now,
			     const struct sspr_registration_summary *sum);

#endif
