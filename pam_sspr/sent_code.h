/* SPDX-License-Identifier: BSD-2-Clause */
/* A code sent to a contact the user registered (an e-mail address, a
 * phone number): one challenge, one decoy, whatever carries the code.
 * A fresh code_length-digit code is stored hashed, with its expiry, in
 * the write that opens the challenge, before it is sent; it is valid
 * once, for code_lifetime seconds and SSPR_CODE_TRIES tries, and a new
 * one goes out at most once a minute, so a stranger pressing Enter at the
 * login prompt cannot flood the user's mailbox or phone. The channels:
 * challenge_email.c (mail_command) and challenge_phone.c (sms_command). */
#ifndef SSPR_SENT_CODE_H
#define SSPR_SENT_CODE_H

#include <stddef.h>

#include "i18n.h"
#include "record.h"
#include "session.h"

#define SSPR_CODE_TRIES 3
#define SSPR_CODE_REFUSED N_("The code is not valid.")

struct sspr_code_channel {
	unsigned method;           /* SSPR_METHOD_EMAIL, SSPR_METHOD_PHONE */
	/* Message ids (i18n.h), translated where they are shown. */
	const char *sent_hidden;   /* enumeration = hide: "sent", naming no one */
	const char *prompt_hidden; /* enumeration = hide: the prompt */
	/* The prompt for the code, naming where it went (masked). */
	void (*prompt)(const char *masked, char *out, size_t size);
	void (*mask)(const char *contact, char *out, size_t size);
	/* Sends code to contact (a registered address or number); SSPR_OK,
	 * or an error with err saying why. The code is wiped by the caller. */
	int (*send)(const struct sspr_session *s, const char *contact, const char *code,
		    struct sspr_error *err);
};

int sspr_sent_code_challenge(struct sspr_session *s, const struct sspr_record *rec,
			     const struct sspr_code_channel *ch);
/* Its decoy (decoy.h): "sent", then the prompt and the refusal as often as
 * the real one allows. */
int sspr_sent_code_decoy(struct sspr_session *s, const struct sspr_code_channel *ch);

#endif
