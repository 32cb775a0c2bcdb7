#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A provider that was down catches up when it comes back: stop A, change things on B,
# start A again; A gets every change, and B gets A's changes again too.
. "$(dirname "$0")/lib.sh"

sub="ou=catchup,$SSPR_LDAP_BASE"
B=$SSPR_LDAP_URI_B
make_subbase catchup || fail "cannot create the test subtree"
for u in keep gone; do
	account_ldif "ssprUser=$u,$sub" "$u" | as_host "$B" ldapadd >/dev/null ||
		fail "cannot add $u on b"
done
wait_for 10 has_entry a "ssprUser=gone,$sub" || fail "a did not get the first entries"

"$SLAPD_SH" stop "$SSPR_LDAP_DIR" a || fail "cannot stop a"
if ldapsearch -x -H "$SSPR_LDAP_URI_A" -o nettimeout=2 -b "" -s base >/dev/null 2>&1; then
	fail "a still answers after stop"
else
	pass "a is down"
fi
pids=$(pgrep -f -- "-F $SSPR_LDAP_DIR/a/slapd.d" | while read -r p; do
	[ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] || echo "$p"; done)
[ -z "$pids" ] && pass "no slapd process of a is left" || fail "slapd of a still running: $pids"

# Changes on B while A is down: adds, a modify, a delete.
for i in 1 2 3 4 5; do
	account_ldif "ssprUser=while-down-$i,$sub" "while-down-$i" |
		as_host "$B" ldapadd >/dev/null ||
		fail "cannot add while-down-$i on b"
done
as_host "$B" ldapmodify >/dev/null <<EOF || fail "cannot modify keep on b"
dn: ssprUser=keep,$sub
changetype: modify
replace: ssprRevision
ssprRevision: 42
EOF
as_host "$B" ldapdelete "ssprUser=gone,$sub" || fail "cannot delete gone on b"

t0=$(now_ms)
"$SLAPD_SH" start "$SSPR_LDAP_DIR" a || fail "cannot restart a"
caught_up() {
	has_entry a "ssprUser=while-down-5,$sub" &&
		has_value a "ssprUser=keep,$sub" ssprRevision 42 &&
		! has_entry a "ssprUser=gone,$sub"
}
if wait_for 15 caught_up; then
	pass "a caught up with b's adds, modify, delete $(($(now_ms) - t0)) ms after its start"
else
	fail "a did not catch up within 15 s"
fi
list() {
	as_root "$1" ldapsearch -LLL -o ldif-wrap=no -b "$sub" dn ssprRevision | sort
}
[ "$(list a)" = "$(list b)" ] && pass "a and b hold the same entries" ||
	fail "a and b differ: $(diff <(list a) <(list b) | head -5)"

# And the other way: B's consumer reconnects to the restarted A.
t0=$(now_ms)
account_ldif "ssprUser=after,$sub" after | as_host "$SSPR_LDAP_URI_A" ldapadd >/dev/null ||
	fail "cannot add on a after its restart"
if wait_for 15 has_entry b "ssprUser=after,$sub"; then
	pass "a write on the restarted a reached b in $(($(now_ms) - t0)) ms"
else
	fail "a write on the restarted a did not reach b within 15 s"
fi
finish
