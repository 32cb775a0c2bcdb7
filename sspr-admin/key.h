/* SPDX-License-Identifier: BSD-2-Clause */
/* Declarations shared by the files of the fleet key commands ("key ..." and
 * the key check of "init"): the bundle that carries the key ring from host
 * to host, and walks over the store that count and re-seal TOTP secrets. */
#ifndef SSPR_ADMIN_KEY_H
#define SSPR_ADMIN_KEY_H

#include <stdbool.h>

#include "admin.h"
#include "hostkey.h"

/* key_bundle.c. A bundle is text:
 *   sspr-fleet-key 1
 *   # comment lines are allowed
 *   current KEYID BASE64
 *   next KEYID BASE64         (optional)
 *   previous KEYID BASE64     (optional)
 * BASE64 is a 32-byte secret key (standard alphabet, padded), KEYID its
 * sspr_key_id, which install recomputes so a damaged line is caught. */
#define ADMIN_BUNDLE_HEADER "sspr-fleet-key 1"
#define ADMIN_BUNDLE_MAX 1024
/* Formats the keys ring has into buf; SSPR_OK or SSPR_ENOMEM. */
int admin_bundle_format(const struct sspr_keyring *ring, char *buf, size_t cap, size_t *len);
/* Parses in (read from where); prints "WHERE:LINE: why" and returns an exit
 * code on failure. The ring must be wiped by the caller on every path. */
int admin_bundle_parse(const char *where, struct admin_input *in, struct sspr_keyring *ring);

/* key_common.c: which key of the ring opens a secret (a role, or -1). */
int admin_key_opening_role(const struct sspr_keyring *ring, const struct sspr_totp *totp);
/* The same for a record's devices: the mask (1u << role) of the keys that
 * open them; *unopenable counts those no key opens. */
unsigned admin_key_record_roles(const struct sspr_keyring *ring, const struct sspr_record *rec,
				unsigned *unopenable);

/* key_common.c: which key opens each stored TOTP secret (one a device). */
struct admin_key_census {
	unsigned opened[SSPR_KEY_ROLES];
	unsigned unopenable; /* no key of the ring opens it */
	unsigned corrupt;    /* records that do not decode: their secret is unknown */
	unsigned with_totp;
};
/* Walks the store; unopenable secrets are named on stderr when name_them. */
int admin_key_census(struct sspr_store *st, const struct sspr_keyring *ring, bool name_them,
		     struct admin_key_census *out);

/* key_scan.c */
struct admin_reseal {
	unsigned resealed;   /* now sealed to the current key */
	unsigned unopenable; /* reported, left as they were */
	unsigned failed;     /* the update failed (named on stderr) */
};
/* Seals again to the current key every TOTP secret that a key of the ring in
 * roles (a mask of 1u << enum sspr_key_role) opens: one store update per
 * user, found with sspr_store_foreach_user. */
int admin_key_reseal(struct sspr_store *st, const struct sspr_keyring *ring, unsigned roles,
		     struct admin_reseal *out);

/* key_common.c: loads the ring of key_dir, printing any error. */
int admin_keyring_load(const struct admin_ctx *ctx, unsigned flags, struct sspr_keyring *ring);

/* cmd_key.c: an admin action that touches no store, as a syslog line in the
 * format of every event (event_log.h): "ACTION RESULT: user=- service=...". */
void admin_log_action(const char *action, const char *result, const char *detail);

/* key_common.c: this program as the admin ran it (with --config when given),
 * and the two commands that put this host's key on another host. */
const char *admin_prog_as_run(const struct admin_ctx *ctx, char *buf, size_t size);
void admin_key_print_install_hint(const struct admin_ctx *ctx, const char *indent);

/* key_install.c: "key install FILE|- [--replace]". */
int admin_key_install(struct admin_ctx *ctx, int argc, char **argv);

#endif
