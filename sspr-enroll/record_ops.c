/* SPDX-License-Identifier: BSD-2-Clause */
/* Small steps every command that reads or changes the caller's record
 * shares: a read-only look at the record, one update of it, the policy's
 * list of methods and the audit trail of failed attempts. (What an
 * enrollment writes is libsspr/enrollment.c.) */
#include <stdio.h>

#include "enroll.h"
#include "event.h"
#include "store.h"

int enroll_load_record(const struct enroll_ctx *ctx, struct sspr_record *rec)
{
	struct sspr_store *store = NULL;
	struct sspr_error err = {{0}};
	int r;

	sspr_record_init(rec);
	r = sspr_policy_open_store(&ctx->pol, SSPR_STORE_READONLY, &store, &err);
	if (r == SSPR_ENOENT)
		r = SSPR_ERR; /* no store at all is not "no record" */
	if (r == SSPR_OK)
		r = sspr_store_get(store, ctx->user, rec, &err);
	sspr_store_close(store);
	if (r != SSPR_OK && r != SSPR_ENOENT)
		cli_error("%s", err.msg[0] ? err.msg : sspr_strerror(r));
	return r;
}

void enroll_store_error(const char *what, int r, const struct sspr_error *err)
{
	/* Never replaced from here: a record this version cannot read may
	 * hold a newer version's methods, lock and replay mark. */
	if (r == SSPR_ECORRUPT)
		/* TRANSLATORS: %s is what failed, such as "cannot store the
		 * questions". */
		cli_error(_("%s: your reset record cannot be read (damaged, or written by a newer "
			    "version); it was left as it is: ask an administrator"),
			  what);
	else
		/* TRANSLATORS: what failed, such as "cannot store the questions",
		 * and why. */
		cli_error(_("%s: %s"), what, err->msg[0] ? err->msg : sspr_strerror(r));
}

int enroll_update_record(const struct enroll_ctx *ctx, sspr_store_update_fn fn, void *update,
			 const char *what)
{
	struct sspr_store *store = NULL;
	struct sspr_error err = {{0}};
	int r = sspr_policy_open_store(&ctx->pol, 0, &store, &err);

	if (r == SSPR_OK)
		r = sspr_store_update(store, ctx->user, 0, fn, update, &err);
	sspr_store_close(store);
	if (r < 0)
		enroll_store_error(what, r, &err);
	return r;
}

int enroll_method_allowed(const struct enroll_ctx *ctx, unsigned method)
{
	char list[SSPR_METHODS_TEXT_MAX];

	if (ctx->rule.methods & method)
		return SSPR_EXIT_OK;
	if (ctx->pol.methods & method)
		/* TRANSLATORS: the first %s is a method name as typed (totp,
		 * questions, email, phone, recovery), the second a Unix group;
		 * "admin_policy = strict" is a setting of the policy file: keep it. */
		cli_error(_("the method %s does not count for administrators (admin_policy = strict, "
			    "group %s): register two other methods"),
			  sspr_method_name(method), ctx->pol.admin_group);
	else
		/* TRANSLATORS: the first %s is a method name as typed (totp,
		 * questions, email, phone, recovery); "methods = %s" is the
		 * setting of the policy file, with the names it lists: keep it. */
		cli_error(_("registering %s is not allowed by the policy (methods = %s)"),
			  sspr_method_name(method),
			  sspr_methods_text(ctx->pol.methods, " ", list, sizeof(list)));
	return SSPR_EXIT_DENIED;
}

void enroll_log_event(const struct enroll_ctx *ctx, const char *action, const char *result,
		      const char *method, const char *detail)
{
	struct sspr_store *store = NULL;
	struct sspr_error err = {{0}};
	struct sspr_event ev;

	sspr_event_set(&ev, sspr_now(), action, result, method, ctx->user, ENROLL_SERVICE, "",
		       detail);
	if (sspr_policy_open_store(&ctx->pol, 0, &store, &err) != SSPR_OK ||
	    sspr_store_append_event(store, &ev, &err) != SSPR_OK)
		cli_error(_("cannot record the audit event: %s"), err.msg);
	sspr_store_close(store);
}
