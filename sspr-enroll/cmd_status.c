/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll status [--json]: what the caller has registered, whether
 * that completes the registration the policy asks for, and the dates that
 * drive reminders. Reads only the caller's own record; needs no password. */
#include <stdio.h>

#include "codes.h"
#include "eligibility.h"
#include "safe_text.h"
#include "enroll.h"
#include "store.h"

struct status_view {
	enum sspr_eligibility elig;
	bool found;
	unsigned have;    /* methods in the record that work (sspr_record_methods) */
	unsigned usable;  /* ... and that the policy allows */
	unsigned missing; /* more methods needed for methods_required */
	bool due;
	bool locked;
};

static void method_line(const struct enroll_ctx *ctx, const struct sspr_record *rec,
			unsigned m)
{
	char d[CLI_TIME_MAX];

	printf("  %-10s ", sspr_method_name(m));
	switch (m) {
	case SSPR_METHOD_TOTP:
		if (rec->n_totp == 0)
			printf("not registered");
		for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++)
			printf("%s%s", i == 0 ? "registered: " : ", ", rec->totp[i].name);
		break;
	case SSPR_METHOD_QUESTIONS:
		if (rec->n_questions == 0)
			printf("not registered");
		else
			printf("%u questions registered", rec->n_questions);
		break;
	case SSPR_METHOD_EMAIL:
	case SSPR_METHOD_PHONE: {
		const struct sspr_contact *c = sspr_record_contact_of(rec, m);

		if (!(m == SSPR_METHOD_EMAIL ? rec->has_email : rec->has_phone))
			printf("not registered");
		else {
			sspr_text_print_safe(stdout, c->address);
			printf(" (%s)", c->verified ? "verified" : "not verified");
		}
		break;
	}
	case SSPR_METHOD_RECOVERY:
		if (rec->n_recovery == 0)
			printf("not registered");
		else
			printf("%u of %u codes left", sspr_recovery_left(rec), rec->n_recovery);
		break;
	case SSPR_METHOD_PASS:
		if (!rec->has_pass)
			printf("none (the helpdesk issues them)");
		else
			printf("from the helpdesk, %s %s, %u use%s left",
			       sspr_record_pass_usable(rec, sspr_now()) ? "valid until" : "expired",
			       cli_time_iso(rec->pass.expires_at, d), (unsigned)rec->pass.uses_left,
			       rec->pass.uses_left == 1 ? "" : "s");
		break;
	case SSPR_METHOD_PAM:
		printf("checked by the PAM service %s (it keeps its own registrations)",
		       ctx->pol.delegated_service);
		break;
	default:
		break;
	}
	if (!(ctx->pol.methods & m))
		printf(" (not allowed by the policy: not used)");
	else if (!(ctx->rule.methods & m))
		printf(" (not used for administrators)");
	printf("\n");
}

static void print_text(const struct enroll_ctx *ctx, const struct status_view *v,
		       const struct sspr_record *rec)
{
	char d[CLI_TIME_MAX];

	printf("user:         %s\n", ctx->user);
	printf("eligible:     %s\n",
	       v->elig == SSPR_ELIGIBLE ? "yes" : sspr_eligibility_reason(v->elig));
	if (!v->found)
		printf("status:       not enrolled\n");
	if (v->missing == 0)
		printf("registration: complete (%u method%s needed for a reset)\n",
		       ctx->rule.required, ctx->rule.required == 1 ? "" : "s");
	else
		printf("registration: not complete: %u more method%s needed "
		       "(a reset needs %u)\n",
		       v->missing, v->missing == 1 ? "" : "s", ctx->rule.required);
	if (ctx->rule.admin)
		printf("admin:        yes (group %s): %s\n", ctx->pol.admin_group,
		       sspr_rule_text(&ctx->rule));
	printf("registered:   %s\n", cli_time_iso(rec->registered_at, d));
	printf("confirmed:    %s%s\n", cli_time_iso(rec->confirmed_at, d),
	       v->due ? " (re-confirmation due: run sspr-enroll)" : "");
	if (v->locked)
		printf("locked:       resets locked until %s\n",
		       cli_time_iso(rec->locked_until, d));
	printf("methods:\n");
	SSPR_FOR_EACH_METHOD(m)
		if ((ctx->pol.methods & m) || (v->have & m))
			method_line(ctx, rec, m);
	if (v->elig == SSPR_ELIGIBLE && v->missing > 0)
		printf("\nTo complete your registration, run sspr-enroll without arguments.\n");
}

/* The --json document: a contract (doc/DESIGN.md §5.5); times are seconds
 * since the epoch, 0 for never. */
static void print_json(const struct enroll_ctx *ctx, const struct status_view *v,
		       const struct sspr_record *rec)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "user");
	cli_json_string(&j, ctx->user);
	cli_json_key(&j, "eligible");
	cli_json_bool(&j, v->elig == SSPR_ELIGIBLE);
	cli_json_key(&j, "enrolled");
	cli_json_bool(&j, v->have != 0);
	cli_json_key(&j, "methods");
	cli_json_methods(&j, v->have);
	cli_json_key(&j, "usable");
	cli_json_methods(&j, v->usable);
	cli_json_key(&j, "allowed");
	cli_json_methods(&j, ctx->rule.methods);
	cli_json_key(&j, "methods_required");
	cli_json_uint(&j, ctx->rule.required);
	cli_json_key(&j, "admin");
	cli_json_bool(&j, ctx->rule.admin);
	cli_json_key(&j, "complete");
	cli_json_bool(&j, v->missing == 0);
	cli_json_key(&j, "missing");
	cli_json_uint(&j, v->missing);
	cli_json_key(&j, "totp");
	cli_json_bool(&j, rec->n_totp > 0);
	cli_json_key(&j, "totp_devices");
	cli_json_begin_array(&j);
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++)
		cli_json_string(&j, rec->totp[i].name);
	cli_json_end_array(&j);
	cli_json_key(&j, "questions");
	cli_json_uint(&j, rec->n_questions);
	cli_json_key(&j, "questions_required");
	cli_json_uint(&j, ctx->pol.questions_to_register);
	cli_json_contact(&j, "email", rec->has_email, &rec->email, false);
	cli_json_contact(&j, "phone", rec->has_phone, &rec->phone, false);
	cli_json_key(&j, "recovery_left");
	cli_json_uint(&j, sspr_recovery_left(rec));
	cli_json_key(&j, "recovery_total");
	cli_json_uint(&j, rec->n_recovery);
	cli_json_key(&j, "pass_expires_at");
	cli_json_int(&j, rec->has_pass ? rec->pass.expires_at : 0);
	cli_json_key(&j, "pass_uses_left");
	cli_json_uint(&j, rec->has_pass ? rec->pass.uses_left : 0);
	cli_json_key(&j, "registered_at");
	cli_json_int(&j, rec->registered_at);
	cli_json_key(&j, "confirmed_at");
	cli_json_int(&j, rec->confirmed_at);
	cli_json_key(&j, "reconfirm_due");
	cli_json_bool(&j, v->due);
	cli_json_key(&j, "locked");
	cli_json_bool(&j, v->locked);
	cli_json_key(&j, "locked_until");
	cli_json_int(&j, rec->locked_until);
	cli_json_end_object(&j);
	fputc('\n', stdout);
}

int enroll_cmd_status(struct enroll_ctx *ctx)
{
	struct status_view v = {0};
	struct sspr_record rec;
	int64_t now = sspr_now();
	int r;

	v.elig = sspr_user_eligibility(&ctx->pol, ctx->user, NULL);
	r = enroll_load_record(ctx, &rec);
	if (r != SSPR_OK && r != SSPR_ENOENT)
		return SSPR_EXIT_ERROR;
	/* A missing record reads as the empty one sspr_record_init() made. */
	v.found = r == SSPR_OK;
	v.have = sspr_record_methods(&rec);
	v.usable = sspr_usable_methods(&ctx->rule, &rec);
	/* A pass is no registration (eligibility.c): it leaves nothing less
	 * missing. */
	v.missing = sspr_registration_complete(&ctx->rule, &rec)
			    ? 0
			    : ctx->rule.required -
				  sspr_method_count(v.usable & ~(unsigned)SSPR_METHOD_PASS);
	v.due = sspr_reconfirm_due(&ctx->pol, &rec, now);
	v.locked = rec.locked_until > now;
	if (ctx->json)
		print_json(ctx, &v, &rec);
	else
		print_text(ctx, &v, &rec);
	sspr_record_wipe(&rec);
	return SSPR_EXIT_OK;
}
