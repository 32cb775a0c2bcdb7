/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin enroll USER email ADDRESS: the admin vouches for the address,
 * so it is stored as verified without sending a code. A pending code sent
 * to an earlier address is dropped with it. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "mail.h"
#include "util.h"

struct enroll_email {
	const char *user;
	const char *address;
	int64_t now;
	char actor[32];
	bool replaced; /* out: another address was there */
};

static int email_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct enroll_email *e = ctx;
	char detail[SSPR_EVENT_DETAIL_MAX + 1];

	int r;

	(void)exists;
	r = sspr_record_set_email(rec, e->address, e->now, &e->replaced);
	if (r != SSPR_OK)
		return r;
	snprintf(detail, sizeof(detail), "%s, verified by the admin", e->actor);
	sspr_event_set(ev, e->now, "enroll", "success", "email", e->user, ADMIN_SERVICE, "",
		       detail);
	return SSPR_OK;
}

int admin_enroll_email(struct admin_ctx *ctx, const char *user, const char *address)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct enroll_email e;
	char shown[CLI_QUOTE_MAX + 4];
	int r, rc;

	memset(&e, 0, sizeof(e));
	e.user = user;
	e.address = address;
	admin_actor(e.actor, sizeof(e.actor));
	if ((rc = admin_check_user_exists(user)) != SSPR_EXIT_OK)
		goto out;
	if (!sspr_email_valid(address)) {
		rc = admin_error(SSPR_EINVAL,
				 "'%s' is not a valid e-mail address (expected local@domain.tld, "
				 "at most %d bytes)",
				 cli_quote_arg(address, shown, sizeof(shown)), SSPR_EMAIL_MAX);
		goto out;
	}
	admin_warn_unusable(&ctx->pol, user, SSPR_METHOD_EMAIL);
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	e.now = sspr_now();
	r = sspr_store_update(st, user, 0, email_update, &e, &err);
	if (r != SSPR_OK) {
		rc = admin_update_error(r, &err, user);
		goto out;
	}
	printf("%s: email %s enrolled, verified by the admin%s\n", user, address,
	       e.replaced ? ", replacing the previous address" : "");
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}
