/* SPDX-License-Identifier: BSD-2-Clause */
/* Secret files (host keys, the directory's bind password) read into
 * libsodium's guarded memory: not swapped, not in a core dump, fenced by
 * guard pages, wiped when released. */
#include <sodium.h>

#include "safefile.h"

static void *secret_alloc(size_t size)
{
	return sodium_init() < 0 ? NULL : sodium_malloc(size);
}

static void secret_release(void *buf, size_t len)
{
	(void)len;
	sodium_free(buf); /* wipes the whole allocation itself */
}

int sspr_file_read_secret(const char *path, size_t max, unsigned flags, char **out,
			  size_t *len, struct sspr_error *err)
{
	return sspr_file_read_with(path, max, flags | SSPR_FILE_SECRET, secret_alloc,
				   secret_release, out, len, err);
}

void sspr_file_free_secret(char *buf)
{
	if (buf != NULL)
		secret_release(buf, 0);
}
