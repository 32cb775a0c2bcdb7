/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded child processes (see child.h). */
#define _GNU_SOURCE /* closefrom */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

#define POLL_TICK_NS 10000000L /* 10 ms */

pid_t sspr_child_start(struct sspr_child *c)
{
	struct sigaction dfl;
	sigset_t all;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &c->old_chld);
	c->parent = getpid();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &c->old_mask);
	c->pid = fork();
	if (c->pid != 0) {
		int saved = errno;

		pthread_sigmask(SIG_SETMASK, &c->old_mask, NULL);
		errno = saved;
	}
	return c->pid;
}

bool sspr_child_enter(const struct sspr_child *c, int in_fd, int out_fd, int err_fd,
		      unsigned seconds)
{
	struct rlimit no_core = {0, 0};
	sigset_t none;
	int devnull;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != c->parent)
		return false;
	/* A second after the parent's deadline, so that the parent's kill
	 * comes first when it can. */
	alarm(seconds + 1);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
		return false;
	if (prctl(PR_SET_DUMPABLE, 0) != 0 || setrlimit(RLIMIT_CORE, &no_core) != 0)
		return false;
	/* Its descriptor is about to close: the next socket a library opens
	 * would otherwise take its number and get our log lines. */
	closelog();
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(in_fd >= 0 ? in_fd : devnull, STDIN_FILENO) < 0 ||
	    dup2(out_fd >= 0 ? out_fd : devnull, STDOUT_FILENO) < 0 ||
	    dup2(err_fd >= 0 ? err_fd : devnull, STDERR_FILENO) < 0)
		return false;
	closefrom(3);
	return true;
}

/* The application's own children that ended while SIGCHLD was ours: its
 * handler, put back, hears of them now. */
static void tell_application(const struct sigaction *old)
{
	bool handler = (old->sa_flags & SA_SIGINFO) != 0 ||
		       (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN);

	if (handler)
		raise(SIGCHLD);
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
	tell_application(&c->old_chld);
	return status;
}
