/* SPDX-License-Identifier: BSD-2-Clause */
/* Running a delivery command with bounded time and no shell (command.h). */
#define _GNU_SOURCE /* setresgid */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "command.h"
#include "util.h"

/* Splits the command on spaces into argv (pointers into buf), leaving one
 * place for a last argument. */
static int split_command(const char *key, const char *command, char *buf, size_t size,
			 char **argv, size_t *argc, struct sspr_error *err)
{
	char *save = NULL;
	size_t n = strnlen(command, size);

	*argc = 0;
	argv[0] = NULL;
	if (n >= size)
		return sspr_error_set(err, SSPR_EINVAL, "%s is too long", key);
	memcpy(buf, command, n + 1);
	for (char *tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (*argc == SSPR_COMMAND_ARGS_MAX)
			return sspr_error_set(err, SSPR_EINVAL, "%s has too many words", key);
		argv[(*argc)++] = tok;
	}
	argv[*argc] = NULL;
	if (*argc == 0 || argv[0][0] != '/')
		return sspr_error_set(err, SSPR_EINVAL, "%s must start with an absolute path", key);
	return SSPR_OK;
}

int sspr_command_check(const char *key, const char *command, struct sspr_error *err)
{
	char buf[SSPR_COMMAND_LINE_MAX];
	char *argv[SSPR_COMMAND_ARGS_MAX + 2]; /* and a last argument, and NULL */
	size_t argc;

	return split_command(key, command, buf, sizeof(buf), argv, &argc, err);
}

/* In the child: stdin from the socket, no privilege it was not meant to
 * keep, then exec (child.h does the rest). */
static void __attribute__((noreturn)) run_child(const struct sspr_child *c, int sock,
						 char **argv, unsigned flags)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

	if (flags & SSPR_COMMAND_DROP_PRIVILEGE) {
		gid_t gid = getgid();

		if (setresgid(gid, gid, gid) != 0 || getegid() != gid)
			_exit(126);
	}
	if (!sspr_child_enter(c, sock, -1, -1, SSPR_COMMAND_TIMEOUT))
		_exit(126);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* Writes the input before the deadline; the socket is non-blocking. */
static int write_input(int sock, const char *input, size_t len, int64_t deadline)
{
	size_t off = 0;

	while (off < len) {
		struct pollfd pfd = {.fd = sock, .events = POLLOUT};
		int64_t left = deadline - sspr_monotonic_ms();
		ssize_t n;

		if (left <= 0)
			return SSPR_ERR;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return SSPR_ERR;
		n = send(sock, input + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return SSPR_ERR;
		if (n > 0)
			off += (size_t)n;
	}
	return SSPR_OK;
}

/* The child's end, as a message. */
static int judge_status(const char *key, const char *program, int status, bool killed,
			int written, struct sspr_error *err)
{
	if (killed)
		return sspr_error_set(err, SSPR_ERR, "%s %s killed after %d seconds", key, program,
				      SSPR_COMMAND_TIMEOUT);
	if (status < 0)
		return sspr_error_set(err, SSPR_ERR, "%s %s: cannot collect its status", key,
				      program);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sspr_error_set(err, SSPR_ERR, "%s %s failed (%s %d)", key, program,
				      WIFEXITED(status) ? "exit status" : "signal",
				      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	if (written != SSPR_OK)
		return sspr_error_set(err, SSPR_ERR, "%s %s did not read its input", key, program);
	return SSPR_OK;
}

int sspr_command_feed(const char *key, const char *command, const char *last_arg,
		      const char *input, size_t len, unsigned flags, struct sspr_error *err)
{
	char cmd[SSPR_COMMAND_LINE_MAX];
	char *argv[SSPR_COMMAND_ARGS_MAX + 2]; /* and a last argument, and NULL */
	int64_t deadline = sspr_monotonic_ms() + (int64_t)SSPR_COMMAND_TIMEOUT * 1000;
	int sv[2] = {-1, -1}, status, r;
	struct sspr_child child;
	size_t argc;
	bool killed;
	pid_t pid;

	if ((r = split_command(key, command, cmd, sizeof(cmd), argv, &argc, err)) != SSPR_OK)
		return r;
	if (argc == 0 || argv[0] == NULL) /* split_command refuses that already */
		return sspr_error_set(err, SSPR_EINVAL, "%s is empty", key);
	if (last_arg != NULL) {
		argv[argc++] = (char *)last_arg; /* execve's type; never written */
		argv[argc] = NULL;
	}
	if (access(argv[0], X_OK) != 0)
		return sspr_error_set(err, SSPR_ERR, "%s %s: %s", key, argv[0], strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return sspr_error_set(err, SSPR_ERR, "socketpair: %s", strerror(errno));
	pid = sspr_child_start(&child);
	if (pid < 0) {
		r = sspr_error_set(err, SSPR_ERR, "fork: %s", strerror(errno));
		(void)sspr_child_end(&child, deadline, &killed);
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0)
		run_child(&child, sv[1], argv, flags);
	close(sv[1]);
	r = write_input(sv[0], input, len, deadline);
	shutdown(sv[0], SHUT_WR);
	status = sspr_child_end(&child, deadline, &killed);
	close(sv[0]);
	return judge_status(key, argv[0], status, killed, r, err);
}
