#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# sspr-admin migrate between the LMDB store and a real directory, and init
# with store_backend = ldap (the fleet key checks), against the slapd
# servers of tests/ldap/with-slapd.sh. Every check looks at what the admin
# sees, and the records at the destination are read back through the tool.
#
# usage: with-slapd.sh bash test_migrate_ldap.sh SSPR_ADMIN ADMIN_TEST_HELPER
set -u

ADMIN=${1:?usage: test_migrate_ldap.sh SSPR_ADMIN ADMIN_TEST_HELPER}
HELPER=${2:?usage: test_migrate_ldap.sh SSPR_ADMIN ADMIN_TEST_HELPER}
for v in SSPR_LDAP_URI_A SSPR_LDAP_URI_B SSPR_LDAP_BASE SSPR_LDAP_BIND_DN \
	SSPR_LDAP_BIND_PASSWORD_FILE SSPR_LDAP_CACERT; do
	if [ -z "${!v:-}" ]; then
		echo "test_migrate_ldap.sh: $v is not set: run it through tests/ldap/with-slapd.sh" >&2
		exit 1
	fi
done
ME=$(id -un)
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
U2=daemon
U3=nobody
BASE="ou=migrate,$SSPR_LDAP_BASE"

T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-migrate.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

# policy NAME BACKEND KEYS BASE: a policy file $T/NAME.conf.
policy() {
	cat >"$T/$1.conf" <<EOF2
# written by test_migrate_ldap.sh
store_backend = $2
store = $T/store
key_dir = $T/$3
min_uid = 0
group = *
allow_root = yes
ldap_uri = $SSPR_LDAP_URI_A $SSPR_LDAP_URI_B
ldap_base = $4
ldap_bind_dn = $SSPR_LDAP_BIND_DN
ldap_bind_password_file = $SSPR_LDAP_BIND_PASSWORD_FILE
ldap_tls_cacert = $SSPR_LDAP_CACERT
ldap_timeout = 5
EOF2
	chmod 0644 "$T/$1.conf"
}
policy L lmdb keys "$BASE"      # the LMDB store (and the directory as the other side)
policy D ldap keys "$BASE"      # the same, with the directory as the store
policy J ldap keysJ "$BASE"     # a host joining the fleet, with no key yet
policy F ldap keysF "ou=fresh,$SSPR_LDAP_BASE"

. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
on() { # on POLICY ARGS...
	local p=$1
	shift
	"$ADMIN" --config "$T/$p.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
on_in() { # on_in POLICY INPUT ARGS...
	local p=$1 input=$2
	shift 2
	printf '%s\n' "$input" | "$ADMIN" --config "$T/$p.conf" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

### an LMDB store with three users
on L init
expect "init of the LMDB store" 0 out "store created"
on_in L "$SECRET" enroll "$ME" totp --secret-stdin
on_in L "$SECRET" enroll "$U2" totp --secret-stdin
on L enroll "$U3" email "$U3@example.org"
expect "three users enrolled in LMDB" 0 out "$U3"

### dry run against a directory that has no store yet
on L migrate --to ldap --dry-run
expect "dry run to a missing directory store" 0 out "no store yet: every user would be copied" \
	out "would be: copied 3, updated 0, unchanged 0, refused 0 (newer at the destination), corrupt at source 0, failed 0"
on D list
expect "the dry run created nothing" 1 err "no store"

### the copy
on L migrate --to ldap
expect "migrate creates the directory store and copies everyone" 0 out "directory store created" \
	out "copied 3, updated 0, unchanged 0, refused 0" out "events are not copied"
on D show "$ME"
expect "the copied record is in the directory" 0 out "methods:      totp"
on D show "$U3"
expect "the e-mail address came along" 0 out "$U3@example.org"
on D key status
expect "the directory's secrets open with the key" 0 out "opens 2 of 2 stored TOTP secrets"
on L migrate --to ldap
expect "a second run changes nothing" 0 out "copied 0, updated 0, unchanged 3, refused 0"

### a change at the source is carried over; a dry run only reports it
sleep 1
on L enroll "$ME" email "$ME@example.org"
on L migrate --to ldap --dry-run
expect "dry run reports the update" 0 out "would be: copied 0, updated 1, unchanged 2"
on D show "$ME"
checks=$((checks + 1))
if grep -qF "$ME@example.org" "$T/out"; then fail "dry run wrote to the directory"; else echo "ok - dry run wrote nothing"; fi
on L migrate --to ldap
expect "the changed user is updated" 0 out "copied 0, updated 1, unchanged 2"
on D show "$ME"
expect "the update reached the directory" 0 out "$ME@example.org"

### newer at the destination: refused and named, then carried back
sleep 1
on D enroll "$U2" email "$U2@example.org"
on L migrate --to ldap
expect "a user changed later in the directory is refused" 1 \
	out "copied 0, updated 0, unchanged 2, refused 1" \
	err "$U2: changed at the destination" err "not overwritten" err "1 users not copied"
on D show "$U2"
expect "the directory kept its newer record" 0 out "$U2@example.org"
on L migrate --to lmdb
expect "migrating back brings the newer record over" 0 out "copied 0, updated 1, unchanged 2" \
	out "ldap $BASE -> lmdb $T/store"
on L show "$U2"
expect "the LMDB store has the directory's change" 0 out "$U2@example.org"
on L migrate --to ldap
expect "both stores agree afterwards" 0 out "unchanged 3, refused 0"

### a corrupt record at the source
"$HELPER" corrupt "$T/store" root >/dev/null 2>&1
on L migrate --to ldap
expect "a corrupt source record is counted and named" 1 out "corrupt at source 1" \
	err "root: record at the source is corrupt: not copied"

### init with store_backend = ldap: the fleet key
on J init
expect "a host without the key may not join an existing directory" 1 \
	err "the directory store exists already and this host has no key" err "key install"
check "no key was made for it" test ! -e "$T/keysJ/host.key"
policy Jl lmdb keysJ "$BASE"
sed -i "s|^store = .*|store = $T/storeJ|" "$T/Jl.conf"
on Jl init
on J init
expect "a host with another key is told it is not the fleet key" 1 \
	err "is not the fleet key: it opens none of the 2 TOTP secrets in the directory" \
	err "key install --replace"
"$ADMIN" --config "$T/L.conf" key export - 2>/dev/null |
	"$ADMIN" --config "$T/J.conf" key install - --replace >"$T/out" 2>"$T/err"
rc=$?
expect "the fleet key installed over the host's own" 0 out "current key"
on J init
expect "now init accepts the existing directory" 0 out "directory store already exists, kept" \
	out "opens the 2 TOTP secrets in the directory"

on F init --fleet
expect "init --fleet on an empty directory creates key and store" 0 out "host key created" \
	out "ou=fresh,$SSPR_LDAP_BASE: directory store created" out "key export - | ssh root@HOST"
on F init
expect "init again keeps the directory store" 0 out "directory store already exists, kept"

checks_done
