/* SPDX-License-Identifier: BSD-2-Clause */
/* What an ordinary login pays for a module's lines: real libpam
 * transactions (pam_start_confdir, pam_authenticate, pam_acct_mgmt,
 * pam_end) for a list of users, one service after another in turn, so a
 * noisy minute lands on every stack alike. The password prompt gets a
 * non-empty answer: this is the login that is not a reset.
 *
 * login_cost --confdir DIR --users FILE --rounds R SERVICE...
 *
 * FILE holds one user name a line. Every round runs every service once for
 * every user, the services interleaved user by user. Prints, per service,
 * "SERVICE median_ns p90_ns failures" over all its transactions.
 *
 * This program links libpam and libc only, so a module's own libraries are
 * loaded by the module, as in sshd or login, and not already present. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#define MAX_USERS 100000
#define MAX_SERVICES 16
#define PASSWORD "Not-The-Reset-1"

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *out = calloc((size_t)n, sizeof(*out));

	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		out[i].resp = strdup(PASSWORD);
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

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int login(const char *confdir, const char *service, const char *user)
{
	struct pam_conv pc = {conv, NULL};
	pam_handle_t *pamh = NULL;
	int r;

	r = pam_start_confdir(service, user, &pc, confdir, &pamh);
	if (r != PAM_SUCCESS)
		return r;
	r = pam_authenticate(pamh, 0);
	if (r == PAM_SUCCESS)
		r = pam_acct_mgmt(pamh, 0);
	pam_end(pamh, r);
	return r;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static char **read_users(const char *path, size_t *count)
{
	char line[256], **users = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while (n < MAX_USERS && fgets(line, sizeof(line), f) != NULL) {
		char **grown;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		grown = realloc(users, (n + 1) * sizeof(*users));
		if (grown == NULL)
			break;
		users = grown;
		users[n] = strdup(line);
		if (users[n] == NULL)
			break;
		n++;
	}
	fclose(f);
	*count = n;
	return users;
}

int main(int argc, char **argv)
{
	const char *confdir = NULL, *users_file = NULL;
	const char *services[MAX_SERVICES];
	size_t nservices = 0, nusers = 0;
	unsigned rounds = 1;
	char **users;
	int64_t *times[MAX_SERVICES];
	unsigned failures[MAX_SERVICES] = {0};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--confdir") == 0 && i + 1 < argc)
			confdir = argv[++i];
		else if (strcmp(argv[i], "--users") == 0 && i + 1 < argc)
			users_file = argv[++i];
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (argv[i][0] != '-' && nservices < MAX_SERVICES)
			services[nservices++] = argv[i];
		else {
			fprintf(stderr, "login_cost: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (confdir == NULL || users_file == NULL || nservices == 0 || rounds == 0) {
		fprintf(stderr, "usage: login_cost --confdir DIR --users FILE --rounds R SERVICE...\n");
		return 2;
	}
	users = read_users(users_file, &nusers);
	if (users == NULL || nusers == 0) {
		fprintf(stderr, "login_cost: no users in %s\n", users_file);
		return 2;
	}
	for (size_t s = 0; s < nservices; s++) {
		times[s] = calloc(nusers * rounds, sizeof(int64_t));
		if (times[s] == NULL)
			return 1;
	}
	for (unsigned r = 0; r < rounds; r++)
		for (size_t u = 0; u < nusers; u++)
			for (size_t k = 0; k < nservices; k++) {
				/* Each user sees the services in a different
				 * order, so none always runs on a warm cache. */
				size_t s = (k + u + r) % nservices;
				int64_t t0 = now_ns();

				if (login(confdir, services[s], users[u]) != PAM_SUCCESS)
					failures[s]++;
				times[s][r * nusers + u] = now_ns() - t0;
			}
	for (size_t s = 0; s < nservices; s++) {
		size_t n = nusers * rounds;

		qsort(times[s], n, sizeof(int64_t), by_value);
		printf("%s %lld %lld %u\n", services[s], (long long)times[s][n / 2],
		       (long long)times[s][n * 9 / 10], failures[s]);
		free(times[s]);
	}
	for (size_t u = 0; u < nusers; u++)
		free(users[u]);
	free(users);
	return 0;
}
