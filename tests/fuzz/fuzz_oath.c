/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the pam_oath usersfile importer (sspr-admin import oath), linked
 * from sspr-admin's own library (import.h). Lines go through
 * admin_input_line and admin_oath_read_line as in admin_import_oath; the
 * store is not touched. Properties: every token kept
 * is one the store accepts (valid user, digits 6..8, period 1..3600, a
 * sealed secret of a valid size) and no user is kept twice. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "import.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	static bool have_key;
	static char buf[OATH_LINE_MAX * 8 + 1];
	struct admin_input in = {.buf = buf, .len = size, .cap = sizeof(buf)};
	struct oath_import im;
	size_t pos = 0;
	unsigned lineno = 0;
	char *line;

	/* admin_input_file refuses NUL bytes and bigger inputs take no new
	 * path: keep the inputs the real reader would hand over. */
	if (size >= sizeof(buf) || memchr(data, '\0', size) != NULL)
		return 0;
	if (!have_key) {
		uint8_t sk[crypto_box_SECRETKEYBYTES];

		if (sodium_init() < 0 || crypto_box_keypair(pk, sk) != 0)
			fuzz_fail("making a host key failed");
		sodium_memzero(sk, sizeof(sk));
		have_key = true;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&im, 0, sizeof(im));
	im.path = "fuzz";
	memcpy(im.pk, pk, sizeof(pk));
	while ((line = admin_input_line(&in, &pos, &lineno)) != NULL) {
		if (admin_oath_read_line(&im, line, lineno) != SSPR_EXIT_OK)
			break;
	}
	for (size_t i = 0; i < im.n; i++) {
		const struct oath_token *t = &im.tok[i];

		if (!sspr_user_name_valid(t->user) || t->t.digits < 6 || t->t.digits > 8 ||
		    t->t.period < 1 || t->t.period > 3600 ||
		    t->t.sealed_len < SSPR_SEAL_OVERHEAD + ADMIN_SECRET_MIN ||
		    t->t.sealed_len > SSPR_SEALED_MAX)
			fuzz_fail("kept a token the store would refuse");
		for (size_t j = 0; j < i; j++)
			if (strcmp(im.tok[j].user, t->user) == 0)
				fuzz_fail("kept two tokens for one user");
	}
	if (im.tok != NULL) {
		sodium_memzero(im.tok, im.cap * sizeof(*im.tok));
		free(im.tok);
	}
	return 0;
}
