/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin prune [DAYS]: deletes audit events older than DAYS, by default
 * the policy's event_retention_days. The LMDB store already drops a few old
 * events with every new one; the directory store needs this run (a daily
 * timer), and either may be pruned at once after lowering the retention. */
#include <stdio.h>

#include "admin.h"

#define PRUNE_DAYS_MAX 36500

int admin_cmd_prune(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	struct sspr_event ev;
	struct admin_args args;
	char actor[32], detail[SSPR_EVENT_DETAIL_MAX + 1], when[CLI_TIME_MAX];
	unsigned long removed = 0;
	unsigned days = ctx->pol.event_retention_days;
	int64_t before;
	int rc, r;

	if ((rc = admin_parse_args(argv[0], argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos > 1)
		return admin_usage_error("usage: prune [DAYS]");
	if (args.npos == 1 && (rc = admin_parse_days("prune:", args.pos[0], PRUNE_DAYS_MAX, &days)) != SSPR_EXIT_OK)
		return rc;
	if (days == 0) {
		printf("event_retention_days = 0 keeps events for ever; nothing pruned "
		       "(give DAYS to prune anyway)\n");
		return SSPR_EXIT_OK;
	}
	before = sspr_now() - (int64_t)days * 86400;
	if (before < 0)
		before = 0; /* more days than since 1970: nothing is that old */
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		return rc;
	r = sspr_store_prune_events(st, before, &removed, &err);
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, "prune");
		goto out;
	}
	/* Deleting audit records is itself on record. */
	admin_actor(actor, sizeof(actor));
	snprintf(detail, sizeof(detail), "%s: %lu events older than %s", actor, removed,
		 cli_time_date(before, when));
	sspr_event_set(&ev, sspr_now(), "prune", "success", "", "", ADMIN_SERVICE, "", detail);
	if ((r = sspr_store_append_event(st, &ev, &err)) != SSPR_OK) {
		rc = admin_lib_error(r, &err, "prune");
		goto out;
	}
	printf("removed %lu events older than %s (%u days)\n", removed, when, days);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}
