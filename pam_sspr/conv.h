/* SPDX-License-Identifier: BSD-2-Clause */
/* Talking to the user through the application's conversation function,
 * with every reply bounded and wiped. */
#ifndef SSPR_CONV_H
#define SSPR_CONV_H

#include <stdbool.h>

#include <security/pam_modules.h>

#define SSPR_REPLY_MAX 512 /* longer replies are refused, not truncated */

/* Asks one question (PAM_PROMPT_ECHO_OFF or _ON). On PAM_SUCCESS *reply is
 * a NUL-terminated string the caller frees with sspr_conv_free. A reply
 * longer than SSPR_REPLY_MAX is PAM_CONV_ERR. (A reply is a C string: one
 * with a NUL byte inside is taken up to the NUL, as by every module.) */
int sspr_conv_ask(pam_handle_t *pamh, int style, const char *prompt, char **reply);
void sspr_conv_free(char *reply);

/* Shows a message (PAM_TEXT_INFO or PAM_ERROR_MSG); failures are ignored:
 * a message that cannot be shown must not change the outcome. */
void sspr_conv_say(pam_handle_t *pamh, int style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether the application is a graphical login: PAM_XDISPLAY is set, or
 * PAM_TTY names a display (":0"), as display managers set them. */
bool sspr_conv_graphical(pam_handle_t *pamh);

/* Shows text (PAM_TEXT_INFO) as the last word before the module returns,
 * so it is read before the session starts: on a terminal as any message;
 * at a graphical login with a prompt to press Enter in the same call (a
 * greeter keeps a message in view only while a prompt waits; a message
 * alone is gone when the session starts). The answer is ignored. */
void sspr_conv_say_last(pam_handle_t *pamh, const char *text);

#endif
