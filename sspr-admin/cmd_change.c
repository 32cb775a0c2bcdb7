/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin revoke and unlock: the admin's changes to one user's record.
 * Each is a single sspr_store_update, so it cannot interleave with a login
 * updating the same record, and it appends its audit event in the same
 * step. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "enrollment.h"
#include "lockout.h"
#include "record.h"

struct change {
	int64_t now;
	const char *user;
	unsigned method;  /* revoke: one enum sspr_method, or 0 for the whole record */
	const char *device; /* revoke USER totp DEVICE: that device alone */
	bool was_corrupt; /* revoke: the stored record did not decode */
	char actor[32];
	/* outputs of the update function */
	bool method_missing;
	int64_t locked_until;
	unsigned failures;
};

static void change_init(struct change *c, const char *user)
{
	memset(c, 0, sizeof(*c));
	c->user = user;
	c->now = sspr_now();
	admin_actor(c->actor, sizeof(c->actor));
}

/* Update functions may run more than once: they change only rec, ev and
 * their outputs in c. */
static int revoke_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct change *c = ctx;
	const char *method = c->method != 0 ? sspr_method_name(c->method) : "";
	const char *note = "";
	char detail[96];

	c->method_missing = false;
	if (!exists && !c->was_corrupt)
		return SSPR_ENOENT;
	if (c->method != 0 && !sspr_record_remove(rec, c->method, c->device)) {
		c->method_missing = true;
		return SSPR_ENOENT;
	}
	if (c->was_corrupt)
		note = ", corrupt record";
	else if (c->method == 0)
		note = ", all methods";
	if (c->device != NULL)
		snprintf(detail, sizeof(detail), "%s, device %s", c->actor, c->device);
	else
		snprintf(detail, sizeof(detail), "%s%s", c->actor, note);
	sspr_event_set(ev, c->now, "revoke", "success", method, c->user, ADMIN_SERVICE, "", detail);
	if (c->method == 0)
		return SSPR_DELETE;
	return SSPR_OK;
}

static int unlock_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct change *c = ctx;

	if (!exists)
		return SSPR_ENOENT;
	c->locked_until = sspr_lockout_active(rec, c->now) ? rec->locked_until : 0;
	c->failures = rec->n_failures;
	sspr_lockout_clear(rec);
	sspr_event_set(ev, c->now, "unlock", "success", "", c->user, ADMIN_SERVICE, "", c->actor);
	return SSPR_OK;
}

/* Common tail: the message for a failed update. */
static int change_failed(int r, const struct sspr_error *err, const struct change *c)
{
	if (r == SSPR_ENOENT && c->method_missing && c->device != NULL)
		return admin_error(r, "%s: totp device %s is not enrolled", c->user, c->device);
	if (r == SSPR_ENOENT && c->method_missing)
		return admin_error(r, "%s: %s is not enrolled", c->user,
				   sspr_method_name(c->method));
	return admin_update_error(r, err, c->user);
}

int admin_cmd_revoke(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct admin_args args;
	struct change c;
	char shown[CLI_QUOTE_MAX + 4];
	int r, rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos < 1 || args.npos > 3)
		return admin_usage_error("usage: revoke USER [METHOD [DEVICE]]");
	change_init(&c, args.pos[0]);
	/* pam:SERVICE keeps nothing here: its registrations are the service's. */
	if (args.npos >= 2 && ((c.method = sspr_method_from_name(args.pos[1])) == 0 ||
			       c.method == SSPR_METHOD_PAM))
		return admin_usage_error("revoke: unknown method '%s' (totp, questions, email, "
					 "phone, recovery or pass)",
					 cli_quote_arg(args.pos[1], shown, sizeof(shown)));
	if (args.npos == 3) {
		c.device = args.pos[2];
		if (c.method != SSPR_METHOD_TOTP || !sspr_device_name_valid(c.device))
			return admin_usage_error("revoke: a DEVICE is one authenticator app's name "
						 "(usage: revoke USER totp DEVICE)");
	}
	if ((rc = admin_check_user_name(c.user)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	r = sspr_store_update(st, c.user, 0, revoke_update, &c, &err);
	/* A record that does not decode cannot lose one method, but the
	 * whole of it may go: that is how an admin repairs it. */
	if (r == SSPR_ECORRUPT && c.method == 0) {
		sspr_error_clear(&err);
		c.was_corrupt = true;
		r = sspr_store_update(st, c.user, SSPR_UPDATE_REPLACE_CORRUPT, revoke_update, &c,
				      &err);
	}
	if (r != SSPR_OK && r != SSPR_DELETE) {
		rc = change_failed(r, &err, &c);
		goto out;
	}
	if (c.device != NULL)
		printf("%s: totp device %s revoked\n", c.user, c.device);
	else if (c.method != 0)
		printf("%s: %s revoked\n", c.user, sspr_method_name(c.method));
	else
		printf("%s: %s removed\n", c.user, c.was_corrupt ? "corrupt record" : "record");
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}

int admin_cmd_unlock(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct admin_args args;
	struct change c;
	char t[CLI_TIME_MAX];
	int r, rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 1)
		return admin_usage_error("usage: unlock USER");
	change_init(&c, args.pos[0]);
	if ((rc = admin_check_user_name(c.user)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	r = sspr_store_update(st, c.user, 0, unlock_update, &c, &err);
	if (r != SSPR_OK) {
		rc = change_failed(r, &err, &c);
		goto out;
	}
	if (c.locked_until != 0)
		printf("%s: unlocked (was locked until %s)\n", c.user,
		       cli_time_iso(c.locked_until, t));
	else
		printf("%s: was not locked; %u recent failures cleared\n", c.user, c.failures);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}
