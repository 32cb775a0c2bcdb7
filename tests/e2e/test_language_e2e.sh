#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root: the reset dialog in the user's language, through
# the real pam_unix and pamtester (an application that never calls
# setlocale, as sshd does not), in the private namespace of
# tests/e2e/sandbox.sh. With LANGUAGE=de a German user reads German from
# the menu to the end (pam_unix's new-password prompts included), while
# the ordinary "Password: " stays the application's; LANGUAGE=fr gives
# French. The code by mail and by text message is in the host's language,
# not the requester's: German on a host whose /etc/default/locale says
# de_DE.UTF-8 (compiled here with localedef into a private LOCPATH),
# English on a host that names none, whatever the caller's language. The
# expected texts are the catalogues this build made (gettext(1) on them),
# and each must differ from the English, so an untranslated or unshown
# text fails. Skips (77) when the build's catalogues are not in its
# localedir (configure -Dlocaledir=BUILD/po, as tools/test.sh does).
# Usage: test_language_e2e.sh MODULE ADMIN   (SSPR_TEST_LOCALEDIR: the build's localedir)
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_language_e2e.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
locales=${SSPR_TEST_LOCALEDIR:-}
if [ -z "$locales" ]; then
	echo "SKIP: this build reads installed catalogues, not its own: configure with" \
		"-Dlocaledir=BUILD/po (tools/test.sh does) to test the translated dialog"
	exit 77
fi
. "$here/sandbox.sh"
sandbox_require pamtester python3 oathtool gettext localedef
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$here/checks.sh"

# The translation of a message of ours (msg_in), and of libpam's (in_pam).
msg_in() { LANGUAGE=$1 LANG=C.UTF-8 TEXTDOMAINDIR=$locales gettext -d pam_sspr -- "$2"; }
in_pam() { LANGUAGE=$1 LANG=C.UTF-8 gettext -d Linux-PAM -- "$2"; }
# The part of a translation before its first directive (for a prompt
# pattern).
lead_in() { local t; t=$(msg_in "$1" "$2"); echo "${t%%%*}"; }
# check_in LANG NAME MSGID [ARG...]: the dialog shows the translation
# (formatted with ARGs), which is not the English.
check_in() {
	local lang=$1 name=$2 msgid=$3 text
	shift 3
	# shellcheck disable=SC2059 # the format is the catalogue's
	text=$(printf "$(msg_in "$lang" "$msgid")" "$@")
	text=${text#$'\n'}
	check "$lang: $name" says "$text"
	check "$lang: $name is translated (not \"${msgid#$'\n'}\")" \
		[ "$text" != "$(printf "${msgid#$'\n'}" "$@")" ]
}

# --- the mail and text message paths: one file per message -----------------
mkdir -m 700 "$SANDBOX/outbox"
cat >"$SANDBOX/send.sh" <<SEND
#!/bin/sh
# A mail (mail_command: the message on stdin) or a text message
# (sms_command: the number as the last argument, the text on stdin).
n=\$(ls "$SANDBOX/outbox" | wc -l)
cat >"$SANDBOX/outbox/\$(printf %04d "\$n").msg"
SEND
chmod 700 "$SANDBOX/send.sh"
newest() { cat "$(ls "$SANDBOX"/outbox/*.msg | tail -n 1)"; }
sed -i '/^methods = /d' /etc/security/sspr.conf
cat >>/etc/security/sspr.conf <<CONF
methods = totp email phone
mail_command = $SANDBOX/send.sh
mail_from = sspr@sandbox.test
sms_command = $SANDBOX/send.sh
code_lifetime = 600
enumeration = show
notify_user = no
totp_window = 3
CONF
"$admin" enroll alice email alice@sandbox.test >/dev/null
"$admin" enroll alice phone "+44 7700 900123" >/dev/null
# The menu: 1 the app, 2 the e-mail, 3 the text message.

# A German host: the locale compiled into a LOCPATH of the test's own,
# named by the private /etc/default/locale.
mkdir "$SANDBOX/locales"
localedef -i de_DE -f UTF-8 "$SANDBOX/locales/de_DE.UTF-8"
export LOCPATH=$SANDBOX/locales
rm -f /etc/locale.conf
host_language() { # host_language LOCALE LANGUAGE | none
	if [ "$1" = none ]; then
		rm -f /etc/default/locale
	else
		printf 'LANG=%s\nLANGUAGE=%s\n' "$1" "$2" >/etc/default/locale
	fi
}
host_language de_DE.UTF-8 de

# --- German: the authenticator app, from "Passwort:" to the new password ----
sandbox_wait_fresh_step
pass1='Sprache-Pass-1!'
LANGUAGE=de converse_login alice "" 1 "$(sandbox_code)" "$pass1" "$pass1"
transcript "a German user resets with the authenticator app (LANGUAGE=de)"
check "de: the ordinary prompt is the application's, as without the module" \
	[ "$(sed -n 3p <<<"$out")" = "Password: <Enter>" ]
check_in de "the menu's question" "How do you want to prove who you are?"
check_in de "the menu's first item" "With a code from your authenticator app"
check_in de "the menu's last line" $'\nChoose 1-%u: ' 3
check_in de "the code prompt" "Verification code from your authenticator app: "
check "de: pam_unix asks for the new password in German" says "$(in_pam de 'New password: ')"
check_in de "the end of the reset" "Your password has been changed."
check "de: no English text of ours is left" never_says "Your password has been changed."
check "de: alice is logged in" logged_in
login alice "$pass1"
check "de: the new password logs in through pam_unix" logged_in

# --- German: the code by e-mail ------------------------------------------------
pass2='Sprache-Pass-2!'
last_code_cmd="sed -n 's/^    \\([0-9]\\{6,10\\}\\)\$/\\1/p' \"\$(ls $SANDBOX/outbox/*.msg | tail -n 1)\""
LANGUAGE=de converse_login alice --when-run "$(lead_in de 'Verification code from the e-mail sent to %s: ')" \
	"$last_code_cmd" "" 2 "$pass2" "$pass2"
transcript "a German user resets with a code by e-mail"
check_in de "where the code went" "A code has been sent to %s." "a***@s***.test"
check "de: the mailed code logs alice in" logged_in
mail=$(newest)
code=$(sed -n 's/^    \([0-9]\{6,10\}\)$/\1/p' <<<"$mail")
subject=$(python3 -c 'import email, sys
m = email.message_from_string(sys.stdin.read())
print(str(email.header.make_header(email.header.decode_header(m["Subject"]))))' <<<"$mail")
check "de: the mail's subject is German, RFC 2047 encoded" \
	[ "$subject" = "$(msg_in de 'Your password reset code')" ]
check "de: the header itself is ASCII" bash -c '! sed "/^$/q" <<<"$1" | grep -qP "[^\x00-\x7f]"' _ "$mail"
body=$(printf "$(msg_in de $'Your password reset code for %s on %s is:\n\n    %s\n\nIt is valid for %u minutes and works once.\n\nIf you did not ask to reset your password, someone else may be trying to:\ntell your helpdesk.\n')" \
	alice "$(hostname)" "$code" 10)
out=$mail
check "de: the mail's body is the German text, with the code" says "${body%%$'\n'*}"
check "de: the mail's body is not the English" never_says "Your password reset code for"

# --- a German caller on a host that names no language: the mail is English ----
host_language none
pass2b='Sprache-Pass-2b!'
LANGUAGE=de converse_login alice --when-run "$(lead_in de 'Verification code from the e-mail sent to %s: ')" \
	"$last_code_cmd" "" 2 "$pass2b" "$pass2b"
check "de on an English host: the dialog is still German" \
	says "$(msg_in de 'Your password has been changed.')"
check "de on an English host: logged in" logged_in
out=$(newest)
check "de on an English host: the code mail is English (the host's, not the caller's)" \
	says "Subject: Your password reset code"
check "de on an English host: its body too" says "If you did not ask to reset your password"
host_language de_DE.UTF-8 de

# --- a French caller on the German host: the mail is not French ----------------
# gettext would follow the caller's LANGUAGE in the host's locale: a
# LANGUAGE that is not the host's own gives English.
pass2c='Langue-Pass-2c!'
LANGUAGE=fr converse_login alice --when-run "$(lead_in fr 'Verification code from the e-mail sent to %s: ')" \
	"$last_code_cmd" "" 2 "$pass2c" "$pass2c"
check "fr on the German host: the dialog is French" says "$(msg_in fr 'Your password has been changed.')"
check "fr on the German host: logged in" logged_in
out=$(newest)
check "fr on the German host: the code mail is English, not the caller's French" \
	says "Subject: Your password reset code"

# --- German: the code by text message ------------------------------------------
pass3='Sprache-Pass-3!'
last_sms_cmd="grep -o '[0-9]\\{6,10\\}' \"\$(ls $SANDBOX/outbox/*.msg | tail -n 1)\" | head -n 1"
LANGUAGE=de converse_login alice --when-run "$(lead_in de 'Code from the text message sent to %s: ')" \
	"$last_sms_cmd" "" 3 "$pass3" "$pass3"
transcript "a German user resets with a code by text message"
check "de: the texted code logs alice in" logged_in
sms=$(newest)
sms_msgid='Password reset code for %.32s on %.*s: %s (valid %u min). Not you? Tell your helpdesk.'
lead=$(lead_in de "$sms_msgid")
out=$sms
check "de: the text message is German (\"$lead...\")" says "$lead"
check "de: the text message is not the English" never_says "Password reset code for"
check "de: the text message is one of 160 characters at most" [ "${#sms}" -le 160 ]
check "de: the text message is printable ASCII" bash -c '! grep -qP "[^\x20-\x7e]" <<<"$1"' _ "$sms"

# --- French: the same dialog ---------------------------------------------------
# The next step's code: the German reset spent this step's (totp_window
# allows three steps ahead).
pass4='Langue-Pass-4!'
LANGUAGE=fr converse_login alice "" 1 "$(oathtool --totp -b "$SECRET" -N "now + 30 seconds")" \
	"$pass4" "$pass4"
transcript "a French user resets with the authenticator app (LANGUAGE=fr)"
check_in fr "the menu's question" "How do you want to prove who you are?"
check_in fr "the code prompt" "Verification code from your authenticator app: "
check_in fr "the end of the reset" "Your password has been changed."
check "fr: alice is logged in" logged_in

# --- no language: English, as before --------------------------------------------
LANGUAGE= converse_login alice "" 1 "$(sandbox_wrong_code)"
check "no LANGUAGE: the dialog is English" says "How do you want to prove who you are?"
check "no LANGUAGE: the refusal is English" says "The code is not valid."

checks_done
