/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin report: the figures, gathered by report_collect.c and printed
 * by cmd_report.c. */
#ifndef SSPR_ADMIN_REPORT_H
#define SSPR_ADMIN_REPORT_H

#include "admin.h"

#define REPORT_NONE SSPR_METHOD_COUNT /* after every method (method.h's order): "none" */
#define REPORT_METHODS (REPORT_NONE + 1)

/* Results the module writes for action "reset"; anything else is "other".
 * The order is the order of the report. */
#define REPORT_RESULTS                                                                             \
	X(SUCCESS, "success")                                                                      \
	X(BAD_CODE, "bad-code")                                                                    \
	X(REPLAYED_CODE, "replayed-code")                                                          \
	X(BAD_ANSWER, "bad-answer")                                                                \
	X(REFUSED, "refused") /* by the delegated service (pam:SERVICE) */                         \
	X(LOCKED, "locked")                                                                        \
	X(NOT_ELIGIBLE, "not-eligible")                                                            \
	X(NOT_ENROLLED, "not-enrolled")                                                            \
	X(ACCOUNT_DISABLED, "account-disabled")                                                    \
	X(UNAVAILABLE, "unavailable")                                                              \
	X(PASSWORD_CHANGE_FAILED, "password-change-failed")                                        \
	X(ABORTED, "aborted")                                                                      \
	X(EXPIRED_CODE, "expired-code")                                                            \
	X(OTHER, "other")

/* clang-format cannot see through the X-macro. */
/* clang-format off */
enum report_result {
#define X(id, name) REPORT_R_##id,
	REPORT_RESULTS
#undef X
	REPORT_RESULT_COUNT
};
/* clang-format on */

struct report_resets {
	unsigned attempts;
	unsigned successes;
	unsigned failures; /* failed verifications: bad or replayed */
	unsigned locked;   /* refused because resets were locked */
};

struct admin_report {
	int64_t now;
	int64_t since;
	unsigned days;

	/* registration coverage, over the accounts NSS lists */
	unsigned eligible;
	unsigned registered;
	unsigned by_method[REPORT_METHODS - 1]; /* eligible users who can use it */
	char **unregistered;			/* names, in NSS order */
	size_t n_unregistered, cap_unregistered;
	unsigned corrupt_records;
	unsigned ineligible_records; /* records of users who cannot reset */

	/* activity since `since` */
	struct report_resets resets;
	struct report_resets resets_by[REPORT_METHODS];
	unsigned results[REPORT_RESULT_COUNT];
	unsigned lockouts; /* locks started */
	unsigned enrollments;
	unsigned enrollments_by[REPORT_METHODS];
	unsigned revocations;
	unsigned unlocks;
	unsigned corrupt_events;
};

/* Name of method index i (0..REPORT_METHODS-1); "none" for the last. */
const char *report_method_name(unsigned i);
const char *report_result_name(unsigned i);

/* Fills rep (now, since and days set by the caller). Prints any error and
 * returns the exit code. */
int report_collect(const struct admin_ctx *ctx, struct sspr_store *st, struct admin_report *rep);
void report_free(struct admin_report *rep);

#endif
