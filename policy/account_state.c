/* SPDX-License-Identifier: BSD-2-Clause */
/* Account state from the shadow entry (getspnam_r through NSS, as
 * pam_unix reads it). The rules follow pam_unix's account check so a reset
 * refuses exactly the accounts an ordinary login would, plus the locked
 * hash, which pam_unix only notices when a password fails to match. */
#include <shadow.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "account_state.h"
#include "eligibility.h"

struct shadow_facts {
	bool locked;
	long lastchg, max, inact, expire; /* days; -1 = not set */
};

static int shadow_lookup(const char *name, char *buf, size_t size, void *out, bool *found)
{
	struct shadow_facts *facts = out;
	struct spwd sp, *res = NULL;
	int rc = getspnam_r(name, &sp, buf, size, &res);

	*found = rc == 0 && res != NULL;
	if (*found) {
		const char *hash = sp.sp_pwdp != NULL ? sp.sp_pwdp : "*";

		facts->locked = hash[0] == '!' || hash[0] == '*';
		facts->lastchg = sp.sp_lstchg;
		facts->max = sp.sp_max;
		facts->inact = sp.sp_inact;
		facts->expire = sp.sp_expire;
	}
	return rc;
}

enum sspr_account_state sspr_account_state(const char *user, int64_t now)
{
	struct shadow_facts f;
	long today = (long)(now / 86400);
	long age;

	switch (sspr_nss_lookup(user, shadow_lookup, &f)) {
	case 1:
		break;
	case 0:
		/* Unprivileged, glibc's files backend reports "no entry" rather
		 * than the EACCES it met: only root can tell the two apart. */
		return geteuid() == 0 ? SSPR_ACCOUNT_NO_PASSWORD : SSPR_ACCOUNT_UNREADABLE;
	default:
		return SSPR_ACCOUNT_ERROR;
	}
	if (f.locked)
		return SSPR_ACCOUNT_LOCKED;
	if (f.expire != -1 && today >= f.expire)
		return SSPR_ACCOUNT_EXPIRED;
	/* pam_unix: the password expired (max) and the grace (inact) ran out
	 * too. lastchg 0 means "must change now", never inactive. */
	age = today - f.lastchg;
	if (f.lastchg > 0 && f.max != -1 && f.inact != -1 && age > f.max + f.inact && age > f.max &&
	    age > f.inact)
		return SSPR_ACCOUNT_INACTIVE;
	return SSPR_ACCOUNT_USABLE;
}

const char *sspr_account_state_reason(enum sspr_account_state state)
{
	switch (state) {
	case SSPR_ACCOUNT_USABLE:
		return "usable";
	case SSPR_ACCOUNT_LOCKED:
		return "account locked by admin";
	case SSPR_ACCOUNT_EXPIRED:
		return "account expired";
	case SSPR_ACCOUNT_INACTIVE:
		return "account inactive (password expired too long ago)";
	case SSPR_ACCOUNT_NO_PASSWORD:
		return "no local password to change";
	case SSPR_ACCOUNT_UNREADABLE:
		return "this program cannot read or change passwords";
	case SSPR_ACCOUNT_ERROR:
		return "shadow lookup failed";
	}
	return "unknown account state";
}
