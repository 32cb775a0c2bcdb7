/* SPDX-License-Identifier: BSD-2-Clause */
/* Opening the policy's store with a message that tells the admin what to do
 * when it is not there yet. */
#include "admin.h"

int admin_store_open(const struct admin_ctx *ctx, unsigned flags, struct sspr_store **out)
{
	struct sspr_error err = {{0}};
	int r;

	*out = NULL;
	r = sspr_policy_open_store(&ctx->pol, flags, out, &err);
	if (r == SSPR_OK)
		return SSPR_EXIT_OK;
	if (r == SSPR_ENOENT)
		return admin_error(r, "%s: no store; run '%s init'", sspr_policy_store_name(&ctx->pol),
				   ADMIN_PROG);
	return admin_lib_error(r, &err, sspr_policy_store_name(&ctx->pol));
}

int admin_update_error(int r, const struct sspr_error *err, const char *user)
{
	if (r == SSPR_ENOENT)
		return admin_error(r, "%s: not enrolled", user);
	if (r == SSPR_ECORRUPT)
		return admin_error(r,
				   "%s: record cannot be read (corrupt, or written by a newer "
				   "version): left as it is; '%s revoke %s' removes it",
				   user, ADMIN_PROG, user);
	return admin_lib_error(r, err, user);
}
