#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root: what a host does when its directory servers go away.
# Host "ab" lists server A then server B (ldap_uri = "A B"). With A
# stopped, resets go through B. With both stopped, an ordinary password
# login (through the stacks pam-auth-update makes from pam-configs/sspr:
# pam_sspr's auth and account hooks around pam_unix) still succeeds, within
# ldap_timeout plus a little; a reset attempt is refused with the helpdesk
# text, and the syslog line says why. The same against a server that accepts
# connections and never answers. Inside the private namespace of
# tests/e2e/sandbox.sh, with a /dev/log of its own.
# Usage: with-slapd.sh bash test_failover.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_failover.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../../e2e" && pwd)
. "$e2e/sandbox.sh"
sandbox_require pamtester oathtool awk ldapsearch python3 pam-auth-update
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$e2e/checks.sh"
. "$here/hosts.sh"
hosts_init "$module" "$admin"
slapd_sh=$HOSTS_SRC/tests/ldap/slapd.sh
limit=$E2E_LDAP_TIMEOUT
# A login that skips the directory takes well under ldap_timeout; one that
# asks a dead or silent one takes ldap_timeout at least.
not_waiting=$(awk -v t="$E2E_LDAP_TIMEOUT" 'BEGIN { print t / 2 }')
# The "directory unreachable" marks (ldap_retry_after) in lock_dir.
down_marks() { find "$SANDBOX/run" -maxdepth 1 -name 'ldap-down.*' -type f | wc -l; }

# Without the reminder cache: these hosts show what the directory itself
# costs a login (the cache has its own part at the end).
host_add ab "$SSPR_LDAP_URI_A $SSPR_LDAP_URI_B" "ldap_reminder_cache = 0"
pass1='Failover-Pass-1!'
pass2='Failover-Pass-2!'

status=0
out=$(host_admin ab init 2>&1) || status=$?
check "sspr-admin init on host ab makes the key and the directory store" [ "$status" = 0 ]
out=$(ldap_store_format "$SSPR_LDAP_URI_A")
check "server A carries the store (ssprFormat 1 on the base)" [ "$out" = 1 ]
status=0
out=$(printf '%s\n' "$SECRET" | host_admin ab enroll alice totp --secret-stdin 2>&1) || status=$?
check "alice enrolls through host ab (server A answers)" [ "$status" = 0 ]
wait_present "$SSPR_LDAP_URI_B" alice ssprTotpSecret || true
echo "# replication A->B: alice's record visible on server B after $lag s"
out="lag: $lag"
check "server B has alice's record before A goes away" [ "$lag" != timeout ]

# --- server A down: host ab goes on through B -----------------------------------
"$slapd_sh" stop "$SSPR_LDAP_DIR" a
out=$(ldapsearch -x -H "$SSPR_LDAP_URI_A" -s base -b "" 2>&1) && status=0 || status=$?
check "server A is down" [ "$status" != 0 ]
alice_hash=$(sandbox_shadow_hash alice)
sandbox_wait_fresh_step
code=$(sandbox_code)
step=$(current_step)
t0=$(date +%s.%N)
host_login ab alice "" 1 "$code" "$pass1" "$pass1"
t=$(seconds_between "$t0" "$(date +%s.%N)")
echo "# reset through host ab with server A down: $t s"
check "A down: the reset goes through server B and logs alice in" logged_in
check "A down: the password changed" hash_is_not alice "$alice_hash"
out=$(ldap_get "$SSPR_LDAP_URI_B" alice ssprTotpLastStep)
check "A down: server B records the accepted step" [ "$out" = "$step" ]
host_login_full ab alice "$pass1"
echo "# ordinary login (auth + account) with server A down: $elapsed s"
check "A down: the new password logs in, account hook included" account_ok
check "A down: the login took at most ldap_timeout + $E2E_SLACK s ($elapsed s)" \
	within "$elapsed" "$limit" "$E2E_SLACK"

# --- both down: passwords still work, resets say who to call ----------------
"$slapd_sh" stop "$SSPR_LDAP_DIR" b
out=$(ldapsearch -x -H "$SSPR_LDAP_URI_B" -s base -b "" 2>&1) && status=0 || status=$?
check "server B is down too" [ "$status" != 0 ]
new_hash=$(sandbox_shadow_hash alice)
host_login_full ab alice "$pass1"
echo "# ordinary login (auth + account) with both servers down: $elapsed s"
check "both down: the right password logs in, account hook included" account_ok
check "both down: the login took at most ldap_timeout + $E2E_SLACK s ($elapsed s)" \
	within "$elapsed" "$limit" "$E2E_SLACK"
check "both down: the host remembers the directory is unreachable" [ "$(down_marks)" = 1 ]
host_login_full ab alice "$pass1"
echo "# the next ordinary login with both servers down: $elapsed s"
check "both down: the next login logs in too" account_ok
check "both down: the next login does not wait for the directory ($elapsed s)" \
	within "$elapsed" "$not_waiting"
host_login_full ab alice "wrong-password"
check "both down: a wrong password is still refused" refused

# The mark is set: the reset asks the directory all the same (the syslog
# line below names both servers).
mark=$(syslog_mark)
host_login ab alice "" 1 "$(oathtool --totp -b "$SECRET" -N "now + 30 seconds")" "$pass2" "$pass2"
check "both down: the reset is refused" refused
check "both down: the user is told reset is unavailable" says "Password reset is unavailable."
check "both down: the user is told the helpdesk text" says "$SANDBOX_HELPDESK"
check "both down: nothing changed" hash_is alice "$new_hash"
out=$(syslog_since "$mark")
check "both down: syslog says the reset was unavailable" says "password reset unavailable: user=alice"
check "both down: the syslog line names server A" says "$SSPR_LDAP_URI_A"
check "both down: the syslog line names server B" says "$SSPR_LDAP_URI_B"
echo "# syslog: $(grep -m1 'password reset unavailable' <<<"$out")"

# --- a server that accepts and never answers ------------------------------------
blackhole_start
host_add bh "$BLACKHOLE_URI" "ldap_reminder_cache = 0"
# The key of host ab: enough to get as far as the store.
cp -a "$SANDBOX/keys-ab" "$SANDBOX/keys-bh"
host_login_full bh alice "$pass1"
echo "# ordinary login (auth + account) against a silent server: $elapsed s"
check "silent server: the right password logs in, account hook included" account_ok
check "silent server: the login took at most ldap_timeout + $E2E_SLACK s ($elapsed s)" \
	within "$elapsed" "$limit" "$E2E_SLACK"
check "silent server: the host remembers it, apart from the other servers" [ "$(down_marks)" = 2 ]
host_login_full bh alice "$pass1"
echo "# the next ordinary login against a silent server: $elapsed s"
check "silent server: the next login logs in too" account_ok
check "silent server: the next login does not wait for the directory ($elapsed s)" \
	within "$elapsed" "$not_waiting"
# Same servers, registration = require: the mark is shared (it names the
# URIs), the login goes on, and syslog says the requirement was skipped.
host_add bhr "$BLACKHOLE_URI" $'registration = require\nldap_reminder_cache = 0'
cp -a "$SANDBOX/keys-ab" "$SANDBOX/keys-bhr"
mark=$(syslog_mark)
host_login_full bhr alice "$pass1"
check "silent server, registration = require: the login goes on" account_ok
check "silent server, registration = require: without waiting ($elapsed s)" \
	within "$elapsed" "$not_waiting"
out=$(syslog_since "$mark")
check "silent server, registration = require: syslog says it was not enforced" \
	says "registration = require not enforced for user=alice: the directory was unreachable"
mark=$(syslog_mark)
t0=$(date +%s.%N)
host_login bh alice "" 1 "000000" "$pass2" "$pass2"
t=$(seconds_between "$t0" "$(date +%s.%N)")
echo "# reset attempt against a silent server: $t s"
check "silent server: the reset is refused" refused
check "silent server: the user is told the helpdesk text" says "$SANDBOX_HELPDESK"
# A refused authentication also waits out libpam's fail delay (pam_unix
# asks for 2 s, libpam randomises it up to 2.5 s).
check "silent server: the refusal came within ldap_timeout + $E2E_SLACK s + the fail delay ($t s)" \
	within "$t" "$limit" "$(awk -v s="$E2E_SLACK" 'BEGIN { print s + 2.5 }')"
check "silent server: nothing changed" hash_is alice "$new_hash"
out=$(syslog_since "$mark")
check "silent server: syslog says why, naming the server" says "$BLACKHOLE_URI"
echo "# syslog: $(grep -m1 'password reset unavailable' <<<"$out")"

# --- a server back: the first opener that reaches it clears the mark ----------
"$slapd_sh" start "$SSPR_LDAP_DIR" b
status=0
out=$(host_admin ab list 2>&1) || status=$?
check "server B back: sspr-admin list on host ab reaches it" [ "$status" = 0 ]
check "server B back: host ab's mark is gone, the silent server's stays" [ "$(down_marks)" = 1 ]

# --- the reminder cache: a registered user's login needs no directory --------
# Host c reads server B; host cs names the same store on the silent server,
# with ldap_retry_after = 0 so that only the cache can spare it the wait.
host_add c "$SSPR_LDAP_URI_B"
host_add cs "$BLACKHOLE_URI" "ldap_retry_after = 0"
cp -a "$SANDBOX/keys-ab" "$SANDBOX/keys-c"
cp -a "$SANDBOX/keys-ab" "$SANDBOX/keys-cs"
entry() { find "$SANDBOX/run/reminders" -maxdepth 1 -name '*-alice' -type f 2>/dev/null; }
check "cache: nothing kept for alice yet" [ -z "$(entry)" ]
host_login_full c alice "$pass1"
check "cache: alice logs in through host c (server B)" account_ok
check "cache: host c keeps what it read of alice" [ -n "$(entry)" ]
out=$(stat -c '%a %U' "$(entry)")
check "cache: the entry is root's, mode 600" [ "$out" = "600 root" ]
host_login_full cs alice "$pass1"
echo "# login of a registered user, cached, the directory silent: $elapsed s"
check "cache: alice logs in on host cs" account_ok
check "cache: without waiting for the silent directory ($elapsed s)" within "$elapsed" "$not_waiting"
check "cache: and with no unreachable mark for it" [ "$(down_marks)" = 1 ]
# An entry read long ago is not trusted: the directory is asked (and waited
# for), and the old entry goes.
read -r v m c _ <"$(entry)"
printf '%s %s %s %s\n' "$v" "$m" "$c" "$(($(date +%s) - 7200))" >"$(entry)"
host_login_full cs alice "$pass1"
echo "# login of a registered user, entry stale, the directory silent: $elapsed s"
check "cache: a stale entry: the login goes on" account_ok
check "cache: a stale entry is not trusted (the login waited $elapsed s)" \
	within "$limit" "$elapsed"
check "cache: the stale entry is removed" [ -z "$(entry)" ]
# So is an entry that is not one well-formed line.
host_login_full c alice "$pass1"
check "cache: alice is kept again after a fresh read" [ -n "$(entry)" ]
printf '1 15 1700000000 %s extra\n' "$(date +%s)" >"$(entry)"
host_login_full cs alice "$pass1"
check "cache: a malformed entry is not trusted (the login waited $elapsed s)" \
	within "$limit" "$elapsed"
check "cache: the malformed entry is removed" [ -z "$(entry)" ]
# A user found not registered is never kept: the reminder comes every time.
host_login_full c alice "$pass1"
check "cache: alice is kept once more" [ -n "$(entry)" ]
status=0
out=$(host_admin c revoke alice 2>&1) || status=$?
check "cache: alice's methods are revoked through host c" [ "$status" = 0 ]
# Until her entry expires the host still takes her for registered (no
# reminder: the one thing a stale entry can do); then it reads her afresh.
host_login_full c alice "$pass1"
check "cache: until her entry expires, no reminder" never_says "You have not set up"
rm -f "$(entry)"
host_login_full c alice "$pass1"
check "cache: read afresh, alice is reminded" says "You have not set up self-service password reset."
check "cache: a user not registered is not kept" [ -z "$(entry)" ]
host_login_full c alice "$pass1"
check "cache: and is reminded at the next login too" says "You have not set up self-service password reset."

checks_done
