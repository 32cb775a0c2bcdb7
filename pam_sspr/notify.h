/* SPDX-License-Identifier: BSD-2-Clause */
/* Mail about resets: to the user (notify_user) on every reset and on a
 * lockout, to admin_mail (notify_admins) when a member of admin_group
 * resets. Mail is best effort: a failure is logged and changes nothing. */
#ifndef SSPR_NOTIFY_H
#define SSPR_NOTIFY_H

#include <stdbool.h>

#include "record.h"
#include "session.h"

enum sspr_notice {
	SSPR_NOTICE_RESET,  /* the password was reset */
	SSPR_NOTICE_LOCKED, /* failed attempts locked password reset */
	SSPR_NOTICE_UNLOCKED, /* the account was unlocked, the password kept */
};

void sspr_notify(struct sspr_session *s, const struct sspr_record *rec, enum sspr_notice what);

#endif
