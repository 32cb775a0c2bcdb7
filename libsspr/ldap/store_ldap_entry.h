/* SPDX-License-Identifier: BSD-2-Clause */
/* For the directory backend only: a user record <-> the attributes of its
 * ssprAccount entry (doc/ldap/sspr.schema), and the escaping of names in
 * DNs and filters. No network here, so all of it is unit-tested. */
#ifndef SSPR_STORE_LDAP_ENTRY_H
#define SSPR_STORE_LDAP_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldap.h>

#include "record.h"

/* Every attribute a record maps to (3..19 of the schema), for the attrs
 * list of a search; NULL-terminated, ssprUser and ssprRevision first. */
extern const char *const sspr_ldap_account_attrs[];

/* Escapes name for a DN value and a filter value alike: every byte not in
 * [A-Za-z0-9._-] becomes \xx (lower-case hex). SSPR_OK, or SSPR_EINVAL when
 * out (cap bytes) is too small. */
int sspr_ldap_escape(const char *name, char *out, size_t cap);

#define SSPR_LDAP_MOD_ATTRS 30
#define SSPR_LDAP_MOD_VALUES (SSPR_QUESTIONS_MAX + SSPR_RECOVERY_MAX + SSPR_TOTP_DEVICES_MAX + 40)
#define SSPR_LDAP_MOD_TEXT 16384

/* The modifications that write one record. Fixed size, no allocation:
 * the owner wipes it with sodium_memzero (it holds the record's data). */
struct sspr_ldap_mods {
	LDAPMod *list[SSPR_LDAP_MOD_ATTRS + 1]; /* what ldap_add/ldap_modify take */
	LDAPMod mod[SSPR_LDAP_MOD_ATTRS];
	struct berval val[SSPR_LDAP_MOD_VALUES];
	struct berval *vptr[SSPR_LDAP_MOD_VALUES + SSPR_LDAP_MOD_ATTRS];
	char text[SSPR_LDAP_MOD_TEXT];
	size_t nmod, nval, nvptr, ntext;
	bool open, overflow;
};

/* Builds the add of a new entry for user (objectClass, ssprUser,
 * ssprRevision 1 and the attributes present) when old_revision is NULL;
 * otherwise the modify of an existing one: delete ssprRevision
 * old_revision, add new_revision, replace every mapped attribute (no
 * values = remove), except that the attributes added to the schema later
 * (ssprQuestionDraw, ssprAccessPass, the ssprPhone attributes,
 * ssprTotpDevice) are named
 * only when the record has
 * the field or the entry had it (`had`, SSPR_LDAP_HAD_*): a directory
 * whose schema predates them then still takes every other write.
 * SSPR_EINVAL when a field is out of range. */
enum {
	SSPR_LDAP_HAD_DRAW = 1u << 0,
	SSPR_LDAP_HAD_PASS = 1u << 1,
	SSPR_LDAP_HAD_PHONE = 1u << 2,
	SSPR_LDAP_HAD_DEVICES = 1u << 3,
};
int sspr_ldap_mods_build(struct sspr_ldap_mods *m, const char *user,
			 const struct sspr_record *rec, const struct berval *old_revision,
			 unsigned had, uint64_t new_revision);
/* What of those a record read from the entry has. */
unsigned sspr_ldap_had(const struct sspr_record *rec);

/* One attribute of an entry as the server returned it. */
struct sspr_ldap_attr {
	const char *name;
	struct berval **vals; /* NULL-terminated */
};

/* Decodes the attributes of an ssprAccount entry into rec. Strict: a
 * malformed, repeated or unknown sspr value, or a record that
 * sspr_record_encode would refuse, gives SSPR_ECORRUPT with rec wiped.
 * Attributes not named sspr* and ssprUser are ignored. *revision gets the
 * parsed ssprRevision (0 when absent, malformed or repeated, which is
 * corrupt too). Both functions use guarded memory: sodium_init() first. */
int sspr_ldap_entry_decode(const struct sspr_ldap_attr *attrs, size_t n,
			   struct sspr_record *rec, uint64_t *revision);

/* Parses a decimal INTEGER value: optional '-', no leading zeros, no sign
 * on zero, within [min, max]. */
bool sspr_ldap_parse_int(const struct berval *v, int64_t min, int64_t max, int64_t *out);

#endif
