/* SPDX-License-Identifier: BSD-2-Clause */
/* pam_faillock's tally of failed logins, as its own faillock.c keeps it
 * (one file per user in its directory, 64-byte records): read to tell
 * whether it locks the user, and cleared once the user has proved who they
 * are. No PAM handle here; pam_sspr finds the settings (faillock.conf and
 * the stack's arguments) and calls these. */
#ifndef SSPR_FAILLOCK_H
#define SSPR_FAILLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

#define SSPR_FAILLOCK_DEFAULT_CONF "/etc/security/faillock.conf"
#define SSPR_FAILLOCK_DEFAULT_DIR "/var/run/faillock"
#define SSPR_FAILLOCK_DIR_MAX 1023

/* The settings that decide where the tally is and when it locks. */
struct sspr_faillock_conf {
	char dir[SSPR_FAILLOCK_DIR_MAX + 1];
	unsigned deny;		/* 0: never locks */
	unsigned fail_interval; /* seconds */
	unsigned unlock_time;	/* seconds; 0: until an admin unlocks */
};

/* pam_faillock's built-in defaults. */
void sspr_faillock_defaults(struct sspr_faillock_conf *conf);

/* Applies one "name=value" setting (a line of faillock.conf or an
 * argument of a pam_faillock line); settings that do not matter here are
 * ignored, as are malformed values (pam_faillock logs those itself). */
void sspr_faillock_set(struct sspr_faillock_conf *conf, const char *name, const char *value);

/* Reads faillock.conf at path onto conf; a missing file is no error. */
int sspr_faillock_read_conf(const char *path, struct sspr_faillock_conf *conf,
			    struct sspr_error *err);

/* Empties user's tally in conf->dir. *was_locked (may be NULL) says
 * whether the tally locked the user at `now` before it was cleared. A
 * missing tally is SSPR_OK with *was_locked false. */
int sspr_faillock_clear(const struct sspr_faillock_conf *conf, const char *user, int64_t now,
			bool *was_locked, struct sspr_error *err);

#endif
