/* sspr-enroll: registers the calling user's reset methods.
 *
 *   sspr-enroll [--config PATH] [--no-qr] [status [--json] | totp]
 *
 * Installed setgid sspr. The identity is the real uid's account; the
 * environment is dropped before anything else runs; --config is refused
 * while privileged (a user could otherwise point the store anywhere). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "eligibility.h"
#include "enroll.h"

static const char usage_text[] =
	"usage: sspr-enroll [--config PATH] [--no-qr] [COMMAND]\n"
	"\n"
	"  status [--json]   what you have registered (the default)\n"
	"  totp              register an authenticator app (asks your password)\n"
	"\n"
	"Exit status: 0 ok, 1 error, 2 usage, 3 not permitted, 4 authentication failed.\n";

void enroll_error(const char *fmt, ...)
{
	va_list ap;

	fputs(ENROLL_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage(const char *why)
{
	if (why != NULL)
		enroll_error("%s", why);
	fputs(usage_text, stderr);
	return ENROLL_EXIT_USAGE;
}

static int load_policy(struct enroll_ctx *ctx, const char *config, bool explicit_config)
{
	struct sspr_error err = {{0}};
	int r = sspr_policy_load(config, &ctx->pol, &err);

	if (r == SSPR_ENOENT && !explicit_config) {
		sspr_policy_defaults(&ctx->pol);
		return ENROLL_EXIT_OK;
	}
	if (r != SSPR_OK) {
		enroll_error("%s", err.msg);
		return ENROLL_EXIT_ERROR;
	}
	return ENROLL_EXIT_OK;
}

/* Group, uid and root rules, with the helpdesk text on refusal. */
static int check_eligible(const struct enroll_ctx *ctx)
{
	enum sspr_eligibility e = sspr_user_eligibility(&ctx->pol, ctx->user, NULL);

	if (e == SSPR_ELIGIBLE)
		return ENROLL_EXIT_OK;
	if (e == SSPR_NOT_ELIGIBLE_GROUP)
		enroll_error("you are not allowed to enroll: not a member of group %s",
			     ctx->pol.group);
	else
		enroll_error("you are not allowed to enroll: %s", sspr_eligibility_reason(e));
	if (ctx->pol.helpdesk[0] != '\0')
		fprintf(stderr, "%s\n", ctx->pol.helpdesk);
	return ENROLL_EXIT_DENIED;
}

int main(int argc, char **argv)
{
	struct enroll_ctx ctx = {.qr = true};
	const char *config = SSPR_DEFAULT_CONFIG, *command = "status";
	bool explicit_config = false;
	int i, r;

	if (enroll_sanitize() != 0) {
		enroll_error("cannot set up a safe process environment");
		return ENROLL_EXIT_ERROR;
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
			explicit_config = true;
		} else if (strcmp(argv[i], "--no-qr") == 0) {
			ctx.qr = false;
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			return ENROLL_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf(ENROLL_PROG " " SSPR_VERSION "\n");
			return ENROLL_EXIT_OK;
		} else {
			return usage("unknown option");
		}
	}
	if (i < argc)
		command = argv[i++];
	if (strcmp(command, "status") == 0 && i < argc && strcmp(argv[i], "--json") == 0) {
		ctx.json = true;
		i++;
	}
	if (i < argc)
		return usage("too many arguments");
	if (explicit_config && enroll_privileged() && getuid() != 0) {
		enroll_error("--config is not allowed when running setgid");
		return ENROLL_EXIT_DENIED;
	}
	if (enroll_identity(ctx.user, sizeof(ctx.user)) != 0) {
		enroll_error("cannot find your account (uid %u)", (unsigned)getuid());
		return ENROLL_EXIT_ERROR;
	}
	if ((r = load_policy(&ctx, config, explicit_config)) != ENROLL_EXIT_OK)
		return r;

	if (strcmp(command, "status") == 0)
		return enroll_cmd_status(&ctx);
	if (strcmp(command, "totp") == 0) {
		if ((r = check_eligible(&ctx)) != ENROLL_EXIT_OK ||
		    (r = enroll_authenticate(ctx.user)) != ENROLL_EXIT_OK)
			return r;
		return enroll_cmd_totp(&ctx);
	}
	if (strcmp(command, "questions") == 0 || strcmp(command, "email") == 0 ||
	    strcmp(command, "recovery") == 0 || strcmp(command, "remove") == 0) {
		enroll_error("'%s' is not supported yet", command);
		return ENROLL_EXIT_USAGE;
	}
	return usage("unknown command");
}
