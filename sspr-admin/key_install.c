/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin key install: puts the key ring of a bundle (key export on
 * another host) into key_dir. What it may do to the keys already here:
 *  - none here: the bundle's keys are installed;
 *  - the same current key: the bundle's next and previous keys are added;
 *  - the bundle's current key is this host's next key (a rotation finished
 *    on another host): it becomes current, the old current previous.key;
 *  - another current key: refused unless --replace, which keeps the old
 *    one as previous.key so nothing sealed to it is lost.
 * A key is never dropped, and a slot holding yet another key is never
 * overwritten: the command refuses and says which file is in the way. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "key.h"

static bool same_key(const struct sspr_keyring *a, int ra, const struct sspr_keyring *b, int rb)
{
	return a->have[ra] && b->have[rb] &&
	       sodium_memcmp(a->key[ra].pk, b->key[rb].pk, SSPR_HOSTKEY_PUBLIC_BYTES) == 0;
}

static void put(struct sspr_keyring *ring, int role, const struct sspr_hostkey *key)
{
	ring->key[role] = *key;
	ring->have[role] = true;
}

static void drop(struct sspr_keyring *ring, int role)
{
	sspr_hostkey_wipe(&ring->key[role]);
	ring->have[role] = false;
}

static const char *id_of(const struct sspr_keyring *ring, int role, char id[SSPR_KEY_ID_TEXT])
{
	sspr_key_id(ring->key[role].pk, id);
	return id;
}

/* Works out the ring this host should have (want) from what it has and the
 * bundle. Returns SSPR_EXIT_OK or prints why not. */
static int plan(const struct admin_ctx *ctx, const struct sspr_keyring *have,
		const struct sspr_keyring *bundle, bool replace, struct sspr_keyring *want)
{
	const char *dir = ctx->pol.key_dir;
	char a[SSPR_KEY_ID_TEXT], b[SSPR_KEY_ID_TEXT];

	*want = *have;
	if (!have->have[SSPR_KEY_CURRENT] ||
	    same_key(have, SSPR_KEY_CURRENT, bundle, SSPR_KEY_CURRENT)) {
		put(want, SSPR_KEY_CURRENT, &bundle->key[SSPR_KEY_CURRENT]);
	} else if (same_key(have, SSPR_KEY_NEXT, bundle, SSPR_KEY_CURRENT) || replace) {
		/* The current key steps down to previous; that slot must be
		 * free or hold it already. */
		if (have->have[SSPR_KEY_PREVIOUS] &&
		    !same_key(have, SSPR_KEY_PREVIOUS, have, SSPR_KEY_CURRENT))
			return admin_error(SSPR_EEXIST,
					   "key install: %s/%s holds key %s, so key %s "
					   "cannot be kept there; run 'key retire' first",
					   dir, SSPR_HOSTKEY_PREVIOUS_FILE,
					   id_of(have, SSPR_KEY_PREVIOUS, a),
					   id_of(have, SSPR_KEY_CURRENT, b));
		put(want, SSPR_KEY_PREVIOUS, &have->key[SSPR_KEY_CURRENT]);
		put(want, SSPR_KEY_CURRENT, &bundle->key[SSPR_KEY_CURRENT]);
		if (same_key(have, SSPR_KEY_NEXT, bundle, SSPR_KEY_CURRENT))
			drop(want, SSPR_KEY_NEXT);
	} else {
		return admin_error(SSPR_EEXIST,
				   "key install: this host has another key (%s) than "
				   "the bundle (%s); '--replace' installs it and keeps "
				   "%s as %s",
				   id_of(have, SSPR_KEY_CURRENT, a),
				   id_of(bundle, SSPR_KEY_CURRENT, b), a,
				   SSPR_HOSTKEY_PREVIOUS_FILE);
	}
	/* The bundle's other keys join, unless their slot is taken. */
	for (int role = SSPR_KEY_NEXT; role < SSPR_KEY_ROLES; role++) {
		if (!bundle->have[role] || same_key(want, role, bundle, role))
			continue;
		if (want->have[role])
			return admin_error(SSPR_EEXIST,
					   "key install: %s/%s holds key %s, the bundle "
					   "has %s as %s key; remove one of them first",
					   dir, sspr_key_role_file((enum sspr_key_role)role),
					   id_of(want, role, a), id_of(bundle, role, b),
					   sspr_key_role_name((enum sspr_key_role)role));
		put(want, role, &bundle->key[role]);
	}
	/* One key in two roles would mean the bundle is older than this
	 * host's keys (a rotation it does not know about). */
	for (int r1 = 0; r1 < SSPR_KEY_ROLES; r1++) {
		for (int r2 = r1 + 1; r2 < SSPR_KEY_ROLES; r2++) {
			if (same_key(want, r1, want, r2))
				return admin_error(
				    SSPR_EINVAL,
				    "key install: key %s would be both %s and %s: the "
				    "bundle does not fit this host's keys (an older export?)",
				    id_of(want, r1, a), sspr_key_role_name((enum sspr_key_role)r1),
				    sspr_key_role_name((enum sspr_key_role)r2));
		}
	}
	return SSPR_EXIT_OK;
}

/* Writes the roles that change: previous first (an old key is kept before
 * anything replaces it), then current, then next; removals last. */
static int apply(const struct admin_ctx *ctx, const struct sspr_keyring *have,
		 const struct sspr_keyring *want, unsigned *changed)
{
	static const int order[] = {SSPR_KEY_PREVIOUS, SSPR_KEY_CURRENT, SSPR_KEY_NEXT};
	struct sspr_error err = {{0}};
	const char *dir = ctx->pol.key_dir;
	char id[SSPR_KEY_ID_TEXT];
	int r;

	*changed = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int role = order[i];

		if (!want->have[role] || same_key(have, role, want, role))
			continue;
		r = sspr_hostkey_write(dir, (enum sspr_key_role)role, &want->key[role], &err);
		if (r != SSPR_OK)
			return admin_lib_error(r, &err, dir);
		printf("%s/%s: %s key %s installed\n", dir,
		       sspr_key_role_file((enum sspr_key_role)role),
		       sspr_key_role_name((enum sspr_key_role)role), id_of(want, role, id));
		++*changed;
	}
	for (int role = SSPR_KEY_NEXT; role < SSPR_KEY_ROLES; role++) {
		if (!have->have[role] || want->have[role])
			continue;
		r = sspr_hostkey_remove(dir, (enum sspr_key_role)role, &err);
		if (r != SSPR_OK)
			return admin_lib_error(r, &err, dir);
		printf("%s/%s: removed (that key is current now)\n", dir,
		       sspr_key_role_file((enum sspr_key_role)role));
		++*changed;
	}
	return SSPR_EXIT_OK;
}

static int make_key_dir(const char *dir)
{
	mode_t old = umask(022);
	int ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
	int e = errno;

	umask(old);
	if (!ok)
		return admin_error(e == EACCES || e == EPERM ? SSPR_EACCES : SSPR_ERR,
				   "%s: cannot create key directory: %s", dir, strerror(e));
	return SSPR_EXIT_OK;
}

static int read_bundle(const char *from, struct admin_input *in)
{
	if (strcmp(from, "-") != 0)
		return admin_input_file(from, ADMIN_BUNDLE_MAX, 0, in);
	if (isatty(STDIN_FILENO))
		return admin_error(SSPR_EINVAL,
				   "key install: standard input is a terminal; pipe "
				   "the bundle in ('%s key export - | ssh HOST %s key "
				   "install -') or give a FILE",
				   ADMIN_PROG, ADMIN_PROG);
	return admin_input_stdin(ADMIN_BUNDLE_MAX, in);
}

int admin_key_install(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_keyring have, bundle, want;
	struct admin_input in = {0};
	struct admin_args args;
	char cur[SSPR_KEY_ID_TEXT], detail[SSPR_EVENT_DETAIL_MAX + 1];
	const char *from;
	unsigned changed = 0;
	int rc;

	sspr_keyring_wipe(&have);
	sspr_keyring_wipe(&bundle);
	sspr_keyring_wipe(&want);
	if ((rc = admin_parse_args("key install", argc, argv, ADMIN_F_REPLACE, &args)) !=
	    SSPR_EXIT_OK)
		return rc;
	if (args.npos != 1)
		return admin_usage_error("usage: key install FILE|- [--replace]");
	if (geteuid() != 0 && !ctx->config_explicit)
		return admin_error(SSPR_EACCES, "key install: must be run as root");
	from = args.pos[0];
	if ((rc = read_bundle(from, &in)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_bundle_parse(strcmp(from, "-") == 0 ? "stdin" : from, &in, &bundle)) !=
	    SSPR_EXIT_OK)
		goto out;
	if ((rc = make_key_dir(ctx->pol.key_dir)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_keyring_load(ctx, SSPR_KEYRING_CURRENT_OPTIONAL, &have)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = plan(ctx, &have, &bundle, (args.flags & ADMIN_F_REPLACE) != 0, &want)) !=
	    SSPR_EXIT_OK)
		goto out;
	if ((rc = apply(ctx, &have, &want, &changed)) != SSPR_EXIT_OK)
		goto out;
	id_of(&want, SSPR_KEY_CURRENT, cur);
	if (changed == 0)
		printf("%s: this host has these keys already (current %s); nothing changed\n",
		       ctx->pol.key_dir, cur);
	snprintf(detail, sizeof(detail), "current %s%s, %u files changed", cur,
		 same_key(&want, SSPR_KEY_PREVIOUS, &have, SSPR_KEY_CURRENT)
		     ? " (old kept as previous)"
		     : "",
		 changed);
	admin_log_action("key-install", "success", detail);
	rc = SSPR_EXIT_OK;
out:
	admin_input_free(&in);
	sspr_keyring_wipe(&have);
	sspr_keyring_wipe(&bundle);
	sspr_keyring_wipe(&want);
	return rc;
}
