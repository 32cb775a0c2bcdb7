/* SPDX-License-Identifier: BSD-2-Clause */
/* The authenticator-app challenge: open the sealed secret, ask for the
 * code, check it against the window outside the write, then let the
 * decision step apply the replay rule on the current record. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "decoy.h"
#include "conv.h"
#include "hostkey.h"
#include "totp.h"
#include "util.h"

struct totp_answer {
	const struct sspr_totp *verified_against; /* the TOTP data the code was checked with */
	bool code_matched;
	uint64_t step;
};

static enum sspr_verdict judge_totp(struct sspr_record *rec, int64_t now, void *ctx)
{
	const struct totp_answer *a = ctx;

	if (!rec->has_totp)
		return SSPR_VERDICT_NOT_ENROLLED;
	/* Re-enrolled between our read and this write: the code was checked
	 * against a secret that is no longer the user's. */
	if (!a->code_matched || rec->totp.sealed_len != a->verified_against->sealed_len ||
	    sodium_memcmp(rec->totp.sealed, a->verified_against->sealed, rec->totp.sealed_len) != 0)
		return SSPR_VERDICT_REFUSED;
	if (sspr_totp_accept_step(&rec->totp, a->step) != SSPR_OK)
		return SSPR_VERDICT_REPLAY;
	return SSPR_VERDICT_ACCEPTED;
}

/* Opens the user's secret with the key ring (current, then next and
 * previous, so a fleet mid-rotation keeps working); SSPR_OK or an error
 * already reported as "unavailable". */
static int open_secret(struct sspr_session *s, const struct sspr_totp *totp, uint8_t *secret,
		       size_t cap, size_t *len)
{
	struct sspr_keyring ring;
	struct sspr_error err = {{0}};
	int r;

	r = sspr_keyring_load(s->policy.key_dir, 0, &ring, &err);
	if (r == SSPR_OK) {
		r = sspr_unseal_ring(&ring, totp->sealed, totp->sealed_len, secret, cap, len, NULL);
		if (r != SSPR_OK)
			sspr_error_set(&err, r, "secret of %s does not open with the host key in %s",
				       s->user, s->policy.key_dir);
	}
	sspr_keyring_wipe(&ring);
	if (r != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", "totp", err.msg,
				  SSPR_MSG_UNAVAILABLE);
	}
	return r;
}

int sspr_challenge_totp(struct sspr_session *s, const struct sspr_record *rec)
{
	struct totp_answer answer = {.verified_against = &rec->totp};
	const struct sspr_check check = {
		.method = "totp",
		.refused_result = "bad-code",
		.refused_text = SSPR_TOTP_REFUSED,
		.judge = judge_totp,
		.ctx = &answer,
	};
	struct sspr_totp_params params = s->policy.totp;
	uint8_t secret[SSPR_TOTP_SECRET_MAX];
	size_t secret_len = 0;
	char *code = NULL;
	int r;

	if (sspr_totp_init() != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", "totp", "crypto init",
				  SSPR_MSG_UNAVAILABLE);
		r = SSPR_ERR;
		goto out;
	}
	r = open_secret(s, &rec->totp, secret, sizeof(secret), &secret_len);
	if (r == SSPR_OK)
		r = sspr_challenge_begin(s, &check, rec);
	if (r != SSPR_OK)
		goto out;

	r = sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, SSPR_TOTP_PROMPT, &code);
	if (r != PAM_SUCCESS) {
		sspr_session_aborted(s, "totp", SSPR_TOTP_REFUSED);
		r = SSPR_EINVAL;
		goto out;
	}
	/* The enrolled code shape wins over the policy: a user enrolled with
	 * 8 digits keeps 8 digits when the default changes. */
	params.digits = rec->totp.digits;
	params.period = rec->totp.period;
	answer.code_matched = sspr_totp_find_step(secret, secret_len, &params, sspr_now(), code,
						  &answer.step) == SSPR_OK;
	sodium_memzero(secret, sizeof(secret));
	r = sspr_challenge_decide(s, &check, NULL);
out:
	sodium_memzero(secret, sizeof(secret));
	sspr_conv_free(code);
	return r;
}

/* Its decoy (decoy.h): the secret opened, the prompt, the code checked
 * against a random secret, the refusal. */
int sspr_decoy_totp(struct sspr_session *s, const struct sspr_record *rec)
{
	uint8_t sealed[SSPR_SEALED_MAX], secret[SSPR_TOTP_SECRET_MAX];
	struct sspr_hostkey key;
	struct sspr_error err = {{0}};
	size_t len = 0;
	uint64_t step;
	char *code = NULL;

	(void)rec;
	/* The real challenge opens the user's sealed secret first. */
	randombytes_buf(sealed, sizeof(sealed));
	if (sspr_hostkey_load(s->policy.key_dir, &key, &err) == SSPR_OK)
		(void)sspr_unseal(&key, sealed, SSPR_SEAL_OVERHEAD + 20, secret, sizeof(secret),
				  &len);
	sspr_hostkey_wipe(&key);
	if (!sspr_decoy_ask(s, "totp", SSPR_TOTP_PROMPT, SSPR_TOTP_REFUSED, &code))
		return SSPR_EINVAL;
	randombytes_buf(secret, 20);
	(void)sspr_totp_find_step(secret, 20, &s->policy.totp, sspr_now(), code, &step);
	sodium_memzero(secret, sizeof(secret));
	sspr_conv_free(code);
	return sspr_decoy_refuse(s, "totp", SSPR_TOTP_REFUSED);
}
