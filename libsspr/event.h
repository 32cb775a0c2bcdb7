/* SPDX-License-Identifier: BSD-2-Clause */
/* Audit events: one per outcome (reset attempt, enrollment, admin change),
 * kept in the store next to the records so `sspr-admin report` can read them
 * back. Fields are short strings so reports stay readable; none is a secret. */
#ifndef SSPR_EVENT_H
#define SSPR_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "util.h"

#define SSPR_EVENT_VERSION 1
#define SSPR_EVENT_WORD_MAX 31     /* action, result, method */
#define SSPR_EVENT_SERVICE_MAX 63
#define SSPR_EVENT_RHOST_MAX 255
#define SSPR_EVENT_DETAIL_MAX 127
#define SSPR_EVENT_ENCODED_MAX 1024

struct sspr_event {
	int64_t time;                              /* seconds since the epoch */
	char action[SSPR_EVENT_WORD_MAX + 1];      /* reset, enroll, revoke, unlock, lockout, ... */
	char result[SSPR_EVENT_WORD_MAX + 1];      /* success, bad-code, replay, locked, ... */
	char method[SSPR_EVENT_WORD_MAX + 1];      /* totp, questions, ... or empty */
	char user[SSPR_USER_MAX + 1];
	char service[SSPR_EVENT_SERVICE_MAX + 1];  /* PAM service or tool name */
	char rhost[SSPR_EVENT_RHOST_MAX + 1];      /* PAM_RHOST, may be empty */
	char detail[SSPR_EVENT_DETAIL_MAX + 1];    /* free text, may be empty */
};

/* Fills ev; over-long strings are truncated (an event is a log, not data
 * that must round-trip), NULL strings become empty. */
void sspr_event_set(struct sspr_event *ev, int64_t time, const char *action, const char *result,
		    const char *method, const char *user, const char *service, const char *rhost,
		    const char *detail);

int sspr_event_encode(const struct sspr_event *ev, uint8_t *buf, size_t cap, size_t *len);
/* Strict like sspr_record_decode: SSPR_ECORRUPT on any malformation. */
int sspr_event_decode(const uint8_t *buf, size_t len, struct sspr_event *ev);

#endif
