/* SPDX-License-Identifier: BSD-2-Clause */
/* The temporary access pass challenge: the pass the helpdesk issued
 * (sspr-admin pass), one use spent in the same write that accepts it; the
 * last use removes it. */
#include <security/pam_ext.h>

#include "challenge.h"
#include "codes.h"
#include "conv.h"
#include "decoy.h"

struct pass_answer {
	const char *typed;
	unsigned left; /* uses left after this one, for the message */
};

static enum sspr_verdict judge_pass(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct pass_answer *a = ctx;
	bool match = sspr_pass_matches(rec, a->typed);

	/* Expired or spent since the menu: gone, as if revoked. */
	if (!sspr_record_pass_usable(rec, now))
		return SSPR_VERDICT_NOT_ENROLLED;
	if (!match)
		return SSPR_VERDICT_REFUSED;
	a->left = (unsigned)rec->pass.uses_left - 1;
	if (a->left == 0)
		sspr_record_clear_method(rec, SSPR_METHOD_PASS);
	else
		rec->pass.uses_left--;
	return SSPR_VERDICT_ACCEPTED;
}

int sspr_challenge_pass(struct sspr_session *s, const struct sspr_record *rec)
{
	struct pass_answer answer = {0};
	const struct sspr_check check = {
		.method = "pass",
		.refused_result = "bad-code",
		.refused_text = SSPR_PASS_REFUSED,
		.judge = judge_pass,
		.ctx = &answer,
	};
	int r = sspr_challenge_secret(s, &check, rec, SSPR_PASS_PROMPT, &answer.typed);

	if (r != SSPR_OK)
		return r;
	if (answer.left == 0)
		sspr_conv_say(s->pamh, PAM_TEXT_INFO,
			      "%s", _("Temporary access pass accepted; it is now used up."));
	else
		sspr_conv_say(s->pamh, PAM_TEXT_INFO,
			      dngettext(SSPR_TEXT_DOMAIN,
					"Temporary access pass accepted; it can be used %u more time.",
					"Temporary access pass accepted; it can be used %u more times.",
					answer.left),
			      answer.left);
	return SSPR_OK;
}

static void hash_like_pass(const struct sspr_record *scratch, const char *typed)
{
	(void)sspr_pass_matches(scratch, typed);
}

/* Its decoy (decoy.h): the prompt, the keyed hash of a real check, the
 * refusal. */
int sspr_decoy_pass(struct sspr_session *s, const struct sspr_record *rec)
{
	(void)rec;
	return sspr_decoy_secret(s, "pass", SSPR_PASS_PROMPT, SSPR_PASS_REFUSED, hash_like_pass);
}
