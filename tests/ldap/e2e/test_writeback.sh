#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Passwords that live in the directory (password_backend = ldap), end to
# end, as root: pat's and lee's accounts are entries of ou=people on the two
# replicating slapd servers of tests/ldap/with-slapd.sh, under the ppolicy
# overlay (minimum length, history, lockout). Host B resets pat's password
# in the directory (server B) with the Password Modify operation as the
# writer identity of doc/ldap/sspr-passwd-acl.ldif; then pat logs in on
# host A, whose logins go through the directory (pam_ldap.so and nslcd
# asking server A), with the new password, and the old one is refused.
# Also: the directory's refusals shown to the user, a disabled account
# refused before any challenge, a lock after failed binds released by a
# reset, and the writer's password file kept to root.
# Usage: with-slapd.sh bash test_writeback.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_writeback.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../../e2e" && pwd)
. "$e2e/sandbox.sh"
sandbox_require pamtester awk ldapsearch ldapwhoami ldapmodify python3 pam-auth-update nslcd
[ -e /lib/x86_64-linux-gnu/security/pam_ldap.so ] || [ -e /usr/lib/x86_64-linux-gnu/security/pam_ldap.so ] ||
	{ echo "skipped: no pam_ldap.so (apt install libpam-ldapd)" >&2; exit 77; }
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$e2e/checks.sh"
. "$here/hosts.sh"
hosts_init "$module" "$admin"

people_init

# The accounts as NSS shows them on these hosts; their passwords are not
# kept here (the local hash is "!"): only the directory's count.
useradd -M -d /nonexistent -s /bin/bash -u 3101 -G sspr pat
useradd -M -d /nonexistent -s /bin/bash -u 3102 -G sspr lee

# The writer's password file: root's alone.
install -m 600 "$SSPR_LDAP_PASSWD_PASSWORD_FILE" "$SANDBOX/passwd.pw"
writer() { # writer URI: the policy lines of a host that resets directory passwords
	printf '%s\n' "password_backend = ldap" "password_ldap_uri = $1" \
		"password_ldap_base = $SSPR_LDAP_PEOPLE" \
		"password_ldap_bind_dn = $SSPR_LDAP_PASSWD_DN" \
		"password_ldap_bind_password_file = $SANDBOX/passwd.pw" \
		"methods = questions"
}
# Host B: resets through server B, then sends the user to log in again.
host_add b "$SSPR_LDAP_URI_B" "$(writer "$SSPR_LDAP_URI_B")
login_after_reset = no"
# Host C: resets through server A and goes on with the login (pam_ldap).
host_add c "$SSPR_LDAP_URI_A" "$(writer "$SSPR_LDAP_URI_A")"
# Host S: as C, telling who may not reset (enumeration = show).
host_add s "$SSPR_LDAP_URI_A" "$(writer "$SSPR_LDAP_URI_A")
enumeration = show"
# Logins through the directory: pam_sspr offers the reset, pam_ldap checks
# the password (with the one a reset set), as pam-auth-update's ldap
# profile makes the stack on a host whose accounts are in the directory.
for name in c s; do
	cat >"/etc/pam.d/sspr-$name" <<-PAM
		auth [success=ok ignore=ignore default=die] $module config=$SANDBOX/$name.conf
		auth required pam_ldap.so minimum_uid=1000 use_first_pass
		account required pam_ldap.so minimum_uid=1000
	PAM
done
# Host A: no reset, only the directory's logins.
cat >/etc/pam.d/sspr-a <<-PAM
	auth required pam_ldap.so minimum_uid=1000
	account required pam_ldap.so minimum_uid=1000
PAM
nslcd_start "$SSPR_LDAP_URI_A"

status=0
out=$(host_admin b init 2>&1) || status=$?
check "sspr-admin init on host B makes the key and the directory store" [ "$status" = 0 ]
for name in c s; do
	host_copy_keys b "$name" >/dev/null
done
for u in pat lee; do
	sample_questions | host_admin b enroll "$u" questions --stdin >/dev/null
done

# --- before: the directory's own logins ---------------------------------------
host_login a pat "$old_password"
check "host A: pat logs in with the directory password (pam_ldap)" logged_in
host_login a pat "$new_password"
check "host A: a wrong password is refused" refused

# --- pat resets on host B -----------------------------------------------------
mark=$(syslog_mark)
host_converse b pat "${sample_answers[@]}" "" "$new_password" "$new_password"
transcript "pat resets on host B"
check "host B: the reset is told a success" says "Your password has been changed."
check "host B: pat was asked for the new password" says "New password"
check "host B: the new password was not asked of the local password stack" \
	never_says "Current password"
out=$(syslog_since "$mark")
check "host B: the reset's success is logged" says "password reset success: user=pat"
check "host B: no SSSD runs here, so none is refreshed" never_says "SSSD"
check "server B: the new password binds" ldap_bind_ok "$SSPR_LDAP_URI_B" "$(dn_of pat)" "$new_password"
check "server B: the old password does not" \
	not ldap_bind_ok "$SSPR_LDAP_URI_B" "$(dn_of pat)" "$old_password"
check "the local hash was not touched" hash_is pat '!'
# Replication B -> A: bounded wait for the new password on server A.
t0=$(date +%s.%N)
for _ in $(seq 300); do
	ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of pat)" "$new_password" && break
	sleep 0.1
done
echo "# replication B->A: the new password binds on server A after" \
	"$(seconds_between "$t0" "$(date +%s.%N)") s"
host_login a pat "$new_password"
check "host A: pat logs in through the directory with the new password" logged_in
transcript "pat logs in on host A with the new password"
host_login a pat "$old_password"
check "host A: the old password is refused" refused

# --- the directory's password policy, shown to the user -----------------------
mark=$(syslog_mark)
host_converse c pat "${sample_answers[@]}" "" "short-1" "short-1" "$new_password" "$new_password" \
	"$second_password" "$second_password"
check "host C: a short password is refused with the policy's reason" \
	says "BAD PASSWORD: it is shorter than the directory's password policy allows"
check "host C: a password used before is refused as such" says "BAD PASSWORD: it was used before"
check "host C: the third try sets the password and the login goes on (pam_ldap)" logged_in
out=$(syslog_since "$mark")
check "host C: each refusal is logged, without the password" \
	says "the password directory refused the new password"
check "host C: the log holds no new password" never_says "short-1"
check "server A: the password of the third try binds" \
	ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of pat)" "$second_password"

# --- three refusals end the reset ---------------------------------------------
mark=$(syslog_mark)
host_converse c pat "${sample_answers[@]}" "" "short-1" "short-1" "short-2" "short-2" "short-3" "short-3"
check "host C: three refused passwords end the reset" refused
check "host C: the user is told the password did not change" \
	says "the password was not changed"
check "server A: the password is still the last one set" \
	ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of pat)" "$second_password"

# --- a disabled directory account ---------------------------------------------
admin_lock() { # admin_lock USER add|delete
	printf 'dn: %s\nchangetype: modify\n%s: pwdAccountLockedTime\n%s' "$(dn_of "$1")" "$2" \
		"$([ "$2" = add ] && echo 'pwdAccountLockedTime: 000001010000Z')" |
		LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapmodify -ZZ -x -H "$SSPR_LDAP_URI_A" \
			-D "$SSPR_LDAP_ROOT_DN" -y "$SSPR_LDAP_ROOT_PASSWORD_FILE" >/dev/null
}
admin_lock lee add
mark=$(syslog_mark)
host_converse s lee "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host S: lee's locked directory account is refused" refused
check "host S: lee is told the account is locked" says "This account is locked or expired."
check "host S: before any challenge" never_says "first pet"
out=$(syslog_since "$mark")
check "host S: the refusal is logged as account-disabled" says "password reset account-disabled: user=lee"
mark=$(syslog_mark)
host_converse c lee "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host C (enumeration = hide): lee is refused too" refused
check "host C: and not told why" never_says "This account is locked"
out=$(syslog_since "$mark")
check "host C: the refusal is logged as account-disabled" says "password reset account-disabled: user=lee"
admin_lock lee delete
check "server A: after the admin's unlock, lee's old password still binds" \
	ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of lee)" "$old_password"

# --- a lock after failed binds is what a reset is for --------------------------
for _ in 1 2 3 4 5 6; do ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of lee)" wrong || true; done
locked=$(LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapsearch -LLL -ZZ -x -H "$SSPR_LDAP_URI_A" \
	-D "$SSPR_LDAP_ROOT_DN" -y "$SSPR_LDAP_ROOT_PASSWORD_FILE" -b "$(dn_of lee)" -s base \
	pwdAccountLockedTime | sed -n 's/^pwdAccountLockedTime: //p')
out="pwdAccountLockedTime: $locked"
check "server A: six failed binds locked lee (ppolicy)" [ -n "$locked" ]
check "server A: locked, lee's right password is refused" \
	not ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of lee)" "$old_password"
host_converse c lee "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host C: lee resets a password locked by failed binds and logs in" logged_in
check "server A: the new password binds: the reset released the lock" \
	ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of lee)" "$new_password"

# --- the writer's password file is root's alone --------------------------------
chmod 640 "$SANDBOX/passwd.pw"
mark=$(syslog_mark)
host_converse s pat "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host S: a writer password file others may read refuses the reset" refused
check "host S: said as unavailable" says "Password reset is unavailable."
check "host S: before any challenge" never_says "first pet"
out=$(syslog_since "$mark")
check "host S: the log names the file" says "$SANDBOX/passwd.pw"
chmod 600 "$SANDBOX/passwd.pw"

# What nslcd saw, when something failed.
[ "$failed" = 0 ] || sed 's/^/# nslcd: /' "$SANDBOX/nslcd.log" | tail -n 40
checks_done
