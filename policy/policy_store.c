/* SPDX-License-Identifier: BSD-2-Clause */
/* The store a policy names. */
#include "directory_down.h"
#include "policy_store.h"

void sspr_policy_store_config(const struct sspr_policy *pol, struct sspr_store_config *cfg)
{
	*cfg = (struct sspr_store_config){
	    .backend = pol->store_backend,
	    .dir = pol->store,
	    .ldap_uri = pol->ldap_uri,
	    .ldap_base = pol->ldap_base,
	    .ldap_bind_dn = pol->ldap_bind_dn,
	    .ldap_bind_password_file = pol->ldap_bind_password_file,
	    .ldap_tls_cacert = pol->ldap_tls_cacert,
	    .ldap_timeout = pol->ldap_timeout,
	    .store_wait_ms = pol->store_wait * 1000,
	    .event_retention_days = pol->event_retention_days,
	};
}

void sspr_policy_passwd_directory_config(const struct sspr_policy *pol,
					 struct sspr_passwd_directory_config *cfg)
{
	*cfg = (struct sspr_passwd_directory_config){
	    .conn =
		{
		    .backend = SSPR_BACKEND_LDAP,
		    .ldap_uri = pol->password_ldap_uri[0] != '\0' ? pol->password_ldap_uri
								  : pol->ldap_uri,
		    .ldap_base = pol->password_ldap_base,
		    .ldap_bind_dn = pol->password_ldap_bind_dn,
		    .ldap_bind_password_file = pol->password_ldap_bind_password_file,
		    .ldap_bind_password_private = true,
		    .ldap_tls_cacert = pol->ldap_tls_cacert,
		    .ldap_timeout = pol->ldap_timeout,
		},
	    .people_base = pol->password_ldap_base,
	    .user_filter = pol->password_ldap_filter,
	    .disabled_filter = pol->password_ldap_disabled_filter,
	    .krb5_keytab = pol->password_krb5_keytab,
	    .krb5_principal = pol->password_krb5_principal,
	    .krb5_realm = pol->password_krb5_realm,
	    .krb5_timeout = pol->password_krb5_timeout,
	};
}

const char *sspr_policy_store_name(const struct sspr_policy *pol)
{
	return pol->store_backend == SSPR_BACKEND_LDAP ? pol->ldap_base : pol->store;
}

int sspr_policy_open_store(const struct sspr_policy *pol, unsigned flags, struct sspr_store **out,
			   struct sspr_error *err)
{
	struct sspr_store_config cfg;

	int r;

	sspr_policy_store_config(pol, &cfg);
	r = sspr_store_open(&cfg, flags, out, err);
	/* Whoever opens the directory keeps this host's mark true (a root
	 * opener, that is: lock_dir is root's). */
	if (r == SSPR_OK || r == SSPR_EUNAVAIL)
		sspr_directory_note(pol, r == SSPR_OK);
	return r;
}
