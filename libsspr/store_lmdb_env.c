/* SPDX-License-Identifier: BSD-2-Clause */
/* The process's open LMDB environments (store_lmdb_env.h). A short list:
 * a process has one store, two during a migration. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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

int sspr_lmdb_env_acquire(const char *dir, const struct stat *dir_st, unsigned mdb_flags,
			  sspr_lmdb_env_opener open_first, void *ctx, MDB_env **env,
			  struct sspr_error *err)
{
	bool readonly = (mdb_flags & MDB_RDONLY) != 0;
	pid_t pid = getpid();
	struct shared_env *e;
	int r = SSPR_OK, rc;

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
	if ((rc = mdb_env_create(&e->env)) != 0) {
		r = sspr_error_set(err, SSPR_ERR, "%s: cannot set up LMDB: %s", dir,
				   mdb_strerror(rc));
		free(e);
		goto out;
	}
	/* Still under the lock: a second thread must wait for this open, not
	 * make its own. */
	if ((r = open_first(e->env, dir, dir_st, mdb_flags, ctx, err)) != SSPR_OK) {
		mdb_env_close(e->env);
		free(e);
		goto out;
	}
	e->dev = dir_st->st_dev;
	e->ino = dir_st->st_ino;
	e->pid = pid;
	e->readonly = readonly;
	e->refs = 1;
	e->next = envs;
	envs = e;
	*env = e->env;
out:
	pthread_mutex_unlock(&envs_lock);
	return r;
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
			if (e->pid == getpid())
				mdb_env_close(e->env);
			free(e);
		}
		break;
	}
	pthread_mutex_unlock(&envs_lock);
}
