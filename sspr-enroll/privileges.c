/* SPDX-License-Identifier: BSD-2-Clause */
/* Process hygiene for a setgid program: nothing the caller controls
 * (environment, umask, open descriptors, core dumps) reaches the code that
 * holds the store's group (sspr-store). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enroll.h"

bool enroll_privileged(void)
{
	return getegid() != getgid() || geteuid() != getuid();
}

static void close_extra_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int keep;

	if (d == NULL)
		return;
	keep = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end == '\0' && fd > 2 && fd != keep)
			(void)close((int)fd);
	}
	closedir(d);
}

int enroll_sanitize(void)
{
	const struct rlimit no_core = {0, 0};

	/* No core file and no ptrace by the caller: memory holds the new
	 * secret and, briefly, the user's password. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || setrlimit(RLIMIT_CORE, &no_core) != 0)
		return -1;
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int null = open("/dev/null", O_RDWR);

			if (null != fd)
				return -1;
		}
	}
	close_extra_fds();
	/* LDAPNOINIT: libldap reads no rc file and no LDAP* variable. It
	 * compares only uids, so in a setgid program it would take the
	 * caller's $HOME/.ldaprc, ./ldaprc and $LDAPRC; the backend sets
	 * every option it relies on itself. The working directory is the
	 * caller's too: "/" leaves nothing there to find. */
	if (clearenv() != 0 || setenv("PATH", "/usr/bin:/bin", 1) != 0 ||
	    setenv("LDAPNOINIT", "1", 1) != 0 || chdir("/") != 0)
		return -1;
	umask(007);
	return 0;
}

/* gettext makes a file name of each entry of LANGUAGE, so only a value
 * that cannot be a path is kept (sspr_language_valid); the caller's
 * environment is otherwise dropped whole. */
bool enroll_keep_language(char buf[SSPR_LANGUAGE_MAX + 1])
{
	const char *language = getenv("LANGUAGE");

	buf[0] = '\0';
	return language != NULL && sspr_language_valid(language) &&
	       sspr_strlcpy(buf, language, SSPR_LANGUAGE_MAX + 1) == SSPR_OK;
}

int enroll_identity(char *user, size_t size)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return -1;
	if (!sspr_user_name_valid(pw.pw_name) || sspr_strlcpy(user, pw.pw_name, size) != SSPR_OK)
		return -1;
	return 0;
}
