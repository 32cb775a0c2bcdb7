#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end, as root, for a delegated method (methods = pam:SERVICE): the
# real pam_oath with an HOTP usersfile runs inside the reset as one method,
# through the real pam_unix, in the private namespace of
# tests/e2e/sandbox.sh. Its success counts as one method, its failures
# toward pam_sspr's lockout, one question per run; with enumeration = hide a
# name that is no account gets the same service run for it, an account that
# cannot reset gets it run for no one; stacks that are no check are refused.
# oathtool computes the one-time passwords.
# Usage: test_delegated_e2e.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_delegated_e2e.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
sandbox_require pamtester python3 oathtool
oath_so=
for dir in /lib/*/security /usr/lib/*/security /lib/security; do
	[ -e "$dir/pam_oath.so" ] && oath_so=$dir/pam_oath.so
done
if [ -z "$oath_so" ]; then
	echo "1..0 # SKIP pam_oath.so is not installed (apt-get install libpam-oath)"
	exit 77
fi
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$here/checks.sh"

# --- the delegated service: pam_oath, an HOTP token for alice ---------------
key=3132333435363738393031323334353637383930
printf 'HOTP alice - %s\n' "$key" >/etc/users.oath
chmod 600 /etc/users.oath
cat >/etc/pam.d/sspr-oath <<PAM
auth required pam_oath.so usersfile=/etc/users.oath window=20 digits=6
PAM
# The token's counter: bumped here, in this shell (never in a $(...)),
# before each password it shows.
counter=0
bump() { counter=$((counter + 1)); }
otp() { oathtool --hotp -c "$counter" "$key"; }

policy() { # policy KEY=VALUE...: the sandbox's policy with these keys instead
	local kv
	for kv in "$@"; do
		sed -i "/^${kv%%=*} = /d" /etc/security/sspr.conf
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >>/etc/security/sspr.conf
	done
}
policy methods="totp pam:sspr-oath" pam_label="a one-time password from your OATH token" \
	enumeration=show lockout_attempts=3

# --- the policy's words ---------------------------------------------------------
T=$(mktemp -d)
for bad in "totp pam" "totp pam:" "totp pam:a/b" "totp pam:x pam:y" "pam:sspr-oath" \
	"totp pam:sspr-passwd"; do
	cp /etc/security/sspr.conf "$T/p.conf"
	sed -i '/^methods = /d' "$T/p.conf"
	printf 'methods = %s\n' "$bad" >>"$T/p.conf"
	rc=0
	"$admin" --config "$T/p.conf" check-config >"$T/out" 2>"$T/err" || rc=$?
	expect "policy: methods = $bad is refused" 1 err "$T/p.conf:"
done
rc=0
"$admin" check-config --print >"$T/out" 2>"$T/err" || rc=$?
expect "policy: the service is written back as pam:SERVICE" 0 out "methods = totp pam:sspr-oath"

# --- one method: the OATH token alone ------------------------------------------
alice_hash=$(sandbox_shadow_hash alice)
new1='Delegated-Pass-1!'
bump
converse_login alice "" 2 "$(otp)" "$new1" "$new1"
check "one method: the menu names the policy's label" \
	says "With a one-time password from your OATH token"
check "one method: pam_oath asked for its password" says "One-time password (OATH) for"
check "one method: the token's password resets and logs alice in" logged_in
check "one method: the shadow hash changed" hash_is_not alice "$alice_hash"
transcript "alice resets with pam:sspr-oath (pam_oath, an HOTP token)"
out=$("$admin" show alice)
check "one method: the audit trail names the method" says "reset success pam service=sspr-login"
login alice "$new1"
check "one method: the new password logs in" logged_in

# --- failures count toward pam_sspr's lockout ------------------------------------
hash1=$(sandbox_shadow_hash alice)
converse_login alice "" 2 "000000"
check "refused: a wrong one-time password is refused" says "The check did not succeed."
check "refused: the password is unchanged" hash_is alice "$hash1"
out=$("$admin" show alice)
check "refused: the failure is on record" says "reset refused pam"
converse_login alice "" 2 "111111"
converse_login alice "" 2 "222222"
check "lockout: the third failure locks resets" says "Too many failed attempts"
bump
converse_login alice "" 2 "$(otp)"
check "lockout: a locked account is not offered the check" says "Password reset is locked"
check "lockout: pam_oath was not run while locked" never_says "One-time password (OATH)"
login alice "$new1"
check "lockout: the password login still works" logged_in
"$admin" unlock alice >/dev/null

# --- two methods: the app and the token -----------------------------------------
policy methods_required=2
sandbox_wait_fresh_step
new2='Delegated-Pass-2!'
bump
converse_login alice "" 1 "$(sandbox_code)" "$(otp)" "$new2" "$new2"
check "two methods: a second method is asked for" says "Now prove it with a second, different method."
check "two methods: the app and the token reset the password" logged_in
check "two methods: the shadow hash changed" hash_is_not alice "$hash1"
transcript "alice resets with the app and pam:sspr-oath"
out=$("$admin" show alice)
check "two methods: the audit trail names both" says "reset success totp+pam service=sspr-login"
policy methods_required=1

# --- hidden: a stranger gets the same service run for their name ----------------
# pam_oath refuses a name its usersfile lacks without asking anything: that
# is what it tells a stranger (pam_sspr.8, DELEGATED METHODS), and the same
# for an account with nothing registered (run for sspr:nobody) and a name
# that does not exist (run for that name).
policy enumeration=hide
converse_login bob "" 2 "123456"
check "hidden: bob (nothing registered) is not asked for alice's token" \
	never_says "One-time password (OATH) for \`alice'"
check "hidden: pam_oath asks bob nothing (bob has no token)" never_says "One-time password"
check "hidden: bob is refused as a wrong password is" says "The check did not succeed."
bob_out=$out
converse_login nosuchuser "" 2 "123456"
check "hidden: a name that does not exist is refused alike" says "The check did not succeed."
check "hidden: bob and the stranger see the same dialog" \
	[ "$(sed 's/bob/X/g' <<<"$bob_out" | grep -v '^pamtester')" = \
	  "$(sed 's/nosuchuser/X/g' <<<"$out" | grep -v '^pamtester')" ]
transcript "a name that does not exist chooses pam:sspr-oath (enumeration = hide)"
# A locked account's decoy runs the service for no one: no push to the
# account's phone, no counter of the account's token spent.
oath_before=$(cat /etc/users.oath)
for wrong in 333333 444444 555555; do converse_login alice "" 2 "$wrong"; done
bump
converse_login alice "" 2 "$(otp)"
check "hidden, locked: alice gets the refusal, not a lockout notice" says "The check did not succeed."
check "hidden, locked: pam_oath was run for no one" never_says "One-time password (OATH) for \`alice'"
check "hidden, locked: the token's counter was not spent" [ "$(cat /etc/users.oath)" = "$oath_before" ]
check "hidden, locked: alice, bob and the stranger see the same dialog" \
	[ "$(sed 's/alice/X/g' <<<"$out" | grep -v '^pamtester')" = \
	  "$(sed 's/nosuchuser/X/g' <<<"$bob_out" | sed 's/bob/X/g' | grep -v '^pamtester')" ]
"$admin" unlock alice >/dev/null
policy enumeration=show

# --- one question per run: a service that asks again gets no free guesses -------
cp /etc/pam.d/sspr-oath "$T/sspr-oath.good"
printf 'auth required %s usersfile=/etc/users.oath window=20 digits=6\n' "$oath_so" \
	>>/etc/pam.d/sspr-oath
hash2=$(sandbox_shadow_hash alice)
bump
converse_login alice "" 2 "$(otp)" "999999"
check "asks twice: the service's second question is not put to the user" \
	[ "$(grep -c "One-time password (OATH)" <<<"$out")" = 1 ]
check "asks twice: the run is refused" says "The check did not succeed."
check "asks twice: the password is unchanged" hash_is alice "$hash2"
cp "$T/sspr-oath.good" /etc/pam.d/sspr-oath
"$admin" unlock alice >/dev/null

# --- a broken service fails closed for the reset, never for the login -----------
mv /etc/pam.d/sspr-oath /etc/pam.d/sspr-oath.off
converse_login alice "" 2
check "missing service: the reset is unavailable" says "Password reset is unavailable."
check "missing service: nothing else was asked before the refusal" \
	[ "$(grep -A1 -F "Choose 1-2: 2" <<<"$out" | tail -n 1)" = "Password reset is unavailable." ]
login alice "$new2"
check "missing service: the password login still works" logged_in
out=$("$admin" doctor 2>&1 || true)
check "missing service: doctor names it" says "sspr-oath has no file in /etc/pam.d"
mv /etc/pam.d/sspr-oath.off /etc/pam.d/sspr-oath
printf 'auth optional %s\n' "$module" >>/etc/pam.d/sspr-oath
converse_login alice "" 2
check "looping service: a service that runs pam_sspr is not run" says "Password reset is unavailable."
out=$("$admin" doctor 2>&1 || true)
check "looping service: doctor names it" says "/etc/pam.d/sspr-oath:2: runs pam_sspr itself"
sed -i '$d' /etc/pam.d/sspr-oath
# Stacks that are no check of the user's: refused at the prompt, named by doctor.
for case in "nullok:auth required $oath_so usersfile=/etc/users.oath nullok" \
	"pam_permit:auth sufficient pam_permit.so" \
	"no auth line:account required pam_permit.so"; do
	name=${case%%:*}
	printf '%s\n' "${case#*:}" >/etc/pam.d/sspr-oath
	converse_login alice "" 2
	check "$name: the reset is unavailable" says "Password reset is unavailable."
	check "$name: nothing was asked" never_says "One-time password (OATH)"
	out=$("$admin" doctor 2>&1 || true)
	case $name in
	nullok) want="pam_oath.so nullok passes a user it cannot check" ;;
	pam_permit) want="pam_permit passes anyone" ;;
	*) want="sspr-oath has no auth line" ;;
	esac
	check "$name: doctor names it" says "$want"
done
cp "$T/sspr-oath.good" /etc/pam.d/sspr-oath
out=$("$admin" doctor 2>&1 || true)
check "doctor: a good service passes" says "pam:sspr-oath runs /etc/pam.d/sspr-oath as one method"

checks_done
