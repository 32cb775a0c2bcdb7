/* SPDX-License-Identifier: BSD-2-Clause */
/* Enrollment writes; see enrollment.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "enrollment.h"
#include "phone.h"
#include "util.h"

void sspr_record_touch(struct sspr_record *rec, int64_t now)
{
	if (rec->registered_at == 0)
		rec->registered_at = now;
	rec->confirmed_at = now;
}

/* A device's replay mark in steps of the new period: the last second of
 * its last used step, counted in new steps. */
static uint64_t mark_in_period(const struct sspr_totp *old, unsigned period)
{
	uint64_t step = old->last_step, was = old->period;

	if (step == 0 || was == 0 || period == 0)
		return 0;
	/* Saturates: a mark too high to convert stays as high as it gets,
	 * never wraps to a low one. */
	if (step >= UINT64_MAX / was)
		return UINT64_MAX / period;
	return ((step + 1) * was - 1) / period;
}

int sspr_record_set_totp(struct sspr_record *rec, const struct sspr_totp_enrollment *t,
			 int64_t now, bool *replaced)
{
	const char *name = t->name != NULL && t->name[0] != '\0' ? t->name : SSPR_DEVICE_DEFAULT;
	int at = sspr_record_find_totp(rec, name);
	bool had = at >= 0;
	struct sspr_totp *d;
	uint64_t kept = 0;

	if (t->sealed_len <= SSPR_SEAL_OVERHEAD || t->sealed_len > sizeof(rec->totp[0].sealed) ||
	    t->digits < 6 || t->digits > 8 || t->period < 1 || t->period > 3600 ||
	    !sspr_device_name_valid(name))
		return SSPR_EINVAL;
	if (at < 0 && rec->n_totp >= SSPR_TOTP_DEVICES_MAX)
		return SSPR_EFULL;
	if (had)
		kept = mark_in_period(&rec->totp[at], t->period);
	else
		at = rec->n_totp++;
	d = &rec->totp[at];
	sspr_wipe(d, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	memcpy(d->sealed, t->sealed, t->sealed_len);
	d->sealed_len = (uint16_t)t->sealed_len;
	d->digits = (uint8_t)t->digits;
	d->period = (uint16_t)t->period;
	d->last_step = t->last_step > kept ? t->last_step : kept;
	d->enrolled_at = now;
	sspr_record_touch(rec, now);
	if (replaced != NULL)
		*replaced = had;
	return SSPR_OK;
}

/* An e-mail address or a phone number, verified now. */
static int set_contact(struct sspr_record *rec, unsigned method, const char *address,
		       int64_t now, bool *replaced)
{
	struct sspr_contact_slot c;
	bool other;

	if (!sspr_record_contact(rec, method, &c) || strlen(address) >= sizeof(c.contact->address))
		return SSPR_EINVAL;
	other = *c.has && strcmp(c.contact->address, address) != 0;
	sspr_record_clear_method(rec, method); /* the pending code too */
	*c.has = true;
	memcpy(c.contact->address, address, strlen(address) + 1);
	c.contact->verified = true;
	c.contact->verified_at = now;
	sspr_record_touch(rec, now);
	if (replaced != NULL)
		*replaced = other;
	return SSPR_OK;
}

int sspr_record_set_email(struct sspr_record *rec, const char *address, int64_t now,
			  bool *replaced)
{
	return set_contact(rec, SSPR_METHOD_EMAIL, address, now, replaced);
}

int sspr_record_set_phone(struct sspr_record *rec, const char *number, int64_t now,
			  bool *replaced)
{
	if (!sspr_phone_valid(number))
		return SSPR_EINVAL;
	return set_contact(rec, SSPR_METHOD_PHONE, number, now, replaced);
}

int sspr_record_set_questions(struct sspr_record *rec, const char *const *question,
			      const char *const *hash, unsigned n, int64_t now, bool *replaced)
{
	bool had = rec->n_questions > 0;

	if (n == 0 || n > SSPR_QUESTIONS_MAX)
		return SSPR_EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (strlen(question[i]) >= sizeof(rec->questions[i].question) ||
		    strlen(hash[i]) >= sizeof(rec->questions[i].hash))
			return SSPR_EINVAL;
	sspr_record_clear_method(rec, SSPR_METHOD_QUESTIONS); /* and the draw of the old set */
	for (unsigned i = 0; i < n; i++) {
		memcpy(rec->questions[i].question, question[i], strlen(question[i]) + 1);
		memcpy(rec->questions[i].hash, hash[i], strlen(hash[i]) + 1);
	}
	rec->n_questions = (uint8_t)n;
	sspr_record_touch(rec, now);
	if (replaced != NULL)
		*replaced = had;
	return SSPR_OK;
}

int sspr_record_set_recovery(struct sspr_record *rec, const struct sspr_record *codes,
			     int64_t now, bool *replaced)
{
	bool had = rec->n_recovery > 0;

	if (codes->n_recovery == 0 || codes->n_recovery > SSPR_RECOVERY_MAX)
		return SSPR_EINVAL;
	sspr_record_clear_method(rec, SSPR_METHOD_RECOVERY);
	rec->n_recovery = codes->n_recovery;
	memcpy(rec->recovery_salt, codes->recovery_salt, sizeof(rec->recovery_salt));
	memcpy(rec->recovery, codes->recovery, sizeof(rec->recovery));
	sspr_record_touch(rec, now);
	if (replaced != NULL)
		*replaced = had;
	return SSPR_OK;
}

bool sspr_record_remove(struct sspr_record *rec, unsigned method, const char *device)
{
	int i;

	if (device == NULL) {
		if (!sspr_record_has_method_data(rec, method))
			return false;
		sspr_record_clear_method(rec, method);
		return true;
	}
	if (method != SSPR_METHOD_TOTP || (i = sspr_record_find_totp(rec, device)) < 0)
		return false;
	sspr_record_remove_totp(rec, (unsigned)i);
	return true;
}
