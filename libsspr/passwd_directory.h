/* SPDX-License-Identifier: BSD-2-Clause */
/* Passwords that live in a directory (password_backend = ldap or
 * kerberos): what a reset asks of the directory that holds the user's
 * account, rather than of this host's password stack. Implemented in
 * shared objects (libsspr/ldap/passwd_ldap.c in the directory backend's,
 * libsspr/krb5/passwd_krb5.c in one of its own), for the reason
 * store_backend.h gives: libldap and libkrb5 stay out of every process
 * that does not need them. */
#ifndef SSPR_PASSWD_DIRECTORY_H
#define SSPR_PASSWD_DIRECTORY_H

#include <stdbool.h>

#include "status.h"
#include "store.h"

struct sspr_passwd_directory_config {
	/* LDAP. The servers and how to reach them (ldap_uri, ldap_bind_dn,
	 * ldap_bind_password_file, ldap_tls_cacert, ldap_timeout): the
	 * writer's identity, whose password file must be root's alone. */
	struct sspr_store_config conn;
	const char *people_base;     /* the subtree the accounts are in */
	const char *user_filter;     /* what an account is, ANDed with (uid=USER) */
	const char *disabled_filter; /* an account that matches it may not reset */
	/* Kerberos. The writer is krb5_principal, whose key is in krb5_keytab
	 * (root's alone); the user is USER@krb5_realm ("": krb5.conf's
	 * default realm). */
	const char *krb5_keytab;
	const char *krb5_principal;
	const char *krb5_realm;
	unsigned krb5_timeout; /* seconds for one request to the KDCs, all told */
};

enum sspr_directory_account {
	SSPR_DIRECTORY_USABLE,     /* one entry, not disabled */
	SSPR_DIRECTORY_DISABLED,   /* it matches disabled_filter */
	SSPR_DIRECTORY_NO_ACCOUNT, /* no entry, or more than one */
};

/* What the user is told when the directory refuses a new password. */
#define SSPR_DIRECTORY_REFUSAL_MAX 256

struct sspr_passwd_directory_ops {
	unsigned abi;        /* SSPR_PASSWD_DIRECTORY_ABI of the build it came from */
	const char *version; /* SSPR_VERSION of that build */
	/* The account's state, one connection. SSPR_EUNAVAIL when no server
	 * answered; SSPR_OK with *state otherwise. */
	int (*account)(const struct sspr_passwd_directory_config *cfg, const char *user,
		       enum sspr_directory_account *state, struct sspr_error *err);
	/* Sets the new password, on one connection: the account is looked at
	 * again first (a lock made while the user answered wins: SSPR_ELOCKED;
	 * gone: SSPR_ENOENT), then the Password Modify extended operation
	 * (RFC 3062) with the password policy request control. The
	 * directory's refusal of the password itself (quality, history, age)
	 * is SSPR_EREFUSED with refusal (printable ASCII) saying why; anything
	 * else a status with err. *must_change: the directory now wants the
	 * password changed at the next login (pwdReset). */
	int (*change)(const struct sspr_passwd_directory_config *cfg, const char *user,
		      const char *password, char refusal[SSPR_DIRECTORY_REFUSAL_MAX],
		      bool *must_change, struct sspr_error *err);
};

#define SSPR_PASSWD_LDAP_SYMBOL "sspr_passwd_ldap_backend"
/* Kerberos: a shared object of its own, so that libkrb5 is loaded only
 * where password_backend = kerberos. */
#define SSPR_PASSWD_KRB5_FILE "sspr_passwd_krb5.so"
#define SSPR_PASSWD_KRB5_SYMBOL "sspr_passwd_krb5_backend"
#define SSPR_PASSWD_DIRECTORY_ABI 1

/* Which directory holds the passwords. */
enum sspr_passwd_directory_kind {
	SSPR_PASSWD_DIRECTORY_LDAP,
	SSPR_PASSWD_DIRECTORY_KERBEROS,
};

/* The table of that kind, loaded from its shared object and checked
 * against this build (SSPR_ERR with err saying why not). */
int sspr_passwd_directory_load(enum sspr_passwd_directory_kind kind,
			       const struct sspr_passwd_directory_ops **ops,
			       struct sspr_error *err);

#endif
