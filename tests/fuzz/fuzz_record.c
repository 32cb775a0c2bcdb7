/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the user record decoder (sspr_record_decode): a record comes from
 * the store, which a bug, a crash or a hostile member of the store's group
 * may have written. Properties: a refused record is wiped; an accepted one
 * encodes again and decodes to the same struct, so a record the module
 * reads is one the tools can write back. */
#include <string.h>

#include "fuzz.h"
#include "record.h"

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sspr_record rec, again;
	static uint8_t buf[SSPR_RECORD_ENCODED_MAX];
	size_t len = 0;
	unsigned methods;

	if (sspr_record_decode(data, size, &rec) != SSPR_OK) {
		if (!all_zero(&rec, sizeof(rec)))
			fuzz_fail("refused record is not wiped");
		return 0;
	}
	methods = sspr_record_methods(&rec);
	if ((methods & ~SSPR_METHOD_ALL) != 0)
		fuzz_fail("record has a method outside SSPR_METHOD_ALL");
	SSPR_FOR_EACH_METHOD(m)
		if ((methods & m) && !sspr_record_has_method_data(&rec, m))
			fuzz_fail("usable method without method data");
	if (sspr_record_encode(&rec, buf, sizeof(buf), &len) != SSPR_OK)
		fuzz_fail("accepted record does not encode");
	if (len > SSPR_RECORD_ENCODED_MAX)
		fuzz_fail("encoded record is over SSPR_RECORD_ENCODED_MAX");
	if (sspr_record_decode(buf, len, &again) != SSPR_OK)
		fuzz_fail("re-encoded record does not decode");
	if (memcmp(&rec, &again, sizeof(rec)) != 0)
		fuzz_fail("re-encoded record decodes to a different record");
	return 0;
}
