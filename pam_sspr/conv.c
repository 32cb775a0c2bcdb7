/* SPDX-License-Identifier: BSD-2-Clause */
/* Conversation helpers. pam_prompt() gives us the reply; we bound it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "conv.h"
#include "util.h"

int sspr_conv_ask(pam_handle_t *pamh, int style, const char *prompt, char **reply)
{
	char *resp = NULL;
	int r;

	*reply = NULL;
	r = pam_prompt(pamh, style, &resp, "%s", prompt);
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

void sspr_conv_say(pam_handle_t *pamh, int style, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	(void)pam_prompt(pamh, style, NULL, "%s", text);
}
