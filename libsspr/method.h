/* SPDX-License-Identifier: BSD-2-Clause */
/* The reset methods: their bits, names and order, in one place. A method
 * set is a bitmask of enum sspr_method; the order of the bits is the order
 * every list shows them in (menus, status, JSON, the policy's own list).
 * What a method does at a reset is the module's method table
 * (pam_sspr/challenge.c); what enrolling one writes is enrollment.h. */
#ifndef SSPR_METHOD_H
#define SSPR_METHOD_H

#include <stddef.h>

enum sspr_method {
	SSPR_METHOD_TOTP = 1u << 0,
	SSPR_METHOD_QUESTIONS = 1u << 1,
	SSPR_METHOD_EMAIL = 1u << 2,
	SSPR_METHOD_RECOVERY = 1u << 3,
	/* A temporary access pass the helpdesk issued (sspr-admin pass):
	 * nobody registers it themselves. */
	SSPR_METHOD_PASS = 1u << 4,
	/* A PAM service of the administrator's, run inside the reset
	 * (methods = pam:SERVICE): who can pass it is that service's
	 * business, so nobody registers it with pam_sspr either. */
	SSPR_METHOD_PAM = 1u << 5,
	/* A code sent by text message to a registered number (sms_command). */
	SSPR_METHOD_PHONE = 1u << 6,
};
#define SSPR_METHOD_FIRST SSPR_METHOD_TOTP
#define SSPR_METHOD_LAST SSPR_METHOD_PHONE
#define SSPR_METHOD_ALL 0x7fu
#define SSPR_METHOD_COUNT 7

/* The methods a user cannot register with pam_sspr (sspr-enroll,
 * sspr-admin enroll): the helpdesk's pass and the delegated service. */
#define SSPR_METHODS_UNREGISTRABLE (SSPR_METHOD_PASS | SSPR_METHOD_PAM)

/* Every method, in order: SSPR_FOR_EACH_METHOD(m) { ... m ... }. */
#define SSPR_FOR_EACH_METHOD(m) for (unsigned m = SSPR_METHOD_FIRST; m <= SSPR_METHOD_LAST; m <<= 1)

/* Names as they appear in the policy, the tools and the audit trail:
 * "totp", "questions", "email", "recovery", "pass", "pam" (the policy
 * spells it pam:SERVICE), "phone"; "unknown" for anything else.
 * sspr_method_from_name returns 0 for an unknown name. */
const char *sspr_method_name(unsigned method);
unsigned sspr_method_from_name(const char *name);

/* How many methods the set holds. */
unsigned sspr_method_count(unsigned methods);

/* The names of the set, in order, separated by sep, into buf; "-" for the
 * empty set. Names that do not fit are left out (SSPR_METHODS_TEXT_MAX
 * holds every one). */
#define SSPR_METHODS_TEXT_MAX 64
const char *sspr_methods_text(unsigned methods, const char *sep, char *buf, size_t size);

#endif
