/* SPDX-License-Identifier: BSD-2-Clause */
/* Tag-length-value encoding shared by records and events: a tag byte, a
 * 16-bit big-endian length, the value. Writers remember the first overflow;
 * readers never read past the buffer. Internal to libsspr. */
#ifndef SSPR_TLV_H
#define SSPR_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tlv_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

void tlv_put(struct tlv_writer *w, uint8_t tag, const void *value, size_t len);
void tlv_put_u8(struct tlv_writer *w, uint8_t tag, uint8_t v);
void tlv_put_u16(struct tlv_writer *w, uint8_t tag, uint16_t v);
void tlv_put_u64(struct tlv_writer *w, uint8_t tag, uint64_t v);
void tlv_put_str(struct tlv_writer *w, uint8_t tag, const char *s);

struct tlv_item {
	uint8_t tag;
	uint16_t len;
	const uint8_t *value;
};

/* Returns 1 with *item filled, 0 at the clean end, -1 on a truncated item. */
int tlv_next(const uint8_t *buf, size_t len, size_t *pos, struct tlv_item *item);

/* The big-endian bytes of v at p[0..7], for values made of several fields. */
void tlv_set_u64(uint8_t *p, uint64_t v);
uint64_t tlv_get_u64(const uint8_t *p);
uint16_t tlv_get_u16(const uint8_t *p);

/* Copies a string value into dst (size dstsize) when it fits and holds no
 * NUL byte; false otherwise. */
bool tlv_get_str(const struct tlv_item *item, char *dst, size_t dstsize);

#endif
