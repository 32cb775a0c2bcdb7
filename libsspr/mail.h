/* SPDX-License-Identifier: BSD-2-Clause */
/* E-mail: address checks, masking, and sending through a
 * sendmail-compatible command.
 *
 * The command line comes from the policy (mail_command): it is split on
 * spaces and run with execv (never through a shell), a fixed minimal
 * environment, the message on standard input, output discarded, and a time
 * limit after which it is killed. */
#ifndef SSPR_MAIL_H
#define SSPR_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define SSPR_MAIL_TIMEOUT 20 /* seconds a mail command may run */
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

enum sspr_mail_flags {
	/* Drop set-group-id before exec: sspr-enroll must not hand its group to
	 * a mail program that reads the user's own configuration files. */
	SSPR_MAIL_DROP_PRIVILEGE = 1 << 0,
};

/* Sends the message to mail->to (a valid address or a local mailbox name); SSPR_OK when the command exited 0 within
 * SSPR_MAIL_TIMEOUT seconds, else SSPR_ERR with err saying why. */
int sspr_mail_send(const char *mail_command, const struct sspr_mail *mail, unsigned flags,
		   struct sspr_error *err);

#endif
