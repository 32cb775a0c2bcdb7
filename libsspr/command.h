/* SPDX-License-Identifier: BSD-2-Clause */
/* The policy's delivery commands (mail_command, sms_command): how a code
 * leaves the host.
 *
 * The command line is the policy's words, split on spaces and run with
 * execve, never through a shell: an absolute path and at most
 * SSPR_COMMAND_ARGS_MAX words. It gets a fixed minimal environment
 * (PATH, LC_ALL=C), the input on standard input, its output discarded, no
 * descriptor or signal disposition of the host process, no core dump, and
 * a time limit after which it is killed and reaped (child.h). This runs
 * inside sshd and login, so nothing of it may disturb them: no SIGPIPE
 * (the input goes through a socket pair written with MSG_NOSIGNAL). */
#ifndef SSPR_COMMAND_H
#define SSPR_COMMAND_H

#include <stddef.h>

#include "status.h"

#define SSPR_COMMAND_TIMEOUT 20 /* seconds a delivery command may run */
#define SSPR_COMMAND_ARGS_MAX 16
#define SSPR_COMMAND_LINE_MAX 1024

enum sspr_command_flags {
	/* Drop set-group-id before exec: sspr-enroll must not hand its group
	 * to a program that reads the user's own configuration files. */
	SSPR_COMMAND_DROP_PRIVILEGE = 1 << 0,
};

/* Runs `command`, with `last_arg` appended as its last word when not
 * NULL, feeding it `len` bytes of `input`. `key` names the policy key in
 * messages ("sms_command ..."). SSPR_OK when it read the input and exited
 * 0 within SSPR_COMMAND_TIMEOUT seconds; SSPR_EINVAL for a command line
 * that cannot be run as written; SSPR_ERR otherwise; err says why. */
int sspr_command_feed(const char *key, const char *command, const char *last_arg,
		      const char *input, size_t len, unsigned flags, struct sspr_error *err);

/* SSPR_OK when `command` is a line sspr_command_feed would run (the
 * program's presence is not checked); else SSPR_EINVAL, err says why. */
int sspr_command_check(const char *key, const char *command, struct sspr_error *err);

#endif
