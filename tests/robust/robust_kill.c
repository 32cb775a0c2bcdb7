/* SPDX-License-Identifier: BSD-2-Clause */
/* robust_kill: runs a command and kills it with SIGKILL after a delay, with
 * microsecond timing a shell cannot give (the tools finish in a few ms).
 *
 *   robust_kill DELAY_US INPUT_FILE COMMAND [ARG...]
 *
 * INPUT_FILE is the command's stdin; its stdout and stderr go to /dev/null.
 * Prints "killed" when the signal ended it, "exit N" when it finished
 * first. Exit 0 either way, 99 when it cannot run the command. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec delay;
	sigset_t chld;
	long us;
	int status = 0;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: robust_kill DELAY_US INPUT_FILE COMMAND [ARG...]\n");
		return 99;
	}
	us = strtol(argv[1], NULL, 10);
	delay.tv_sec = us / 1000000;
	delay.tv_nsec = (us % 1000000) * 1000;
	/* Blocked, so sigtimedwait below sees the child's end: a command that
	 * finishes early is not waited for to the end of the delay. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid = fork();
	if (pid < 0)
		return 99;
	if (pid == 0) {
		int in = open(argv[2], O_RDONLY), out = open("/dev/null", O_WRONLY);

		if (in < 0 || out < 0)
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		execv(argv[3], argv + 3);
		_exit(127);
	}
	(void)sigtimedwait(&chld, NULL, &delay);
	(void)kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) < 0)
		return 99;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		printf("killed\n");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return 99;
	else
		printf("exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
