/* SPDX-License-Identifier: BSD-2-Clause */
/* password_backend = ldap or kerberos: the new password goes to the
 * account in the directory or at the KDC (passwd_directory.h) rather than
 * through this host's password stack, which on a host whose accounts come
 * from there cannot set it (SSSD's pam_sss refuses a change made by root).
 * The directory's password policy decides what a good password is. */
#ifndef SSPR_PASSWD_WRITEBACK_H
#define SSPR_PASSWD_WRITEBACK_H

#include <stddef.h>

#include "passwd_directory.h"
#include "session.h"

/* The account's state in the directory, looked up for every name alike
 * before any challenge (so it costs a stranger what it costs a user).
 * SSPR_OK with *state, or a status with why (the directory is unreachable,
 * the backend is not installed, the writer's password file is unsafe). */
int sspr_writeback_account(struct sspr_session *s, enum sspr_directory_account *state,
			   char *why, size_t why_size);

/* Asks for the new password (twice), and sets it in the directory; a
 * password the directory's policy refuses is said so ("BAD PASSWORD: ...")
 * and asked again, three tries in all. The account is judged again right
 * before the change. PAM_SUCCESS with *new_password (release with
 * sspr_passwd_forget()); PAM_PERM_DENIED when the account is now disabled
 * or gone; another PAM status with why otherwise. */
int sspr_writeback_change(struct sspr_session *s, char **new_password, char *why,
			  size_t why_size);

#endif
