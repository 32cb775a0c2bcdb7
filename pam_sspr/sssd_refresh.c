/* SPDX-License-Identifier: BSD-2-Clause */
/* SSSD's cache after a directory password change (see sssd_refresh.h).
 *
 * Why an authentication, and not only sss_cache: sss_cache marks the
 * account's entries expired, which makes SSSD read the account again, but
 * leaves the cached password hash alone, so an offline login still takes
 * the old password. SSSD replaces that hash only when an online
 * authentication succeeds, and SSSD offers no other interface for it; one
 * such authentication, with the password the user has just set, is what the
 * user's next login would do anyway. */
#define _GNU_SOURCE /* setresuid, clearenv */
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>

#include "child.h"
#include "sssd_refresh.h"
#include "util.h"

#define SSSD_PAM_PIPE "/var/lib/sss/pipes/private/pam"
#define SSS_CACHE "/usr/sbin/sss_cache"
#define PAM_SERVICE_FILE "/etc/pam.d/" SSPR_SSSD_SERVICE

static bool sssd_runs_here(void)
{
	struct stat st;

	return lstat(SSSD_PAM_PIPE, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* In either child: root in all its ids (a reset under sudo or su runs with
 * the user's real uid, and SSSD answers root on its privileged pipe
 * alone), then child.h's bounds, nothing of the application's open but
 * /dev/null, and none of its environment. Exits SETUP_FAILED when that
 * fails. */
#define SETUP_FAILED 126
static void child_setup(const struct sspr_child *c)
{
	if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setresgid(0, 0, 0) != 0 ||
			       setresuid(0, 0, 0) != 0))
		_exit(SETUP_FAILED);
	if (!sspr_child_enter(c, -1, -1, -1, SSPR_SSSD_REFRESH_TIMEOUT) || clearenv() != 0 ||
	    setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) != 0)
		_exit(SETUP_FAILED);
}

/* What one step's child ended with, for the log; true when it succeeded. */
static bool step_done(int status, bool killed, const char *step, char *why, size_t why_size)
{
	if (!killed && status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (killed || (status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM))
		snprintf(why, why_size, "%s: no answer within %d s", step,
			 SSPR_SSSD_REFRESH_TIMEOUT);
	else if (status < 0)
		snprintf(why, why_size, "%s: cannot collect its status", step);
	else if (WIFSIGNALED(status))
		snprintf(why, why_size, "%s: killed by signal %d", step, WTERMSIG(status));
	else if (WEXITSTATUS(status) == SETUP_FAILED)
		snprintf(why, why_size, "%s: its process could not be set up", step);
	else
		snprintf(why, why_size, "%s: exit status %d", step, WEXITSTATUS(status));
	return false;
}

static bool expire_entries(const char *user, char *why, size_t why_size)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	int64_t deadline = sspr_monotonic_ms() + (int64_t)SSPR_SSSD_REFRESH_TIMEOUT * 1000;
	char *argv[] = {SSS_CACHE, "-u", (char *)user, NULL};
	struct sspr_child child;
	bool killed;
	int status;
	pid_t pid;

	if (faccessat(AT_FDCWD, SSS_CACHE, X_OK, AT_EACCESS) != 0) {
		snprintf(why, why_size, SSS_CACHE ": %s", strerror(errno));
		return false;
	}
	pid = sspr_child_start(&child);
	if (pid == 0) {
		child_setup(&child);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (pid < 0)
		snprintf(why, why_size, "fork: %s", strerror(errno));
	status = sspr_child_end(&child, deadline, &killed);
	return pid > 0 && step_done(status, killed, SSS_CACHE, why, why_size);
}

/* The password is the answer to pam_sss's one prompt for it (an
 * application cannot set PAM_AUTHTOK); anything more it asks (a second
 * factor, a new password) ends the refresh rather than being given the
 * password again. */
struct answer_once {
	const char *password;
	bool given;
};

static int answer_once(int n, const struct pam_message **msg, struct pam_response **resp,
		       void *data)
{
	struct answer_once *a = data;
	struct pam_response *r;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			goto refuse;
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF)
			continue;
		if (a->given || (r[i].resp = strdup(a->password)) == NULL)
			goto refuse;
		a->given = true;
	}
	*resp = r;
	return PAM_SUCCESS;
refuse:
	for (int i = 0; i < n; i++)
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
	return PAM_CONV_ERR;
}

/* In the child: its exit status is pam_authenticate's. */
static void __attribute__((noreturn)) authenticate_child(const struct sspr_child *c,
							  const char *user, const char *password)
{
	struct answer_once once = {.password = password, .given = false};
	struct pam_conv conv = {answer_once, &once};
	pam_handle_t *h = NULL;
	int r;

	child_setup(c);
	r = pam_start(SSPR_SSSD_SERVICE, user, &conv, &h);
	if (r == PAM_SUCCESS)
		r = pam_authenticate(h, PAM_SILENT);
	if (h != NULL)
		pam_end(h, r);
	_exit(r & 0xff);
}

static bool confirm_password(pam_handle_t *pamh, const char *user, const char *password,
			     char *why, size_t why_size)
{
	int64_t deadline = sspr_monotonic_ms() + (int64_t)SSPR_SSSD_REFRESH_TIMEOUT * 1000;
	struct sspr_child child;
	bool killed;
	int status;
	pid_t pid;

	/* Without its file libpam would run the "other" service, which is
	 * the host's login stack. (Effective ids: under sudo the real uid is
	 * the user's.) */
	if (faccessat(AT_FDCWD, PAM_SERVICE_FILE, R_OK, AT_EACCESS) != 0) {
		snprintf(why, why_size, PAM_SERVICE_FILE ": %s", strerror(errno));
		return false;
	}
	pid = sspr_child_start(&child);
	if (pid == 0)
		authenticate_child(&child, user, password);
	if (pid < 0)
		snprintf(why, why_size, "fork: %s", strerror(errno));
	status = sspr_child_end(&child, deadline, &killed);
	if (pid < 0)
		return false;
	if (!killed && status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	    WEXITSTATUS(status) != SETUP_FAILED) {
		snprintf(why, why_size, "authentication through %s: %s", SSPR_SSSD_SERVICE,
			 pam_strerror(pamh, WEXITSTATUS(status)));
		return false;
	}
	return step_done(status, killed, "authentication through " SSPR_SSSD_SERVICE, why,
			 why_size);
}

void sspr_sssd_refresh(pam_handle_t *pamh, const char *user, const char *new_password)
{
	char why[256] = "";
	bool expired, confirmed;

	if (!sssd_runs_here())
		return;
	expired = expire_entries(user, why, sizeof(why));
	if (!expired)
		pam_syslog(pamh, LOG_WARNING,
			   "user=%s: SSSD's cached entries were not expired (%s): it may show "
			   "the account as it was until they time out",
			   user, why);
	confirmed = confirm_password(pamh, user, new_password, why, sizeof(why));
	if (!confirmed)
		pam_syslog(pamh, LOG_WARNING,
			   "user=%s: SSSD did not take the new password (%s): until the "
			   "user's next online login through SSSD, an offline login may still "
			   "accept the old one",
			   user, why);
	if (expired && confirmed)
		pam_syslog(pamh, LOG_INFO,
			   "user=%s: SSSD's cache holds the new password (sss_cache, and an "
			   "online authentication through %s)",
			   user, SSPR_SSSD_SERVICE);
}
