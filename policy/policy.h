/* SPDX-License-Identifier: BSD-2-Clause */
/* The policy file /etc/security/sspr.conf: parsed once into a struct that
 * every program passes around by const pointer. Defaults live in one table
 * in policy.c, which the parser, check-config and the man page all follow. */
#ifndef SSPR_POLICY_H
#define SSPR_POLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockout.h"
#include "status.h"
#include "store.h"
#include "totp.h"

#define SSPR_POLICY_FILE_MAX (64 * 1024) /* bytes; a larger file is refused */
#define SSPR_POLICY_LINE_MAX 1024        /* bytes per line, newline excluded */
#define SSPR_GROUP_NAME_MAX 64
#define SSPR_SERVICE_NAME_MAX 63
#define SSPR_SERVICES_MAX 511 /* the whole space-separated list of services */
#define SSPR_MAIL_COMMAND_MAX 1023
#define SSPR_MAIL_ADDRESS_MAX 254
#define SSPR_HELPDESK_MAX 511
#define SSPR_DELEGATED_LABEL_MAX 127
#define SSPR_PATH_MAX 1023
#define SSPR_LDAP_URIS_MAX 1023 /* the whole space-separated list */
#define SSPR_LDAP_URI_COUNT_MAX 8
#define SSPR_LDAP_DN_MAX 511
#define SSPR_LDAP_FILTER_MAX 511

enum sspr_registration {
	SSPR_REGISTRATION_NO = 0,
	SSPR_REGISTRATION_REMIND,
	SSPR_REGISTRATION_REQUIRE,
};

/* Where a reset sets the new password. */
enum sspr_password_backend {
	SSPR_PASSWORD_PAM = 0, /* password_service, this host's own password stack */
	SSPR_PASSWORD_LDAP,    /* the account's entry in a directory (passwd_directory.h) */
	SSPR_PASSWORD_KERBEROS, /* the account's principal at the KDC (set-password protocol) */
};

/* What members of admin_group (and root) must prove. */
enum sspr_admin_policy {
	SSPR_ADMIN_STRICT = 0, /* two methods, security questions not among them */
	SSPR_ADMIN_SAME,       /* what methods and methods_required ask of everyone */
};

enum sspr_enumeration {
	SSPR_ENUMERATION_HIDE = 0, /* everyone gets a plausible challenge and the same failure */
	SSPR_ENUMERATION_SHOW,     /* say "not set up", "locked" and name the methods */
};

struct sspr_policy {
	char group[SSPR_GROUP_NAME_MAX + 1]; /* "*" = everyone */
	uint32_t min_uid;
	bool allow_root;
	unsigned methods;          /* bitmask of enum sspr_method */
	unsigned methods_required; /* 1..2 */
	/* SSPR_METHOD_PAM's service, from methods = pam:SERVICE; "" = none. */
	char delegated_service[SSPR_SERVICE_NAME_MAX + 1];
	char delegated_label[SSPR_DELEGATED_LABEL_MAX + 1]; /* its menu line; "" = a default */
	struct sspr_totp_params totp;
	char questions_file[SSPR_PATH_MAX + 1];
	bool custom_questions;
	unsigned questions_to_register; /* 3..5 */
	unsigned questions_to_reset;    /* 1..questions_to_register */
	unsigned answer_min_length;
	char mail_command[SSPR_MAIL_COMMAND_MAX + 1];
	char mail_from[SSPR_MAIL_ADDRESS_MAX + 1];
	char sms_command[SSPR_MAIL_COMMAND_MAX + 1]; /* "" = no phone method */
	unsigned code_length;
	unsigned code_lifetime;
	unsigned enroll_mails_per_hour;
	unsigned recovery_codes;
	struct sspr_lockout_limits lockout;
	char password_service[SSPR_SERVICE_NAME_MAX + 1];
	enum sspr_password_backend password_backend;
	char password_ldap_uri[SSPR_LDAP_URIS_MAX + 1]; /* "" = ldap_uri */
	char password_ldap_base[SSPR_LDAP_DN_MAX + 1];
	char password_ldap_bind_dn[SSPR_LDAP_DN_MAX + 1];
	char password_ldap_bind_password_file[SSPR_PATH_MAX + 1];
	char password_ldap_filter[SSPR_LDAP_FILTER_MAX + 1];
	char password_ldap_disabled_filter[SSPR_LDAP_FILTER_MAX + 1];
	char password_krb5_keytab[SSPR_PATH_MAX + 1];
	char password_krb5_principal[SSPR_LDAP_DN_MAX + 1];
	char password_krb5_realm[SSPR_LDAP_DN_MAX + 1]; /* "" = krb5.conf's default realm */
	unsigned password_krb5_timeout; /* seconds for one request to the KDCs */
	char services[SSPR_SERVICES_MAX + 1]; /* PAM services that offer resets; "*" = all */
	bool unlock;                          /* offer "unlock without reset" */
	bool login_after_reset;
	enum sspr_registration registration;
	unsigned registration_grace_days; /* require: days of reminders before logins are refused */
	unsigned reconfirm_days;
	bool notify_user;
	bool notify_admins;
	char admin_group[SSPR_GROUP_NAME_MAX + 1];
	enum sspr_admin_policy admin_policy;
	char admin_mail[SSPR_MAIL_ADDRESS_MAX + 1];
	char helpdesk[SSPR_HELPDESK_MAX + 1];
	char store[SSPR_PATH_MAX + 1];
	unsigned store_wait; /* seconds a write waits for another writer */
	unsigned event_retention_days; /* 0 = for ever */
	char key_dir[SSPR_PATH_MAX + 1];
	unsigned long long argon2_opslimit;
	size_t argon2_memlimit;
	unsigned argon2_max_parallel; /* 0 = no limit */
	char lock_dir[SSPR_PATH_MAX + 1];
	enum sspr_enumeration enumeration;
	enum sspr_store_backend store_backend;
	char ldap_uri[SSPR_LDAP_URIS_MAX + 1];
	char ldap_base[SSPR_LDAP_DN_MAX + 1];
	char ldap_bind_dn[SSPR_LDAP_DN_MAX + 1];
	char ldap_bind_password_file[SSPR_PATH_MAX + 1];
	char ldap_tls_cacert[SSPR_PATH_MAX + 1];
	unsigned ldap_timeout; /* seconds, for all URIs together */
	unsigned ldap_retry_after; /* seconds the account hook leaves an unreachable directory alone */
	unsigned ldap_reminder_cache; /* seconds the account hook trusts a registered user's summary */
};

/* Fills every key with its default. */
void sspr_policy_defaults(struct sspr_policy *pol);

/* Sets one key from its text value, checking type and range. On error,
 * err gets "KEY: what is wrong" (the caller adds "path:line: "). */
int sspr_policy_set(struct sspr_policy *pol, const char *key, const char *value,
		    struct sspr_error *err);

/* Defaults, then the file. A missing file is SSPR_ENOENT (the caller decides
 * whether that is fine: only the default path may be missing). Any error
 * leaves *pol unusable and err as "PATH:LINE: what" or "PATH: what". Checks
 * that need several keys (questions_to_reset <= questions_to_register,
 * methods_required <= number of methods) are made after the last line and
 * name the line of the later key. */
int sspr_policy_load(const char *path, struct sspr_policy *pol, struct sspr_error *err);

/* The rule every program follows: the policy at path, where only the
 * default path (path_given = false) may be missing, which gives the built-in
 * defaults. *found (may be NULL) says whether a file was read. */
int sspr_policy_load_or_default(const char *path, bool path_given, struct sspr_policy *pol,
				bool *found, struct sspr_error *err);

/* True when the policy offers resets in the PAM service `service` (a
 * word of `services`, or services = *). */
bool sspr_policy_service_allowed(const struct sspr_policy *pol, const char *service);

/* Writes every key with its current value, one "key = value" line each, in
 * table order (sspr-admin check-config --print). */
typedef void (*sspr_policy_line_fn)(const char *key, const char *value, void *ctx);
void sspr_policy_foreach(const struct sspr_policy *pol, sspr_policy_line_fn fn, void *ctx);

#endif
