/* SPDX-License-Identifier: BSD-2-Clause */
/* A child process waited for with a bound. The module runs inside sshd,
 * login, sudo and a display manager, so a helper it forks must not outlive
 * a deadline, even when the process that forked it dies or is stopped
 * first (under sudo the user may signal it), and must not take anything of
 * the application with it: not its signal handlers, its descriptors, its
 * environment, a core dump of its memory. The application's SIGCHLD
 * handler (sshd has one) must not reap the child first either: while the
 * child lives SIGCHLD is at its default, as pam_unix does for its helper.
 *
 *   struct sspr_child c;
 *   pid_t pid = sspr_child_start(&c);
 *   if (pid == 0) { ...credentials...; if (!sspr_child_enter(&c, -1, -1, -1, 5)) _exit(126);
 *                   ...work or execve...; _exit(...); }
 *   status = sspr_child_end(&c, deadline, &killed);
 */
#ifndef SSPR_CHILD_H
#define SSPR_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct sspr_child {
	pid_t pid;
	pid_t parent;
	struct sigaction old_chld;
	sigset_t old_mask;
};

/* fork(), with every signal blocked across it so that no handler of the
 * application runs in the child: 0 in the child, the child's pid in the
 * parent, -1 (errno) when it failed. Every start is ended by one
 * sspr_child_end(). */
pid_t sspr_child_start(struct sspr_child *c);

/* In the child, after any change of its credentials (which would clear
 * the parent-death signal): signals at their defaults and unblocked;
 * killed when the parent dies, and by SIGALRM a second after `seconds`
 * whatever the parent does (an alarm lasts across execve); no core dump; stdin, stdout
 * and stderr from in_fd, out_fd and err_fd (-1: /dev/null); syslog's
 * socket and every other descriptor closed. false when that could not all
 * be done: the child must then _exit. */
bool sspr_child_enter(const struct sspr_child *c, int in_fd, int out_fd, int err_fd,
		      unsigned seconds);

/* Waits for the child until deadline (sspr_monotonic_ms()), killing it
 * there, and puts SIGCHLD back. The wait status, or -1 with *killed when
 * it was killed, or -1 when it could not be reaped. After a failed start
 * it only puts SIGCHLD back. */
int sspr_child_end(struct sspr_child *c, int64_t deadline, bool *killed);

#endif
