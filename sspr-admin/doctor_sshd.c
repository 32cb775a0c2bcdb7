/* SPDX-License-Identifier: BSD-2-Clause */
/* doctor: sshd (doctor.h). A reset over SSH needs keyboard-interactive
 * authentication through PAM, and what counts is sshd's effective
 * configuration (sshd -T), not what a file says: sshd takes the first
 * value it reads, and Debian's sshd_config includes the files of sshd_config.d
 * at its top and then says "KbdInteractiveAuthentication no", so a line
 * appended to sshd_config does nothing while a drop-in does. */
#define _GNU_SOURCE /* pipe2 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "doctor.h"
#include "pamconf.h"
#include "util.h"

#define SSHD "/usr/sbin/sshd"
#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSHD_DROP_IN "/etc/ssh/sshd_config.d/00-pam_sspr.conf"
#define SSHD_TIMEOUT_MS 10000
#define SSHD_OUTPUT_MAX ((size_t)256 * 1024)

/* Runs argv (stdout and stderr together into out, NUL-terminated, cut at
 * size) with a clean environment, waiting at most SSHD_TIMEOUT_MS. Returns
 * the exit status, or -1 (killed at the deadline, or not started). */
static int run_capture(char *const argv[], char *out, size_t size)
{
	static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	int64_t deadline = sspr_monotonic_ms() + SSHD_TIMEOUT_MS;
	struct sspr_child child;
	size_t used = 0;
	int fds[2], status;
	bool killed;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	if ((pid = sspr_child_start(&child)) < 0) {
		close(fds[0]);
		close(fds[1]);
		(void)sspr_child_end(&child, deadline, &killed);
		return -1;
	}
	if (pid == 0) {
		if (!sspr_child_enter(&child, -1, fds[1], fds[1], SSHD_TIMEOUT_MS / 1000))
			_exit(127);
		execve(argv[0], argv, env);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		int64_t left = deadline - sspr_monotonic_ms();
		char buf[4096];
		ssize_t got;

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			break;
		if (p.revents == 0)
			continue;
		got = read(fds[0], buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (used + 1 < size) {
			size_t take = (size_t)got < size - 1 - used ? (size_t)got : size - 1 - used;

			memcpy(out + used, buf, take);
			used += take;
			out[used] = '\0';
		}
	}
	close(fds[0]);
	/* Its output may end before it does: the same deadline for its exit,
	 * then it is killed. */
	status = sspr_child_end(&child, deadline, &killed);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The value sshd -T gives for key (lower case), copied to value. */
static bool setting(const char *text, const char *key, char *value, size_t size)
{
	size_t len = strlen(key);

	for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, key, len) == 0 && p[len] == ' ') {
			const char *v = p + len + 1;
			size_t n = strcspn(v, "\n");

			snprintf(value, size, "%.*s", (int)(n < size ? n : size - 1), v);
			return true;
		}
	}
	return false;
}

/* In sshd_config: the line of the first Include that reads
 * sshd_config.d, and of the first line that sets keyword (0: none). */
static void first_lines(const char *keyword, unsigned *include_line, unsigned *keyword_line)
{
	FILE *f = fopen(SSHD_CONFIG, "re");
	char line[1024];
	unsigned n = 0;

	*include_line = *keyword_line = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		const char *p = line;

		n++;
		while (isspace((unsigned char)*p))
			p++;
		if (*include_line == 0 && strncasecmp(p, "Include", 7) == 0 &&
		    strstr(p, "sshd_config.d") != NULL)
			*include_line = n;
		if (*keyword_line == 0 && strncasecmp(p, keyword, strlen(keyword)) == 0 &&
		    isspace((unsigned char)p[strlen(keyword)]))
			*keyword_line = n;
	}
	if (f != NULL)
		fclose(f);
}

struct match_search {
	char *where;
	size_t size;
};

static bool match_line(const char *line, const char *path, unsigned lineno, void *ctx)
{
	struct match_search *m = ctx;

	if (strncasecmp(line, "Match", 5) != 0 || !isspace((unsigned char)line[5]))
		return false;
	snprintf(m->where, m->size, "%s:%u", path, lineno);
	return true;
}

/* The first active "Match" line of sshd_config or its drop-ins, as
 * FILE:LINE in where; false when there is none. */
static bool first_match_block(char *where, size_t size)
{
	struct match_search m = {where, size};

	return doctor_scan_config(SSHD_CONFIG, SSHD_CONFIG ".d", match_line, &m);
}

/* The fix for the settings that are wrong (want: "KbdInteractiveAuthentication
 * yes\n" lines): a drop-in where one is read first, else an edit of
 * sshd_config at the line that sets the value. */
static void fix_for(const char *keyword, const char *want, char *fix, size_t size)
{
	unsigned include_line, keyword_line;

	first_lines(keyword, &include_line, &keyword_line);
	if (keyword_line != 0 && (include_line == 0 || keyword_line < include_line))
		snprintf(fix, size,
			 "set '%s yes' at " SSHD_CONFIG ":%u (sshd keeps the first value it "
			 "reads), then systemctl reload ssh",
			 keyword, keyword_line);
	else if (include_line == 0)
		snprintf(fix, size, "add '%s yes' at the top of " SSHD_CONFIG
			 ", then systemctl reload ssh", keyword);
	else
		snprintf(fix, size, "printf '%s' >> " SSHD_DROP_IN " && systemctl reload ssh", want);
}

void doctor_check_sshd(struct doctor *d)
{
	char *const argv[] = {SSHD, "-T", NULL};
	char kbd[64] = "", usepam[64] = "", password[64] = "", methods[1024] = "any";
	char want[200] = "", fix[600], where[600];
	char *out;
	int status;

	if (access(SSHD, X_OK) != 0)
		return; /* no sshd here: nothing to check */
	if (!sspr_pamconf_has_module(NULL, "sshd", "auth", "pam_sspr.so")) {
		doctor_report(d, DOCTOR_OK, "sshd", "sshd", NULL,
			      "sshd: its PAM stack has no pam_sspr: resets are not offered over "
			      "SSH");
		return;
	}
	if ((out = malloc(SSHD_OUTPUT_MAX)) == NULL) {
		doctor_report(d, DOCTOR_PROBLEM, "sshd", "sshd", NULL, "out of memory");
		return;
	}
	status = run_capture(argv, out, SSHD_OUTPUT_MAX);
	if (status != 0) {
		out[strcspn(out, "\n")] = '\0';
		doctor_report(d, DOCTOR_WARNING, "sshd", "sshd", "sshd -t",
			      "'sshd -T' failed (%s): %s; its settings cannot be checked",
			      status < 0 ? "no answer within 10 s" : "non-zero exit",
			      out[0] != '\0' ? out : "no message");
		goto out;
	}
	/* OpenSSH before 8.7 calls it challengeresponseauthentication. */
	if (!setting(out, "kbdinteractiveauthentication", kbd, sizeof(kbd)))
		(void)setting(out, "challengeresponseauthentication", kbd, sizeof(kbd));
	(void)setting(out, "usepam", usepam, sizeof(usepam));
	(void)setting(out, "authenticationmethods", methods, sizeof(methods));
	(void)setting(out, "passwordauthentication", password, sizeof(password));
	/* Keys only, on purpose: turning keyboard-interactive on would let
	 * passwords in over SSH again. Not a problem to fix; said so. */
	if (strcmp(kbd, "yes") != 0 && strcmp(password, "no") == 0) {
		doctor_report(d, DOCTOR_WARNING, "sshd-kbdinteractive", "sshd",
			      "leave it so and drop sshd from the policy key services; or set "
			      "KbdInteractiveAuthentication yes, which lets passwords in over "
			      "SSH as well",
			      "sshd: keys only (passwordauthentication and "
			      "kbdinteractiveauthentication no, sshd -T): no reset over SSH");
		goto out;
	}
	if (strcmp(usepam, "yes") != 0) {
		snprintf(want, sizeof(want), "UsePAM yes\\n");
		fix_for("UsePAM", want, fix, sizeof(fix));
		doctor_report(d, DOCTOR_PROBLEM, "sshd-usepam", "sshd", fix,
			      "sshd: usepam is '%s' (sshd -T): sshd does not run the PAM stack "
			      "at all, so it never offers a reset",
			      usepam[0] != '\0' ? usepam : "?");
	}
	if (strcmp(kbd, "yes") != 0) {
		snprintf(want, sizeof(want), "KbdInteractiveAuthentication yes\\n");
		fix_for("KbdInteractiveAuthentication", want, fix, sizeof(fix));
		doctor_report(d, DOCTOR_PROBLEM, "sshd-kbdinteractive", "sshd", fix,
			      "sshd: kbdinteractiveauthentication is '%s' (sshd -T): only "
			      "keyboard-interactive carries a reset; Enter at the password prompt "
			      "gives 'Permission denied'",
			      kbd[0] != '\0' ? kbd : "?");
	}
	if (strcmp(methods, "any") != 0 && strstr(methods, "keyboard-interactive") == NULL) {
		doctor_report(d, DOCTOR_PROBLEM, "sshd-methods", "sshd",
			      "add keyboard-interactive to AuthenticationMethods in " SSHD_CONFIG,
			      "sshd: AuthenticationMethods is '%s' (sshd -T): no list holds "
			      "keyboard-interactive, so no reset",
			      methods);
	}
	/* sshd -T without -C prints what holds outside Match blocks. */
	if (first_match_block(where, sizeof(where)))
		doctor_report(d, DOCTOR_WARNING, "sshd-match", "sshd",
			      "sshd -T -C user=NAME,host=HOST,addr=ADDRESS",
			      "sshd: a Match block (%s) may change these settings for some "
			      "connections; the values above hold outside it",
			      where);
	if (strcmp(usepam, "yes") == 0 && strcmp(kbd, "yes") == 0 &&
	    (strcmp(methods, "any") == 0 || strstr(methods, "keyboard-interactive") != NULL))
		doctor_report(d, DOCTOR_OK, "sshd", "sshd", NULL,
			      "sshd: kbdinteractiveauthentication yes, usepam yes (sshd -T)");
out:
	free(out);
}
