#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Checks that the man pages name what the code accepts: every policy key of
# policy/policy.c's table in sspr.conf(5), every sspr-admin and sspr-enroll
# command and option in their pages, every module option in pam_sspr(8).
# The names are read from the sources, so a key or command added there
# without documentation fails this test.
# Usage: check_coverage.sh SOURCE_ROOT
set -euo pipefail
src=$1
doc=$src/doc
missing=0
passed=0

need() { # need PAGE WORD WHAT
	if grep -qF -- "$2" "$doc/$1"; then
		passed=$((passed + 1))
	else
		echo "$1: $3 '$2' is not documented"
		missing=$((missing + 1))
	fi
}

# Policy keys: the NUM("key", ...), STR("key", ...) and CHOICE("key", ...) rows.
keys=$(sed -n 's/^[[:space:]]*\(NUM\|STR\|CHOICE\)("\([a-z0-9_]*\)".*/\2/p' "$src/policy/policy.c")
[ -n "$keys" ] || { echo "no policy keys found in policy/policy.c"; exit 1; }
for k in $keys; do
	need sspr.conf.5.scd "*$k*" "policy key"
done

# sspr-admin: the commands table and the usage text's options.
cmds=$(sed -n 's/^[[:space:]]*{"\([a-z-]*\)", admin_cmd_.*/\1/p' "$src/sspr-admin/main.c")
[ -n "$cmds" ] || { echo "no commands found in sspr-admin/main.c"; exit 1; }
for c in $cmds import report --config --json --since --secret-stdin --stdin --print \
	--fleet --replace --prepare --finish --dry-run --to; do
	need sspr-admin.8.scd "*$c*" "sspr-admin command or option"
done

# sspr-enroll: commands and options of the contract.
for c in status totp questions email recovery remove --config --json --no-qr --help --version; do
	need sspr-enroll.1.scd "*$c*" "sspr-enroll command or option"
done

# pam_sspr: the module options options.c accepts.
opts=$(grep -o 'strn\?cmp(arg, "[a-z=]*"' "$src/pam_sspr/options.c" | sed 's/.*"\(.*\)"/\1/')
[ -n "$opts" ] || { echo "no module options found in pam_sspr/options.c"; exit 1; }
for o in $opts; do
	need pam_sspr.8.scd "*$o" "module option"
done

# Every page lists the exit codes of its tool.
for p in sspr-admin.8.scd sspr-enroll.1.scd; do
	for code in 0 1 2 3 4; do
		need "$p" "*$code*" "exit status"
	done
done

echo "man pages: $passed passed, $missing failed"
[ "$missing" = 0 ]
