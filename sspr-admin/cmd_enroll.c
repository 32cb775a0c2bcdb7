/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin enroll USER totp --secret-stdin: enrolls a TOTP secret the
 * admin already has (from a token sheet or another system). The secret comes
 * only from stdin, is sealed to host.pub at once, and every copy of it is
 * wiped on every path; it is never echoed, not even in an error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "hostkey.h"
#include "record.h"
#include "totp.h"

#define SECRET_LINE_MAX 256 /* base32 characters, spaces included */
/* Room for the longest line decoded, so "too long" is told apart from
 * "not base32". */
#define SECRET_DECODED_CAP (SECRET_LINE_MAX * 5 / 8 + 1)

#define ENROLL_USAGE                                                                               \
	"usage: enroll USER totp --secret-stdin | enroll USER questions --stdin | "                \
	"enroll USER email ADDRESS | enroll USER phone NUMBER"

struct enroll_totp {
	int64_t now;
	const char *user;
	struct sspr_totp_enrollment t;
	char actor[32];
	bool replaced; /* out: a previous TOTP secret was overwritten */
};

/* At a terminal the secret is typed, so it must not be echoed; piped in,
 * nothing is printed. Returns true when echo was turned off. */
static bool echo_off(struct termios *saved)
{
	struct termios quiet;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) != 0)
		return false;
	quiet = *saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
		return false;
	fputs("TOTP secret (base32): ", stderr);
	return true;
}

/* Reads one line from stdin into line (NUL-terminated, line end dropped).
 * One byte per read(2): nothing past the newline is consumed, and no stdio
 * buffer keeps a copy of the secret that we could not wipe. */
static int read_secret_line(char line[SECRET_LINE_MAX + 1])
{
	struct termios saved;
	bool restore = echo_off(&saved);
	size_t n = 0;
	char c = 0;
	int rc = SSPR_EXIT_ERROR;

	for (;;) {
		ssize_t got = read(STDIN_FILENO, &c, 1);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = admin_error(SSPR_ERR, "reading the secret from stdin: %s",
					 strerror(errno));
			goto out;
		}
		if (got == 0 || c == '\n')
			break;
		if (n == SECRET_LINE_MAX) {
			rc = admin_error(SSPR_EINVAL, "secret is too long (at most %d characters)",
					 SECRET_LINE_MAX);
			goto out;
		}
		line[n++] = c;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	if (n == 0) {
		rc = admin_error(SSPR_EINVAL, "no secret on stdin (expected one line of base32)");
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	if (restore) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	sodium_memzero(&c, sizeof(c));
	if (rc != SSPR_EXIT_OK)
		sodium_memzero(line, SECRET_LINE_MAX + 1);
	return rc;
}

/* Reads, decodes and seals the secret into e->sealed. */
static int read_and_seal(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], struct enroll_totp *e)
{
	char line[SECRET_LINE_MAX + 1];
	uint8_t raw[SECRET_DECODED_CAP];
	size_t raw_len = 0;
	int rc;

	if ((rc = read_secret_line(line)) != SSPR_EXIT_OK)
		goto out;
	rc = SSPR_EXIT_ERROR;
	if (sspr_base32_decode(line, raw, sizeof(raw), &raw_len) != SSPR_OK) {
		rc = admin_error(SSPR_EINVAL, "secret is not valid base32 (A-Z, 2-7; spaces "
					      "and case are ignored)");
		goto out;
	}
	if (raw_len < ADMIN_SECRET_MIN || raw_len > SSPR_TOTP_SECRET_MAX) {
		rc = admin_error(SSPR_EINVAL, "secret is %s: %zu bytes, expected %d..%d",
				 raw_len < ADMIN_SECRET_MIN ? "too short" : "too long", raw_len,
				 ADMIN_SECRET_MIN, SSPR_TOTP_SECRET_MAX);
		goto out;
	}
	if (admin_totp_seal(pk, raw, raw_len, &e->t) != SSPR_OK) {
		rc = admin_error(SSPR_ERR, "sealing the secret to the host key failed");
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	sodium_memzero(line, sizeof(line));
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

/* Runs inside the store's write; may run more than once, so it only
 * changes rec, ev and its own outputs. */
static int enroll_totp_update(struct sspr_record *rec, bool exists, struct sspr_event *ev,
			      void *ctx)
{
	struct enroll_totp *e = ctx;
	int r;

	(void)exists;
	if ((r = sspr_record_set_totp(rec, &e->t, e->now, &e->replaced)) != SSPR_OK)
		return r;
	sspr_event_set(ev, e->now, "enroll", "success", "totp", e->user, ADMIN_SERVICE, "",
		       e->actor);
	return SSPR_OK;
}

static int enroll_totp(struct admin_ctx *ctx, const char *user)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct enroll_totp e;
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	int r, rc;

	memset(&e, 0, sizeof(e));
	e.user = user;
	e.t.digits = ctx->pol.totp.digits;
	e.t.period = ctx->pol.totp.period;
	admin_actor(e.actor, sizeof(e.actor));
	/* The record's own limits; a policy that passed its parser is within
	 * them, but a truncating cast must never be the thing that checks. */
	if (e.t.digits < 6 || e.t.digits > 8 || e.t.period < 1 || e.t.period > 3600) {
		rc = admin_error(SSPR_EINVAL, "policy: totp_digits or totp_period out of range");
		goto out;
	}
	if ((rc = admin_check_user_exists(user)) != SSPR_EXIT_OK)
		goto out;
	admin_warn_unusable(&ctx->pol, user, SSPR_METHOD_TOTP);

	/* Key first: a missing key fails before the secret is read. */
	if ((rc = admin_load_host_pub(ctx, pk)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = read_and_seal(pk, &e)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	e.now = sspr_now();
	r = sspr_store_update(st, user, 0, enroll_totp_update, &e, &err);
	if (r != SSPR_OK) {
		rc = admin_update_error(r, &err, user);
		goto out;
	}
	printf("%s: totp enrolled (%u digits, %u s period)%s\n", user, e.t.digits, e.t.period,
	       e.replaced ? ", replacing the previous secret" : "");
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	sodium_memzero(&e, sizeof(e));
	return rc;
}

/* The second word that is not an option: the method. Looked at before
 * the options, whose set depends on it. */
static const char *method_word(int argc, char **argv)
{
	int words = 0;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			continue;
		if (++words == 2)
			return argv[i];
	}
	return NULL;
}

static int enroll_questions_args(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	int rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_STDIN, &args)) != SSPR_EXIT_OK)
		return rc;
	/* Answers are secrets too: never taken from the command line. */
	if (args.npos != 2 || (args.flags & ADMIN_F_STDIN) == 0)
		return admin_usage_error("enroll: answers are read only from stdin, as "
					 "\"question<TAB>answer\" lines "
					 "(usage: enroll USER questions --stdin)");
	return admin_enroll_questions(ctx, args.pos[0]);
}

static int enroll_contact_args(struct admin_ctx *ctx, unsigned method, int argc, char **argv)
{
	struct admin_args args;
	int rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 3)
		return admin_usage_error(method == SSPR_METHOD_PHONE
						 ? "enroll: usage: enroll USER phone NUMBER"
						 : "enroll: usage: enroll USER email ADDRESS");
	return admin_enroll_contact(ctx, args.pos[0], method, args.pos[2]);
}

int admin_cmd_enroll(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	const char *method = method_word(argc, argv);
	int rc;

	if (method != NULL && strcmp(method, "questions") == 0)
		return enroll_questions_args(ctx, argc, argv);
	if (method != NULL && strcmp(method, "email") == 0)
		return enroll_contact_args(ctx, SSPR_METHOD_EMAIL, argc, argv);
	if (method != NULL && strcmp(method, "phone") == 0)
		return enroll_contact_args(ctx, SSPR_METHOD_PHONE, argc, argv);
	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_SECRET_STDIN, &args)) !=
	    SSPR_EXIT_OK)
		return rc;
	if (args.npos < 2)
		return admin_usage_error("enroll: " ENROLL_USAGE);
	if (strcmp(args.pos[1], "totp") != 0)
		return admin_usage_error("enroll: unknown method; " ENROLL_USAGE);
	/* A third word is most likely the secret itself: refuse it without
	 * repeating it, and say where the secret belongs. */
	if (args.npos > 2 || (args.flags & ADMIN_F_SECRET_STDIN) == 0)
		return admin_usage_error("enroll: the secret is never taken from the command "
					 "line; pipe it in with --secret-stdin (usage: enroll "
					 "USER totp --secret-stdin)");
	return enroll_totp(ctx, args.pos[0]);
}
