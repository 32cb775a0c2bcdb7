/* SPDX-License-Identifier: BSD-2-Clause */
/* Declarations shared by the files of sspr-admin, root's administration
 * tool. Each sub-command lives in its own cmd_*.c and returns an exit code;
 * library statuses become exit codes only through cli_exit_status(). */
#ifndef SSPR_ADMIN_H
#define SSPR_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "enrollment.h"
#include "hostkey.h"
#include "policy.h"
#include "policy_store.h"
#include "record.h"
#include "status.h"
#include "store.h"

#define ADMIN_PROG "sspr-admin"
#define ADMIN_SERVICE "sspr-admin" /* service name in audit events */


/* What main() hands every command: the policy, loaded once. */
struct admin_ctx {
	const char *config_path;
	bool config_explicit; /* --config given: a missing file is an error */
	bool config_found;    /* false: default path missing, built-in defaults */
	struct sspr_policy pol;
};

/* errors.c: a message (cli/report.h) and the exit code for status
 * (cli_exit_status), in one call. */
int admin_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int admin_lib_error(int status, const struct sspr_error *err, const char *what);
int admin_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* args.c: options and positional arguments after the sub-command. */
enum admin_flag {
	ADMIN_F_JSON = 1u << 0,
	ADMIN_F_SECRET_STDIN = 1u << 1,
	ADMIN_F_PRINT = 1u << 2,
	ADMIN_F_STDIN = 1u << 3,
	ADMIN_F_SINCE = 1u << 4, /* "--since DAYS" or "--since=DAYS": a value option */
	ADMIN_F_FLEET = 1u << 5,
	ADMIN_F_REPLACE = 1u << 6,
	ADMIN_F_PREPARE = 1u << 7,
	ADMIN_F_FINISH = 1u << 8,
	ADMIN_F_DRY_RUN = 1u << 9,
	ADMIN_F_TO = 1u << 10, /* "--to BACKEND": a value option */
	ADMIN_F_TTL = 1u << 11, /* "--ttl DURATION" */
	ADMIN_F_USES = 1u << 12, /* "--uses N" */
};
#define ADMIN_POS_MAX 4
struct admin_args {
	const char *pos[ADMIN_POS_MAX];
	size_t npos;
	unsigned flags;
	const char *since; /* the value of --since, when given */
	const char *to;	   /* the value of --to, when given */
	const char *ttl;   /* --ttl */
	const char *uses;  /* --uses */
};
/* Accepts the flags in `allowed` anywhere and up to ADMIN_POS_MAX
 * positionals; returns SSPR_EXIT_OK or SSPR_EXIT_USAGE (message printed).
 * Positionals are never echoed, since one could be a misplaced secret. */
int admin_parse_args(const char *cmd, int argc, char **argv, unsigned allowed,
		     struct admin_args *out);
/* A count of days, 1..max, in decimal; otherwise prints "WHAT 'S': DAYS
 * must be 1..MAX" and returns SSPR_EXIT_USAGE. */
int admin_parse_days(const char *what, const char *s, unsigned max, unsigned *days);
/* The same for a count N. */
int admin_parse_count(const char *what, const char *s, unsigned max, unsigned *n);
/* A duration: a decimal number with an optional unit s, m, h or d ("90m",
 * "1h", "2d"; seconds without one), min..max seconds; otherwise prints
 * "WHAT 'S': ..." and returns SSPR_EXIT_USAGE. */
int admin_parse_duration(const char *what, const char *s, unsigned min, unsigned max,
			 unsigned *seconds);

/* user.c */
/* SSPR_EXIT_OK when user is a valid name; otherwise prints and returns the
 * exit code. */
int admin_check_user_name(const char *user);
/* SSPR_EXIT_OK when user exists in NSS; otherwise prints and returns. */
int admin_check_user_exists(const char *user);
/* Warns when the policy would not let user reset with method. */
void admin_warn_unusable(const struct sspr_policy *pol, const char *user, unsigned method);
/* "by root" or "by uid N", for event details. */
void admin_actor(char *buf, size_t size);

/* admin_store.c: opens the policy's store, printing any error. */
int admin_store_open(const struct admin_ctx *ctx, unsigned flags, struct sspr_store **out);
/* The message for a failed update of user's record (not enrolled, corrupt
 * with the command that repairs it, or the library's words). */
int admin_update_error(int r, const struct sspr_error *err, const char *user);

/* totp_write.c: a TOTP secret sealed to host.pub, ready to be put into a
 * record inside a store update (which only copies it). */
/* Loads host.pub, printing any error. */
int admin_load_host_pub(const struct admin_ctx *ctx, uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES]);
/* Seals the raw secret (ADMIN_SECRET_MIN..SSPR_TOTP_SECRET_MAX bytes,
 * checked by the caller) into t; SSPR_OK or SSPR_ERR. */
int admin_totp_seal(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], const uint8_t *raw, size_t len,
		    struct sspr_totp_enrollment *t);
#define ADMIN_SECRET_MIN 10 /* bytes: 80 bits, what most authenticator apps issue */

/* input.c: whole files and stdin read into wiped memory, for inputs that
 * hold secrets (answers, TOTP secrets, scratch codes). */
struct admin_input {
	char *buf; /* NUL-terminated; sodium_malloc'd */
	size_t len;
	size_t cap;
};
/* Reads a regular file of at most max bytes; a NUL byte is refused. Prints
 * "PATH: why" and returns the exit code on failure. The file is not
 * followed if it is a symbolic link, must belong to root or owner, and
 * must not be writable by group or others. Warns when others may read it,
 * since it holds secrets. */
int admin_input_file(const char *path, size_t max, uid_t owner, struct admin_input *in);
/* Reads stdin to its end, at most max bytes. */
int admin_input_stdin(size_t max, struct admin_input *in);
void admin_input_free(struct admin_input *in);
/* The next line of in (from *pos): NUL-terminated in place, CR LF or LF
 * dropped. Returns NULL at the end. *lineno counts lines. */
char *admin_input_line(struct admin_input *in, size_t *pos, unsigned *lineno);


/* Sub-commands. argv[0] is the sub-command's name. */
int admin_cmd_init(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_enroll(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_list(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_show(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_revoke(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_unlock(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_check_config(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_doctor(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_import(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_report(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_key(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_migrate(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_prune(struct admin_ctx *ctx, int argc, char **argv);
int admin_cmd_pass(struct admin_ctx *ctx, int argc, char **argv);

/* Methods of "enroll" and "import", each in its own file. */
int admin_enroll_questions(struct admin_ctx *ctx, const char *user);
/* enroll_contact.c: an e-mail address or phone number the admin vouches
 * for (method SSPR_METHOD_EMAIL or SSPR_METHOD_PHONE). */
int admin_enroll_contact(struct admin_ctx *ctx, const char *user, unsigned method,
			 const char *typed);
int admin_import_oath(struct admin_ctx *ctx, const char *path);
int admin_import_ga(struct admin_ctx *ctx, const char *user, const char *path);

#endif
