#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Multi-provider replication: an entry written on A appears on B and one written on B
# appears on A; prints the median lag of 20 writes each way.
. "$(dirname "$0")/lib.sh"

writes=${SSPR_LDAP_LAG_WRITES:-20}
make_subbase repl || fail "cannot create the test subtree"

# lag FROM TO: writes $writes accounts on FROM as the host (StartTLS), times each until TO
# has it; prints "median max" in ms.
lag() {
	local from="$1" to="$2" uri i dn t0 lags=()
	if [ "$from" = a ]; then uri=$SSPR_LDAP_URI_A; else uri=$SSPR_LDAP_URI_B; fi
	for i in $(seq 1 "$writes"); do
		dn="ssprUser=u-$from-$i,ou=repl,$SSPR_LDAP_BASE"
		account_ldif "$dn" "u-$from-$i" | as_host "$uri" ldapadd >/dev/null || {
			echo "FAIL: write $i on $from refused" >&2
			return 1
		}
		t0=$(now_ms)
		wait_for 10 has_entry "$to" "$dn" || {
			echo "FAIL: $dn written on $from not on $to after 10 s" >&2
			return 1
		}
		lags+=($(($(now_ms) - t0)))
	done
	printf '%s\n' "${lags[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[NR] }'
}

for dir in "a b" "b a"; do
	set -- $dir
	if r=$(lag "$1" "$2"); then
		set -- $1 $2 $r
		echo "replication lag $1 -> $2: median $3 ms, max $4 ms over $writes writes"
		pass "$writes entries written on $1 all reached $2"
	else
		fail "replication $1 -> $2"
	fi
done

# A change (not only an add) and a delete travel too.
dn="ssprUser=u-a-1,ou=repl,$SSPR_LDAP_BASE"
printf 'dn: %s\nchangetype: modify\nreplace: ssprRevision\nssprRevision: 7\n' "$dn" |
	as_host "$SSPR_LDAP_URI_B" ldapmodify >/dev/null || fail "modify on b refused"
if wait_for 10 has_value a "$dn" ssprRevision 7; then
	pass "a modify on b reached a"
else
	fail "a modify on b did not reach a"
fi
as_host "$SSPR_LDAP_URI_A" ldapdelete "$dn" || fail "delete on a refused"
if wait_for 10 eval '! has_entry b "$dn"'; then
	pass "a delete on a reached b"
else
	fail "a delete on a did not reach b"
fi

# Both servers end with the same entries.
list() {
	as_root "$1" ldapsearch -LLL -o ldif-wrap=no -b "$SSPR_LDAP_BASE" dn ssprRevision | sort
}
if [ "$(list a)" = "$(list b)" ] && [ "$(list a | grep -c '^dn:')" -eq $((2 * writes + 1)) ]; then
	pass "a and b hold the same $((2 * writes + 1)) entries"
else
	fail "a and b differ: $(diff <(list a) <(list b) | head -5)"
fi
finish
