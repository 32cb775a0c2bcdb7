/* For store backends only: the table of operations every backend fills in,
 * and the opening function of each. store.c dispatches the public calls of
 * store.h through it, and stamps updated_at, so no backend repeats that. */
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
};

/* Every backend's handle starts with this, so store.c can find the table. */
struct sspr_store {
	const struct sspr_store_ops *ops;
};

int sspr_store_lmdb_open(const char *dir, unsigned flags, struct sspr_store **out,
			 struct sspr_error *err);
int sspr_store_ldap_open(const struct sspr_store_config *cfg, unsigned flags,
			 struct sspr_store **out, struct sspr_error *err);

#endif
