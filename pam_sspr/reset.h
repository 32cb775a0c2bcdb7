/* The reset dialog: who may reset, which challenge, then the change. */
#ifndef SSPR_RESET_H
#define SSPR_RESET_H

#include <security/pam_modules.h>

#include "options.h"

/* Runs a whole reset for the PAM user. PAM_SUCCESS only when the user
 * proved who they are, the password was changed and login_after_reset is
 * yes; PAM_AUTH_ERR otherwise (the user has been told why). */
int sspr_reset_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts);

#endif
