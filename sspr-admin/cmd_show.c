/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin show USER [--json]: one user's methods, counters and recent
 * audit events. What a method is, never what proves it: sealed secrets,
 * answer hashes and code hashes are not printed, in either form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "safe_text.h"
#include "codes.h"
#include "lockout.h"
#include "record.h"
#include "util.h"

#define SHOW_EVENTS 20

/* The user's last SHOW_EVENTS events, in a ring. */
struct recent {
	const char *user;
	struct sspr_event ev[SHOW_EVENTS];
	size_t next;  /* where the next one goes */
	size_t count; /* how many are held, up to SHOW_EVENTS */
};

static int keep_recent(const struct sspr_event *ev, int decode_status, void *ctx)
{
	struct recent *r = ctx;

	if (decode_status != SSPR_OK || strcmp(ev->user, r->user) != 0)
		return 0;
	r->ev[r->next] = *ev;
	r->next = (r->next + 1) % SHOW_EVENTS;
	if (r->count < SHOW_EVENTS)
		r->count++;
	return 0;
}

/* The i-th held event, oldest first. */
static const struct sspr_event *recent_at(const struct recent *r, size_t i)
{
	return &r->ev[(r->next + SHOW_EVENTS - r->count + i) % SHOW_EVENTS];
}

static const char *record_state(const struct sspr_record *rec, int64_t now)
{
	return sspr_lockout_active(rec, now) ? "locked" : "ok";
}

static void print_field(const char *s)
{
	sspr_text_print_safe(stdout, s[0] != '\0' ? s : "-");
}

static void show_events_text(const struct recent *r)
{
	char t[CLI_TIME_MAX];

	printf("recent events (%zu, oldest first):\n", r->count);
	for (size_t i = 0; i < r->count; i++) {
		const struct sspr_event *ev = recent_at(r, i);

		printf("  %s ", cli_time_iso(ev->time, t));
		print_field(ev->action);
		putchar(' ');
		print_field(ev->result);
		putchar(' ');
		print_field(ev->method);
		fputs(" service=", stdout);
		print_field(ev->service);
		if (ev->rhost[0] != '\0') {
			fputs(" rhost=", stdout);
			sspr_text_print_safe(stdout, ev->rhost);
		}
		if (ev->detail[0] != '\0') {
			fputs(" (", stdout);
			sspr_text_print_safe(stdout, ev->detail);
			putchar(')');
		}
		putchar('\n');
	}
}

/* "email:        alice@example.org (verified ...)" or "... none". */
static void show_contact(const char *label, bool has, const struct sspr_contact *c)
{
	char t[CLI_TIME_MAX];

	printf("%s", label);
	if (!has) {
		printf("none\n");
		return;
	}
	sspr_text_print_safe(stdout, c->address);
	if (c->verified)
		printf(" (verified %s)\n", cli_time_iso(c->verified_at, t));
	else
		printf(" (not verified)\n");
}

static void show_text(const char *user, const struct sspr_record *rec, int64_t now,
		      const struct recent *r)
{
	char t[CLI_TIME_MAX], methods[SSPR_METHODS_TEXT_MAX];

	printf("user:         %s\n", user);
	if (sspr_lockout_active(rec, now))
		printf("status:       locked until %s\n", cli_time_iso(rec->locked_until, t));
	else
		printf("status:       ok\n");
	printf("methods:      %s\n", sspr_methods_text(sspr_record_methods(rec), ",", methods, sizeof(methods)));
	printf("registered:   %s\n", cli_time_iso(rec->registered_at, t));
	printf("confirmed:    %s\n", cli_time_iso(rec->confirmed_at, t));
	printf("failures:     %u", (unsigned)rec->n_failures);
	if (rec->n_failures > 0 && rec->n_failures <= SSPR_FAILURES_MAX)
		printf(" (last %s)", cli_time_iso(rec->failures[rec->n_failures - 1], t));
	printf("\nlocked until: %s\n", cli_time_iso(rec->locked_until, t));
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++)
		printf("totp:         %s: enrolled %s, %u digits, %u s period, last step %llu\n",
		       rec->totp[i].name, cli_time_iso(rec->totp[i].enrolled_at, t),
		       (unsigned)rec->totp[i].digits, (unsigned)rec->totp[i].period,
		       (unsigned long long)rec->totp[i].last_step);
	if (rec->n_totp == 0)
		printf("totp:         none\n");
	if (rec->n_questions > 0) {
		printf("questions:    %u set\n", (unsigned)rec->n_questions);
		for (unsigned i = 0; i < rec->n_questions && i < SSPR_QUESTIONS_MAX; i++) {
			printf("  %u. ", i + 1);
			sspr_text_print_safe(stdout, rec->questions[i].question);
			putchar('\n');
		}
	} else {
		printf("questions:    none\n");
	}
	show_contact("email:        ", rec->has_email, &rec->email);
	show_contact("phone:        ", rec->has_phone, &rec->phone);
	if (rec->n_recovery > 0)
		printf("recovery:     %u codes, %u unused\n", (unsigned)rec->n_recovery,
		       sspr_recovery_left(rec));
	else
		printf("recovery:     none\n");
	if (rec->has_pass)
		printf("pass:         %s %s, %u use%s left\n",
		       sspr_record_pass_usable(rec, now) ? "valid until" : "expired",
		       cli_time_iso(rec->pass.expires_at, t), (unsigned)rec->pass.uses_left,
		       rec->pass.uses_left == 1 ? "" : "s");
	else
		printf("pass:         none\n");
	if (rec->has_pending)
		printf("pending code: expires %s, %u tries\n",
		       cli_time_iso(rec->pending.expires_at, t), (unsigned)rec->pending.tries);
	show_events_text(r);
}

static void show_events_json(struct cli_json *j, const struct recent *r)
{
	cli_json_key(j, "events");
	cli_json_begin_array(j);
	for (size_t i = 0; i < r->count; i++) {
		const struct sspr_event *ev = recent_at(r, i);

		cli_json_begin_object(j);
		cli_json_key(j, "time");
		cli_json_time(j, ev->time);
		cli_json_key(j, "action");
		cli_json_string(j, ev->action);
		cli_json_key(j, "result");
		cli_json_string(j, ev->result);
		cli_json_key(j, "method");
		cli_json_string(j, ev->method);
		cli_json_key(j, "service");
		cli_json_string(j, ev->service);
		cli_json_key(j, "rhost");
		cli_json_string(j, ev->rhost);
		cli_json_key(j, "detail");
		cli_json_string(j, ev->detail);
		cli_json_end_object(j);
	}
	cli_json_end_array(j);
}

static void json_device(struct cli_json *j, const struct sspr_totp *d)
{
	cli_json_begin_object(j);
	cli_json_key(j, "name");
	cli_json_string(j, d->name);
	cli_json_key(j, "enrolled_at");
	cli_json_time(j, d->enrolled_at);
	cli_json_key(j, "digits");
	cli_json_uint(j, d->digits);
	cli_json_key(j, "period");
	cli_json_uint(j, d->period);
	cli_json_key(j, "last_step");
	cli_json_uint(j, d->last_step);
	cli_json_end_object(j);
}

static void show_json_methods(struct cli_json *j, const struct sspr_record *rec)
{
	/* "totp" stays the first device it always was; every device is in
	 * "totp_devices". */
	cli_json_key(j, "totp");
	if (rec->n_totp)
		json_device(j, &rec->totp[0]);
	else
		cli_json_null(j);
	cli_json_key(j, "totp_devices");
	cli_json_begin_array(j);
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++)
		json_device(j, &rec->totp[i]);
	cli_json_end_array(j);
	/* "questions" stays the count it always was; the texts are beside it. */
	cli_json_key(j, "questions");
	cli_json_uint(j, rec->n_questions);
	cli_json_key(j, "question_texts");
	cli_json_begin_array(j);
	for (unsigned i = 0; i < rec->n_questions && i < SSPR_QUESTIONS_MAX; i++)
		cli_json_string(j, rec->questions[i].question);
	cli_json_end_array(j);

	cli_json_contact(j, "email", rec->has_email, &rec->email, true);
	cli_json_contact(j, "phone", rec->has_phone, &rec->phone, true);
	cli_json_key(j, "recovery");
	cli_json_begin_object(j);
	cli_json_key(j, "total");
	cli_json_uint(j, rec->n_recovery);
	cli_json_key(j, "unused");
	cli_json_uint(j, sspr_recovery_left(rec));
	cli_json_end_object(j);
	cli_json_key(j, "pass");
	if (rec->has_pass) {
		cli_json_begin_object(j);
		cli_json_key(j, "issued_at");
		cli_json_time(j, rec->pass.issued_at);
		cli_json_key(j, "expires_at");
		cli_json_time(j, rec->pass.expires_at);
		cli_json_key(j, "uses_left");
		cli_json_uint(j, rec->pass.uses_left);
		cli_json_end_object(j);
	} else {
		cli_json_null(j);
	}
}

static void show_json(const char *user, const struct sspr_record *rec, int64_t now,
		      const struct recent *r)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "user");
	cli_json_string(&j, user);
	cli_json_key(&j, "status");
	cli_json_string(&j, record_state(rec, now));
	cli_json_key(&j, "methods");
	cli_json_methods(&j, sspr_record_methods(rec));
	cli_json_key(&j, "registered_at");
	cli_json_time(&j, rec->registered_at);
	cli_json_key(&j, "confirmed_at");
	cli_json_time(&j, rec->confirmed_at);
	cli_json_key(&j, "failures");
	cli_json_uint(&j, rec->n_failures);
	cli_json_key(&j, "locked_until");
	cli_json_time(&j, rec->locked_until);
	show_json_methods(&j, rec);
	cli_json_key(&j, "pending_code");
	if (rec->has_pending) {
		cli_json_begin_object(&j);
		cli_json_key(&j, "expires_at");
		cli_json_time(&j, rec->pending.expires_at);
		cli_json_key(&j, "tries");
		cli_json_uint(&j, rec->pending.tries);
		cli_json_end_object(&j);
	} else {
		cli_json_null(&j);
	}
	show_events_json(&j, r);
	cli_json_end_object(&j);
	putchar('\n');
}

static int get_record(struct sspr_store *st, const char *user, struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	int r = sspr_store_get(st, user, rec, &err);

	if (r == SSPR_OK)
		return SSPR_EXIT_OK;
	return admin_update_error(r, &err, user);
}

int admin_cmd_show(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_record rec;
	struct admin_args args;
	struct recent *recent = NULL;
	int r, rc;

	sspr_record_init(&rec);
	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_JSON, &args)) != SSPR_EXIT_OK)
		goto out;
	if (args.npos != 1) {
		rc = admin_usage_error("usage: show USER [--json]");
		goto out;
	}
	if ((rc = admin_check_user_name(args.pos[0])) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, SSPR_STORE_READONLY, &st)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = get_record(st, args.pos[0], &rec)) != SSPR_EXIT_OK)
		goto out;
	if ((recent = calloc(1, sizeof(*recent))) == NULL) {
		rc = admin_error(SSPR_ENOMEM, "out of memory");
		goto out;
	}
	recent->user = args.pos[0];
	r = sspr_store_foreach_event(st, 0, keep_recent, recent, &err);
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, ctx->pol.store);
		goto out;
	}
	if (args.flags & ADMIN_F_JSON)
		show_json(args.pos[0], &rec, sspr_now(), recent);
	else
		show_text(args.pos[0], &rec, sspr_now(), recent);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	sspr_record_wipe(&rec);
	free(recent);
	return rc;
}
