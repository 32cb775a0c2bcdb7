/* SPDX-License-Identifier: BSD-2-Clause */
/* The e-mailed code: a sent code (sent_code.h) that goes out through the
 * policy's mail_command. */
#include <stdio.h>

#include <sodium.h>

#include "challenge.h"
#include "language.h"
#include "mail.h"
#include "sent_code.h"
#include "util.h"

static int mail_code(const struct sspr_session *s, const char *address, const char *code,
		     struct sspr_error *err)
{
	char host[256], body[1024];
	struct sspr_mail mail = {.from = s->policy.mail_from, .to = address, .body = body};
	struct sspr_locale lang;
	int r;

	/* In the host's language, not the requester's (language.h). */
	sspr_locale_use(&lang, sspr_host_locale());
	mail.subject = _("Your password reset code");
	sspr_host_name(host, sizeof(host));
	snprintf(body, sizeof(body),
		 /* TRANSLATORS: a mail; the first %s is the account, the second the
		  * host, the third the code, %u the minutes it is valid. */
		 _("Your password reset code for %s on %s is:\n\n    %s\n\n"
		 "It is valid for %u minutes and works once.\n\n"
		 "If you did not ask to reset your password, someone else may be trying to:\n"
		 "tell your helpdesk.\n"),
		 s->user, host, code, (s->policy.code_lifetime + 59) / 60);
	sspr_locale_done(&lang);
	r = sspr_mail_send(s->policy.mail_command, &mail, 0, err);
	sodium_memzero(body, sizeof(body));
	return r;
}

static void mail_prompt(const char *masked, char *out, size_t size)
{
	/* TRANSLATORS: %s is a masked e-mail address, such as a***@example.org. */
	snprintf(out, size, _("Verification code from the e-mail sent to %s: "), masked);
}

static const struct sspr_code_channel email_channel = {
	.method = SSPR_METHOD_EMAIL,
	.sent_hidden = SSPR_EMAIL_SENT_HIDDEN,
	.prompt_hidden = SSPR_EMAIL_PROMPT_HIDDEN,
	.prompt = mail_prompt,
	.mask = sspr_email_mask,
	.send = mail_code,
};

int sspr_challenge_email(struct sspr_session *s, const struct sspr_record *rec)
{
	return sspr_sent_code_challenge(s, rec, &email_channel);
}

int sspr_decoy_email(struct sspr_session *s, const struct sspr_record *rec)
{
	(void)rec;
	return sspr_sent_code_decoy(s, &email_channel);
}
