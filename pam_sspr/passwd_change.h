/* The password change itself, delegated to the system's own password
 * stack (password_service, "sspr-passwd" by default) so pam_unix, pam_sss
 * and pam_pwquality keep deciding what a good password is and where it
 * lives. */
#ifndef SSPR_PASSWD_CHANGE_H
#define SSPR_PASSWD_CHANGE_H

#include "session.h"

/* Runs pam_start(password_service) + pam_chauthtok + pam_end with the
 * caller's conversation; returns the PAM status of pam_chauthtok. On
 * failure, why says what failed (for the outcome's log line). */
int sspr_change_password(struct sspr_session *s, char *why, size_t why_size);

#endif
