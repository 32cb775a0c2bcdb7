/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin list: a read-only view of the store, as text for people
 * and --json for machines. Sealed secrets, answer hashes and code hashes are
 * never printed, in either form. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "lockout.h"
#include "record.h"
#include "util.h"

struct list_walk {
	int64_t now;
	bool json;
	struct cli_json j;
};

static const char *record_state(const struct sspr_record *rec, int64_t now)
{
	return sspr_lockout_active(rec, now) ? "locked" : "ok";
}

static int list_one(const char *user, const struct sspr_record *rec, int decode_status, void *ctx)
{
	struct list_walk *w = ctx;
	char methods[SSPR_METHODS_TEXT_MAX], date[CLI_TIME_MAX];
	bool corrupt = decode_status != SSPR_OK;

	/* Keys come from the store; one that is not a valid name was not
	 * written by us and is shown as corrupt rather than printed raw. */
	if (!sspr_user_name_valid(user)) {
		user = "(invalid name)";
		corrupt = true;
	}
	if (w->json) {
		cli_json_begin_object(&w->j);
		cli_json_key(&w->j, "user");
		cli_json_string(&w->j, user);
		cli_json_key(&w->j, "status");
		if (corrupt) {
			cli_json_string(&w->j, "corrupt");
		} else {
			cli_json_string(&w->j, record_state(rec, w->now));
			cli_json_key(&w->j, "methods");
			cli_json_methods(&w->j, sspr_record_methods(rec));
			cli_json_key(&w->j, "locked_until");
			cli_json_time(&w->j, rec->locked_until);
			cli_json_key(&w->j, "registered_at");
			cli_json_time(&w->j, rec->registered_at);
		}
		cli_json_end_object(&w->j);
	} else if (corrupt) {
		printf("%-16s %-30s %-7s %s\n", user, "-", "corrupt", "-");
	} else {
		printf("%-16s %-30s %-7s %s\n", user,
		       sspr_methods_text(sspr_record_methods(rec), ",", methods,
					 sizeof(methods)),
		       record_state(rec, w->now), cli_time_date(rec->registered_at, date));
	}
	return 0;
}

int admin_cmd_list(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct admin_args args;
	struct list_walk w;
	int r, rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_JSON, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("usage: list [--json]");
	memset(&w, 0, sizeof(w));
	w.now = sspr_now();
	w.json = (args.flags & ADMIN_F_JSON) != 0;
	cli_json_init(&w.j, stdout);

	if ((rc = admin_store_open(ctx, SSPR_STORE_READONLY, &st)) != SSPR_EXIT_OK)
		goto out;
	if (w.json)
		cli_json_begin_array(&w.j);
	r = sspr_store_foreach_user(st, list_one, &w, &err);
	if (w.json) {
		/* Close the array even after an error, so a reader that
		 * ignores the exit code still gets well-formed JSON. */
		cli_json_end_array(&w.j);
		putchar('\n');
	}
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, ctx->pol.store);
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}
