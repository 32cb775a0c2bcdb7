/* Test helper for tests/admin: puts a user's record into states sspr-admin
 * cannot produce itself, so list/show/unlock/revoke can be tested on them,
 * and checks what sspr-admin wrote through the same library calls the
 * module uses. STORE is an LMDB store directory, or a policy file (a
 * regular file): then the store that policy names, on either backend.
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
 * lockout code. "corrupt" must write what no encoder would produce, so it
 * goes around the store: on LMDB it writes junk bytes with LMDB directly in
 * the layout of doc/DESIGN.md §3.3 (database "users", key = user name); on the
 * directory it adds the user's ssprAccount entry with a value the server
 * takes but the decoder must refuse, bound as the test server's root DN
 * (SSPR_LDAP_ROOT_DN, SSPR_LDAP_ROOT_PASSWORD_FILE) over SSPR_LDAP_LDAPI_A,
 * or over SSPR_LDAP_URI_A with StartTLS and SSPR_LDAP_CACERT. Only a test
 * may do either. Exit 77 = cannot run here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		fprintf(stderr, "admin_test_helper: %s: %s\n", user,
			err.msg[0] != '\0' ? err.msg : sspr_strerror(r));
		return 1;
	}
	return 0;
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
		fprintf(stderr, "admin_test_helper: corrupt: the SSPR_LDAP_* variables are not "
				"set: run under tests/ldap/with-slapd.sh\n");
		return NULL;
	}
	f = fopen(pwfile, "r");
	if (f == NULL || fgets(pw, sizeof(pw), f) == NULL) {
		fprintf(stderr, "admin_test_helper: corrupt: %s: cannot read\n", pwfile);
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
		fprintf(stderr, "admin_test_helper: corrupt: %s: %s\n", local ? ldapi : uri,
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
		fprintf(stderr, "admin_test_helper: corrupt: DN too long\n");
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
		fprintf(stderr, "admin_test_helper: corrupt: %s: %s\n", dn, ldap_err2string(rc));
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
		fprintf(stderr, "admin_test_helper: %s\n", err.msg);
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
		fprintf(stderr, "admin_test_helper: event: %s\n", err.msg);
		return 1;
	}
	return 0;
}

/* Reads USER's record; 0 or a message and 1. */
static int get_record(const char *where, const char *user, struct sspr_record *rec)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	r = open_store(where, SSPR_STORE_READONLY, &st, &err);
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

static int print_secret(const char *where, const char *key_dir, const char *user)
{
	struct sspr_error err = {{0}};
	struct sspr_hostkey key;
	struct sspr_record rec;
	uint8_t secret[SSPR_TOTP_SECRET_MAX];
	char hex[2 * SSPR_TOTP_SECRET_MAX + 1];
	size_t len = 0;
	int r;

	if (get_record(where, user, &rec) != 0)
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
