/* The challenges a user answers to prove who they are. Each returns
 * SSPR_OK when the user passed; every other outcome has already been told
 * to the user and reported (syslog + audit) when it returns. */
#ifndef SSPR_CHALLENGE_H
#define SSPR_CHALLENGE_H

#include "record.h"
#include "session.h"

int sspr_challenge_totp(struct sspr_session *s, const struct sspr_record *rec);

#endif
