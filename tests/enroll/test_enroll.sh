#!/bin/bash
# sspr-enroll as users run it: installed setgid sspr-store, started by an
# unprivileged account, asking the real password through pam_unix, in the
# private-/etc sandbox. Then the enrolled app resets the password.
# Usage: test_enroll.sh MODULE ADMIN ENROLL
set -euo pipefail

module=$1
admin=$2
enroll=$3
. "$(dirname "$0")/../e2e/sandbox.sh"
sandbox_require pamtester oathtool setpriv
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"

install -o root -g sspr-store -m 2755 "$enroll" "$SANDBOX/sspr-enroll"
useradd -M -d /nonexistent -s /bin/bash -G sspr carol
useradd -M -d /nonexistent -s /bin/bash -G sspr dave
printf 'carol:%s\ndave:%s\n' "$SANDBOX_OLD_PASSWORD" "$SANDBOX_OLD_PASSWORD" | chpasswd

passed=0
failed=0
check() {
	local name=$1
	shift
	if "$@"; then echo "ok - $name"; passed=$((passed + 1)); else echo "not ok - $name"; failed=$((failed + 1)); fi
}
as() { # as USER COMMAND...: runs with the user's ids and groups, nothing else
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups "$@"
}

# enroll USER PASSWORD CODE-MODE: runs "sspr-enroll totp" as USER; answers the
# password, then (CODE-MODE=right) the code of the printed secret or
# (wrong) three wrong codes. Sets $out, $status, $secret.
enroll_totp() {
	local user=$1 password=$2 mode=$3 line
	out=""
	secret=""
	rm -f "$SANDBOX/in" "$SANDBOX/out"
	mkfifo "$SANDBOX/in" "$SANDBOX/out"
	as "$user" "$SANDBOX/sspr-enroll" --no-qr totp <"$SANDBOX/in" >"$SANDBOX/out" 2>&1 &
	local pid=$!
	exec 7>"$SANDBOX/in" 8<"$SANDBOX/out"
	printf '%s\n' "$password" >&7
	while IFS= read -r -u 8 line; do
		out+="$line"$'\n'
		case $line in
		otpauth://*) secret=${line#*secret=}; secret=${secret%%&*}; break ;;
		esac
	done
	if [ -n "$secret" ]; then
		if [ "$mode" = right ]; then
			oathtool --totp -b "$secret" >&7
		else
			printf '000000\n000000\n000000\n' >&7
		fi
	fi
	exec 7>&-
	out+=$(cat <&8 || true)
	exec 8<&-
	status=0
	wait "$pid" || status=$?
}

check "carol cannot read the store" bash -c "! setpriv --reuid=carol --regid=carol --init-groups cat '$SANDBOX/store/data.mdb' >/dev/null 2>&1"
check "carol cannot read the host key" bash -c "! setpriv --reuid=carol --regid=carol --init-groups cat '$SANDBOX/keys/host.key' >/dev/null 2>&1"

enroll_totp carol "wrong password" right
check "a wrong password is refused with exit 4" test "$status" = 4
check "and says authentication failed" grep -q "authentication failed" <<<"$out"
check "and shows no secret" test -z "$secret"

enroll_totp carol "$SANDBOX_OLD_PASSWORD" right
check "carol enrolls an app through the setgid helper" test "$status" = 0
check "she saw an otpauth URI with a secret" test -n "$secret"
check "she is told it is registered" grep -q "is registered" <<<"$out"
"$admin" show carol >"$SANDBOX/carol.txt" 2>&1 || true
check "the store has her app" grep -q "totp" "$SANDBOX/carol.txt"
check "the secret is not in the store in clear" bash -c "! grep -qa '$secret' '$SANDBOX/store/data.mdb'"
carol_secret=$secret

enroll_totp dave "$SANDBOX_OLD_PASSWORD" wrong
check "three wrong confirmation codes fail" test "$status" != 0
check "and say nothing was stored" grep -q "nothing was stored" <<<"$out"
check "dave has no record" bash -c "! '$admin' show dave >/dev/null 2>&1"

status=0
out=$(as carol "$SANDBOX/sspr-enroll" --config /tmp/x status 2>&1) || status=$?
check "--config is refused while setgid (exit 3)" test "$status" = 3
check "with a clear message" grep -q "not allowed when running setgid" <<<"$out"

status=0
out=$(as bob "$SANDBOX/sspr-enroll" --no-qr totp </dev/null 2>&1) || status=$?
check "bob, outside group sspr, is refused (exit 3)" test "$status" = 3
check "and told why, with the helpdesk text" bash -c "grep -q 'not a member of group sspr' <<<'$out' && grep -qF '$SANDBOX_HELPDESK' <<<'$out'"

out=$(as carol env HOME=/root USER=alice LOGNAME=alice "$SANDBOX/sspr-enroll" status --json 2>&1)
check "identity comes from the real uid, not the environment" grep -q '"user":"carol"' <<<"$out"
check "status --json is JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"

# The app carol registered now resets her password. The confirmation
# code's step is spent, so use the next step's code (inside the window).
code=$(oathtool --totp -b "$carol_secret" -N "now + 30 seconds")
status=0
out=$(printf '%s\n' "" "$code" "Carol-New-Pass-9" "Carol-New-Pass-9" |
	pamtester -v sspr-login carol authenticate 2>&1) || status=$?
[ "$status" = 0 ] || echo "$out"
check "the enrolled app resets carol's password" test "$status" = 0
status=0
printf '%s\n' "Carol-New-Pass-9" | pamtester sspr-login carol authenticate >/dev/null 2>&1 || status=$?
check "carol logs in with the new password" test "$status" = 0

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
