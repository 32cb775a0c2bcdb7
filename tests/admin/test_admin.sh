#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# sspr-admin through its command line, against a policy, key and store in a
# temporary directory. Works unprivileged and as root. Every check looks at
# what the admin sees (stdout, stderr), not only at the exit code.
#
# The store is LMDB in the temporary directory, or with SSPR_TEST_BACKEND=ldap
# (run under tests/ldap/with-slapd.sh) sub-bases of this run on the test
# directory server A: the same checks prove both backends. store_tool
# is given the policy file, so it opens whichever store the policy names.
#
# usage: test_admin.sh [--part core|methods] SSPR_ADMIN ADMIN_TEST_HELPER
#   --part core: without test_admin_methods.sh; --part methods: only it,
#   after an init (what test_admin_methods.sh run as a program does).
set -u

PART=all
if [ "${1:-}" = --part ]; then
	PART=${2:-}
	shift 2 || shift
fi
case $PART in
all | core | methods) ;;
*) echo "test_admin.sh: --part must be core or methods" >&2; exit 2 ;;
esac
ADMIN=${1:?usage: test_admin.sh [--part core|methods] SSPR_ADMIN ADMIN_TEST_HELPER}
HELPER=${2:?usage: test_admin.sh [--part core|methods] SSPR_ADMIN ADMIN_TEST_HELPER}
BACKEND=${SSPR_TEST_BACKEND:-lmdb}
case $BACKEND in
lmdb) ;;
ldap)
	for v in SSPR_LDAP_DIR SSPR_LDAP_URI_A SSPR_LDAP_URI_B SSPR_LDAP_BASE SSPR_LDAP_BIND_DN \
		SSPR_LDAP_BIND_PASSWORD_FILE SSPR_LDAP_CACERT SSPR_LDAP_ROOT_DN \
		SSPR_LDAP_ROOT_PASSWORD_FILE; do
		if [ -z "${!v:-}" ]; then
			echo "test_admin.sh: SSPR_TEST_BACKEND=ldap but $v is not set: run under tests/ldap/with-slapd.sh" >&2
			exit 1
		fi
	done
	;;
*) echo "test_admin.sh: SSPR_TEST_BACKEND must be lmdb or ldap" >&2; exit 1 ;;
esac
ME=$(id -un)
# A 20-byte secret, and the same in the form people paste it: lower case, spaces.
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SECRET_PASTED="jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"
NOUSER=sspr-test-no-such-user

T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-admin-test.XXXXXX") || exit 99
trap 'chmod -R u+rwX "$T" 2>/dev/null; rm -rf "$T"' EXIT

# store_name NAME: what sspr-admin calls store NAME of this run in its
# messages: the LMDB directory $T/NAME, or a directory sub-base of its own
# (per store and run, so runs and test programs never share records).
store_name() {
	if [ "$BACKEND" = ldap ]; then
		printf 'ou=adm%s%s,%s' "$$" "$1" "$SSPR_LDAP_BASE"
	else
		printf '%s/%s' "$T" "$1"
	fi
}
# store_lines NAME: the policy lines that name store NAME.
store_lines() {
	if [ "$BACKEND" = ldap ]; then
		printf 'store_backend = ldap\nldap_uri = %s\nldap_base = %s\n' "$SSPR_LDAP_URI_A" \
			"$(store_name "$1")"
		printf 'ldap_bind_dn = %s\nldap_bind_password_file = %s\nldap_tls_cacert = %s\n' \
			"$SSPR_LDAP_BIND_DN" "$SSPR_LDAP_BIND_PASSWORD_FILE" "$SSPR_LDAP_CACERT"
	else
		printf 'store = %s/%s\n' "$T" "$1"
	fi
}
# write_conf NAME FILE: the test policy on store NAME, in FILE.
write_conf() {
	{
		echo "# written by test_admin.sh"
		store_lines "$1"
		printf 'key_dir = %s/keys\nmin_uid = 0\ngroup = *\nallow_root = yes\n' "$T"
		echo "# The cheapest Argon2id cost: the tests hash many answers."
		printf 'argon2_opslimit = 1\nargon2_memlimit = 8192\n'
	} >"$2"
	chmod 0644 "$2"
}
CONF=$T/sspr.conf
write_conf store "$CONF"
STORE=$(store_name store)

. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

# run [ARGS...]: sspr-admin with our policy and empty stdin.
run() {
	"$ADMIN" --config "$CONF" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
# run_raw [ARGS...]: no --config added.
run_raw() {
	"$ADMIN" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
# run_file FILE [ARGS...]: FILE on stdin.
run_file() {
	local input=$1
	shift
	"$ADMIN" --config "$CONF" "$@" <"$input" >"$T/out" 2>"$T/err"
	rc=$?
}
# run_in INPUT [ARGS...]: INPUT and a newline on stdin.
run_in() {
	local input=$1
	shift
	printf '%s\n' "$input" | "$ADMIN" --config "$CONF" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

no_secret() {
	refute "$1: secret not shown" out "$SECRET" err "$SECRET" out "jbsw y3dp" err "jbsw y3dp"
}

have_python=no
if python3 -c 'import json' >/dev/null 2>&1; then
	have_python=yes
fi

# json_check NAME PYTHON_EXPR: stdout parses as JSON and the expression
# (over `d`, the document) is true. Without python, only the exit code.
json_check() {
	checks=$((checks + 1))
	if [ "$have_python" = no ]; then
		echo "ok - $1 # SKIP python3 not available"
		return
	fi
	if ! ME="$ME" python3 -c '
import json, os, sys
me = os.environ["ME"]
d = json.load(open(sys.argv[1]))
sys.exit(0 if ('"$2"') else 1)
' "$T/out" 2>>"$T/err"; then
		fail "$1: JSON check failed: $2"
		return
	fi
	echo "ok - $1"
}

sha() {
	sha256sum "$@" | cut -d' ' -f1 | tr '\n' ' '
}

mode_of() {
	stat -c %a "$1"
}

finish() {
	checks_done
	exit
}

# ldap_root_search BASE SCOPE FILTER ATTRS...: what the directory holds, read
# with the test server's root DN (over StartTLS: the servers take no simple
# bind without it).
ldap_root_search() {
	LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapsearch -ZZ -LLL -o ldif-wrap=no -x \
		-H "$SSPR_LDAP_URI_A" -D "$SSPR_LDAP_ROOT_DN" -y "$SSPR_LDAP_ROOT_PASSWORD_FILE" \
		-b "$1" -s "$2" "$3" "${@:4}"
}

# test_admin_methods.sh run as a program: a fresh store, then only its checks.
if [ "$PART" = methods ]; then
	run init
	expect "init creates key and store" 0 out "host key created" out "store created"
	. "$(dirname "${BASH_SOURCE[0]}")/test_admin_methods.sh"
	finish
fi

### global options and usage
run_raw --help
expect "--help prints usage" 0 out "Usage: sspr-admin" out "check-config"
run_raw --version
expect "--version" 0 out "sspr-admin "
run_raw
expect "no command is a usage error" 2 err "Usage: sspr-admin"
run frobnicate
expect "unknown command is a usage error" 2 err "sspr-admin: unknown command 'frobnicate'"
run_raw --bogus list
expect "unknown global option is a usage error" 2 err "unknown option '--bogus'"
run_raw --config
expect "--config without PATH is a usage error" 2 err "--config needs a PATH"
run_raw --help
expect "--help lists every command" 0 out "enroll USER questions --stdin" \
	out "enroll USER email ADDRESS" out "import oath FILE" out "import google-authenticator USER FILE" \
	out "report [--since DAYS] [--json]"

### check-config before init, and its errors
run check-config
expect "check-config before init names the fix" 1 err "sspr-admin init"
refute "check-config before init does not say OK" out "OK"

run_raw --config "$T/missing.conf" check-config
expect "explicit missing config is an error" 1 err "$T/missing.conf"

printf '# comment\nbogus_key = 1\n' >"$T/badkey.conf"
chmod 0644 "$T/badkey.conf"
run_raw --config "$T/badkey.conf" check-config
expect "unknown key: PATH:LINE: message" 1 err "sspr-admin: $T/badkey.conf:2:" err "bogus_key"

printf 'totp_digits = 42\n' >"$T/badvalue.conf"
chmod 0644 "$T/badvalue.conf"
run_raw --config "$T/badvalue.conf" check-config
expect "out-of-range value: PATH:LINE: message" 1 err "$T/badvalue.conf:1:" err "totp_digits"

cp "$CONF" "$T/writable.conf"
chmod 0666 "$T/writable.conf"
run_raw --config "$T/writable.conf" check-config
expect "world-writable policy is not permitted" 3 err "$T/writable.conf"

run_raw --config "$T/badkey.conf" list
expect "a broken policy stops every command" 1 err "$T/badkey.conf:2:"

### init
if [ "$(id -u)" -ne 0 ]; then
	run_raw init
	expect "init without root and without --config" 3 err "must be run as root"
elif command -v setpriv >/dev/null && [ ! -e /etc/security/sspr.conf ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ADMIN" init \
		>"$T/out" 2>"$T/err" </dev/null
	rc=$?
	expect "init without root and without --config (as nobody)" 3 err "must be run as root"
fi

run init extra
expect "init takes no arguments" 2 err "init takes no arguments"

run init
expect "init creates key and store" 0 out "host key created" out "store created"
checks=$((checks + 1))
if [ "$(mode_of "$T/keys/host.key")" = 600 ] && [ "$(mode_of "$T/keys/host.pub")" = 644 ]; then
	echo "ok - host.key 0600, host.pub 0644"
else
	fail "key modes: host.key $(mode_of "$T/keys/host.key"), host.pub $(mode_of "$T/keys/host.pub")"
fi
checks=$((checks + 1))
if [ "$BACKEND" = ldap ]; then
	# The directory's counterpart of the store directory: the base carrying
	# ssprFormat 1, with ou=users and ou=events under it.
	if ldap_root_search "$STORE" base '(ssprFormat=1)' dn 2>"$T/err" | grep -qxF "dn: $STORE" &&
		[ "$(ldap_root_search "$STORE" one '(objectClass=organizationalUnit)' dn 2>>"$T/err" |
			grep -cE '^dn: ou=(users|events),')" = 2 ]; then
		echo "ok - base $STORE: ssprFormat 1, ou=users, ou=events"
	else
		fail "init did not lay out the base $STORE"
	fi
else
	# The mode and group of the LMDB store directory: the directory has
	# none (who may read it there is the server's ACL, tested in tests/ldap).
	if [ "$(id -u)" -eq 0 ] && getent group sspr >/dev/null; then
		want_mode=2770
		want_group=sspr
	else
		want_mode=700
		want_group=$(stat -c %G "$T/store")
	fi
	if [ "$(mode_of "$T/store")" = "$want_mode" ] &&
		[ "$(stat -c %G "$T/store")" = "$want_group" ]; then
		echo "ok - store directory mode $want_mode, group $want_group"
	else
		fail "store directory: mode $(mode_of "$T/store") group $(stat -c %G "$T/store"), expected $want_mode $want_group"
	fi
fi
keys_before=$(sha "$T/keys/host.key" "$T/keys/host.pub")

run init
if [ "$BACKEND" = ldap ]; then
	# On the directory a second init says nothing of the host key it keeps:
	# it checks that key against the secrets the directory holds instead.
	expect "init again keeps everything" 0 out "$STORE: directory store already exists, kept"
else
	expect "init again keeps everything" 0 out "host key already exists, kept" \
		out "store already exists, kept"
fi
refute "init again creates nothing" out "created"
checks=$((checks + 1))
if [ "$(sha "$T/keys/host.key" "$T/keys/host.pub")" = "$keys_before" ]; then
	echo "ok - second init did not change the host key"
else
	fail "second init changed the host key"
fi

### check-config after init
run check-config
expect "check-config OK" 0 out "$CONF: OK"
run check-config --print
if [ "$BACKEND" = ldap ]; then
	store_printed="ldap_base = $STORE"
else
	store_printed="store = $STORE"
fi
expect "check-config --print" 0 out "$store_printed" out "key_dir = $T/keys" out "min_uid = 0" \
	out "totp_digits = 6" out "$CONF: OK"
run check-config extra
expect "check-config takes no arguments" 2 err "usage: check-config"

### enroll
run_in "$SECRET" enroll "$ME" totp --secret-stdin
expect "enroll totp from stdin" 0 out "$ME: totp enrolled (6 digits, 30 s period)"
no_secret "enroll"

run_in "$SECRET_PASTED" enroll "$ME" totp --secret-stdin
expect "enroll again, pasted form, replaces" 0 out "replacing the previous secret"
no_secret "enroll again"

run enroll "$ME" totp "$SECRET"
expect "secret in argv is a usage error" 2 err "never taken from the command line"
no_secret "secret in argv"

run enroll "$ME" totp "--secret=$SECRET"
expect "--secret=VALUE is a usage error" 2 err "unknown option '--secret'"
no_secret "--secret=VALUE"

run enroll "$ME" totp
expect "enroll without --secret-stdin is a usage error" 2 err "--secret-stdin"
run enroll "$ME"
expect "enroll without method is a usage error" 2 err "usage: enroll USER totp --secret-stdin"
run enroll "$ME" sms --secret-stdin
expect "enroll unknown method is a usage error" 2 err "unknown method"

run_in JBSWY3DP enroll "$ME" totp --secret-stdin
expect "too-short secret refused" 1 err "secret is too short: 5 bytes"
run_in "$SECRET$SECRET$SECRET$SECRET$SECRET" enroll "$ME" totp --secret-stdin
expect "secret over 64 bytes refused" 1 err "secret is too long: 100 bytes"
run_in "$(printf 'A%.0s' $(seq 300))" enroll "$ME" totp --secret-stdin
expect "line over 256 characters refused" 1 err "secret is too long (at most 256 characters)"
run_in 'JBSWY3DP!HPK3PXP' enroll "$ME" totp --secret-stdin
expect "non-base32 secret refused" 1 err "not valid base32"
refute "non-base32 secret not echoed" err "JBSWY3DP!"
run enroll "$ME" totp --secret-stdin
expect "empty stdin refused" 1 err "no secret on stdin"

run_in "$SECRET" enroll "$NOUSER" totp --secret-stdin
expect "unknown user refused" 1 err "$NOUSER: no such user"
run_in "$SECRET" enroll 'bad/name' totp --secret-stdin
expect "invalid user name refused" 1 err "invalid user name"
refute "invalid user name not echoed" err "bad/name"

{ store_lines store; printf 'key_dir = %s/nokeys\nmin_uid = 0\ngroup = *\n' "$T"; } >"$T/nokey.conf"
chmod 0644 "$T/nokey.conf"
printf '%s\n' "$SECRET" | "$ADMIN" --config "$T/nokey.conf" enroll "$ME" totp --secret-stdin \
	>"$T/out" 2>"$T/err"
rc=$?
expect "enroll without a host key names the fix" 1 err "sspr-admin init"

### show and list
run show "$ME"
expect "show" 0 out "user:         $ME" out "status:       ok" out "methods:      totp" \
	out "totp:         default: enrolled" out "6 digits, 30 s period, last step 0" out "failures:     0" \
	out "registered:   20" out "confirmed:    20"
no_secret "show"
run show "$ME" --json
expect "show --json" 0 out "\"user\":\"$ME\"" out "\"digits\":6" out "\"methods\":[\"totp\"]"
json_check "show --json is valid JSON with the fields" \
	'd["user"] == me and d["status"] == "ok" and d["methods"] == ["totp"] and d["totp"]["period"] == 30 and d["totp"]["last_step"] == 0 and d["failures"] == 0 and d["locked_until"] is None and d["registered_at"].endswith("Z") and "sealed" not in json.dumps(d)'
no_secret "show --json"

run list
expect "list" 0 out "$ME"
checks=$((checks + 1))
if grep -E "^$ME +totp +ok +[0-9]{4}-[0-9]{2}-[0-9]{2}\$" "$T/out" >/dev/null; then
	echo "ok - list line: name, methods, state, date"
else
	fail "list line format"
fi
run list --json
expect "list --json" 0 out "\"user\":\"$ME\""
json_check "list --json is an array with our user" \
	'isinstance(d, list) and any(u["user"] == me and u["methods"] == ["totp"] and u["status"] == "ok" for u in d)'
no_secret "list"

run show "$NOUSER"
expect "show of someone not enrolled" 1 err "$NOUSER: not enrolled"
run show
expect "show without USER is a usage error" 2 err "usage: show USER"
run show a b
expect "show with two users is a usage error" 2 err "usage: show USER"
run list extra
expect "list takes no arguments" 2 err "usage: list"
run list --bogus
expect "list with unknown option is a usage error" 2 err "unknown option '--bogus'"

### failures, lock, unlock
if "$HELPER" fail "$CONF" "$ME" 2>"$T/err"; then
	run show "$ME"
	expect "show counts a failure" 0 out "failures:     1 (last 20"
	"$HELPER" lock "$CONF" "$ME"
	run list
	checks=$((checks + 1))
	if grep -E "^$ME +totp +locked " "$T/out" >/dev/null; then
		echo "ok - list shows the lock"
	else
		fail "list does not show the lock"
	fi
	run show "$ME" --json
	json_check "show --json shows the lock" \
		'd["status"] == "locked" and d["locked_until"].endswith("Z")'
	run show "$ME"
	expect "show shows the lock" 0 out "status:       locked until 20"
	run unlock "$ME"
	expect "unlock a locked user" 0 out "$ME: unlocked (was locked until 20"
	run show "$ME"
	expect "unlocked user is ok again" 0 out "status:       ok" out "failures:     0" \
		out "locked until: -"
else
	checks=$((checks + 1))
	fail "store_tool could not record a failure"
fi
run unlock "$ME"
expect "unlock when not locked" 0 out "$ME: was not locked"
run unlock "$NOUSER"
expect "unlock of someone not enrolled" 1 err "$NOUSER: not enrolled"
run unlock
expect "unlock without USER is a usage error" 2 err "usage: unlock USER"

### corrupt records
"$HELPER" corrupt "$CONF" broken 2>"$T/err"
helper_rc=$?
if [ "$helper_rc" -eq 0 ]; then
	run list
	checks=$((checks + 1))
	if grep -E '^broken +- +corrupt +-$' "$T/out" >/dev/null && grep -q "^$ME " "$T/out"; then
		echo "ok - list shows a corrupt record as corrupt, and goes on"
	else
		fail "list with a corrupt record"
	fi
	run list --json
	json_check "list --json marks the corrupt record" \
		'any(u["user"] == "broken" and u["status"] == "corrupt" for u in d)'
	run show broken
	expect "show a corrupt record" 1 err "broken: record cannot be read (corrupt, or written by a newer version)"
	run unlock broken
	expect "unlock refuses a corrupt record" 1 err "broken: record cannot be read (corrupt, or written by a newer version)"
	run revoke broken totp
	expect "revoke METHOD refuses a corrupt record" 1 err "broken: record cannot be read (corrupt, or written by a newer version)"
	run revoke broken
	expect "revoke removes a corrupt record" 0 out "broken: corrupt record removed"
	run show broken
	expect "corrupt record is gone" 1 err "broken: not enrolled"
elif [ "$helper_rc" -eq 77 ]; then
	echo "ok - corrupt records # SKIP $(cat "$T/err")"
else
	checks=$((checks + 1))
	fail "store_tool corrupt failed"
fi

### revoke
run revoke "$ME" questions
expect "revoke a method not enrolled" 1 err "$ME: questions is not enrolled"
run revoke "$ME" sms
expect "revoke unknown method is a usage error" 2 err "unknown method 'sms'"
run revoke
expect "revoke without USER is a usage error" 2 err "usage: revoke USER [METHOD [DEVICE]]"
run revoke "$ME" totp
expect "revoke totp" 0 out "$ME: totp revoked"
run show "$ME"
expect "after revoke totp" 0 out "totp:         none" out "methods:      -"
run_in "$SECRET" enroll "$ME" totp --secret-stdin
expect "enroll again after revoke" 0 out "$ME: totp enrolled"
run revoke "$ME" totp tablet
expect "revoke a device not enrolled" 1 err "$ME: totp device tablet is not enrolled"
run revoke "$ME" totp $'ta\x1b[2Jb'
expect "revoke a bad device name is a usage error" 2 err "a DEVICE is one authenticator app's name"
run revoke "$ME" totp default
expect "revoke one device" 0 out "$ME: totp device default revoked"
run show "$ME"
expect "after revoking the one device" 0 out "totp:         none"
run_in "$SECRET" enroll "$ME" totp --secret-stdin
expect "enroll again after revoking the device" 0 out "$ME: totp enrolled"
run revoke "$ME"
expect "revoke all" 0 out "$ME: record removed"
run show "$ME"
expect "after revoke all" 1 err "$ME: not enrolled"
run revoke "$ME"
expect "revoke of someone not enrolled" 1 err "$ME: not enrolled"
run list
checks=$((checks + 1))
if [ ! -s "$T/out" ]; then
	echo "ok - list of an empty store prints nothing"
else
	fail "list of an empty store"
fi
run list --json
json_check "list --json of an empty store is []" 'd == []'

# enroll questions / email, import, report, show's events, revoke METHOD
if [ "$PART" = all ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/test_admin_methods.sh"
fi

### a store that is missing or unreadable
mkdir "$T/empty"
{ store_lines empty; printf 'key_dir = %s/keys\n' "$T"; } >"$T/empty.conf"
chmod 0644 "$T/empty.conf"
run_raw --config "$T/empty.conf" list
expect "no store: names the fix" 1 err "$(store_name empty): no store; run 'sspr-admin init'"

if [ "$BACKEND" = ldap ]; then
	# The directory's nearest equivalents of an unreadable store: a bind
	# the server refuses, and a server that is not there. Each is one
	# line naming the URI and why, and exit 1.
	printf 'not-the-password\n' >"$T/wrong.pw"
	chmod 0600 "$T/wrong.pw"
	sed "s|^ldap_bind_password_file = .*|ldap_bind_password_file = $T/wrong.pw|" "$CONF" \
		>"$T/wrongpw.conf"
	chmod 0644 "$T/wrongpw.conf"
	run_raw --config "$T/wrongpw.conf" list
	expect "a wrong bind password is refused" 1 \
		err "sspr-admin: $SSPR_LDAP_URI_A: Invalid credentials"
	checks=$((checks + 1))
	if [ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]; then
		echo "ok - a wrong bind password: one line, nothing listed"
	else
		fail "a wrong bind password: more than one line of error, or output"
	fi

	# Server B, stopped (nothing after this needs it): refused at once.
	bash "$(dirname "${BASH_SOURCE[0]}")/../ldap/slapd.sh" stop "$SSPR_LDAP_DIR" b \
		>"$T/out" 2>"$T/err" || fail "cannot stop server B"
	sed "s|^ldap_uri = .*|ldap_uri = $SSPR_LDAP_URI_B|" "$CONF" >"$T/down.conf"
	chmod 0644 "$T/down.conf"
	started=$SECONDS
	run_raw --config "$T/down.conf" list
	took=$((SECONDS - started))
	expect "a server that is down is named" 1 \
		err "sspr-admin: $SSPR_LDAP_URI_B: Can't contact LDAP server"
	checks=$((checks + 1))
	# ldap_timeout (5 s by default) bounds it; a refused connection is quicker.
	if [ "$(wc -l <"$T/err")" -eq 1 ] && [ "$took" -le 6 ]; then
		echo "ok - a server that is down: one line, within ldap_timeout"
	else
		fail "a server that is down: $(wc -l <"$T/err") lines of error, $took s"
	fi
	run_raw --config "$T/down.conf" show "$ME"
	expect "show with the server down is an error, not 'not enrolled'" 1 \
		err "$SSPR_LDAP_URI_B: Can't contact LDAP server"
	finish
fi

# The rest is about the LMDB store directory itself (a file in its place,
# its permissions), which has no counterpart on a directory server.

printf 'this is not a store\n' >"$T/notastore"
printf 'store = %s/notastore\nkey_dir = %s/keys\n' "$T" "$T" >"$T/file.conf"
chmod 0644 "$T/file.conf"
run_raw --config "$T/file.conf" list
checks=$((checks + 1))
if [ "$rc" -ne 0 ] && grep -qF "sspr-admin: $T/notastore" "$T/err"; then
	echo "ok - a file where the store should be is an error naming it"
else
	fail "store path is a file"
fi

if [ "$(id -u)" -ne 0 ]; then
	chmod 000 "$T/store"
	run list
	expect "unreadable store is not permitted" 3 err "$T/store"
	chmod 700 "$T/store"
fi

finish
