/* SPDX-License-Identifier: BSD-2-Clause */
/* The directory store backend: open (and init) the subtree, read a user,
 * change one optimistically, append events, decoy writes. The walks over
 * users and events are in store_ldap_walk.c, the connection in
 * store_ldap_conn.c, the record mapping in store_ldap_entry.c.
 *
 * No locks: every account entry carries ssprRevision, and a write is one
 * modify that deletes the revision it read and adds the next one, so of
 * two writers that read the same revision exactly one succeeds and the
 * other reads again (a delete asserts the revision instead). Events are
 * entries of their own, added after the record (LDAP has no transaction
 * across entries). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "store_ldap.h"
#include "store_ldap_conn.h"
#include "store_ldap_entry.h"
#include "util.h"

/* Enough that a writer among many hosts racing on one user does not give
 * up: the backoff below makes 32 attempts last at most about 1.5 s. */
#define UPDATE_ATTEMPTS 32
#define EVENT_ATTEMPTS 4
#define EVENT_ID_LEN 32 /* hex digits: 16 of time, 16 of the rest */
#define STORE_FORMAT "1"
#define ATTRS_MAX 40
#define REVISION_MAX 24

static const struct sspr_store_ops ldap_ops;

int sspr_ldap_fail(struct ldap_store *st, int rc, const char *what, struct sspr_error *err)
{
	char why[256];

	return sspr_error_set(err, sspr_ldap_status(rc), "%s: %s: %s", st->base_dn, what,
			      sspr_ldap_why(st->ld, rc, why, sizeof(why)));
}

/* A value copied out of the directory may hold secret bytes: wipe it
 * before liblber frees it. */
static void free_values(struct berval **vals)
{
	for (size_t i = 0; vals != NULL && vals[i] != NULL; i++)
		if (vals[i]->bv_val != NULL)
			sodium_memzero(vals[i]->bv_val, vals[i]->bv_len);
	ber_bvecfree(vals);
}

int sspr_ldap_decode_entry(LDAP *ld, LDAPMessage *entry, struct sspr_record *rec,
			   uint64_t *revision, char *rev, size_t cap)
{
	struct sspr_ldap_attr attrs[ATTRS_MAX];
	BerElement *ber = NULL;
	size_t n = 0;
	int r = SSPR_ECORRUPT;

	rev[0] = '\0';
	*revision = 0;
	for (char *a = ldap_first_attribute(ld, entry, &ber); a != NULL;
	     a = ldap_next_attribute(ld, entry, ber)) {
		if (n == ATTRS_MAX) {
			ldap_memfree(a);
			goto out;
		}
		attrs[n].name = a;
		attrs[n].vals = ldap_get_values_len(ld, entry, a);
		if (sspr_ascii_casecmp(a, "ssprRevision") == 0 && attrs[n].vals != NULL &&
		    attrs[n].vals[0] != NULL && attrs[n].vals[0]->bv_len < cap) {
			memcpy(rev, attrs[n].vals[0]->bv_val, attrs[n].vals[0]->bv_len);
			rev[attrs[n].vals[0]->bv_len] = '\0';
		}
		n++;
	}
	r = sspr_ldap_entry_decode(attrs, n, rec, revision);
out:
	for (size_t i = 0; i < n; i++) {
		free_values(attrs[i].vals);
		ldap_memfree((char *)attrs[i].name);
	}
	if (ber != NULL)
		ber_free(ber, 0);
	if (r != SSPR_OK)
		sspr_record_wipe(rec);
	return r;
}

static int user_dn(struct ldap_store *st, const char *user, char *dn, size_t cap,
		   struct sspr_error *err)
{
	char esc[SSPR_USER_MAX * 3 + 1];

	if (!sspr_user_name_valid(user) || sspr_ldap_escape(user, esc, sizeof(esc)) != SSPR_OK)
		return sspr_error_set(err, SSPR_EINVAL, "invalid user name");
	if ((size_t)snprintf(dn, cap, "ssprUser=%s,%s", esc, st->users_dn) >= cap)
		return sspr_error_set(err, SSPR_EINVAL, "user DN is too long");
	return SSPR_OK;
}

/* Reads the account entry at dn. *found says whether it is there;
 * *decoded is the decode status when it is. */
static int read_account(struct ldap_store *st, const char *dn, struct sspr_record *rec,
			bool *found, int *decoded, uint64_t *revision, char *rev, size_t cap,
			struct sspr_error *err)
{
	LDAPMessage *res = NULL, *e;
	struct timeval tv = st->limit;
	int rc, r = SSPR_OK;

	*found = false;
	*decoded = SSPR_ENOENT;
	sspr_record_init(rec);
	rc = ldap_search_ext_s(st->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
			       (char **)sspr_ldap_account_attrs, 0, NULL, NULL, &tv, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT)
		goto out;
	if (rc != LDAP_SUCCESS) {
		r = sspr_ldap_fail(st, rc, "cannot read record", err);
		goto out;
	}
	e = ldap_first_entry(st->ld, res);
	if (e == NULL)
		goto out;
	*found = true;
	*decoded = sspr_ldap_decode_entry(st->ld, e, rec, revision, rev, cap);
out:
	if (res != NULL)
		ldap_msgfree(res);
	return r;
}

static int ldap_get(struct sspr_store *store, const char *user, struct sspr_record *rec,
		    struct sspr_error *err)
{
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	char dn[SSPR_LDAP_DN_MAX], rev[REVISION_MAX];
	uint64_t revision;
	bool found;
	int r, decoded;

	sspr_record_init(rec);
	if ((r = user_dn(st, user, dn, sizeof(dn), err)) != SSPR_OK)
		return r;
	sspr_ldap_sigpipe_block(&guard);
	r = read_account(st, dn, rec, &found, &decoded, &revision, rev, sizeof(rev), err);
	sspr_ldap_sigpipe_restore(&guard);
	if (r != SSPR_OK)
		return r;
	if (!found)
		return SSPR_ENOENT;
	if (decoded != SSPR_OK)
		return sspr_error_set(err, decoded, "%s: record of %s is corrupt", st->base_dn,
				      user);
	return SSPR_OK;
}

static bool is_conflict(int rc)
{
	return rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_NO_SUCH_OBJECT ||
	       rc == LDAP_ALREADY_EXISTS || rc == LDAP_ASSERTION_FAILED;
}

/* Deletes dn only while its revision is still the one read. An entry
 * without a usable revision (corrupt, being replaced on purpose: see
 * update_until_committed) has nothing to assert, and goes unconditionally. */
static int delete_at_revision(struct ldap_store *st, const char *dn, uint64_t revision)
{
	char filter[64];
	LDAPControl *assert = NULL, *ctrls[2] = {NULL, NULL};
	int rc;

	if (revision == 0)
		return ldap_delete_ext_s(st->ld, dn, NULL, NULL);
	snprintf(filter, sizeof(filter), "(ssprRevision=%" PRIu64 ")", revision);
	rc = ldap_create_assertion_control(st->ld, filter, 1, &assert);
	if (rc != LDAP_SUCCESS)
		return rc;
	ctrls[0] = assert;
	rc = ldap_delete_ext_s(st->ld, dn, ctrls, NULL);
	ldap_control_free(assert);
	return rc;
}

/* Writes rec at dn: an add when there was no entry, else the modify that
 * moves the revision on. An entry with no usable revision (a corrupt one
 * an admin replaces, which may not even be an ssprAccount) is deleted and
 * added afresh; an add that then finds an entry again is a conflict like
 * any other. *rc gets the server's answer; the return value is SSPR_OK or
 * why the record could not be mapped. */
static int write_account(struct ldap_store *st, const char *dn, const char *user,
			 const struct sspr_record *rec, bool found, unsigned had,
			 uint64_t revision, const char *rev, int *rc, struct sspr_error *err)
{
	struct sspr_ldap_mods *m = malloc(sizeof(*m));
	struct berval old = {.bv_len = strlen(rev), .bv_val = (char *)rev};
	bool modify = found && revision != 0;
	int r;

	if (m == NULL)
		return sspr_error_set(err, SSPR_ENOMEM, "out of memory");
	r = sspr_ldap_mods_build(m, user, rec, modify ? &old : NULL, had,
				 modify ? revision + 1 : 1);
	if (r != SSPR_OK) {
		sspr_error_set(err, r, "cannot map record of %s", user);
		goto out;
	}
	if (modify) {
		*rc = ldap_modify_ext_s(st->ld, dn, m->list, NULL, NULL);
		goto out;
	}
	*rc = found ? ldap_delete_ext_s(st->ld, dn, NULL, NULL) : LDAP_SUCCESS;
	if (*rc == LDAP_SUCCESS || *rc == LDAP_NO_SUCH_OBJECT)
		*rc = ldap_add_ext_s(st->ld, dn, m->list, NULL, NULL);
out:
	sodium_memzero(m, sizeof(*m));
	free(m);
	return r;
}

/* "ssprEventId=<16 hex time><16 hex>,ou=events,B". The second half is the
 * microsecond within the event's second, then a counter of this process's
 * events, then 32 random bits: one host's events of one second keep their
 * order and hosts never collide. An event stamped in a second that has
 * already passed takes the last microsecond (everything it could be
 * confused with was stamped before it), and the counter orders those. */
static void event_id(const struct sspr_event *ev, char *id, size_t cap)
{
	static uint32_t counter;
	struct timespec ts;
	uint64_t micro, low;

	clock_gettime(CLOCK_REALTIME, &ts);
	if ((int64_t)ts.tv_sec == ev->time)
		micro = (uint64_t)ts.tv_nsec / 1000;
	else
		micro = (int64_t)ts.tv_sec > ev->time ? 999999 : 0;
	low = micro << 44 | (uint64_t)(counter++ & 0xfff) << 32 | randombytes_random();
	snprintf(id, cap, "%016" PRIx64 "%016" PRIx64, (uint64_t)ev->time, low);
}

/* Adds ev as its own entry. The id is random in part, so a clash (which
 * would take two hosts drawing the same 32 bits in one microsecond) is
 * retried with a new one. */
static int add_event(struct ldap_store *st, const struct sspr_event *ev, struct sspr_error *err)
{
	uint8_t data[SSPR_EVENT_ENCODED_MAX];
	char id[EVENT_ID_LEN + 1], when[24], dn[SSPR_LDAP_DN_MAX];
	size_t len = 0;
	int r, rc = LDAP_ALREADY_EXISTS;

	if ((r = sspr_event_encode(ev, data, sizeof(data), &len)) != SSPR_OK)
		return sspr_error_set(err, r, "cannot encode event");
	snprintf(when, sizeof(when), "%" PRId64, ev->time);
	{
		struct berval bv_class = {sizeof("ssprEvent") - 1, "ssprEvent"},
			      bv_id = {EVENT_ID_LEN, id}, bv_time = {strlen(when), when},
			      bv_data = {len, (char *)data};
		struct berval *v_class[] = {&bv_class, NULL}, *v_id[] = {&bv_id, NULL},
			      *v_time[] = {&bv_time, NULL}, *v_data[] = {&bv_data, NULL};
		LDAPMod m_class = {LDAP_MOD_ADD | LDAP_MOD_BVALUES, "objectClass",
				   {.modv_bvals = v_class}};
		LDAPMod m_id = {LDAP_MOD_ADD | LDAP_MOD_BVALUES, "ssprEventId", {.modv_bvals = v_id}};
		LDAPMod m_time = {LDAP_MOD_ADD | LDAP_MOD_BVALUES, "ssprEventTime",
				  {.modv_bvals = v_time}};
		LDAPMod m_data = {LDAP_MOD_ADD | LDAP_MOD_BVALUES, "ssprEventData",
				  {.modv_bvals = v_data}};
		LDAPMod *mods[] = {&m_class, &m_id, &m_time, &m_data, NULL};

		for (int i = 0; i < EVENT_ATTEMPTS && rc == LDAP_ALREADY_EXISTS; i++) {
			event_id(ev, id, sizeof(id));
			snprintf(dn, sizeof(dn), "ssprEventId=%s,%s", id, st->events_dn);
			rc = ldap_add_ext_s(st->ld, dn, mods, NULL, NULL);
		}
	}
	return rc == LDAP_SUCCESS ? SSPR_OK : sspr_ldap_fail(st, rc, "cannot append event", err);
}

/* 1-8 ms at first, so racing writers spread out instead of colliding
 * again; the range doubles every four attempts (up to 1-64 ms), because
 * under heavy contention a fixed range lets the writer that just won read
 * again first every time and starve the others (measured: 6 processes
 * updating one user, 1 in 3 runs had a writer lose 16 times in a row). */
static void backoff(int attempt)
{
	uint32_t range = 8u << (attempt / 4 < 3 ? attempt / 4 : 3);
	struct timespec ts = {0, (long)(1 + randombytes_uniform(range)) * 1000000L};

	nanosleep(&ts, NULL);
}

static int update_until_committed(struct ldap_store *st, const char *user, const char *dn,
				  unsigned flags, sspr_store_update_fn fn, void *ctx,
				  struct sspr_record *rec, struct sspr_error *err)
{
	char rev[REVISION_MAX];
	struct sspr_event ev[SSPR_UPDATE_EVENTS];
	uint64_t revision = 0;
	bool found, committed = false;
	int r, fr = SSPR_NOCHANGE, decoded, rc;

	for (int attempt = 0; attempt < UPDATE_ATTEMPTS && !committed; attempt++) {
		bool exists;
		unsigned had;

		if (attempt > 0)
			backoff(attempt - 1);
		r = read_account(st, dn, rec, &found, &decoded, &revision, rev, sizeof(rev), err);
		if (r != SSPR_OK)
			return r;
		exists = found && decoded == SSPR_OK;
		if (found && decoded != SSPR_OK) {
			if (!(flags & SSPR_UPDATE_REPLACE_CORRUPT))
				return sspr_error_set(err, SSPR_ECORRUPT,
						      "%s: record of %s is corrupt", st->base_dn,
						      user);
			sspr_record_init(rec);
		}
		had = sspr_ldap_had(rec);
		memset(ev, 0, sizeof(ev));
		fr = fn(rec, exists, ev, ctx);
		if (fr < 0)
			return fr;
		rc = LDAP_SUCCESS;
		r = SSPR_OK;
		if (fr == SSPR_OK)
			r = write_account(st, dn, user, rec, found, had, revision, rev, &rc, err);
		else if (fr == SSPR_DELETE && found)
			rc = delete_at_revision(st, dn, revision);
		sspr_record_wipe(rec);
		if (r != SSPR_OK)
			return r;
		if (rc == LDAP_SUCCESS)
			committed = true;
		else if (!is_conflict(rc))
			return sspr_ldap_fail(st, rc, "cannot write record", err);
	}
	if (!committed)
		return sspr_error_set(err, SSPR_EBUSY, "%s: record of %s: too many concurrent changes",
				      st->base_dn, user);
	/* The record is written: every event is tried, the first failure
	 * reported. */
	r = SSPR_OK;
	for (int i = 0; i < SSPR_UPDATE_EVENTS; i++) {
		struct sspr_error lost = {{0}};
		int e;

		if (ev[i].action[0] == '\0' || (e = add_event(st, &ev[i], &lost)) == SSPR_OK)
			continue;
		if (r == SSPR_OK) {
			r = e;
			*err = lost;
		}
	}
	return r != SSPR_OK ? r : fr;
}

static int ldap_update(struct sspr_store *store, const char *user, unsigned flags,
		       sspr_store_update_fn fn, void *ctx, struct sspr_error *err)
{
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	struct sspr_record *rec;
	char dn[SSPR_LDAP_DN_MAX];
	int r;

	if (st->readonly)
		return sspr_error_set(err, SSPR_EACCES, "%s: store opened read-only", st->base_dn);
	if ((r = user_dn(st, user, dn, sizeof(dn), err)) != SSPR_OK)
		return r;
	rec = malloc(sizeof(*rec));
	if (rec == NULL)
		return sspr_error_set(err, SSPR_ENOMEM, "out of memory");
	sspr_ldap_sigpipe_block(&guard);
	r = update_until_committed(st, user, dn, flags, fn, ctx, rec, err);
	sspr_ldap_sigpipe_restore(&guard);
	sspr_record_wipe(rec);
	free(rec);
	return r;
}

static int ldap_append_event(struct sspr_store *store, const struct sspr_event *ev,
			     struct sspr_error *err)
{
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	int r;

	if (st->readonly)
		return sspr_error_set(err, SSPR_EACCES, "%s: store opened read-only", st->base_dn);
	sspr_ldap_sigpipe_block(&guard);
	r = add_event(st, ev, err);
	sspr_ldap_sigpipe_restore(&guard);
	return r;
}

/* Reads the base entry: its format, and whether it is there. */
static int read_base(LDAP *ld, const char *base, const struct timeval *limit, bool *found,
		     char *format, size_t cap, int *rcp)
{
	static const char *const attrs[] = {"ssprFormat", NULL};
	struct timeval tv = *limit;
	LDAPMessage *res = NULL, *e;
	struct berval **vals = NULL;
	int rc;

	*found = false;
	format[0] = '\0';
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_BASE, "(objectClass=*)", (char **)attrs, 0,
			       NULL, NULL, &tv, 1, &res);
	if (rc == LDAP_SUCCESS && (e = ldap_first_entry(ld, res)) != NULL) {
		*found = true;
		vals = ldap_get_values_len(ld, e, "ssprFormat");
		if (vals != NULL && vals[0] != NULL)
			snprintf(format, cap, "%.*s", (int)(vals[0]->bv_len > 16 ? 16 : vals[0]->bv_len),
				 vals[0]->bv_val);
		ber_bvecfree(vals);
	}
	if (res != NULL)
		ldap_msgfree(res);
	*rcp = rc;
	return rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT ? SSPR_OK : sspr_ldap_status(rc);
}

static int ldap_decoy_write(struct sspr_store *store, struct sspr_error *err)
{
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;
	uint8_t noise[16];
	char format[24];
	struct berval bv = {sizeof(noise), (char *)noise}, *vals[] = {&bv, NULL};
	LDAPMod mod = {LDAP_MOD_REPLACE | LDAP_MOD_BVALUES, "ssprDecoy", {.modv_bvals = vals}};
	LDAPMod *mods[] = {&mod, NULL};
	bool found;
	int rc, r;

	if (st->readonly)
		return sspr_error_set(err, SSPR_EACCES, "%s: store opened read-only", st->base_dn);
	sspr_ldap_sigpipe_block(&guard);
	/* A read and two writes, as refusing a user costs: the record, then
	 * its event (LDAP has no transaction spanning two entries). */
	r = read_base(st->ld, st->base_dn, &st->limit, &found, format, sizeof(format), &rc);
	if (r != SSPR_OK || !found) {
		r = sspr_ldap_fail(st, rc == LDAP_SUCCESS ? LDAP_NO_SUCH_OBJECT : rc,
				   "cannot read the store", err);
		goto out;
	}
	for (int i = 0; i < 2 && rc == LDAP_SUCCESS; i++) {
		randombytes_buf(noise, sizeof(noise));
		rc = ldap_modify_ext_s(st->ld, st->base_dn, mods, NULL, NULL);
	}
	r = rc == LDAP_SUCCESS ? SSPR_OK : sspr_ldap_fail(st, rc, "cannot write", err);
out:
	sspr_ldap_sigpipe_restore(&guard);
	return r;
}

/* ---- open and init ---- */

struct open_ctx {
	struct ldap_store *st;
	unsigned flags;
};

static int add_ou(LDAP *ld, const char *dn, const char *ou, bool store)
{
	char *classes[] = {"organizationalUnit", store ? "ssprStore" : NULL, NULL};
	char *ous[] = {(char *)ou, NULL}, *formats[] = {STORE_FORMAT, NULL};
	LDAPMod m_class = {LDAP_MOD_ADD, "objectClass", {.modv_strvals = classes}};
	LDAPMod m_ou = {LDAP_MOD_ADD, "ou", {.modv_strvals = ous}};
	LDAPMod m_format = {LDAP_MOD_ADD, "ssprFormat", {.modv_strvals = formats}};
	LDAPMod *mods[] = {&m_class, &m_ou, store ? &m_format : NULL, NULL};

	return ldap_add_ext_s(ld, dn, mods, NULL, NULL);
}

/* Makes B a store: creates it when missing (its first RDN must then be
 * ou=...), or adds the format to an existing entry. */
static int create_base(LDAP *ld, struct ldap_store *st, bool found, struct sspr_error *err)
{
	char *classes[] = {"ssprStore", NULL}, *formats[] = {STORE_FORMAT, NULL};
	LDAPMod m_class = {LDAP_MOD_ADD, "objectClass", {.modv_strvals = classes}};
	LDAPMod m_format = {LDAP_MOD_ADD, "ssprFormat", {.modv_strvals = formats}};
	LDAPMod *mods[] = {&m_class, &m_format, NULL};
	LDAPDN dn = NULL;
	char ou[256];
	int rc;

	if (found) {
		rc = ldap_modify_ext_s(ld, st->base_dn, mods, NULL, NULL);
		if (rc == LDAP_TYPE_OR_VALUE_EXISTS) /* ssprStore already there */
			rc = ldap_modify_ext_s(ld, st->base_dn, mods + 1, NULL, NULL);
		return rc;
	}
	if (ldap_str2dn(st->base_dn, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || dn == NULL ||
	    dn[0] == NULL || dn[0][0] == NULL || dn[0][1] != NULL ||
	    dn[0][0]->la_attr.bv_len != 2 || sspr_ascii_ncasecmp(dn[0][0]->la_attr.bv_val, "ou", 2) != 0 ||
	    dn[0][0]->la_value.bv_len >= sizeof(ou)) {
		ldap_dnfree(dn);
		sspr_error_set(err, SSPR_EINVAL,
			       "%s: only a base that starts with ou= can be created; create it "
			       "and run 'sspr-admin init' again",
			       st->base_dn);
		return LDAP_PARAM_ERROR;
	}
	snprintf(ou, sizeof(ou), "%.*s", (int)dn[0][0]->la_value.bv_len,
		 dn[0][0]->la_value.bv_val);
	ldap_dnfree(dn);
	return add_ou(ld, st->base_dn, ou, true);
}

/* B as a store, then its children; each step may already be done (an
 * interrupted init, or two hosts running it at once). */
static int create_store(LDAP *ld, struct ldap_store *st, bool found, bool has_format,
			struct sspr_error *err)
{
	int rc = found && has_format ? LDAP_SUCCESS : create_base(ld, st, found, err);

	if (rc == LDAP_PARAM_ERROR)
		return SSPR_EINVAL;
	if (rc == LDAP_SUCCESS || rc == LDAP_ALREADY_EXISTS)
		rc = add_ou(ld, st->users_dn, "users", false);
	if (rc == LDAP_SUCCESS || rc == LDAP_ALREADY_EXISTS)
		rc = add_ou(ld, st->events_dn, "events", false);
	if (rc == LDAP_SUCCESS || rc == LDAP_ALREADY_EXISTS)
		return SSPR_OK;
	if (rc == LDAP_NO_SUCH_OBJECT)
		return sspr_error_set(err, SSPR_ENOENT,
				      "%s: cannot create the store: its parent entry does not exist",
				      st->base_dn);
	return sspr_error_set(err, sspr_ldap_status(rc), "%s: cannot create the store: %s",
			      st->base_dn, ldap_err2string(rc));
}

/* Run on each candidate server: is there a store, of our format? Init
 * makes one first. */
static int open_check(LDAP *ld, const struct timeval *limit, void *vctx, struct sspr_error *err)
{
	struct open_ctx *oc = vctx;
	struct ldap_store *st = oc->st;
	char format[24];
	bool found;
	int rc, r;

	r = read_base(ld, st->base_dn, limit, &found, format, sizeof(format), &rc);
	if (r == SSPR_OK && (oc->flags & SSPR_STORE_CREATE) && (!found || format[0] == '\0' ||
								strcmp(format, STORE_FORMAT) == 0)) {
		r = create_store(ld, st, found, format[0] != '\0', err);
		if (r != SSPR_OK)
			return r;
		r = read_base(ld, st->base_dn, limit, &found, format, sizeof(format), &rc);
	}
	if (r != SSPR_OK)
		return sspr_error_set(err, r, "%s", ldap_err2string(rc));
	if (!found || format[0] == '\0')
		return sspr_error_set(err, SSPR_ENOENT, "%s: no store here; run 'sspr-admin init'",
				      st->base_dn);
	if (strcmp(format, STORE_FORMAT) != 0)
		return sspr_error_set(err, SSPR_ECORRUPT,
				      "%s: store format '%s' is not supported (expected %s)",
				      st->base_dn, format, STORE_FORMAT);
	return SSPR_OK;
}

static void ldap_close(struct sspr_store *store)
{
	struct ldap_store *st = (struct ldap_store *)store;
	struct sspr_ldap_sigpipe guard;

	if (st == NULL)
		return;
	if (st->ld != NULL) {
		sspr_ldap_sigpipe_block(&guard);
		ldap_unbind_ext_s(st->ld, NULL, NULL);
		sspr_ldap_sigpipe_restore(&guard);
	}
	free(st);
}

int sspr_store_ldap_open(const struct sspr_store_config *cfg, unsigned flags,
			 struct sspr_store **out, struct sspr_error *err)
{
	struct sspr_ldap_sigpipe guard;
	struct open_ctx oc = {.flags = flags};
	struct ldap_store *st = NULL;
	int r;

	*out = NULL;
	if (cfg->ldap_base == NULL || cfg->ldap_base[0] == '\0' ||
	    strlen(cfg->ldap_base) > SSPR_LDAP_BASE_MAX)
		return sspr_error_set(err, SSPR_EINVAL, "ldap_base must be set (at most %d bytes)",
				      SSPR_LDAP_BASE_MAX);
	if (sodium_init() < 0)
		return sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return sspr_error_set(err, SSPR_ENOMEM, "out of memory");
	st->base.ops = &ldap_ops;
	st->readonly = (flags & SSPR_STORE_READONLY) != 0;
	st->limit.tv_sec = (time_t)cfg->ldap_timeout;
	snprintf(st->base_dn, sizeof(st->base_dn), "%s", cfg->ldap_base);
	snprintf(st->users_dn, sizeof(st->users_dn), "ou=users,%s", cfg->ldap_base);
	snprintf(st->events_dn, sizeof(st->events_dn), "ou=events,%s", cfg->ldap_base);
	oc.st = st;
	sspr_ldap_sigpipe_block(&guard);
	r = sspr_ldap_connect(cfg, open_check, &oc, &st->ld, err);
	sspr_ldap_sigpipe_restore(&guard);
	if (r != SSPR_OK) {
		ldap_close(&st->base);
		return r;
	}
	*out = &st->base;
	return SSPR_OK;
}

static const struct sspr_store_ops ldap_ops = {
	.backend = SSPR_BACKEND_LDAP,
	.close = ldap_close,
	.get = ldap_get,
	.update = ldap_update,
	.append_event = ldap_append_event,
	.decoy_write = ldap_decoy_write,
	.foreach_user = sspr_ldap_foreach_user,
	.foreach_event = sspr_ldap_foreach_event,
	.prune_events = sspr_ldap_prune_events,
};

/* What store.c looks up after loading this file (store_backend.h). The
 * only symbol the shared object exports. */
__attribute__((visibility("default"))) const struct sspr_store_backend_entry
	sspr_store_ldap_backend = {
		.abi = SSPR_STORE_BACKEND_ABI,
		.version = SSPR_VERSION,
		.open = sspr_store_ldap_open,
};
