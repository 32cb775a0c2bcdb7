/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin import google-authenticator USER FILE: a user's
 * ~/.google_authenticator (libpam-google-authenticator): the base32 secret
 * on the first line, option lines starting with '" ', then the 8-digit
 * emergency scratch codes. The TOTP secret is sealed to host.pub and the
 * scratch codes become the user's recovery codes, both in one store
 * update. A counter-based (HOTP) file is refused: pam_sspr has no HOTP. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "import.h"
#include "codes.h"
#include "eligibility.h"
#include "totp.h"
#include "util.h"

struct ga_write {
	const char *user;
	int64_t now;
	const struct sspr_totp_enrollment *t;
	const struct sspr_record *codes; /* recovery codes to copy, or NULL */
	char detail[SSPR_EVENT_DETAIL_MAX + 1];
	bool replaced;
};

static void bad_line(struct ga_file *g, unsigned lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Counted, and reading goes on: one run shows every bad line. */
static void bad_line(struct ga_file *g, unsigned lineno, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	g->bad++;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	(void)admin_error(SSPR_EINVAL, "%s:%u: %s", g->path, lineno, what);
}

static bool parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return false;
	*v = strtoull(s, &end, 10);
	return *end == '\0' && *v <= max;
}

/* '" NAME [ARGS...]'. Options that tune the other tool's verifier
 * (WINDOW_SIZE, RATE_LIMIT, TIME_SKEW) have no meaning here: the policy's
 * totp_window and lockout settings apply. */
static void parse_option(struct ga_file *g, char *line, unsigned lineno)
{
	char shown[CLI_QUOTE_MAX + 4];
	char *save = NULL, *name, *arg;
	unsigned long long v;

	name = strtok_r(line + 1, " \t", &save);
	if (name == NULL) {
		bad_line(g, lineno, "empty option line");
		return;
	}
	if (strcmp(name, "TOTP_AUTH") == 0) {
		g->totp_auth = true;
	} else if (strcmp(name, "HOTP_COUNTER") == 0) {
		g->hotp_line = lineno;
	} else if (strcmp(name, "STEP_SIZE") == 0) {
		arg = strtok_r(NULL, " \t", &save);
		if (!parse_uint(arg, 3600, &v) || v < 1 || strtok_r(NULL, " \t", &save) != NULL)
			bad_line(g, lineno, "STEP_SIZE must be 1..3600 seconds");
		else
			g->t.period = (unsigned)v;
	} else if (strcmp(name, "DISALLOW_REUSE") == 0) {
		/* The time steps already used: the latest becomes our replay
		 * mark, so a code used just before the move is not good twice. */
		while ((arg = strtok_r(NULL, " \t", &save)) != NULL) {
			if (!parse_uint(arg, UINT64_MAX, &v)) {
				bad_line(g, lineno, "DISALLOW_REUSE takes time steps (numbers)");
				return;
			}
			if (v > g->t.last_step)
				g->t.last_step = v;
		}
	} else if (strcmp(name, "WINDOW_SIZE") != 0 && strcmp(name, "RATE_LIMIT") != 0 &&
		   strcmp(name, "TIME_SKEW") != 0) {
		cli_warn("%s:%u: unknown option '%s', ignored", g->path, lineno,
			   cli_quote_arg(name, shown, sizeof(shown)));
	}
}

static void parse_scratch(struct ga_file *g, const char *line, unsigned lineno)
{
	if (strlen(line) != GA_SCRATCH_DIGITS || strspn(line, "0123456789") != GA_SCRATCH_DIGITS) {
		bad_line(g, lineno, "expected a scratch code (8 digits) or an option line");
		return;
	}
	if (g->n_scratch == SSPR_RECOVERY_MAX) {
		bad_line(g, lineno, "too many scratch codes (at most %d)", SSPR_RECOVERY_MAX);
		return;
	}
	memcpy(g->scratch[g->n_scratch++], line, GA_SCRATCH_DIGITS + 1);
}

static int parse_secret(struct ga_file *g, const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES],
			const char *line)
{
	uint8_t raw[GA_LINE_MAX];
	size_t len = 0;
	int rc = SSPR_EXIT_OK;

	if (strlen(line) > GA_LINE_MAX ||
	    sspr_base32_decode(line, raw, sizeof(raw), &len) != SSPR_OK) {
		bad_line(g, 1, "secret is not valid base32");
		goto out;
	}
	if (len < ADMIN_SECRET_MIN || len > SSPR_TOTP_SECRET_MAX) {
		bad_line(g, 1, "secret is %zu bytes, expected %d..%d", len, ADMIN_SECRET_MIN,
			 SSPR_TOTP_SECRET_MAX);
		goto out;
	}
	if (admin_totp_seal(pk, raw, len, &g->t) != SSPR_OK)
		rc = admin_error(SSPR_ERR, "sealing the secret to the host key failed");
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int admin_ga_parse(struct ga_file *g, const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES])
{
	struct admin_input in;
	size_t pos = 0;
	unsigned lineno = 0;
	char *line;
	int rc;

	if ((rc = admin_input_file(g->path, GA_FILE_MAX, g->owner, &in)) != SSPR_EXIT_OK)
		return rc;
	g->t.period = GA_DEFAULT_PERIOD;
	g->t.digits = GA_DIGITS;
	line = admin_input_line(&in, &pos, &lineno);
	if (line == NULL || line[0] == '\0') {
		rc = admin_error(SSPR_EINVAL, "%s:1: expected the base32 secret", g->path);
		goto out;
	}
	if ((rc = parse_secret(g, pk, line)) != SSPR_EXIT_OK)
		goto out;
	while ((line = admin_input_line(&in, &pos, &lineno)) != NULL) {
		if (strlen(line) > GA_LINE_MAX)
			bad_line(g, lineno, "line is too long");
		else if (line[0] == '"')
			parse_option(g, line, lineno);
		else if (line[0] != '\0')
			parse_scratch(g, line, lineno);
	}
	if (g->hotp_line != 0) {
		rc = admin_error(SSPR_EINVAL,
				 "%s:%u: HOTP_COUNTER: counter-based (HOTP) tokens are not "
				 "supported; only TOTP can be imported",
				 g->path, g->hotp_line);
		goto out;
	}
	if (g->bad > 0) {
		rc = admin_error(SSPR_EINVAL, "%s: %u bad line%s, nothing imported", g->path,
				 g->bad, g->bad == 1 ? "" : "s");
		goto out;
	}
	/* A used step past now would block every code until then. */
	if (g->t.last_step > sspr_totp_step(sspr_now(), g->t.period) + 1) {
		cli_warn("%s: DISALLOW_REUSE names time steps in the future, ignored", g->path);
		g->t.last_step = 0;
	}
	if (!g->totp_auth) {
		rc = admin_error(SSPR_EINVAL,
				 "%s: no \" TOTP_AUTH line: not a time-based "
				 "google-authenticator file",
				 g->path);
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	admin_input_free(&in);
	return rc;
}

static int ga_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct ga_write *w = ctx;
	int r;

	(void)exists;
	if ((r = sspr_record_set_totp(rec, w->t, w->now, &w->replaced)) != SSPR_OK)
		return r;
	if (w->codes != NULL && (r = sspr_record_set_recovery(rec, w->codes, w->now, NULL)) != SSPR_OK)
		return r;
	sspr_event_set(ev, w->now, "enroll", "success", "totp", w->user, ADMIN_SERVICE, "",
		       w->detail);
	return SSPR_OK;
}

/* Hashes the scratch codes into a scratch record, outside the update. */
int admin_ga_hash_scratch(const struct ga_file *g, struct sspr_record *codes)
{
	const char *list[SSPR_RECOVERY_MAX];
	int r;

	for (unsigned i = 0; i < g->n_scratch; i++)
		list[i] = g->scratch[i];
	r = sspr_recovery_set(codes, list, g->n_scratch);
	if (r != SSPR_OK)
		return admin_error(r, "%s: scratch codes: %s", g->path, sspr_strerror(r));
	return SSPR_EXIT_OK;
}

/* The recovery codes' own audit event, so the report counts them. */
static void recovery_event(struct sspr_store *st, const struct ga_write *w)
{
	struct sspr_error err = {{0}};
	struct sspr_event ev;

	sspr_event_set(&ev, w->now, "enroll", "success", "recovery", w->user, ADMIN_SERVICE, "",
		       w->detail);
	if (sspr_store_append_event(st, &ev, &err) != SSPR_OK)
		cli_warn("recording the audit event failed: %s",
			   err.msg[0] != '\0' ? err.msg : "store error");
}

int admin_import_ga(struct admin_ctx *ctx, const char *user, const char *path)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_record *codes = NULL;
	struct ga_file *g;
	struct ga_write w;
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	char actor[32];
	int r, rc;

	memset(&w, 0, sizeof(w));
	g = sodium_malloc(sizeof(*g));
	codes = sodium_malloc(sizeof(*codes));
	if (g == NULL || codes == NULL) {
		rc = admin_error(SSPR_ENOMEM, "out of memory");
		goto out;
	}
	memset(g, 0, sizeof(*g));
	sspr_record_init(codes);
	g->path = path;
	if ((rc = admin_check_user_exists(user)) != SSPR_EXIT_OK)
		goto out;
	if (sspr_lookup_user(user, &g->owner, NULL) != 1) {
		rc = admin_error(SSPR_ERR, "%s: looking up the account failed", user);
		goto out;
	}
	if ((rc = admin_load_host_pub(ctx, pk)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_ga_parse(g, pk)) != SSPR_EXIT_OK)
		goto out;
	if (g->n_scratch > 0 && (rc = admin_ga_hash_scratch(g, codes)) != SSPR_EXIT_OK)
		goto out;
	admin_warn_unusable(&ctx->pol, user, SSPR_METHOD_TOTP);

	w.user = user;
	w.t = &g->t;
	w.codes = g->n_scratch > 0 ? codes : NULL;
	w.now = sspr_now();
	admin_actor(actor, sizeof(actor));
	snprintf(w.detail, sizeof(w.detail), "%s, imported from google-authenticator", actor);
	r = sspr_store_update(st, user, 0, ga_update, &w, &err);
	if (r != SSPR_OK) {
		rc = admin_update_error(r, &err, user);
		goto out;
	}
	if (w.codes != NULL)
		recovery_event(st, &w);
	printf("%s: totp imported (%u digits, %u s period)%s\n", user, g->t.digits, g->t.period,
	       w.replaced ? ", replacing the previous secret" : "");
	if (g->n_scratch > 0)
		printf("%s: %u scratch codes imported as recovery codes\n", user, g->n_scratch);
	else
		printf("%s: no scratch codes in %s; recovery codes unchanged\n", user, path);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	if (g != NULL) {
		sodium_memzero(g, sizeof(*g));
		sodium_free(g);
	}
	if (codes != NULL) {
		sspr_record_wipe(codes);
		sodium_free(codes);
	}
	return rc;
}
