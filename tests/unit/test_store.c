/* LMDB store through the store interface: create, read, atomic update
 * semantics, events in the same transaction, corruption, concurrency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "store.h"

static char dir[64];

static int setup(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;

	snprintf(dir, sizeof(dir), "/tmp/sspr-storetest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if (sspr_store_open_lmdb(dir, SSPR_STORE_CREATE, &st, &err) != SSPR_OK)
		return -1;
	sspr_store_close(st);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct sspr_store *open_rw(void)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;

	assert_int_equal(sspr_store_open_lmdb(dir, 0, &st, &err), SSPR_OK);
	return st;
}

struct bump {
	int status;      /* what the function returns */
	bool log_event;
};

static int bump_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct bump *b = ctx;

	rec->has_totp = true;
	rec->totp.digits = 6;
	rec->totp.period = 30;
	rec->totp.sealed_len = SSPR_SEAL_OVERHEAD + 1;
	rec->totp.last_step++;
	if (b->log_event)
		sspr_event_set(ev, 100, "test", "bump", "totp", "u", "unit", "", "");
	return b->status;
}

static uint64_t step_of(struct sspr_store *st, const char *user)
{
	struct sspr_record rec;
	struct sspr_error err;

	assert_int_equal(sspr_store_get(st, user, &rec, &err), SSPR_OK);
	return rec.totp.last_step;
}

static int count_fn(const struct sspr_event *ev, int status, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

static int count_events(struct sspr_store *st, int64_t since)
{
	struct sspr_error err;
	int n = 0;

	assert_int_equal(sspr_store_foreach_event(st, since, count_fn, &n, &err), SSPR_OK);
	return n;
}

static void test_missing_store_says_run_init(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;
	char missing[128];

	snprintf(missing, sizeof(missing), "%s/none", dir);
	assert_int_equal(sspr_store_open_lmdb(missing, 0, &st, &err), SSPR_ENOENT);
	assert_non_null(strstr(err.msg, "sspr-admin init"));
	assert_null(st);
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
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val key = {3, "bob"}, val = {3, "\x01\x63\x00"};
	char list[64] = "";

	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &ok, &err), SSPR_OK);
	sspr_store_close(st);
	/* Write garbage for bob behind the store's back. */
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 3), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "users", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &key, &val, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	st = open_rw();
	assert_int_equal(sspr_store_get(st, "bob", &rec, &err), SSPR_ECORRUPT);
	assert_non_null(strstr(err.msg, "bob"));
	assert_int_equal(sspr_store_update(st, "bob", 0, bump_fn, &ok, &err), SSPR_ECORRUPT);
	assert_int_equal(step_of(st, "alice"), 1);
	assert_int_equal(sspr_store_foreach_user(st, list_fn, list, &err), SSPR_OK);
	assert_string_equal(list, "alice+bob!");
	/* An admin may overwrite it. */
	assert_int_equal(sspr_store_update(st, "bob", SSPR_UPDATE_REPLACE_CORRUPT, bump_fn, &ok,
					   &err),
			 SSPR_OK);
	assert_int_equal(step_of(st, "bob"), 1);
	sspr_store_close(st);
}

static void test_readonly_store_refuses_writes(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;
	struct bump ok = {SSPR_OK, false};

	assert_int_equal(sspr_store_open_lmdb(dir, SSPR_STORE_READONLY, &st, &err), SSPR_OK);
	assert_int_equal(sspr_store_update(st, "alice", 0, bump_fn, &ok, &err), SSPR_EACCES);
	sspr_store_close(st);
}

static void test_unknown_format_is_refused(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val key = {6, "format"}, val = {1, "2"};

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 3), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &key, &val, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(sspr_store_open_lmdb(dir, 0, &st, &err), SSPR_ECORRUPT);
	assert_non_null(strstr(err.msg, "format '2' is not supported"));
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

static void test_concurrent_updates_lose_nothing(void **state)
{
	enum { CHILDREN = 8, EACH = 200 };
	struct sspr_store *st;

	for (int c = 0; c < CHILDREN; c++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			struct sspr_store *mine = NULL;
			struct sspr_error err;
			struct bump ok = {SSPR_OK, true};

			if (sspr_store_open_lmdb(dir, 0, &mine, &err) != SSPR_OK)
				_exit(2);
			for (int i = 0; i < EACH; i++)
				if (sspr_store_update(mine, "carol", 0, bump_fn, &ok, &err) !=
				    SSPR_OK)
					_exit(3);
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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_store_says_run_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_semantics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_record_is_an_error_for_that_user_only,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_store_refuses_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_format_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observer_sees_each_committed_event_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_updates_lose_nothing, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
