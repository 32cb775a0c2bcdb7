/* SPDX-License-Identifier: BSD-2-Clause */
/* Who the caller is allowed to be: eligible under the policy, and proven
 * by the current password before anything is registered, through the PAM
 * service sspr-enroll (pam_unix; unix_chkpwd checks the caller's own
 * password for a program that is not root).
 *
 * The conversation reads through prompt.c rather than misc_conv: misc_conv
 * read()s a whole buffer from stdin at once, which on a pipe swallows the
 * lines meant for the questions that follow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "eligibility.h"
#include "enroll.h"

#define REPLY_MAX 512

static void free_replies(struct pam_response *resp, int n)
{
	for (int i = 0; i < n; i++) {
		if (resp[i].resp != NULL) {
			sodium_memzero(resp[i].resp, strlen(resp[i].resp));
			free(resp[i].resp);
		}
	}
	free(resp);
}

static int conversation(int n, const struct pam_message **msg, struct pam_response **out,
			void *data)
{
	struct pam_response *resp;
	char line[REPLY_MAX];
	int i, r;

	(void)data;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	resp = calloc((size_t)n, sizeof(*resp));
	if (resp == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			r = msg[i]->msg_style == PAM_PROMPT_ECHO_OFF
				    ? enroll_read_secret(msg[i]->msg, line, sizeof(line))
				    : enroll_read_line(msg[i]->msg, line, sizeof(line));
			if (r != 0)
				goto fail;
			resp[i].resp = strdup(line);
			sodium_memzero(line, sizeof(line));
			if (resp[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
			fprintf(stderr, "%s\n", msg[i]->msg);
			break;
		case PAM_TEXT_INFO:
			printf("%s\n", msg[i]->msg);
			break;
		default:
			goto fail;
		}
	}
	*out = resp;
	return PAM_SUCCESS;
fail:
	sodium_memzero(line, sizeof(line));
	free_replies(resp, n);
	return PAM_CONV_ERR;
}

int enroll_authenticate(struct enroll_ctx *ctx)
{
	struct pam_conv conv = {conversation, NULL};
	pam_handle_t *pamh = NULL;
	int r;

	if (ctx->authenticated)
		return SSPR_EXIT_OK;
	r = pam_start(ENROLL_SERVICE, ctx->user, &conv, &pamh);
	if (r != PAM_SUCCESS) {
		/* TRANSLATORS: %s is the name of the PAM service, sspr-enroll. */
		cli_error(_("cannot start PAM service %s"), ENROLL_SERVICE);
		return SSPR_EXIT_ERROR;
	}
	r = pam_authenticate(pamh, 0);
	if (r == PAM_SUCCESS)
		r = pam_acct_mgmt(pamh, 0);
	if (r != PAM_SUCCESS)
		/* TRANSLATORS: %s is PAM's reason (in PAM's own translation). */
		cli_error(_("authentication failed: %s"), pam_strerror(pamh, r));
	pam_end(pamh, r);
	ctx->authenticated = r == PAM_SUCCESS;
	return r == PAM_SUCCESS ? SSPR_EXIT_OK : SSPR_EXIT_AUTH;
}

int enroll_check_eligible(const struct enroll_ctx *ctx)
{
	enum sspr_eligibility e = sspr_user_eligibility(&ctx->pol, ctx->user, NULL);

	if (e == SSPR_ELIGIBLE)
		return SSPR_EXIT_OK;
	if (e == SSPR_NOT_ELIGIBLE_GROUP)
		/* TRANSLATORS: %s is the name of a Unix group. */
		cli_error(_("you are not allowed to enroll: not a member of group %s"),
			  ctx->pol.group);
	else
		/* TRANSLATORS: %s says why, such as "no such account". */
		cli_error(_("you are not allowed to enroll: %s"), _(sspr_eligibility_reason(e)));
	if (ctx->pol.helpdesk[0] != '\0')
		fprintf(stderr, "%s\n", ctx->pol.helpdesk);
	return SSPR_EXIT_DENIED;
}
