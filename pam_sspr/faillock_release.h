/* SPDX-License-Identifier: BSD-2-Clause */
/* Clearing pam_faillock's lock once a user has proved who they are: a
 * reset or an unlock leaves no tally behind, so the login that follows
 * is not refused for the failures that led to it. */
#ifndef SSPR_FAILLOCK_RELEASE_H
#define SSPR_FAILLOCK_RELEASE_H

#include <stdbool.h>

#include "session.h"

/* Clears the user's tally in every directory pam_faillock uses for this
 * service: each pam_faillock line's dir= (or its conf= file's, or
 * faillock.conf's), found by reading the service's stack, and
 * faillock.conf's own directory. Returns true when this very login is
 * still refused: pam_faillock already ran earlier in this stack and the
 * tally it saw locked the user (its verdict stands; the next login
 * succeeds; "earlier" is what pam_faillock records from 1.7.2 on, or
 * else an auth pam_faillock line before pam_sspr's). Failures are logged; they never stop the
 * login. */
bool sspr_faillock_release(struct sspr_session *s);

#endif
