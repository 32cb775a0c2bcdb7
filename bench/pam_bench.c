/* SPDX-License-Identifier: BSD-2-Clause */
/* The bench's PAM driver: real libpam transactions (pam_start,
 * pam_authenticate, pam_end) for a list of users, split over P worker
 * processes that start together. Each worker is a fresh exec of this program,
 * not a bare fork: pam_wrapper keeps a per-process copy of the service files
 * that it rewrites at every pam_start, and forked workers sharing one copy
 * race on it (a half-written file makes libpam fall back to "other"). And
 * workers start one after another: a starting pam_wrapper removes the
 * directories of processes whose pid file it cannot read, which includes
 * one that another worker is writing at that moment. Each transaction
 * answers the module's prompts with the user's current TOTP code (or, with
 * --replay, with the code a previous run used; or, for a security question
 * "Bench question N?", with "bench answer N", as bench/seed_sspr.c enrolled
 * it) and is timed on its own. Service files come from pam_wrapper's
 * PAM_WRAPPER_SERVICE_DIR, so nothing in /etc/pam.d is read.
 *
 * pam_bench [options] --indices FILE --out PREFIX
 *   --service NAME   PAM service to run (default: none with --no-pam)
 *   --procs P        worker processes (disjoint slices of the list)
 *   --reset          the first prompt gets an empty answer (pam_sspr's
 *                    trigger=empty reset path), later prompts get the code
 *   --replay         FILE lines are "index code": answer with that code
 *   --fsync DIR      after each transaction, a 4 KiB pwrite + fsync to
 *                    DIR/fsync.<worker> (the floor's durable write)
 *   --no-pam         no PAM transaction (measures --fsync alone)
 *   --lookup         no PAM: time getpwnam_r + getgrgid_r per user
 *   --rss-sample     the parent samples the sum of the workers' resident
 *                    memory every millisecond and prints its peak
 * Writes PREFIX.<worker>: "index code step pam_status latency_ns message"
 * lines (message: the module's last one, on a failure; "-" otherwise) and
 * a last "# maxrss_kb N" line; prints "wall_ns N" when every worker is done
 * (and "peak_rss_sum_kb N" with --rss-sample). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "bench_users.h"
#include "totp.h"

#define MAX_USERS 10000000
#define TOTP_PERIOD 30
#define TOTP_DIGITS 6
#define QUESTION_PREFIX "Bench question "

struct options {
	const char *service;
	const char *indices;
	const char *out;
	const char *fsync_dir;
	unsigned procs;
	bool reset;
	bool replay;
	bool no_pam;
	bool lookup;
	bool rss_sample;
	int worker;   /* >= 0: this process is worker number `worker` */
	int start_fd; /* the worker's end of the start pipe */
	int ready_fd; /* the worker says "set up" here before waiting to start */
};

struct job {
	unsigned *idx;
	char (*codes)[SSPR_TOTP_CODE_MAX + 1]; /* replay: the codes to send again */
	size_t n;
};

/* Per-transaction conversation state. */
struct answer {
	unsigned idx;
	const char *replay_code; /* NULL: compute the current code */
	bool reset;
	int prompts;
	char code[SSPR_TOTP_CODE_MAX + 1];
	char answer[64]; /* a security question's answer */
	uint64_t step;
	bool failed;
	char said[160]; /* the module's last message, kept for a failure's line */
	char menu[2048]; /* the last message or menu prompt as sent */
};

/* pam_sspr shows a numbered menu ("  2. With a code from your authenticator
 * app") when several methods can be used: the answer is that line's number. */
static const char *menu_choice(const struct answer *a, char *buf, size_t size)
{
	const char *hit = strstr(a->menu, "authenticator");
	unsigned n = 1;

	if (hit != NULL) {
		while (hit > a->menu && hit[-1] != '\n')
			hit--;
		if (sscanf(hit, " %u.", &n) != 1)
			n = 1;
	}
	snprintf(buf, size, "%u", n);
	return buf;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void current_code(struct answer *a)
{
	uint8_t secret[BENCH_SECRET_BYTES];

	bench_user_secret(a->idx, secret);
	a->step = sspr_totp_step((int64_t)time(NULL), TOTP_PERIOD);
	if (sspr_totp_code(secret, sizeof(secret), TOTP_DIGITS, a->step, a->code) != SSPR_OK)
		a->failed = true;
}

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct answer *a = data;
	struct pam_response *out = calloc((size_t)n, sizeof(*out));
	char choice[16];

	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const char *text;

		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON) {
			/* Info and error messages need no answer; keep the
			 * text, with spaces made visible-safe for the line. */
			snprintf(a->said, sizeof(a->said), "%s", msg[i]->msg ? msg[i]->msg : "");
			snprintf(a->menu, sizeof(a->menu), "%s", msg[i]->msg ? msg[i]->msg : "");
			for (char *c = a->said; *c; c++)
				if (*c == ' ' || *c == '\n')
					*c = '_';
			continue;
		}
		if (a->reset && a->prompts == 0) {
			text = ""; /* pam_sspr: an empty password starts the reset */
		} else if (a->reset && msg[i]->msg != NULL && strstr(msg[i]->msg, "\nChoose 1-") != NULL) {
			/* The menu is one prompt: the question, the items, "Choose 1-N: ". */
			snprintf(a->menu, sizeof(a->menu), "%s", msg[i]->msg);
			text = menu_choice(a, choice, sizeof(choice));
		} else if (a->reset && msg[i]->msg != NULL &&
			   strncmp(msg[i]->msg, QUESTION_PREFIX, strlen(QUESTION_PREFIX)) == 0) {
			unsigned q = 0;

			if (sscanf(msg[i]->msg + strlen(QUESTION_PREFIX), "%u", &q) != 1)
				a->failed = true;
			snprintf(a->answer, sizeof(a->answer), "bench answer %u", q);
			text = a->answer;
		} else if (a->replay_code != NULL) {
			text = a->replay_code;
		} else {
			current_code(a);
			text = a->code;
		}
		a->prompts++;
		out[i].resp = strdup(text);
		if (out[i].resp == NULL) {
			for (int j = 0; j < i; j++)
				free(out[j].resp);
			free(out);
			return PAM_BUF_ERR;
		}
	}
	*resp = out;
	return PAM_SUCCESS;
}

static int one_transaction(const struct options *o, struct answer *a)
{
	char user[BENCH_NAME_MAX];
	struct pam_conv pc = {conv, a};
	pam_handle_t *pamh = NULL;
	int r;

	bench_user_name(a->idx, user);
	r = pam_start(o->service, user, &pc, &pamh);
	if (r != PAM_SUCCESS)
		return r;
	r = pam_authenticate(pamh, 0);
	pam_end(pamh, r);
	return r;
}

/* 4 KiB, written over the same block each time and made durable: the least
 * a login that records anything durably must pay. */
static int durable_write(int fd)
{
	static const char block[4096];

	if (pwrite(fd, block, sizeof(block), 0) != (ssize_t)sizeof(block) || fsync(fd) != 0)
		return -1;
	return 0;
}

static int one_lookup(unsigned idx)
{
	char user[BENCH_NAME_MAX], buf[16384];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;

	bench_user_name(idx, user);
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL)
		return PAM_USER_UNKNOWN;
	/* The group check pam_sspr makes: the primary group by id. */
	if (getgrgid_r(pw.pw_gid, &gr, buf, sizeof(buf), &grp) != 0 || grp == NULL)
		return PAM_USER_UNKNOWN;
	return PAM_SUCCESS;
}

static int worker(const struct options *o, const struct job *job, unsigned w, int start_fd)
{
	char path[4096], c;
	struct rusage ru;
	FILE *out;
	int fd = -1, bad = 0;

	snprintf(path, sizeof(path), "%s.%u", o->out, w);
	out = fopen(path, "w");
	if (out == NULL) {
		fprintf(stderr, "pam_bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (o->fsync_dir != NULL) {
		snprintf(path, sizeof(path), "%s/fsync.%u", o->fsync_dir, w);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || durable_write(fd) != 0) {
			fprintf(stderr, "pam_bench: %s: %s\n", path, strerror(errno));
			fclose(out);
			return 1;
		}
	}
	/* Set up (pam_wrapper's copy made): the parent may start the next
	 * worker. Then wait for the parent to release every worker at once. */
	c = 'r';
	if (o->ready_fd >= 0 && (write(o->ready_fd, &c, 1) != 1 || close(o->ready_fd) != 0))
		bad = 1;
	if (read(start_fd, &c, 1) < 0)
		bad = 1;
	for (size_t i = w; i < job->n; i += o->procs) {
		struct answer a = {.idx = job->idx[i], .reset = o->reset};
		int64_t t0 = now_ns();
		int r = PAM_SUCCESS;

		if (o->replay) {
			a.replay_code = job->codes[i];
			snprintf(a.code, sizeof(a.code), "%s", job->codes[i]);
		}
		if (o->lookup)
			r = one_lookup(a.idx);
		else if (!o->no_pam)
			r = one_transaction(o, &a);
		if (fd >= 0 && durable_write(fd) != 0) {
			fprintf(stderr, "pam_bench: fsync: %s\n", strerror(errno));
			bad = 1;
			break;
		}
		if (a.failed)
			r = PAM_SYSTEM_ERR;
		fprintf(out, "%u %s %llu %d %lld %s\n", a.idx, a.code[0] ? a.code : "-",
			(unsigned long long)a.step, r, (long long)(now_ns() - t0),
			r != PAM_SUCCESS && a.said[0] ? a.said : "-");
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out, "# maxrss_kb %ld\n", ru.ru_maxrss);
	if (fclose(out) != 0)
		bad = 1;
	if (fd >= 0)
		close(fd);
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

/* Waits for every worker; with `sample`, polls every millisecond and keeps
 * the peak of the sum of their resident memory (Argon2id's buffers come and
 * go within one verification, so getrusage's per-process peak cannot tell
 * how many were alive at once). Nonzero when a worker failed. */
static int wait_workers(const pid_t *pids, unsigned procs, bool sample, long *peak_kb)
{
	bool alive[256];
	unsigned running = procs;
	int bad = 0;

	for (unsigned w = 0; w < procs; w++)
		alive[w] = true;
	while (running > 0) {
		long sum = 0;

		for (unsigned w = 0; w < procs; w++) {
			int ws;
			pid_t got;

			if (!alive[w])
				continue;
			got = waitpid(pids[w], &ws, sample ? WNOHANG : 0);
			if (got < 0 || (got == pids[w] && (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)))
				bad = 1;
			if (got != 0) {
				alive[w] = false;
				running--;
				continue;
			}
			sum += rss_kb(pids[w]);
		}
		if (sum > *peak_kb)
			*peak_kb = sum;
		if (sample && running > 0)
			nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	return bad;
}

static int load_job(const struct options *o, struct job *job)
{
	FILE *f = fopen(o->indices, "r");
	char line[128];
	size_t cap = 0;

	if (f == NULL) {
		fprintf(stderr, "pam_bench: %s: %s\n", o->indices, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char code[SSPR_TOTP_CODE_MAX + 2] = "";
		unsigned idx;

		if (sscanf(line, "%u %11s", &idx, code) < 1 || (o->replay && code[0] == '\0') ||
		    strlen(code) > SSPR_TOTP_CODE_MAX || job->n >= MAX_USERS) {
			fprintf(stderr, "pam_bench: %s: bad line: %s", o->indices, line);
			fclose(f);
			return -1;
		}
		if (job->n == cap) {
			cap = cap ? cap * 2 : 1024;
			job->idx = realloc(job->idx, cap * sizeof(*job->idx));
			job->codes = realloc(job->codes, cap * sizeof(*job->codes));
			if (job->idx == NULL || job->codes == NULL) {
				fprintf(stderr, "pam_bench: out of memory\n");
				fclose(f);
				return -1;
			}
		}
		job->idx[job->n] = idx;
		snprintf(job->codes[job->n], sizeof(job->codes[0]), "%s", code);
		job->n++;
	}
	fclose(f);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: pam_bench [--service NAME] [--procs P] [--reset] [--replay] "
			"[--fsync DIR] [--no-pam] [--lookup] [--rss-sample] --indices FILE "
			"--out PREFIX\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct options o = {.procs = 1, .worker = -1, .start_fd = -1,
			     .ready_fd = -1};
	char **wargv = NULL, c;
	struct job job = {0};
	pid_t pids[256];
	int start[2], ready[2], status = 0;
	long peak_kb = 0;
	int64_t t0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--reset"))
			o.reset = true;
		else if (!strcmp(a, "--replay"))
			o.replay = true;
		else if (!strcmp(a, "--no-pam"))
			o.no_pam = true;
		else if (!strcmp(a, "--lookup"))
			o.lookup = true;
		else if (!strcmp(a, "--rss-sample"))
			o.rss_sample = true;
		else if (v == NULL)
			return usage();
		else if (!strcmp(a, "--service"))
			o.service = argv[++i];
		else if (!strcmp(a, "--indices"))
			o.indices = argv[++i];
		else if (!strcmp(a, "--out"))
			o.out = argv[++i];
		else if (!strcmp(a, "--fsync"))
			o.fsync_dir = argv[++i];
		else if (!strcmp(a, "--worker"))
			o.worker = atoi(argv[++i]);
		else if (!strcmp(a, "--ready-fd"))
			o.ready_fd = atoi(argv[++i]);
		else if (!strcmp(a, "--start-fd"))
			o.start_fd = atoi(argv[++i]);
		else if (!strcmp(a, "--procs"))
			o.procs = (unsigned)strtoul(argv[++i], NULL, 10);
		else
			return usage();
	}
	if (o.indices == NULL || o.out == NULL || o.procs < 1 || o.procs > 256 ||
	    (o.service == NULL && !o.no_pam && !o.lookup))
		return usage();
	if (sodium_init() < 0 || sspr_totp_init() != SSPR_OK) {
		fprintf(stderr, "pam_bench: cannot initialise libsodium or liboath\n");
		return 1;
	}
	if (load_job(&o, &job) != 0)
		return 1;
	if (o.worker >= 0) {
		status = worker(&o, &job, (unsigned)o.worker, o.start_fd);
		free(job.idx);
		free(job.codes);
		return status;
	}
	wargv = calloc((size_t)argc + 7, sizeof(*wargv));
	if (wargv == NULL || pipe(start) != 0 || pipe(ready) != 0) {
		perror("pam_bench: pipe");
		return 1;
	}
	fflush(NULL);
	for (unsigned w = 0; w < o.procs; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			perror("pam_bench: fork");
			return 1;
		}
		if (pids[w] == 0) {
			char wbuf[16], fdbuf[16], rbuf[16];

			close(start[1]);
			close(ready[0]);
			snprintf(wbuf, sizeof(wbuf), "%u", w);
			snprintf(fdbuf, sizeof(fdbuf), "%d", start[0]);
			snprintf(rbuf, sizeof(rbuf), "%d", ready[1]);
			memcpy(wargv, argv, (size_t)argc * sizeof(*wargv));
			wargv[argc] = "--worker";
			wargv[argc + 1] = wbuf;
			wargv[argc + 2] = "--start-fd";
			wargv[argc + 3] = fdbuf;
			wargv[argc + 4] = "--ready-fd";
			wargv[argc + 5] = rbuf;
			wargv[argc + 6] = NULL;
			execv("/proc/self/exe", wargv);
			perror("pam_bench: exec");
			_exit(1);
		}
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "pam_bench: worker %u did not start\n", w);
			status = 1;
		}
	}
	close(start[0]);
	close(ready[0]);
	close(ready[1]);
	t0 = now_ns();
	close(start[1]); /* every worker's read returns now */
	if (wait_workers(pids, o.procs, o.rss_sample, &peak_kb) != 0)
		status = 1;
	printf("wall_ns %lld\n", (long long)(now_ns() - t0));
	if (o.rss_sample)
		printf("peak_rss_sum_kb %ld\n", peak_kb);
	free(wargv);
	free(job.idx);
	free(job.codes);
	return status;
}
