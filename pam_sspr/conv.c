/* SPDX-License-Identifier: BSD-2-Clause */
/* Conversation helpers: one message to the application's conversation
 * function, the reply bounded. Called directly rather than through
 * pam_prompt(): libpam logs a failed conversation there as a bare
 * "conversation failed", without user, service or host; the dialog logs
 * its own line with them instead ("aborted", session.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "conv.h"
#include "i18n.h"
#include "util.h"

/* Sends the n messages in one call; *reply (when asked for) gets the
 * answer to the last, which may be NULL. Every other response is wiped. */
static int converse_n(pam_handle_t *pamh, const struct pam_message *const *msgs, int n,
		      char **reply)
{
	const struct pam_conv *conv = NULL;
	struct pam_response *resp = NULL;
	int r;

	if (reply != NULL)
		*reply = NULL;
	r = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
	if (r != PAM_SUCCESS || conv == NULL || conv->conv == NULL)
		return PAM_CONV_ERR;
	r = conv->conv(n, (const struct pam_message **)msgs, &resp, conv->appdata_ptr);
	if (resp != NULL) {
		for (int i = 0; i < n; i++) {
			if (i == n - 1 && r == PAM_SUCCESS && reply != NULL)
				*reply = resp[i].resp;
			else
				sspr_conv_free(resp[i].resp);
		}
		free(resp);
	}
	return r;
}

static int converse(pam_handle_t *pamh, int style, const char *text, char **reply)
{
	const struct pam_message msg = {.msg_style = style, .msg = text};
	const struct pam_message *msgs[1] = {&msg};

	return converse_n(pamh, msgs, 1, reply);
}

int sspr_conv_ask(pam_handle_t *pamh, int style, const char *prompt, char **reply)
{
	char *resp = NULL;
	int r;

	*reply = NULL;
	r = converse(pamh, style, prompt, &resp);
	if (r != PAM_SUCCESS)
		goto out;
	if (resp == NULL) {
		/* Some applications answer an empty line with no buffer at all. */
		resp = strdup("");
		if (resp == NULL) {
			r = PAM_BUF_ERR;
			goto out;
		}
	}
	if (strnlen(resp, SSPR_REPLY_MAX + 1) > SSPR_REPLY_MAX) {
		r = PAM_CONV_ERR;
		goto out;
	}
	*reply = resp;
	resp = NULL;
out:
	sspr_conv_free(resp);
	return r;
}

void sspr_conv_free(char *reply)
{
	if (reply == NULL)
		return;
	/* The reply may be longer than we accept; wipe all of it. */
	sspr_wipe(reply, strlen(reply));
	free(reply);
}

bool sspr_conv_graphical(pam_handle_t *pamh)
{
	const void *display = NULL, *tty = NULL;

	if (pam_get_item(pamh, PAM_XDISPLAY, &display) == PAM_SUCCESS && display != NULL &&
	    ((const char *)display)[0] != '\0')
		return true;
	return pam_get_item(pamh, PAM_TTY, &tty) == PAM_SUCCESS && tty != NULL &&
	       ((const char *)tty)[0] == ':';
}

void sspr_conv_say_last(pam_handle_t *pamh, const char *text)
{
	/* One array: some conversation functions (Solaris', OpenPAM's
	 * heritage) read the messages as (*msg)[i], not msg[i]. */
	const struct pam_message m[2] = {
		{.msg_style = PAM_TEXT_INFO, .msg = text},
		{.msg_style = PAM_PROMPT_ECHO_ON, .msg = _("Press Enter to continue.")},
	};
	const struct pam_message *msgs[2] = {&m[0], &m[1]};

	if (!sspr_conv_graphical(pamh)) {
		(void)converse(pamh, PAM_TEXT_INFO, text, NULL);
		return;
	}
	(void)converse_n(pamh, msgs, 2, NULL);
}

void sspr_conv_say(pam_handle_t *pamh, int style, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	(void)converse(pamh, style, text, NULL);
}
