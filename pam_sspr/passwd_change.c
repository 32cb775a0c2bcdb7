/* SPDX-License-Identifier: BSD-2-Clause */
/* Nested PAM transaction for the password change. The new password is
 * learnt from the conversation: libpam wipes PAM_AUTHTOK when pam_chauthtok
 * returns, and the login that follows needs it to go on through the rest
 * of the stack (pam_unix try_first_pass, then any second factor). */
#define _GNU_SOURCE /* setresuid */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <sodium.h>

#include "config.h"
#include "conv.h"
#include "pamconf.h"
#include "passwd_change.h"

/* Nothing converses outside pam_chauthtok, which installs the relay. */
static int idle_conv(int n, const struct pam_message **msg, struct pam_response **resp,
		     void *data)
{
	return PAM_CONV_ERR;
}

static const struct pam_conv idle = {.conv = idle_conv, .appdata_ptr = NULL};

/* The outer conversation, and the last two replies to hidden prompts: the
 * new password is handed on only when they agree (the new password and
 * its retype, which every password stack asks last), so no other secret
 * a module of the password service might ask for reaches the login stack.
 * The application's conversation runs with the caller's real uid, never
 * with the real uid 0 of the change itself. */
struct relay {
	const struct pam_conv *outer;
	char *hidden[2]; /* sodium_malloc'd, SSPR_REPLY_MAX + 1 bytes each */
	size_t len[2];
	unsigned last;   /* index of the newer of the two */
	unsigned n_hidden;
	bool swapped;    /* real uid 0 for the change: back to `caller` to converse */
	uid_t caller;
};

static void remember_hidden(struct relay *relay, const char *text)
{
	size_t len = strnlen(text, SSPR_REPLY_MAX + 1);
	unsigned slot = (relay->last + 1) % 2;

	if (len > SSPR_REPLY_MAX)
		len = 0; /* too long to be ours to pass on */
	memcpy(relay->hidden[slot], text, len);
	relay->hidden[slot][len] = '\0';
	relay->len[slot] = len;
	relay->last = slot;
	relay->n_hidden++;
}

/* Replies the application gave that will not be passed back: wiped. */
static void discard_replies(struct pam_response *resp, int n)
{
	for (int i = 0; i < n; i++)
		sspr_conv_free(resp[i].resp);
	free(resp);
}

static int relay_conv(int n, const struct pam_message **msg, struct pam_response **resp,
		      void *data)
{
	struct relay *relay = data;
	int r;

	if (relay->swapped && setresuid(relay->caller, (uid_t)-1, (uid_t)-1) != 0)
		return PAM_CONV_ERR;
	r = relay->outer->conv(n, msg, resp, relay->outer->appdata_ptr);
	if (relay->swapped && setresuid(0, (uid_t)-1, (uid_t)-1) != 0) {
		/* Without real uid 0 the change fails closed: say so now, and
		 * take the replies back (a caller frees none on an error). */
		relay->swapped = false;
		if (r == PAM_SUCCESS && *resp != NULL)
			discard_replies(*resp, n);
		*resp = NULL;
		return PAM_CONV_ERR;
	}
	if (r != PAM_SUCCESS || *resp == NULL)
		return r;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF && (*resp)[i].resp != NULL)
			remember_hidden(relay, (*resp)[i].resp);
	return r;
}

/* The new password, when the last two hidden replies agree; NULL else. */
static char *confirmed_password(struct relay *relay)
{
	unsigned last = relay->last, prev = (last + 1) % 2;
	char *password;

	if (relay->n_hidden < 2 || relay->len[last] == 0 || relay->len[last] != relay->len[prev] ||
	    sodium_memcmp(relay->hidden[last], relay->hidden[prev], relay->len[last]) != 0)
		return NULL;
	password = relay->hidden[last];
	relay->hidden[last] = NULL;
	return password;
}

int sspr_passwd_open(struct sspr_session *s, char *why, size_t why_size)
{
	char gone[128];
	int r;

	/* libpam starts a service whose modules are missing and fails only
	 * in pam_chauthtok, after the user has spent a code: look first. */
	if (sspr_pamconf_find_missing(NULL, s->policy.password_service, "password", gone,
				      sizeof(gone))) {
		snprintf(why, why_size, "PAM service %s needs %s, which is not installed",
			 s->policy.password_service, gone);
		return PAM_MODULE_UNKNOWN;
	}
	r = pam_start(s->policy.password_service, s->user, &idle, &s->passwd);
	if (r != PAM_SUCCESS) {
		s->passwd = NULL;
		snprintf(why, why_size, "cannot start PAM service %s: %s",
			 s->policy.password_service, pam_strerror(s->pamh, r));
		return r;
	}
	sspr_session_share_items(s, s->passwd);
	return PAM_SUCCESS;
}

/* Real uid 0 for the change; only a process whose effective uid is 0 can
 * (and then must, so pam_unix does not ask for the current password). */
static bool become_real_root(uid_t *caller)
{
	*caller = getuid();
	if (*caller == 0 || geteuid() != 0)
		return false;
	return setresuid(0, (uid_t)-1, (uid_t)-1) == 0;
}

static void restore_real_uid(struct sspr_session *s, uid_t caller)
{
	if (setresuid(caller, (uid_t)-1, (uid_t)-1) != 0) {
		/* Cannot happen with euid 0; if it did, the process would
		 * carry on as real root: stop it rather than hand that on. */
		pam_syslog(s->pamh, LOG_CRIT, "cannot restore real uid %u: %s", (unsigned)caller,
			   strerror(errno));
		abort();
	}
}

int sspr_passwd_change(struct sspr_session *s, char **new_password, char *why, size_t why_size)
{
	const struct pam_conv *outer = NULL;
	struct relay relay = {.last = 1};
	struct pam_conv conv = {.conv = relay_conv, .appdata_ptr = &relay};
	int r;

	if (new_password != NULL)
		*new_password = NULL;
	if (s->passwd == NULL) {
		snprintf(why, why_size, "password service not started");
		return PAM_SYSTEM_ERR;
	}
	r = pam_get_item(s->pamh, PAM_CONV, (const void **)&outer);
	if (r != PAM_SUCCESS || outer == NULL) {
		snprintf(why, why_size, "no conversation function");
		return PAM_CONV_ERR;
	}
	if (sodium_init() < 0) {
		snprintf(why, why_size, "libsodium cannot start");
		return PAM_SYSTEM_ERR;
	}
	relay.outer = outer;
	relay.hidden[0] = sodium_malloc(SSPR_REPLY_MAX + 1);
	relay.hidden[1] = sodium_malloc(SSPR_REPLY_MAX + 1);
	if (relay.hidden[0] == NULL || relay.hidden[1] == NULL) {
		snprintf(why, why_size, "out of memory");
		r = PAM_BUF_ERR;
		goto out;
	}
	/* libpam keeps its own copy of a conversation: hand it the relay,
	 * and take it back before the relay goes out of scope. */
	r = pam_set_item(s->passwd, PAM_CONV, &conv);
	if (r != PAM_SUCCESS) {
		snprintf(why, why_size, "cannot set the conversation: %s",
			 pam_strerror(s->passwd, r));
		goto out;
	}
	relay.swapped = become_real_root(&relay.caller);
	r = pam_chauthtok(s->passwd, s->flags & PAM_SILENT);
	if (relay.swapped)
		restore_real_uid(s, relay.caller);
	s->passwd_status = r;
	if (r != PAM_SUCCESS)
		snprintf(why, why_size, "%s: %s", s->policy.password_service,
			 pam_strerror(s->passwd, r));
	else if (new_password != NULL)
		*new_password = confirmed_password(&relay);
	if (pam_set_item(s->passwd, PAM_CONV, &idle) != PAM_SUCCESS) {
		/* The handle would keep a conversation into this stack frame:
		 * end it now. */
		(void)pam_end(s->passwd, r);
		s->passwd = NULL;
	}
out:
	sodium_free(relay.hidden[0]); /* sodium_free wipes; NULL is fine */
	sodium_free(relay.hidden[1]);
	return r;
}

void sspr_passwd_close(struct sspr_session *s)
{
	if (s->passwd == NULL)
		return;
	(void)pam_end(s->passwd, s->passwd_status);
	s->passwd = NULL;
}

void sspr_passwd_forget(char *password)
{
	sodium_free(password);
}
