/* SPDX-License-Identifier: BSD-2-Clause */
/* The draw of security questions (see question_draw.h). */
#include <string.h>

#include <sodium.h>

#include "hostkey.h"
#include "question_draw.h"
#include "questions.h"

int sspr_draw_begin(const struct sspr_session *s, int64_t now, struct sspr_draw *draw,
		    struct sspr_error *err)
{
	struct sspr_hostkey key;
	crypto_generichash_state st;
	uint8_t phase_bytes[8];
	uint64_t phase = 0, window = s->policy.lockout.window > 0 ? s->policy.lockout.window : 1;
	int r;

	r = sspr_hostkey_load(s->policy.key_dir, &key, err);
	if (r != SSPR_OK)
		return r;
	/* Two keyed hashes of the name: the period's phase, then the seed of
	 * this period. Domain-separated so neither tells the other. */
	crypto_generichash_init(&st, key.sk, sizeof(key.sk), sizeof(phase_bytes));
	crypto_generichash_update(&st, (const uint8_t *)"sspr draw phase", 15);
	crypto_generichash_update(&st, (const uint8_t *)s->user, strlen(s->user));
	crypto_generichash_final(&st, phase_bytes, sizeof(phase_bytes));
	for (int i = 0; i < 8; i++)
		phase = (phase << 8) | phase_bytes[i];
	draw->period = ((uint64_t)(now < 0 ? 0 : now) + phase % window) / window;
	crypto_generichash_init(&st, key.sk, sizeof(key.sk), sizeof(draw->seed));
	crypto_generichash_update(&st, (const uint8_t *)"sspr draw seed", 14);
	crypto_generichash_update(&st, (const uint8_t *)&draw->period, sizeof(draw->period));
	crypto_generichash_update(&st, (const uint8_t *)s->user, strlen(s->user));
	crypto_generichash_final(&st, draw->seed, sizeof(draw->seed));
	crypto_generichash_init(&st, key.sk, sizeof(key.sk), sizeof(draw->set_seed));
	crypto_generichash_update(&st, (const uint8_t *)"sspr draw set", 13);
	crypto_generichash_update(&st, (const uint8_t *)s->user, strlen(s->user));
	crypto_generichash_final(&st, draw->set_seed, sizeof(draw->set_seed));
	sspr_hostkey_wipe(&key);
	sodium_memzero(&st, sizeof(st));
	return SSPR_OK;
}

void sspr_draw_wipe(struct sspr_draw *draw)
{
	sodium_memzero(draw, sizeof(*draw));
}

void sspr_draw_shuffle(const uint8_t seed[SSPR_DRAW_SEED_BYTES], unsigned n, unsigned k,
		       unsigned *out)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];
	uint32_t stream[SSPR_QUESTIONS_FILE_MAX];
	unsigned idx[SSPR_QUESTIONS_FILE_MAX];

	if (n > SSPR_QUESTIONS_FILE_MAX)
		n = SSPR_QUESTIONS_FILE_MAX;
	if (k > n)
		k = n;
	crypto_stream_chacha20((uint8_t *)stream, sizeof(stream), nonce, seed);
	for (unsigned i = 0; i < n; i++)
		idx[i] = i;
	/* Fisher-Yates over the first k places; the modulo bias of a 32-bit
	 * word over at most SSPR_QUESTIONS_FILE_MAX is far below noise. */
	for (unsigned i = 0; i < k; i++) {
		unsigned j = i + stream[i] % (n - i), t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
		out[i] = idx[i];
	}
	sodium_memzero(stream, sizeof(stream));
}

bool sspr_draw_kept(const struct sspr_record *rec, const struct sspr_draw *draw, unsigned k,
		    unsigned *out)
{
	if (rec->n_drawn != k || rec->draw_epoch != draw->period || k > rec->n_questions)
		return false;
	for (unsigned i = 0; i < k; i++) {
		if (rec->drawn[i] >= rec->n_questions)
			return false;
		out[i] = rec->drawn[i];
	}
	return true;
}
