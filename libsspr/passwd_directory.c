/* SPDX-License-Identifier: BSD-2-Clause */
/* Finding a directory password backend: a table in a shared object of
 * ours, loaded by the one loader (plugin.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "passwd_directory.h"
#include "plugin.h"
#include "store_backend.h"

int sspr_passwd_directory_load(enum sspr_passwd_directory_kind kind,
			       const struct sspr_passwd_directory_ops **ops,
			       struct sspr_error *err)
{
	static const struct sspr_plugin_kind ldap_kind = {
	    .what = "the LDAP password backend",
	    .missing_hint = "password_backend = ldap needs it installed",
	};
	static const struct sspr_plugin_kind krb5_kind = {
	    .what = "the Kerberos password backend",
	    .missing_hint = "password_backend = kerberos needs it installed",
	};
	bool krb5 = kind == SSPR_PASSWD_DIRECTORY_KERBEROS;
	const char *file = krb5 ? SSPR_PASSWD_KRB5_FILE : SSPR_LDAP_BACKEND_FILE;
	const struct sspr_passwd_directory_ops *table;
	char path[512];
	void *sym = NULL;
	int r;

	*ops = NULL;
	snprintf(path, sizeof(path), "%s/%s", SSPR_PLUGIN_DIR, file);
	r = sspr_plugin_load(path, krb5 ? SSPR_PASSWD_KRB5_SYMBOL : SSPR_PASSWD_LDAP_SYMBOL,
			     krb5 ? &krb5_kind : &ldap_kind, &sym, err);
	if (r != SSPR_OK)
		return r;
	table = sym;
	if (table->abi != SSPR_PASSWD_DIRECTORY_ABI || table->version == NULL ||
	    strcmp(table->version, SSPR_VERSION) != 0 || table->account == NULL ||
	    table->change == NULL)
		return sspr_error_set(err, SSPR_ERR, "%s: not the %s of pam_sspr %s", path,
				      krb5 ? krb5_kind.what : ldap_kind.what, SSPR_VERSION);
	*ops = table;
	return SSPR_OK;
}
