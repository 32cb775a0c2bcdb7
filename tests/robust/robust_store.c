/* robust_store: reads a store through the same library calls the module
 * uses, for the robustness tests.
 *
 *   robust_store dump STORE
 *       one line per user with the state the tests compare ("user q=2[..]
 *       totp=.. email=.. fail=N locked=0|1"), then "events=N"; exit 0 when
 *       every record and event decodes, 1 when one does not (it is named),
 *       2 when the store does not open
 *   robust_store answers STORE USER ANSWER...
 *       exit 0 when USER has exactly these questions' answers, in order
 *   robust_store secret STORE KEY_DIR USER
 *       prints USER's TOTP secret in hex ("none" without one)
 *   robust_store count STORE USER RESULT [DETAIL]
 *       prints how many events about USER have RESULT (and hold DETAIL)
 *   robust_store failures STORE USER
 *       prints "N_FAILURES LOCKED" (LOCKED 1 while a lock is running)
 *   robust_store hold STORE READY_FILE
 *       holds a read transaction open until killed (READY_FILE is created
 *       once it is), so no write can reuse the pages it still sees: on a
 *       full disk every write then needs new space. This one command uses
 *       LMDB directly, as only a test may: the store interface has no way
 *       to keep a reader open, on purpose.
 *   robust_store newer STORE USER
 *       rewrites USER's record as a newer format would begin (version
 *       byte + 1, every item kept), again with LMDB directly
 *   robust_store sum STORE USER
 *       prints a hash of USER's record bytes as stored */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <fcntl.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>

#include "answer.h"
#include "hostkey.h"
#include "store.h"
#include "util.h"

struct dump_ctx {
	unsigned corrupt;
	unsigned events;
};

static void print_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static int dump_user(const char *user, const struct sspr_record *rec, int status, void *ctx)
{
	struct dump_ctx *d = ctx;

	if (status != SSPR_OK) {
		printf("%s CORRUPT\n", user);
		d->corrupt++;
		return 0;
	}
	printf("%s q=%u[", user, rec->n_questions);
	for (unsigned i = 0; i < rec->n_questions; i++)
		printf("%s%s", i > 0 ? "|" : "", rec->questions[i].question);
	printf("] totp=");
	if (rec->has_totp)
		print_hex(rec->totp.sealed, 8);
	else
		printf("-");
	printf(" email=%s%s rec=%u fail=%u locked=%d\n", rec->has_email ? rec->email.address : "-",
	       rec->has_email && rec->email.verified ? "/v" : "", rec->n_recovery,
	       rec->n_failures, rec->locked_until > sspr_now());
	return 0;
}

static int dump_event(const struct sspr_event *ev, int status, void *ctx)
{
	struct dump_ctx *d = ctx;

	d->events++;
	if (status != SSPR_OK) {
		printf("event %u CORRUPT\n", d->events);
		d->corrupt++;
	}
	return 0;
}

static int open_ro(const char *dir, struct sspr_store **st)
{
	struct sspr_error err = {{0}};

	if (sspr_store_open_lmdb(dir, SSPR_STORE_READONLY, st, &err) != SSPR_OK) {
		fprintf(stderr, "robust_store: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int cmd_dump(const char *dir)
{
	struct dump_ctx d = {0};
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int rc = 2;

	if (open_ro(dir, &st) != 0)
		return 2;
	if (sspr_store_foreach_user(st, dump_user, &d, &err) != SSPR_OK ||
	    sspr_store_foreach_event(st, 0, dump_event, &d, &err) != SSPR_OK) {
		fprintf(stderr, "robust_store: %s\n", err.msg);
		goto out;
	}
	printf("events=%u\n", d.events);
	rc = d.corrupt > 0 ? 1 : 0;
out:
	sspr_store_close(st);
	return rc;
}

static int get_record(const char *dir, const char *user, struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	if (open_ro(dir, &st) != 0)
		return -1;
	r = sspr_store_get(st, user, rec, &err);
	sspr_store_close(st);
	if (r != SSPR_OK && r != SSPR_ENOENT)
		fprintf(stderr, "robust_store: %s\n", err.msg);
	return r;
}

static int cmd_answers(const char *dir, const char *user, int n, char **answers)
{
	struct sspr_record rec;
	char norm[SSPR_ANSWER_MAX + 1];
	size_t chars = 0;
	int rc = 1;

	if (get_record(dir, user, &rec) != SSPR_OK)
		return 1;
	if (rec.n_questions != n)
		goto out;
	for (int i = 0; i < n; i++) {
		if (sspr_answer_normalise(answers[i], norm, sizeof(norm), &chars) != SSPR_OK ||
		    !sspr_answer_verify(rec.questions[i].hash, norm))
			goto out;
	}
	rc = 0;
out:
	sspr_record_wipe(&rec);
	return rc;
}

static int cmd_secret(const char *dir, const char *key_dir, const char *user)
{
	struct sspr_record rec;
	struct sspr_hostkey key;
	struct sspr_error err = {{0}};
	uint8_t secret[SSPR_TOTP_SECRET_MAX];
	size_t len = 0;
	int r, rc = 1;

	memset(&key, 0, sizeof(key));
	r = get_record(dir, user, &rec);
	if (r == SSPR_ENOENT || (r == SSPR_OK && !rec.has_totp)) {
		printf("none\n");
		rc = 0;
		goto out;
	}
	if (r != SSPR_OK)
		goto out;
	if (sspr_hostkey_load(key_dir, &key, &err) != SSPR_OK) {
		fprintf(stderr, "robust_store: %s\n", err.msg);
		goto out;
	}
	if (sspr_unseal(&key, rec.totp.sealed, rec.totp.sealed_len, secret, sizeof(secret), &len) !=
	    SSPR_OK) {
		fprintf(stderr, "robust_store: the secret of %s does not open\n", user);
		goto out;
	}
	print_hex(secret, len);
	printf("\n");
	rc = 0;
out:
	sodium_memzero(secret, sizeof(secret));
	sspr_hostkey_wipe(&key);
	sspr_record_wipe(&rec);
	return rc;
}

struct count_ctx {
	const char *user, *result, *detail;
	unsigned n;
};

static int count_event(const struct sspr_event *ev, int status, void *ctx)
{
	struct count_ctx *c = ctx;

	if (status == SSPR_OK && strcmp(ev->user, c->user) == 0 &&
	    strcmp(ev->result, c->result) == 0 &&
	    (c->detail == NULL || strstr(ev->detail, c->detail) != NULL))
		c->n++;
	return 0;
}

static int cmd_count(const char *dir, const char *user, const char *result, const char *detail)
{
	struct count_ctx c = {user, result, detail, 0};
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	if (open_ro(dir, &st) != 0)
		return 2;
	r = sspr_store_foreach_event(st, 0, count_event, &c, &err);
	sspr_store_close(st);
	if (r != SSPR_OK) {
		fprintf(stderr, "robust_store: %s\n", err.msg);
		return 1;
	}
	printf("%u\n", c.n);
	return 0;
}

static int cmd_failures(const char *dir, const char *user)
{
	struct sspr_record rec;
	int r = get_record(dir, user, &rec);

	if (r != SSPR_OK && r != SSPR_ENOENT)
		return 1;
	printf("%u %d\n", rec.n_failures, rec.locked_until > sspr_now());
	sspr_record_wipe(&rec);
	return 0;
}

static int cmd_hold(const char *dir, const char *ready)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	int fd;

	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 3) != 0 ||
	    mdb_env_set_mapsize(env, (size_t)4 << 30) != 0 ||
	    mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0660) != 0 ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0) {
		fprintf(stderr, "robust_store: cannot hold a reader on %s\n", dir);
		return 1;
	}
	fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		close(fd);
	for (;;)
		pause();
}

/* One transaction on USER's raw record: newer (bump the version byte) or
 * sum (print a hash of the bytes). LMDB directly: the store interface
 * never hands out a record it cannot decode. */
static int raw_record(const char *dir, const char *user, bool bump)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi users;
	MDB_val key = {.mv_size = strlen(user), .mv_data = (void *)user}, val;
	uint8_t *copy = NULL, hash[16];
	int rc = 1;

	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 3) != 0 ||
	    mdb_env_set_mapsize(env, (size_t)4 << 30) != 0 ||
	    mdb_env_open(env, dir, MDB_NOTLS | (bump ? 0 : MDB_RDONLY), 0660) != 0 ||
	    mdb_txn_begin(env, NULL, bump ? 0 : MDB_RDONLY, &txn) != 0 ||
	    mdb_dbi_open(txn, "users", 0, &users) != 0 || mdb_get(txn, users, &key, &val) != 0) {
		fprintf(stderr, "robust_store: no record of %s in %s\n", user, dir);
		goto out;
	}
	if (!bump) {
		crypto_generichash(hash, sizeof(hash), val.mv_data, val.mv_size, NULL, 0);
		print_hex(hash, sizeof(hash));
		printf("\n");
		rc = 0;
		goto out;
	}
	if ((copy = malloc(val.mv_size)) == NULL)
		goto out;
	memcpy(copy, val.mv_data, val.mv_size);
	copy[0]++;
	val.mv_data = copy;
	if (mdb_put(txn, users, &key, &val, 0) != 0)
		goto out; /* aborted below */
	rc = mdb_txn_commit(txn) == 0 ? 0 : 1;
	txn = NULL;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (env != NULL)
		mdb_env_close(env);
	free(copy);
	return rc;
}

/* Runs inside the write: the writer stops itself while it holds the store,
 * as a user's own sspr-enroll would under SIGSTOP. */
static int stop_inside(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	(void)raise(SIGSTOP);
	return SSPR_NOCHANGE;
}

static int cmd_stop_writer(const char *dir)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	if (sspr_store_open_lmdb(dir, 0, &st, &err) != SSPR_OK) {
		fprintf(stderr, "robust_store: %s\n", err.msg);
		return 1;
	}
	r = sspr_store_update(st, "root", 0, stop_inside, NULL, &err);
	sspr_store_close(st);
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 2;
	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return cmd_dump(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "answers") == 0)
		return cmd_answers(argv[2], argv[3], argc - 4, argv + 4);
	if (argc == 5 && strcmp(argv[1], "secret") == 0)
		return cmd_secret(argv[2], argv[3], argv[4]);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "count") == 0)
		return cmd_count(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	if (argc == 4 && strcmp(argv[1], "failures") == 0)
		return cmd_failures(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "stop-writer") == 0)
		return cmd_stop_writer(argv[2]);
	if (argc == 4 && strcmp(argv[1], "newer") == 0)
		return raw_record(argv[2], argv[3], true);
	if (argc == 4 && strcmp(argv[1], "sum") == 0)
		return raw_record(argv[2], argv[3], false);
	fprintf(stderr, "usage: robust_store dump STORE | answers STORE USER ANSWER... | "
			"secret STORE KEY_DIR USER | count STORE USER RESULT [DETAIL] | "
			"failures STORE USER | hold STORE READY_FILE | stop-writer STORE | "
			"newer STORE USER | sum STORE USER\n");
	return 2;
}
