/* SPDX-License-Identifier: BSD-2-Clause */
/* The directory backend's walks: every user in name order, every event
 * since a time, oldest first. Searches are paged, so a directory's size
 * limit never cuts a walk short, and memory stays bounded by what must be
 * sorted: user names (then records a chunk at a time), event bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "store_ldap.h"
#include "store_ldap_conn.h"
#include "store_ldap_entry.h"
#include "util.h"

#define PAGE_SIZE 500
#define CHUNK_NAMES 200
#define FILTER_MAX (CHUNK_NAMES * (SSPR_USER_MAX * 3 + 16) + 8)
#define NAMES_MAX 10000000

int sspr_ldap_paged_search(struct ldap_store *st, const char *base, const char *filter,
			   const char *const *attrs, sspr_ldap_entry_fn each, void *ctx,
			   struct sspr_error *err)
{
	struct berval cookie = {0, NULL};
	int r = SSPR_OK;

	do {
		LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL}, **res_ctrls = NULL, *pr;
		LDAPMessage *res = NULL;
		struct timeval tv = st->limit;
		struct berval next = {0, NULL};
		ber_int_t estimate;
		int rc, result = LDAP_SUCCESS;

		rc = ldap_create_page_control(st->ld, PAGE_SIZE, &cookie, 1, &page);
		if (rc == LDAP_SUCCESS) {
			ctrls[0] = page;
			rc = ldap_search_ext_s(st->ld, base, LDAP_SCOPE_ONELEVEL, filter,
					       (char **)attrs, 0, ctrls, NULL, &tv, 0, &res);
		}
		if (page != NULL)
			ldap_control_free(page);
		if (rc != LDAP_SUCCESS) {
			r = sspr_ldap_fail(st, rc, "cannot search", err);
		} else {
			for (LDAPMessage *e = ldap_first_entry(st->ld, res); e != NULL && r == 0;
			     e = ldap_next_entry(st->ld, e))
				r = each(st->ld, e, ctx);
			rc = ldap_parse_result(st->ld, res, &result, NULL, NULL, NULL, &res_ctrls,
					       0);
			if (r == 0 && (rc != LDAP_SUCCESS || result != LDAP_SUCCESS))
				r = sspr_ldap_fail(st, rc != LDAP_SUCCESS ? rc : result,
						   "cannot search", err);
		}
		pr = res_ctrls ? ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, res_ctrls, NULL) : NULL;
		if (r == 0 && pr != NULL &&
		    ldap_parse_pageresponse_control(st->ld, pr, &estimate, &next) != LDAP_SUCCESS)
			r = sspr_ldap_fail(st, LDAP_DECODING_ERROR, "cannot page", err);
		ldap_controls_free(res_ctrls);
		if (res != NULL)
			ldap_msgfree(res);
		ber_memfree(cookie.bv_val);
		cookie = next;
		if (r == 0 && pr == NULL)
			break; /* no paging answer: that was everything */
	} while (r == 0 && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return r;
}

/* ---- users ---- */

struct names {
	char **v;
	size_t n, cap;
};

static int collect_name(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct names *nm = ctx;
	struct berval **vals = ldap_get_values_len(ld, e, "ssprUser");
	char name[SSPR_USER_MAX + 1];
	int r = 0;

	/* Not a name we could have written: skip it, as LMDB skips a key
	 * that is not one. */
	if (vals == NULL || vals[0] == NULL || vals[1] != NULL || vals[0]->bv_len == 0 ||
	    vals[0]->bv_len > SSPR_USER_MAX)
		goto out;
	memcpy(name, vals[0]->bv_val, vals[0]->bv_len);
	name[vals[0]->bv_len] = '\0';
	if (!sspr_user_name_valid(name))
		goto out;
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 256;
		char **v = cap <= NAMES_MAX ? realloc(nm->v, cap * sizeof(*v)) : NULL;

		if (v == NULL) {
			r = SSPR_ENOMEM;
			goto out;
		}
		nm->v = v;
		nm->cap = cap;
	}
	if ((nm->v[nm->n] = strdup(name)) == NULL)
		r = SSPR_ENOMEM;
	else
		nm->n++;
out:
	ber_bvecfree(vals);
	return r;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One chunk of users, read with one search and handed out in order. */
struct chunk {
	char **names;
	size_t n;
	struct sspr_record *recs;
	int *status; /* SSPR_ENOENT until the entry is seen */
};

static int collect_record(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct chunk *c = ctx;
	struct berval **vals = ldap_get_values_len(ld, e, "ssprUser");
	char name[SSPR_USER_MAX + 1], rev[24], *key = name, **hit;
	uint64_t revision;

	if (vals != NULL && vals[0] != NULL && vals[1] == NULL && vals[0]->bv_len > 0 &&
	    vals[0]->bv_len <= SSPR_USER_MAX) {
		/* A value with a NUL in it matches no listed name. */
		snprintf(name, sizeof(name), "%.*s", (int)vals[0]->bv_len, vals[0]->bv_val);
		hit = bsearch(&key, c->names, c->n, sizeof(*c->names), cmp_name);
		if (hit != NULL) {
			size_t i = (size_t)(hit - c->names);

			c->status[i] = sspr_ldap_decode_entry(ld, e, &c->recs[i], &revision, rev,
							      sizeof(rev));
		}
	}
	ber_bvecfree(vals);
	return 0;
}

static int walk_chunk(struct ldap_store *st, struct chunk *c, char *filter,
		      sspr_store_user_fn fn, void *ctx, struct sspr_error *err)
{
	size_t o;
	int r;

	o = (size_t)snprintf(filter, FILTER_MAX, "(|");
	for (size_t i = 0; i < c->n; i++) {
		char esc[SSPR_USER_MAX * 3 + 1];

		if (sspr_ldap_escape(c->names[i], esc, sizeof(esc)) != SSPR_OK)
			return sspr_error_set(err, SSPR_EINVAL, "invalid user name");
		o += (size_t)snprintf(filter + o, FILTER_MAX - o, "(ssprUser=%s)", esc);
		c->status[i] = SSPR_ENOENT;
	}
	snprintf(filter + o, FILTER_MAX - o, ")");
	r = sspr_ldap_paged_search(st, st->users_dn, filter, sspr_ldap_account_attrs,
				   collect_record, c, err);
	for (size_t i = 0; i < c->n && r == 0; i++)
		if (c->status[i] != SSPR_ENOENT) /* gone since the names were read */
			r = fn(c->names[i], &c->recs[i], c->status[i], ctx);
	sodium_memzero(c->recs, sizeof(*c->recs) * CHUNK_NAMES);
	return r;
}

int sspr_ldap_foreach_user(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			   struct sspr_error *err)
{
	static const char *const name_attr[] = {"ssprUser", NULL};
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	struct names nm = {0};
	struct chunk c = {0};
	char *filter = malloc(FILTER_MAX);
	int r;

	c.recs = calloc(CHUNK_NAMES, sizeof(*c.recs));
	c.status = calloc(CHUNK_NAMES, sizeof(*c.status));
	if (filter == NULL || c.recs == NULL || c.status == NULL) {
		r = sspr_error_set(err, SSPR_ENOMEM, "out of memory");
		goto out;
	}
	sspr_ldap_sigpipe_block(&guard);
	/* Names first (small), sorted here: LDAP returns entries in no
	 * order, and server-side sorting is an overlay few servers load.
	 * Every entry named for a user counts, whatever its classes, so that
	 * the walk and sspr_store_get agree on what is there (a damaged entry
	 * is listed as corrupt, not skipped). */
	r = sspr_ldap_paged_search(st, st->users_dn, "(ssprUser=*)", name_attr,
				   collect_name, &nm, err);
	if (r == SSPR_ENOMEM)
		sspr_error_set(err, r, "out of memory");
	if (r == 0 && nm.n > 0)
		qsort(nm.v, nm.n, sizeof(*nm.v), cmp_name);
	for (size_t i = 0; r == 0 && i < nm.n; i += CHUNK_NAMES) {
		c.names = nm.v + i;
		c.n = nm.n - i < CHUNK_NAMES ? nm.n - i : CHUNK_NAMES;
		r = walk_chunk(st, &c, filter, fn, ctx, err);
	}
	sspr_ldap_sigpipe_restore(&guard);
out:
	for (size_t i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	if (c.recs != NULL)
		sodium_memzero(c.recs, sizeof(*c.recs) * CHUNK_NAMES);
	free(c.recs);
	free(c.status);
	free(filter);
	return r;
}

/* ---- events ---- */

struct stored_event {
	int64_t time;
	char id[33];
	size_t len;
	uint8_t *data;
};

struct events {
	struct stored_event *v;
	size_t n, cap;
};

static int collect_event(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct events *evs = ctx;
	struct berval **id = ldap_get_values_len(ld, e, "ssprEventId");
	struct berval **t = ldap_get_values_len(ld, e, "ssprEventTime");
	struct berval **d = ldap_get_values_len(ld, e, "ssprEventData");
	struct stored_event *se;
	int r = 0;

	if (evs->n == evs->cap) {
		size_t cap = evs->cap ? evs->cap * 2 : 256;
		struct stored_event *v = cap <= NAMES_MAX ? realloc(evs->v, cap * sizeof(*v)) : NULL;

		if (v == NULL) {
			r = SSPR_ENOMEM;
			goto out;
		}
		evs->v = v;
		evs->cap = cap;
	}
	se = &evs->v[evs->n];
	memset(se, 0, sizeof(*se));
	/* A malformed entry still counts: it is passed on as corrupt. */
	if (t == NULL || t[0] == NULL || !sspr_ldap_parse_int(t[0], INT64_MIN, INT64_MAX, &se->time))
		se->time = INT64_MIN;
	if (id != NULL && id[0] != NULL)
		snprintf(se->id, sizeof(se->id), "%.*s",
			 (int)(id[0]->bv_len < 32 ? id[0]->bv_len : 32), id[0]->bv_val);
	if (d != NULL && d[0] != NULL && d[0]->bv_len <= SSPR_EVENT_ENCODED_MAX &&
	    d[0]->bv_len > 0) {
		se->data = malloc(d[0]->bv_len);
		if (se->data == NULL) {
			r = SSPR_ENOMEM;
			goto out;
		}
		memcpy(se->data, d[0]->bv_val, d[0]->bv_len);
		se->len = d[0]->bv_len;
	}
	evs->n++;
out:
	ber_bvecfree(id);
	ber_bvecfree(t);
	ber_bvecfree(d);
	return r;
}

static int cmp_event(const void *a, const void *b)
{
	const struct stored_event *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->id, y->id);
}

int sspr_ldap_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			    void *ctx, struct sspr_error *err)
{
	static const char *const attrs[] = {"ssprEventId", "ssprEventTime", "ssprEventData", NULL};
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	struct events evs = {0};
	struct sspr_event ev;
	char filter[96];
	int r;

	snprintf(filter, sizeof(filter), "(&(objectClass=ssprEvent)(ssprEventTime>=%" PRId64 "))",
		 since);
	sspr_ldap_sigpipe_block(&guard);
	r = sspr_ldap_paged_search(st, st->events_dn, filter, attrs, collect_event, &evs, err);
	sspr_ldap_sigpipe_restore(&guard);
	if (r == SSPR_ENOMEM)
		sspr_error_set(err, r, "out of memory");
	if (r == 0 && evs.n > 0)
		qsort(evs.v, evs.n, sizeof(*evs.v), cmp_event);
	for (size_t i = 0; r == 0 && i < evs.n; i++) {
		int status = evs.v[i].data != NULL
				     ? sspr_event_decode(evs.v[i].data, evs.v[i].len, &ev)
				     : SSPR_ECORRUPT;

		if (status != SSPR_OK)
			memset(&ev, 0, sizeof(ev));
		r = fn(&ev, status, ctx);
	}
	for (size_t i = 0; i < evs.n; i++)
		free(evs.v[i].data);
	free(evs.v);
	return r;
}

/* DNs of events to delete, collected by one search. */
struct old_events {
	char **dn;
	size_t n, cap;
};

#define PRUNE_ROUND 10000 /* events deleted per search */

static int collect_dn(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct old_events *old = ctx;
	char *dn;

	if (old->n == PRUNE_ROUND)
		return 0; /* the next round finds the rest */
	if (old->n == old->cap) {
		size_t cap = old->cap ? old->cap * 2 : 256;
		char **v = realloc(old->dn, cap * sizeof(*v));

		if (v == NULL)
			return SSPR_ENOMEM;
		old->dn = v;
		old->cap = cap;
	}
	dn = ldap_get_dn(ld, e);
	if (dn == NULL)
		return 0;
	old->dn[old->n] = strdup(dn);
	ldap_memfree(dn);
	if (old->dn[old->n] == NULL)
		return SSPR_ENOMEM;
	old->n++;
	return 0;
}

int sspr_ldap_prune_events(struct sspr_store *store, int64_t before, unsigned long *removed,
			   struct sspr_error *err)
{
	static const char *const attrs[] = {"1.1", NULL}; /* no attributes: the DN is enough */
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	char filter[96];
	size_t found;
	int r = SSPR_OK;

	snprintf(filter, sizeof(filter),
		 "(&(objectClass=ssprEvent)(!(ssprEventTime>=%" PRId64 ")))", before);
	sspr_ldap_sigpipe_block(&guard);
	do {
		struct old_events old = {0};

		r = sspr_ldap_paged_search(st, st->events_dn, filter, attrs, collect_dn, &old, err);
		if (r == SSPR_ENOMEM)
			sspr_error_set(err, r, "out of memory");
		for (size_t i = 0; r == SSPR_OK && i < old.n; i++) {
			int rc = ldap_delete_ext_s(st->ld, old.dn[i], NULL, NULL);

			/* Another host's prune got there first: as good. */
			if (rc == LDAP_SUCCESS)
				(*removed)++;
			else if (rc != LDAP_NO_SUCH_OBJECT)
				r = sspr_ldap_fail(st, rc, "cannot delete an old event", err);
		}
		found = old.n;
		for (size_t i = 0; i < old.n; i++)
			free(old.dn[i]);
		free(old.dn);
	} while (r == SSPR_OK && found == PRUNE_ROUND);
	sspr_ldap_sigpipe_restore(&guard);
	return r;
}
