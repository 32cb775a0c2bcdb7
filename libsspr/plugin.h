/* SPDX-License-Identifier: BSD-2-Clause */
/* Loading a shared object of ours into the process (the directory store
 * backend, the module's reset engine): they live in SSPR_PLUGIN_DIR, are
 * loaded only when needed, and must be root's all the way down. One loader,
 * so the checks cannot differ between them. */
#ifndef SSPR_PLUGIN_H
#define SSPR_PLUGIN_H

#include "status.h"

/* For the messages: "cannot find WHAT: ... (MISSING_HINT)". */
struct sspr_plugin_kind {
	const char *what;         /* "the directory store backend" */
	const char *missing_hint; /* what needs it, for an admin who did not install it */
};

/* Loads path for good (RTLD_NODELETE: the code outlives any handle, and the
 * libraries it brings, libldap and GnuTLS among them, do not like being
 * unloaded) and returns the address of symbol in *sym. The path is walked
 * from "/" one component at a time without following a link, each
 * directory checked as it is opened (a trusted owner; no one else may write
 * it unless it is root's and sticky), then the file (regular, a trusted
 * owner, writable by no one else), and the descriptor that was checked is
 * what gets loaded (dlopen of /proc/self/fd/N, which then stays open):
 * nothing can be swapped in between. A file this process has loaded
 * before is found again by its device and inode, without a second load. Trusted owners are root, and the caller where no privilege is
 * at stake (a developer's build tree; never a setuid or setgid program).
 * Errors: SSPR_EACCES (refused), SSPR_ERR (missing, unloadable, no such
 * symbol), with err naming the path. */
int sspr_plugin_load(const char *path, const char *symbol, const struct sspr_plugin_kind *kind,
		     void **sym, struct sspr_error *err);

#endif
