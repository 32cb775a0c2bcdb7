/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the policy parser through sspr_policy_load, the path every
 * program takes. Property: a policy that loads prints (sspr_policy_foreach,
 * what check-config --print shows) to a file that loads to the very same
 * struct, so check-config never shows one thing while the module obeys
 * another. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

struct printed {
	char text[SSPR_POLICY_FILE_MAX];
	size_t len;
	int overflow;
};

static void print_line(const char *key, const char *value, void *ctx)
{
	struct printed *p = ctx;
	int n = snprintf(p->text + p->len, sizeof(p->text) - p->len, "%s = %s\n", key, value);

	if (n < 0 || (size_t)n >= sizeof(p->text) - p->len)
		p->overflow = 1;
	else
		p->len += (size_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sspr_policy pol, again;
	static struct printed out;
	struct sspr_error err = {{0}};
	int r;

	r = sspr_policy_load(fuzz_file(data, size), &pol, &err);
	if (r != SSPR_OK) {
		if (err.msg[0] == '\0')
			fuzz_fail("policy refused without a message");
		return 0;
	}
	memset(&out, 0, sizeof(out));
	sspr_policy_foreach(&pol, print_line, &out);
	if (out.overflow)
		fuzz_fail("printed policy does not fit a policy file");
	if (sspr_policy_load(fuzz_file((const uint8_t *)out.text, out.len), &again, &err) !=
	    SSPR_OK)
		fuzz_fail("printed policy does not load again");
	if (memcmp(&pol, &again, sizeof(pol)) != 0)
		fuzz_fail("printed policy loads to a different policy");
	return 0;
}
