#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end across two hosts that share one replicated directory, as root:
# host A talks to server A only, host B to server B only (the two slapd
# servers of tests/ldap/with-slapd.sh, multi-provider syncrepl), both with
# the same fleet key pair. Alice enrolls through host A; once server B has
# her record, she resets her password through host B with the real pam_unix
# (pamtester), the new password works, server A learns the accepted step and
# the reset, and the code host B accepted is refused on host A. Everything
# inside the private namespace of tests/e2e/sandbox.sh.
# Usage: with-slapd.sh bash test_cross_host.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_cross_host.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../../e2e" && pwd)
. "$e2e/sandbox.sh"
sandbox_require pamtester oathtool awk ldapsearch python3 pam-auth-update
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$e2e/checks.sh"
. "$here/hosts.sh"
hosts_init "$module" "$admin"

host_add a "$SSPR_LDAP_URI_A"
host_add b "$SSPR_LDAP_URI_B"
new_password='Cross-Host-Pass-1!'
other_password='Cross-Host-Pass-2!'
# sspr-passwd keeps a history (pam_pwhistory): the third reset needs a
# password not used before.
third_password='Cross-Host-Pass-3!'

# --- one fleet key: made on host A, moved to host B -------------------------
status=0
out=$(host_admin a init 2>&1) || status=$?
check "sspr-admin init on host A makes the key and the directory store" [ "$status" = 0 ]
out=$(ldap_store_format "$SSPR_LDAP_URI_A")
check "server A carries the store (ssprFormat 1 on the base)" [ "$out" = 1 ]
status=0
out=$(host_copy_keys a b 2>&1) || status=$?
check "key export on A | key install on B succeeds" [ "$status" = 0 ]
check "host B holds host A's public key" cmp -s "$SANDBOX/keys-a/host.pub" "$SANDBOX/keys-b/host.pub"
check "host B holds host A's private key" cmp -s "$SANDBOX/keys-a/host.key" "$SANDBOX/keys-b/host.key"
out=$(stat -c '%a %U' "$SANDBOX/keys-b/host.key")
check "host B's private key is root's, mode 600" [ "$out" = "600 root" ]
status=0
out=$(host_admin b check-config 2>&1) || status=$?
check "sspr-admin check-config on host B accepts its key and the store" [ "$status" = 0 ]

# --- alice enrolls through host A ---------------------------------------------
status=0
out=$(printf '%s\n' "$SECRET" | host_admin a enroll alice totp --secret-stdin 2>&1) || status=$?
check "alice's authenticator is enrolled through host A" [ "$status" = 0 ]
out=$(ldap_get "$SSPR_LDAP_URI_A" alice ssprTotpDigits)
check "server A has alice's record" [ "$out" = 6 ]
wait_present "$SSPR_LDAP_URI_B" alice ssprTotpSecret || true
echo "# replication A->B: alice's authenticator visible on server B after $lag s"
out="lag: $lag"
check "server B receives alice's record" [ "$lag" != timeout ]
out=$(ldap_get "$SSPR_LDAP_URI_B" alice ssprTotpSecret)
# Sealed: longer than the secret by a sealed box's overhead at least, and
# the secret's bytes appear nowhere in it.
sealed_ok() {
	python3 - "$SECRET" "$out" <<-'PY'
		import base64, sys
		raw = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
		val = base64.b64decode(sys.argv[2])
		sys.exit(0 if len(val) >= len(raw) + 48 and raw not in val else 1)
	PY
}
check "the secret on server B is sealed, never the secret itself" sealed_ok

status=0
out=$(sample_questions | host_admin a enroll alice questions --stdin 2>&1) || status=$?
check "alice's security questions are enrolled through host A" [ "$status" = 0 ]
t0=$(date +%s.%N)
for _ in $(seq 600); do
	[ "$(ldap_get "$SSPR_LDAP_URI_B" alice ssprQuestion | wc -l)" = 3 ] && break
	sleep 0.05
done
echo "# replication A->B: alice's questions visible on server B after" \
	"$(seconds_between "$t0" "$(date +%s.%N)") s"
out=$(ldap_get "$SSPR_LDAP_URI_B" alice ssprQuestion)
check "server B has alice's three questions" [ "$(wc -l <<<"$out")" = 3 ]
check "server B holds answer hashes, not answers" never_says "Fluffy"

# --- alice resets through host B ----------------------------------------------
alice_hash=$(sandbox_shadow_hash alice)
sandbox_wait_fresh_step
code=$(sandbox_code)
step=$(current_step)
host_login b alice "" 1 "$code" "$new_password" "$new_password"
check "host B: the reset with the code logs alice in" logged_in
check "host B: the menu offers the policy's four methods (enumeration = hide)" says "Choose 1-4"
check "host B: pam_unix asked for the new password" says "New password"
check "host B: alice is told her password changed" says "Your password has been changed."
check "host B: the shadow hash changed" hash_is_not alice "$alice_hash"
new_hash=$(sandbox_shadow_hash alice)
host_login b alice "$new_password"
check "host B: the new password logs in through pam_unix" logged_in
host_login b alice "$SANDBOX_OLD_PASSWORD"
check "host B: the old password does not" refused

out=$(ldap_get "$SSPR_LDAP_URI_B" alice ssprTotpLastStep)
check "server B records the accepted step ($step)" [ "$out" = "$step" ]
wait_on "$SSPR_LDAP_URI_A" alice ssprTotpLastStep "$step" || true
echo "# replication B->A: the accepted step visible on server A after $lag s"
out="lag: $lag"
check "server A learns the step host B accepted" [ "$lag" != timeout ]
# The audit event is its own entry, written after the record.
for _ in $(seq 100); do
	out=$(host_admin a show alice 2>&1) || true
	grep -q "reset success totp service=sspr-b" <<<"$out" && break
	sleep 0.1
done
check "sspr-admin show on host A: the last step is the one B accepted" says "last step $step"
check "sspr-admin show on host A: the reset through host B is listed" \
	says "reset success totp service=sspr-b"

# --- replay across hosts --------------------------------------------------------
host_login a alice "" 1 "$code" "$other_password" "$other_password"
check "host A refuses the code host B accepted" refused
check "host A tells the replay as an invalid code" says "The code is not valid."
check "the replay did not reach the password change" never_says "New password"
check "the replay changed nothing" hash_is alice "$new_hash"

# The next step's code is fresh: host A itself resets fine, so the refusal
# above was the replay, not a broken host.
next=$(oathtool --totp -b "$SECRET" -N "now + 30 seconds")
host_login a alice "" 1 "$next" "$other_password" "$other_password"
check "host A: a fresh code resets alice" logged_in
check "host A: the shadow hash changed again" hash_is_not alice "$new_hash"
new_hash=$(sandbox_shadow_hash alice)
wait_on "$SSPR_LDAP_URI_B" alice ssprTotpLastStep "$((step + 1))" || true
echo "# replication A->B: the next step visible on server B after $lag s"
host_login b alice "" 1 "$next" "$new_password" "$new_password"
check "host B refuses the code host A accepted" refused
check "host B tells that replay as an invalid code" says "The code is not valid."
check "that replay changed nothing" hash_is alice "$new_hash"

# --- the second method, enrolled on A, used on B ------------------------------
host_converse b alice "${sample_answers[@]}" "" 2 "$third_password" "$third_password"
check "host B: the questions enrolled on host A reset alice" logged_in
check "host B: the questions were asked" says "first pet"
check "host B: the question reset changed the password" hash_is_not alice "$new_hash"
host_login b alice "$third_password"
check "host B: the password set by the question reset logs in" logged_in

checks_done
