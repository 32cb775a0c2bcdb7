/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin: global options, the policy, and dispatch to a sub-command.
 * Nothing here knows how a command works; each lives in its own cmd_*.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <sodium.h>

#include "admin.h"
#include "event_log.h"
#include "config.h"

struct admin_command {
	const char *name;
	int (*run)(struct admin_ctx *ctx, int argc, char **argv);
	bool loads_policy; /* reports a policy that does not load instead of stopping */
};

static const struct admin_command commands[] = {
    {"init", admin_cmd_init, false},
    {"enroll", admin_cmd_enroll, false},
    {"list", admin_cmd_list, false},
    {"show", admin_cmd_show, false},
    {"revoke", admin_cmd_revoke, false},
    {"unlock", admin_cmd_unlock, false},
    {"check-config", admin_cmd_check_config, false},
    {"doctor", admin_cmd_doctor, true},
    {"import", admin_cmd_import, false},
    {"report", admin_cmd_report, false},
    {"key", admin_cmd_key, false},
    {"migrate", admin_cmd_migrate, false},
    {"prune", admin_cmd_prune, false},
    {"pass", admin_cmd_pass, false},
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s [--config PATH] COMMAND [ARGS]\n"
	    "\n"
	    "Commands:\n"
	    "  init [--fleet]                   create the host key and the store; --fleet also\n"
	    "                                   shows how to install the key on other hosts\n"
	    "  list [--json]                    list enrolled users\n"
	    "  show USER [--json]               one user's methods, lock and recent events\n"
	    "  enroll USER totp --secret-stdin  enroll a TOTP secret read as base32 from stdin\n"
	    "  enroll USER questions --stdin    set questions from \"question<TAB>answer\" lines\n"
	    "  enroll USER email ADDRESS        set a verified e-mail address\n"
	    "  enroll USER phone NUMBER         set a verified phone number (+44 7700 900123)\n"
	    "  revoke USER [METHOD]             remove one method, or the whole record\n"
	    "  unlock USER                      clear failures and the lock\n"
	    "  pass USER [--ttl 1h] [--uses 1]  issue a temporary access pass, shown once\n"
	    "  import oath FILE                 TOTP tokens from a pam_oath usersfile\n"
	    "  import google-authenticator USER FILE\n"
	    "                                   a ~/.google_authenticator: TOTP and scratch codes\n"
	    "  report [--since DAYS] [--json]   registration coverage and reset activity\n"
	    "  prune [DAYS]                     delete audit events older than DAYS (default:\n"
	    "                                   event_retention_days)\n"
	    "  check-config [--print]           check the policy file, host key and store\n"
	    "  doctor [--json]                  check the whole integration on this host (PAM\n"
	    "                                   stacks, sshd, password service, files); exit 0\n"
	    "                                   when resets can work\n"
	    "  key status                       key ids and how many TOTP secrets each opens\n"
	    "  key export FILE|-                write the key ring as a bundle (file or pipe)\n"
	    "  key install FILE|- [--replace]   install a bundle from another host\n"
	    "  key rotate --prepare             create the next key, to install everywhere\n"
	    "  key rotate --finish              switch to the next key and re-seal every secret\n"
	    "  key retire                       drop the previous key once nothing needs it\n"
	    "  migrate --to ldap|lmdb [--dry-run]\n"
	    "                                   copy every user between the LMDB store and the\n"
	    "                                   directory (events are not copied)\n"
	    "\n"
	    "Options:\n"
	    "  --config PATH   policy file (default %s)\n"
	    "  --help          show this help\n"
	    "  --version       show the version\n"
	    "\n"
	    "Exit status: 0 ok, 1 error, 2 usage, 3 not permitted, 4 authentication failed.\n",
	    ADMIN_PROG, SSPR_DEFAULT_CONFIG);
}

/* The tool handles TOTP secrets in memory: no core file may keep them. */
static void no_core_dumps(void)
{
	struct rlimit rl = {0, 0};

	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int load_policy(struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	int r;

	/* Only the default path may be missing (doc/DESIGN.md §3.7). */
	r = sspr_policy_load_or_default(ctx->config_path, ctx->config_explicit, &ctx->pol,
					&ctx->config_found, &err);
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->config_path);
	return SSPR_EXIT_OK;
}

static const struct admin_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* Global options come before the sub-command. Returns an exit code; on
 * SSPR_EXIT_OK *first is the sub-command's index, or 0 when there is
 * nothing left to do (--help, --version). */
static int parse_global(int argc, char **argv, struct admin_ctx *ctx, int *first)
{
	char shown[CLI_QUOTE_MAX + 4];
	int i;

	*first = 0;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *path = NULL;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return SSPR_EXIT_OK;
		}
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("%s %s\n", ADMIN_PROG, SSPR_VERSION);
			return SSPR_EXIT_OK;
		}
		if (strcmp(a, "--config") == 0) {
			if (i + 1 >= argc)
				return admin_usage_error("--config needs a PATH");
			path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			path = a + 9;
		} else {
			/* Only the option's name: never what follows '='. */
			cli_quote_arg(a, shown, sizeof(shown));
			shown[strcspn(shown, "=")] = '\0';
			return admin_usage_error("unknown option '%s'", shown);
		}
		if (path[0] == '\0' || strnlen(path, SSPR_PATH_MAX + 1) > SSPR_PATH_MAX)
			return admin_usage_error("--config: PATH must be 1..%d bytes",
						 SSPR_PATH_MAX);
		ctx->config_path = path;
		ctx->config_explicit = true;
	}
	if (i >= argc) {
		usage(stderr);
		return SSPR_EXIT_USAGE;
	}
	*first = i;
	return SSPR_EXIT_OK;
}

static int dispatch(struct admin_ctx *ctx, int argc, char **argv)
{
	const struct admin_command *cmd;
	char shown[CLI_QUOTE_MAX + 4];
	int rc;

	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return SSPR_EXIT_OK;
	}
	cmd = find_command(argv[0]);
	if (cmd == NULL)
		return admin_usage_error("unknown command '%s'",
					 cli_quote_arg(argv[0], shown, sizeof(shown)));
	if (!cmd->loads_policy && (rc = load_policy(ctx)) != SSPR_EXIT_OK)
		return rc;
	return cmd->run(ctx, argc, argv);
}

int main(int argc, char **argv)
{
	struct admin_ctx ctx;
	int rc, first;

	cli_set_program(ADMIN_PROG);
	no_core_dumps();
	/* Root often runs this in a user's directory: libldap must not take
	 * that directory's ldaprc (or $LDAPRC, LDAP* variables) as defaults.
	 * The backend sets every option it relies on itself. */
	if (setenv("LDAPNOINIT", "1", 1) != 0)
		return admin_error(SSPR_ENOMEM, "out of memory");
	memset(&ctx, 0, sizeof(ctx));
	ctx.config_path = SSPR_DEFAULT_CONFIG;

	rc = parse_global(argc, argv, &ctx, &first);
	if (rc != SSPR_EXIT_OK || first == 0)
		goto out;
	if (sodium_init() < 0) {
		rc = admin_error(SSPR_ERR, "libsodium failed to initialise");
		goto out;
	}
	/* Every change an admin makes is a syslog line as well as an event. */
	sspr_event_log_start(ADMIN_PROG);
	rc = dispatch(&ctx, argc - first, argv + first);
out:
	/* A full disk or a closed pipe must not look like success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		if (rc == SSPR_EXIT_OK)
			rc = admin_error(SSPR_ERR, "writing output: %s", strerror(e));
	}
	sodium_memzero(&ctx.pol, sizeof(ctx.pol));
	return rc;
}
