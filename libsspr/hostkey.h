/* The host key pair. TOTP secrets are sealed (crypto_box_seal) to host.pub,
 * which anyone may read, so the setgid enrollment helper can write secrets it
 * can never read back; only root, holding host.key, opens them. */
#ifndef SSPR_HOSTKEY_H
#define SSPR_HOSTKEY_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define SSPR_HOSTKEY_PUBLIC_BYTES 32
#define SSPR_HOSTKEY_SECRET_BYTES 32
#define SSPR_HOSTKEY_PUBLIC_FILE "host.pub"
#define SSPR_HOSTKEY_SECRET_FILE "host.key"

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

#endif
