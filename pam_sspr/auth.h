/* SPDX-License-Identifier: BSD-2-Clause */
/* The auth hook's two ways in: an empty password (trigger=empty) or a
 * yes to "Forgot your password?" (trigger=offer). */
#ifndef SSPR_AUTH_H
#define SSPR_AUTH_H

#include <security/pam_modules.h>

#include "options.h"

int sspr_auth_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts);

#endif
