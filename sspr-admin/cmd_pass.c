/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin pass USER [--ttl DURATION] [--uses N]: the helpdesk's
 * temporary access pass. A random pass (a recovery code's shape, 80 bits)
 * is stored as a keyed hash in the user's record, replacing any earlier
 * one, and shown once on stdout; at the prompt it counts as one method
 * until it expires or its uses are spent. The issue is audited and, with
 * notify_user, mailed to the user's verified address: a pass the user did
 * not ask for is someone taking over their account. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "codes.h"
#include "mail.h"
#include "util.h"

#define PASS_USAGE "usage: pass USER [--ttl DURATION] [--uses N]"
#define PASS_TTL_DEFAULT 3600

struct pass_issue {
	const char *user;
	const struct sspr_pass *pass; /* drawn before the update: it may run again */
	unsigned ttl;
	char actor[32];
	bool replaced;                 /* out: an earlier pass was there */
	char mail_to[SSPR_EMAIL_MAX + 1]; /* out: the verified address, or "" */
};

static int pass_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct pass_issue *p = ctx;
	char detail[SSPR_EVENT_DETAIL_MAX + 1];

	(void)exists;
	p->replaced = rec->has_pass;
	rec->pass = *p->pass;
	rec->has_pass = true;
	snprintf(p->mail_to, sizeof(p->mail_to), "%s",
		 rec->has_email && rec->email.verified ? rec->email.address : "");
	snprintf(detail, sizeof(detail), "%s, for %u s, %u use%s", p->actor, p->ttl,
		 p->pass->uses_left, p->pass->uses_left == 1 ? "" : "s");
	sspr_event_set(ev, p->pass->issued_at, "pass", "issued", "pass", p->user, ADMIN_SERVICE,
		       "", detail);
	return SSPR_OK;
}

static void mail_user(const struct admin_ctx *ctx, const struct pass_issue *p, const char *until)
{
	struct sspr_error err = {{0}};
	char host[256], body[1024];
	struct sspr_mail mail = {.from = ctx->pol.mail_from,
				 .to = p->mail_to,
				 .subject = "A temporary access pass was issued for your account",
				 .body = body};

	if (!ctx->pol.notify_user || p->mail_to[0] == '\0')
		return;
	sspr_host_name(host, sizeof(host));
	snprintf(body, sizeof(body),
		 "A temporary access pass for %s on %s was issued %s.\n"
		 "It can reset the password until %s.\n\n"
		 "If you did not ask your helpdesk for one, tell them at once: someone may be\n"
		 "trying to take over your account.\n",
		 p->user, host, p->actor, until);
	if (sspr_mail_send(ctx->pol.mail_command, &mail, 0, &err) != SSPR_OK)
		cli_warn("the notice to %s was not sent: %s", p->mail_to, err.msg);
}

int admin_cmd_pass(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct admin_args args;
	struct pass_issue p;
	struct sspr_record *scratch = NULL;
	char *shown = NULL, until[CLI_TIME_MAX];
	unsigned ttl = PASS_TTL_DEFAULT, uses = 1;
	int r, rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_TTL | ADMIN_F_USES, &args)) !=
	    SSPR_EXIT_OK)
		return rc;
	if (args.npos != 1)
		return admin_usage_error(PASS_USAGE);
	if (args.ttl != NULL && (rc = admin_parse_duration("--ttl", args.ttl, SSPR_PASS_TTL_MIN,
							     SSPR_PASS_TTL_MAX, &ttl)) != SSPR_EXIT_OK)
		return rc;
	if (args.uses != NULL &&
	    (rc = admin_parse_count("--uses", args.uses, SSPR_PASS_USES_MAX, &uses)) != SSPR_EXIT_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	p.user = args.pos[0];
	p.ttl = ttl;
	admin_actor(p.actor, sizeof(p.actor));
	if ((rc = admin_check_user_exists(p.user)) != SSPR_EXIT_OK)
		return rc;
	/* A pass the policy would refuse at the prompt helps nobody, and its
	 * notice would alarm the user for nothing. */
	if ((ctx->pol.methods & SSPR_METHOD_PASS) == 0)
		return admin_error(SSPR_EACCES, "pass is not in the policy's methods (%s): add it "
					       "there before issuing passes",
				   ctx->config_path);
	admin_warn_unusable(&ctx->pol, p.user, SSPR_METHOD_PASS);
	scratch = sodium_malloc(sizeof(*scratch));
	shown = sodium_malloc(SSPR_RECOVERY_CODE_SIZE);
	if (scratch == NULL || shown == NULL) {
		rc = admin_error(SSPR_ENOMEM, "out of memory");
		goto out;
	}
	sspr_record_init(scratch);
	if (sspr_pass_issue(scratch, sspr_now(), ttl, uses, shown) != SSPR_OK) {
		rc = admin_error(SSPR_ERR, "cannot draw a pass");
		goto out;
	}
	p.pass = &scratch->pass;
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	r = sspr_store_update(st, p.user, 0, pass_update, &p, &err);
	if (r != SSPR_OK) {
		rc = admin_update_error(r, &err, p.user);
		goto out;
	}
	cli_time_iso(scratch->pass.expires_at, until);
	printf("%s: temporary access pass%s, valid until %s for %u reset%s:\n\n    %s\n\n"
	       "Give it to %s over a channel you trust; it is not shown again.\n",
	       p.user, p.replaced ? " (replacing the earlier one)" : "", until, uses,
	       uses == 1 ? "" : "s", shown, p.user);
	fflush(stdout);
	mail_user(ctx, &p, until);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	if (scratch != NULL)
		sodium_free(scratch);
	if (shown != NULL)
		sodium_free(shown);
	return rc;
}
