/* SPDX-License-Identifier: BSD-2-Clause */
/* For store backends only: the table of operations every backend fills in,
 * and the opening function of each. store.c dispatches the public calls of
 * store.h through it, stamps updated_at and reports committed events to the
 * observer, so no backend repeats that. */
#ifndef SSPR_STORE_BACKEND_H
#define SSPR_STORE_BACKEND_H

#include "store.h"

struct sspr_store_ops {
	enum sspr_store_backend backend;
	void (*close)(struct sspr_store *store);
	int (*get)(struct sspr_store *store, const char *user, struct sspr_record *rec,
		   struct sspr_error *err);
	/* Same contract as sspr_store_update; flags never hold
	 * SSPR_UPDATE_KEEP_TIME (store.c handles it). */
	int (*update)(struct sspr_store *store, const char *user, unsigned flags,
		      sspr_store_update_fn fn, void *ctx, struct sspr_error *err);
	int (*append_event)(struct sspr_store *store, const struct sspr_event *ev,
			    struct sspr_error *err);
	int (*decoy_write)(struct sspr_store *store, struct sspr_error *err);
	int (*foreach_user)(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			    struct sspr_error *err);
	int (*foreach_event)(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			     void *ctx, struct sspr_error *err);
	int (*prune_events)(struct sspr_store *store, int64_t before, unsigned long *removed,
			    struct sspr_error *err);
};

/* Every backend's handle starts with this, so store.c can find the table. */
struct sspr_store {
	const struct sspr_store_ops *ops;
};

/* cfg: store_wait_ms and event_retention_days (NULL: the defaults). */
int sspr_store_lmdb_open(const char *dir, unsigned flags, const struct sspr_store_config *cfg,
			 struct sspr_store **out, struct sspr_error *err);
int sspr_store_ldap_open(const struct sspr_store_config *cfg, unsigned flags,
			 struct sspr_store **out, struct sspr_error *err);

/* The directory backend is a shared object of its own, SSPR_PLUGIN_DIR/
 * SSPR_LDAP_BACKEND_FILE, loaded (store.c, with plugin.h's checks) only
 * when a policy names it: linked into the module, libldap and its TLS and SASL libraries would be
 * mapped into every login on every host, LMDB ones included, and cost each
 * of them milliseconds (BENCHMARKS.md). It exports one table, checked
 * against this build before use. */
#define SSPR_LDAP_BACKEND_FILE "sspr_store_ldap.so"
#define SSPR_LDAP_BACKEND_SYMBOL "sspr_store_ldap_backend"
#define SSPR_STORE_BACKEND_ABI 2 /* 2: prune_events */

struct sspr_store_backend_entry {
	unsigned abi;        /* SSPR_STORE_BACKEND_ABI of the build it came from */
	const char *version; /* SSPR_VERSION of that build */
	int (*open)(const struct sspr_store_config *cfg, unsigned flags, struct sspr_store **out,
		    struct sspr_error *err);
};

#endif
