/* SPDX-License-Identifier: BSD-2-Clause */
/* A stand-in for libpam, for fuzz_dialog.c: just what pam_sspr calls, with
 * the conversation scripted from the fuzz input. Linked instead of libpam,
 * so the whole module runs in the fuzzer's process with nothing loaded from
 * /etc/pam.d. The nested password service (pam_start, pam_chauthtok) asks
 * "New password:" twice through the conversation the module sets, as
 * pam_unix would, and succeeds when both replies agree. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "pam_stub.h"

struct pam_handle {
	char *user;
	char *service;
	char *authtok;
	char *rhost;
	struct pam_conv conv;
};

static char *copy(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* NULL when an allocation fails (the harness may make it fail). */
static pam_handle_t *new_handle(const char *service, const char *user,
				const struct pam_conv *conv)
{
	pam_handle_t *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->service = copy(service);
	h->user = copy(user);
	h->rhost = copy("fuzz.example");
	h->conv = *conv;
	if ((service != NULL && h->service == NULL) || (user != NULL && h->user == NULL) ||
	    h->rhost == NULL) {
		stub_free(h);
		return NULL;
	}
	return h;
}

pam_handle_t *stub_handle(const char *service, const char *user, const struct pam_conv *conv)
{
	pam_handle_t *h = new_handle(service, user, conv);

	if (h == NULL)
		abort(); /* the harness's own, made before any fault is armed */
	return h;
}

void stub_free(pam_handle_t *h)
{
	if (h == NULL)
		return;
	free(h->user);
	free(h->service);
	if (h->authtok != NULL) {
		memset(h->authtok, 0, strlen(h->authtok));
		free(h->authtok);
	}
	free(h->rhost);
	free(h);
}

int pam_start(const char *service, const char *user, const struct pam_conv *conv,
	      pam_handle_t **pamh)
{
	/* As libpam: out of memory is PAM_BUF_ERR, never a crash. */
	*pamh = new_handle(service, user, conv);
	return *pamh != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

int pam_end(pam_handle_t *pamh, int status)
{
	(void)status;
	stub_free(pamh);
	return PAM_SUCCESS;
}

static int set_string(char **slot, const void *value)
{
	char *v = copy(value);

	if (value != NULL && v == NULL)
		return PAM_BUF_ERR;
	if (*slot != NULL) {
		memset(*slot, 0, strlen(*slot));
		free(*slot);
	}
	*slot = v;
	return PAM_SUCCESS;
}

int pam_set_item(pam_handle_t *pamh, int type, const void *item)
{
	switch (type) {
	case PAM_USER:
		return set_string(&pamh->user, item);
	case PAM_SERVICE:
		return set_string(&pamh->service, item);
	case PAM_AUTHTOK:
		return set_string(&pamh->authtok, item);
	case PAM_RHOST:
		return set_string(&pamh->rhost, item);
	case PAM_CONV:
		if (item == NULL)
			return PAM_PERM_DENIED;
		pamh->conv = *(const struct pam_conv *)item;
		return PAM_SUCCESS;
	default:
		return PAM_SUCCESS; /* copied items the stub does not keep */
	}
}

int pam_get_item(const pam_handle_t *pamh, int type, const void **item)
{
	switch (type) {
	case PAM_USER:
		*item = pamh->user;
		return PAM_SUCCESS;
	case PAM_SERVICE:
		*item = pamh->service;
		return PAM_SUCCESS;
	case PAM_AUTHTOK:
		*item = pamh->authtok;
		return PAM_SUCCESS;
	case PAM_RHOST:
		*item = pamh->rhost;
		return PAM_SUCCESS;
	case PAM_CONV:
		*item = &pamh->conv;
		return PAM_SUCCESS;
	default:
		*item = NULL;
		return PAM_BAD_ITEM;
	}
}

int pam_get_user(pam_handle_t *pamh, const char **user, const char *prompt)
{
	(void)prompt;
	*user = pamh->user;
	return pamh->user != NULL ? PAM_SUCCESS : PAM_USER_UNKNOWN;
}

int pam_vprompt(pam_handle_t *pamh, int style, char **response, const char *fmt, va_list args)
{
	char text[2048];
	struct pam_message msg = {.msg_style = style, .msg = text};
	const struct pam_message *msgs = &msg;
	struct pam_response *resp = NULL;
	int r;

	if (response != NULL)
		*response = NULL;
	(void)vsnprintf(text, sizeof(text), fmt, args);
	r = pamh->conv.conv(1, &msgs, &resp, pamh->conv.appdata_ptr);
	if (r != PAM_SUCCESS)
		return r;
	if (resp != NULL) {
		if (response != NULL)
			*response = resp->resp;
		else if (resp->resp != NULL)
			free(resp->resp);
		free(resp);
	}
	return PAM_SUCCESS;
}

int pam_prompt(pam_handle_t *pamh, int style, char **response, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pam_vprompt(pamh, style, response, fmt, ap);
	va_end(ap);
	return r;
}

int pam_get_authtok(pam_handle_t *pamh, int item, const char **authtok, const char *prompt)
{
	char *typed = NULL;
	int r;

	if (pamh->authtok != NULL) {
		*authtok = pamh->authtok;
		return PAM_SUCCESS;
	}
	r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &typed, "%s", prompt != NULL ? prompt : "Password: ");
	if (r != PAM_SUCCESS)
		return r;
	r = set_string(&pamh->authtok, typed != NULL ? typed : "");
	free(typed);
	*authtok = pamh->authtok;
	return r;
}

int pam_chauthtok(pam_handle_t *pamh, int flags)
{
	char *first = NULL, *second = NULL;
	int r;

	(void)flags;
	r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &first, "New password: ");
	if (r == PAM_SUCCESS)
		r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &second, "Retype new password: ");
	if (r == PAM_SUCCESS && (first == NULL || second == NULL || first[0] == '\0' ||
				 strcmp(first, second) != 0))
		r = PAM_AUTHTOK_ERR;
	free(first);
	free(second);
	return r;
}

int pam_get_data(const pam_handle_t *pamh, const char *name, const void **data)
{
	(void)pamh;
	(void)name;
	*data = NULL;
	return PAM_NO_MODULE_DATA;
}

/* PAM's environment is empty here: the dialog's language comes from the
 * process's (the harness's LANGUAGE, if any). */
const char *pam_getenv(pam_handle_t *pamh, const char *name)
{
	(void)pamh;
	(void)name;
	return NULL;
}

const char *pam_strerror(pam_handle_t *pamh, int errnum)
{
	(void)pamh;
	return errnum == PAM_SUCCESS ? "Success" : "stub error";
}

void pam_vsyslog(const pam_handle_t *pamh, int priority, const char *fmt, va_list args)
{
	char line[2048];

	(void)pamh;
	(void)priority;
	/* Formatted, so a bad format or argument shows under the sanitizers. */
	(void)vsnprintf(line, sizeof(line), fmt, args);
	stub_log_line(line);
}

void pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pam_vsyslog(pamh, priority, fmt, ap);
	va_end(ap);
}
