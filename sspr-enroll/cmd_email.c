/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll email ADDRESS: proves the user reads mail at ADDRESS before
 * it is stored. A code_length-digit code goes out through sspr-mailer (see
 * send_code), at most enroll_mails_per_hour a user; the user types it back
 * within code_lifetime seconds, in at most CODE_TRIES tries. The code lives
 * only in this process's guarded memory and the mailer's. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "codes.h"
#include "enroll.h"
#include "enrollment.h"
#include "mail.h"
#include "mail_relay.h"
#include "store.h"

#define CODE_TRIES 3

struct email_secret {
	struct sspr_record current; /* only to see that it decodes */
	char code[SSPR_CODE_SIZE];
	char typed[64];
	char body[SSPR_MAIL_BODY_MAX];
};

struct email_update {
	const char *address;
	const char *user;
	int64_t now;
	bool replaced;
};

static int store_email(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct email_update *u = ctx;
	int r;

	(void)exists;
	r = sspr_record_set_email(rec, u->address, u->now, &u->replaced);
	if (r != SSPR_OK)
		return r;
	sspr_event_set(ev, u->now, "enroll", "success", "email", u->user, ENROLL_SERVICE, "", NULL);
	return SSPR_OK;
}

/* The code goes out through sspr-mailer (as root) whenever this program
 * holds a privilege its caller lacks: a mail program run as the caller
 * could be ptraced for the code. Run by root, or without a privilege (a
 * developer's build), nobody else could inspect the mail program, so it
 * runs here, with the group dropped. */
static int send_code(const struct enroll_ctx *ctx, const char *address, struct email_secret *s)
{
	char host[256] = "localhost";
	struct sspr_mail mail = {.from = ctx->pol.mail_from,
				 .to = address,
				 .subject = SSPR_MAIL_VERIFY_SUBJECT,
				 .body = s->body};
	struct sspr_error err = {{0}};
	int r;

	if (enroll_privileged() && getuid() != 0) {
		r = sspr_mail_relay_ask(SSPR_MAIL_RELAY_SOCKET, address, s->code, &err);
		if (r == SSPR_EUNAVAIL)
			cli_error("cannot send the e-mail: the mail relay is not running "
				     "(sspr-mail.socket); ask an administrator");
		else if (r == SSPR_EFULL)
			cli_error("cannot send the e-mail: too many verification mails in the "
				     "last hour; try again later");
		else if (r != SSPR_OK)
			cli_error("cannot send the e-mail: %s", err.msg);
		return r == SSPR_OK ? SSPR_EXIT_OK : SSPR_EXIT_ERROR;
	}
	(void)gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	r = sspr_mail_verify_body(s->body, sizeof(s->body), ctx->user, host, s->code,
				  (ctx->pol.code_lifetime + 59) / 60);
	if (r == SSPR_OK)
		r = sspr_mail_send(ctx->pol.mail_command, &mail, SSPR_MAIL_DROP_PRIVILEGE, &err);
	sodium_memzero(s->body, sizeof(s->body));
	if (r != SSPR_OK) {
		cli_error("cannot send the e-mail: %s", err.msg[0] ? err.msg : "message too long");
		return SSPR_EXIT_ERROR;
	}
	return SSPR_EXIT_OK;
}

/* The typed code, surrounding white space ignored, against the sent one. */
static bool code_matches(struct email_secret *s)
{
	char *p = s->typed;
	size_t n, want = strlen(s->code);

	while (isspace((unsigned char)*p))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	return n == want && sodium_memcmp(p, s->code, want) == 0;
}

/* SSPR_EXIT_OK once the right code is typed in time. */
static int confirm_code(const struct enroll_ctx *ctx, struct email_secret *s, const char **why)
{
	int64_t deadline = sspr_now() + (int64_t)ctx->pol.code_lifetime;

	*why = "bad-code";
	for (int i = 0; i < CODE_TRIES; i++) {
		int r = enroll_read_line("Code from the e-mail: ", s->typed, sizeof(s->typed));

		if (r == -1) {
			*why = "cancelled";
			return SSPR_EXIT_ERROR;
		}
		if (sspr_now() > deadline) {
			printf("The code has expired.\n");
			*why = "expired";
			return SSPR_EXIT_AUTH;
		}
		if (r == 0 && code_matches(s))
			return SSPR_EXIT_OK;
		if (i + 1 < CODE_TRIES)
			printf("That code is not right; check the e-mail and try again.\n");
	}
	return SSPR_EXIT_AUTH;
}

int enroll_cmd_email(struct enroll_ctx *ctx, const char *address)
{
	struct email_update u = {.address = address, .user = ctx->user};
	struct email_secret *s = NULL;
	const char *why = "error";
	char masked[SSPR_EMAIL_MAX + 1];
	int r;

	if ((r = enroll_method_allowed(ctx, SSPR_METHOD_EMAIL)) != SSPR_EXIT_OK)
		return r;
	if (!sspr_email_valid(address) || strlen(address) > SSPR_EMAIL_MAX) {
		cli_error("not a valid e-mail address: give a plain address such as "
			     "name@example.org");
		return SSPR_EXIT_USAGE;
	}
	r = SSPR_EXIT_ERROR;
	if (sodium_init() < 0 || (s = sodium_malloc(sizeof(*s))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	sodium_memzero(s, sizeof(*s));
	/* A record that could not be stored to (it does not decode) is found
	 * before a mail goes out and counts against the hour. */
	r = enroll_load_record(ctx, &s->current);
	sspr_record_wipe(&s->current);
	if (r != SSPR_OK && r != SSPR_ENOENT) {
		r = SSPR_EXIT_ERROR;
		goto out;
	}
	r = SSPR_EXIT_ERROR;
	if (sspr_code_generate(ctx->pol.code_length, s->code) != SSPR_OK) {
		cli_error("cannot make a verification code");
		goto out;
	}
	if ((r = send_code(ctx, address, s)) != SSPR_EXIT_OK) {
		why = "mail-failed";
		goto out;
	}
	sspr_email_mask(address, masked, sizeof(masked));
	printf("A verification code was sent to %s (%s).\n"
	       "It is valid for %u minutes.\n",
	       address, masked, (ctx->pol.code_lifetime + 59) / 60);
	r = confirm_code(ctx, s, &why);
	sodium_memzero(s->code, sizeof(s->code));
	if (r != SSPR_EXIT_OK) {
		cli_error("the address was not verified; nothing was stored");
		goto out;
	}
	u.now = sspr_now();
	if (enroll_update_record(ctx, store_email, &u,
				 "store the address") < 0) {
		r = SSPR_EXIT_ERROR;
		goto out;
	}
	printf("Your e-mail address %s is verified and registered%s.\n", address,
	       u.replaced ? " (it replaces the previous one)" : "");
	r = SSPR_EXIT_OK;
out:
	if (r != SSPR_EXIT_OK && strcmp(why, "cancelled") != 0 && s != NULL)
		enroll_log_event(ctx, "enroll", why, "email", NULL);
	if (s != NULL)
		sodium_free(s);
	return r;
}
