/* SPDX-License-Identifier: BSD-2-Clause */
/* The process's open LMDB environments (store_lmdb_env.h). A short list:
 * a process has one store, two during a migration. */
#define _GNU_SOURCE /* pthread_mutex_clocklock */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_lmdb_env.h"
#include "util.h"

struct shared_env {
	struct shared_env *next;
	dev_t dev;
	ino_t ino;
	pid_t pid; /* the process that opened it: a forked child must not use it */
	bool readonly;
	unsigned refs;
	MDB_env *env;
	pthread_mutex_t writer; /* one writer of this process at a time (the header) */
};

static pthread_mutex_t envs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_env *envs;

static struct shared_env *find(const struct stat *dir_st, pid_t pid)
{
	for (struct shared_env *e = envs; e != NULL; e = e->next)
		if (e->dev == dir_st->st_dev && e->ino == dir_st->st_ino && e->pid == pid)
			return e;
	return NULL;
}

/* A new environment opened with flags in *out. */
static int open_new(const char *dir, const struct stat *dir_st, unsigned mdb_flags,
		    sspr_lmdb_env_opener open_first, void *ctx, MDB_env **out,
		    struct sspr_error *err)
{
	MDB_env *env;
	int rc, r;

	*out = NULL;
	if ((rc = mdb_env_create(&env)) != 0)
		return sspr_error_set(err, SSPR_ERR, "%s: cannot set up LMDB: %s", dir,
				      mdb_strerror(rc));
	if ((r = open_first(env, dir, dir_st, mdb_flags, ctx, err)) != SSPR_OK) {
		mdb_env_close(env); /* LMDB: a failed open leaves only this to do */
		return r;
	}
	*out = env;
	return SSPR_OK;
}

int sspr_lmdb_env_acquire(const char *dir, const struct stat *dir_st, unsigned mdb_flags,
			  sspr_lmdb_env_opener open_first, void *ctx, MDB_env **env,
			  struct sspr_error *err)
{
	bool readonly = (mdb_flags & MDB_RDONLY) != 0;
	pid_t pid = getpid();
	struct shared_env *e;
	int r = SSPR_OK;

	*env = NULL;
	pthread_mutex_lock(&envs_lock);
	if ((e = find(dir_st, pid)) != NULL) {
		if (e->readonly && !readonly) {
			r = sspr_error_set(err, SSPR_EBUSY,
					   "%s: this process has the store open read-only; it "
					   "cannot open it for writing until that is closed", dir);
		} else {
			e->refs++;
			*env = e->env;
		}
		goto out;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		r = sspr_error_set(err, SSPR_ENOMEM, "out of memory");
		goto out;
	}
	/* Still under the lock: a second thread must wait for this open, not
	 * make its own. A reader gets a read-only environment. Opening it for
	 * writing would let a later writer of this process share it, but the
	 * owner's read-write open settles the files, and that took what an
	 * eligible user's ordinary login pays from 1.69 to 2.68 times
	 * pam_faillock's account line (bench/login_cost.sh --eligible yes),
	 * for a case (a reader and a writer of one store at once in one
	 * process) that the writer's SSPR_EBUSY ends safely. */
	if ((r = open_new(dir, dir_st, mdb_flags, open_first, ctx, &e->env, err)) != SSPR_OK)
		goto fail;
	if (pthread_mutex_init(&e->writer, NULL) != 0) {
		mdb_env_close(e->env);
		r = sspr_error_set(err, SSPR_ENOMEM, "out of memory");
		goto fail;
	}
	sspr_error_clear(err);
	e->dev = dir_st->st_dev;
	e->ino = dir_st->st_ino;
	e->pid = pid;
	e->readonly = readonly;
	e->refs = 1;
	e->next = envs;
	envs = e;
	*env = e->env;
	goto out;
fail:
	free(e);
out:
	pthread_mutex_unlock(&envs_lock);
	return r;
}

static struct shared_env *entry_of(const MDB_env *env)
{
	struct shared_env *e;

	pthread_mutex_lock(&envs_lock);
	for (e = envs; e != NULL && e->env != env; e = e->next)
		;
	pthread_mutex_unlock(&envs_lock);
	return e;
}

int sspr_lmdb_env_writer_take(const MDB_env *env, unsigned wait_ms)
{
	struct shared_env *e = entry_of(env); /* stays while the caller's handle does */
	struct timespec deadline;

	if (e == NULL)
		return EINVAL;
	sspr_monotonic_deadline(wait_ms, &deadline);
	return pthread_mutex_clocklock(&e->writer, CLOCK_MONOTONIC, &deadline);
}

void sspr_lmdb_env_writer_release(const MDB_env *env)
{
	struct shared_env *e = entry_of(env);

	if (e != NULL)
		pthread_mutex_unlock(&e->writer);
}

void sspr_lmdb_env_release(const MDB_env *env)
{
	struct shared_env **p, *e;

	if (env == NULL)
		return;
	pthread_mutex_lock(&envs_lock);
	for (p = &envs; (e = *p) != NULL; p = &e->next) {
		if (e->env != env)
			continue;
		if (--e->refs == 0) {
			*p = e->next;
			/* Not in a forked child: the environment is the parent's,
			 * and LMDB must not be used across fork. */
			if (e->pid == getpid()) {
				mdb_env_close(e->env);
				pthread_mutex_destroy(&e->writer);
			}
			free(e);
		}
		break;
	}
	pthread_mutex_unlock(&envs_lock);
}
