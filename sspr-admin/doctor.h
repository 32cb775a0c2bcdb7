/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin doctor: the whole integration on the running host, one
 * finding per line, each problem with the command that fixes it. The
 * checks live by what they read: doctor_files.c (policy, key, store,
 * directory, mail relay), doctor_pam.c (the PAM stacks), doctor_sshd.c
 * (sshd's effective configuration). cmd_doctor.c runs them and prints. */
#ifndef SSPR_ADMIN_DOCTOR_H
#define SSPR_ADMIN_DOCTOR_H

#include <stdbool.h>

#include "json.h"
#include "policy.h"

enum doctor_level {
	DOCTOR_OK,
	DOCTOR_WARNING, /* resets work, but not as the admin likely wants */
	DOCTOR_PROBLEM, /* resets cannot work, or bypass a control of the host */
};

struct doctor {
	const struct sspr_policy *pol; /* the host's, or the defaults when it does not load */
	bool policy_loaded;
	bool json;
	struct cli_json j;
	unsigned problems, warnings;
};

/* One finding: check is its stable name (the JSON "check"), subject what
 * it is about (a service, a path; may be NULL), fix a command or an edit
 * (NULL for none). */
void doctor_report(struct doctor *d, enum doctor_level level, const char *check,
		   const char *subject, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Calls fn for each line (without leading blanks) of file and then of
 * every dir/ *.conf, in directory order, until fn returns true; true when
 * it did. For settings a program reads from a file and its drop-ins. */
typedef bool (*doctor_line_fn)(const char *line, const char *path, unsigned lineno, void *ctx);
bool doctor_scan_config(const char *file, const char *dir, doctor_line_fn fn, void *ctx);

void doctor_check_key(struct doctor *d);
void doctor_check_store(struct doctor *d);
void doctor_check_mail_relay(struct doctor *d);
void doctor_check_sms_command(struct doctor *d);
void doctor_check_pam(struct doctor *d);
void doctor_check_password_service(struct doctor *d);
void doctor_check_delegated_service(struct doctor *d);
void doctor_check_sshd(struct doctor *d);

#endif
