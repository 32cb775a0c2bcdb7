/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll recovery: a fresh set of recovery_codes one-time codes,
 * shown once and stored only as keyed hashes. A new set replaces the old
 * one as a whole, so codes printed earlier stop working. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "codes.h"
#include "enroll.h"
#include "enrollment.h"
#include "store.h"

struct recovery_update {
	const struct sspr_record *fresh; /* scratch record holding the new hashes */
	const char *user;
	int64_t now;
};

struct recovery_secret {
	struct sspr_record fresh;
	char codes[SSPR_RECOVERY_MAX][SSPR_RECOVERY_CODE_SIZE];
};

static int store_recovery(struct sspr_record *rec, bool exists, struct sspr_event *ev,
			  void *ctx)
{
	struct recovery_update *u = ctx;

	int r;

	(void)exists;
	if ((r = sspr_record_set_recovery(rec, u->fresh, u->now, NULL)) != SSPR_OK)
		return r;
	sspr_event_set(ev, u->now, "enroll", "success", "recovery", u->user, ENROLL_SERVICE, "",
		       NULL);
	return SSPR_OK;
}

int enroll_cmd_recovery(struct enroll_ctx *ctx)
{
	struct recovery_update u = {.user = ctx->user};
	struct recovery_secret *s = NULL;
	struct sspr_record current;
	unsigned n = ctx->pol.recovery_codes;
	int r;

	sspr_record_init(&current);
	if ((r = enroll_method_allowed(ctx, SSPR_METHOD_RECOVERY)) != SSPR_EXIT_OK)
		return r;
	r = SSPR_EXIT_ERROR;
	if (n < 1 || n > SSPR_RECOVERY_MAX) {
		/* TRANSLATORS: recovery_codes is a setting of the policy file: keep
		 * it. */
		cli_error(_("recovery_codes must be 1..%d"), SSPR_RECOVERY_MAX);
		return r;
	}
	if (sodium_init() < 0 || (s = sodium_malloc(sizeof(*s))) == NULL) {
		cli_error("%s", _("out of memory"));
		goto out;
	}
	sodium_memzero(s, sizeof(*s));
	if (enroll_load_record(ctx, &current) == SSPR_OK && current.n_recovery > 0)
		printf(
		    dngettext(SSPR_TEXT_DOMAIN,
			      "Your earlier recovery codes (%u left) are replaced by a new set;\n"
			      "the old ones stop working now.\n\n",
			      "Your earlier recovery codes (%u left) are replaced by a new set;\n"
			      "the old ones stop working now.\n\n",
			      sspr_recovery_left(&current)),
		    sspr_recovery_left(&current));
	/* Random codes and hashing happen here, once: the store may run the
	 * update function more than once. */
	sspr_record_init(&s->fresh);
	if (sspr_recovery_issue(&s->fresh, n, s->codes) != SSPR_OK) {
		cli_error("%s", _("cannot make recovery codes"));
		goto out;
	}
	u.fresh = &s->fresh;
	u.now = sspr_now();
	if (enroll_update_record(ctx, store_recovery, &u, _("cannot store the recovery codes")) < 0)
		goto out;
	printf(
	    dngettext(SSPR_TEXT_DOMAIN,
		      /* TRANSLATORS: keep the lines under 80 columns. */
		      "Your %u recovery codes. Each works once, in place of the other methods,\n"
		      "when you reset your password. They are shown only now: print them or\n"
		      "write them down and keep them somewhere safe, away from this computer.\n\n",
		      "Your %u recovery codes. Each works once, in place of the other methods,\n"
		      "when you reset your password. They are shown only now: print them or\n"
		      "write them down and keep them somewhere safe, away from this computer.\n\n",
		      n),
	    n);
	for (unsigned i = 0; i < n; i++)
		printf("  %2u. %s\n", i + 1, s->codes[i]);
	printf("\n%s",
	       /* TRANSLATORS: keep the command 'sspr-enroll recovery' as it is. */
	       _("Running 'sspr-enroll recovery' again makes a new set and cancels these.\n"));
	fflush(stdout);
	r = SSPR_EXIT_OK;
out:
	if (s != NULL)
		sodium_free(s);
	sspr_record_wipe(&current);
	return r;
}
