/* The method menu (see method_menu.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "conv.h"
#include "eligibility.h"
#include "mail.h"
#include "method_menu.h"

#define MENU_TRIES 3

static void describe(const struct sspr_session *s, unsigned method, const struct sspr_record *rec,
		     char *out, size_t size)
{
	char masked[SSPR_EMAIL_MAX + 16];

	switch (method) {
	case SSPR_METHOD_TOTP:
		snprintf(out, size, "a code from your authenticator app");
		break;
	case SSPR_METHOD_QUESTIONS:
		snprintf(out, size, "answers to your security questions");
		break;
	case SSPR_METHOD_EMAIL:
		if (s->hide) {
			snprintf(out, size, "a code sent to your registered e-mail address");
			break;
		}
		sspr_email_mask(rec->email.address, masked, sizeof(masked));
		snprintf(out, size, "a code sent by e-mail to %s", masked);
		break;
	default:
		snprintf(out, size, "one of your recovery codes");
		break;
	}
}

unsigned sspr_method_choose(struct sspr_session *s, const struct sspr_record *rec,
			    unsigned candidates)
{
	unsigned listed[4], n = 0;
	char menu[1024], line[SSPR_EMAIL_MAX + 64], prompt[32];
	size_t used = 0;

	for (unsigned m = SSPR_METHOD_TOTP; m <= SSPR_METHOD_RECOVERY; m <<= 1)
		if (candidates & m)
			listed[n++] = m;
	if (n == 1)
		return listed[0];

	used = (size_t)snprintf(menu, sizeof(menu), "How do you want to prove who you are?");
	for (unsigned i = 0; i < n && used < sizeof(menu); i++) {
		describe(s, listed[i], rec, line, sizeof(line));
		used += (size_t)snprintf(menu + used, sizeof(menu) - used, "\n  %u. With %s", i + 1,
					 line);
	}
	snprintf(prompt, sizeof(prompt), "Choose 1-%u: ", n);
	for (int tries = 0; tries < MENU_TRIES; tries++) {
		char *reply = NULL, *end = NULL;
		unsigned long choice;

		sspr_conv_say(s->pamh, PAM_TEXT_INFO, "%s", menu);
		if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_ON, prompt, &reply) != PAM_SUCCESS)
			break;
		choice = strtoul(reply, &end, 10);
		if (reply[0] >= '1' && reply[0] <= '9' && *end == '\0' && choice >= 1 &&
		    choice <= n) {
			sspr_conv_free(reply);
			return listed[choice - 1];
		}
		sspr_conv_free(reply);
		sspr_conv_say(s->pamh, PAM_ERROR_MSG, "Please type a number from 1 to %u.", n);
	}
	sspr_session_outcome(s, LOG_NOTICE, true, "aborted", NULL, "no method chosen");
	return 0;
}
