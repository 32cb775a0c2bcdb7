/* SPDX-License-Identifier: BSD-2-Clause */
/* Remembering on this host that the directory a policy names could not be
 * reached, so the account hook's reminders do not make every login wait
 * ldap_timeout while it is down or silent: one login in ldap_retry_after
 * seconds asks it, the others skip the reminder. Resets never consult the
 * mark: they always ask the directory (and fail closed). */
#ifndef SSPR_DIRECTORY_DOWN_H
#define SSPR_DIRECTORY_DOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

/* True when a mark for pol's ldap_uri exists in lock_dir and is younger
 * than ldap_retry_after seconds; *since (may be NULL) is when it was set.
 * False for a policy without a directory store or with ldap_retry_after 0,
 * and whenever the mark cannot be read. */
bool sspr_directory_down_recently(const struct sspr_policy *pol, int64_t now, int64_t *since);

/* Sets the mark (reachable false) or removes it (reachable true). Only a
 * process that may write lock_dir (root's, 0700) can; others, and any
 * failure, leave things as they were: the mark only saves time. */
void sspr_directory_note(const struct sspr_policy *pol, bool reachable);

#endif
