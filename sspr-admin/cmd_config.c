/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin check-config: is this host ready? The policy file parses (main
 * has loaded it by now and stopped on any error), the host key is there and
 * sound, and the store opens. "PATH: OK" means all three. */
#include <stdio.h>
#include <unistd.h>

#include "admin.h"
#include "hostkey.h"

static void print_setting(const char *key, const char *value, void *ctx)
{
	(void)ctx;
	printf("%s = %s\n", key, value);
}

static int check_key(const struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	struct sspr_keyring ring;
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	int r;

	/* Root can prove the pair belongs together and that next.key and
	 * previous.key are sound, which is what the module will need (it
	 * loads the whole ring); anyone else can only see that host.pub is. */
	if (geteuid() == 0) {
		r = sspr_keyring_load(ctx->pol.key_dir, 0, &ring, &err);
		sspr_keyring_wipe(&ring);
	} else {
		r = sspr_hostkey_load_public(ctx->pol.key_dir, pk, &err);
	}
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->pol.key_dir);
	return SSPR_EXIT_OK;
}

static int check_store(const struct admin_ctx *ctx)
{
	struct sspr_store *st = NULL;
	int rc;

	rc = admin_store_open(ctx, SSPR_STORE_READONLY, &st);
	sspr_store_close(st);
	return rc;
}

int admin_cmd_check_config(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	int rc, rc_key, rc_store;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_PRINT, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("usage: check-config [--print]");
	if (args.flags & ADMIN_F_PRINT)
		sspr_policy_foreach(&ctx->pol, print_setting, NULL);

	/* Both checks run, so one pass reports every problem. */
	rc_key = check_key(ctx);
	rc_store = check_store(ctx);
	if (rc_key != SSPR_EXIT_OK || rc_store != SSPR_EXIT_OK)
		return rc_key != SSPR_EXIT_OK ? rc_key : rc_store;
	if (ctx->config_found)
		printf("%s: OK\n", ctx->config_path);
	else
		printf("%s: OK (no such file: built-in defaults)\n", ctx->config_path);
	return SSPR_EXIT_OK;
}
