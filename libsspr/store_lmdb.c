/* SPDX-License-Identifier: BSD-2-Clause */
/* The LMDB store backend: the only file that calls LMDB.
 *
 * One environment (a directory) with three named databases: "users"
 * (user name -> encoded record), "events" (8-byte big-endian time +
 * 4-byte big-endian sequence -> encoded event) and "meta" ("format" ->
 * "1"). sspr_store_decoy_write rewrites noise under meta "decoy" and the
 * all-zero events key, which no reader reports. Every change is one write
 * transaction; LMDB serialises writers across processes, so concurrent
 * logins never lose an update. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <string.h>
#include <sys/stat.h>

#include <lmdb.h>
#include <sodium.h>

#include "store_backend.h"
#include "store_lmdb_env.h"
#include "store_lmdb_files.h"
#include "util.h"
#include "write_gate.h"

#define STORE_FORMAT "1"
/* Sparse: the file only grows as data is written. Room for millions of
 * users without a resize. */
#define STORE_MAP_SIZE ((size_t)4 << 30)

struct lmdb_store {
	struct sspr_store base; /* first: store.c sees only this */
	MDB_env *env;
	MDB_dbi users;
	MDB_dbi events;
	MDB_dbi meta;
	bool readonly;
	int data_fd;       /* LMDB's descriptor of data.mdb, which holds the write gate */
	unsigned wait_ms;  /* the most a write waits for the gate (store_wait) */
	int64_t retention; /* seconds events are kept (event_retention_days); 0: for ever */
	char dir[SSPR_ERROR_MAX / 2];
};

static const struct sspr_store_ops lmdb_ops;
static void lmdb_close(struct sspr_store *store);
static pthread_mutex_t dbi_open_lock = PTHREAD_MUTEX_INITIALIZER;

static int mdb_status(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return SSPR_OK;
	case MDB_NOTFOUND:
		return SSPR_ENOENT;
	case MDB_MAP_FULL:
	case ENOSPC:
	case EDQUOT:
		return SSPR_EFULL;
	case EACCES:
	case EPERM:
	case EROFS:
		return SSPR_EACCES;
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
		return SSPR_ECORRUPT;
	case MDB_READERS_FULL:
		return SSPR_EBUSY;
	case ENOENT:
		return SSPR_ENOENT;
	default:
		return SSPR_ERR;
	}
}

/* LMDB reports a write cut short by a filling disk as EIO (it writes
 * several pages; only the first that finds no room gets ENOSPC from the
 * kernel, and a short write is an I/O error to it). When the store's
 * filesystem has less room than a commit needs, say what it is. */
#define STORE_ROOM_NEEDED ((uint64_t)256 * 1024)

static bool nearly_full(const char *dir)
{
	struct statvfs fs;

	return statvfs(dir, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize < STORE_ROOM_NEEDED;
}

static int fail(struct lmdb_store *st, int rc, const char *what, struct sspr_error *err)
{
	if (rc == EIO && nearly_full(st->dir))
		return sspr_error_set(err, SSPR_EFULL, "%s: %s: %s (the disk is full)", st->dir,
				      what, strerror(ENOSPC));
	return sspr_error_set(err, mdb_status(rc), "%s: %s: %s", st->dir, what, mdb_strerror(rc));
}

/* Every write transaction starts here: through the write gate, so that a
 * stopped writer costs the others at most wait_ms (write_gate.h), then
 * LMDB's own writer lock, which is then free or about to be. */
static int begin_write(struct lmdb_store *st, MDB_txn **txn, struct sspr_error *err)
{
	char what[sizeof(st->dir) + 16];
	int rc, r;

	if (st->readonly)
		return sspr_error_set(err, SSPR_EACCES, "%s: store opened read-only", st->dir);
	int64_t start = sspr_monotonic_ms(), spent;

	snprintf(what, sizeof(what), "store %s", st->dir);
	rc = sspr_lmdb_env_writer_take(st->env, st->wait_ms);
	if (rc == ETIMEDOUT)
		return sspr_error_set(err, SSPR_EBUSY,
				      "%s: another writer of this process has held it for more "
				      "than %u ms",
				      what, st->wait_ms);
	if (rc != 0)
		return sspr_error_set(err, SSPR_ERR, "%s: cannot lock for writing: %s", what,
				      strerror(rc));
	/* One deadline for both waits. */
	spent = sspr_monotonic_ms() - start;
	r = sspr_write_gate_take(st->data_fd,
				 spent < (int64_t)st->wait_ms ? st->wait_ms - (unsigned)spent : 0,
				 what, err);
	if (r != SSPR_OK) {
		sspr_lmdb_env_writer_release(st->env);
		return r;
	}
	rc = mdb_txn_begin(st->env, NULL, 0, txn);
	if (rc != 0) {
		sspr_write_gate_release(st->data_fd);
		sspr_lmdb_env_writer_release(st->env);
		return fail(st, rc, "cannot begin write", err);
	}
	return SSPR_OK;
}

/* Commits or aborts (txn NULL: already done) and opens the gate again. */
static int end_write(struct lmdb_store *st, MDB_txn *txn, bool commit, struct sspr_error *err)
{
	int rc = 0;

	if (txn != NULL && commit)
		rc = mdb_txn_commit(txn);
	else if (txn != NULL)
		mdb_txn_abort(txn);
	sspr_write_gate_release(st->data_fd);
	sspr_lmdb_env_writer_release(st->env);
	return rc == 0 ? SSPR_OK : fail(st, rc, "cannot commit", err);
}

static int open_dbs(struct lmdb_store *st, unsigned flags, struct sspr_error *err)
{
	MDB_txn *txn = NULL;
	MDB_val key = {.mv_size = 6, .mv_data = "format"}, val;
	unsigned dbflags = (flags & SSPR_STORE_CREATE) ? MDB_CREATE : 0;
	int rc, r;

	/* Only init needs a write transaction here (it may create the
	 * databases). Everyone else opens them in a read transaction, which
	 * does not queue behind another login's commit and its flush: the
	 * writer lock is taken only to change something. */
	if (flags & SSPR_STORE_CREATE) {
		if ((r = begin_write(st, &txn, err)) != SSPR_OK)
			return r;
	} else if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0) {
		return fail(st, rc, "cannot begin transaction", err);
	}
	if ((rc = mdb_dbi_open(txn, "meta", dbflags, &st->meta)) != 0) {
		r = rc == MDB_NOTFOUND
			    ? sspr_error_set(err, SSPR_ECORRUPT,
					     "%s: not an initialised store; run 'sspr-admin init'",
					     st->dir)
			    : fail(st, rc, "cannot open meta database", err);
		goto out;
	}
	rc = mdb_get(txn, st->meta, &key, &val);
	if (rc == MDB_NOTFOUND && (flags & SSPR_STORE_CREATE)) {
		val.mv_size = strlen(STORE_FORMAT);
		val.mv_data = STORE_FORMAT;
		rc = mdb_put(txn, st->meta, &key, &val, 0);
		if (rc == 0)
			rc = mdb_get(txn, st->meta, &key, &val);
	}
	if (rc != 0) {
		r = rc == MDB_NOTFOUND
			    ? sspr_error_set(err, SSPR_ECORRUPT, "%s: store has no format version",
					     st->dir)
			    : fail(st, rc, "cannot read format version", err);
		goto out;
	}
	if (val.mv_size != strlen(STORE_FORMAT) || memcmp(val.mv_data, STORE_FORMAT, val.mv_size)) {
		r = sspr_error_set(err, SSPR_ECORRUPT,
				   "%s: store format '%.*s' is not supported (expected %s)", st->dir,
				   (int)(val.mv_size > 16 ? 16 : val.mv_size), (char *)val.mv_data,
				   STORE_FORMAT);
		goto out;
	}
	if ((rc = mdb_dbi_open(txn, "users", dbflags, &st->users)) != 0 ||
	    (rc = mdb_dbi_open(txn, "events", dbflags, &st->events)) != 0) {
		r = fail(st, rc, "cannot open databases", err);
		goto out;
	}
	/* Even read-only: handles opened in an aborted transaction are lost. */
	if (flags & SSPR_STORE_CREATE)
		return end_write(st, txn, true, err);
	rc = mdb_txn_commit(txn);
	return rc == 0 ? SSPR_OK : fail(st, rc, "cannot commit", err);
out:
	if (flags & SSPR_STORE_CREATE)
		(void)end_write(st, txn, false, NULL);
	else
		mdb_txn_abort(txn);
	return r;
}

/* The steps around mdb_env_open for an environment this process does not
 * have open yet (store_lmdb_env.h), with the flags of every open:
 * MDB_NOTLS: sshd and friends may be multi-threaded, and our read
 * transactions never outlive a call.
 * MDB_NOMETASYNC: a commit syncs its data pages but not the meta page that
 * points at them; that one reaches the disk with the next commit's sync or
 * the kernel's writeback. One sync per commit instead of two
 * (BENCHMARKS.md). A process crash loses nothing, and the store is never
 * corrupt; a power failure may undo the very last commit (say, one spent
 * code step or one failure count), which the replay window (totp_window
 * steps) and the lockout budget bound. */
static int open_env(MDB_env *env, const char *dir, const struct stat *dir_st, unsigned mdb_flags,
		    void *ctx, struct sspr_error *err)
{
	struct lmdb_store *st = ctx;
	int rc, r, dead = 0;

	if ((rc = mdb_env_set_maxdbs(env, 3)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, STORE_MAP_SIZE)) != 0)
		return fail(st, rc, "cannot set up LMDB", err);
	if ((r = sspr_lmdb_files_check(dir, dir_st, err)) != SSPR_OK)
		return r;
	if ((rc = mdb_env_open(env, dir, mdb_flags, 0660)) != 0)
		return fail(st, rc, "cannot open store", err);
	/* A read-only open (on a read-only file system, say) reads on; the
	 * check above keeps what others may open safe meanwhile. */
	if ((r = sspr_lmdb_files_settle(dir, dir_st, err)) != SSPR_OK && !(mdb_flags & MDB_RDONLY))
		return r;
	sspr_error_clear(err);
	/* Clear reader slots left behind by crashed processes. */
	(void)mdb_reader_check(env, &dead);
	return SSPR_OK;
}

int sspr_store_lmdb_open(const char *dir, unsigned flags, const struct sspr_store_config *cfg,
			 struct sspr_store **out, struct sspr_error *err)
{
	struct lmdb_store *st;
	struct stat sb;
	int rc, r;

	*out = NULL;
	if (flags & SSPR_STORE_CREATE) {
		if (mkdir(dir, 0770) != 0 && errno != EEXIST)
			return sspr_error_set(err, errno == EACCES ? SSPR_EACCES : SSPR_ERR,
					      "%s: cannot create store directory: %s", dir,
					      strerror(errno));
	}
	if (stat(dir, &sb) != 0)
		return errno == ENOENT
			       ? sspr_error_set(err, SSPR_ENOENT,
						"%s: no store here; run 'sspr-admin init'", dir)
			       : sspr_error_set(err, errno == EACCES ? SSPR_EACCES : SSPR_ERR,
						"%s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return sspr_error_set(err, SSPR_ECORRUPT, "%s: store is not a directory", dir);
	/* LMDB would create an empty environment in any directory it is
	 * given; only init may do that. */
	if (!(flags & SSPR_STORE_CREATE)) {
		char data[PATH_MAX];

		if (snprintf(data, sizeof(data), "%s/data.mdb", dir) >= (int)sizeof(data))
			return sspr_error_set(err, SSPR_EINVAL, "%s: path is too long", dir);
		if (access(data, F_OK) != 0 && errno == ENOENT)
			return sspr_error_set(err, SSPR_ENOENT,
					      "%s: no store here; run 'sspr-admin init'", dir);
	}

	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return sspr_error_set(err, SSPR_ENOMEM, "out of memory");
	st->base.ops = &lmdb_ops;
	sspr_strlcpy(st->dir, dir, sizeof(st->dir));
	st->readonly = (flags & SSPR_STORE_READONLY) != 0;
	st->data_fd = -1;
	st->wait_ms = cfg != NULL && cfg->store_wait_ms > 0 ? cfg->store_wait_ms
							     : SSPR_WRITE_GATE_DEFAULT_MS;
	st->retention = cfg != NULL ? (int64_t)cfg->event_retention_days * 86400 : 0;
	r = sspr_lmdb_env_acquire(dir, &sb,
				  MDB_NOTLS | MDB_NOMETASYNC | (st->readonly ? MDB_RDONLY : 0),
				  open_env, st, &st->env, err);
	if (r != SSPR_OK)
		goto out;
	if ((rc = mdb_env_get_fd(st->env, &st->data_fd)) != 0) {
		r = fail(st, rc, "cannot find the data file", err);
		goto out;
	}
	/* LMDB: mdb_dbi_open in one transaction at a time per process, and
	 * handles of two threads may now share an environment. */
	pthread_mutex_lock(&dbi_open_lock);
	r = open_dbs(st, flags, err);
	pthread_mutex_unlock(&dbi_open_lock);
out:
	if (r != SSPR_OK) {
		lmdb_close(&st->base);
		return r;
	}
	*out = &st->base;
	return SSPR_OK;
}

static void lmdb_close(struct sspr_store *store)
{
	struct lmdb_store *st = (struct lmdb_store *)store;
	if (st == NULL)
		return;
	sspr_lmdb_env_release(st->env);
	free(st);
}

static int user_key(const char *user, MDB_val *key, struct sspr_error *err)
{
	if (!sspr_user_name_valid(user))
		return sspr_error_set(err, SSPR_EINVAL, "invalid user name");
	key->mv_size = strlen(user);
	key->mv_data = (void *)user;
	return SSPR_OK;
}

static int lmdb_get(struct sspr_store *store, const char *user, struct sspr_record *rec,
		   struct sspr_error *err)
{
	char why[64];
	struct lmdb_store *st = (struct lmdb_store *)store;
	MDB_txn *txn = NULL;
	MDB_val key, val;
	int rc, r;

	sspr_record_init(rec);
	if ((r = user_key(user, &key, err)) != SSPR_OK)
		return r;
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc != 0)
		return fail(st, rc, "cannot begin read", err);
	rc = mdb_get(txn, st->users, &key, &val);
	if (rc == MDB_NOTFOUND)
		r = SSPR_ENOENT;
	else if (rc != 0)
		r = fail(st, rc, "cannot read record", err);
	else if ((r = sspr_record_decode(val.mv_data, val.mv_size, rec)) != SSPR_OK)
		sspr_error_set(err, r, "%s: record of %s is %s", st->dir, user,
			       sspr_record_fault(val.mv_data, val.mv_size, why, sizeof(why)));
	mdb_txn_abort(txn);
	return r;
}

#define PRUNE_WITH_EACH_EVENT 4
#define PRUNE_BATCH 1000 /* events deleted in one transaction by a prune run */

/* The time an event key starts with; 0 for the decoy's all-zero key. */
static uint64_t event_key_time(const MDB_val *key)
{
	const uint8_t *k = key->mv_data;
	uint64_t t = 0;

	if (key->mv_size != 12)
		return 0;
	for (int i = 0; i < 8; i++)
		t = (t << 8) | k[i];
	return t;
}

/* Deletes up to `most` events older than `before` (oldest first: keys
 * start with the time) inside txn; *removed, if given, is added to. */
static int drop_old_events(struct lmdb_store *st, MDB_txn *txn, int64_t before, unsigned most,
			   unsigned long *removed, struct sspr_error *err)
{
	MDB_cursor *cur = NULL;
	MDB_val key, val;
	unsigned dropped = 0, seen = 0;
	int rc;

	if (before <= 0)
		return SSPR_OK; /* nothing is older than the epoch */
	rc = mdb_cursor_open(txn, st->events, &cur);
	if (rc != 0)
		return fail(st, rc, "cannot open events", err);
	rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
	/* Keys that are not events' (the decoy's, a foreign one) are passed
	 * over, but counted: the walk is bounded whatever the store holds. */
	while (rc == 0 && dropped < most && seen++ < 2 * most + 1) {
		uint64_t t = event_key_time(&key);

		if (t != 0 && t >= (uint64_t)before)
			break;
		if (t != 0) { /* the decoy's key stays: decoy writes rewrite it */
			rc = mdb_cursor_del(cur, 0);
			if (rc != 0)
				break;
			dropped++;
		}
		rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (removed != NULL)
		*removed += dropped;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return fail(st, rc, "cannot prune events", err);
	return SSPR_OK;
}

/* Appends ev inside txn under a key after the last one. */
static int put_event(struct lmdb_store *st, MDB_txn *txn, const struct sspr_event *ev,
		     struct sspr_error *err)
{
	uint8_t kbuf[12], vbuf[SSPR_EVENT_ENCODED_MAX];
	uint64_t t = ev->time < 0 ? 0 : (uint64_t)ev->time;
	uint32_t seq = 0;
	MDB_cursor *cur = NULL;
	MDB_val key, val;
	size_t len = 0;
	int rc, r;

	if ((r = sspr_event_encode(ev, vbuf, sizeof(vbuf), &len)) != SSPR_OK)
		return sspr_error_set(err, r, "cannot encode event");
	rc = mdb_cursor_open(txn, st->events, &cur);
	if (rc != 0)
		return fail(st, rc, "cannot open events", err);
	rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc == 0 && key.mv_size == sizeof(kbuf)) {
		const uint8_t *k = key.mv_data;
		uint64_t last_t = 0;

		for (int i = 0; i < 8; i++)
			last_t = (last_t << 8) | k[i];
		/* Keys stay ordered even if the clock steps back. */
		if (last_t >= t) {
			t = last_t;
			seq = ((uint32_t)k[8] << 24 | (uint32_t)k[9] << 16 | (uint32_t)k[10] << 8 |
			       k[11]) + 1;
			if (seq == 0)
				t++;
		}
	} else if (rc != 0 && rc != MDB_NOTFOUND) {
		return fail(st, rc, "cannot read events", err);
	}
	for (int i = 0; i < 8; i++)
		kbuf[i] = (uint8_t)(t >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		kbuf[8 + i] = (uint8_t)(seq >> (24 - 8 * i));
	key.mv_size = sizeof(kbuf);
	key.mv_data = kbuf;
	val.mv_size = len;
	val.mv_data = vbuf;
	rc = mdb_put(txn, st->events, &key, &val, MDB_APPEND);
	if (rc != 0)
		return fail(st, rc, "cannot append event", err);
	/* A few of the oldest go with every new one: more than come in, so
	 * the events stay within their retention without a prune run. */
	if (st->retention > 0 && ev->time > st->retention)
		return drop_old_events(st, txn, ev->time - st->retention, PRUNE_WITH_EACH_EVENT, NULL,
				       err);
	return SSPR_OK;
}

static int lmdb_update(struct sspr_store *store, const char *user, unsigned flags,
		      sspr_store_update_fn fn, void *ctx, struct sspr_error *err)
{
	char why[64];
	struct lmdb_store *st = (struct lmdb_store *)store;
	struct sspr_record *rec = NULL;
	struct sspr_event ev[SSPR_UPDATE_EVENTS];
	uint8_t buf[SSPR_RECORD_ENCODED_MAX];
	size_t len = 0;
	MDB_txn *txn = NULL;
	MDB_val key, val;
	bool exists = false, began = false;
	int rc, r, fr;

	if ((r = user_key(user, &key, err)) != SSPR_OK)
		return r;
	rec = malloc(sizeof(*rec));
	if (rec == NULL)
		return sspr_error_set(err, SSPR_ENOMEM, "out of memory");
	if ((r = begin_write(st, &txn, err)) != SSPR_OK)
		goto out;
	began = true;
	rc = mdb_get(txn, st->users, &key, &val);
	if (rc == 0) {
		exists = true;
		if (sspr_record_decode(val.mv_data, val.mv_size, rec) != SSPR_OK) {
			if (!(flags & SSPR_UPDATE_REPLACE_CORRUPT)) {
				r = sspr_error_set(err, SSPR_ECORRUPT, "%s: record of %s is %s",
						   st->dir, user,
						   sspr_record_fault(val.mv_data, val.mv_size, why,
								     sizeof(why)));
				goto out;
			}
			exists = false;
			sspr_record_init(rec);
		}
	} else if (rc == MDB_NOTFOUND) {
		sspr_record_init(rec);
	} else {
		r = fail(st, rc, "cannot read record", err);
		goto out;
	}

	memset(ev, 0, sizeof(ev));
	fr = fn(rec, exists, ev, ctx);
	if (fr < 0) {
		r = fr;
		goto out;
	}
	if (fr == SSPR_OK) {
		if ((r = sspr_record_encode(rec, buf, sizeof(buf), &len)) != SSPR_OK) {
			sspr_error_set(err, r, "cannot encode record of %s", user);
			goto out;
		}
		val.mv_size = len;
		val.mv_data = buf;
		rc = mdb_put(txn, st->users, &key, &val, 0);
	} else if (fr == SSPR_DELETE) {
		rc = mdb_del(txn, st->users, &key, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	} else {
		rc = 0;
	}
	if (rc != 0) {
		r = fail(st, rc, "cannot write record", err);
		goto out;
	}
	for (int i = 0; i < SSPR_UPDATE_EVENTS; i++)
		if (ev[i].action[0] != '\0' && (r = put_event(st, txn, &ev[i], err)) != SSPR_OK)
			goto out;
	r = end_write(st, txn, true, err);
	txn = NULL;
	began = false;
	if (r == SSPR_OK)
		r = fr;
out:
	if (began)
		(void)end_write(st, txn, false, NULL);
	sodium_memzero(buf, len);
	if (rec != NULL) {
		sspr_record_wipe(rec);
		free(rec);
	}
	return r;
}

static int lmdb_append_event(struct sspr_store *store, const struct sspr_event *ev,
			    struct sspr_error *err)
{
	struct lmdb_store *st = (struct lmdb_store *)store;
	MDB_txn *txn = NULL;
	int r;

	if ((r = begin_write(st, &txn, err)) != SSPR_OK)
		return r;
	r = put_event(st, txn, ev, err);
	if (r != SSPR_OK) {
		(void)end_write(st, txn, false, NULL);
		return r;
	}
	return end_write(st, txn, true, err);
}

static int lmdb_decoy_write(struct sspr_store *store, struct sspr_error *err)
{
	struct lmdb_store *st = (struct lmdb_store *)store;
	/* A record's and an event's worth of bytes into the same two
	 * databases a refusal writes to, so the commit syncs as many pages. */
	static const uint8_t decoy_event_key[12] = {0};
	uint8_t noise[1024];
	MDB_val record_key = {.mv_size = 5, .mv_data = "decoy"}, record = {768, noise};
	MDB_val event_key = {sizeof(decoy_event_key), (void *)decoy_event_key};
	MDB_val event = {256, noise + 768};
	MDB_txn *txn = NULL;
	int rc, r;

	randombytes_buf(noise, sizeof(noise));
	if ((r = begin_write(st, &txn, err)) != SSPR_OK)
		return r;
	rc = mdb_put(txn, st->meta, &record_key, &record, 0);
	if (rc == 0)
		rc = mdb_put(txn, st->events, &event_key, &event, 0);
	if (rc != 0) {
		(void)end_write(st, txn, false, NULL);
		return fail(st, rc, "cannot write", err);
	}
	return end_write(st, txn, true, err);
}

static int lmdb_foreach_user(struct sspr_store *store, sspr_store_user_fn fn, void *ctx,
			    struct sspr_error *err)
{
	struct lmdb_store *st = (struct lmdb_store *)store;
	char name[SSPR_USER_MAX + 1];
	struct sspr_record *rec = malloc(sizeof(*rec));
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val key, val;
	int rc, r = SSPR_OK;

	if (rec == NULL)
		return sspr_error_set(err, SSPR_ENOMEM, "out of memory");
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc == 0)
		rc = mdb_cursor_open(txn, st->users, &cur);
	if (rc != 0) {
		r = fail(st, rc, "cannot read users", err);
		goto out;
	}
	for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
		int status;

		if (key.mv_size == 0 || key.mv_size > SSPR_USER_MAX)
			continue; /* not a key we wrote */
		memcpy(name, key.mv_data, key.mv_size);
		name[key.mv_size] = '\0';
		status = sspr_record_decode(val.mv_data, val.mv_size, rec);
		if ((r = fn(name, rec, status, ctx)) != 0)
			goto out;
	}
	if (rc != MDB_NOTFOUND)
		r = fail(st, rc, "cannot read users", err);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	sspr_record_wipe(rec);
	free(rec);
	return r;
}

/* Time 0, sequence 0: the slot sspr_store_decoy_write fills, never an
 * event (no event is dated 1970-01-01 00:00:00 with sequence 0 after it). */
static bool is_decoy_event_key(const MDB_val *key)
{
	static const uint8_t zero[12] = {0};

	return key->mv_size == sizeof(zero) && memcmp(key->mv_data, zero, sizeof(zero)) == 0;
}

static int lmdb_foreach_event(struct sspr_store *store, int64_t since, sspr_store_event_fn fn,
			     void *ctx, struct sspr_error *err)
{
	struct lmdb_store *st = (struct lmdb_store *)store;
	uint8_t start[12] = {0};
	uint64_t t = since < 0 ? 0 : (uint64_t)since;
	struct sspr_event ev;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val key, val;
	int rc, r = SSPR_OK;

	for (int i = 0; i < 8; i++)
		start[i] = (uint8_t)(t >> (56 - 8 * i));
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc == 0)
		rc = mdb_cursor_open(txn, st->events, &cur);
	if (rc != 0) {
		r = fail(st, rc, "cannot read events", err);
		goto out;
	}
	key.mv_size = sizeof(start);
	key.mv_data = start;
	for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
		int status;

		if (is_decoy_event_key(&key))
			continue;
		status = sspr_event_decode(val.mv_data, val.mv_size, &ev);

		if ((r = fn(&ev, status, ctx)) != 0)
			goto out;
	}
	if (rc != MDB_NOTFOUND)
		r = fail(st, rc, "cannot read events", err);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	return r;
}

static int lmdb_prune_events(struct sspr_store *store, int64_t before, unsigned long *removed,
			     struct sspr_error *err)
{
	struct lmdb_store *st = (struct lmdb_store *)store;
	unsigned long batch;
	MDB_txn *txn = NULL;
	int r;

	/* In batches, each its own transaction, so a large prune neither
	 * holds the writers back for long nor needs room for all of it. */
	do {
		batch = 0;
		if ((r = begin_write(st, &txn, err)) != SSPR_OK)
			return r;
		r = drop_old_events(st, txn, before, PRUNE_BATCH, &batch, err);
		if (r != SSPR_OK) {
			(void)end_write(st, txn, false, NULL);
			return r;
		}
		if ((r = end_write(st, txn, true, err)) != SSPR_OK)
			return r;
		*removed += batch;
	} while (batch == PRUNE_BATCH);
	return SSPR_OK;
}

static const struct sspr_store_ops lmdb_ops = {
	.backend = SSPR_BACKEND_LMDB,
	.close = lmdb_close,
	.get = lmdb_get,
	.update = lmdb_update,
	.append_event = lmdb_append_event,
	.decoy_write = lmdb_decoy_write,
	.foreach_user = lmdb_foreach_user,
	.foreach_event = lmdb_foreach_event,
	.prune_events = lmdb_prune_events,
};
