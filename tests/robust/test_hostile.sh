#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The hostile input catalogue (HOSTILE_INPUTS.md), one row per entry: the
# module under pam_wrapper (robust_pam), sspr-admin, and sspr-enroll (run as
# the calling account with --config, its password check through pam_wrapper).
# Every row must end in its defined outcome: the result or exit code, the
# words the user sees, and the store either unchanged or changed only as the
# row says, with every record decoding. No row may crash (signal) or hang
# (timeout). The runner also checks that the catalogue and this table list
# the same IDs.
#
# usage: test_hostile.sh MODULE SSPR_ADMIN SSPR_ENROLL ROBUST_PAM ROBUST_STORE
#                        TEST_PASSWD_MODULE HOSTILE_INPUTS.md
set -u

MODULE=${1:?usage}
ADMIN=${2:?usage}
ENROLL=${3:?usage}
PAM=${4:?usage}
STORE=${5:?usage}
PASSWD_MODULE=${6:?usage}
CATALOGUE=${7:?usage}
ME=$(id -un)
ROW_TIMEOUT=30

T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-robust-hostile.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir "$T/services" "$T/pwrap"
mkdir "$T/run"
# optional_key KEY VALUE: prints "KEY = VALUE" when sspr-admin knows KEY.
optional_key() {
	printf '%s = %s\n' "$1" "$2" >"$T/probe.conf" && chmod 644 "$T/probe.conf"
	"$ADMIN" --config "$T/probe.conf" check-config 2>&1 | grep -q "'$1'" ||
		printf '%s = %s\n' "$1" "$2"
}
export PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$T/services" PAM_WRAPPER_RUNTIME_DIR="$T/pwrap"
export PAM_WRAPPER_DEBUGLEVEL=3 # copies pam_syslog lines to stderr: the "log"
SECRET_B32=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
export ROBUST_TOTP_SECRET=48656c6c6f21deadbeef48656c6c6f21deadbeef
PW=Hostile-Pass-1

# ---- policies, services, store ------------------------------------------
base_policy() {
	cat <<-EOF
		store = $T/store
		key_dir = $T/keys
		group = *
		min_uid = 0
		allow_root = yes
		admin_policy = same
		password_service = hostile-passwd
		lockout_attempts = 100
		argon2_opslimit = 1
		argon2_memlimit = 8192
		helpdesk = Call 555-0100.
		questions_file = $T/no-questions
	EOF
	# Keys newer than some trees: used only when the parser knows them.
	optional_key enumeration show   # say what happened
	optional_key lock_dir "$T/run"  # not /run/sspr: the tests may run unprivileged
}
policy() { # policy NAME LINE...
	{ base_policy; printf '%s\n' "${@:2}"; } >"$T/$1"
	chmod 644 "$T/$1"
}
policy good.conf
policy totp.conf "methods = totp"
policy q.conf "methods = questions"
# enumeration = hide (the base says show): a stranger gets each method's
# decoy.
hidden() { # hidden NAME LINE...
	{ base_policy | grep -v '^enumeration'; echo "enumeration = hide"; printf '%s\n' "${@:2}"; } \
		>"$T/$1"
	chmod 644 "$T/$1"
}
hidden hide-q.conf "methods = questions"
hidden hide-rec.conf "methods = recovery"
# A pass is no registration: a policy needs a method users register too.
hidden hide-pass.conf "methods = recovery pass"
policy overflow.conf "methods = totp" "lockout_attempts = 18446744073709551617"
policy negative.conf "methods = totp" "lockout_window = -1"
policy overflow-argon.conf "argon2_memlimit = 99999999999999999999999999"
mkdir "$T/policy-dir"
ln -s /dev/zero "$T/policy-zero"
{ base_policy; echo "methods = totp"; } >"$T/policy-huge"
truncate -s 100M "$T/policy-huge"
chmod 644 "$T/policy-huge"

stack() { # stack NAME CONFIG [OPTIONS]: the module first, then the password module
	printf '%s\n' "auth optional $MODULE config=$2 ${3:-}" \
		"auth required $PASSWD_MODULE file=$T/passwords" \
		"account optional $MODULE config=$2" \
		"account required $PASSWD_MODULE" >"$T/services/$1"
}
only() { # only NAME CONFIG: the module alone, to see its own result (a completed
	# reset steps aside for the next module, here counted as success)
	printf '%s\n' "auth [ignore=ignore default=die] $MODULE config=$2" \
		"auth required pam_permit.so" >"$T/services/$1"
}
stack h-stack "$T/totp.conf"
only h-totp "$T/totp.conf"
only h-q "$T/q.conf"
only h-hide-q "$T/hide-q.conf"
only h-hide-rec "$T/hide-rec.conf"
only h-hide-pass "$T/hide-pass.conf"
stack h-dir "$T/policy-dir"
stack h-zero "$T/policy-zero"
stack h-huge "$T/policy-huge"
stack h-overflow "$T/overflow.conf"
stack h-negative "$T/negative.conf"
stack h-option "$T/totp.conf" "$(printf 'x%.0s' {1..600})=$(printf '\033[31m')"
printf 'password required %s file=%s/passwords\n' "$PASSWD_MODULE" "$T" \
	>"$T/services/hostile-passwd"
printf 'auth required %s file=%s/passwords\naccount required %s\n' \
	"$PASSWD_MODULE" "$T" "$PASSWD_MODULE" >"$T/services/sspr-enroll"
printf '%s:%s\n' "$ME" "$PW" >"$T/passwords"

admin() { "$ADMIN" --config "$T/good.conf" "$@"; }
if ! admin init >/dev/null 2>"$T/err" ||
	! printf '%s\n' "$SECRET_B32" | admin enroll "$ME" totp --secret-stdin >/dev/null 2>>"$T/err" ||
	! printf 'Robust question one?\tanswer one\nRobust question two?\tanswer two\nRobust question three?\tanswer three\n' |
	admin enroll "$ME" questions --stdin >/dev/null 2>>"$T/err"; then
	cat "$T/err"
	echo "Bail out: cannot set up the store"
	exit 99
fi

# Hostile bytes, built once.
BIG=$(head -c 10000 /dev/zero | tr '\0' a)            # a 10 000-byte name
# pam:SERVICE and its label (A28-A30).
policy pam-long.conf "methods = totp pam:${BIG:0:100}"
policy pam-esc.conf $'methods = totp pam:a\x1b[2Jb'
policy pam-label.conf "methods = totp pam:sspr-u2f" $'pam_label = a \x1b[2J key'
# Phone numbers and the sms_command (A31-A33).
policy sms-esc.conf "methods = totp phone" $'sms_command = /bin/\x1b[2Jsms'
MIB=$(head -c 1048576 /dev/zero | tr '\0' 7)          # 1 MiB of digits
CTRL=$'al\x1b[2J\x07ice\x7f'                           # escape sequence, bell, DEL
NONUTF8=$'\xff\xfe\xc0\x80bob'                         # invalid and overlong UTF-8
printf 'Robust question one?\t\xff\xfe answer\nRobust question two?\tanswer two\nRobust question three?\tanswer three\n' >"$T/in.nonutf8"
printf 'Robust question one?\tans\x1b[31mwer\nRobust question two?\tanswer two\nRobust question three?\tanswer three\n' >"$T/in.ctrl"
printf 'Robust question one?\tanswer\0 one\nRobust question two?\tanswer two\nRobust question three?\tanswer three\n' >"$T/in.nul"
head -c 1048576 /dev/zero | tr '\0' q >"$T/in.mib"
printf '%s\n' "$MIB" >"$T/in.mibline"
printf 'JBSW\x1b[2J\xffY3DP\n' >"$T/in.badb32"
printf 'Q%.0s' {1..300} >"$T/longq"
printf '%s\tanswer one\nRobust question two?\tanswer two\nRobust question three?\tanswer three\n' "$(cat "$T/longq")" \
	>"$T/in.longq"
head -c 1048576 /dev/urandom >"$T/garbage"
chmod 600 "$T/garbage"
: >"$T/in.none"
printf '%s\n' "$PW" "Hostile question one?" $'\xff\xfe' $'\x1b[31m' "" >"$T/in.enroll-nonutf8"
printf '%s\n' "$PW" "Hostile question one?" "$MIB" >"$T/in.enroll-mib"
printf '%s\n' "$MIB" >"$T/in.enroll-mibpw"
printf '%s\0junk\n' "$PW" >"$T/in.enroll-nulpw"

# ---- the runner ----------------------------------------------------------
. "$(dirname "$0")/rows.sh"

enroll=(env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$ENROLL" --config "$T/good.conf" --no-qr)

UNAVAILABLE="Password reset is unavailable."
NOT_SET_UP="Password reset is not set up for this account."

# ---- the module ----------------------------------------------------------
pam M01 h-stack @big:10000 PAM_USER_UNKNOWN same '!log:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' \
	-- "$PW"
pam M02 h-totp @big:10000 PAM_AUTH_ERR same "out:$NOT_SET_UP" "log:invalid user name" \
	'!log:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' \
	-- ""
pam M03 h-totp @hex:616c1b5b324a07ff6963650a626f62 PAM_AUTH_ERR same "out:$NOT_SET_UP" \
	"log:invalid user name" $'!log:\x1b[2J' -- ""
acct M04 h-stack @big:10000 PAM_SUCCESS '!out:error:'
pam M05 h-stack "$ME" PAM_SUCCESS same -- "@nul:$PW"
pam M06 h-stack "$ME" PAM_AUTH_ERR same '!out:error:' -- @big:1048576
pam M07 h-totp "$ME" PAM_AUTHTOK_ERR same '!out:error:' -- @err
pam M08 h-totp "$ME" PAM_AUTH_ERR any "out:The code is not valid." -- "" @null
pam M09 h-totp "$ME" PAM_AUTH_ERR "charged:$ME" '!out:The code is not valid.' "log:aborted" -- "" @err
pam M10 h-totp "$ME" PAM_AUTH_ERR "charged:$ME" '!out:The code is not valid.' "log:aborted" -- "" @big:1048576
pam M11 h-totp "$ME" PAM_AUTH_ERR any "out:The code is not valid." $'!log:\x1b[31m' \
	-- "" @hex:1b5b33316dff313233
pam M12 h-q "$ME" PAM_AUTH_ERR any "out:The answers are not correct." \
	-- "" @hex:fffe616e73 @hex:1b5b33316d616e73 @hex:c080616e73
pam M13 h-q "$ME" PAM_AUTH_ERR "charged:$ME" '!out:The answers are not correct.' "log:aborted" \
	-- "" @big:1048576 x x
pam M14 h-q "$ME" PAM_AUTH_ERR any "out:The answers are not correct." \
	-- "" "@nul:answer one" "@nul:answer two" "@nul:answer three2"
pam M15 h-dir "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:policy" -- ""
pam M16 h-dir "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
pam M17 h-zero "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:policy" -- ""
pam M18 h-zero "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
pam M19 h-huge "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:policy" -- ""
pam M20 h-huge "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
pam M21 h-overflow "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:lockout_attempts" -- ""
pam M22 h-overflow "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
pam M23 h-negative "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:lockout_window" -- ""
pam M24 h-option "$ME" PAM_SUCCESS same "log:unknown or malformed option ignored" \
	$'!log:\x1b[31m' -- "$PW"
# A stranger's decoys in a fresh process (robust_pam initialises nothing
# for these replies): each ends with its method's refusal, never a crash.
pam M27 h-hide-q nosuchuser PAM_AUTH_ERR any "out:The code is not valid." -- "" 000000
pam M28 h-hide-rec nosuchuser PAM_AUTH_ERR any "out:The recovery code is not valid." -- \
	"" AAAA-BBBB-CCCC
pam M29 h-hide-pass nosuchuser PAM_AUTH_ERR any "out:The temporary access pass is not valid." \
	$'!out:\x1b' -- "" 2 $'\x1b[2J\xff7K2M-9QXD'
pam M30 h-hide-pass nosuchuser PAM_AUTH_ERR any '!out:Temporary access pass accepted' \
	"out:Temporary access pass: " -- "" 2 @big:1048576
# Last of the module rows: it spends the current time step and changes the
# password (back to the same one).
pam M26 h-totp "$ME" PAM_AUTHTOK_ERR same '!out:error:' -- @null
pam M25 h-totp "$ME" PAM_SUCCESS any "out:Your password has been changed." \
	-- "" @code+nul "$PW" "$PW"

# ---- sspr-admin ----------------------------------------------------------
tool A01 1 same "$T/in.none" "out:invalid user name" '!out:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' \
	-- "$ADMIN" --config "$T/good.conf" show "$BIG"
tool A02 1 same "$T/in.badb32" "out:invalid user name" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$CTRL" totp --secret-stdin
tool A03 1 same "$T/in.none" "out:invalid user name" $'!out:\xff' \
	-- "$ADMIN" --config "$T/good.conf" revoke "$NONUTF8"
tool A04 1 same "$T/in.nonutf8" "out:answer is not valid" $'!out:\xff' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" questions --stdin
tool A05 1 same "$T/in.ctrl" "out:answer is not valid" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" questions --stdin
tool A06 1 same "$T/in.nul" "out:NUL byte" \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" questions --stdin
tool A07 1 same "$T/in.mib" "out:too much input" \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" questions --stdin
tool A08 1 same "$T/in.longq" "out:at most 255 bytes" \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" questions --stdin
tool A09 1 same "$T/in.mibline" "out:secret is too long" '!out:7777777777' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" totp --secret-stdin
tool A10 1 same "$T/in.badb32" "out:not valid base32" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" totp --secret-stdin
tool A11 1 same "$T/in.none" "out:not a valid e-mail address" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" email $'a\x1b[2J@example.org'
tool A12 1 same "$T/in.none" "out:not a valid e-mail address" $'!out:\xff' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" email $'\xff\xfe@example.org'
tool A13 1 same "$T/in.none" "out:not a valid e-mail address" \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" email "$BIG@example.org"
tool A14 1 same "$T/in.none" "out:$T/policy-dir" -- "$ADMIN" --config "$T/policy-dir" list
tool A15 1 same "$T/in.none" "out:$T/policy-zero" -- "$ADMIN" --config "$T/policy-zero" list
tool A16 1 same "$T/in.none" "out:$T/policy-huge" -- "$ADMIN" --config "$T/policy-huge" list
tool A17 1 same "$T/in.none" "out:$T/overflow.conf:" "out:lockout_attempts" \
	-- "$ADMIN" --config "$T/overflow.conf" list
tool A18 1 same "$T/in.none" "out:$T/overflow-argon.conf:" "out:argon2_memlimit" \
	-- "$ADMIN" --config "$T/overflow-argon.conf" check-config
tool A19 2 same "$T/in.none" "out:--config" -- "$ADMIN" --config "$BIG" list
tool A20 2 same "$T/in.none" "out:DAYS" \
	-- "$ADMIN" --config "$T/good.conf" report --since 99999999999999999999999
tool A21 2 same "$T/in.none" "out:DAYS" -- "$ADMIN" --config "$T/good.conf" report --since -5
tool A22 1 same "$T/in.none" "out:$T/garbage" \
	-- "$ADMIN" --config "$T/good.conf" import oath "$T/garbage"
tool A23 1 same "$T/in.none" "out:not a regular file" \
	-- "$ADMIN" --config "$T/good.conf" import google-authenticator "$ME" /dev/zero
tool A24 2 same "$T/in.none" "out:give a duration of 60 s to 30 d" \
	-- "$ADMIN" --config "$T/good.conf" pass "$ME" --ttl 99999999999999999999999d
tool A25 2 same "$T/in.none" "out:give a duration" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/good.conf" pass "$ME" --ttl $'1\x1b[2Jh'
tool A26 2 same "$T/in.none" "out:N must be 1..10" -- "$ADMIN" --config "$T/good.conf" pass "$ME" \
	--uses 4294967297
tool A27 1 same "$T/in.none" "out:invalid user name" -- "$ADMIN" --config "$T/good.conf" pass "$BIG"
tool A28 1 same "$T/in.none" "out:$T/pam-long.conf:" "out:pam:SERVICE" "!out:${BIG:0:100}" \
	-- "$ADMIN" --config "$T/pam-long.conf" check-config
tool A29 1 same "$T/in.none" "out:$T/pam-esc.conf:" "out:pam:SERVICE" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/pam-esc.conf" check-config
tool A30 1 same "$T/in.none" "out:$T/pam-label.conf:" "out:pam_label must be UTF-8 text" \
	$'!out:\x1b' -- "$ADMIN" --config "$T/pam-label.conf" check-config
tool A31 1 same "$T/in.none" "out:not a phone number in international form" $'!out:\x1b' \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" phone $'+44\x1b[2J7700900123'
tool A32 1 same "$T/in.none" "out:not a phone number in international form" \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" phone "+${MIB:0:10000}"
tool A33 1 same "$T/in.none" "out:$T/sms-esc.conf:" "out:sms_command must be nothing" \
	$'!out:\x1b' -- "$ADMIN" --config "$T/sms-esc.conf" check-config

# ---- sspr-enroll ---------------------------------------------------------
tool E01 2 same "$T/in.none" "out:not a valid e-mail address" $'!out:\x1b' \
	-- "${enroll[@]}" email $'a\x1b[2J@example.org'
tool E02 2 same "$T/in.none" "out:not a valid e-mail address" -- "${enroll[@]}" email "$BIG@example.org"
tool E03 2 same "$T/in.none" "out:not a valid e-mail address" $'!out:\xff' \
	-- "${enroll[@]}" email $'\xff\xfe@example.org'
tool E04 2 same "$T/in.none" "out:METHOD" -- "${enroll[@]}" remove "$BIG"
tool E05 1 same "$T/in.none" "out:$T/policy-dir" \
	-- env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$ENROLL" --config "$T/policy-dir" status
tool E06 1 same "$T/in.none" "out:$T/policy-zero" \
	-- env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$ENROLL" --config "$T/policy-zero" status
tool E07 1 same "$T/in.none" "out:$T/policy-huge" \
	-- env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$ENROLL" --config "$T/policy-huge" status
tool E08 1 same "$T/in.none" "out:$T/overflow.conf:" \
	-- env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$ENROLL" --config "$T/overflow.conf" status
tool E09 1 same "$T/in.enroll-nonutf8" "out:That answer cannot be used" "out:nothing was stored" \
	$'!out:\xff' -- "${enroll[@]}" questions
tool E10 1 same "$T/in.enroll-mib" "out:That answer cannot be used" "out:nothing was stored" \
	-- "${enroll[@]}" questions
tool E11 4 same "$T/in.enroll-mibpw" "out:authentication failed" -- "${enroll[@]}" questions
tool E12 1 same "$T/in.enroll-nulpw" "out:nothing was stored" -- "${enroll[@]}" questions
tool E13 0 same "$T/in.none" "out:totp" -- "${enroll[@]}" status

# ---- the catalogue and the table agree -----------------------------------
. "$(dirname "$0")/catalogue.sh"
catalogue_end "$CATALOGUE" '[MAE][0-9]{2}' 'catalogue'
