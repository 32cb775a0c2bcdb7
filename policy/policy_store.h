/* SPDX-License-Identifier: BSD-2-Clause */
/* Opening the store a policy names: the one place that turns the store_*
 * and ldap_* keys into a struct sspr_store_config. */
#ifndef SSPR_POLICY_STORE_H
#define SSPR_POLICY_STORE_H

#include "policy.h"
#include "store.h"

/* Fills cfg from pol; its strings point into pol. */
void sspr_policy_store_config(const struct sspr_policy *pol, struct sspr_store_config *cfg);

/* What to call the store in messages: the directory of an LMDB store, the
 * base DN of a directory one. */
const char *sspr_policy_store_name(const struct sspr_policy *pol);

/* sspr_store_open on the store pol names. For a directory store, it also
 * sets this host's "unreachable" mark when no server answers and clears it
 * when one does (directory_down.h). */
int sspr_policy_open_store(const struct sspr_policy *pol, unsigned flags, struct sspr_store **out,
			   struct sspr_error *err);

#endif
