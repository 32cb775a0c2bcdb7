/* SPDX-License-Identifier: BSD-2-Clause */
/* The store's public calls: pick the backend at open, then go through its
 * table. Done here once for every backend: stamping updated_at on each
 * record written (migration uses it to tell newer from older), reporting
 * each committed event to the process's observer, and loading the
 * directory backend, which is a shared object of its own. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "plugin.h"
#include "store_backend.h"

static sspr_store_event_observer observer;

void sspr_store_observe_events(sspr_store_event_observer fn)
{
	observer = fn;
}

static void event_committed(const struct sspr_event *ev)
{
	if (observer != NULL && ev->action[0] != '\0')
		observer(ev);
}

/* Opens the directory store through its backend, checked against this
 * build. */
static int open_directory(const struct sspr_store_config *cfg, unsigned flags,
			  struct sspr_store **out, struct sspr_error *err)
{
	static const struct sspr_plugin_kind kind = {
	    .what = "the directory store backend",
	    .missing_hint = "store_backend = ldap needs it installed",
	};
	const struct sspr_store_backend_entry *entry;
	void *sym = NULL;
	int r;

	r = sspr_plugin_load(SSPR_PLUGIN_DIR "/" SSPR_LDAP_BACKEND_FILE, SSPR_LDAP_BACKEND_SYMBOL,
			     &kind, &sym, err);
	if (r != SSPR_OK)
		return r;
	entry = sym;
	if (entry->abi != SSPR_STORE_BACKEND_ABI || entry->version == NULL ||
	    strcmp(entry->version, SSPR_VERSION) != 0 || entry->open == NULL)
		return sspr_error_set(err, SSPR_ERR,
				      "%s/%s: not the directory store backend of pam_sspr %s",
				      SSPR_PLUGIN_DIR, SSPR_LDAP_BACKEND_FILE, SSPR_VERSION);
	return entry->open(cfg, flags, out, err);
}

int sspr_store_open(const struct sspr_store_config *cfg, unsigned flags,
		    struct sspr_store **out, struct sspr_error *err)
{
	*out = NULL;
	switch (cfg->backend) {
	case SSPR_BACKEND_LMDB:
		return sspr_store_lmdb_open(cfg->dir, flags, cfg, out, err);
	case SSPR_BACKEND_LDAP:
		return open_directory(cfg, flags, out, err);
	}
	return sspr_error_set(err, SSPR_EINVAL, "unknown store backend %d", (int)cfg->backend);
}

int sspr_store_open_lmdb(const char *dir, unsigned flags, struct sspr_store **out,
			 struct sspr_error *err)
{
	return sspr_store_lmdb_open(dir, flags, NULL, out, err);
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

struct wrapped_update {
	sspr_store_update_fn fn;
	void *ctx;
	bool keep_time;
	struct sspr_event ev[SSPR_UPDATE_EVENTS]; /* of the last run, which is the one committed */
};

/* Runs the caller's function, stamps what it chose to write and keeps its
 * event for the observer. Runs as often as the backend runs it, and so
 * stays free of side effects too. */
static int wrap_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct wrapped_update *wu = ctx;
	int r = wu->fn(rec, exists, ev, wu->ctx);

	if (r == SSPR_OK && !wu->keep_time)
		rec->updated_at = (int64_t)time(NULL);
	memcpy(wu->ev, ev, sizeof(wu->ev));
	return r;
}

int sspr_store_update(struct sspr_store *store, const char *user, unsigned flags,
		      sspr_store_update_fn fn, void *ctx, struct sspr_error *err)
{
	struct wrapped_update wu = {.fn = fn, .ctx = ctx};
	int r;

	wu.keep_time = (flags & SSPR_UPDATE_KEEP_TIME) != 0;
	r = store->ops->update(store, user, flags & ~SSPR_UPDATE_KEEP_TIME, wrap_update, &wu,
			       err);
	for (int i = 0; r >= 0 && i < SSPR_UPDATE_EVENTS; i++)
		event_committed(&wu.ev[i]);
	return r;
}

int sspr_store_append_event(struct sspr_store *store, const struct sspr_event *ev,
			    struct sspr_error *err)
{
	int r = store->ops->append_event(store, ev, err);

	if (r == SSPR_OK)
		event_committed(ev);
	return r;
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

int sspr_store_prune_events(struct sspr_store *store, int64_t before, unsigned long *removed,
			    struct sspr_error *err)
{
	*removed = 0;
	return store->ops->prune_events(store, before, removed, err);
}

int sspr_store_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			     void *ctx, struct sspr_error *err)
{
	return store->ops->foreach_event(store, since, fn, ctx, err);
}
