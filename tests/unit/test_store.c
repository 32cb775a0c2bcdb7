/* SPDX-License-Identifier: BSD-2-Clause */
/* The store interface: create, read, atomic update semantics, events with
 * their update, corruption, concurrency. On LMDB by default; with
 * SSPR_TEST_BACKEND=ldap (the 'ldap' suite, run under
 * tests/ldap/with-slapd.sh) the same cases run on the directory backend,
 * each in a fresh sub-base of $SSPR_LDAP_BASE on server A. Only the way a
 * case breaks the store behind the interface's back differs per backend. */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldap.h>
#include <sodium.h>
#include <lmdb.h>

#include "store.h"
#include "store_checks.h"

static bool use_ldap;
static char dir[64];
static char base[256];
static struct sspr_store_config cfg;

/* A variable with-slapd.sh exports; its absence is a set-up error. */
static const char *harness_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0') {
		fprintf(stderr,
			"SSPR_TEST_BACKEND=ldap but %s is not set: run under "
			"tests/ldap/with-slapd.sh\n",
			name);
		exit(1);
	}
	return v;
}

/* A fresh, empty store for each case: a temporary directory, or a new
 * sub-base (the directory servers live as long as the whole program). */
static int setup(void **state)
{
	static unsigned instances;
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};

	if (use_ldap) {
		snprintf(base, sizeof(base), "ou=st%ldx%u,%s", (long)getpid(), instances++,
			 harness_env("SSPR_LDAP_BASE"));
		cfg = (struct sspr_store_config){
		    .backend = SSPR_BACKEND_LDAP,
		    .ldap_uri = harness_env("SSPR_LDAP_URI_A"),
		    .ldap_base = base,
		    .ldap_bind_dn = harness_env("SSPR_LDAP_BIND_DN"),
		    .ldap_bind_password_file = harness_env("SSPR_LDAP_BIND_PASSWORD_FILE"),
		    .ldap_tls_cacert = harness_env("SSPR_LDAP_CACERT"),
		    .ldap_timeout = 5,
		};
	} else {
		snprintf(dir, sizeof(dir), "/tmp/sspr-storetest-XXXXXX");
		if (mkdtemp(dir) == NULL)
			return -1;
		cfg = (struct sspr_store_config){.backend = SSPR_BACKEND_LMDB, .dir = dir};
	}
	if (sspr_store_open(&cfg, SSPR_STORE_CREATE, &st, &err) != SSPR_OK) {
		fprintf(stderr, "creating the store failed: %s\n", err.msg);
		return -1;
	}
	sspr_store_close(st);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	if (use_ldap) /* with-slapd.sh removes the servers and their data */
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct sspr_store *open_flags(unsigned flags)
{
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};
	int r = sspr_store_open(&cfg, flags, &st, &err);

	if (r != SSPR_OK)
		fprintf(stderr, "open: %s\n", err.msg);
	assert_int_equal(r, SSPR_OK);
	assert_int_equal(sspr_store_backend_of(st),
			 use_ldap ? SSPR_BACKEND_LDAP : SSPR_BACKEND_LMDB);
	return st;
}

static struct sspr_store *open_rw(void)
{
	return open_flags(0);
}

/* Writes one key of an LMDB sub-database behind the store's back. */
static void lmdb_put(const char *db, const char *k, const char *v, size_t vlen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val key = {strlen(k), (void *)k}, val = {vlen, (void *)v};

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 3), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &key, &val, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* Gives bob a record that does not decode: a TLV blob cut short in LMDB;
 * in the directory an account whose TOTP digits are out of range (the
 * server checks only that it is an INTEGER). */
static void plant_corrupt_bob(void)
{
	char dn[512];
	char *classes[] = {"ssprAccount", NULL}, *user[] = {"bob", NULL}, *rev[] = {"3", NULL},
	     *digits[] = {"99", NULL};
	LDAPMod m1 = {LDAP_MOD_ADD, "objectClass", {.modv_strvals = classes}},
		m2 = {LDAP_MOD_ADD, "ssprUser", {.modv_strvals = user}},
		m3 = {LDAP_MOD_ADD, "ssprRevision", {.modv_strvals = rev}},
		m4 = {LDAP_MOD_ADD, "ssprTotpDigits", {.modv_strvals = digits}};
	LDAPMod *mods[] = {&m1, &m2, &m3, &m4, NULL};
	LDAP *ld;

	if (!use_ldap) {
		lmdb_put("users", "bob", "\x01\x63\x00", 3);
		return;
	}
	ld = root_ld();
	snprintf(dn, sizeof(dn), "ssprUser=bob,ou=users,%s", base);
	assert_int_equal(ldap_add_ext_s(ld, dn, mods, NULL, NULL), LDAP_SUCCESS);
	ldap_unbind_ext_s(ld, NULL, NULL);
}

/* Marks the store as written by a future version 2 of the format. */
static void plant_format_2(void)
{
	char *two[] = {"2", NULL};
	LDAPMod m = {LDAP_MOD_REPLACE, "ssprFormat", {.modv_strvals = two}};
	LDAPMod *mods[] = {&m, NULL};
	LDAP *ld;

	if (!use_ldap) {
		lmdb_put("meta", "format", "2", 1);
		return;
	}
	ld = root_ld();
	assert_int_equal(ldap_modify_ext_s(ld, base, mods, NULL, NULL), LDAP_SUCCESS);
	ldap_unbind_ext_s(ld, NULL, NULL);
}

static void test_missing_store_says_run_init(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;
	char missing[300];
	struct sspr_store_config none = cfg;

	/* A directory that is not there (LMDB), a sub-base never created
	 * (the directory): both are "no store", not an error of the server. */
	if (use_ldap) {
		snprintf(missing, sizeof(missing), "ou=none,%s", base);
		none.ldap_base = missing;
	} else {
		snprintf(missing, sizeof(missing), "%s/none", dir);
		none.dir = missing;
	}
	assert_int_equal(sspr_store_open(&none, 0, &st, &err), SSPR_ENOENT);
	assert_non_null(strstr(err.msg, "sspr-admin init"));
	assert_non_null(strstr(err.msg, missing));
	assert_null(st);
	/* The same for the LMDB-only entry point (tools given --store). */
	if (!use_ldap) {
		assert_int_equal(sspr_store_open_lmdb(missing, 0, &st, &err), SSPR_ENOENT);
		assert_non_null(strstr(err.msg, "sspr-admin init"));
		assert_null(st);
	}
}

static void test_update_semantics(void **state)
{
	struct sspr_store *st = open_rw();
	struct sspr_record rec;
	struct sspr_error err;
	struct bump ok = {SSPR_OK, true}, nochange = {SSPR_NOCHANGE, true},
		    del = {SSPR_DELETE, false}, abort_ = {SSPR_EBADCODE, true};

	assert_int_equal(sspr_store_get(st, "alice", &rec, &err), SSPR_ENOENT);
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &ok, &err), SSPR_OK);
	assert_int_equal(step_of(st, "alice"), 1);
	assert_int_equal(count_events(st, 0), 1);
	/* NOCHANGE: the event is written, the record is not. */
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &nochange, &err),
			 SSPR_NOCHANGE);
	assert_int_equal(step_of(st, "alice"), 1);
	assert_int_equal(count_events(st, 0), 2);
	/* A negative status aborts: neither record nor event. */
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &abort_, &err), SSPR_EBADCODE);
	assert_int_equal(step_of(st, "alice"), 1);
	assert_int_equal(count_events(st, 0), 2);
	assert_int_equal(count_events(st, 101), 0);
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &del, &err), SSPR_DELETE);
	assert_int_equal(sspr_store_get(st, "alice", &rec, &err), SSPR_ENOENT);
	/* Names that could not be accounts never reach the store. */
	assert_int_equal(sspr_store_update(st, "../x", 0, bump_fn, &ok, &err), SSPR_EINVAL);
	sspr_store_close(st);
}

static int list_fn(const char *user, const struct sspr_record *rec, int status, void *ctx)
{
	char *out = ctx;

	strcat(out, user);
	strcat(out, status == SSPR_OK ? "+" : "!");
	return 0;
}

static void test_corrupt_record_is_an_error_for_that_user_only(void **state)
{
	struct sspr_store *st = open_rw();
	struct sspr_record rec;
	struct sspr_error err;
	struct bump ok = {SSPR_OK, false};
	char list[64] = "";

	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &ok, &err), SSPR_OK);
	sspr_store_close(st);
	/* Write garbage for bob behind the store's back. */
	plant_corrupt_bob();

	st = open_rw();
	assert_int_equal(sspr_store_get(st, "bob", &rec, &err), SSPR_ECORRUPT);
	assert_non_null(strstr(err.msg, "bob"));
	assert_int_equal(sspr_store_update(st, "bob", 0, bump_fn, &ok, &err), SSPR_ECORRUPT);
	assert_int_equal(step_of(st, "alice"), 1);
	assert_int_equal(sspr_store_foreach_user(st, list_fn, list, &err), SSPR_OK);
	assert_string_equal(list, "alice+bob!");
	/* An admin may overwrite it. */
	assert_int_equal(
	    sspr_store_update(st, "bob", SSPR_UPDATE_REPLACE_CORRUPT, bump_fn, &ok, &err), SSPR_OK);
	assert_int_equal(step_of(st, "bob"), 1);
	sspr_store_close(st);
}

static void test_readonly_store_refuses_writes(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;
	struct bump ok = {SSPR_OK, false};

	struct sspr_event ev;

	st = open_flags(SSPR_STORE_READONLY);
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &ok, &err), SSPR_EACCES);
	sspr_event_set(&ev, 1, "a", "b", "", "alice", "unit", "", "");
	assert_int_equal(sspr_store_append_event(st, &ev, &err), SSPR_EACCES);
	assert_int_equal(count_events(st, 0), 0);
	sspr_store_close(st);
}

/* How many of this process's descriptors are open on the store's lock.mdb. */
static int lock_file_descriptors(void)
{
	char want[128], link[PATH_MAX], path[PATH_MAX];
	struct dirent *d;
	DIR *fds = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(fds);
	snprintf(want, sizeof(want), "%s/lock.mdb", dir);
	while ((d = readdir(fds)) != NULL) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		n += strcmp(link, want) == 0;
	}
	closedir(fds);
	return n;
}

/* Two handles on one store in one process share one LMDB environment
 * (store_lmdb_env.h): with two, closing either destroys the writer mutex
 * under the other, whose next write fails (EINVAL with LMDB 0.9.31). */
static void test_two_handles_in_one_process_share_the_environment(void **state)
{
	struct sspr_store *a, *b, *ro = NULL;
	struct sspr_error err;
	struct bump ok = {SSPR_OK, false};

	if (use_ldap)
		skip(); /* one environment per process is an LMDB rule */
	a = open_rw();
	b = open_rw();
	ro = open_flags(SSPR_STORE_READONLY);
	assert_int_equal(lock_file_descriptors(), 1);
	assert_int_equal(sspr_store_update(b, "alice", 0, bump_fn, &ok, &err), SSPR_OK);
	sspr_store_close(b);
	/* The read-only handle still refuses writes, on the shared one. */
	assert_int_equal(sspr_store_update(ro, "alice", 0, bump_fn, &ok, &err), SSPR_EACCES);
	sspr_store_close(ro);
	assert_int_equal(sspr_store_update(a, "alice", 0, bump_fn, &ok, &err), SSPR_OK);
	assert_int_equal(step_of(a, "alice"), 2);
	sspr_store_close(a);
	assert_int_equal(lock_file_descriptors(), 0);

	/* A read-only environment cannot serve a writer: refused, not opened
	 * a second time. */
	ro = open_flags(SSPR_STORE_READONLY);
	b = NULL;
	assert_int_equal(sspr_store_open(&cfg, 0, &b, &err), SSPR_EBUSY);
	assert_null(b);
	assert_non_null(strstr(err.msg, "read-only"));
	assert_int_equal(step_of(ro, "alice"), 2);
	sspr_store_close(ro);
	a = open_rw();
	assert_int_equal(sspr_store_update(a, "alice", 0, bump_fn, &ok, &err), SSPR_OK);
	sspr_store_close(a);
}

/* A write through a second handle from inside a write of the first, in
 * one thread: the shared environment's writer mutex refuses it at the
 * deadline, where LMDB's own mutex would wait for ever. */
struct nested {
	struct sspr_store *other;
	int status;
	char msg[SSPR_ERROR_MAX];
};

static int nested_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct nested *n = ctx;
	struct bump ok = {SSPR_OK, false};
	struct sspr_error err = {{0}};

	n->status = sspr_store_update(n->other, "bob", 0, bump_fn, &ok, &err);
	snprintf(n->msg, sizeof(n->msg), "%s", err.msg);
	return bump_fn(rec, exists, ev, &ok);
}

static void test_nested_write_in_one_process_is_refused(void **state)
{
	struct sspr_store_config quick = cfg;
	struct sspr_store *a = NULL;
	struct nested n = {0};
	struct sspr_error err;

	if (use_ldap)
		skip(); /* the writer mutex is the LMDB environment's */
	quick.store_wait_ms = 200;
	assert_int_equal(sspr_store_open(&quick, 0, &a, &err), SSPR_OK);
	assert_int_equal(sspr_store_open(&quick, 0, &n.other, &err), SSPR_OK);
	assert_int_equal(sspr_store_update(a, "alice", 0, nested_fn, &n, &err), SSPR_OK);
	assert_int_equal(n.status, SSPR_EBUSY);
	assert_non_null(strstr(n.msg, "this process"));
	/* Once the outer write is over, the other handle writes. */
	struct bump ok = {SSPR_OK, false};
	assert_int_equal(sspr_store_update(n.other, "bob", 0, bump_fn, &ok, &err), SSPR_OK);
	sspr_store_close(n.other);
	sspr_store_close(a);
}

/* Threads of one process, each with its own handle on one store, write
 * in turn and lose nothing. */
static void *thread_writer(void *arg)
{
	struct bump ok = {SSPR_OK, true};
	struct sspr_store *mine = NULL;
	struct sspr_error err;
	intptr_t failed = 0;

	(void)arg;
	if (sspr_store_open(&cfg, 0, &mine, &err) != SSPR_OK)
		return (void *)1;
	for (int i = 0; i < 200 && !failed; i++)
		failed = sspr_store_update(mine, "dave", 0, bump_fn, &ok, &err) != SSPR_OK;
	sspr_store_close(mine);
	return (void *)failed;
}

static void test_threads_of_one_process_write_in_turn(void **state)
{
	pthread_t t[4];
	struct sspr_store *st;
	void *failed;

	if (use_ldap)
		skip();
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_writer, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &failed), 0);
		assert_null(failed);
	}
	st = open_rw();
	assert_int_equal(step_of(st, "dave"), 4 * 200);
	sspr_store_close(st);
}

static void test_unknown_format_is_refused(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;

	plant_format_2();
	assert_int_equal(sspr_store_open(&cfg, 0, &st, &err), SSPR_ECORRUPT);
	assert_non_null(strstr(err.msg, "format '2' is not supported"));
	assert_null(st);
	/* Nor does init take it over. */
	assert_int_equal(sspr_store_open(&cfg, SSPR_STORE_CREATE, &st, &err), SSPR_ECORRUPT);
	assert_null(st);
}

static int observed;
static char observed_action[32];

static void observe(const struct sspr_event *ev)
{
	observed++;
	snprintf(observed_action, sizeof(observed_action), "%s", ev->action);
}

static void test_observer_sees_each_committed_event_once(void **state)
{
	struct sspr_store *st = open_rw();
	struct sspr_event ev;
	struct sspr_error err;
	struct bump logged = {SSPR_OK, true}, quiet = {SSPR_OK, false},
		    aborted = {SSPR_EINVAL, true};

	sspr_store_observe_events(observe);
	observed = 0;
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &logged, &err), SSPR_OK);
	assert_int_equal(observed, 1);
	assert_string_equal(observed_action, "test");
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &quiet, &err), SSPR_OK);
	assert_int_equal(observed, 1);
	/* An aborted update commits nothing, so nothing is observed. */
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &aborted, &err), SSPR_EINVAL);
	assert_int_equal(observed, 1);
	sspr_event_set(&ev, 200, "appended", "success", "", "alice", "unit", "", "");
	assert_int_equal(sspr_store_append_event(st, &ev, &err), SSPR_OK);
	assert_int_equal(observed, 2);
	assert_string_equal(observed_action, "appended");
	sspr_store_observe_events(NULL);
	sspr_store_close(st);
}

static void append_at(struct sspr_store *st, int64_t t, const char *user)
{
	struct sspr_event ev;
	struct sspr_error err;

	sspr_event_set(&ev, t, "reset", "bad-code", "totp", user, "unit", "", "");
	assert_int_equal(sspr_store_append_event(st, &ev, &err), SSPR_OK);
}

/* sspr-admin prune: every event older than the cut goes, the rest stay,
 * on both backends. */
static void test_prune_removes_what_is_older(void **state)
{
	struct sspr_store *st = open_rw();
	struct sspr_error err;
	unsigned long removed = 0;
	int64_t now = sspr_now();

	for (int i = 0; i < 30; i++)
		append_at(st, now - 100 * 86400 - i, "alice");
	for (int i = 0; i < 5; i++)
		append_at(st, now - i, "bob");
	assert_int_equal(count_events(st, 0), 35);
	assert_int_equal(sspr_store_prune_events(st, now - 50 * 86400, &removed, &err), SSPR_OK);
	assert_int_equal(removed, 30);
	assert_int_equal(count_events(st, 0), 5);
	assert_int_equal(sspr_store_prune_events(st, now - 50 * 86400, &removed, &err), SSPR_OK);
	assert_int_equal(removed, 0);
	sspr_store_close(st);
}

/* The LMDB store drops a few expired events with every one it appends
 * (event_retention_days), so the store stays bounded without a prune run.
 * The decoy writes' fixed key is never taken for an old event. */
static void test_retention_prunes_as_events_come(void **state)
{
	struct sspr_store_config kept = cfg;
	struct sspr_store *st = NULL;
	struct sspr_error err;
	int64_t now = sspr_now();

	if (use_ldap)
		skip(); /* the directory is pruned by sspr-admin prune only */
	kept.event_retention_days = 30;
	assert_int_equal(sspr_store_open(&kept, 0, &st, &err), SSPR_OK);
	assert_int_equal(sspr_store_decoy_write(st, &err), SSPR_OK);
	for (int i = 0; i < 10; i++)
		append_at(st, now - 40 * 86400 + i, "alice");
	/* Each of those was within 30 days of itself: all kept. */
	assert_int_equal(count_events(st, 0), 10);
	append_at(st, now, "bob");
	assert_int_equal(count_events(st, 0), 11 - 4);
	append_at(st, now, "bob");
	append_at(st, now, "bob");
	assert_int_equal(count_events(st, 0), 13 - 10);
	assert_int_equal(sspr_store_decoy_write(st, &err), SSPR_OK);
	assert_int_equal(count_events(st, 0), 3);
	sspr_store_close(st);
}

static void test_concurrent_updates_lose_nothing(void **state)
{
	/* The directory retries a lost race 16 times, then gives up with
	 * SSPR_EBUSY: writers in a tight loop there get fewer rounds and a
	 * short random pause (still far more contention than logins of one
	 * user make), as tests/ldap/store does. */
	const int CHILDREN = use_ldap ? 4 : 8, EACH = use_ldap ? 25 : 200;
	struct sspr_store *st;

	for (int c = 0; c < CHILDREN; c++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			struct sspr_store *mine = NULL;
			struct sspr_error err;
			struct bump ok = {SSPR_OK, true};

			if (sspr_store_open(&cfg, 0, &mine, &err) != SSPR_OK)
				_exit(2);
			srand((unsigned)getpid());
			for (int i = 0; i < EACH; i++) {
				struct timespec pause = {0, (rand() % 4000) * 1000L};

				if (use_ldap)
					nanosleep(&pause, NULL);
				if (sspr_store_update(mine, "carol", 0, bump_fn, &ok, &err) !=
				    SSPR_OK) {
					fprintf(stderr, "child: %s\n", err.msg);
					_exit(3);
				}
			}
			sspr_store_close(mine);
			_exit(0);
		}
	}
	for (int c = 0; c < CHILDREN; c++) {
		int status;

		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	st = open_rw();
	assert_int_equal(step_of(st, "carol"), CHILDREN * EACH);
	assert_int_equal(count_events(st, 0), CHILDREN * EACH); /* no event key collided */
	sspr_store_close(st);
}

int main(void)
{
	const char *backend = getenv("SSPR_TEST_BACKEND");

	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_missing_store_says_run_init, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_semantics, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_record_is_an_error_for_that_user_only,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_store_refuses_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nested_write_in_one_process_is_refused, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_threads_of_one_process_write_in_turn, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_two_handles_in_one_process_share_the_environment,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_format_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_observer_sees_each_committed_event_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_prune_removes_what_is_older, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retention_prunes_as_events_come, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_updates_lose_nothing, setup, teardown),
	};

	use_ldap = backend != NULL && strcmp(backend, "ldap") == 0;
	if (backend != NULL && backend[0] != '\0' && !use_ldap && strcmp(backend, "lmdb") != 0) {
		fprintf(stderr, "SSPR_TEST_BACKEND must be lmdb or ldap, not '%s'\n", backend);
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
