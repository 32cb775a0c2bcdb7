/* SPDX-License-Identifier: BSD-2-Clause */
/* What "key" and init both need: the key ring of this host, which key
 * opens a stored secret, a census of the store by key, and the commands
 * that install the key on another host. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "hostkey.h"
#include "key.h"

int admin_keyring_load(const struct admin_ctx *ctx, unsigned flags, struct sspr_keyring *ring)
{
	struct sspr_error err = {{0}};
	int r = sspr_keyring_load(ctx->pol.key_dir, flags, ring, &err);

	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->pol.key_dir);
	return SSPR_EXIT_OK;
}

int admin_key_opening_role(const struct sspr_keyring *ring, const struct sspr_totp *totp)
{
	uint8_t plain[SSPR_TOTP_SECRET_MAX];
	enum sspr_key_role role = SSPR_KEY_CURRENT;
	size_t len = 0;
	int r;

	r = sspr_unseal_ring(ring, totp->sealed, totp->sealed_len, plain, sizeof(plain), &len,
			     &role);
	sodium_memzero(plain, sizeof(plain));
	return r == SSPR_OK ? (int)role : -1;
}

unsigned admin_key_record_roles(const struct sspr_keyring *ring, const struct sspr_record *rec,
				unsigned *unopenable)
{
	unsigned roles = 0;

	*unopenable = 0;
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++) {
		int role = admin_key_opening_role(ring, &rec->totp[i]);

		if (role < 0)
			(*unopenable)++;
		else
			roles |= 1u << role;
	}
	return roles;
}

struct census_walk {
	const struct sspr_keyring *ring;
	bool name_them;
	struct admin_key_census *c;
};

static int census_user(const char *user, const struct sspr_record *rec, int decode_status,
		       void *ctx)
{
	struct census_walk *w = ctx;
	char shown[SSPR_USER_MAX + 1];
	int role;

	if (decode_status != SSPR_OK) {
		w->c->corrupt++;
		return 0;
	}
	/* Each device's secret counts on its own: a record may need two keys
	 * (one device sealed before a rotation, one after). */
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++) {
		w->c->with_totp++;
		role = admin_key_opening_role(w->ring, &rec->totp[i]);
		if (role >= 0) {
			w->c->opened[role]++;
			continue;
		}
		w->c->unopenable++;
		if (w->name_them)
			cli_warn("%s: TOTP secret opens with none of this host's keys (device %s)",
				 cli_safe_name(user, shown), rec->totp[i].name);
	}
	return 0;
}

int admin_key_census(struct sspr_store *st, const struct sspr_keyring *ring, bool name_them,
		     struct admin_key_census *out)
{
	struct sspr_error err = {{0}};
	struct census_walk w = {ring, name_them, out};
	int r;

	memset(out, 0, sizeof(*out));
	r = sspr_store_foreach_user(st, census_user, &w, &err);
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, "reading the store");
	return SSPR_EXIT_OK;
}

/* The command as the admin should type it again: with --config when one
 * was given. */
const char *admin_prog_as_run(const struct admin_ctx *ctx, char *buf, size_t size)
{
	if (ctx->config_explicit)
		snprintf(buf, size, "%s --config %s", ADMIN_PROG, ctx->config_path);
	else
		snprintf(buf, size, "%s", ADMIN_PROG);
	return buf;
}

/* How the key is installed elsewhere. */
void admin_key_print_install_hint(const struct admin_ctx *ctx, const char *indent)
{
	char prog[SSPR_PATH_MAX + 64];

	admin_prog_as_run(ctx, prog, sizeof(prog));
	printf("%s%s key export - | ssh root@HOST %s key install -\n", indent, prog, prog);
	printf("%sor through a file, copied over a channel you trust and removed afterwards:\n",
	       indent);
	printf("%s%s key export /root/sspr-fleet.key     (here)\n", indent, prog);
	printf("%s%s key install /root/sspr-fleet.key    (on HOST)\n", indent, prog);
}

