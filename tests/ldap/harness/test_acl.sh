#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The ACL of doc/ldap/sspr-acl.ldif and the TLS rules: the host identity writes under
# ou=sspr and reads nothing else, anonymous reads nothing, a simple bind needs TLS, and the
# server certificate checks out against the test CA only.
. "$(dirname "$0")/lib.sh"

A=$SSPR_LDAP_URI_A
port_a=${A##*:}
sub="ou=acl,$SSPR_LDAP_BASE"
user="ssprUser=alice,$sub"

# ldap_rc CMD...: runs CMD, prints its exit status (the LDAP result code for ldap tools).
ldap_rc() {
	"$@" >/dev/null 2>&1
	echo $?
}

# The host writes: add, modify, read back, delete, under ou=sspr.
make_subbase acl || fail "host cannot add ou=acl under ou=sspr"
if account_ldif "$user" alice | as_host "$A" ldapadd >/dev/null; then
	pass "host adds an ssprAccount under ou=sspr"
else
	fail "host cannot add an ssprAccount under ou=sspr"
fi
printf 'dn: %s\nchangetype: modify\nreplace: ssprLockedUntil\nssprLockedUntil: 99\n' "$user" |
	as_host "$A" ldapmodify >/dev/null || fail "host cannot modify its entry"
if as_host "$A" ldapsearch -LLL -b "$user" -s base ssprLockedUntil |
	grep -q '^ssprLockedUntil: 99$'; then
	pass "host reads back what it wrote"
else
	fail "host cannot read its entry"
fi
# The base itself: init adds the ssprStore class and ssprFormat to it.
if as_host "$A" ldapmodify >/dev/null <<EOF
dn: $sub
changetype: modify
add: objectClass
objectClass: ssprStore
-
add: ssprFormat
ssprFormat: 1
EOF
then
	pass "host marks a base as a store (ssprStore, ssprFormat)"
else
	fail "host cannot add ssprStore/ssprFormat to a base"
fi

# ... and nothing outside.
n=$(as_host "$A" ldapsearch -LLL -b "$SSPR_LDAP_SUFFIX" -s sub dn 2>/dev/null | grep -c '^dn:')
if [ "$n" -eq 0 ]; then
	pass "host sees no entry when searching from the suffix"
else
	fail "host sees $n entries from the suffix"
fi
rc=$(ldap_rc as_host "$A" ldapsearch -LLL -b "$SSPR_LDAP_REPL_DN" -s base)
if [ "$rc" = 32 ] && ! as_host "$A" ldapsearch -LLL -b "$SSPR_LDAP_REPL_DN" -s base 2>/dev/null |
	grep -q '^dn:'; then
	pass "host cannot read the replicator entry (no such object)"
else
	fail "host reading the replicator entry: rc $rc"
fi
if as_host "$A" ldapsearch -LLL -b "$SSPR_LDAP_BIND_DN" -s base userPassword 2>/dev/null |
	grep -q userPassword; then
	fail "host reads a userPassword"
else
	pass "host reads no userPassword"
fi
rc=$(printf 'dn: ou=outside,%s\nobjectClass: organizationalUnit\nou: outside\n' \
	"$SSPR_LDAP_SUFFIX" | ldap_rc as_host "$A" ldapadd)
if [ "$rc" = 50 ]; then
	pass "host cannot write outside ou=sspr (insufficient access)"
else
	fail "host writing outside ou=sspr: rc $rc, expected 50"
fi

# Anonymous: nothing, with or without TLS.
n=$(LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapsearch -x -ZZ -H "$A" -LLL -b "$SSPR_LDAP_BASE" dn \
	2>/dev/null | grep -c '^dn:')
[ "$n" -eq 0 ] && pass "anonymous (StartTLS) reads nothing under ou=sspr" ||
	fail "anonymous (StartTLS) reads $n entries under ou=sspr"
n=$(ldapsearch -x -H "$A" -LLL -b "$SSPR_LDAP_BASE" dn 2>/dev/null | grep -c '^dn:')
[ "$n" -eq 0 ] && pass "anonymous (plain) reads nothing under ou=sspr" ||
	fail "anonymous (plain) reads $n entries under ou=sspr"
# The rootdn does (so the checks above are not vacuous).
n=$(as_root a ldapsearch -LLL -b "$sub" dn | grep -c '^dn:')
[ "$n" -eq 2 ] && pass "rootdn reads the 2 entries" || fail "rootdn reads $n entries, expected 2"

# A simple bind needs TLS: a plain one to 127.0.0.1 is refused (confidentiality required),
# even with the right password.
out=$(ldapsearch -x -H "$A" -D "$SSPR_LDAP_BIND_DN" -y "$SSPR_LDAP_BIND_PASSWORD_FILE" \
	-LLL -b "$SSPR_LDAP_BASE" -s base dn 2>&1)
rc=$?
if [ "$rc" = 13 ]; then
	pass "plain simple bind refused: $(echo "$out" | head -1)"
else
	fail "plain simple bind: rc $rc, expected 13 (confidentiality required): $out"
fi
# A wrong password over TLS is refused.
printf 'wrong' >"$SSPR_LDAP_DIR/wrong.pw"
rc=$(LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldap_rc ldapwhoami -x -ZZ -H "$A" \
	-D "$SSPR_LDAP_BIND_DN" -y "$SSPR_LDAP_DIR/wrong.pw")
[ "$rc" = 49 ] && pass "wrong password refused (invalid credentials)" ||
	fail "wrong password: rc $rc, expected 49"

# TLS: the certificate is good for 127.0.0.1 and localhost under the test CA, and for
# nothing under another CA.
for uri in "$A" "ldap://localhost:$port_a"; do
	who=$(as_host "$uri" ldapwhoami 2>&1)
	if [ "$who" = "dn:$SSPR_LDAP_BIND_DN" ]; then
		pass "StartTLS + bind to $uri with the test CA"
	else
		fail "StartTLS to $uri: $who"
	fi
done
out=$(LDAPTLS_CACERT=$SSPR_LDAP_WRONG_CACERT LDAPTLS_REQCERT=demand ldapwhoami -x -ZZ -H "$A" \
	-D "$SSPR_LDAP_BIND_DN" -y "$SSPR_LDAP_BIND_PASSWORD_FILE" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && echo "$out" | grep -qi 'tls\|certificate'; then
	pass "StartTLS with the unrelated CA fails: $(echo "$out" | head -1)"
else
	fail "StartTLS with the unrelated CA: rc $rc: $out"
fi
finish
