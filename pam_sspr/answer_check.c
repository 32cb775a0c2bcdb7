/* SPDX-License-Identifier: BSD-2-Clause */
/* Answer checks and their cost (see answer_check.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "answer.h"
#include "answer_check.h"
#include "challenge.h"
#include "slots.h"

#define ANSWER_SLOT_WAIT_MS 30000

struct sspr_answer_slots {
	struct sspr_slot user;   /* this user's own: one check at a time */
	struct sspr_slot shared; /* one of argon2_max_parallel */
};
/* How long real checks take, in lock_dir (root's, 0700): microseconds,
 * a running average over the last few checks. */
#define COST_FILE "argon2.cost"
#define COST_MAX_US 60000000L

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* The cost file, if it is ours: a regular file of this user's that nobody
 * else may write. -1 otherwise (whoever could write it would set how long
 * decoys take). */
static int open_cost(const struct sspr_session *s, int flags)
{
	char path[SSPR_PATH_MAX + 32];
	struct stat sb;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", s->policy.lock_dir, COST_FILE);
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The recorded cost, or 0 when there is none yet. */
static long read_cost(const struct sspr_session *s)
{
	char buf[32], *end = NULL;
	long us;
	ssize_t n;
	int fd = open_cost(s, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	us = strtol(buf, &end, 10);
	if (end == buf || us < 0 || us > COST_MAX_US)
		return 0;
	return us;
}

/* Folds one measured check into the running average (1/8 weight), each
 * sample held within half and twice the average, so that one stalled
 * check (a busy host, swap) moves decoys' waits little. Two logins writing
 * at once lose one sample, which changes nothing. */
static void record_cost(const struct sspr_session *s, long us)
{
	char buf[32];
	long old = read_cost(s);
	int fd, len;

	if (us <= 0 || us > COST_MAX_US)
		return;
	if (old > 0) {
		if (us > 2 * old)
			us = 2 * old;
		if (us < old / 2)
			us = old / 2;
		us = (7 * old + us) / 8;
	}
	fd = open_cost(s, O_WRONLY | O_CREAT);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%-20ld\n", us); /* fixed width: no truncation */
	if (pwrite(fd, buf, (size_t)len, 0) != len)
		sspr_session_debug(s, "cannot record the answer check cost: %s", strerror(errno));
	close(fd);
}

/* The user's own slot (per_user), then a shared one. */
static int take_slots(struct sspr_session *s, struct sspr_answer_slots *slots, bool per_user)
{
	struct sspr_error err = {{0}};
	unsigned char digest[8];
	char hex[2 * sizeof(digest) + 1], name[32];
	int r;

	slots->user.fd = slots->shared.fd = -1;
	/* Named by a hash: the name is the user's, the directory root's. */
	crypto_generichash(digest, sizeof(digest), (const unsigned char *)s->user, strlen(s->user),
			   NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	snprintf(name, sizeof(name), "argon2-%s", hex);
	r = per_user ? sspr_slot_acquire(s->policy.lock_dir, name, 1, ANSWER_SLOT_WAIT_MS,
					 &slots->user, &err)
		     : SSPR_OK;
	if (r == SSPR_OK)
		r = sspr_slot_acquire(s->policy.lock_dir, "argon2", s->policy.argon2_max_parallel,
				      ANSWER_SLOT_WAIT_MS, &slots->shared, &err);
	if (r != SSPR_OK) {
		sspr_slot_release(&slots->user);
		sspr_session_stop(s, LOG_ERR, false, "unavailable", "questions", err.msg,
				  SSPR_MSG_UNAVAILABLE);
	}
	return r;
}

static void release_slots(struct sspr_answer_slots *slots)
{
	sspr_slot_release(&slots->shared);
	sspr_slot_release(&slots->user);
}

bool sspr_answer_verify_slotted(struct sspr_session *s, const char *hash, const char *normalised,
		       int *r)
{
	struct sspr_answer_slots slots;
	bool right;
	long start;

	*r = take_slots(s, &slots, true);
	if (*r != SSPR_OK)
		return false;
	start = now_us();
	right = sspr_answer_verify(hash, normalised);
	record_cost(s, now_us() - start);
	release_slots(&slots);
	return right;
}

int sspr_answer_decoy_check(struct sspr_session *s)
{
	long us = read_cost(s);
	struct timespec ts;

	if (us == 0) {
		/* No real check has run since boot: make one now, once, at
		 * the policy's cost, to learn how long they take. In a shared
		 * slot only: a slot of a stranger's name would leave a file
		 * per name tried. */
		struct sspr_answer_slots slots;
		char hash[SSPR_HASH_STR_MAX];
		long start;

		if (take_slots(s, &slots, false) != SSPR_OK)
			return SSPR_EBUSY;
		start = now_us();
		(void)sspr_answer_hash("decoy", s->policy.argon2_opslimit, s->policy.argon2_memlimit,
				       hash);
		record_cost(s, now_us() - start);
		release_slots(&slots);
		sodium_memzero(hash, sizeof(hash));
		return SSPR_OK;
	}
	ts.tv_sec = us / 1000000L;
	ts.tv_nsec = (us % 1000000L) * 1000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return SSPR_OK;
}
