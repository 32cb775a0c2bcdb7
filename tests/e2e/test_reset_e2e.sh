#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root: real accounts, the real pam_unix changing a real
# shadow file, pam_sspr.so driven by pamtester, all inside a private mount
# namespace with a private copy of /etc (tests/e2e/sandbox.sh). The host's
# account files are compared before and after.
# Usage: test_reset_e2e.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_reset_e2e.sh MODULE ADMIN" >&2; exit 2; }
# meson passes build targets relative to the build directory; PAM needs an
# absolute module path (a relative one is looked up in the system's).
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
. "$(dirname "$0")/sandbox.sh"
sandbox_require pamtester oathtool awk
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"

. "$(dirname "$0")/checks.sh"

new_password='N3w-Secret-Pass!'
other_password='Other-Pass-123!'
alice_hash=$(sandbox_shadow_hash alice)
bob_hash=$(sandbox_shadow_hash bob)

# --- an ordinary login is unchanged ---------------------------------------
login alice "$SANDBOX_OLD_PASSWORD"
check "ordinary login with the right password works" logged_in
check "the module asks for the password itself" says "Password: "
check "an ordinary login says nothing about resets" never_says "code"
login alice "wrong-password"
check "ordinary login with a wrong password is refused" refused
check "ordinary logins leave the shadow entry alone" hash_is alice "$alice_hash"

# --- the reset --------------------------------------------------------------
sandbox_wait_fresh_step
code=$(sandbox_code)
login alice "" "$code" "$new_password" "$new_password"
check "reset with the right code logs alice in" logged_in
check "the code prompt mentions the code" says "code"
check "pam_unix asked for the new password" says "New password"
check "pam_unix asked to retype it" says "Retype new password"
check "pam_unix did not ask for the old password" never_says "urrent"
check "alice is told her password changed" says "Your password has been changed."
check "the shadow hash changed" hash_is_not alice "$alice_hash"
new_hash=$(sandbox_shadow_hash alice)

login alice "$SANDBOX_OLD_PASSWORD"
check "the old password no longer works" refused
login alice "$new_password"
check "the new password logs in through pam_unix" logged_in

# --- codes are single use and must be right ---------------------------------
login alice "" "$code" "$other_password" "$other_password"
check "a replayed code is refused" refused
check "the replay is told as an invalid code" says "The code is not valid."
check "the replay did not reach the password change" never_says "New password"
check "the replay changed nothing" hash_is alice "$new_hash"

wrong=$(sandbox_wrong_code)
login alice "" "$wrong" "$other_password" "$other_password"
check "a wrong code is refused" refused
check "the wrong code is told as an invalid code" says "The code is not valid."
check "the wrong code did not reach the password change" never_says "New password"
check "the wrong code changed nothing" hash_is alice "$new_hash"

# The next step's code is within the window and has not been used.
next=$(oathtool --totp -b "$SECRET" -N "now + 30 seconds")
login alice "" "$next" "$other_password" "Typo-$other_password"
check "a mistyped retype is refused" refused
check "pam_unix reports the mismatch" says "do not match"
check "a mistyped retype changed nothing" hash_is alice "$new_hash"
login alice "$new_password"
check "after the failed change the password still works" logged_in

# --- users who may not reset (enumeration = hide, the default) -------------
# Bob is not in group sspr: he sees what an enrolled user with a wrong code
# sees, so a stranger at the prompt cannot tell who may reset.
login bob "" "$wrong"
check "bob (not in group sspr) cannot reset" refused
check "bob is asked for a code, as an enrolled user would be" says "Verification code from your authenticator app"
check "bob's attempt fails as a wrong code does" says "The code is not valid."
check "bob sees the helpdesk text" says "$SANDBOX_HELPDESK"
check "bob is never told why" never_says "not set up"
check "bob's password is untouched" hash_is bob "$bob_hash"
login nosuchuser "" "$wrong"
check "a user who does not exist gets the same dialog" says "The code is not valid."
login bob "$SANDBOX_OLD_PASSWORD"
check "bob still logs in with his password" logged_in
login bob "" "$wrong" "$SANDBOX_OLD_PASSWORD"
check "after the refusal pam_unix asks again and bob gets in" logged_in

# With enumeration = show he is told plainly.
echo "enumeration = show" >>/etc/security/sspr.conf
login bob ""
check "show: bob is told reset is not set up" says "Password reset is not set up for this account."
check "show: bob is not asked for a code" never_says "code"
sed -i '/^enumeration = show$/d' /etc/security/sspr.conf

"$admin" show alice >"$SANDBOX/show.txt" 2>&1 || true
out=$(cat "$SANDBOX/show.txt")
check "sspr-admin shows alice's app" says "totp"

# --- the stacks pam.d/login.example recommends, as shipped -----------------
example=$(dirname "$0")/../../pam.d/login.example
grep -E '^(auth|account)' "$example" | sed "s|pam_sspr\.so|$module|" >/etc/pam.d/sspr-example-empty
{
	sed -n '/^# --- trigger=offer/,/^$/s/^#auth /auth /p' "$example"
	grep -E '^account' "$example"
} | sed "s|pam_sspr\.so|$module|" >/etc/pam.d/sspr-example-offer
# A user of her own, so her codes do not collide with alice's spent steps.
useradd -M -d /nonexistent -s /bin/bash -G sspr olga
printf 'olga:%s\n' "$SANDBOX_OLD_PASSWORD" | chpasswd
olga_secret=$(head -c 20 /dev/urandom | base32 | tr -d '=')
printf '%s\n' "$olga_secret" | "$admin" enroll olga totp --secret-stdin >/dev/null
olga_hash=$(sandbox_shadow_hash olga)
example() { # example STACK USER ANSWER...
	local stack=$1 user=$2
	shift 2
	status=0
	out=$(printf '%s\n' "$@" | pamtester -v "sspr-example-$stack" "$user" authenticate 2>&1) || status=$?
}

example empty olga "$SANDBOX_OLD_PASSWORD"
check "login.example (empty): the right password logs in" logged_in
example empty olga "wrong-password"
check "login.example (empty): a wrong password is refused" refused
example empty olga "" "$(sandbox_wrong_code)" "$SANDBOX_OLD_PASSWORD"
check "login.example (empty): after a wrong code pam_unix asks again" logged_in
check "login.example (empty): the wrong code was told" says "The code is not valid."

example offer olga "$SANDBOX_OLD_PASSWORD"
check "login.example (offer): the right password logs in" logged_in
check "login.example (offer): no reset is offered after a right password" never_says "Forgot"
example offer olga "wrong-password" "n"
check "login.example (offer): a wrong password then no is refused" refused
check "login.example (offer): the reset is offered after a wrong password" says "Forgot your password? Reset it now? [y/N]"
check "login.example (offer): declining changes nothing" hash_is olga "$olga_hash"
example offer olga "wrong-password" "y" "$(oathtool --totp -b "$olga_secret")" "$other_password" "$other_password"
check "login.example (offer): yes, the code and a new password log in" logged_in
check "login.example (offer): the password changed" hash_is_not olga "$olga_hash"
example offer olga "$other_password"
check "login.example (offer): the new password logs in" logged_in

# --- a broken policy fails closed for resets, open for passwords ------------
echo "lockout_attempts = lots" >>/etc/security/sspr.conf
login alice "$new_password"
check "a broken policy file leaves password login working" logged_in
login alice "wrong-password"
check "a broken policy file does not let a wrong password in" refused
login alice ""
check "a broken policy file refuses resets" says "Password reset is unavailable."
check "a broken policy file does not let an empty answer in" refused
check "a broken policy file changed nothing" hash_is alice "$new_hash"

checks_done
