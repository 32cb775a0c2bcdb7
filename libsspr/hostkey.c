/* Host key pair: generation (never overwriting), loading, sealing. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

	r = sspr_file_read(path, want, flags, &buf, &len, err);
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
	if (buf != NULL)
		sspr_file_free(buf, len, flags);
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
