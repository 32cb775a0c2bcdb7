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
	return ADMIN_EXIT_OK;
}

int admin_totp_seal(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], const uint8_t *raw, size_t len,
		    struct admin_totp *t)
{
	if (len < ADMIN_SECRET_MIN || len > SSPR_TOTP_SECRET_MAX ||
	    sspr_seal(pk, raw, len, t->sealed, sizeof(t->sealed), &t->sealed_len) != SSPR_OK) {
		sodium_memzero(t->sealed, sizeof(t->sealed));
		t->sealed_len = 0;
		return SSPR_ERR;
	}
	return SSPR_OK;
}

void admin_record_touch(struct sspr_record *rec, int64_t now)
{
	if (rec->registered_at == 0)
		rec->registered_at = now;
	rec->confirmed_at = now;
}

/* The record's replay mark in steps of the new period: the last second of
 * its last used step, counted in new steps. */
static uint64_t mark_in_period(const struct sspr_record *rec, unsigned period)
{
	if (!rec->has_totp || rec->totp.last_step == 0 || rec->totp.period == 0 || period == 0)
		return 0;
	return ((rec->totp.last_step + 1) * rec->totp.period - 1) / period;
}

bool admin_totp_apply(struct sspr_record *rec, const struct admin_totp *t, int64_t now)
{
	bool replaced = rec->has_totp;
	/* Never lowered: a re-import of the same secret (or a source that
	 * knows less than we do) must not make spent codes good again. */
	uint64_t kept = mark_in_period(rec, t->period);

	sodium_memzero(&rec->totp, sizeof(rec->totp));
	rec->has_totp = true;
	memcpy(rec->totp.sealed, t->sealed, t->sealed_len);
	rec->totp.sealed_len = (uint16_t)t->sealed_len;
	rec->totp.digits = (uint8_t)t->digits;
	rec->totp.period = (uint16_t)t->period;
	rec->totp.last_step = t->last_step > kept ? t->last_step : kept;
	rec->totp.enrolled_at = now;
	admin_record_touch(rec, now);
	return replaced;
}
