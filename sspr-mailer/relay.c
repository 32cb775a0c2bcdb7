/* SPDX-License-Identifier: BSD-2-Clause */
/* One request of sspr-mailer (mailer.h): read, checked, counted, mailed.
 *
 * Who asks comes from the kernel, never from the request: the peer's uid
 * names the account in the message and is what the hourly limit counts.
 * Only root or a process of the store's group (the setgid helper) is
 * served. Every request is a syslog line. */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "codes.h"
#include "config.h"
#include "mail.h"
#include "mail_relay.h"
#include "phone.h"
#include "policy.h"
#include "util.h"

#include "mailer.h"

#define REQUEST_WAIT_MS 5000
#define RELAY_DIR "/run/sspr-mail"
#define RATE_DIR RELAY_DIR "/rate"
#define RATE_MAX 60 /* enroll_mails_per_hour's upper bound */
#define HOUR 3600

void mailer_reply(const char *line)
{
	size_t n = strlen(line);

	if (write(STDOUT_FILENO, line, n) != (ssize_t)n || write(STDOUT_FILENO, "\n", 1) != 1)
		syslog(LOG_WARNING, "cannot answer: %s", strerror(errno));
}

/* The whole request (the client shuts its side down), within the wait. */
static int read_request(struct mailer_request *rq)
{
	struct timespec t0;
	size_t got = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
		struct timespec t;
		long left;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = REQUEST_WAIT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
					  (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		n = read(STDIN_FILENO, rq->raw + got, sizeof(rq->raw) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == sizeof(rq->raw) - 1)
			return -1; /* longer than any request */
	}
	rq->raw[got] = '\0';
	return 0;
}

/* "ADDRESS\nCODE\n[LANGUAGE\n]": a plain address or an E.164 number, a
 * code of digits, and the language to write in (empty or absent: English). */
static int parse_request(struct mailer_request *rq)
{
	char *code, *end, *language = NULL;

	code = strchr(rq->raw, '\n');
	if (code == NULL)
		return -1;
	*code++ = '\0';
	end = strchr(code, '\n');
	if (end == NULL)
		return -1;
	*end = '\0';
	if (end[1] != '\0') {
		language = end + 1;
		end = strchr(language, '\n');
		if (end == NULL || end[1] != '\0')
			return -1;
		*end = '\0';
		if (language[0] != '\0' && !sspr_language_valid(language))
			return -1;
	}
	if ((!sspr_email_valid(rq->raw) && !sspr_phone_valid(rq->raw)) ||
	    strlen(rq->raw) > SSPR_EMAIL_MAX ||
	    strlen(code) < 6 || strlen(code) >= sizeof(rq->code) ||
	    strspn(code, "0123456789") != strlen(code))
		return -1;
	memcpy(rq->address, rq->raw, strlen(rq->raw) + 1);
	memcpy(rq->code, code, strlen(code) + 1);
	if (language != NULL)
		memcpy(rq->language, language, strlen(language) + 1);
	return 0;
}

/* The message goes out in the language of the user who asked (they are
 * the address's or number's owner: sspr-enroll runs as them). This
 * process serves that one request, so its language is theirs to set. */
static void write_in(const char *language)
{
	sspr_i18n_bind();
	sspr_language_adopt(language);
}

enum rate { RATE_OK, RATE_LIMIT, RATE_BROKEN };

/* Counts this mail against uid's hour. The times of the last sends live in
 * RATE_DIR/UID, one per line, under an exclusive lock. A time after now
 * (the clock went back) still counts. A file that cannot be kept refuses
 * the mail (RATE_BROKEN): never an unlimited relay. */
static enum rate rate_allows(uid_t uid, unsigned limit)
{
	int64_t now = (int64_t)time(NULL);
	char path[64], text[RATE_MAX * 24 + 1], out[sizeof(text)];
	size_t kept = 0, used = 0;
	ssize_t n;
	enum rate verdict = RATE_BROKEN;
	int fd;

	if ((mkdir(RELAY_DIR, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(RATE_DIR, 0700) != 0 && errno != EEXIST))
		return RATE_BROKEN;
	snprintf(path, sizeof(path), RATE_DIR "/%u", (unsigned)uid);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return RATE_BROKEN;
	if (flock(fd, LOCK_EX) != 0 || (n = read(fd, text, sizeof(text) - 1)) < 0)
		goto out;
	text[n] = '\0';
	out[0] = '\0';
	for (char *p = text, *end; *p != '\0' && kept < RATE_MAX; p = end) {
		long long t = strtoll(p, &end, 10);

		if (end == p || *end != '\n')
			break; /* what is left is not ours: start again from it */
		end++;
		if (t > now - HOUR && t <= now + HOUR) {
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%lld\n", t);
			kept++;
		}
	}
	verdict = RATE_LIMIT;
	if (kept < limit && kept < RATE_MAX) {
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%lld\n", (long long)now);
		verdict = RATE_OK;
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, out, used, 0) != (ssize_t)used)
		verdict = RATE_BROKEN;
out:
	close(fd);
	return verdict;
}

/* Root, or a process running with the store's group. */
static bool peer_served(const struct ucred *peer)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (peer->uid == 0)
		return true;
	return getgrnam_r(SSPR_GROUP, &gr, buf, sizeof(buf), &res) == 0 && res != NULL &&
	       peer->gid == gr.gr_gid;
}

int mailer_serve(const struct sspr_policy *pol, struct mailer_request *rq)
{
	struct ucred peer;
	socklen_t len = sizeof(peer);
	struct passwd pw, *pwres = NULL;
	char pwbuf[4096], host[256] = "localhost", masked[SSPR_EMAIL_MAX + 1];
	struct sspr_error err = {{0}};
	struct sspr_mail mail = {.from = pol->mail_from};
	bool phone;

	if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 ||
	    len != sizeof(peer)) {
		syslog(LOG_ERR, "standard input is not a local socket: run by sspr-mail.socket");
		return 1;
	}
	if (!peer_served(&peer)) {
		syslog(LOG_WARNING, "refused: uid %u (pid %d) is not of group %s",
		       (unsigned)peer.uid, (int)peer.pid, SSPR_GROUP);
		mailer_reply("error not allowed");
		return 1;
	}
	if (getpwuid_r(peer.uid, &pw, pwbuf, sizeof(pwbuf), &pwres) != 0 || pwres == NULL ||
	    !sspr_user_name_valid(pw.pw_name)) {
		mailer_reply("error unknown account");
		return 1;
	}
	if (read_request(rq) != 0 || parse_request(rq) != 0) {
		syslog(LOG_WARNING, "user=%s: malformed request", pw.pw_name);
		mailer_reply("error malformed request");
		return 1;
	}
	phone = sspr_phone_valid(rq->address);
	if (phone)
		sspr_phone_mask(rq->address, masked, sizeof(masked));
	else
		sspr_email_mask(rq->address, masked, sizeof(masked));
	/* Only for a method the policy has: never a way for any local user
	 * to have root text (or mail) whomever they like. */
	if (!(pol->methods & (phone ? SSPR_METHOD_PHONE : SSPR_METHOD_EMAIL))) {
		syslog(LOG_WARNING, "user=%s to=%s: refused: the policy has no %s method",
		       pw.pw_name, masked, phone ? "phone" : "email");
		mailer_reply(phone ? "error the policy has no phone method"
				   : "error the policy has no email method");
		return 1;
	}
	switch (rate_allows(peer.uid, pol->enroll_mails_per_hour)) {
	case RATE_OK:
		break;
	case RATE_LIMIT:
		syslog(LOG_WARNING, "user=%s to=%s: refused: %u verification messages this hour",
		       pw.pw_name, masked, pol->enroll_mails_per_hour);
		mailer_reply("limit");
		return 1;
	case RATE_BROKEN:
		syslog(LOG_ERR, "user=%s: cannot keep the count in %s: refused", pw.pw_name,
		       RATE_DIR);
		mailer_reply("error the relay cannot count mails");
		return 1;
	}
	(void)gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	write_in(rq->language);
	mail.subject = _(SSPR_MAIL_VERIFY_SUBJECT);
	if ((phone ? sspr_phone_verify_text : sspr_mail_verify_body)(
		    rq->body, sizeof(rq->body), pw.pw_name, host, rq->code,
		    (pol->code_lifetime + 59) / 60) != SSPR_OK) {
		mailer_reply("error message too long");
		return 1;
	}
	mail.to = rq->address;
	mail.body = rq->body;
	if ((phone ? sspr_sms_send(pol->sms_command, rq->address, rq->body, 0, &err)
		   : sspr_mail_send(pol->mail_command, &mail, 0, &err)) != SSPR_OK) {
		syslog(LOG_ERR, "user=%s to=%s: %s", pw.pw_name, masked, err.msg);
		mailer_reply(phone ? "error the text message could not be sent"
				   : "error the mail could not be sent");
		return 1;
	}
	syslog(LOG_INFO, "user=%s to=%s: verification %s sent", pw.pw_name, masked,
	       phone ? "text message" : "mail");
	mailer_reply("ok");
	return 0;
}
