#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root, for the phone method: a code texted through
# sms_command (here a script that keeps each message in a file, as a
# gateway would receive it: the number as its last argument, the text on
# stdin), through the real pam_unix, in the private namespace of
# tests/e2e/sandbox.sh. The number is registered as an admin would
# (sspr-enroll phone's own confirmation is in tests/robust/test_local_user.sh,
# through the relay); the dialog shows it masked; codes are spent once,
# count toward the lockout, and a stranger gets the same dialog with
# enumeration = hide.
# Usage: test_phone_e2e.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_phone_e2e.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
sandbox_require pamtester python3
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$here/checks.sh"

# --- the text path: one file per message -------------------------------------
mkdir -m 700 "$SANDBOX/sms"
cat >"$SANDBOX/sms.sh" <<SMS
#!/bin/sh
# \$1: the number; the text on standard input. What a gateway would get.
n=\$(ls "$SANDBOX/sms" | wc -l)
f="$SANDBOX/sms/\$(printf %04d "\$n").txt"
{ printf 'to=%s uid=%s env=%s\n' "\$1" "\$(id -u)" "\$(env | grep -v '^PWD=' | sort | tr '\n' ' ')"; cat; } >"\$f"
SMS
chmod 700 "$SANDBOX/sms.sh"
texts() { find "$SANDBOX/sms" -name '*.txt' | wc -l; }
newest_text() { cat "$(ls "$SANDBOX"/sms/*.txt | tail -n 1)"; }
last_code_cmd="sed -n 's/.*: \\([0-9]\\{6,10\\}\\) (valid.*/\\1/p' \"\$(ls $SANDBOX/sms/*.txt | tail -n 1)\""

policy() { # policy KEY=VALUE...: the sandbox's policy with these keys instead
	local kv
	for kv in "$@"; do
		sed -i "/^${kv%%=*} = /d" /etc/security/sspr.conf
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >>/etc/security/sspr.conf
	done
}
policy methods="totp phone" sms_command="$SANDBOX/sms.sh" enumeration=show \
	notify_user=no lockout_attempts=3

# --- the policy's words ---------------------------------------------------------
T=$(mktemp -d)
cp /etc/security/sspr.conf "$T/p.conf"
sed -i '/^sms_command = /d' "$T/p.conf"
rc=0
"$admin" --config "$T/p.conf" check-config >"$T/out" 2>"$T/err" || rc=$?
expect "policy: phone without sms_command is refused" 1 err "methods lists phone, which needs sms_command"
printf 'sms_command = sms.sh\n' >>"$T/p.conf"
rc=0
"$admin" --config "$T/p.conf" check-config >"$T/out" 2>"$T/err" || rc=$?
expect "policy: a relative sms_command is refused" 1 err "sms_command must be nothing, or an absolute program path"

# --- the admin registers alice's number ------------------------------------------
rc=0
"$admin" enroll alice phone "07700 900123" >"$T/out" 2>"$T/err" || rc=$?
expect "enroll: a number without the country code is refused" 1 err "not a phone number in international form"
out=$("$admin" enroll alice phone "+44 7700 900123")
check "enroll: the number is stored in E.164 form" says "alice: phone +447700900123 enrolled"
out=$("$admin" show alice)
check "show: the number is on record, verified" says "phone:        +447700900123 (verified"

# --- a broken sms_command fails closed for the reset, never for the login ----------
policy sms_command=/bin/false
converse_login alice "" 2
check "failing command: the reset says the code could not be sent" says "The code could not be sent."
check "failing command: nothing was asked for it" never_says "Code from the text message"
out=$("$admin" show alice)
check "failing command: no failure was charged" never_says "failures: 1"
policy sms_command="$SANDBOX/sms.sh"
# The next attempt (below) is told "A code has been sent": the code that
# never went out was dropped, not kept as "sent less than a minute ago".

# --- a reset with a texted code ----------------------------------------------------
alice_hash=$(sandbox_shadow_hash alice)
new1='Phone-Pass-1!'
before=$(texts)
converse_login alice "" 2 --when-run "text message sent to" "$last_code_cmd" "$new1" "$new1"
check "phone: the menu names the masked number" says "With a code sent by text message to +44 ***** **123"
check "phone: alice is told where the code went" says "A code has been sent to +44 ***** **123."
check "phone: the prompt names the text message" says "Code from the text message sent to +44 ***** **123:"
check "phone: the right code resets and logs alice in" logged_in
check "phone: the shadow hash changed" hash_is_not alice "$alice_hash"
transcript "alice resets with a code texted to her phone"
echo "# the text message as sms_command got it:"
sed 's/^/#   /' "$(ls "$SANDBOX"/sms/*.txt | tail -n 1)"
check "phone: one text went out" [ "$(texts)" = $((before + 1)) ]
out=$(newest_text)
check "phone: to the number, as the last argument" says "to=+447700900123 "
check "phone: sms_command has only the fixed environment" \
	grep -q "env=LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin $" <<<"$(head -n 1 <<<"$out")"
check "phone: the text names the account" says "Password reset code for alice on "
check "phone: one message of at most 160 characters" [ "$(tail -n 1 <<<"$out" | wc -c)" -le 161 ]
sms_line=$(tail -n 1 <<<"$out")
out=$("$admin" show alice)
check "phone: the audit trail names the method" says "reset success phone service=sspr-login"
login alice "$new1"
check "phone: the new password logs in through pam_unix" logged_in

# --- a spent code, wrong codes, the lockout ----------------------------------------
code=$(sed -n 's/.*: \([0-9]\{6,10\}\) (valid.*/\1/p' <<<"$sms_line")
hash1=$(sandbox_shadow_hash alice)
converse_login alice "" 2 --when "text message sent to" "$code"
check "spent: an old code is refused" says "The code is not valid."
check "spent: the password is unchanged" hash_is alice "$hash1"
"$admin" unlock alice >/dev/null
# A dialog killed at the code's prompt: the code stays pending.
{ printf '\n2\n'; sleep 10; } | timeout 4 pamtester sspr-login alice authenticate >/dev/null 2>&1 || true
before=$(texts)
converse_login alice "" 2
check "resend: a second attempt within a minute sends no new text" \
	says "less than a minute ago: use that one."
check "resend: and none went out" [ "$(texts)" = "$before" ]
"$admin" unlock alice >/dev/null

# --- hidden: a stranger sees the same dialog ------------------------------------------
policy enumeration=hide
converse_login alice "" 2 "11111111" "22222222" "33333333"
alice_out=$out
converse_login nosuchuser "" 2 "11111111" "22222222" "33333333"
check "hidden: the menu names no number" never_says "+44"
check "hidden: a stranger is told a code was sent" says "A code has been sent to your registered phone number."
check "hidden: alice and the stranger see the same dialog" \
	[ "$(sed 's/alice/X/g' <<<"$alice_out" | grep -v '^pamtester')" = \
	  "$(sed 's/nosuchuser/X/g' <<<"$out" | grep -v '^pamtester')" ]
transcript "a name that does not exist chooses the phone (enumeration = hide)"

checks_done
