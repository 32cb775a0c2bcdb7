/* SPDX-License-Identifier: BSD-2-Clause */
/* pam_faillock's tally as pam_sspr reads and clears it, and the PAM stack
 * reader that finds pam_faillock's settings, and its judgement of a
 * delegated method's stack. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "delegated_stack.h"
#include "faillock.h"
#include "pamconf.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sspr-faillock-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A tally of n valid failures at the given times, laid out as pam_faillock
 * writes struct tally. */
static void write_tally(const char *user, const uint64_t *times, unsigned n, uint16_t status)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, user);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0);
	for (unsigned i = 0; i < n; i++) {
		unsigned char rec[64] = {0};

		memcpy(rec, "tty1", 4);
		memcpy(rec + 54, &status, sizeof(status));
		memcpy(rec + 56, &times[i], sizeof(times[i]));
		assert_int_equal(write(fd, rec, sizeof(rec)), (ssize_t)sizeof(rec));
	}
	assert_int_equal(close(fd), 0);
}

static off_t tally_size(const char *user)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, user);
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void conf_in(struct sspr_faillock_conf *conf)
{
	sspr_faillock_defaults(conf);
	snprintf(conf->dir, sizeof(conf->dir), "%s", dir);
}

static void test_defaults_are_pam_faillocks(void **state)
{
	struct sspr_faillock_conf conf;

	sspr_faillock_defaults(&conf);
	assert_string_equal(conf.dir, "/var/run/faillock");
	assert_int_equal(conf.deny, 3);
	assert_int_equal(conf.fail_interval, 900);
	assert_int_equal(conf.unlock_time, 600);
}

static void test_conf_file_and_arguments(void **state)
{
	struct sspr_faillock_conf conf;
	char path[256];

	write_text("faillock.conf", "# comment\n  dir = /srv/tally  \ndeny=5\n"
				    "fail_interval = 60 # trailing\nunlock_time = never\n"
				    "silent\nbogus = 1\ndeny = lots\n");
	snprintf(path, sizeof(path), "%s/faillock.conf", dir);
	sspr_faillock_defaults(&conf);
	assert_int_equal(sspr_faillock_read_conf(path, &conf, NULL), SSPR_OK);
	assert_string_equal(conf.dir, "/srv/tally");
	assert_int_equal(conf.deny, 5); /* a malformed later value changes nothing */
	assert_int_equal(conf.fail_interval, 60);
	assert_int_equal(conf.unlock_time, 0);
	sspr_faillock_set(&conf, "dir", "relative/dir"); /* only absolute paths */
	assert_string_equal(conf.dir, "/srv/tally");
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(sspr_faillock_read_conf(path, &conf, NULL), SSPR_OK);
}

/* The tally directory must be root's: as another user the clearing is
 * (rightly) refused, so these cases need root. */
static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void test_locked_tally_is_seen_and_cleared(void **state)
{
	struct sspr_faillock_conf conf;
	const uint64_t times[] = {1000, 1010, 1020};
	bool locked = false;

	need_root();
	conf_in(&conf);
	write_tally("alice", times, 3, 1);
	assert_int_equal(sspr_faillock_clear(&conf, "alice", 1100, &locked, NULL), SSPR_OK);
	assert_true(locked);
	assert_int_equal(tally_size("alice"), 0);

	/* Past unlock_time the tally no longer locks, but is cleared all the same. */
	write_tally("alice", times, 3, 1);
	assert_int_equal(sspr_faillock_clear(&conf, "alice", 1020 + 601, &locked, NULL), SSPR_OK);
	assert_false(locked);
	assert_int_equal(tally_size("alice"), 0);
}

static void test_tally_below_deny_or_spread_out_does_not_lock(void **state)
{
	struct sspr_faillock_conf conf;
	const uint64_t two[] = {1000, 1010};
	const uint64_t spread[] = {100, 1000, 2000};
	bool locked = true;

	need_root();
	conf_in(&conf);
	write_tally("bob", two, 2, 1);
	assert_int_equal(sspr_faillock_clear(&conf, "bob", 1011, &locked, NULL), SSPR_OK);
	assert_false(locked);
	/* Failures further apart than fail_interval (900 s) do not add up. */
	write_tally("bob", spread, 3, 1);
	assert_int_equal(sspr_faillock_clear(&conf, "bob", 2001, &locked, NULL), SSPR_OK);
	assert_false(locked);
	/* Records pam_faillock marked invalid do not count. */
	write_tally("bob", two, 2, 0);
	assert_int_equal(sspr_faillock_clear(&conf, "bob", 1011, &locked, NULL), SSPR_OK);
	assert_false(locked);
}

static void test_missing_tally_and_hostile_names(void **state)
{
	struct sspr_faillock_conf conf;
	char target[256], sym[256], hard[256];
	bool locked = true;

	need_root();
	conf_in(&conf);
	assert_int_equal(sspr_faillock_clear(&conf, "nobody-here", 1, &locked, NULL), SSPR_OK);
	assert_false(locked);
	assert_int_equal(sspr_faillock_clear(&conf, "../etc", 1, &locked, NULL), SSPR_EINVAL);
	/* A symbolic link in the tally directory is not followed. */
	write_text("precious", "keep me");
	snprintf(target, sizeof(target), "%s/precious", dir);
	snprintf(sym, sizeof(sym), "%s/mallory", dir);
	assert_int_equal(symlink(target, sym), 0);
	assert_int_not_equal(sspr_faillock_clear(&conf, "mallory", 1, &locked, NULL), SSPR_OK);
	assert_int_equal(tally_size("precious"), 7);
	/* Nor a hard link to another file. */
	snprintf(hard, sizeof(hard), "%s/eve", dir);
	assert_int_equal(link(target, hard), 0);
	assert_int_not_equal(sspr_faillock_clear(&conf, "eve", 1, &locked, NULL), SSPR_OK);
	assert_int_equal(tally_size("precious"), 7);
	/* Nor anything in a directory others may write to. */
	assert_int_equal(chmod(dir, 0777), 0);
	write_tally("trudy", NULL, 0, 1);
	write_text("trudy", "not a tally");
	assert_int_equal(sspr_faillock_clear(&conf, "trudy", 1, &locked, NULL), SSPR_EACCES);
	assert_int_equal(tally_size("trudy"), 11);
	assert_int_equal(chmod(dir, 0700), 0);
}

/* A tally the user filled with junk costs a bounded read. */
static void test_huge_tally_is_read_to_a_bound(void **state)
{
	struct sspr_faillock_conf conf;
	char path[256];
	bool locked = true;
	int fd;

	need_root();
	conf_in(&conf);
	snprintf(path, sizeof(path), "%s/zed", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64L * 1024 * 1024), 0); /* a million invalid records */
	assert_int_equal(close(fd), 0);
	assert_int_equal(sspr_faillock_clear(&conf, "zed", 1, &locked, NULL), SSPR_OK);
	assert_false(locked);
	assert_int_equal(tally_size("zed"), 0);
}

struct collected {
	char lines[16][256];
	int n;
};

static void collect(const struct sspr_pam_line *line, void *ctx)
{
	struct collected *c = ctx;
	size_t used;

	if (c->n >= 16)
		return;
	used = (size_t)snprintf(c->lines[c->n], sizeof(c->lines[0]), "%s%s %s", line->type,
				line->if_present ? "(-)" : "", line->module);
	for (int i = 0; i < line->argc && used < sizeof(c->lines[0]); i++)
		used += (size_t)snprintf(c->lines[c->n] + used, sizeof(c->lines[0]) - used, " %s",
					 line->argv[i]);
	c->n++;
}

static void test_stack_reader_follows_includes_in_order(void **state)
{
	struct collected c = {.n = 0};

	write_text("svc", "#%PAM-1.0\n"
			  "auth optional pam_sspr.so\n"
			  "@include common\n"
			  "auth [success=1 default=bad] pam_unix.so \\\n  try_first_pass\n"
			  "-auth optional pam_gnome_keyring.so\n"
			  "auth substack sub\n"
			  "account required pam_faillock.so dir=/x\n"
			  "auth include loop\n");
	write_text("common", "auth required pam_faillock.so preauth dir=/srv/fl # why\n");
	write_text("sub", "auth [default=die] pam_faillock.so authfail\n");
	write_text("loop", "auth include loop\nauth required pam_deny.so\n");
	assert_true(sspr_pamconf_walk(dir, "svc", "auth", collect, &c) >= 4);
	assert_string_equal(c.lines[0], "auth pam_sspr.so");
	assert_string_equal(c.lines[1], "auth pam_faillock.so preauth dir=/srv/fl");
	assert_string_equal(c.lines[2], "auth pam_unix.so try_first_pass");
	assert_string_equal(c.lines[3], "auth(-) pam_gnome_keyring.so");
	assert_string_equal(c.lines[4], "auth pam_faillock.so authfail");
	/* The include loop ends at the depth bound with its lines read. */
	assert_string_equal(c.lines[c.n - 1], "auth pam_deny.so");

	memset(&c, 0, sizeof(c));
	assert_true(sspr_pamconf_walk(dir, "svc", "account", collect, &c) >= 1);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "account pam_faillock.so dir=/x");
}

static void test_stack_reader_falls_back_to_other_and_refuses_paths(void **state)
{
	struct collected c = {.n = 0};

	write_text("other", "auth required pam_deny.so\n");
	assert_int_equal(sspr_pamconf_walk(dir, "no-such-service", NULL, collect, &c), 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(sspr_pamconf_walk(dir, "../etc/passwd", NULL, collect, &c), -1);
	assert_int_equal(sspr_pamconf_walk(dir, "", NULL, collect, &c), -1);
}

/* A delegated stack is judged through its includes; what would make the
 * method free, or make libpam run "other", is refused with the line. */
static void test_delegated_stack_judged(void **state)
{
	char why[300];

	(void)state;
	write_text("other", "auth required pam_unix.so\n");
	assert_false(sspr_delegated_stack_usable(dir, "absent", why, sizeof(why)));
	assert_non_null(strstr(why, "has no file"));
	write_text("good", "@include good-auth\n");
	write_text("good-auth", "auth required pam_oath.so usersfile=/etc/users.oath\n");
	assert_true(sspr_delegated_stack_usable(dir, "good", why, sizeof(why)));
	write_text("noauth", "account required pam_unix.so\n");
	assert_false(sspr_delegated_stack_usable(dir, "noauth", why, sizeof(why)));
	assert_non_null(strstr(why, "no auth line"));
	write_text("free", "auth required pam_u2f.so cue\n-auth sufficient pam_u2f.so nouserok\n");
	assert_false(sspr_delegated_stack_usable(dir, "free", why, sizeof(why)));
	assert_non_null(strstr(why, "free:2: pam_u2f.so nouserok"));
	write_text("permit", "auth include good-auth\nauth sufficient /lib/security/pam_permit.so\n");
	assert_false(sspr_delegated_stack_usable(dir, "permit", why, sizeof(why)));
	assert_non_null(strstr(why, "pam_permit"));
	write_text("loop", "auth required pam_sspr.so\n");
	assert_false(sspr_delegated_stack_usable(dir, "loop", why, sizeof(why)));
	assert_non_null(strstr(why, "runs pam_sspr"));
	/* An argument that only resembles one is no reason. */
	write_text("near", "auth required pam_oath.so usersfile=/etc/nullok\n");
	assert_true(sspr_delegated_stack_usable(dir, "near", why, sizeof(why)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_are_pam_faillocks),
	    cmocka_unit_test_setup_teardown(test_conf_file_and_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_locked_tally_is_seen_and_cleared, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tally_below_deny_or_spread_out_does_not_lock,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_tally_and_hostile_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_huge_tally_is_read_to_a_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stack_reader_follows_includes_in_order, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_delegated_stack_judged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stack_reader_falls_back_to_other_and_refuses_paths,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
