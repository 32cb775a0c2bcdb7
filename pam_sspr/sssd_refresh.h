/* SPDX-License-Identifier: BSD-2-Clause */
/* After a reset set the password in the directory or at the KDC: on a host
 * whose accounts SSSD serves, SSSD must learn of it at once. Until then its
 * cache holds the account as last read and, with cache_credentials, a hash
 * of the old password, which it accepts for every offline login (and for
 * online ones within cached_auth_timeout). */
#ifndef SSPR_SSSD_REFRESH_H
#define SSPR_SSSD_REFRESH_H

#include <security/pam_modules.h>

/* The PAM service the refresh authenticates through: pam_sss alone
 * (pam.d/sspr-sssd). Interface: admins may adjust its options. */
#define SSPR_SSSD_SERVICE "sspr-sssd"
/* The bound on each step of the refresh, in seconds. */
#define SSPR_SSSD_REFRESH_TIMEOUT 5

/* Nothing unless SSSD runs here (its privileged PAM pipe exists). Then:
 * `sss_cache -u USER` expires what SSSD cached of the account, and one
 * authentication of the user with the new password through
 * SSPR_SSSD_SERVICE makes SSSD check it online and cache it in place of
 * the old one. Each step runs in a child killed after
 * SSPR_SSSD_REFRESH_TIMEOUT seconds. The reset is done either way: a
 * failure is logged, with what it leaves (the old password may still open
 * an offline login until the user's next online one). */
void sspr_sssd_refresh(pam_handle_t *pamh, const char *user, const char *new_password);

#endif
