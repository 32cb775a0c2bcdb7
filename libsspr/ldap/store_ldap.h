/* SPDX-License-Identifier: BSD-2-Clause */
/* For the directory backend only: its handle and the helpers its files
 * share (store_ldap.c: open, read, write; store_ldap_walk.c: the walks). */
#ifndef SSPR_STORE_LDAP_H
#define SSPR_STORE_LDAP_H

#include <stdbool.h>
#include <sys/time.h>

#include <ldap.h>

#include "store_backend.h"

#define SSPR_LDAP_DN_MAX 2048
#define SSPR_LDAP_BASE_MAX 1024

struct ldap_store {
	struct sspr_store base; /* first: store.c sees only this */
	LDAP *ld;
	bool readonly;
	struct timeval limit; /* ldap_timeout, for every operation */
	char base_dn[SSPR_LDAP_BASE_MAX + 1];
	char users_dn[SSPR_LDAP_BASE_MAX + 16];
	char events_dn[SSPR_LDAP_BASE_MAX + 16];
};

/* Sets err from an LDAP result code: "BASE: what: why". */
int sspr_ldap_fail(struct ldap_store *st, int rc, const char *what, struct sspr_error *err);

/* Calls each for every entry of a one-level search under base, a page at a
 * time so no size limit cuts the walk short. A non-zero return from each
 * stops the walk and is returned. */
typedef int (*sspr_ldap_entry_fn)(LDAP *ld, LDAPMessage *entry, void *ctx);
int sspr_ldap_paged_search(struct ldap_store *st, const char *base, const char *filter,
			   const char *const *attrs, sspr_ldap_entry_fn each, void *ctx,
			   struct sspr_error *err);

/* Reads the attributes of an ssprAccount entry and decodes them (see
 * sspr_ldap_entry_decode); the raw ssprRevision value, if any, goes to
 * rev (cap bytes, NUL-terminated). Returns the decode status. */
int sspr_ldap_decode_entry(LDAP *ld, LDAPMessage *entry, struct sspr_record *rec,
			   uint64_t *revision, char *rev, size_t cap);

int sspr_ldap_foreach_user(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			   struct sspr_error *err);
int sspr_ldap_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			    void *ctx, struct sspr_error *err);
int sspr_ldap_prune_events(struct sspr_store *store, int64_t before, unsigned long *removed,
			   struct sspr_error *err);

#endif
