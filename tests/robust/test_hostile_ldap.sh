#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Hostile directory content (HOSTILE_INPUTS.md, rows L01..): with the
# directory's root DN, malformed sspr attributes are written into the entry
# of one user (the calling account, enrolled with TOTP and questions), the
# entry restored to its good state before each row. Each row then checks:
#   - what the server did with the write (some of it the schema refuses);
#   - the store interface (robust_ldap): that user's record is refused as
#     corrupt, with a message naming the user, while another user's record
#     still reads and the walk over all users marks only that one;
#   - an administrator can overwrite the corrupt record (robust_ldap
#     replace, what sspr-admin revoke and enroll do);
#   - the module (robust_pam under pam_wrapper): a reset attempt is refused
#     with "unavailable" and a log line naming the user and the corruption;
#     the password typed at the prompt still logs in, pam_sspr's auth hook
#     answering PAM_IGNORE (the stack lets nothing else through); the
#     account hook steps aside with a log line;
#   - no row crashes (signal) or hangs (timeout).
# The runner checks that the catalogue and this table list the same L IDs.
#
# Run by tests/ldap/with-slapd.sh, which exports the SSPR_LDAP_* variables.
# usage: test_hostile_ldap.sh MODULE SSPR_ADMIN ROBUST_PAM ROBUST_LDAP
#                             TEST_PASSWD_MODULE HOSTILE_INPUTS.md
set -u

MODULE=${1:?usage}
ADMIN=${2:?usage}
PAM=${3:?usage}
LDAPSTORE=${4:?usage}
PASSWD_MODULE=${5:?usage}
CATALOGUE=${6:?usage}
ME=$(id -un)
OTHER=daemon # another account, enrolled too: its record must stay readable
ROW_TIMEOUT=30

for v in SSPR_LDAP_URI_A SSPR_LDAP_BASE SSPR_LDAP_BIND_DN SSPR_LDAP_BIND_PASSWORD_FILE \
	SSPR_LDAP_CACERT SSPR_LDAP_ROOT_DN SSPR_LDAP_ROOT_PASSWORD_FILE; do
	[ -n "${!v:-}" ] || { echo "Bail out: $v is not set: run under tests/ldap/with-slapd.sh"; exit 99; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-hostile-ldap.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir "$T/services" "$T/pwrap" "$T/run"
export HOSTILE_LDAP_BASE="ou=hostile$$,$SSPR_LDAP_BASE"
export PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$T/services" PAM_WRAPPER_RUNTIME_DIR="$T/pwrap"
export PAM_WRAPPER_DEBUGLEVEL=3 # copies pam_syslog lines to stderr: the "log"
export LDAPTLS_CACERT=$SSPR_LDAP_CACERT
PW=Hostile-Pass-1
DN="ssprUser=$ME,ou=users,$HOSTILE_LDAP_BASE"
ROOT=(-x -H "$SSPR_LDAP_URI_A" -ZZ -D "$SSPR_LDAP_ROOT_DN" -y "$SSPR_LDAP_ROOT_PASSWORD_FILE")

# ---- policies, services, store ------------------------------------------
policy() { # policy NAME LINE...
	{
		printf 'store_backend = ldap\nldap_uri = %s\nldap_base = %s\n' "$SSPR_LDAP_URI_A" \
			"$HOSTILE_LDAP_BASE"
		printf 'ldap_bind_dn = %s\nldap_bind_password_file = %s\nldap_tls_cacert = %s\n' \
			"$SSPR_LDAP_BIND_DN" "$SSPR_LDAP_BIND_PASSWORD_FILE" "$SSPR_LDAP_CACERT"
		cat <<-EOF
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
			registration = remind
			enumeration = show
			lock_dir = $T/run
		EOF
		printf '%s\n' "${@:2}"
	} >"$T/$1"
	chmod 644 "$T/$1"
}
policy totp.conf "methods = totp"
policy q.conf "methods = questions"

# The module alone, to see its own result of a reset attempt.
# (A completed reset steps aside for the next module: pam_permit here.)
printf 'auth [ignore=ignore default=die] %s config=%s/totp.conf\nauth required pam_permit.so\n' \
	"$MODULE" "$T" >"$T/services/l-totp"
printf 'auth [ignore=ignore default=die] %s config=%s/q.conf\nauth required pam_permit.so\n' \
	"$MODULE" "$T" >"$T/services/l-q"
# Password typed: success only when pam_sspr answers PAM_IGNORE (any other
# answer ends the stack: success would be turned into a failure by "die")
# and the password module then accepts the password.
printf '%s\n' "auth [ignore=ignore default=die] $MODULE config=$T/totp.conf" \
	"auth required $PASSWD_MODULE file=$T/passwords" \
	"account optional $MODULE config=$T/totp.conf" \
	"account required $PASSWD_MODULE" >"$T/services/l-login"
printf 'password required %s file=%s/passwords\n' "$PASSWD_MODULE" "$T" \
	>"$T/services/hostile-passwd"
printf '%s:%s\n' "$ME" "$PW" >"$T/passwords"

admin() { "$ADMIN" --config "$T/totp.conf" "$@"; }
if ! admin init >/dev/null 2>"$T/err" ||
	! printf '%s\n' JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP |
	admin enroll "$ME" totp --secret-stdin >/dev/null 2>>"$T/err" ||
	! printf 'Robust question one?\tanswer one\nRobust question two?\tanswer two\nRobust question three?\tanswer three\n' |
	admin enroll "$ME" questions --stdin >/dev/null 2>>"$T/err" ||
	! printf 'Other question one?\tother one\nOther question two?\tother two\nOther question three?\tother three\n' |
	admin enroll "$OTHER" questions --stdin >/dev/null 2>>"$T/err"; then
	cat "$T/err"
	echo "Bail out: cannot set up the store"
	exit 99
fi
# The good entry, to restore before each row.
ldapsearch "${ROOT[@]}" -LLL -o ldif-wrap=no -b "$DN" -s base '*' >"$T/good.ldif" 2>"$T/err" ||
	{ cat "$T/err"; echo "Bail out: cannot read $DN"; exit 99; }
grep -q '^ssprQuestion: 0 ' "$T/good.ldif" ||
	{ cat "$T/good.ldif"; echo "Bail out: $DN has no question 0"; exit 99; }
# The hash of question 0, to build values around it.
HASH0=$(sed -n 's/^ssprQuestion: 0 \([^ ]*\) .*/\1/p' "$T/good.ldif")
HEX64=$(printf 'ab%.0s' {1..32})

restore() {
	ldapdelete "${ROOT[@]}" "$DN" >/dev/null 2>&1
	ldapadd "${ROOT[@]}" -f "$T/good.ldif" >"$T/restore.out" 2>&1 || {
		cat "$T/restore.out"
		return 1
	}
}
# b64 FORMAT ARGS...: printf, then base64 (the format holds the hostile bytes).
# shellcheck disable=SC2059
b64() { printf "$@" | base64 -w0; }

# ---- the runner ----------------------------------------------------------
. "$(dirname "$0")/../lib/checks.sh"
declare -A ran
why=

# row_check FILE CHECK...: out:TEXT (FILE holds it), !out:TEXT, log:TEXT,
# !log:TEXT (in the pam_syslog lines of the last module run).
row_check() {
	local file=$1 c
	shift
	grep -a 'SYSLOG(' "$T/log" >"$T/syslog" 2>/dev/null || : >"$T/syslog"
	for c in "$@"; do
		case $c in
		out:*) grep -qaF -- "${c#out:}" "$file" || why+=" $(basename "$file") lacks '${c#out:}';" ;;
		!out:*) ! grep -qaF -- "${c#!out:}" "$file" || why+=" $(basename "$file") has '${c#!out:}';" ;;
		log:*) grep -qaF -- "${c#log:}" "$T/syslog" || why+=" log lacks '${c#log:}';" ;;
		!log:*) ! grep -qaF -- "${c#!log:}" "$T/syslog" || why+=" log has '${c#!log:}';" ;;
		*) why+=" bad check '$c';" ;;
		esac
	done
}

# run NAME CMD...: runs a command of a row with the time limit; records a
# crash or a hang. Output in $T/NAME, pam_syslog lines in $T/log.
run() {
	local name=$1 rc=0
	shift
	timeout "$ROW_TIMEOUT" "$@" >"$T/$name" 2>"$T/log" || rc=$?
	if [ "$rc" = 124 ]; then
		why+=" $name hung (killed after ${ROW_TIMEOUT}s);"
	elif [ "$rc" -ge 128 ]; then
		why+=" $name crashed (signal $((rc - 128)));"
	fi
}

pam_run() { # pam_run NAME SERVICE auth|account REPLY...
	run "$1" env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$PAM" "$2" "$ME" "${@:3}"
}

finish() {
	local id=$1
	ran[$id]=1
	checks=$((checks + 1))
	if [ -z "$why" ]; then
		pass "$id"
	else
		failed=$((failed + 1))
		echo "not ok - $id:$why"
		for f in write store list reset login account replace replaced; do
			[ -s "$T/$f" ] && head -c 600 "$T/$f" | sed "s/^/#   $f: /"
		done
	fi
	why=
}

# write ID WANT_RC LDIF: restores the entry, then applies LDIF (the body of
# a "changetype: modify" of the entry, or a whole LDIF with its own dn lines
# when it starts with "dn:") as the root DN; WANT_RC is ldapmodify's exit
# status the row expects (0, or the LDAP result code the server refuses
# with). Returns 1 when the write did not go as expected.
write() {
	local id=$1 want=$2 ldif=$3 rc=0
	restore || { why+=" cannot restore the entry;"; return 1; }
	if [ "${ldif#dn:}" = "$ldif" ]; then
		ldif=$(printf 'dn: %s\nchangetype: modify\n%s\n' "$DN" "$ldif")
	fi
	printf '%s\n' "$ldif" | ldapmodify "${ROOT[@]}" >"$T/write" 2>&1 || rc=$?
	if [ "$rc" != "$want" ]; then
		why+=" the server answered $rc, not $want: $(tr '\n' ' ' <"$T/write" | cut -c1-300);"
		return 1
	fi
}

# The checks every row makes on the password login and on the other user.
login_unaffected() {
	pam_run login l-login auth "$PW"
	row_check "$T/login" "out:result: PAM_SUCCESS" '!out:error:' $'!out:\x1b'
	run others "$LDAPSTORE" get "$OTHER"
	row_check "$T/others" "out:$OTHER ok q=3"
}

# corrupt ID LDIF: the server takes the write; the user's record is then
# refused as corrupt everywhere, cleanly.
corrupt() {
	local id=$1
	if write "$id" 0 "$2"; then
		run store "$LDAPSTORE" get "$ME"
		row_check "$T/store" "out:$ME data is corrupt: $HOSTILE_LDAP_BASE: record of $ME is corrupt"
		run list "$LDAPSTORE" list
		row_check "$T/list" "out:$ME!" "out:$OTHER+"
		pam_run reset l-totp auth ""
		row_check "$T/reset" "out:result: PAM_AUTH_ERR" "out:Password reset is unavailable." \
			"out:Call 555-0100." "log:password reset unavailable: user=$ME" \
			"log:record of $ME is corrupt" '!out:prompt: Code' $'!out:\x1b'
		pam_run account l-login account
		row_check "$T/account" "out:result: PAM_SUCCESS" "log:store: " \
			"log:record of $ME is corrupt"
		login_unaffected
		# What sspr-admin revoke and enroll do: overwrite it.
		run replace "$LDAPSTORE" replace "$ME"
		row_check "$T/replace" "out:replace ok"
		run replaced "$LDAPSTORE" get "$ME"
		row_check "$T/replaced" "out:$ME ok q=0 totp=0 rec=0"
	fi
	finish "$id"
}

# refused ID CODE LDIF: the directory's schema refuses the write (CODE is
# the LDAP result); the record stays as it was.
refused() {
	local id=$1
	if write "$id" "$2" "$3"; then
		run store "$LDAPSTORE" get "$ME"
		row_check "$T/store" "out:$ME ok q=3 totp=1"
		login_unaffected
	fi
	finish "$id"
}

# ---- the rows ------------------------------------------------------------
corrupt L01 "replace: ssprMail
ssprMail: $(printf 'm%.0s' {1..10000})@example.org"
corrupt L02 "replace: ssprQuestion
ssprQuestion: 0 $HASH0 $(printf 'Q%.0s' {1..4000})?
ssprQuestion: 1 $HASH0 Two?
ssprQuestion: 2 $HASH0 Three?"
corrupt L03 "replace: ssprTotpSecret
ssprTotpSecret:: $(head -c 4096 /dev/urandom | base64 -w0)"
corrupt L04 $'replace: ssprTotpDigits\nssprTotpDigits: 99'
corrupt L05 $'replace: ssprLockedUntil\nssprLockedUntil: 99999999999999999999999'
corrupt L06 $'replace: ssprTotpPeriod\nssprTotpPeriod: -30'
corrupt L07 $'replace: ssprRevision\nssprRevision: 0'
refused L08 21 $'replace: ssprTotpPeriod\nssprTotpPeriod: thirty'
refused L09 21 $'replace: ssprTotpPeriod\nssprTotpPeriod: 030'
corrupt L10 "replace: ssprQuestion
ssprQuestion: 0 Pet?
ssprQuestion: 1 $HASH0 Two?
ssprQuestion: 2 $HASH0 Three?"
corrupt L11 "replace: ssprRecoverySalt
ssprRecoverySalt: 0123456789abcdef
-
replace: ssprRecoveryCode
$(for i in $(seq 0 59); do echo "ssprRecoveryCode: $i 0 $HEX64"; done)"
corrupt L12 "replace: ssprQuestion
ssprQuestion: 0 $HASH0 One?
ssprQuestion: 0 $HASH0 Again one?
ssprQuestion: 2 $HASH0 Three?"
corrupt L13 "replace: ssprRecoverySalt
ssprRecoverySalt: 0123456789abcdef
-
replace: ssprRecoveryCode
ssprRecoveryCode: 0 0 $HEX64
ssprRecoveryCode: 0 1 $HEX64"
refused L14 21 "replace: ssprMail
ssprMail:: $(b64 'a\xff\xfe@example.org')"
corrupt L15 "replace: ssprMail
ssprMail:: $(b64 'a\x00b@example.org')"
corrupt L16 "replace: ssprQuestion
ssprQuestion:: $(b64 '0 %s\x00junk One?' "$HASH0")
ssprQuestion: 1 $HASH0 Two?
ssprQuestion: 2 $HASH0 Three?"
corrupt L17 "replace: ssprRecoverySalt
ssprRecoverySalt: 0123456789abcdef
-
replace: ssprRecoveryCode
ssprRecoveryCode:: $(b64 '0\x00junk 0 %s' "$HEX64")"
refused L18 65 $'delete: ssprRevision'
corrupt L19 $'delete: ssprTotpDigits'
corrupt L20 "replace: ssprFailureTimes
ssprFailureTimes: $(seq -s ' ' 1000 1100)"
corrupt L21 $'replace: ssprPendingCode\nssprPendingCode: soon 1 $argon2id$x'
# An account entry that is no ssprAccount at all, so it has no ssprRevision
# (the schema makes one mandatory in an ssprAccount).
corrupt L22 "dn: $DN
changetype: delete

dn: $DN
changetype: add
objectClass: organizationalUnit
objectClass: extensibleObject
ou: intruder
ssprUser: $ME
ssprTotpDigits: 6"

# L23: the question text where the hash should be ("0 What is your pet?"):
# the first word of the text is taken for the hash, which no answer can
# match: the right answers are refused (and counted), never accepted.
if write L23 0 "replace: ssprQuestion
ssprQuestion: 0 What is your pet?
$(grep -E '^ssprQuestion: [12] ' "$T/good.ldif")"; then
	run store "$LDAPSTORE" get "$ME"
	row_check "$T/store" "out:$ME ok q=3"
	pam_run reset l-q auth "" "answer one" "answer two" "answer three"
	row_check "$T/reset" "out:result: PAM_AUTH_ERR" "out:The answers are not correct." \
		'!out:Your password has been changed.'
	login_unaffected
fi
finish L23

# L24: an ESC sequence in the (verified) address, which IA5String allows:
# the record decodes; sspr-admin shows it without the raw escape.
if write L24 0 "replace: ssprMail
ssprMail:: $(b64 'a\x1b[2J\x07@example.org')
-
replace: ssprMailVerifiedAt
ssprMailVerifiedAt: 1700000000"; then
	run store "$LDAPSTORE" get "$ME"
	row_check "$T/store" "out:$ME ok q=3"
	run show "$ADMIN" --config "$T/totp.conf" show "$ME"
	cat "$T/log" >>"$T/show"
	row_check "$T/show" "out:email:        a?[2J?@example.org" $'!out:\x1b' $'!out:\x07'
	login_unaffected
fi
finish L24

# L25: C1 controls (CSI U+009B, OSC U+009D, NEL U+0085, as UTF-8, which
# DirectoryString takes) in a question's text: shown as '?', escaped in JSON.
if write L25 0 "replace: ssprQuestion
ssprQuestion:: $(b64 "0 $HASH0 Pet\xc2\x9b2J\xc2\x9d0;x\xc2\x85?")
$(grep -E '^ssprQuestion: [12] ' "$T/good.ldif")"; then
	run show "$ADMIN" --config "$T/totp.conf" show "$ME"
	row_check "$T/show" "out:Pet?2J?0;x??" $'!out:\xc2\x9b' $'!out:\xc2\x9d' $'!out:\xc2\x85'
	run showjson "$ADMIN" --config "$T/totp.conf" show "$ME" --json
	row_check "$T/showjson" 'out:Pet\u009b2J\u009d0;x\u0085?' $'!out:\xc2\x9b'
	login_unaffected
fi
finish L25

# L26: bidi overrides and isolates (RLO U+202E, LRI U+2066, PDI U+2069)
# in a question's text: they could make a line read backwards.
if write L26 0 "replace: ssprQuestion
ssprQuestion:: $(b64 "0 $HASH0 \xe2\x80\xaecod\xe2\x81\xa6x\xe2\x81\xa9?")
$(grep -E '^ssprQuestion: [12] ' "$T/good.ldif")"; then
	run show "$ADMIN" --config "$T/totp.conf" show "$ME"
	row_check "$T/show" "out:?cod?x??" $'!out:\xe2\x80\xae' $'!out:\xe2\x81\xa6'
	run showjson "$ADMIN" --config "$T/totp.conf" show "$ME" --json
	row_check "$T/showjson" 'out:\u202ecod\u2066x\u2069?' $'!out:\xe2\x80\xae'
	login_unaffected
fi
finish L26

# ---- the catalogue and the table agree -----------------------------------
. "$(dirname "$0")/catalogue.sh"
catalogue_end "$CATALOGUE" 'L[0-9]{2}' 'directory catalogue'
