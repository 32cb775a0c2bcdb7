/* SPDX-License-Identifier: BSD-2-Clause */
/* Per-call state of one reset attempt and the single place where outcomes
 * are reported: one syslog line (authpriv) and one audit event each. */
#ifndef SSPR_SESSION_H
#define SSPR_SESSION_H

#include <stdbool.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>

#include "account_state.h"
#include "eligibility.h"
#include "options.h"
#include "policy.h"
#include "policy_store.h"
#include "store.h"

/* What the user asked for at the first menu (unlock = yes). */
enum sspr_action {
	SSPR_ACTION_RESET = 0, /* set a new password */
	SSPR_ACTION_UNLOCK,    /* keep the password, clear pam_faillock's lock */
};

struct sspr_session {
	pam_handle_t *pamh;
	int flags; /* the application's PAM flags (PAM_SILENT) */
	const struct sspr_options *opts;
	struct sspr_policy policy;
	bool policy_loaded;
	const char *user;
	const char *service;     /* PAM_SERVICE made safe for logs (session.c) */
	const char *pam_service; /* PAM_SERVICE as the application set it, "" if none */
	const char *rhost;       /* PAM_RHOST, PAM_TTY and PAM_RUSER, made safe the same way */
	const char *tty;
	const char *ruser;
	bool account_exists; /* events are kept only for real accounts */
	struct sspr_user_ids ids; /* the account, as the eligibility check found it */
	struct sspr_rule rule;    /* what this user must prove (admin_policy) */
	struct sspr_store *store;
	bool lock_started; /* a failure in this reset locked further resets */
	bool hide;         /* enumeration = hide: refusals never say why */
	bool last_method;  /* the challenge under way is the last one required */
	int64_t charged_at; /* the failure counted before this challenge (0: none) */
	enum sspr_action action;
	enum sspr_account_state account_state; /* from the shadow entry, before any challenge */
	pam_handle_t *passwd;        /* the password service, started before any challenge */
	int passwd_status;           /* what pam_chauthtok returned, for pam_end */
	/* A turned-away account's audit event, written by the decoy's first
	 * store write rather than before the menu (see sspr_session_defer). */
	struct sspr_event deferred;
	bool has_deferred;
};

/* Fills ev with this session's user, service and rhost. */
void sspr_session_event(const struct sspr_session *s, struct sspr_event *ev, const char *result,
			const char *method, const char *detail);

/* Logs the outcome; when `store_event` is true also appends the audit
 * event (callers pass false when the event was already written inside the
 * store update that decided the outcome). */
void sspr_session_outcome(struct sspr_session *s, int priority, bool store_event,
			  const char *result, const char *method, const char *detail);
/* The outcome as sspr_session_outcome reports it, then text (a message id;
 * NULL: the caller says it, with sspr_session_refuse_fmt) said to the
 * user: how every stop for a reason of ours ends. */
void sspr_session_stop(struct sspr_session *s, int priority, bool store_event, const char *result,
		       const char *method, const char *detail, const char *text);

/* The user gave up at a challenge's prompt, or the conversation failed:
 * logged and recorded as "aborted"; the failure counted when the challenge
 * opened stands. Hidden, the user is also told the
 * challenge's refusal and the helpdesk text, exactly as a decoy does, so
 * that even giving up looks the same for everyone. */
void sspr_session_aborted(struct sspr_session *s, const char *method, const char *refusal);

/* Logs the outcome now and keeps its audit event for the next paced
 * write: a turned-away account then makes its writes where an enrolled
 * user's challenge makes them, not one more before the menu. */
void sspr_session_defer(struct sspr_session *s, int priority, const char *result,
			const char *method, const char *detail);

/* The write a decoy makes where a real challenge writes: the deferred
 * event if there is one, else a decoy write (one commit either way). */
int sspr_session_paced_write(struct sspr_session *s, struct sspr_error *err);

/* Writes a deferred event the dialog did not get to (it ended first). */
void sspr_session_flush(struct sspr_session *s);

/* Gives a nested transaction (the password change, a delegated method)
 * the login's PAM_TTY, PAM_RHOST and PAM_RUSER, so its modules log, and
 * show in a push, what the login's own stack would. */
void sspr_session_share_items(const struct sspr_session *s, pam_handle_t *inner);

/* debug-only log line. */
void sspr_session_debug(const struct sspr_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Tells the user a reset cannot go on, with the helpdesk text when known.
 * text and fmt are message ids (i18n.h): translated here, so the texts
 * that travel (a challenge's refusal, a stop's) are translated once, where
 * they are shown; a caller marks a literal with N_(). */
void sspr_session_refuse(const struct sspr_session *s, const char *text);
void sspr_session_refuse_fmt(const struct sspr_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
