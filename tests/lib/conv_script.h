/* SPDX-License-Identifier: BSD-2-Clause */
/* The one scripted PAM conversation of the C tests (tests/pam's fixture,
 * the robustness programs): replies in order, what the module asked and
 * said kept for the test to inspect. Replies are words, so a shell table
 * can hold hostile ones:
 *   TEXT          the text itself
 *   NULL, @err    the conversation function fails (PAM_CONV_ERR)
 *   @null         a reply with no buffer (resp == NULL)
 *   @big:N        N bytes of 'A' (N up to 64 MiB)
 *   @hex:HEX      the bytes HEX spells (non-UTF-8, control characters)
 *   @nul:TEXT     TEXT, then a NUL byte, then 4 KiB of 'B' in the same buffer
 *   @code         the current TOTP code of the secret in $ROBUST_TOTP_SECRET (hex)
 *   @code+nul     that code, then a NUL byte and junk
 *   @wrongcode    a six-digit code valid at no step of the window
 * Prompts and messages are kept in order, with the time each prompt was
 * answered and each message came (for the timing comparisons). */
#ifndef SSPR_TEST_CONV_SCRIPT_H
#define SSPR_TEST_CONV_SCRIPT_H

#include <stdbool.h>

#include <security/pam_appl.h>

#define SCRIPT_TURNS 32
#define SCRIPT_TEXT 512

struct script {
	const char *const *replies; /* words as above; script_init points it at own[] */
	int n_replies;
	int next;
	const char *own[SCRIPT_TURNS];
	/* When set, asked first for every prompt; a non-NULL answer is used
	 * without consuming a reply. */
	const char *(*hook)(struct script *sc, const char *prompt);
	char prompts[SCRIPT_TURNS][SCRIPT_TEXT];
	int n_prompts;
	char messages[SCRIPT_TURNS][SCRIPT_TEXT];
	int message_style[SCRIPT_TURNS]; /* PAM_ERROR_MSG or PAM_TEXT_INFO */
	int n_messages;
	double answered_at[SCRIPT_TURNS]; /* script_now() when prompt i was answered */
	double message_at[SCRIPT_TURNS];
	bool ran_out; /* a prompt came after the last reply */
};

/* sc emptied, with the n replies that follow (words, or NULL). */
void script_init(struct script *sc, int n, ...);

/* The pam_conv function: data is the struct script. */
int script_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data);

enum script_op { SCRIPT_AUTH, SCRIPT_ACCOUNT };

/* Runs op for user through service with plain libpam and the script.
 * Returns the PAM status of the operation (pam_start's when it fails). */
int script_run(const char *service, const char *user, enum script_op op, struct script *sc);

/* Builds the bytes a word stands for. Returns 0 and *out (NULL for @null;
 * free it), or -1 (@err, or a word that cannot be built). */
int script_word(const char *word, char **out);

/* True when any message holds needle. */
bool script_said(const struct script *sc, const char *needle);
/* True when any prompt holds needle (a menu is one prompt). */
bool script_asked(const struct script *sc, const char *needle);

/* CLOCK_MONOTONIC in seconds. */
double script_now(void);

#endif
