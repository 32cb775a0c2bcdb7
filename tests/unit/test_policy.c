/* SPDX-License-Identifier: BSD-2-Clause */
/* Policy parser: the defaults, the shipped file, every key read, every range
 * edge, and the exact message for each kind of bad input. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "directory_down.h"
#include "policy.h"
#include "record.h"
#include "util.h"

#ifndef SHIPPED_POLICY
#error SHIPPED_POLICY must name policy/sspr.conf
#endif

#define N_KEYS 66
#define DEFAULT_METHODS                                                                            \
	(SSPR_METHOD_TOTP | SSPR_METHOD_QUESTIONS | SSPR_METHOD_EMAIL | SSPR_METHOD_RECOVERY) /* the keys doc/DESIGN.md §3.7 lists */

static char dir[64];
static char path[128];

static int remove_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sspr-policytest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/sspr.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_policy(const char *text, size_t len)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0644), 0);
}

/* Loads text and returns the status; err gets the message. */
static int load(const char *text, struct sspr_policy *pol, struct sspr_error *err)
{
	write_policy(text, strlen(text));
	memset(err, 0, sizeof(*err));
	return sspr_policy_load(path, pol, err);
}

static void expect_ok(const char *text)
{
	struct sspr_policy pol;
	struct sspr_error err;
	int r = load(text, &pol, &err);

	if (r != SSPR_OK)
		fail_msg("'%s' refused: %s", text, err.msg);
}

/* message is what follows "PATH:" */
static void expect_error(const char *text, const char *message)
{
	struct sspr_policy pol;
	struct sspr_error err;
	char want[SSPR_ERROR_MAX];

	assert_int_equal(load(text, &pol, &err), SSPR_EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, message);
	assert_string_equal(err.msg, want);
}

static void expect_set_error(const char *key, const char *value, const char *message)
{
	struct sspr_policy pol;
	struct sspr_error err;

	sspr_policy_defaults(&pol);
	memset(&err, 0, sizeof(err));
	assert_int_equal(sspr_policy_set(&pol, key, value, &err), SSPR_EINVAL);
	assert_string_equal(err.msg, message);
}

static void expect_set_ok(const char *key, const char *value)
{
	struct sspr_policy pol;
	struct sspr_error err;

	sspr_policy_defaults(&pol);
	memset(&err, 0, sizeof(err));
	if (sspr_policy_set(&pol, key, value, &err) != SSPR_OK)
		fail_msg("%s = '%s' refused: %s", key, value, err.msg);
}

/* Everything sspr_policy_foreach reports, in order. */
struct listing {
	int n;
	char key[N_KEYS + 8][48];
	char value[N_KEYS + 8][SSPR_PATH_MAX + 1];
};

static void collect(const char *key, const char *value, void *ctx)
{
	struct listing *l = ctx;

	assert_true(l->n < N_KEYS + 8);
	snprintf(l->key[l->n], sizeof(l->key[0]), "%s", key);
	snprintf(l->value[l->n], sizeof(l->value[0]), "%s", value);
	l->n++;
}

/* A key's value as sspr_policy_foreach prints it. */
static const char *value_of(const struct sspr_policy *pol, const char *key)
{
	static struct listing l;

	memset(&l, 0, sizeof(l));
	sspr_policy_foreach(pol, collect, &l);
	for (int i = 0; i < l.n; i++)
		if (strcmp(l.key[i], key) == 0)
			return l.value[i];
	fail_msg("foreach did not list %s", key);
	return NULL;
}

static char *read_shipped(void)
{
	FILE *in = fopen(SHIPPED_POLICY, "r");
	char *text = calloc(1, SSPR_POLICY_FILE_MAX + 1);
	size_t n;

	assert_non_null(in);
	assert_non_null(text);
	n = fread(text, 1, SSPR_POLICY_FILE_MAX, in);
	assert_true(feof(in));
	fclose(in);
	text[n] = '\0';
	return text;
}

static void test_defaults_match_design(void **state)
{
	struct sspr_policy p;

	sspr_policy_defaults(&p);
	assert_string_equal(p.group, "sspr");
	assert_int_equal(p.min_uid, 1000);
	assert_false(p.allow_root);
	assert_int_equal(p.methods, DEFAULT_METHODS);
	assert_int_equal(p.methods_required, 1);
	assert_int_equal(p.totp.digits, 6);
	assert_int_equal(p.totp.period, 30);
	assert_int_equal(p.totp.window, 1);
	assert_string_equal(p.questions_file, SSPR_DEFAULT_QUESTIONS);
	assert_true(p.custom_questions);
	assert_int_equal(p.questions_to_register, 3);
	assert_int_equal(p.questions_to_reset, 3);
	assert_int_equal(p.answer_min_length, 3);
	assert_string_equal(p.mail_command, "/usr/sbin/sendmail -t -i");
	assert_string_equal(p.mail_from, "root");
	assert_int_equal(p.code_length, 8);
	assert_int_equal(p.code_lifetime, 600);
	assert_int_equal(p.recovery_codes, 10);
	assert_int_equal(p.lockout.attempts, 5);
	assert_int_equal(p.lockout.window, 3600);
	assert_int_equal(p.lockout.duration, 86400);
	assert_string_equal(p.password_service, "sspr-passwd");
	assert_true(p.login_after_reset);
	assert_string_equal(p.services, "*");
	assert_false(p.unlock);
	assert_true(sspr_policy_service_allowed(&p, "sudo"));
	assert_int_equal(p.registration, SSPR_REGISTRATION_REMIND);
	assert_int_equal(p.reconfirm_days, 180);
	assert_true(p.notify_user);
	assert_false(p.notify_admins);
	assert_string_equal(p.admin_group, "sudo");
	assert_int_equal(p.admin_policy, SSPR_ADMIN_STRICT);
	assert_string_equal(p.admin_mail, "root");
	assert_string_equal(p.helpdesk, "");
	assert_string_equal(p.store, SSPR_DEFAULT_STORE);
	assert_string_equal(p.key_dir, SSPR_DEFAULT_KEY_DIR);
	assert_int_equal(p.argon2_opslimit, 2);
	assert_int_equal(p.argon2_memlimit, 67108864);
}

static void test_shipped_file_parses_to_defaults(void **state)
{
	struct sspr_policy loaded, defaults;
	struct sspr_error err;
	char *text = read_shipped();

	assert_int_equal(load(text, &loaded, &err), SSPR_OK);
	free(text);
	sspr_policy_defaults(&defaults);
	assert_memory_equal(&loaded, &defaults, sizeof(loaded));
}

/* Uncommenting every "#key = value" line of the shipped file must change
 * nothing: the file documents the real defaults, and lists every key once. */
static void test_shipped_file_documents_every_default(void **state)
{
	struct sspr_policy loaded, defaults;
	struct sspr_error err;
	char *text = read_shipped();
	char *out = calloc(1, SSPR_POLICY_FILE_MAX + 1);
	size_t used = 0;
	int keys = 0;

	assert_non_null(out);
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		size_t n = strspn(line + 1, "abcdefghijklmnopqrstuvwxyz0123456789_");

		if (line[0] == '#' && n > 0 && strncmp(line + 1 + n, " =", 2) == 0) {
			line++;
			keys++;
		}
		used += (size_t)snprintf(out + used, SSPR_POLICY_FILE_MAX - used, "%s\n", line);
		assert_true(used < SSPR_POLICY_FILE_MAX);
	}
	assert_int_equal(keys, N_KEYS);
	if (load(out, &loaded, &err) != SSPR_OK)
		fail_msg("uncommented shipped file: %s", err.msg);
	sspr_policy_defaults(&defaults);
	assert_memory_equal(&loaded, &defaults, sizeof(loaded));
	free(text);
	free(out);
}

static const char every_key[] = "group = wheel\n"
				"min_uid = 500\n"
				"allow_root = yes\n"
				"methods = recovery totp\n"
				"methods_required = 2\n"
				"pam_label = a touch of your security key\n"
				"totp_digits = 8\n"
				"totp_period = 60\n"
				"totp_window = 0\n"
				"questions_file = /etc/q\n"
				"custom_questions = no\n"
				"questions_to_register = 5\n"
				"questions_to_reset = 4\n"
				"answer_min_length = 7\n"
				"mail_command = /usr/lib/sendmail -oi -t\n"
				"mail_from = sspr@example.org\n"
				"code_length = 10\n"
				"code_lifetime = 120\n"
				"recovery_codes = 12\n"
				"lockout_attempts = 9\n"
				"lockout_window = 77\n"
				"lockout_duration = 88\n"
				"password_service = my-passwd\n"
				"login_after_reset = no\n"
				"services = login sshd gdm-password\n"
				"unlock = yes\n"
				"registration = require\n"
				"registration_grace_days = 30\n"
				"reconfirm_days = 0\n"
				"notify_user = no\n"
				"notify_admins = yes\n"
				"admin_group = admins\n"
				"admin_policy = same\n"
				"admin_mail = sec@example.org\n"
				"helpdesk = Call #1234 — ask for Zoë\n"
				"store = /srv/sspr\n"
				"key_dir = /srv/keys\n"
				"argon2_opslimit = 3\n"
				"argon2_memlimit = 8192\n"
				"argon2_max_parallel = 4\n"
				"lock_dir = /srv/run\n"
				"enumeration = show\n"
				"store_backend = ldap\n"
				"ldap_uri = ldap://a.example.org ldaps://b.example.org:636\n"
				"ldap_base = ou=sspr,dc=example,dc=org\n"
				"ldap_bind_dn = cn=host,dc=example,dc=org\n"
				"ldap_bind_password_file = /etc/security/sspr/ldap.secret\n"
				"ldap_tls_cacert = /etc/ssl/certs/site-ca.pem\n"
				"ldap_timeout = 3\n"
				"ldap_retry_after = 120\n"
				"ldap_reminder_cache = 600\n"
				"password_backend = ldap\n"
				"password_ldap_uri = ldaps://people.example.org\n"
				"password_ldap_base = ou=people,dc=example,dc=org\n"
				"password_ldap_bind_dn = cn=sspr-passwd,dc=example,dc=org\n"
				"password_ldap_bind_password_file = /etc/security/sspr/passwd.secret\n"
				"password_ldap_filter = (&(objectClass=posixAccount)(!(loginShell=/bin/false)))\n"
				"password_ldap_disabled_filter = (nsAccountLock=TRUE)\n"
				"password_krb5_keytab = /etc/security/sspr-passwd.keytab\n"
				"password_krb5_principal = sspr-passwd/h.example.org@EXAMPLE.ORG\n"
				"password_krb5_realm = EXAMPLE.ORG\n"
				"password_krb5_timeout = 7\n";

static void test_every_key_is_read(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;

	assert_int_equal(load(every_key, &p, &err), SSPR_OK);
	assert_string_equal(p.group, "wheel");
	assert_int_equal(p.min_uid, 500);
	assert_true(p.allow_root);
	assert_int_equal(p.methods, SSPR_METHOD_RECOVERY | SSPR_METHOD_TOTP);
	assert_int_equal(p.methods_required, 2);
	assert_int_equal(p.totp.digits, 8);
	assert_int_equal(p.totp.period, 60);
	assert_int_equal(p.totp.window, 0);
	assert_string_equal(p.questions_file, "/etc/q");
	assert_false(p.custom_questions);
	assert_int_equal(p.questions_to_register, 5);
	assert_int_equal(p.questions_to_reset, 4);
	assert_int_equal(p.answer_min_length, 7);
	assert_string_equal(p.mail_command, "/usr/lib/sendmail -oi -t");
	assert_string_equal(p.mail_from, "sspr@example.org");
	assert_int_equal(p.code_length, 10);
	assert_int_equal(p.code_lifetime, 120);
	assert_int_equal(p.recovery_codes, 12);
	assert_int_equal(p.lockout.attempts, 9);
	assert_int_equal(p.lockout.window, 77);
	assert_int_equal(p.lockout.duration, 88);
	assert_string_equal(p.password_service, "my-passwd");
	assert_false(p.login_after_reset);
	assert_string_equal(p.services, "login sshd gdm-password");
	assert_true(p.unlock);
	assert_true(sspr_policy_service_allowed(&p, "sshd"));
	assert_true(sspr_policy_service_allowed(&p, "gdm-password"));
	assert_false(sspr_policy_service_allowed(&p, "sudo"));
	assert_false(sspr_policy_service_allowed(&p, "ssh"));
	assert_false(sspr_policy_service_allowed(&p, "gdm"));
	assert_int_equal(p.registration, SSPR_REGISTRATION_REQUIRE);
	assert_int_equal(p.registration_grace_days, 30);
	assert_int_equal(p.enumeration, SSPR_ENUMERATION_SHOW);
	assert_int_equal(p.argon2_max_parallel, 4);
	assert_string_equal(p.lock_dir, "/srv/run");
	assert_int_equal(p.reconfirm_days, 0);
	assert_false(p.notify_user);
	assert_true(p.notify_admins);
	assert_string_equal(p.admin_group, "admins");
	assert_int_equal(p.admin_policy, SSPR_ADMIN_SAME);
	assert_string_equal(p.admin_mail, "sec@example.org");
	assert_string_equal(p.helpdesk, "Call #1234 — ask for Zoë");
	assert_string_equal(p.store, "/srv/sspr");
	assert_string_equal(p.key_dir, "/srv/keys");
	assert_int_equal(p.argon2_opslimit, 3);
	assert_int_equal(p.argon2_memlimit, 8192);
	assert_int_equal(p.store_backend, SSPR_BACKEND_LDAP);
	assert_string_equal(p.ldap_uri, "ldap://a.example.org ldaps://b.example.org:636");
	assert_string_equal(p.ldap_base, "ou=sspr,dc=example,dc=org");
	assert_string_equal(p.ldap_bind_dn, "cn=host,dc=example,dc=org");
	assert_string_equal(p.ldap_bind_password_file, "/etc/security/sspr/ldap.secret");
	assert_string_equal(p.ldap_tls_cacert, "/etc/ssl/certs/site-ca.pem");
	assert_int_equal(p.ldap_timeout, 3);
	assert_int_equal(p.ldap_retry_after, 120);
	assert_int_equal(p.ldap_reminder_cache, 600);
	assert_int_equal(p.password_backend, SSPR_PASSWORD_LDAP);
	assert_string_equal(p.password_ldap_uri, "ldaps://people.example.org");
	assert_string_equal(p.password_ldap_base, "ou=people,dc=example,dc=org");
	assert_string_equal(p.password_ldap_bind_dn, "cn=sspr-passwd,dc=example,dc=org");
	assert_string_equal(p.password_ldap_bind_password_file, "/etc/security/sspr/passwd.secret");
	assert_string_equal(p.password_ldap_filter,
			    "(&(objectClass=posixAccount)(!(loginShell=/bin/false)))");
	assert_string_equal(p.password_ldap_disabled_filter, "(nsAccountLock=TRUE)");
	assert_string_equal(p.password_krb5_keytab, "/etc/security/sspr-passwd.keytab");
	assert_string_equal(p.password_krb5_principal, "sspr-passwd/h.example.org@EXAMPLE.ORG");
	assert_string_equal(p.password_krb5_realm, "EXAMPLE.ORG");
	assert_int_equal(p.password_krb5_timeout, 7);
}

/* foreach lists every key once, in the file's order, as text the setter
 * takes back to the same struct. */
static void test_foreach_round_trips_every_key(void **state)
{
	static struct listing l;
	struct sspr_policy p, q;
	struct sspr_error err;

	assert_int_equal(load(every_key, &p, &err), SSPR_OK);
	memset(&l, 0, sizeof(l));
	sspr_policy_foreach(&p, collect, &l);
	assert_int_equal(l.n, N_KEYS);
	assert_string_equal(l.key[0], "group");
	assert_string_equal(l.key[N_KEYS - 1], "password_krb5_timeout");
	assert_string_equal(value_of(&p, "methods"), "totp recovery");
	assert_string_equal(value_of(&p, "allow_root"), "yes");
	assert_string_equal(value_of(&p, "notify_user"), "no");
	assert_string_equal(value_of(&p, "registration"), "require");
	assert_string_equal(value_of(&p, "helpdesk"), "Call #1234 — ask for Zoë");
	memset(&l, 0, sizeof(l));
	sspr_policy_foreach(&p, collect, &l);
	sspr_policy_defaults(&q);
	for (int i = 0; i < l.n; i++) {
		for (int j = 0; j < i; j++)
			assert_string_not_equal(l.key[i], l.key[j]);
		assert_int_equal(sspr_policy_set(&q, l.key[i], l.value[i], &err), SSPR_OK);
	}
	assert_memory_equal(&p, &q, sizeof(p));
}

static void test_syntax_is_forgiving_where_it_should_be(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;

	assert_int_equal(load("# comment\n\n   # indented comment\n\t min_uid\t=\t2000  \r\n"
			      "group=*\r\nhelpdesk =\n",
			      &p, &err),
			 SSPR_OK);
	assert_int_equal(p.min_uid, 2000);
	assert_string_equal(p.group, "*");
	assert_string_equal(p.helpdesk, "");
	assert_int_equal(load("helpdesk = call #1234 # not a comment\nmin_uid = 7", &p, &err),
			 SSPR_OK);
	assert_string_equal(p.helpdesk, "call #1234 # not a comment");
	assert_int_equal(p.min_uid, 7); /* last line without a newline */
	assert_int_equal(load("", &p, &err), SSPR_OK);
	assert_int_equal(load("methods =  email\t totp \n", &p, &err), SSPR_OK);
	assert_int_equal(p.methods, SSPR_METHOD_EMAIL | SSPR_METHOD_TOTP);
	assert_int_equal(load("min_uid = 007\n", &p, &err), SSPR_OK);
	assert_int_equal(p.min_uid, 7);
}

struct range {
	const char *key;
	unsigned long long min, max;
	const char *before; /* lines that make the edge legal on its own */
};

static const struct range ranges[] = {
    {"min_uid", 0, 4294967294ULL, ""},
    {"methods_required", 1, 2, ""},
    {"totp_digits", 6, 8, ""},
    {"totp_period", 10, 300, ""},
    {"totp_window", 0, 10, ""},
    {"questions_to_register", 3, 5, "questions_to_reset = 1\n"},
    {"questions_to_reset", 1, 5, "questions_to_register = 5\n"},
    {"answer_min_length", 1, 64, ""},
    {"code_length", 6, 10, ""},
    {"code_lifetime", 60, 86400, ""},
    {"recovery_codes", 1, 50, ""},
    {"lockout_attempts", 1, 100, ""},
    {"lockout_window", 1, 2592000, ""},
    {"lockout_duration", 1, 31536000, ""},
    {"reconfirm_days", 0, 3650, ""},
    {"argon2_opslimit", 1, 32, ""},
    {"argon2_memlimit", 8192, 1073741824ULL, ""},
};

static void test_numbers_accept_their_range_and_nothing_else(void **state)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const struct range *r = &ranges[i];
		unsigned long long inside[2] = {r->min, r->max};
		char text[256], want[256], num[32];
		struct sspr_policy p;
		struct sspr_error err;

		for (int e = 0; e < 2; e++) {
			snprintf(text, sizeof(text), "%s%s = %llu\n", r->before, r->key, inside[e]);
			if (load(text, &p, &err) != SSPR_OK)
				fail_msg("%s refused: %s", text, err.msg);
			snprintf(num, sizeof(num), "%llu", inside[e]);
			assert_string_equal(value_of(&p, r->key), num);
		}
		snprintf(want, sizeof(want), "2: %s must be a number from %llu to %llu", r->key,
			 r->min, r->max);
		snprintf(text, sizeof(text), "# x\n%s = %llu\n", r->key, r->max + 1);
		expect_error(text, want);
		if (r->min > 0) {
			snprintf(text, sizeof(text), "# x\n%s = %llu\n", r->key, r->min - 1);
			expect_error(text, want);
		}
		snprintf(text, sizeof(text), "# x\n%s =\n", r->key);
		expect_error(text, want);
	}
}

static void test_numbers_are_plain_decimal(void **state)
{
	static const char *const bad[] = {
	    "99999999999999999999",
	    "18446744073709551616",
	    "4294967295",
	    "-1",
	    "+5",
	    "0x10",
	    "1 000",
	    "1e3",
	    "10.0",
	    "١٠",
	};
	char text[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "min_uid = %s\n", bad[i]);
		expect_error(text, "1: min_uid must be a number from 0 to 4294967294");
	}
}

static void test_bool_and_choice_keys_take_exact_words(void **state)
{
	static const char *const bools[] = {"allow_root", "custom_questions", "login_after_reset",
					    "notify_user", "notify_admins", "unlock"};
	char text[64], want[64];

	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		snprintf(want, sizeof(want), "1: %s must be yes or no", bools[i]);
		snprintf(text, sizeof(text), "%s = true\n", bools[i]);
		expect_error(text, want);
		snprintf(text, sizeof(text), "%s = Yes\n", bools[i]);
		expect_error(text, want);
		snprintf(text, sizeof(text), "%s = 1\n", bools[i]);
		expect_error(text, want);
		snprintf(text, sizeof(text), "%s =\n", bools[i]);
		expect_error(text, want);
	}
	expect_ok("registration = no\n");
	expect_ok("registration = remind\n");
	expect_error("registration = maybe\n", "1: registration must be no, remind or require");
	expect_ok("enumeration = hide\n");
	expect_error("enumeration = yes\n", "1: enumeration must be hide or show");
}

static void test_methods_list_is_checked(void **state)
{
	expect_ok("methods = questions\n");
	expect_error("methods = totp sms\n",
		     "1: methods must list only totp, questions, email, recovery, pass and pam:SERVICE (not 'sms')");
	expect_error("methods = totp,email\n", "1: methods must list only totp, questions, email, "
					       "recovery, pass and pam:SERVICE (not 'totp,email')");
	expect_error("methods = TOTP\n",
		     "1: methods must list only totp, questions, email, recovery, pass and pam:SERVICE (not 'TOTP')");
	expect_error("methods = totpquestionsemailrecoverypasstotpquestionsemailrecoverypasstotpquestions\n",
		     "1: methods must list only totp, questions, email, recovery, pass and pam:SERVICE");
	expect_error("methods = totp email totp\n", "1: methods must not list 'totp' twice");
	/* The delegated method: with a service name, once, beside a method
	 * users register, and never the password change's own service. */
	expect_ok("methods = totp pam:sspr-u2f\n");
	expect_error("methods = totp pam\n", "1: methods must list only totp, questions, email, "
					      "recovery, pass and pam:SERVICE (not 'pam')");
	expect_error("methods = totp pam:\n", "1: methods must list only totp, questions, email, "
					       "recovery, pass and pam:SERVICE (not 'pam:')");
	expect_error("methods = totp pam:../x\n", "1: methods must list only totp, questions, "
						   "email, recovery, pass and pam:SERVICE (not "
						   "'pam:../x')");
	expect_error("methods = totp pam:U2F\n", "1: methods must list only totp, questions, email, "
						"recovery, pass and pam:SERVICE (not 'pam:U2F')");
	expect_error("methods = totp pam:a pam:b\n",
		     "1: methods must list one pam:SERVICE at most (one service can stack several "
		     "modules)");
	expect_error("methods = pam:sspr-u2f pass\n",
		     "1: methods must list at least one of totp, questions, email, recovery");
	expect_error("methods = totp pam:sspr-passwd\n",
		     "1: methods must not delegate to password_service (sspr-passwd)");
	expect_error("methods =\n",
		     "1: methods must list at least one of totp, questions, email, recovery");
	expect_error("methods = totp\nmethods_required = 2\n",
		     "2: methods_required (2) must not exceed the number of methods users register (1)");
	/* A pass is no registration: it does not make up the number. */
	expect_error("methods = totp pass\nmethods_required = 2\n",
		     "2: methods_required (2) must not exceed the number of methods users register (1)");
	/* The later of the two lines is the one to fix. */
	expect_error("methods_required = 2\n# x\nmethods = email\n",
		     "3: methods_required (2) must not exceed the number of methods users register (1)");
}

static void test_services_list_is_checked(void **state)
{
	static const char want[] = "1: services must be * or a space-separated list of PAM "
				   "service names";

	expect_ok("services = *\n");
	expect_ok("services = login sshd\n");
	expect_ok("services = polkit-1 gdm-password su-l\n");
	expect_error("services =\n", want);
	expect_error("services = login *\n", want);
	expect_error("services = ../sudo\n", want);
	expect_error("services = login,sshd\n", want);
	expect_error("services = -sudo\n", want);
}

static void test_questions_to_reset_may_not_exceed_register(void **state)
{
	expect_error("questions_to_reset = 5\n",
		     "1: questions_to_reset (5) must not exceed questions_to_register (3)");
	expect_error("questions_to_reset = 4\n\nquestions_to_register = 3\n",
		     "3: questions_to_reset (4) must not exceed questions_to_register (3)");
	expect_ok("questions_to_register = 4\nquestions_to_reset = 4\n");
}

static void test_names_are_checked(void **state)
{
	static const char g64[] =
	    "g123456789012345678901234567890123456789012345678901234567890123";
	char text[256];

	expect_ok("group = *\n");
	expect_ok("group = domain_users$\n");
	expect_ok("group = a.b-c_d\n");
	snprintf(text, sizeof(text), "group = %s\n", g64);
	expect_ok(text);
	snprintf(text, sizeof(text), "group = %sx\n", g64);
	expect_error(text, "1: group must be * or a group name (up to 64 of A-Z a-z 0-9 . _ -)");
	expect_error("group = -wheel\n",
		     "1: group must be * or a group name (up to 64 of A-Z a-z 0-9 . _ -)");
	expect_error("group = bad name\n",
		     "1: group must be * or a group name (up to 64 of A-Z a-z 0-9 . _ -)");
	expect_error("group = a$b\n",
		     "1: group must be * or a group name (up to 64 of A-Z a-z 0-9 . _ -)");
	expect_error("group = gr\xc3\xbcn\n",
		     "1: group must be * or a group name (up to 64 of A-Z a-z 0-9 . _ -)");
	expect_error("admin_group = *\n",
		     "1: admin_group must be a group name (up to 64 of A-Z a-z 0-9 . _ -)");
	expect_ok("password_service = other.passwd_2\n");
	snprintf(text, sizeof(text), "password_service = %.63s\n", g64);
	expect_ok(text);
	snprintf(text, sizeof(text), "password_service = %.64s\n", g64);
	expect_error(
	    text, "1: password_service must be a PAM service name (up to 63 of A-Z a-z 0-9 . _ -)");
	expect_error(
	    "password_service = ../etc/x\n",
	    "1: password_service must be a PAM service name (up to 63 of A-Z a-z 0-9 . _ -)");
	expect_error(
	    "password_service = .\n",
	    "1: password_service must be a PAM service name (up to 63 of A-Z a-z 0-9 . _ -)");
	expect_error(
	    "password_service = ..\n",
	    "1: password_service must be a PAM service name (up to 63 of A-Z a-z 0-9 . _ -)");
}

static void test_mail_settings_are_checked(void **state)
{
	char value[SSPR_MAIL_COMMAND_MAX + 2];

	memset(value, 'a', 254);
	value[254] = '\0';
	expect_set_ok("mail_from", value);
	expect_set_ok("admin_mail", value);
	value[254] = 'a';
	value[255] = '\0';
	expect_set_error("mail_from", value,
			 "mail_from must be a mail address or user name (1 to 254 printable "
			 "characters, no spaces)");
	expect_error("admin_mail = a b@example.org\n",
		     "1: admin_mail must be a mail address or user name (1 to 254 printable "
		     "characters, no spaces)");
	expect_error("mail_from =\n", "1: mail_from must be a mail address or user name (1 to 254 "
				      "printable characters, no spaces)");

	expect_ok("mail_command = /usr/bin/msmtp -t --read-envelope-from\n");
	memset(value, 'x', sizeof(value));
	value[0] = '/';
	value[SSPR_MAIL_COMMAND_MAX] = '\0';
	expect_set_ok("mail_command", value);
	value[SSPR_MAIL_COMMAND_MAX] = 'x';
	value[SSPR_MAIL_COMMAND_MAX + 1] = '\0';
	expect_set_error("mail_command", value,
			 "mail_command must be an absolute program path with optional arguments "
			 "(up to 1023 printable characters)");
	expect_error("mail_command = sendmail -t\n",
		     "1: mail_command must be an absolute program path with optional arguments "
		     "(up to 1023 printable characters)");
	expect_error("mail_command = /usr/sbin/sendmail\t-t\n",
		     "1: mail_command must be an absolute program path with optional arguments "
		     "(up to 1023 printable characters)");
}

static void test_paths_must_be_absolute(void **state)
{
	static const char *const keys[] = {"questions_file", "store", "key_dir"};
	char value[SSPR_PATH_MAX + 2], want[160];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(want, sizeof(want),
			 "%s must be an absolute path (up to 1023 bytes, no control characters)",
			 keys[i]);
		expect_set_ok(keys[i], "/srv/my sspr/dir");
		expect_set_error(keys[i], "var/lib/sspr", want);
		expect_set_error(keys[i], "", want);
		expect_set_error(keys[i], "/var/lib/\x1b[2Jsspr", want);
		memset(value, 'p', sizeof(value));
		value[0] = '/';
		value[SSPR_PATH_MAX] = '\0';
		expect_set_ok(keys[i], value);
		value[SSPR_PATH_MAX] = 'p';
		value[SSPR_PATH_MAX + 1] = '\0';
		expect_set_error(keys[i], value, want);
	}
	expect_error("store = var/lib/sspr\n",
		     "1: store must be an absolute path (up to 1023 bytes, no control characters)");
}

static void test_helpdesk_text_is_safe_to_show(void **state)
{
	char value[SSPR_HELPDESK_MAX + 2];

	expect_ok("helpdesk = Ring 555-0100, room 3.14 (ask for Zoë) ☎\n");
	expect_error("helpdesk = ring \x1b[31m now\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = bell\x07\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = tab\there\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = bad \xff byte\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = overlong \xc0\xaf slash\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = c1 \xc2\x9b control\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	expect_error("helpdesk = cut \xe2\x98\n",
		     "1: helpdesk must be UTF-8 text without control characters");
	memset(value, 'h', sizeof(value));
	value[SSPR_HELPDESK_MAX] = '\0';
	expect_set_ok("helpdesk", value);
	value[SSPR_HELPDESK_MAX] = 'h';
	value[SSPR_HELPDESK_MAX + 1] = '\0';
	expect_set_error("helpdesk", value, "helpdesk must be at most 511 bytes");
}

static void test_setter_speaks_without_a_path_and_keeps_old_value(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;

	sspr_policy_defaults(&p);
	assert_int_equal(sspr_policy_set(&p, "lockout_attempts", "0", &err), SSPR_EINVAL);
	assert_string_equal(err.msg, "lockout_attempts must be a number from 1 to 100");
	assert_int_equal(p.lockout.attempts, 5);
	assert_int_equal(sspr_policy_set(&p, "foo", "1", &err), SSPR_EINVAL);
	assert_string_equal(err.msg, "unknown key 'foo'");
	assert_int_equal(sspr_policy_set(&p, "methods", "totp sms", &err), SSPR_EINVAL);
	assert_int_equal(p.methods, DEFAULT_METHODS);
	assert_int_equal(sspr_policy_set(&p, "lockout_attempts", "100", NULL), SSPR_OK);
	assert_int_equal(p.lockout.attempts, 100);
}

static void test_each_error_names_file_line_and_fault(void **state)
{
	char longline[SSPR_POLICY_LINE_MAX + 32];

	expect_error("foo = 1\n", "1: unknown key 'foo'");
	expect_error("Min_uid = 1\n", "1: unknown key 'Min_uid'");
	expect_error("bad\x1b]key = 1\n", "1: unknown key");
	expect_error("min_uid = 1\n\nmin_uid = 2\n",
		     "3: duplicate key 'min_uid' (first set on line 1)");
	expect_error("min_uid = 1\n\nmin_uid = 1\n",
		     "3: duplicate key 'min_uid' (first set on line 1)");
	expect_error("# ok\nmin_uid 1000\n", "2: expected 'key = value'");
	expect_error("= 1000\n", "1: expected 'key = value'");
	expect_error("min_uid =\n", "1: min_uid must be a number from 0 to 4294967294");
	expect_error("allow_root = true\n", "1: allow_root must be yes or no");

	/* Exactly SSPR_POLICY_LINE_MAX bytes is fine, one more is not; a
	 * CR before the newline does not count. */
	memset(longline, '#', SSPR_POLICY_LINE_MAX);
	strcpy(longline + SSPR_POLICY_LINE_MAX, "\r\n");
	expect_ok(longline);
	memset(longline, '#', SSPR_POLICY_LINE_MAX + 1);
	strcpy(longline + SSPR_POLICY_LINE_MAX + 1, "\n");
	expect_error(longline, "1: line is longer than 1024 bytes");
}

static void test_nul_byte_is_refused(void **state)
{
	struct sspr_policy p;
	struct sspr_error err;
	char want[256];

	write_policy("min_uid = 1\nmin\0uid = 2\n", 24);
	assert_int_equal(sspr_policy_load(path, &p, &err), SSPR_EINVAL);
	snprintf(want, sizeof(want), "%s:2: NUL byte in file", path);
	assert_string_equal(err.msg, want);
}

static void expect_file_error(const char *file, int status, const char *what)
{
	struct sspr_policy p;
	struct sspr_error err;
	char want[256];

	memset(&err, 0, sizeof(err));
	assert_int_equal(sspr_policy_load(file, &p, &err), status);
	snprintf(want, sizeof(want), "%s: %s", file, what);
	assert_string_equal(err.msg, want);
}

static void test_unusable_files_are_refused(void **state)
{
	char missing[160], sized[SSPR_POLICY_FILE_MAX + 2];

	snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	expect_file_error(missing, SSPR_ENOENT, "no such file");
	expect_file_error(dir, SSPR_EINVAL, "is a directory");

	write_policy("min_uid = 1\n", 12);
	assert_int_equal(chmod(path, 0666), 0);
	expect_file_error(path, SSPR_EACCES, "writable by group or others (chmod go-w)");
	assert_int_equal(chmod(path, 0664), 0);
	expect_file_error(path, SSPR_EACCES, "writable by group or others (chmod go-w)");

	/* 1024 comment lines of 64 bytes: exactly the cap, then one byte more. */
	for (size_t i = 0; i < SSPR_POLICY_FILE_MAX; i += 64) {
		memset(sized + i, '#', 63);
		sized[i + 63] = '\n';
	}
	write_policy(sized, SSPR_POLICY_FILE_MAX);
	{
		struct sspr_policy p;
		struct sspr_error err;

		assert_int_equal(sspr_policy_load(path, &p, &err), SSPR_OK);
	}
	sized[SSPR_POLICY_FILE_MAX] = '\n';
	write_policy(sized, SSPR_POLICY_FILE_MAX + 1);
	expect_file_error(path, SSPR_EINVAL, "file is larger than 65536 bytes");

	/* /dev/zero through a symlink, and a FIFO: not regular files, no hang. */
	unlink(path);
	assert_int_equal(symlink("/dev/zero", path), 0);
	expect_file_error(path, SSPR_EINVAL, "not a regular file");
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_file_error(path, SSPR_EINVAL, "not a regular file");
	unlink(path);
}

/* Every ldap:// connection uses StartTLS; one to this host with no CA of
 * its own (plain text before) is refused with its line. */
static void test_loopback_ldap_needs_a_ca_or_ldapi(void **state)
{
	static const char *const loopback[] = {
	    "ldap://localhost", "ldap://LOCALHOST:389/", "ldap://127.0.0.1:10389",
	    "ldap://127.1.2.3", "ldap://[::1]:389", "ldap://[::ffff:127.0.0.1]",
	    "LDAP://127.1", "ldap:///", "ldap://0.0.0.0:389"};
	static const char head[] = "store_backend = ldap\nldap_base = ou=sspr,dc=example,dc=org\n";
	char text[512], want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		snprintf(text, sizeof(text), "%sldap_uri = ldaps://a.example.org %s\n", head,
			 loopback[i]);
		snprintf(want, sizeof(want),
			 "3: ldap_uri: %s names this host without ldap_tls_cacert; no ldap:// "
			 "connection is plain text (a local user could listen on its port), so "
			 "set ldap_tls_cacert to the server's CA for StartTLS, or use ldapi://",
			 loopback[i]);
		expect_error(text, want);
		snprintf(text, sizeof(text), "%sldap_uri = %s\nldap_tls_cacert = /etc/ca.pem\n",
			 head, loopback[i]);
		expect_ok(text);
	}
	expect_ok("store_backend = ldap\nldap_base = ou=sspr,dc=example,dc=org\n"
		  "ldap_uri = ldapi://%2Frun%2Fslapd%2Fldapi ldap://ldap.example.org "
		  "ldap://128.0.0.1 ldap://localhost.example.org ldaps://127.0.0.1\n");
}

/* Where passwords live: each backend's keys must be complete, its filters
 * well formed, and its loopback URIs under TLS, each said with its line. */
static void test_password_backends_need_their_keys(void **state)
{
	static const char ldap_full[] = "password_backend = ldap\n"
					"password_ldap_uri = ldaps://ldap.example.org\n"
					"password_ldap_base = ou=people,dc=example,dc=org\n"
					"password_ldap_bind_dn = cn=w,dc=example,dc=org\n"
					"password_ldap_bind_password_file = /etc/w.secret\n";
	(void)state;
	expect_ok(ldap_full);
	expect_error("password_backend = ldap\npassword_ldap_base = ou=people,dc=example,dc=org\n",
		     "1: password_backend = ldap needs password_ldap_uri (or ldap_uri)");
	expect_error("password_backend = ldap\npassword_ldap_uri = ldaps://l.example.org\n",
		     "1: password_backend = ldap needs password_ldap_base");
	expect_error("password_ldap_uri = ldaps://l.example.org\n"
		     "password_ldap_base = ou=people,dc=example,dc=org\n"
		     "password_ldap_bind_dn = cn=w,dc=example,dc=org\npassword_backend = ldap\n",
		     "4: password_backend = ldap needs password_ldap_bind_password_file");
	/* The store's URIs serve when the writer names none. */
	expect_ok("ldap_uri = ldaps://ldap.example.org\npassword_backend = ldap\n"
		  "password_ldap_base = ou=people,dc=example,dc=org\n"
		  "password_ldap_bind_dn = cn=w,dc=example,dc=org\n"
		  "password_ldap_bind_password_file = /etc/w.secret\n");
	expect_error("password_backend = ldap\npassword_ldap_uri = ldap://127.0.0.1\n"
		     "password_ldap_base = ou=people,dc=example,dc=org\n"
		     "password_ldap_bind_dn = cn=w,dc=example,dc=org\n"
		     "password_ldap_bind_password_file = /etc/w.secret\n",
		     "2: ldap_uri: ldap://127.0.0.1 names this host without ldap_tls_cacert; no "
		     "ldap:// connection is plain text (a local user could listen on its port), so "
		     "set ldap_tls_cacert to the server's CA for StartTLS, or use ldapi://");
	expect_set_error("password_ldap_filter", "objectClass=posixAccount",
			 "password_ldap_filter must be an LDAP filter in parentheses (up to 511 "
			 "printable characters) or nothing");
	expect_set_error("password_ldap_filter", "(a=b))(", "password_ldap_filter must be an "
			 "LDAP filter in parentheses (up to 511 printable characters) or nothing");
	expect_set_error("password_ldap_disabled_filter", "(|(a=b)()", "password_ldap_disabled_"
			 "filter must be an LDAP filter in parentheses (up to 511 printable "
			 "characters) or nothing");
	expect_set_error("password_ldap_disabled_filter", "(a=b)(c=d)", "password_ldap_disabled_"
			 "filter must be an LDAP filter in parentheses (up to 511 printable "
			 "characters) or nothing");
	expect_ok("password_ldap_disabled_filter =\n");
	expect_set_error("password_backend", "nis", "password_backend must be pam, ldap or kerberos");
	expect_error("password_backend = kerberos\n",
		     "1: password_backend = kerberos needs password_krb5_keytab");
	expect_error("password_backend = kerberos\npassword_krb5_keytab = /etc/k.keytab\n",
		     "1: password_backend = kerberos needs password_krb5_principal");
	expect_ok("password_backend = kerberos\npassword_krb5_keytab = /etc/k.keytab\n"
		  "password_krb5_principal = sspr-passwd/h.example.org\n");
	expect_set_error("password_krb5_timeout", "0", "password_krb5_timeout must be a number "
			 "from 1 to 60");
}

/* The "directory unreachable" mark (directory_down.c): set, seen for
 * ldap_retry_after seconds, not trusted from the future, cleared. */
static void test_directory_mark_lasts_retry_after(void **state)
{
	struct sspr_policy p;
	char mark[PATH_MAX];
	int64_t now = sspr_now(), since = -1;
	struct timespec times[2];
	DIR *d;
	struct dirent *e;

	sspr_policy_defaults(&p);
	snprintf(p.lock_dir, sizeof(p.lock_dir), "%s/run", dir);
	sspr_directory_note(&p, false);
	assert_int_equal(access(p.lock_dir, F_OK), -1); /* LMDB store: no mark at all */
	p.store_backend = SSPR_BACKEND_LDAP;
	snprintf(p.ldap_uri, sizeof(p.ldap_uri), "ldap://a.example.org");
	assert_false(sspr_directory_down_recently(&p, now, &since));
	assert_int_equal(since, 0);

	sspr_directory_note(&p, false);
	assert_true(sspr_directory_down_recently(&p, sspr_now(), &since));
	assert_true(since >= now - 1 && since <= sspr_now());
	assert_false(sspr_directory_down_recently(&p, since + p.ldap_retry_after, NULL));
	assert_true(sspr_directory_down_recently(&p, since + p.ldap_retry_after - 1, NULL));
	assert_false(sspr_directory_down_recently(&p, since - 1, NULL)); /* clock went back */

	/* Another URI list has its own mark. */
	snprintf(p.ldap_uri, sizeof(p.ldap_uri), "ldap://b.example.org");
	assert_false(sspr_directory_down_recently(&p, sspr_now(), NULL));
	snprintf(p.ldap_uri, sizeof(p.ldap_uri), "ldap://a.example.org");

	/* ldap_retry_after = 0: never skipped. */
	p.ldap_retry_after = 0;
	assert_false(sspr_directory_down_recently(&p, sspr_now(), NULL));
	p.ldap_retry_after = 60;

	/* An old mark is stale; noting again renews it. */
	d = opendir(p.lock_dir);
	assert_non_null(d);
	mark[0] = '\0';
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "ldap-down.", 10) == 0)
			snprintf(mark, sizeof(mark), "%s/%s", p.lock_dir, e->d_name);
	closedir(d);
	assert_true(mark[0] != '\0');
	times[0].tv_sec = times[1].tv_sec = (time_t)(now - 3600);
	times[0].tv_nsec = times[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, mark, times, 0), 0);
	assert_false(sspr_directory_down_recently(&p, sspr_now(), &since));
	assert_int_equal(since, now - 3600);
	sspr_directory_note(&p, false);
	assert_true(sspr_directory_down_recently(&p, sspr_now(), NULL));

	/* Reached again: the mark goes. */
	sspr_directory_note(&p, true);
	assert_int_equal(access(mark, F_OK), -1);
	assert_false(sspr_directory_down_recently(&p, sspr_now(), NULL));

	/* A link planted under the mark's name is not followed or believed. */
	assert_int_equal(symlink("/etc/passwd", mark), 0);
	assert_false(sspr_directory_down_recently(&p, sspr_now(), NULL));
	sspr_directory_note(&p, false);
	assert_false(sspr_directory_down_recently(&p, sspr_now(), NULL));
	assert_int_equal(unlink(mark), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_match_design),
	    cmocka_unit_test(test_shipped_file_parses_to_defaults),
	    cmocka_unit_test(test_shipped_file_documents_every_default),
	    cmocka_unit_test(test_every_key_is_read),
	    cmocka_unit_test(test_foreach_round_trips_every_key),
	    cmocka_unit_test(test_syntax_is_forgiving_where_it_should_be),
	    cmocka_unit_test(test_numbers_accept_their_range_and_nothing_else),
	    cmocka_unit_test(test_numbers_are_plain_decimal),
	    cmocka_unit_test(test_bool_and_choice_keys_take_exact_words),
	    cmocka_unit_test(test_methods_list_is_checked),
	    cmocka_unit_test(test_services_list_is_checked),
	    cmocka_unit_test(test_questions_to_reset_may_not_exceed_register),
	    cmocka_unit_test(test_names_are_checked),
	    cmocka_unit_test(test_mail_settings_are_checked),
	    cmocka_unit_test(test_paths_must_be_absolute),
	    cmocka_unit_test(test_helpdesk_text_is_safe_to_show),
	    cmocka_unit_test(test_setter_speaks_without_a_path_and_keeps_old_value),
	    cmocka_unit_test(test_each_error_names_file_line_and_fault),
	    cmocka_unit_test(test_nul_byte_is_refused),
	    cmocka_unit_test(test_unusable_files_are_refused),
	    cmocka_unit_test(test_loopback_ldap_needs_a_ca_or_ldapi),
	    cmocka_unit_test(test_directory_mark_lasts_retry_after),
	    cmocka_unit_test(test_password_backends_need_their_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
