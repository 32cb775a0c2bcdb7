/* SPDX-License-Identifier: BSD-2-Clause */
/* E-mail: address checks, masking, and sending through a
 * sendmail-compatible command: the policy's mail_command, run as
 * command.h runs it, with the message on standard input. */
#ifndef SSPR_MAIL_H
#define SSPR_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "status.h"

#define SSPR_MAIL_TIMEOUT SSPR_COMMAND_TIMEOUT
#define SSPR_MAIL_BODY_MAX 4096

/* True for a plain address "local@domain.tld": printable ASCII without
 * spaces, quotes, angle brackets, commas or backslashes, one '@', a dot in
 * the domain, at most 254 bytes. Anything else is refused, which also keeps
 * header injection out of the message. */
bool sspr_email_valid(const char *address);

/* "alice@example.com" -> "a***@e***.com" (first letter of the local part
 * and of the domain, then the last label). */
void sspr_email_mask(const char *address, char *out, size_t size);

struct sspr_mail {
	const char *from;
	const char *to;
	const char *subject;
	const char *body;
};

/* Drop set-group-id before exec (command.h). */
#define SSPR_MAIL_DROP_PRIVILEGE SSPR_COMMAND_DROP_PRIVILEGE

/* Sends the message to mail->to (a valid address or a local mailbox name); SSPR_OK when the command exited 0 within
 * SSPR_MAIL_TIMEOUT seconds, else SSPR_ERR with err saying why. */
int sspr_mail_send(const char *mail_command, const struct sspr_mail *mail, unsigned flags,
		   struct sspr_error *err);

#endif
