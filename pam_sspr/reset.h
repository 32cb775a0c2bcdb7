/* SPDX-License-Identifier: BSD-2-Clause */
/* The reset dialog: who may reset, which challenge, then the change. */
#ifndef SSPR_RESET_H
#define SSPR_RESET_H

#include <security/pam_modules.h>

#include "options.h"

/* Runs a whole reset (or, with unlock = yes and the user's choice, an
 * unlock) for the PAM user. With trigger=offer it first asks whether to
 * reset at all, and only where the policy offers resets.
 *
 * The module never decides a login itself: PAM_IGNORE when the user proved
 * who they are and the change (or unlock) is done, with the new password
 * handed on as PAM_AUTHTOK for the next module to check (none after an
 * unlock, or with login_after_reset = no: the next module asks); the rest
 * of the stack, a second factor included, then runs as for any login.
 * PAM_AUTH_ERR otherwise (the user has been told why). */
int sspr_reset_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts);

#endif
