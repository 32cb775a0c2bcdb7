/* SPDX-License-Identifier: BSD-2-Clause */
/* doctor: the files a reset needs (doctor.h). Each check reads what the
 * module will read, with the library's own loaders, so it finds what the
 * module would refuse, in the module's words. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "config.h"
#include "doctor.h"
#include "hostkey.h"
#include "mail_relay.h"
#include "policy_store.h"

/* "root:sspr-store 2770" for messages. */
static void describe(const struct stat *sb, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(sb->st_uid);
	struct group *gr = getgrgid(sb->st_gid);
	char uid[16], gid[16];

	snprintf(uid, sizeof(uid), "%lu", (unsigned long)sb->st_uid);
	snprintf(gid, sizeof(gid), "%lu", (unsigned long)sb->st_gid);
	snprintf(buf, size, "%s:%s %04o", pw != NULL ? pw->pw_name : uid,
		 gr != NULL ? gr->gr_name : gid, (unsigned)(sb->st_mode & 07777));
}

/* True when the pair init creates is not all there. */
static bool missing_key_file(const char *dir)
{
	static const char *const files[] = {SSPR_HOSTKEY_SECRET_FILE, SSPR_HOSTKEY_PUBLIC_FILE};
	char path[SSPR_PATH_MAX + 32];
	struct stat sb;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (lstat(path, &sb) != 0 && errno == ENOENT)
			return true;
	}
	return false;
}

void doctor_check_key(struct doctor *d)
{
	const char *dir = d->pol->key_dir;
	struct sspr_error err = {{0}};
	struct sspr_keyring ring;
	char fix[2 * SSPR_PATH_MAX + 64], have[128];
	struct stat sb;
	int r;

	if (stat(dir, &sb) == 0 && (sb.st_uid != 0 || (sb.st_mode & 022) != 0)) {
		describe(&sb, have, sizeof(have));
		snprintf(fix, sizeof(fix), "chown root: %s && chmod go-w %s", dir, dir);
		doctor_report(d, DOCTOR_PROBLEM, "key", dir, fix,
			      "%s is %s: only root may write the key directory", dir, have);
		return;
	}
	/* The whole ring, as the module loads it. */
	r = sspr_keyring_load(dir, 0, &ring, &err);
	sspr_keyring_wipe(&ring);
	if (r != SSPR_OK && missing_key_file(dir)) {
		doctor_report(d, DOCTOR_PROBLEM, "key", dir, "sspr-admin init", "%s", err.msg);
		return;
	}
	if (r != SSPR_OK) {
		doctor_report(d, DOCTOR_PROBLEM, "key", dir,
			      "sspr-admin key status; reinstall the ring with 'sspr-admin key "
			      "install' from a bundle of this fleet",
			      "%s", err.msg);
		return;
	}
	doctor_report(d, DOCTOR_OK, "key", dir, NULL, "the host key in %s loads", dir);
}

/* The LMDB directory as init leaves it: root:SSPR_GROUP 2770, so the
 * setgid helper can write and nobody else can. */
static bool lmdb_dir_sound(struct doctor *d, const char *dir)
{
	struct group *gr = getgrnam(SSPR_GROUP);
	char have[128];
	struct stat sb;

	if (gr == NULL) {
		doctor_report(d, DOCTOR_PROBLEM, "store", dir,
			      "addgroup --system " SSPR_GROUP " && sspr-admin init",
			      "the group " SSPR_GROUP " does not exist: sspr-enroll cannot write "
			      "the store");
		return false;
	}
	if (stat(dir, &sb) != 0)
		return true; /* the open below says what is missing */
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != 0 || sb.st_gid != gr->gr_gid ||
	    (sb.st_mode & 07777) != 02770) {
		describe(&sb, have, sizeof(have));
		doctor_report(d, DOCTOR_PROBLEM, "store", dir, "sspr-admin init",
			      "%s is %s, not root:" SSPR_GROUP " 2770", dir, have);
		return false;
	}
	return true;
}

void doctor_check_store(struct doctor *d)
{
	const char *name = sspr_policy_store_name(d->pol);
	bool ldap = d->pol->store_backend == SSPR_BACKEND_LDAP;
	const char *check = ldap ? "directory" : "store";
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	int r;

	if (!ldap && !lmdb_dir_sound(d, name))
		return;
	/* For writing, as a reset opens it; for the directory this loads
	 * the backend and binds within ldap_timeout. */
	r = sspr_policy_open_store(d->pol, 0, &st, &err);
	sspr_store_close(st);
	if (r == SSPR_ENOENT) {
		doctor_report(d, DOCTOR_PROBLEM, check, name, "sspr-admin init", "%s", err.msg);
		return;
	}
	if (r != SSPR_OK) {
		doctor_report(d, DOCTOR_PROBLEM, check, name,
			      ldap ? "check the ldap_* keys of the policy and the server; "
				     "apt-get install libpam-sspr-ldap if the backend is missing"
				   : "sspr-admin init",
			      "%s", err.msg);
		return;
	}
	if (ldap)
		doctor_report(d, DOCTOR_OK, check, name, NULL,
			      "the directory store %s at %s opens for writing", name,
			      d->pol->ldap_uri);
	else
		doctor_report(d, DOCTOR_OK, check, name, NULL,
			      "%s is root:" SSPR_GROUP " 2770 and opens for writing", name);
}

/* Only enrollment needs the relay (the module mails and texts codes
 * itself). */
void doctor_check_mail_relay(struct doctor *d)
{
	struct stat sb;

	if (!(d->pol->methods & (SSPR_METHOD_EMAIL | SSPR_METHOD_PHONE)))
		return;
	if (lstat(SSPR_MAIL_RELAY_SOCKET, &sb) != 0 || !S_ISSOCK(sb.st_mode) || sb.st_uid != 0) {
		doctor_report(d, DOCTOR_WARNING, "mail-relay", SSPR_MAIL_RELAY_SOCKET,
			      "systemctl enable --now sspr-mail.socket",
			      "%s is not root's socket: users cannot enroll an e-mail address "
			      "or a phone number with sspr-enroll",
			      SSPR_MAIL_RELAY_SOCKET);
		return;
	}
	doctor_report(d, DOCTOR_OK, "mail-relay", SSPR_MAIL_RELAY_SOCKET, NULL,
		      "the enrollment mail relay listens on %s", SSPR_MAIL_RELAY_SOCKET);
}

/* The phone method's sms_command runs as root (in sshd, in login, in
 * sspr-mailer): a program anyone but root may change is root for them. */
void doctor_check_sms_command(struct doctor *d)
{
	char program[SSPR_MAIL_COMMAND_MAX + 1];
	struct stat sb;
	const char *why = NULL;

	if (!(d->pol->methods & SSPR_METHOD_PHONE))
		return;
	snprintf(program, sizeof(program), "%s", d->pol->sms_command);
	program[strcspn(program, " \t")] = '\0';
	if (stat(program, &sb) != 0)
		why = "does not exist";
	else if (!S_ISREG(sb.st_mode) || access(program, X_OK) != 0)
		why = "is not an executable file";
	else if (sb.st_uid != 0 || (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		why = "may be changed by someone other than root, and it runs as root";
	if (why != NULL) {
		doctor_report(d, DOCTOR_PROBLEM, "sms-command", program,
			      "install it root-owned, mode 0755 (see sspr.conf(5), sms_command)",
			      "%s %s: texted codes cannot be trusted or sent", program, why);
		return;
	}
	doctor_report(d, DOCTOR_OK, "sms-command", program, NULL,
		      "sms_command %s is root's and executable", program);
}
