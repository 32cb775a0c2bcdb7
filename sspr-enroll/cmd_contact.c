/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll email ADDRESS, sspr-enroll phone NUMBER: proves the user
 * reads mail at ADDRESS, or texts at NUMBER, before it is stored. A
 * code_length-digit code goes out through sspr-mailer (see send_code), at
 * most enroll_mails_per_hour a user for both together; the user types it
 * back within code_lifetime seconds, in at most CODE_TRIES tries. The code
 * lives only in this process's guarded memory and the mailer's. */
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
#include "phone.h"
#include "store.h"

#define CODE_TRIES 3

/* What differs between an address and a number. The texts are whole
 * sentences, translated where they are shown (the ones with a number or an
 * address in them are chosen there, so their formats stay checked). */
struct contact_kind {
	unsigned method;
	const char *prompt;       /* "Code from the e-mail: " */
	const char *wrong_code;   /* "That code is not right; check the e-mail..." */
	const char *not_verified; /* "the e-mail address was not verified..." */
	const char *cannot_send;  /* "cannot send the e-mail", before ": why" */
	void (*mask)(const char *contact, char *out, size_t size);
	int (*set)(struct sspr_record *rec, const char *contact, int64_t now, bool *replaced);
};

static const struct contact_kind email_kind = {
    .method = SSPR_METHOD_EMAIL,
    .prompt = N_("Code from the e-mail: "),
    .wrong_code = N_("That code is not right; check the e-mail and try again.\n"),
    .not_verified = N_("the e-mail address was not verified; nothing was stored"),
    /* TRANSLATORS: the start of a message that goes on with why, such as
     * "cannot send the e-mail: the mail relay is not running". */
    .cannot_send = N_("cannot send the e-mail"),
    .mask = sspr_email_mask,
    .set = sspr_record_set_email,
};

static const struct contact_kind phone_kind = {
    .method = SSPR_METHOD_PHONE,
    .prompt = N_("Code from the text message: "),
    .wrong_code = N_("That code is not right; check the text message and try again.\n"),
    .not_verified = N_("the phone number was not verified; nothing was stored"),
    /* TRANSLATORS: the start of a message that goes on with why, such as
     * "cannot send the text message: the mail relay is not running". */
    .cannot_send = N_("cannot send the text message"),
    .mask = sspr_phone_mask,
    .set = sspr_record_set_phone,
};

struct contact_secret {
	struct sspr_record current; /* only to see that it decodes */
	char code[SSPR_CODE_SIZE];
	char typed[64];
	char body[SSPR_MAIL_BODY_MAX];
};

struct contact_update {
	const struct contact_kind *kind;
	const char *contact;
	const char *user;
	int64_t now;
	bool replaced;
};

static int store_contact(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct contact_update *u = ctx;
	int r;

	(void)exists;
	r = u->kind->set(rec, u->contact, u->now, &u->replaced);
	if (r != SSPR_OK)
		return r;
	sspr_event_set(ev, u->now, "enroll", "success", sspr_method_name(u->kind->method), u->user,
		       ENROLL_SERVICE, "", NULL);
	return SSPR_OK;
}

/* Here, when no relay is needed: the message composed and its command run
 * with the group dropped. */
static int send_here(const struct enroll_ctx *ctx, const struct contact_kind *kind,
		     const char *contact, struct contact_secret *s, struct sspr_error *err)
{
	char host[256] = "localhost";
	unsigned minutes = (ctx->pol.code_lifetime + 59) / 60;
	int r;

	(void)gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	if (kind->method == SSPR_METHOD_PHONE) {
		r = sspr_phone_verify_text(s->body, sizeof(s->body), ctx->user, host, s->code,
					   minutes);
		if (r == SSPR_OK)
			r = sspr_sms_send(ctx->pol.sms_command, contact, s->body,
					  SSPR_COMMAND_DROP_PRIVILEGE, err);
	} else {
		struct sspr_mail mail = {.from = ctx->pol.mail_from,
					 .to = contact,
					 .subject = _(SSPR_MAIL_VERIFY_SUBJECT),
					 .body = s->body};

		r = sspr_mail_verify_body(s->body, sizeof(s->body), ctx->user, host, s->code,
					  minutes);
		if (r == SSPR_OK)
			r = sspr_mail_send(ctx->pol.mail_command, &mail, SSPR_COMMAND_DROP_PRIVILEGE,
					   err);
	}
	sodium_memzero(s->body, sizeof(s->body));
	return r;
}

/* The code goes out through sspr-mailer (as root) whenever this program
 * holds a privilege its caller lacks: a mail or text program run as the
 * caller could be ptraced for the code. Run by root, or without a
 * privilege (a developer's build), nobody else could inspect the program,
 * so it runs here, with the group dropped. */
static int send_code(const struct enroll_ctx *ctx, const struct contact_kind *kind,
		     const char *contact, struct contact_secret *s)
{
	struct sspr_error err = {{0}};
	const char *cannot_send = _(kind->cannot_send);
	int r;

	if (enroll_privileged() && getuid() != 0) {
		r = sspr_mail_relay_ask(SSPR_MAIL_RELAY_SOCKET, contact, s->code, &err);
		if (r == SSPR_EUNAVAIL)
			/* TRANSLATORS: %s is "cannot send the e-mail" or "cannot send
			 * the text message"; sspr-mail.socket is a name: keep it. */
			cli_error(_("%s: the mail relay is not running (sspr-mail.socket); ask an "
				    "administrator"),
				  cannot_send);
		else if (r == SSPR_EFULL)
			/* TRANSLATORS: %s is "cannot send the e-mail" or "cannot send
			 * the text message". */
			cli_error(_("%s: too many verification messages in the last hour; try "
				    "again later"),
				  cannot_send);
		else if (r != SSPR_OK)
			/* TRANSLATORS: "cannot send the e-mail" (or the text
			 * message), and why. */
			cli_error(_("%s: %s"), cannot_send, err.msg);
		return r == SSPR_OK ? SSPR_EXIT_OK : SSPR_EXIT_ERROR;
	}
	if (send_here(ctx, kind, contact, s, &err) != SSPR_OK) {
		cli_error(_("%s: %s"), cannot_send, err.msg[0] ? err.msg : _("message too long"));
		return SSPR_EXIT_ERROR;
	}
	return SSPR_EXIT_OK;
}

/* The typed code, surrounding white space ignored, against the sent one. */
static bool code_matches(struct contact_secret *s)
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
static int confirm_code(const struct enroll_ctx *ctx, const struct contact_kind *kind,
			struct contact_secret *s, const char **why)
{
	int64_t deadline = sspr_now() + (int64_t)ctx->pol.code_lifetime;

	*why = "bad-code";
	for (int i = 0; i < CODE_TRIES; i++) {
		int r = enroll_read_line(_(kind->prompt), s->typed, sizeof(s->typed));

		if (r == -1) {
			*why = "cancelled";
			return SSPR_EXIT_ERROR;
		}
		if (sspr_now() > deadline) {
			fputs(_("The code has expired.\n"), stdout);
			*why = "expired";
			return SSPR_EXIT_AUTH;
		}
		if (r == 0 && code_matches(s))
			return SSPR_EXIT_OK;
		if (i + 1 < CODE_TRIES)
			fputs(_(kind->wrong_code), stdout);
	}
	return SSPR_EXIT_AUTH;
}

bool enroll_take_contact(unsigned method, const char *typed, char *out, size_t size)
{
	if (method == SSPR_METHOD_PHONE) {
		if (sspr_phone_normalize(typed, out, size))
			return true;
		cli_error("%s", _("not a phone number: give it in international form, with + and the "
			    "country code, such as +44 7700 900123"));
		return false;
	}
	if (sspr_email_valid(typed) && strlen(typed) < size) {
		snprintf(out, size, "%s", typed);
		return true;
	}
	/* TRANSLATORS: name@example.org is an example: keep the domain
	 * example.org (reserved for examples); the name may be translated. */
	cli_error("%s", _("not a valid e-mail address: give a plain address such as name@example.org"));
	return false;
}

static int enroll_contact(struct enroll_ctx *ctx, const struct contact_kind *kind,
			  const char *typed)
{
	struct contact_update u = {.kind = kind, .user = ctx->user};
	struct contact_secret *s = NULL;
	const char *why = "error", *method = sspr_method_name(kind->method);
	char contact[SSPR_EMAIL_MAX + 1], masked[SSPR_EMAIL_MAX + 1];
	unsigned minutes;
	int r;

	if ((r = enroll_method_allowed(ctx, kind->method)) != SSPR_EXIT_OK)
		return r;
	if (!enroll_take_contact(kind->method, typed, contact, sizeof(contact)))
		return SSPR_EXIT_USAGE;
	u.contact = contact;
	r = SSPR_EXIT_ERROR;
	if (sodium_init() < 0 || (s = sodium_malloc(sizeof(*s))) == NULL) {
		cli_error("%s", _("out of memory"));
		goto out;
	}
	sodium_memzero(s, sizeof(*s));
	/* A record that could not be stored to (it does not decode) is found
	 * before a message goes out and counts against the hour. */
	r = enroll_load_record(ctx, &s->current);
	sspr_record_wipe(&s->current);
	if (r != SSPR_OK && r != SSPR_ENOENT) {
		r = SSPR_EXIT_ERROR;
		goto out;
	}
	r = SSPR_EXIT_ERROR;
	if (sspr_code_generate(ctx->pol.code_length, s->code) != SSPR_OK) {
		cli_error("%s", _("cannot make a verification code"));
		goto out;
	}
	if ((r = send_code(ctx, kind, contact, s)) != SSPR_EXIT_OK) {
		why = kind->method == SSPR_METHOD_PHONE ? "sms-failed" : "mail-failed";
		goto out;
	}
	kind->mask(contact, masked, sizeof(masked));
	minutes = (ctx->pol.code_lifetime + 59) / 60;
	printf(dngettext(SSPR_TEXT_DOMAIN,
			 /* TRANSLATORS: the address or number as typed, then as it is shown
			  * later, partly hidden (such as "a***@e***.com" or "+44 ***** **123"). */
			 "A verification code was sent to %s (%s).\n"
			 "It is valid for %u minutes.\n",
			 "A verification code was sent to %s (%s).\n"
			 "It is valid for %u minutes.\n",
			 minutes),
	       contact, masked, minutes);
	r = confirm_code(ctx, kind, s, &why);
	sodium_memzero(s->code, sizeof(s->code));
	if (r != SSPR_EXIT_OK) {
		cli_error("%s", _(kind->not_verified));
		goto out;
	}
	u.now = sspr_now();
	if (enroll_update_record(ctx, store_contact, &u, _("cannot store the contact")) < 0) {
		r = SSPR_EXIT_ERROR;
		goto out;
	}
	if (kind->method == SSPR_METHOD_PHONE && u.replaced)
		printf(_("Your phone number %s is verified and registered (it replaces the "
			 "previous one).\n"),
		       contact);
	else if (kind->method == SSPR_METHOD_PHONE)
		printf(_("Your phone number %s is verified and registered.\n"), contact);
	else if (u.replaced)
		printf(_("Your e-mail address %s is verified and registered (it replaces the "
			 "previous one).\n"),
		       contact);
	else
		printf(_("Your e-mail address %s is verified and registered.\n"), contact);
	r = SSPR_EXIT_OK;
out:
	if (r != SSPR_EXIT_OK && strcmp(why, "cancelled") != 0 && s != NULL)
		enroll_log_event(ctx, "enroll", why, method, NULL);
	if (s != NULL)
		sodium_free(s);
	return r;
}

int enroll_cmd_email(struct enroll_ctx *ctx, const char *address)
{
	return enroll_contact(ctx, &email_kind, address);
}

int enroll_cmd_phone(struct enroll_ctx *ctx, const char *number)
{
	return enroll_contact(ctx, &phone_kind, number);
}
