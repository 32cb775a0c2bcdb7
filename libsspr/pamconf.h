/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading a PAM service's stack as libpam would: /etc/pam.d/SERVICE (or
 * the vendor directory), following @include, include and substack. Used to
 * find what another module of the host was told (pam_faillock's dir=), so
 * pam_sspr honours the admin's configuration instead of guessing it. */
#ifndef SSPR_PAMCONF_H
#define SSPR_PAMCONF_H

#include <stdbool.h>

#define SSPR_PAMCONF_ARGS_MAX 32

/* One module line: its type ("auth", "account", ...), the module as
 * written (a name or a path) and its arguments. */
struct sspr_pam_line {
	const char *type;
	bool if_present; /* "-type": libpam skips the line when the module is missing */
	const char *control; /* "required", "[success=1 default=ignore]", ... */
	const char *module;
	int argc;
	const char *argv[SSPR_PAMCONF_ARGS_MAX];
	const char *file; /* where the line is, for messages */
	unsigned lineno;
};

typedef void (*sspr_pam_line_fn)(const struct sspr_pam_line *line, void *ctx);

/* Calls fn for every module line of `type` (NULL: every type) in the stack
 * of `service`, includes expanded in order, in the PAM configuration
 * directory `dir` (NULL: /etc/pam.d, then /usr/lib/pam.d); a service with
 * no file is "other", as for libpam. Returns the number of files read (0:
 * none), or -1 when the service name
 * is not a plain name. Bounded: include depth, file size and line length,
 * as libpam bounds them. */
int sspr_pamconf_walk(const char *dir, const char *service, const char *type, sspr_pam_line_fn fn,
		      void *ctx);
/* The same, and *unfollowed (may be NULL) counts the includes of `type`
 * the walk did not follow (past its bounds, or a file it would not read):
 * lines libpam may run that the caller has not seen. */
int sspr_pamconf_walk_all(const char *dir, const char *service, const char *type,
			  sspr_pam_line_fn fn, void *ctx, unsigned *unfollowed);

/* The module name of a line without its directory and ".so"'s path:
 * "pam_unix.so" for "pam_unix.so" and "/lib/x86_64-linux-gnu/security/pam_unix.so". */
const char *sspr_pamconf_module_name(const struct sspr_pam_line *line);

/* True when libpam would fail the stack at this line because the module's
 * file is not there: a required, requisite or [...] line without an
 * action for module_unknown that ignores it, and not "-type". */
bool sspr_pamconf_line_missing(const struct sspr_pam_line *line);

/* True when `service` has a file of its own (libpam would not fall back
 * to "other"), readable as the walk reads it. */
bool sspr_pamconf_service_exists(const char *dir, const char *service);

/* True when the `type` stack of `service` has a line for module (a name
 * as sspr_pamconf_module_name gives it). */
bool sspr_pamconf_has_module(const char *dir, const char *service, const char *type,
			     const char *module);

/* The first line of the `type` stack of `service` that
 * sspr_pamconf_line_missing finds; its module, as written, is copied to
 * module. False when there is none. */
bool sspr_pamconf_find_missing(const char *dir, const char *service, const char *type,
			       char *module, size_t size);

#endif
