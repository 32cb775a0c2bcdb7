/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin migrate --to ldap|lmdb: copies every user between the LMDB
 * store (policy key store) and the directory (the ldap_* keys), whichever
 * store_backend says: a site migrates before it switches its hosts over.
 *
 * Per user: missing at the destination -> copied; the same there ->
 * unchanged; changed there later than at the source -> refused (a host
 * already using the destination has newer data; named on stderr); else
 * overwritten. Records keep the time they were last changed
 * (SSPR_UPDATE_KEEP_TIME), which is what makes a second run a no-op and a
 * run in the other direction safe. Events are not copied: the audit trail
 * stays where it was written. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"

enum outcome { M_COPIED, M_UPDATED, M_UNCHANGED, M_REFUSED, M_CORRUPT_SOURCE, M_FAILED, M_N };

struct migration {
	struct sspr_store *dst; /* NULL in a dry run against a destination not created yet */
	bool dry_run;
	int stop_status; /* the destination went away: stop the walk */
	unsigned count[M_N];
};

/* One user's copy, as the update function sees it (it may run more than
 * once: it only reads src and sets the outcome). */
struct copy_one {
	const struct sspr_record *src;
	enum outcome outcome;
	int64_t dst_time;
};

static const char *backend_name(enum sspr_store_backend b)
{
	return b == SSPR_BACKEND_LDAP ? "ldap" : "lmdb";
}

/* The same content, apart from the time of the last write: a record
 * written identically on both sides at different times is not a
 * conflict. */
static int same_content(const struct sspr_record *src, const struct sspr_record *dst, bool *same)
{
	static uint8_t a[SSPR_RECORD_ENCODED_MAX], b[SSPR_RECORD_ENCODED_MAX];
	static struct sspr_record tmp;
	size_t alen = 0, blen = 0;
	int r;

	tmp = *dst;
	tmp.updated_at = src->updated_at;
	r = sspr_record_encode(src, a, sizeof(a), &alen);
	if (r == SSPR_OK)
		r = sspr_record_encode(&tmp, b, sizeof(b), &blen);
	*same = r == SSPR_OK && alen == blen && sodium_memcmp(a, b, alen) == 0;
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	sspr_record_wipe(&tmp);
	return r;
}

static enum outcome decide(const struct sspr_record *src, const struct sspr_record *dst,
			   bool exists)
{
	bool same = false;

	if (!exists)
		return M_COPIED;
	if (same_content(src, dst, &same) != SSPR_OK)
		return M_FAILED;
	if (same)
		return M_UNCHANGED;
	if (dst->updated_at > src->updated_at)
		return M_REFUSED;
	return M_UPDATED;
}

static int copy_update(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct copy_one *c = ctx;

	(void)ev;
	c->dst_time = exists ? rec->updated_at : 0;
	c->outcome = decide(c->src, rec, exists);
	if (c->outcome == M_FAILED)
		return SSPR_EINVAL;
	if (c->outcome != M_COPIED && c->outcome != M_UPDATED)
		return SSPR_NOCHANGE;
	*rec = *c->src;
	return SSPR_OK;
}

/* A dry run decides on a plain read of the destination. */
static int dry_decide(struct migration *m, const char *user, struct copy_one *c,
		      struct sspr_error *err)
{
	static struct sspr_record dst;
	int r = SSPR_ENOENT;

	if (m->dst != NULL)
		r = sspr_store_get(m->dst, user, &dst, err);
	if (r == SSPR_OK || r == SSPR_ENOENT) {
		c->dst_time = r == SSPR_OK ? dst.updated_at : 0;
		c->outcome = decide(c->src, &dst, r == SSPR_OK);
		r = SSPR_OK;
	}
	sspr_record_wipe(&dst);
	return r;
}

static int migrate_user(const char *user, const struct sspr_record *rec, int decode_status,
			void *ctx)
{
	struct migration *m = ctx;
	struct sspr_error err = {{0}};
	struct copy_one c = {rec, M_FAILED, 0};
	char shown[SSPR_USER_MAX + 1], t1[CLI_TIME_MAX], t2[CLI_TIME_MAX];
	int r;

	cli_safe_name(user, shown);
	if (decode_status != SSPR_OK) {
		m->count[M_CORRUPT_SOURCE]++;
		cli_warn("%s: record at the source is corrupt: not copied", shown);
		return 0;
	}
	if (m->dry_run)
		r = dry_decide(m, user, &c, &err);
	else
		r = sspr_store_update(m->dst, user, SSPR_UPDATE_KEEP_TIME, copy_update, &c, &err);
	if (r != SSPR_OK && r != SSPR_NOCHANGE) {
		m->count[M_FAILED]++;
		if (r == SSPR_ECORRUPT)
			admin_error(r, "%s: record at the destination is corrupt: not overwritten",
				    shown);
		else
			admin_lib_error(r, &err, shown);
		if (r == SSPR_EUNAVAIL) {
			m->stop_status = r;
			return r;
		}
		return 0;
	}
	m->count[c.outcome]++;
	if (c.outcome == M_REFUSED)
		admin_error(SSPR_ECONFLICT,
			    "%s: changed at the destination (%s) after the source "
			    "(%s): not overwritten",
			    shown, cli_time_iso(c.dst_time, t1),
			    cli_time_iso(rec->updated_at, t2));
	return 0;
}

/* Opens the destination; creates a missing directory store (an LMDB one
 * needs init's owner and modes, so it is left to init). */
static int open_destination(const struct admin_ctx *ctx, const struct sspr_store_config *cfg,
			    const char *name, struct migration *m)
{
	struct sspr_error err = {{0}};
	int r;

	r = sspr_store_open(cfg, m->dry_run ? SSPR_STORE_READONLY : 0, &m->dst, &err);
	if (r == SSPR_ENOENT && m->dry_run) {
		printf("%s: no store yet: every user would be copied\n", name);
		return SSPR_EXIT_OK;
	}
	if (r == SSPR_ENOENT && cfg->backend == SSPR_BACKEND_LDAP) {
		sspr_error_clear(&err);
		r = sspr_store_open(cfg, SSPR_STORE_CREATE, &m->dst, &err);
		if (r == SSPR_OK)
			printf("%s: directory store created\n", name);
	} else if (r == SSPR_ENOENT) {
		return admin_error(r,
				   "%s: no store; create it with '%s init' under a policy with "
				   "store_backend = lmdb",
				   name, ADMIN_PROG);
	}
	(void)ctx;
	if (r != SSPR_OK)
		return admin_lib_error(r, &err, name);
	return SSPR_EXIT_OK;
}

static void summary_event(struct migration *m, enum sspr_store_backend from, bool ok)
{
	struct sspr_error err = {{0}};
	struct sspr_event ev;
	char actor[32], detail[SSPR_EVENT_DETAIL_MAX + 1];

	admin_actor(actor, sizeof(actor));
	snprintf(detail, sizeof(detail),
		 "%s, from %s: copied %u, updated %u, unchanged %u, refused %u, corrupt %u, "
		 "failed %u",
		 actor, backend_name(from), m->count[M_COPIED], m->count[M_UPDATED],
		 m->count[M_UNCHANGED], m->count[M_REFUSED], m->count[M_CORRUPT_SOURCE],
		 m->count[M_FAILED]);
	sspr_event_set(&ev, sspr_now(), "migrate", ok ? "success" : "partial", "", "",
		       ADMIN_SERVICE, "", detail);
	if (sspr_store_append_event(m->dst, &ev, &err) != SSPR_OK)
		cli_warn("audit event not written: %s", err.msg);
}

int admin_cmd_migrate(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *src = NULL;
	struct sspr_store_config src_cfg, dst_cfg;
	struct migration m;
	struct admin_args args;
	const char *src_name, *dst_name;
	char shown[CLI_QUOTE_MAX + 4];
	bool ok;
	int r, rc;

	memset(&m, 0, sizeof(m));
	rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_TO | ADMIN_F_DRY_RUN, &args);
	if (rc != SSPR_EXIT_OK)
		return rc;
	if (args.npos != 0 || args.to == NULL)
		return admin_usage_error("usage: migrate --to ldap|lmdb [--dry-run]");
	sspr_policy_store_config(&ctx->pol, &src_cfg);
	dst_cfg = src_cfg;
	if (strcmp(args.to, "ldap") == 0) {
		src_cfg.backend = SSPR_BACKEND_LMDB;
		dst_cfg.backend = SSPR_BACKEND_LDAP;
	} else if (strcmp(args.to, "lmdb") == 0) {
		src_cfg.backend = SSPR_BACKEND_LDAP;
		dst_cfg.backend = SSPR_BACKEND_LMDB;
	} else {
		return admin_usage_error("migrate: --to must be ldap or lmdb, not '%s'",
					 cli_quote_arg(args.to, shown, sizeof(shown)));
	}
	if (ctx->pol.ldap_uri[0] == '\0' || ctx->pol.ldap_base[0] == '\0')
		return admin_error(SSPR_EINVAL,
				   "migrate: the policy names no directory (set "
				   "ldap_uri and ldap_base in %s)",
				   ctx->config_path);
	if (geteuid() != 0 && !ctx->config_explicit)
		return admin_error(SSPR_EACCES, "migrate: must be run as root");
	m.dry_run = (args.flags & ADMIN_F_DRY_RUN) != 0;
	src_name = src_cfg.backend == SSPR_BACKEND_LDAP ? ctx->pol.ldap_base : ctx->pol.store;
	dst_name = dst_cfg.backend == SSPR_BACKEND_LDAP ? ctx->pol.ldap_base : ctx->pol.store;

	r = sspr_store_open(&src_cfg, SSPR_STORE_READONLY, &src, &err);
	if (r == SSPR_ENOENT) {
		rc = admin_error(r, "%s: no store to migrate from", src_name);
		goto out;
	}
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, src_name);
		goto out;
	}
	if ((rc = open_destination(ctx, &dst_cfg, dst_name, &m)) != SSPR_EXIT_OK)
		goto out;
	printf("migrate%s: %s %s -> %s %s\n", m.dry_run ? " (dry run, nothing is written)" : "",
	       backend_name(src_cfg.backend), src_name, backend_name(dst_cfg.backend), dst_name);
	sspr_error_clear(&err);
	r = sspr_store_foreach_user(src, migrate_user, &m, &err);
	if (r != SSPR_OK && r != m.stop_status) {
		rc = admin_lib_error(r, &err, src_name);
		goto out;
	}
	printf("%scopied %u, updated %u, unchanged %u, refused %u (newer at the destination), "
	       "corrupt at source %u, failed %u\n",
	       m.dry_run ? "would be: " : "", m.count[M_COPIED], m.count[M_UPDATED],
	       m.count[M_UNCHANGED], m.count[M_REFUSED], m.count[M_CORRUPT_SOURCE],
	       m.count[M_FAILED]);
	printf("events are not copied: the audit trail stays in %s\n", src_name);
	ok = m.stop_status == 0 && m.count[M_REFUSED] == 0 && m.count[M_FAILED] == 0 &&
	     m.count[M_CORRUPT_SOURCE] == 0;
	if (!m.dry_run)
		summary_event(&m, src_cfg.backend, ok);
	if (m.stop_status != 0) {
		rc = admin_error(m.stop_status, "migrate: stopped: %s went away; run it again",
				 dst_name);
		goto out;
	}
	if (!ok) {
		rc =
		    admin_error(SSPR_ERR, "migrate: %u users not copied (see above)",
				m.count[M_REFUSED] + m.count[M_FAILED] + m.count[M_CORRUPT_SOURCE]);
		goto out;
	}
	rc = SSPR_EXIT_OK;
out:
	sspr_store_close(m.dst);
	sspr_store_close(src);
	return rc;
}
