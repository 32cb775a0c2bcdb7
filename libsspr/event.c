/* SPDX-License-Identifier: BSD-2-Clause */
/* Audit event codec: version byte, then one TLV item per field (tlv.h).
 *   1 TIME (8 bytes)  2 ACTION  3 RESULT  4 METHOD  5 USER  6 SERVICE
 *   7 RHOST  8 DETAIL; each at most once, strings without NUL. */
#include <string.h>

#include "event.h"
#include "tlv.h"

enum tag { TAG_TIME = 1, TAG_ACTION, TAG_RESULT, TAG_METHOD, TAG_USER, TAG_SERVICE, TAG_RHOST,
	   TAG_DETAIL, TAG_LAST = TAG_DETAIL };

static void copy_truncated(char *dst, size_t size, const char *src)
{
	size_t n;

	if (src == NULL)
		src = "";
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void sspr_event_set(struct sspr_event *ev, int64_t time, const char *action, const char *result,
		    const char *method, const char *user, const char *service, const char *rhost,
		    const char *detail)
{
	memset(ev, 0, sizeof(*ev));
	ev->time = time;
	copy_truncated(ev->action, sizeof(ev->action), action);
	copy_truncated(ev->result, sizeof(ev->result), result);
	copy_truncated(ev->method, sizeof(ev->method), method);
	copy_truncated(ev->user, sizeof(ev->user), user);
	copy_truncated(ev->service, sizeof(ev->service), service);
	copy_truncated(ev->rhost, sizeof(ev->rhost), rhost);
	copy_truncated(ev->detail, sizeof(ev->detail), detail);
}

/* Field table shared by encode and decode. */
static char *field(struct sspr_event *ev, uint8_t tag, size_t *size)
{
	switch (tag) {
	case TAG_ACTION:
		*size = sizeof(ev->action);
		return ev->action;
	case TAG_RESULT:
		*size = sizeof(ev->result);
		return ev->result;
	case TAG_METHOD:
		*size = sizeof(ev->method);
		return ev->method;
	case TAG_USER:
		*size = sizeof(ev->user);
		return ev->user;
	case TAG_SERVICE:
		*size = sizeof(ev->service);
		return ev->service;
	case TAG_RHOST:
		*size = sizeof(ev->rhost);
		return ev->rhost;
	case TAG_DETAIL:
		*size = sizeof(ev->detail);
		return ev->detail;
	default:
		return NULL;
	}
}

int sspr_event_encode(const struct sspr_event *ev, uint8_t *buf, size_t cap, size_t *len)
{
	struct tlv_writer w = {.buf = buf, .cap = cap};
	struct sspr_event *e = (struct sspr_event *)ev; /* field() only reads here */

	if (cap < 1)
		return SSPR_ENOMEM;
	buf[w.len++] = SSPR_EVENT_VERSION;
	tlv_put_u64(&w, TAG_TIME, (uint64_t)ev->time);
	for (uint8_t tag = TAG_ACTION; tag <= TAG_LAST; tag++) {
		size_t size;
		const char *s = field(e, tag, &size);

		if (strnlen(s, size) >= size)
			return SSPR_EINVAL;
		if (s[0] != '\0')
			tlv_put_str(&w, tag, s);
	}
	if (w.overflow)
		return SSPR_ENOMEM;
	*len = w.len;
	return SSPR_OK;
}

int sspr_event_decode(const uint8_t *buf, size_t len, struct sspr_event *ev)
{
	struct tlv_item it;
	uint32_t seen = 0;
	size_t pos = 1;
	int more;

	memset(ev, 0, sizeof(*ev));
	if (len < 1 || len > SSPR_EVENT_ENCODED_MAX || buf[0] != SSPR_EVENT_VERSION)
		goto corrupt;
	while ((more = tlv_next(buf, len, &pos, &it)) == 1) {
		size_t size;
		char *dst;

		if (it.tag == 0 || it.tag > TAG_LAST || (seen & (1u << it.tag)))
			goto corrupt;
		seen |= 1u << it.tag;
		if (it.tag == TAG_TIME) {
			if (it.len != 8)
				goto corrupt;
			ev->time = (int64_t)tlv_get_u64(it.value);
			continue;
		}
		dst = field(ev, it.tag, &size);
		if (dst == NULL || !tlv_get_str(&it, dst, size))
			goto corrupt;
	}
	/* An empty ACTION item is never written (the encoder drops empty
	 * strings), so it is as corrupt as a missing one. */
	if (more < 0 || !(seen & (1u << TAG_TIME)) || !(seen & (1u << TAG_ACTION)) ||
	    ev->action[0] == '\0')
		goto corrupt;
	return SSPR_OK;
corrupt:
	memset(ev, 0, sizeof(*ev));
	return SSPR_ECORRUPT;
}
