/* SPDX-License-Identifier: BSD-2-Clause */
/* Opening the store a policy names: the one place that turns the store_*,
 * ldap_* and password_ldap_* keys into the configurations of libsspr. */
#ifndef SSPR_POLICY_STORE_H
#define SSPR_POLICY_STORE_H

#include "passwd_directory.h"
#include "policy.h"
#include "store.h"

/* Fills cfg from pol; its strings point into pol. */
void sspr_policy_store_config(const struct sspr_policy *pol, struct sspr_store_config *cfg);

/* Fills cfg for password_backend = ldap or kerberos from pol; its strings
 * point into pol. The LDAP writer reaches the store's servers unless
 * password_ldap_uri names its own, with the store's CA and timeout. */
void sspr_policy_passwd_directory_config(const struct sspr_policy *pol,
					 struct sspr_passwd_directory_config *cfg);

/* What to call the store in messages: the directory of an LMDB store, the
 * base DN of a directory one. */
const char *sspr_policy_store_name(const struct sspr_policy *pol);

/* sspr_store_open on the store pol names. For a directory store, it also
 * sets this host's "unreachable" mark when no server answers and clears it
 * when one does (directory_down.h). */
int sspr_policy_open_store(const struct sspr_policy *pol, unsigned flags, struct sspr_store **out,
			   struct sspr_error *err);

#endif
