#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The directory libraries stay out of every process that does not use them:
# neither the module nor the tools may need libldap or libkrb5 (they load
# sspr_store_ldap.so only for store_backend = ldap or password_backend =
# ldap, sspr_passwd_krb5.so only for password_backend = kerberos), each
# backend links its own library and not the other's, and each exports its
# entry tables and nothing else.
# Usage: check_linkage.sh LDAP-BACKEND.so KRB5-BACKEND.so PROGRAM...
set -euo pipefail
ldap_backend=$1
krb5_backend=$2
shift 2
failed=0

needs() { readelf -d "$1" | grep -q "NEEDED.*$2"; }
verdict() { # verdict OK-TEXT NOT-OK-TEXT COMMAND...
	local yes=$1 no=$2
	shift 2
	if "$@"; then echo "ok - $yes"; else echo "not ok - $no"; failed=1; fi
}
not() { ! "$@"; }

for prog in "$@"; do
	for lib in libldap libkrb5; do
		verdict "$(basename "$prog") does not need $lib" "$(basename "$prog") needs $lib" \
			not needs "$prog" "$lib"
	done
done
exports() { nm -D --defined-only "$1" | awk '{print $3}' | sort | tr '\n' ' '; }
out=$(exports "$ldap_backend")
verdict "$(basename "$ldap_backend") exports only its two tables" \
	"$(basename "$ldap_backend") exports: $out" \
	[ "$out" = "sspr_passwd_ldap_backend sspr_store_ldap_backend " ]
out=$(exports "$krb5_backend")
verdict "$(basename "$krb5_backend") exports only its table" \
	"$(basename "$krb5_backend") exports: $out" [ "$out" = "sspr_passwd_krb5_backend " ]
verdict "$(basename "$ldap_backend") needs libldap" "$(basename "$ldap_backend") does not link libldap" \
	needs "$ldap_backend" libldap
verdict "$(basename "$ldap_backend") does not need libkrb5" "$(basename "$ldap_backend") needs libkrb5" \
	not needs "$ldap_backend" libkrb5
verdict "$(basename "$krb5_backend") needs libkrb5" "$(basename "$krb5_backend") does not link libkrb5" \
	needs "$krb5_backend" libkrb5
verdict "$(basename "$krb5_backend") does not need libldap" "$(basename "$krb5_backend") needs libldap" \
	not needs "$krb5_backend" libldap
exit "$failed"
