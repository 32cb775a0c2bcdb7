/* SPDX-License-Identifier: BSD-2-Clause */
/* The policy file parser. One table (policy_keys) names every key, its
 * type, range and default; defaults, the setter, the file parser and
 * sspr_policy_foreach all walk it, so a key cannot be half-added. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "policy.h"
#include "record.h"
#include "safe_text.h"
#include "safefile.h"
#include "util.h"

enum key_type {
	T_UINT,	     /* decimal, [min, max], stored as unsigned */
	T_U32,	     /* decimal, [min, max], stored as uint32_t */
	T_ULL,	     /* decimal, [min, max], stored as unsigned long long */
	T_SIZE,	     /* decimal, [min, max], stored as size_t */
	T_BOOL,	     /* yes | no */
	T_GROUP,     /* group name */
	T_ANY_GROUP, /* group name, or "*" for everyone */
	T_PATH,	     /* absolute path */
	T_COMMAND,   /* absolute program path and arguments */
	T_OPT_COMMAND, /* the same, or nothing */
	T_ADDRESS,   /* mail address or user name: printable, no spaces */
	T_SERVICE,   /* PAM service name */
	T_TEXT,	     /* UTF-8 text shown to users, may be empty */
	T_METHODS,   /* space-separated method names */
	T_CHOICE,    /* one word of the key's choices, stored as its index (an enum) */
	T_OPT_PATH,  /* absolute path, or empty for none */
	T_LDAP_URIS, /* space-separated ldap://, ldaps:// or ldapi:// URIs */
	T_SERVICES,  /* "*", or space-separated PAM service names */
	T_FILTER,    /* an LDAP filter: printable ASCII in balanced parentheses, or empty */
};

struct policy_key {
	const char *name;
	enum key_type type;
	size_t offset;
	size_t size; /* buffer size for strings */
	unsigned long long min, max;
	const char *def;
	const char *const *choices; /* T_CHOICE: the words, NULL-terminated */
};

#define NUM(n, t, field, lo, hi, d)                                                                \
	{                                                                                          \
		n, t, offsetof(struct sspr_policy, field), 0, lo, hi, d, NULL                      \
	}
#define STR(n, t, field, d)                                                                        \
	{                                                                                          \
		n, t, offsetof(struct sspr_policy, field),                                         \
		    sizeof(((struct sspr_policy *)0)->field), 0, 0, d, NULL                        \
	}

#define CHOICE(n, field, names, d)                                                          \
	{                                                                                          \
		n, T_CHOICE, offsetof(struct sspr_policy, field), 0, 0, 0, d, names                \
	}

static const char *const registration_names[] = {"no", "remind", "require", NULL};
static const char *const enumeration_names[] = {"hide", "show", NULL};
static const char *const admin_policy_names[] = {"strict", "same", NULL};
static const char *const backend_names[] = {"lmdb", "ldap", NULL};
static const char *const password_backend_names[] = {"pam", "ldap", "kerberos", NULL};

static const struct policy_key policy_keys[] = {
    /* Who may reset. Deliberately not SSPR_GROUP, the store's group: a
     * member of that could write every record directly. */
    STR("group", T_ANY_GROUP, group, "sspr"),
    NUM("min_uid", T_U32, min_uid, 0, 4294967294ULL, "1000"),
    NUM("allow_root", T_BOOL, allow_root, 0, 0, "no"),
    NUM("methods", T_METHODS, methods, 0, 0, "totp questions email recovery"),
    NUM("methods_required", T_UINT, methods_required, 1, 2, "1"),
    /* What the menu offers for pam:SERVICE: "a security key", "an
     * approval on your phone". */
    STR("pam_label", T_TEXT, delegated_label, ""),
    NUM("totp_digits", T_UINT, totp.digits, 6, 8, "6"),
    NUM("totp_period", T_UINT, totp.period, 10, 300, "30"),
    NUM("totp_window", T_UINT, totp.window, 0, 10, "1"),
    STR("questions_file", T_PATH, questions_file, SSPR_DEFAULT_QUESTIONS),
    NUM("custom_questions", T_BOOL, custom_questions, 0, 0, "yes"),
    NUM("questions_to_register", T_UINT, questions_to_register, 3, 5, "3"),
    NUM("questions_to_reset", T_UINT, questions_to_reset, 1, 5, "3"),
    NUM("answer_min_length", T_UINT, answer_min_length, 1, 64, "3"),
    STR("mail_command", T_COMMAND, mail_command, "/usr/sbin/sendmail -t -i"),
    STR("mail_from", T_ADDRESS, mail_from, "root"),
    /* Texts the phone method's codes: the number is its last argument,
     * the text its standard input. Nothing: no phone method. */
    STR("sms_command", T_OPT_COMMAND, sms_command, ""),
    NUM("code_length", T_UINT, code_length, 6, 10, "8"),
    NUM("code_lifetime", T_UINT, code_lifetime, 60, 86400, "600"),
    /* Verification mails sspr-enroll may have sent for one user in an
     * hour: each goes to an address the user merely claims. */
    NUM("enroll_mails_per_hour", T_UINT, enroll_mails_per_hour, 1, 60, "5"),
    NUM("recovery_codes", T_UINT, recovery_codes, 1, SSPR_RECOVERY_MAX, "10"),
    NUM("lockout_attempts", T_UINT, lockout.attempts, 1, SSPR_FAILURES_MAX, "5"),
    NUM("lockout_window", T_UINT, lockout.window, 1, 2592000, "3600"),
    NUM("lockout_duration", T_UINT, lockout.duration, 1, 31536000, "86400"),
    STR("password_service", T_SERVICE, password_service, "sspr-passwd"),
    NUM("login_after_reset", T_BOOL, login_after_reset, 0, 0, "yes"),
    /* Where resets are offered: sudo or su among them means whoever holds
     * a user's session and one method can become root. */
    STR("services", T_SERVICES, services, "*"),
    /* "Unlock my account": prove who you are, keep the password. */
    NUM("unlock", T_BOOL, unlock, 0, 0, "no"),
    CHOICE("registration", registration, registration_names, "remind"),
    NUM("registration_grace_days", T_UINT, registration_grace_days, 0, 365, "7"),
    NUM("reconfirm_days", T_UINT, reconfirm_days, 0, 3650, "180"),
    NUM("notify_user", T_BOOL, notify_user, 0, 0, "yes"),
    NUM("notify_admins", T_BOOL, notify_admins, 0, 0, "no"),
    STR("admin_group", T_GROUP, admin_group, "sudo"),
    /* Whoever can become root proves more: a stolen answer to a question
     * would otherwise reset the host's most valuable passwords. */
    CHOICE("admin_policy", admin_policy, admin_policy_names, "strict"),
    STR("admin_mail", T_ADDRESS, admin_mail, "root"),
    STR("helpdesk", T_TEXT, helpdesk, ""),
    STR("store", T_PATH, store, SSPR_DEFAULT_STORE),
    /* Bounds what a stopped writer (any user can stop their own
     * sspr-enroll) costs every other write, a login's included. */
    NUM("store_wait", T_UINT, store_wait, 1, 60, "3"),
    /* Audit events older than this go (0: kept for ever). */
    NUM("event_retention_days", T_UINT, event_retention_days, 0, 36500, "365"),
    STR("key_dir", T_PATH, key_dir, SSPR_DEFAULT_KEY_DIR),
    NUM("argon2_opslimit", T_ULL, argon2_opslimit, 1, 32, "2"),
    NUM("argon2_memlimit", T_SIZE, argon2_memlimit, 8192, 1073741824ULL, "67108864"),
    /* How many answer checks may run at once: each holds argon2_memlimit. */
    NUM("argon2_max_parallel", T_UINT, argon2_max_parallel, 0, 64, "2"),
    STR("lock_dir", T_PATH, lock_dir, "/run/sspr"),
    /* Whether a reset may tell who exists, is eligible or has enrolled. */
    CHOICE("enumeration", enumeration, enumeration_names, "hide"),
    /* Where records live: this host only, or a directory many hosts share. */
    CHOICE("store_backend", store_backend, backend_names, "lmdb"),
    STR("ldap_uri", T_LDAP_URIS, ldap_uri, ""),
    STR("ldap_base", T_TEXT, ldap_base, ""),
    STR("ldap_bind_dn", T_TEXT, ldap_bind_dn, ""),
    /* A file, never the password itself: sspr.conf is world-readable. */
    STR("ldap_bind_password_file", T_OPT_PATH, ldap_bind_password_file, ""),
    STR("ldap_tls_cacert", T_OPT_PATH, ldap_tls_cacert, ""),
    /* Bounds what an unreachable directory adds to a login. */
    NUM("ldap_timeout", T_UINT, ldap_timeout, 1, 60, "5"),
    /* How long the account hook leaves a directory alone that could not
     * be reached (directory_down.c), so only one login in that time waits. */
    NUM("ldap_retry_after", T_UINT, ldap_retry_after, 0, 3600, "60"),
    /* How long the account hook trusts what it last read of a registered
     * user (reminder_cache.c) before it asks the directory again. */
    NUM("ldap_reminder_cache", T_UINT, ldap_reminder_cache, 0, 86400, "3600"),
    /* Where a reset sets the new password: this host's password stack,
     * or the account's entry in a directory (password writeback). */
    CHOICE("password_backend", password_backend, password_backend_names, "pam"),
    STR("password_ldap_uri", T_LDAP_URIS, password_ldap_uri, ""),
    STR("password_ldap_base", T_TEXT, password_ldap_base, ""),
    STR("password_ldap_bind_dn", T_TEXT, password_ldap_bind_dn, ""),
    /* root's alone: this identity can set every account's password. */
    STR("password_ldap_bind_password_file", T_OPT_PATH, password_ldap_bind_password_file, ""),
    STR("password_ldap_filter", T_FILTER, password_ldap_filter, "(objectClass=posixAccount)"),
    /* ppolicy's administrative lock (a lock after failed binds is one a
     * reset is for: the change clears it), and 389-DS's and FreeIPA's. */
    STR("password_ldap_disabled_filter", T_FILTER, password_ldap_disabled_filter,
	"(|(pwdAccountLockedTime=000001010000Z)(nsAccountLock=TRUE))"),
    /* root's alone, with the key of a principal that may only change
     * passwords (kadm5.acl "c"). */
    STR("password_krb5_keytab", T_OPT_PATH, password_krb5_keytab, ""),
    STR("password_krb5_principal", T_TEXT, password_krb5_principal, ""),
    STR("password_krb5_realm", T_TEXT, password_krb5_realm, ""),
    /* libkrb5 would wait about 24 s for each silent KDC. */
    NUM("password_krb5_timeout", T_UINT, password_krb5_timeout, 1, 60, "10"),
};

#define N_KEYS (sizeof(policy_keys) / sizeof(policy_keys[0]))


static const struct policy_key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(policy_keys[i].name, name) == 0)
			return &policy_keys[i];
	return NULL;
}

static size_t key_index(const char *name)
{
	return (size_t)(find_key(name) - policy_keys);
}

/* Decimal digits only: no sign, no spaces, no hex, no overflow. */
static bool parse_number(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (ULLONG_MAX - (unsigned long long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return true;
}

static bool printable_ascii(const char *s, bool allow_space)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || (!allow_space && c == ' '))
			return false;
	}
	return true;
}

/* Paths may hold any byte the kernel allows except control characters,
 * which would garble the logs and terminals they are printed to. */
static bool no_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

/* ASCII by hand: isalnum() follows the caller's locale, and a PAM module
 * runs in whatever locale its host process chose. */
static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool name_chars(const char *s, bool allow_dollar_end)
{
	size_t n = strlen(s);

	if (n == 0 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (name_char(c))
			continue;
		if (c == '$' && allow_dollar_end && i == n - 1)
			continue;
		return false;
	}
	return true;
}

/* Well-formed UTF-8 without a character a terminal would obey or hide
 * (text shown on terminals; safe_text.h says which). */
static bool utf8_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		uint32_t cp;
		size_t len = sspr_utf8_decode(p, &cp);

		if (len == 0 || sspr_codepoint_unsafe(cp))
			return false;
		p += len;
	}
	return true;
}

/* Longest method word plus one (pam:SERVICE); a longer word is unknown by
 * definition. */
#define DELEGATED_PREFIX "pam:"
#define METHOD_WORD_MAX (sizeof(DELEGATED_PREFIX) + SSPR_SERVICE_NAME_MAX)

/* One of the key's words; the error lists them: "x must be a, b or c". */
static int set_choice(const struct policy_key *k, int *out, const char *value,
		      struct sspr_error *err)
{
	char words[128] = "";
	size_t n = 0, used = 0;

	for (n = 0; k->choices[n] != NULL; n++) {
		if (strcmp(value, k->choices[n]) == 0) {
			*out = (int)n;
			return SSPR_OK;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(words + used, sizeof(words) - used, "%s%s",
				 i == 0 ? "" : i + 1 == n ? " or " : ", ", k->choices[i]);

		if (w < 0 || (size_t)w >= sizeof(words) - used)
			break;
		used += (size_t)w;
	}
	return sspr_error_set(err, SSPR_EINVAL, "%s must be %s", k->name, words);
}

/* pam:SERVICE: the delegated method, its service copied to service. */
static unsigned delegated_method(const char *word, char service_out[SSPR_SERVICE_NAME_MAX + 1])
{
	const char *service = word + strlen(DELEGATED_PREFIX);

	if (strncmp(word, DELEGATED_PREFIX, strlen(DELEGATED_PREFIX)) != 0 ||
	    strlen(service) > SSPR_SERVICE_NAME_MAX || !name_chars(service, false) ||
	    service[0] == '.' || strpbrk(service, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL)
		return 0; /* libpam lowercases the name; the checks read it as written */
	memcpy(service_out, service, strlen(service) + 1);
	return SSPR_METHOD_PAM;
}

static int set_methods(struct sspr_policy *pol, const char *value, struct sspr_error *err)
{
	char service[SSPR_SERVICE_NAME_MAX + 1] = "";
	unsigned methods = 0;
	const char *p = value;

	/* Nothing of pol changes unless the whole list is good. */
	while (*p != '\0') {
		char word[METHOD_WORD_MAX];
		size_t n = strcspn(p, " \t");
		unsigned m = 0;

		if (n == 0) {
			p++;
			continue;
		}
		if (n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			m = sspr_method_from_name(word);
			/* The delegated method is always spelt with its service. */
			if (m == SSPR_METHOD_PAM)
				m = 0;
			else if (m == 0)
				m = delegated_method(word, service);
		}
		if (m == 0) {
			if (n < sizeof(word) && printable_ascii(word, false))
				return sspr_error_set(err, SSPR_EINVAL,
						      "methods must list only totp, questions, "
						      "email, recovery, pass and pam:SERVICE (not '%s')",
						      word);
			return sspr_error_set(err, SSPR_EINVAL,
					      "methods must list only totp, questions, email, "
					      "recovery, pass and pam:SERVICE");
		}
		if ((methods & m) && m == SSPR_METHOD_PAM)
			return sspr_error_set(err, SSPR_EINVAL,
					      "methods must list one pam:SERVICE at most (one "
					      "service can stack several modules)");
		if (methods & m)
			return sspr_error_set(err, SSPR_EINVAL, "methods must not list '%s' twice",
					      word);
		methods |= m;
		p += n;
	}
	if ((methods & ~(unsigned)SSPR_METHODS_UNREGISTRABLE) == 0)
		return sspr_error_set(err, SSPR_EINVAL,
				      "methods must list at least one of totp, questions, email, "
				      "recovery");
	pol->methods = methods;
	memcpy(pol->delegated_service, service, sizeof(service));
	return SSPR_OK;
}


/* Each word must name a scheme we speak; the rest of a URI is libldap's to
 * judge, and an unreachable one only costs its share of ldap_timeout. */
static bool ldap_uri_list(const char *s)
{
	unsigned count = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, " \t");

		if (n == 0) {
			s++;
			continue;
		}
		if (++count > SSPR_LDAP_URI_COUNT_MAX)
			return false;
		if (!(sspr_ascii_ncasecmp(s, "ldap://", 7) == 0 && n > 7) &&
		    !(sspr_ascii_ncasecmp(s, "ldaps://", 8) == 0 && n > 8) && sspr_ascii_ncasecmp(s, "ldapi://", 8) != 0)
			return false;
		s += n;
	}
	return true;
}

/* The shape of an LDAP filter, checked here so that a typo is a line of
 * the policy rather than a refused reset: printable ASCII, wholly in one
 * pair of parentheses, balanced, none empty. The server checks the rest. */
static bool ldap_filter_shape(const char *s)
{
	int depth = 0;

	if (s[0] != '(')
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '(') {
			if (p[1] == ')')
				return false;
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return false;
			if (depth == 0 && p[1] != '\0')
				return false;
		}
	}
	return depth == 0;
}

/* Each word a PAM service name, or the single word "*". */
static bool service_list(const char *s)
{
	unsigned count = 0;

	if (strcmp(s, "*") == 0)
		return true;
	while (*s != '\0') {
		char word[SSPR_SERVICE_NAME_MAX + 1];
		size_t n = strcspn(s, " \t");

		if (n == 0) {
			s++;
			continue;
		}
		if (n >= sizeof(word))
			return false;
		memcpy(word, s, n);
		word[n] = '\0';
		if (!name_chars(word, false) || strcmp(word, ".") == 0 || strcmp(word, "..") == 0)
			return false;
		count++;
		s += n;
	}
	return count > 0;
}

bool sspr_policy_service_allowed(const struct sspr_policy *pol, const char *service)
{
	size_t len;

	if (strcmp(pol->services, "*") == 0)
		return true;
	if (service == NULL || strnlen(service, SSPR_SERVICE_NAME_MAX + 1) > SSPR_SERVICE_NAME_MAX)
		return false;
	len = strlen(service);
	for (const char *p = pol->services; *p != '\0';) {
		size_t n = strcspn(p, " \t");

		if (n == len && n > 0 && strncmp(p, service, n) == 0)
			return true;
		p += n > 0 ? n : 1;
	}
	return false;
}

static int set_string(const struct policy_key *k, char *dst, const char *value,
		      struct sspr_error *err)
{
	size_t n = strlen(value);
	bool ok;
	const char *what;

	switch (k->type) {
	case T_ANY_GROUP:
	case T_GROUP:
		ok = (k->type == T_ANY_GROUP && strcmp(value, "*") == 0) ||
		     (n < k->size && name_chars(value, true));
		what = k->type == T_ANY_GROUP ? "* or a group name (up to 64 of A-Z a-z 0-9 . _ -)"
					      : "a group name (up to 64 of A-Z a-z 0-9 . _ -)";
		break;
	case T_PATH:
		ok = value[0] == '/' && n < k->size && no_controls(value);
		what = "an absolute path (up to 1023 bytes, no control characters)";
		break;
	case T_OPT_PATH:
		ok = n == 0 || (value[0] == '/' && n < k->size && no_controls(value));
		what = "an absolute path (up to 1023 bytes, no control characters) or nothing";
		break;
	case T_LDAP_URIS:
		ok = n < k->size && printable_ascii(value, true) && ldap_uri_list(value);
		what = "a space-separated list of up to 8 ldap://, ldaps:// or ldapi:// URIs";
		break;
	case T_FILTER:
		ok = n < k->size && printable_ascii(value, true) &&
		     (n == 0 || ldap_filter_shape(value));
		what = "an LDAP filter in parentheses (up to 511 printable characters) or nothing";
		break;
	case T_SERVICES:
		ok = n < k->size && service_list(value);
		what = "* or a space-separated list of PAM service names";
		break;
	case T_COMMAND:
	case T_OPT_COMMAND:
		ok = (value[0] == '/' || (n == 0 && k->type == T_OPT_COMMAND)) && n < k->size &&
		     printable_ascii(value, true);
		what = k->type == T_COMMAND ? "an absolute program path with optional arguments "
					      "(up to 1023 printable characters)"
					    : "nothing, or an absolute program path with optional "
					      "arguments (up to 1023 printable characters)";
		break;
	case T_ADDRESS:
		ok = n > 0 && n < k->size && printable_ascii(value, false);
		what = "a mail address or user name (1 to 254 printable characters, no spaces)";
		break;
	case T_SERVICE:
		ok = n < k->size && name_chars(value, false) && strcmp(value, ".") != 0 &&
		     strcmp(value, "..") != 0;
		what = "a PAM service name (up to 63 of A-Z a-z 0-9 . _ -)";
		break;
	case T_TEXT:
		if (n >= k->size)
			return sspr_error_set(err, SSPR_EINVAL, "%s must be at most %zu bytes",
					      k->name, k->size - 1);
		ok = utf8_text(value);
		what = "UTF-8 text without control characters";
		break;
	default:
		return sspr_error_set(err, SSPR_EINVAL, "%s has no parser", k->name);
	}
	if (!ok)
		return sspr_error_set(err, SSPR_EINVAL, "%s must be %s", k->name, what);
	memcpy(dst, value, n + 1);
	return SSPR_OK;
}

/* The key is echoed only when it is harmless to print. */
static int unknown_key(const char *key, struct sspr_error *err)
{
	if (strlen(key) <= 64 && printable_ascii(key, true))
		return sspr_error_set(err, SSPR_EINVAL, "unknown key '%s'", key);
	return sspr_error_set(err, SSPR_EINVAL, "unknown key");
}

int sspr_policy_set(struct sspr_policy *pol, const char *key, const char *value,
		    struct sspr_error *err)
{
	const struct policy_key *k = find_key(key);
	char *field;
	unsigned long long n;

	if (k == NULL)
		return unknown_key(key, err);
	field = (char *)pol + k->offset;
	switch (k->type) {
	case T_UINT:
	case T_U32:
	case T_ULL:
	case T_SIZE:
		if (!parse_number(value, &n) || n < k->min || n > k->max)
			return sspr_error_set(err, SSPR_EINVAL,
					      "%s must be a number from %llu to %llu", k->name,
					      k->min, k->max);
		if (k->type == T_UINT)
			*(unsigned *)(void *)field = (unsigned)n;
		else if (k->type == T_U32)
			*(uint32_t *)(void *)field = (uint32_t)n;
		else if (k->type == T_ULL)
			*(unsigned long long *)(void *)field = n;
		else
			*(size_t *)(void *)field = (size_t)n;
		return SSPR_OK;
	case T_BOOL:
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			return sspr_error_set(err, SSPR_EINVAL, "%s must be yes or no", k->name);
		*(bool *)(void *)field = strcmp(value, "yes") == 0;
		return SSPR_OK;
	case T_CHOICE:
		return set_choice(k, (int *)(void *)field, value, err);
	case T_METHODS:
		return set_methods(pol, value, err);
	default:
		return set_string(k, field, value, err);
	}
}

void sspr_policy_defaults(struct sspr_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	for (size_t i = 0; i < N_KEYS; i++) {
		/* The table's defaults are valid by construction; a failure
		 * here is a programming error caught by the unit tests. */
		(void)sspr_policy_set(pol, policy_keys[i].name, policy_keys[i].def, NULL);
	}
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static unsigned popcount(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* True when the ldap:// URI u (n bytes) names this host: "localhost",
 * 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. Only a hint for the admin: every
 * ldap:// connection uses StartTLS whatever the host. */
static bool ldap_uri_is_loopback(const char *u, size_t n)
{
	char host[64];
	size_t len;
	struct in_addr a4;
	struct in6_addr a6;

	u += 7;
	n -= 7;
	if (n > 0 && u[0] == '[') {
		len = strcspn(u, "]");
		if (len >= n || len - 1 >= sizeof(host))
			return false;
		memcpy(host, u + 1, len - 1);
		host[len - 1] = '\0';
	} else {
		len = strcspn(u, ":/?");
		if (len > n)
			len = n;
		if (len >= sizeof(host))
			return false;
		memcpy(host, u, len);
		host[len] = '\0';
	}
	/* No host: libldap's default, this host unless ldap.conf says otherwise. */
	if (host[0] == '\0' || sspr_ascii_casecmp(host, "localhost") == 0 ||
	    sspr_ascii_casecmp(host, "localhost.") == 0)
		return true;
	/* inet_aton: also the short forms, 127.1 and 2130706433 */
	if (inet_aton(host, &a4) != 0)
		return (ntohl(a4.s_addr) >> 24) == 127 || a4.s_addr == 0;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return false;
}

/* An ldap:// URI to this host with no ldap_tls_cacert: before StartTLS
 * was required there, such a line meant plain text, and the system's CA
 * bundle cannot vouch for a local server. Said here, with the line,
 * rather than as a TLS failure at the first login. */
static int check_ldap_tls(const char *path, const struct sspr_policy *pol, unsigned line,
			  struct sspr_error *err)
{
	const char *s = pol->ldap_uri;

	if (pol->ldap_tls_cacert[0] != '\0')
		return SSPR_OK;
	while (*s != '\0') {
		size_t n = strcspn(s, " \t");

		if (n > 7 && sspr_ascii_ncasecmp(s, "ldap://", 7) == 0 && ldap_uri_is_loopback(s, n))
			return sspr_error_set(err, SSPR_EINVAL,
					      "%s:%u: ldap_uri: %.*s names this host without "
					      "ldap_tls_cacert; no ldap:// connection is plain text "
					      "(a local user could listen on its port), so set "
					      "ldap_tls_cacert to the server's CA for StartTLS, or use "
					      "ldapi://",
					      path, line, (int)(n > 120 ? 120 : n), s);
		s += n;
		s += strspn(s, " \t");
	}
	return SSPR_OK;
}

/* The directory keys only matter, and must then be complete, when the
 * directory is the store. */
static int check_ldap_keys(const char *path, const struct sspr_policy *pol,
			   const unsigned *line_of, struct sspr_error *err)
{
	unsigned backend_line = line_of[key_index("store_backend")];
	bool has_dn = pol->ldap_bind_dn[0] != '\0';
	bool has_pw = pol->ldap_bind_password_file[0] != '\0';

	if (pol->store_backend != SSPR_BACKEND_LDAP)
		return SSPR_OK;
	if (pol->ldap_uri[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: store_backend = ldap needs ldap_uri", path,
				      backend_line);
	if (pol->ldap_base[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: store_backend = ldap needs ldap_base", path,
				      backend_line);
	if (has_dn != has_pw)
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: ldap_bind_dn and ldap_bind_password_file go together",
				      path,
				      line_of[key_index(has_dn ? "ldap_bind_dn"
								: "ldap_bind_password_file")]);
	return check_ldap_tls(path, pol, line_of[key_index("ldap_uri")], err);
}

/* password_backend = ldap: the writer's servers, subtree and identity
 * must all be there (its own servers, or the store's). */
static int check_password_ldap_keys(const char *path, const struct sspr_policy *pol,
				    const unsigned *line_of, struct sspr_error *err)
{
	static const char *const needed[] = {"password_ldap_base", "password_ldap_bind_dn",
					     "password_ldap_bind_password_file",
					     "password_ldap_filter"};
	unsigned line = line_of[key_index("password_backend")];
	struct sspr_policy tls_view;

	if (pol->password_backend != SSPR_PASSWORD_LDAP)
		return SSPR_OK;
	if (pol->password_ldap_uri[0] == '\0' && pol->ldap_uri[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: password_backend = ldap needs password_ldap_uri (or "
				      "ldap_uri)",
				      path, line);
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		const struct policy_key *k = find_key(needed[i]);

		if (((const char *)pol + k->offset)[0] == '\0')
			return sspr_error_set(err, SSPR_EINVAL,
					      "%s:%u: password_backend = ldap needs %s", path, line,
					      needed[i]);
	}
	/* The same rule for a loopback ldap:// as the store's URIs. */
	if (pol->password_ldap_uri[0] == '\0')
		return SSPR_OK;
	memcpy(&tls_view, pol, sizeof(tls_view));
	memcpy(tls_view.ldap_uri, pol->password_ldap_uri, sizeof(tls_view.ldap_uri));
	return check_ldap_tls(path, &tls_view, line_of[key_index("password_ldap_uri")], err);
}

/* password_backend = kerberos: the keytab and the principal whose key it
 * holds. A realm may be left to krb5.conf. */
static int check_password_krb5_keys(const char *path, const struct sspr_policy *pol,
				    const unsigned *line_of, struct sspr_error *err)
{
	unsigned line = line_of[key_index("password_backend")];

	if (pol->password_backend != SSPR_PASSWORD_KERBEROS)
		return SSPR_OK;
	if (pol->password_krb5_keytab[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: password_backend = kerberos needs password_krb5_keytab",
				      path, line);
	if (pol->password_krb5_principal[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: password_backend = kerberos needs "
				      "password_krb5_principal",
				      path, line);
	return SSPR_OK;
}

/* Checks that span keys; line_of[] gives where each key was set. */
static int cross_check(const char *path, const struct sspr_policy *pol, const unsigned *line_of,
		       struct sspr_error *err)
{
	unsigned reset_line = line_of[key_index("questions_to_reset")];
	unsigned reg_line = line_of[key_index("questions_to_register")];
	unsigned req_line = line_of[key_index("methods_required")];
	unsigned methods_line = line_of[key_index("methods")];

	if (pol->questions_to_reset > pol->questions_to_register)
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: questions_to_reset (%u) must not exceed "
				      "questions_to_register (%u)",
				      path, reset_line > reg_line ? reset_line : reg_line,
				      pol->questions_to_reset, pol->questions_to_register);
	/* A pass is the helpdesk's, for a while, not a way of the user's: it
	 * does not count. The delegated service does: the administrator
	 * vouches that the users have what it checks. */
	if (pol->methods_required > popcount(pol->methods & ~(unsigned)SSPR_METHOD_PASS))
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: methods_required (%u) must not exceed the number of "
				      "methods users register (%u)",
				      path, req_line > methods_line ? req_line : methods_line,
				      pol->methods_required,
				      popcount(pol->methods & ~(unsigned)SSPR_METHOD_PASS));
	/* The delegated check must not be the password change itself. */
	if ((pol->methods & SSPR_METHOD_PAM) &&
	    strcmp(pol->delegated_service, pol->password_service) == 0)
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: methods must not delegate to password_service (%s)",
				      path, methods_line, pol->password_service);
	if ((pol->methods & SSPR_METHOD_PHONE) && pol->sms_command[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL,
				      "%s:%u: methods lists phone, which needs sms_command", path,
				      methods_line);
	if (check_ldap_keys(path, pol, line_of, err) != SSPR_OK)
		return SSPR_EINVAL;
	if (check_password_ldap_keys(path, pol, line_of, err) != SSPR_OK)
		return SSPR_EINVAL;
	return check_password_krb5_keys(path, pol, line_of, err);
}

static int parse_text(const char *path, char *text, size_t len, struct sspr_policy *pol,
		      struct sspr_error *err)
{
	unsigned line_of[N_KEYS] = {0};
	unsigned lineno = 0;
	char *line = text, *next;
	struct sspr_error why;

	if (memchr(text, '\0', len) != NULL) {
		const char *nul = memchr(text, '\0', len);
		unsigned at = 1;

		for (const char *p = text; p < nul; p++)
			at += *p == '\n';
		return sspr_error_set(err, SSPR_EINVAL, "%s:%u: NUL byte in file", path, at);
	}
	for (; line != NULL && *line != '\0'; line = next) {
		char *eq, *key, *value;
		const struct policy_key *k;
		size_t idx;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strlen(line) > 0 && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (strlen(line) > SSPR_POLICY_LINE_MAX)
			return sspr_error_set(err, SSPR_EINVAL,
					      "%s:%u: line is longer than %d bytes", path, lineno,
					      SSPR_POLICY_LINE_MAX);
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL || eq == key)
			return sspr_error_set(err, SSPR_EINVAL, "%s:%u: expected 'key = value'",
					      path, lineno);
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		k = find_key(key);
		if (k == NULL) {
			unknown_key(key, &why);
			return sspr_error_set(err, SSPR_EINVAL, "%s:%u: %s", path, lineno, why.msg);
		}
		idx = (size_t)(k - policy_keys);
		if (line_of[idx] != 0)
			return sspr_error_set(err, SSPR_EINVAL,
					      "%s:%u: duplicate key '%s' (first set on line %u)",
					      path, lineno, key, line_of[idx]);
		line_of[idx] = lineno;
		if (sspr_policy_set(pol, key, value, &why) != SSPR_OK)
			return sspr_error_set(err, SSPR_EINVAL, "%s:%u: %s", path, lineno, why.msg);
	}
	return cross_check(path, pol, line_of, err);
}

int sspr_policy_load(const char *path, struct sspr_policy *pol, struct sspr_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	sspr_policy_defaults(pol);
	r = sspr_file_read(path, SSPR_POLICY_FILE_MAX, 0, &text, &len, err);
	if (r != SSPR_OK)
		return r;
	r = parse_text(path, text, len, pol, err);
	sspr_file_free(text, len);
	return r;
}

int sspr_policy_load_or_default(const char *path, bool path_given, struct sspr_policy *pol,
				bool *found, struct sspr_error *err)
{
	int r = sspr_policy_load(path, pol, err);

	if (found != NULL)
		*found = r == SSPR_OK;
	if (r == SSPR_ENOENT && !path_given) {
		sspr_policy_defaults(pol);
		return SSPR_OK;
	}
	return r;
}

/* The method list as the policy file writes it, in method.h's order, the
 * delegated method with its service; an empty set stays empty. */
static void methods_text(const struct sspr_policy *pol, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	SSPR_FOR_EACH_METHOD(m) {
		int w;

		if ((pol->methods & m) == 0)
			continue;
		if (m == SSPR_METHOD_PAM)
			w = snprintf(out + n, size - n, "%s%s%s", n > 0 ? " " : "",
				     DELEGATED_PREFIX, pol->delegated_service);
		else
			w = snprintf(out + n, size - n, "%s%s", n > 0 ? " " : "",
				     sspr_method_name(m));
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

void sspr_policy_foreach(const struct sspr_policy *pol, sspr_policy_line_fn fn, void *ctx)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct policy_key *k = &policy_keys[i];
		const char *field = (const char *)pol + k->offset;
		char value[SSPR_PATH_MAX + 64];

		switch (k->type) {
		case T_UINT:
			snprintf(value, sizeof(value), "%u",
				 *(const unsigned *)(const void *)field);
			break;
		case T_U32:
			snprintf(value, sizeof(value), "%u",
				 (unsigned)*(const uint32_t *)(const void *)field);
			break;
		case T_ULL:
			snprintf(value, sizeof(value), "%llu",
				 *(const unsigned long long *)(const void *)field);
			break;
		case T_SIZE:
			snprintf(value, sizeof(value), "%zu", *(const size_t *)(const void *)field);
			break;
		case T_BOOL:
			snprintf(value, sizeof(value), "%s",
				 *(const bool *)(const void *)field ? "yes" : "no");
			break;
		case T_CHOICE:
			snprintf(value, sizeof(value), "%s",
				 k->choices[*(const int *)(const void *)field]);
			break;
		case T_METHODS:
			methods_text(pol, value, sizeof(value));
			break;
		default:
			snprintf(value, sizeof(value), "%s", field);
			break;
		}
		fn(k->name, value, ctx);
	}
}
