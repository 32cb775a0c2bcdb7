/* SPDX-License-Identifier: BSD-2-Clause */
/* User record codec.
 *
 * Wire format, version 1: one byte SSPR_RECORD_VERSION, then TLV items
 * (tlv.h): tag byte, 16-bit big-endian length, value. Integers are
 * big-endian and fixed-width; times are 64-bit two's complement seconds;
 * strings carry no NUL. Absent data has no item, so an unused method costs
 * nothing. Singletons may appear once; repeated items (QUESTION,
 * RECOVERY_CODE, FAILURE) are bounded by the *_MAX limits in record.h.
 *
 *   1 TOTP_SEALED     sealed secret (SSPR_SEAL_OVERHEAD+1 .. SSPR_SEALED_MAX)
 *   2 TOTP_DIGITS     u8 6..8            \
 *   3 TOTP_PERIOD     u16 1..3600         } all four TOTP items or none
 *   4 TOTP_LAST_STEP  u64                /
 *   5 TOTP_ENROLLED   time (optional with TOTP)
 *   6 QUESTION        u8 question length, question, hash string
 *   7 EMAIL_ADDRESS   string 1..SSPR_EMAIL_MAX
 *   8 EMAIL_VERIFIED  time (needs EMAIL_ADDRESS)
 *   9 RECOVERY_SALT   SSPR_SALT_BYTES (needed by RECOVERY_CODE)
 *  10 RECOVERY_CODE   SSPR_RECOVERY_HASH_BYTES hash, u8 used (0 or 1)
 *  11 PENDING         u8 hash length, hash string, time expires, u8 tries
 *  12 FAILURE         time, non-decreasing from item to item
 *  13 LOCKED_UNTIL    time
 *  14 REGISTERED_AT   time
 *  15 CONFIRMED_AT    time
 *  16 GRACE_STARTED   time (registration = require: when the grace began)
 *  17 UPDATED_AT      time (last write; the store sets it, migration compares it)
 *  18 QUESTION_DRAW   u64 draw period, then 1..SSPR_QUESTIONS_MAX distinct u8
 *                     indices below SSPR_QUESTIONS_MAX (the questions asked)
 *  19 PASS            salt, hash, time issued, time expires, u8 uses left
 *  20 PHONE_NUMBER    string, "+" then 7..15 digits (sspr_phone_valid)
 *  21 PHONE_VERIFIED  time (needs PHONE_NUMBER)
 *  22 PHONE_PENDING   as PENDING, for the texted code
 *  23 TOTP_DEVICE     u8 name length, name, u8 digits, u16 period, u64 last step,
 *                     time enrolled, sealed secret; repeated, at most
 *                     SSPR_TOTP_DEVICES_MAX, names distinct. A record whose one
 *                     device is called "default" is written with items 1-5
 *                     instead (as before devices had names, so an older
 *                     version still reads it); the two forms never mix.
 */
#include <stdio.h>
#include <string.h>


#include "phone.h"
#include "record.h"
#include "util.h"
#include "tlv.h"

enum tag {
	TAG_TOTP_SEALED = 1,
	TAG_TOTP_DIGITS,
	TAG_TOTP_PERIOD,
	TAG_TOTP_LAST_STEP,
	TAG_TOTP_ENROLLED,
	TAG_QUESTION,
	TAG_EMAIL_ADDRESS,
	TAG_EMAIL_VERIFIED,
	TAG_RECOVERY_SALT,
	TAG_RECOVERY_CODE,
	TAG_PENDING,
	TAG_FAILURE,
	TAG_LOCKED_UNTIL,
	TAG_REGISTERED_AT,
	TAG_CONFIRMED_AT,
	TAG_GRACE_STARTED,
	TAG_UPDATED_AT,
	TAG_QUESTION_DRAW,
	TAG_PASS,
	TAG_PHONE_NUMBER,
	TAG_PHONE_VERIFIED,
	TAG_PHONE_PENDING,
	TAG_TOTP_DEVICE,
	TAG_LAST = TAG_TOTP_DEVICE,
};

#define TOTP_REQUIRED_TAGS                                                                         \
	((1u << TAG_TOTP_SEALED) | (1u << TAG_TOTP_DIGITS) | (1u << TAG_TOTP_PERIOD) |             \
	 (1u << TAG_TOTP_LAST_STEP))

void sspr_record_init(struct sspr_record *rec)
{
	memset(rec, 0, sizeof(*rec));
}

void sspr_record_wipe(struct sspr_record *rec)
{
	sspr_wipe(rec, sizeof(*rec));
}

unsigned sspr_record_methods(const struct sspr_record *rec)
{
	unsigned m = 0;

	if (rec->n_totp)
		m |= SSPR_METHOD_TOTP;
	if (rec->n_questions >= 3)
		m |= SSPR_METHOD_QUESTIONS;
	if (rec->has_email && rec->email.verified)
		m |= SSPR_METHOD_EMAIL;
	for (unsigned i = 0; i < rec->n_recovery; i++) {
		if (!rec->recovery[i].used) {
			m |= SSPR_METHOD_RECOVERY;
			break;
		}
	}
	if (sspr_record_pass_usable(rec, sspr_now()))
		m |= SSPR_METHOD_PASS;
	if (rec->has_phone && rec->phone.verified)
		m |= SSPR_METHOD_PHONE;
	return m;
}

bool sspr_record_pass_usable(const struct sspr_record *rec, int64_t now)
{
	return rec->has_pass && rec->pass.uses_left > 0 && now < rec->pass.expires_at;
}

bool sspr_record_has_method_data(const struct sspr_record *rec, unsigned method)
{
	switch (method) {
	case SSPR_METHOD_TOTP:
		return rec->n_totp;
	case SSPR_METHOD_QUESTIONS:
		return rec->n_questions > 0;
	case SSPR_METHOD_EMAIL:
		return rec->has_email || rec->has_pending;
	case SSPR_METHOD_RECOVERY:
		return rec->n_recovery > 0;
	case SSPR_METHOD_PASS:
		return rec->has_pass;
	case SSPR_METHOD_PHONE:
		return rec->has_phone || rec->has_phone_pending;
	default:
		return false;
	}
}

bool sspr_record_contact(struct sspr_record *rec, unsigned method, struct sspr_contact_slot *slot)
{
	switch (method) {
	case SSPR_METHOD_EMAIL:
		*slot = (struct sspr_contact_slot){&rec->has_email, &rec->email, &rec->has_pending,
						   &rec->pending};
		return true;
	case SSPR_METHOD_PHONE:
		*slot = (struct sspr_contact_slot){&rec->has_phone, &rec->phone,
						   &rec->has_phone_pending, &rec->phone_pending};
		return true;
	default:
		return false;
	}
}

const struct sspr_contact *sspr_record_contact_of(const struct sspr_record *rec, unsigned method)
{
	struct sspr_contact_slot c;

	/* The slot's pointers are only read through the const result. */
	if (!sspr_record_contact((struct sspr_record *)rec, method, &c))
		return NULL;
	return c.contact;
}

void sspr_record_clear_method(struct sspr_record *rec, unsigned method)
{
	switch (method) {
	case SSPR_METHOD_TOTP:
		rec->n_totp = 0;
		sspr_wipe(rec->totp, sizeof(rec->totp));
		break;
	case SSPR_METHOD_QUESTIONS:
		rec->n_questions = 0;
		sspr_wipe(rec->questions, sizeof(rec->questions));
		rec->n_drawn = 0;
		memset(rec->drawn, 0, sizeof(rec->drawn));
		rec->draw_epoch = 0;
		break;
	case SSPR_METHOD_EMAIL:
	case SSPR_METHOD_PHONE: {
		/* A pending code was sent to that contact: it goes too. */
		struct sspr_contact_slot c;

		(void)sspr_record_contact(rec, method, &c);
		*c.has = false;
		sspr_wipe(c.contact, sizeof(*c.contact));
		*c.has_pending = false;
		sspr_wipe(c.pending, sizeof(*c.pending));
		break;
	}
	case SSPR_METHOD_RECOVERY:
		rec->n_recovery = 0;
		sspr_wipe(rec->recovery, sizeof(rec->recovery));
		sspr_wipe(rec->recovery_salt, sizeof(rec->recovery_salt));
		break;
	case SSPR_METHOD_PASS:
		rec->has_pass = false;
		sspr_wipe(&rec->pass, sizeof(rec->pass));
		break;
	default:
		break;
	}
}

/* A stored hash string: 1..SSPR_HASH_STR_MAX-1 bytes, no NUL. */
static bool hash_str_ok(const char *s)
{
	size_t n = strnlen(s, SSPR_HASH_STR_MAX);

	return n > 0 && n < SSPR_HASH_STR_MAX;
}

static bool totp_ok(const struct sspr_totp *t)
{
	return t->sealed_len > SSPR_SEAL_OVERHEAD && t->sealed_len <= SSPR_SEALED_MAX &&
	       t->digits >= 6 && t->digits <= 8 && t->period >= 1 && t->period <= 3600 &&
	       sspr_device_name_valid(t->name);
}

/* Every device good and no name twice. */
static bool devices_ok(const struct sspr_record *rec)
{
	if (rec->n_totp > SSPR_TOTP_DEVICES_MAX)
		return false;
	for (unsigned i = 0; i < rec->n_totp; i++) {
		if (!totp_ok(&rec->totp[i]))
			return false;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(rec->totp[i].name, rec->totp[j].name) == 0)
				return false;
	}
	return true;
}

bool sspr_device_name_valid(const char *name)
{
	size_t n = strnlen(name, SSPR_DEVICE_NAME_MAX + 1);

	if (n == 0 || n > SSPR_DEVICE_NAME_MAX)
		return false;
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return false;
	return strchr("._-", name[0]) == NULL;
}

int sspr_record_find_totp(const struct sspr_record *rec, const char *name)
{
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++)
		if (strcmp(rec->totp[i].name, name) == 0)
			return (int)i;
	return -1;
}

void sspr_record_remove_totp(struct sspr_record *rec, unsigned i)
{
	if (i >= rec->n_totp)
		return;
	memmove(&rec->totp[i], &rec->totp[i + 1], (rec->n_totp - i - 1) * sizeof(rec->totp[0]));
	rec->n_totp--;
	sspr_wipe(&rec->totp[rec->n_totp], sizeof(rec->totp[0]));
}

/* TAG_TOTP_DEVICE: name, digits, period, last step, enrolled, sealed. */
#define DEVICE_FIXED (1 + 2 + 8 + 8)

static void put_device(struct tlv_writer *w, const struct sspr_totp *t, uint8_t *tmp)
{
	size_t n = strlen(t->name), at = 0;

	tmp[at++] = (uint8_t)n;
	memcpy(tmp + at, t->name, n);
	at += n;
	tmp[at++] = t->digits;
	tmp[at++] = (uint8_t)(t->period >> 8);
	tmp[at++] = (uint8_t)t->period;
	tlv_set_u64(tmp + at, t->last_step);
	at += 8;
	tlv_set_u64(tmp + at, (uint64_t)t->enrolled_at);
	at += 8;
	memcpy(tmp + at, t->sealed, t->sealed_len);
	tlv_put(w, TAG_TOTP_DEVICE, tmp, at + t->sealed_len);
}

static bool decode_device(const struct tlv_item *it, struct sspr_totp *t)
{
	size_t n, at = 1;

	if (it->len < 1)
		return false;
	n = it->value[0];
	if (n == 0 || n > SSPR_DEVICE_NAME_MAX || it->len < 1 + n + DEVICE_FIXED ||
	    memchr(it->value + at, '\0', n) != NULL)
		return false;
	memcpy(t->name, it->value + at, n);
	t->name[n] = '\0';
	at += n;
	t->digits = it->value[at++];
	t->period = (uint16_t)((it->value[at] << 8) | it->value[at + 1]);
	at += 2;
	t->last_step = tlv_get_u64(it->value + at);
	at += 8;
	t->enrolled_at = (int64_t)tlv_get_u64(it->value + at);
	at += 8;
	if (it->len - at <= SSPR_SEAL_OVERHEAD || it->len - at > SSPR_SEALED_MAX)
		return false;
	memcpy(t->sealed, it->value + at, it->len - at);
	t->sealed_len = (uint16_t)(it->len - at);
	return totp_ok(t);
}

static bool question_ok(const struct sspr_question *q)
{
	size_t n = strnlen(q->question, SSPR_QUESTION_MAX + 1);

	return n > 0 && n <= SSPR_QUESTION_MAX && hash_str_ok(q->hash);
}

/* TAG_PASS: salt, hash, issued and expiry times, uses left. */
#define PASS_TIMES (SSPR_SALT_BYTES + SSPR_RECOVERY_HASH_BYTES)
#define PASS_USES (PASS_TIMES + 16)
#define PASS_LEN (PASS_USES + 1)

/* A pass lives at most SSPR_PASS_TTL_MAX and has 1..SSPR_PASS_USES_MAX
 * uses left: a spent one is removed, never stored. */
static bool pass_ok(const struct sspr_pass *p)
{
	/* issued_at >= 0 keeps the difference from overflowing. */
	return p->uses_left >= 1 && p->uses_left <= SSPR_PASS_USES_MAX && p->issued_at >= 0 &&
	       p->expires_at > p->issued_at && p->expires_at - p->issued_at <= SSPR_PASS_TTL_MAX;
}

/* 1..SSPR_QUESTIONS_MAX distinct indices, each below SSPR_QUESTIONS_MAX. */
static bool draw_ok(const uint8_t *idx, size_t n)
{
	if (n == 0 || n > SSPR_QUESTIONS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (idx[i] >= SSPR_QUESTIONS_MAX)
			return false;
		for (size_t j = 0; j < i; j++)
			if (idx[j] == idx[i])
				return false;
	}
	return true;
}

/* PENDING and PHONE_PENDING: u8 hash length, hash, time expires, u8
 * tries; tmp holds at least 1 + SSPR_HASH_STR_MAX + 9 bytes. */
static bool put_pending(struct tlv_writer *w, uint8_t tag, const struct sspr_pending_code *p,
			uint8_t *tmp)
{
	size_t hlen = strnlen(p->hash, SSPR_HASH_STR_MAX);

	if (!hash_str_ok(p->hash))
		return false;
	tmp[0] = (uint8_t)hlen;
	memcpy(tmp + 1, p->hash, hlen);
	tlv_set_u64(tmp + 1 + hlen, (uint64_t)p->expires_at);
	tmp[1 + hlen + 8] = p->tries;
	tlv_put(w, tag, tmp, 1 + hlen + 8 + 1);
	return true;
}

int sspr_record_encode(const struct sspr_record *rec, uint8_t *buf, size_t cap, size_t *len)
{
	struct tlv_writer w = {.buf = buf, .cap = cap};
	uint8_t tmp[1 + SSPR_QUESTION_MAX + SSPR_HASH_STR_MAX + 8 + 1]; /* > a device item too */

	if (rec->n_questions > SSPR_QUESTIONS_MAX || rec->n_recovery > SSPR_RECOVERY_MAX ||
	    rec->n_failures > SSPR_FAILURES_MAX || !devices_ok(rec))
		return SSPR_EINVAL;
	if (cap < 1)
		return SSPR_ENOMEM;
	buf[w.len++] = SSPR_RECORD_VERSION;

	if (rec->n_totp == 1 && strcmp(rec->totp[0].name, SSPR_DEVICE_DEFAULT) == 0) {
		tlv_put(&w, TAG_TOTP_SEALED, rec->totp[0].sealed, rec->totp[0].sealed_len);
		tlv_put_u8(&w, TAG_TOTP_DIGITS, rec->totp[0].digits);
		tlv_put_u16(&w, TAG_TOTP_PERIOD, rec->totp[0].period);
		tlv_put_u64(&w, TAG_TOTP_LAST_STEP, rec->totp[0].last_step);
		if (rec->totp[0].enrolled_at != 0)
			tlv_put_u64(&w, TAG_TOTP_ENROLLED, (uint64_t)rec->totp[0].enrolled_at);
	} else {
		for (unsigned i = 0; i < rec->n_totp; i++)
			put_device(&w, &rec->totp[i], tmp);
	}
	for (unsigned i = 0; i < rec->n_questions; i++) {
		const struct sspr_question *q = &rec->questions[i];
		size_t qlen = strlen(q->question), hlen;

		if (!question_ok(q))
			return SSPR_EINVAL;
		hlen = strlen(q->hash);
		tmp[0] = (uint8_t)qlen;
		memcpy(tmp + 1, q->question, qlen);
		memcpy(tmp + 1 + qlen, q->hash, hlen);
		tlv_put(&w, TAG_QUESTION, tmp, 1 + qlen + hlen);
	}
	if (rec->has_email) {
		size_t alen = strnlen(rec->email.address, SSPR_EMAIL_MAX + 1);

		if (alen == 0 || alen > SSPR_EMAIL_MAX)
			return SSPR_EINVAL;
		tlv_put_str(&w, TAG_EMAIL_ADDRESS, rec->email.address);
		if (rec->email.verified)
			tlv_put_u64(&w, TAG_EMAIL_VERIFIED, (uint64_t)rec->email.verified_at);
	}
	if (rec->n_recovery > 0) {
		tlv_put(&w, TAG_RECOVERY_SALT, rec->recovery_salt, SSPR_SALT_BYTES);
		for (unsigned i = 0; i < rec->n_recovery; i++) {
			memcpy(tmp, rec->recovery[i].hash, SSPR_RECOVERY_HASH_BYTES);
			tmp[SSPR_RECOVERY_HASH_BYTES] = rec->recovery[i].used ? 1 : 0;
			tlv_put(&w, TAG_RECOVERY_CODE, tmp, SSPR_RECOVERY_HASH_BYTES + 1);
		}
	}
	if (rec->has_pending && !put_pending(&w, TAG_PENDING, &rec->pending, tmp))
		return SSPR_EINVAL;
	if (rec->has_phone) {
		if (!sspr_phone_valid(rec->phone.address))
			return SSPR_EINVAL;
		tlv_put_str(&w, TAG_PHONE_NUMBER, rec->phone.address);
		if (rec->phone.verified)
			tlv_put_u64(&w, TAG_PHONE_VERIFIED, (uint64_t)rec->phone.verified_at);
	}
	if (rec->has_phone_pending && !put_pending(&w, TAG_PHONE_PENDING, &rec->phone_pending, tmp))
		return SSPR_EINVAL;
	if (rec->has_pass) {
		if (!pass_ok(&rec->pass))
			return SSPR_EINVAL;
		memcpy(tmp, rec->pass.salt, SSPR_SALT_BYTES);
		memcpy(tmp + SSPR_SALT_BYTES, rec->pass.hash, SSPR_RECOVERY_HASH_BYTES);
		tlv_set_u64(tmp + PASS_TIMES, (uint64_t)rec->pass.issued_at);
		tlv_set_u64(tmp + PASS_TIMES + 8, (uint64_t)rec->pass.expires_at);
		tmp[PASS_USES] = rec->pass.uses_left;
		tlv_put(&w, TAG_PASS, tmp, PASS_LEN);
	}
	for (unsigned i = 0; i < rec->n_failures; i++) {
		if (i > 0 && rec->failures[i] < rec->failures[i - 1])
			return SSPR_EINVAL;
		tlv_put_u64(&w, TAG_FAILURE, (uint64_t)rec->failures[i]);
	}
	if (rec->locked_until != 0)
		tlv_put_u64(&w, TAG_LOCKED_UNTIL, (uint64_t)rec->locked_until);
	if (rec->registered_at != 0)
		tlv_put_u64(&w, TAG_REGISTERED_AT, (uint64_t)rec->registered_at);
	if (rec->confirmed_at != 0)
		tlv_put_u64(&w, TAG_CONFIRMED_AT, (uint64_t)rec->confirmed_at);
	if (rec->grace_started_at != 0)
		tlv_put_u64(&w, TAG_GRACE_STARTED, (uint64_t)rec->grace_started_at);
	if (rec->updated_at != 0)
		tlv_put_u64(&w, TAG_UPDATED_AT, (uint64_t)rec->updated_at);
	if (rec->n_drawn > 0) {
		if (!draw_ok(rec->drawn, rec->n_drawn))
			return SSPR_EINVAL;
		tlv_set_u64(tmp, rec->draw_epoch);
		memcpy(tmp + 8, rec->drawn, rec->n_drawn);
		tlv_put(&w, TAG_QUESTION_DRAW, tmp, 8 + (size_t)rec->n_drawn);
	}
	sspr_wipe(tmp, sizeof(tmp));
	if (w.overflow)
		return SSPR_ENOMEM;
	*len = w.len;
	return SSPR_OK;
}

static bool decode_question(const struct tlv_item *it, struct sspr_question *q)
{
	size_t qlen, hlen;

	if (it->len < 2)
		return false;
	qlen = it->value[0];
	if (qlen == 0 || it->len < 1 + qlen + 1)
		return false;
	hlen = it->len - 1 - qlen;
	if (hlen >= SSPR_HASH_STR_MAX || memchr(it->value + 1, '\0', qlen + hlen) != NULL)
		return false;
	memcpy(q->question, it->value + 1, qlen);
	q->question[qlen] = '\0';
	memcpy(q->hash, it->value + 1 + qlen, hlen);
	q->hash[hlen] = '\0';
	return true;
}

static bool decode_draw(const struct tlv_item *it, struct sspr_record *rec)
{
	if (it->len < 9 || !draw_ok(it->value + 8, it->len - 8))
		return false;
	rec->draw_epoch = tlv_get_u64(it->value);
	rec->n_drawn = (uint8_t)(it->len - 8);
	memcpy(rec->drawn, it->value + 8, rec->n_drawn);
	return true;
}

static bool decode_pass(const struct tlv_item *it, struct sspr_record *rec)
{
	struct sspr_pass *p = &rec->pass;

	if (it->len != PASS_LEN)
		return false;
	memcpy(p->salt, it->value, SSPR_SALT_BYTES);
	memcpy(p->hash, it->value + SSPR_SALT_BYTES, SSPR_RECOVERY_HASH_BYTES);
	p->issued_at = (int64_t)tlv_get_u64(it->value + PASS_TIMES);
	p->expires_at = (int64_t)tlv_get_u64(it->value + PASS_TIMES + 8);
	p->uses_left = it->value[PASS_USES];
	rec->has_pass = true;
	return pass_ok(p);
}

static bool decode_pending(const struct tlv_item *it, struct sspr_pending_code *p)
{
	size_t hlen;

	if (it->len < 1)
		return false;
	hlen = it->value[0];
	if (hlen == 0 || hlen >= SSPR_HASH_STR_MAX || it->len != 1 + hlen + 8 + 1 ||
	    memchr(it->value + 1, '\0', hlen) != NULL)
		return false;
	memcpy(p->hash, it->value + 1, hlen);
	p->hash[hlen] = '\0';
	p->expires_at = (int64_t)tlv_get_u64(it->value + 1 + hlen);
	p->tries = it->value[1 + hlen + 8];
	return true;
}

/* Decodes one item into rec; false when it is malformed. */
static bool decode_item(const struct tlv_item *it, struct sspr_record *rec)
{
	switch (it->tag) {
	case TAG_TOTP_SEALED:
		if (it->len <= SSPR_SEAL_OVERHEAD || it->len > SSPR_SEALED_MAX)
			return false;
		memcpy(rec->totp[0].sealed, it->value, it->len);
		rec->totp[0].sealed_len = it->len;
		return true;
	case TAG_TOTP_DIGITS:
		if (it->len != 1 || it->value[0] < 6 || it->value[0] > 8)
			return false;
		rec->totp[0].digits = it->value[0];
		return true;
	case TAG_TOTP_PERIOD:
		if (it->len != 2)
			return false;
		rec->totp[0].period = tlv_get_u16(it->value);
		return rec->totp[0].period >= 1 && rec->totp[0].period <= 3600;
	case TAG_TOTP_LAST_STEP:
		if (it->len != 8)
			return false;
		rec->totp[0].last_step = tlv_get_u64(it->value);
		return true;
	case TAG_QUESTION:
		if (rec->n_questions >= SSPR_QUESTIONS_MAX)
			return false;
		return decode_question(it, &rec->questions[rec->n_questions++]);
	case TAG_EMAIL_ADDRESS:
		if (it->len == 0 || !tlv_get_str(it, rec->email.address, sizeof(rec->email.address)))
			return false;
		rec->has_email = true;
		return true;
	case TAG_RECOVERY_SALT:
		if (it->len != SSPR_SALT_BYTES)
			return false;
		memcpy(rec->recovery_salt, it->value, SSPR_SALT_BYTES);
		return true;
	case TAG_RECOVERY_CODE:
		if (rec->n_recovery >= SSPR_RECOVERY_MAX || it->len != SSPR_RECOVERY_HASH_BYTES + 1 ||
		    it->value[SSPR_RECOVERY_HASH_BYTES] > 1)
			return false;
		memcpy(rec->recovery[rec->n_recovery].hash, it->value, SSPR_RECOVERY_HASH_BYTES);
		rec->recovery[rec->n_recovery++].used = it->value[SSPR_RECOVERY_HASH_BYTES] == 1;
		return true;
	case TAG_PENDING:
		rec->has_pending = true;
		return decode_pending(it, &rec->pending);
	case TAG_PHONE_NUMBER:
		if (!tlv_get_str(it, rec->phone.address, SSPR_PHONE_MAX + 1) ||
		    !sspr_phone_valid(rec->phone.address))
			return false;
		rec->has_phone = true;
		return true;
	case TAG_PHONE_PENDING:
		rec->has_phone_pending = true;
		return decode_pending(it, &rec->phone_pending);
	case TAG_QUESTION_DRAW:
		return decode_draw(it, rec);
	case TAG_PASS:
		return decode_pass(it, rec);
	case TAG_TOTP_DEVICE:
		if (rec->n_totp >= SSPR_TOTP_DEVICES_MAX)
			return false;
		return decode_device(it, &rec->totp[rec->n_totp++]);
	case TAG_FAILURE:
		if (rec->n_failures >= SSPR_FAILURES_MAX || it->len != 8)
			return false;
		rec->failures[rec->n_failures] = (int64_t)tlv_get_u64(it->value);
		if (rec->n_failures > 0 &&
		    rec->failures[rec->n_failures] < rec->failures[rec->n_failures - 1])
			return false;
		rec->n_failures++;
		return true;
	default:
		break;
	}
	/* The rest are single times. */
	if (it->len != 8)
		return false;
	switch (it->tag) {
	case TAG_TOTP_ENROLLED:
		rec->totp[0].enrolled_at = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_EMAIL_VERIFIED:
		rec->email.verified = true;
		rec->email.verified_at = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_PHONE_VERIFIED:
		rec->phone.verified = true;
		rec->phone.verified_at = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_LOCKED_UNTIL:
		rec->locked_until = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_REGISTERED_AT:
		rec->registered_at = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_CONFIRMED_AT:
		rec->confirmed_at = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_GRACE_STARTED:
		rec->grace_started_at = (int64_t)tlv_get_u64(it->value);
		return true;
	case TAG_UPDATED_AT:
		rec->updated_at = (int64_t)tlv_get_u64(it->value);
		return true;
	default:
		return false;
	}
}

static bool is_repeated(uint8_t tag)
{
	return tag == TAG_QUESTION || tag == TAG_RECOVERY_CODE || tag == TAG_FAILURE ||
	       tag == TAG_TOTP_DEVICE;
}

int sspr_record_decode(const uint8_t *buf, size_t len, struct sspr_record *rec)
{
	struct tlv_item it;
	uint32_t seen = 0;
	size_t pos = 1;
	int more;

	sspr_record_init(rec);
	if (len < 1 || len > SSPR_RECORD_ENCODED_MAX || buf[0] != SSPR_RECORD_VERSION)
		goto corrupt;
	while ((more = tlv_next(buf, len, &pos, &it)) == 1) {
		if (it.tag == 0 || it.tag > TAG_LAST)
			goto corrupt;
		if (!is_repeated(it.tag) && (seen & (1u << it.tag)))
			goto corrupt;
		seen |= 1u << it.tag;
		if (!decode_item(&it, rec))
			goto corrupt;
	}
	if (more < 0)
		goto corrupt;
	/* Items that only make sense together. */
	if ((seen & TOTP_REQUIRED_TAGS) != 0 && (seen & TOTP_REQUIRED_TAGS) != TOTP_REQUIRED_TAGS)
		goto corrupt;
	if ((seen & (1u << TAG_TOTP_ENROLLED)) && !(seen & TOTP_REQUIRED_TAGS))
		goto corrupt;
	if ((seen & (1u << TAG_EMAIL_VERIFIED)) && !(seen & (1u << TAG_EMAIL_ADDRESS)))
		goto corrupt;
	if ((seen & (1u << TAG_PHONE_VERIFIED)) && !(seen & (1u << TAG_PHONE_NUMBER)))
		goto corrupt;
	if (((seen & (1u << TAG_RECOVERY_SALT)) != 0) !=
	    ((seen & (1u << TAG_RECOVERY_CODE)) != 0))
		goto corrupt;
	if ((seen & TOTP_REQUIRED_TAGS) == TOTP_REQUIRED_TAGS) {
		if (seen & (1u << TAG_TOTP_DEVICE))
			goto corrupt; /* the two forms never mix */
		rec->n_totp = 1;
		snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	} else if (rec->n_totp == 1 && strcmp(rec->totp[0].name, SSPR_DEVICE_DEFAULT) == 0) {
		goto corrupt; /* written in the old form, always: one form per record */
	}
	if (!devices_ok(rec))
		goto corrupt;
	return SSPR_OK;
corrupt:
	sspr_record_wipe(rec);
	return SSPR_ECORRUPT;
}

const char *sspr_record_fault(const uint8_t *buf, size_t len, char *out, size_t cap)
{
	if (len >= 1 && buf[0] > SSPR_RECORD_VERSION)
		snprintf(out, cap, "written by a newer version (format %u)", (unsigned)buf[0]);
	else
		snprintf(out, cap, "corrupt");
	return out;
}
