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

	/* The method names stay as the user types them (sspr-enroll remove). */
	printf("  %-10s ", sspr_method_name(m));
	switch (m) {
	case SSPR_METHOD_TOTP:
		if (rec->n_totp == 0)
			fputs(_("not registered"), stdout);
		for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++)
			/* TRANSLATORS: before the names of the user's
			 * authenticator devices, as in "registered: phone, tablet". */
			printf("%s%s", i == 0 ? _("registered: ") : ", ", rec->totp[i].name);
		break;
	case SSPR_METHOD_QUESTIONS:
		if (rec->n_questions == 0)
			fputs(_("not registered"), stdout);
		else
			printf(dngettext(SSPR_TEXT_DOMAIN, "%u questions registered",
					 "%u questions registered", rec->n_questions),
			       rec->n_questions);
		break;
	case SSPR_METHOD_EMAIL:
	case SSPR_METHOD_PHONE: {
		const struct sspr_contact *c = sspr_record_contact_of(rec, m);

		if (!(m == SSPR_METHOD_EMAIL ? rec->has_email : rec->has_phone))
			fputs(_("not registered"), stdout);
		else {
			sspr_text_print_safe(stdout, c->address);
			if (c->verified)
				/* TRANSLATORS: after an e-mail address or phone
				 * number. */
				fputs(_(" (verified)"), stdout);
			else
				/* TRANSLATORS: after an e-mail address or phone
				 * number. */
				fputs(_(" (not verified)"), stdout);
		}
		break;
	}
	case SSPR_METHOD_RECOVERY:
		if (rec->n_recovery == 0)
			fputs(_("not registered"), stdout);
		else
			/* TRANSLATORS: recovery codes; the plural follows the first
			 * number, the codes left. */
			printf(dngettext(SSPR_TEXT_DOMAIN, "%u of %u codes left",
					 "%u of %u codes left", sspr_recovery_left(rec)),
			       sspr_recovery_left(rec), rec->n_recovery);
		break;
	case SSPR_METHOD_PASS:
		if (!rec->has_pass)
			/* TRANSLATORS: them: passes, one-time reset permits the
			 * helpdesk gives out. */
			fputs(_("none (the helpdesk issues them)"), stdout);
		else if (sspr_record_pass_usable(rec, sspr_now()))
			printf(dngettext(SSPR_TEXT_DOMAIN,
					 /* TRANSLATORS: a pass from the helpdesk; %s is a time,
					  * such as 2024-05-01T12:00:00Z, then the uses left. */
					 "from the helpdesk, valid until %s, %u use left",
					 "from the helpdesk, valid until %s, %u uses left",
					 rec->pass.uses_left),
			       cli_time_iso(rec->pass.expires_at, d),
			       (unsigned)rec->pass.uses_left);
		else
			printf(dngettext(SSPR_TEXT_DOMAIN,
					 /* TRANSLATORS: a pass from the helpdesk that
					  * expired at the time %s, then the uses left. */
					 "from the helpdesk, expired %s, %u use left",
					 "from the helpdesk, expired %s, %u uses left",
					 rec->pass.uses_left),
			       cli_time_iso(rec->pass.expires_at, d),
			       (unsigned)rec->pass.uses_left);
		break;
	case SSPR_METHOD_PAM:
		/* TRANSLATORS: %s is the name of a PAM service. */
		printf(_("checked by the PAM service %s (it keeps its own registrations)"),
		       ctx->pol.delegated_service);
		break;
	default:
		break;
	}
	if (!(ctx->pol.methods & m))
		fputs(_(" (not allowed by the policy: not used)"), stdout);
	else if (!(ctx->rule.methods & m))
		fputs(_(" (not used for administrators)"), stdout);
	printf("\n");
}

static void print_text(const struct enroll_ctx *ctx, const struct status_view *v,
		       const struct sspr_record *rec)
{
	char d[CLI_TIME_MAX];

	/* TRANSLATORS: the status is a list of "label: value" lines, the
	 * values lined up in one column: give every label of it ("user:",
	 * "eligible:", "status:", "registration:", "admin:", "registered:",
	 * "confirmed:", "locked:") the same width, padded with spaces. */
	printf(_("user:         %s\n"), ctx->user);
	if (v->elig == SSPR_ELIGIBLE)
		fputs(_("eligible:     yes\n"), stdout);
	else
		/* TRANSLATORS: %s says why not, such as "no such account". */
		printf(_("eligible:     %s\n"), _(sspr_eligibility_reason(v->elig)));
	if (!v->found)
		fputs(_("status:       not enrolled\n"), stdout);
	if (v->missing == 0)
		printf(dngettext(SSPR_TEXT_DOMAIN,
				 "registration: complete (%u method needed for a reset)\n",
				 "registration: complete (%u methods needed for a reset)\n",
				 ctx->rule.required),
		       ctx->rule.required);
	else
		printf(dngettext(SSPR_TEXT_DOMAIN,
				 /* TRANSLATORS: the plural follows the first number, the methods
				  * missing; the second is the number a reset needs. */
				 "registration: not complete: %u more method needed "
				 "(a reset needs %u)\n",
				 "registration: not complete: %u more methods needed "
				 "(a reset needs %u)\n",
				 v->missing),
		       v->missing, ctx->rule.required);
	if (ctx->rule.admin)
		/* TRANSLATORS: the first %s is a Unix group, the second what the
		 * policy asks of administrators. */
		printf(_("admin:        yes (group %s): %s\n"), ctx->pol.admin_group,
		       sspr_rule_text(&ctx->rule));
	/* TRANSLATORS: %s is a time, such as 2024-05-01T12:00:00Z, or - for
	 * never. */
	printf(_("registered:   %s\n"), cli_time_iso(rec->registered_at, d));
	if (v->due)
		/* TRANSLATORS: %s is a time, such as 2024-05-01T12:00:00Z; keep
		 * the command sspr-enroll as it is. */
		printf(_("confirmed:    %s (re-confirmation due: run sspr-enroll)\n"),
		       cli_time_iso(rec->confirmed_at, d));
	else
		/* TRANSLATORS: %s is a time, such as 2024-05-01T12:00:00Z, or -
		 * for never. */
		printf(_("confirmed:    %s\n"), cli_time_iso(rec->confirmed_at, d));
	if (v->locked)
		/* TRANSLATORS: %s is a time, such as 2024-05-01T12:00:00Z. */
		printf(_("locked:       resets locked until %s\n"),
		       cli_time_iso(rec->locked_until, d));
	/* TRANSLATORS: the heading of the list of methods, by the names the
	 * user types (totp, questions, email, ...). */
	fputs(_("methods:\n"), stdout);
	SSPR_FOR_EACH_METHOD(m)
		if ((ctx->pol.methods & m) || (v->have & m))
			method_line(ctx, rec, m);
	if (v->elig == SSPR_ELIGIBLE && v->missing > 0)
		printf("\n%s",
		       /* TRANSLATORS: keep the command sspr-enroll as it is. */
		       _("To complete your registration, run sspr-enroll without arguments.\n"));
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
