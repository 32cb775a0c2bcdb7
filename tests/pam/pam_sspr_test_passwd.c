/* SPDX-License-Identifier: BSD-2-Clause */
/* A stand-in password backend for the module tests. It keeps "user:password"
 * lines in the file named by file=, checks passwords in auth, and in
 * chauthtok asks for the new password twice and records it, as pam_unix does
 * when called by root. `fail` makes every password change fail, to test the
 * path where identity is proved but the change is refused. `set_rhost` in
 * auth only sets PAM_RHOST to a name with a newline and steps aside, as a
 * hostile peer's name would reach the next module. `putenv=NAME=VALUE` in
 * auth only puts NAME=VALUE into PAM's environment and steps aside, as an
 * application (a display manager) sets LANG there before authenticating. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define LINE_MAX_LEN 512
#define EXPORT __attribute__((visibility("default")))

struct args {
	const char *file;
	bool fail;
	bool set_rhost;
	const char *putenv; /* NAME=VALUE */
};

static void parse(int argc, const char **argv, struct args *a)
{
	a->file = NULL;
	a->fail = false;
	a->set_rhost = false;
	a->putenv = NULL;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "file=", 5) == 0)
			a->file = argv[i] + 5;
		else if (strcmp(argv[i], "fail") == 0)
			a->fail = true;
		else if (strcmp(argv[i], "set_rhost") == 0)
			a->set_rhost = true;
		else if (strncmp(argv[i], "putenv=", 7) == 0)
			a->putenv = argv[i] + 7;
	}
}

/* Copies the stored password of user into out; false when none. */
static bool lookup(const char *file, const char *user, char *out, size_t size)
{
	char line[LINE_MAX_LEN];
	size_t ulen = strlen(user);
	bool found = false;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, user, ulen) == 0 && line[ulen] == ':') {
			snprintf(out, size, "%s", line + ulen + 1);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* Rewrites file with user's password replaced (or added). */
static int store(const char *file, const char *user, const char *password)
{
	char line[LINE_MAX_LEN], tmp[4096];
	size_t ulen = strlen(user);
	FILE *in, *out;

	snprintf(tmp, sizeof(tmp), "%s.new", file);
	out = fopen(tmp, "w");
	if (out == NULL)
		return PAM_AUTHTOK_ERR;
	in = fopen(file, "r");
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		if (!(strncmp(line, user, ulen) == 0 && line[ulen] == ':'))
			fputs(line, out);
	}
	if (in != NULL)
		fclose(in);
	fprintf(out, "%s:%s\n", user, password);
	if (fclose(out) != 0 || rename(tmp, file) != 0)
		return PAM_AUTHTOK_ERR;
	return PAM_SUCCESS;
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct args a;
	const char *user = NULL, *password = NULL;
	char stored[LINE_MAX_LEN];

	parse(argc, argv, &a);
	if (a.set_rhost)
		return pam_set_item(pamh, PAM_RHOST,
				    "evil.example\nFAKE password reset success: user=root") ==
				       PAM_SUCCESS
			       ? PAM_IGNORE
			       : PAM_SYSTEM_ERR;
	if (a.putenv != NULL)
		return pam_putenv(pamh, a.putenv) == PAM_SUCCESS ? PAM_IGNORE : PAM_SYSTEM_ERR;
	if (a.file == NULL || pam_get_user(pamh, &user, NULL) != PAM_SUCCESS)
		return PAM_AUTHINFO_UNAVAIL;
	if (pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL) != PAM_SUCCESS)
		return PAM_AUTH_ERR;
	if (!lookup(a.file, user, stored, sizeof(stored)))
		return PAM_USER_UNKNOWN;
	return strcmp(stored, password) == 0 ? PAM_SUCCESS : PAM_AUTH_ERR;
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct args a;
	const char *user = NULL;
	char *first = NULL, *second = NULL;
	int r;

	parse(argc, argv, &a);
	if (flags & PAM_PRELIM_CHECK)
		return PAM_SUCCESS;
	if (a.fail)
		return PAM_AUTHTOK_ERR;
	if (a.file == NULL || pam_get_user(pamh, &user, NULL) != PAM_SUCCESS)
		return PAM_AUTHTOK_ERR;
	r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &first, "New password: ");
	if (r == PAM_SUCCESS)
		r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &second, "Retype new password: ");
	if (r == PAM_SUCCESS) {
		if (first == NULL || second == NULL || first[0] == '\0' ||
		    strcmp(first, second) != 0)
			r = PAM_AUTHTOK_ERR;
		else
			r = store(a.file, user, first);
	}
	free(first);
	free(second);
	return r;
}
