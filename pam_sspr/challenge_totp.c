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
	/* The device the code matched, as it was when checked. */
	struct sspr_totp matched;
	bool code_matched;
	uint64_t step;
};

static enum sspr_verdict judge_totp(struct sspr_record *rec, int64_t now, void *ctx)
{
	const struct totp_answer *a = ctx;
	int i;

	(void)now;
	if (rec->n_totp == 0)
		return SSPR_VERDICT_NOT_ENROLLED;
	if (!a->code_matched)
		return SSPR_VERDICT_REFUSED;
	/* Re-enrolled or removed between our read and this write: the code
	 * was checked against a secret that is no longer the user's. */
	i = sspr_record_find_totp(rec, a->matched.name);
	if (i < 0 || rec->totp[i].sealed_len != a->matched.sealed_len ||
	    sodium_memcmp(rec->totp[i].sealed, a->matched.sealed, a->matched.sealed_len) != 0)
		return SSPR_VERDICT_REFUSED;
	if (sspr_totp_accept_step(&rec->totp[i], a->step) != SSPR_OK)
		return SSPR_VERDICT_REPLAY;
	return SSPR_VERDICT_ACCEPTED;
}

/* The secrets of every device, opened, for one check. */
struct opened {
	uint8_t secret[SSPR_TOTP_DEVICES_MAX][SSPR_TOTP_SECRET_MAX];
	size_t len[SSPR_TOTP_DEVICES_MAX];
	bool ok[SSPR_TOTP_DEVICES_MAX]; /* the device's secret opened */
};

/* The work of opening SSPR_TOTP_DEVICES_MAX secrets with every key of the
 * ring, whatever the user has (sspr_unseal_ring_every; random noise for
 * the places without a device), as the decoy does: the time says nothing
 * of how many devices there are, nor which key opens them. Returns how
 * many devices opened. */
static unsigned open_slots(const struct sspr_keyring *ring, const struct sspr_record *rec,
			   struct opened *o)
{
	unsigned opened = 0;

	for (unsigned i = 0; i < SSPR_TOTP_DEVICES_MAX; i++) {
		uint8_t noise[SSPR_SEAL_OVERHEAD + 20];
		const uint8_t *sealed = noise;
		size_t len = sizeof(noise);

		if (rec != NULL && i < rec->n_totp) {
			sealed = rec->totp[i].sealed;
			len = rec->totp[i].sealed_len;
		} else {
			randombytes_buf(noise, sizeof(noise));
		}
		o->ok[i] = sspr_unseal_ring_every(ring, sealed, len, o->secret[i],
						  sizeof(o->secret[i]), &o->len[i]) == SSPR_OK &&
			   sealed != noise;
		opened += o->ok[i];
	}
	return opened;
}

/* Opens the user's secrets with the key ring (current, then next and
 * previous, so a fleet mid-rotation keeps working). A device whose secret
 * opens with no key is logged and left out: the others still work. SSPR_OK
 * when at least one opened; else an error already reported as
 * "unavailable". */
static int open_secrets(struct sspr_session *s, const struct sspr_record *rec, struct opened *o)
{
	struct sspr_keyring ring;
	struct sspr_error err = {{0}};
	int r;

	r = sspr_keyring_load(s->policy.key_dir, 0, &ring, &err);
	if (r == SSPR_OK) {
		unsigned opened = open_slots(&ring, rec, o);

		for (unsigned i = 0; i < rec->n_totp; i++)
			if (!o->ok[i])
				pam_syslog(s->pamh, LOG_ERR, "totp: the secret of %s's device %s does "
					   "not open with the host key in %s", s->user,
					   rec->totp[i].name, s->policy.key_dir);
		if (opened == 0)
			r = sspr_error_set(&err, SSPR_EKEY, "no secret of %s opens with the host "
					   "key in %s", s->user, s->policy.key_dir);
	}
	sspr_keyring_wipe(&ring);
	if (r != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", "totp", err.msg,
				  SSPR_MSG_UNAVAILABLE);
	}
	return r;
}

/* Checks code against every device (each with its own digits and
 * period: a user enrolled with 8 digits keeps 8 when the default
 * changes), and against random secrets up to SSPR_TOTP_DEVICES_MAX. */
static void check_code(const struct sspr_session *s, const struct sspr_record *rec,
		       struct opened *o, const char *code, struct totp_answer *a)
{
	for (unsigned i = 0; i < SSPR_TOTP_DEVICES_MAX; i++) {
		struct sspr_totp_params params = s->policy.totp;
		uint64_t step;

		if (i >= rec->n_totp || !o->ok[i]) {
			randombytes_buf(o->secret[i], 20);
			(void)sspr_totp_find_step(o->secret[i], 20, &params, sspr_now(), code, &step);
			continue;
		}
		params.digits = rec->totp[i].digits;
		params.period = rec->totp[i].period;
		if (sspr_totp_find_step(o->secret[i], o->len[i], &params, sspr_now(), code, &step) ==
			    SSPR_OK &&
		    !a->code_matched) {
			a->code_matched = true;
			a->step = step;
			a->matched = rec->totp[i];
		}
	}
}

int sspr_challenge_totp(struct sspr_session *s, const struct sspr_record *rec)
{
	struct totp_answer *answer = sodium_malloc(sizeof(*answer));
	struct opened *o = sodium_malloc(sizeof(*o));
	const struct sspr_check check = {
		.method = "totp",
		.refused_result = "bad-code",
		.refused_text = SSPR_TOTP_REFUSED,
		.judge = judge_totp,
		.ctx = answer,
	};
	char *code = NULL;
	int r;

	if (answer == NULL || o == NULL || sspr_totp_init() != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, true, "unavailable", "totp", "crypto init",
				  SSPR_MSG_UNAVAILABLE);
		r = SSPR_ERR;
		goto out;
	}
	sodium_memzero(answer, sizeof(*answer));
	sodium_memzero(o, sizeof(*o));
	r = open_secrets(s, rec, o);
	if (r == SSPR_OK)
		r = sspr_challenge_begin(s, &check, rec);
	if (r != SSPR_OK)
		goto out;

	r = sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, _(SSPR_TOTP_PROMPT), &code);
	if (r != PAM_SUCCESS) {
		sspr_session_aborted(s, "totp", SSPR_TOTP_REFUSED);
		r = SSPR_EINVAL;
		goto out;
	}
	check_code(s, rec, o, code, answer);
	sodium_memzero(o, sizeof(*o));
	r = sspr_challenge_decide(s, &check, NULL);
	if (r == SSPR_OK)
		sspr_session_debug(s, "totp: the code of device %s", answer->matched.name);
out:
	sodium_free(o);
	sodium_free(answer);
	sspr_conv_free(code);
	return r;
}

/* Its decoy (decoy.h): the work of opening SSPR_TOTP_DEVICES_MAX secrets,
 * the prompt, the code checked against as many random secrets, the
 * refusal. */
int sspr_decoy_totp(struct sspr_session *s, const struct sspr_record *rec)
{
	struct sspr_record *none = sodium_malloc(sizeof(*none));
	struct opened *o = sodium_malloc(sizeof(*o));
	struct totp_answer *ignored = sodium_malloc(sizeof(*ignored));
	struct sspr_keyring ring;
	struct sspr_error err = {{0}};
	char *code = NULL;
	int r = SSPR_EINVAL;

	(void)rec;
	if (none != NULL && o != NULL && ignored != NULL) {
		sspr_record_init(none); /* no device: every slot is made-up work */
		sodium_memzero(o, sizeof(*o));
		sodium_memzero(ignored, sizeof(*ignored));
		if (sspr_keyring_load(s->policy.key_dir, 0, &ring, &err) == SSPR_OK)
			(void)open_slots(&ring, NULL, o);
		sspr_keyring_wipe(&ring);
	}
	if (sspr_decoy_ask(s, "totp", _(SSPR_TOTP_PROMPT), SSPR_TOTP_REFUSED, &code)) {
		if (none != NULL && o != NULL && ignored != NULL)
			check_code(s, none, o, code, ignored);
		sspr_conv_free(code);
		r = sspr_decoy_refuse(s, "totp", SSPR_TOTP_REFUSED);
	}
	sodium_free(ignored);
	sodium_free(o);
	sodium_free(none);
	return r;
}
