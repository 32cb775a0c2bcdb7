/* SPDX-License-Identifier: BSD-2-Clause */
/* Test preload: the shadow entries the module reads (getspnam_r), for the
 * unprivileged tests that drive it under pam_wrapper, where the real
 * /etc/shadow is unreadable (and root's own entry is locked on most
 * images). With SSPR_TEST_SHADOW naming a file in shadow(5) format, entries
 * come from that file; without it every name has a usable password set
 * today. The end-to-end tests never load this: they use the real shadow
 * file of their private /etc. */
#include <errno.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

static int synthesize(const char *name, struct spwd *sp, char *buf, size_t size,
		      struct spwd **result)
{
	static const char hash[] = "$6$sspr-test$";
	size_t n = strlen(name);

	if (n + sizeof(hash) + 1 > size)
		return ERANGE;
	memcpy(buf, name, n + 1);
	memcpy(buf + n + 1, hash, sizeof(hash));
	*sp = (struct spwd){
	    .sp_namp = buf,
	    .sp_pwdp = buf + n + 1,
	    .sp_lstchg = (long)(time(NULL) / 86400),
	    .sp_min = 0,
	    .sp_max = 99999,
	    .sp_warn = 7,
	    .sp_inact = -1,
	    .sp_expire = -1,
	    .sp_flag = (unsigned long)-1,
	};
	*result = sp;
	return 0;
}

EXPORT int getspnam_r(const char *name, struct spwd *sp, char *buf, size_t size,
		      struct spwd **result)
{
	const char *file = getenv("SSPR_TEST_SHADOW");
	FILE *f;
	int rc;

	*result = NULL;
	if (file == NULL)
		return synthesize(name, sp, buf, size, result);
	f = fopen(file, "re");
	if (f == NULL)
		return errno;
	while ((rc = fgetspent_r(f, sp, buf, size, result)) == 0) {
		if (strcmp(sp->sp_namp, name) == 0)
			break;
		*result = NULL;
	}
	fclose(f);
	if (rc == ERANGE)
		return ERANGE;
	return 0;
}
