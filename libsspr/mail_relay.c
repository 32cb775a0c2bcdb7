/* SPDX-License-Identifier: BSD-2-Clause */
/* The client side of the e-mail relay, and the message both sides agree
 * on (see the header). */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "mail.h"
#include "mail_relay.h"
#include "phone.h"

int sspr_mail_verify_body(char *buf, size_t cap, const char *user, const char *host,
			  const char *code, unsigned minutes)
{
	int n = snprintf(buf, cap,
			 /* TRANSLATORS: a mail; the account, the host, the code, the minutes
			  * it is valid. Keep the program name sspr-enroll as it is. */
			 _("Someone, hopefully you, is registering this address for password resets\n"
			 "of the account %s on %s.\n"
			 "\n"
			 "Verification code: %s\n"
			 "\n"
			 "Type it into sspr-enroll within %u minutes. If you did not ask for this,\n"
			 "ignore this message; the address will not be registered.\n"),
			 user, host, code, minutes);

	return n > 0 && (size_t)n < cap ? SSPR_OK : SSPR_EINVAL;
}

int sspr_phone_verify_text(char *buf, size_t cap, const char *user, const char *host,
			   const char *code, unsigned minutes)
{
	/* One text message (phone.h): the host name is cut, to nothing at
	 * worst, until it fits. */
	int n, width = 32;

	do {
		n = snprintf(buf, cap,
			     /* TRANSLATORS: one text message of at most 160 characters of
			      * printable ASCII (no accents): the code, the account (up to
			      * 24), the host (cut to fit), the minutes. Keep it short. */
			     _("Code %s registers this number for password resets of %.24s on %.*s; "
			       "type it into sspr-enroll within %u min."),
			     code, user, width, host, minutes);
	} while (n > SSPR_SMS_TEXT_MAX && width-- > 0);
	return n > 0 && (size_t)n < cap && (size_t)n <= SSPR_SMS_TEXT_MAX ? SSPR_OK : SSPR_EINVAL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the one-line reply before the deadline. */
static int read_reply(int fd, char *buf, size_t cap, long long deadline)
{
	size_t got = 0;

	while (got + 1 < cap && memchr(buf, '\n', got) == NULL) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return SSPR_ERR;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return SSPR_ERR;
		}
		n = recv(fd, buf + got, cap - 1 - got, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return SSPR_ERR;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return SSPR_OK;
}

int sspr_mail_relay_ask(const char *path, const char *address, const char *code,
			struct sspr_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char req[SSPR_MAIL_RELAY_REQUEST_MAX], reply[SSPR_MAIL_RELAY_REPLY_MAX];
	char language[SSPR_LANGUAGE_MAX + 1];
	long long deadline = now_ms() + (SSPR_MAIL_TIMEOUT + 5) * 1000LL;
	struct ucred peer;
	socklen_t peer_len = sizeof(peer);
	int fd = -1, n, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return sspr_error_set(err, SSPR_EINVAL, "%s: path too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	sspr_message_language(language, sizeof(language));
	n = snprintf(req, sizeof(req), "%s\n%s\n%s\n", address, code, language);
	if (n < 0 || (size_t)n >= sizeof(req) || strpbrk(address, "\r\n") != NULL) {
		r = sspr_error_set(err, SSPR_EINVAL, "malformed request");
		goto out;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		r = sspr_error_set(err, e == ENOENT || e == ECONNREFUSED ? SSPR_EUNAVAIL : SSPR_ERR,
				   "%s: %s", path, strerror(e));
		goto out;
	}
	/* The code goes only to a relay root listens for (systemd, as
	 * sspr-mail.socket): never to whoever managed to bind that name. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 ||
	    peer_len != sizeof(peer) || peer.uid != 0) {
		r = sspr_error_set(err, SSPR_ERR, "%s: not served by root: refused", path);
		goto out;
	}
	/* A local socket takes a request this small at once. */
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n || shutdown(fd, SHUT_WR) != 0) {
		r = sspr_error_set(err, SSPR_ERR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (read_reply(fd, reply, sizeof(reply), deadline) != SSPR_OK) {
		r = sspr_error_set(err, SSPR_ERR, "the mail relay did not answer in time (or the "
						  "connection failed)");
		goto out;
	}
	if (strcmp(reply, "ok") == 0)
		r = SSPR_OK;
	else if (strcmp(reply, "limit") == 0)
		r = sspr_error_set(err, SSPR_EFULL, "too many verification mails this hour");
	else if (strncmp(reply, "error ", 6) == 0)
		r = sspr_error_set(err, SSPR_ERR, "%.200s", reply + 6);
	else
		r = sspr_error_set(err, SSPR_ERR, "the mail relay gave no answer");
out:
	explicit_bzero(req, sizeof(req));
	if (fd >= 0)
		close(fd);
	return r;
}
