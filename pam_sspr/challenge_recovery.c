/* SPDX-License-Identifier: BSD-2-Clause */
/* The recovery-code challenge: one of the codes shown at enrollment,
 * spent in the same write that accepts it. */
#include <syslog.h>

#include <security/pam_ext.h>

#include "challenge.h"
#include "decoy.h"
#include "codes.h"
#include "conv.h"

struct recovery_answer {
	const char *typed;
	unsigned left; /* codes left after this one, for the message */
};

static enum sspr_verdict judge_recovery(struct sspr_record *rec, int64_t now, void *ctx)
{
	struct recovery_answer *a = ctx;
	int i;

	if (sspr_recovery_left(rec) == 0)
		return SSPR_VERDICT_NOT_ENROLLED;
	i = sspr_recovery_find(rec, a->typed);
	if (i < 0)
		return SSPR_VERDICT_REFUSED;
	rec->recovery[i].used = true;
	a->left = sspr_recovery_left(rec);
	return SSPR_VERDICT_ACCEPTED;
}

int sspr_challenge_recovery(struct sspr_session *s, const struct sspr_record *rec)
{
	struct recovery_answer answer = {0};
	const struct sspr_check check = {
		.method = "recovery",
		.refused_result = "bad-code",
		.refused_text = SSPR_RECOVERY_REFUSED,
		.judge = judge_recovery,
		.ctx = &answer,
	};
	int r = sspr_challenge_secret(s, &check, rec, SSPR_RECOVERY_PROMPT, &answer.typed);

	if (r != SSPR_OK)
		return r;
	if (answer.left == 0)
		sspr_conv_say(s->pamh, PAM_TEXT_INFO,
			      /* TRANSLATORS: keep the command 'sspr-enroll recovery' as it is. */
			      "%s", _("That was your last recovery code. Run 'sspr-enroll recovery' for a "
				"new set."));
	else
		sspr_conv_say(s->pamh, PAM_TEXT_INFO,
			      dngettext(SSPR_TEXT_DOMAIN, "Recovery code accepted; %u left.",
					"Recovery code accepted; %u left.", answer.left),
			      answer.left);
	return SSPR_OK;
}

static void hash_like_recovery(const struct sspr_record *scratch, const char *typed)
{
	(void)sspr_recovery_find(scratch, typed);
}

/* Its decoy (decoy.h): the prompt, the keyed hash of a real check, the
 * refusal. */
int sspr_decoy_recovery(struct sspr_session *s, const struct sspr_record *rec)
{
	(void)rec;
	return sspr_decoy_secret(s, "recovery", SSPR_RECOVERY_PROMPT, SSPR_RECOVERY_REFUSED,
				 hash_like_recovery);
}
