/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes what a user types for the phone method and for an authenticator
 * device: sspr_phone_normalize (sspr-enroll phone NUMBER, sspr-admin enroll
 * USER phone NUMBER), sspr_phone_mask and sspr_device_name_valid.
 * Properties: an accepted number is valid E.164 and a fixed point, a
 * refused one leaves the output empty; the mask fits its bound, shows at
 * most five of the digits and holds nothing but "+", digits, "*" and
 * spaces; a valid device name is within its bound and of its alphabet. */
#include <string.h>

#include "fuzz.h"
#include "phone.h"
#include "record.h"

#define INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[INPUT_MAX + 1], out[SSPR_PHONE_DIGITS_MAX + 2], again[SSPR_PHONE_DIGITS_MAX + 2];
	char masked[SSPR_PHONE_MASKED_MAX];
	size_t shown = 0;

	if (size > INPUT_MAX)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (sspr_device_name_valid(in) &&
	    (strlen(in) > SSPR_DEVICE_NAME_MAX ||
	     strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
		     strlen(in)))
		fuzz_fail("a device name outside its bound or alphabet is accepted");
	memset(out, 'x', sizeof(out));
	if (!sspr_phone_normalize(in, out, sizeof(out))) {
		if (out[0] != '\0')
			fuzz_fail("a refused number left bytes in the output");
		return 0;
	}
	if (!sspr_phone_valid(out))
		fuzz_fail("an accepted number is not valid E.164");
	if (!sspr_phone_normalize(out, again, sizeof(again)) || strcmp(out, again) != 0)
		fuzz_fail("normalisation is not a fixed point");
	sspr_phone_mask(out, masked, sizeof(masked));
	if (strnlen(masked, sizeof(masked)) >= sizeof(masked))
		fuzz_fail("the mask is unterminated");
	if (strspn(masked, "+0123456789* ") != strlen(masked))
		fuzz_fail("the mask holds something else");
	for (const char *p = masked; *p != '\0'; p++)
		shown += *p >= '0' && *p <= '9';
	if (shown > 5)
		fuzz_fail("the mask shows more than five digits");
	return 0;
}
