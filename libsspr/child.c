/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded child processes (see child.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

#define POLL_TICK_NS 10000000L /* 10 ms */

pid_t sspr_child_start(struct sspr_child *c)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &c->old_chld);
	c->pid = fork();
	return c->pid;
}

int sspr_child_end(struct sspr_child *c, int64_t deadline, bool *killed)
{
	int status = -1;

	*killed = false;
	while (c->pid > 0) {
		struct timespec tick = {0, POLL_TICK_NS};
		pid_t r = waitpid(c->pid, &status, WNOHANG);

		if (r == c->pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (sspr_monotonic_ms() >= deadline) {
			*killed = true;
			kill(c->pid, SIGKILL);
			while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
				;
			status = -1;
			break;
		}
		nanosleep(&tick, NULL);
	}
	c->pid = -1;
	sigaction(SIGCHLD, &c->old_chld, NULL);
	return status;
}

void sspr_child_reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
