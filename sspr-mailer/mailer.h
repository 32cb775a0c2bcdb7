/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-mailer's request (relay.c), apart from the process set-up (main.c). */
#ifndef SSPR_MAILER_H
#define SSPR_MAILER_H

#include "codes.h"
#include "mail.h"
#include "mail_relay.h"
#include "policy.h"
#include "record.h"

#define PROG "sspr-mailer"

/* In guarded memory: it holds the code. */
struct mailer_request {
	char address[SSPR_EMAIL_MAX + 1];
	char code[SSPR_CODE_SIZE];
	char language[SSPR_LANGUAGE_MAX + 1]; /* "" for English */
	char body[SSPR_MAIL_BODY_MAX];
	char raw[SSPR_MAIL_RELAY_REQUEST_MAX + 1];
};

/* One line and a newline to the client (standard output); a failure is
 * logged. */
void mailer_reply(const char *line);

/* Serves the one request on standard input under pol: the exit status. */
int mailer_serve(const struct sspr_policy *pol, struct mailer_request *rq);

#endif
