/* Test helper for tests/admin: puts a user's record into states sspr-admin
 * cannot produce itself, so list/show/unlock/revoke can be tested on them.
 *   admin_test_helper fail STORE USER     one failed verification, no lock
 *   admin_test_helper lock STORE USER     failures until the user is locked
 *   admin_test_helper corrupt STORE USER  a record that does not decode
 * "fail" and "lock" go through the store interface and the module's own
 * lockout code. "corrupt" must write bytes no encoder would produce, so it
 * uses LMDB directly and the layout of DESIGN.md §5 (database "users", key =
 * user name); only a test may do that. Exit 77 = cannot run here. */
#include <stdio.h>
#include <string.h>

#include <lmdb.h>

#include "lockout.h"
#include "store.h"
#include "util.h"

struct fail_ctx {
	int64_t now;
	struct sspr_lockout_limits limits;
};

static int add_failure(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct fail_ctx *f = ctx;

	(void)ev;
	if (!exists)
		return SSPR_ENOENT;
	(void)sspr_lockout_add_failure(rec, f->now, &f->limits);
	return SSPR_OK;
}

static int failures(const char *dir, const char *user, unsigned attempts)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct fail_ctx f = {sspr_now(), {attempts, 3600, 3600}};
	int r;

	r = sspr_store_open(dir, 0, &st, &err);
	if (r == SSPR_OK)
		r = sspr_store_update(st, user, 0, add_failure, &f, &err);
	sspr_store_close(st);
	if (r != SSPR_OK) {
		fprintf(stderr, "admin_test_helper: %s: %s\n", user,
			err.msg[0] != '\0' ? err.msg : sspr_strerror(r));
		return 1;
	}
	return 0;
}

static int corrupt(const char *dir, const char *user)
{
	static const unsigned char junk[] = {0xff, 0xfe, 0x00, 0x13, 0x37, 0x42};
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val key = {strlen(user), (void *)user};
	MDB_val val = {sizeof(junk), (void *)junk};
	int rc;

	if ((rc = mdb_env_create(&env)) != 0 || (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_open(env, dir, 0, 0660)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "users", 0, &dbi)) != 0 ||
	    (rc = mdb_put(txn, dbi, &key, &val, 0)) != 0)
		goto out;
	rc = mdb_txn_commit(txn);
	txn = NULL;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (env != NULL)
		mdb_env_close(env);
	if (rc != 0) {
		fprintf(stderr, "admin_test_helper: %s: %s\n", dir, mdb_strerror(rc));
		return 77;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || !sspr_user_name_valid(argv[3])) {
		fprintf(stderr, "usage: admin_test_helper fail|lock|corrupt STORE USER\n");
		return 2;
	}
	if (strcmp(argv[1], "fail") == 0)
		return failures(argv[2], argv[3], 5);
	if (strcmp(argv[1], "lock") == 0)
		return failures(argv[2], argv[3], 1);
	if (strcmp(argv[1], "corrupt") == 0)
		return corrupt(argv[2], argv[3]);
	fprintf(stderr, "admin_test_helper: unknown action\n");
	return 2;
}
