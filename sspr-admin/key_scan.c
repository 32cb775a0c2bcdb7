/* SPDX-License-Identifier: BSD-2-Clause */
/* Sealing stored TOTP secrets again to the current key (key rotate
 * --finish, key retire). A secret is opened only in memory that is wiped
 * at once; nothing is printed about it but the user's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "key.h"

/* The users a re-seal will visit: names only, found in one walk and
 * updated one by one afterwards, since a walk holds the store open for
 * reading. */
struct name_list {
	char **names;
	size_t n, cap;
	bool out_of_memory;
};

static void name_list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

static int name_list_add(struct name_list *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 64;
		char **grown = reallocarray(l->names, cap, sizeof(*grown));

		if (grown == NULL)
			return -1;
		l->names = grown;
		l->cap = cap;
	}
	if ((l->names[l->n] = strdup(name)) == NULL)
		return -1;
	l->n++;
	return 0;
}

struct reseal_walk {
	const struct sspr_keyring *ring;
	unsigned roles;
	struct name_list todo;
	struct admin_reseal *out;
};

static int find_sealed(const char *user, const struct sspr_record *rec, int decode_status,
		       void *ctx)
{
	struct reseal_walk *w = ctx;
	char shown[SSPR_USER_MAX + 1];
	unsigned roles, unopenable;

	if (decode_status != SSPR_OK || !rec->n_totp)
		return 0;
	roles = admin_key_record_roles(w->ring, rec, &unopenable);
	if (unopenable > 0) {
		w->out->unopenable += unopenable;
		cli_warn("%s: %u TOTP secret%s open%s with none of this host's keys: left as %s",
			 cli_safe_name(user, shown), unopenable, unopenable == 1 ? "" : "s",
			 unopenable == 1 ? "s" : "", unopenable == 1 ? "it is" : "they are");
	}
	if ((w->roles & roles) == 0)
		return 0;
	if (name_list_add(&w->todo, user) != 0) {
		w->todo.out_of_memory = true;
		return 1;
	}
	return 0;
}

enum reseal_outcome { RESEAL_DONE, RESEAL_NOT_NEEDED };

struct reseal_one {
	const struct sspr_keyring *ring;
	unsigned roles;
	enum reseal_outcome outcome;
};

/* Inside the update, on the record as it is now: it may have been
 * re-enrolled (sealed to the current key already) or revoked since the
 * walk. May run more than once; each run seals afresh. */
static int reseal_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct reseal_one *o = ctx;
	const struct sspr_hostkey *cur = &o->ring->key[SSPR_KEY_CURRENT];
	uint8_t plain[SSPR_TOTP_SECRET_MAX];
	uint8_t sealed[SSPR_SEALED_MAX];
	bool changed = false;
	int r = SSPR_NOCHANGE;

	(void)ev;
	o->outcome = RESEAL_NOT_NEEDED;
	if (!exists || !rec->n_totp)
		return SSPR_NOCHANGE;
	/* Every device a key of `roles` opens, in this one write; a device no
	 * key opens stays as it is (counted by the walk). */
	for (unsigned i = 0; i < rec->n_totp && i < SSPR_TOTP_DEVICES_MAX; i++) {
		struct sspr_totp *t = &rec->totp[i];
		enum sspr_key_role role = SSPR_KEY_CURRENT;
		size_t plain_len = 0, sealed_len = 0;

		if (sspr_unseal_ring(o->ring, t->sealed, t->sealed_len, plain, sizeof(plain),
				     &plain_len, &role) != SSPR_OK ||
		    (o->roles & (1u << role)) == 0)
			continue;
		r = sspr_seal(cur->pk, plain, plain_len, sealed, sizeof(sealed), &sealed_len);
		if (r != SSPR_OK)
			goto out;
		memcpy(t->sealed, sealed, sealed_len);
		t->sealed_len = (uint16_t)sealed_len;
		changed = true;
	}
	r = changed ? SSPR_OK : SSPR_NOCHANGE;
	if (changed)
		o->outcome = RESEAL_DONE;
out:
	sodium_memzero(plain, sizeof(plain));
	return r;
}

int admin_key_reseal(struct sspr_store *st, const struct sspr_keyring *ring, unsigned roles,
		     struct admin_reseal *out)
{
	struct sspr_error err = {{0}};
	struct reseal_walk w = {ring, roles & ~(1u << SSPR_KEY_CURRENT), {0}, out};
	int r, rc = SSPR_EXIT_ERROR;

	memset(out, 0, sizeof(*out));
	r = sspr_store_foreach_user(st, find_sealed, &w, &err);
	if (w.todo.out_of_memory) {
		rc = admin_error(SSPR_ENOMEM, "out of memory");
		goto out;
	}
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, "reading the store");
		goto out;
	}
	for (size_t i = 0; i < w.todo.n; i++) {
		struct reseal_one o = {ring, w.roles, RESEAL_NOT_NEEDED};
		char shown[SSPR_USER_MAX + 1];

		sspr_error_clear(&err);
		r = sspr_store_update(st, w.todo.names[i], 0, reseal_update, &o, &err);
		if (r != SSPR_OK && r != SSPR_NOCHANGE) {
			out->failed++;
			admin_update_error(r, &err, cli_safe_name(w.todo.names[i], shown));
		} else if (o.outcome == RESEAL_DONE) {
			out->resealed++;
		}
	}
	rc = SSPR_EXIT_OK;
out:
	name_list_free(&w.todo);
	return rc;
}
