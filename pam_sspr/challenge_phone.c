/* SPDX-License-Identifier: BSD-2-Clause */
/* The texted code: a sent code (sent_code.h) that goes out through the
 * policy's sms_command, as one text message of printable ASCII. */
#include <stdio.h>

#include <sodium.h>

#include "challenge.h"
#include "language.h"
#include "phone.h"
#include "sent_code.h"
#include "util.h"

static int text_code(const struct sspr_session *s, const char *number, const char *code,
		     struct sspr_error *err)
{
	char host[256], text[SSPR_SMS_TEXT_MAX + 64];
	struct sspr_locale lang;
	int r, n, width = 40;

	/* In the host's language, not the requester's (language.h). */
	sspr_locale_use(&lang, sspr_host_locale());
	sspr_host_name(host, sizeof(host));
	/* One message: the host name is cut (to nothing, at worst) until the
	 * text fits, whatever the user name's, the code's and the lifetime's
	 * lengths. */
	do {
		n = snprintf(text, sizeof(text),
			     /* TRANSLATORS: one text message of at most 160 characters of
			      * printable ASCII (no accents): the account (up to 32), the host
			      * (cut to fit), the code, the minutes it is valid. Keep it short. */
			     _("Password reset code for %.32s on %.*s: %s (valid %u min). Not you? "
			       "Tell your helpdesk."),
			     s->user, width, host, code, (s->policy.code_lifetime + 59) / 60);
	} while (n > SSPR_SMS_TEXT_MAX && width-- > 0);
	sspr_locale_done(&lang);
	r = sspr_sms_send(s->policy.sms_command, number, text, 0, err);
	sodium_memzero(text, sizeof(text));
	return r;
}

static void text_prompt(const char *masked, char *out, size_t size)
{
	/* TRANSLATORS: %s is a masked phone number. */
	snprintf(out, size, _("Code from the text message sent to %s: "), masked);
}

static const struct sspr_code_channel phone_channel = {
	.method = SSPR_METHOD_PHONE,
	.sent_hidden = SSPR_PHONE_SENT_HIDDEN,
	.prompt_hidden = SSPR_PHONE_PROMPT_HIDDEN,
	.prompt = text_prompt,
	.mask = sspr_phone_mask,
	.send = text_code,
};

int sspr_challenge_phone(struct sspr_session *s, const struct sspr_record *rec)
{
	return sspr_sent_code_challenge(s, rec, &phone_channel);
}

int sspr_decoy_phone(struct sspr_session *s, const struct sspr_record *rec)
{
	(void)rec;
	return sspr_sent_code_decoy(s, &phone_channel);
}
