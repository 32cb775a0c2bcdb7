/* SPDX-License-Identifier: BSD-2-Clause */
/* doctor: the PAM stacks (doctor.h). Every service of /etc/pam.d (and the
 * vendor directory) whose auth stack holds pam_sspr, read as libpam reads
 * it (pamconf.c, includes expanded), and where pam_sspr stands in it:
 * before pam_unix (trigger=empty) or after it (trigger=offer), before
 * pam_faillock's preauth, and not where a success of pam_unix jumps past
 * a second factor; under registration = require, an account line that
 * can refuse. Then the password service a reset runs, and the enrollment
 * service, which must not offer a reset. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "doctor.h"
#include "delegated_stack.h"
#include "pamconf.h"

#define STACK_MAX 128
#define SERVICES_MAX 256
#define ENROLL_SERVICE_NAME "sspr-enroll"

/* The modules a second factor comes from: a reset must leave them to
 * decide after it, as they decide after a typed password. */
static const char *const second_factors[] = {
    "pam_google_authenticator.so", "pam_oath.so", "pam_u2f.so", "pam_yubico.so",
    "pam_duo.so", "pam_radius_auth.so", "pam_p11.so", "pam_fido2.so",
};

/* Modules that judge a new password's quality, and whether they need
 * enforce_for_root to refuse (not merely warn) when root sets it. */
static const struct {
	const char *module;
	const char *package;
	bool needs_enforce_for_root;
} quality_modules[] = {
    {"pam_pwquality.so", "libpam-pwquality", true},
    {"pam_cracklib.so", "libpam-cracklib", true},
    {"pam_passwdqc.so", "libpam-passwdqc", false},
};

struct stack_line {
	char module[64];
	char control[256];
	char where[300]; /* FILE:LINE */
	bool first_pass; /* try_first_pass or use_first_pass */
	bool preauth;
	bool offer;
	bool enforce_for_root;
	bool not_enforcing; /* enforcing=0 (pwquality), enforce=none|users (passwdqc) */
};

struct stack {
	struct stack_line line[STACK_MAX];
	int n;
};

static bool has_arg(const struct sspr_pam_line *line, const char *arg)
{
	for (int i = 0; i < line->argc; i++)
		if (strcmp(line->argv[i], arg) == 0)
			return true;
	return false;
}

static void collect(const struct sspr_pam_line *line, void *ctx)
{
	struct stack *s = ctx;
	struct stack_line *l;

	if (s->n >= STACK_MAX)
		return;
	l = &s->line[s->n++];
	snprintf(l->module, sizeof(l->module), "%s", sspr_pamconf_module_name(line));
	snprintf(l->control, sizeof(l->control), "%s", line->control);
	snprintf(l->where, sizeof(l->where), "%s:%u", line->file, line->lineno);
	l->first_pass = has_arg(line, "try_first_pass") || has_arg(line, "use_first_pass");
	l->preauth = has_arg(line, "preauth");
	l->offer = has_arg(line, "trigger=offer");
	l->enforce_for_root = has_arg(line, "enforce_for_root");
	l->not_enforcing = has_arg(line, "enforcing=0") || has_arg(line, "enforce=none") ||
			   has_arg(line, "enforce=users");
}

static int find(const struct stack *s, const char *module, int from)
{
	for (int i = from < 0 ? 0 : from; i < s->n; i++)
		if (strcmp(s->line[i].module, module) == 0)
			return i;
	return -1;
}

static bool is_second_factor(const char *module)
{
	for (size_t i = 0; i < sizeof(second_factors) / sizeof(second_factors[0]); i++)
		if (strcmp(module, second_factors[i]) == 0)
			return true;
	return false;
}

/* Where the stack goes after line k succeeds: the next line, a jump
 * (success=N skips N lines), or the end (-1: "sufficient", success=done). */
static int after_success(const struct stack *s, int k)
{
	const char *c = s->line[k].control, *p;

	if (strcasecmp(c, "sufficient") == 0)
		return -1;
	if (c[0] != '[' || (p = strstr(c, "success=")) == NULL)
		return k + 1;
	p += strlen("success=");
	if (strncasecmp(p, "done", 4) == 0)
		return -1;
	if (*p >= '1' && *p <= '9') {
		long n = strtol(p, NULL, 10); /* libpam's own bound is far below */

		return n > 0 && n < STACK_MAX ? k + 1 + (int)n : -1;
	}
	return k + 1;
}

/* Whether the stack reaches line f (f > u) when pam_unix at u succeeds
 * and so does every line after it on the way (pam_faillock authsucc,
 * pam_permit): the path a right password, or a reset, takes. Includes are
 * read inline, as libpam reads them; a substack's own end is taken for
 * the whole stack's, which errs towards a problem. */
static bool success_reaches(const struct stack *s, int u, int f)
{
	for (int k = u, steps = 0; k >= 0 && k < s->n && steps < STACK_MAX; steps++) {
		if (k == f)
			return true;
		if (k > f)
			return false;
		k = after_success(s, k);
	}
	return false;
}

static bool managed_by_pam_auth_update(const char *where)
{
	const char *base = strrchr(where, '/');

	return base != NULL && strncmp(base + 1, "common-", 7) == 0;
}

/* Whether a line with this control can make the stack fail: not
 * optional or sufficient, and a [...] whose default is not ignore. */
static bool can_refuse(const char *control)
{
	if (strcasecmp(control, "optional") == 0 || strcasecmp(control, "sufficient") == 0)
		return false;
	return control[0] != '[' || strstr(control, "default=ignore") == NULL;
}

/* registration = require refuses a login only where the account hook's
 * line may fail the stack: an optional pam_sspr refuses nothing. */
static bool check_account(struct doctor *d, const char *service)
{
	struct stack *acct = calloc(1, sizeof(*acct));
	char fix[400];
	bool ok = true;
	int a;

	if (acct == NULL)
		return false;
	(void)sspr_pamconf_walk(NULL, service, "account", collect, acct);
	a = find(acct, "pam_sspr.so", 0);
	if (a < 0 || !can_refuse(acct->line[a].control)) {
		if (a >= 0 && managed_by_pam_auth_update(acct->line[a].where))
			snprintf(fix, sizeof(fix),
				 "pam-auth-update writes %s: put 'account required pam_sspr.so' "
				 "in the services that must refuse, or in a local profile",
				 acct->line[a].where);
		else if (a >= 0)
			snprintf(fix, sizeof(fix), "make it 'account required pam_sspr.so' (%s)",
				 acct->line[a].where);
		else
			snprintf(fix, sizeof(fix), "add 'account required pam_sspr.so'");
		doctor_report(d, DOCTOR_WARNING, "pam-account", service, fix,
			      "%s: registration = require, but %s: a user who has not registered "
			      "is never refused here",
			      service,
			      a < 0 ? "its account stack has no pam_sspr"
				    : "pam_sspr's account line cannot refuse a login");
		ok = false;
	}
	free(acct);
	return ok;
}

/* The checks for one service whose auth stack holds pam_sspr at index i. */
static void check_stack(struct doctor *d, const char *service, const struct stack *s, int i)
{
	const struct stack_line *sspr = &s->line[i];
	int before = -1, after = find(s, "pam_unix.so", i + 1), unix_line;
	char fix[800];
	bool ok = true;

	for (int k = 0; k < i; k++)
		if (strcmp(s->line[k].module, "pam_unix.so") == 0)
			before = k;
	/* Leaving a service out (sudo, cron) is the admin's choice. */
	if (!sspr_policy_service_allowed(d->pol, service)) {
		doctor_report(d, DOCTOR_OK, "pam-services", service, NULL,
			      "%s: not in the policy key services: no reset offered there",
			      service);
		return;
	}
	if (!sspr->offer && after < 0 && before >= 0) {
		snprintf(fix, sizeof(fix), "%s",
			 managed_by_pam_auth_update(sspr->where)
			     ? "pam-auth-update --enable sspr (it puts pam_sspr directly before "
			       "pam_unix; --force if common-auth was edited by hand)"
			     : "move the pam_sspr line above the pam_unix line");
		doctor_report(d, DOCTOR_PROBLEM, "pam-order", service, fix,
			      "%s: pam_sspr (%s) comes after pam_unix (%s): pam_unix has "
			      "refused the empty password before pam_sspr can offer a reset",
			      service, sspr->where, s->line[before].where);
		return;
	}
	if (sspr->offer && before < 0) {
		doctor_report(d, DOCTOR_PROBLEM, "pam-order", service,
			      "put 'pam_sspr.so trigger=offer' after a pam_unix line (pam_sspr(8), "
			      "PAM LINES)",
			      "%s: pam_sspr trigger=offer (%s) has no pam_unix before it: it only "
			      "ever runs after a password was refused",
			      service, sspr->where);
		return;
	}
	unix_line = after;
	if (unix_line < 0) {
		doctor_report(d, DOCTOR_WARNING, "pam-order", service, NULL,
			      "%s: no pam_unix after pam_sspr (%s): the password a reset sets "
			      "(in /etc/shadow) is not what this service checks",
			      service, sspr->where);
		ok = false;
	} else if (!sspr->offer && !s->line[unix_line].first_pass) {
		snprintf(fix, sizeof(fix), "add try_first_pass to the pam_unix line (%s)",
			 s->line[unix_line].where);
		doctor_report(d, DOCTOR_WARNING, "pam-first-pass", service, fix,
			      "%s: pam_unix (%s) has neither try_first_pass nor use_first_pass: "
			      "it asks for the password a second time",
			      service, s->line[unix_line].where);
		ok = false;
	}
	for (int k = 0; k < i; k++) {
		if (strcmp(s->line[k].module, "pam_faillock.so") != 0 || !s->line[k].preauth)
			continue;
		doctor_report(d, DOCTOR_WARNING, "pam-faillock", service,
			      "move the pam_sspr line above the pam_faillock preauth line",
			      "%s: pam_faillock preauth (%s) comes before pam_sspr (%s): a reset "
			      "clears the lock, but the login it was for stays refused",
			      service, s->line[k].where, sspr->where);
		ok = false;
		break;
	}
	for (int f = 0; f < s->n; f++) {
		if (!is_second_factor(s->line[f].module))
			continue;
		if (unix_line >= 0 && f > unix_line && !success_reaches(s, unix_line, f)) {
			snprintf(fix, sizeof(fix),
				 "make pam_unix's success continue to %s (for example "
				 "'[success=ok default=die]' on %s)",
				 s->line[f].module, s->line[unix_line].where);
			doctor_report(d, DOCTOR_PROBLEM, "pam-second-factor", service, fix,
				      "%s: a success of pam_unix (%s, '%s') never reaches the second "
				      "factor %s (%s): a reset, like a password, logs in without it",
				      service, s->line[unix_line].where, s->line[unix_line].control,
				      s->line[f].module, s->line[f].where);
			return;
		}
		doctor_report(d, DOCTOR_OK, "pam-second-factor", service, NULL,
			      "%s: the second factor %s (%s) is still asked after a reset",
			      service, s->line[f].module, s->line[f].where);
	}
	if (d->pol->registration == SSPR_REGISTRATION_REQUIRE)
		ok = check_account(d, service) && ok;
	if (ok)
		doctor_report(d, DOCTOR_OK, "pam-order", service, NULL,
			      "%s: pam_sspr (%s) %s pam_unix (%s)", service, sspr->where,
			      sspr->offer ? "after" : "before",
			      s->line[sspr->offer ? before : unix_line].where);
}

static bool service_name_wanted(const char *name)
{
	size_t len = strlen(name);

	/* Fragments the services include, our own two services (checked on
	 * their own), and what package managers leave behind. "other" stays:
	 * it is the stack of every service without a file of its own. */
	if (name[0] == '.' || strncmp(name, "common-", 7) == 0 ||
	    strcmp(name, ENROLL_SERVICE_NAME) == 0 || strstr(name, ".dpkg-") != NULL ||
	    strstr(name, ".ucf-") != NULL || name[len - 1] == '~')
		return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The service names of /etc/pam.d and /usr/lib/pam.d, sorted, once each. */
static size_t list_services(char *names[SERVICES_MAX])
{
	static const char *const dirs[] = {"/etc/pam.d", "/usr/lib/pam.d"};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *dir = opendir(dirs[i]);
		struct dirent *de;

		while (dir != NULL && (de = readdir(dir)) != NULL && n < SERVICES_MAX) {
			bool seen = false;

			if (!service_name_wanted(de->d_name) || strlen(de->d_name) > 255)
				continue;
			for (size_t k = 0; k < n && !seen; k++)
				seen = strcmp(names[k], de->d_name) == 0;
			if (!seen && (names[n] = strdup(de->d_name)) != NULL)
				n++;
		}
		if (dir != NULL)
			closedir(dir);
	}
	qsort(names, n, sizeof(names[0]), by_name);
	return n;
}

void doctor_check_pam(struct doctor *d)
{
	char *names[SERVICES_MAX];
	size_t n = list_services(names), using = 0;
	struct stack *s = calloc(1, sizeof(*s));
	int i;

	if (s == NULL) {
		doctor_report(d, DOCTOR_PROBLEM, "pam-stack", NULL, NULL, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		if (strcmp(names[k], d->pol->password_service) == 0)
			continue;
		s->n = 0;
		(void)sspr_pamconf_walk(NULL, names[k], "auth", collect, s);
		if ((i = find(s, "pam_sspr.so", 0)) < 0)
			continue;
		using++;
		check_stack(d, names[k], s, i);
	}
	if (using == 0)
		doctor_report(d, DOCTOR_PROBLEM, "pam-stack", NULL, "pam-auth-update --enable sspr",
			      "no PAM service has pam_sspr in its auth stack: no login offers a "
			      "reset");
	/* A reset must never be how someone proves who they are in order to
	 * register reset methods. */
	s->n = 0;
	(void)sspr_pamconf_walk(NULL, ENROLL_SERVICE_NAME, "auth", collect, s);
	if ((i = find(s, "pam_sspr.so", 0)) >= 0)
		doctor_report(d, DOCTOR_PROBLEM, "enroll-service", ENROLL_SERVICE_NAME,
			      "use pam_unix directly in /etc/pam.d/" ENROLL_SERVICE_NAME
			      " (as shipped), not common-auth",
			      ENROLL_SERVICE_NAME ": pam_sspr (%s) is in its auth stack: a reset "
			      "would let someone register methods without the password",
			      s->line[i].where);
out:
	free(s);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
}

static bool enforce_for_root_line(const char *line, const char *path, unsigned lineno,
				  void *ctx)
{
	(void)path, (void)lineno, (void)ctx;
	return strncmp(line, "enforce_for_root", 16) == 0 &&
	       (line[16] == '\0' || strchr(" \t\n", line[16]) != NULL);
}

static bool not_enforcing_line(const char *line, const char *path, unsigned lineno, void *ctx)
{
	const char *p = line;

	(void)path, (void)lineno, (void)ctx;
	if (strncmp(p, "enforcing", 9) != 0)
		return false;
	p += 9 + strspn(p + 9, " \t");
	if (*p++ != '=')
		return false;
	p += strspn(p, " \t");
	return *p == '0';
}

/* enforcing = 0 in pwquality.conf (or its .d): it only warns. */
static bool pwquality_conf_not_enforcing(void)
{
	return doctor_scan_config("/etc/security/pwquality.conf", "/etc/security/pwquality.conf.d",
				  not_enforcing_line, NULL);
}

/* enforce_for_root set in pwquality.conf (or its .d), where pam_pwquality
 * reads it as well as from its arguments. */
static bool pwquality_conf_enforces_for_root(void)
{
	return doctor_scan_config("/etc/security/pwquality.conf", "/etc/security/pwquality.conf.d",
				  enforce_for_root_line, NULL);
}

void doctor_check_password_service(struct doctor *d)
{
	const char *service = d->pol->password_service;
	struct stack *s = calloc(1, sizeof(*s));
	char missing[128], fix[600];
	int unix_line, q = -1;
	size_t m = 0;

	if (s == NULL) {
		doctor_report(d, DOCTOR_PROBLEM, "password-service", service, NULL, "out of memory");
		return;
	}
	if (!sspr_pamconf_service_exists(NULL, service)) {
		snprintf(fix, sizeof(fix),
			 "apt-get install --reinstall -o Dpkg::Options::=--force-confmiss "
			 "libpam-sspr (or set password_service to a service that exists)");
		doctor_report(d, DOCTOR_PROBLEM, "password-service", service, fix,
			      "/etc/pam.d/%s does not exist: a reset would run the 'other' stack",
			      service);
		goto out;
	}
	if (sspr_pamconf_find_missing(NULL, service, "password", missing, sizeof(missing))) {
		const char *package = NULL;

		for (size_t k = 0; k < sizeof(quality_modules) / sizeof(quality_modules[0]); k++)
			if (strcmp(missing, quality_modules[k].module) == 0)
				package = quality_modules[k].package;
		if (package != NULL)
			snprintf(fix, sizeof(fix), "apt-get install %s", package);
		else
			snprintf(fix, sizeof(fix), "install the package that ships %s", missing);
		doctor_report(d, DOCTOR_PROBLEM, "password-service", service, fix,
			      "%s needs %s, which is not installed: every reset fails after the "
			      "user has proved who they are",
			      service, missing);
		goto out;
	}
	(void)sspr_pamconf_walk(NULL, service, "password", collect, s);
	unix_line = find(s, "pam_unix.so", 0);
	for (int i = 0; i < s->n && q < 0 && (unix_line < 0 || i < unix_line); i++)
		for (m = 0; m < sizeof(quality_modules) / sizeof(quality_modules[0]); m++)
			if (strcmp(s->line[i].module, quality_modules[m].module) == 0) {
				q = i;
				break;
			}
	if (q < 0) {
		snprintf(fix, sizeof(fix),
			 "add 'password requisite pam_pwquality.so retry=3 enforce_for_root' "
			 "before pam_unix in /etc/pam.d/%s",
			 service);
		doctor_report(d, DOCTOR_PROBLEM, "password-quality", service, fix,
			      "%s: no quality module (pam_pwquality, pam_passwdqc, pam_cracklib) "
			      "before pam_unix: a reset runs as root, and pam_unix as root "
			      "accepts any password",
			      service);
		goto out;
	}
	if (strcmp(s->line[q].module, "pam_pwquality.so") == 0 && pwquality_conf_not_enforcing())
		s->line[q].not_enforcing = true;
	if (strcasecmp(s->line[q].control, "optional") == 0 || s->line[q].not_enforcing) {
		snprintf(fix, sizeof(fix), "make the %s line (%s) 'requisite' and enforcing",
			 s->line[q].module, s->line[q].where);
		doctor_report(d, DOCTOR_PROBLEM, "password-quality", service, fix,
			      "%s: %s (%s) only warns ('%s'%s): a weak password is set anyway",
			      service, s->line[q].module, s->line[q].where, s->line[q].control,
			      s->line[q].not_enforcing ? ", not enforcing" : "");
		goto out;
	}
	if (quality_modules[m].needs_enforce_for_root && !s->line[q].enforce_for_root &&
	    !(strcmp(quality_modules[m].module, "pam_pwquality.so") == 0 &&
	      pwquality_conf_enforces_for_root())) {
		snprintf(fix, sizeof(fix), "add enforce_for_root to the %s line (%s)",
			 s->line[q].module, s->line[q].where);
		doctor_report(d, DOCTOR_PROBLEM, "password-quality", service, fix,
			      "%s: %s (%s) has no enforce_for_root: a reset runs as root, and "
			      "then it only warns about a weak password",
			      service, s->line[q].module, s->line[q].where);
		goto out;
	}
	doctor_report(d, DOCTOR_OK, "password-quality", service, NULL,
		      "%s: %s (%s) judges the new password", service, s->line[q].module,
		      s->line[q].where);
out:
	free(s);
}

/* methods = pam:SERVICE: the module runs the service only when it has a
 * file of its own and does not run pam_sspr (reset.c refuses otherwise, as
 * "unavailable"); a password module in it asks for what the user forgot. */
void doctor_check_delegated_service(struct doctor *d)
{
	const char *service = d->pol->delegated_service;
	char fix[300], why[300];

	if ((d->pol->methods & SSPR_METHOD_PAM) == 0)
		return;
	if (!sspr_delegated_stack_usable(NULL, service, why, sizeof(why))) {
		snprintf(fix, sizeof(fix), "give /etc/pam.d/%s an auth stack that checks the user "
			 "(see pam_sspr(8), DELEGATED METHODS)", service);
		doctor_report(d, DOCTOR_PROBLEM, "delegated-service", service, fix,
			      "%s: the pam:%s method is unavailable", why, service);
		return;
	}
	if (sspr_pamconf_has_module(NULL, service, "auth", "pam_unix.so")) {
		snprintf(fix, sizeof(fix), "remove pam_unix from /etc/pam.d/%s", service);
		doctor_report(d, DOCTOR_WARNING, "delegated-service", service, fix,
			      "%s asks for the password (pam_unix), which a user resetting it has "
			      "forgotten",
			      service);
		return;
	}
	doctor_report(d, DOCTOR_OK, "delegated-service", service, NULL,
		      "pam:%s runs /etc/pam.d/%s as one method", service, service);
}
