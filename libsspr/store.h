/* SPDX-License-Identifier: BSD-2-Clause */
/* The store: where records and events live. This is an interface; each
 * backend lives in its own files (store_lmdb.c, ldap/store_ldap*.c) behind the
 * table of operations in store_backend.h. Nothing outside the backend files
 * calls LMDB or libldap; callers pick a backend only through the
 * configuration they pass to sspr_store_open (policy_store.h builds it from
 * sspr.conf).
 *
 * Every change to a user goes through sspr_store_update(): the backend reads
 * the current record, runs the caller's function on it and writes the result
 * back in one atomic step, so concurrent logins never lose a counter update.
 * A backend may run the function more than once (an optimistic backend
 * retries after a conflict), so the function must change nothing but the
 * record, the event and its own context, and must give the same answer for
 * the same input. */
#ifndef SSPR_STORE_H
#define SSPR_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "record.h"
#include "status.h"

struct sspr_store;

enum sspr_store_flags {
	SSPR_STORE_READONLY = 1 << 0, /* open for reading only */
	SSPR_STORE_CREATE = 1 << 1,   /* create the store if it is missing (sspr-admin init) */
};

enum sspr_store_backend {
	SSPR_BACKEND_LMDB = 0, /* embedded, one host: a directory */
	SSPR_BACKEND_LDAP,     /* an OpenLDAP subtree shared by many hosts */
};

/* Where the store is. Strings are borrowed for the duration of the open
 * call only. */
struct sspr_store_config {
	enum sspr_store_backend backend;
	const char *dir;                   /* lmdb: the environment directory */
	const char *ldap_uri;              /* ldap: space-separated URIs, tried in order */
	const char *ldap_base;             /* ldap: DN of the subtree (ou=sspr,...) */
	const char *ldap_bind_dn;          /* ldap: "" = anonymous */
	const char *ldap_bind_password_file; /* ldap: "" = none */
	bool ldap_bind_password_private;   /* ldap: the file must be root's alone (0600),
					    * not readable by its group too */
	const char *ldap_tls_cacert;       /* ldap: "" = the system's trust store */
	unsigned ldap_timeout;             /* ldap: seconds for all URIs together, >= 1 */
	unsigned store_wait_ms;            /* lmdb: the most a write waits for another
					    * writer; 0 = 3 s (write_gate.h) */
	unsigned event_retention_days;     /* lmdb: events older go as new ones come;
					    * 0 = kept for ever */
};

/* Opens the store cfg describes. Errors: SSPR_ENOENT (no store: run
 * sspr-admin init), SSPR_EACCES, SSPR_ECORRUPT (not a store, or an unknown
 * format version), SSPR_EUNAVAIL (no directory server answered in time),
 * SSPR_ERR; err says which, naming the directory or URI. */
int sspr_store_open(const struct sspr_store_config *cfg, unsigned flags,
		    struct sspr_store **out, struct sspr_error *err);
/* The same for the LMDB store in dir (tests, tools given --store). */
int sspr_store_open_lmdb(const char *dir, unsigned flags, struct sspr_store **out,
			 struct sspr_error *err);
/* Which backend an open store is; for messages and migration. */
enum sspr_store_backend sspr_store_backend_of(const struct sspr_store *store);
/* Closes the store; NULL is allowed. */
void sspr_store_close(struct sspr_store *store);

/* Reads the user's record. SSPR_ENOENT when there is none, SSPR_ECORRUPT
 * when it does not decode (rec is then wiped). */
int sspr_store_get(struct sspr_store *store, const char *user, struct sspr_record *rec,
		   struct sspr_error *err);

/* Events one update may append. */
#define SSPR_UPDATE_EVENTS 2

/* Called inside the write. rec holds the current record (or a fresh
 * sspr_record_init() one when exists is false); ev points at
 * SSPR_UPDATE_EVENTS zeroed events, and each one the function gives an
 * action is appended, in order, in the same transaction: ev[0] what
 * happened, ev[1] a consequence of it (the lock a refusal starts).
 * Return SSPR_OK to write rec, SSPR_NOCHANGE to write nothing but the event,
 * SSPR_DELETE to delete the record, or a negative status to abort everything
 * (that status is returned by sspr_store_update). */
typedef int (*sspr_store_update_fn)(struct sspr_record *rec, bool exists, struct sspr_event *ev,
				    void *ctx);

/* Returns the function's status (SSPR_OK, SSPR_NOCHANGE, SSPR_DELETE or its
 * error), or a store error. When the stored record is corrupt the function is
 * not called and SSPR_ECORRUPT is returned, unless SSPR_UPDATE_REPLACE_CORRUPT
 * is given (only 'sspr-admin revoke USER', which removes the whole record).
 * A record written back gets updated_at = now, unless SSPR_UPDATE_KEEP_TIME
 * is given (migration copies a record with the time it was last changed). */
#define SSPR_UPDATE_REPLACE_CORRUPT 1u
#define SSPR_UPDATE_KEEP_TIME 2u
int sspr_store_update(struct sspr_store *store, const char *user, unsigned flags,
		      sspr_store_update_fn fn, void *ctx, struct sspr_error *err);

/* Appends one event in its own transaction. */
int sspr_store_append_event(struct sspr_store *store, const struct sspr_event *ev,
			    struct sspr_error *err);

/* Commits a write that costs what a user update costs (one transaction,
 * its sync) and changes nothing a reader sees (a fixed "decoy" meta key),
 * so that refusing a stranger takes as long as refusing a user. */
int sspr_store_decoy_write(struct sspr_store *store, struct sspr_error *err);

/* An observer called after each event this process commits, whatever the
 * backend. The tools set one that copies events to syslog (event_log.h);
 * the module reports its outcomes through pam_syslog itself and sets none.
 * Process-wide on purpose: the tools open the store in many places, and
 * an event must never be committed without its log line. */
typedef void (*sspr_store_event_observer)(const struct sspr_event *ev);
void sspr_store_observe_events(sspr_store_event_observer fn);

/* Calls fn for every user in name order. decode_status is SSPR_OK or
 * SSPR_ECORRUPT (rec then wiped). A non-zero return from fn stops the walk
 * and is returned. */
typedef int (*sspr_store_user_fn)(const char *user, const struct sspr_record *rec,
				  int decode_status, void *ctx);
int sspr_store_foreach_user(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			    struct sspr_error *err);

/* Calls fn for every event with time >= since, oldest first; corrupt events
 * are passed with decode_status SSPR_ECORRUPT. */
typedef int (*sspr_store_event_fn)(const struct sspr_event *ev, int decode_status, void *ctx);
int sspr_store_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			     void *ctx, struct sspr_error *err);

/* Deletes every event older than `before` (event_retention_days);
 * *removed gets how many. The LMDB store also prunes a few at every event
 * it appends (store_config.event_retention_days), so it stays bounded
 * without this; the directory needs it run (sspr-admin prune). */
int sspr_store_prune_events(struct sspr_store *store, int64_t before, unsigned long *removed,
			    struct sspr_error *err);

#endif
