/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-mailer: sends sspr-enroll's verification mails as root, so the code
 * never passes through a process the enrolling user could inspect (see
 * libsspr/mail_relay.h). Started by systemd for each connection on
 * /run/sspr-mail/mail.sock (sspr-mail.socket, Accept=yes): the connection is
 * standard input and output. No arguments; nothing is taken from the
 * environment. This file sets up the process; relay.c serves the request. */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>

#include <sodium.h>

#include "config.h"
#include "mailer.h"
#include "policy.h"

int main(int argc, char **argv)
{
	const struct rlimit no_core = {0, 0};
	struct sspr_policy pol;
	struct sspr_error err = {{0}};
	struct mailer_request *rq;
	int rc;

	(void)argv;
	openlog(PROG, LOG_PID, LOG_AUTHPRIV);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || setrlimit(RLIMIT_CORE, &no_core) != 0 ||
	    sodium_init() < 0)
		return 1;
	if (argc != 1) {
		fprintf(stderr, PROG ": takes no arguments; sspr-mail.socket starts it\n");
		return 2;
	}
	umask(077);
	/* A client that hangs up early must not kill us mid-answer. */
	signal(SIGPIPE, SIG_IGN);
	if (sspr_policy_load_or_default(SSPR_DEFAULT_CONFIG, false, &pol, NULL, &err) != SSPR_OK) {
		syslog(LOG_ERR, "%s", err.msg);
		mailer_reply("error the policy cannot be read");
		return 1;
	}
	if ((rq = sodium_malloc(sizeof(*rq))) == NULL) {
		mailer_reply("error out of memory");
		return 1;
	}
	sodium_memzero(rq, sizeof(*rq));
	rc = mailer_serve(&pol, rq);
	sodium_free(rq); /* wipes */
	return rc;
}
