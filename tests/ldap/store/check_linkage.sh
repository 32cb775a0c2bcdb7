#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The directory backend stays out of every process that does not use it:
# neither the module nor the tools may need libldap (store.c loads
# sspr_store_ldap.so only for store_backend = ldap), and the backend exports
# its entry table and nothing else.
# Usage: check_linkage.sh BACKEND.so PROGRAM...
set -euo pipefail
backend=$1
shift
failed=0

for prog in "$@"; do
	if readelf -d "$prog" | grep -q 'NEEDED.*libldap'; then
		echo "not ok - $(basename "$prog") needs libldap"
		failed=1
	else
		echo "ok - $(basename "$prog") does not need libldap"
	fi
done
exports=$(nm -D --defined-only "$backend" | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$exports" = "sspr_store_ldap_backend " ]; then
	echo "ok - $(basename "$backend") exports only sspr_store_ldap_backend"
else
	echo "not ok - $(basename "$backend") exports: $exports"
	failed=1
fi
if readelf -d "$backend" | grep -q 'NEEDED.*libldap'; then
	echo "ok - $(basename "$backend") needs libldap"
else
	echo "not ok - $(basename "$backend") does not link libldap"
	failed=1
fi
exit "$failed"
