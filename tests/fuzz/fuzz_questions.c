/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the predefined questions file reader (sspr_questions_load).
 * Property: every question it accepts passes the same check a custom
 * question typed by a user does, and none appears twice. */
#include <string.h>

#include "fuzz.h"
#include "questions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sspr_question_list list;
	struct sspr_error err = {{0}};

	if (sspr_questions_load(fuzz_file(data, size), &list, &err) != SSPR_OK) {
		if (err.msg[0] == '\0' || list.count != 0)
			fuzz_fail("refused questions file without a message, or with questions left");
		return 0;
	}
	if (list.count > SSPR_QUESTIONS_FILE_MAX)
		fuzz_fail("more questions than the list holds");
	for (size_t i = 0; i < list.count; i++) {
		struct sspr_error why = {{0}};

		if (sspr_question_text_check(list.text[i], &why) != SSPR_OK)
			fuzz_fail("accepted a question the question check refuses");
		for (size_t j = 0; j < i; j++)
			if (strcmp(list.text[i], list.text[j]) == 0)
				fuzz_fail("accepted a duplicate question");
	}
	return 0;
}
