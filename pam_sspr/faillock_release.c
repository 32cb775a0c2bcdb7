/* SPDX-License-Identifier: BSD-2-Clause */
/* Where pam_faillock keeps the tally is its configuration's business, and
 * the admin may have set it on the stack's lines (dir=, conf=): read it
 * from there rather than assume the default. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "faillock.h"
#include "faillock_release.h"
#include "pamconf.h"
#include "util.h"

#define FAILLOCK_DIRS_MAX 8
#define FAILLOCK_AUTH_EXECUTED "pam_faillock:auth_executed" /* pam_faillock's pam_data */

struct found {
	struct sspr_faillock_conf confs[FAILLOCK_DIRS_MAX];
	unsigned n;
	bool seen_self;	      /* the walk has passed pam_sspr's own auth line */
	bool faillock_before; /* an auth pam_faillock line comes before it */
};

static void add_conf(struct found *f, const struct sspr_faillock_conf *conf)
{
	for (unsigned i = 0; i < f->n; i++)
		if (strcmp(f->confs[i].dir, conf->dir) == 0)
			return;
	if (f->n < FAILLOCK_DIRS_MAX)
		f->confs[f->n++] = *conf;
}

static bool is_module(const char *module, const char *name)
{
	const char *base = strrchr(module, '/');

	return strcmp(base != NULL ? base + 1 : module, name) == 0;
}

/* One pam_faillock line: its conf= file first, then its arguments, as
 * pam_faillock's args_parse() reads them. */
static void faillock_line(const struct sspr_pam_line *line, void *ctx)
{
	struct found *f = ctx;
	struct sspr_faillock_conf conf;
	const char *conf_path = SSPR_FAILLOCK_DEFAULT_CONF;
	bool auth = sspr_ascii_casecmp(line->type, "auth") == 0;

	if (auth && is_module(line->module, "pam_sspr.so"))
		f->seen_self = true;
	if (!is_module(line->module, "pam_faillock.so") ||
	    (!auth && sspr_ascii_casecmp(line->type, "account") != 0))
		return;
	if (auth && !f->seen_self)
		f->faillock_before = true;
	for (int i = 0; i < line->argc; i++)
		if (strncmp(line->argv[i], "conf=", 5) == 0)
			conf_path = line->argv[i] + 5;
	sspr_faillock_defaults(&conf);
	(void)sspr_faillock_read_conf(conf_path, &conf, NULL);
	for (int i = 0; i < line->argc; i++) {
		char name[32];
		const char *eq = strchr(line->argv[i], '=');
		size_t n = eq != NULL ? (size_t)(eq - line->argv[i]) : strlen(line->argv[i]);

		if (n >= sizeof(name))
			continue;
		memcpy(name, line->argv[i], n);
		name[n] = '\0';
		sspr_faillock_set(&conf, name, eq != NULL ? eq + 1 : "");
	}
	add_conf(f, &conf);
}

bool sspr_faillock_release(struct sspr_session *s)
{
	struct found f = {.n = 0};
	struct sspr_faillock_conf conf;
	const void *ran = NULL;
	bool locked_any = false;

	/* The system-wide settings, whether or not a line names them: the
	 * stack may not be readable (another configuration directory). */
	sspr_faillock_defaults(&conf);
	(void)sspr_faillock_read_conf(SSPR_FAILLOCK_DEFAULT_CONF, &conf, NULL);
	add_conf(&f, &conf);
	/* One read of the stack: its auth and account lines. */
	(void)sspr_pamconf_walk(NULL, s->pam_service, NULL, faillock_line, &f);

	for (unsigned i = 0; i < f.n; i++) {
		struct sspr_error err = {{0}};
		bool locked = false;

		if (sspr_faillock_clear(&f.confs[i], s->user, sspr_now(), &locked, &err) !=
		    SSPR_OK) {
			pam_syslog(s->pamh, LOG_ERR, "cannot clear pam_faillock tally of %s: %s",
				   s->user, err.msg);
			continue;
		}
		if (locked)
			pam_syslog(s->pamh, LOG_NOTICE,
				   "pam_faillock lock of %s cleared (%s) after proof of identity",
				   s->user, f.confs[i].dir);
		locked_any |= locked;
	}
	/* pam_faillock 1.7.2 and later say they ran; before that, the order
	 * of the lines tells. */
	return locked_any && (f.faillock_before ||
			      pam_get_data(s->pamh, FAILLOCK_AUTH_EXECUTED, &ran) == PAM_SUCCESS);
}
