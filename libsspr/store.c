/* The store's public calls: pick the backend at open, then go through its
 * table. Done here once for every backend: stamping updated_at on each
 * record written (migration uses it to tell newer from older), reporting
 * each committed event to the process's observer, and loading the
 * directory backend, which is a shared object of its own. */
#define _GNU_SOURCE /* O_PATH */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "store_backend.h"

#define LDAP_BACKEND_PATH SSPR_BACKEND_DIR "/" SSPR_LDAP_BACKEND_FILE

static sspr_store_event_observer observer;

void sspr_store_observe_events(sspr_store_event_observer fn)
{
	observer = fn;
}

static void event_committed(const struct sspr_event *ev)
{
	if (observer != NULL && ev->action[0] != '\0')
		observer(ev);
}

/* Who may own the backend and the directories above it: root, and the
 * caller only where no privilege is at stake (a developer's build tree; not
 * a setgid helper, whose caller's uid is its euid). */
static bool trusted_owner(uid_t uid)
{
	return uid == 0 || (uid == geteuid() && getauxval(AT_SECURE) == 0 && geteuid() != 0);
}

/* A directory on the way: a trusted owner, and no one else may write it
 * unless it is sticky and root's (so no one can rename what is in it). */
static bool safe_dir(const struct stat *sb)
{
	return S_ISDIR(sb->st_mode) && trusted_owner(sb->st_uid) &&
	       ((sb->st_mode & (S_IWGRP | S_IWOTH)) == 0 ||
		((sb->st_mode & S_ISVTX) != 0 && sb->st_uid == 0));
}

/* Code loaded into a root process must be root's. The path is walked from
 * "/" one component at a time without following a link, each directory
 * checked as it is opened, then the file itself, and the descriptor that
 * was checked is what gets loaded (dlopen of /proc/self/fd/N): nothing can
 * be swapped in between. *fd is the open file on success. */
static int open_backend_file(const char *path, int *fd, struct sspr_error *err)
{
	char buf[PATH_MAX], *save = NULL, *part, *next;
	struct stat sb;
	int dir, e = 0, r = SSPR_OK;

	*fd = -1;
	if (path[0] != '/' || strlen(path) >= sizeof(buf))
		return sspr_error_set(err, SSPR_EINVAL, "%s: not an absolute path", path);
	memcpy(buf, path, strlen(path) + 1);
	if ((dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sspr_error_set(err, SSPR_ERR, "/: %s", strerror(errno));
	part = strtok_r(buf, "/", &save);
	while (part != NULL && r == SSPR_OK) {
		int f;

		next = strtok_r(NULL, "/", &save);
		if (fstat(dir, &sb) != 0 || !safe_dir(&sb)) {
			r = SSPR_EACCES;
			break;
		}
		f = openat(dir, part,
			   (next != NULL ? O_PATH | O_DIRECTORY : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
		if (f < 0) {
			e = errno;
			r = e == ENOENT ? SSPR_ENOENT : e == ELOOP || e == ENOTDIR ? SSPR_EACCES : SSPR_ERR;
			break;
		}
		close(dir);
		dir = f;
		part = next;
	}
	if (r == SSPR_OK && (fstat(dir, &sb) != 0 || !S_ISREG(sb.st_mode) ||
			     !trusted_owner(sb.st_uid) || (sb.st_mode & (S_IWGRP | S_IWOTH))))
		r = SSPR_EACCES;
	if (r == SSPR_OK) {
		*fd = dir;
		return SSPR_OK;
	}
	close(dir);
	if (r == SSPR_ENOENT)
		return sspr_error_set(err, SSPR_ERR,
				      "%s: cannot find the directory store backend: %s "
				      "(store_backend = ldap needs it installed)",
				      path, strerror(ENOENT));
	if (r == SSPR_EACCES)
		return sspr_error_set(err, SSPR_EACCES,
				      "%s: refusing to load the directory store backend: the file "
				      "and every directory above it must be root's, reached "
				      "without a symbolic link, and writable only by root",
				      path);
	return sspr_error_set(err, SSPR_ERR, "%s: cannot open the directory store backend: %s",
			      path, strerror(e));
}

/* Opens the directory store through its backend, loaded for good on first
 * use (RTLD_NODELETE: its tables outlive any handle, and libldap and GnuTLS
 * do not like being unloaded) after checking that it comes from this
 * build. */
static int open_directory(const struct sspr_store_config *cfg, unsigned flags,
			  struct sspr_store **out, struct sspr_error *err)
{
	const struct sspr_store_backend_entry *entry;
	char by_fd[32];
	void *lib;
	int fd, r;

	if ((r = open_backend_file(LDAP_BACKEND_PATH, &fd, err)) != SSPR_OK)
		return r;
	snprintf(by_fd, sizeof(by_fd), "/proc/self/fd/%d", fd);
	lib = dlopen(by_fd, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	close(fd);
	if (lib == NULL)
		return sspr_error_set(err, SSPR_ERR,
				      "%s: cannot load the directory store backend (through %s, "
				      "the descriptor that was checked; is /proc mounted?): %s",
				      LDAP_BACKEND_PATH, by_fd, dlerror());
	entry = dlsym(lib, SSPR_LDAP_BACKEND_SYMBOL);
	if (entry == NULL || entry->abi != SSPR_STORE_BACKEND_ABI || entry->version == NULL ||
	    strcmp(entry->version, SSPR_VERSION) != 0 || entry->open == NULL) {
		dlclose(lib);
		return sspr_error_set(err, SSPR_ERR,
				      "%s: not the directory store backend of pam_sspr %s",
				      LDAP_BACKEND_PATH, SSPR_VERSION);
	}
	dlclose(lib); /* a reference only; RTLD_NODELETE keeps the code */
	return entry->open(cfg, flags, out, err);
}

int sspr_store_open(const struct sspr_store_config *cfg, unsigned flags,
		    struct sspr_store **out, struct sspr_error *err)
{
	*out = NULL;
	switch (cfg->backend) {
	case SSPR_BACKEND_LMDB:
		return sspr_store_lmdb_open(cfg->dir, flags, cfg, out, err);
	case SSPR_BACKEND_LDAP:
		return open_directory(cfg, flags, out, err);
	}
	return sspr_error_set(err, SSPR_EINVAL, "unknown store backend %d", (int)cfg->backend);
}

int sspr_store_open_lmdb(const char *dir, unsigned flags, struct sspr_store **out,
			 struct sspr_error *err)
{
	return sspr_store_lmdb_open(dir, flags, NULL, out, err);
}

enum sspr_store_backend sspr_store_backend_of(const struct sspr_store *store)
{
	return store->ops->backend;
}

void sspr_store_close(struct sspr_store *store)
{
	if (store != NULL)
		store->ops->close(store);
}

int sspr_store_get(struct sspr_store *store, const char *user, struct sspr_record *rec,
		   struct sspr_error *err)
{
	return store->ops->get(store, user, rec, err);
}

struct wrapped_update {
	sspr_store_update_fn fn;
	void *ctx;
	bool keep_time;
	struct sspr_event ev; /* the event of the last run, which is the one committed */
};

/* Runs the caller's function, stamps what it chose to write and keeps its
 * event for the observer. Runs as often as the backend runs it, and so
 * stays free of side effects too. */
static int wrap_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct wrapped_update *wu = ctx;
	int r = wu->fn(rec, exists, ev, wu->ctx);

	if (r == SSPR_OK && !wu->keep_time)
		rec->updated_at = (int64_t)time(NULL);
	wu->ev = *ev;
	return r;
}

int sspr_store_update(struct sspr_store *store, const char *user, unsigned flags,
		      sspr_store_update_fn fn, void *ctx, struct sspr_error *err)
{
	struct wrapped_update wu = {.fn = fn, .ctx = ctx};
	int r;

	wu.keep_time = (flags & SSPR_UPDATE_KEEP_TIME) != 0;
	r = store->ops->update(store, user, flags & ~SSPR_UPDATE_KEEP_TIME, wrap_update, &wu,
			       err);
	if (r >= 0)
		event_committed(&wu.ev);
	return r;
}

int sspr_store_append_event(struct sspr_store *store, const struct sspr_event *ev,
			    struct sspr_error *err)
{
	int r = store->ops->append_event(store, ev, err);

	if (r == SSPR_OK)
		event_committed(ev);
	return r;
}

int sspr_store_decoy_write(struct sspr_store *store, struct sspr_error *err)
{
	return store->ops->decoy_write(store, err);
}

int sspr_store_foreach_user(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			    struct sspr_error *err)
{
	return store->ops->foreach_user(store, fn, ctx, err);
}

int sspr_store_prune_events(struct sspr_store *store, int64_t before, unsigned long *removed,
			    struct sspr_error *err)
{
	*removed = 0;
	return store->ops->prune_events(store, before, removed, err);
}

int sspr_store_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			     void *ctx, struct sspr_error *err)
{
	return store->ops->foreach_event(store, since, fn, ctx, err);
}
