#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The fleet key commands of sspr-admin (key status, export, install, rotate,
# retire) on the LMDB store: three "hosts" (policies A, B and C with their
# own key directories) share one store, as hosts share a directory. Every
# check looks at what the admin sees and at what the store holds (through
# store_tool, which opens secrets with host.key only).
#
# usage: test_admin_keys.sh SSPR_ADMIN ADMIN_TEST_HELPER
set -u

ADMIN=${1:?usage: test_admin_keys.sh SSPR_ADMIN ADMIN_TEST_HELPER}
HELPER=${2:?usage: test_admin_keys.sh SSPR_ADMIN ADMIN_TEST_HELPER}
ME=$(id -un)
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SECRET_HEX=48656c6c6f21deadbeef48656c6c6f21deadbeef
# Users that exist on every Debian system, enrolled alongside the caller.
U2=daemon
U3=nobody

T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-admin-keys.XXXXXX") || exit 99
trap 'chmod -R u+rwX "$T" 2>/dev/null; rm -rf "$T"' EXIT
for h in A B C; do
	cat >"$T/$h.conf" <<EOF2
# written by test_admin_keys.sh: host $h
store = $T/store
key_dir = $T/keys$h
min_uid = 0
group = *
allow_root = yes
EOF2
	chmod 0644 "$T/$h.conf"
done

. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

# on HOST [ARGS...]: sspr-admin with HOST's policy, empty stdin.
on() {
	local h=$1
	shift
	"$ADMIN" --config "$T/$h.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
# pipe FROM TO [INSTALL-ARGS...]: key export - on FROM into key install - on TO.
pipe() {
	local from=$1 to=$2
	shift 2
	"$ADMIN" --config "$T/$from.conf" key export - 2>"$T/export.err" |
		"$ADMIN" --config "$T/$to.conf" key install - "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# on_in HOST INPUT [ARGS...]: INPUT and a newline on stdin.
on_in() {
	local h=$1 input=$2
	shift 2
	printf '%s\n' "$input" | "$ADMIN" --config "$T/$h.conf" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# key_id HOST ROLE: the id "key status" shows for ROLE (or "none").
key_id() {
	"$ADMIN" --config "$T/$1.conf" key status 2>/dev/null | awk -v r="$2" '$1 == r { print $2 }'
}
# secret_ok HOST USER: USER's secret opens with HOST's host.key alone and is SECRET.
secret_ok() {
	[ "$("$HELPER" secret "$T/store" "$T/keys$1" "$2" 2>/dev/null)" = "$SECRET_HEX" ]
}
mode_of() { stat -c %a "$1"; }

### one host: init --fleet, enrollments, status
on A init --fleet
expect "init --fleet prints how to install the key elsewhere" 0 \
	out "key export - | ssh root@HOST" out "key install -" \
	out "key export /root/sspr-fleet.key" out "key install /root/sspr-fleet.key"
for u in "$ME" "$U2" "$U3"; do
	on_in A "$SECRET" enroll "$u" totp --secret-stdin
done
A1=$(key_id A current)
on A key status
expect "status: current key opens every secret" 0 out "current   $A1  opens 3 of 3 stored TOTP secrets" \
	out "next      none" out "previous  none" out "no key    opens 0 of 3"
check "key id is 16 hex digits" test "$(printf '%s' "$A1" | tr -d '0-9a-f' | wc -c)" -eq 0 -a ${#A1} -eq 16

### export
on A key export "$T/bundle"
expect "export to a file" 0 out "current $A1 written (mode 0600)"
check "bundle file is 0600" test "$(mode_of "$T/bundle")" = 600
check "bundle starts with its version line" test "$(head -n1 "$T/bundle")" = "sspr-fleet-key 1"
check "bundle names the current key by id" grep -q "^current $A1 " "$T/bundle"
on A key export "$T/bundle"
expect "export never overwrites a file" 1 err "$T/bundle: exists"
ln -s "$T/elsewhere" "$T/link"
on A key export "$T/link"
expect "export does not follow a symlink" 1 err "$T/link"
check "nothing written through the symlink" test ! -e "$T/elsewhere"
on A key export
expect "export needs FILE or -" 2 err "usage: key export FILE|-"
if command -v script >/dev/null 2>&1; then
	script -qec "'$ADMIN' --config '$T/A.conf' key export -" /dev/null >"$T/out" 2>&1 </dev/null
	rc=$?
	cp "$T/out" "$T/err"
	expect "export refuses to write keys to a terminal" 1 err "refusing to write secret keys to a terminal"
	checks=$((checks + 1))
	if grep -q "sspr-fleet-key" "$T/out"; then fail "bundle shown on the terminal"; else echo "ok - no key on the terminal"; fi
else
	echo "ok - export to a terminal # SKIP script(1) not available"
fi

### install on a new host
on B key install "$T/bundle"
expect "install on a host without a key" 0 out "host.key: current key $A1 installed"
check "installed host.key is 0600" test "$(mode_of "$T/keysB/host.key")" = 600
check "installed host.pub is 0644" test "$(mode_of "$T/keysB/host.pub")" = 644
check "B opens A's enrollments" secret_ok B "$ME"
on B key install "$T/bundle"
expect "install again changes nothing" 0 out "nothing changed"

# Damaged bundles are refused before anything is written. The fifth
# character of the key is changed: the first one's lowest bit falls on a bit
# of the secret that X25519 clamps away, so changing only it could leave the
# same key (and id) in about one run in thirty.
sed 's/^\(current [0-9a-f]* ....\)./\1A/' "$T/bundle" >"$T/bad1"
chmod 600 "$T/bad1"
if cmp -s "$T/bundle" "$T/bad1"; then sed -i 's/^\(current [0-9a-f]* ....\)./\1B/' "$T/bad1"; fi
on C key install "$T/bad1"
expect "a changed key is refused by its id" 1 err "bad1:2: the key id does not match the key"
printf 'sspr-fleet-key 2\n' >"$T/bad2"
on C key install "$T/bad2"
expect "an unknown bundle version is refused" 1 err "not a key bundle (first line is not 'sspr-fleet-key 1')"
printf 'sspr-fleet-key 1\n# nothing\n' >"$T/bad3"
on C key install "$T/bad3"
expect "a bundle without a current key is refused" 1 err "the bundle has no current key"
sed 's/^current /newest /' "$T/bundle" >"$T/bad4"
on C key install "$T/bad4"
expect "an unknown role is refused" 1 err "bad4:2: unknown role"
check "nothing was installed from damaged bundles" test ! -e "$T/keysC/host.key"
on C key install
expect "install needs FILE or -" 2 err "usage: key install FILE|- [--replace]"

### a host with a key of its own: unopenable secrets, then --replace
on C init
on_in C "$SECRET" enroll "$U3" totp --secret-stdin
C1=$(key_id C current)
on A key status
expect "status counts a secret no key opens" 0 out "opens 2 of 3" out "no key    opens 1 of 3" \
	err "$U3: TOTP secret opens with none of this host's keys"
on C key install "$T/bundle"
expect "install refuses to replace another key" 1 err "this host has another key ($C1) than the bundle ($A1)" \
	err "--replace"
check "C's key was kept" test "$(key_id C current)" = "$C1"
on C key install "$T/bundle" --replace
expect "install --replace keeps the old key as previous" 0 \
	out "previous.key: previous key $C1 installed" out "host.key: current key $A1 installed"
on C key status
expect "C opens everything with current and previous" 0 out "current   $A1" out "previous  $C1  opens 1 of 3" \
	out "no key    opens 0 of 3"
# Re-enroll U3 with the fleet key, so that only A1 secrets are left.
on_in A "$SECRET" enroll "$U3" totp --secret-stdin
on C key retire
expect "retire on C drops the key nothing is sealed to" 0 out "key $C1 retired"

### rotation
on A key rotate --finish
expect "finish without a next key is refused" 1 err "no next key"
on A key rotate --prepare
A2=$(key_id A next)
expect "prepare creates next.key" 0 out "next.key: next key $A2 created" out "key rotate --finish"
check "next.key is 0600" test "$(mode_of "$T/keysA/next.key")" = 600
on A key rotate --prepare
expect "prepare refuses a second next key" 1 err "next.key exists already (key $A2)"
on A key rotate
expect "rotate needs --prepare or --finish" 2 err "usage: key rotate --prepare"
pipe A B
expect "install adds the next key" 0 out "next.key: next key $A2 installed"
on A key rotate --finish
expect "finish switches keys and re-seals" 0 out "current key is now $A2 ($A1 kept as previous.key)" \
	out "re-sealed 3 TOTP secrets to key $A2" out "0 open with no key"
check "the secret is unchanged and opens with the new host.key" secret_ok A "$ME"
check "and no longer with the old one" test "$("$HELPER" secret "$T/store" "$T/keysB" "$ME" 2>/dev/null)" = ""
on B key status
expect "B, not yet switched, opens everything with its next key" 0 out "current   $A1  opens 0 of 3" \
	out "next      $A2  opens 3 of 3"
# B still seals with the old public key: a new enrollment there is sealed to A1.
on_in B "$SECRET" enroll "$U2" totp --secret-stdin
on A key status
expect "A sees the enrollment sealed to its previous key" 0 out "previous  $A1  opens 1 of 3"
pipe A B
expect "install promotes next to current" 0 out "previous.key: previous key $A1 installed" \
	out "host.key: current key $A2 installed" out "next.key: removed"
check "B opens with the new host.key" secret_ok B "$ME"
pipe A B
expect "the same bundle again changes nothing" 0 out "nothing changed"

### retire
on A key retire
expect "retire re-seals what only the previous key opens" 0 out "key $A1 retired; re-sealed 1 TOTP secrets"
check "previous.key is gone" test ! -e "$T/keysA/previous.key"
check "the re-sealed secret opens with the current key" secret_ok A "$U2"
on A key status
expect "after retire everything opens with the current key" 0 out "current   $A2  opens 3 of 3" \
	out "previous  none"
on A key retire
expect "retire with no previous key is refused" 1 err "no previous key to retire"
on B key rotate --prepare
on A key rotate --prepare
pipe A B
expect "install refuses a next key that differs from this host's" 1 err "next.key holds key"

# The module loads the whole ring, so check-config (as root) checks it all.
if [ "$(id -u)" -eq 0 ]; then
	chmod 0644 "$T/keysA/next.key"
	on A check-config
	expect "check-config refuses a next.key others can read" 3 err "next.key" err "chmod 600"
	chmod 0600 "$T/keysA/next.key"
	on A check-config
	expect "check-config accepts the ring again" 0 out "OK"
else
	echo "ok - check-config checks the ring # SKIP needs root to read host.key"
fi

### usage
on A key
expect "key without a sub-command" 2 err "usage: key status"
on A key frobnicate
expect "unknown key sub-command" 2 err "key: unknown sub-command 'frobnicate'"
on A migrate
expect "migrate needs --to" 2 err "usage: migrate --to ldap|lmdb [--dry-run]"
on A migrate --to=postgres
expect "migrate --to takes ldap or lmdb" 2 err "--to must be ldap or lmdb"
on A migrate --to ldap
expect "migrate with no directory in the policy" 1 err "the policy names no directory"

checks_done
