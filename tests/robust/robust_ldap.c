/* SPDX-License-Identifier: BSD-2-Clause */
/* robust_ldap: reads and writes a directory store through the store
 * interface, for test_hostile_ldap.sh. The store is the one the policy of
 * that test names: server A of tests/ldap/with-slapd.sh, the sub-base in
 * $HOSTILE_LDAP_BASE, the host identity of the harness.
 *
 *   robust_ldap get USER...
 *       one line per user: "USER ok q=N totp=0|1 rec=N" or "USER STATUS: message",
 *       the message made printable; exit 0 (2 when the store does not open)
 *   robust_ldap list
 *       "USER+" or "USER!" (does not decode) per user, in name order
 *   robust_ldap replace USER
 *       overwrites USER's record, corrupt or not, with a small valid one
 *       (what sspr-admin revoke and enroll may do); prints "replace STATUS: message"
 *
 * Control bytes and bytes over 0x7e in names and messages are printed as
 * \xHH, so a test can look for raw escape sequences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store.h"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0') {
		fprintf(stderr, "robust_ldap: %s is not set: run under tests/ldap/with-slapd.sh\n",
			name);
		exit(99);
	}
	return v;
}

static void print_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

static int get_users(struct sspr_store *st, int n, char **users)
{
	for (int i = 0; i < n; i++) {
		struct sspr_record rec;
		struct sspr_error err = {""};
		int r = sspr_store_get(st, users[i], &rec, &err);

		print_clean(users[i]);
		if (r == SSPR_OK)
			printf(" ok q=%u totp=%d rec=%u\n", rec.n_questions, rec.n_totp,
			       rec.n_recovery);
		else if (r == SSPR_ENOENT)
			printf(" %s\n", sspr_strerror(r));
		else {
			printf(" %s: ", sspr_strerror(r));
			print_clean(err.msg);
			putchar('\n');
		}
		sspr_record_wipe(&rec);
	}
	return 0;
}

static int list_fn(const char *user, const struct sspr_record *rec, int status, void *ctx)
{
	(void)rec;
	(void)ctx;
	print_clean(user);
	puts(status == SSPR_OK ? "+" : "!");
	return 0;
}

static int small_record(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	(void)exists;
	(void)ev;
	(void)ctx;
	sspr_record_init(rec);
	rec->registered_at = 42;
	return SSPR_OK;
}

int main(int argc, char **argv)
{
	struct sspr_store_config cfg = {
	    .backend = SSPR_BACKEND_LDAP,
	    .ldap_uri = env("SSPR_LDAP_URI_A"),
	    .ldap_base = env("HOSTILE_LDAP_BASE"),
	    .ldap_bind_dn = env("SSPR_LDAP_BIND_DN"),
	    .ldap_bind_password_file = env("SSPR_LDAP_BIND_PASSWORD_FILE"),
	    .ldap_tls_cacert = env("SSPR_LDAP_CACERT"),
	    .ldap_timeout = 5,
	};
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};
	int r, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: robust_ldap get USER... | list | replace USER\n");
		return 99;
	}
	if (sodium_init() < 0)
		return 99;
	r = sspr_store_open(&cfg, 0, &st, &err);
	if (r != SSPR_OK) {
		printf("open %s: ", sspr_strerror(r));
		print_clean(err.msg);
		putchar('\n');
		return 2;
	}
	if (strcmp(argv[1], "get") == 0 && argc >= 3) {
		rc = get_users(st, argc - 2, argv + 2);
	} else if (strcmp(argv[1], "list") == 0 && argc == 2) {
		r = sspr_store_foreach_user(st, list_fn, NULL, &err);
		if (r != SSPR_OK) {
			printf("list %s: ", sspr_strerror(r));
			print_clean(err.msg);
			putchar('\n');
		}
	} else if (strcmp(argv[1], "replace") == 0 && argc == 3) {
		r = sspr_store_update(st, argv[2], SSPR_UPDATE_REPLACE_CORRUPT, small_record, NULL,
				      &err);
		printf("replace %s: ", r == SSPR_OK ? "ok" : sspr_strerror(r));
		print_clean(r == SSPR_OK ? "" : err.msg);
		putchar('\n');
	} else {
		fprintf(stderr, "usage: robust_ldap get USER... | list | replace USER\n");
		rc = 99;
	}
	sspr_store_close(st);
	return rc;
}
