#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# An SSSD host (password_backend = ldap), end to end, as root: sssd runs in
# the test's namespace with the LDAP provider asking server A of
# tests/ldap/with-slapd.sh, accounts come from it (nsswitch "sss") and
# logins go through pam_sss with cache_credentials, as on a host joined to
# the directory. pat resets on this host; SSSD's cached credentials must
# then hold the new password at once: offline (server A stopped) the new
# one opens a login from the cache and the old one does not, and online
# within cached_auth_timeout the old one is refused too. lee's password,
# changed in the directory behind SSSD's back, shows what happens without
# the refresh, so the checks can fail.
# Usage: with-slapd.sh bash test_sssd.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_sssd.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../../e2e" && pwd)
. "$e2e/sandbox.sh"
sandbox_require pamtester awk ldappasswd ldapwhoami python3 pam-auth-update sssd sss_cache getent setpriv
compgen -G '/lib/*/security/pam_sss.so' >/dev/null || compgen -G '/usr/lib/*/security/pam_sss.so' >/dev/null ||
	{ echo "skipped: no pam_sss.so (apt install libpam-sss)" >&2; exit 77; }
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$e2e/checks.sh"
. "$here/hosts.sh"
hosts_init "$module" "$admin"

people_init

# --- the SSSD host ----------------------------------------------------------------
# Its state (cache, pipes, logs) on tmpfs of this namespace; its settings in
# the sandbox's /etc. SSSD talks StartTLS to server A with the test CA.
sssd_pid=
sssd_stop() {
	[ -n "$sssd_pid" ] || return 0
	kill "$sssd_pid" 2>/dev/null || true
	wait "$sssd_pid" 2>/dev/null || true
	sssd_pid=
}
trap 'sssd_stop; hosts_stop' EXIT
for d in /var/lib/sss /var/log/sssd; do
	mkdir -p "$d"
	mount -t tmpfs -o mode=755 sspr-sssd "$d"
done
mkdir -p /var/lib/sss/db /var/lib/sss/pipes/private /var/lib/sss/mc /var/lib/sss/pubconf \
	/var/lib/sss/gpo_cache /var/lib/sss/deskprofile /var/lib/sss/secrets /etc/sssd
chmod 700 /var/lib/sss/db /var/lib/sss/pipes/private
install -m 644 "$SSPR_LDAP_CACERT" "$SANDBOX/sssd-ca.pem"
cat >/etc/sssd/sssd.conf <<-CONF
	[sssd]
	domains = people
	services = nss, pam

	[pam]
	# Cached credentials for two days (pam_sss then says when a login
	# came from them).
	offline_credentials_expiration = 2

	[domain/people]
	id_provider = ldap
	auth_provider = ldap
	chpass_provider = ldap
	access_provider = permit
	ldap_schema = rfc2307
	ldap_uri = $SSPR_LDAP_URI_A
	ldap_search_base = $SSPR_LDAP_PEOPLE
	ldap_id_use_start_tls = true
	ldap_tls_reqcert = demand
	ldap_tls_cacert = $SANDBOX/sssd-ca.pem
	ldap_default_bind_dn = $SSPR_LDAP_ROOT_DN
	ldap_default_authtok = $(cat "$SSPR_LDAP_ROOT_PASSWORD_FILE")
	ldap_network_timeout = 3
	cache_credentials = true
	# Online logins within this time are checked against the cache, as
	# sites set it to spare the directory.
	cached_auth_timeout = 600
	# Once offline, until SIGUSR2 (or this long).
	offline_timeout = 600
	min_id = 3000
CONF
chmod 600 /etc/sssd/sssd.conf
sed -i -E 's/^(passwd|group):.*/\1: files sss/' /etc/nsswitch.conf
sssd -i --logger=files -d 0x0070 >"$SANDBOX/sssd.out" 2>&1 &
sssd_pid=$!
for _ in $(seq 200); do
	[ -S /var/lib/sss/pipes/private/pam ] && getent passwd pat >/dev/null && break
	sleep 0.1
done
out=$(getent passwd pat 2>&1 || true)
check "sssd serves pat from the directory (getent passwd)" says "pat:*:3101:3101"
check "sssd's privileged PAM pipe is up" [ -S /var/lib/sss/pipes/private/pam ]

# pam_sss's place in the stacks pam-auth-update's sss profile makes. Host R
# resets (directory store, passwords in the directory through server A) and,
# so that no login after the reset refreshes SSSD by itself, sends the user
# to log in again; "sssd" is the host's ordinary login.
install -m 644 "$HOSTS_SRC/pam.d/sspr-sssd" /etc/pam.d/sspr-sssd
install -m 600 "$SSPR_LDAP_PASSWD_PASSWORD_FILE" "$SANDBOX/passwd.pw"
host_add r "$SSPR_LDAP_URI_A" "password_backend = ldap
password_ldap_base = $SSPR_LDAP_PEOPLE
password_ldap_bind_dn = $SSPR_LDAP_PASSWD_DN
password_ldap_bind_password_file = $SANDBOX/passwd.pw
methods = questions
login_after_reset = no"
cat >/etc/pam.d/sspr-r <<-PAM
	auth [success=ok ignore=ignore default=die] $module config=$SANDBOX/r.conf
	auth required pam_sss.so use_first_pass
	account required pam_sss.so
PAM
cat >/etc/pam.d/sspr-sssd-login <<-PAM
	auth required pam_sss.so
	account required pam_sss.so
PAM
# The eligibility group is local; its members come from the directory.
sed -i -E 's/^(sspr:[^:]*:[0-9]+:.*)$/\1,pat,lee/' /etc/group
sssd_login() { host_login sssd-login "$@"; }
from_cache() { grep -q "Authenticated with cached credentials" <<<"$out"; }
# Offline as a host finds itself when its directory is down: server A
# stops. Back up, SIGUSR2 tells sssd to try it again at once (sssd(8)).
slapd_sh=$here/../slapd.sh
go_offline() { "$slapd_sh" stop "$SSPR_LDAP_DIR" a; }
go_online() { "$slapd_sh" start "$SSPR_LDAP_DIR" a; kill -USR2 "$sssd_pid"; sleep 1; }

status=0
out=$(host_admin r init 2>&1) || status=$?
check "sspr-admin init makes the key and the directory store" [ "$status" = 0 ]
for u in pat lee; do
	sample_questions | host_admin r enroll "$u" questions --stdin >/dev/null
done

# --- before: SSSD caches both users' directory passwords -------------------------
for u in pat lee; do
	sssd_login "$u" "$old_password"
	check "$u logs in through pam_sss with the directory password (cached from now on)" logged_in
done

# --- pat resets on this host --------------------------------------------------------
mark=$(syslog_mark)
t0=$(date +%s.%N)
host_converse r pat "${sample_answers[@]}" "" "$new_password" "$new_password"
transcript "pat resets on the SSSD host"
echo "# the reset, SSSD refresh included: $(seconds_between "$t0" "$(date +%s.%N)") s"
check "the reset is told a success" says "Your password has been changed."
out=$(syslog_since "$mark")
check "the reset's success is logged" says "password reset success: user=pat"
check "SSSD's refresh is logged" says "user=pat: SSSD's cache holds the new password"
check "server A: the new password binds" ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of pat)" "$new_password"

# lee's password changes in the directory behind SSSD's back (an admin's
# ldappasswd), which is what a reset without the refresh would leave.
printf '%s' "$new_password" >"$SANDBOX/lee.pw"
LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldappasswd -ZZ -x -H "$SSPR_LDAP_URI_A" -D "$SSPR_LDAP_ROOT_DN" \
	-y "$SSPR_LDAP_ROOT_PASSWORD_FILE" -T "$SANDBOX/lee.pw" "$(dn_of lee)" >/dev/null
check "server A: lee's new password binds" ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of lee)" "$new_password"

# --- online, within cached_auth_timeout ---------------------------------------------
sssd_login pat "$old_password"
check "online: pat's old password is refused" refused
sssd_login lee "$old_password"
check "online, no refresh: lee's old password still opens a login from SSSD's cache" logged_in
# (lee's new password would now go online and replace the cache: not tried
# here, so that the offline control below still has the old hash.)

# --- offline ---------------------------------------------------------------------------
go_offline
sssd_login pat "$new_password"
check "offline: pat's new password opens a login" logged_in
check "offline: from SSSD's cached credentials" from_cache
transcript "offline, pat logs in with the new password (pam_sss)"
sssd_login pat "$old_password"
check "offline: pat's old password is refused" refused
sssd_login lee "$old_password"
check "offline, no refresh: lee's old password still opens a login" logged_in
sssd_login lee "$new_password"
check "offline, no refresh: lee's new password does not" refused
go_online

# --- the refresh's own failure is said, and the reset stands ------------------------
mv /etc/pam.d/sspr-sssd "$SANDBOX/sspr-sssd.aside"
mark=$(syslog_mark)
host_converse r pat "${sample_answers[@]}" "" "$second_password" "$second_password"
check "without /etc/pam.d/sspr-sssd the reset still succeeds" says "Your password has been changed."
out=$(syslog_since "$mark")
check "and syslog says what that leaves" \
	says "user=pat: SSSD did not take the new password (/etc/pam.d/sspr-sssd: No such file or directory): until the user's next online login through SSSD, an offline login may still accept the old one"
mv "$SANDBOX/sspr-sssd.aside" /etc/pam.d/sspr-sssd
check "server A: the second password binds" ldap_bind_ok "$SSPR_LDAP_URI_A" "$(dn_of pat)" "$second_password"

# --- a setuid-root caller (sudo, su): real uid pat, effective uid 0 -------------------
# pamtester made setuid root and run by pat, as sudo runs; SSSD answers the
# refresh on its privileged pipe only to a process that is root in full.
install -m 4755 "$(command -v pamtester)" "$SANDBOX/pamtester-setuid"
third_password='Directory-Pass-3!'
mark=$(syslog_mark)
status=0
out=$(python3 "$HOSTS_SRC/tools/converse.py" "${sample_answers[@]}" "" "$third_password" \
	"$third_password" -- setpriv --reuid=pat --regid=3101 --clear-groups \
	"$SANDBOX/pamtester-setuid" -v sspr-r pat authenticate 2>&1) || status=$?
check "setuid caller: the reset is told a success" says "Your password has been changed."
out=$(syslog_since "$mark")
check "setuid caller: the reset ran with pat's real uid" says "uid=3101 service=sspr-r"
check "setuid caller: SSSD's cache holds the new password" says "user=pat: SSSD's cache holds the new password"
go_offline
sssd_login pat "$third_password"
check "setuid caller, offline: the new password opens a login" logged_in
sssd_login pat "$new_password"
check "setuid caller, offline: the password SSSD held before is refused" refused
go_online

# --- a hung SSSD costs the reset a bounded wait -------------------------------------
# Its PAM responder stopped: pam_sss would wait for it for minutes.
pam_responder=$(pgrep -P "$sssd_pid" -x sssd_pam || true)
check "sssd's PAM responder found" [ -n "$pam_responder" ]
kill -STOP "$pam_responder"
mark=$(syslog_mark)
t0=$(date +%s.%N)
host_converse r pat "${sample_answers[@]}" "" "$new_password-3" "$new_password-3"
elapsed=$(seconds_between "$t0" "$(date +%s.%N)")
kill -CONT "$pam_responder"
echo "# the reset with SSSD's PAM responder stopped: $elapsed s"
check "with SSSD hung, the reset still succeeds" says "Your password has been changed."
check "within the refresh's bound (5 s) and 3 s for the reset itself" within "$elapsed" 5 3
out=$(syslog_since "$mark")
check "and syslog names the bound" \
	says "SSSD did not take the new password (authentication through sspr-sssd: no answer within 5 s)"

# No password of this run in syslog or in SSSD's logs.
out=$(cat "$SANDBOX/syslog" /var/log/sssd/*.log "$SANDBOX/sssd.out" 2>/dev/null)
for p in "$old_password" "$new_password" "$second_password" "$third_password"; do
	check "no password in the logs (${#p} characters)" never_says "$p"
done

if [ "$failed" != 0 ]; then
	sed 's/^/# sssd: /' "$SANDBOX/sssd.out" | tail -n 20
	for f in /var/log/sssd/*.log; do
		[ -s "$f" ] && sed "s|^|# $(basename "$f"): |" "$f" | tail -n 15
	done
fi
checks_done
