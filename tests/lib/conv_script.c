/* SPDX-License-Identifier: BSD-2-Clause */
/* The scripted conversation (conv_script.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#include "conv_script.h"
#include "totp.h"
#include "util.h"

#define BIG_MAX ((size_t)64 << 20)
#define JUNK_BYTES 4096

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex into a fresh NUL-terminated buffer; *len gets the byte count. */
static char *hex_decode(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	char *out = calloc(n + 1, 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	*len = n;
	return out;
}

/* The current code (or one valid at no step of the window) of the secret in
 * $ROBUST_TOTP_SECRET, 6 digits, 30 s. */
static int totp_code(bool wrong, char code[SSPR_TOTP_CODE_MAX + 1])
{
	const char *hex = getenv("ROBUST_TOTP_SECRET");
	char valid[3][SSPR_TOTP_CODE_MAX + 1];
	uint64_t step;
	size_t len = 0;
	char *secret;
	int r = -1;

	if (hex == NULL || (secret = hex_decode(hex, &len)) == NULL)
		return -1;
	if (sspr_totp_init() != SSPR_OK)
		goto out;
	step = sspr_totp_step(sspr_now(), 30);
	for (int i = 0; i < 3; i++)
		if (sspr_totp_code((const uint8_t *)secret, len, 6, step - 1 + (uint64_t)i,
				   valid[i]) != SSPR_OK)
			goto out;
	if (!wrong) {
		memcpy(code, valid[1], sizeof(valid[1]));
		r = 0;
		goto out;
	}
	for (unsigned n = 0; n < 1000000; n++) {
		snprintf(code, SSPR_TOTP_CODE_MAX + 1, "%06u", n % 1000000);
		if (strcmp(code, valid[0]) && strcmp(code, valid[1]) && strcmp(code, valid[2])) {
			r = 0;
			break;
		}
	}
out:
	free(secret);
	return r;
}

/* A text followed by a NUL byte and junk, all in one buffer. */
static char *with_nul(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1 + JUNK_BYTES + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, text, n + 1);
	memset(out + n + 1, 'B', JUNK_BYTES);
	out[n + 1 + JUNK_BYTES] = '\0';
	return out;
}

int script_word(const char *word, char **resp)
{
	char code[SSPR_TOTP_CODE_MAX + 1];
	size_t len = 0;

	*resp = NULL;
	if (strcmp(word, "@err") == 0)
		return -1;
	if (strcmp(word, "@null") == 0)
		return 0;
	if (strncmp(word, "@big:", 5) == 0) {
		size_t n = strtoull(word + 5, NULL, 10);

		if (n > BIG_MAX || (*resp = malloc(n + 1)) == NULL)
			return -1;
		memset(*resp, 'A', n);
		(*resp)[n] = '\0';
		return 0;
	}
	if (strncmp(word, "@hex:", 5) == 0)
		return (*resp = hex_decode(word + 5, &len)) != NULL ? 0 : -1;
	if (strncmp(word, "@nul:", 5) == 0)
		return (*resp = with_nul(word + 5)) != NULL ? 0 : -1;
	if (strcmp(word, "@code") == 0 || strcmp(word, "@wrongcode") == 0) {
		if (totp_code(word[1] == 'w', code) != 0)
			return -1;
		return (*resp = strdup(code)) != NULL ? 0 : -1;
	}
	if (strcmp(word, "@code+nul") == 0) {
		if (totp_code(false, code) != 0)
			return -1;
		return (*resp = with_nul(code)) != NULL ? 0 : -1;
	}
	return (*resp = strdup(word)) != NULL ? 0 : -1;
}

static void free_replies(struct pam_response *out, int n)
{
	for (int i = 0; i < n; i++)
		free(out[i].resp);
	free(out);
}

double script_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void script_init(struct script *sc, int n, ...)
{
	va_list ap;

	memset(sc, 0, sizeof(*sc));
	va_start(ap, n);
	for (int i = 0; i < n && i < SCRIPT_TURNS; i++)
		sc->own[i] = va_arg(ap, const char *);
	va_end(ap);
	sc->replies = sc->own;
	sc->n_replies = n < SCRIPT_TURNS ? n : SCRIPT_TURNS;
}

/* The reply to one prompt into *out: the hook's, or the next word.
 * 0, or -1 for a conversation error. */
static int reply_to(struct script *sc, const char *prompt, char **out)
{
	const char *word;

	if (sc->hook != NULL && (word = sc->hook(sc, prompt)) != NULL)
		return (*out = strdup(word)) != NULL ? 0 : -1;
	if (sc->next >= sc->n_replies) {
		sc->ran_out = true;
		return -1;
	}
	word = sc->replies[sc->next++];
	return word != NULL ? script_word(word, out) : -1;
}

int script_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct script *sc = data;
	struct pam_response *out;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	out = calloc((size_t)n, sizeof(*out));
	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const char *text = msg[i]->msg != NULL ? msg[i]->msg : "";

		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (sc->n_prompts < SCRIPT_TURNS)
				snprintf(sc->prompts[sc->n_prompts++], SCRIPT_TEXT, "%s", text);
			if (reply_to(sc, text, &out[i].resp) != 0) {
				free_replies(out, n);
				return PAM_CONV_ERR;
			}
			if (sc->n_prompts > 0)
				sc->answered_at[sc->n_prompts - 1] = script_now();
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			if (sc->n_messages < SCRIPT_TURNS) {
				sc->message_at[sc->n_messages] = script_now();
				sc->message_style[sc->n_messages] = msg[i]->msg_style;
				snprintf(sc->messages[sc->n_messages++], SCRIPT_TEXT, "%s", text);
			}
			break;
		default:
			break;
		}
	}
	*resp = out;
	return PAM_SUCCESS;
}

int script_run(const char *service, const char *user, enum script_op op, struct script *sc)
{
	struct pam_conv conv = {script_conv, sc};
	pam_handle_t *pamh = NULL;
	int r;

	r = pam_start(service, user, &conv, &pamh);
	if (r != PAM_SUCCESS)
		return r;
	r = op == SCRIPT_AUTH ? pam_authenticate(pamh, 0) : pam_acct_mgmt(pamh, 0);
	(void)pam_end(pamh, r);
	return r;
}

bool script_said(const struct script *sc, const char *needle)
{
	for (int i = 0; i < sc->n_messages; i++)
		if (strstr(sc->messages[i], needle) != NULL)
			return true;
	return false;
}

bool script_asked(const struct script *sc, const char *needle)
{
	for (int i = 0; i < sc->n_prompts; i++)
		if (strstr(sc->prompts[i], needle) != NULL)
			return true;
	return false;
}
