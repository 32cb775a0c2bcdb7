/* Test helper for tests/admin: puts a user's record into states sspr-admin
 * cannot produce itself, so list/show/unlock/revoke can be tested on them,
 * and checks what sspr-admin wrote through the same library calls the
 * module uses.
 *   admin_test_helper fail STORE USER     one failed verification, no lock
 *   admin_test_helper lock STORE USER     failures until the user is locked
 *   admin_test_helper corrupt STORE USER  a record that does not decode
 *   admin_test_helper event STORE USER ACTION RESULT METHOD [DETAIL [AGE]]
 *       appends an audit event, AGE seconds old (default 0)
 *   admin_test_helper recovery STORE USER CODE
 *       exit 0 when CODE is an unused recovery code of USER, 1 when not
 *   admin_test_helper answer STORE USER INDEX ANSWER
 *       exit 0 when ANSWER (normalised) matches question INDEX (from 0)
 *   admin_test_helper secret STORE USER KEY_DIR
 *       prints USER's TOTP secret, unsealed with host.key, in hex
 * "fail" and "lock" go through the store interface and the module's own
 * lockout code. "corrupt" must write bytes no encoder would produce, so it
 * uses LMDB directly and the layout of DESIGN.md §5 (database "users", key =
 * user name); only a test may do that. Exit 77 = cannot run here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <lmdb.h>

#include "answer.h"
#include "codes.h"
#include "hostkey.h"
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

	r = sspr_store_open_lmdb(dir, 0, &st, &err);
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

static int append_event(char **argv, int argc)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_event ev;
	long age = argc > 8 ? strtol(argv[8], NULL, 10) : 0;
	int r;

	sspr_event_set(&ev, sspr_now() - age, argv[4], argv[5], argv[6], argv[3], "test", "",
		       argc > 7 ? argv[7] : "");
	r = sspr_store_open_lmdb(argv[2], 0, &st, &err);
	if (r == SSPR_OK)
		r = sspr_store_append_event(st, &ev, &err);
	sspr_store_close(st);
	if (r != SSPR_OK) {
		fprintf(stderr, "admin_test_helper: event: %s\n", err.msg);
		return 1;
	}
	return 0;
}

/* Reads USER's record; 0 or a message and 1. */
static int get_record(const char *dir, const char *user, struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	r = sspr_store_open_lmdb(dir, SSPR_STORE_READONLY, &st, &err);
	if (r == SSPR_OK)
		r = sspr_store_get(st, user, rec, &err);
	sspr_store_close(st);
	if (r != SSPR_OK) {
		fprintf(stderr, "admin_test_helper: %s: %s\n", user,
			err.msg[0] != '\0' ? err.msg : sspr_strerror(r));
		return 1;
	}
	return 0;
}

static int check_recovery(const char *dir, const char *user, const char *code)
{
	struct sspr_record rec;
	int found;

	if (get_record(dir, user, &rec) != 0)
		return 2;
	found = sspr_recovery_find(&rec, code);
	sspr_record_wipe(&rec);
	printf("%s\n", found >= 0 ? "accepted" : "refused");
	return found >= 0 ? 0 : 1;
}

static int check_answer(const char *dir, const char *user, const char *index, const char *answer)
{
	struct sspr_record rec;
	char norm[SSPR_ANSWER_MAX + 1];
	size_t chars = 0;
	unsigned long i = strtoul(index, NULL, 10);
	bool ok;

	if (get_record(dir, user, &rec) != 0)
		return 2;
	ok = i < rec.n_questions &&
	     sspr_answer_normalise(answer, norm, sizeof(norm), &chars) == SSPR_OK &&
	     sspr_answer_verify(rec.questions[i].hash, norm);
	sspr_record_wipe(&rec);
	printf("%s\n", ok ? "accepted" : "refused");
	return ok ? 0 : 1;
}

static int print_secret(const char *dir, const char *key_dir, const char *user)
{
	struct sspr_error err = {{0}};
	struct sspr_hostkey key;
	struct sspr_record rec;
	uint8_t secret[SSPR_TOTP_SECRET_MAX];
	char hex[2 * SSPR_TOTP_SECRET_MAX + 1];
	size_t len = 0;
	int r;

	if (get_record(dir, user, &rec) != 0)
		return 2;
	r = sspr_hostkey_load(key_dir, &key, &err);
	if (r == SSPR_OK && rec.has_totp)
		r = sspr_unseal(&key, rec.totp.sealed, rec.totp.sealed_len, secret, sizeof(secret),
				&len);
	sspr_hostkey_wipe(&key);
	sspr_record_wipe(&rec);
	if (r != SSPR_OK || len == 0) {
		fprintf(stderr, "admin_test_helper: %s: no secret that opens\n", user);
		return 1;
	}
	sodium_bin2hex(hex, sizeof(hex), secret, len);
	printf("%s\n", hex);
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0 || argc < 4 || !sspr_user_name_valid(argv[3])) {
		fprintf(stderr,
			"usage: admin_test_helper ACTION STORE USER ... (see the source)\n");
		return 2;
	}
	if (strcmp(argv[1], "event") == 0 && argc >= 7 && argc <= 9)
		return append_event(argv, argc);
	if (strcmp(argv[1], "recovery") == 0 && argc == 5)
		return check_recovery(argv[2], argv[3], argv[4]);
	if (strcmp(argv[1], "answer") == 0 && argc == 6)
		return check_answer(argv[2], argv[3], argv[4], argv[5]);
	if (strcmp(argv[1], "secret") == 0 && argc == 5)
		return print_secret(argv[2], argv[4], argv[3]);
	if (argc != 4) {
		fprintf(stderr, "admin_test_helper: wrong number of arguments\n");
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
