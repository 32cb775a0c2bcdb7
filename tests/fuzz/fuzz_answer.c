/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes answer normalisation (sspr_answer_normalise), which sees every
 * byte a user types at the reset prompt. Properties: the normal form fits
 * its bound, has no control character, no leading, trailing or doubled
 * space, counts no more characters than bytes, and is a fixed point (the
 * answer typed at enrollment and its normal form typed at reset hash the
 * same). Refusal wipes the output. */
#include <string.h>

#include "answer.h"
#include "fuzz.h"
#include "questions.h"

#define INPUT_MAX (4 * SSPR_ANSWER_MAX)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[INPUT_MAX + 1], out[SSPR_ANSWER_MAX + 1], twice[SSPR_ANSWER_MAX + 1];
	size_t chars = 0, chars2 = 0, n;
	struct sspr_error err = {{0}};

	if (size > INPUT_MAX)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	memset(out, 'x', sizeof(out));
	/* The same text as a custom question: must not crash either way. */
	(void)sspr_question_text_check(in, &err);
	if (sspr_answer_normalise(in, out, sizeof(out), &chars) != SSPR_OK) {
		for (size_t i = 0; i < sizeof(out); i++)
			if (out[i] != 0)
				fuzz_fail("refused answer left bytes in the output");
		return 0;
	}
	n = strnlen(out, sizeof(out));
	if (n > SSPR_ANSWER_MAX)
		fuzz_fail("normal form is unterminated or over SSPR_ANSWER_MAX");
	if (chars > n)
		fuzz_fail("more characters than bytes");
	if (n > 0 && (out[0] == ' ' || out[n - 1] == ' ' || strstr(out, "  ") != NULL))
		fuzz_fail("normal form has a leading, trailing or doubled space");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			fuzz_fail("normal form holds a control character");
	if (sspr_answer_normalise(out, twice, sizeof(twice), &chars2) != SSPR_OK)
		fuzz_fail("normal form is refused when typed again");
	if (strcmp(out, twice) != 0 || chars2 != chars)
		fuzz_fail("normalisation is not idempotent");
	if (n > 0 && !sspr_answer_contains(out, out))
		fuzz_fail("a non-empty answer does not contain itself");
	return 0;
}
