/* SPDX-License-Identifier: BSD-2-Clause */
/* Declarations shared by the files of sspr-enroll, the user's enrollment
 * helper. It runs setgid sspr-store: the only privilege it has is writing the
 * store, and it uses it only for the record of the user who runs it. */
#ifndef SSPR_ENROLL_H
#define SSPR_ENROLL_H

#include <stdbool.h>

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "eligibility.h"
#include "i18n.h"
#include "language.h"
#include "policy.h"
#include "policy_store.h"
#include "store.h"
#include "record.h"
#include "util.h"

#define ENROLL_PROG "sspr-enroll"
#define ENROLL_SERVICE "sspr-enroll" /* PAM service and audit service name */

/* Messages are in the text domain pam_sspr (_() and N_(), i18n.h). A count
 * in a message goes through dngettext even where the English reads the
 * same for one ("1 minutes"): other languages get their plural forms, and
 * the English stays as the tests' transcripts have it. */

struct enroll_ctx {
	char user[SSPR_USER_MAX + 1]; /* from the real uid, never the environment */
	struct sspr_policy pol;
	struct sspr_rule rule;        /* what pol asks of this user (admin_policy) */
	bool qr;                      /* draw the QR code (totp) */
	bool json;                    /* status --json */
	const char *arg;              /* email ADDRESS, remove METHOD */
	bool authenticated;           /* the password was checked in this run */
};

/* privileges.c */
bool enroll_privileged(void);
/* Clears the environment, umask 007, no core dumps, fds 0-2 open, others
 * closed. Called first thing in main(), after only the locale is set. */
int enroll_sanitize(void);
/* LANGUAGE (gettext's list of languages), when it is set and harmless,
 * copied into buf for putting back after enroll_sanitize; false when there
 * is none to keep. */
bool enroll_keep_language(char buf[SSPR_LANGUAGE_MAX + 1]);
/* The name of the real uid's account. */
int enroll_identity(char *user, size_t size);

/* authenticate.c: the current password through the PAM service
 * sspr-enroll, asked at most once per run (ctx->authenticated). Returns
 * SSPR_EXIT_OK or SSPR_EXIT_AUTH. */
int enroll_authenticate(struct enroll_ctx *ctx);

/* authenticate.c: group, uid and root rules, with the helpdesk text on refusal.
 * SSPR_EXIT_OK or SSPR_EXIT_DENIED. */
int enroll_check_eligible(const struct enroll_ctx *ctx);

/* prompt.c: line input from stdin, which works the same on a terminal and
 * on a pipe (tests). Each returns 0, or -1 at end of input or on a read
 * error, or -2 for a line longer than size - 1 (the rest of it is read and
 * dropped, buf is wiped). The newline is removed. */
int enroll_read_line(const char *prompt, char *buf, size_t size);
/* The same with echo off when stdin is a terminal. */
int enroll_read_secret(const char *prompt, char *buf, size_t size);
/* "[Y/n]" / "[y/N]" questions: 1 yes, 0 no, -1 end of input. An empty
 * answer takes def. */
int enroll_ask_yes_no(const char *question, bool def);

/* record_ops.c: helpers shared by the commands that change the record. */
/* Reads the caller's record without changing it: SSPR_OK, SSPR_ENOENT or an
 * error (already reported on stderr). */
int enroll_load_record(const struct enroll_ctx *ctx, struct sspr_record *rec);
/* Opens the store, runs fn on the caller's record in one update and closes
 * it again. On failure says "WHAT: why" (what: the translated failure,
 * such as "cannot store the questions") and returns the negative status;
 * otherwise returns fn's status. A record that does not decode is refused
 * and left untouched. */
int enroll_update_record(const struct enroll_ctx *ctx, sspr_store_update_fn fn, void *update,
			 const char *what);
/* "WHAT: why" on stderr for a failed store call r. */
void enroll_store_error(const char *what, int r, const struct sspr_error *err);
/* SSPR_EXIT_OK when the policy lets users register method, else a
 * message and SSPR_EXIT_DENIED. */
int enroll_method_allowed(const struct enroll_ctx *ctx, unsigned method);
/* Appends an audit event outside a record change (a failed enrollment). */
void enroll_log_event(const struct enroll_ctx *ctx, const char *action, const char *result,
		      const char *method, const char *detail);

/* qr.c: draws text as a QR code with Unicode half blocks. */
int enroll_draw_qr(const char *text);

/* Sub-commands; each returns an exit code. Those that change the record
 * expect the caller to have checked eligibility and the password. */
/* device: the name of the device to add or replace; NULL: SSPR_DEVICE_DEFAULT. */
int enroll_cmd_totp(struct enroll_ctx *ctx, const char *device);
int enroll_cmd_questions(struct enroll_ctx *ctx);
int enroll_cmd_email(struct enroll_ctx *ctx, const char *address);
int enroll_cmd_phone(struct enroll_ctx *ctx, const char *number);
/* The e-mail address or phone number as it will be stored (an address as
 * given, a number in E.164 form) into out (SSPR_EMAIL_MAX + 1 bytes);
 * false, told on stderr, when typed is not one. */
bool enroll_take_contact(unsigned method, const char *typed, char *out, size_t size);
int enroll_cmd_recovery(struct enroll_ctx *ctx);
/* device: one authenticator device (method SSPR_METHOD_TOTP); NULL: the method. */
int enroll_cmd_remove(struct enroll_ctx *ctx, unsigned method, const char *device);
int enroll_cmd_status(struct enroll_ctx *ctx);
/* guided.c: no sub-command. */
int enroll_guided(struct enroll_ctx *ctx);

#endif
