/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin doctor [--json]: runs every check of doctor.h and prints
 * their findings, as text (one line each, "fix:" under a problem) or as
 * one JSON document. Exit status 0 when resets can work (warnings at
 * most), 1 when a problem stops them or lets them bypass a control. The
 * policy is loaded here, not by main: a policy that does not load is the
 * first finding, not the end of the run. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "doctor.h"
#include "eligibility.h"
#include "safe_text.h"

static const char *const level_word[] = {"ok", "warning", "problem"};

void doctor_report(struct doctor *d, enum doctor_level level, const char *check,
		   const char *subject, const char *fix, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->problems += level == DOCTOR_PROBLEM;
	d->warnings += level == DOCTOR_WARNING;
	if (d->json) {
		cli_json_begin_object(&d->j);
		cli_json_key(&d->j, "check");
		cli_json_string(&d->j, check);
		cli_json_key(&d->j, "status");
		cli_json_string(&d->j, level_word[level]);
		if (subject != NULL) {
			cli_json_key(&d->j, "subject");
			cli_json_string(&d->j, subject);
		}
		cli_json_key(&d->j, "message");
		cli_json_string(&d->j, msg);
		if (fix != NULL) {
			cli_json_key(&d->j, "fix");
			cli_json_string(&d->j, fix);
		}
		cli_json_end_object(&d->j);
		return;
	}
	/* Paths, service names and sshd's words reach the terminal: shown
	 * through the one filter for terminal text. */
	printf("%-8s %-18s ", level == DOCTOR_OK ? "ok" : level == DOCTOR_WARNING ? "warning"
										 : "PROBLEM",
	       check);
	sspr_text_print_safe(stdout, msg);
	putchar('\n');
	if (fix != NULL) {
		printf("%-8s %-18s fix: ", "", "");
		sspr_text_print_safe(stdout, fix);
		putchar('\n');
	}
}

static bool scan_file(const char *path, doctor_line_fn fn, void *ctx)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	unsigned n = 0;
	bool done = false;

	while (f != NULL && !done && fgets(line, sizeof(line), f) != NULL)
		done = fn(line + strspn(line, " \t"), path, ++n, ctx);
	if (f != NULL)
		fclose(f);
	return done;
}

static int conf_file(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	return de->d_name[0] != '.' && len >= 6 && strcmp(de->d_name + len - 5, ".conf") == 0;
}

bool doctor_scan_config(const char *file, const char *dir, doctor_line_fn fn, void *ctx)
{
	struct dirent **names = NULL;
	char path[512];
	bool done = scan_file(file, fn, ctx);
	int n;

	/* In name order, as sshd's Include and libpwquality read them. */
	n = done ? 0 : scandir(dir, &names, conf_file, alphasort);
	for (int i = 0; i < n; i++) {
		if (!done) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			done = scan_file(path, fn, ctx);
		}
		free(names[i]);
	}
	free(names);
	return done;
}

/* Under admin_policy = strict administrators need two methods besides
 * questions: a policy that allows fewer leaves them no reset at all. */
static void check_admin_policy(struct doctor *d, const struct admin_ctx *ctx)
{
	unsigned left = sspr_method_count(ctx->pol.methods & ~(unsigned)(SSPR_METHOD_QUESTIONS |
									  SSPR_METHOD_PASS));

	if (ctx->pol.admin_policy != SSPR_ADMIN_STRICT)
		return;
	if (strcmp(ctx->pol.admin_group, "*") != 0 &&
	    sspr_lookup_group(ctx->pol.admin_group, NULL) != 1)
		doctor_report(d, DOCTOR_WARNING, "admin-policy", ctx->config_path,
			      "set admin_group to the group whose members can become root (wheel, "
			      "sudo, admin)",
			      "admin_group %s does not exist: admin_policy = strict covers only root",
			      ctx->pol.admin_group);
	if (left >= 2)
		return;
	doctor_report(d, DOCTOR_WARNING, "admin-policy", ctx->config_path,
		      "add methods (totp email recovery), or set admin_policy = same",
		      "root and the members of group %s cannot reset: admin_policy = strict asks "
		      "them for 2 methods other than questions and methods allows %u",
		      ctx->pol.admin_group, left);
}

static void check_policy(struct doctor *d, struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	int r;

	r = sspr_policy_load_or_default(ctx->config_path, ctx->config_explicit, &ctx->pol,
					&ctx->config_found, &err);
	if (r != SSPR_OK) {
		/* The module refuses every reset with this policy; the other
		 * checks go on with the defaults, to find the rest. */
		sspr_policy_defaults(&ctx->pol);
		doctor_report(d, DOCTOR_PROBLEM, "policy", ctx->config_path,
			      "correct the line named, then run 'sspr-admin check-config'",
			      "%s (the module refuses every reset until it loads)", err.msg);
		return;
	}
	d->policy_loaded = true;
	if (!ctx->config_found)
		doctor_report(d, DOCTOR_WARNING, "policy", ctx->config_path,
			      "apt-get install --reinstall -o Dpkg::Options::=--force-confmiss "
			      "libpam-sspr",
			      "%s: no such file: the built-in defaults apply", ctx->config_path);
	else
		doctor_report(d, DOCTOR_OK, "policy", ctx->config_path, NULL, "%s loads",
			      ctx->config_path);
	check_admin_policy(d, ctx);
}

int admin_cmd_doctor(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	struct doctor d = {.pol = &ctx->pol};
	int rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_JSON, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("usage: doctor [--json]");
	if (geteuid() != 0)
		return admin_error(SSPR_EACCES,
				   "doctor: must be run as root (it reads the host key, the store "
				   "and sshd's configuration)");
	d.json = (args.flags & ADMIN_F_JSON) != 0;
	if (d.json) {
		cli_json_init(&d.j, stdout);
		cli_json_begin_object(&d.j);
		cli_json_key(&d.j, "checks");
		cli_json_begin_array(&d.j);
	}
	check_policy(&d, ctx);
	if (d.policy_loaded) {
		doctor_check_key(&d);
		doctor_check_store(&d);
		doctor_check_mail_relay(&d);
		doctor_check_sms_command(&d);
	}
	doctor_check_pam(&d);
	doctor_check_password_service(&d);
	doctor_check_delegated_service(&d);
	doctor_check_sshd(&d);
	if (d.json) {
		cli_json_end_array(&d.j);
		cli_json_key(&d.j, "problems");
		cli_json_uint(&d.j, d.problems);
		cli_json_key(&d.j, "warnings");
		cli_json_uint(&d.j, d.warnings);
		cli_json_key(&d.j, "resets_can_work");
		cli_json_bool(&d.j, d.problems == 0);
		cli_json_end_object(&d.j);
		putchar('\n');
	} else {
		printf("%u problem%s, %u warning%s: %s\n", d.problems, d.problems == 1 ? "" : "s",
		       d.warnings, d.warnings == 1 ? "" : "s",
		       d.problems == 0 ? "resets can work" : "resets cannot work as configured");
	}
	return d.problems == 0 ? SSPR_EXIT_OK : SSPR_EXIT_ERROR;
}
