/* SPDX-License-Identifier: BSD-2-Clause */
/* Eligibility: NSS lookups of the account and its groups, then the
 * policy's root, min_uid and group rules. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "eligibility.h"
#include "record.h"
#include "util.h"

/* Every retry after ERANGE reads the source again from the start (with
 * files, every line up to the entry), so the first buffer is big enough
 * for a group listing a thousand members and the next ones grow fast:
 * from 4 KiB doubling, such a group cost four reads of /etc/group on every
 * eligible user's login (BENCHMARKS.md, "What an ordinary login pays"). */
#define NSS_BUFFER_FIRST (64 * 1024)
#define NSS_BUFFER_GROWTH 4
#define NSS_BUFFER_MAX (1024 * 1024) /* a group with every user of a big site */
#define GROUPS_MAX 65536

/* Runs lookup with a buffer that grows on ERANGE (a group listing every
 * user of a large site needs far more than the first). Returns 1 found, 0 not
 * found, -1 error. */
int sspr_nss_lookup(const char *name, sspr_nss_lookup_fn lookup, void *out)
{
	size_t size = NSS_BUFFER_FIRST;
	char *buf = NULL;
	int result = -1;

	/* Names come from PAM conversations and command lines: bound them
	 * before NSS modules (LDAP, SSSD) see them. No valid name is empty or
	 * longer than SSPR_USER_MAX (group names are shorter still). */
	if (name == NULL || name[0] == '\0' || strnlen(name, SSPR_USER_MAX + 1) > SSPR_USER_MAX)
		return 0;
	for (;;) {
		bool found = false;
		int rc;

		/* A fresh buffer each round, the old one wiped: a shadow entry
		 * holds the password hash, and none of it is left behind. */
		if (buf != NULL)
			explicit_bzero(buf, size / NSS_BUFFER_GROWTH);
		free(buf);
		buf = malloc(size);
		if (buf == NULL)
			break;
		rc = lookup(name, buf, size, out, &found);
		if (rc == ERANGE && size < NSS_BUFFER_MAX) {
			size *= NSS_BUFFER_GROWTH;
			continue;
		}
		if (rc == 0 && found)
			result = 1;
		else if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
			result = 0; /* glibc's ways of saying "no such entry" */
		explicit_bzero(buf, size);
		break;
	}
	free(buf);
	return result;
}

struct account {
	uid_t uid;
	gid_t gid;
};

static int passwd_lookup(const char *name, char *buf, size_t size, void *out, bool *found)
{
	struct account *acct = out;
	struct passwd pw, *res = NULL;
	int rc = getpwnam_r(name, &pw, buf, size, &res);

	*found = rc == 0 && res != NULL;
	if (*found) {
		acct->uid = pw.pw_uid;
		acct->gid = pw.pw_gid;
	}
	return rc;
}

struct group_query {
	const char *member; /* whose listing to look for, or NULL */
	gid_t gid;
	bool listed;
};

static int group_lookup(const char *name, char *buf, size_t size, void *out, bool *found)
{
	struct group_query *q = out;
	struct group gr, *res = NULL;
	int rc = getgrnam_r(name, &gr, buf, size, &res);

	*found = rc == 0 && res != NULL;
	if (!*found)
		return rc;
	q->gid = gr.gr_gid;
	q->listed = false;
	for (char **m = gr.gr_mem; q->member != NULL && m != NULL && *m != NULL; m++)
		if (strcmp(*m, q->member) == 0)
			q->listed = true;
	return rc;
}

int sspr_lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct account acct;
	int found = sspr_nss_lookup(user, passwd_lookup, &acct);

	if (found == 1) {
		if (uid != NULL)
			*uid = acct.uid;
		if (gid != NULL)
			*gid = acct.gid;
	}
	return found;
}

int sspr_lookup_group(const char *group, gid_t *gid)
{
	struct group_query q = {0};
	int found = sspr_nss_lookup(group, group_lookup, &q);

	if (found == 1 && gid != NULL)
		*gid = q.gid;
	return found;
}

bool sspr_user_in_group(const char *user, gid_t primary_gid, const char *group)
{
	return sspr_group_membership(user, primary_gid, group) == 1;
}

int sspr_group_membership(const char *user, gid_t primary_gid, const char *group)
{
	struct group_query q = {.member = user};
	gid_t want, *groups = NULL;
	int n = 64, found;
	int member = -1;

	if (strcmp(group, "*") == 0)
		return 1;
	if (user == NULL || strnlen(user, SSPR_USER_MAX + 1) > SSPR_USER_MAX)
		return 0;
	found = sspr_nss_lookup(group, group_lookup, &q);
	if (found != 1)
		return found; /* 0: a group that does not exist has no members */
	/* The entry lists its members, and a name it lists is a member: no
	 * need to ask for all of the user's groups, which with the files
	 * source reads every line of /etc/group on every login. Only a user
	 * the entry does not list (a member through a source that lists no
	 * members, or another source's entry of the same name) takes the
	 * full look-up. */
	if (primary_gid == q.gid || q.listed)
		return 1;
	want = q.gid;
	for (;;) {
		int got = n;
		gid_t *ng = realloc(groups, (size_t)n * sizeof(*groups));

		if (ng == NULL)
			break;
		groups = ng;
		if (getgrouplist(user, primary_gid, groups, &got) >= 0) {
			member = 0;
			for (int i = 0; i < got; i++)
				if (groups[i] == want)
					member = 1;
			break;
		}
		if (got <= n || got > GROUPS_MAX)
			break;
		n = got;
	}
	free(groups);
	return member;
}

enum sspr_eligibility sspr_user_eligibility(const struct sspr_policy *pol, const char *user,
					    struct sspr_user_ids *ids)
{
	uid_t uid = 0;
	gid_t gid = 0;
	int found = sspr_lookup_user(user, &uid, &gid);

	if (found < 0)
		return SSPR_NOT_ELIGIBLE_ERROR;
	if (found == 0)
		return SSPR_NOT_ELIGIBLE_NO_USER;
	if (ids != NULL)
		*ids = (struct sspr_user_ids){.uid = uid, .gid = gid};
	if (uid == 0) {
		if (!pol->allow_root)
			return SSPR_NOT_ELIGIBLE_ROOT;
	} else if (uid < pol->min_uid) {
		return SSPR_NOT_ELIGIBLE_UID;
	}
	if (!sspr_user_in_group(user, gid, pol->group))
		return SSPR_NOT_ELIGIBLE_GROUP;
	return SSPR_ELIGIBLE;
}

const char *sspr_eligibility_reason(enum sspr_eligibility e)
{
	switch (e) {
	case SSPR_ELIGIBLE:
		return N_("eligible");
	case SSPR_NOT_ELIGIBLE_NO_USER:
		return N_("no such account");
	case SSPR_NOT_ELIGIBLE_ROOT:
		return N_("root may not reset (allow_root = no)");
	case SSPR_NOT_ELIGIBLE_UID:
		return N_("uid below min_uid");
	case SSPR_NOT_ELIGIBLE_GROUP:
		return N_("not a member of the group");
	case SSPR_NOT_ELIGIBLE_ERROR:
		return N_("account lookup failed");
	}
	return N_("not eligible");
}

void sspr_rule_of(const struct sspr_policy *pol, const char *user,
		  const struct sspr_user_ids *ids, struct sspr_rule *rule)
{
	int member;

	*rule = (struct sspr_rule){.methods = pol->methods, .required = pol->methods_required};
	if (pol->admin_policy != SSPR_ADMIN_STRICT)
		return;
	/* Asked for strangers too, with a primary group that is nobody's.
	 * A lookup that fails makes an administrator of the user: the
	 * stricter rule, never the weaker one. */
	member = sspr_group_membership(user, ids != NULL ? ids->gid : (gid_t)-1, pol->admin_group);
	if (ids == NULL || !(member != 0 || ids->uid == 0))
		return;
	rule->admin = true;
	rule->methods = pol->methods & ~(unsigned)SSPR_METHOD_QUESTIONS;
	rule->required = 2;
}

const char *sspr_rule_text(const struct sspr_rule *rule)
{
	return rule->admin ? _("Administrators need 2 different methods, security questions not "
			       "among them.")
			   : "";
}

/* What the record has, and the delegated service for whoever registered a
 * method of their own: pam_sspr cannot see who the service knows (a
 * security key's owner, a push app's), so the policy that names it vouches
 * for its registered users. */
static unsigned record_and_delegated(const struct sspr_record *rec)
{
	unsigned have = sspr_record_methods(rec);

	if (have & ~(unsigned)SSPR_METHODS_UNREGISTRABLE)
		have |= SSPR_METHOD_PAM;
	return have;
}

unsigned sspr_usable_methods(const struct sspr_rule *rule, const struct sspr_record *rec)
{
	return record_and_delegated(rec) & rule->methods;
}

void sspr_registration_summarize(const struct sspr_record *rec,
				 struct sspr_registration_summary *out)
{
	/* A pass from the helpdesk is a way in for a while, not a
	 * registration: its holder is still reminded to register. */
	out->methods = record_and_delegated(rec) & ~(unsigned)SSPR_METHOD_PASS;
	out->confirmed_at = rec->confirmed_at != 0 ? rec->confirmed_at : rec->registered_at;
}

bool sspr_summary_complete(const struct sspr_rule *rule,
			   const struct sspr_registration_summary *sum)
{
	return sspr_method_count(sum->methods & rule->methods) >= rule->required;
}

bool sspr_summary_reconfirm_due(const struct sspr_policy *pol,
				const struct sspr_registration_summary *sum, int64_t now)
{
	if (pol->reconfirm_days == 0 || sum->confirmed_at == 0)
		return false;
	return now - sum->confirmed_at > (int64_t)pol->reconfirm_days * 86400;
}

bool sspr_registration_complete(const struct sspr_rule *rule, const struct sspr_record *rec)
{
	struct sspr_registration_summary sum;

	sspr_registration_summarize(rec, &sum);
	return sspr_summary_complete(rule, &sum);
}

bool sspr_reconfirm_due(const struct sspr_policy *pol, const struct sspr_record *rec,
			int64_t now)
{
	struct sspr_registration_summary sum;

	sspr_registration_summarize(rec, &sum);
	return sspr_summary_reconfirm_due(pol, &sum, now);
}
