/* SPDX-License-Identifier: BSD-2-Clause */
/* Who may enroll and reset: the policy's group, min_uid and root rules
 * applied to a real account looked up through NSS. */
#ifndef SSPR_ELIGIBILITY_H
#define SSPR_ELIGIBILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

enum sspr_eligibility {
	SSPR_ELIGIBLE = 0,
	SSPR_NOT_ELIGIBLE_NO_USER,  /* no such account */
	SSPR_NOT_ELIGIBLE_ROOT,     /* uid 0 and allow_root = no */
	SSPR_NOT_ELIGIBLE_UID,      /* uid below min_uid */
	SSPR_NOT_ELIGIBLE_GROUP,    /* not a member of the policy group */
	SSPR_NOT_ELIGIBLE_ERROR,    /* NSS lookup failed */
};

/* The account as NSS gave it, kept so that nobody asks again. */
struct sspr_user_ids {
	uid_t uid;
	gid_t gid; /* primary group */
};

/* Looks the user up and applies the policy. *ids (may be NULL) receives
 * the account's uid and primary group when it exists. */
enum sspr_eligibility sspr_user_eligibility(const struct sspr_policy *pol, const char *user,
					    struct sspr_user_ids *ids);

/* One getXXnam_r-style NSS lookup into buf: returns its error code and
 * sets *found. sspr_nss_lookup() runs it with a buffer that grows as the
 * entry needs, up to a bound: 1 found, 0 no such entry, -1 the lookup
 * itself failed. */
typedef int (*sspr_nss_lookup_fn)(const char *name, char *buf, size_t size, void *out,
				  bool *found);
int sspr_nss_lookup(const char *name, sspr_nss_lookup_fn lookup, void *out);

/* NSS lookups with a bounded buffer that grows as entries need: 1 found
 * (out-parameters set; either may be NULL), 0 no such entry, -1 the lookup
 * itself failed. */
int sspr_lookup_user(const char *user, uid_t *uid, gid_t *gid);
int sspr_lookup_group(const char *group, gid_t *gid);

/* True when the user (by name, primary group gid) is in group. "*" matches
 * everyone. */
bool sspr_user_in_group(const char *user, gid_t primary_gid, const char *group);
/* The same as 1 member, 0 not (or no such group), -1 the lookup failed. */
int sspr_group_membership(const char *user, gid_t primary_gid, const char *group);

/* Short reason for logs and tool messages ("not in group sspr" needs the
 * policy, so this gives the fixed part: "not a member of the group"); a
 * message id (i18n.h), logged as it is, translated where a user reads it. */
const char *sspr_eligibility_reason(enum sspr_eligibility e);

/* What one user must prove to reset or unlock: which of the policy's
 * methods count for them and how many distinct ones. Everyone gets
 * methods and methods_required, except that under admin_policy = strict
 * root and the members of admin_group need two and questions do not count
 * (a guessed or looked-up answer must not hand over root). Stated here
 * once, for the reset, the reminders, sspr-enroll and the report. */
struct sspr_rule {
	unsigned methods;  /* bitmask of enum sspr_method */
	unsigned required; /* distinct methods to pass */
	bool admin;        /* the stricter rule applies */
};

/* The rule for user, whose account (ids) NSS gave; an account that does
 * not exist (ids NULL) gets everyone's, after the same group look-up, so
 * the cost says nothing of who exists. */
void sspr_rule_of(const struct sspr_policy *pol, const char *user,
		  const struct sspr_user_ids *ids, struct sspr_rule *rule);

/* The rule's requirement as one sentence for a user ("Administrators need
 * 2 different methods, security questions not among them."), or "" for
 * everyone's rule. */
const char *sspr_rule_text(const struct sspr_rule *rule);

/* Methods the user can use to reset: enrolled in rec and counting under
 * their rule, and the delegated service (pam:SERVICE) once they have
 * registered a method of their own. */
struct sspr_record;
unsigned sspr_usable_methods(const struct sspr_rule *rule, const struct sspr_record *rec);

/* What registration = remind / require and the re-confirmation nudge need
 * of a record, small enough for the account hook to keep on the host
 * (pam_sspr/reminder_cache.c): the methods enrolled (the delegated one as
 * sspr_usable_methods counts it), whatever the policy allows, and when they were last confirmed (enrolled or re-confirmed; 0:
 * never). The rules below are stated once, on this. */
struct sspr_registration_summary {
	unsigned methods;
	int64_t confirmed_at;
};
void sspr_registration_summarize(const struct sspr_record *rec,
				 struct sspr_registration_summary *out);
bool sspr_summary_complete(const struct sspr_rule *rule,
			   const struct sspr_registration_summary *sum);
bool sspr_summary_reconfirm_due(const struct sspr_policy *pol,
				const struct sspr_registration_summary *sum, int64_t now);

/* True when the user has as many usable methods as their rule requires:
 * what registration = remind / require asks of them. */
bool sspr_registration_complete(const struct sspr_rule *rule, const struct sspr_record *rec);

/* True when reconfirm_days is set and the methods were last confirmed
 * (enrolled or re-confirmed) longer ago than that at now. */
bool sspr_reconfirm_due(const struct sspr_policy *pol, const struct sspr_record *rec,
			int64_t now);

#endif
