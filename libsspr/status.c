/* SPDX-License-Identifier: BSD-2-Clause */
/* Status codes to text, and the one-line error message helper. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

const char *sspr_strerror(int status)
{
	switch (status) {
	case SSPR_OK:
		return "success";
	case SSPR_ENOENT:
		return "not found";
	case SSPR_ECORRUPT:
		return "data is corrupt";
	case SSPR_ENOMEM:
		return "out of memory";
	case SSPR_EACCES:
		return "permission denied";
	case SSPR_EFULL:
		return "store or disk is full";
	case SSPR_EINVAL:
		return "invalid value";
	case SSPR_EBADCODE:
		return "verification failed";
	case SSPR_EREPLAY:
		return "code already used";
	case SSPR_ELOCKED:
		return "resets are locked";
	case SSPR_EEXIST:
		return "already exists";
	case SSPR_EKEY:
		return "host key missing or wrong";
	case SSPR_EBUSY:
		return "store busy";
	case SSPR_EUNAVAIL:
		return "directory unavailable";
	case SSPR_ECONFLICT:
		return "changed by another host";
	case SSPR_EREFUSED:
		return "refused by the password policy";
	case SSPR_NOCHANGE:
		return "no change";
	case SSPR_DELETE:
		return "deleted";
	default:
		return "error";
	}
}

int sspr_error_set(struct sspr_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return status;
	va_start(ap, fmt);
	/* Truncation is acceptable here: a message is for a person. */
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

void sspr_error_clear(struct sspr_error *err)
{
	if (err != NULL)
		err->msg[0] = '\0';
}
