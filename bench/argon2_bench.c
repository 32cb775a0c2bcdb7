/* SPDX-License-Identifier: BSD-2-Clause */
/* The security-question path's cost: Argon2id verification of one answer at
 * the policy's default cost (argon2_opslimit / argon2_memlimit), in P
 * processes at once, as P concurrent resets would run it. The parent samples
 * the workers' resident memory every millisecond and reports the peak of
 * their sum. With --limit M the workers take one of M slots (flock on
 * DIR/slot.N) around each verification: the bound a policy key would set.
 *
 * argon2_bench --procs P --count C [--limit M --slots DIR]
 * Prints "lat_ns" lines per verification, then "peak_rss_kb", "wall_ns". */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "policy.h"

#define ANSWER "the answer to a security question"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Takes a free slot if there is one, else waits for this worker's own. */
static int take_slot(const char *dir, unsigned limit, unsigned w)
{
	char path[4096];

	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned s = 0; s < limit; s++) {
			unsigned slot = pass ? w % limit : s;
			int fd;

			snprintf(path, sizeof(path), "%s/slot.%u", dir, slot);
			fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (fd < 0)
				return -1;
			if (flock(fd, pass ? LOCK_EX : LOCK_EX | LOCK_NB) == 0)
				return fd;
			close(fd);
			if (pass)
				return -1;
		}
	}
	return -1;
}

static int worker(const char *hash, unsigned count, unsigned limit, const char *dir, unsigned w,
		  int out_fd, int start_fd)
{
	char c;
	int bad = 0;

	if (read(start_fd, &c, 1) < 0)
		return 1;
	for (unsigned i = 0; i < count; i++) {
		int64_t t0 = now_ns();
		int slot = -1;
		char line[64];
		int n;

		if (limit > 0 && (slot = take_slot(dir, limit, w)) < 0) {
			fprintf(stderr, "argon2_bench: slot: %s\n", strerror(errno));
			return 1;
		}
		if (crypto_pwhash_str_verify(hash, ANSWER, strlen(ANSWER)) != 0)
			bad = 1; /* the right answer must verify */
		if (slot >= 0)
			close(slot); /* releases the lock */
		n = snprintf(line, sizeof(line), "lat_ns %lld\n", (long long)(now_ns() - t0));
		if (write(out_fd, line, (size_t)n) != n)
			bad = 1;
	}
	return bad;
}

static long rss_kb(pid_t pid)
{
	char path[64];
	long pages = 0, resident = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
	struct sspr_policy pol;
	unsigned procs = 1, count = 1, limit = 0;
	const char *dir = NULL;
	char hash[crypto_pwhash_STRBYTES];
	pid_t pids[256];
	bool alive[256];
	int start[2], status = 0, running;
	long peak = 0;
	int64_t t0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--procs"))
			procs = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--count"))
			count = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--limit"))
			limit = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--slots"))
			dir = argv[i + 1];
	}
	if (procs < 1 || procs > 256 || count < 1 || (limit > 0 && dir == NULL)) {
		fprintf(stderr, "usage: argon2_bench --procs P --count C [--limit M --slots DIR]\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "argon2_bench: cannot initialise libsodium\n");
		return 1;
	}
	/* The cost every enrolled answer gets unless the admin changes it. */
	sspr_policy_defaults(&pol);
	if (crypto_pwhash_str(hash, ANSWER, strlen(ANSWER), pol.argon2_opslimit,
			      pol.argon2_memlimit) != 0) {
		fprintf(stderr, "argon2_bench: cannot hash at the default cost\n");
		return 1;
	}
	printf("opslimit %llu memlimit %zu\n", pol.argon2_opslimit, pol.argon2_memlimit);
	fflush(stdout);
	if (pipe(start) != 0) {
		perror("argon2_bench: pipe");
		return 1;
	}
	for (unsigned w = 0; w < procs; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			perror("argon2_bench: fork");
			return 1;
		}
		if (pids[w] == 0) {
			close(start[1]);
			_exit(worker(hash, count, limit, dir, w, STDOUT_FILENO, start[0]));
		}
		alive[w] = true;
	}
	close(start[0]);
	t0 = now_ns();
	close(start[1]);
	do {
		long sum = 0;
		struct timespec ms = {0, 1000000};

		running = 0;
		for (unsigned w = 0; w < procs; w++) {
			int ws;

			if (!alive[w])
				continue;
			if (waitpid(pids[w], &ws, WNOHANG) == pids[w]) {
				alive[w] = false;
				if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
					status = 1;
				continue;
			}
			running++;
			sum += rss_kb(pids[w]);
		}
		if (sum > peak)
			peak = sum;
		nanosleep(&ms, NULL);
	} while (running > 0);
	printf("peak_rss_kb %ld\nwall_ns %lld\n", peak, (long long)(now_ns() - t0));
	return status;
}
