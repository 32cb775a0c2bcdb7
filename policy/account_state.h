/* SPDX-License-Identifier: BSD-2-Clause */
/* What the host's own account database says of an account, before any
 * reset challenge: an admin's lock or expiry wins over every method. */
#ifndef SSPR_ACCOUNT_STATE_H
#define SSPR_ACCOUNT_STATE_H

#include <stdint.h>

enum sspr_account_state {
	SSPR_ACCOUNT_USABLE = 0,  /* a password the password service can set */
	SSPR_ACCOUNT_LOCKED,	  /* hash starts with '!' or '*' (passwd -l, usermod -L) */
	SSPR_ACCOUNT_EXPIRED,	  /* the shadow expiry date has passed (chage -E) */
	SSPR_ACCOUNT_INACTIVE,	  /* password expired for longer than its inactive days */
	SSPR_ACCOUNT_NO_PASSWORD, /* no shadow entry: not a local password */
	SSPR_ACCOUNT_UNREADABLE,  /* this process cannot read shadow, so cannot change it */
	SSPR_ACCOUNT_ERROR,	  /* the lookup failed */
};

/* The state of user's local password at `now` (seconds since the epoch),
 * judged as pam_unix's account check judges expiry. An expired password
 * (chage -d 0, or past its maximum age) is USABLE: a reset renews it. */
enum sspr_account_state sspr_account_state(const char *user, int64_t now);

/* Log and audit wording: "account locked by admin", ... */
const char *sspr_account_state_reason(enum sspr_account_state state);

#endif
