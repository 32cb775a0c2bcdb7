/* SPDX-License-Identifier: BSD-2-Clause */
/* The figures of sspr-admin report: registration coverage over the accounts
 * NSS lists, and reset activity from the audit events. Read-only. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "eligibility.h"
#include "report.h"
#include "util.h"

static const char *const result_names[REPORT_RESULT_COUNT] = {
#define X(id, name) name,
    REPORT_RESULTS
#undef X
};

const char *report_method_name(unsigned i)
{
	return i < REPORT_NONE ? sspr_method_name(1u << i) : "none";
}

const char *report_result_name(unsigned i)
{
	return i < REPORT_RESULT_COUNT ? result_names[i] : "other";
}

static unsigned method_index(const char *name)
{
	unsigned bit = sspr_method_from_name(name);

	for (unsigned i = 0; i < REPORT_NONE; i++) {
		if (bit == 1u << i)
			return i;
	}
	return REPORT_NONE;
}

static unsigned result_index(const char *name)
{
	for (unsigned i = 0; i < REPORT_R_OTHER; i++) {
		if (strcmp(name, result_names[i]) == 0)
			return i;
	}
	return REPORT_R_OTHER;
}

void report_free(struct admin_report *rep)
{
	for (size_t i = 0; i < rep->n_unregistered; i++)
		free(rep->unregistered[i]);
	free(rep->unregistered);
	rep->unregistered = NULL;
	rep->n_unregistered = rep->cap_unregistered = 0;
}

static int add_unregistered(struct admin_report *rep, const char *user)
{
	char *copy;

	if (rep->n_unregistered == rep->cap_unregistered) {
		size_t cap = rep->cap_unregistered == 0 ? 32 : rep->cap_unregistered * 2;
		char **p = reallocarray(rep->unregistered, cap, sizeof(*p));

		if (p == NULL)
			return SSPR_ENOMEM;
		rep->unregistered = p;
		rep->cap_unregistered = cap;
	}
	if ((copy = strdup(user)) == NULL)
		return SSPR_ENOMEM;
	rep->unregistered[rep->n_unregistered++] = copy;
	return SSPR_OK;
}

/* One eligible account: registered under its rule, or not (no record, or a
 * corrupt one). */
static int count_user(const struct admin_ctx *ctx, struct sspr_store *st, const char *user,
		      const struct sspr_user_ids *ids, struct admin_report *rep,
		      struct sspr_error *err)
{
	struct sspr_record rec;
	struct sspr_rule rule;
	unsigned usable;
	int r;

	sspr_record_init(&rec);
	rep->eligible++;
	r = sspr_store_get(st, user, &rec, err);
	if (r == SSPR_ECORRUPT) {
		sspr_error_clear(err);
		rep->corrupt_records++;
	} else if (r == SSPR_ENOENT) {
		sspr_error_clear(err);
	} else if (r != SSPR_OK) {
		goto out;
	}
	r = SSPR_OK;
	sspr_rule_of(&ctx->pol, user, ids, &rule);
	usable = sspr_usable_methods(&rule, &rec);
	for (unsigned i = 0; i < REPORT_NONE; i++)
		rep->by_method[i] += (usable & (1u << i)) != 0;
	if (sspr_registration_complete(&rule, &rec))
		rep->registered++;
	else
		r = add_unregistered(rep, user);
out:
	sspr_record_wipe(&rec);
	return r;
}

/* Every account NSS lists. getpwent is the only way to list them; with a
 * directory that does not enumerate (SSSD's default), only local accounts
 * are seen (sspr-admin.8 should say so). */
static int walk_accounts(const struct admin_ctx *ctx, struct sspr_store *st,
			 struct admin_report *rep)
{
	struct sspr_error err = {{0}};
	struct passwd *pw;
	int r = SSPR_OK;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		char user[SSPR_USER_MAX + 1];
		struct sspr_user_ids ids;

		/* Copied first: the eligibility check looks users up again,
		 * which may reuse getpwent's buffer. */
		if (!sspr_user_name_valid(pw->pw_name) ||
		    sspr_strlcpy(user, pw->pw_name, sizeof(user)) != SSPR_OK)
			continue;
		if (sspr_user_eligibility(&ctx->pol, user, &ids) != SSPR_ELIGIBLE)
			continue;
		if ((r = count_user(ctx, st, user, &ids, rep, &err)) != SSPR_OK)
			break;
	}
	endpwent();
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->pol.store);
	return SSPR_EXIT_OK;
}

struct record_walk {
	const struct admin_ctx *ctx;
	struct admin_report *rep;
};

/* Records of users who are gone or may not reset: candidates for revoke. */
static int count_record(const char *user, const struct sspr_record *rec, int decode_status,
			void *ctx)
{
	struct record_walk *w = ctx;

	(void)rec;
	(void)decode_status;
	if (!sspr_user_name_valid(user) ||
	    sspr_user_eligibility(&w->ctx->pol, user, NULL) != SSPR_ELIGIBLE)
		w->rep->ineligible_records++;
	return 0;
}

/* Adds one outcome to a set of counters. */
static void tally(struct report_resets *r, unsigned result, bool failed)
{
	r->attempts++;
	if (result == REPORT_R_SUCCESS)
		r->successes++;
	else if (failed)
		r->failures++;
	else if (result == REPORT_R_LOCKED)
		r->locked++;
}

static void count_reset(struct admin_report *rep, const struct sspr_event *ev)
{
	unsigned result = result_index(ev->result);
	bool failed = strncmp(ev->result, "bad-", 4) == 0 || result == REPORT_R_REPLAYED_CODE;
	char methods[sizeof(ev->method)], *save = NULL, *m;
	bool any = false;

	rep->results[result]++;
	tally(&rep->resets, result, failed);
	/* A two-method reset ("totp+recovery") counts for each of its methods. */
	snprintf(methods, sizeof(methods), "%s", ev->method);
	for (m = strtok_r(methods, "+", &save); m != NULL; m = strtok_r(NULL, "+", &save)) {
		tally(&rep->resets_by[method_index(m)], result, failed);
		any = true;
	}
	if (!any)
		tally(&rep->resets_by[REPORT_NONE], result, failed);
	/* Before locks had events of their own ("lockout"), the failure that
	 * started one said so in its detail: stores keep such events. */
	if (strstr(ev->detail, "resets locked") != NULL)
		rep->lockouts++;
}

static int count_event(const struct sspr_event *ev, int decode_status, void *ctx)
{
	struct admin_report *rep = ctx;

	if (decode_status != SSPR_OK) {
		rep->corrupt_events++;
		return 0;
	}
	/* The backend seeks by key; an event appended with an older time
	 * (a clock stepped back) is keyed later, so the time decides. */
	if (ev->time < rep->since)
		return 0;
	if (strcmp(ev->action, "reset") == 0) {
		count_reset(rep, ev);
	} else if (strcmp(ev->action, "lockout") == 0) {
		rep->lockouts++;
	} else if (strcmp(ev->result, "success") == 0) {
		if (strcmp(ev->action, "enroll") == 0) {
			rep->enrollments++;
			rep->enrollments_by[method_index(ev->method)]++;
		} else if (strcmp(ev->action, "revoke") == 0) {
			rep->revocations++;
		} else if (strcmp(ev->action, "unlock") == 0) {
			rep->unlocks++;
		}
	}
	return 0;
}

int report_collect(const struct admin_ctx *ctx, struct sspr_store *st, struct admin_report *rep)
{
	struct sspr_error err = {{0}};
	struct record_walk w = {ctx, rep};
	int r, rc;

	if ((rc = walk_accounts(ctx, st, rep)) != SSPR_EXIT_OK)
		return rc;
	r = sspr_store_foreach_user(st, count_record, &w, &err);
	if (r == SSPR_OK)
		r = sspr_store_foreach_event(st, rep->since, count_event, rep, &err);
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->pol.store);
	return SSPR_EXIT_OK;
}
