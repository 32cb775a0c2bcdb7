/* SPDX-License-Identifier: BSD-2-Clause */
/* store_tool: the one test helper that reads and pokes a store, for the
 * admin, robustness and local-user tests. It goes through the same library
 * calls the module uses, and around them only where a test needs a state
 * no encoder would produce (said at each such command). STORE is an LMDB
 * store directory, or a policy file (a regular file): then the store that
 * policy names, on either backend; the commands that use LMDB directly
 * (corrupt on LMDB, hold, newer, sum) take a directory.
 *
 * Reading:
 *   store_tool dump STORE
 *       one line per user with the state the tests compare ("user q=2[..]
 *       totp=.. email=.. fail=N locked=0|1"), then "events=N"; exit 0 when
 *       every record and event decodes, 1 when one does not (it is named),
 *       2 when the store does not open
 *   store_tool answers STORE USER ANSWER...
 *       exit 0 when USER has exactly these questions' answers, in order
 *   store_tool answer STORE USER INDEX ANSWER
 *       exit 0 when ANSWER (normalised) matches question INDEX (from 0)
 *   store_tool recovery STORE USER CODE
 *       exit 0 when CODE is an unused recovery code of USER, 1 when not
 *   store_tool secret STORE KEY_DIR USER
 *       prints USER's TOTP secret in hex, unsealed with host.key ("none"
 *       without one)
 *   store_tool count STORE USER RESULT [DETAIL]
 *       prints how many events about USER have RESULT (and hold DETAIL)
 *   store_tool failures STORE USER
 *       prints "N_FAILURES LOCKED" (LOCKED 1 while a lock is running)
 *   store_tool sum STORE USER
 *       prints a hash of USER's record bytes as stored (LMDB directly)
 * Changing, through the store and the module's own lockout code:
 *   store_tool fail STORE USER     one failed verification, no lock
 *   store_tool lock STORE USER     failures until the user is locked
 *   store_tool event STORE USER ACTION RESULT METHOD [DETAIL [AGE]]
 *       appends an audit event, AGE seconds old (default 0)
 *   store_tool stop-writer STORE
 *       stops itself (SIGSTOP) inside a write of root's record, holding the
 *       store's write lock, for the tests of a writer that hangs
 * Around the store, as only a test may:
 *   store_tool corrupt STORE USER
 *       a record that does not decode: on LMDB junk bytes written with LMDB
 *       directly in the layout of doc/DESIGN.md §3.3 (database "users", key
 *       = user name); on the directory the user's ssprAccount entry with a
 *       value the server takes but the decoder must refuse, bound as the
 *       test server's root DN (SSPR_LDAP_ROOT_DN, SSPR_LDAP_ROOT_PASSWORD_FILE)
 *       over SSPR_LDAP_LDAPI_A, or over SSPR_LDAP_URI_A with StartTLS and
 *       SSPR_LDAP_CACERT
 *   store_tool newer STORE USER
 *       rewrites USER's record as a newer format would begin (version byte
 *       + 1, every item kept)
 *   store_tool hold STORE READY_FILE
 *       holds a read transaction open until killed (READY_FILE is created
 *       once it is), so no write can reuse the pages it still sees: on a
 *       full disk every write then needs new space. The store interface
 *       has no way to keep a reader open, on purpose.
 * Exit 2: bad usage or the store does not open; 77: cannot run here. */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldap.h>
#include <lmdb.h>
#include <sodium.h>

#include "answer.h"
#include "codes.h"
#include "hostkey.h"
#include "lockout.h"
#include "policy.h"
#include "policy_store.h"
#include "store.h"
#include "util.h"

/* The policy a STORE argument named; static because the store's
 * configuration points into it while the store is open. */
static struct sspr_policy policy;

/* True when STORE names a policy file rather than an LMDB directory. */
static bool is_policy_file(const char *where)
{
	struct stat sb;

	return stat(where, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Opens the store STORE names: the one of a policy file, or the LMDB
 * store in a directory. */
static int open_store(const char *where, unsigned flags, struct sspr_store **st,
		      struct sspr_error *err)
{
	int r;

	if (!is_policy_file(where))
		return sspr_store_open_lmdb(where, flags, st, err);
	r = sspr_policy_load(where, &policy, err);
	if (r != SSPR_OK)
		return r;
	return sspr_policy_open_store(&policy, flags, st, err);
}

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

static int failures(const char *where, const char *user, unsigned attempts)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct fail_ctx f = {sspr_now(), {attempts, 3600, 3600}};
	int r;

	r = open_store(where, 0, &st, &err);
	if (r == SSPR_OK)
		r = sspr_store_update(st, user, 0, add_failure, &f, &err);
	sspr_store_close(st);
	if (r != SSPR_OK) {
		fprintf(stderr, "store_tool: %s: %s\n", user,
			err.msg[0] != '\0' ? err.msg : sspr_strerror(r));
		return 1;
	}
	return 0;
}

/* The store's "users" database, opened with LMDB directly (only a test
 * may), in a transaction of its own: 0, or LMDB's error. */
static int users_txn(const char *dir, bool write, MDB_env **env, MDB_txn **txn, MDB_dbi *dbi)
{
	int rc;

	*env = NULL;
	*txn = NULL;
	if ((rc = mdb_env_create(env)) != 0 || (rc = mdb_env_set_maxdbs(*env, 16)) != 0 ||
	    (rc = mdb_env_set_mapsize(*env, (size_t)4 << 30)) != 0 ||
	    (rc = mdb_env_open(*env, dir, MDB_NOTLS | (write ? 0 : MDB_RDONLY), 0660)) != 0 ||
	    (rc = mdb_txn_begin(*env, NULL, write ? 0 : MDB_RDONLY, txn)) != 0)
		return rc;
	return mdb_dbi_open(*txn, "users", 0, dbi);
}

static int corrupt_lmdb(const char *dir, const char *user)
{
	static const unsigned char junk[] = {0xff, 0xfe, 0x00, 0x13, 0x37, 0x42};
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val key = {strlen(user), (void *)user};
	MDB_val val = {sizeof(junk), (void *)junk};
	int rc;

	if ((rc = users_txn(dir, true, &env, &txn, &dbi)) != 0 ||
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
		fprintf(stderr, "store_tool: %s: %s\n", dir, mdb_strerror(rc));
		return 77;
	}
	return 0;
}

/* The user's RDN value as the layout of the directory store escapes it:
 * every byte outside [A-Za-z0-9._-] as \xx. Written here again, not taken
 * from the backend, so a wrong escape there shows as a missing record. */
static void escape_rdn(const char *user, char *out, size_t cap)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)user; *p != '\0' && n + 4 < cap; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')
			out[n++] = (char)*p;
		else
			n += (size_t)snprintf(out + n, cap - n, "\\%02x", *p);
	}
	out[n] = '\0';
}

/* Binds as the test server's root DN; NULL and a message when it cannot
 * (77: the harness is not there). */
static LDAP *root_bind(int *rc_out)
{
	const char *ldapi = getenv("SSPR_LDAP_LDAPI_A"), *uri = getenv("SSPR_LDAP_URI_A");
	const char *root = getenv("SSPR_LDAP_ROOT_DN");
	const char *pwfile = getenv("SSPR_LDAP_ROOT_PASSWORD_FILE");
	const char *cacert = getenv("SSPR_LDAP_CACERT");
	bool local = ldapi != NULL && ldapi[0] != '\0';
	char pw[256] = "";
	struct berval cred;
	int version = LDAP_VERSION3, zero = 0, rc;
	LDAP *ld = NULL;
	FILE *f;

	*rc_out = 77;
	if (root == NULL || pwfile == NULL || (!local && (uri == NULL || cacert == NULL))) {
		fprintf(stderr, "store_tool: corrupt: the SSPR_LDAP_* variables are not "
				"set: run under tests/ldap/with-slapd.sh\n");
		return NULL;
	}
	f = fopen(pwfile, "r");
	if (f == NULL || fgets(pw, sizeof(pw), f) == NULL) {
		fprintf(stderr, "store_tool: corrupt: %s: cannot read\n", pwfile);
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
	*rc_out = 1;
	rc = ldap_initialize(&ld, local ? ldapi : uri);
	if (rc == LDAP_SUCCESS) {
		ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
		if (!local) {
			/* The servers take no simple bind in the clear. */
			ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cacert);
			ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
			rc = ldap_start_tls_s(ld, NULL, NULL);
		}
	}
	if (rc == LDAP_SUCCESS) {
		cred.bv_val = pw;
		cred.bv_len = strlen(pw);
		rc = ldap_sasl_bind_s(ld, root, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	}
	sodium_memzero(pw, sizeof(pw));
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "store_tool: corrupt: %s: %s\n", local ? ldapi : uri,
			ldap_err2string(rc));
		if (ld != NULL)
			ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

/* An ssprAccount entry the schema accepts (ssprFailureTimes is an
 * IA5String) but the record decoder must refuse: failure times that are
 * not numbers. Replaces an entry the user already has. */
static int corrupt_ldap(const char *base, const char *user)
{
	char esc[SSPR_USER_MAX * 3 + 1], dn[1024];
	char *oc[] = {"ssprAccount", NULL}, *name[] = {(char *)user, NULL};
	char *revision[] = {"1", NULL}, *times[] = {"not-a-time", NULL};
	LDAPMod m_oc = {LDAP_MOD_ADD, "objectClass", {oc}};
	LDAPMod m_user = {LDAP_MOD_ADD, "ssprUser", {name}};
	LDAPMod m_rev = {LDAP_MOD_ADD, "ssprRevision", {revision}};
	LDAPMod m_times = {LDAP_MOD_ADD, "ssprFailureTimes", {times}};
	LDAPMod *mods[] = {&m_oc, &m_user, &m_rev, &m_times, NULL};
	LDAP *ld;
	int rc;

	escape_rdn(user, esc, sizeof(esc));
	if ((size_t)snprintf(dn, sizeof(dn), "ssprUser=%s,ou=users,%s", esc, base) >= sizeof(dn)) {
		fprintf(stderr, "store_tool: corrupt: DN too long\n");
		return 1;
	}
	ld = root_bind(&rc);
	if (ld == NULL)
		return rc;
	rc = ldap_delete_ext_s(ld, dn, NULL, NULL);
	if (rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
		rc = ldap_add_ext_s(ld, dn, mods, NULL, NULL);
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "store_tool: corrupt: %s: %s\n", dn, ldap_err2string(rc));
		return 1;
	}
	return 0;
}

static int corrupt(const char *where, const char *user)
{
	struct sspr_error err = {{0}};

	if (!is_policy_file(where))
		return corrupt_lmdb(where, user);
	if (sspr_policy_load(where, &policy, &err) != SSPR_OK) {
		fprintf(stderr, "store_tool: %s\n", err.msg);
		return 1;
	}
	if (policy.store_backend == SSPR_BACKEND_LDAP)
		return corrupt_ldap(policy.ldap_base, user);
	return corrupt_lmdb(policy.store, user);
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
	r = open_store(argv[2], 0, &st, &err);
	if (r == SSPR_OK)
		r = sspr_store_append_event(st, &ev, &err);
	sspr_store_close(st);
	if (r != SSPR_OK) {
		fprintf(stderr, "store_tool: event: %s\n", err.msg);
		return 1;
	}
	return 0;
}

/* Reads USER's record; 0 or a message and 1. */
static int open_ro(const char *dir, struct sspr_store **st)
{
	struct sspr_error err = {{0}};

	if (open_store(dir, SSPR_STORE_READONLY, st, &err) != SSPR_OK) {
		fprintf(stderr, "store_tool: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* USER's record: SSPR_OK, SSPR_ENOENT, or an error (said). */
static int load_record(const char *dir, const char *user, struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	if (open_ro(dir, &st) != 0)
		return -1;
	r = sspr_store_get(st, user, rec, &err);
	sspr_store_close(st);
	if (r != SSPR_OK && r != SSPR_ENOENT)
		fprintf(stderr, "store_tool: %s\n", err.msg);
	return r;
}

/* The same, for a command that needs the record: 0, or 1 after saying why. */
static int get_record(const char *where, const char *user, struct sspr_record *rec)
{
	int r = load_record(where, user, rec);

	if (r == SSPR_ENOENT)
		fprintf(stderr, "store_tool: %s: no record\n", user);
	return r == SSPR_OK ? 0 : 1;
}

static int check_recovery(const char *where, const char *user, const char *code)
{
	struct sspr_record rec;
	int found;

	if (get_record(where, user, &rec) != 0)
		return 2;
	found = sspr_recovery_find(&rec, code);
	sspr_record_wipe(&rec);
	printf("%s\n", found >= 0 ? "accepted" : "refused");
	return found >= 0 ? 0 : 1;
}

/* "accepted USES-LEFT SECONDS-LEFT" when pass is the user's pass, else "refused". */
static int check_pass(const char *where, const char *user, const char *pass)
{
	struct sspr_record rec;
	bool ok;

	if (get_record(where, user, &rec) != 0)
		return 2;
	ok = sspr_pass_matches(&rec, pass);
	if (ok)
		printf("accepted %u %lld\n", (unsigned)rec.pass.uses_left,
		       (long long)(rec.pass.expires_at - sspr_now()));
	else
		printf("refused\n");
	sspr_record_wipe(&rec);
	return ok ? 0 : 1;
}

static int check_answer(const char *where, const char *user, const char *index, const char *answer)
{
	struct sspr_record rec;
	char norm[SSPR_ANSWER_MAX + 1];
	size_t chars = 0;
	unsigned long i = strtoul(index, NULL, 10);
	bool ok;

	if (get_record(where, user, &rec) != 0)
		return 2;
	ok = i < rec.n_questions &&
	     sspr_answer_normalise(answer, norm, sizeof(norm), &chars) == SSPR_OK &&
	     sspr_answer_verify(rec.questions[i].hash, norm);
	sspr_record_wipe(&rec);
	printf("%s\n", ok ? "accepted" : "refused");
	return ok ? 0 : 1;
}


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
	if (rec->n_totp)
		print_hex(rec->totp[0].sealed, 8);
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
		fprintf(stderr, "store_tool: %s\n", err.msg);
		goto out;
	}
	printf("events=%u\n", d.events);
	rc = d.corrupt > 0 ? 1 : 0;
out:
	sspr_store_close(st);
	return rc;
}

static int cmd_answers(const char *dir, const char *user, int n, char **answers)
{
	struct sspr_record rec;
	char norm[SSPR_ANSWER_MAX + 1];
	size_t chars = 0;
	int rc = 1;

	if (load_record(dir, user, &rec) != SSPR_OK)
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
	r = load_record(dir, user, &rec);
	if (r == SSPR_ENOENT || (r == SSPR_OK && !rec.n_totp)) {
		printf("none\n");
		rc = 0;
		goto out;
	}
	if (r != SSPR_OK)
		goto out;
	if (sspr_hostkey_load(key_dir, &key, &err) != SSPR_OK) {
		fprintf(stderr, "store_tool: %s\n", err.msg);
		goto out;
	}
	if (sspr_unseal(&key, rec.totp[0].sealed, rec.totp[0].sealed_len, secret, sizeof(secret), &len) !=
	    SSPR_OK) {
		fprintf(stderr, "store_tool: the secret of %s does not open\n", user);
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
		fprintf(stderr, "store_tool: %s\n", err.msg);
		return 1;
	}
	printf("%u\n", c.n);
	return 0;
}

static int cmd_failures(const char *dir, const char *user)
{
	struct sspr_record rec;
	int r = load_record(dir, user, &rec);

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
		fprintf(stderr, "store_tool: cannot hold a reader on %s\n", dir);
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

	if (users_txn(dir, bump, &env, &txn, &users) != 0 || mdb_get(txn, users, &key, &val) != 0) {
		fprintf(stderr, "store_tool: no record of %s in %s\n", user, dir);
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
		fprintf(stderr, "store_tool: %s\n", err.msg);
		return 1;
	}
	r = sspr_store_update(st, "root", 0, stop_inside, NULL, &err);
	sspr_store_close(st);
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0 || argc < 3) {
		fprintf(stderr, "usage: store_tool COMMAND STORE ... (see the source)\n");
		return 2;
	}
	/* Commands that name no user. */
	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return cmd_dump(argv[2]);
	if (argc == 3 && strcmp(argv[1], "stop-writer") == 0)
		return cmd_stop_writer(argv[2]);
	if (argc == 4 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "secret") == 0)
		return cmd_secret(argv[2], argv[3], argv[4]);
	if (argc < 4 || !sspr_user_name_valid(argv[3])) {
		fprintf(stderr, "store_tool: %s: a command, a store and a valid user name\n",
			argv[1]);
		return 2;
	}
	if (strcmp(argv[1], "answers") == 0)
		return cmd_answers(argv[2], argv[3], argc - 4, argv + 4);
	if (strcmp(argv[1], "answer") == 0 && argc == 6)
		return check_answer(argv[2], argv[3], argv[4], argv[5]);
	if (strcmp(argv[1], "recovery") == 0 && argc == 5)
		return check_recovery(argv[2], argv[3], argv[4]);
	if (strcmp(argv[1], "pass") == 0 && argc == 5)
		return check_pass(argv[2], argv[3], argv[4]);
	if (strcmp(argv[1], "count") == 0 && (argc == 5 || argc == 6))
		return cmd_count(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	if (strcmp(argv[1], "event") == 0 && argc >= 7 && argc <= 9)
		return append_event(argv, argc);
	if (argc == 4 && strcmp(argv[1], "failures") == 0)
		return cmd_failures(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "sum") == 0)
		return raw_record(argv[2], argv[3], false);
	if (argc == 4 && strcmp(argv[1], "newer") == 0)
		return raw_record(argv[2], argv[3], true);
	if (argc == 4 && strcmp(argv[1], "fail") == 0)
		return failures(argv[2], argv[3], 5);
	if (argc == 4 && strcmp(argv[1], "lock") == 0)
		return failures(argv[2], argv[3], 1);
	if (argc == 4 && strcmp(argv[1], "corrupt") == 0)
		return corrupt(argv[2], argv[3]);
	fprintf(stderr, "store_tool: %s: unknown command or wrong number of arguments\n", argv[1]);
	return 2;
}
