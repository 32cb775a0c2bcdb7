/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll with no sub-command: shows the status, then either walks the
 * user through the methods the policy allows until the registration is
 * complete (methods_required usable methods), or, when it already is,
 * re-confirms it: running sspr-enroll and changing nothing tells the
 * system the registered methods are still the user's. The password is
 * asked once, before the first change. */
#include <stdio.h>

#include "eligibility.h"
#include "enroll.h"
#include "mail.h"
#include "store.h"

#define ADDRESS_TRIES 3

struct reconfirm_update {
	const char *user;
	int64_t now;
};

static int reconfirm(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct reconfirm_update *u = ctx;

	if (!exists)
		return SSPR_NOCHANGE;
	rec->confirmed_at = u->now;
	sspr_event_set(ev, u->now, "reconfirm", "success", "", u->user, ENROLL_SERVICE, "", NULL);
	return SSPR_OK;
}

static int do_reconfirm(struct enroll_ctx *ctx)
{
	struct reconfirm_update u = {.user = ctx->user};
	int r;

	/* TRANSLATORS: keep the lines under 80 columns. */
	printf("\n%s", _("Your registration is complete. Type your password to confirm that "
			 "these\nmethods are still yours.\n"));
	if ((r = enroll_authenticate(ctx)) != SSPR_EXIT_OK)
		return r;
	u.now = sspr_now();
	if (enroll_update_record(ctx, reconfirm, &u, _("cannot re-confirm")) < 0)
		return SSPR_EXIT_ERROR;
	fputs(_("Thank you: your methods are re-confirmed.\n"), stdout);
	return SSPR_EXIT_OK;
}

/* The question that offers method m, whole for the translators. */
static const char *offer(unsigned m)
{
	switch (m) {
	case SSPR_METHOD_TOTP:
		return _("Register an authenticator app now?");
	case SSPR_METHOD_QUESTIONS:
		return _("Register security questions now?");
	case SSPR_METHOD_EMAIL:
		return _("Register an e-mail address now?");
	case SSPR_METHOD_PHONE:
		return _("Register a phone number for text messages now?");
	default:
		return _("Register recovery codes now?");
	}
}

/* Asks for an address or a number until one is good. */
static int guided_contact(struct enroll_ctx *ctx, unsigned method)
{
	char typed[SSPR_EMAIL_MAX + 2], contact[SSPR_EMAIL_MAX + 1];
	const bool phone = method == SSPR_METHOD_PHONE;

	for (int i = 0; i < ADDRESS_TRIES; i++) {
		int r = enroll_read_line(phone ? _("Phone number (such as +44 7700 900123): ")
					       : _("E-mail address: "),
					 typed, sizeof(typed));

		if (r == -1)
			return SSPR_EXIT_ERROR;
		if (r == 0 && enroll_take_contact(method, typed, contact, sizeof(contact)))
			return phone ? enroll_cmd_phone(ctx, contact) : enroll_cmd_email(ctx, contact);
	}
	return SSPR_EXIT_USAGE;
}

static int run_method(struct enroll_ctx *ctx, unsigned m)
{
	switch (m) {
	case SSPR_METHOD_TOTP:
		return enroll_cmd_totp(ctx, NULL);
	case SSPR_METHOD_QUESTIONS:
		return enroll_cmd_questions(ctx);
	case SSPR_METHOD_EMAIL:
	case SSPR_METHOD_PHONE:
		return guided_contact(ctx, m);
	default:
		return enroll_cmd_recovery(ctx);
	}
}

/* Offers each allowed, missing method in turn until the registration is
 * complete, the user has declined them all, or input ends. */
static int walk_through(struct enroll_ctx *ctx, struct sspr_record *rec)
{
	unsigned have;
	int r, load;

	printf("\n");
	printf(dngettext(SSPR_TEXT_DOMAIN,
			 /* TRANSLATORS: the plural follows the first number, the methods a reset
			  * needs; the second is the number the user has. */
			 "A password reset needs %u method; you have %u. Register now:\n",
			 "A password reset needs %u methods; you have %u. Register now:\n",
			 ctx->rule.required),
	       ctx->rule.required,
	       sspr_method_count(sspr_usable_methods(&ctx->rule, rec) & ~(unsigned)SSPR_METHOD_PASS));
	if (ctx->rule.admin)
		/* TRANSLATORS: %s is a Unix group, then what the policy asks of
		 * administrators (a sentence). */
		printf(_("You are an administrator (group %s). %s\n"), ctx->pol.admin_group,
		       sspr_rule_text(&ctx->rule));
	if ((r = enroll_authenticate(ctx)) != SSPR_EXIT_OK)
		return r;
	SSPR_FOR_EACH_METHOD(m) {
		char question[512];
		int yes;

		have = sspr_usable_methods(&ctx->rule, rec);
		/* A pass is the helpdesk's to issue, and the delegated service
		 * keeps its own registrations: neither is the user's to
		 * register here. */
		if ((m & SSPR_METHODS_UNREGISTRABLE) || !(ctx->rule.methods & m) || (have & m))
			continue;
		snprintf(question, sizeof(question), "\n%s", offer(m));
		yes = enroll_ask_yes_no(question, true);
		if (yes < 0)
			break;
		if (yes == 0)
			continue;
		r = run_method(ctx, m);
		if (r != SSPR_EXIT_OK)
			/* TRANSLATORS: %s is a method name as typed (totp,
			 * questions, email, phone, recovery). */
			printf(_("(%s: not registered)\n"), sspr_method_name(m));
		load = enroll_load_record(ctx, rec);
		/* An error at end of input: nothing more can be answered. */
		if ((load != SSPR_OK && load != SSPR_ENOENT) ||
		    (r == SSPR_EXIT_ERROR && feof(stdin)))
			break;
		if (sspr_registration_complete(&ctx->rule, rec))
			break;
	}
	if (sspr_registration_complete(&ctx->rule, rec)) {
		/* TRANSLATORS: keep the lines under 80 columns. */
		printf("\n%s", _("Your registration is complete: if you forget your password, "
				 "press\nEnter at the password prompt to reset it.\n"));
		return SSPR_EXIT_OK;
	}
	have = sspr_method_count(sspr_usable_methods(&ctx->rule, rec) & ~(unsigned)SSPR_METHOD_PASS);
	cli_error(dngettext(SSPR_TEXT_DOMAIN,
			    /* TRANSLATORS: the plural follows the second number, the methods a
			     * reset needs. Keep the command sspr-enroll as it is. */
			    "your registration is not complete: %u of %u methods; run "
			    "sspr-enroll again to finish it",
			    "your registration is not complete: %u of %u methods; run "
			    "sspr-enroll again to finish it",
			    ctx->rule.required),
		  have, ctx->rule.required);
	return SSPR_EXIT_ERROR;
}

int enroll_guided(struct enroll_ctx *ctx)
{
	struct sspr_record rec;
	int r;

	ctx->json = false;
	if ((r = enroll_cmd_status(ctx)) != SSPR_EXIT_OK)
		return r;
	if ((r = enroll_check_eligible(ctx)) != SSPR_EXIT_OK)
		return r;
	r = enroll_load_record(ctx, &rec);
	if (r != SSPR_OK && r != SSPR_ENOENT)
		return SSPR_EXIT_ERROR;
	if (sspr_registration_complete(&ctx->rule, &rec))
		r = do_reconfirm(ctx);
	else
		r = walk_through(ctx, &rec);
	sspr_record_wipe(&rec);
	return r;
}
