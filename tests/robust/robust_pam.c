/* SPDX-License-Identifier: BSD-2-Clause */
/* robust_pam: drives pam_sspr.so (under pam_wrapper) through one
 * transaction for the shell tests, with replies that may be hostile.
 *
 *   robust_pam SERVICE USER auth|account [REPLY...]
 *
 * USER and each REPLY are words as conv_script.h describes (so a user name
 * can be "@big:10000" or "@hex:..."). Prints every prompt and message, one a
 * line, with bytes outside printable ASCII as \xHH, then "result: NAME".
 * Exit 0 when the transaction ran (whatever its result), 99 on a usage or
 * set-up error. A crash or a hang shows as a signal or a timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "conv_script.h"

static const struct {
	int code;
	const char *name;
} pam_names[] = {
	{PAM_SUCCESS, "PAM_SUCCESS"},         {PAM_AUTH_ERR, "PAM_AUTH_ERR"},
	{PAM_IGNORE, "PAM_IGNORE"},           {PAM_CONV_ERR, "PAM_CONV_ERR"},
	{PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"}, {PAM_PERM_DENIED, "PAM_PERM_DENIED"},
	{PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL"}, {PAM_BUF_ERR, "PAM_BUF_ERR"},
	{PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR"},   {PAM_ABORT, "PAM_ABORT"},
	{PAM_SERVICE_ERR, "PAM_SERVICE_ERR"}, {PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT"},
	{PAM_MAXTRIES, "PAM_MAXTRIES"},       {PAM_AUTHTOK_ERR, "PAM_AUTHTOK_ERR"},
};

static void print_escaped(const char *label, const char *text)
{
	fputs(label, stdout);
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct script sc;
	enum script_op op;
	char *user = NULL;
	int r;

	if (argc < 4 || (strcmp(argv[3], "auth") != 0 && strcmp(argv[3], "account") != 0)) {
		fprintf(stderr, "usage: robust_pam SERVICE USER auth|account [REPLY...]\n");
		return 99;
	}
	op = strcmp(argv[3], "auth") == 0 ? SCRIPT_AUTH : SCRIPT_ACCOUNT;
	if (script_word(argv[2], &user) != 0 || user == NULL) {
		fprintf(stderr, "robust_pam: cannot build the user name\n");
		return 99;
	}
	memset(&sc, 0, sizeof(sc));
	sc.replies = (const char *const *)argv + 4;
	sc.n_replies = argc - 4;
	r = script_run(argv[1], user, op, &sc);
	/* Prompts and messages interleave in the dialog; keeping them apart
	 * is enough for the checks, which look for words, not order. */
	for (int i = 0; i < sc.n_prompts; i++)
		print_escaped("prompt: ", sc.prompts[i]);
	for (int i = 0; i < sc.n_messages; i++)
		print_escaped(sc.message_style[i] == PAM_ERROR_MSG ? "error: " : "info: ",
			      sc.messages[i]);
	if (sc.ran_out)
		printf("replies: ran out\n");
	for (size_t i = 0; i < sizeof(pam_names) / sizeof(pam_names[0]); i++) {
		if (pam_names[i].code == r) {
			printf("result: %s\n", pam_names[i].name);
			goto out;
		}
	}
	printf("result: %d\n", r);
out:
	free(user);
	return 0;
}
