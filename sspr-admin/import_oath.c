/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin import oath FILE: TOTP tokens from a pam_oath usersfile
 * (oath-toolkit's "TYPE USER PIN SECRET_HEX [COUNTER [LAST_OTP [TIME]]]"
 * lines, with TYPE such as HOTP/T30/6). liboath logs a TOTP use as the
 * window position, the code and the local time of the login
 * ("2024-05-23T15:11:29L"); that time step plus the position is the last
 * step used, and becomes the record's replay mark. The whole file is checked first and nothing is
 * imported when a line is bad, so a typo never leaves half a migration.
 * Secrets are sealed to host.pub as each line is read; the raw bytes are
 * wiped at once. Importing the same file again gives the same result. */
#define _GNU_SOURCE /* strptime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "admin.h"
#include "import.h"
#include "eligibility.h"
#include "util.h"

/* "HOTP", "HOTP/E", "HOTP/E/8", "HOTP/T30", "HOTP/T60/8": the period makes
 * it TOTP. Returns NULL, or what is wrong. */
static const char *parse_type(char *type, unsigned *period, unsigned *digits)
{
	char *part, *save = NULL;
	bool first = true;

	*period = 0;
	*digits = 6;
	for (part = strtok_r(type, "/", &save); part != NULL;
	     part = strtok_r(NULL, "/", &save), first = false) {
		char *end;
		unsigned long v;

		if (first) {
			if (strcmp(part, "HOTP") != 0)
				return "unknown token type (expected HOTP, HOTP/T30, HOTP/T30/6, "
				       "...)";
		} else if (strcmp(part, "E") == 0) {
			*period = 0;
		} else if (part[0] == 'T') {
			v = strtoul(part + 1, &end, 10);
			if (part[1] < '0' || part[1] > '9' || *end != '\0' || v < 1 || v > 3600)
				return "token type: time step must be T1..T3600";
			*period = (unsigned)v;
		} else {
			v = strtoul(part, &end, 10);
			if (part[0] < '0' || part[0] > '9' || *end != '\0')
				return "unknown token type (expected HOTP, HOTP/T30, HOTP/T30/6, "
				       "...)";
			if (v < 6 || v > 8)
				return "token type: digits must be 6, 7 or 8";
			*digits = (unsigned)v;
		}
	}
	if (first)
		return "unknown token type (expected HOTP, HOTP/T30, HOTP/T30/6, ...)";
	return NULL;
}

/* Splits line on blanks into at most OATH_FIELDS_MAX + 1 fields. */
static size_t split(char *line, char *field[OATH_FIELDS_MAX + 1])
{
	char *save = NULL, *f;
	size_t n = 0;

	for (f = strtok_r(line, " \t", &save); f != NULL && n <= OATH_FIELDS_MAX;
	     f = strtok_r(NULL, " \t", &save))
		field[n++] = f;
	return n;
}

static bool all_digits(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int bad_line(struct oath_import *im, unsigned lineno, const char *what)
{
	im->bad++;
	return admin_error(SSPR_EINVAL, "%s:%u: %s", im->path, lineno, what);
}

static const struct oath_token *find_user(const struct oath_import *im, const char *user)
{
	for (size_t i = 0; i < im->n; i++) {
		if (strcmp(im->tok[i].user, user) == 0)
			return &im->tok[i];
	}
	return NULL;
}

static int add_token(struct oath_import *im, const struct oath_token *tok)
{
	if (im->n == im->cap) {
		size_t cap = im->cap == 0 ? 16 : im->cap * 2;
		struct oath_token *p = reallocarray(im->tok, cap, sizeof(*p));

		if (p == NULL)
			return admin_error(SSPR_ENOMEM, "out of memory");
		im->tok = p;
		im->cap = cap;
	}
	im->tok[im->n++] = *tok;
	return SSPR_EXIT_OK;
}

/* The secret field: hex, sealed at once. A bad secret is a bad line
 * (*bad set, SSPR_EXIT_OK); only a sealing failure is an error. */
static int read_secret(struct oath_import *im, unsigned lineno, const char *hex,
		       struct oath_token *tok, bool *bad)
{
	uint8_t raw[SSPR_TOTP_SECRET_MAX + 1];
	size_t len = 0;
	const char *end = NULL;
	char what[SSPR_USER_MAX + 64];
	int rc = SSPR_EXIT_OK;

	*bad = true;
	if (strlen(hex) % 2 != 0 ||
	    sodium_hex2bin(raw, sizeof(raw), hex, strlen(hex), NULL, &len, &end) != 0 ||
	    *end != '\0') {
		(void)bad_line(im, lineno, "secret is not hexadecimal (or over 64 bytes)");
		goto out;
	}
	if (len < ADMIN_SECRET_MIN || len > SSPR_TOTP_SECRET_MAX) {
		snprintf(what, sizeof(what), "user %s: secret is %zu bytes, expected %d..%d",
			 tok->user, len, ADMIN_SECRET_MIN, SSPR_TOTP_SECRET_MAX);
		(void)bad_line(im, lineno, what);
		goto out;
	}
	*bad = false;
	if (admin_totp_seal(im->pk, raw, len, &tok->t) != SSPR_OK)
		rc = admin_error(SSPR_ERR, "sealing a secret to the host key failed");
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

/* The last step a TOTP line's log says was used: the step of its TIME plus
 * its window position (COUNTER). NULL, or what is wrong. */
static const char *parse_last_use(char *const field[OATH_FIELDS_MAX + 1], struct sspr_totp_enrollment *t)
{
	struct tm tm;
	const char *end;
	time_t when;
	long position;
	int64_t step;

	memset(&tm, 0, sizeof(tm));
	end = strptime(field[6], OATH_TIME_FORMAT, &tm);
	if (end == NULL || *end != '\0')
		return "TIME must be as liboath writes it (2024-05-23T15:11:29L)";
	tm.tm_isdst = -1;
	if ((when = mktime(&tm)) == (time_t)-1 || when < 0)
		return "TIME is not a valid local time";
	position = strtol(field[4], NULL, 10);
	if (position < -(long)OATH_POSITION_MAX || position > (long)OATH_POSITION_MAX)
		return "COUNTER of a TOTP line is a window position (a few steps either way)";
	step = (int64_t)when / (int64_t)t->period + position;
	/* A use in the future would refuse every code until then. */
	if (step > 0 && (uint64_t)step <= sspr_totp_step(sspr_now(), t->period) + 1)
		t->last_step = (uint64_t)step;
	return NULL;
}

/* One line. Bad lines are counted (im->bad) and reading goes on, so one
 * run shows every problem; only a failure of the tool itself stops it. */
int admin_oath_read_line(struct oath_import *im, char *line, unsigned lineno)
{
	char *field[OATH_FIELDS_MAX + 1];
	struct oath_token tok;
	const struct oath_token *dup;
	const char *why;
	size_t n;
	bool bad = false;
	int found, rc = SSPR_EXIT_OK;

	memset(&tok, 0, sizeof(tok));
	tok.line = lineno;
	if (strlen(line) > OATH_LINE_MAX) {
		(void)bad_line(im, lineno, "line is too long (at most 1024 bytes)");
		goto out;
	}
	if (line[strspn(line, " \t")] == '\0' || line[strspn(line, " \t")] == '#')
		goto out;
	n = split(line, field);
	if (n < OATH_FIELDS_MIN || n > OATH_FIELDS_MAX) {
		(void)bad_line(im, lineno, "expected TYPE USER PIN SECRET [COUNTER [LAST_OTP [TIME]]]");
		goto out;
	}
	if ((why = parse_type(field[0], &tok.t.period, &tok.t.digits)) != NULL) {
		(void)bad_line(im, lineno, why);
		goto out;
	}
	/* Not echoed: a name that fails the check may hold anything. */
	if (!sspr_user_name_valid(field[1])) {
		(void)bad_line(im, lineno, "invalid user name");
		goto out;
	}
	memcpy(tok.user, field[1], strlen(field[1]) + 1);
	if (n >= 5 && !all_digits(field[4] + (field[4][0] == '-'))) {
		(void)bad_line(im, lineno, "COUNTER must be a number");
		goto out;
	}
	if (n == 7 && tok.t.period != 0 && (why = parse_last_use(field, &tok.t)) != NULL) {
		(void)bad_line(im, lineno, why);
		goto out;
	}
	if (tok.t.period == 0) {
		cli_warn("%s:%u: user %s: HOTP (counter-based) is not supported, skipped",
			   im->path, lineno, tok.user);
		im->skipped++;
		goto out;
	}
	if ((rc = read_secret(im, lineno, field[3], &tok, &bad)) != SSPR_EXIT_OK || bad)
		goto out;
	if (strcmp(field[2], "-") != 0 && strcmp(field[2], "+") != 0)
		cli_warn("%s:%u: user %s: the PIN is not imported: the reset asks for the code "
			   "alone",
			   im->path, lineno, tok.user);
	found = sspr_lookup_user(tok.user, NULL, NULL);
	if (found < 0) {
		rc = admin_error(SSPR_ERR, "%s:%u: user %s: looking up the account failed",
				 im->path, lineno, tok.user);
		goto out;
	}
	if (found == 0) {
		cli_warn("%s:%u: user %s: no such user, skipped", im->path, lineno, tok.user);
		im->skipped++;
		goto out;
	}
	if ((dup = find_user(im, tok.user)) != NULL) {
		cli_warn("%s:%u: user %s: a TOTP token was already read at line %u; only one "
			   "is kept, skipped",
			   im->path, lineno, tok.user, dup->line);
		im->skipped++;
		goto out;
	}
	rc = add_token(im, &tok);
out:
	sodium_memzero(&tok, sizeof(tok));
	return rc;
}

struct oath_write {
	const struct oath_token *tok;
	int64_t now;
	char detail[SSPR_EVENT_DETAIL_MAX + 1];
};

static int oath_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct oath_write *w = ctx;
	int r;

	(void)exists;
	if ((r = sspr_record_set_totp(rec, &w->tok->t, w->now, NULL)) != SSPR_OK)
		return r;
	sspr_event_set(ev, w->now, "enroll", "success", "totp", w->tok->user, ADMIN_SERVICE, "",
		       w->detail);
	return SSPR_OK;
}

/* Each user in their own update: one user's corrupt record does not stop
 * the others. */
static unsigned write_tokens(const struct admin_ctx *ctx, struct sspr_store *st,
			     struct oath_import *im)
{
	struct oath_write w;
	char actor[32];
	unsigned failed = 0;

	memset(&w, 0, sizeof(w));
	admin_actor(actor, sizeof(actor));
	snprintf(w.detail, sizeof(w.detail), "%s, imported from pam_oath", actor);
	w.now = sspr_now();
	for (size_t i = 0; i < im->n; i++) {
		struct sspr_error err = {{0}};
		int r;

		w.tok = &im->tok[i];
		r = sspr_store_update(st, w.tok->user, 0, oath_update, &w,
				      &err);
		if (r != SSPR_OK) {
			(void)admin_update_error(r, &err, w.tok->user);
			failed++;
			continue;
		}
		admin_warn_unusable(&ctx->pol, w.tok->user, SSPR_METHOD_TOTP);
		printf("%s: totp imported (%u digits, %u s period)\n", w.tok->user, w.tok->t.digits,
		       w.tok->t.period);
	}
	return failed;
}

int admin_import_oath(struct admin_ctx *ctx, const char *path)
{
	struct oath_import im;
	struct admin_input in = {0};
	struct sspr_store *st = NULL;
	size_t pos = 0;
	unsigned lineno = 0, failed;
	char *line;
	int rc;

	memset(&im, 0, sizeof(im));
	im.path = path;
	if ((rc = admin_load_host_pub(ctx, im.pk)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_input_file(path, OATH_FILE_MAX, 0, &in)) != SSPR_EXIT_OK)
		goto out;
	while ((line = admin_input_line(&in, &pos, &lineno)) != NULL) {
		if ((rc = admin_oath_read_line(&im, line, lineno)) != SSPR_EXIT_OK)
			goto out;
	}
	admin_input_free(&in);
	if (im.bad > 0) {
		rc = admin_error(SSPR_EINVAL, "%s: %u bad line%s, nothing imported", path, im.bad,
				 im.bad == 1 ? "" : "s");
		goto out;
	}
	failed = write_tokens(ctx, st, &im);
	printf("%s: imported %zu, skipped %u", path, im.n - failed, im.skipped);
	if (failed > 0)
		printf(", failed %u", failed);
	putchar('\n');
	if (failed > 0) {
		rc = admin_error(SSPR_ERR, "%s: %u user%s not imported (see above)", path, failed,
				 failed == 1 ? "" : "s");
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	admin_input_free(&in);
	sspr_store_close(st);
	if (im.tok != NULL) {
		sodium_memzero(im.tok, im.cap * sizeof(*im.tok));
		free(im.tok);
	}
	return rc;
}
