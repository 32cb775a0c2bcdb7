/* SPDX-License-Identifier: BSD-2-Clause */
/* The password change itself, delegated to the system's own password
 * stack (password_service, "sspr-passwd" by default) so pam_unix,
 * pam_pwquality and pam_pwhistory keep deciding what a good password is
 * and where it lives. */
#ifndef SSPR_PASSWD_CHANGE_H
#define SSPR_PASSWD_CHANGE_H

#include <stddef.h>

#include "session.h"

/* pam_start(password_service) for the user, before any challenge: a
 * service libpam cannot start refuses the reset before a code is spent.
 * Done for everyone alike (strangers too), so it costs the same. Returns
 * a PAM status; why says what failed. */
int sspr_passwd_open(struct sspr_session *s, char *why, size_t why_size);

/* pam_chauthtok on the opened service with the caller's conversation, as
 * root in both real and effective uid (a setuid-root caller such as sudo,
 * su or pkexec runs with the user's real uid, which makes pam_unix and
 * pam_pwquality treat the change as the user's own and ask for the current
 * password). On success *new_password (may be NULL) gets the password the
 * user set, in memory the caller releases with sspr_passwd_forget(); NULL
 * when it could not be told. Returns the PAM status. */
int sspr_passwd_change(struct sspr_session *s, char **new_password, char *why, size_t why_size);

/* pam_end of the service, if open. */
void sspr_passwd_close(struct sspr_session *s);

/* Wipes and frees a password from sspr_passwd_change(). */
void sspr_passwd_forget(char *password);

#endif
