/* Declarations shared by the files of sspr-enroll, the user's enrollment
 * helper. It runs setgid sspr: the only privilege it has is writing the
 * store, and it uses it only for the record of the user who runs it. */
#ifndef SSPR_ENROLL_H
#define SSPR_ENROLL_H

#include <stdbool.h>

#include <stddef.h>

#include "policy.h"
#include "util.h"

#define ENROLL_PROG "sspr-enroll"
#define ENROLL_SERVICE "sspr-enroll" /* PAM service and audit service name */

/* DESIGN.md section 7 (contract). */
enum enroll_exit {
	ENROLL_EXIT_OK = 0,
	ENROLL_EXIT_ERROR = 1,
	ENROLL_EXIT_USAGE = 2,
	ENROLL_EXIT_DENIED = 3,
	ENROLL_EXIT_AUTH = 4,
};

struct enroll_ctx {
	char user[SSPR_USER_MAX + 1]; /* from the real uid, never the environment */
	struct sspr_policy pol;
	bool qr;                      /* draw the QR code (totp) */
	bool json;                    /* status --json */
};

/* privileges.c */
bool enroll_privileged(void);
/* Clears the environment, umask 007, no core dumps, fds 0-2 open, others
 * closed. Called first thing in main(). */
int enroll_sanitize(void);
/* The name of the real uid's account. */
int enroll_identity(char *user, size_t size);

/* authenticate.c: the current password through the PAM service
 * sspr-enroll. Returns ENROLL_EXIT_OK or ENROLL_EXIT_AUTH. */
int enroll_authenticate(const char *user);

/* qr.c: draws text as a QR code with Unicode half blocks. */
int enroll_draw_qr(const char *text);

/* Sub-commands; each returns an exit code. */
int enroll_cmd_totp(struct enroll_ctx *ctx);
int enroll_cmd_status(struct enroll_ctx *ctx);

/* messages on stderr: "sspr-enroll: ..." */
void enroll_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
