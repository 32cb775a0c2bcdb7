/* SPDX-License-Identifier: BSD-2-Clause */
/* Safe file reads and atomic writes: what is refused (and with which
 * message), what is left on disk when a write is refused. */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
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

#include "safefile.h"

static char dir[64];
static char path[128];

static int remove_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sspr-safefiletest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/file", dir);
	return 0;
}

static int teardown(void **state)
{
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Each test starts with an empty directory. */
static int empty_dir(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[400];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (remove(p) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static void write_file(const char *p, const char *text, size_t len, mode_t mode)
{
	FILE *f;

	unlink(p);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Reads p expecting a refusal with status and "p: what". */
/* The secret reader for SSPR_FILE_SECRET, the plain one otherwise. */
static int read_either(const char *p, size_t max, unsigned flags, char **buf, size_t *len,
		       struct sspr_error *err)
{
	if (flags & SSPR_FILE_SECRET)
		return sspr_file_read_secret(p, max, flags, buf, len, err);
	return sspr_file_read(p, max, flags, buf, len, err);
}

static void test_plain_read_refuses_the_secret_flag(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	struct sspr_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(sspr_file_read("/etc/hostname", 100, SSPR_FILE_SECRET, &buf, &len, &err),
			 SSPR_EINVAL);
	assert_null(buf);
}

static void expect_refused(const char *p, size_t max, unsigned flags, int status, const char *what)
{
	struct sspr_error err;
	char want[SSPR_ERROR_MAX];
	char *buf = (char *)1;
	size_t len = 99;

	memset(&err, 0, sizeof(err));
	assert_int_equal(read_either(p, max, flags, &buf, &len, &err), status);
	assert_null(buf);
	assert_int_equal(len, 0);
	snprintf(want, sizeof(want), "%s: %s", p, what);
	assert_string_equal(err.msg, want);
}

static void expect_read(const char *p, size_t max, unsigned flags, const char *content)
{
	struct sspr_error err;
	char *buf = NULL;
	size_t len = 0;

	if (read_either(p, max, flags, &buf, &len, &err) != SSPR_OK)
		fail_msg("%s refused: %s", p, err.msg);
	assert_int_equal(len, strlen(content));
	assert_memory_equal(buf, content, len + 1); /* NUL-terminated */
	if (flags & SSPR_FILE_SECRET)
		sspr_file_free_secret(buf);
	else
		sspr_file_free(buf, len);
}

static void test_read_returns_terminated_content(void **state)
{
	write_file(path, "hello\n", 6, 0644);
	expect_read(path, 100, 0, "hello\n");
	write_file(path, "", 0, 0644);
	expect_read(path, 100, 0, "");
	write_file(path, "secret", 6, 0600);
	expect_read(path, 100, SSPR_FILE_SECRET, "secret");
	write_file(path, "secret", 6, 0400);
	expect_read(path, 6, SSPR_FILE_SECRET | SSPR_FILE_OPTIONAL, "secret");
}

static void test_size_cap_is_exact(void **state)
{
	write_file(path, "0123456789", 10, 0644);
	expect_read(path, 10, 0, "0123456789");
	expect_refused(path, 9, 0, SSPR_EINVAL, "file is larger than 9 bytes");
	expect_refused(path, 9, SSPR_FILE_SECRET, SSPR_EACCES,
		       "secret file is accessible to group or others (chmod 600)");
	assert_int_equal(chmod(path, 0600), 0);
	expect_refused(path, 9, SSPR_FILE_SECRET, SSPR_EINVAL, "file is larger than 9 bytes");
}

static void test_missing_file(void **state)
{
	struct sspr_error err;
	char *buf = NULL;
	size_t len = 0;

	expect_refused(path, 10, 0, SSPR_ENOENT, "no such file");
	memset(&err, 0, sizeof(err));
	assert_int_equal(sspr_file_read(path, 10, SSPR_FILE_OPTIONAL, &buf, &len, &err),
			 SSPR_ENOENT);
	assert_string_equal(err.msg, "");
	assert_null(buf);
}

static void test_unsafe_modes_are_refused(void **state)
{
	write_file(path, "x", 1, 0646);
	expect_refused(path, 10, 0, SSPR_EACCES, "writable by group or others (chmod go-w)");
	write_file(path, "x", 1, 0660);
	expect_refused(path, 10, 0, SSPR_EACCES, "writable by group or others (chmod go-w)");
	write_file(path, "x", 1, 0640);
	expect_read(path, 10, 0, "x");
	expect_refused(path, 10, SSPR_FILE_SECRET, SSPR_EACCES,
		       "secret file is accessible to group or others (chmod 600)");
	write_file(path, "x", 1, 0601);
	expect_refused(path, 10, SSPR_FILE_SECRET, SSPR_EACCES,
		       "secret file is accessible to group or others (chmod 600)");
}

/* A secret the file's group may read (the bind password the setgid helper
 * needs): 0640 and 0600 pass, anything for others or group write does not. */
static void test_group_readable_secret(void **state)
{
	const unsigned flags = SSPR_FILE_SECRET | SSPR_FILE_GROUP_READ;

	write_file(path, "x", 1, 0640);
	expect_read(path, 10, flags, "x");
	write_file(path, "x", 1, 0600);
	expect_read(path, 10, flags, "x");
	write_file(path, "x", 1, 0644);
	expect_refused(path, 10, flags, SSPR_EACCES,
		       "secret file is accessible to others (chmod 640)");
	write_file(path, "x", 1, 0650);
	expect_refused(path, 10, flags, SSPR_EACCES,
		       "secret file is accessible to others (chmod 640)");
	write_file(path, "x", 1, 0660);
	expect_refused(path, 10, flags, SSPR_EACCES, "writable by group or others (chmod go-w)");
}

static void test_foreign_owner_is_refused(void **state)
{
	if (geteuid() != 0) {
		print_message("skipped: chown to another uid needs root\n");
		skip();
	}
	write_file(path, "x", 1, 0644);
	assert_int_equal(chown(path, 4242, 0), 0);
	expect_refused(path, 10, 0, SSPR_EACCES, "owned by uid 4242, expected root");
}

static void test_symlink_is_refused_for_secrets_only(void **state)
{
	char target[160];

	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "key", 3, 0600);
	assert_int_equal(symlink(target, path), 0);
	expect_refused(path, 10, SSPR_FILE_SECRET, SSPR_EACCES,
		       "is a symbolic link (refused for secret files)");
	expect_read(path, 10, 0, "key");
}

static void test_special_files_are_refused(void **state)
{
	expect_refused(dir, 10, 0, SSPR_EINVAL, "is a directory");
	assert_int_equal(symlink("/dev/zero", path), 0);
	expect_refused(path, 10, 0, SSPR_EINVAL, "not a regular file");
	unlink(path);
	/* Opening a FIFO must not wait for a writer. */
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused(path, 10, 0, SSPR_EINVAL, "not a regular file");
	expect_refused(path, 10, SSPR_FILE_SECRET, SSPR_EINVAL, "not a regular file");
}

static void test_unreadable_file_is_eacces(void **state)
{
	if (geteuid() == 0) {
		print_message("skipped: root reads mode 000 files\n");
		skip();
	}
	write_file(path, "x", 1, 0000);
	expect_refused(path, 10, 0, SSPR_EACCES, "Permission denied");
}

static void test_write_creates_file_with_mode_despite_umask(void **state)
{
	struct sspr_error err;
	struct stat st;
	mode_t old = umask(077);

	assert_int_equal(sspr_file_write_atomic(path, "public", 6, 0644, 0, &err), SSPR_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	expect_read(path, 100, 0, "public");
	assert_int_equal(entries(), 1); /* no temporary file left behind */

	assert_int_equal(sspr_file_write_atomic(path, "", 0, 0600, 1, &err), SSPR_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	expect_read(path, 100, SSPR_FILE_SECRET, "");
}

static void test_write_without_replace_keeps_existing_file(void **state)
{
	struct sspr_error err;
	char want[256];

	write_file(path, "original", 8, 0600);
	memset(&err, 0, sizeof(err));
	assert_int_equal(sspr_file_write_atomic(path, "new", 3, 0600, 0, &err), SSPR_EEXIST);
	snprintf(want, sizeof(want), "%s: already exists, not replaced", path);
	assert_string_equal(err.msg, want);
	expect_read(path, 100, 0, "original");
	assert_int_equal(entries(), 1);

	assert_int_equal(sspr_file_write_atomic(path, "new", 3, 0644, 1, &err), SSPR_OK);
	expect_read(path, 100, 0, "new");
	assert_int_equal(entries(), 1);
}

static void test_write_failures_leave_nothing_behind(void **state)
{
	struct sspr_error err;
	char p[200], want[300];

	snprintf(p, sizeof(p), "%s/no/such/dir/file", dir);
	memset(&err, 0, sizeof(err));
	assert_int_equal(sspr_file_write_atomic(p, "x", 1, 0644, 1, &err), SSPR_ENOENT);
	snprintf(want, sizeof(want), "%s/no/such/dir: cannot create a temporary file: ", dir);
	assert_memory_equal(err.msg, want, strlen(want));

	/* Renaming onto a directory fails after the temporary file exists. */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_not_equal(sspr_file_write_atomic(path, "x", 1, 0644, 1, &err), SSPR_OK);
	assert_int_equal(entries(), 1);
	assert_int_equal(sspr_file_write_atomic(path, "x", 1, 0644, 0, &err), SSPR_EEXIST);
	assert_int_equal(entries(), 1);
	rmdir(path);

	snprintf(p, sizeof(p), "%s/", dir);
	assert_int_equal(sspr_file_write_atomic(p, "x", 1, 0644, 1, &err), SSPR_EINVAL);
	assert_int_equal(sspr_file_write_atomic(path, "x", 1, 04755, 1, &err), SSPR_EINVAL);
	assert_int_equal(entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_read_refuses_the_secret_flag),
	    cmocka_unit_test_setup(test_read_returns_terminated_content, empty_dir),
	    cmocka_unit_test_setup(test_size_cap_is_exact, empty_dir),
	    cmocka_unit_test_setup(test_missing_file, empty_dir),
	    cmocka_unit_test_setup(test_unsafe_modes_are_refused, empty_dir),
	    cmocka_unit_test_setup(test_group_readable_secret, empty_dir),
	    cmocka_unit_test_setup(test_foreign_owner_is_refused, empty_dir),
	    cmocka_unit_test_setup(test_symlink_is_refused_for_secrets_only, empty_dir),
	    cmocka_unit_test_setup(test_special_files_are_refused, empty_dir),
	    cmocka_unit_test_setup(test_unreadable_file_is_eacces, empty_dir),
	    cmocka_unit_test_setup(test_write_creates_file_with_mode_despite_umask, empty_dir),
	    cmocka_unit_test_setup(test_write_without_replace_keeps_existing_file, empty_dir),
	    cmocka_unit_test_setup(test_write_failures_leave_nothing_behind, empty_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
