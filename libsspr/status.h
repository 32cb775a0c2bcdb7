/* SPDX-License-Identifier: BSD-2-Clause */
/* Status codes and error messages shared by every part of pam_sspr.
 *
 * Internal functions return an int: SSPR_OK (0) or a negative SSPR_E* code.
 * Where the caller needs to tell a person what went wrong, the function also
 * fills a struct sspr_error with one line ("path:line: what", "path: what").
 * PAM return codes appear only in pam_sspr/, exit codes only in the tools. */
#ifndef SSPR_STATUS_H
#define SSPR_STATUS_H

#include <stddef.h>

enum sspr_status {
	SSPR_OK = 0,
	SSPR_ERR = -1,        /* system or I/O error; message says which */
	SSPR_ENOENT = -2,     /* no such user record / file */
	SSPR_ECORRUPT = -3,   /* record, event or file fails validation */
	SSPR_ENOMEM = -4,
	SSPR_EACCES = -5,     /* permission denied, unsafe owner or mode */
	SSPR_EFULL = -6,      /* store or disk full */
	SSPR_EINVAL = -7,     /* bad argument or value */
	SSPR_EBADCODE = -8,   /* verification code / answer did not match */
	SSPR_EREPLAY = -9,    /* code at or before the last accepted time step */
	SSPR_ELOCKED = -10,   /* resets are locked for this user */
	SSPR_EEXIST = -11,    /* already exists (never overwritten) */
	SSPR_EKEY = -12,      /* host key missing, unreadable or not the sealing key */
	SSPR_EBUSY = -13,     /* store busy / too many readers */
	SSPR_EUNAVAIL = -14,  /* no directory server answered in time */
	SSPR_ECONFLICT = -15, /* another host changed the entry first: retry */
	SSPR_EREFUSED = -16,  /* the directory's password policy refused a new password */
};

/* Update callbacks (see store.h) may also return these to steer the write. */
#define SSPR_NOCHANGE 1 /* leave the record as it is, commit nothing */
#define SSPR_DELETE 2   /* delete the record */

#define SSPR_ERROR_MAX 512

struct sspr_error {
	char msg[SSPR_ERROR_MAX];
};

/* Short English text for a status code ("record is corrupt"). Never NULL. */
const char *sspr_strerror(int status);

/* Formats the message into err (NULL err is allowed) and returns status, so
 * callers can write `return sspr_error_set(err, SSPR_EINVAL, "...")`. */
int sspr_error_set(struct sspr_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void sspr_error_clear(struct sspr_error *err);

#endif
