/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin enroll USER email ADDRESS, sspr-admin enroll USER phone
 * NUMBER: the admin vouches for the address or number, so it is stored as
 * verified without sending a code. A pending code sent to an earlier one
 * is dropped with it. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "enrollment.h"
#include "mail.h"
#include "phone.h"
#include "util.h"

struct enroll_contact {
	unsigned method;
	const char *user;
	const char *contact;
	int64_t now;
	char actor[32];
	bool replaced; /* out: another was there */
};

static int contact_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct enroll_contact *e = ctx;
	char detail[SSPR_EVENT_DETAIL_MAX + 1];
	int r;

	(void)exists;
	r = e->method == SSPR_METHOD_PHONE
		    ? sspr_record_set_phone(rec, e->contact, e->now, &e->replaced)
		    : sspr_record_set_email(rec, e->contact, e->now, &e->replaced);
	if (r != SSPR_OK)
		return r;
	snprintf(detail, sizeof(detail), "%s, verified by the admin", e->actor);
	sspr_event_set(ev, e->now, "enroll", "success", sspr_method_name(e->method), e->user,
		       ADMIN_SERVICE, "", detail);
	return SSPR_OK;
}

/* The contact as stored into out, or a usage error told. */
static int take_contact(unsigned method, const char *typed, char *out, size_t size)
{
	char shown[CLI_QUOTE_MAX + 4];

	if (method == SSPR_METHOD_PHONE) {
		if (sspr_phone_normalize(typed, out, size))
			return SSPR_EXIT_OK;
		return admin_error(SSPR_EINVAL,
				   "'%s' is not a phone number in international form (+, the "
				   "country code and up to 15 digits, such as +44 7700 900123)",
				   cli_quote_arg(typed, shown, sizeof(shown)));
	}
	if (sspr_email_valid(typed) && strlen(typed) < size) {
		snprintf(out, size, "%s", typed);
		return SSPR_EXIT_OK;
	}
	return admin_error(SSPR_EINVAL,
			   "'%s' is not a valid e-mail address (expected local@domain.tld, at "
			   "most %d bytes)",
			   cli_quote_arg(typed, shown, sizeof(shown)), SSPR_EMAIL_MAX);
}

int admin_enroll_contact(struct admin_ctx *ctx, const char *user, unsigned method,
			 const char *typed)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct enroll_contact e;
	char contact[SSPR_EMAIL_MAX + 1];
	int r, rc;

	memset(&e, 0, sizeof(e));
	e.method = method;
	e.user = user;
	e.contact = contact;
	admin_actor(e.actor, sizeof(e.actor));
	if ((rc = admin_check_user_exists(user)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = take_contact(method, typed, contact, sizeof(contact))) != SSPR_EXIT_OK)
		goto out;
	admin_warn_unusable(&ctx->pol, user, method);
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	e.now = sspr_now();
	r = sspr_store_update(st, user, 0, contact_update, &e, &err);
	if (r != SSPR_OK) {
		rc = admin_update_error(r, &err, user);
		goto out;
	}
	printf("%s: %s %s enrolled, verified by the admin%s\n", user, sspr_method_name(method),
	       contact,
	       !e.replaced                     ? ""
	       : method == SSPR_METHOD_PHONE ? ", replacing the previous number"
					     : ", replacing the previous address");
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}
