/* SPDX-License-Identifier: BSD-2-Clause */
/* Whether a PAM service may be the delegated method (methods =
 * pam:SERVICE): the one judgement the module makes before it runs the
 * service and sspr-admin doctor makes when it reports on it, so the two
 * never disagree. */
#ifndef SSPR_DELEGATED_STACK_H
#define SSPR_DELEGATED_STACK_H

#include <stdbool.h>
#include <stddef.h>

/* False, with the reason in why ("... : the method is unavailable" is the
 * caller's), when the auth stack of `service` in the PAM directory `dir`
 * (NULL: libpam's) would not be a check of the user's: no file of its own
 * (libpam would run "other", on Debian the password login), no auth line
 * (libpam would run other's auth stack), pam_sspr itself (a reset inside
 * the reset), pam_permit, pam_rootok (which passes anyone in a root
 * process), an include it cannot follow (lines it cannot check), or an
 * argument that lets a user the module does not know pass (nouserok,
 * alwaysok, nullok, failmode=safe). */
bool sspr_delegated_stack_usable(const char *dir, const char *service, char *why, size_t size);

#endif
