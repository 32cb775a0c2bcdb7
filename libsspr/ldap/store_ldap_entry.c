/* SPDX-License-Identifier: BSD-2-Clause */
/* A user record <-> the attributes of its ssprAccount entry. One attribute
 * per field, absent when the field is (0, false, empty); lists are
 * multi-valued with an index in front of each value, since LDAP keeps no
 * order among values. Decoding trusts nothing the directory returns: every
 * value is parsed strictly, and the result goes through
 * sspr_record_encode so the codec's range checks apply here too. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "phone.h"
#include "store_ldap_entry.h"
#include "util.h"

enum attr {
	A_USER,
	A_REVISION,
	A_UPDATED,
	A_REGISTERED,
	A_CONFIRMED,
	A_GRACE,
	A_TOTP_SECRET,
	A_TOTP_DIGITS,
	A_TOTP_PERIOD,
	A_TOTP_LAST_STEP,
	A_TOTP_ENROLLED,
	A_QUESTION,
	A_MAIL,
	A_MAIL_VERIFIED,
	A_RECOVERY_SALT,
	A_RECOVERY_CODE,
	A_PENDING,
	A_FAILURES,
	A_LOCKED,
	A_DRAW,
	A_PASS,
	A_PHONE,
	A_PHONE_VERIFIED,
	A_PHONE_PENDING,
	A_TOTP_DEVICE,
	A_COUNT,
};

const char *const sspr_ldap_account_attrs[] = {
	"ssprUser",          "ssprRevision",       "ssprUpdatedAt",    "ssprRegisteredAt",
	"ssprConfirmedAt",   "ssprGraceStartedAt", "ssprTotpSecret",   "ssprTotpDigits",
	"ssprTotpPeriod",    "ssprTotpLastStep",   "ssprTotpEnrolledAt", "ssprQuestion",
	"ssprMail",          "ssprMailVerifiedAt", "ssprRecoverySalt", "ssprRecoveryCode",
	"ssprPendingCode",   "ssprFailureTimes",   "ssprLockedUntil",  "ssprQuestionDraw",
	"ssprAccessPass",    "ssprPhone",          "ssprPhoneVerifiedAt", "ssprPhonePendingCode",
	"ssprTotpDevice",    NULL,
};

int sspr_ldap_escape(const char *name, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-';

		if (o + (plain ? 1 : 3) >= cap)
			goto too_long;
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '\\';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	if (cap == 0)
		return SSPR_EINVAL;
	out[o] = '\0';
	return SSPR_OK;
too_long:
	out[0] = '\0';
	return SSPR_EINVAL;
}

/* ---- building modifications ---- */

/* Starts a modification; values follow with put_*; end_mod closes it. */
static void begin_mod(struct sspr_ldap_mods *m, int op, const char *name)
{
	LDAPMod *mod;

	if (m->nmod >= SSPR_LDAP_MOD_ATTRS || m->nvptr >= SSPR_LDAP_MOD_VALUES + SSPR_LDAP_MOD_ATTRS) {
		m->overflow = true;
		return;
	}
	mod = &m->mod[m->nmod];
	mod->mod_op = op | LDAP_MOD_BVALUES;
	mod->mod_type = (char *)name;
	mod->mod_bvalues = &m->vptr[m->nvptr];
	m->list[m->nmod++] = mod;
	m->list[m->nmod] = NULL;
	m->vptr[m->nvptr] = NULL;
	m->open = true;
}

static void put_bytes(struct sspr_ldap_mods *m, const void *data, size_t len)
{
	struct berval *bv;

	if (m->overflow || m->nval >= SSPR_LDAP_MOD_VALUES ||
	    m->nvptr + 1 >= SSPR_LDAP_MOD_VALUES + SSPR_LDAP_MOD_ATTRS ||
	    len > SSPR_LDAP_MOD_TEXT - m->ntext) {
		m->overflow = true;
		return;
	}
	bv = &m->val[m->nval++];
	memcpy(m->text + m->ntext, data, len);
	bv->bv_val = m->text + m->ntext;
	bv->bv_len = len;
	m->ntext += len;
	m->vptr[m->nvptr++] = bv;
	m->vptr[m->nvptr] = NULL;
}

/* The terminating NULL of the value list is in place: step past it. A
 * no-op when no modification was begun (an absent attribute of an add). */
static void end_mod(struct sspr_ldap_mods *m)
{
	if (m->open && !m->overflow)
		m->nvptr++;
	m->open = false;
}

static void put_fmt(struct sspr_ldap_mods *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put_fmt(struct sspr_ldap_mods *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		m->overflow = true;
	else
		put_bytes(m, buf, (size_t)n);
	sodium_memzero(buf, sizeof(buf));
}

/* One mapped attribute: replaced (values or none) on a modify, added only
 * when it has values on an add. */
struct builder {
	struct sspr_ldap_mods *m;
	bool modify;
	unsigned had; /* SSPR_LDAP_HAD_*: what the entry being modified has */
};

static bool attr_begin(struct builder *b, enum attr a, bool present)
{
	if (!b->modify && !present)
		return false;
	begin_mod(b->m, b->modify ? LDAP_MOD_REPLACE : LDAP_MOD_ADD, sspr_ldap_account_attrs[a]);
	return present;
}

static void attr_time(struct builder *b, enum attr a, bool present, int64_t v)
{
	if (attr_begin(b, a, present))
		put_fmt(b->m, "%" PRId64, v);
	end_mod(b->m);
}

static void put_failures(struct sspr_ldap_mods *m, const struct sspr_record *rec)
{
	char buf[SSPR_FAILURES_MAX * 21];
	size_t o = 0;

	for (unsigned i = 0; i < rec->n_failures; i++) {
		int n = snprintf(buf + o, sizeof(buf) - o, "%s%" PRId64, i ? " " : "",
				 rec->failures[i]);

		if (n < 0 || (size_t)n >= sizeof(buf) - o) {
			m->overflow = true;
			return;
		}
		o += (size_t)n;
	}
	put_bytes(m, buf, o);
}

/* "PERIOD I1 I2 ...": the draw period, then the question indices. */
/* "ISSUED EXPIRES USES SALT HASH", salt and hash in hex. */
static void put_pass(struct sspr_ldap_mods *m, const struct sspr_pass *pass)
{
	char salt[SSPR_SALT_BYTES * 2 + 1], hash[SSPR_RECOVERY_HASH_BYTES * 2 + 1];

	sodium_bin2hex(salt, sizeof(salt), pass->salt, SSPR_SALT_BYTES);
	sodium_bin2hex(hash, sizeof(hash), pass->hash, SSPR_RECOVERY_HASH_BYTES);
	put_fmt(m, "%" PRId64 " %" PRId64 " %u %s %s", pass->issued_at, pass->expires_at,
		pass->uses_left, salt, hash);
	sodium_memzero(hash, sizeof(hash));
}

static void put_draw(struct sspr_ldap_mods *m, const struct sspr_record *rec)
{
	char buf[24 + SSPR_QUESTIONS_MAX * 4];
	size_t o = (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, rec->draw_epoch);

	for (unsigned i = 0; i < rec->n_drawn && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %u", rec->drawn[i]);
	if (o >= sizeof(buf)) {
		m->overflow = true;
		return;
	}
	put_bytes(m, buf, o);
}

static bool has_space(const char *s)
{
	return strchr(s, ' ') != NULL;
}

/* True when the record's devices are written as the single-valued
 * attributes of before devices had names (record.c's rule). */
static bool legacy_totp(const struct sspr_record *rec)
{
	return rec->n_totp == 1 && strcmp(rec->totp[0].name, SSPR_DEVICE_DEFAULT) == 0;
}

/* ssprTotpDevice values: "INDEX NAME DIGITS PERIOD LAST_STEP ENROLLED SEALED-HEX". */
static void put_devices(struct sspr_ldap_mods *m, const struct sspr_record *rec)
{
	char hex[SSPR_SEALED_MAX * 2 + 1];

	for (unsigned i = 0; i < rec->n_totp; i++) {
		const struct sspr_totp *d = &rec->totp[i];

		sodium_bin2hex(hex, sizeof(hex), d->sealed, d->sealed_len);
		put_fmt(m, "%u %s %u %u %" PRIu64 " %" PRId64 " %s", i, d->name, d->digits,
			d->period, d->last_step, d->enrolled_at, hex);
	}
	sodium_memzero(hex, sizeof(hex));
}

static void build_fields(struct builder *b, const struct sspr_record *rec)
{
	struct sspr_ldap_mods *m = b->m;
	const struct sspr_totp *t = &rec->totp[0];
	const bool legacy = legacy_totp(rec);
	char hex[SSPR_RECOVERY_HASH_BYTES * 2 + 1];

	attr_time(b, A_UPDATED, rec->updated_at != 0, rec->updated_at);
	attr_time(b, A_REGISTERED, rec->registered_at != 0, rec->registered_at);
	attr_time(b, A_CONFIRMED, rec->confirmed_at != 0, rec->confirmed_at);
	attr_time(b, A_GRACE, rec->grace_started_at != 0, rec->grace_started_at);
	if (attr_begin(b, A_TOTP_SECRET, legacy))
		put_bytes(m, t->sealed, t->sealed_len);
	end_mod(m);
	attr_time(b, A_TOTP_DIGITS, legacy, t->digits);
	attr_time(b, A_TOTP_PERIOD, legacy, t->period);
	if (attr_begin(b, A_TOTP_LAST_STEP, legacy))
		put_fmt(m, "%" PRIu64, t->last_step);
	end_mod(m);
	attr_time(b, A_TOTP_ENROLLED, legacy && t->enrolled_at != 0, t->enrolled_at);
	if ((rec->n_totp > 0 && !legacy) || (b->modify && (b->had & SSPR_LDAP_HAD_DEVICES))) {
		if (attr_begin(b, A_TOTP_DEVICE, rec->n_totp > 0 && !legacy))
			put_devices(m, rec);
		end_mod(m);
	}
	if (attr_begin(b, A_QUESTION, rec->n_questions > 0))
		for (unsigned i = 0; i < rec->n_questions; i++)
			put_fmt(m, "%u %s %s", i, rec->questions[i].hash,
				rec->questions[i].question);
	end_mod(m);
	if (attr_begin(b, A_MAIL, rec->has_email))
		put_fmt(m, "%s", rec->email.address);
	end_mod(m);
	attr_time(b, A_MAIL_VERIFIED, rec->has_email && rec->email.verified,
		  rec->email.verified_at);
	if (attr_begin(b, A_RECOVERY_SALT, rec->n_recovery > 0))
		put_bytes(m, rec->recovery_salt, SSPR_SALT_BYTES);
	end_mod(m);
	if (attr_begin(b, A_RECOVERY_CODE, rec->n_recovery > 0)) {
		for (unsigned i = 0; i < rec->n_recovery; i++) {
			sodium_bin2hex(hex, sizeof(hex), rec->recovery[i].hash,
				       SSPR_RECOVERY_HASH_BYTES);
			put_fmt(m, "%u %d %s", i, rec->recovery[i].used ? 1 : 0, hex);
		}
	}
	end_mod(m);
	if (attr_begin(b, A_PENDING, rec->has_pending))
		put_fmt(m, "%" PRId64 " %u %s", rec->pending.expires_at, rec->pending.tries,
			rec->pending.hash);
	end_mod(m);
	if (rec->has_pass || (b->modify && (b->had & SSPR_LDAP_HAD_PASS))) {
		if (attr_begin(b, A_PASS, rec->has_pass))
			put_pass(m, &rec->pass);
		end_mod(m);
	}
	if (attr_begin(b, A_FAILURES, rec->n_failures > 0))
		put_failures(m, rec);
	end_mod(m);
	attr_time(b, A_LOCKED, rec->locked_until != 0, rec->locked_until);
	if (rec->has_phone || rec->has_phone_pending ||
	    (b->modify && (b->had & SSPR_LDAP_HAD_PHONE))) {
		if (attr_begin(b, A_PHONE, rec->has_phone))
			put_fmt(m, "%s", rec->phone.address);
		end_mod(m);
		attr_time(b, A_PHONE_VERIFIED, rec->has_phone && rec->phone.verified,
			  rec->phone.verified_at);
		if (attr_begin(b, A_PHONE_PENDING, rec->has_phone_pending))
			put_fmt(m, "%" PRId64 " %u %s", rec->phone_pending.expires_at,
				rec->phone_pending.tries, rec->phone_pending.hash);
		end_mod(m);
	}
	if (rec->n_drawn > 0 || (b->modify && (b->had & SSPR_LDAP_HAD_DRAW))) {
		if (attr_begin(b, A_DRAW, rec->n_drawn > 0))
			put_draw(m, rec);
		end_mod(m);
	}
	sodium_memzero(hex, sizeof(hex));
}

unsigned sspr_ldap_had(const struct sspr_record *rec)
{
	return (rec->n_drawn > 0 ? SSPR_LDAP_HAD_DRAW : 0u) |
	       (rec->has_pass ? SSPR_LDAP_HAD_PASS : 0u) |
	       (rec->has_phone || rec->has_phone_pending ? SSPR_LDAP_HAD_PHONE : 0u) |
	       (rec->n_totp > 0 && !legacy_totp(rec) ? SSPR_LDAP_HAD_DEVICES : 0u);
}

int sspr_ldap_mods_build(struct sspr_ldap_mods *m, const char *user,
			 const struct sspr_record *rec, const struct berval *old_revision,
			 unsigned had, uint64_t new_revision)
{
	struct builder b = {.m = m, .modify = old_revision != NULL, .had = had};
	uint8_t *scratch = NULL;
	size_t len = 0;
	int r;

	memset(m, 0, sizeof(*m));
	/* The codec's range checks, once, for every backend alike. */
	scratch = sodium_malloc(SSPR_RECORD_ENCODED_MAX);
	if (scratch == NULL)
		return SSPR_ENOMEM;
	r = sspr_record_encode(rec, scratch, SSPR_RECORD_ENCODED_MAX, &len);
	sodium_free(scratch);
	if (r != SSPR_OK)
		return r;
	/* Values are split at spaces when read back. */
	for (unsigned i = 0; i < rec->n_questions; i++)
		if (has_space(rec->questions[i].hash))
			return SSPR_EINVAL;
	if (b.modify) {
		begin_mod(m, LDAP_MOD_DELETE, "ssprRevision");
		put_bytes(m, old_revision->bv_val, old_revision->bv_len);
		end_mod(m);
	} else {
		begin_mod(m, LDAP_MOD_ADD, "objectClass");
		put_fmt(m, "ssprAccount");
		end_mod(m);
		begin_mod(m, LDAP_MOD_ADD, "ssprUser");
		put_fmt(m, "%s", user);
		end_mod(m);
	}
	begin_mod(m, LDAP_MOD_ADD, "ssprRevision");
	put_fmt(m, "%" PRIu64, new_revision);
	end_mod(m);
	build_fields(&b, rec);
	return m->overflow ? SSPR_EINVAL : SSPR_OK;
}

/* ---- decoding ---- */

bool sspr_ldap_parse_int(const struct berval *v, int64_t min, int64_t max, int64_t *out)
{
	const char *p = v->bv_val, *end = v->bv_val + v->bv_len;
	bool neg = false;
	uint64_t acc = 0, limit;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end || end - p > 20 || (*p == '0' && (end - p > 1 || neg)))
		return false;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (acc > (limit - (uint64_t)(*p - '0')) / 10)
			return false;
		acc = acc * 10 + (uint64_t)(*p - '0');
	}
	if (neg)
		*out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	else
		*out = (int64_t)acc;
	return *out >= min && *out <= max;
}

/* Splits "<word> <rest>" at the first space: word is NUL-terminated in
 * buf (cap bytes), *rest points into v. A NUL inside the word is refused:
 * the server stores one in IA5 and Directory strings, and a word cut short
 * at it would decode to something the entry does not say. */
static bool split_word(const char **p, const char *end, char *buf, size_t cap)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));
	size_t n;

	if (sp == NULL || sp == *p)
		return false;
	n = (size_t)(sp - *p);
	if (n >= cap || memchr(*p, '\0', n) != NULL)
		return false;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p = sp + 1;
	return true;
}

static bool word_int(const char *w, int64_t min, int64_t max, int64_t *out)
{
	struct berval bv = {.bv_len = strlen(w), .bv_val = (char *)w};

	return sspr_ldap_parse_int(&bv, min, max, out);
}

/* Copies the rest of a value as a string: 1..cap-1 bytes, no NUL. */
static bool rest_str(const char *p, const char *end, char *out, size_t cap)
{
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= cap || memchr(p, '\0', n) != NULL)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static bool decode_question(const struct berval *v, struct sspr_record *rec, uint32_t *seen)
{
	const char *p = v->bv_val, *end = p + v->bv_len;
	char word[24];
	int64_t idx;
	struct sspr_question *q;

	if (!split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, 0, SSPR_QUESTIONS_MAX - 1, &idx) || (*seen & (1u << idx)))
		return false;
	*seen |= 1u << idx;
	q = &rec->questions[idx];
	return split_word(&p, end, q->hash, sizeof(q->hash)) &&
	       rest_str(p, end, q->question, sizeof(q->question));
}

/* Exactly n bytes as 2n lower-case hex digits in p..end. */
static bool hex_exact(const char *p, const char *end, uint8_t *out, size_t n)
{
	size_t got = 0;

	if (end - p != (ptrdiff_t)(n * 2))
		return false;
	for (const char *c = p; c < end; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return sodium_hex2bin(out, n, p, (size_t)(end - p), NULL, &got, NULL) == 0 && got == n;
}

static bool decode_recovery(const struct berval *v, struct sspr_record *rec, uint64_t *seen)
{
	const char *p = v->bv_val, *end = p + v->bv_len;
	char word[24];
	int64_t idx, used;

	if (!split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, 0, SSPR_RECOVERY_MAX - 1, &idx) || (*seen & (1ull << idx)) ||
	    !split_word(&p, end, word, sizeof(word)) || !word_int(word, 0, 1, &used))
		return false;
	*seen |= 1ull << idx;
	if (!hex_exact(p, end, rec->recovery[idx].hash, SSPR_RECOVERY_HASH_BYTES))
		return false;
	rec->recovery[idx].used = used == 1;
	return true;
}

/* One ssprTotpDevice value (put_devices); record.c judges the values. */
static bool decode_device(const struct berval *v, struct sspr_record *rec, uint32_t *seen)
{
	const char *p = v->bv_val, *end = p + v->bv_len;
	char word[SSPR_SEALED_MAX * 2 + 1];
	int64_t idx, digits, period, last, enrolled;
	struct sspr_totp *d;
	size_t hexlen;

	if (!split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, 0, SSPR_TOTP_DEVICES_MAX - 1, &idx) || (*seen & (1u << idx)))
		return false;
	*seen |= 1u << idx;
	d = &rec->totp[idx];
	if (!split_word(&p, end, d->name, sizeof(d->name)) ||
	    !split_word(&p, end, word, sizeof(word)) || !word_int(word, 6, 8, &digits) ||
	    !split_word(&p, end, word, sizeof(word)) || !word_int(word, 1, 3600, &period) ||
	    !split_word(&p, end, word, sizeof(word)) || !word_int(word, 0, INT64_MAX, &last) ||
	    !split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, INT64_MIN, INT64_MAX, &enrolled))
		return false;
	hexlen = (size_t)(end - p);
	if (hexlen % 2 != 0 || hexlen / 2 <= SSPR_SEAL_OVERHEAD || hexlen / 2 > SSPR_SEALED_MAX ||
	    !hex_exact(p, end, d->sealed, hexlen / 2))
		return false;
	d->sealed_len = (uint16_t)(hexlen / 2);
	d->digits = (uint8_t)digits;
	d->period = (uint16_t)period;
	d->last_step = (uint64_t)last;
	d->enrolled_at = enrolled;
	return true;
}

/* "ISSUED EXPIRES USES SALT HASH"; record.c judges the values. */
static bool decode_pass(const struct berval *v, struct sspr_pass *pass)
{
	const char *p = v->bv_val, *end = p + v->bv_len;
	char word[SSPR_SALT_BYTES * 2 + 1];
	int64_t issued, expires, uses;

	if (!split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, INT64_MIN, INT64_MAX, &issued) ||
	    !split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, INT64_MIN, INT64_MAX, &expires) ||
	    !split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, 1, SSPR_PASS_USES_MAX, &uses) ||
	    !split_word(&p, end, word, sizeof(word)) ||
	    !hex_exact(word, word + strlen(word), pass->salt, SSPR_SALT_BYTES) ||
	    !hex_exact(p, end, pass->hash, SSPR_RECOVERY_HASH_BYTES))
		return false;
	pass->issued_at = issued;
	pass->expires_at = expires;
	pass->uses_left = (uint8_t)uses;
	return true;
}

static bool decode_pending(const struct berval *v, struct sspr_pending_code *pc)
{
	const char *p = v->bv_val, *end = p + v->bv_len;
	char word[24];
	int64_t expires, tries;

	if (!split_word(&p, end, word, sizeof(word)) ||
	    !word_int(word, INT64_MIN, INT64_MAX, &expires) ||
	    !split_word(&p, end, word, sizeof(word)) || !word_int(word, 0, 255, &tries) ||
	    !rest_str(p, end, pc->hash, sizeof(pc->hash)))
		return false;
	pc->expires_at = expires;
	pc->tries = (uint8_t)tries;
	return true;
}

static bool decode_failures(const struct berval *v, struct sspr_record *rec)
{
	const char *p = v->bv_val, *end = p + v->bv_len;

	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		struct berval w = {.bv_val = (char *)p, .bv_len = (size_t)((sp ? sp : end) - p)};

		if (rec->n_failures >= SSPR_FAILURES_MAX ||
		    !sspr_ldap_parse_int(&w, INT64_MIN, INT64_MAX,
					 &rec->failures[rec->n_failures]))
			return false;
		if (rec->n_failures > 0 &&
		    rec->failures[rec->n_failures] < rec->failures[rec->n_failures - 1])
			return false;
		rec->n_failures++;
		if (sp == NULL)
			break;
		p = sp + 1;
		if (p == end) /* a trailing space */
			return false;
	}
	return rec->n_failures > 0;
}

/* The other way; sspr_record_encode checks the indices afterwards. */
static bool decode_draw(const struct berval *v, struct sspr_record *rec)
{
	const char *p = v->bv_val, *end = p + v->bv_len;
	bool period = true;

	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		struct berval w = {.bv_val = (char *)p, .bv_len = (size_t)((sp ? sp : end) - p)};
		int64_t x;

		if (period) {
			if (!sspr_ldap_parse_int(&w, 0, INT64_MAX, &x))
				return false;
			rec->draw_epoch = (uint64_t)x;
			period = false;
		} else {
			if (rec->n_drawn >= SSPR_QUESTIONS_MAX ||
			    !sspr_ldap_parse_int(&w, 0, SSPR_QUESTIONS_MAX - 1, &x))
				return false;
			rec->drawn[rec->n_drawn++] = (uint8_t)x;
		}
		if (sp == NULL)
			break;
		p = sp + 1;
		if (p == end) /* a trailing space */
			return false;
	}
	return rec->n_drawn > 0;
}

static size_t count_values(struct berval **vals)
{
	size_t n = 0;

	while (vals != NULL && vals[n] != NULL)
		n++;
	return n;
}

/* Decodes the values of one mapped attribute. */
static bool decode_attr(enum attr a, struct berval **vals, struct sspr_record *rec,
			uint64_t *revision)
{
	size_t n = count_values(vals);
	const struct berval *v = n > 0 ? vals[0] : NULL;
	int64_t x;

	if (n == 0)
		return false;
	if (a == A_QUESTION) {
		uint32_t seen = 0;

		if (n > SSPR_QUESTIONS_MAX)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!decode_question(vals[i], rec, &seen))
				return false;
		rec->n_questions = (uint8_t)n;
		return seen == (1u << n) - 1; /* indexes 0..n-1, each once */
	}
	if (a == A_TOTP_DEVICE) {
		uint32_t seen = 0;

		if (n > SSPR_TOTP_DEVICES_MAX)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!decode_device(vals[i], rec, &seen))
				return false;
		rec->n_totp = (uint8_t)n;
		return seen == (1u << n) - 1;
	}
	if (a == A_RECOVERY_CODE) {
		uint64_t seen = 0;

		if (n > SSPR_RECOVERY_MAX)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!decode_recovery(vals[i], rec, &seen))
				return false;
		rec->n_recovery = (uint8_t)n;
		return seen == (1ull << n) - 1;
	}
	if (n != 1)
		return false;
	switch (a) {
	case A_REVISION:
		if (!sspr_ldap_parse_int(v, 1, INT64_MAX, &x))
			return false;
		*revision = (uint64_t)x;
		return true;
	case A_TOTP_SECRET:
		if (v->bv_len <= SSPR_SEAL_OVERHEAD || v->bv_len > SSPR_SEALED_MAX)
			return false;
		memcpy(rec->totp[0].sealed, v->bv_val, v->bv_len);
		rec->totp[0].sealed_len = (uint16_t)v->bv_len;
		return true;
	case A_TOTP_DIGITS:
		if (!sspr_ldap_parse_int(v, 6, 8, &x))
			return false;
		rec->totp[0].digits = (uint8_t)x;
		return true;
	case A_TOTP_PERIOD:
		if (!sspr_ldap_parse_int(v, 1, 3600, &x))
			return false;
		rec->totp[0].period = (uint16_t)x;
		return true;
	case A_TOTP_LAST_STEP:
		if (!sspr_ldap_parse_int(v, 0, INT64_MAX, &x))
			return false;
		rec->totp[0].last_step = (uint64_t)x;
		return true;
	case A_MAIL:
		if (!rest_str(v->bv_val, v->bv_val + v->bv_len, rec->email.address,
			      sizeof(rec->email.address)))
			return false;
		rec->has_email = true;
		return true;
	case A_RECOVERY_SALT:
		if (v->bv_len != SSPR_SALT_BYTES)
			return false;
		memcpy(rec->recovery_salt, v->bv_val, SSPR_SALT_BYTES);
		return true;
	case A_PENDING:
		rec->has_pending = true;
		return decode_pending(v, &rec->pending);
	case A_PHONE:
		if (!rest_str(v->bv_val, v->bv_val + v->bv_len, rec->phone.address,
			      SSPR_PHONE_MAX + 1) ||
		    !sspr_phone_valid(rec->phone.address))
			return false;
		rec->has_phone = true;
		return true;
	case A_PHONE_PENDING:
		rec->has_phone_pending = true;
		return decode_pending(v, &rec->phone_pending);
	case A_FAILURES:
		return decode_failures(v, rec);
	case A_DRAW:
		return decode_draw(v, rec);
	case A_PASS:
		rec->has_pass = true;
		return decode_pass(v, &rec->pass);
	default:
		break;
	}
	/* The rest are single times. */
	if (!sspr_ldap_parse_int(v, INT64_MIN, INT64_MAX, &x))
		return false;
	switch (a) {
	case A_UPDATED:
		rec->updated_at = x;
		return true;
	case A_REGISTERED:
		rec->registered_at = x;
		return true;
	case A_CONFIRMED:
		rec->confirmed_at = x;
		return true;
	case A_GRACE:
		rec->grace_started_at = x;
		return true;
	case A_TOTP_ENROLLED:
		rec->totp[0].enrolled_at = x;
		return true;
	case A_MAIL_VERIFIED:
		rec->email.verified = true;
		rec->email.verified_at = x;
		return true;
	case A_PHONE_VERIFIED:
		rec->phone.verified = true;
		rec->phone.verified_at = x;
		return true;
	case A_LOCKED:
		rec->locked_until = x;
		return true;
	default:
		return false;
	}
}

static int find_attr(const char *name)
{
	for (int a = 0; a < A_COUNT; a++)
		if (sspr_ascii_casecmp(name, sspr_ldap_account_attrs[a]) == 0)
			return a;
	return -1;
}

#define BIT(a) (1u << (a))
#define TOTP_ATTRS                                                                                 \
	(BIT(A_TOTP_SECRET) | BIT(A_TOTP_DIGITS) | BIT(A_TOTP_PERIOD) | BIT(A_TOTP_LAST_STEP))

/* Fields that only make sense together, as record.c requires them. */
static bool consistent(uint32_t seen)
{
	if ((seen & TOTP_ATTRS) != 0 && (seen & TOTP_ATTRS) != TOTP_ATTRS)
		return false;
	if ((seen & BIT(A_TOTP_ENROLLED)) && !(seen & TOTP_ATTRS))
		return false;
	if ((seen & BIT(A_MAIL_VERIFIED)) && !(seen & BIT(A_MAIL)))
		return false;
	if ((seen & BIT(A_PHONE_VERIFIED)) && !(seen & BIT(A_PHONE)))
		return false;
	return ((seen & BIT(A_RECOVERY_SALT)) != 0) == ((seen & BIT(A_RECOVERY_CODE)) != 0);
}

int sspr_ldap_entry_decode(const struct sspr_ldap_attr *attrs, size_t n,
			   struct sspr_record *rec, uint64_t *revision)
{
	uint8_t *scratch = NULL;
	uint32_t seen = 0;
	size_t len = 0;
	int r = SSPR_ECORRUPT;

	sspr_record_init(rec);
	*revision = 0;
	/* The revision first, so a corrupt record still has one to replace.
	 * Named twice (no server sends that), it has none. */
	for (size_t i = 0; i < n; i++) {
		if (sspr_ascii_casecmp(attrs[i].name, "ssprRevision") != 0)
			continue;
		if ((seen & BIT(A_REVISION)) ||
		    !decode_attr(A_REVISION, attrs[i].vals, rec, revision)) {
			*revision = 0;
			goto out;
		}
		seen |= BIT(A_REVISION);
	}
	seen = 0;
	for (size_t i = 0; i < n; i++) {
		int a = find_attr(attrs[i].name);

		if (a == A_USER || a == A_REVISION)
			continue;
		if (a < 0) {
			/* objectClass, operational attributes: not ours. An
			 * sspr attribute we do not know is a newer writer's
			 * data we would silently drop on the next write. */
			if (sspr_ascii_ncasecmp(attrs[i].name, "sspr", 4) == 0)
				goto out;
			continue;
		}
		if ((seen & BIT(a)) || !decode_attr((enum attr)a, attrs[i].vals, rec, revision))
			goto out;
		seen |= BIT(a);
	}
	if (*revision == 0 || !consistent(seen))
		goto out;
	if ((seen & TOTP_ATTRS) == TOTP_ATTRS) {
		if (seen & BIT(A_TOTP_DEVICE))
			goto out; /* the two forms never mix */
		rec->n_totp = 1;
		snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	} else if (legacy_totp(rec)) {
		goto out; /* written with the attributes of before, always */
	}
	scratch = sodium_malloc(SSPR_RECORD_ENCODED_MAX);
	if (scratch == NULL) {
		r = SSPR_ENOMEM;
		goto out;
	}
	if (sspr_record_encode(rec, scratch, SSPR_RECORD_ENCODED_MAX, &len) == SSPR_OK)
		r = SSPR_OK;
out:
	if (scratch != NULL)
		sodium_free(scratch);
	if (r != SSPR_OK)
		sspr_record_wipe(rec);
	return r;
}
