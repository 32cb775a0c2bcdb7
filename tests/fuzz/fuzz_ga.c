/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the ~/.google_authenticator importer (sspr-admin import
 * google-authenticator), linked from sspr-admin's own library
 * (import.h). admin_ga_parse reads the input through admin_input_file, as
 * the tool does, and accepted scratch codes are hashed into recovery codes; the
 * store is not touched. Properties: an accepted file is TOTP with a sealed
 * secret of a valid size, a period of 1..3600 s and at most
 * SSPR_RECOVERY_MAX scratch codes of 8 digits. */
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
	static struct ga_file g;
	static struct sspr_record codes;

	if (size > GA_FILE_MAX + 1)
		return 0;
	if (!have_key) {
		uint8_t sk[crypto_box_SECRETKEYBYTES];

		if (sodium_init() < 0 || crypto_box_keypair(pk, sk) != 0)
			fuzz_fail("making a host key failed");
		sodium_memzero(sk, sizeof(sk));
		have_key = true;
	}
	memset(&g, 0, sizeof(g));
	g.path = fuzz_file(data, size);
	if (admin_ga_parse(&g, pk) != SSPR_EXIT_OK)
		return 0;
	if (!g.totp_auth || g.hotp_line != 0 || g.bad != 0)
		fuzz_fail("accepted a file that is not clean TOTP");
	if (g.t.period < 1 || g.t.period > 3600 || g.t.digits != GA_DIGITS ||
	    g.t.sealed_len < SSPR_SEAL_OVERHEAD + ADMIN_SECRET_MIN ||
	    g.t.sealed_len > SSPR_SEALED_MAX)
		fuzz_fail("accepted a token the store would refuse");
	if (g.n_scratch > SSPR_RECOVERY_MAX)
		fuzz_fail("more scratch codes than a record holds");
	for (unsigned i = 0; i < g.n_scratch; i++)
		if (strlen(g.scratch[i]) != GA_SCRATCH_DIGITS ||
		    strspn(g.scratch[i], "0123456789") != GA_SCRATCH_DIGITS)
			fuzz_fail("kept a scratch code that is not 8 digits");
	sspr_record_init(&codes);
	if (g.n_scratch > 0 && admin_ga_hash_scratch(&g, &codes) == SSPR_EXIT_OK &&
	    codes.n_recovery != g.n_scratch)
		fuzz_fail("scratch codes and recovery codes differ in number");
	sspr_record_wipe(&codes);
	return 0;
}
