/* SPDX-License-Identifier: BSD-2-Clause */
/* The account hook: remind eligible users who have not enrolled, and
 * enforce registration = require (front part; the record is read by the
 * engine's reminder.c). */
#ifndef SSPR_ACCOUNT_H
#define SSPR_ACCOUNT_H

#include <security/pam_modules.h>

#include "options.h"

/* PAM_IGNORE, or PAM_PERM_DENIED when registration = require and the
 * user's grace is over; a reminder, and any error of ours, never fails a
 * login. */
int sspr_account_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts);

#endif
