/* Placeholder until the directory backend lands: refuses to open. */
#include "store_backend.h"

int sspr_store_ldap_open(const struct sspr_store_config *cfg, unsigned flags,
			 struct sspr_store **out, struct sspr_error *err)
{
	(void)cfg;
	(void)flags;
	*out = NULL;
	return sspr_error_set(err, SSPR_EUNAVAIL, "the ldap store backend is not built");
}
