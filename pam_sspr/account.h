/* The account hook: remind eligible users who have not enrolled. */
#ifndef SSPR_ACCOUNT_H
#define SSPR_ACCOUNT_H

#include <security/pam_modules.h>

#include "options.h"

/* Always PAM_IGNORE: a reminder never fails a login. */
int sspr_account_run(pam_handle_t *pamh, int flags, const struct sspr_options *opts);

#endif
