/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded growth: strangers cannot grow the store. 10 000 reset attempts at
 * random names that are no accounts, through the real pam_sspr.so (under
 * pam_wrapper, enumeration = hide: each gets the decoy dialog and its
 * store writes), must leave the LMDB store's used pages and its events as
 * they were after a warm-up. As the control that the measure can see
 * growth, attempts at a real account that may not reset do add events,
 * and sspr-admin's prune takes them away again.
 *
 * usage: test_growth [ATTEMPTS]   (env: LD_PRELOAD=libpam_wrapper.so
 * PAM_WRAPPER=1). Prints TAP-like lines and the figures; exit 0 when every
 * check passed. */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
#include <security/pam_appl.h>
#include <sodium.h>

#include "hostkey.h"
#include "conv_script.h"
#include "robust_tap.h"
#include "store.h"
#include "util.h"

#define WARM_UP 200
#define CONTROL 50

static char dir[256], store_dir[300], key_dir[300];

static void die(const char *what)
{
	fprintf(stderr, "%s: ", "test_growth");
	tap_die(what);
}

static void write_text(const char *name, const char *text)
{
	tap_write(dir, name, text, "w");
}

/* Pages the store uses (the highest page LMDB has handed out). */
static size_t used_pages(void)
{
	MDB_env *env = NULL;
	MDB_envinfo info;
	size_t pages = 0;

	if (mdb_env_create(&env) == 0 && mdb_env_set_maxdbs(env, 3) == 0 &&
	    mdb_env_set_mapsize(env, (size_t)4 << 30) == 0 &&
	    mdb_env_open(env, store_dir, MDB_RDONLY | MDB_NOTLS, 0660) == 0 &&
	    mdb_env_info(env, &info) == 0)
		pages = info.me_last_pgno + 1;
	mdb_env_close(env);
	return pages;
}

static int count_fn(const struct sspr_event *ev, int status, void *ctx)
{
	(*(unsigned long *)ctx)++;
	return 0;
}

static unsigned long events(void)
{
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	unsigned long n = 0;

	if (sspr_store_open_lmdb(store_dir, SSPR_STORE_READONLY, &st, &err) != SSPR_OK ||
	    sspr_store_foreach_event(st, 0, count_fn, &n, &err) != SSPR_OK)
		die(err.msg);
	sspr_store_close(st);
	return n;
}

/* One reset attempt: Enter, a wrong code; the stack's password module is
 * pam_deny, so nothing but the reset dialog runs. */
static bool attempt(const char *service, const char *name)
{
	static const char *const replies[] = {"", "123456", "wrong"};
	struct script sc;

	memset(&sc, 0, sizeof(sc));
	sc.replies = replies;
	sc.n_replies = 3;
	(void)script_run(service, name, SCRIPT_AUTH, &sc);
	/* The decoy's code prompt, then its refusal: the whole dialog ran. */
	return sc.n_prompts >= 2 && strstr(sc.prompts[1], "Verification code") != NULL &&
	       script_said(&sc, "The code is not valid.");
}

/* A name no account has: "zq" and ten random letters. */
static void random_name(char *out)
{
	out[0] = 'z';
	out[1] = 'q';
	for (int i = 2; i < 12; i++)
		out[i] = (char)('a' + randombytes_uniform(26));
	out[12] = '\0';
}

static void setup(const char *module)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	char text[2048], path[400];

	snprintf(dir, sizeof(dir), "%s", "/tmp/sspr-robust-growth-XXXXXX");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	chmod(dir, 0755);
	snprintf(store_dir, sizeof(store_dir), "%s/store", dir);
	snprintf(key_dir, sizeof(key_dir), "%s/keys", dir);
	if (sspr_hostkey_generate(key_dir, &err) != SSPR_OK ||
	    sspr_store_open_lmdb(store_dir, SSPR_STORE_CREATE, &st, &err) != SSPR_OK)
		die(err.msg[0] ? err.msg : "set-up");
	sspr_store_close(st);
	snprintf(path, sizeof(path), "%s/services", dir);
	if (mkdir(path, 0755) != 0)
		die("mkdir services");
	setenv("PAM_WRAPPER_SERVICE_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/pwrap", dir);
	if (mkdir(path, 0755) != 0)
		die("mkdir pwrap");
	setenv("PAM_WRAPPER_RUNTIME_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/run", dir);
	if (mkdir(path, 0755) != 0)
		die("mkdir run");
	/* Everyone may reset but root (uid 0 is below min_uid): "root" is
	 * the real account that may not, for the control. */
	snprintf(text, sizeof(text),
		 "store = %s\nkey_dir = %s\nlock_dir = %s/run\nenumeration = hide\n"
		 "methods = totp\ngroup = *\nmin_uid = 1\npassword_service = growth-passwd\n"
		 "lockout_attempts = 100\nnotify_user = no\n",
		 store_dir, key_dir, dir);
	write_text("growth.conf", text);
	snprintf(text, sizeof(text),
		 "auth [ignore=ignore default=die] %s config=%s/growth.conf\nauth required pam_deny.so\n",
		 module, dir);
	write_text("services/growth", text);
	write_text("services/growth-passwd", "password required pam_deny.so\n");
}

int main(int argc, char **argv)
{
	const char *module = getenv("PAM_SSPR_MODULE");
	unsigned long attempts = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	unsigned long events_before, events_after, removed = 0;
	size_t pages_before, pages_after;
	unsigned long reached = 0;
	struct sspr_store *st = NULL;
	struct sspr_error err = {{0}};
	char name[16];
	double start, seconds;
	struct timespec ts;

	if (module == NULL || sodium_init() < 0)
		die("usage: PAM_SSPR_MODULE=pam_sspr.so test_growth [ATTEMPTS]");
	setup(module);
	/* LMDB settles first: the first writes allocate the pages that later
	 * writes of the same keys reuse. */
	for (int i = 0; i < WARM_UP; i++) {
		random_name(name);
		attempt("growth", name);
	}
	pages_before = used_pages();
	events_before = events();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	for (unsigned long i = 0; i < attempts; i++) {
		random_name(name);
		reached += attempt("growth", name);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seconds = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - start;
	pages_after = used_pages();
	events_after = events();
	printf("# %lu attempts at random names in %.1f s (%.2f ms each): pages %zu -> %zu, "
	       "events %lu -> %lu\n",
	       attempts, seconds, 1000.0 * seconds / (double)attempts, pages_before, pages_after,
	       events_before, events_after);
	tap_check(reached == attempts, "strangers: every attempt ran the whole decoy dialog (%lu of %lu)",
	      reached, attempts);
	tap_check(pages_before > 0 && pages_after == pages_before,
	      "strangers: the store's used pages stay flat (%zu -> %zu)", pages_before, pages_after);
	tap_check(events_after == events_before, "strangers: no event is kept for them (%lu -> %lu)",
	      events_before, events_after);

	/* The control: a real account that may not reset leaves an event per
	 * attempt, which the measure sees and prune removes. */
	for (int i = 0; i < CONTROL; i++)
		attempt("growth", "root");
	tap_check(events() == events_before + CONTROL, "control: a real account's attempts are on "
						  "record (%lu more)",
	      events() - events_before);
	if (sspr_store_open_lmdb(store_dir, 0, &st, &err) != SSPR_OK ||
	    sspr_store_prune_events(st, sspr_now() + 1, &removed, &err) != SSPR_OK)
		die(err.msg);
	sspr_store_close(st);
	tap_check(removed >= CONTROL && events() == 0, "control: prune removes them (%lu removed)",
	      removed);
	printf("# %d checks, %d failed\n", tap_checks, tap_failed);
	return tap_failed == 0 ? 0 : 1;
}
