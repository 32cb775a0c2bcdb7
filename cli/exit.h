/* SPDX-License-Identifier: BSD-2-Clause */
/* The tools' exit codes: one list for sspr-admin and sspr-enroll, a
 * contract scripts rely on (doc/DESIGN.md §5.4, the man pages). */
#ifndef SSPR_CLI_EXIT_H
#define SSPR_CLI_EXIT_H

enum sspr_exit {
	SSPR_EXIT_OK = 0,
	SSPR_EXIT_ERROR = 1,
	SSPR_EXIT_USAGE = 2,
	SSPR_EXIT_DENIED = 3, /* not permitted: the policy, the caller, a file's owner */
	SSPR_EXIT_AUTH = 4,   /* a password, code or answer was wrong */
};

/* The exit code for a library status (status.h), in one place. */
int cli_exit_status(int status);

#endif
