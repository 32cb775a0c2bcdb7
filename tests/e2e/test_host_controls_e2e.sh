#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root, in a private mount namespace (tests/e2e/sandbox.sh):
# a reset obeys the host's own controls and the rest of the login stack.
# Real pam_unix, pam_faillock, pam_pwquality, pam_pwhistory, pam_exec,
# sudo and su, driven by pamtester or on a terminal (tools/converse.py).
# Every case checks the shadow entry before and after and what the user saw.
# Usage: test_host_controls_e2e.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_host_controls_e2e.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
sandbox_require pamtester oathtool awk sudo su setpriv faillock python3
[ -e /usr/lib/x86_64-linux-gnu/security/pam_pwquality.so ] || [ -n "$(find /usr/lib /lib -name pam_pwquality.so 2>/dev/null | head -n 1)" ] || {
	echo "SKIP: pam_pwquality is not installed (tools/deps.sh installs libpam-pwquality)"
	exit 77
}
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$here/checks.sh"
converse=$here/../../tools/converse.py

good1='Kettle-Harbour-71'
good2='Lantern-Meadow-38'
good3='Quarry-Violet-926'
good4='Saddle-Orchid-417'

# A user of each case's own, enrolled with a TOTP secret, so spent steps
# and locks of one case never touch another.
declare -A secret_of
new_user() { # new_user NAME
	local secret
	useradd -M -d /nonexistent -s /bin/bash -G sspr "$1"
	printf '%s:%s\n' "$1" "$SANDBOX_OLD_PASSWORD" | chpasswd
	secret=$(head -c 20 /dev/urandom | base32 | tr -d '=')
	printf '%s\n' "$secret" | "$admin" enroll "$1" totp --secret-stdin >/dev/null
	secret_of[$1]=$secret
}
code_of() { oathtool --totp -b "${secret_of[$1]}"; }
events_of() { "$admin" show "$1" 2>&1; }
# login_as SERVICE USER ANSWER...: pamtester through SERVICE.
login_as() {
	local service=$1 user=$2
	shift 2
	status=0
	out=$(printf '%s\n' "$@" | pamtester -v "$service" "$user" authenticate 2>&1) || status=$?
}
# on_terminal ANSWER... -- COMMAND...: the dialog on a pseudo-terminal.
on_terminal() {
	status=0
	out=$(python3 "$converse" "$@" 2>&1) || status=$?
}
sandbox_wait_fresh_step

# The stack as README recommends it, with a second factor after it: a
# pam_exec script that passes only while $SANDBOX/2fa-ok exists.
cat >"$SANDBOX/second-factor" <<'SH'
#!/bin/sh
[ -e "${0%/*}/2fa-ok" ]
SH
chmod 755 "$SANDBOX/second-factor"
write_stack() { # write_stack SERVICE [pam_sspr args]
	cat >"/etc/pam.d/$1" <<-PAM
		auth optional $module ${2:-}
		auth [success=1 default=ignore] pam_unix.so try_first_pass
		auth requisite pam_deny.so
		auth required pam_permit.so
		auth required pam_exec.so quiet $SANDBOX/second-factor
		account required pam_unix.so
		account optional $module
		password required pam_unix.so
		session required pam_unix.so
	PAM
}
write_stack sspr-login
touch "$SANDBOX/2fa-ok"

# --- the stack stays in charge: a second factor after pam_sspr decides ------
new_user fay
hash=$(sandbox_shadow_hash fay)
rm "$SANDBOX/2fa-ok"
login fay "" "$(code_of fay)" "$good1" "$good1"
check "2fa: the reset itself completes" says "Your password has been changed."
check "2fa: the password changed" hash_is_not fay "$hash"
check "2fa: a failing second factor after the block still refuses the login" refused
touch "$SANDBOX/2fa-ok"
login fay "$good1"
check "2fa: the new password and a passing second factor log in" logged_in
hash=$(sandbox_shadow_hash fay)
next=$(oathtool --totp -b "${secret_of[fay]}" -N "now + 30 seconds")
login fay "" "$next" "$good2" "$good2"
check "2fa: a reset with a passing second factor logs in at once" logged_in
check "2fa: the new password went on to pam_unix (no second password prompt)" \
	test "$(grep -c 'Password: ' <<<"$out")" = 1
check "2fa: the password changed again" hash_is_not fay "$hash"

# trigger=offer, as pam.d/login.example has it: a second factor after it.
cat >/etc/pam.d/sspr-offer <<-PAM
	auth [success=3 default=ignore] pam_unix.so
	auth [ignore=ignore default=die] $module trigger=offer
	auth [success=1 default=ignore] pam_unix.so try_first_pass
	auth requisite pam_deny.so
	auth required pam_exec.so quiet $SANDBOX/second-factor
PAM
new_user owen
hash=$(sandbox_shadow_hash owen)
rm "$SANDBOX/2fa-ok"
login_as sspr-offer owen "wrong-password" "y" "$(code_of owen)" "$good1" "$good1"
check "offer: the reset completes" says "Your password has been changed."
check "offer: a failing second factor still refuses the login" refused
check "offer: the password changed" hash_is_not owen "$hash"
touch "$SANDBOX/2fa-ok"
login_as sspr-offer owen "wrong-password" "n"
check "offer: declining ends the attempt" refused
check "offer: declining asks for no second password" test "$(grep -c 'Password: ' <<<"$out")" = 1
login_as sspr-offer owen "$good1"
check "offer: the new password logs in" logged_in

# --- account state wins, before any code is asked or spent -----------------
new_user lena
hash=$(sandbox_shadow_hash lena)
code=$(code_of lena)
passwd -q -l lena >/dev/null
locked_hash=$(sandbox_shadow_hash lena)
login lena "" "$code" "$good1" "$good1"
check "passwd -l: the reset is refused" refused
check "passwd -l: the dialog is the decoy one (hide)" says "Verification code from your authenticator app"
check "passwd -l: the refusal reads as a wrong code" says "The code is not valid."
check "passwd -l: the password service is never reached" never_says "New password"
check "passwd -l: the shadow entry is untouched" hash_is lena "$locked_hash"
out=$(events_of lena)
check "passwd -l: the audit trail says why" says "account locked by admin"
echo "enumeration = show" >>/etc/security/sspr.conf
login lena ""
check "passwd -l, show: the user is told the account is locked" says "This account is locked or expired."
check "passwd -l, show: no code is asked" never_says "Verification code"
sed -i '/^enumeration = show$/d' /etc/security/sspr.conf
passwd -q -u lena >/dev/null
login lena "" "$code" "$good1" "$good1"
check "passwd -u: the code the lock refused was never spent and now resets" logged_in
check "passwd -u: the password changed" hash_is_not lena "$hash"

# Locked while the user answers: looked at again before the change.
new_user mia
hash=$(sandbox_shadow_hash mia)
status=0
out=$(python3 "$converse" --when-run 'Verification code' \
	"passwd -q -l mia >/dev/null; oathtool --totp -b ${secret_of[mia]}" \
	"" "$good1" "$good1" -- pamtester -v sspr-login mia authenticate 2>&1) || status=$?
check "locked mid-dialog: the reset is refused" refused
check "locked mid-dialog: the user is told the account is locked" says "This account is locked or expired."
check "locked mid-dialog: no new password is asked" never_says "New password"
check "locked mid-dialog: the admin's lock stays" test "$(sandbox_shadow_hash mia)" = "!$hash"

new_user uma
usermod -L uma
hash=$(sandbox_shadow_hash uma)
login uma "" "$(code_of uma)" "$good1" "$good1"
check "usermod -L: the reset is refused" refused
check "usermod -L: the shadow entry is untouched" hash_is uma "$hash"

new_user ezra
chage -E 1 ezra
hash=$(sandbox_shadow_hash ezra)
login ezra "" "$(code_of ezra)" "$good1" "$good1"
check "chage -E 1: an expired account is refused" refused
check "chage -E 1: the password service is never reached" never_says "New password"
check "chage -E 1: the shadow entry is untouched" hash_is ezra "$hash"
out=$(events_of ezra)
check "chage -E 1: the audit trail says why" says "account expired"

new_user dora
chage -d 0 dora
hash=$(sandbox_shadow_hash dora)
status=0
out=$(printf '%s\n' "" "$(code_of dora)" "$good1" "$good1" |
	pamtester -v sspr-login dora authenticate acct_mgmt 2>&1) || status=$?
check "chage -d 0: an expired password is no lock: the reset logs in" logged_in
check "chage -d 0: the account check passes afterwards" says "account management done"
check "chage -d 0: the user is not asked to change it again" never_says "You are required to change"
check "chage -d 0: the password changed" hash_is_not dora "$hash"
check "chage -d 0: the last change date is today" \
	test "$(awk -F: '$1 == "dora" { print $3 }' /etc/shadow)" = "$(($(date +%s) / 86400))"

new_user nils
hash=$(sandbox_shadow_hash nils)
sed -i '/^nils:/d' /etc/shadow
login nils "" "$(code_of nils)" "$good1" "$good1"
check "no shadow entry: the reset is refused" refused
check "no shadow entry: the password service is never reached" never_says "New password"
out=$(events_of nils)
check "no shadow entry: the audit trail says why" says "no local password"

# --- quality and history, as for the user's own change ----------------------
new_user quin
hash=$(sandbox_shadow_hash quin)
login quin "" "$(code_of quin)" "a" "$good1" "$good1"
check "pwquality: a one-letter password is refused with the module's message" says "BAD PASSWORD"
check "pwquality: the user may try again within retry= and succeeds" logged_in
check "pwquality: the good password was set" hash_is_not quin "$hash"
login quin "$good1"
check "pwquality: the second try's password logs in" logged_in
hash=$(sandbox_shadow_hash quin)
next=$(oathtool --totp -b "${secret_of[quin]}" -N "now + 30 seconds")
login quin "" "$next" "a" "b" "c"
check "pwquality: three weak passwords fail the reset closed" refused
check "pwquality: the user is told the password was not changed" says "the password was not changed"
check "pwquality: the shadow entry is untouched" hash_is quin "$hash"
new_user hana
printf 'hana:%s\n' "$good3" | chpasswd
login hana "" "$(code_of hana)" "$good1" "$good1"
check "pwhistory: a fresh password is set" logged_in
hash=$(sandbox_shadow_hash hana)
next=$(oathtool --totp -b "${secret_of[hana]}" -N "now + 30 seconds")
login hana "" "$next" "$good3" "$good3"
check "pwhistory: a password used before is refused" refused
check "pwhistory: the module says so" says "already used"
check "pwhistory: the shadow entry is untouched" hash_is hana "$hash"

# A password service that cannot be loaded fails closed before any code.
new_user ivan
hash=$(sandbox_shadow_hash ivan)
cp /etc/pam.d/sspr-passwd "$SANDBOX/sspr-passwd.saved"
sed -i 's/pam_pwquality.so/pam_sspr_no_such_module.so/' /etc/pam.d/sspr-passwd
code=$(code_of ivan)
login ivan "" "$code" "$good1" "$good1"
check "missing quality module: the reset is refused" refused
check "missing quality module: the shadow entry is untouched" hash_is ivan "$hash"
check "missing quality module: refused before a code is asked" never_says "Verification code"
check "missing quality module: the user is told resets are unavailable" says "Password reset is unavailable."
cp "$SANDBOX/sspr-passwd.saved" /etc/pam.d/sspr-passwd
login ivan "" "$code" "$good1" "$good1"
check "missing quality module: the code was not spent" logged_in

# --- where resets are offered ------------------------------------------------
new_user sara
hash=$(sandbox_shadow_hash sara)
echo "services = login sshd" >>/etc/security/sspr.conf
login sara "" "$SANDBOX_OLD_PASSWORD"
check "services: a service not listed refuses the reset" says "Password reset is not offered here."
check "services: before any code is asked" never_says "Verification code"
check "services: the password prompt follows and ordinary login works" logged_in
sed -i '/^services = /d' /etc/security/sspr.conf
echo "services = sspr-login" >>/etc/security/sspr.conf
login sara "" "$(code_of sara)" "$good1" "$good1"
check "services: a listed service offers the reset" logged_in
check "services: the password changed" hash_is_not sara "$hash"
sed -i '/^services = /d' /etc/security/sspr.conf

# --- setuid-root callers: real uid = the user, effective uid 0 --------------
# pamtester itself made setuid root and run by the user, as sudo runs.
install -m 4755 "$(command -v pamtester)" "$SANDBOX/pamtester-setuid"
new_user rita
hash=$(sandbox_shadow_hash rita)
status=0
out=$(printf '%s\n' "" "$(code_of rita)" "$good1" "$good1" |
	setpriv --reuid=rita --regid=rita --init-groups "$SANDBOX/pamtester-setuid" -v sspr-login rita authenticate 2>&1) || status=$?
check "setuid caller: the reset logs in" logged_in
check "setuid caller: pam_unix never asks for the current password" never_says "urrent"
check "setuid caller: the password changed" hash_is_not rita "$hash"

# A process that runs wholly as the user cannot change passwords: refused
# before a code is asked.
status=0
out=$(printf '%s\n' "" "$(code_of rita)" |
	setpriv --reuid=rita --regid=rita --init-groups pamtester -v sspr-login rita authenticate 2>&1) || status=$?
check "unprivileged caller: the reset is refused" refused
check "unprivileged caller: before a code is asked" never_says "Verification code"

# sudo, through its own service file: the user logged in with a key and
# forgot the password sudo asks for.
write_stack sudo
echo "sam ALL=(ALL:ALL) ALL" >/etc/sudoers.d/sspr-test
chmod 440 /etc/sudoers.d/sspr-test
new_user sam
hash=$(sandbox_shadow_hash sam)
on_terminal "" "$(code_of sam)" "$good1" "$good1" -- \
	setpriv --reuid=sam --regid=sam --init-groups sudo -k -- id -u
check "sudo: the reset completes" says "Your password has been changed."
check "sudo: pam_unix never asks for the current password" never_says "urrent"
check "sudo: the command runs as root" grep -qx '0' <<<"$(tr -d '\r' <<<"$out")"
check "sudo: the password changed" hash_is_not sam "$hash"
on_terminal "$good1" -- setpriv --reuid=sam --regid=sam --init-groups sudo -k -- id -u
check "sudo: the new password works for sudo" grep -qx '0' <<<"$(tr -d '\r' <<<"$out")"

# su - alex, run by bob.
write_stack su
new_user alex
hash=$(sandbox_shadow_hash alex)
on_terminal "" "$(code_of alex)" "$good1" "$good1" -- \
	setpriv --reuid=bob --regid=bob --init-groups su - alex -c 'id -un'
check "su by another user: the reset completes" says "Your password has been changed."
check "su by another user: no current password asked" never_says "urrent"
check "su by another user: the session is alex's" grep -qx 'alex' <<<"$(tr -d '\r' <<<"$out")"
check "su by another user: the password changed" hash_is_not alex "$hash"

# --- pam_faillock, in both orders ---------------------------------------------
fl_dir=$SANDBOX/faillock
mkdir -p "$fl_dir"
lock_out() { # lock_out SERVICE USER: three wrong passwords (deny = 3)
	for _ in 1 2 3; do login_as "$1" "$2" "wrong-password" >/dev/null || true; done
}
tally_of() { faillock --dir "$fl_dir" --user "$1" | grep -c '^[0-9]' || true; }

# pam_sspr first, then preauth (the order README recommends); dir= set on
# the lines only.
cat >/etc/pam.d/sspr-fl-first <<-PAM
	auth optional $module
	auth required pam_faillock.so preauth dir=$fl_dir
	auth [success=1 default=bad] pam_unix.so try_first_pass
	auth [default=die] pam_faillock.so authfail dir=$fl_dir
	auth sufficient pam_faillock.so authsucc dir=$fl_dir
	auth required pam_deny.so
	account required pam_unix.so
	account required pam_faillock.so dir=$fl_dir
PAM
new_user finn
hash=$(sandbox_shadow_hash finn)
lock_out sspr-fl-first finn
login_as sspr-fl-first finn "$SANDBOX_OLD_PASSWORD"
check "faillock (sspr first): three failures lock even the right password" refused
check "faillock (sspr first): the tally holds the failures" test "$(tally_of finn)" -ge 3
login_as sspr-fl-first finn "" "$(code_of finn)" "$good1" "$good1"
check "faillock (sspr first): the reset logs in at once" logged_in
check "faillock (sspr first): the tally is cleared" test "$(tally_of finn)" = 0
check "faillock (sspr first): the password changed" hash_is_not finn "$hash"

# preauth first (pam_faillock's manual's order); the directory comes from
# faillock.conf this time.
cp /etc/security/faillock.conf "$SANDBOX/faillock.conf.saved" 2>/dev/null || true
echo "dir = $fl_dir" >>/etc/security/faillock.conf
cat >/etc/pam.d/sspr-fl-preauth <<-PAM
	auth required pam_faillock.so preauth
	auth optional $module
	auth [success=1 default=bad] pam_unix.so try_first_pass
	auth [default=die] pam_faillock.so authfail
	auth sufficient pam_faillock.so authsucc
	auth required pam_deny.so
	account required pam_unix.so
	account required pam_faillock.so
PAM
new_user gwen
hash=$(sandbox_shadow_hash gwen)
lock_out sspr-fl-preauth gwen
check "faillock (preauth first): the tally holds the failures" test "$(tally_of gwen)" -ge 3
login_as sspr-fl-preauth gwen "" "$(code_of gwen)" "$good1" "$good1"
check "faillock (preauth first): the reset changes the password" hash_is_not gwen "$hash"
check "faillock (preauth first): the user is told to log in again" says "log in again with your new password"
check "faillock (preauth first): the tally is cleared" test "$(tally_of gwen)" = 0
login_as sspr-fl-preauth gwen "$good1"
check "faillock (preauth first): the login that follows succeeds" logged_in

# --- unlock without reset -------------------------------------------------------
echo "unlock = yes" >>/etc/security/sspr.conf
new_user hugo
hash=$(sandbox_shadow_hash hugo)
lock_out sspr-fl-first hugo
login_as sspr-fl-first hugo "" "2" "$(code_of hugo)" "$SANDBOX_OLD_PASSWORD"
check "unlock: the first menu offers reset or unlock" says "Unlock my account"
check "unlock: the user is told the account is unlocked" says "Your account is unlocked."
check "unlock: then the old password logs in" logged_in
check "unlock: the password is kept" hash_is hugo "$hash"
check "unlock: no new password is asked" never_says "New password"
check "unlock: the tally is cleared" test "$(tally_of hugo)" = 0
out=$(events_of hugo)
check "unlock: the audit trail records the unlock" says "unlock"
# With enumeration = hide the menu and what follows look the same to a
# stranger.
login_as sspr-fl-first nosuchuser "" "2" "123456"
check "unlock, hide: a stranger sees the same first menu" says "Unlock my account"
check "unlock, hide: and then a code prompt" says "Verification code from your authenticator app"
check "unlock, hide: and the same refusal" says "The code is not valid."
login_as sspr-fl-first hugo "" "1" "$(oathtool --totp -b "${secret_of[hugo]}" -N "now + 30 seconds")" "$good1" "$good1"
check "unlock = yes: choosing 1 still resets" logged_in
check "unlock = yes: the password changed" hash_is_not hugo "$hash"
sed -i '/^unlock = yes$/d' /etc/security/sspr.conf

checks_done
