/* SPDX-License-Identifier: BSD-2-Clause */
/* A TOTP secret on its way into a record, shared by "enroll totp" and both
 * importers: sealed to host.pub as soon as it is known, so only the sealed
 * form ever reaches a store update (which may run more than once and so
 * only copies). */
#include <string.h>

#include <sodium.h>

#include "admin.h"

int admin_load_host_pub(const struct admin_ctx *ctx, uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES])
{
	struct sspr_error err = {{0}};
	int r = sspr_hostkey_load_public(ctx->pol.key_dir, pk, &err);

	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->pol.key_dir);
	return SSPR_EXIT_OK;
}

int admin_totp_seal(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], const uint8_t *raw, size_t len,
		    struct sspr_totp_enrollment *t)
{
	if (len < ADMIN_SECRET_MIN || len > SSPR_TOTP_SECRET_MAX ||
	    sspr_seal(pk, raw, len, t->sealed, sizeof(t->sealed), &t->sealed_len) != SSPR_OK) {
		sodium_memzero(t->sealed, sizeof(t->sealed));
		t->sealed_len = 0;
		return SSPR_ERR;
	}
	return SSPR_OK;
}
