#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root, for the methods other than the authenticator app:
# security questions and an e-mailed code, through the real pam_unix and a
# real mail path: the module runs msmtp (a sendmail-compatible client),
# which delivers over SMTP to a listener on 127.0.0.1 that this test starts
# (tests/e2e/smtp_sink.py). Everything inside the private namespace of
# tests/e2e/sandbox.sh. With enumeration = show, so the masked address is
# part of the dialog under test.
# Usage: test_methods_e2e.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_methods_e2e.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
sandbox_require pamtester msmtp python3 awk
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$here/checks.sh"

# --- the mail path: msmtp -> SMTP on 127.0.0.1 -> one file per message ----
mkdir "$SANDBOX/mail"
python3 "$here/smtp_sink.py" "$SANDBOX/mail" "$SANDBOX/smtp.port" &
sink=$!
trap 'kill $sink 2>/dev/null || true; sandbox_cleanup' EXIT
for _ in $(seq 50); do [ -s "$SANDBOX/smtp.port" ] && break; sleep 0.1; done
port=$(cat "$SANDBOX/smtp.port")
cat >/etc/msmtprc <<MSMTP
account default
host 127.0.0.1
port $port
from sspr@sandbox.test
auth off
tls off
syslog off
MSMTP
chmod 644 /etc/msmtprc
sed -i '/^methods = /d' /etc/security/sspr.conf
cat >>/etc/security/sspr.conf <<CONF
mail_command = /usr/bin/msmtp -t -i
mail_from = sspr@sandbox.test
questions_to_reset = 2
notify_user = yes
enumeration = show
CONF

mails() { find "$SANDBOX/mail" -name '*.eml' | wc -l; }
# The code in the newest message ("    12345678" on a line of its own).
last_code_cmd="sed -n 's/^    \\([0-9]*\\)\\r\\{0,1\\}\$/\\1/p' \"\$(ls $SANDBOX/mail/*.eml | tail -n 1)\""
newest_mail() { cat "$(ls "$SANDBOX"/mail/*.eml | tail -n 1)"; }

# --- alice registers questions and an address (as an admin would) --------
sample_questions | "$admin" enroll alice questions --stdin >/dev/null
"$admin" enroll alice email alice@sandbox.test >/dev/null
answers=(--when "first pet" "  fluffy " --when "city were you born" "NEW YORK"
	--when "first car" "vw beetle")
alice_hash=$(sandbox_shadow_hash alice)
pass1='Questions-Pass-1!'
pass2='Mailed-Code-Pass-2!'

# --- security questions -----------------------------------------------------
converse_login alice "${answers[@]}" "" 2 "$pass1" "$pass1"
check "the menu offers the three enrolled methods" says "Choose 1-3"
check "the menu names the masked address" says "a***@s***.test"
check "questions: two of them are asked" [ "$(grep -cE 'first pet|born\?|first car' <<<"$out")" = 2 ]
check "questions: right answers (in any case and spacing) log alice in" logged_in
check "questions: pam_unix asked for the new password" says "New password"
check "questions: the shadow hash changed" hash_is_not alice "$alice_hash"
hash1=$(sandbox_shadow_hash alice)
login alice "$pass1"
check "questions: the new password logs in through pam_unix" logged_in
login alice "$SANDBOX_OLD_PASSWORD"
check "questions: the old password does not" refused
check "questions: alice was notified by mail" grep -q "Subject: Your password was reset" "$(ls "$SANDBOX"/mail/*.eml | tail -n 1)"

converse_login alice --when "first pet" "rex" --when "city were you born" "paris" \
	--when "first car" "trabant" "" 2 "x"
check "questions: wrong answers are refused" says "The answers are not correct."
check "questions: wrong answers change nothing" hash_is alice "$hash1"

# --- e-mailed code ----------------------------------------------------------
before=$(mails)
converse_login alice --when-run "code from the e-mail" "$last_code_cmd" "" 3 "$pass2" "$pass2"
check "e-mail: alice is told where the code went" says "A code has been sent to a***@s***.test."
check "e-mail: the prompt mentions the code" says "code from the e-mail"
check "e-mail: the right code logs alice in" logged_in
check "e-mail: the shadow hash changed" hash_is_not alice "$hash1"
check "e-mail: a code and a notice went out over SMTP" [ "$(mails)" = $((before + 2)) ]
out=$(cat "$SANDBOX"/mail/*.eml)
check "e-mail: the code went to alice's address" says "X-Envelope-To: <alice@sandbox.test>"
check "e-mail: the code mail has its subject" says "Subject: Your password reset code"
hash2=$(sandbox_shadow_hash alice)
login alice "$pass2"
check "e-mail: the new password logs in through pam_unix" logged_in

# A spent code does not work again: the next attempt mails a new one, and
# the old one typed three times is refused each time.
code=$(eval "$last_code_cmd")
converse_login alice --when "code from the e-mail" "$code" "" 3 "y"
check "e-mail: a spent code is refused" says "The code is not valid."
check "e-mail: the spent code changed nothing" hash_is alice "$hash2"

# --- an administrator: two methods, questions do not count -------------------
# ada is in sudo (admin_group's default) and admin_policy is strict by
# default: her questions and address are one method that counts, not two.
getent group sudo >/dev/null || groupadd sudo
useradd -M -d /nonexistent -s /bin/bash -G sspr,sudo ada
printf 'ada:%s\n' "$SANDBOX_OLD_PASSWORD" | chpasswd
sample_questions | "$admin" enroll ada questions --stdin >/dev/null
"$admin" enroll ada email ada@sandbox.test >/dev/null
ada_hash=$(sandbox_shadow_hash ada)
converse_login ada "${answers[@]}" "" "$SANDBOX_OLD_PASSWORD"
check "admin: questions and an address are not enough" \
	says "Password reset needs 2 different methods and this account has 1. Administrators need 2 different methods, security questions not among them."
check "admin: no question was asked" never_says "first pet"
check "admin: the password is unchanged" hash_is ada "$ada_hash"
transcript "ada (group sudo) with questions and an address"

printf '%s\n' "$SECRET" | "$admin" enroll ada totp --secret-stdin >/dev/null
sandbox_wait_fresh_step
pass3='Admin-Two-Methods-3!'
converse_login ada "${answers[@]}" --when-run "code from the e-mail" "$last_code_cmd" \
	"" 1 "$(sandbox_code)" "$pass3" "$pass3"
check "admin: the menu offers the app and the address, not the questions" says "Choose 1-2"
check "admin: the menu leaves questions out" never_says "security questions"
check "admin: a second method is asked for" says "Now prove it with a second, different method."
check "admin: the mailed code is the second" says "A code has been sent to a***@s***.test."
check "admin: two methods reset the password" logged_in
check "admin: the shadow hash changed" hash_is_not ada "$ada_hash"
transcript "ada (group sudo) resets with the app and a mailed code"
out=$("$admin" show ada)
check "admin: the audit trail names both methods" says "reset success totp+email service=sspr-login"

# --- a temporary access pass from the helpdesk ----------------------------------
sed -i '/^methods = /d' /etc/security/sspr.conf
printf 'methods = totp questions email recovery pass\n' >>/etc/security/sspr.conf
before=$(mails)
out=$("$admin" pass alice --ttl 30m)
issued=$(sed -n 's/^    \([0-9A-Z-]\{19\}\)$/\1/p' <<<"$out")
check "pass: sspr-admin prints a pass" [ -n "$issued" ]
check "pass: valid for 30 minutes, one reset" says "for 1 reset:"
out=${out//"$issued"/XXXX-XXXX-XXXX-XXXX}
transcript "sspr-admin pass alice --ttl 30m (the pass masked here)"
check "pass: alice is told by mail" [ "$(mails)" = $((before + 1)) ]
check "pass: the notice has its subject" grep -q "Subject: A temporary access pass was issued" \
	"$(ls "$SANDBOX"/mail/*.eml | tail -n 1)"
out=$(newest_mail)
check "pass: the notice does not carry the pass" never_says "$issued"
hash3=$(sandbox_shadow_hash alice)
pass4='Helpdesk-Pass-4!'
converse_login alice "" 4 "$issued" "$pass4" "$pass4"
check "pass: the menu offers the pass" says "4. With a temporary access pass from your helpdesk"
check "pass: its prompt" says "Temporary access pass: "
check "pass: it is spent" says "Temporary access pass accepted; it is now used up."
check "pass: alice is logged in" logged_in
check "pass: the shadow hash changed" hash_is_not alice "$hash3"
out=${out//"$issued"/XXXX-XXXX-XXXX-XXXX}
transcript "alice resets with the helpdesk's pass (the pass masked here)"
converse_login alice ""
check "pass: used once, it is gone from the menu" says "Choose 1-3"
check "pass: and not offered" never_says "temporary access pass"
out=$("$admin" show alice)
check "pass: the audit trail has the issue and the reset" says "pass issued pass service=sspr-admin"
check "pass: and the reset with it" says "reset success pass service=sspr-login"

checks_done
