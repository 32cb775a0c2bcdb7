/* SPDX-License-Identifier: BSD-2-Clause */
/* Sending mail through a sendmail-compatible command (see mail.h).
 *
 * This runs inside sshd and login, so it must not disturb the host
 * process: no shell, no SIGPIPE (the message goes through a socket pair
 * written with MSG_NOSIGNAL), and a hard time limit after which the child is
 * killed and reaped (child.h, which also keeps the host's SIGCHLD handler
 * from reaping it first). */
#define _GNU_SOURCE /* setresgid */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "mail.h"
#include "util.h"

#define MAIL_ARGS_MAX 16
#define MAIL_COMMAND_MAX 1024
#define MESSAGE_MAX (SSPR_MAIL_BODY_MAX + 1024)

static bool address_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("\"<>(),;:\\[]", c) == NULL;
}

bool sspr_email_valid(const char *address)
{
	size_t n = strnlen(address, 255);
	const char *at = strchr(address, '@'), *dot;

	if (n == 0 || n > 254 || at == NULL || at == address || strchr(at + 1, '@') != NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!address_char_ok((unsigned char)address[i]))
			return false;
	/* The local part must not look like an option to the mail command. */
	if (address[0] == '-')
		return false;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot != at + 1 && dot[1] != '\0' && strstr(at + 1, "..") == NULL;
}

void sspr_email_mask(const char *address, char *out, size_t size)
{
	const char *at = strchr(address, '@'), *dot = at != NULL ? strrchr(at, '.') : NULL;

	if (!sspr_email_valid(address) || dot == NULL) {
		snprintf(out, size, "***");
		return;
	}
	snprintf(out, size, "%c***@%c***%s", address[0], at[1], dot);
}

/* Splits the command on spaces into argv (pointers into buf). */
static int split_command(const char *command, char *buf, size_t size, char **argv,
			 struct sspr_error *err)
{
	size_t argc = 0;
	char *save = NULL;

	if (strnlen(command, size) >= size)
		return sspr_error_set(err, SSPR_EINVAL, "mail_command is too long");
	strcpy(buf, command);
	for (char *tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (argc == MAIL_ARGS_MAX)
			return sspr_error_set(err, SSPR_EINVAL, "mail_command has too many words");
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (argc == 0 || argv[0][0] != '/')
		return sspr_error_set(err, SSPR_EINVAL, "mail_command must start with an absolute path");
	return SSPR_OK;
}

/* A full address, or a local mailbox name such as "root" (admin_mail's
 * default), which sendmail delivers on this host. */
static bool recipient_ok(const char *to)
{
	size_t n = strnlen(to, 65);

	if (sspr_email_valid(to))
		return true;
	if (n == 0 || n > 64 || to[0] == '-')
		return false;
	return strspn(to, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int compose(const struct sspr_mail *mail, char *buf, size_t size, size_t *len,
		   struct sspr_error *err)
{
	int n;

	if (!recipient_ok(mail->to))
		return sspr_error_set(err, SSPR_EINVAL, "not a valid recipient address");
	if (strpbrk(mail->from, "\r\n") != NULL || strpbrk(mail->subject, "\r\n") != NULL ||
	    strlen(mail->body) > SSPR_MAIL_BODY_MAX)
		return sspr_error_set(err, SSPR_EINVAL, "malformed message");
	n = snprintf(buf, size,
		     "From: %s\nTo: %s\nSubject: %s\nMIME-Version: 1.0\n"
		     "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
		     "Auto-Submitted: auto-generated\n\n%s\n",
		     mail->from, mail->to, mail->subject, mail->body);
	if (n < 0 || (size_t)n >= size)
		return sspr_error_set(err, SSPR_EINVAL, "message too long");
	*len = (size_t)n;
	return SSPR_OK;
}

/* In the child: stdin from the socket, no privilege it was not meant to
 * keep, then exec (child.h does the rest). */
static void __attribute__((noreturn)) run_child(const struct sspr_child *c, int sock,
						 char **argv, unsigned flags)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

	if (flags & SSPR_MAIL_DROP_PRIVILEGE) {
		gid_t gid = getgid();

		if (setresgid(gid, gid, gid) != 0 || getegid() != gid)
			_exit(126);
	}
	if (!sspr_child_enter(c, sock, -1, -1, SSPR_MAIL_TIMEOUT))
		_exit(126);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* Writes the message before the deadline; the socket is non-blocking. */
static int write_message(int sock, const char *msg, size_t len, int64_t deadline)
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
		n = send(sock, msg + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return SSPR_ERR;
		if (n > 0)
			off += (size_t)n;
	}
	return SSPR_OK;
}

int sspr_mail_send(const char *mail_command, const struct sspr_mail *mail, unsigned flags,
		   struct sspr_error *err)
{
	char cmd[MAIL_COMMAND_MAX], msg[MESSAGE_MAX];
	char *argv[MAIL_ARGS_MAX + 1];
	int64_t deadline = sspr_monotonic_ms() + SSPR_MAIL_TIMEOUT * 1000;
	int sv[2] = {-1, -1}, status;
	struct sspr_child child;
	size_t len = 0;
	bool killed;
	pid_t pid;
	int r;

	if ((r = split_command(mail_command, cmd, sizeof(cmd), argv, err)) != SSPR_OK ||
	    (r = compose(mail, msg, sizeof(msg), &len, err)) != SSPR_OK)
		goto out;
	if (access(argv[0], X_OK) != 0) {
		r = sspr_error_set(err, SSPR_ERR, "mail command %s: %s", argv[0], strerror(errno));
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		r = sspr_error_set(err, SSPR_ERR, "socketpair: %s", strerror(errno));
		goto out;
	}
	pid = sspr_child_start(&child);
	if (pid < 0) {
		r = sspr_error_set(err, SSPR_ERR, "fork: %s", strerror(errno));
		(void)sspr_child_end(&child, deadline, &killed);
		goto out;
	}
	if (pid == 0)
		run_child(&child, sv[1], argv, flags);
	close(sv[1]);
	sv[1] = -1;
	r = write_message(sv[0], msg, len, deadline);
	shutdown(sv[0], SHUT_WR);
	status = sspr_child_end(&child, deadline, &killed);
	if (killed)
		r = sspr_error_set(err, SSPR_ERR, "mail command %s killed after %d seconds",
				   argv[0], SSPR_MAIL_TIMEOUT);
	else if (status < 0)
		r = sspr_error_set(err, SSPR_ERR, "mail command %s: cannot collect its status",
				   argv[0]);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		r = sspr_error_set(err, SSPR_ERR, "mail command %s failed (%s %d)", argv[0],
				   WIFEXITED(status) ? "exit status" : "signal",
				   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else if (r != SSPR_OK)
		r = sspr_error_set(err, SSPR_ERR, "mail command %s did not read the message",
				   argv[0]);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	/* The message may hold a one-time code. */
	explicit_bzero(msg, sizeof(msg));
	return r;
}
