/* SPDX-License-Identifier: BSD-2-Clause */
/* A child process the module waits for with a bound. The module runs inside
 * sshd, login, sudo and a display manager, so a helper it forks must not
 * outlive a deadline, and the application's SIGCHLD handler (sshd has one)
 * must not reap it first: for the child's lifetime SIGCHLD is at its
 * default, as pam_unix does for its helper, and put back afterwards. */
#ifndef SSPR_CHILD_H
#define SSPR_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct sspr_child {
	pid_t pid;
	struct sigaction old_chld;
};

/* fork(): 0 in the child, the child's pid in the parent, -1 (errno) when
 * it failed. Every start is ended by one sspr_child_end(). */
pid_t sspr_child_start(struct sspr_child *c);

/* Waits for the child until deadline (sspr_monotonic_ms()), killing it
 * there, and puts SIGCHLD back. The wait status, or -1 with *killed when
 * it was killed, or -1 when it could not be reaped. After a failed start
 * it only puts SIGCHLD back. */
int sspr_child_end(struct sspr_child *c, int64_t deadline, bool *killed);

/* In a child about to exec: default signal handlers, nothing blocked. */
void sspr_child_reset_signals(void);

#endif
