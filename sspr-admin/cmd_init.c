/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin init: creates the host key and the store, and gives the store
 * the owner and modes of doc/DESIGN.md §3.3 (root:sspr-store, directory
 * 2770, files 0660) so the setgid enrollment helper can write to it. Idempotent: a key
 * or store that exists is kept, and the modes are set again.
 *
 * With store_backend = ldap the store is a directory subtree shared by many
 * hosts, which must all hold the same key: the first host creates the key
 * and the subtree; on a host that joins later, the directory exists and the
 * key must come from another host (key install) before init goes on. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "eligibility.h"
#include "config.h"
#include "hostkey.h"
#include "key.h"

/* Looks up SSPR_GROUP. Returns 1 and sets *gid when it exists, 0 when it
 * does not, or -1 after printing an error. */
static int find_group(gid_t *gid)
{
	int found = sspr_lookup_group(SSPR_GROUP, gid);

	if (found < 0)
		admin_error(SSPR_ERR, "group %s: lookup failed", SSPR_GROUP);
	return found;
}

static int errno_status(int e)
{
	return e == EACCES || e == EPERM ? SSPR_EACCES : SSPR_ERR;
}

static int init_key(const struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	mode_t old;
	int r;

	/* Not the store's 007: host.pub must stay readable by everyone, since
	 * sspr-enroll runs as the user and seals secrets to it; host.key gets
	 * 0600 from hostkey.c whatever the umask. */
	old = umask(022);
	r = sspr_hostkey_generate(ctx->pol.key_dir, &err);
	umask(old);
	if (r == SSPR_EEXIST) {
		printf("%s: host key already exists, kept\n", ctx->pol.key_dir);
		return SSPR_EXIT_OK;
	}
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, ctx->pol.key_dir);
	printf("%s: host key created (%s 0600, %s 0644)\n", ctx->pol.key_dir,
	       SSPR_HOSTKEY_SECRET_FILE, SSPR_HOSTKEY_PUBLIC_FILE);
	return SSPR_EXIT_OK;
}

/* Opens the store, creating it when there is none. */
static int create_store(const struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	const char *dir = ctx->pol.store;
	int r;

	if (mkdir(dir, 0770) != 0 && errno != EEXIST)
		return admin_error(errno_status(errno), "%s: cannot create store directory: %s",
				   dir, strerror(errno));
	r = sspr_store_open_lmdb(dir, 0, &st, &err);
	if (r == SSPR_OK) {
		printf("%s: store already exists, kept\n", dir);
	} else if (r == SSPR_ENOENT) {
		sspr_error_clear(&err);
		r = sspr_store_open_lmdb(dir, SSPR_STORE_CREATE, &st, &err);
		if (r == SSPR_OK)
			printf("%s: store created\n", dir);
	}
	sspr_store_close(st);
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, dir);
	return SSPR_EXIT_OK;
}

/* Gives every regular file in the store directory to root:gid, 0660.
 * Entries are opened with O_NOFOLLOW and changed through the descriptor, so
 * a symlink planted in the directory cannot redirect a chown. */
static int share_store_files(int dfd, const char *dir, gid_t gid)
{
	DIR *d = NULL;
	struct dirent *de;
	int fd2, rc = SSPR_EXIT_ERROR;

	if ((fd2 = dup(dfd)) < 0 || (d = fdopendir(fd2)) == NULL) {
		rc = admin_error(SSPR_ERR, "%s: cannot read directory: %s", dir, strerror(errno));
		if (fd2 >= 0)
			close(fd2);
		goto out;
	}
	/* fd2 belongs to d now */
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		fd = openat(dfd, de->d_name,
			    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			cli_warn("%s/%s: skipped: %s", dir, de->d_name, strerror(errno));
			continue;
		}
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (fchown(fd, 0, gid) != 0 || fchmod(fd, 0660) != 0)) {
			rc =
			    admin_error(errno_status(errno), "%s/%s: cannot set owner and mode: %s",
					dir, de->d_name, strerror(errno));
			close(fd);
			goto out;
		}
		close(fd);
	}
	if (errno != 0) {
		rc = admin_error(SSPR_ERR, "%s: cannot read directory: %s", dir, strerror(errno));
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	if (d != NULL)
		closedir(d);
	return rc;
}

static int set_store_modes(const struct admin_ctx *ctx, bool as_root)
{
	const char *dir = ctx->pol.store;
	struct stat st;
	gid_t gid = 0;
	int found = 0;
	int dfd = -1, rc = SSPR_EXIT_ERROR;

	if (as_root && (found = find_group(&gid)) < 0)
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) != 0) {
		rc = admin_error(errno_status(errno), "%s: cannot open store directory: %s", dir,
				 strerror(errno));
		goto out;
	}
	if (found == 1) {
		/* chown before chmod: chown may clear the setgid bit. */
		if (fchown(dfd, 0, gid) != 0 || fchmod(dfd, 02770) != 0) {
			rc = admin_error(errno_status(errno), "%s: cannot set owner and mode: %s",
					 dir, strerror(errno));
			goto out;
		}
		if ((rc = share_store_files(dfd, dir, gid)) != SSPR_EXIT_OK)
			goto out;
		printf("%s: owner root:%s, mode 2770, files 0660\n", dir, SSPR_GROUP);
	} else {
		if (fchmod(dfd, 0700) != 0) {
			rc = admin_error(errno_status(errno), "%s: cannot set mode: %s", dir,
					 strerror(errno));
			goto out;
		}
		if (as_root)
			cli_warn("group '%s' does not exist: the store is for root only, so "
				   "users cannot enroll themselves; create the group and run "
				   "'%s init' again",
				   SSPR_GROUP, ADMIN_PROG);
		printf("%s: mode 0700\n", dir);
	}
	rc = SSPR_EXIT_OK;
out:
	if (dfd >= 0)
		close(dfd);
	return rc;
}

static bool have_host_key(const struct admin_ctx *ctx)
{
	char path[SSPR_PATH_MAX + sizeof(SSPR_HOSTKEY_SECRET_FILE) + 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", ctx->pol.key_dir, SSPR_HOSTKEY_SECRET_FILE);
	return lstat(path, &st) == 0 || errno != ENOENT;
}

/* A directory store that exists already was made with some host's key:
 * tell the admin when this host's keys open none (or not all) of the
 * secrets in it. With nothing enrolled yet there is nothing to tell by. */
static int check_fleet_key(const struct admin_ctx *ctx, struct sspr_store *st)
{
	struct sspr_keyring ring;
	struct admin_key_census c;
	char id[SSPR_KEY_ID_TEXT];
	unsigned opened;
	int rc;

	if ((rc = admin_keyring_load(ctx, 0, &ring)) != SSPR_EXIT_OK)
		goto out;
	if ((rc = admin_key_census(st, &ring, false, &c)) != SSPR_EXIT_OK)
		goto out;
	sspr_key_id(ring.key[SSPR_KEY_CURRENT].pk, id);
	opened = c.with_totp - c.unopenable;
	if (c.with_totp != 0 && opened == 0) {
		rc = admin_error(SSPR_EKEY,
				 "%s: this host's key %s is not the fleet key: it opens "
				 "none of the %u TOTP secrets in the directory; install "
				 "the fleet key with '%s key install --replace'",
				 ctx->pol.key_dir, id, c.with_totp, ADMIN_PROG);
		goto out;
	}
	if (c.unopenable != 0)
		cli_warn("%s: %u of %u TOTP secrets in the directory open with none of this "
			   "host's keys ('%s key status' counts them)",
			   ctx->pol.key_dir, c.unopenable, c.with_totp, ADMIN_PROG);
	else if (c.with_totp != 0)
		printf("%s: key %s opens the %u TOTP secrets in the directory\n", ctx->pol.key_dir,
		       id, c.with_totp);
	rc = SSPR_EXIT_OK;
out:
	sspr_keyring_wipe(&ring);
	return rc;
}

/* store_backend = ldap: the directory subtree instead of a local one. */
static int init_directory(const struct admin_ctx *ctx)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	const char *base = sspr_policy_store_name(&ctx->pol);
	int r, rc;

	r = sspr_policy_open_store(&ctx->pol, 0, &st, &err);
	if (r == SSPR_OK) {
		if (!have_host_key(ctx)) {
			rc = admin_error(SSPR_EKEY,
					 "%s: the directory store exists already and this "
					 "host has no key: install the fleet key first "
					 "(on a host that has it: '%s key export - | ssh "
					 "root@THIS-HOST %s key install -')",
					 base, ADMIN_PROG, ADMIN_PROG);
			goto out;
		}
		printf("%s: directory store already exists, kept\n", base);
		rc = check_fleet_key(ctx, st);
		goto out;
	}
	if (r != SSPR_ENOENT) {
		rc = admin_lib_error(r, &err, base);
		goto out;
	}
	if ((rc = init_key(ctx)) != SSPR_EXIT_OK)
		goto out;
	sspr_error_clear(&err);
	r = sspr_policy_open_store(&ctx->pol, SSPR_STORE_CREATE, &st, &err);
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, base);
		goto out;
	}
	printf("%s: directory store created\n", base);
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}

static void print_fleet_hint(const struct admin_ctx *ctx)
{
	printf("To give every other host that shares the store this host's key, run here:\n");
	admin_key_print_install_hint(ctx, "  ");
}

int admin_cmd_init(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	bool as_root = geteuid() == 0;
	mode_t old;
	int rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_FLEET, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("init takes no arguments");
	/* Unprivileged runs are for tests and trials with their own policy
	 * file; against the system's paths they could only half-succeed. */
	if (!as_root && !ctx->config_explicit)
		return admin_error(SSPR_EACCES, "init: must be run as root");

	if (ctx->pol.store_backend == SSPR_BACKEND_LDAP) {
		rc = init_directory(ctx);
		if (rc == SSPR_EXIT_OK && (args.flags & ADMIN_F_FLEET))
			print_fleet_hint(ctx);
		return rc;
	}
	if ((rc = init_key(ctx)) != SSPR_EXIT_OK)
		return rc;
	/* Nothing the store creates may be readable by others, not even for
	 * the moment before the modes are set below. */
	old = umask(007);
	rc = create_store(ctx);
	umask(old);
	if (rc != SSPR_EXIT_OK)
		return rc;
	rc = set_store_modes(ctx, as_root);
	if (rc == SSPR_EXIT_OK && (args.flags & ADMIN_F_FLEET))
		print_fleet_hint(ctx);
	return rc;
}
