/* SPDX-License-Identifier: BSD-2-Clause */
/* The e-mail relay: how sspr-enroll gets a verification code mailed without
 * the code ever passing through a process its caller can inspect.
 *
 * Run as the user, a mail program (and the code on its standard input) can
 * be ptraced by that user, who could then "verify" an address they do not
 * read. So the setgid helper hands address and code to sspr-mailer, which
 * systemd starts as root for each connection on SSPR_MAIL_RELAY_SOCKET
 * (root:SSPR_GROUP 0660, so only the helper's group can connect). The
 * mailer learns who asks from the kernel (SO_PEERCRED), limits mails per
 * user, writes the message itself and runs mail_command as root.
 *
 * Request: the address (or a phone number in E.164 form, which gets a
 * text message through sms_command), the code and the language to write
 * in (a LANGUAGE value, sspr_message_language; empty for English), one
 * line each (at most SSPR_MAIL_RELAY_REQUEST_MAX bytes; a request of the
 * first two lines alone is English). Reply: one line, "ok", "limit" (too
 * many messages this hour) or "error WHY". */
#ifndef SSPR_MAIL_RELAY_H
#define SSPR_MAIL_RELAY_H

#include <stddef.h>

#include "i18n.h"
#include "language.h"
#include "status.h"

#define SSPR_MAIL_RELAY_SOCKET "/run/sspr-mail/mail.sock"
#define SSPR_MAIL_RELAY_REQUEST_MAX 512
#define SSPR_MAIL_RELAY_REPLY_MAX 256
/* The subject (a message id: translated where the mail is made). */
#define SSPR_MAIL_VERIFY_SUBJECT N_("Your pam_sspr verification code")

/* The verification message for user on host, valid for minutes. */
int sspr_mail_verify_body(char *buf, size_t cap, const char *user, const char *host,
			  const char *code, unsigned minutes);
/* Its text message, for sspr-enroll phone: one message of at most
 * SSPR_SMS_TEXT_MAX bytes. */
int sspr_phone_verify_text(char *buf, size_t cap, const char *user, const char *host,
			   const char *code, unsigned minutes);

/* Asks the relay at path to mail code to address; waits at most
 * SSPR_MAIL_TIMEOUT + 5 seconds. SSPR_OK when sent; SSPR_EUNAVAIL when no
 * relay listens; SSPR_EFULL at the hourly limit; SSPR_ERR with the
 * relay's reason otherwise. */
int sspr_mail_relay_ask(const char *path, const char *address, const char *code,
			struct sspr_error *err);

#endif
