/* SPDX-License-Identifier: BSD-2-Clause */
/* For the directory backend only: reaching a directory server. The URIs of
 * ldap_uri are tried in order within one time budget (ldap_timeout for all
 * of them together), each connection is secured as the scheme and the host
 * require, and bound with the host's identity. */
#ifndef SSPR_STORE_LDAP_CONN_H
#define SSPR_STORE_LDAP_CONN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/time.h>

#include <ldap.h>

#include "store.h"

enum sspr_ldap_tls {
	SSPR_LDAP_TLS_NONE,     /* ldapi://: a local socket, its server checked by uid */
	SSPR_LDAP_TLS_STARTTLS, /* ldap://, loopback included */
	SSPR_LDAP_TLS_LDAPS,    /* ldaps:// */
};

/* The TLS decision for one URI, without touching the network. SSPR_EINVAL
 * for a URI libldap cannot parse or a scheme other than ldap, ldaps, ldapi. */
int sspr_ldap_tls_mode(const char *uri, enum sspr_ldap_tls *mode);

/* SIGPIPE blocked around libldap calls: a server that closes the socket
 * must not kill the PAM application (sshd, login) with a signal it never
 * asked for. A SIGPIPE raised meanwhile is drained before unblocking. */
struct sspr_ldap_sigpipe {
	sigset_t old;
	bool was_pending;
};
void sspr_ldap_sigpipe_block(struct sspr_ldap_sigpipe *g);
void sspr_ldap_sigpipe_restore(struct sspr_ldap_sigpipe *g);

/* Run on each candidate connection after bind, with what is left of that
 * URI's time: the backend reads its base there. SSPR_EUNAVAIL moves on to
 * the next URI; any other status is the answer. */
typedef int (*sspr_ldap_check_fn)(LDAP *ld, const struct timeval *limit, void *ctx,
				  struct sspr_error *err);

/* Connects to the first URI that answers; *out is then bound, checked, and
 * its timeouts set to ldap_timeout. SSPR_EUNAVAIL names every URI and why
 * it failed. Call under the SIGPIPE guard. */
int sspr_ldap_connect(const struct sspr_store_config *cfg, sspr_ldap_check_fn check, void *ctx,
		      LDAP **out, struct sspr_error *err);

/* An LDAP result code as a store status: server gone or silent =
 * SSPR_EUNAVAIL, access = SSPR_EACCES, no such object = SSPR_ENOENT. */
int sspr_ldap_status(int rc);
/* Why the last operation on ld failed: the result text and the server's
 * diagnostic message, into buf. */
const char *sspr_ldap_why(LDAP *ld, int rc, char *buf, size_t cap);

#endif
