/* SPDX-License-Identifier: BSD-2-Clause */
/* Reaching a directory server: URIs in order within one time budget, TLS
 * as the scheme and host require, a simple bind, and one line of error
 * text per URI that failed.
 *
 * What the environment can do to libldap (read in OpenLDAP 2.5/2.6,
 * libraries/libldap/init.c, ldap_int_initialize): once per process, before
 * the first handle, libldap reads /etc/ldap/ldap.conf; then, unless
 * LDAPNOINIT is set (which skips even that file), and only when
 * geteuid() == getuid(), it also reads $HOME/ldaprc, $HOME/.ldaprc,
 * ./ldaprc, the files named by $LDAPCONF and $LDAPRC, and every LDAP<opt>
 * variable (LDAPTLS_REQCERT, LDAPTLS_CACERT, LDAPTLS_CACERTDIR,
 * LDAPTLS_PROTOCOL_MIN, LDAPTLS_CIPHER_SUITE, LDAPSIZELIMIT, ...). Only the
 * uid is compared, never the gid: a setgid program (sspr-enroll) gets the
 * caller's files and variables, and a root PAM application gets whatever
 * its environment holds. Those values become the defaults every new handle
 * copies. So each handle here sets every option that decides what is
 * trusted and what is sent explicitly, never relying on a default: protocol,
 * referrals, dereferencing, limits, timeouts, REQUIRE_CERT, REQUIRE_SAN,
 * CA file (the system bundle when ldap_tls_cacert is empty, since the
 * GnuTLS backend has no built-in trust store), no CA directory, no client
 * certificate, no CRL file, TLS 1.2 minimum, the cipher priority, and a
 * fresh TLS context (NEWCTX) built from those options alone. */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"
#include "store_ldap_conn.h"
#include "store_ldap_watch.h"
#include "util.h"

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define PASSWORD_FILE_MAX 4096
#define URIS_MAX 16
#define MIN_SLICE_MS 10
/* Debian's and most distributions' first ordinary user id (login.defs
 * UID_MIN): a local socket must be served by an account below it. */
#define SSPR_LDAP_SYSTEM_UID_END 1000

int sspr_ldap_status(int rc)
{
	switch (rc) {
	case LDAP_SUCCESS:
		return SSPR_OK;
	case LDAP_SERVER_DOWN:
	case LDAP_TIMEOUT:
	case LDAP_TIMELIMIT_EXCEEDED:
	case LDAP_CONNECT_ERROR:
	case LDAP_UNAVAILABLE:
	case LDAP_BUSY:
		return SSPR_EUNAVAIL;
	case LDAP_INSUFFICIENT_ACCESS:
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_STRONG_AUTH_REQUIRED:
	case LDAP_CONFIDENTIALITY_REQUIRED:
		return SSPR_EACCES;
	case LDAP_NO_SUCH_OBJECT:
		return SSPR_ENOENT;
	case LDAP_NO_MEMORY:
		return SSPR_ENOMEM;
	case LDAP_ADMINLIMIT_EXCEEDED:
	case LDAP_SIZELIMIT_EXCEEDED:
		return SSPR_EFULL;
	default:
		return SSPR_ERR;
	}
}

const char *sspr_ldap_why(LDAP *ld, int rc, char *buf, size_t cap)
{
	char *diag = NULL;

	if (ld != NULL && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) == LDAP_SUCCESS &&
	    diag != NULL && diag[0] != '\0')
		snprintf(buf, cap, "%s (%.160s)", ldap_err2string(rc), diag);
	else
		snprintf(buf, cap, "%s", ldap_err2string(rc));
	ldap_memfree(diag);
	/* The server's words go to terminals and logs: no byte of them may
	 * be a control. */
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return buf;
}

int sspr_ldap_tls_mode(const char *uri, enum sspr_ldap_tls *mode)
{
	LDAPURLDesc *lud = NULL;
	int r = SSPR_OK;

	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS || lud->lud_scheme == NULL) {
		r = SSPR_EINVAL;
		goto out;
	}
	if (sspr_ascii_casecmp(lud->lud_scheme, "ldaps") == 0)
		*mode = SSPR_LDAP_TLS_LDAPS;
	else if (sspr_ascii_casecmp(lud->lud_scheme, "ldapi") == 0)
		*mode = SSPR_LDAP_TLS_NONE; /* a local socket: the kernel is the channel */
	else if (sspr_ascii_casecmp(lud->lud_scheme, "ldap") == 0)
		/* StartTLS, loopback included: any local user can listen on
		 * an unprivileged port while slapd is down, or on ::1 while
		 * it holds only 127.0.0.1, and the bind password rewrites
		 * the whole fleet. */
		*mode = SSPR_LDAP_TLS_STARTTLS;
	else
		r = SSPR_EINVAL;
out:
	if (lud != NULL)
		ldap_free_urldesc(lud);
	return r;
}

void sspr_ldap_sigpipe_block(struct sspr_ldap_sigpipe *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	sigemptyset(&pending);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

void sspr_ldap_sigpipe_restore(struct sspr_ldap_sigpipe *g)
{
	static const struct timespec zero = {0, 0};
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	/* Drain only what our calls raised; one that was pending before is
	 * the application's to receive. */
	if (!g->was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

#define PASSWORD_FILE_FLAGS SSPR_FILE_GROUP_READ

/* The first line of the bind password file, in guarded memory (release
 * with sspr_file_free_secret(*out)). The file must be
 * root's, and its group may read it unless it is private: root:sspr-store
 * 0640 lets the setgid sspr-enroll bind as the store's identity; the
 * identity that sets passwords is root's alone. */
static int read_password(const char *path, bool private, char **out, size_t *len,
			 struct sspr_error *err)
{
	int r = sspr_file_read_secret(path, PASSWORD_FILE_MAX, private ? 0 : PASSWORD_FILE_FLAGS,
				      out, len, err);

	if (r != SSPR_OK)
		return r;
	(*out)[strcspn(*out, "\r\n")] = '\0';
	if ((*out)[0] == '\0') {
		/* An empty password turns a bind into an unauthenticated one. */
		sspr_file_free_secret(*out);
		*out = NULL;
		return sspr_error_set(err, SSPR_EINVAL, "%s: the bind password is empty", path);
	}
	return SSPR_OK;
}

static struct timeval ms_tv(int64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000) * 1000};

	return tv;
}

/* Sets the limits of every later call on ld. */
static int set_limits(LDAP *ld, const struct timeval *tv)
{
	int secs = (int)tv->tv_sec + (tv->tv_usec > 0 ? 1 : 0);

	if (ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, tv) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, tv) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMELIMIT, &secs) != LDAP_OPT_SUCCESS)
		return LDAP_OPERATIONS_ERROR;
	return LDAP_SUCCESS;
}

/* The CA certificates server certificates are checked against: the
 * policy's, or the system's bundle (GnuTLS has no built-in trust store). */
static const char *ca_file(const struct sspr_store_config *cfg)
{
	return cfg->ldap_tls_cacert != NULL && cfg->ldap_tls_cacert[0] != '\0'
		       ? cfg->ldap_tls_cacert
		       : SYSTEM_CA_BUNDLE;
}

/* Every option that matters, on this handle, whatever the process-wide
 * defaults say (see the top of this file). The TLS context is built only
 * for a connection that uses TLS: a plain ldapi:// or loopback one must
 * not fail for want of a CA file it would never read. */
static int secure_handle(LDAP *ld, const struct sspr_store_config *cfg, const struct timeval *tv,
			 bool tls)
{
	const char *ca = ca_file(cfg);
	int version = LDAP_VERSION3, deref = LDAP_DEREF_NEVER, zero = 0;
	int hard = LDAP_OPT_X_TLS_HARD, san = LDAP_OPT_X_TLS_TRY;
	int min = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
	char *package = NULL;
	const char *priority;
	int rc;

	if (ldap_get_option(ld, LDAP_OPT_X_TLS_PACKAGE, &package) != LDAP_OPT_SUCCESS)
		package = NULL;
	/* The cipher list is in the TLS library's own words. */
	priority = package != NULL && strcmp(package, "OpenSSL") == 0 ? "DEFAULT" : "NORMAL";
	ldap_memfree(package);
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) != LDAP_OPT_SUCCESS ||
	    /* A dropped connection stays dropped: otherwise libldap opens a
	     * new one by itself for the next request, without StartTLS,
	     * bind or the check of a local socket's server. */
	    ldap_set_option(ld, LDAP_OPT_KEEPCONN, LDAP_OPT_ON) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_SOCKET_BIND_ADDRESSES, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_DEREF, &deref) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_SIZELIMIT, &zero) != LDAP_OPT_SUCCESS ||
	    set_limits(ld, tv) != LDAP_SUCCESS)
		return LDAP_OPERATIONS_ERROR;
	if (!tls)
		return LDAP_SUCCESS;
	if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &hard) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_SAN, &san) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTDIR, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CRLFILE, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &min) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CIPHER_SUITE, priority) != LDAP_OPT_SUCCESS)
		return LDAP_OPERATIONS_ERROR;
	/* Last: the context is built from the options above. */
	rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	return rc == LDAP_OPT_SUCCESS ? LDAP_SUCCESS : LDAP_CONNECT_ERROR;
}

/* An ldapi:// socket is trusted only when the server behind it runs as
 * root or a system account, never as the caller: a path in a directory a
 * user can write (or a socket left behind by a stopped slapd) could
 * otherwise be a user's listener, handed the bind password and believed
 * about every record. The kernel says who listens (SO_PEERCRED). */
static bool local_server_trusted(int fd, char *why, size_t whycap)
{
	struct ucred peer;
	socklen_t len = sizeof(peer);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || len != sizeof(peer)) {
		snprintf(why, whycap, "cannot tell who serves the local socket");
		return false;
	}
	if (peer.uid != 0 && (peer.uid >= SSPR_LDAP_SYSTEM_UID_END || peer.uid == getuid())) {
		snprintf(why, whycap,
			 "the local socket is served by uid %u, not by root or a system account",
			 (unsigned)peer.uid);
		return false;
	}
	return true;
}

/* Connects now, before the first request, so that the peer of a local
 * socket is judged before a byte is sent and the watch has a descriptor. */
static bool connect_now(LDAP *ld, enum sspr_ldap_tls mode, int *fd, char *why, size_t whycap)
{
	int rc;

	if ((rc = ldap_connect(ld)) != LDAP_SUCCESS) {
		sspr_ldap_why(ld, rc, why, whycap);
		return false;
	}
	if (ldap_get_option(ld, LDAP_OPT_DESC, fd) != LDAP_OPT_SUCCESS || *fd < 0) {
		snprintf(why, whycap, "connected, but libldap has no socket to show");
		return false;
	}
	if (mode == SSPR_LDAP_TLS_NONE && !local_server_trusted(*fd, why, whycap)) {
		/* Not even the unbind goes to it. */
		(void)shutdown(*fd, SHUT_RDWR);
		return false;
	}
	return true;
}

/* StartTLS where the scheme needs it (a failure fails the URI: never a
 * fallback to plain text), then the bind: simple with the password exactly
 * when a bind DN is set (sspr_ldap_connect read it then); without one, a
 * local socket binds as this process (SASL EXTERNAL: no secret at all) and
 * a TLS one stays anonymous. An LDAP result code. */
static int start_and_bind(LDAP *ld, enum sspr_ldap_tls mode, const char *bind_dn,
			  const char *password)
{
	int rc;

	if (mode == SSPR_LDAP_TLS_STARTTLS && (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS)
		return rc;
	if (password != NULL) {
		struct berval cred = {.bv_len = strlen(password), .bv_val = (char *)password};

		return ldap_sasl_bind_s(ld, bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	}
	if (mode == SSPR_LDAP_TLS_NONE) {
		struct berval none = {.bv_len = 0, .bv_val = NULL};

		return ldap_sasl_bind_s(ld, NULL, "EXTERNAL", &none, NULL, NULL, NULL);
	}
	return LDAP_SUCCESS;
}

/* Appends "uri: why" to the list of failures. */
static void note_failure(char *list, size_t cap, const char *uri, const char *why)
{
	size_t used = strnlen(list, cap);

	if (used + 1 < cap)
		snprintf(list + used, cap - used, "%s%.120s: %s", used ? "; " : "", uri, why);
}

/* One URI, with its slice of the time: connect, TLS, bind, check. */
static int try_uri(const struct sspr_store_config *cfg, const char *uri, const char *password,
		   int64_t slice_ms, sspr_ldap_check_fn check, void *ctx, LDAP **out,
		   char *why, size_t whycap, struct sspr_error *err)
{
	struct timeval tv = ms_tv(slice_ms);
	struct sspr_ldap_watch watch = {.running = false};
	int64_t slice_end = sspr_monotonic_ms() + slice_ms, left_ms;
	enum sspr_ldap_tls mode;
	LDAP *ld = NULL;
	int fd = -1, rc, r = SSPR_EUNAVAIL;

	if (sspr_ldap_tls_mode(uri, &mode) != SSPR_OK) {
		snprintf(why, whycap, "not an ldap://, ldaps:// or ldapi:// URI");
		return SSPR_EUNAVAIL;
	}
	rc = ldap_initialize(&ld, uri);
	if (rc != LDAP_SUCCESS || ld == NULL) {
		snprintf(why, whycap, "%s", ldap_err2string(rc));
		goto out;
	}
	/* Said here, because libldap would only say "Connect error". With the
	 * effective ids libldap will open it with: under sudo or su the real
	 * uid is the user's, who need not be able to read it. */
	if (mode != SSPR_LDAP_TLS_NONE &&
	    faccessat(AT_FDCWD, ca_file(cfg), R_OK, AT_EACCESS) != 0) {
		snprintf(why, whycap, "cannot read the CA certificates %s: %s%s", ca_file(cfg),
			 strerror(errno),
			 strcmp(ca_file(cfg), SYSTEM_CA_BUNDLE) == 0
				 ? " (set ldap_tls_cacert, or install ca-certificates)"
				 : "");
		goto out;
	}
	if ((rc = secure_handle(ld, cfg, &tv, mode != SSPR_LDAP_TLS_NONE)) != LDAP_SUCCESS) {
		sspr_ldap_why(ld, rc, why, whycap);
		goto out;
	}
	if (!connect_now(ld, mode, &fd, why, whycap))
		goto out;
	/* Everything from here on ends with the slice, whatever libldap does;
	 * without a watch, a TLS handshake could outlast it. */
	left_ms = slice_end - sspr_monotonic_ms();
	if (left_ms <= 0 || !sspr_ldap_watch_start(&watch, fd, left_ms)) {
		snprintf(why, whycap, left_ms <= 0 ? "connecting took the whole of its time"
						   : "cannot start the connection's watch");
		goto out;
	}
	rc = start_and_bind(ld, mode, cfg->ldap_bind_dn, password);
	if (rc == LDAP_SUCCESS)
		r = check(ld, &tv, ctx, err);
	if (sspr_ldap_watch_stop(&watch)) {
		snprintf(why, whycap, "no answer within its %lld ms (the TLS handshake or a "
				      "request stalled)",
			 (long long)slice_ms);
		r = SSPR_EUNAVAIL;
	} else if (rc != LDAP_SUCCESS) {
		sspr_ldap_why(ld, rc, why, whycap);
	} else if (r == SSPR_EUNAVAIL) {
		snprintf(why, whycap, "%.200s", err->msg);
	} else if (r == SSPR_OK) {
		*out = ld;
		ld = NULL;
	}
out:
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return r;
}

int sspr_ldap_connect(const struct sspr_store_config *cfg, sspr_ldap_check_fn check, void *ctx,
		      LDAP **out, struct sspr_error *err)
{
	char *uris = NULL, *save = NULL, *list[URIS_MAX];
	char failures[SSPR_ERROR_MAX] = "", why[256];
	char *password = NULL;
	size_t password_len = 0;
	int64_t deadline = sspr_monotonic_ms() + (int64_t)cfg->ldap_timeout * 1000;
	size_t n = 0;
	int r = SSPR_EUNAVAIL;

	*out = NULL;
	if (cfg->ldap_uri == NULL || cfg->ldap_uri[0] == '\0' || cfg->ldap_timeout == 0)
		return sspr_error_set(err, SSPR_EINVAL, "ldap_uri and ldap_timeout must be set");
	if (cfg->ldap_bind_dn != NULL && cfg->ldap_bind_dn[0] != '\0') {
		if (cfg->ldap_bind_password_file == NULL || cfg->ldap_bind_password_file[0] == '\0')
			return sspr_error_set(err, SSPR_EINVAL,
					      "ldap_bind_dn is set but ldap_bind_password_file "
					      "is not");
		if ((r = read_password(cfg->ldap_bind_password_file, cfg->ldap_bind_password_private,
					&password, &password_len, err)) != SSPR_OK)
			return r;
	}
	uris = strdup(cfg->ldap_uri);
	if (uris == NULL) {
		r = sspr_error_set(err, SSPR_ENOMEM, "out of memory");
		goto out;
	}
	for (char *u = strtok_r(uris, " \t", &save); u != NULL; u = strtok_r(NULL, " \t", &save)) {
		if (n == URIS_MAX) {
			r = sspr_error_set(err, SSPR_EINVAL, "ldap_uri: more than %d URIs",
					   URIS_MAX);
			goto out;
		}
		list[n++] = u;
	}
	r = SSPR_EUNAVAIL;
	for (size_t i = 0; i < n; i++) {
		/* What is left, shared by the URIs left, so a silent first
		 * server never eats the time of the ones after it. */
		int64_t slice = (deadline - sspr_monotonic_ms()) / (int64_t)(n - i);

		if (slice < MIN_SLICE_MS)
			slice = MIN_SLICE_MS;
		why[0] = '\0';
		r = try_uri(cfg, list[i], password, slice, check, ctx, out, why, sizeof(why), err);
		if (r != SSPR_EUNAVAIL)
			break;
		note_failure(failures, sizeof(failures), list[i], why);
	}
	if (r == SSPR_EUNAVAIL)
		sspr_error_set(err, SSPR_EUNAVAIL, "%s", failures);
	if (r == SSPR_OK) {
		struct timeval tv = ms_tv((int64_t)cfg->ldap_timeout * 1000);

		if (set_limits(*out, &tv) != LDAP_SUCCESS) {
			ldap_unbind_ext_s(*out, NULL, NULL);
			*out = NULL;
			r = sspr_error_set(err, SSPR_ERR, "cannot set the LDAP timeouts");
		}
	}
out:
	if (password != NULL)
		sspr_file_free_secret(password); /* wipes */
	free(uris);
	return r;
}
