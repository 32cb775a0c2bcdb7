/* One PAM transaction with a scripted conversation, for the robustness
 * tests (robust_pam and test_concurrency). Replies are written as words so a
 * shell table can hold hostile ones:
 *   TEXT          the text itself
 *   @err          the conversation function fails (PAM_CONV_ERR)
 *   @null         a reply with no buffer (resp == NULL)
 *   @big:N        N bytes of 'A' (N up to 64 MiB)
 *   @hex:HEX      the bytes HEX spells (non-UTF-8, control characters)
 *   @nul:TEXT     TEXT, then a NUL byte, then 4 KiB of 'B' in the same buffer
 *   @code         the current TOTP code of the secret in $ROBUST_TOTP_SECRET (hex)
 *   @code+nul     that code, then a NUL byte and junk
 *   @wrongcode    a six-digit code valid at no step of the window
 * Prompts and messages are kept in order for the caller to inspect. */
#ifndef SSPR_ROBUST_PAM_SCRIPT_H
#define SSPR_ROBUST_PAM_SCRIPT_H

#include <stdbool.h>

#define SCRIPT_TURNS 32
#define SCRIPT_TEXT 512

struct pam_script {
	const char *const *replies; /* words as above */
	int n_replies;
	int next;
	char prompts[SCRIPT_TURNS][SCRIPT_TEXT];
	int n_prompts;
	char messages[SCRIPT_TURNS][SCRIPT_TEXT]; /* "info: ..." or "error: ..." */
	int n_messages;
	bool ran_out; /* a prompt came after the last reply */
};

enum script_op { SCRIPT_AUTH, SCRIPT_ACCOUNT };

/* Runs op for user through service with the scripted replies. Returns the
 * PAM status of the operation (pam_start's status when it fails). */
int script_run(const char *service, const char *user, enum script_op op, struct pam_script *sc);

/* Builds the bytes a word stands for. Returns 0 and *out (NULL for @null;
 * free it), or -1 (@err, or a word that cannot be built). */
int script_word(const char *word, char **out);

/* True when any message holds needle. */
bool script_said(const struct pam_script *sc, const char *needle);

#endif
