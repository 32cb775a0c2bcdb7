/* SPDX-License-Identifier: BSD-2-Clause */
/* The directory store backend against live slapd servers (run under
 * tests/ldap/with-slapd.sh), for what only the directory has: events in
 * order across entries, paged walks past the server's size limit, one
 * winner among processes racing on a code, failover within the time
 * budget. The interface cases both backends share are in
 * tests/unit/test_store.c (store-ldap). Each test works in its own
 * sub-base ou=<name>,ou=sspr,dc=sspr,dc=test. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldap.h>

#include "store.h"
#include "store_checks.h"

static char base[256], uri[512];
static struct sspr_store_config cfg;

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL) {
		fprintf(stderr, "%s is not set: run under tests/ldap/with-slapd.sh\n", name);
		exit(1);
	}
	return v;
}

static void use_base(const char *name)
{
	snprintf(base, sizeof(base), "ou=%s,%s", name, env("SSPR_LDAP_BASE"));
	snprintf(uri, sizeof(uri), "%s", env("SSPR_LDAP_URI_A"));
	cfg = (struct sspr_store_config){
		.backend = SSPR_BACKEND_LDAP,
		.ldap_uri = uri,
		.ldap_base = base,
		.ldap_bind_dn = env("SSPR_LDAP_BIND_DN"),
		.ldap_bind_password_file = env("SSPR_LDAP_BIND_PASSWORD_FILE"),
		.ldap_tls_cacert = env("SSPR_LDAP_CACERT"),
		.ldap_timeout = 5,
	};
}

static struct sspr_store *open_flags(unsigned flags)
{
	struct sspr_store *st = NULL;
	struct sspr_error err = {""};
	int r = sspr_store_open(&cfg, flags, &st, &err);

	if (r != SSPR_OK)
		fprintf(stderr, "open: %s\n", err.msg);
	assert_int_equal(r, SSPR_OK);
	return st;
}

/* A fresh store under its own sub-base. */
static struct sspr_store *fresh(const char *name)
{
	use_base(name);
	sspr_store_close(open_flags(SSPR_STORE_CREATE));
	return open_flags(0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct seen_events {
	int n;
	int64_t last;
	char order[64];
	bool sorted;
};

static int order_fn(const struct sspr_event *ev, int status, void *ctx)
{
	struct seen_events *s = ctx;

	assert_int_equal(status, SSPR_OK);
	if (s->n > 0 && ev->time < s->last)
		s->sorted = false;
	s->last = ev->time;
	s->n++;
	strcat(s->order, ev->detail);
	return 0;
}

static void test_events_since_oldest_first(void **state)
{
	struct sspr_store *st = fresh("events");
	struct sspr_error err;
	struct sspr_event ev;
	struct seen_events s = {.sorted = true};
	static const int64_t times[] = {500, 100, 300, 300, 300, 200};
	static const char *details[] = {"f", "a", "c", "d", "e", "b"};

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		sspr_event_set(&ev, times[i], "x", "y", "", "alice", "unit", "", details[i]);
		assert_int_equal(sspr_store_append_event(st, &ev, &err), SSPR_OK);
	}
	assert_int_equal(sspr_store_foreach_event(st, 0, order_fn, &s, &err), SSPR_OK);
	assert_int_equal(s.n, 6);
	assert_true(s.sorted);
	assert_string_equal(s.order, "abcdef"); /* one second keeps its order */
	assert_int_equal(count_events(st, 300), 4);
	assert_int_equal(count_events(st, 501), 0);
	sspr_store_close(st);
}

struct walk {
	int n;
	char last[64];
	bool sorted;
};

static int walk_fn(const char *user, const struct sspr_record *rec, int status, void *ctx)
{
	struct walk *w = ctx;

	if (w->n > 0 && strcmp(w->last, user) >= 0)
		w->sorted = false;
	snprintf(w->last, sizeof(w->last), "%s", user);
	w->n += status == SSPR_OK && rec->registered_at == 42;
	return 0;
}

/* More users than the server's size limit (500): only a paged walk sees
 * them all. Written directly, as the root DN, to be quick. */
static void test_foreach_user_pages_past_the_size_limit(void **state)
{
	enum { USERS = 1234 };
	struct sspr_store *st = fresh("many");
	struct sspr_error err;
	struct walk w = {.sorted = true};
	LDAP *ld = root_ld();

	for (int i = 0; i < USERS; i++) {
		char dn[512], name[32];
		char *classes[] = {"ssprAccount", NULL}, *user[] = {name, NULL},
		     *rev[] = {"1", NULL}, *reg[] = {"42", NULL};
		LDAPMod m1 = {LDAP_MOD_ADD, "objectClass", {.modv_strvals = classes}},
			m2 = {LDAP_MOD_ADD, "ssprUser", {.modv_strvals = user}},
			m3 = {LDAP_MOD_ADD, "ssprRevision", {.modv_strvals = rev}},
			m4 = {LDAP_MOD_ADD, "ssprRegisteredAt", {.modv_strvals = reg}};
		LDAPMod *mods[] = {&m1, &m2, &m3, &m4, NULL};

		/* Reverse order, so the server's order is not the answer. */
		snprintf(name, sizeof(name), "u%05d", USERS - i);
		snprintf(dn, sizeof(dn), "ssprUser=%s,ou=users,%s", name, base);
		assert_int_equal(ldap_add_ext_s(ld, dn, mods, NULL, NULL), LDAP_SUCCESS);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	/* slapd counts every page against the size limit (500 here) unless
	 * size.prtotal is lifted for the host identity, as
	 * doc/ldap/sspr-acl.ldif (which the harness applies) does. */
	assert_int_equal(sspr_store_foreach_user(st, walk_fn, &w, &err), SSPR_OK);
	assert_int_equal(w.n, USERS);
	assert_true(w.sorted);
	assert_string_equal(w.last, "u01234");
	sspr_store_close(st);
}

static void wait_children(int n, int *exits)
{
	for (int c = 0; c < n; c++) {
		int status;

		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status));
		exits[WEXITSTATUS(status) & 7]++;
	}
}

/* Accepts step 7 unless a step at or after it was accepted already. */
static int accept_step(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	if (rec->totp[0].last_step >= 7)
		return SSPR_EREPLAY;
	rec->totp[0].last_step = 7;
	return SSPR_OK;
}

static void test_one_totp_step_is_accepted_once(void **state)
{
	enum { CHILDREN = 8 };
	struct sspr_store *st = fresh("replay");
	struct bump ok = {SSPR_OK, false};
	struct sspr_error err;
	int exits[8] = {0};

	assert_int_equal(sspr_store_update(st, "dave", 0, bump_fn, &ok, &err), SSPR_OK);
	for (int round = 0; round < 3; round++) {
		int r_exits[8] = {0};

		if (round > 0) { /* back to step 1 */
			struct bump reset = {SSPR_DELETE, false};

			assert_int_equal(sspr_store_update(st, "dave", 0, bump_fn, &reset, &err),
					 SSPR_DELETE);
			assert_int_equal(sspr_store_update(st, "dave", 0, bump_fn, &ok, &err),
					 SSPR_OK);
		}
		for (int c = 0; c < CHILDREN; c++) {
			pid_t pid = fork();

			assert_true(pid >= 0);
			if (pid == 0) {
				struct sspr_store *mine = NULL;
				int r;

				if (sspr_store_open(&cfg, 0, &mine, &err) != SSPR_OK)
					_exit(2);
				r = sspr_store_update(mine, "dave", 0, accept_step, NULL, &err);
				sspr_store_close(mine);
				_exit(r == SSPR_OK ? 0 : r == SSPR_EREPLAY ? 1 : 3);
			}
		}
		wait_children(CHILDREN, r_exits);
		assert_int_equal(r_exits[0], 1);
		assert_int_equal(r_exits[1], CHILDREN - 1);
		exits[0] += r_exits[0];
	}
	assert_int_equal(exits[0], 3);
	sspr_store_close(st);
}

/* A port nothing listens on. */
static int closed_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* A listener that takes connections into its backlog and never answers. */
static int silent_listener(int *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A server that answers every request with invalidCredentials (49): a
 * first URI where the bind fails. */
static pid_t refusing_server(int *port)
{
	int fd = silent_listener(port);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;) {
			uint8_t req[512], resp[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a,
						    0x01, 0x31, 0x04, 0x00, 0x04, 0x00};
			int c = accept(fd, NULL, NULL);
			ssize_t n;

			if (c < 0)
				_exit(0);
			n = read(c, req, sizeof(req));
			/* SEQUENCE, short length, INTEGER messageID of one byte. */
			if (n > 5 && req[0] == 0x30 && req[2] == 0x02 && req[3] == 0x01)
				resp[4] = req[4];
			if (write(c, resp, sizeof(resp)) < 0)
				_exit(1);
			sleep(1);
			close(c);
		}
	}
	close(fd);
	return pid;
}

static void test_failover_to_the_next_uri(void **state)
{
	struct sspr_store *st = NULL;
	struct sspr_error err;
	int port, fd, r;
	pid_t pid;
	double t0;

	use_base("failover");
	sspr_store_close(open_flags(SSPR_STORE_CREATE));

	/* Nothing listens on the first. */
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%d %s", closed_port(), env("SSPR_LDAP_URI_A"));
	sspr_store_close(open_flags(0));

	/* No server at all: quickly unavailable, naming the URI. */
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%d", port = closed_port());
	t0 = now_s();
	assert_int_equal(sspr_store_open(&cfg, 0, &st, &err), SSPR_EUNAVAIL);
	assert_true(now_s() - t0 < 1.0);
	assert_non_null(strstr(err.msg, uri));
	assert_non_null(strstr(err.msg, "Can't contact LDAP server"));

	/* The wrong CA: TLS fails, never a plain-text fallback. */
	snprintf(uri, sizeof(uri), "%s", env("SSPR_LDAP_URI_A"));
	cfg.ldap_tls_cacert = env("SSPR_LDAP_WRONG_CACERT");
	assert_int_equal(sspr_store_open(&cfg, 0, &st, &err), SSPR_EUNAVAIL);
	assert_non_null(strstr(err.msg, uri));
	fprintf(stderr, "wrong CA: %s\n", err.msg);

	/* An unreadable CA file is named, not libldap's bare "Connect error";
	 * a plain ldapi:// connection never needs one. */
	cfg.ldap_tls_cacert = "/nonexistent/sspr-ca.pem";
	assert_int_equal(sspr_store_open(&cfg, 0, &st, &err), SSPR_EUNAVAIL);
	assert_non_null(strstr(err.msg, "cannot read the CA certificates /nonexistent/sspr-ca.pem"));
	snprintf(uri, sizeof(uri), "%s", env("SSPR_LDAP_LDAPI_A"));
	cfg.ldap_tls_cacert = "";
	st = open_flags(0);
	sspr_store_close(st);
	snprintf(uri, sizeof(uri), "%s", env("SSPR_LDAP_URI_A"));
	cfg.ldap_tls_cacert = env("SSPR_LDAP_CACERT");

	/* The first server refuses every request (StartTLS included: no
	 * ldap:// is plain text, the loopback's neither); the second, over
	 * ldapi, takes it. */
	pid = refusing_server(&port);
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%d %s", port, env("SSPR_LDAP_LDAPI_A"));
	st = open_flags(0);
	sspr_store_close(st);
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%d", port);
	r = sspr_store_open(&cfg, 0, &st, &err);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	fprintf(stderr, "refusing server: %s\n", err.msg);
	assert_int_equal(r, SSPR_EUNAVAIL);
	assert_non_null(strstr(err.msg, uri));

	/* A server that never answers costs at most ldap_timeout. */
	fd = silent_listener(&port);
	cfg.ldap_timeout = 2;
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%d", port);
	t0 = now_s();
	assert_int_equal(sspr_store_open(&cfg, 0, &st, &err), SSPR_EUNAVAIL);
	fprintf(stderr, "silent server alone: %.3f s: %s\n", now_s() - t0, err.msg);
	assert_true(now_s() - t0 < 2.3);
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%d %s", port, env("SSPR_LDAP_URI_A"));
	t0 = now_s();
	st = open_flags(0);
	fprintf(stderr, "silent server, then A: %.3f s\n", now_s() - t0);
	assert_true(now_s() - t0 < 2.0);
	sspr_store_close(st);
	close(fd);
}

/* The number the brief asks for: one update against the local server. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void test_update_latency(void **state)
{
	enum { N = 300 };
	struct sspr_store *st = fresh("latency");
	struct bump ok = {SSPR_OK, false};
	struct sspr_error err;
	double t[N];

	for (int i = 0; i < N; i++) {
		double t0 = now_s();

		assert_int_equal(sspr_store_update(st, "erin", 0, bump_fn, &ok, &err), SSPR_OK);
		t[i] = now_s() - t0;
	}
	qsort(t, N, sizeof(t[0]), cmp_double);
	fprintf(stderr, "update latency over %d: median %.3f ms, p90 %.3f ms\n", N,
		t[N / 2] * 1000, t[N * 9 / 10] * 1000);
	assert_int_equal(step_of(st, "erin"), N);
	sspr_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_since_oldest_first),
		cmocka_unit_test(test_foreach_user_pages_past_the_size_limit),
		cmocka_unit_test(test_one_totp_step_is_accepted_once),
		cmocka_unit_test(test_failover_to_the_next_uri),
		cmocka_unit_test(test_update_latency),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
