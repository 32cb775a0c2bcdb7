/* SPDX-License-Identifier: BSD-2-Clause */
/* TLV primitives. */
#include <string.h>

#include "tlv.h"

void tlv_put(struct tlv_writer *w, uint8_t tag, const void *value, size_t len)
{
	if (w->overflow || len > UINT16_MAX || w->cap - w->len < 3 + len || w->cap < w->len) {
		w->overflow = true;
		return;
	}
	w->buf[w->len++] = tag;
	w->buf[w->len++] = (uint8_t)(len >> 8);
	w->buf[w->len++] = (uint8_t)len;
	if (len > 0)
		memcpy(w->buf + w->len, value, len);
	w->len += len;
}

void tlv_put_u8(struct tlv_writer *w, uint8_t tag, uint8_t v)
{
	tlv_put(w, tag, &v, 1);
}

void tlv_put_u16(struct tlv_writer *w, uint8_t tag, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	tlv_put(w, tag, b, sizeof(b));
}

void tlv_set_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

void tlv_put_u64(struct tlv_writer *w, uint8_t tag, uint64_t v)
{
	uint8_t b[8];

	tlv_set_u64(b, v);
	tlv_put(w, tag, b, sizeof(b));
}

void tlv_put_str(struct tlv_writer *w, uint8_t tag, const char *s)
{
	tlv_put(w, tag, s, strlen(s));
}

int tlv_next(const uint8_t *buf, size_t len, size_t *pos, struct tlv_item *item)
{
	size_t p = *pos;

	if (p == len)
		return 0;
	if (len - p < 3)
		return -1;
	item->tag = buf[p];
	item->len = (uint16_t)((buf[p + 1] << 8) | buf[p + 2]);
	if (len - p - 3 < item->len)
		return -1;
	item->value = buf + p + 3;
	*pos = p + 3 + item->len;
	return 1;
}

uint64_t tlv_get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

uint16_t tlv_get_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

bool tlv_get_str(const struct tlv_item *item, char *dst, size_t dstsize)
{
	if (item->len >= dstsize || memchr(item->value, '\0', item->len) != NULL)
		return false;
	memcpy(dst, item->value, item->len);
	dst[item->len] = '\0';
	return true;
}
