# SPDX-License-Identifier: BSD-2-Clause
# The ending the catalogue-driven tests share (test_hostile.sh,
# test_hostile_ldap.sh): every entry of HOSTILE_INPUTS.md whose id matches
# the pattern has a row that ran, every row that ran is catalogued, then
# the score and the exit status. Uses the caller's ran[] and the counts of
# tests/lib/checks.sh.
# catalogue_end CATALOGUE ID_REGEX LABEL
catalogue_end() {
	local catalogue=$1 ids=$2 label=$3 catalogued id
	catalogued=$(grep -oE "^\\| *$ids *\\|" "$catalogue" | tr -d '| ' | sort)
	for id in $catalogued; do
		[ -n "${ran[$id]:-}" ] || { echo "not ok - $id is in the catalogue but has no row"; failed=$((failed + 1)); }
	done
	for id in "${!ran[@]}"; do
		grep -qx "$id" <<<"$catalogued" || { echo "not ok - $id has a row but is not in the catalogue"; failed=$((failed + 1)); }
	done
	echo "# $label: $(wc -w <<<"$catalogued") entries; $checks checks, $failed failed"
	[ "$failed" = 0 ] || exit 1
	exit 0
}
