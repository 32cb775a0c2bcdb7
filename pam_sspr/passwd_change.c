/* Nested PAM transaction for the password change. The new password is
 * learnt from the conversation: libpam wipes PAM_AUTHTOK when pam_chauthtok
 * returns, and the login that follows needs it to go on through the rest
 * of the stack (pam_unix try_first_pass, then any second factor). */
#define _GNU_SOURCE /* setresuid */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <sodium.h>

#include "config.h"
#include "conv.h"
#include "pamconf.h"
#include "passwd_change.h"

/* Items the nested stack should see as the outer one does, so pam_unix
 * logs the right tty and remote host. */
static const int copied_items[] = {PAM_TTY, PAM_RHOST, PAM_RUSER};

/* The outer conversation, and the last reply to a hidden prompt: in every
 * password stack that completes, that is the retyped new password. A wrong
 * guess is harmless: the next module checks it against what was written
 * and asks afresh (try_first_pass). */
struct relay {
	const struct pam_conv *outer;
	char *last_hidden; /* sodium_malloc'd, SSPR_REPLY_MAX + 1 bytes */
	size_t last_len;
};

static int relay_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct relay *relay = data;
	int r;

	if (relay == NULL) /* only pam_chauthtok converses, and sets it */
		return PAM_CONV_ERR;
	r = relay->outer->conv(n, msg, resp, relay->outer->appdata_ptr);
	if (r != PAM_SUCCESS || *resp == NULL || relay->last_hidden == NULL)
		return r;
	for (int i = 0; i < n; i++) {
		const char *text = (*resp)[i].resp;
		size_t len;

		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF || text == NULL)
			continue;
		len = strnlen(text, SSPR_REPLY_MAX + 1);
		if (len > SSPR_REPLY_MAX)
			len = 0; /* too long to be ours to pass on */
		memcpy(relay->last_hidden, text, len);
		relay->last_hidden[len] = '\0';
		relay->last_len = len;
	}
	return r;
}

struct missing {
	char module[128];
	bool found;
};

/* A module line libpam would fail on because its file is not there. */
static void check_module(const struct sspr_pam_line *line, void *ctx)
{
	struct missing *m = ctx;
	char path[512];

	if (m->found || line->if_present)
		return;
	if (line->module[0] == '/')
		snprintf(path, sizeof(path), "%s", line->module);
	else
		snprintf(path, sizeof(path), "%s/%s", SSPR_PAM_MODULE_DIR, line->module);
	if (access(path, F_OK) == 0)
		return;
	snprintf(m->module, sizeof(m->module), "%s", line->module);
	m->found = true;
}

int sspr_passwd_open(struct sspr_session *s, char *why, size_t why_size)
{
	/* Nothing converses before pam_chauthtok, which gets the relay. */
	const struct pam_conv idle = {.conv = relay_conv, .appdata_ptr = NULL};
	const struct pam_conv *conv = NULL;
	struct missing gone = {.found = false};
	int r;

	r = pam_get_item(s->pamh, PAM_CONV, (const void **)&conv);
	if (r != PAM_SUCCESS || conv == NULL) {
		snprintf(why, why_size, "no conversation function");
		return r != PAM_SUCCESS ? r : PAM_CONV_ERR;
	}
	/* libpam starts a service whose modules are missing and fails only
	 * in pam_chauthtok, after the user has spent a code: look first. */
	(void)sspr_pamconf_walk(NULL, s->policy.password_service, "password", check_module, &gone);
	if (gone.found) {
		snprintf(why, why_size, "PAM service %s needs %s, which is not installed",
			 s->policy.password_service, gone.module);
		return PAM_MODULE_UNKNOWN;
	}
	r = pam_start(s->policy.password_service, s->user, &idle, &s->passwd);
	if (r != PAM_SUCCESS) {
		s->passwd = NULL;
		snprintf(why, why_size, "cannot start PAM service %s: %s",
			 s->policy.password_service, pam_strerror(s->pamh, r));
		return r;
	}
	for (size_t i = 0; i < sizeof(copied_items) / sizeof(copied_items[0]); i++) {
		const void *value = NULL;

		if (pam_get_item(s->pamh, copied_items[i], &value) == PAM_SUCCESS && value != NULL)
			(void)pam_set_item(s->passwd, copied_items[i], value);
	}
	return PAM_SUCCESS;
}

/* Real uid 0 for the change, back to the caller's afterwards. Only a
 * process whose effective uid is 0 can do either; others keep theirs. */
static bool become_real_root(uid_t *saved)
{
	*saved = getuid();
	if (*saved == 0 || geteuid() != 0)
		return false;
	return setresuid(0, (uid_t)-1, (uid_t)-1) == 0;
}

static void restore_real_uid(struct sspr_session *s, uid_t saved)
{
	if (setresuid(saved, (uid_t)-1, (uid_t)-1) != 0) {
		/* Cannot happen with euid 0; if it did, the process would
		 * carry on as real root: stop it rather than hand that on. */
		pam_syslog(s->pamh, LOG_CRIT, "cannot restore real uid %u: %s", (unsigned)saved,
			   strerror(errno));
		abort();
	}
}

int sspr_passwd_change(struct sspr_session *s, char **new_password, char *why, size_t why_size)
{
	const struct pam_conv *outer = NULL;
	struct relay relay = {0};
	struct pam_conv conv = {.conv = relay_conv, .appdata_ptr = &relay};
	uid_t saved_uid;
	bool swapped;
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
	relay.outer = outer;
	relay.last_hidden = sodium_malloc(SSPR_REPLY_MAX + 1);
	/* libpam keeps its own copy of a conversation: hand it the relay. */
	r = pam_set_item(s->passwd, PAM_CONV, &conv);
	if (r != PAM_SUCCESS) {
		snprintf(why, why_size, "cannot set the conversation: %s",
			 pam_strerror(s->passwd, r));
		goto out;
	}

	swapped = become_real_root(&saved_uid);
	r = pam_chauthtok(s->passwd, s->flags & PAM_SILENT);
	if (swapped)
		restore_real_uid(s, saved_uid);
	s->passwd_status = r;

	if (r != PAM_SUCCESS) {
		snprintf(why, why_size, "%s: %s", s->policy.password_service,
			 pam_strerror(s->passwd, r));
	} else if (new_password != NULL && relay.last_hidden != NULL && relay.last_len > 0) {
		*new_password = relay.last_hidden;
		relay.last_hidden = NULL;
	}
out:
	if (relay.last_hidden != NULL)
		sodium_free(relay.last_hidden); /* sodium_free wipes */
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
	if (password != NULL)
		sodium_free(password);
}
