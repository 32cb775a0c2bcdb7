/* SPDX-License-Identifier: BSD-2-Clause */
/* Host key pair: generation (never overwriting), loading, sealing; the key
 * ring (next and previous keys) that lets a fleet rotate its shared key. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "hostkey.h"
#include "record.h"
#include "safefile.h"

static int key_path(char *buf, size_t size, const char *key_dir, const char *name,
		    struct sspr_error *err)
{
	int n = snprintf(buf, size, "%s/%s", key_dir, name);

	if (n < 0 || (size_t)n >= size)
		return sspr_error_set(err, SSPR_EINVAL, "%s: key directory path is too long",
				      key_dir);
	return SSPR_OK;
}

/* Reads a key file that must be exactly `want` bytes. */
static int read_key_file(const char *path, size_t want, unsigned flags, uint8_t *out,
			 struct sspr_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	r = (flags & SSPR_FILE_SECRET) ? sspr_file_read_secret(path, want, flags, &buf, &len, err)
				       : sspr_file_read(path, want, flags, &buf, &len, err);
	if (r == SSPR_ENOENT || (r != SSPR_OK && r != SSPR_EACCES)) {
		if (r == SSPR_ENOENT)
			sspr_error_set(err, r, "%s: no host key; run 'sspr-admin init'", path);
		r = SSPR_EKEY;
		goto out;
	}
	if (r != SSPR_OK)
		goto out;
	if (len != want) {
		r = sspr_error_set(err, SSPR_EKEY, "%s: not a host key (%zu bytes, expected %zu)",
				   path, len, want);
		goto out;
	}
	memcpy(out, buf, want);
out:
	if (flags & SSPR_FILE_SECRET)
		sspr_file_free_secret(buf);
	else
		sspr_file_free(buf, len);
	return r;
}

int sspr_hostkey_generate(const char *key_dir, struct sspr_error *err)
{
	char pub_path[PATH_MAX], key_path_buf[PATH_MAX];
	struct sspr_hostkey key;
	struct stat st;
	int r;

	if ((r = key_path(pub_path, sizeof(pub_path), key_dir, SSPR_HOSTKEY_PUBLIC_FILE, err)) ||
	    (r = key_path(key_path_buf, sizeof(key_path_buf), key_dir, SSPR_HOSTKEY_SECRET_FILE,
			  err)))
		return r;
	if (mkdir(key_dir, 0755) != 0 && errno != EEXIST)
		return sspr_error_set(err, errno == EACCES ? SSPR_EACCES : SSPR_ERR,
				      "%s: cannot create key directory: %s", key_dir,
				      strerror(errno));
	if (lstat(key_path_buf, &st) == 0)
		return sspr_error_set(err, SSPR_EEXIST, "%s: host key exists, kept", key_path_buf);

	if (sodium_init() < 0)
		return sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
	crypto_box_keypair(key.pk, key.sk);
	/* Public half first: a crash between the two writes leaves no private
	 * key, so the next init simply starts again. */
	r = sspr_file_write_atomic(pub_path, key.pk, sizeof(key.pk), 0644, 1, err);
	if (r == SSPR_OK)
		r = sspr_file_write_atomic(key_path_buf, key.sk, sizeof(key.sk), 0600, 0, err);
	sspr_hostkey_wipe(&key);
	return r;
}

int sspr_hostkey_load_public(const char *key_dir, uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES],
			     struct sspr_error *err)
{
	char path[PATH_MAX];
	int r;

	if ((r = key_path(path, sizeof(path), key_dir, SSPR_HOSTKEY_PUBLIC_FILE, err)) != 0)
		return r;
	return read_key_file(path, SSPR_HOSTKEY_PUBLIC_BYTES, 0, pk, err);
}

int sspr_hostkey_load(const char *key_dir, struct sspr_hostkey *key, struct sspr_error *err)
{
	char path[PATH_MAX];
	uint8_t derived[SSPR_HOSTKEY_PUBLIC_BYTES];
	int r;

	sodium_memzero(key, sizeof(*key));
	if (sodium_init() < 0)
		return sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
	if ((r = sspr_hostkey_load_public(key_dir, key->pk, err)) != SSPR_OK)
		goto out;
	if ((r = key_path(path, sizeof(path), key_dir, SSPR_HOSTKEY_SECRET_FILE, err)) != 0)
		goto out;
	r = read_key_file(path, SSPR_HOSTKEY_SECRET_BYTES, SSPR_FILE_SECRET, key->sk, err);
	if (r != SSPR_OK)
		goto out;
	/* A host.pub from another host would make every new enrollment
	 * unopenable here; catch it at load time, not at the first reset. */
	if (crypto_scalarmult_base(derived, key->sk) != 0 ||
	    sodium_memcmp(derived, key->pk, sizeof(derived)) != 0)
		r = sspr_error_set(err, SSPR_EKEY, "%s: host.key and host.pub do not belong together",
				   key_dir);
out:
	if (r != SSPR_OK)
		sspr_hostkey_wipe(key);
	return r;
}

void sspr_hostkey_wipe(struct sspr_hostkey *key)
{
	sodium_memzero(key, sizeof(*key));
}

int sspr_seal(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], const uint8_t *msg, size_t len,
	      uint8_t *out, size_t cap, size_t *outlen)
{
	if (len == 0 || len > SIZE_MAX - crypto_box_SEALBYTES || cap < len + crypto_box_SEALBYTES)
		return SSPR_EINVAL;
	if (sodium_init() < 0 || crypto_box_seal(out, msg, len, pk) != 0)
		return SSPR_ERR;
	*outlen = len + crypto_box_SEALBYTES;
	return SSPR_OK;
}

int sspr_unseal(const struct sspr_hostkey *key, const uint8_t *sealed, size_t len, uint8_t *out,
		size_t cap, size_t *outlen)
{
	if (len <= crypto_box_SEALBYTES || cap < len - crypto_box_SEALBYTES)
		return SSPR_EINVAL;
	if (crypto_box_seal_open(out, sealed, len, key->pk, key->sk) != 0) {
		sodium_memzero(out, cap);
		return SSPR_EKEY;
	}
	*outlen = len - crypto_box_SEALBYTES;
	return SSPR_OK;
}

static const char *const role_names[SSPR_KEY_ROLES] = {"current", "next", "previous"};
static const char *const role_files[SSPR_KEY_ROLES] = {
    SSPR_HOSTKEY_SECRET_FILE, SSPR_HOSTKEY_NEXT_FILE, SSPR_HOSTKEY_PREVIOUS_FILE};

const char *sspr_key_role_name(enum sspr_key_role role)
{
	return (unsigned)role < SSPR_KEY_ROLES ? role_names[role] : "?";
}

const char *sspr_key_role_file(enum sspr_key_role role)
{
	return (unsigned)role < SSPR_KEY_ROLES ? role_files[role] : "?";
}

void sspr_key_id(const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], char id[SSPR_KEY_ID_TEXT])
{
	uint8_t h[crypto_generichash_BYTES];

	crypto_generichash(h, sizeof(h), pk, SSPR_HOSTKEY_PUBLIC_BYTES, NULL, 0);
	sodium_bin2hex(id, SSPR_KEY_ID_TEXT, h, SSPR_KEY_ID_BYTES);
}

int sspr_hostkey_from_secret(const uint8_t sk[SSPR_HOSTKEY_SECRET_BYTES],
			     struct sspr_hostkey *key)
{
	if (sodium_init() < 0)
		return SSPR_ERR;
	memcpy(key->sk, sk, sizeof(key->sk));
	if (crypto_scalarmult_base(key->pk, key->sk) != 0) {
		sspr_hostkey_wipe(key);
		return SSPR_EKEY;
	}
	return SSPR_OK;
}

/* next.key or previous.key: optional, but held to host.key's standards. */
static int load_extra_key(const char *key_dir, enum sspr_key_role role, struct sspr_keyring *ring,
			  struct sspr_error *err)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = key_path(path, sizeof(path), key_dir, role_files[role], err)) != SSPR_OK)
		return r;
	r = sspr_file_read_secret(path, SSPR_HOSTKEY_SECRET_BYTES, SSPR_FILE_OPTIONAL, &buf, &len,
				  err);
	if (r == SSPR_ENOENT)
		return SSPR_OK;
	if (r != SSPR_OK)
		goto out;
	if (len != SSPR_HOSTKEY_SECRET_BYTES) {
		r = sspr_error_set(err, SSPR_EKEY, "%s: not a host key (%zu bytes, expected %d)",
				   path, len, SSPR_HOSTKEY_SECRET_BYTES);
		goto out;
	}
	r = sspr_hostkey_from_secret((const uint8_t *)buf, &ring->key[role]);
	if (r != SSPR_OK) {
		sspr_error_set(err, r, "%s: not a usable key", path);
		goto out;
	}
	ring->have[role] = true;
out:
	sspr_file_free_secret(buf);
	return r;
}

int sspr_keyring_load(const char *key_dir, unsigned flags, struct sspr_keyring *ring,
		      struct sspr_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	int r;

	sodium_memzero(ring, sizeof(*ring));
	if ((r = key_path(path, sizeof(path), key_dir, SSPR_HOSTKEY_SECRET_FILE, err)) != SSPR_OK)
		return r;
	/* Only a host.key that is not there at all may be skipped: one that
	 * is there but unreadable or unsafe is an error whatever the flags. */
	if ((flags & SSPR_KEYRING_CURRENT_OPTIONAL) && lstat(path, &st) != 0 && errno == ENOENT) {
		r = SSPR_OK;
	} else {
		r = sspr_hostkey_load(key_dir, &ring->key[SSPR_KEY_CURRENT], err);
		ring->have[SSPR_KEY_CURRENT] = r == SSPR_OK;
	}
	if (r == SSPR_OK)
		r = load_extra_key(key_dir, SSPR_KEY_NEXT, ring, err);
	if (r == SSPR_OK)
		r = load_extra_key(key_dir, SSPR_KEY_PREVIOUS, ring, err);
	if (r != SSPR_OK)
		sspr_keyring_wipe(ring);
	return r;
}

void sspr_keyring_wipe(struct sspr_keyring *ring)
{
	sodium_memzero(ring, sizeof(*ring));
}

int sspr_keyring_find(const struct sspr_keyring *ring, const uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES])
{
	for (int i = 0; i < SSPR_KEY_ROLES; i++) {
		if (ring->have[i] && sodium_memcmp(ring->key[i].pk, pk, SSPR_HOSTKEY_PUBLIC_BYTES) == 0)
			return i;
	}
	return -1;
}

int sspr_unseal_ring(const struct sspr_keyring *ring, const uint8_t *sealed, size_t len,
		     uint8_t *out, size_t cap, size_t *outlen, enum sspr_key_role *role)
{
	int r = SSPR_EKEY;

	for (int i = 0; i < SSPR_KEY_ROLES; i++) {
		if (!ring->have[i])
			continue;
		r = sspr_unseal(&ring->key[i], sealed, len, out, cap, outlen);
		if (r == SSPR_OK) {
			if (role != NULL)
				*role = (enum sspr_key_role)i;
			return SSPR_OK;
		}
		if (r != SSPR_EKEY)
			return r;
	}
	return SSPR_EKEY;
}

int sspr_unseal_ring_every(const struct sspr_keyring *ring, const uint8_t *sealed, size_t len,
			   uint8_t *out, size_t cap, size_t *outlen)
{
	uint8_t scratch[SSPR_TOTP_SECRET_MAX];
	size_t scratch_len;
	int r = SSPR_EKEY;

	for (int i = 0; i < SSPR_KEY_ROLES; i++) {
		if (!ring->have[i])
			continue;
		if (r == SSPR_OK) /* opened already: the same work, thrown away */
			(void)sspr_unseal(&ring->key[i], sealed, len, scratch, sizeof(scratch),
					  &scratch_len);
		else if (sspr_unseal(&ring->key[i], sealed, len, out, cap, outlen) == SSPR_OK)
			r = SSPR_OK;
	}
	sodium_memzero(scratch, sizeof(scratch));
	return r;
}

int sspr_hostkey_write(const char *key_dir, enum sspr_key_role role,
		       const struct sspr_hostkey *key, struct sspr_error *err)
{
	char path[PATH_MAX];
	int r;

	if ((unsigned)role >= SSPR_KEY_ROLES)
		return sspr_error_set(err, SSPR_EINVAL, "unknown key role %d", (int)role);
	if ((r = key_path(path, sizeof(path), key_dir, role_files[role], err)) != SSPR_OK)
		return r;
	r = sspr_file_write_atomic(path, key->sk, sizeof(key->sk), 0600, 1, err);
	if (r != SSPR_OK || role != SSPR_KEY_CURRENT)
		return r;
	/* host.key before host.pub: until host.pub follows, loads fail with
	 * "do not belong together" rather than anything being sealed to a
	 * public key whose secret half is not on disk yet. */
	if ((r = key_path(path, sizeof(path), key_dir, SSPR_HOSTKEY_PUBLIC_FILE, err)) != SSPR_OK)
		return r;
	return sspr_file_write_atomic(path, key->pk, sizeof(key->pk), 0644, 1, err);
}

int sspr_hostkey_generate_role(const char *key_dir, enum sspr_key_role role,
			       struct sspr_error *err)
{
	char path[PATH_MAX];
	struct sspr_hostkey key;
	int r;

	if (role != SSPR_KEY_NEXT && role != SSPR_KEY_PREVIOUS)
		return sspr_error_set(err, SSPR_EINVAL, "only a next or previous key is generated here");
	if ((r = key_path(path, sizeof(path), key_dir, role_files[role], err)) != SSPR_OK)
		return r;
	if (sodium_init() < 0)
		return sspr_error_set(err, SSPR_ERR, "libsodium failed to initialise");
	crypto_box_keypair(key.pk, key.sk);
	/* replace = 0: a key written meanwhile by someone else is kept. */
	r = sspr_file_write_atomic(path, key.sk, sizeof(key.sk), 0600, 0, err);
	sspr_hostkey_wipe(&key);
	return r;
}

int sspr_hostkey_remove(const char *key_dir, enum sspr_key_role role, struct sspr_error *err)
{
	char path[PATH_MAX];
	int r, dfd;

	if (role != SSPR_KEY_NEXT && role != SSPR_KEY_PREVIOUS)
		return sspr_error_set(err, SSPR_EINVAL, "the current key is never removed");
	if ((r = key_path(path, sizeof(path), key_dir, role_files[role], err)) != SSPR_OK)
		return r;
	if (unlink(path) != 0) {
		if (errno == ENOENT)
			return SSPR_OK;
		return sspr_error_set(err, errno == EACCES || errno == EPERM ? SSPR_EACCES : SSPR_ERR,
				      "%s: cannot remove: %s", path, strerror(errno));
	}
	/* The removal must survive a crash like the writes do. */
	dfd = open(key_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return SSPR_OK;
}
