/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin key: the fleet key ring. Hosts that share a directory store
 * must all open every TOTP secret, so they hold the same key pair; these
 * commands show it (status), carry it to another host (export, and install
 * in key_install.c) and replace it without losing an enrollment: rotate
 * --prepare makes next.key, which is installed everywhere; rotate --finish
 * makes it current, keeps the old one as previous.key and seals every
 * secret again to the new key; retire drops previous.key once nothing
 * needs it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "event_log.h"
#include "key.h"

#define KEY_USAGE                                                                                  \
	"usage: key status | key export FILE|- | key install FILE|- [--replace] | "                \
	"key rotate --prepare|--finish | key retire"

void admin_log_action(const char *action, const char *result, const char *detail)
{
	const struct sspr_log_fields f = {
	    .what = action, .result = result, .service = ADMIN_SERVICE, .detail = detail};

	sspr_log_syslog(&f);
}

/* An event in the store's audit trail (and so a syslog line through the
 * observer); only a warning when it cannot be written, since the change it
 * records is done. */
static void key_event(struct sspr_store *st, const char *action, const char *result,
		      const char *detail)
{
	struct sspr_error err = {{0}};
	struct sspr_event ev;
	char actor[32], full[SSPR_EVENT_DETAIL_MAX + 1];
	int r;

	admin_actor(actor, sizeof(actor));
	snprintf(full, sizeof(full), "%s, %s", actor, detail);
	sspr_event_set(&ev, sspr_now(), action, result, "", "", ADMIN_SERVICE, "", full);
	r = sspr_store_append_event(st, &ev, &err);
	if (r != SSPR_OK) {
		cli_warn("audit event not written: %s",
			   err.msg[0] != '\0' ? err.msg : sspr_strerror(r));
		admin_log_action(action, result, full);
	}
}

static int need_root(const struct admin_ctx *ctx, const char *what)
{
	/* As for init: unprivileged runs only against a policy of one's own. */
	if (geteuid() != 0 && !ctx->config_explicit)
		return admin_error(SSPR_EACCES, "key %s: must be run as root", what);
	return SSPR_EXIT_OK;
}

static void print_role(const struct sspr_keyring *ring, enum sspr_key_role role,
		       const struct admin_key_census *c, unsigned secrets)
{
	char id[SSPR_KEY_ID_TEXT];

	if (!ring->have[role]) {
		printf("%-9s none\n", sspr_key_role_name(role));
		return;
	}
	sspr_key_id(ring->key[role].pk, id);
	if (c != NULL)
		printf("%-9s %s  opens %u of %u stored TOTP secrets\n", sspr_key_role_name(role),
		       id, c->opened[role], secrets);
	else
		printf("%-9s %s\n", sspr_key_role_name(role), id);
}

static int key_status(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_keyring ring;
	struct admin_key_census c;
	struct admin_args args;
	bool have_census = false;
	int r, rc;

	sspr_keyring_wipe(&ring);
	if ((rc = admin_parse_args("key status", argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("key status takes no arguments");
	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	r = sspr_policy_open_store(&ctx->pol, SSPR_STORE_READONLY, &st, &err);
	if (r == SSPR_OK) {
		if ((rc = admin_key_census(st, &ring, true, &c)) != SSPR_EXIT_OK)
			goto out;
		have_census = true;
	} else if (r != SSPR_ENOENT) {
		rc = admin_lib_error(r, &err, sspr_policy_store_name(&ctx->pol));
		goto out;
	}
	printf("key directory: %s\n", ctx->pol.key_dir);
	for (int role = 0; role < SSPR_KEY_ROLES; role++)
		print_role(&ring, (enum sspr_key_role)role, have_census ? &c : NULL,
			   have_census ? c.with_totp : 0);
	if (!have_census) {
		printf("store:    %s: none yet, nothing is sealed\n",
		       sspr_policy_store_name(&ctx->pol));
	} else {
		printf("no key    opens %u of %u stored TOTP secrets\n", c.unopenable, c.with_totp);
		if (c.corrupt != 0)
			printf(
			    "corrupt   %u records do not decode (their secrets are not counted)\n",
			    c.corrupt);
	}
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	sspr_keyring_wipe(&ring);
	return rc;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The bundle goes into a new file (never an existing one: it could be a
 * link to somewhere others read) with mode 0600 from the start. */
static int export_to_file(const char *path, const char *buf, size_t len)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		if (e == EEXIST)
			return admin_error(SSPR_EEXIST,
					   "%s: exists; the bundle is only written to "
					   "a new file",
					   path);
		return admin_error(e == EACCES || e == EPERM ? SSPR_EACCES : SSPR_ERR, "%s: %s",
				   path, strerror(e));
	}
	if (fchmod(fd, 0600) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		(void)unlink(path);
		return admin_error(SSPR_ERR, "%s: cannot write: %s", path, strerror(e));
	}
	if (close(fd) != 0) {
		e = errno;
		(void)unlink(path);
		return admin_error(SSPR_ERR, "%s: cannot write: %s", path, strerror(e));
	}
	return SSPR_EXIT_OK;
}

/* "current ID, next ID" for messages and logs. */
static void ring_ids(const struct sspr_keyring *ring, char *buf, size_t size)
{
	char id[SSPR_KEY_ID_TEXT];
	size_t used = 0;

	buf[0] = '\0';
	for (int role = 0; role < SSPR_KEY_ROLES; role++) {
		int n;

		if (!ring->have[role])
			continue;
		sspr_key_id(ring->key[role].pk, id);
		n = snprintf(buf + used, size - used, "%s%s %s", used != 0 ? ", " : "",
			     sspr_key_role_name((enum sspr_key_role)role), id);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static int key_export(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_keyring ring;
	struct admin_args args;
	char *bundle = NULL;
	char ids[128], detail[SSPR_EVENT_DETAIL_MAX + 1];
	size_t len = 0;
	bool to_stdout;
	int rc;

	sspr_keyring_wipe(&ring);
	if ((rc = admin_parse_args("key export", argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 1)
		return admin_usage_error("usage: key export FILE|-");
	if ((rc = need_root(ctx, "export")) != SSPR_EXIT_OK)
		return rc;
	to_stdout = strcmp(args.pos[0], "-") == 0;
	/* A bundle on a screen ends up in scrollback, recordings and
	 * shoulder-surfers' eyes. */
	if (to_stdout && isatty(STDOUT_FILENO))
		return admin_error(SSPR_EINVAL,
				   "key export: refusing to write secret keys to a "
				   "terminal; give a FILE or pipe it into 'ssh HOST "
				   "%s key install -'",
				   ADMIN_PROG);
	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	if ((bundle = sodium_malloc(ADMIN_BUNDLE_MAX)) == NULL) {
		rc = admin_error(SSPR_ENOMEM, "out of memory");
		goto out;
	}
	if (admin_bundle_format(&ring, bundle, ADMIN_BUNDLE_MAX, &len) != SSPR_OK) {
		rc = admin_error(SSPR_ERR, "key export: the bundle does not fit");
		goto out;
	}
	ring_ids(&ring, ids, sizeof(ids));
	if (to_stdout) {
		/* write(2), not stdio: no buffer we cannot wipe holds the keys. */
		if (write_all(STDOUT_FILENO, bundle, len) != 0) {
			rc = admin_error(SSPR_ERR, "key export: writing to standard output: %s",
					 strerror(errno));
			goto out;
		}
		fprintf(stderr, "%s: key export: %s written to standard output\n", ADMIN_PROG, ids);
	} else {
		if ((rc = export_to_file(args.pos[0], bundle, len)) != SSPR_EXIT_OK)
			goto out;
		printf("%s: %s written (mode 0600); remove it once installed\n", args.pos[0], ids);
	}
	snprintf(detail, sizeof(detail), "%s to %s", ids, to_stdout ? "stdout" : "a file");
	admin_log_action("key-export", "success", detail);
	rc = SSPR_EXIT_OK;
out:
	if (bundle != NULL) {
		sodium_memzero(bundle, ADMIN_BUNDLE_MAX);
		sodium_free(bundle);
	}
	sspr_keyring_wipe(&ring);
	return rc;
}

static int rotate_prepare(struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	struct sspr_keyring ring;
	char id[SSPR_KEY_ID_TEXT], detail[64], prog[SSPR_PATH_MAX + 64];
	int r, rc;

	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	if (ring.have[SSPR_KEY_NEXT]) {
		sspr_key_id(ring.key[SSPR_KEY_NEXT].pk, id);
		rc = admin_error(SSPR_EEXIST,
				 "key rotate: %s/%s exists already (key %s): install "
				 "it on every host, then run 'key rotate --finish'",
				 ctx->pol.key_dir, SSPR_HOSTKEY_NEXT_FILE, id);
		goto out;
	}
	r = sspr_hostkey_generate_role(ctx->pol.key_dir, SSPR_KEY_NEXT, &err);
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, ctx->pol.key_dir);
		goto out;
	}
	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	sspr_key_id(ring.key[SSPR_KEY_NEXT].pk, id);
	printf("%s/%s: next key %s created\n", ctx->pol.key_dir, SSPR_HOSTKEY_NEXT_FILE, id);
	printf("Install it on every other host:\n");
	admin_key_print_install_hint(ctx, "  ");
	printf("then, here: %s key rotate --finish\n", admin_prog_as_run(ctx, prog, sizeof(prog)));
	snprintf(detail, sizeof(detail), "next %s", id);
	admin_log_action("key-rotate-prepare", "success", detail);
	rc = SSPR_EXIT_OK;
out:
	sspr_keyring_wipe(&ring);
	return rc;
}

/* previous <- current, current <- next, next removed; in that order, so a
 * crash part-way leaves every key on disk under one name or another. */
static int switch_keys(const struct admin_ctx *ctx, const struct sspr_keyring *ring)
{
	struct sspr_error err = {{0}};
	const char *dir = ctx->pol.key_dir;
	int r;

	r = sspr_hostkey_write(dir, SSPR_KEY_PREVIOUS, &ring->key[SSPR_KEY_CURRENT], &err);
	if (r == SSPR_OK)
		r = sspr_hostkey_write(dir, SSPR_KEY_CURRENT, &ring->key[SSPR_KEY_NEXT], &err);
	if (r == SSPR_OK)
		r = sspr_hostkey_remove(dir, SSPR_KEY_NEXT, &err);
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, dir);
	return SSPR_EXIT_OK;
}

static int rotate_finish(struct admin_ctx *ctx)
{
	struct sspr_store *st = NULL;
	struct sspr_keyring ring;
	struct admin_reseal rs;
	char cur[SSPR_KEY_ID_TEXT], prev[SSPR_KEY_ID_TEXT], detail[SSPR_EVENT_DETAIL_MAX + 1];
	char prog[SSPR_PATH_MAX + 64];
	int rc;

	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	if (!ring.have[SSPR_KEY_NEXT] && !ring.have[SSPR_KEY_PREVIOUS]) {
		rc = admin_error(SSPR_EINVAL, "key rotate: no next key; run 'key rotate --prepare' "
					      "and install it everywhere first");
		goto out;
	}
	if (ring.have[SSPR_KEY_NEXT] && ring.have[SSPR_KEY_PREVIOUS]) {
		sspr_key_id(ring.key[SSPR_KEY_PREVIOUS].pk, prev);
		rc = admin_error(SSPR_EEXIST,
				 "key rotate: %s/%s still holds key %s; run 'key "
				 "retire' before finishing another rotation",
				 ctx->pol.key_dir, SSPR_HOSTKEY_PREVIOUS_FILE, prev);
		goto out;
	}
	/* The store first: if it cannot be reached, nothing changes. */
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	if (ring.have[SSPR_KEY_NEXT]) {
		if ((rc = switch_keys(ctx, &ring)) != SSPR_EXIT_OK)
			goto out;
		if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
			goto out;
		sspr_key_id(ring.key[SSPR_KEY_CURRENT].pk, cur);
		sspr_key_id(ring.key[SSPR_KEY_PREVIOUS].pk, prev);
		printf("%s: current key is now %s (%s kept as %s)\n", ctx->pol.key_dir, cur, prev,
		       SSPR_HOSTKEY_PREVIOUS_FILE);
	} else {
		/* An earlier --finish switched the keys but did not get through
		 * the store: carry on with the re-sealing. */
		sspr_key_id(ring.key[SSPR_KEY_CURRENT].pk, cur);
		printf("%s: keys already switched (current %s); re-sealing what is left\n",
		       ctx->pol.key_dir, cur);
	}
	rc = admin_key_reseal(st, &ring, 1u << SSPR_KEY_PREVIOUS, &rs);
	if (rc != SSPR_EXIT_OK)
		goto out;
	printf("re-sealed %u TOTP secrets to key %s; %u open with no key (left as they are); "
	       "%u failed\n",
	       rs.resealed, cur, rs.unopenable, rs.failed);
	snprintf(detail, sizeof(detail), "current %s, re-sealed %u, unopenable %u, failed %u", cur,
		 rs.resealed, rs.unopenable, rs.failed);
	key_event(st, "key-rotate", rs.failed == 0 ? "success" : "partial", detail);
	if (rs.failed != 0) {
		rc = admin_error(SSPR_ERR,
				 "key rotate: %u secrets not re-sealed; run 'key rotate "
				 "--finish' again",
				 rs.failed);
		goto out;
	}
	printf("Install the new key on every other host, then run '%s key retire':\n",
	       admin_prog_as_run(ctx, prog, sizeof(prog)));
	admin_key_print_install_hint(ctx, "  ");
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	sspr_keyring_wipe(&ring);
	return rc;
}

static int key_rotate(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	unsigned which;
	int rc;

	rc = admin_parse_args("key rotate", argc, argv, ADMIN_F_PREPARE | ADMIN_F_FINISH, &args);
	if (rc != SSPR_EXIT_OK)
		return rc;
	which = args.flags & (ADMIN_F_PREPARE | ADMIN_F_FINISH);
	if (args.npos != 0 || (which != ADMIN_F_PREPARE && which != ADMIN_F_FINISH))
		return admin_usage_error("usage: key rotate --prepare | key rotate --finish");
	if ((rc = need_root(ctx, "rotate")) != SSPR_EXIT_OK)
		return rc;
	return which == ADMIN_F_PREPARE ? rotate_prepare(ctx) : rotate_finish(ctx);
}

static int key_retire(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_keyring ring;
	struct admin_reseal rs;
	struct admin_key_census c;
	struct admin_args args;
	char prev[SSPR_KEY_ID_TEXT], detail[SSPR_EVENT_DETAIL_MAX + 1];
	int r, rc;

	sspr_keyring_wipe(&ring);
	if ((rc = admin_parse_args("key retire", argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("key retire takes no arguments");
	if ((rc = need_root(ctx, "retire")) != SSPR_EXIT_OK)
		return rc;
	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	if (!ring.have[SSPR_KEY_PREVIOUS]) {
		rc = admin_error(SSPR_EINVAL, "key retire: %s/%s: no previous key to retire",
				 ctx->pol.key_dir, SSPR_HOSTKEY_PREVIOUS_FILE);
		goto out;
	}
	sspr_key_id(ring.key[SSPR_KEY_PREVIOUS].pk, prev);
	if ((rc = admin_store_open(ctx, 0, &st)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_key_reseal(st, &ring, 1u << SSPR_KEY_PREVIOUS, &rs)) != SSPR_EXIT_OK)
		goto out;
	/* Count again after the updates: a host still sealing with the old
	 * public key may have enrolled someone meanwhile. */
	if ((rc = admin_key_census(st, &ring, false, &c)) != SSPR_EXIT_OK)
		goto out;
	if (rs.failed != 0 || c.opened[SSPR_KEY_PREVIOUS] != 0) {
		rc = admin_error(SSPR_ERR,
				 "key retire: %u TOTP secrets still open only with key %s "
				 "(a host may still seal with it: install the current key "
				 "everywhere); %s kept",
				 c.opened[SSPR_KEY_PREVIOUS], prev, SSPR_HOSTKEY_PREVIOUS_FILE);
		goto out;
	}
	if (c.corrupt != 0)
		cli_warn("%u records do not decode: a secret in them may need key %s", c.corrupt,
			   prev);
	r = sspr_hostkey_remove(ctx->pol.key_dir, SSPR_KEY_PREVIOUS, &err);
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, ctx->pol.key_dir);
		goto out;
	}
	printf("%s/%s: key %s retired; re-sealed %u TOTP secrets; %u open with no key\n",
	       ctx->pol.key_dir, SSPR_HOSTKEY_PREVIOUS_FILE, prev, rs.resealed, c.unopenable);
	snprintf(detail, sizeof(detail), "retired %s, re-sealed %u, unopenable %u", prev,
		 rs.resealed, c.unopenable);
	key_event(st, "key-retire", "success", detail);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	sspr_keyring_wipe(&ring);
	return rc;
}

int admin_cmd_key(struct admin_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct admin_ctx *ctx, int argc, char **argv);
	} subs[] = {
	    {"status", key_status}, {"export", key_export}, {"install", admin_key_install},
	    {"rotate", key_rotate}, {"retire", key_retire},
	};
	char shown[CLI_QUOTE_MAX + 4];

	if (argc < 2)
		return admin_usage_error(KEY_USAGE);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(ctx, argc - 1, argv + 1);
	}
	return admin_usage_error("key: unknown sub-command '%s' (%s)",
				 cli_quote_arg(argv[1], shown, sizeof(shown)), KEY_USAGE);
}
