#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# sspr-admin doctor on a real host, as root, in a private mount namespace
# (tests/e2e/sandbox.sh: a copy of /etc, so PAM services, sshd's
# configuration and the policy are this run's to break). One case per
# check: a sound setup first (exit 0), then each misconfiguration alone,
# with the line doctor must print, its fix, and exit 1 for a problem (0 for
# a warning); where the fix is a command, it is run and doctor is clean
# again. sshd's settings come from the real sshd -T.
# Usage: test_doctor.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_doctor.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$here/sandbox.sh"
sandbox_require sshd python3 setpriv
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$here/checks.sh"

doctor() { # doctor [--json]: output in $out, exit status in $status
	status=0
	out=$("$admin" doctor "$@" 2>&1) || status=$?
}
exits() { [ "$status" = "$1" ]; }
line() { grep -qE -- "$1" <<<"$out"; } # line REGEX: a line of $out matches

# The sound host: pam_sspr directly before pam_unix in common-auth (as
# pam-auth-update writes it), sshd including it, Debian's sshd_config with
# its "no" after the drop-ins' Include, and the drop-in doctor names.
mkdir -p /run/sshd
cat >/etc/pam.d/common-auth <<PAM
auth	optional			$module
auth	[success=1 default=ignore]	pam_unix.so nullok try_first_pass
auth	requisite			pam_deny.so
auth	required			pam_permit.so
PAM
cp /etc/pam.d/common-auth "$SANDBOX/common-auth.good"
printf '@include common-auth\naccount required pam_unix.so\n' >/etc/pam.d/sshd
rm -f /etc/pam.d/sspr-login
mkdir -p /etc/ssh/sshd_config.d
rm -f /etc/ssh/sshd_config.d/*.conf
cat >/etc/ssh/sshd_config <<'SSHD'
Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
SSHD
[ -e /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
printf 'KbdInteractiveAuthentication yes\n' >/etc/ssh/sshd_config.d/00-pam_sspr.conf
good_sshd=$(cat /etc/ssh/sshd_config)

# The sandbox's policy allows the app alone: under admin_policy = strict
# (the default) administrators could never reset, which doctor says.
doctor
check "strict admins, one method: exit 0 (a warning)" exits 0
check "strict admins, one method: the warning names admin_group" \
	line '^warning +admin-policy .*root and the members of group sudo cannot reset: admin_policy = strict asks them for 2 methods other than questions and methods allows 1'
check "strict admins, one method: and the fix" line 'fix: add methods \(totp email recovery\), or set admin_policy = same'
sed -i '/^methods = /s/$/ email recovery/' /etc/security/sspr.conf
doctor
check "strict admins, three methods: no warning" never_says "admin-policy"
sed -i '/^methods = /s/ email recovery$//' /etc/security/sspr.conf
printf 'admin_policy = same\n' >>/etc/security/sspr.conf
cp /etc/security/sspr.conf "$SANDBOX/sspr.conf.good"
cp /etc/pam.d/sspr-passwd "$SANDBOX/sspr-passwd.good"

doctor
check "sound host: exit 0" exits 0
check "sound host: no problem" line '^0 problems, 0 warnings: resets can work$'
check "sound host: policy loads" line '^ok +policy +/etc/security/sspr.conf loads'
check "sound host: host key loads" line '^ok +key '
check "sound host: store is root:sspr-store 2770" line '^ok +store .*root:sspr-store 2770'
check "sound host: sshd and common-auth checked" line '^ok +pam-order +sshd: pam_sspr \(/etc/pam.d/common-auth:1\) before pam_unix \(/etc/pam.d/common-auth:2\)'
check "sound host: the password service has its quality module" line '^ok +password-quality +sspr-passwd: pam_pwquality.so'
check "sound host: sshd -T says yes to both" line '^ok +sshd +sshd: kbdinteractiveauthentication yes, usepam yes'
out_good=$out

doctor --json
check "--json: exit 0 on the sound host" exits 0
check "--json: one document, resets_can_work true" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["resets_can_work"] is True and d["problems"] == 0, d
assert all(set(c) <= {"check", "status", "subject", "message", "fix"} for c in d["checks"])
assert {"policy", "key", "store", "pam-order", "password-quality", "sshd"} <= {c["check"] for c in d["checks"]}
' "$out"

restore() {
	cp "$SANDBOX/common-auth.good" /etc/pam.d/common-auth
	cp "$SANDBOX/sspr.conf.good" /etc/security/sspr.conf
	cp "$SANDBOX/sspr-passwd.good" /etc/pam.d/sspr-passwd
	install -m 644 "$src/pam.d/sspr-enroll" /etc/pam.d/sspr-enroll
	printf '%s\n' "$good_sshd" >/etc/ssh/sshd_config
	printf 'KbdInteractiveAuthentication yes\n' >/etc/ssh/sshd_config.d/00-pam_sspr.conf
	printf '@include common-auth\naccount required pam_unix.so\n' >/etc/pam.d/sshd
}

# --- policy ------------------------------------------------------------------
printf 'lockout_attempts = many\n' >>/etc/security/sspr.conf
n=$(wc -l </etc/security/sspr.conf)
doctor
check "policy: a bad line is a problem, exit 1" exits 1
check "policy: named as file:line" line "^PROBLEM +policy +/etc/security/sspr.conf:$n: "
check "policy: the other checks still run" line '^ok +pam-order +sshd:'
restore

# --- key ---------------------------------------------------------------------
keys=$SANDBOX/keys
mv "$keys/host.key" "$SANDBOX/host.key.kept"
doctor
check "key: a missing host key is a problem" exits 1
check "key: says so" line '^PROBLEM +key +.*host.key'
check "key: fix is init" line 'fix: sspr-admin init$'
mv "$SANDBOX/host.key.kept" "$keys/host.key"
chmod g+w "$keys"
doctor
check "key: a group-writable key directory is a problem" line "^PROBLEM +key +$keys is root:root 0775"
check "key: fix is chmod go-w" line "fix: chown root: $keys && chmod go-w $keys"
chmod go-w "$keys"
doctor
check "key: after the fix, clean again" exits 0

# --- store -------------------------------------------------------------------
chmod 0777 "$SANDBOX/store"
doctor
check "store: mode 2777 is a problem" exits 1
check "store: says what it is and what it should be" line "^PROBLEM +store +$SANDBOX/store is root:sspr-store 2777, not root:sspr-store 2770"
check "store: fix is init" line 'fix: sspr-admin init$'
"$admin" init >/dev/null
doctor
check "store: after sspr-admin init, clean again" exits 0

# --- directory backend --------------------------------------------------------
cat >>/etc/security/sspr.conf <<'CONF'
store_backend = ldap
ldap_uri = ldapi://%2Frun%2Fsspr-doctor-no-such-server
ldap_base = ou=sspr,dc=example,dc=org
ldap_timeout = 2
CONF
doctor
check "directory: an unreachable directory is a problem" exits 1
check "directory: named as the directory check" line '^PROBLEM +directory +ldapi://%2Frun%2Fsspr-doctor-no-such-server: Can.t contact LDAP server'
restore

# --- mail relay (a warning: enrollment of e-mail only) ------------------------
sed -i 's/^methods = .*/methods = totp email/' /etc/security/sspr.conf
doctor
check "mail-relay: no relay socket is a warning, exit 0" exits 0
check "mail-relay: says what cannot be done" line '^warning +mail-relay +/run/sspr-mail/mail.sock is not root.s socket'
check "mail-relay: fix enables the socket unit" line 'fix: systemctl enable --now sspr-mail.socket$'
restore

# --- sms_command (it runs as root) ----------------------------------------------
printf '#!/bin/sh\ncat >/dev/null\n' >"$SANDBOX/sms"
chmod 0757 "$SANDBOX/sms"
sed -i 's/^methods = .*/methods = totp phone/' /etc/security/sspr.conf
printf 'sms_command = %s --gateway x\n' "$SANDBOX/sms" >>/etc/security/sspr.conf
doctor
check "sms-command: a program others may change is a problem" exits 1
check "sms-command: says why" line "^PROBLEM +sms-command +$SANDBOX/sms may be changed by someone other than root"
chmod 0755 "$SANDBOX/sms"
doctor
check "sms-command: root's 0755 program passes" line "^ok +sms-command +sms_command $SANDBOX/sms is root.s and executable"
restore

# --- PAM stacks --------------------------------------------------------------
sed -i '1d' /etc/pam.d/common-auth
doctor
check "pam-stack: no service with pam_sspr is a problem" exits 1
check "pam-stack: says no login offers a reset" line '^PROBLEM +pam-stack +no PAM service has pam_sspr'
check "pam-stack: fix is pam-auth-update" line 'fix: pam-auth-update --enable sspr$'
restore

sed -i '1{h;d};2{G}' /etc/pam.d/common-auth # pam_sspr after pam_unix
doctor
check "pam-order: pam_sspr after pam_unix is a problem" exits 1
check "pam-order: names both lines" line '^PROBLEM +pam-order +sshd: pam_sspr \(/etc/pam.d/common-auth:2\) comes after pam_unix \(/etc/pam.d/common-auth:1\)'
check "pam-order: fix is pam-auth-update for common-auth" line 'fix: pam-auth-update --enable sspr'
restore

printf 'auth [ignore=ignore default=die] %s trigger=offer\n@include common-auth\n' "$module" >/etc/pam.d/sshd
sed -i '1d' /etc/pam.d/common-auth
doctor
check "pam-order: trigger=offer before any pam_unix is a problem" line '^PROBLEM +pam-order +sshd: pam_sspr trigger=offer \(/etc/pam.d/sshd:1\) has no pam_unix before it'
restore

sed -i 's/ try_first_pass//' /etc/pam.d/common-auth
doctor
check "pam-first-pass: a warning, exit 0" exits 0
check "pam-first-pass: pam_unix would ask again" line '^warning +pam-first-pass +sshd: pam_unix \(/etc/pam.d/common-auth:2\) has neither try_first_pass nor use_first_pass'
check "pam-first-pass: fix names the line" line 'fix: add try_first_pass to the pam_unix line \(/etc/pam.d/common-auth:2\)'
restore

sed -i '1i auth required pam_faillock.so preauth' /etc/pam.d/common-auth
doctor
check "pam-faillock: preauth before pam_sspr is a warning" exits 0
check "pam-faillock: says the login stays refused" line '^warning +pam-faillock +sshd: pam_faillock preauth \(/etc/pam.d/common-auth:1\) comes before pam_sspr \(/etc/pam.d/common-auth:2\)'
restore

printf '@include common-auth\nauth required pam_google_authenticator.so\n' >/etc/pam.d/sshd
doctor
check "pam-second-factor: after the block it is still asked" line '^ok +pam-second-factor +sshd: the second factor pam_google_authenticator.so \(/etc/pam.d/sshd:2\) is still asked after a reset'
check "pam-second-factor: exit 0" exits 0
sed -i 's/^auth\t\[success=1 default=ignore\]\tpam_unix.so/auth\tsufficient\tpam_unix.so/' /etc/pam.d/common-auth
doctor
check "pam-second-factor: pam_unix sufficient before it is a problem" exits 1
check "pam-second-factor: says the reset logs in without it" line "^PROBLEM +pam-second-factor +sshd: a success of pam_unix \(/etc/pam.d/common-auth:2, 'sufficient'\) never reaches the second factor pam_google_authenticator.so"
restore
printf 'auth optional %s\nauth [success=2 default=ignore] pam_unix.so try_first_pass\nauth required pam_google_authenticator.so\nauth required pam_deny.so\nauth required pam_permit.so\n' "$module" >/etc/pam.d/sshd
doctor
check "pam-second-factor: a jump over it is a problem" line "^PROBLEM +pam-second-factor +sshd: a success of pam_unix \(/etc/pam.d/sshd:2, '\[success=2 default=ignore\]'\) never reaches"
restore
# pam_sspr(8)'s faillock layout: pam_unix's jump lands on "sufficient
# pam_faillock.so authsucc", which ends the stack before the second factor.
printf 'auth optional %s\nauth required pam_faillock.so preauth\nauth [success=1 default=bad] pam_unix.so try_first_pass\nauth [default=die] pam_faillock.so authfail\nauth sufficient pam_faillock.so authsucc\nauth required pam_deny.so\nauth required pam_google_authenticator.so\n' "$module" >/etc/pam.d/sshd
doctor
check "pam-second-factor: a jump onto a sufficient line that ends the stack is found" line "^PROBLEM +pam-second-factor +sshd: a success of pam_unix \(/etc/pam.d/sshd:3, '\[success=1 default=bad\]'\) never reaches the second factor pam_google_authenticator.so \(/etc/pam.d/sshd:7\)"
restore

printf 'services = login\n' >>/etc/security/sspr.conf
doctor
check "pam-services: a service the policy leaves out is said, not a problem" line '^ok +pam-services +sshd: not in the policy key services: no reset offered there'
check "pam-services: exit 0" exits 0
restore

printf 'registration = require\n' >>/etc/security/sspr.conf
doctor
check "pam-account: registration = require without an account line is a warning" line '^warning +pam-account +sshd: registration = require, but its account stack has no pam_sspr'
printf '@include common-auth\naccount required pam_unix.so\naccount optional %s\n' "$module" >/etc/pam.d/sshd
doctor
check "pam-account: an optional account line refuses nothing" line "^warning +pam-account +sshd: registration = require, but pam_sspr's account line cannot refuse a login"
check "pam-account: fix names the line" line "fix: make it 'account required pam_sspr.so' \(/etc/pam.d/sshd:3\)"
printf '@include common-auth\naccount required pam_unix.so\naccount sufficient %s\n' "$module" >/etc/pam.d/sshd
doctor
check "pam-account: a sufficient account line refuses nothing either" line "^warning +pam-account +sshd: registration = require, but pam_sspr's account line cannot refuse a login"
printf '@include common-auth\naccount required pam_unix.so\naccount required %s\n' "$module" >/etc/pam.d/sshd
doctor
check "pam-account: a required account line is fine" line '^ok +pam-order +sshd:'
restore

printf '@include common-auth\naccount required pam_unix.so\n' >/etc/pam.d/sspr-enroll
doctor
check "enroll-service: pam_sspr in sspr-enroll is a problem" exits 1
check "enroll-service: says why" line '^PROBLEM +enroll-service +sspr-enroll: pam_sspr \(/etc/pam.d/common-auth:1\) is in its auth stack'
restore

# --- the password service ----------------------------------------------------
rm /etc/pam.d/sspr-passwd
doctor
check "password-service: a missing service is a problem" line '^PROBLEM +password-service +/etc/pam.d/sspr-passwd does not exist'
restore
sed -i '1i password requisite pam_no_such_module.so' /etc/pam.d/sspr-passwd
doctor
check "password-service: a missing module is a problem" line '^PROBLEM +password-service +sspr-passwd needs pam_no_such_module.so, which is not installed'
restore
sed -i '/pam_pwquality/d' /etc/pam.d/sspr-passwd
doctor
check "password-quality: no quality module is a problem" exits 1
check "password-quality: says root's pam_unix accepts anything" line '^PROBLEM +password-quality +sspr-passwd: no quality module'
restore
sed -i 's/ enforce_for_root//' /etc/pam.d/sspr-passwd
sed -i '/pam_pwhistory/d' /etc/pam.d/sspr-passwd
doctor
check "password-quality: pam_pwquality without enforce_for_root is a problem" line '^PROBLEM +password-quality +sspr-passwd: pam_pwquality.so \(/etc/pam.d/sspr-passwd:[0-9]+\) has no enforce_for_root'
mkdir -p /etc/security/pwquality.conf.d
printf 'enforce_for_root\n' >/etc/security/pwquality.conf.d/root.conf
doctor
check "password-quality: enforce_for_root in pwquality.conf.d counts" line '^ok +password-quality +sspr-passwd: pam_pwquality.so'
printf 'enforcing = 0\n' >/etc/security/pwquality.conf.d/warn.conf
doctor
check "password-quality: enforcing = 0 in pwquality.conf.d is a problem" line "^PROBLEM +password-quality +sspr-passwd: pam_pwquality.so \(/etc/pam.d/sspr-passwd:[0-9]+\) only warns \('requisite', not enforcing\)"
rm /etc/security/pwquality.conf.d/root.conf /etc/security/pwquality.conf.d/warn.conf
restore
sed -i 's/^password requisite pam_pwquality.so/password optional pam_pwquality.so/' /etc/pam.d/sspr-passwd
doctor
check "password-quality: an optional quality line is a problem" line "^PROBLEM +password-quality +sspr-passwd: pam_pwquality.so \(/etc/pam.d/sspr-passwd:[0-9]+\) only warns \('optional'\)"
restore

# --- sshd (its own sshd -T) --------------------------------------------------
rm /etc/ssh/sshd_config.d/00-pam_sspr.conf
doctor
check "sshd-kbdinteractive: Debian's 'no' is a problem" exits 1
check "sshd-kbdinteractive: from sshd -T" line "^PROBLEM +sshd-kbdinteractive +sshd: kbdinteractiveauthentication is 'no' \(sshd -T\)"
check "sshd-kbdinteractive: fix is the drop-in" line "fix: printf 'KbdInteractiveAuthentication yes\\\\n' >> /etc/ssh/sshd_config.d/00-pam_sspr.conf && systemctl reload ssh"
fix=$(sed -n 's/^ *fix: \(printf .*\) && systemctl reload ssh$/\1/p' <<<"$out")
eval "$fix"
doctor
check "sshd-kbdinteractive: the drop-in the fix writes works" exits 0
printf 'KbdInteractiveAuthentication no\nInclude /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n' >/etc/ssh/sshd_config
doctor
check "sshd-kbdinteractive: a 'no' before the Include needs an edit there" line "fix: set 'KbdInteractiveAuthentication yes' at /etc/ssh/sshd_config:1"
restore
printf 'PasswordAuthentication no\n' >/etc/ssh/sshd_config.d/00-pam_sspr.conf
doctor
check "sshd-kbdinteractive: a keys-only host is a warning, not a problem" exits 0
check "sshd-kbdinteractive: says keys only, and what turning it on would let in" line "^warning +sshd-kbdinteractive +sshd: keys only"
check "sshd-kbdinteractive: the fix says passwords would come in too" line "lets passwords in over SSH as well"
restore
sed -i 's/^UsePAM yes/UsePAM no/' /etc/ssh/sshd_config
doctor
check "sshd-usepam: UsePAM no is a problem" line "^PROBLEM +sshd-usepam +sshd: usepam is 'no'"
restore
printf 'Match User backup\n\tKbdInteractiveAuthentication no\n' >>/etc/ssh/sshd_config
doctor
check "sshd-match: a Match block is a warning" line "^warning +sshd-match +sshd: a Match block \(/etc/ssh/sshd_config:4\)"
check "sshd-match: exit 0" exits 0
restore
printf 'AuthenticationMethods publickey\n' >>/etc/ssh/sshd_config.d/00-pam_sspr.conf
doctor
check "sshd-methods: AuthenticationMethods without keyboard-interactive is a problem" line "^PROBLEM +sshd-methods +sshd: AuthenticationMethods is 'publickey'"
restore

# --- JSON and exit status on a broken host ------------------------------------
rm /etc/ssh/sshd_config.d/00-pam_sspr.conf
doctor --json
check "--json: exit 1 with a problem" exits 1
check "--json: the problem with its fix, resets_can_work false" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["resets_can_work"] is False and d["problems"] == 1, d
p = [c for c in d["checks"] if c["status"] == "problem"]
assert p[0]["check"] == "sshd-kbdinteractive" and "00-pam_sspr.conf" in p[0]["fix"], p
' "$out"
restore

# --- who may run it ----------------------------------------------------------
status=0
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$admin" doctor 2>&1) || status=$?
check "not root: refused with exit 3" exits 3
check "not root: says why" line 'must be run as root'

checks_done
