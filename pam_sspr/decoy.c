/* Decoy challenges (enumeration = hide): what someone who cannot reset
 * sees instead of "not set up" or "locked". Each one shows the prompts of
 * the real challenge in the same order, does the same expensive work
 * (opening a sealed secret, Argon2id, a synced store write), and ends
 * with the same refusal. The truth goes only to syslog and the audit
 * trail, written before the decoy starts. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "answer.h"
#include "challenge.h"
#include "codes.h"
#include "conv.h"
#include "decoy.h"
#include "hostkey.h"
#include "questions.h"
#include "slots.h"
#include "totp.h"
#include "util.h"

/* Work a real refusal does after the answer: a synced store write. */
static void pace_write(struct sspr_session *s)
{
	struct sspr_error err = {{0}};

	if (s->store != NULL && sspr_store_decoy_write(s->store, &err) != SSPR_OK)
		sspr_session_debug(s, "decoy write: %s", err.msg);
}

/* Asks one prompt; false when the conversation failed, which is then
 * answered as a real challenge answers it (sspr_session_aborted). */
static bool ask(struct sspr_session *s, const char *prompt, const char *refusal, char **reply)
{
	if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, reply) == PAM_SUCCESS)
		return true;
	sspr_session_aborted(s, NULL, refusal);
	return false;
}

static int refuse(struct sspr_session *s, const char *text)
{
	pace_write(s);
	sspr_session_refuse(s, text);
	return SSPR_EBADCODE;
}

static int decoy_totp(struct sspr_session *s)
{
	uint8_t sealed[SSPR_SEALED_MAX], secret[SSPR_TOTP_SECRET_MAX];
	struct sspr_hostkey key;
	struct sspr_error err = {{0}};
	size_t len = 0;
	uint64_t step;
	char *code = NULL;

	/* The real challenge opens the user's sealed secret first. */
	randombytes_buf(sealed, sizeof(sealed));
	if (sspr_hostkey_load(s->policy.key_dir, &key, &err) == SSPR_OK)
		(void)sspr_unseal(&key, sealed, SSPR_SEAL_OVERHEAD + 20, secret, sizeof(secret),
				  &len);
	sspr_hostkey_wipe(&key);
	if (!ask(s, SSPR_TOTP_PROMPT, SSPR_TOTP_REFUSED, &code))
		return SSPR_EINVAL;
	randombytes_buf(secret, 20);
	(void)sspr_totp_find_step(secret, 20, &s->policy.totp, sspr_now(), code, &step);
	sodium_memzero(secret, sizeof(secret));
	sspr_conv_free(code);
	return refuse(s, SSPR_TOTP_REFUSED);
}

static int decoy_recovery(struct sspr_session *s)
{
	struct sspr_record *scratch = sodium_malloc(sizeof(*scratch));
	char *code = NULL;

	if (!ask(s, SSPR_RECOVERY_PROMPT, SSPR_RECOVERY_REFUSED, &code)) {
		sodium_free(scratch);
		return SSPR_EINVAL;
	}
	if (scratch != NULL) {
		sspr_record_init(scratch);
		(void)sspr_recovery_find(scratch, code); /* the keyed hash a real check makes */
		sodium_free(scratch);
	}
	sspr_conv_free(code);
	return refuse(s, SSPR_RECOVERY_REFUSED);
}

static int decoy_email(struct sspr_session *s)
{
	/* The real one stores the pending code before sending it. */
	pace_write(s);
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", SSPR_EMAIL_SENT_HIDDEN);
	for (int i = 0; i < SSPR_EMAIL_TRIES; i++) {
		char *code = NULL;

		if (!ask(s, SSPR_EMAIL_PROMPT_HIDDEN, SSPR_EMAIL_REFUSED, &code))
			return SSPR_EINVAL;
		sspr_conv_free(code);
		if (i + 1 < SSPR_EMAIL_TRIES) {
			pace_write(s);
			sspr_session_refuse(s, SSPR_EMAIL_REFUSED);
		}
	}
	return refuse(s, SSPR_EMAIL_REFUSED);
}

/* The same questions_to_register questions for the same user every time,
 * so that asking twice does not give the decoy away; chosen with a key
 * only root has, so nobody can predict which questions a decoy shows. */
static int pick_decoy_questions(struct sspr_session *s, const struct sspr_question_list *list,
				unsigned *picked, unsigned k)
{
	struct sspr_hostkey key;
	struct sspr_error err = {{0}};
	uint8_t seed[crypto_stream_chacha20_KEYBYTES];
	uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
	uint32_t stream[SSPR_QUESTIONS_MAX];
	unsigned idx[SSPR_QUESTIONS_FILE_MAX], n = (unsigned)list->count;

	if (sspr_hostkey_load(s->policy.key_dir, &key, &err) != SSPR_OK)
		return SSPR_EKEY;
	crypto_generichash(seed, sizeof(seed), (const uint8_t *)s->user, strlen(s->user), key.sk,
			   sizeof(key.sk));
	sspr_hostkey_wipe(&key);
	crypto_stream_chacha20((uint8_t *)stream, sizeof(stream), nonce, seed);
	sodium_memzero(seed, sizeof(seed));
	for (unsigned i = 0; i < n; i++)
		idx[i] = i;
	for (unsigned i = 0; i < k; i++) {
		unsigned j = i + stream[i] % (n - i), t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
		picked[i] = idx[i];
	}
	return SSPR_OK;
}

static int decoy_questions(struct sspr_session *s)
{
	struct sspr_question_list *list = sodium_malloc(sizeof(*list));
	struct sspr_error err = {{0}};
	unsigned registered = s->policy.questions_to_register, picked[SSPR_QUESTIONS_MAX];
	unsigned asked = s->policy.questions_to_reset;
	int r = SSPR_OK;

	if (list == NULL || sspr_questions_load(s->policy.questions_file, list, &err) != SSPR_OK ||
	    list->count < registered || asked > registered ||
	    pick_decoy_questions(s, list, picked, registered) != SSPR_OK) {
		/* Without a questions file there is nothing plausible to ask;
		 * the authenticator prompt is the next best disguise. */
		sspr_session_debug(s, "decoy questions unavailable: %s", err.msg);
		if (list != NULL)
			sodium_free(list);
		return decoy_totp(s);
	}
	/* Like the real challenge: a random subset of the registered ones. */
	for (unsigned i = 0; i < asked; i++) {
		unsigned j = i + randombytes_uniform(registered - i), t = picked[i];

		picked[i] = picked[j];
		picked[j] = t;
	}
	sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", SSPR_QUESTIONS_INTRO);
	for (unsigned i = 0; i < asked && r == SSPR_OK; i++) {
		char prompt[SSPR_QUESTION_MAX + 2], hash[SSPR_HASH_STR_MAX], *reply = NULL;
		struct sspr_slot slot;

		snprintf(prompt, sizeof(prompt), "%s ", list->text[picked[i]]);
		if (!ask(s, prompt, SSPR_QUESTIONS_REFUSED, &reply)) {
			r = SSPR_EINVAL;
			break;
		}
		/* One Argon2id run at the policy's cost, as verifying takes, in
		 * one of the same slots. */
		r = sspr_answer_slot_take(s, &slot);
		if (r == SSPR_OK)
			(void)sspr_answer_hash(reply, s->policy.argon2_opslimit,
					       s->policy.argon2_memlimit, hash);
		sspr_slot_release(&slot);
		sodium_memzero(hash, sizeof(hash)); /* a hash of what someone typed */
		sspr_conv_free(reply);
	}
	sodium_free(list);
	return r == SSPR_OK ? refuse(s, SSPR_QUESTIONS_REFUSED) : r;
}

int sspr_decoy_challenge(struct sspr_session *s, unsigned method)
{
	switch (method) {
	case SSPR_METHOD_QUESTIONS:
		return decoy_questions(s);
	case SSPR_METHOD_EMAIL:
		return decoy_email(s);
	case SSPR_METHOD_RECOVERY:
		return decoy_recovery(s);
	default:
		return decoy_totp(s);
	}
}
