/* SPDX-License-Identifier: BSD-2-Clause */
/* The host key pair. TOTP secrets are sealed (crypto_box_seal) to host.pub,
 * which anyone may read, so the setgid enrollment helper can write secrets it
 * can never read back; only root, holding host.key, opens them.
 *
 * Hosts that share a directory store share one key pair (the fleet key), and
 * it is rotated without losing enrollments through a key ring: key_dir may
 * also hold next.key (installed everywhere before a rotation switches to it)
 * and previous.key (the key before, kept until nothing is sealed to it).
 * Sealing always uses host.pub; opening tries every key of the ring. */
#ifndef SSPR_HOSTKEY_H
#define SSPR_HOSTKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define SSPR_HOSTKEY_PUBLIC_BYTES 32
#define SSPR_HOSTKEY_SECRET_BYTES 32
#define SSPR_HOSTKEY_PUBLIC_FILE "host.pub"
#define SSPR_HOSTKEY_SECRET_FILE "host.key"
#define SSPR_HOSTKEY_NEXT_FILE "next.key"
#define SSPR_HOSTKEY_PREVIOUS_FILE "previous.key"

struct sspr_hostkey {
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	uint8_t sk[SSPR_HOSTKEY_SECRET_BYTES];
};

/* Creates key_dir (0755) if needed and a new key pair in it: host.key 0600,
 * host.pub 0644, each written atomically. Never overwrites: SSPR_EEXIST when
 * host.key already exists. */
int sspr_hostkey_generate(const char *key_dir, struct sspr_error *err);

/* Loads host.pub only. */
int sspr_hostkey_load_public(const char *key_dir, uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES],
			     struct sspr_error *err);

/* Loads both halves and checks that they belong together (SSPR_EKEY if not).
 * The caller wipes the key with sspr_hostkey_wipe. */
int sspr_hostkey_load(const char *key_dir, struct sspr_hostkey *key, struct sspr_error *err);
void sspr_hostkey_wipe(struct sspr_hostkey *key);

/* Seals len bytes to pk; out needs len + SSPR_SEAL_OVERHEAD bytes. */
int sspr_seal(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], const uint8_t *msg, size_t len,
	      uint8_t *out, size_t cap, size_t *outlen);
/* Opens a sealed box; SSPR_EKEY when it was sealed to another key or altered. */
int sspr_unseal(const struct sspr_hostkey *key, const uint8_t *sealed, size_t len, uint8_t *out,
		size_t cap, size_t *outlen);

/* The key ring. The order of the roles is the order sspr_unseal_ring tries
 * them: most secrets are sealed to the current key. */
enum sspr_key_role {
	SSPR_KEY_CURRENT = 0, /* host.key + host.pub: seals and opens */
	SSPR_KEY_NEXT,	      /* next.key: opens; becomes current at a rotation */
	SSPR_KEY_PREVIOUS,    /* previous.key: opens until it is retired */
};
#define SSPR_KEY_ROLES 3

struct sspr_keyring {
	bool have[SSPR_KEY_ROLES];
	struct sspr_hostkey key[SSPR_KEY_ROLES];
};

/* "current", "next", "previous". */
const char *sspr_key_role_name(enum sspr_key_role role);
/* The secret key's file in key_dir: host.key, next.key, previous.key. */
const char *sspr_key_role_file(enum sspr_key_role role);

/* A key id names a public key in messages, bundles and the directory: the
 * first 8 bytes of BLAKE2b (libsodium's crypto_generichash, 32-byte output)
 * of the public key, as 16 lower-case hex digits. Not secret. */
#define SSPR_KEY_ID_BYTES 8
#define SSPR_KEY_ID_TEXT (2 * SSPR_KEY_ID_BYTES + 1)
void sspr_key_id(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], char id[SSPR_KEY_ID_TEXT]);

/* Fills key from a secret key, deriving the public half. */
int sspr_hostkey_from_secret(const uint8_t sk[SSPR_HOSTKEY_SECRET_BYTES], struct sspr_hostkey *key);

/* Loads the ring: the current pair as sspr_hostkey_load does (required,
 * unless SSPR_KEYRING_CURRENT_OPTIONAL), next.key and previous.key when they
 * exist (same checks as host.key: root, 0600, 32 bytes). Wipe it with
 * sspr_keyring_wipe on every path. */
#define SSPR_KEYRING_CURRENT_OPTIONAL 1u
int sspr_keyring_load(const char *key_dir, unsigned flags, struct sspr_keyring *ring,
		      struct sspr_error *err);
void sspr_keyring_wipe(struct sspr_keyring *ring);
/* The role holding a key with this public key, or -1. */
int sspr_keyring_find(const struct sspr_keyring *ring, const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES]);

/* Opens a sealed box with the first key of the ring that opens it (current,
 * next, previous); *role (may be NULL) says which. SSPR_EKEY when none does. */
int sspr_unseal_ring(const struct sspr_keyring *ring, const uint8_t *sealed, size_t len,
		     uint8_t *out, size_t cap, size_t *outlen, enum sspr_key_role *role);
/* The same, trying every key of the ring whatever opens it, so the work
 * is one unseal per key of the ring for any box, good or not: what the
 * module does where the time must not tell a real secret from noise. */
int sspr_unseal_ring_every(const struct sspr_keyring *ring, const uint8_t *sealed, size_t len,
			   uint8_t *out, size_t cap, size_t *outlen);

/* Writes key into key_dir as role, atomically, replacing what was there:
 * for the current role host.key (0600) then host.pub (0644). */
int sspr_hostkey_write(const char *key_dir, enum sspr_key_role role, const struct sspr_hostkey *key,
		       struct sspr_error *err);
/* A new random key as next or previous; SSPR_EEXIST when the file exists. */
int sspr_hostkey_generate_role(const char *key_dir, enum sspr_key_role role,
			       struct sspr_error *err);
/* Removes role's file (next or previous); a missing file is not an error. */
int sspr_hostkey_remove(const char *key_dir, enum sspr_key_role role, struct sspr_error *err);

#endif
