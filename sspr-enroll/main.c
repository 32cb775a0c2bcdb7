/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll: registers the calling user's reset methods.
 *
 *   sspr-enroll [--config PATH] [--no-qr]
 *               [status [--json] | totp [DEVICE] | questions | email ADDRESS |
 *                phone NUMBER | recovery | remove METHOD [DEVICE]]
 *
 * Installed setgid sspr-store. The identity is the real uid's account; the
 * environment is dropped before anything else runs; --config is refused
 * while privileged (a user could otherwise point the store anywhere).
 * Every command that changes the record checks the group first, then the
 * current password, once. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "eligibility.h"
#include "enroll.h"
#include "event_log.h"
#include "mail.h"
#include "safe_text.h"

static const char usage_text[] = N_(
	/* TRANSLATORS: the help of sspr-enroll. Keep the command and option
	 * names, the method names, "default" and the exit status numbers as
	 * they are; the words in capitals (PATH, COMMAND, DEVICE, ADDRESS,
	 * NUMBER, METHOD) may be translated, the same way as in the messages
	 * that name them. Keep the lines under 80 columns. */
	"usage: sspr-enroll [--config PATH] [--no-qr] [COMMAND]\n"
	"\n"
	"  (no command)      guided setup: shows your status and registers what the\n"
	"                    policy requires, or re-confirms a complete registration\n"
	"  status [--json]   what you have registered\n"
	"  totp [DEVICE]     register an authenticator app, named DEVICE (such as\n"
	"                    phone or tablet; default \"default\"); up to 5, each by name\n"
	"  questions         register security questions (replaces the earlier set)\n"
	"  email ADDRESS     register an e-mail address (a code is sent to it)\n"
	"  phone NUMBER      register a phone number, such as +44 7700 900123\n"
	"                    (a code is texted to it)\n"
	"  recovery          make a new set of one-time recovery codes\n"
	"  remove METHOD [DEVICE]\n"
	"                    remove totp (or its one DEVICE), questions, email, phone,\n"
	"                    recovery or pass\n"
	"\n"
	"Every command but status asks your current password first.\n"
	"Exit status: 0 ok, 1 error, 2 usage, 3 not permitted, 4 authentication failed.\n");

static int usage(const char *why)
{
	if (why != NULL)
		cli_error("%s", why);
	fputs(_(usage_text), stderr);
	return SSPR_EXIT_USAGE;
}

/* The policy, and what it asks of this user. */
static int load_policy(struct enroll_ctx *ctx, const char *config, bool explicit_config)
{
	struct sspr_error err = {{0}};
	struct sspr_user_ids ids;
	int r = sspr_policy_load_or_default(config, explicit_config, &ctx->pol, NULL, &err);

	if (r != SSPR_OK) {
		cli_error("%s", err.msg);
		return SSPR_EXIT_ERROR;
	}
	if (sspr_lookup_user(ctx->user, &ids.uid, &ids.gid) != 1) {
		cli_error(_("cannot look up your account %s"), ctx->user);
		return SSPR_EXIT_ERROR;
	}
	sspr_rule_of(&ctx->pol, ctx->user, &ids, &ctx->rule);
	return SSPR_EXIT_OK;
}

/* The sub-command as parsed from argv. */
struct command {
	const char *name; /* NULL: guided setup */
	const char *arg;  /* email ADDRESS, phone NUMBER, remove METHOD */
	const char *device; /* totp DEVICE, remove totp DEVICE */
	unsigned method;  /* the method it registers or removes; 0 for status */
};

static int parse_command(int argc, char **argv, int i, struct enroll_ctx *ctx, struct command *c)
{
	static const char *const registering[] = {"totp", "questions", "recovery"};

	if (i >= argc)
		return SSPR_EXIT_OK;
	c->name = argv[i++];
	if (strcmp(c->name, "status") == 0) {
		if (i < argc && strcmp(argv[i], "--json") == 0) {
			ctx->json = true;
			i++;
		}
	} else if (strcmp(c->name, "email") == 0 || strcmp(c->name, "phone") == 0 ||
		   strcmp(c->name, "remove") == 0) {
		bool removing = strcmp(c->name, "remove") == 0;

		if (i >= argc && c->name[0] == 'e')
			/* TRANSLATORS: email is the command, typed as it is;
			 * ADDRESS as in the help (sspr-enroll --help). */
			return usage(_("email needs an ADDRESS"));
		if (i >= argc && c->name[0] == 'p')
			/* TRANSLATORS: phone is the command, typed as it is;
			 * NUMBER as in the help (sspr-enroll --help). */
			return usage(_("phone needs a NUMBER"));
		if (i >= argc)
			/* TRANSLATORS: remove is the command, typed as it is;
			 * METHOD as in the help (sspr-enroll --help). */
			return usage(_("remove needs a METHOD"));
		c->arg = argv[i++];
		c->method = sspr_method_from_name(removing ? c->arg : c->name);
		if (c->method == 0 || c->method == SSPR_METHOD_PAM)
			return usage(
			    /* TRANSLATORS: METHOD as in the help; the method names
			     * are typed as they are. */
			    _("METHOD is one of totp, questions, email, phone, recovery, pass"));
		if (removing && c->method == SSPR_METHOD_TOTP && i < argc)
			c->device = argv[i++];
	} else {
		for (size_t k = 0; k < sizeof(registering) / sizeof(registering[0]); k++)
			if (strcmp(c->name, registering[k]) == 0)
				c->method = sspr_method_from_name(c->name);
		if (c->method == 0)
			return usage(_("unknown command"));
		if (c->method == SSPR_METHOD_TOTP && i < argc)
			c->device = argv[i++];
	}
	if (i < argc)
		return usage(_("too many arguments"));
	return SSPR_EXIT_OK;
}

/* Group, policy, then the password: a refusal never costs a password. */
static int run_change(struct enroll_ctx *ctx, const struct command *c)
{
	bool removing = strcmp(c->name, "remove") == 0;
	int r;

	if ((r = enroll_check_eligible(ctx)) != SSPR_EXIT_OK)
		return r;
	/* Removing a method the policy no longer allows is always fine. */
	if (!removing && (r = enroll_method_allowed(ctx, c->method)) != SSPR_EXIT_OK)
		return r;
	if (!removing && (c->method == SSPR_METHOD_EMAIL || c->method == SSPR_METHOD_PHONE)) {
		char contact[SSPR_EMAIL_MAX + 1];

		if (!enroll_take_contact(c->method, c->arg, contact, sizeof(contact)))
			return SSPR_EXIT_USAGE;
	}
	if (c->device != NULL && !sspr_device_name_valid(c->device)) {
		/* TRANSLATORS: %d is the longest name (32). The name is the user's
		 * own, so "phone" and "tablet" are only examples and may be
		 * translated (in letters a-z). */
		cli_error(_("not a device name: give 1 to %d letters, digits, '.', '_' or '-', "
			    "such as phone or tablet"),
			  SSPR_DEVICE_NAME_MAX);
		return SSPR_EXIT_USAGE;
	}
	if ((r = enroll_authenticate(ctx)) != SSPR_EXIT_OK)
		return r;
	if (removing)
		return enroll_cmd_remove(ctx, c->method, c->device);
	switch (c->method) {
	case SSPR_METHOD_TOTP:
		return enroll_cmd_totp(ctx, c->device);
	case SSPR_METHOD_QUESTIONS:
		return enroll_cmd_questions(ctx);
	case SSPR_METHOD_EMAIL:
		return enroll_cmd_email(ctx, c->arg);
	case SSPR_METHOD_PHONE:
		return enroll_cmd_phone(ctx, c->arg);
	default:
		return enroll_cmd_recovery(ctx);
	}
}

/* The messages in the user's language. The variables that name it are in
 * the environment, which enroll_sanitize drops: so the locale is set from
 * them first (glibc refuses the locale names that are unsafe in a setgid
 * program), and LANGUAGE, which gettext reads from the environment at each
 * lookup, is put back afterwards when harmless. As a program, sspr-enroll
 * may make the project's text domain its default; _() names it anyway. */
static int sanitize_keeping_language(void)
{
	char language[SSPR_LANGUAGE_MAX + 1];
	const char *name;
	bool keep;

	(void)setlocale(LC_ALL, "");
	sspr_i18n_bind();
	(void)textdomain(SSPR_TEXT_DOMAIN);
	keep = enroll_keep_language(language);
	if (enroll_sanitize() != 0)
		return -1;
	if (!keep)
		return 0;
	/* LANGUAGE in C.UTF-8, which names no language (and in which some C
	 * libraries ignore LANGUAGE): a locale gettext reads it in. In "C"
	 * (LC_ALL=C, for an English bug report) it stays ignored. */
	name = setlocale(LC_MESSAGES, NULL);
	if (name != NULL && sspr_locale_names_no_language(name) && strcmp(name, "C") != 0 &&
	    strcmp(name, "POSIX") != 0)
		sspr_language_adopt(language);
	else
		(void)setenv("LANGUAGE", language, 1); /* lost without it: not worth stopping */
	return 0;
}

int main(int argc, char **argv)
{
	struct enroll_ctx ctx = {.qr = true};
	struct command c = {0};
	const char *config = SSPR_DEFAULT_CONFIG;
	bool explicit_config = false;
	int i, r;

	cli_set_program(ENROLL_PROG);
	if (sanitize_keeping_language() != 0) {
		cli_error("%s", _("cannot set up a safe process environment"));
		return SSPR_EXIT_ERROR;
	}
	/* Once, before any guarded memory or random draw. */
	if (sodium_init() < 0) {
		cli_error("%s", _("libsodium failed to initialise"));
		return SSPR_EXIT_ERROR;
	}
	/* Unbuffered: no typed secret waits in a stdio buffer, and no line
	 * is read ahead of the question it answers. */
	setvbuf(stdin, NULL, _IONBF, 0);
	/* Every enrollment change is a syslog line as well as an event. */
	sspr_event_log_start(ENROLL_PROG);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
			explicit_config = true;
		} else if (strcmp(argv[i], "--no-qr") == 0) {
			ctx.qr = false;
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(_(usage_text), stdout);
			return SSPR_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf(ENROLL_PROG " " SSPR_VERSION "\n");
			return SSPR_EXIT_OK;
		} else {
			return usage(_("unknown option"));
		}
	}
	if ((r = parse_command(argc, argv, i, &ctx, &c)) != SSPR_EXIT_OK)
		return r;
	if (explicit_config && enroll_privileged() && getuid() != 0) {
		/* TRANSLATORS: --config is an option and setgid a term: keep both. */
		cli_error("%s", _("--config is not allowed when running setgid"));
		return SSPR_EXIT_DENIED;
	}
	/* The working directory is "/" by now. */
	if (explicit_config && config[0] != '/')
		return usage(_("--config needs an absolute path"));
	if (enroll_identity(ctx.user, sizeof(ctx.user)) != 0) {
		cli_error(_("cannot find your account (uid %u)"), (unsigned)getuid());
		return SSPR_EXIT_ERROR;
	}
	if ((r = load_policy(&ctx, config, explicit_config)) != SSPR_EXIT_OK)
		return r;

	ctx.arg = c.arg;
	if (c.name == NULL)
		return enroll_guided(&ctx);
	if (strcmp(c.name, "status") == 0)
		return enroll_cmd_status(&ctx);
	return run_change(&ctx, &c);
}
