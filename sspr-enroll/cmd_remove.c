/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll remove METHOD [DEVICE]: deletes that method's data (or one
 * authenticator device) from the caller's
 * record, and warns when what is left no longer passes a reset
 * (methods_required). The record itself stays: its lockout state must
 * survive a user removing and re-adding methods. */
#include <stdio.h>

#include <sodium.h>

#include "eligibility.h"
#include "enrollment.h"
#include "enroll.h"
#include "store.h"

struct remove_update {
	unsigned method;
	const char *device;          /* NULL: the whole method */
	const char *user;
	int64_t now;
	bool present;                /* out: the method had data to remove */
	struct sspr_record after;    /* out: the record as written */
};

static int remove_method(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct remove_update *u = ctx;

	u->present = exists && sspr_record_remove(rec, u->method, u->device);
	if (!u->present)
		return SSPR_NOCHANGE;
	u->after = *rec;
	sspr_event_set(ev, u->now, "remove", "success", sspr_method_name(u->method), u->user,
		       ENROLL_SERVICE, "", u->device);
	return SSPR_OK;
}

int enroll_cmd_remove(struct enroll_ctx *ctx, unsigned method, const char *device)
{
	struct remove_update *u = NULL;
	char what[256];
	unsigned left;
	int r = SSPR_EXIT_ERROR;

	if (sodium_init() < 0 || (u = sodium_malloc(sizeof(*u))) == NULL) {
		cli_error("%s", _("out of memory"));
		return r;
	}
	sodium_memzero(u, sizeof(*u));
	u->method = method;
	u->device = device;
	u->user = ctx->user;
	u->now = sspr_now();
	/* TRANSLATORS: %s is a method name as typed (totp, questions, email,
	 * phone, recovery, pass); the message goes on with why. */
	snprintf(what, sizeof(what), _("cannot remove %s"), sspr_method_name(method));
	if (enroll_update_record(ctx, remove_method, u, what) < 0)
		goto out;
	r = SSPR_EXIT_OK;
	if (!u->present) {
		if (device != NULL)
			printf(_("You have no authenticator device called %s; nothing was "
				 "removed.\n"),
			       device);
		else
			/* TRANSLATORS: %s is a method name as typed (totp,
			 * questions, email, phone, recovery, pass). */
			printf(_("You have no %s registered; nothing was removed.\n"),
			       sspr_method_name(method));
		goto out;
	}
	if (device != NULL)
		printf(dngettext(SSPR_TEXT_DOMAIN,
				 /* TRANSLATORS: %s is the device's name; the plural
				  * follows the devices left. */
				 "Your authenticator device %s is removed (%u left).\n",
				 "Your authenticator device %s is removed (%u left).\n",
				 u->after.n_totp),
		       device, (unsigned)u->after.n_totp);
	else
		/* TRANSLATORS: %s is a method name as typed (totp, questions,
		 * email, phone, recovery, pass). */
		printf(_("Your %s registration is removed.\n"), sspr_method_name(method));
	/* A pass from the helpdesk does not keep a registration going. */
	left = sspr_method_count(sspr_usable_methods(&ctx->rule, &u->after) &
				 ~(unsigned)SSPR_METHOD_PASS);
	if (left < ctx->rule.required)
		printf(
		    dngettext(SSPR_TEXT_DOMAIN,
			      /* TRANSLATORS: the plural follows the first number, the methods
			       * left; the second is the number a reset needs. Keep
			       * sspr-enroll, the command, as it is. */
			      "Warning: you now have %u usable reset method, but a password reset "
			      "needs %u.\n"
			      "Register another one with sspr-enroll, or you cannot reset your\n"
			      "password.\n",
			      "Warning: you now have %u usable reset methods, but a password reset "
			      "needs %u.\n"
			      "Register another one with sspr-enroll, or you cannot reset your\n"
			      "password.\n",
			      left),
		    left, ctx->rule.required);
out:
	if (u != NULL)
		sodium_free(u);
	return r;
}
