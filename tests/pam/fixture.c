/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixture of the module tests: a private directory with keys, a
 * store, policies and PAM service files (pam_wrapper), a scripted
 * conversation, and helpers to read and change what the module stored. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>
#include <sodium.h>

#include "fixture.h"
#include "hostkey.h"
#include "util.h"

const uint8_t secret[20] = "12345678901234567890";

char dir[256];
char user[64];  /* the account running the tests: enrolled in setup */
char other[64]; /* another existing account, never enrolled */

/* ---- the store: LMDB in dir, or a directory sub-base ------------------ */

/* SSPR_TEST_BACKEND=ldap (set by the 'ldap' suite, run under
 * tests/ldap/with-slapd.sh) puts the store on the harness's server A, in a
 * sub-base of its own per fixture, so the same tests prove both backends. */
static bool use_ldap;
static char ldap_base[256];
static const char *ldap_uri, *ldap_bind_dn, *ldap_password_file, *ldap_cacert;

static const char *harness_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0' || strlen(v) > 200)
		fail_msg("SSPR_TEST_BACKEND=ldap but %s is not set: run under "
			 "tests/ldap/with-slapd.sh", name);
	return v;
}

/* Reads the backend choice; called once from setup_all. */
static void choose_backend(void)
{
	static unsigned instances;
	const char *backend = getenv("SSPR_TEST_BACKEND");

	use_ldap = backend != NULL && strcmp(backend, "ldap") == 0;
	if (backend != NULL && backend[0] != '\0' && !use_ldap && strcmp(backend, "lmdb") != 0)
		fail_msg("SSPR_TEST_BACKEND must be lmdb or ldap, not '%s'", backend);
	if (!use_ldap)
		return;
	ldap_uri = harness_env("SSPR_LDAP_URI_A");
	ldap_bind_dn = harness_env("SSPR_LDAP_BIND_DN");
	ldap_password_file = harness_env("SSPR_LDAP_BIND_PASSWORD_FILE");
	ldap_cacert = harness_env("SSPR_LDAP_CACERT");
	/* A fresh sub-base per fixture instance: test programs never see each
	 * other's records or events, even on one server. */
	snprintf(ldap_base, sizeof(ldap_base), "ou=t%ldx%u,%s", (long)getpid(), instances++,
		 harness_env("SSPR_LDAP_BASE"));
}

bool store_is_ldap(void)
{
	return use_ldap;
}

void store_config(struct sspr_store_config *cfg)
{
	static char lmdb_dir[300];

	snprintf(lmdb_dir, sizeof(lmdb_dir), "%s/store", dir);
	*cfg = (struct sspr_store_config){
	    .backend = use_ldap ? SSPR_BACKEND_LDAP : SSPR_BACKEND_LMDB,
	    .dir = lmdb_dir,
	    .ldap_uri = use_ldap ? ldap_uri : "",
	    .ldap_base = ldap_base,
	    .ldap_bind_dn = use_ldap ? ldap_bind_dn : "",
	    .ldap_bind_password_file = use_ldap ? ldap_password_file : "",
	    .ldap_tls_cacert = use_ldap ? ldap_cacert : "",
	    .ldap_timeout = 5,
	};
}

const char *store_policy_lines(void)
{
	static char lines[1600];

	/* The tests write records behind the module's back, so its reminder
	 * cache is off: the account hook must read what they wrote (the cache
	 * is checked end to end, tests/ldap/e2e/test_failover.sh). */
	if (use_ldap)
		snprintf(lines, sizeof(lines),
			 "store_backend = ldap\nldap_uri = %s\nldap_base = %s\n"
			 "ldap_bind_dn = %s\nldap_bind_password_file = %s\nldap_tls_cacert = %s\n"
			 "ldap_reminder_cache = 0\n",
			 ldap_uri, ldap_base, ldap_bind_dn, ldap_password_file, ldap_cacert);
	else
		snprintf(lines, sizeof(lines), "store = %s/store\n", dir);
	return lines;
}

/* ---- conversation -------------------------------------------------- */

int run(const char *service, const char *who, enum pamtest_ops op, struct script *sc)
{
	struct pam_testcase tests[] = {pam_test(op, PAM_SUCCESS)};

	(void)_pamtest_conv(service, who, script_conv, sc, tests, 1, NULL);
	return tests[0].op_rv;
}

/* ---- fixture ------------------------------------------------------- */

void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* True when text has a line "key = ..." (not merely a key ending in it). */
static bool sets_key(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, n) == 0 && (p[n] == ' ' || p[n] == '='))
			return true;
	}
	return false;
}

void write_policy(const char *name, const char *extra)
{
	static const char helpdesk_line[] = "helpdesk = " HELPDESK;
	static const char *const defaults[] = {
		"group = *", "min_uid = 0", "allow_root = yes", "password_service = sspr-test-passwd",
		"lockout_attempts = 3", "lockout_window = 600", "lockout_duration = 600",
		helpdesk_line, "enumeration = show",
		/* The account running the tests may be root or in sudo: the
		 * admins' rule is tested where it is named. */
		"admin_policy = same",
	};
	char text[4096];
	size_t n;

	n = (size_t)snprintf(text, sizeof(text), "%skey_dir = %s/keys\nlock_dir = %s/run\n",
			     store_policy_lines(), dir, dir);
	/* A default is left out when extra sets that key itself. */
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(defaults[i], " "), defaults[i]);
		if (!sets_key(extra, key))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\n", defaults[i]);
	}
	snprintf(text + n, sizeof(text) - n, "%s", extra);
	write_file(name, text);
}

void write_service(const char *name, const char *body)
{
	char path[512];

	snprintf(path, sizeof(path), "services/%s", name);
	write_file(path, body);
}

void set_password(const char *who, const char *password)
{
	char text[256];

	snprintf(text, sizeof(text), "%s:%s\n", who, password);
	write_file("passwords", text);
}

bool password_is(const char *who, const char *password)
{
	char path[512], line[256], want[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/passwords", dir);
	snprintf(want, sizeof(want), "%s:%s\n", who, password);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strcmp(line, want) == 0)
			found = true;
	fclose(f);
	return found;
}

struct enroll_ctx {
	const uint8_t *pk;
};

static int enroll_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct enroll_ctx *e = ctx;
	size_t len = 0;

	sspr_record_init(rec);
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].digits = 6;
	rec->totp[0].period = 30;
	assert_int_equal(sspr_seal(e->pk, secret, sizeof(secret), rec->totp[0].sealed,
				   sizeof(rec->totp[0].sealed), &len),
			 SSPR_OK);
	rec->totp[0].sealed_len = (uint16_t)len;
	rec->registered_at = rec->confirmed_at = sspr_now();
	return SSPR_OK;
}

int try_open_store(unsigned flags, struct sspr_store **st, struct sspr_error *err)
{
	struct sspr_store_config cfg;

	*st = NULL;
	store_config(&cfg);
	return sspr_store_open(&cfg, flags, st, err);
}

struct sspr_store *open_store(void)
{
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};

	if (try_open_store(0, &st, &err) != SSPR_OK)
		fail_msg("cannot open the test store: %s", err.msg);
	return st;
}

/* A fresh record for who: TOTP with the test secret, nothing used yet. */
void enroll(const char *who)
{
	char keys[512];
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	struct enroll_ctx e = {pk};
	struct sspr_store *st = open_store();
	struct sspr_error err;

	snprintf(keys, sizeof(keys), "%s/keys", dir);
	assert_int_equal(sspr_hostkey_load_public(keys, pk, &err), SSPR_OK);
	assert_int_equal(sspr_store_update(st, who, 0, enroll_fn, &e, &err), SSPR_OK);
	sspr_store_close(st);
}

bool have_record(const char *who, struct sspr_record *rec)
{
	struct sspr_store *st = open_store();
	struct sspr_error err;
	int r = sspr_store_get(st, who, rec, &err);

	sspr_store_close(st);
	return r == SSPR_OK;
}

static int last_event_fn(const struct sspr_event *ev, int status, void *ctx)
{
	struct last_event *le = ctx;

	le->ev = *ev;
	le->count++;
	return 0;
}

struct last_event last_event(void)
{
	struct last_event le = {0};
	struct sspr_store *st = open_store();
	struct sspr_error err;

	assert_int_equal(sspr_store_foreach_event(st, 0, last_event_fn, &le, &err), SSPR_OK);
	sspr_store_close(st);
	return le;
}

void current_code(char code[SSPR_TOTP_CODE_MAX + 1])
{
	assert_int_equal(sspr_totp_code(secret, sizeof(secret), 6,
					sspr_totp_step(sspr_now(), 30), code),
			 SSPR_OK);
}

/* A six-digit code valid at no step in the window. */
void wrong_code(char code[SSPR_TOTP_CODE_MAX + 1])
{
	uint64_t now = sspr_totp_step(sspr_now(), 30);
	char valid[3][SSPR_TOTP_CODE_MAX + 1];

	for (int i = 0; i < 3; i++)
		sspr_totp_code(secret, sizeof(secret), 6, now - 1 + (uint64_t)i, valid[i]);
	for (unsigned n = 0;; n++) {
		snprintf(code, SSPR_TOTP_CODE_MAX + 1, "%06u", n);
		if (strcmp(code, valid[0]) && strcmp(code, valid[1]) && strcmp(code, valid[2]))
			return;
	}
}

void write_stack(const char *service, const char *conf, const char *args,
		 const char *account_control)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "auth optional " PAM_SSPR_MODULE " config=%s/%s %s\n"
		 "auth required " TEST_PASSWD_MODULE " file=%s/passwords\n"
		 "account %s " PAM_SSPR_MODULE " config=%s/%s\n"
		 "account required " TEST_PASSWD_MODULE "\n",
		 dir, conf, args, dir, account_control, dir, conf);
	write_service(service, text);
}

int setup_all(void **state)
{
	char services[512], keys[512], text[4096];
	struct sspr_store_config cfg;
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	struct passwd *pw = getpwuid(getuid());

	assert_non_null(pw);
	snprintf(user, sizeof(user), "%s", pw->pw_name);
	snprintf(other, sizeof(other), "%s", strcmp(user, "daemon") != 0 ? "daemon" : "bin");
	snprintf(dir, sizeof(dir), "%s", "/tmp/sspr-pamtest-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(services, sizeof(services), "%s/services", dir);
	assert_int_equal(mkdir(services, 0700), 0);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	assert_int_equal(sspr_hostkey_generate(keys, &err), SSPR_OK);
	choose_backend();
	store_config(&cfg);
	if (sspr_store_open(&cfg, SSPR_STORE_CREATE, &st, &err) != SSPR_OK)
		fail_msg("cannot create the test store: %s", err.msg);
	sspr_store_close(st);
	assert_int_equal(sspr_totp_init(), SSPR_OK);

	write_policy("sspr.conf", "");
	write_policy("no-login.conf", "login_after_reset = no\n");
	write_policy("other-group.conf", "");
	write_file("broken.conf", "lockout_attempts = lots\n");
	/* other-group.conf: same store, but a group nobody is in. */
	snprintf(text, sizeof(text),
		 "group = sspr-test-no-such-group\nmin_uid = 0\nallow_root = yes\n"
		 "enumeration = show\nlock_dir = %s/run\n"
		 "%skey_dir = %s/keys\npassword_service = sspr-test-passwd\n"
		 "helpdesk = " HELPDESK "\n", dir, store_policy_lines(), dir);
	write_file("other-group.conf", text);

	write_stack("sspr-test", "sspr.conf", "", "optional");
	write_stack("sspr-test-nologin", "no-login.conf", "", "optional");
	write_stack("sspr-test-group", "other-group.conf", "", "optional");
	write_stack("sspr-test-broken", "broken.conf", "", "optional");
	write_stack("sspr-test-missing", "missing.conf", "debug", "optional");
	snprintf(text, sizeof(text),
		 "auth [success=done default=ignore] " TEST_PASSWD_MODULE " file=%s/passwords\n"
		 "auth [ignore=ignore default=die] " PAM_SSPR_MODULE
		 " trigger=offer config=%s/sspr.conf\n"
		 "auth required " TEST_PASSWD_MODULE " file=%s/passwords\n",
		 dir, dir, dir);
	write_service("sspr-test-offer", text);
	snprintf(text, sizeof(text),
		 "auth optional " TEST_PASSWD_MODULE " set_rhost\n"
		 "auth optional " PAM_SSPR_MODULE " config=%s/sspr.conf\n"
		 "auth required " TEST_PASSWD_MODULE " file=%s/passwords\n",
		 dir, dir);
	write_service("sspr-test-rhost", text);
	snprintf(text, sizeof(text), "password required " TEST_PASSWD_MODULE " file=%s/passwords\n",
		 dir);
	write_service("sspr-test-passwd", text);
	setenv("PAM_WRAPPER_SERVICE_DIR", services, 1);
	return 0;
}

int teardown_all(void **state)
{
	char cmd[512];

	if (getenv("SSPR_KEEP_TEST_DIR") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}

/* Each test starts from: user enrolled, password "OldPass-1". */
int setup(void **state)
{
	set_password(user, "OldPass-1");
	enroll(user);
	return 0;
}

