/* SPDX-License-Identifier: BSD-2-Clause */
/* The delegated method's stack, judged (see delegated_stack.h). */
#include <stdio.h>
#include <string.h>

#include "delegated_stack.h"
#include "pamconf.h"

/* Arguments with which pam_u2f (nouserok), pam_yubico (alwaysok),
 * pam_google_authenticator and pam_unix (nullok) and pam_duo
 * (failmode=safe) return success for a user they cannot check: in a
 * delegated service that is a method anyone passes. */
static const char *const passing_args[] = {"nouserok", "alwaysok", "nullok", "failmode=safe"};

struct scan {
	unsigned lines;
	char problem[256];
};

static void judge_line(const struct sspr_pam_line *line, void *ctx)
{
	struct scan *sc = ctx;
	const char *module = sspr_pamconf_module_name(line);

	sc->lines++;
	if (sc->problem[0] != '\0')
		return;
	if (strcmp(module, "pam_sspr.so") == 0) {
		snprintf(sc->problem, sizeof(sc->problem), "%s:%u: runs pam_sspr itself", line->file,
			 line->lineno);
		return;
	}
	if (strcmp(module, "pam_permit.so") == 0) {
		snprintf(sc->problem, sizeof(sc->problem), "%s:%u: pam_permit passes anyone",
			 line->file, line->lineno);
		return;
	}
	/* pam_sspr runs inside root's processes (sshd, login, a display
	 * manager): pam_rootok passes every user there. */
	if (strcmp(module, "pam_rootok.so") == 0) {
		snprintf(sc->problem, sizeof(sc->problem),
			 "%s:%u: pam_rootok passes anyone in a root process", line->file,
			 line->lineno);
		return;
	}
	for (int i = 0; i < line->argc; i++) {
		for (size_t k = 0; k < sizeof(passing_args) / sizeof(passing_args[0]); k++) {
			if (strcmp(line->argv[i], passing_args[k]) != 0)
				continue;
			snprintf(sc->problem, sizeof(sc->problem),
				 "%s:%u: %s %s passes a user it cannot check", line->file,
				 line->lineno, module, passing_args[k]);
			return;
		}
	}
}

bool sspr_delegated_stack_usable(const char *dir, const char *service, char *why, size_t size)
{
	struct scan sc = {0};
	unsigned unfollowed = 0;

	if (!sspr_pamconf_service_exists(dir, service)) {
		snprintf(why, size, "%s has no file in /etc/pam.d", service);
		return false;
	}
	if (sspr_pamconf_walk_all(dir, service, "auth", judge_line, &sc, &unfollowed) <= 0) {
		snprintf(why, size, "%s cannot be read", service);
		return false;
	}
	if (unfollowed > 0) {
		snprintf(why, size, "%s includes a file that cannot be checked (missing, not root's, "
			 "or nested too deep)", service);
		return false;
	}
	if (sc.lines == 0) {
		snprintf(why, size, "%s has no auth line (libpam would run the \"other\" service's)",
			 service);
		return false;
	}
	if (sc.problem[0] != '\0') {
		snprintf(why, size, "%s", sc.problem);
		return false;
	}
	return true;
}
