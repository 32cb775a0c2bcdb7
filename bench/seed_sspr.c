/* SPDX-License-Identifier: BSD-2-Clause */
/* Seeds and checks the bench's pam_sspr store through the store interface
 * (libsspr/store.h), as sspr-admin enroll would, one user per update.
 * STORE is an LMDB directory, or a policy file (a regular file): then the
 * store that policy names, whichever backend (the directory one included),
 * opened as the module opens it.
 *
 * seed_sspr seed STORE KEY_DIR FIRST COUNT
 *     enrolls users FIRST..FIRST+COUNT-1 with their bench TOTP secret,
 *     sealed to KEY_DIR/host.pub. Sealing happens outside the write, so
 *     several seeders can run side by side on disjoint ranges.
 * seed_sspr seedq STORE FIRST COUNT
 *     enrolls users FIRST..FIRST+COUNT-1 with security questions only:
 *     "Bench question N?" (N = 1..3) answered "bench answer N", hashed as
 *     sspr-admin enroll hashes them (normalised, Argon2id at the policy's
 *     default cost). Each answer is hashed once and shared: what a reset
 *     verifies costs the same, and seeding takes a second, not minutes.
 * seed_sspr check STORE N EXPECT
 *     EXPECT lines: "index step failures". Every one of the N users must
 *     exist, and its last accepted step and failure count must be exactly
 *     the expected ones (0 and 0 for users no run touched): a lost or
 *     doubled update shows here. Prints one summary line.
 * seed_sspr lag CONF_A CONF_B USER COUNT
 *     replication lag between two directory servers: COUNT times, changes
 *     USER's confirmed_at through the store CONF_A names (one update), then
 *     reads the store CONF_B names until it shows the new value; prints
 *     "lag_ns N" per write (the time from the write's return to the first
 *     read that sees it). Both stores stay open, so a read is one search. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "answer.h"
#include "bench_users.h"
#include "hostkey.h"
#include "policy.h"
#include "policy_store.h"
#include "store.h"

/* An LMDB directory, or the store a policy file names. */
static int open_store(const char *where, unsigned flags, struct sspr_store **st,
		      struct sspr_error *err)
{
	struct sspr_policy pol;
	struct stat sb;
	int r;

	if (stat(where, &sb) != 0 || !S_ISREG(sb.st_mode))
		return sspr_store_open_lmdb(where, flags, st, err);
	r = sspr_policy_load(where, &pol, err);
	if (r != SSPR_OK)
		return r;
	return sspr_policy_open_store(&pol, flags, st, err);
}

struct enroll {
	uint8_t sealed[SSPR_SEALED_MAX];
	size_t sealed_len;
	int64_t now;
};

static int enroll_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct enroll *e = ctx;

	sspr_record_init(rec);
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].digits = 6;
	rec->totp[0].period = 30;
	memcpy(rec->totp[0].sealed, e->sealed, e->sealed_len);
	rec->totp[0].sealed_len = (uint16_t)e->sealed_len;
	rec->totp[0].enrolled_at = e->now;
	rec->registered_at = rec->confirmed_at = e->now;
	return SSPR_OK;
}

static int seed(const char *dir, const char *key_dir, unsigned first, unsigned count)
{
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES], secret[BENCH_SECRET_BYTES];
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	struct enroll e = {.now = (int64_t)time(NULL)};
	char name[BENCH_NAME_MAX];

	if (sspr_hostkey_load_public(key_dir, pk, &err) != SSPR_OK ||
	    open_store(dir, 0, &st, &err) != SSPR_OK) {
		fprintf(stderr, "seed_sspr: %s\n", err.msg);
		return 1;
	}
	for (unsigned i = first; i < first + count; i++) {
		bench_user_name(i, name);
		bench_user_secret(i, secret);
		if (sspr_seal(pk, secret, sizeof(secret), e.sealed, sizeof(e.sealed),
			      &e.sealed_len) != SSPR_OK ||
		    sspr_store_update(st, name, 0, enroll_fn, &e, &err) != SSPR_OK) {
			fprintf(stderr, "seed_sspr: %s: %s\n", name, err.msg[0] ? err.msg : "seal");
			sspr_store_close(st);
			return 1;
		}
	}
	sspr_store_close(st);
	return 0;
}

#define BENCH_QUESTIONS 3

struct questions {
	struct sspr_question q[BENCH_QUESTIONS];
	int64_t now;
};

static int enroll_questions_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev,
			       void *ctx)
{
	const struct questions *qs = ctx;

	sspr_record_init(rec);
	for (unsigned i = 0; i < BENCH_QUESTIONS; i++)
		rec->questions[i] = qs->q[i];
	rec->n_questions = BENCH_QUESTIONS;
	rec->registered_at = rec->confirmed_at = qs->now;
	return SSPR_OK;
}

static int seed_questions(const char *dir, unsigned first, unsigned count)
{
	struct questions qs = {.now = (int64_t)time(NULL)};
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	struct sspr_policy pol;
	char name[BENCH_NAME_MAX], answer[64], norm[SSPR_ANSWER_MAX + 1];
	size_t chars;
	int r = 1;

	sspr_policy_defaults(&pol);
	for (unsigned i = 0; i < BENCH_QUESTIONS; i++) {
		snprintf(qs.q[i].question, sizeof(qs.q[i].question), "Bench question %u?", i + 1);
		snprintf(answer, sizeof(answer), "bench answer %u", i + 1);
		if (sspr_answer_normalise(answer, norm, sizeof(norm), &chars) != SSPR_OK ||
		    sspr_answer_hash(norm, pol.argon2_opslimit, pol.argon2_memlimit,
				     qs.q[i].hash) != SSPR_OK) {
			fprintf(stderr, "seed_sspr: cannot hash a bench answer\n");
			return 1;
		}
	}
	if (open_store(dir, 0, &st, &err) != SSPR_OK) {
		fprintf(stderr, "seed_sspr: %s\n", err.msg);
		return 1;
	}
	for (unsigned i = first; i < first + count; i++) {
		bench_user_name(i, name);
		if (sspr_store_update(st, name, 0, enroll_questions_fn, &qs, &err) != SSPR_OK) {
			fprintf(stderr, "seed_sspr: %s: %s\n", name, err.msg);
			goto out;
		}
	}
	r = 0;
out:
	sspr_store_close(st);
	return r;
}

struct expect {
	unsigned n;
	uint64_t *step;
	uint8_t *failures;
	uint8_t *seen;
	unsigned mismatches;
	unsigned users;
};

static int check_fn(const char *user, const struct sspr_record *rec, int decode_status,
		    void *ctx)
{
	struct expect *x = ctx;
	unsigned idx;
	char tail;

	if (sscanf(user, "bu%u%c", &idx, &tail) != 1 || idx >= x->n)
		return 0; /* not one of ours */
	x->users++;
	x->seen[idx] = 1;
	if (decode_status != SSPR_OK || !rec->n_totp || rec->totp[0].last_step != x->step[idx] ||
	    rec->n_failures != x->failures[idx]) {
		if (x->mismatches++ < 10)
			fprintf(stderr,
				"seed_sspr: %s: last_step %llu failures %u, expected %llu and %u\n",
				user, (unsigned long long)rec->totp[0].last_step, rec->n_failures,
				(unsigned long long)x->step[idx], x->failures[idx]);
	}
	return 0;
}

static int check(const char *dir, unsigned n, const char *expect_path)
{
	struct expect x = {.n = n};
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	unsigned long long step;
	unsigned idx, fails, expected = 0, missing = 0;
	FILE *f = fopen(expect_path, "r");
	int r = 1;

	x.step = calloc(n, sizeof(*x.step));
	x.failures = calloc(n, 1);
	x.seen = calloc(n, 1);
	if (f == NULL || x.step == NULL || x.failures == NULL || x.seen == NULL) {
		fprintf(stderr, "seed_sspr: %s: %s\n", expect_path, strerror(errno));
		goto out;
	}
	while (fscanf(f, "%u %llu %u", &idx, &step, &fails) == 3) {
		if (idx >= n) {
			fprintf(stderr, "seed_sspr: %s: index %u out of range\n", expect_path, idx);
			goto out;
		}
		x.step[idx] = step;
		x.failures[idx] = (uint8_t)fails;
		expected++;
	}
	if (open_store(dir, SSPR_STORE_READONLY, &st, &err) != SSPR_OK ||
	    sspr_store_foreach_user(st, check_fn, &x, &err) != SSPR_OK) {
		fprintf(stderr, "seed_sspr: %s\n", err.msg);
		goto out;
	}
	for (unsigned i = 0; i < n; i++)
		missing += !x.seen[i];
	printf("sspr store: %u users, %u with a recorded login, %u mismatches, %u missing\n",
	       x.users, expected, x.mismatches, missing);
	r = x.mismatches == 0 && missing == 0 ? 0 : 1;
out:
	if (f != NULL)
		fclose(f);
	sspr_store_close(st);
	free(x.step);
	free(x.failures);
	free(x.seen);
	return r;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int mark_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	if (!exists)
		return SSPR_ENOENT; /* a seeded user only: this measures, never enrolls */
	rec->confirmed_at = *(const int64_t *)ctx;
	return SSPR_OK;
}

/* Reads user on b until its record carries mark (30 s at most): the time
 * since t0 in ns, or -1. */
static int64_t wait_seen(struct sspr_store *b, const char *user, int64_t mark, int64_t t0)
{
	struct sspr_record rec;
	struct sspr_error err = {{0}};

	while (now_ns() - t0 < 30 * INT64_C(1000000000)) {
		int r = sspr_store_get(b, user, &rec, &err);
		bool seen = r == SSPR_OK && rec.confirmed_at == mark;

		sodium_memzero(&rec, sizeof(rec));
		if (seen)
			return now_ns() - t0;
		if (r != SSPR_OK && r != SSPR_ENOENT) {
			fprintf(stderr, "seed_sspr: reading %s on B: %s\n", user, err.msg);
			return -1;
		}
		/* A read is one search on an open connection; the pause keeps the
		 * poll from taking the cores the replication needs. */
		nanosleep(&(struct timespec){0, 200000}, NULL);
	}
	fprintf(stderr, "seed_sspr: %s: change not seen on B within 30 s\n", user);
	return -1;
}

static int lag(const char *conf_a, const char *conf_b, const char *user, unsigned count)
{
	struct sspr_store *a = NULL, *b = NULL;
	struct sspr_error err = {{0}};
	int64_t base = (int64_t)time(NULL) - 86400;
	int r = 1;

	if (open_store(conf_a, 0, &a, &err) != SSPR_OK ||
	    open_store(conf_b, SSPR_STORE_READONLY, &b, &err) != SSPR_OK) {
		fprintf(stderr, "seed_sspr: %s\n", err.msg);
		goto out;
	}
	for (unsigned i = 0; i < count; i++) {
		/* A value no earlier write used, so a stale read never matches. */
		int64_t mark = base - (int64_t)i, t0, got;

		if (sspr_store_update(a, user, 0, mark_fn, &mark, &err) != SSPR_OK) {
			fprintf(stderr, "seed_sspr: writing %s on A: %s\n", user,
				err.msg[0] ? err.msg : "no such user");
			goto out;
		}
		t0 = now_ns();
		got = wait_seen(b, user, mark, t0);
		if (got < 0)
			goto out;
		printf("lag_ns %lld\n", (long long)got);
	}
	r = fflush(stdout) == 0 ? 0 : 1;
out:
	sspr_store_close(a);
	sspr_store_close(b);
	return r;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "seed_sspr: cannot initialise libsodium\n");
		return 1;
	}
	if (argc == 6 && !strcmp(argv[1], "seed"))
		return seed(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10),
			    (unsigned)strtoul(argv[5], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "seedq"))
		return seed_questions(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
				      (unsigned)strtoul(argv[4], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "check"))
		return check(argv[2], (unsigned)strtoul(argv[3], NULL, 10), argv[4]);
	if (argc == 6 && !strcmp(argv[1], "lag"))
		return lag(argv[2], argv[3], argv[4], (unsigned)strtoul(argv[5], NULL, 10));
	fprintf(stderr, "usage: seed_sspr seed STORE KEY_DIR FIRST COUNT | "
			"seedq STORE FIRST COUNT | check STORE N EXPECT | "
			"lag CONF_A CONF_B USER COUNT\n");
	return 2;
}
