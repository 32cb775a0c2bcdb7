#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every source file says its licence (LICENSE, BSD-2-Clause) in an SPDX line
# within its first three lines. Files whose format has no comments, data the
# tests feed to parsers, and the packaging metadata that debian/copyright
# itself covers are exempt, each listed below with the reason.
#   check_spdx.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: check_spdx.sh SOURCE_DIR}
tag='SPDX-License-Identifier: BSD-2-Clause'

if ! git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
	echo "SKIP: $src is not a git checkout (the check lists the tracked files)"
	exit 77
fi
exempt() {
	case $1 in
	LICENSE) ;;                          # the licence itself
	pam-configs/sspr) ;;                 # pam-auth-update profiles have no comments
	tests/fuzz/corpus/*) ;;              # inputs for the fuzzers, byte for byte
	debian/changelog | debian/control | debian/copyright | debian/source/format) ;;
	debian/*.install | debian/*.docs | debian/*.README.Debian) ;;  # packaging metadata
	*) return 1 ;;
	esac
}
missing=0 checked=0
while IFS= read -r -d '' f; do
	exempt "$f" && continue
	[ -f "$src/$f" ] || continue
	checked=$((checked + 1))
	if ! head -n 3 -- "$src/$f" | grep -qF "$tag"; then
		echo "$f: no '$tag' line in the first three lines"
		missing=$((missing + 1))
	fi
done < <(git -C "$src" ls-files -z)
[ "$checked" -gt 0 ] || { echo "no files checked"; exit 1; }
if [ "$missing" -gt 0 ]; then
	echo "$missing of $checked files lack the SPDX line"
	exit 1
fi
echo "ok: $checked files carry the SPDX line"
