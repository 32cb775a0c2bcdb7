#!/bin/bash
# End to end, as root: real accounts, the real pam_unix changing a real
# shadow file, pam_sspr.so driven by pamtester, all inside a private mount
# namespace (tests/e2e/sandbox.sh). Usage: test_reset_e2e.sh MODULE ADMIN
set -euo pipefail

module=$1
admin=$2
. "$(dirname "$0")/sandbox.sh"
sandbox_require pamtester oathtool
if [ -z "${SSPR_SANDBOX_INSIDE:-}" ]; then
	before=$(sha256sum /etc/shadow /etc/passwd /etc/group)
	rc=0
	SSPR_SANDBOX_INSIDE= unshare --mount --propagation private \
		env SSPR_SANDBOX_INSIDE=1 bash "$0" "$@" || rc=$?
	after=$(sha256sum /etc/shadow /etc/passwd /etc/group)
	if [ "$before" != "$after" ]; then
		echo "FAIL: the host's /etc changed"
		exit 1
	fi
	exit "$rc"
fi

sandbox_setup "$module" "$admin"

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# login USER ANSWER...: runs an authentication with the answers on stdin;
# output in $out, status in $status.
login() {
	local user=$1
	shift
	status=0
	out=$(printf '%s\n' "$@" | pamtester -v sspr-login "$user" authenticate 2>&1) || status=$?
}
succeeded() { [ "$status" = 0 ] && grep -q "successfully authenticated" <<<"$out"; }
failed_auth() { [ "$status" != 0 ]; }
says() { grep -qF -- "$1" <<<"$out"; }

new_password='N3w-Secret-Pass!'
old_hash=$(sandbox_shadow_hash alice)
bob_hash=$(sandbox_shadow_hash bob)

login alice "$SANDBOX_OLD_PASSWORD"
check "ordinary login with the right password works" succeeded
login alice "wrong-password"
check "ordinary login with a wrong password fails" failed_auth

# Wait until the code has at least a few seconds left, so the reset and the
# replay below use the same time step.
while [ $(( $(date +%s) % 30 )) -gt 25 ]; do sleep 1; done
code=$(sandbox_code)
login alice "" "$code" "$new_password" "$new_password"
check "reset with the right code logs alice in" succeeded
check "the code prompt mentions the code" says "code"
check "pam_unix asked for the new password" says "New password"
check "alice is told her password changed" says "Your password has been changed."
check "the shadow hash changed" test "$(sandbox_shadow_hash alice)" != "$old_hash"
new_hash=$(sandbox_shadow_hash alice)

login alice "$SANDBOX_OLD_PASSWORD"
check "the old password no longer works" failed_auth
login alice "$new_password"
check "the new password logs in through pam_unix" succeeded

login alice "" "$code" "Other-Pass-123!" "Other-Pass-123!"
check "a replayed code is refused" failed_auth
check "the replay is told as an invalid code" says "The code is not valid."
check "the replay changed nothing" test "$(sandbox_shadow_hash alice)" = "$new_hash"

login alice "" "000000" "Other-Pass-123!" "Other-Pass-123!"
check "a wrong code is refused" failed_auth
check "the wrong code changed nothing" test "$(sandbox_shadow_hash alice)" = "$new_hash"

login bob ""
check "bob (not in group sspr) cannot reset" failed_auth
check "bob is told reset is not set up" says "Password reset is not set up for this account."
check "bob sees the helpdesk text" says "$SANDBOX_HELPDESK"
check "bob's password is untouched" test "$(sandbox_shadow_hash bob)" = "$bob_hash"
login bob "$SANDBOX_OLD_PASSWORD"
check "bob still logs in with his password" succeeded

"$admin" show alice >"$SANDBOX/show.txt" 2>&1 || true
check "the audit trail has the reset" grep -q "totp" "$SANDBOX/show.txt"

echo "lockout_attempts = lots" >>/etc/security/sspr.conf
login alice "$new_password"
check "a broken policy file leaves password login working" succeeded
login alice ""
check "a broken policy file refuses resets" says "Password reset is unavailable."

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
