/* SPDX-License-Identifier: BSD-2-Clause */
/* A user's self-service record: what they enrolled and the counters that
 * guard resets. Stored as a versioned TLV blob (see record.c for the wire
 * format); decoding is strict and bounds-checked, so a corrupt record is an
 * error for that user and never a crash. */
#ifndef SSPR_RECORD_H
#define SSPR_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "method.h"
#include "status.h"

#define SSPR_RECORD_VERSION 1

#define SSPR_TOTP_SECRET_MAX 64                      /* raw secret bytes */
#define SSPR_SEAL_OVERHEAD 48                        /* crypto_box_SEALBYTES */
#define SSPR_SEALED_MAX (SSPR_TOTP_SECRET_MAX + SSPR_SEAL_OVERHEAD)
#define SSPR_TOTP_DEVICES_MAX 5                      /* authenticators a user may register */
#define SSPR_DEVICE_NAME_MAX 32
#define SSPR_DEVICE_DEFAULT "default"                /* the name when none is given */
#define SSPR_QUESTIONS_MAX 5
#define SSPR_QUESTION_MAX 255                        /* bytes of question text */
#define SSPR_HASH_STR_MAX 128                        /* crypto_pwhash_STRBYTES */
#define SSPR_EMAIL_MAX 254
#define SSPR_PHONE_MAX 16                            /* "+" and up to 15 digits (E.164) */
#define SSPR_RECOVERY_MAX 50
#define SSPR_RECOVERY_HASH_BYTES 32
#define SSPR_SALT_BYTES 16
#define SSPR_FAILURES_MAX 100
#define SSPR_PASS_USES_MAX 10
#define SSPR_PASS_TTL_MIN 60                         /* seconds */
#define SSPR_PASS_TTL_MAX 2592000                    /* 30 days */
#define SSPR_RECORD_ENCODED_MAX 16384                /* no valid record is larger */

/* One authenticator device (an app on a phone, on a tablet, a token). */
struct sspr_totp {
	char name[SSPR_DEVICE_NAME_MAX + 1]; /* sspr_device_name_valid, unique in the record */
	uint8_t sealed[SSPR_SEALED_MAX]; /* secret sealed to host.pub */
	uint16_t sealed_len;             /* SSPR_SEAL_OVERHEAD+1 .. SSPR_SEALED_MAX */
	uint8_t digits;                  /* 6..8 */
	uint16_t period;                 /* seconds, 1..3600 */
	uint64_t last_step;              /* last accepted time step; 0 = none yet */
	int64_t enrolled_at;
};

struct sspr_question {
	char question[SSPR_QUESTION_MAX + 1];
	char hash[SSPR_HASH_STR_MAX]; /* crypto_pwhash_str of the normalised answer */
};

/* Where a code is sent: an e-mail address, or a phone number in E.164
 * form ("+447700900123"). Stored only once the user typed back a code
 * sent there. */
struct sspr_contact {
	char address[SSPR_EMAIL_MAX + 1];
	bool verified;
	int64_t verified_at;
};

struct sspr_recovery_code {
	uint8_t hash[SSPR_RECOVERY_HASH_BYTES]; /* keyed hash, key = recovery_salt */
	bool used;
};

/* A temporary access pass: shaped like a recovery code, with a salt of its
 * own so a new pass never shares one with the codes. */
struct sspr_pass {
	uint8_t salt[SSPR_SALT_BYTES];
	uint8_t hash[SSPR_RECOVERY_HASH_BYTES]; /* keyed hash, key = salt */
	int64_t issued_at;
	int64_t expires_at;                     /* > issued_at */
	uint8_t uses_left;                      /* 1..SSPR_PASS_USES_MAX */
};

struct sspr_pending_code {
	char hash[SSPR_HASH_STR_MAX];
	int64_t expires_at;
	uint8_t tries;
};

struct sspr_record {
	uint8_t n_totp; /* devices, 0..SSPR_TOTP_DEVICES_MAX, in the order registered */
	struct sspr_totp totp[SSPR_TOTP_DEVICES_MAX];

	uint8_t n_questions;
	struct sspr_question questions[SSPR_QUESTIONS_MAX];
	/* The questions a reset asks, kept until they are answered right or
	 * their draw period (draw_epoch) ends, so that giving up whenever an
	 * unknown question comes up does not bring up other ones. */
	uint8_t n_drawn;
	uint8_t drawn[SSPR_QUESTIONS_MAX]; /* indices into questions, distinct */
	uint64_t draw_epoch;

	bool has_email;
	struct sspr_contact email;

	bool has_phone;
	struct sspr_contact phone;

	uint8_t n_recovery;
	uint8_t recovery_salt[SSPR_SALT_BYTES];
	struct sspr_recovery_code recovery[SSPR_RECOVERY_MAX];

	bool has_pass;
	struct sspr_pass pass;

	/* The code last sent to each contact, until used, expired or tried
	 * out: the e-mailed one and the texted one. */
	bool has_pending;
	struct sspr_pending_code pending;
	bool has_phone_pending;
	struct sspr_pending_code phone_pending;

	uint8_t n_failures;                /* failed verifications, oldest first */
	int64_t failures[SSPR_FAILURES_MAX];
	int64_t locked_until;              /* 0 = not locked */

	int64_t registered_at;             /* first enrollment */
	int64_t confirmed_at;              /* last enrollment or re-confirmation */
	int64_t grace_started_at;          /* registration = require: first refusal-free reminder */
	int64_t updated_at;                /* last write, stamped by the store */
};

/* Zeroes the record (all methods absent, counters 0). */
void sspr_record_init(struct sspr_record *rec);
/* Wipes the record with sodium_memzero. */
void sspr_record_wipe(struct sspr_record *rec);

/* Bitmask of enum sspr_method the record has enrolled (a questions set counts
 * only when it is complete, e-mail only when verified, recovery only when an
 * unused code is left, a pass only until it expires). */
unsigned sspr_record_methods(const struct sspr_record *rec);

/* True when the record has a pass with uses left that has not expired at now. */
bool sspr_record_pass_usable(const struct sspr_record *rec, int64_t now);

/* True when the record holds any data of the method, usable or not: a
 * half-finished enrollment (two questions of three, an unverified address,
 * a used-up set of recovery codes) can still be removed. */
bool sspr_record_has_method_data(const struct sspr_record *rec, unsigned method);

/* True for a device name: 1..SSPR_DEVICE_NAME_MAX of A-Z a-z 0-9 . _ -,
 * starting with a letter or digit. */
bool sspr_device_name_valid(const char *name);
/* The index of the device called name, or -1. */
int sspr_record_find_totp(const struct sspr_record *rec, const char *name);
/* Removes (and wipes) device i; the others keep their order. */
void sspr_record_remove_totp(struct sspr_record *rec, unsigned i);

/* Wipes one method's data (every authenticator device; e-mail and phone
 * take their pending code with them). */
void sspr_record_clear_method(struct sspr_record *rec, unsigned method);

/* A contact method's fields (SSPR_METHOD_EMAIL or SSPR_METHOD_PHONE),
 * pointers into rec, so what sends a code is written once for both. */
struct sspr_contact_slot {
	bool *has;
	struct sspr_contact *contact;
	bool *has_pending;
	struct sspr_pending_code *pending;
};
/* False for a method that is not a contact. */
bool sspr_record_contact(struct sspr_record *rec, unsigned method, struct sspr_contact_slot *slot);
/* The contact alone, to read; NULL for a method that is not a contact. */
const struct sspr_contact *sspr_record_contact_of(const struct sspr_record *rec, unsigned method);

/* Encodes rec into buf (at most cap bytes); *len receives the size.
 * Returns SSPR_OK, SSPR_EINVAL if a field is out of range, SSPR_ENOMEM if cap
 * is too small. */
int sspr_record_encode(const struct sspr_record *rec, uint8_t *buf, size_t cap, size_t *len);

/* Decodes exactly len bytes. Unknown version, unknown or repeated singleton
 * tag, bad length, out-of-range value, too many items or trailing bytes:
 * SSPR_ECORRUPT, with rec wiped. */
int sspr_record_decode(const uint8_t *buf, size_t len, struct sspr_record *rec);
/* Why an encoded record does not decode, for a message: "written by a
 * newer version (format N)" or "corrupt". */
const char *sspr_record_fault(const uint8_t *buf, size_t len, char *out, size_t cap);

#endif
