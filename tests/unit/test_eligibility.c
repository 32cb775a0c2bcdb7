/* SPDX-License-Identifier: BSD-2-Clause */
/* Eligibility against the real account database: root and nobody exist on
 * every Debian system, so the root, min_uid and group rules can be checked
 * without touching /etc. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "eligibility.h"
#include "record.h"
#include "util.h"

#define NO_USER "sspr-test-no-such-user"
#define NO_GROUP "sspr-test-no-such-group"

static struct sspr_policy pol;

static int reset_policy(void **state)
{
	sspr_policy_defaults(&pol);
	return 0;
}

/* nobody's uid and primary group name, looked up rather than assumed. */
static void nobody(uid_t *uid, gid_t *gid, char *group, size_t size)
{
	struct passwd *pw = getpwnam("nobody");
	struct group *gr;

	if (pw == NULL) {
		print_message("skipped: no account 'nobody'\n");
		skip();
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	gr = getgrgid(pw->pw_gid);
	assert_non_null(gr);
	snprintf(group, size, "%s", gr->gr_name);
}

static void test_root_is_governed_by_allow_root_alone(void **state)
{
	struct sspr_user_ids ids = {.uid = 4242};

	assert_int_equal(sspr_user_eligibility(&pol, "root", &ids), SSPR_NOT_ELIGIBLE_ROOT);
	assert_int_equal(ids.uid, 0);
	assert_int_equal(sspr_policy_set(&pol, "allow_root", "yes", NULL), SSPR_OK);
	assert_int_equal(sspr_policy_set(&pol, "group", "*", NULL), SSPR_OK);
	/* min_uid stays 1000: it never applies to root. */
	assert_int_equal(sspr_user_eligibility(&pol, "root", NULL), SSPR_ELIGIBLE);
	assert_int_equal(sspr_policy_set(&pol, "group", NO_GROUP, NULL), SSPR_OK);
	assert_int_equal(sspr_user_eligibility(&pol, "root", NULL), SSPR_NOT_ELIGIBLE_GROUP);
}

static void test_min_uid_is_a_lower_bound(void **state)
{
	char group[256], n[32];
	uid_t uid;
	struct sspr_user_ids got = {0};
	gid_t gid;

	nobody(&uid, &gid, group, sizeof(group));
	assert_int_equal(sspr_policy_set(&pol, "group", "*", NULL), SSPR_OK);
	snprintf(n, sizeof(n), "%lu", (unsigned long)uid);
	assert_int_equal(sspr_policy_set(&pol, "min_uid", n, NULL), SSPR_OK);
	assert_int_equal(sspr_user_eligibility(&pol, "nobody", &got), SSPR_ELIGIBLE);
	assert_int_equal(got.uid, uid);
	assert_int_equal(got.gid, gid);
	snprintf(n, sizeof(n), "%lu", (unsigned long)uid + 1);
	assert_int_equal(sspr_policy_set(&pol, "min_uid", n, NULL), SSPR_OK);
	assert_int_equal(sspr_user_eligibility(&pol, "nobody", NULL), SSPR_NOT_ELIGIBLE_UID);
}

static void test_group_rule(void **state)
{
	char group[256];
	uid_t uid;
	gid_t gid;

	nobody(&uid, &gid, group, sizeof(group));
	assert_int_equal(sspr_policy_set(&pol, "min_uid", "0", NULL), SSPR_OK);
	/* Primary group counts. */
	assert_int_equal(sspr_policy_set(&pol, "group", group, NULL), SSPR_OK);
	assert_int_equal(sspr_user_eligibility(&pol, "nobody", NULL), SSPR_ELIGIBLE);
	/* A group that does not exist has no members. */
	assert_int_equal(sspr_policy_set(&pol, "group", NO_GROUP, NULL), SSPR_OK);
	assert_int_equal(sspr_user_eligibility(&pol, "nobody", NULL), SSPR_NOT_ELIGIBLE_GROUP);
	assert_false(sspr_user_in_group("nobody", gid, NO_GROUP));
	if (gid != 0) {
		assert_int_equal(sspr_policy_set(&pol, "group", "root", NULL), SSPR_OK);
		assert_int_equal(sspr_user_eligibility(&pol, "nobody", NULL),
				 SSPR_NOT_ELIGIBLE_GROUP);
	}
	assert_true(sspr_user_in_group("nobody", gid, "*"));
	assert_true(sspr_user_in_group(NO_USER, 4242, "*"));
}

/* Any supplementary membership listed in the group database counts. */
static void test_supplementary_group_counts(void **state)
{
	struct group *gr;
	int checked = 0;

	setgrent();
	while ((gr = getgrent()) != NULL && checked < 5) {
		for (char **m = gr->gr_mem; *m != NULL; m++) {
			uid_t uid;
			gid_t gid;

			if (sspr_lookup_user(*m, &uid, &gid) != 1 || gid == gr->gr_gid)
				continue;
			assert_true(sspr_user_in_group(*m, gid, gr->gr_name));
			checked++;
		}
	}
	endgrent();
	if (checked == 0) {
		print_message("skipped: no supplementary group members on this system\n");
		skip();
	}
}

static void test_unknown_or_unreasonable_user_is_no_user(void **state)
{
	char longname[SSPR_USER_MAX + 2];
	struct sspr_user_ids ids = {.uid = 4242, .gid = 4242};
	uid_t uid = 4242;
	gid_t gid = 4242;

	assert_int_equal(sspr_policy_set(&pol, "group", "*", NULL), SSPR_OK);
	assert_int_equal(sspr_user_eligibility(&pol, NO_USER, &ids), SSPR_NOT_ELIGIBLE_NO_USER);
	assert_int_equal(ids.uid, 4242); /* untouched when there is no account */
	assert_int_equal(sspr_user_eligibility(&pol, "", NULL), SSPR_NOT_ELIGIBLE_NO_USER);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(sspr_user_eligibility(&pol, longname, NULL), SSPR_NOT_ELIGIBLE_NO_USER);
	assert_int_equal(sspr_lookup_user(NO_USER, &uid, &gid), 0);
	assert_int_equal(sspr_lookup_user("root", &uid, &gid), 1);
	assert_int_equal(uid, 0);
	assert_int_equal(sspr_lookup_user("root", NULL, NULL), 1);
	assert_int_equal(sspr_lookup_group(NO_GROUP, &gid), 0);
	assert_int_equal(sspr_lookup_group("root", &gid), 1);
	assert_int_equal(gid, 0);
}

static void test_reasons_are_short_and_distinct(void **state)
{
	static const enum sspr_eligibility all[] = {
	    SSPR_ELIGIBLE,	   SSPR_NOT_ELIGIBLE_NO_USER, SSPR_NOT_ELIGIBLE_ROOT,
	    SSPR_NOT_ELIGIBLE_UID, SSPR_NOT_ELIGIBLE_GROUP,   SSPR_NOT_ELIGIBLE_ERROR,
	};
	const size_t n = sizeof(all) / sizeof(all[0]);

	for (size_t i = 0; i < n; i++) {
		const char *r = sspr_eligibility_reason(all[i]);

		assert_non_null(r);
		assert_true(strlen(r) > 0 && strlen(r) < 64);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(r, sspr_eligibility_reason(all[j]));
	}
	assert_string_equal(sspr_eligibility_reason(SSPR_NOT_ELIGIBLE_GROUP),
			    "not a member of the group");
	assert_non_null(sspr_eligibility_reason((enum sspr_eligibility)99));
}

/* The rule for nobody, who is in no admin group of a stock system. */
static void nobody_rule(struct sspr_rule *rule)
{
	struct sspr_user_ids ids;
	char group[256];

	nobody(&ids.uid, &ids.gid, group, sizeof(group));
	sspr_rule_of(&pol, "nobody", &ids, rule);
}

static void test_usable_methods_are_enrolled_and_allowed(void **state)
{
	struct sspr_record rec;
	struct sspr_rule rule;

	sspr_record_init(&rec);
	nobody_rule(&rule);
	assert_int_equal(sspr_usable_methods(&rule, &rec), 0);
	rec.n_totp = 1;
	snprintf(rec.totp[0].name, sizeof(rec.totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec.has_email = true;
	rec.email.verified = true;
	assert_int_equal(sspr_usable_methods(&rule, &rec), SSPR_METHOD_TOTP | SSPR_METHOD_EMAIL);
	assert_int_equal(sspr_policy_set(&pol, "methods", "email questions", NULL), SSPR_OK);
	nobody_rule(&rule);
	assert_int_equal(sspr_usable_methods(&rule, &rec), SSPR_METHOD_EMAIL);
	assert_int_equal(sspr_policy_set(&pol, "methods", "recovery", NULL), SSPR_OK);
	nobody_rule(&rule);
	assert_int_equal(sspr_usable_methods(&rule, &rec), 0);
}

/* pam:SERVICE is usable, and counts toward registration, for whoever has
 * registered a method of their own; a pass alone does not bring it. */
static void test_delegated_method_joins_a_registration(void **state)
{
	struct sspr_registration_summary sum;
	struct sspr_record rec;
	struct sspr_rule rule;

	assert_int_equal(sspr_policy_set(&pol, "methods", "totp pass pam:sspr-u2f", NULL), SSPR_OK);
	assert_string_equal(pol.delegated_service, "sspr-u2f");
	assert_int_equal(sspr_policy_set(&pol, "methods_required", "2", NULL), SSPR_OK);
	nobody_rule(&rule);
	sspr_record_init(&rec);
	assert_int_equal(sspr_usable_methods(&rule, &rec), 0);
	rec.has_pass = true;
	rec.pass.uses_left = 1;
	rec.pass.issued_at = 1;
	rec.pass.expires_at = INT64_MAX;
	assert_int_equal(sspr_usable_methods(&rule, &rec), SSPR_METHOD_PASS);
	assert_false(sspr_registration_complete(&rule, &rec));
	rec.n_totp = 1;
	snprintf(rec.totp[0].name, sizeof(rec.totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	assert_int_equal(sspr_usable_methods(&rule, &rec),
			 SSPR_METHOD_TOTP | SSPR_METHOD_PASS | SSPR_METHOD_PAM);
	assert_true(sspr_registration_complete(&rule, &rec));
	sspr_registration_summarize(&rec, &sum);
	assert_int_equal(sspr_summary_complete(&rule, &sum), true);
	/* Without pam: in the policy it counts for nobody. */
	assert_int_equal(sspr_policy_set(&pol, "methods", "totp email", NULL), SSPR_OK);
	assert_string_equal(pol.delegated_service, "");
	nobody_rule(&rule);
	assert_int_equal(sspr_usable_methods(&rule, &rec), SSPR_METHOD_TOTP);
	assert_false(sspr_registration_complete(&rule, &rec));
	assert_int_equal(sspr_policy_set(&pol, "methods_required", "1", NULL), SSPR_OK);
}

/* admin_policy = strict: root and admin_group's members need two methods
 * and questions do not count; everyone else, and strangers, get the
 * policy's methods and methods_required. */
static void test_admins_prove_two_methods_without_questions(void **state)
{
	struct sspr_user_ids root_ids = {.uid = 0, .gid = 0}, ids;
	struct sspr_record rec;
	struct sspr_rule rule;
	char group[256];
	const unsigned all = SSPR_METHOD_TOTP | SSPR_METHOD_QUESTIONS | SSPR_METHOD_EMAIL |
			     SSPR_METHOD_RECOVERY;

	nobody(&ids.uid, &ids.gid, group, sizeof(group));
	assert_int_equal(pol.admin_policy, SSPR_ADMIN_STRICT); /* the default */
	sspr_rule_of(&pol, "nobody", &ids, &rule);
	assert_false(rule.admin);
	assert_int_equal(rule.methods, all);
	assert_int_equal(rule.required, 1);
	assert_string_equal(sspr_rule_text(&rule), "");

	sspr_rule_of(&pol, "root", &root_ids, &rule);
	assert_true(rule.admin);
	assert_int_equal(rule.methods, all & ~(unsigned)SSPR_METHOD_QUESTIONS);
	assert_int_equal(rule.required, 2);
	assert_non_null(strstr(sspr_rule_text(&rule), "security questions"));

	/* Membership through the primary group is membership. */
	assert_int_equal(sspr_policy_set(&pol, "admin_group", group, NULL), SSPR_OK);
	sspr_rule_of(&pol, "nobody", &ids, &rule);
	assert_true(rule.admin);
	/* A stranger is nobody's member, whatever the name. */
	sspr_rule_of(&pol, NO_USER, NULL, &rule);
	assert_false(rule.admin);
	assert_int_equal(rule.required, 1);

	/* Two usable methods, one of them questions: short of the rule. */
	sspr_rule_of(&pol, "nobody", &ids, &rule);
	sspr_record_init(&rec);
	rec.n_totp = 1;
	snprintf(rec.totp[0].name, sizeof(rec.totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec.n_questions = 3;
	assert_int_equal(sspr_usable_methods(&rule, &rec), SSPR_METHOD_TOTP);
	assert_false(sspr_registration_complete(&rule, &rec));
	rec.n_recovery = 1;
	assert_true(sspr_registration_complete(&rule, &rec));

	assert_int_equal(sspr_policy_set(&pol, "admin_policy", "same", NULL), SSPR_OK);
	sspr_rule_of(&pol, "root", &root_ids, &rule);
	assert_false(rule.admin);
	assert_int_equal(rule.methods, all);
	assert_int_equal(rule.required, 1);
	assert_int_not_equal(sspr_policy_set(&pol, "admin_policy", "lenient", NULL), SSPR_OK);
}

/* A stand-in NSS lookup whose entry needs need bytes: it counts the reads
 * (each of which, with a real source, reads it again from the start). */
struct sized_entry {
	size_t need;
	unsigned reads;
};

static int sized_lookup(const char *name, char *buf, size_t size, void *out, bool *found)
{
	struct sized_entry *e = out;

	(void)name;
	e->reads++;
	*found = false;
	if (size < e->need)
		return ERANGE;
	memset(buf, 'x', e->need);
	*found = true;
	return 0;
}

static void test_lookup_buffer_grows_in_few_reads(void **state)
{
	/* A group listing a thousand members (about 17 KiB with its member
	 * pointers) is read once; every entry up to the bound in at most
	 * three reads; one beyond the bound is an error, not "no entry". */
	struct sized_entry thousand = {.need = 17 * 1024};
	struct sized_entry near_bound = {.need = 1000 * 1024};
	struct sized_entry too_big = {.need = 2 * 1024 * 1024};

	assert_int_equal(sspr_nss_lookup("g", sized_lookup, &thousand), 1);
	assert_int_equal(thousand.reads, 1);
	assert_int_equal(sspr_nss_lookup("g", sized_lookup, &near_bound), 1);
	assert_in_range(near_bound.reads, 1, 3);
	assert_int_equal(sspr_nss_lookup("g", sized_lookup, &too_big), -1);
	assert_in_range(too_big.reads, 1, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_root_is_governed_by_allow_root_alone, reset_policy),
	    cmocka_unit_test_setup(test_min_uid_is_a_lower_bound, reset_policy),
	    cmocka_unit_test_setup(test_group_rule, reset_policy),
	    cmocka_unit_test_setup(test_supplementary_group_counts, reset_policy),
	    cmocka_unit_test_setup(test_unknown_or_unreasonable_user_is_no_user, reset_policy),
	    cmocka_unit_test_setup(test_reasons_are_short_and_distinct, reset_policy),
	    cmocka_unit_test_setup(test_usable_methods_are_enrolled_and_allowed, reset_policy),
	    cmocka_unit_test_setup(test_delegated_method_joins_a_registration, reset_policy),
	    cmocka_unit_test_setup(test_admins_prove_two_methods_without_questions, reset_policy),
	    cmocka_unit_test(test_lookup_buffer_grows_in_few_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
