/* SPDX-License-Identifier: BSD-2-Clause */
/* pam_faillock's tally (see faillock.h). The record layout and the locking
 * rule are pam_faillock's own (modules/pam_faillock/faillock.h and
 * check_tally() in Linux-PAM): a user is locked when `deny` valid failures
 * fall within fail_interval of the latest one, until unlock_time after it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "faillock.h"
#include "safefile.h"
#include "util.h"

/* struct tally of pam_faillock: source[52], reserved (u16), status (u16),
 * time (u64), in host byte order: 64 bytes. */
#define TALLY_RECORD_SIZE 64
#define TALLY_STATUS_AT 54
#define TALLY_TIME_AT 56
#define TALLY_STATUS_VALID 0x1
#define TALLY_RECORDS_MAX 1024 /* pam_faillock reads no more */
#define TALLY_LOCK_TRIES 20    /* 20 x 50 ms: a held lock delays us 1 s at most */
#define CONF_FILE_MAX ((size_t)64 * 1024)
#define LOCK_PAUSE_NS 50000000L

void sspr_faillock_defaults(struct sspr_faillock_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	snprintf(conf->dir, sizeof(conf->dir), "%s", SSPR_FAILLOCK_DEFAULT_DIR);
	conf->deny = 3;
	conf->fail_interval = 900;
	conf->unlock_time = 600;
}

static bool parse_seconds(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 100000000UL)
		return false;
	*out = (unsigned)v;
	return true;
}

void sspr_faillock_set(struct sspr_faillock_conf *conf, const char *name, const char *value)
{
	if (strcmp(name, "dir") == 0) {
		if (value[0] == '/' && strlen(value) < sizeof(conf->dir))
			snprintf(conf->dir, sizeof(conf->dir), "%s", value);
	} else if (strcmp(name, "deny") == 0) {
		(void)parse_seconds(value, &conf->deny);
	} else if (strcmp(name, "fail_interval") == 0) {
		(void)parse_seconds(value, &conf->fail_interval);
	} else if (strcmp(name, "unlock_time") == 0) {
		if (strcmp(value, "never") == 0)
			conf->unlock_time = 0;
		else
			(void)parse_seconds(value, &conf->unlock_time);
	}
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int sspr_faillock_read_conf(const char *path, struct sspr_faillock_conf *conf,
			    struct sspr_error *err)
{
	char *text = NULL, *line, *next;
	size_t len = 0;
	int r = sspr_file_read(path, CONF_FILE_MAX, SSPR_FILE_OPTIONAL, &text, &len, err);

	if (r == SSPR_ENOENT)
		return SSPR_OK;
	if (r != SSPR_OK)
		return r;
	for (line = text; line != NULL && line < text + len; line = next) {
		char *key, *eq;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line[strcspn(line, "#")] = '\0';
		key = trim(line);
		if (*key == '\0')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			sspr_faillock_set(conf, key, "");
			continue;
		}
		*eq = '\0';
		sspr_faillock_set(conf, trim(key), trim(eq + 1));
	}
	sspr_file_free(text, len);
	return SSPR_OK;
}

static bool tally_locks(int fd, const struct sspr_faillock_conf *conf, int64_t now)
{
	unsigned char rec[TALLY_RECORD_SIZE];
	uint64_t latest = 0, times[TALLY_RECORDS_MAX];
	unsigned n = 0, failures = 0;

	/* The file is the user's (pam_faillock chowns it to them): read no
	 * more records than pam_faillock itself would, valid or not. */
	for (unsigned seen = 0;
	     seen < TALLY_RECORDS_MAX && read(fd, rec, sizeof(rec)) == (ssize_t)sizeof(rec);
	     seen++) {
		uint16_t status;
		uint64_t when;

		memcpy(&status, rec + TALLY_STATUS_AT, sizeof(status));
		memcpy(&when, rec + TALLY_TIME_AT, sizeof(when));
		if (!(status & TALLY_STATUS_VALID))
			continue;
		times[n++] = when;
		if (when > latest)
			latest = when;
	}
	for (unsigned i = 0; i < n; i++)
		if (latest - times[i] < conf->fail_interval)
			failures++;
	if (conf->deny == 0 || failures < conf->deny)
		return false;
	if (conf->unlock_time == 0 || latest > (uint64_t)INT64_MAX - conf->unlock_time)
		return true;
	return !((int64_t)(latest + conf->unlock_time) < now);
}

/* pam_faillock holds the lock only while it reads or writes; anything
 * longer is someone else's doing, and does not get to stall a login. */
static bool lock_briefly(int fd)
{
	const struct timespec pause = {0, LOCK_PAUSE_NS};

	for (int i = 0; i < TALLY_LOCK_TRIES; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return true;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return false;
		(void)nanosleep(&pause, NULL);
	}
	return false;
}

int sspr_faillock_clear(const struct sspr_faillock_conf *conf, const char *user, int64_t now,
			bool *was_locked, struct sspr_error *err)
{
	struct stat dst, st;
	int dfd, fd = -1, r = SSPR_OK;

	if (was_locked != NULL)
		*was_locked = false;
	if (!sspr_user_name_valid(user) || strcmp(user, ".") == 0 || strcmp(user, "..") == 0)
		return sspr_error_set(err, SSPR_EINVAL, "invalid user name");
	/* Root truncates what it opens here: the directory must be one only
	 * root can change (or sticky, as /tmp), and the file a plain file of
	 * its own, not a link to something else. */
	dfd = open(conf->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return SSPR_OK;
		return sspr_error_set(err, SSPR_ERR, "%s: %s", conf->dir, strerror(errno));
	}
	if (fstat(dfd, &dst) != 0 || dst.st_uid != 0 ||
	    ((dst.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (dst.st_mode & S_ISVTX) == 0)) {
		r = sspr_error_set(err, SSPR_EACCES,
				   "%s: not owned by root, or writable by others", conf->dir);
		goto out;
	}
	fd = openat(dfd, user, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			r = sspr_error_set(err, SSPR_ERR, "%s/%s: %s", conf->dir, user,
					   strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_dev != dst.st_dev) {
		r = sspr_error_set(err, SSPR_EACCES, "%s/%s: not a plain file", conf->dir, user);
		goto out;
	}
	/* Without the lock the clearing still happens: a failure pam_faillock
	 * writes at the same instant may be lost, which only helps the user
	 * who just proved who they are. */
	(void)lock_briefly(fd);
	if (was_locked != NULL)
		*was_locked = tally_locks(fd, conf, now);
	while (ftruncate(fd, 0) != 0) {
		if (errno != EINTR) {
			r = sspr_error_set(err, SSPR_ERR, "%s/%s: cannot clear: %s", conf->dir,
					   user, strerror(errno));
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	close(dfd);
	return r;
}
