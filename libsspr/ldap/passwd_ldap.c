/* SPDX-License-Identifier: BSD-2-Clause */
/* Passwords that live in an LDAP directory (passwd_directory.h): the
 * account found under the people subtree, judged by the site's own filter
 * of disabled accounts, and its password set with the Password Modify
 * extended operation (RFC 3062) carrying the password policy request
 * control, so that the ppolicy overlay checks the new password (quality,
 * history, age) as it checks any change and says why it refuses one.
 *
 * The writer is an identity of its own, never the store's: it may write
 * userPassword under the people subtree and read what finds and judges an
 * account there, nothing else (doc/ldap/sspr-passwd-acl.ldif). No old
 * password is sent: the reset's proof stands in for it. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "passwd_directory.h"
#include "store_ldap_conn.h"
#include "store_ldap_entry.h"
#include "util.h"

#define FILTER_MAX 2048
#define DN_MAX 1024

/* A server that does not hold the people subtree is not the one to ask. */
static int people_check(LDAP *ld, const struct timeval *limit, void *ctx,
			struct sspr_error *err)
{
	const struct sspr_passwd_directory_config *cfg = ctx;
	char *none[] = {LDAP_NO_ATTRS, NULL};
	struct timeval tv = *limit;
	LDAPMessage *res = NULL;
	char why[256];
	int rc;

	rc = ldap_search_ext_s(ld, cfg->people_base, LDAP_SCOPE_BASE, "(objectClass=*)", none, 0,
			       NULL, NULL, &tv, 1, &res);
	ldap_msgfree(res);
	if (rc == LDAP_SUCCESS)
		return SSPR_OK;
	if (rc == LDAP_NO_SUCH_OBJECT)
		return sspr_error_set(err, SSPR_EUNAVAIL, "no %.200s on this server",
				      cfg->people_base);
	return sspr_error_set(err, sspr_ldap_status(rc) == SSPR_EUNAVAIL ? SSPR_EUNAVAIL : SSPR_ERR,
			      "cannot read %.200s: %s", cfg->people_base,
			      sspr_ldap_why(ld, rc, why, sizeof(why)));
}

static int connect_writer(const struct sspr_passwd_directory_config *cfg, LDAP **ld,
			  struct sspr_error *err)
{
	if (cfg->people_base == NULL || cfg->people_base[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL, "password_ldap_base is not set");
	return sspr_ldap_connect(&cfg->conn, people_check, (void *)cfg, ld, err);
}

/* Does the entry at dn match filter? */
static int entry_matches(LDAP *ld, const char *dn, const char *filter, unsigned timeout,
			 bool *match, struct sspr_error *err)
{
	char *none[] = {LDAP_NO_ATTRS, NULL};
	struct timeval tv = {.tv_sec = (time_t)timeout, .tv_usec = 0};
	LDAPMessage *res = NULL;
	char why[256];
	int rc;

	*match = false;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, filter, none, 0, NULL, NULL, &tv, 1, &res);
	if (rc == LDAP_SUCCESS)
		*match = ldap_count_entries(ld, res) > 0;
	ldap_msgfree(res);
	if (rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
		return SSPR_OK;
	return sspr_error_set(err, sspr_ldap_status(rc) == SSPR_EUNAVAIL ? SSPR_EUNAVAIL : SSPR_ERR,
			      "cannot judge %.200s: %s", dn, sspr_ldap_why(ld, rc, why, sizeof(why)));
}

/* The account's DN and state. Exactly one entry is an account: two for
 * one name mean the directory cannot say whose password to set. */
static int find_account(LDAP *ld, const struct sspr_passwd_directory_config *cfg,
			const char *user, char *dn, size_t cap,
			enum sspr_directory_account *state, struct sspr_error *err)
{
	char *none[] = {LDAP_NO_ATTRS, NULL};
	char esc[SSPR_USER_MAX * 3 + 1], filter[FILTER_MAX], why[256];
	struct timeval tv = {.tv_sec = (time_t)cfg->conn.ldap_timeout, .tv_usec = 0};
	LDAPMessage *res = NULL, *e;
	char *found;
	bool disabled = false;
	int rc, r;

	*state = SSPR_DIRECTORY_NO_ACCOUNT;
	dn[0] = '\0';
	if (!sspr_user_name_valid(user) || sspr_ldap_escape(user, esc, sizeof(esc)) != SSPR_OK)
		return sspr_error_set(err, SSPR_EINVAL, "invalid user name");
	if ((size_t)snprintf(filter, sizeof(filter), "(&%s(uid=%s))", cfg->user_filter, esc) >=
	    sizeof(filter))
		return sspr_error_set(err, SSPR_EINVAL, "password_ldap_filter is too long");
	rc = ldap_search_ext_s(ld, cfg->people_base, LDAP_SCOPE_SUBTREE, filter, none, 0, NULL,
			       NULL, &tv, 2, &res);
	if (rc == LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		return SSPR_OK; /* more than one: no account to change */
	}
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return sspr_error_set(err,
				      sspr_ldap_status(rc) == SSPR_EUNAVAIL ? SSPR_EUNAVAIL : SSPR_ERR,
				      "cannot look up the account: %s",
				      sspr_ldap_why(ld, rc, why, sizeof(why)));
	}
	e = rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 1 ? ldap_first_entry(ld, res)
								 : NULL;
	found = e != NULL ? ldap_get_dn(ld, e) : NULL;
	ldap_msgfree(res);
	if (found == NULL)
		return SSPR_OK;
	if (strlen(found) >= cap) {
		ldap_memfree(found);
		return sspr_error_set(err, SSPR_EINVAL, "the account's DN is too long");
	}
	snprintf(dn, cap, "%s", found);
	ldap_memfree(found);
	if (cfg->disabled_filter != NULL && cfg->disabled_filter[0] != '\0' &&
	    (r = entry_matches(ld, dn, cfg->disabled_filter, cfg->conn.ldap_timeout, &disabled,
			       err)) != SSPR_OK)
		return r;
	*state = disabled ? SSPR_DIRECTORY_DISABLED : SSPR_DIRECTORY_USABLE;
	return SSPR_OK;
}

static int passwd_account(const struct sspr_passwd_directory_config *cfg, const char *user,
			  enum sspr_directory_account *state, struct sspr_error *err)
{
	struct sspr_ldap_sigpipe guard;
	char dn[DN_MAX];
	LDAP *ld = NULL;
	int r;

	*state = SSPR_DIRECTORY_NO_ACCOUNT;
	sspr_ldap_sigpipe_block(&guard);
	r = connect_writer(cfg, &ld, err);
	if (r == SSPR_OK)
		r = find_account(ld, cfg, user, dn, sizeof(dn), state, err);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	sspr_ldap_sigpipe_restore(&guard);
	return r;
}

/* The user's words for a refusal the password policy made of the new
 * password itself; NULL for the ones that are not about the password. */
static const char *refusal_text(LDAPPasswordPolicyError pp)
{
	switch (pp) {
	case PP_passwordTooShort:
		return "it is shorter than the directory's password policy allows";
	case PP_passwordTooLong:
		return "it is longer than the directory's password policy allows";
	case PP_insufficientPasswordQuality:
		return "it does not meet the directory's password quality rules";
	case PP_passwordInHistory:
		return "it was used before";
	case PP_passwordTooYoung:
		return "the password was changed too recently to change it again";
	default:
		return NULL;
	}
}

/* Printable ASCII only: it is shown on a terminal and logged. */
static void printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* The answer to the Password Modify request: SSPR_OK, a refusal of the
 * password (SSPR_EREFUSED, refusal filled) or an error. */
static int judge_answer(LDAP *ld, LDAPMessage *res, const char *dn,
			char refusal[SSPR_DIRECTORY_REFUSAL_MAX], struct sspr_error *err)
{
	LDAPControl **ctrls = NULL, *pp_ctrl;
	LDAPPasswordPolicyError pp = PP_noError;
	ber_int_t expire = -1, grace = -1;
	char *diag = NULL, why[256];
	const char *text;
	int code = LDAP_OTHER, rc, r;

	rc = ldap_parse_result(ld, res, &code, NULL, &diag, NULL, &ctrls, 0);
	if (rc != LDAP_SUCCESS) {
		r = sspr_error_set(err, SSPR_ERR, "cannot read the answer to the password change: %s",
				   ldap_err2string(rc));
		goto out;
	}
	pp_ctrl = ldap_control_find(LDAP_CONTROL_PASSWORDPOLICYRESPONSE, ctrls, NULL);
	if (pp_ctrl != NULL &&
	    ldap_parse_passwordpolicy_control(ld, pp_ctrl, &expire, &grace, &pp) != LDAP_SUCCESS)
		pp = PP_noError;
	if (code == LDAP_SUCCESS) {
		r = SSPR_OK;
		goto out;
	}
	snprintf(why, sizeof(why), "%s%s%.160s%s", ldap_err2string(code),
		 diag != NULL && diag[0] != '\0' ? " (" : "", diag != NULL ? diag : "",
		 diag != NULL && diag[0] != '\0' ? ")" : "");
	printable(why);
	if ((text = refusal_text(pp)) != NULL) {
		snprintf(refusal, SSPR_DIRECTORY_REFUSAL_MAX, "%s", text);
		r = sspr_error_set(err, SSPR_EREFUSED, "%s: %s", dn, why);
	} else if (pp == PP_accountLocked) {
		r = sspr_error_set(err, SSPR_ELOCKED, "%s is locked: %s", dn, why);
	} else if (code == LDAP_CONSTRAINT_VIOLATION && pp == PP_noError) {
		/* A check of the server's own without the control's words. */
		snprintf(refusal, SSPR_DIRECTORY_REFUSAL_MAX, "the directory refused it: %.160s",
			 diag != NULL && diag[0] != '\0' ? diag : ldap_err2string(code));
		printable(refusal);
		r = sspr_error_set(err, SSPR_EREFUSED, "%s: %s", dn, why);
	} else if (code == LDAP_INSUFFICIENT_ACCESS || pp == PP_passwordModNotAllowed ||
		   pp == PP_mustSupplyOldPassword) {
		r = sspr_error_set(err, SSPR_EACCES,
				   "%s: the writer identity may not set this password: %s "
				   "(doc/ldap/sspr-passwd-acl.ldif)",
				   dn, why);
	} else {
		r = sspr_error_set(err, sspr_ldap_status(code) == SSPR_EUNAVAIL ? SSPR_EUNAVAIL
										: SSPR_ERR,
				   "%s: the password change failed: %s", dn, why);
	}
out:
	ldap_controls_free(ctrls);
	ldap_memfree(diag);
	return r;
}

/* RFC 3062 for dn, with the password policy request control, waited for
 * within ldap_timeout. */
static int modify_password(LDAP *ld, const char *dn, const char *password, unsigned timeout,
			   char refusal[SSPR_DIRECTORY_REFUSAL_MAX], struct sspr_error *err)
{
	struct berval id = {.bv_len = strlen(dn), .bv_val = (char *)dn};
	struct berval pw = {.bv_len = strlen(password), .bv_val = (char *)password};
	struct timeval tv = {.tv_sec = (time_t)timeout, .tv_usec = 0};
	LDAPControl *ppolicy = NULL, *sctrls[2] = {NULL, NULL};
	LDAPMessage *res = NULL;
	char why[256];
	int msgid = -1, rc, r;

	if (ldap_create_passwordpolicy_control(ld, &ppolicy) != LDAP_SUCCESS)
		return sspr_error_set(err, SSPR_ENOMEM, "cannot make the password policy control");
	sctrls[0] = ppolicy;
	rc = ldap_passwd(ld, &id, NULL, &pw, sctrls, NULL, &msgid);
	ldap_control_free(ppolicy);
	if (rc != LDAP_SUCCESS)
		return sspr_error_set(err,
				      sspr_ldap_status(rc) == SSPR_EUNAVAIL ? SSPR_EUNAVAIL : SSPR_ERR,
				      "cannot send the password change: %s",
				      sspr_ldap_why(ld, rc, why, sizeof(why)));
	rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
	if (rc == 0) {
		/* Abandoned: the server may still apply it, which the user
		 * is told is possible (the change "was not confirmed"). */
		(void)ldap_abandon_ext(ld, msgid, NULL, NULL);
		return sspr_error_set(err, SSPR_EUNAVAIL,
				      "no answer to the password change within %u s", timeout);
	}
	if (rc < 0) {
		ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc);
		return sspr_error_set(err, SSPR_EUNAVAIL, "the password change got no answer: %s",
				      sspr_ldap_why(ld, rc, why, sizeof(why)));
	}
	r = judge_answer(ld, res, dn, refusal, err);
	ldap_msgfree(res);
	return r;
}

static int passwd_change(const struct sspr_passwd_directory_config *cfg, const char *user,
			 const char *password, char refusal[SSPR_DIRECTORY_REFUSAL_MAX],
			 bool *must_change, struct sspr_error *err)
{
	enum sspr_directory_account state;
	struct sspr_ldap_sigpipe guard;
	char dn[DN_MAX];
	LDAP *ld = NULL;
	int r;

	refusal[0] = '\0';
	*must_change = false;
	if (password == NULL || password[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL, "no new password");
	sspr_ldap_sigpipe_block(&guard);
	r = connect_writer(cfg, &ld, err);
	if (r == SSPR_OK)
		r = find_account(ld, cfg, user, dn, sizeof(dn), &state, err);
	if (r != SSPR_OK)
		goto out;
	/* ppolicy keeps an administrator's lock through a change, but the
	 * site's filter may name what it does not (nsAccountLock): judged
	 * here, on the connection that makes the change. */
	if (state == SSPR_DIRECTORY_NO_ACCOUNT) {
		r = sspr_error_set(err, SSPR_ENOENT, "no account %s under %.200s", user,
				   cfg->people_base);
		goto out;
	}
	if (state == SSPR_DIRECTORY_DISABLED) {
		r = sspr_error_set(err, SSPR_ELOCKED, "%s matches password_ldap_disabled_filter",
				   dn);
		goto out;
	}
	r = modify_password(ld, dn, password, cfg->conn.ldap_timeout, refusal, err);
	/* A change by another identity may leave the directory asking for
	 * one more at the next login (ppolicy's pwdMustChange). */
	if (r == SSPR_OK) {
		struct sspr_error ignored;

		if (entry_matches(ld, dn, "(pwdReset=TRUE)", cfg->conn.ldap_timeout, must_change,
				  &ignored) != SSPR_OK)
			*must_change = false;
	}
out:
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	sspr_ldap_sigpipe_restore(&guard);
	return r;
}

/* What passwd_directory.c looks up after loading this file. */
__attribute__((visibility("default"))) const struct sspr_passwd_directory_ops
	sspr_passwd_ldap_backend = {
		.abi = SSPR_PASSWD_DIRECTORY_ABI,
		.version = SSPR_VERSION,
		.account = passwd_account,
		.change = passwd_change,
};
