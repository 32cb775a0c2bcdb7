/* SPDX-License-Identifier: BSD-2-Clause */
/* For the directory backend only: a deadline on one connection attempt that
 * libldap cannot overrun. libldap makes the socket non-blocking for the TLS
 * handshake and then loops on it, polling for write while GnuTLS waits to
 * read: a peer that accepts StartTLS and never answers the handshake (any
 * local user's listener on the port) would hold a login, spinning, for as
 * long as it keeps the connection open. The watch shuts the socket down at
 * the deadline, which ends every read and write on it at once. */
#ifndef SSPR_STORE_LDAP_WATCH_H
#define SSPR_STORE_LDAP_WATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct sspr_ldap_watch {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int fd;                   /* a duplicate of the watched socket */
	struct timespec deadline; /* CLOCK_MONOTONIC */
	int cancel_state;         /* the caller's, restored at the stop */
	bool running, done, fired;
};

/* Starts watching fd for ms milliseconds; the calling thread cannot be
 * cancelled until the stop. false when no watch could be set up. */
bool sspr_ldap_watch_start(struct sspr_ldap_watch *w, int fd, int64_t ms);
/* Stops the watch; true when it fired (the socket is shut down). */
bool sspr_ldap_watch_stop(struct sspr_ldap_watch *w);

#endif
