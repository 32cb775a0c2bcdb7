/* SPDX-License-Identifier: BSD-2-Clause */
/* Two hosts racing on one user through two different directory servers,
 * inside the replication lag (run under tests/ldap/with-slapd.sh).
 *
 * ssprRevision makes the directory store exact on one server; across two
 * multi-provider servers each one checks the revision it holds, so two
 * writes made on A and B before either has replicated both succeed and
 * syncrepl keeps one of them. This program measures how often that happens
 * for the two updates where it matters (a TOTP step accepted twice, a
 * failure lost from the lockout count) and runs the same races on one
 * server as a control, where the store must be exact. The figures are
 * printed as TAP comments for the closing note and the docs.
 *
 * Convergence: with two writes of one entry at the same instant on A and B,
 * OpenLDAP's multi-provider syncrepl may leave each server holding the
 * other's write (entryCSN swapped) until the next write of that entry
 * (about a third of the lockout trials; delta-syncrepl was tried and did
 * worse: every lockout trial ended with the same entryCSN and different
 * values). So across servers the check is what does hold: after every
 * trial replication settles, and where A and B were left different, one
 * more write of the user on A (a host's next update of that user) brings
 * both to the same values within CONVERGE_MS. On one server (the control)
 * A and B must agree after every trial, on the same write. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>
#include <sodium.h>

#include "store.h"

enum {
	TRIALS = 100,
	CONVERGE_MS = 5000,     /* replication must have settled within this after a trial, and
				 * after the write that repairs a divergence */
	FAILURES_RESET = 90,    /* clear the failure list before it nears SSPR_FAILURES_MAX */
	CHECKS = 16,            /* TAP plan: 2 for setup, 4 per replay race, 3 per lockout race */
};

static const char *const user = "racer";
static char base[256], users_dn[300], user_dn[400];
static int tap_n, tap_failed;
static LDAP *inspect_a, *inspect_b; /* the rootdn over each server's ldapi socket */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		printf("Bail out! %s is not set: run under tests/ldap/with-slapd.sh\n", name);
		exit(1);
	}
	return v;
}

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		tap_failed++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static struct sspr_store_config config_for(const char *uri)
{
	return (struct sspr_store_config){
		.backend = SSPR_BACKEND_LDAP,
		.ldap_uri = uri,
		.ldap_base = base,
		.ldap_bind_dn = env("SSPR_LDAP_BIND_DN"),
		.ldap_bind_password_file = env("SSPR_LDAP_BIND_PASSWORD_FILE"),
		.ldap_tls_cacert = env("SSPR_LDAP_CACERT"),
		.ldap_timeout = 5,
	};
}

/* --- Looking at each server directly, behind the store's back ------------------------- */

static LDAP *root_connect(const char *ldapi)
{
	LDAP *ld = NULL;
	int v3 = LDAP_VERSION3;
	char pw[256] = "";
	FILE *f = fopen(env("SSPR_LDAP_ROOT_PASSWORD_FILE"), "r");
	struct berval cred;
	int r;

	if (f == NULL || fgets(pw, sizeof(pw), f) == NULL) {
		printf("Bail out! cannot read SSPR_LDAP_ROOT_PASSWORD_FILE\n");
		exit(1);
	}
	fclose(f);
	pw[strcspn(pw, "\n")] = '\0';
	cred = (struct berval){strlen(pw), pw};
	r = ldap_initialize(&ld, ldapi);
	if (r == LDAP_SUCCESS) {
		ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
		r = ldap_sasl_bind_s(ld, env("SSPR_LDAP_ROOT_DN"), LDAP_SASL_SIMPLE, &cred, NULL,
				     NULL, NULL);
	}
	sodium_memzero(pw, sizeof(pw));
	if (r != LDAP_SUCCESS) {
		printf("Bail out! %s: rootdn bind: %s\n", ldapi, ldap_err2string(r));
		exit(1);
	}
	return ld;
}

/* What a server holds for the user: every attribute the races touch, and
 * entryCSN, which names the write a server kept (two writes may carry equal
 * values: both hosts accept the same step in the same second). */
struct state {
	bool present;
	char csn[64];
	char revision[24];
	char updated_at[24];
	char last_step[24];
	char failures[2400]; /* SSPR_FAILURES_MAX times of up to 20 digits and a space */
};

static void copy_value(LDAP *ld, LDAPMessage *e, const char *attr, char *out, size_t cap)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);

	out[0] = '\0';
	if (v != NULL && v[0] != NULL) {
		size_t n = v[0]->bv_len < cap - 1 ? v[0]->bv_len : cap - 1;

		memcpy(out, v[0]->bv_val, n);
		out[n] = '\0';
	}
	ldap_value_free_len(v);
}

/* 0, or -1 when the server did not answer (the message is printed). */
static int read_state(LDAP *ld, const char *dn, struct state *st)
{
	char *attrs[] = {"entryCSN", "ssprRevision", "ssprUpdatedAt", "ssprTotpLastStep",
			 "ssprFailureTimes", NULL};
	struct timeval tv = {5, 0};
	LDAPMessage *res = NULL, *e;
	int r;

	memset(st, 0, sizeof(*st));
	r = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL,
			      &tv, 1, &res);
	if (r == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return 0;
	}
	if (r != LDAP_SUCCESS) {
		printf("# read %s: %s\n", dn, ldap_err2string(r));
		ldap_msgfree(res);
		return -1;
	}
	e = ldap_first_entry(ld, res);
	if (e != NULL) {
		st->present = true;
		copy_value(ld, e, "entryCSN", st->csn, sizeof(st->csn));
		copy_value(ld, e, "ssprRevision", st->revision, sizeof(st->revision));
		copy_value(ld, e, "ssprUpdatedAt", st->updated_at, sizeof(st->updated_at));
		copy_value(ld, e, "ssprTotpLastStep", st->last_step, sizeof(st->last_step));
		copy_value(ld, e, "ssprFailureTimes", st->failures, sizeof(st->failures));
	}
	ldap_msgfree(res);
	return 0;
}

/* What a host reads back: the values, whichever write they came from. */
static bool same_content(const struct state *a, const struct state *b)
{
	return a->present == b->present && strcmp(a->revision, b->revision) == 0 &&
	       strcmp(a->updated_at, b->updated_at) == 0 && strcmp(a->last_step, b->last_step) == 0 &&
	       strcmp(a->failures, b->failures) == 0;
}

static bool same_state(const struct state *a, const struct state *b)
{
	return same_content(a, b) && strcmp(a->csn, b->csn) == 0;
}

static unsigned n_failures(const struct state *st)
{
	unsigned n = 0;

	for (const char *p = st->failures; *p != '\0'; p++)
		if (*p != ' ' && (p == st->failures || p[-1] == ' '))
			n++;
	return n;
}

static void print_state(const char *server, const struct state *st)
{
	size_t len = strlen(st->failures);

	/* The newest failures are where two writes differ: show the tail. */
	printf("#   %s: %s csn=%s rev=%s last_step=%s failures=%u [...%s]\n", server,
	       st->present ? "entry" : "no entry", st->csn, st->revision, st->last_step,
	       n_failures(st), st->failures + (len > 33 ? len - 33 : 0));
}


/* The suffix's contextCSN values, one per server id, joined: the newest
 * change each server has applied from each origin. When A's and B's are
 * equal, every write either made has reached the other and replication has
 * nothing left in flight. */
static int read_context(LDAP *ld, char *out, size_t cap)
{
	char *attrs[] = {"contextCSN", NULL};
	struct timeval tv = {5, 0};
	LDAPMessage *res = NULL, *e;
	struct berval **v = NULL;
	size_t len = 0;
	int r;

	out[0] = '\0';
	r = ldap_search_ext_s(ld, env("SSPR_LDAP_SUFFIX"), LDAP_SCOPE_BASE, "(objectClass=*)",
			      attrs, 0, NULL, NULL, &tv, 1, &res);
	if (r != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		ldap_msgfree(res);
		return -1;
	}
	v = ldap_get_values_len(ld, e, "contextCSN");
	/* slapd keeps them in server id order, so a plain join compares. */
	for (int i = 0; v != NULL && v[i] != NULL && len + v[i]->bv_len + 2 < cap; i++) {
		memcpy(out + len, v[i]->bv_val, v[i]->bv_len);
		len += v[i]->bv_len;
		out[len++] = ' ';
		out[len] = '\0';
	}
	ldap_value_free_len(v);
	ldap_msgfree(res);
	return 0;
}

enum { SETTLED_SAME = 0, SETTLED_DIFFERENT = 1, NOT_SETTLED = -1 };

/* Polls both servers until replication has settled (equal contextCSN before
 * and after reading the entry on both). SETTLED_SAME when they then hold
 * the same values for dn, SETTLED_DIFFERENT when they do not (nothing left
 * in flight will ever make them agree), NOT_SETTLED after CONVERGE_MS.
 * out[0], out[1] get A's and B's state, *ms the time from `since`. */
static int wait_converged(const char *dn, double since, struct state out[2], double *ms)
{
	char ctx[4][512];

	for (;;) {
		if (read_context(inspect_a, ctx[0], sizeof(ctx[0])) == 0 &&
		    read_context(inspect_b, ctx[1], sizeof(ctx[1])) == 0 &&
		    strcmp(ctx[0], ctx[1]) == 0 && read_state(inspect_a, dn, &out[0]) == 0 &&
		    read_state(inspect_b, dn, &out[1]) == 0 &&
		    read_context(inspect_a, ctx[2], sizeof(ctx[2])) == 0 &&
		    read_context(inspect_b, ctx[3], sizeof(ctx[3])) == 0 &&
		    strcmp(ctx[0], ctx[2]) == 0 && strcmp(ctx[0], ctx[3]) == 0) {
			*ms = now_ms() - since;
			return out[0].present && same_content(&out[0], &out[1]) ? SETTLED_SAME
										: SETTLED_DIFFERENT;
		}
		if (now_ms() - since > CONVERGE_MS) {
			printf("# replication not settled within %d ms: A contextCSN %s, B %s\n",
			       CONVERGE_MS, ctx[0], ctx[1]);
			return NOT_SETTLED;
		}
		sleep_ms(1);
	}
}

static int wait_entry_on_b(const char *dn)
{
	double t0 = now_ms();
	struct state st;

	while (now_ms() - t0 < CONVERGE_MS) {
		if (read_state(inspect_b, dn, &st) == 0 && st.present)
			return 0;
		sleep_ms(2);
	}
	printf("# %s is not on B after %d ms\n", dn, CONVERGE_MS);
	return -1;
}

/* --- The updates the two hosts race on ------------------------------------------------- */

struct race_arg {
	uint64_t step;     /* replay: the step both hosts accept */
	int64_t when;      /* lockout: the failure time both hosts append... */
	int64_t offset;    /* ...plus the process's index, so each write is told apart */
};

/* What the module does with a valid code: accept step S once. */
static int accept_step(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct race_arg *a = ctx;

	if (!exists || !rec->n_totp)
		return SSPR_ENOENT;
	if (rec->totp[0].last_step >= a->step)
		return SSPR_EREPLAY;
	rec->totp[0].last_step = a->step;
	return SSPR_OK;
}

/* What the module does with a wrong answer: count one more failure. */
static int add_failure(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct race_arg *a = ctx;
	int64_t t = a->when;

	if (!exists)
		return SSPR_ENOENT;
	if (rec->n_failures >= SSPR_FAILURES_MAX)
		return SSPR_EFULL;
	if (rec->n_failures > 0 && t < rec->failures[rec->n_failures - 1])
		t = rec->failures[rec->n_failures - 1]; /* oldest first, as record.c checks */
	rec->failures[rec->n_failures++] = t + a->offset;
	return SSPR_OK;
}

/* A write that changes no value: a new revision, replicated whole. */
static int touch(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	return exists ? SSPR_OK : SSPR_ENOENT;
}

static int clear_failures(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	if (!exists)
		return SSPR_ENOENT;
	rec->n_failures = 0;
	memset(rec->failures, 0, sizeof(rec->failures));
	return SSPR_OK;
}

static int seed_user(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	sspr_record_init(rec);
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].digits = 6;
	rec->totp[0].period = 30;
	rec->totp[0].sealed_len = SSPR_SEAL_OVERHEAD + 20;
	randombytes_buf(rec->totp[0].sealed, rec->totp[0].sealed_len); /* never unsealed here */
	rec->totp[0].enrolled_at = time(NULL);
	rec->registered_at = rec->totp[0].enrolled_at;
	rec->confirmed_at = rec->totp[0].enrolled_at;
	return SSPR_OK;
}

/* One update through server A's URI, outside any race. */
static int update_on_a(sspr_store_update_fn fn, void *ctx)
{
	struct sspr_store_config cfg = config_for(env("SSPR_LDAP_URI_A"));
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};
	int r = sspr_store_open(&cfg, 0, &st, &err);

	if (r == SSPR_OK)
		r = sspr_store_update(st, user, 0, fn, ctx, &err);
	if (r != SSPR_OK)
		printf("# update on A: %s\n", err.msg);
	sspr_store_close(st);
	return r;
}

/* --- One trial: two processes, one store each, released at the same instant --------- */

struct result {
	int status;     /* sspr_store_update's, or the open's */
	double started; /* CLOCK_MONOTONIC ms, shared by all processes */
	double ended;
};

static void child(const char *uri, int start_fd, int report_fd, sspr_store_update_fn fn,
		  struct race_arg *arg)
{
	struct sspr_store_config cfg = config_for(uri);
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};
	struct result res = {0, 0, 0};
	char c = 'R';

	/* Connecting (StartTLS, bind) takes longer than the update: done first,
	 * so that only the updates race. */
	res.status = sspr_store_open(&cfg, 0, &st, &err);
	if (res.status != SSPR_OK)
		c = 'E';
	if (write(report_fd, &c, 1) != 1 || c == 'E')
		goto out;
	while (read(start_fd, &c, 1) < 0 && errno == EINTR) /* EOF = go */
		;
	res.started = now_ms();
	res.status = sspr_store_update(st, user, 0, fn, arg, &err);
	res.ended = now_ms();
out:
	if (res.status != SSPR_OK && res.status != SSPR_EREPLAY)
		fprintf(stderr, "race child (%s): %d: %s\n", uri, res.status, err.msg);
	if (write(report_fd, &res, sizeof(res)) != (ssize_t)sizeof(res))
		res.status = SSPR_ERR;
	sspr_store_close(st);
	_exit(0);
}

static bool read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* Runs fn in two processes, through uri[0] and uri[1]. 0 with res[] filled,
 * -1 when a process could not be run or could not open its store. */
static int run_trial(const char *const uri[2], sspr_store_update_fn fn, struct race_arg *arg,
		     struct result res[2])
{
	int start[2], report[2][2] = {{-1, -1}, {-1, -1}};
	pid_t pid[2] = {-1, -1};
	char ready[2] = {0, 0};
	int rc = -1;

	if (pipe(start) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (pipe(report[i]) != 0)
			goto out;
		fflush(stdout);
		pid[i] = fork();
		if (pid[i] < 0)
			goto out;
		if (pid[i] == 0) {
			close(start[1]); /* or the start pipe never reaches EOF */
			close(report[i][0]);
			if (i == 1)
				close(report[0][0]);
			arg->offset = i; /* this process's copy */
			child(uri[i], start[0], report[i][1], fn, arg);
		}
		close(report[i][1]);
		report[i][1] = -1;
	}
	for (int i = 0; i < 2; i++)
		if (!read_full(report[i][0], &ready[i], 1))
			ready[i] = 'E';
	close(start[1]); /* both released at once */
	start[1] = -1;
	rc = 0;
	for (int i = 0; i < 2; i++)
		if (!read_full(report[i][0], &res[i], sizeof(res[i])) || ready[i] != 'R') {
			printf("# trial: process %d (%s) could not run: status %d\n", i, uri[i],
			       res[i].status);
			rc = -1;
		}
out:
	if (start[1] >= 0)
		close(start[1]);
	close(start[0]);
	for (int i = 0; i < 2; i++) {
		if (report[i][0] >= 0)
			close(report[i][0]);
		if (report[i][1] >= 0)
			close(report[i][1]);
		if (pid[i] > 0)
			waitpid(pid[i], NULL, 0);
	}
	return rc;
}

/* --- The races ------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void print_times(const char *what, double *v, int n)
{
	if (n == 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("# %s over %d trials: median %.1f ms, p99 %.1f ms, max %.1f ms\n", what, n,
	       v[(n - 1) / 2], v[(n * 99 + 99) / 100 - 1], v[n - 1]);
}

struct tally {
	int trials;    /* trials that ran to the end (converged) */
	int errors;    /* a process failed to open or update (not a replay refusal) */
	int unsettled; /* replication still busy after CONVERGE_MS */
	int diverged;  /* settled with different values on A and B (healed by a write on A) */
	int unrepaired; /* the write on A left A and B different or unsettled after CONVERGE_MS */
	int repairs;    /* repair writes that converged, timed in repair[] */
	int moved;     /* the agreed state changed between trials (a late replication) */
	int wrong;     /* replay: converged last_step != S */
	int csn_split; /* settled with the same values, but A and B kept different writes */
	int winners[3];  /* replay: trials with 0, 1, 2 accepting processes */
	int added[3];    /* lockout: trials whose converged record gained 0, 1, 2 failures */
	int added_other; /* lockout: any other change in the count */
	double converge[TRIALS], skew[TRIALS], repair[TRIALS];
};

enum race_kind { REPLAY, LOCKOUT };

static void race(enum race_kind kind, const char *label, const char *const uri[2],
		 struct tally *t)
{
	struct state agreed[2], now[2];
	double ms = 0;
	uint64_t step0;

	memset(t, 0, sizeof(*t));
	if (wait_converged(user_dn, now_ms(), agreed, &ms) != SETTLED_SAME) {
		t->unsettled++;
		return;
	}
	step0 = strtoull(agreed[0].last_step, NULL, 10);
	for (int i = 0; i < TRIALS; i++) {
		struct race_arg arg = {step0 + (uint64_t)i + 1, time(NULL), 0};
		struct result res[2];
		unsigned before;
		int won = 0;

		if (kind == LOCKOUT && n_failures(&agreed[0]) > FAILURES_RESET) {
			if (update_on_a(clear_failures, NULL) != SSPR_OK ||
			    wait_converged(user_dn, now_ms(), agreed, &ms) != SETTLED_SAME) {
				t->errors++;
				return;
			}
		}
		/* Nothing may arrive after agreement: a late copy of the losing
		 * write would turn the state back. */
		if (read_state(inspect_a, user_dn, &now[0]) != 0 ||
		    read_state(inspect_b, user_dn, &now[1]) != 0 || !same_state(&now[0], &agreed[0]) ||
		    !same_state(&now[1], &agreed[1])) {
			printf("# %s trial %d: the agreed state changed before the trial:\n", label,
			       i);
			print_state("A then", &agreed[0]);
			print_state("A now", &now[0]);
			print_state("B then", &agreed[1]);
			print_state("B now", &now[1]);
			t->moved++;
			return;
		}
		before = n_failures(&agreed[0]);
		if (run_trial(uri, kind == REPLAY ? accept_step : add_failure, &arg, res) != 0) {
			t->errors++;
			return;
		}
		for (int p = 0; p < 2; p++) {
			if (res[p].status == SSPR_OK)
				won++;
			else if (kind == LOCKOUT || res[p].status != SSPR_EREPLAY)
				t->errors++;
		}
		if (kind == REPLAY)
			t->winners[won]++;
		t->skew[i] = res[0].started > res[1].started ? res[0].started - res[1].started
							     : res[1].started - res[0].started;
		switch (wait_converged(user_dn,
				       res[0].ended > res[1].ended ? res[0].ended : res[1].ended, agreed,
				       &ms)) {
		case SETTLED_SAME:
			break;
		case SETTLED_DIFFERENT: {
			double t_repair;

			if (t->diverged < 3) {
				printf("# %s trial %d: replication settled, A and B differ:\n", label,
				       i);
				print_state("A", &agreed[0]);
				print_state("B", &agreed[1]);
			}
			t->diverged++;
			t->converge[t->trials++] = ms;
			/* One more write on A, as a host's next update of the
			 * user, must make them agree again (and nothing after this
			 * trial measures anything otherwise). Timed from its return. */
			if (update_on_a(touch, NULL) != SSPR_OK) {
				t->errors++;
				return;
			}
			t_repair = now_ms();
			if (wait_converged(user_dn, t_repair, agreed, &ms) != SETTLED_SAME) {
				printf("# %s trial %d: a write on A did not bring A and B together "
				       "within %d ms:\n",
				       label, i, CONVERGE_MS);
				print_state("A", &agreed[0]);
				print_state("B", &agreed[1]);
				t->unrepaired++;
				return;
			}
			t->repair[t->repairs++] = ms;
			continue;
		}
		default:
			printf("# %s trial %d: replication did not settle\n", label, i);
			t->unsettled++;
			return;
		}
		t->converge[t->trials++] = ms;
		if (strcmp(agreed[0].csn, agreed[1].csn) != 0) {
			if (t->csn_split < 3) {
				printf("# %s trial %d: same values, different writes kept:\n", label, i);
				print_state("A", &agreed[0]);
				print_state("B", &agreed[1]);
			}
			t->csn_split++;
		}
		if (kind == REPLAY) {
			if (strtoull(agreed[0].last_step, NULL, 10) != arg.step) {
				printf("# %s trial %d: converged last_step %s, expected %llu\n", label,
				       i, agreed[0].last_step, (unsigned long long)arg.step);
				t->wrong++;
			}
		} else {
			unsigned after = n_failures(&agreed[0]);

			if (after >= before && after - before <= 2)
				t->added[after - before]++;
			else
				t->added_other++;
		}
	}
}

static void report(enum race_kind kind, const char *label, bool control, struct tally *t)
{
	if (kind == REPLAY)
		printf("# %s: %d trials: both accepted step S in %d, exactly one in %d, none in %d\n",
		       label, t->trials, t->winners[2], t->winners[1], t->winners[0]);
	else
		printf("# %s: %d trials: the agreed record gained 2 failures in %d, 1 in %d "
		       "(one lost), 0 in %d, other %d; A and B left different in %d\n",
		       label, t->trials, t->added[2], t->added[1], t->added[0], t->added_other,
		       t->diverged);
	printf("# %s: after replication settled: A and B held different values in %d trials; "
	       "the same values from different writes (entryCSN) in %d\n",
	       label, t->diverged, t->csn_split);
	print_times("time from the later update's return until replication settled", t->converge,
		    t->trials);
	print_times("time from the repair write's return until A and B agreed", t->repair,
		    t->repairs);
	print_times("start skew between the two processes", t->skew, t->trials);
	ok(t->trials == TRIALS && t->errors == 0, "%s: %d of %d trials ran, %d store errors",
	   label, t->trials, TRIALS, t->errors);
	if (control)
		ok(t->unsettled == 0 && t->unrepaired == 0 && t->moved == 0 && t->diverged == 0 &&
			   t->csn_split == 0,
		   "%s: replication settled within %d ms after every trial with A and B agreeing "
		   "on the same write",
		   label, CONVERGE_MS);
	else
		ok(t->unsettled == 0 && t->unrepaired == 0 && t->moved == 0 &&
			   t->repairs == t->diverged,
		   "%s: replication settled within %d ms after every trial; A and B agreed, or "
		   "did within %d ms of the next write on A (needed in %d trials)",
		   label, CONVERGE_MS, CONVERGE_MS, t->diverged);
	if (kind == REPLAY) {
		ok(t->wrong == 0 && t->trials == TRIALS,
		   "%s: the agreed last_step is S after every trial", label);
		if (control)
			ok(t->winners[1] == TRIALS, "%s: exactly one process accepted S in every trial",
			   label);
		else
			ok(t->winners[0] == 0 && t->trials == TRIALS,
			   "%s: at least one process accepted S in every trial", label);
	} else if (control) {
		ok(t->added[2] == TRIALS, "%s: no failure lost (2 added in every trial)", label);
	} else {
		ok(t->trials == TRIALS && t->added[1] + t->added[2] == TRIALS - t->diverged,
		   "%s: 1 or 2 failures added in every trial where A and B agreed", label);
	}
}

/* --- Setup: a fresh sub-base on A, replicated to B, one user seeded -------------------- */

static int setup(void)
{
	struct sspr_store_config cfg;
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};
	struct state sa[2];
	double ms = 0;
	int r;

	snprintf(base, sizeof(base), "ou=crossrace%ld,%s", (long)getpid(), env("SSPR_LDAP_BASE"));
	snprintf(users_dn, sizeof(users_dn), "ou=users,%s", base);
	snprintf(user_dn, sizeof(user_dn), "ssprUser=%s,%s", user, users_dn);
	cfg = config_for(env("SSPR_LDAP_URI_A"));
	r = sspr_store_open(&cfg, SSPR_STORE_CREATE, &st, &err);
	sspr_store_close(st);
	if (r != SSPR_OK)
		printf("# init on A: %s\n", err.msg);
	ok(r == SSPR_OK && wait_entry_on_b(base) == 0 && wait_entry_on_b(users_dn) == 0,
	   "sub-base %s created on A reached B", base);
	if (tap_failed)
		return -1;
	r = update_on_a(seed_user, NULL);
	ok(r == SSPR_OK && wait_converged(user_dn, now_ms(), sa, &ms) == SETTLED_SAME &&
		   strcmp(sa[0].revision, "1") == 0,
	   "user seeded on A reached B (%.0f ms)", ms);
	return tap_failed ? -1 : 0;
}

int main(void)
{
	const char *uri_a = env("SSPR_LDAP_URI_A"), *uri_b = env("SSPR_LDAP_URI_B");
	const char *const cross[2] = {uri_a, uri_b}, *const same[2] = {uri_a, uri_a};
	static struct tally t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0) {
		printf("Bail out! sodium_init failed\n");
		return 1;
	}
	printf("1..%d\n", CHECKS);
	inspect_a = root_connect(env("SSPR_LDAP_LDAPI_A"));
	inspect_b = root_connect(env("SSPR_LDAP_LDAPI_B"));
	if (setup() != 0)
		goto out;
	printf("# %d trials per race; A = %s, B = %s\n", TRIALS, uri_a, uri_b);
	race(REPLAY, "replay A/B", cross, &t);
	report(REPLAY, "replay A/B", false, &t);
	race(LOCKOUT, "lockout A/B", cross, &t);
	report(LOCKOUT, "lockout A/B", false, &t);
	race(REPLAY, "replay A/A (control)", same, &t);
	report(REPLAY, "replay A/A (control)", true, &t);
	race(LOCKOUT, "lockout A/A (control)", same, &t);
	report(LOCKOUT, "lockout A/A (control)", true, &t);
out:
	ldap_unbind_ext_s(inspect_a, NULL, NULL);
	ldap_unbind_ext_s(inspect_b, NULL, NULL);
	if (tap_n != CHECKS)
		printf("# planned %d checks, ran %d\n", CHECKS, tap_n);
	return tap_failed == 0 && tap_n == CHECKS ? 0 : 1;
}
