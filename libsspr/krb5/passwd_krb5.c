/* SPDX-License-Identifier: BSD-2-Clause */
/* Passwords that live at a Kerberos KDC (passwd_directory.h): MIT krb5,
 * and through the same protocol FreeIPA and Active Directory.
 *
 * The writer is a principal of its own whose key is in a root-only keytab
 * and whose only right is to change passwords (kadm5.acl "c"; doc/krb5/).
 * It gets an initial ticket for kadmin/changepw from the keytab and sets
 * USER@REALM's password with the set-password protocol (RFC 3244,
 * krb5_set_password); the KDC applies its password policy (length, classes,
 * history) and says why it refuses a password, which the user is shown.
 *
 * The account's state is what the KDC tells anyone who asks for an initial
 * ticket: an AS request for the user, answered before any password is
 * needed (the prompter refuses, so nothing is guessed and no failure is
 * counted), is refused for a disabled or locked principal (CLIENT_REVOKED),
 * an expired one (NAME_EXP), or no principal at all (C_PRINCIPAL_UNKNOWN).
 * An expired password is no obstacle: it is what a reset is for.
 *
 * The context is a secure one (krb5_init_secure_context): under sudo or su
 * the caller's KRB5_CONFIG must not choose the KDC that is trusted. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <krb5.h>
#include <sodium.h>

#include "child.h"
#include "config.h"
#include "passwd_directory.h"
#include "safefile.h"
#include "util.h"

#define KEYTAB_MAX (64 * 1024)
#define KEYTAB_PATH_MAX 1023
#define TICKET_LIFE 60 /* seconds: one change */

/* Nothing is ever typed here: asking for a password ends the request. Being
 * asked at all means the KDC found nothing against the principal before
 * the password (data: a bool, set). */
static krb5_error_code refuse_prompts(krb5_context ctx, void *data, const char *name,
				      const char *banner, int num_prompts, krb5_prompt prompts[])
{
	*(bool *)data = true;
	return KRB5_LIBOS_CANTREADPWD;
}

struct krb5_session {
	krb5_context ctx;
	krb5_get_init_creds_opt *opt;
};

/* The message of a krb5 error, printable, into buf. */
static const char *krb5_why(krb5_context ctx, krb5_error_code code, char *buf, size_t cap)
{
	const char *msg = krb5_get_error_message(ctx, code);

	snprintf(buf, cap, "%.200s", msg != NULL ? msg : "unknown Kerberos error");
	krb5_free_error_message(ctx, msg);
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return buf;
}

/* Unreachable KDCs are SSPR_EUNAVAIL, as an unreachable directory is. */
static int krb5_status(krb5_error_code code)
{
	switch (code) {
	case KRB5_KDC_UNREACH:
	case KRB5_REALM_CANT_RESOLVE:
	case KRB5_REALM_UNKNOWN:
	case KRB5KRB_ERR_RESPONSE_TOO_BIG:
		return SSPR_EUNAVAIL;
	default:
		return SSPR_ERR;
	}
}

static int session_open(struct krb5_session *ks, struct sspr_error *err)
{
	krb5_error_code code;
	char why[256];

	ks->ctx = NULL;
	ks->opt = NULL;
	code = krb5_init_secure_context(&ks->ctx);
	if (code != 0)
		return sspr_error_set(err, SSPR_ERR, "cannot start Kerberos (krb5.conf?): error %d",
				      (int)code);
	code = krb5_get_init_creds_opt_alloc(ks->ctx, &ks->opt);
	if (code != 0)
		return sspr_error_set(err, SSPR_ENOMEM, "%s", krb5_why(ks->ctx, code, why,
									sizeof(why)));
	/* A ticket for one request: short, not forwardable, for no address. */
	krb5_get_init_creds_opt_set_tkt_life(ks->opt, TICKET_LIFE);
	krb5_get_init_creds_opt_set_forwardable(ks->opt, 0);
	krb5_get_init_creds_opt_set_proxiable(ks->opt, 0);
	krb5_get_init_creds_opt_set_address_list(ks->opt, NULL);
	return SSPR_OK;
}

static void session_close(struct krb5_session *ks)
{
	if (ks->opt != NULL)
		krb5_get_init_creds_opt_free(ks->ctx, ks->opt);
	if (ks->ctx != NULL)
		krb5_free_context(ks->ctx);
}

/* USER@REALM, the realm the policy's or krb5.conf's default. */
static int user_principal(struct krb5_session *ks, const struct sspr_passwd_directory_config *cfg,
			  const char *user, krb5_principal *out, struct sspr_error *err)
{
	char *realm = NULL, why[256];
	krb5_error_code code;

	*out = NULL;
	if (!sspr_user_name_valid(user) || strpbrk(user, "@/\\") != NULL)
		return sspr_error_set(err, SSPR_EINVAL, "invalid user name");
	if (cfg->krb5_realm != NULL && cfg->krb5_realm[0] != '\0') {
		code = krb5_build_principal(ks->ctx, out, (unsigned)strlen(cfg->krb5_realm),
					    cfg->krb5_realm, user, (char *)NULL);
	} else {
		code = krb5_get_default_realm(ks->ctx, &realm);
		if (code == 0)
			code = krb5_build_principal(ks->ctx, out, (unsigned)strlen(realm), realm,
						    user, (char *)NULL);
		krb5_free_default_realm(ks->ctx, realm);
	}
	if (code != 0)
		return sspr_error_set(err, SSPR_EINVAL, "no principal for %s: %s", user,
				      krb5_why(ks->ctx, code, why, sizeof(why)));
	return SSPR_OK;
}

static int keytab_safe(const struct sspr_passwd_directory_config *cfg, struct sspr_error *err);

static int account_now(const struct sspr_passwd_directory_config *cfg, const char *user,
		       enum sspr_directory_account *state, struct sspr_error *err)
{
	struct krb5_session ks;
	krb5_principal client = NULL;
	krb5_creds creds;
	krb5_error_code code;
	bool asked = false;
	char why[256];
	int r;

	*state = SSPR_DIRECTORY_NO_ACCOUNT;
	memset(&creds, 0, sizeof(creds));
	/* A keytab that cannot be used refuses the reset before a code is
	 * spent, as the LDAP writer's password file does. */
	if ((r = keytab_safe(cfg, err)) != SSPR_OK)
		return r;
	r = session_open(&ks, err);
	if (r == SSPR_OK)
		r = user_principal(&ks, cfg, user, &client, err);
	if (r != SSPR_OK)
		goto out;
	code = krb5_get_init_creds_password(ks.ctx, &creds, client, NULL, refuse_prompts, &asked,
					    0, NULL, ks.opt);
	if (asked)
		code = 0;
	switch (code) {
	case 0: /* asked for the password (the reply, or preauthentication) */
	case KRB5KDC_ERR_KEY_EXP:
		*state = SSPR_DIRECTORY_USABLE;
		break;
	case KRB5KDC_ERR_CLIENT_REVOKED:
	case KRB5KDC_ERR_NAME_EXP:
		*state = SSPR_DIRECTORY_DISABLED;
		break;
	case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
		break;
	default:
		r = sspr_error_set(err, krb5_status(code), "cannot ask the KDC about %s: %s", user,
				   krb5_why(ks.ctx, code, why, sizeof(why)));
	}
	krb5_free_cred_contents(ks.ctx, &creds);
out:
	if (client != NULL)
		krb5_free_principal(ks.ctx, client);
	session_close(&ks);
	return r;
}

/* The keytab must be root's alone, checked as a secret file is (then read
 * by libkrb5 from the same path: only root could swap it in between). */
static int keytab_safe(const struct sspr_passwd_directory_config *cfg, struct sspr_error *err)
{
	char *bytes = NULL;
	size_t len = 0;
	int r;

	if (cfg->krb5_keytab == NULL || cfg->krb5_keytab[0] != '/' ||
	    strlen(cfg->krb5_keytab) > KEYTAB_PATH_MAX)
		return sspr_error_set(err, SSPR_EINVAL, "password_krb5_keytab must be an absolute path");
	r = sspr_file_read_secret(cfg->krb5_keytab, KEYTAB_MAX, 0, &bytes, &len, err);
	if (r == SSPR_OK)
		sspr_file_free_secret(bytes);
	return r;
}

/* The writer's initial ticket for kadmin/changepw, from the keytab. */
static int writer_ticket(struct krb5_session *ks, const struct sspr_passwd_directory_config *cfg,
			 krb5_creds *creds, struct sspr_error *err)
{
	char name[KEYTAB_PATH_MAX + 8], why[256];
	krb5_principal writer = NULL;
	krb5_keytab kt = NULL;
	krb5_error_code code;
	int r;

	if ((r = keytab_safe(cfg, err)) != SSPR_OK)
		return r;
	snprintf(name, sizeof(name), "FILE:%s", cfg->krb5_keytab);
	code = krb5_kt_resolve(ks->ctx, name, &kt);
	if (code == 0)
		code = krb5_parse_name_flags(ks->ctx, cfg->krb5_principal, 0, &writer);
	if (code != 0) {
		r = sspr_error_set(err, SSPR_EINVAL, "password_krb5_principal %s: %s",
				   cfg->krb5_principal, krb5_why(ks->ctx, code, why, sizeof(why)));
		goto out;
	}
	code = krb5_get_init_creds_keytab(ks->ctx, creds, writer, kt, 0, "kadmin/changepw",
					  ks->opt);
	if (code != 0)
		r = sspr_error_set(err, krb5_status(code) == SSPR_EUNAVAIL ? SSPR_EUNAVAIL : SSPR_EACCES,
				   "the writer %s cannot get a ticket from %s: %s",
				   cfg->krb5_principal, cfg->krb5_keytab,
				   krb5_why(ks->ctx, code, why, sizeof(why)));
out:
	if (writer != NULL)
		krb5_free_principal(ks->ctx, writer);
	if (kt != NULL)
		krb5_kt_close(ks->ctx, kt);
	return r;
}

/* The KDC's words for a refusal, printable, into refusal. */
static void refusal_words(krb5_context ctx, krb5_data *result_string,
			  char refusal[SSPR_DIRECTORY_REFUSAL_MAX])
{
	char *msg = NULL;

	if (krb5_chpw_message(ctx, result_string, &msg) == 0 && msg != NULL && msg[0] != '\0')
		snprintf(refusal, SSPR_DIRECTORY_REFUSAL_MAX, "%s", msg);
	else
		snprintf(refusal, SSPR_DIRECTORY_REFUSAL_MAX,
			 "the KDC's password policy does not allow it");
	krb5_free_string(ctx, msg);
	for (char *p = refusal; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = (*p == '\n' || *p == '\r') ? ' ' : '?';
}

static int change_now(const struct sspr_passwd_directory_config *cfg, const char *user,
		      const char *password, char refusal[SSPR_DIRECTORY_REFUSAL_MAX],
		      bool *must_change, struct sspr_error *err)
{
	enum sspr_directory_account state;
	krb5_data code_string = {0}, result_string = {0};
	struct krb5_session ks;
	krb5_principal target = NULL;
	krb5_creds creds;
	krb5_error_code code;
	int result_code = -1, r;
	char why[256];

	refusal[0] = '\0';
	*must_change = false;
	memset(&creds, 0, sizeof(creds));
	if (password == NULL || password[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL, "no new password");
	/* Judged again right before the change: the KDC's set-password does
	 * not look at whether the principal may log in. */
	if ((r = account_now(cfg, user, &state, err)) != SSPR_OK)
		return r;
	if (state == SSPR_DIRECTORY_NO_ACCOUNT)
		return sspr_error_set(err, SSPR_ENOENT, "no principal for %s", user);
	if (state == SSPR_DIRECTORY_DISABLED)
		return sspr_error_set(err, SSPR_ELOCKED, "the KDC refuses tickets to %s", user);
	r = session_open(&ks, err);
	if (r == SSPR_OK)
		r = user_principal(&ks, cfg, user, &target, err);
	if (r == SSPR_OK)
		r = writer_ticket(&ks, cfg, &creds, err);
	if (r != SSPR_OK)
		goto out;
	code = krb5_set_password(ks.ctx, &creds, (char *)password, target, &result_code,
				 &code_string, &result_string);
	if (code != 0) {
		r = sspr_error_set(err, krb5_status(code), "set-password for %s: %s", user,
				   krb5_why(ks.ctx, code, why, sizeof(why)));
		goto out;
	}
	switch (result_code) {
	case KRB5_KPASSWD_SUCCESS:
		r = SSPR_OK;
		break;
	case KRB5_KPASSWD_SOFTERROR:
		refusal_words(ks.ctx, &result_string, refusal);
		r = sspr_error_set(err, SSPR_EREFUSED, "%s: %s", user, refusal);
		break;
	case KRB5_KPASSWD_ACCESSDENIED:
		r = sspr_error_set(err, SSPR_EACCES,
				   "the writer %s may not set %s's password (kadm5.acl: \"c\")",
				   cfg->krb5_principal, user);
		break;
	default:
		r = sspr_error_set(err, SSPR_ERR, "set-password for %s: %.*s (result %d)", user,
				   (int)(code_string.length > 120 ? 120 : code_string.length),
				   code_string.data != NULL ? code_string.data : "", result_code);
	}
out:
	krb5_free_data_contents(ks.ctx, &code_string);
	krb5_free_data_contents(ks.ctx, &result_string);
	krb5_free_cred_contents(ks.ctx, &creds);
	if (target != NULL)
		krb5_free_principal(ks.ctx, target);
	session_close(&ks);
	return r;
}

/* libkrb5 has no bound of its own on a silent KDC (1.20 waits about 24 s
 * per KDC, and a change asks three times): each request runs in a child
 * process that is killed at the deadline. The child only computes, and
 * hands back its answer in one write to a pipe. */
struct answer {
	int status;
	enum sspr_directory_account state;
	bool must_change;
	char refusal[SSPR_DIRECTORY_REFUSAL_MAX];
	char msg[SSPR_ERROR_MAX];
};

struct job {
	const struct sspr_passwd_directory_config *cfg;
	const char *user;
	const char *password; /* NULL: the account's state */
};

static void run_job(const struct job *job, struct answer *ans)
{
	struct sspr_error err = {{0}};

	if (job->password == NULL)
		ans->status = account_now(job->cfg, job->user, &ans->state, &err);
	else
		ans->status = change_now(job->cfg, job->user, job->password, ans->refusal,
					 &ans->must_change, &err);
	snprintf(ans->msg, sizeof(ans->msg), "%s", err.msg);
}

/* Reads the child's answer until the deadline; false when it did not come
 * whole. */
static bool read_answer(int fd, int64_t deadline, struct answer *ans)
{
	size_t got = 0;

	while (got < sizeof(*ans)) {
		int64_t left = deadline - sspr_monotonic_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		n = read(fd, (char *)ans + got, sizeof(*ans) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static int run_bounded(const struct job *job, struct answer *ans, struct sspr_error *err)
{
	unsigned timeout = job->cfg->krb5_timeout > 0 ? job->cfg->krb5_timeout : 10;
	int64_t deadline = sspr_monotonic_ms() + (int64_t)timeout * 1000;
	struct sspr_child child;
	int fds[2];
	bool whole, killed;
	pid_t pid;

	memset(ans, 0, sizeof(*ans));
	if (pipe2(fds, O_CLOEXEC) != 0)
		return sspr_error_set(err, SSPR_ERR, "pipe: %s", strerror(errno));
	pid = sspr_child_start(&child);
	if (pid == 0) {
		/* The answer goes out on stdout, the pipe. */
		if (!sspr_child_enter(&child, -1, fds[1], -1, timeout))
			_exit(126);
		run_job(job, ans);
		(void)!write(STDOUT_FILENO, ans, sizeof(*ans));
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		(void)sspr_child_end(&child, deadline, &killed);
		return sspr_error_set(err, SSPR_ERR, "fork: %s", strerror(errno));
	}
	whole = read_answer(fds[0], deadline, ans);
	close(fds[0]);
	/* The answer is whole or the deadline has passed: either way the
	 * child is done with, now. */
	(void)sspr_child_end(&child, whole ? INT64_MAX : 0, &killed);
	if (!whole)
		return sspr_error_set(err, SSPR_EUNAVAIL, "no answer from the KDC within %u s",
				      timeout);
	ans->msg[sizeof(ans->msg) - 1] = '\0';
	ans->refusal[sizeof(ans->refusal) - 1] = '\0';
	if (ans->status != SSPR_OK)
		sspr_error_set(err, ans->status, "%s", ans->msg);
	return ans->status;
}

static int passwd_account(const struct sspr_passwd_directory_config *cfg, const char *user,
			  enum sspr_directory_account *state, struct sspr_error *err)
{
	struct job job = {.cfg = cfg, .user = user, .password = NULL};
	struct answer ans;
	int r;

	*state = SSPR_DIRECTORY_NO_ACCOUNT;
	r = run_bounded(&job, &ans, err);
	if (r == SSPR_OK)
		*state = ans.state;
	sodium_memzero(&ans, sizeof(ans));
	return r;
}

static int passwd_change(const struct sspr_passwd_directory_config *cfg, const char *user,
			 const char *password, char refusal[SSPR_DIRECTORY_REFUSAL_MAX],
			 bool *must_change, struct sspr_error *err)
{
	struct job job = {.cfg = cfg, .user = user, .password = password};
	struct answer ans;
	int r;

	refusal[0] = '\0';
	*must_change = false;
	if (password == NULL || password[0] == '\0')
		return sspr_error_set(err, SSPR_EINVAL, "no new password");
	r = run_bounded(&job, &ans, err);
	if (r == SSPR_EREFUSED)
		snprintf(refusal, SSPR_DIRECTORY_REFUSAL_MAX, "%s", ans.refusal);
	*must_change = r == SSPR_OK && ans.must_change;
	sodium_memzero(&ans, sizeof(ans));
	return r;
}

/* What passwd_directory.c looks up after loading this file; the only
 * symbol it exports. */
__attribute__((visibility("default"))) const struct sspr_passwd_directory_ops
	sspr_passwd_krb5_backend = {
		.abi = SSPR_PASSWD_DIRECTORY_ABI,
		.version = SSPR_VERSION,
		.account = passwd_account,
		.change = passwd_change,
};
