/* SPDX-License-Identifier: BSD-2-Clause */
/* The method menu (see method_menu.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "conv.h"
#include "eligibility.h"
#include "i18n.h"
#include "mail.h"
#include "method_menu.h"
#include "phone.h"

#define MENU_TRIES 3
/* The question, every item and "Choose 1-N: ": more than Linux-PAM's
 * PAM_MAX_MSG_SIZE (512), which is advice to applications, not a limit
 * they enforce (misc_conv, sshd and the display managers take any
 * length); a menu of seven methods with two masked contacts, translated,
 * needs more than 512. */
#define MENU_MAX 2048

/* One line of the method menu, a whole sentence for the translators. */
static void describe(const struct sspr_session *s, unsigned method, const struct sspr_record *rec,
		     char *out, size_t size)
{
	char masked[SSPR_EMAIL_MAX + 16];

	switch (method) {
	case SSPR_METHOD_TOTP:
		snprintf(out, size, "%s", _("With a code from your authenticator app"));
		break;
	case SSPR_METHOD_QUESTIONS:
		snprintf(out, size, "%s", _("With answers to your security questions"));
		break;
	case SSPR_METHOD_EMAIL:
		if (s->hide) {
			snprintf(out, size, "%s",
				 _("With a code sent to your registered e-mail address"));
			break;
		}
		sspr_email_mask(rec->email.address, masked, sizeof(masked));
		/* TRANSLATORS: %s is a masked e-mail address, such as a***@example.org. */
		snprintf(out, size, _("With a code sent by e-mail to %s"), masked);
		break;
	case SSPR_METHOD_PHONE:
		if (s->hide) {
			snprintf(out, size, "%s",
				 _("With a code sent to your registered phone number"));
			break;
		}
		sspr_phone_mask(rec->phone.address, masked, sizeof(masked));
		/* TRANSLATORS: %s is a masked phone number. */
		snprintf(out, size, _("With a code sent by text message to %s"), masked);
		break;
	case SSPR_METHOD_PASS:
		snprintf(out, size, "%s", _("With a temporary access pass from your helpdesk"));
		break;
	case SSPR_METHOD_PAM:
		if (s->policy.delegated_label[0] != '\0')
			/* TRANSLATORS: %s is the administrator's own description of
			 * a check, such as "a security key" (shown as written). */
			snprintf(out, size, _("With %s"), s->policy.delegated_label);
		else
			/* TRANSLATORS: %s is the name of a PAM service, such as u2f. */
			snprintf(out, size, _("With the check of the %s service"),
				 s->policy.delegated_service);
		break;
	default:
		snprintf(out, size, "%s", _("With one of your recovery codes"));
		break;
	}
}

/* The question, the numbered items and "Choose 1-N: " are one prompt: a
 * graphical greeter shows a prompt's text with its entry, while an info
 * message sent before it may be replaced or hidden (and a terminal prints
 * the same lines either way). */
int sspr_menu_ask(struct sspr_session *s, const char *title, const char *const *items,
		  unsigned n)
{
	char prompt[MENU_MAX];
	size_t used;

	used = (size_t)snprintf(prompt, sizeof(prompt), "%s", title);
	for (unsigned i = 0; i < n && used < sizeof(prompt); i++)
		used += (size_t)snprintf(prompt + used, sizeof(prompt) - used, "\n  %u. %s", i + 1,
					 items[i]);
	if (used < sizeof(prompt))
		/* TRANSLATORS: the last line of a menu; %u is its number of items. */
		(void)snprintf(prompt + used, sizeof(prompt) - used, _("\nChoose 1-%u: "), n);
	for (int tries = 0; tries < MENU_TRIES; tries++) {
		char *reply = NULL, *end = NULL;
		unsigned long choice;

		if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_ON, prompt, &reply) != PAM_SUCCESS)
			break;
		choice = strtoul(reply, &end, 10);
		if (reply[0] >= '1' && reply[0] <= '9' && *end == '\0' && choice >= 1 &&
		    choice <= n) {
			sspr_conv_free(reply);
			return (int)choice - 1;
		}
		sspr_conv_free(reply);
		sspr_conv_say(s->pamh, PAM_ERROR_MSG, _("Please type a number from 1 to %u."), n);
	}
	return -1;
}

unsigned sspr_method_choose(struct sspr_session *s, const struct sspr_record *rec,
			    unsigned candidates)
{
	unsigned listed[SSPR_METHOD_COUNT], n = 0;
	char lines[SSPR_METHOD_COUNT][SSPR_EMAIL_MAX + 128];
	const char *items[SSPR_METHOD_COUNT];
	int choice;

	SSPR_FOR_EACH_METHOD(m)
		if (candidates & m)
			listed[n++] = m;
	if (n == 1)
		return listed[0];
	for (unsigned i = 0; i < n; i++) {
		describe(s, listed[i], rec, lines[i], sizeof(lines[i]));
		items[i] = lines[i];
	}
	choice = sspr_menu_ask(s, _("How do you want to prove who you are?"), items, n);
	if (choice >= 0)
		return listed[choice];
	sspr_session_outcome(s, LOG_NOTICE, true, "aborted", NULL, "no method chosen");
	return 0;
}

bool sspr_action_choose(struct sspr_session *s)
{
	const char *const items[] = {
		_("Reset a forgotten password"),
		_("Unlock my account (I remember my password)"),
	};
	int choice;

	s->action = SSPR_ACTION_RESET;
	if (!s->policy.unlock)
		return true;
	choice = sspr_menu_ask(s, _("What do you need?"), items, 2);
	if (choice < 0) {
		sspr_session_outcome(s, LOG_NOTICE, true, "aborted", NULL, "no action chosen");
		return false;
	}
	s->action = choice == 1 ? SSPR_ACTION_UNLOCK : SSPR_ACTION_RESET;
	return true;
}
