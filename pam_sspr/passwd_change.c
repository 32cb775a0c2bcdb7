/* Nested PAM transaction for the password change. */
#include <stdio.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>

#include "passwd_change.h"

/* Items the nested stack should see as the outer one does, so pam_unix
 * logs the right tty and remote host. */
static const int copied_items[] = {PAM_TTY, PAM_RHOST, PAM_RUSER};

int sspr_change_password(struct sspr_session *s, char *why, size_t why_size)
{
	const struct pam_conv *conv = NULL;
	pam_handle_t *child = NULL;
	int r;

	r = pam_get_item(s->pamh, PAM_CONV, (const void **)&conv);
	if (r != PAM_SUCCESS || conv == NULL) {
		snprintf(why, why_size, "no conversation function");
		return r != PAM_SUCCESS ? r : PAM_CONV_ERR;
	}
	r = pam_start(s->policy.password_service, s->user, conv, &child);
	if (r != PAM_SUCCESS) {
		snprintf(why, why_size, "cannot start PAM service %s: %s",
			 s->policy.password_service, pam_strerror(s->pamh, r));
		return r;
	}
	for (size_t i = 0; i < sizeof(copied_items) / sizeof(copied_items[0]); i++) {
		const void *value = NULL;

		if (pam_get_item(s->pamh, copied_items[i], &value) == PAM_SUCCESS &&
		    value != NULL)
			(void)pam_set_item(child, copied_items[i], value);
	}
	r = pam_chauthtok(child, s->flags & PAM_SILENT);
	if (r != PAM_SUCCESS)
		snprintf(why, why_size, "%s: %s", s->policy.password_service,
			 pam_strerror(child, r));
	(void)pam_end(child, r);
	return r;
}
