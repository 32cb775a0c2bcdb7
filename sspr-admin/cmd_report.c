/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin report [--since DAYS] [--json]: who can reset and who has not
 * registered yet, and what resets did lately, like the "usage and insights"
 * page of a cloud directory. Text for people; --json with keys that stay
 * put (every method and every known result is always there, 0 or not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define REPORT_DEFAULT_DAYS 30
#define REPORT_DAYS_MAX 3650
#define REPORT_NAMES_SHOWN 50 /* the text lists this many names, then a count */

static unsigned percent(unsigned part, unsigned whole)
{
	return whole == 0 ? 0 : (unsigned)((part * 100ull + whole / 2) / whole);
}

static void text_registration(const struct admin_ctx *ctx, const struct admin_report *rep)
{
	printf("Registration (methods_required = %u, group %s, min_uid %u%s%s)\n",
	       ctx->pol.methods_required, ctx->pol.group, ctx->pol.min_uid,
	       ctx->pol.admin_policy == SSPR_ADMIN_STRICT ? "; 2 without questions for " : "",
	       ctx->pol.admin_policy == SSPR_ADMIN_STRICT ? ctx->pol.admin_group : "");
	printf("  %-24s %u\n", "eligible users", rep->eligible);
	printf("  %-24s %u (%u%%)\n", "registered", rep->registered,
	       percent(rep->registered, rep->eligible));
	printf("  %-24s %zu\n", "not registered", rep->n_unregistered);
	printf("  %-24s", "usable methods");
	for (unsigned i = 0; i < REPORT_NONE; i++)
		printf("%s %s %u", i == 0 ? "" : ",", report_method_name(i), rep->by_method[i]);
	putchar('\n');
	if (rep->n_unregistered > 0) {
		printf("  not registered:");
		for (size_t i = 0; i < rep->n_unregistered && i < REPORT_NAMES_SHOWN; i++)
			printf(" %s", rep->unregistered[i]);
		if (rep->n_unregistered > REPORT_NAMES_SHOWN)
			printf(" ... and %zu more (see --json)",
			       rep->n_unregistered - REPORT_NAMES_SHOWN);
		putchar('\n');
	}
	if (rep->corrupt_records > 0)
		printf("  %-24s %u (sspr-admin list shows them)\n", "corrupt records",
		       rep->corrupt_records);
	if (rep->ineligible_records > 0)
		printf("  %-24s %u (users gone or not eligible; revoke them)\n",
		       "records without a user", rep->ineligible_records);
}

static void text_row(const char *name, const struct report_resets *r)
{
	printf("  %-12s %8u %10u %7u %7u\n", name, r->attempts, r->successes, r->failures,
	       r->locked);
}

static void text_activity(const struct admin_report *rep)
{
	char t[CLI_TIME_MAX];
	bool any = false;

	printf("\nResets since %s (%u days)\n", cli_time_iso(rep->since, t), rep->days);
	printf("  %-12s %8s %10s %7s %7s\n", "method", "attempts", "succeeded", "failed", "locked");
	for (unsigned i = 0; i < REPORT_METHODS; i++)
		text_row(i == REPORT_NONE ? "(none)" : report_method_name(i), &rep->resets_by[i]);
	text_row("total", &rep->resets);
	printf("  %-24s %u\n", "lockouts started", rep->lockouts);
	printf("  results:");
	for (unsigned i = 0; i < REPORT_RESULT_COUNT; i++) {
		if (rep->results[i] == 0)
			continue;
		printf("%s %s %u", any ? "," : "", report_result_name(i), rep->results[i]);
		any = true;
	}
	printf("%s\n", any ? "" : " none");

	printf("\nEnrollments since %s: %u (", cli_time_date(rep->since, t), rep->enrollments);
	for (unsigned i = 0; i < REPORT_NONE; i++)
		printf("%s%s %u", i == 0 ? "" : ", ", report_method_name(i),
		       rep->enrollments_by[i]);
	printf(")\n  %-24s %u\n  %-24s %u\n", "revocations", rep->revocations, "unlocks",
	       rep->unlocks);
	if (rep->corrupt_events > 0)
		printf("  %-24s %u\n", "unreadable events", rep->corrupt_events);
}

static void json_resets(struct cli_json *j, const struct report_resets *r)
{
	cli_json_begin_object(j);
	cli_json_key(j, "attempts");
	cli_json_uint(j, r->attempts);
	cli_json_key(j, "successes");
	cli_json_uint(j, r->successes);
	cli_json_key(j, "failures");
	cli_json_uint(j, r->failures);
	cli_json_key(j, "locked");
	cli_json_uint(j, r->locked);
	cli_json_end_object(j);
}

static void json_registration(struct cli_json *j, const struct admin_report *rep)
{
	cli_json_key(j, "registration");
	cli_json_begin_object(j);
	cli_json_key(j, "eligible");
	cli_json_uint(j, rep->eligible);
	cli_json_key(j, "registered");
	cli_json_uint(j, rep->registered);
	cli_json_key(j, "not_registered");
	cli_json_uint(j, rep->n_unregistered);
	cli_json_key(j, "not_registered_users");
	cli_json_begin_array(j);
	for (size_t i = 0; i < rep->n_unregistered; i++)
		cli_json_string(j, rep->unregistered[i]);
	cli_json_end_array(j);
	cli_json_key(j, "by_method");
	cli_json_begin_object(j);
	for (unsigned i = 0; i < REPORT_NONE; i++) {
		cli_json_key(j, report_method_name(i));
		cli_json_uint(j, rep->by_method[i]);
	}
	cli_json_end_object(j);
	cli_json_key(j, "corrupt_records");
	cli_json_uint(j, rep->corrupt_records);
	cli_json_key(j, "ineligible_records");
	cli_json_uint(j, rep->ineligible_records);
	cli_json_end_object(j);
}

static void json_activity(struct cli_json *j, const struct admin_report *rep)
{
	cli_json_key(j, "resets");
	cli_json_begin_object(j);
	cli_json_key(j, "total");
	json_resets(j, &rep->resets);
	cli_json_key(j, "lockouts");
	cli_json_uint(j, rep->lockouts);
	cli_json_key(j, "by_method");
	cli_json_begin_object(j);
	for (unsigned i = 0; i < REPORT_METHODS; i++) {
		cli_json_key(j, report_method_name(i));
		json_resets(j, &rep->resets_by[i]);
	}
	cli_json_end_object(j);
	cli_json_key(j, "by_result");
	cli_json_begin_object(j);
	for (unsigned i = 0; i < REPORT_RESULT_COUNT; i++) {
		cli_json_key(j, report_result_name(i));
		cli_json_uint(j, rep->results[i]);
	}
	cli_json_end_object(j);
	cli_json_end_object(j);

	cli_json_key(j, "enrollments");
	cli_json_begin_object(j);
	cli_json_key(j, "total");
	cli_json_uint(j, rep->enrollments);
	cli_json_key(j, "by_method");
	cli_json_begin_object(j);
	for (unsigned i = 0; i < REPORT_NONE; i++) {
		cli_json_key(j, report_method_name(i));
		cli_json_uint(j, rep->enrollments_by[i]);
	}
	cli_json_end_object(j);
	cli_json_end_object(j);
	cli_json_key(j, "revocations");
	cli_json_uint(j, rep->revocations);
	cli_json_key(j, "unlocks");
	cli_json_uint(j, rep->unlocks);
	cli_json_key(j, "corrupt_events");
	cli_json_uint(j, rep->corrupt_events);
}

static void print_json(const struct admin_report *rep)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "generated_at");
	cli_json_time(&j, rep->now);
	cli_json_key(&j, "since");
	cli_json_time(&j, rep->since);
	cli_json_key(&j, "days");
	cli_json_uint(&j, rep->days);
	json_registration(&j, rep);
	json_activity(&j, rep);
	cli_json_end_object(&j);
	putchar('\n');
}

int admin_cmd_report(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_store *st = NULL;
	struct admin_report rep;
	struct admin_args args;
	int rc;

	memset(&rep, 0, sizeof(rep));
	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_JSON | ADMIN_F_SINCE, &args)) !=
	    SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("usage: report [--since DAYS] [--json]");
	rep.days = REPORT_DEFAULT_DAYS;
	if (args.since != NULL &&
	    (rc = admin_parse_days("report: --since", args.since, REPORT_DAYS_MAX, &rep.days)) !=
		    SSPR_EXIT_OK)
		return rc;
	rep.now = sspr_now();
	rep.since = rep.now - (int64_t)rep.days * 86400;

	if ((rc = admin_store_open(ctx, SSPR_STORE_READONLY, &st)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = report_collect(ctx, st, &rep)) != SSPR_EXIT_OK)
		goto out;
	if (args.flags & ADMIN_F_JSON) {
		print_json(&rep);
	} else {
		text_registration(ctx, &rep);
		text_activity(&rep);
	}
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	report_free(&rep);
	return rc;
}
