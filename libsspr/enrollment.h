/* SPDX-License-Identifier: BSD-2-Clause */
/* What enrolling a method writes into a record: the one place for
 * sspr-enroll, sspr-admin and the importers, so that what an enrollment
 * replaces, wipes and keeps cannot differ between the tools. Each function
 * runs inside a store update (store.h), so it only copies: no I/O, no
 * randomness, the same result every time it runs on the same input.
 *
 * Every set_ function replaces the method's previous data whole (wiped
 * first, so nothing of an old secret, address or set survives in a field
 * the new one leaves short) and marks the record registered and confirmed
 * at now (sspr_record_touch). */
#ifndef SSPR_ENROLLMENT_H
#define SSPR_ENROLLMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* A TOTP secret ready for a record: already sealed to host.pub, so the
 * raw secret never reaches a store update. */
struct sspr_totp_enrollment {
	uint8_t sealed[SSPR_SEALED_MAX];
	size_t sealed_len;  /* SSPR_SEAL_OVERHEAD+1 .. SSPR_SEALED_MAX */
	unsigned digits;    /* 6..8 */
	unsigned period;    /* 1..3600 */
	uint64_t last_step; /* the last step already used (a confirmation
			     * code, an imported mark); 0 = none */
	const char *name;   /* the device (sspr_device_name_valid); NULL or "":
			     * SSPR_DEVICE_DEFAULT */
};

/* Marks rec as confirmed at now, and registered if it was not yet. */
void sspr_record_touch(struct sspr_record *rec, int64_t now);

/* Replaces the device of t's name, or adds it as a new one. The replay
 * mark is the higher of t's and the replaced device's own (converted to
 * t's period): a re-enrollment or re-import never makes a spent code good
 * again. SSPR_EINVAL, and nothing changed, for a sealed length, digits,
 * period or name out of range; SSPR_EFULL for a new device beyond
 * SSPR_TOTP_DEVICES_MAX; *replaced (may be NULL): a device of that name
 * was there. */
int sspr_record_set_totp(struct sspr_record *rec, const struct sspr_totp_enrollment *t,
			 int64_t now, bool *replaced);

/* A verified address (the caller checked it: a code it mailed came back,
 * or an administrator vouches). A code pending for the old address goes
 * with it. SSPR_EINVAL if address does not fit; *replaced (may be NULL):
 * another address was there. */
int sspr_record_set_email(struct sspr_record *rec, const char *address, int64_t now,
			  bool *replaced);

/* A phone number in E.164 form (sspr_phone_valid), verified at now, like
 * an address; SSPR_EINVAL, and nothing changed, for anything else. */
int sspr_record_set_phone(struct sspr_record *rec, const char *number, int64_t now,
			  bool *replaced);

/* n (1..SSPR_QUESTIONS_MAX) questions and the hashes of their answers; the
 * draw of the old set goes too. SSPR_EINVAL for a bad count or a text that
 * does not fit; *replaced (may be NULL): a set was there before. */
int sspr_record_set_questions(struct sspr_record *rec, const char *const *question,
			      const char *const *hash, unsigned n, int64_t now, bool *replaced);

/* The recovery codes of codes (salt and hashes, as sspr_recovery_set or
 * sspr_recovery_issue made them in a scratch record). SSPR_EINVAL for a
 * count out of 1..SSPR_RECOVERY_MAX; *replaced (may be NULL): codes were
 * there before. */
int sspr_record_set_recovery(struct sspr_record *rec, const struct sspr_record *codes,
			     int64_t now, bool *replaced);

/* Removes a method's data, or with device (SSPR_METHOD_TOTP only) that
 * one authenticator device. false, nothing changed, when there was none
 * of it. */
bool sspr_record_remove(struct sspr_record *rec, unsigned method, const char *device);

#endif
