/* Proving the current password before anything is registered, through
 * the PAM service sspr-enroll (pam_unix; unix_chkpwd checks the caller's
 * own password for a program that is not root). */
#include <security/pam_appl.h>
#include <security/pam_misc.h>

#include "enroll.h"

int enroll_authenticate(const char *user)
{
	struct pam_conv conv = {misc_conv, NULL};
	pam_handle_t *pamh = NULL;
	int r;

	r = pam_start(ENROLL_SERVICE, user, &conv, &pamh);
	if (r != PAM_SUCCESS) {
		enroll_error("cannot start PAM service %s", ENROLL_SERVICE);
		return ENROLL_EXIT_ERROR;
	}
	r = pam_authenticate(pamh, 0);
	if (r == PAM_SUCCESS)
		r = pam_acct_mgmt(pamh, 0);
	if (r != PAM_SUCCESS)
		enroll_error("authentication failed: %s", pam_strerror(pamh, r));
	pam_end(pamh, r);
	return r == PAM_SUCCESS ? ENROLL_EXIT_OK : ENROLL_EXIT_AUTH;
}
