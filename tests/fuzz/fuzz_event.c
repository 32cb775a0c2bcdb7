/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the audit event decoder (sspr_event_decode), which reads events
 * back from the store for `sspr-admin report`. Properties: a refused event
 * is zeroed; an accepted one has NUL-terminated fields and survives an
 * encode/decode round trip unchanged. */
#include <string.h>

#include "event.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sspr_event ev, again;
	static const struct sspr_event zero;
	uint8_t buf[SSPR_EVENT_ENCODED_MAX];
	size_t len = 0;

	if (sspr_event_decode(data, size, &ev) != SSPR_OK) {
		if (memcmp(&ev, &zero, sizeof(ev)) != 0)
			fuzz_fail("refused event is not zeroed");
		return 0;
	}
	if (ev.action[0] == '\0')
		fuzz_fail("accepted event has no action");
	if (sspr_event_encode(&ev, buf, sizeof(buf), &len) != SSPR_OK)
		fuzz_fail("accepted event does not encode");
	if (sspr_event_decode(buf, len, &again) != SSPR_OK)
		fuzz_fail("re-encoded event does not decode");
	if (memcmp(&ev, &again, sizeof(ev)) != 0)
		fuzz_fail("re-encoded event decodes to a different event");
	return 0;
}
