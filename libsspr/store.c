/* The store's public calls: pick the backend at open, then go through its
 * table. The one thing done here for every backend is stamping updated_at
 * on each record written, which migration uses to tell newer from older. */
#include <stddef.h>
#include <time.h>

#include "store_backend.h"

int sspr_store_open(const struct sspr_store_config *cfg, unsigned flags, struct sspr_store **out,
		    struct sspr_error *err)
{
	*out = NULL;
	switch (cfg->backend) {
	case SSPR_BACKEND_LMDB:
		return sspr_store_lmdb_open(cfg->dir, flags, out, err);
	case SSPR_BACKEND_LDAP:
		return sspr_store_ldap_open(cfg, flags, out, err);
	}
	return sspr_error_set(err, SSPR_EINVAL, "unknown store backend %d", (int)cfg->backend);
}

int sspr_store_open_lmdb(const char *dir, unsigned flags, struct sspr_store **out,
			 struct sspr_error *err)
{
	return sspr_store_lmdb_open(dir, flags, out, err);
}

enum sspr_store_backend sspr_store_backend_of(const struct sspr_store *store)
{
	return store->ops->backend;
}

void sspr_store_close(struct sspr_store *store)
{
	if (store != NULL)
		store->ops->close(store);
}

int sspr_store_get(struct sspr_store *store, const char *user, struct sspr_record *rec,
		   struct sspr_error *err)
{
	return store->ops->get(store, user, rec, err);
}

struct stamped_update {
	sspr_store_update_fn fn;
	void *ctx;
};

/* Runs the caller's function and stamps what it chose to write. Runs as
 * often as the backend runs it, and so stays free of side effects too. */
static int stamp_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct stamped_update *su = ctx;
	int r = su->fn(rec, exists, ev, su->ctx);

	if (r == SSPR_OK)
		rec->updated_at = (int64_t)time(NULL);
	return r;
}

int sspr_store_update(struct sspr_store *store, const char *user, unsigned flags,
		      sspr_store_update_fn fn, void *ctx, struct sspr_error *err)
{
	struct stamped_update su = {fn, ctx};

	if (flags & SSPR_UPDATE_KEEP_TIME)
		return store->ops->update(store, user, flags & ~SSPR_UPDATE_KEEP_TIME, fn, ctx,
					  err);
	return store->ops->update(store, user, flags, stamp_update, &su, err);
}

int sspr_store_append_event(struct sspr_store *store, const struct sspr_event *ev,
			    struct sspr_error *err)
{
	return store->ops->append_event(store, ev, err);
}

int sspr_store_decoy_write(struct sspr_store *store, struct sspr_error *err)
{
	return store->ops->decoy_write(store, err);
}

int sspr_store_foreach_user(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			    struct sspr_error *err)
{
	return store->ops->foreach_user(store, fn, ctx, err);
}

int sspr_store_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			     void *ctx, struct sspr_error *err)
{
	return store->ops->foreach_event(store, since, fn, ctx, err);
}
