/* SPDX-License-Identifier: BSD-2-Clause */
/* Concurrency: many processes on the same user at once, through the real
 * pam_sspr.so (under pam_wrapper) and the real sspr-admin.
 *
 *   1. 8 processes submit the current right code at the same moment: exactly
 *      one reset succeeds, the others are refused as replays.
 *   2. 8 processes x 12 failed resets, lockout_attempts = 100: the stored
 *      failure count is exactly 96, nothing is locked, 96 bad-code events.
 *   3. 8 processes x 5 failed resets, lockout_attempts = 20: each attempt
 *      counts from the moment its challenge opens, so 13 to 20 are judged;
 *      the lock starts once, the others find it locked.
 *   4. Module resets, sspr-admin enroll (questions, totp, email), revoke and
 *      unlock, and direct store updates race on the same user for a few
 *      seconds: every tool run succeeds, every record and event decodes.
 *
 * The workers of phases 1-3 are two "hosts" of 4 processes each: two policy
 * files with the same key dir and store. With SSPR_TEST_BACKEND=ldap (run
 * under tests/ldap/with-slapd.sh) the store is a sub-base on the harness's
 * server A and the two hosts name that one server differently
 * (ldap://127.0.0.1:PORT and ldap://127.1:PORT), so they are separate
 * connections racing with the directory's optimistic concurrency alone: the
 * failure count must still be exact and the lock must start at exactly
 * lockout_attempts, with both hosts' attempts among those judged.
 *
 * usage: test_concurrency SSPR_ADMIN   (env: LD_PRELOAD=libpam_wrapper.so
 * PAM_WRAPPER=1). Prints TAP-like lines; exit 0 when every check passed. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "hostkey.h"
#include "lockout.h"
#include "conv_script.h"
#include "robust_tap.h"
#include "policy.h"
#include "store.h"
#include "util.h"

/* The module alone, its verdict the stack's: a completed reset steps aside
 * (PAM_IGNORE) for the next module to check the new password, here
 * pam_permit; anything else ends the stack with the module's own result.
 * These stacks only ever run resets. */
#define MODULE_ALONE "[ignore=ignore default=die]"
#define AFTER_MODULE "auth required pam_permit.so\n"
#define WORKERS 8
#define FAIL_EACH 12    /* phase 2: 8 x 12 = 96 < 100 */
#define LOCK_EACH 5     /* phase 3: 8 x 5 = 40 attempts */
#define LOCK_AT 20      /* phase 3: lockout_attempts */
#define RACE_SECONDS 6  /* phase 4 */
#define HOST_OF(worker) ((worker) < WORKERS / 2 ? 0 : 1) /* 4 processes a host */

static const uint8_t secret[20] = "robust-secret-20byte";
static const char secret_b32[] = "OJXWE5LTOQWXGZLDOJSXILJSGBRHS5DF";

static char dir[256], user[64], store_dir[300], key_dir[300];
static const char *admin;

/* The directory store (SSPR_TEST_BACKEND=ldap): the harness's server A
 * under two spellings, one per host, and a sub-base of this run. */
static bool use_ldap;
static char ldap_uri[2][300], ldap_base[300];
static const char *ldap_bind_dn, *ldap_password_file, *ldap_cacert;

/* Counters the workers add to (shared anonymous memory). */
struct tally {
	int success, auth_err, other, invalid_msg, lock_msg, locked_msg, unavailable_msg;
	int admin_runs, admin_failures, direct_updates, direct_failures;
	int lost; /* transactions pam_wrapper broke before the module ran */
};

/* pam_wrapper (1.1.4) now and then, with many processes at once, hands
 * libpam an unusable copy of a service file ("no default config other"):
 * libpam then loads no module and fails before any prompt. The module
 * always asks for the password first, so such a transaction never reached
 * it. Those are counted apart, and the exactness checks below are made
 * over the attempts that did reach the module; a run that lost more than
 * an eighth of them proves too little and fails. */
#define TOO_MANY_LOST(total) (tally->lost > (total) / 8)
static struct tally *tally;

static void die(const char *what)
{
	fprintf(stderr, "%s: ", "test_concurrency");
	tap_die(what);
}

static void write_text(const char *name, const char *text)
{
	tap_write(dir, name, text, "w");
}

static void append_text(const char *name, const char *text)
{
	tap_write(dir, name, text, "a");
}

/* The policy's enumeration key is newer than some trees: use it only when
 * the parser knows it, so messages and events say what happened. */
static const char *enumeration_line(void)
{
	struct sspr_policy pol;
	struct sspr_error err = {{0}};

	sspr_policy_defaults(&pol);
	return sspr_policy_set(&pol, "enumeration", "show", &err) == SSPR_OK
		       ? "enumeration = show\n"
		       : "";
}

/* lock_dir likewise; not /run/sspr, as the test may run unprivileged. */
static const char *lock_dir_line(void)
{
	static char line[400];
	struct sspr_policy pol;
	struct sspr_error err = {{0}};

	sspr_policy_defaults(&pol);
	snprintf(line, sizeof(line), "%s/run", dir);
	if (sspr_policy_set(&pol, "lock_dir", line, &err) != SSPR_OK)
		return "";
	mkdir(line, 0755);
	snprintf(line, sizeof(line), "lock_dir = %s/run\n", dir);
	return line;
}

static const char *harness_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0' || strlen(v) > 250) {
		fprintf(stderr, "test_concurrency: SSPR_TEST_BACKEND=ldap but %s is not set: run "
				"under tests/ldap/with-slapd.sh\n", name);
		exit(99);
	}
	return v;
}

/* SSPR_TEST_BACKEND=ldap: the harness's variables; host 1 reaches server A
 * as 127.1, the short form of 127.0.0.1. Not "localhost": with StartTLS
 * (ldap_tls_cacert is set, and the servers refuse a simple bind without
 * TLS) libldap checks the certificate of a "localhost" URI against the
 * machine's own host name, which the test certificate cannot name. */
static void choose_backend(void)
{
	static const char loopback[] = "ldap://127.0.0.1:";
	const char *backend = getenv("SSPR_TEST_BACKEND"), *uri;

	use_ldap = backend != NULL && strcmp(backend, "ldap") == 0;
	if (backend != NULL && backend[0] != '\0' && !use_ldap && strcmp(backend, "lmdb") != 0)
		die("SSPR_TEST_BACKEND must be lmdb or ldap");
	if (!use_ldap)
		return;
	uri = harness_env("SSPR_LDAP_URI_A");
	if (strncmp(uri, loopback, sizeof(loopback) - 1) != 0 || strchr(uri, ' ') != NULL)
		die("SSPR_LDAP_URI_A is not one ldap://127.0.0.1:PORT URI");
	snprintf(ldap_uri[0], sizeof(ldap_uri[0]), "%s", uri);
	snprintf(ldap_uri[1], sizeof(ldap_uri[1]), "ldap://127.1:%s",
		 uri + sizeof(loopback) - 1);
	ldap_bind_dn = harness_env("SSPR_LDAP_BIND_DN");
	ldap_password_file = harness_env("SSPR_LDAP_BIND_PASSWORD_FILE");
	ldap_cacert = harness_env("SSPR_LDAP_CACERT");
	snprintf(ldap_base, sizeof(ldap_base), "ou=c%ld,%s", (long)getpid(),
		 harness_env("SSPR_LDAP_BASE"));
}

/* Opens the store under test, as host 0 sees it. */
static int open_test_store(unsigned flags, struct sspr_store **st, struct sspr_error *err)
{
	const struct sspr_store_config cfg = {
	    .backend = use_ldap ? SSPR_BACKEND_LDAP : SSPR_BACKEND_LMDB,
	    .dir = store_dir,
	    .ldap_uri = use_ldap ? ldap_uri[0] : "",
	    .ldap_base = ldap_base,
	    .ldap_bind_dn = use_ldap ? ldap_bind_dn : "",
	    .ldap_bind_password_file = use_ldap ? ldap_password_file : "",
	    .ldap_tls_cacert = use_ldap ? ldap_cacert : "",
	    .ldap_timeout = 5,
	};

	return sspr_store_open(&cfg, flags, st, err);
}

/* The policy of host 0 or 1: the same store and keys; on the directory
 * backend the same server under another name. */
static void write_policy(const char *name, unsigned attempts, int host, const char *passwd_service)
{
	char text[4096], store[1400];

	if (use_ldap)
		snprintf(store, sizeof(store),
			 "store_backend = ldap\nldap_uri = %s\nldap_base = %s\nldap_bind_dn = %s\n"
			 "ldap_bind_password_file = %s\nldap_tls_cacert = %s\n",
			 ldap_uri[host], ldap_base, ldap_bind_dn, ldap_password_file, ldap_cacert);
	else
		snprintf(store, sizeof(store), "store = %s\n", store_dir);
	snprintf(text, sizeof(text),
		 "%skey_dir = %s\ngroup = *\nmin_uid = 0\nallow_root = yes\nadmin_policy = same\n"
		 "password_service = %s\nlockout_attempts = %u\n"
		 "lockout_window = 86400\nlockout_duration = 86400\n"
		 "argon2_opslimit = 1\nargon2_memlimit = 8192\n%s%s",
		 store, key_dir, passwd_service, attempts, enumeration_line(), lock_dir_line());
	write_text(name, text);
}

static int enroll_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const uint8_t *pk = ctx;
	size_t len = 0;

	sspr_record_init(rec);
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].digits = 6;
	rec->totp[0].period = 30;
	if (sspr_seal(pk, secret, sizeof(secret), rec->totp[0].sealed, sizeof(rec->totp[0].sealed),
		      &len) != SSPR_OK)
		return SSPR_ERR;
	rec->totp[0].sealed_len = (uint16_t)len;
	rec->registered_at = rec->confirmed_at = sspr_now();
	return SSPR_OK;
}

/* A fresh record: TOTP with the test secret, no failures, no lock. */
static void enroll_fresh(void)
{
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;

	if (sspr_hostkey_load_public(key_dir, pk, &err) != SSPR_OK ||
	    open_test_store(0, &st, &err) != SSPR_OK ||
	    sspr_store_update(st, user, 0, enroll_fn, pk, &err) != SSPR_OK)
		die(err.msg);
	sspr_store_close(st);
}

static void setup(const char *module, const char *passwd_module)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct passwd *pw = getpwuid(getuid());
	char services[300], text[2048], hex[2 * sizeof(secret) + 1];

	if (pw == NULL)
		die("who am I?");
	snprintf(user, sizeof(user), "%s", pw->pw_name);
	snprintf(dir, sizeof(dir), "%s", "/tmp/sspr-robust-conc-XXXXXX");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	chmod(dir, 0755);
	snprintf(store_dir, sizeof(store_dir), "%s/store", dir);
	snprintf(key_dir, sizeof(key_dir), "%s/keys", dir);
	snprintf(services, sizeof(services), "%s/services", dir);
	if (mkdir(services, 0755) != 0 || sspr_hostkey_generate(key_dir, &err) != SSPR_OK ||
	    open_test_store(SSPR_STORE_CREATE, &st, &err) != SSPR_OK)
		die(err.msg[0] ? err.msg : "set-up");
	sspr_store_close(st);
	enroll_fresh();

	write_policy("wide.conf", 100, 0, "robust-passwd");
	write_policy("lock.conf", LOCK_AT, 0, "robust-passwd");
	snprintf(text, sizeof(text), "auth " MODULE_ALONE " %s config=%s/wide.conf\n" AFTER_MODULE, module, dir);
	write_text("services/robust-wide", text);
	snprintf(text, sizeof(text), "auth " MODULE_ALONE " %s config=%s/lock.conf\n" AFTER_MODULE, module, dir);
	write_text("services/robust-lock", text);
	snprintf(text, sizeof(text), "password required %s file=%s/passwords\n", passwd_module, dir);
	write_text("services/robust-passwd", text);
	/* Services and policies of its own for each racing worker, down to
	 * the password service the module opens inside each reset: forked
	 * workers share pam_wrapper's per-process copy of the service
	 * directory, and pam_start rewrites the copy of the service it opens,
	 * so two workers opening one service can read it half-written (libpam
	 * then falls back to "other"). That is the harness racing, not the
	 * module. Worker W's policies are wide-W.conf and lock-W.conf; the
	 * two racing resets' are race-0.conf and race-1.conf (TOTP only, so
	 * an enrolled question set or address never brings up the method
	 * menu). */
	for (int w = 0; w < WORKERS; w++) {
		static const char *const kinds[] = {"wide", "lock", "race"};

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			char name[96], passwd_service[48];

			if (k == 2 && w > 1)
				break;
			snprintf(passwd_service, sizeof(passwd_service), "robust-passwd-%s-%d", kinds[k], w);
			snprintf(name, sizeof(name), "%s-%d.conf", kinds[k], w);
			write_policy(name, k == 1 ? LOCK_AT : 100, k == 2 ? 0 : HOST_OF(w), passwd_service);
			if (k == 2)
				append_text(name, "methods = totp\n");
			snprintf(text, sizeof(text), "auth " MODULE_ALONE " %s config=%s/%s\n" AFTER_MODULE,
				 module, dir, name);
			snprintf(name, sizeof(name), "services/robust-%s-%d", kinds[k], w);
			write_text(name, text);
			snprintf(text, sizeof(text), "password required %s file=%s/passwords\n", passwd_module,
				 dir);
			snprintf(name, sizeof(name), "services/%s", passwd_service);
			write_text(name, text);
		}
	}
	snprintf(text, sizeof(text), "%s:Old-Pass-1\n", user);
	write_text("passwords", text);
	setenv("PAM_WRAPPER_SERVICE_DIR", services, 1);
	/* pam_wrapper's per-process copies go here, not to /tmp/pam.?, where
	 * other test runs on the machine compete for the 62 names. */
	snprintf(text, sizeof(text), "%s/pwrap", dir);
	if (mkdir(text, 0755) != 0)
		die("mkdir pwrap");
	setenv("PAM_WRAPPER_RUNTIME_DIR", text, 1);
	sodium_bin2hex(hex, sizeof(hex), secret, sizeof(secret));
	setenv("ROBUST_TOTP_SECRET", hex, 1);
}

/* One reset through the module; adds what it saw to the tally. */
static void one_reset(const char *service, const char *const *replies, int n)
{
	struct script sc;
	int r;

	memset(&sc, 0, sizeof(sc));
	sc.replies = replies;
	sc.n_replies = n;
	r = script_run(service, user, SCRIPT_AUTH, &sc);
	if (r != PAM_SUCCESS && sc.n_prompts == 0 && sc.n_messages == 0) {
		__atomic_add_fetch(&tally->lost, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (r == PAM_SUCCESS)
		__atomic_add_fetch(&tally->success, 1, __ATOMIC_SEQ_CST);
	else if (r == PAM_AUTH_ERR)
		__atomic_add_fetch(&tally->auth_err, 1, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&tally->other, 1, __ATOMIC_SEQ_CST);
	if (script_said(&sc, "The code is not valid."))
		__atomic_add_fetch(&tally->invalid_msg, 1, __ATOMIC_SEQ_CST);
	if (script_said(&sc, "Too many failed attempts"))
		__atomic_add_fetch(&tally->lock_msg, 1, __ATOMIC_SEQ_CST);
	if (script_said(&sc, "locked after too many failed attempts"))
		__atomic_add_fetch(&tally->locked_msg, 1, __ATOMIC_SEQ_CST);
	if (script_said(&sc, "unavailable"))
		__atomic_add_fetch(&tally->unavailable_msg, 1, __ATOMIC_SEQ_CST);
}

/* Starts WORKERS children that wait on a pipe, then releases them at once
 * so they really overlap; each runs fn(i). Returns the number that did not
 * exit 0. */
static int run_workers(int n, void (*fn)(int))
{
	int gate[2], bad = 0;
	pid_t pids[16];

	if (pipe(gate) != 0)
		die("pipe");
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			char c;

			close(gate[1]);
			while (read(gate[0], &c, 1) < 0 && errno == EINTR)
				;
			fn(i);
			fflush(NULL);
			_exit(0);
		}
	}
	close(gate[0]);
	close(gate[1]); /* EOF releases every worker at once */
	for (int i = 0; i < n; i++) {
		int status = 0;

		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "worker %d: status 0x%x\n", i, status);
			bad++;
		}
	}
	return bad;
}

/* ---- store reads ---------------------------------------------------- */

struct count_ctx {
	const char *result, *detail;
	const char *service; /* NULL: any; else only from services starting so */
	int host;            /* -1: any; else only from that host's workers */
	int64_t since;
	unsigned n;
	int64_t first, last; /* times of the first and last event counted */
	const char *action;  /* NULL: "reset" */
};

/* The host of a worker's service ("robust-lock-5": host 1), or -1. */
static int host_of_service(const char *service)
{
	const char *dash = strrchr(service, '-');
	char *end;
	long w;

	if (dash == NULL)
		return -1;
	w = strtol(dash + 1, &end, 10);
	return *end == '\0' && end != dash + 1 && w >= 0 && w < WORKERS ? HOST_OF(w) : -1;
}

static int count_fn(const struct sspr_event *ev, int status, void *ctx)
{
	struct count_ctx *c = ctx;

	if (status == SSPR_OK && strcmp(ev->user, user) == 0 &&
	    strcmp(ev->action, c->action != NULL ? c->action : "reset") == 0 &&
	    strcmp(ev->result, c->result) == 0 &&
	    (c->detail == NULL || strstr(ev->detail, c->detail) != NULL) &&
	    (c->service == NULL || strncmp(ev->service, c->service, strlen(c->service)) == 0) &&
	    (c->host < 0 || host_of_service(ev->service) == c->host)) {
		if (c->n == 0 || ev->time < c->first)
			c->first = ev->time;
		if (c->n == 0 || ev->time > c->last)
			c->last = ev->time;
		c->n++;
	}
	return 0;
}

static void count_events_in(struct count_ctx *c)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;

	if (open_test_store(SSPR_STORE_READONLY, &st, &err) != SSPR_OK ||
	    sspr_store_foreach_event(st, c->since, count_fn, c, &err) != SSPR_OK)
		die(err.msg);
	sspr_store_close(st);
}

static unsigned count_events(const char *result, const char *detail)
{
	struct count_ctx c = {result, detail, NULL, -1, 0, 0, 0, 0, NULL};

	count_events_in(&c);
	return c.n;
}

/* The events of one result from one host's workers of one phase (their
 * services: "robust-wide-", "robust-lock-"). */
static unsigned count_host_events(const char *result, const char *service, int host)
{
	struct count_ctx c = {result, NULL, service, host, 0, 0, 0, 0, NULL};

	count_events_in(&c);
	return c.n;
}

static void get_record(struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;

	if (open_test_store(SSPR_STORE_READONLY, &st, &err) != SSPR_OK ||
	    sspr_store_get(st, user, rec, &err) != SSPR_OK)
		die(err.msg);
	sspr_store_close(st);
}

struct decode_ctx {
	unsigned users, corrupt;
};

static int decode_fn(const char *name, const struct sspr_record *rec, int status, void *ctx)
{
	struct decode_ctx *d = ctx;

	d->users++;
	if (status != SSPR_OK) {
		fprintf(stderr, "record of %s does not decode\n", name);
		d->corrupt++;
	}
	return 0;
}

static int event_decode_fn(const struct sspr_event *ev, int status, void *ctx)
{
	struct decode_ctx *d = ctx;

	if (status != SSPR_OK)
		d->corrupt++;
	return 0;
}

/* ---- phases --------------------------------------------------------- */

static void reset_with_current_code(int i)
{
	const char *replies[] = {"", "@code", "New-Pass-2", "New-Pass-2"};
	char service[32];

	snprintf(service, sizeof(service), "robust-wide-%d", i);
	one_reset(service, replies, 4);
}

static void phase_replay(void)
{
	/* All eight must use the same time step: start early in one. */
	while (time(NULL) % 30 > 22)
		sleep(1);
	memset(tally, 0, sizeof(*tally));
	tap_check(run_workers(WORKERS, reset_with_current_code) == 0, "replay: workers exited cleanly");
	tap_check(tally->success == 1, "replay: 8 resets with the same current code: exactly one "
				   "succeeds (%d)", tally->success);
	tap_check(!TOO_MANY_LOST(WORKERS) && tally->auth_err == WORKERS - 1 - tally->lost,
	      "replay: the others are refused (%d, %d lost to pam_wrapper)", tally->auth_err,
	      tally->lost);
	tap_check(count_events("replayed-code", NULL) == (unsigned)(WORKERS - 1 - tally->lost),
	      "replay: one replayed-code event each (%u)", count_events("replayed-code", NULL));
}

static void failed_resets(int i, const char *service, int n)
{
	const char *replies[] = {"", "@wrongcode"};

	for (int k = 0; k < n; k++)
		one_reset(service, replies, 2);
}

static void fail_wide(int i)
{
	char service[32];

	snprintf(service, sizeof(service), "robust-wide-%d", i);
	failed_resets(i, service, FAIL_EACH);
}

static void fail_lock(int i)
{
	char service[32];

	snprintf(service, sizeof(service), "robust-lock-%d", i);
	failed_resets(i, service, LOCK_EACH);
}

static void phase_count(void)
{
	struct sspr_record rec;
	unsigned before = count_events("bad-code", NULL);
	unsigned host_a = count_host_events("bad-code", "robust-wide-", 0);
	unsigned host_b = count_host_events("bad-code", "robust-wide-", 1);
	int reached;

	enroll_fresh();
	memset(tally, 0, sizeof(*tally));
	tap_check(run_workers(WORKERS, fail_wide) == 0, "count: workers exited cleanly");
	reached = WORKERS * FAIL_EACH - tally->lost;
	tap_check(!TOO_MANY_LOST(WORKERS * FAIL_EACH),
	      "count: %d of %d attempts reached the module (%d lost to pam_wrapper)", reached,
	      WORKERS * FAIL_EACH, tally->lost);
	get_record(&rec);
	tap_check(rec.n_failures == (unsigned)reached,
	      "count: %d failed resets by 8 processes: stored failure count is exactly %d (%u)",
	      reached, reached, rec.n_failures);
	tap_check(rec.locked_until == 0, "count: below lockout_attempts = 100 nothing is locked");
	tap_check(tally->auth_err == reached && tally->other == 0,
	      "count: every attempt refused with PAM_AUTH_ERR (%d, other %d, said unavailable %d)",
	      tally->auth_err, tally->other, tally->unavailable_msg);
	tap_check(tally->invalid_msg == reached,
	      "count: every attempt told \"The code is not valid.\" (%d)", tally->invalid_msg);
	tap_check(count_events("bad-code", NULL) - before == (unsigned)reached,
	      "count: exactly %d bad-code events (%u)", reached,
	      count_events("bad-code", NULL) - before);
	/* Apart from the above: of the attempts judged, none was lost (an
	 * attempt told "unavailable" was refused without being judged). */
	tap_check(rec.n_failures == count_events("bad-code", NULL) - before,
	      "count: no judged failure was lost: stored %u, judged %u", rec.n_failures,
	      count_events("bad-code", NULL) - before);
	host_a = count_host_events("bad-code", "robust-wide-", 0) - host_a;
	host_b = count_host_events("bad-code", "robust-wide-", 1) - host_b;
	tap_check(host_a > 0 && host_b > 0 && host_a + host_b == (unsigned)reached,
	      "count: both hosts' attempts were judged (%u by host a, %u by host b)", host_a,
	      host_b);
	sspr_record_wipe(&rec);
}

/* The lock has an event of its own ("lockout started"), written with
 * the refusal that starts it: a judged one ("... failed answers ..."), or
 * the opening of a challenge that finds the limit reached by failures
 * counted for dialogs still under way ("... dialogs ended without an
 * answer ..."). */
#define LOCK_BY_VERDICT "failed answers"
#define LOCK_BY_OPENING "dialogs ended without an answer"

static unsigned count_lockouts(const char *detail)
{
	struct count_ctx c = {"started", detail, NULL, -1, 0, 0, 0, 0, "lockout"};

	count_events_in(&c);
	return c.n;
}

static void phase_lock(void)
{
	struct sspr_record rec;
	unsigned bad = count_events("bad-code", NULL), locked = count_events("locked", NULL);
	unsigned by_verdict = count_lockouts(LOCK_BY_VERDICT);
	unsigned by_opening = count_lockouts(LOCK_BY_OPENING);
	/* The lock phase alone has the robust-lock-N services. */
	struct count_ctx judged = {"bad-code", NULL, "robust-lock-", -1, 0, 0, 0, 0, NULL};
	struct count_ctx found_locked = {"locked", NULL, "robust-lock-", -1, 0, 0, 0, 0, NULL};
	struct count_ctx start_v = {"started", LOCK_BY_VERDICT, "robust-lock-", -1, 0, 0, 0, 0,
				    "lockout"};
	struct count_ctx start_o = {"started", LOCK_BY_OPENING, "robust-lock-", -1, 0, 0, 0, 0,
				    "lockout"};
	int64_t start_at;
	int total;

	enroll_fresh();
	memset(tally, 0, sizeof(*tally));
	judged.since = found_locked.since = start_v.since = start_o.since = sspr_now();
	tap_check(run_workers(WORKERS, fail_lock) == 0, "lock: workers exited cleanly");
	/* The attempts that reached the module; 40 made, LOCK_AT = 20. */
	total = WORKERS * LOCK_EACH - tally->lost;
	tap_check(!TOO_MANY_LOST(WORKERS * LOCK_EACH) && tally->auth_err == total && tally->other == 0,
	      "lock: all %d attempts ran and were refused (%d, other %d, %d lost to pam_wrapper)",
	      total, tally->auth_err, tally->other, tally->lost);
	get_record(&rec);
	bad = count_events("bad-code", NULL) - bad;
	locked = count_events("locked", NULL) - locked;
	by_verdict = count_lockouts(LOCK_BY_VERDICT) - by_verdict;
	by_opening = count_lockouts(LOCK_BY_OPENING) - by_opening;
	/* Every attempt counts from the moment its challenge opens, so the
	 * dialogs still open when the limit is reached are counted with the
	 * judged ones: at most lockout_attempts are judged, and at most
	 * WORKERS - 1 fewer (one open dialog per other worker). */
	tap_check(bad <= LOCK_AT && bad + WORKERS - 1 >= LOCK_AT,
	      "lock: of %d racing attempts at most lockout_attempts = %d were judged, at most "
	      "%d fewer (%u)", total, LOCK_AT, WORKERS - 1, bad);
	tap_check(by_verdict + by_opening == 1,
	      "lock: the lock started exactly once (%u by a verdict, %u by an opening)", by_verdict,
	      by_opening);
	tap_check(tally->lock_msg == (int)by_verdict,
	      "lock: the user whose answer started it was told so (%d)", tally->lock_msg);
	tap_check(locked == (unsigned)total - bad, "lock: the other %u attempts found it locked (%u)",
	      (unsigned)total - bad, locked);
	tap_check(tally->locked_msg == total - (int)bad, "lock: and were told so (%d)",
	      tally->locked_msg);
	tap_check(rec.locked_until > sspr_now() && rec.n_failures == 0,
	      "lock: the record is locked with the count restarted (locked_until %lld, "
	      "failures %u)", (long long)rec.locked_until, rec.n_failures);
	/* Order, from the event times (each is the time of the decision that
	 * committed): every judged attempt came no later than the one that
	 * started the lock, every locked one no earlier, and the lock runs
	 * from that decision. */
	count_events_in(&judged);
	count_events_in(&found_locked);
	count_events_in(&start_v);
	count_events_in(&start_o);
	start_at = start_v.n == 1 ? start_v.first : start_o.first;
	tap_check(start_v.n + start_o.n == 1 && judged.last <= start_at &&
		      (found_locked.n == 0 || found_locked.first >= start_at),
	      "lock: no attempt was judged after the lock started, none found it locked before "
	      "(last judged %lld, lock %lld, first locked %lld)", (long long)judged.last,
	      (long long)start_at, (long long)found_locked.first);
	tap_check(start_v.n + start_o.n == 1 && rec.locked_until - 86400 >= judged.since &&
		      rec.locked_until - 86400 <= start_at,
	      "lock: locked_until is lockout_duration after the decision that started it "
	      "(%lld, decision at %lld)", (long long)rec.locked_until, (long long)start_at);
	tap_check(count_host_events("bad-code", "robust-lock-", 0) > 0 &&
		      count_host_events("bad-code", "robust-lock-", 1) > 0,
	      "lock: both hosts' attempts were among those judged (%u by host a, %u by host b)",
	      count_host_events("bad-code", "robust-lock-", 0),
	      count_host_events("bad-code", "robust-lock-", 1));
	sspr_record_wipe(&rec);
}

/* Runs sspr-admin with ARGS and stdin_text on stdin; true on exit 0. */
static bool admin_run(const char *stdin_text, const char *const *args)
{
	char conf[300];
	const char *argv[12];
	int in[2], status = 0, n = 0;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/wide.conf", dir);
	argv[n++] = admin;
	argv[n++] = "--config";
	argv[n++] = conf;
	for (int i = 0; args[i] != NULL && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (pipe(in) != 0)
		return false;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* sspr-admin uses no PAM; pam_wrapper would only add noise. */
		unsetenv("LD_PRELOAD");
		dup2(in[0], 0);
		dup2(null, 1);
		close(in[0]);
		close(in[1]);
		execv(admin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	if (stdin_text != NULL)
		(void)!write(in[1], stdin_text, strlen(stdin_text));
	close(in[1]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void note_admin(bool ok)
{
	__atomic_add_fetch(&tally->admin_runs, 1, __ATOMIC_SEQ_CST);
	if (!ok)
		__atomic_add_fetch(&tally->admin_failures, 1, __ATOMIC_SEQ_CST);
}

static int direct_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct sspr_lockout_limits limits = {100, 86400, 86400};
	const int *which = ctx;

	if (!exists)
		return SSPR_NOCHANGE;
	if (*which % 2 == 0)
		(void)sspr_lockout_add_failure(rec, sspr_now(), &limits);
	else
		rec->confirmed_at = sspr_now();
	return SSPR_OK;
}

static void race_worker(int i)
{
	static const char *const qa =
		"Robust question one?\tfirst robust answer\n"
		"Robust question two?\tsecond robust answer\n"
		"Robust question three?\tthird robust answer\n";
	static const char *const qb =
		"Other question one?\tfirst other answer\n"
		"Other question two?\tsecond other answer\n"
		"Other question three?\tthird other answer\n";
	time_t end = time(NULL) + RACE_SECONDS;
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	char totp_in[64];
	const char *replies[] = {"", "@wrongcode"};

	snprintf(totp_in, sizeof(totp_in), "%s\n", secret_b32);
	for (unsigned k = 0; time(NULL) < end; k++) {
		switch (i) {
		case 0:
		case 1:
			one_reset(i == 0 ? "robust-race-0" : "robust-race-1", replies, 2);
			break;
		case 2:
			note_admin(admin_run(k % 2 ? qa : qb,
					     (const char *const[]){"enroll", user, "questions",
								   "--stdin", NULL}));
			break;
		case 3:
			note_admin(admin_run(totp_in, (const char *const[]){"enroll", user, "totp",
									    "--secret-stdin",
									    NULL}));
			break;
		case 4:
			note_admin(admin_run(NULL, (const char *const[]){"unlock", user, NULL}));
			note_admin(admin_run(NULL, (const char *const[]){"enroll", user, "email",
								   k % 2 ? "a@example.org"
									 : "b@example.org",
								   NULL}));
			break;
		default:
			if (st == NULL && open_test_store(0, &st, &err) != SSPR_OK) {
				__atomic_add_fetch(&tally->direct_failures, 1, __ATOMIC_SEQ_CST);
				return;
			}
			__atomic_add_fetch(&tally->direct_updates, 1, __ATOMIC_SEQ_CST);
			if (sspr_store_update(st, user, 0, direct_fn, &i, &err) < 0)
				__atomic_add_fetch(&tally->direct_failures, 1, __ATOMIC_SEQ_CST);
			break;
		}
	}
	sspr_store_close(st);
}

static void phase_race(void)
{
	struct decode_ctx d = {0};
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_record rec;

	enroll_fresh();
	memset(tally, 0, sizeof(*tally));
	tap_check(run_workers(WORKERS, race_worker) == 0, "race: workers exited cleanly");
	printf("# race: %d module resets, %d sspr-admin runs, %d direct updates in %d s\n",
	       tally->auth_err + tally->success + tally->other, tally->admin_runs,
	       tally->direct_updates, RACE_SECONDS);
	tap_check(tally->admin_runs > 0 && tally->admin_failures == 0,
	      "race: every sspr-admin enroll/unlock succeeded (%d of %d failed)",
	      tally->admin_failures, tally->admin_runs);
	tap_check(tally->direct_updates > 0 && tally->direct_failures == 0,
	      "race: every direct store update succeeded (%d of %d failed)",
	      tally->direct_failures, tally->direct_updates);
	tap_check(tally->other == 0 && tally->unavailable_msg == 0,
	      "race: no module reset failed with an error or said unavailable (%d, %d)",
	      tally->other, tally->unavailable_msg);
	tap_check(tally->invalid_msg + tally->locked_msg == tally->auth_err,
	      "race: every racing reset was judged: refused or found locked (%d + %d of %d)",
	      tally->invalid_msg, tally->locked_msg, tally->auth_err);
	if (open_test_store(SSPR_STORE_READONLY, &st, &err) != SSPR_OK ||
	    sspr_store_foreach_user(st, decode_fn, &d, &err) != SSPR_OK ||
	    sspr_store_foreach_event(st, 0, event_decode_fn, &d, &err) != SSPR_OK)
		die(err.msg);
	sspr_store_close(st);
	tap_check(d.users >= 1 && d.corrupt == 0, "race: every record and event decodes (%u users, "
					      "%u corrupt)", d.users, d.corrupt);
	get_record(&rec);
	tap_check(rec.n_totp && rec.n_failures <= SSPR_FAILURES_MAX &&
		      (rec.n_questions == 0 || rec.n_questions == 3),
	      "race: the user's record is whole (totp, %u questions, %u failures)",
	      rec.n_questions, rec.n_failures);
	sspr_record_wipe(&rec);
}

int main(int argc, char **argv)
{
	char cmd[400];

	if (argc != 2) {
		fprintf(stderr, "usage: test_concurrency SSPR_ADMIN\n");
		return 99;
	}
	if (getenv("PAM_WRAPPER") == NULL) {
		printf("SKIP: needs pam_wrapper (LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1)\n");
		return 77;
	}
	admin = argv[1];
	if (sodium_init() < 0 || sspr_totp_init() != SSPR_OK)
		die("crypto init");
	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	if (tally == MAP_FAILED)
		die("mmap");
	choose_backend();
	printf("# store backend: %s%s%s\n", use_ldap ? "ldap, " : "lmdb", use_ldap ? ldap_base : "",
	       use_ldap ? " (hosts: 127.0.0.1 and 127.1)" : "");
	fflush(stdout); /* before the workers fork */
	setup(PAM_SSPR_MODULE, TEST_PASSWD_MODULE);

	phase_replay();
	phase_count();
	phase_lock();
	phase_race();

	printf("# %d checks, %d failed\n", tap_checks, tap_failed);
	if (getenv("SSPR_KEEP_TEST_DIR") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return tap_failed == 0 ? 0 : 1;
}
