#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# doc/ldap/sspr.schema is valid for slaptest, sspr.ldif says exactly the same thing, both
# carry the names and OIDs of the specification, and the running servers (loaded from
# sspr.ldif) know every one of them.
. "$(dirname "$0")/lib.sh"
doc=${1:?usage: test_schema.sh DOC_LDAP_DIR}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp="$SSPR_LDAP_DIR/schema-test"
mkdir -p "$tmp/db"

# slaptest on a minimal slapd.conf that includes the .schema file.
cat >"$tmp/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include $doc/sspr.schema
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=schema,dc=test"
directory $tmp/db
index ssprUser eq
index ssprEventTime eq
CONF
if out=$(slaptest -u -f "$tmp/slapd.conf" 2>&1); then
	pass "slaptest accepts sspr.schema (and its indexes): $out"
else
	fail "slaptest: $out"
fi

# The two files define the same things.
"$py" "$here/schema_names.py" "$doc/sspr.schema" >"$tmp/schema.txt" ||
	fail "cannot parse sspr.schema"
"$py" "$here/schema_names.py" "$doc/sspr.ldif" >"$tmp/ldif.txt" || fail "cannot parse sspr.ldif"
if diff -u "$tmp/schema.txt" "$tmp/ldif.txt"; then
	pass "sspr.schema, sspr.ldif: the same $(wc -l <"$tmp/ldif.txt") names, OIDs, definitions"
else
	fail "sspr.schema and sspr.ldif differ (above)"
fi
# The comparison can fail: one changed OID in a copy is caught.
sed 's/ssprAttr:7 NAME/ssprAttr:77 NAME/' "$doc/sspr.ldif" >"$tmp/mutant.ldif"
"$py" "$here/schema_names.py" "$tmp/mutant.ldif" >"$tmp/mutant.txt"
if cmp -s "$tmp/schema.txt" "$tmp/mutant.txt"; then
	fail "the comparison misses a changed OID"
else
	pass "the comparison catches a changed OID"
fi

# The names and numbers of the specification.
arc=1.3.6.1.4.1.99999.26
attrs="ssprUser ssprRevision ssprUpdatedAt ssprRegisteredAt ssprConfirmedAt
	ssprGraceStartedAt ssprTotpSecret ssprTotpDigits ssprTotpPeriod ssprTotpLastStep
	ssprTotpEnrolledAt ssprQuestion ssprMail ssprMailVerifiedAt ssprRecoverySalt
	ssprRecoveryCode ssprPendingCode ssprFailureTimes ssprLockedUntil ssprEventId
	ssprEventTime ssprEventData ssprFormat ssprDecoy ssprKeyId ssprQuestionDraw ssprAccessPass
	ssprPhone ssprPhoneVerifiedAt ssprPhonePendingCode ssprTotpDevice"
want=$tmp/want.txt
: >"$want"
n=0
for a in $attrs; do
	n=$((n + 1))
	echo "attr $arc.1.$n $a" >>"$want"
done
n=0
for c in ssprStore ssprAccount ssprEvent; do
	n=$((n + 1))
	echo "class $arc.2.$n $c" >>"$want"
done
if diff -u "$want" <(cut -d' ' -f1-3 "$tmp/schema.txt"); then
	pass "31 attributes and 3 classes with the specification's names and OIDs"
else
	fail "names/OIDs differ from the specification (above)"
fi
grep -q "^attr $arc.1.3 ssprUpdatedAt .*ORDERING integerOrderingMatch" "$tmp/schema.txt" &&
	grep -q "^attr $arc.1.21 ssprEventTime .*ORDERING integerOrderingMatch" "$tmp/schema.txt" &&
	grep -q "^class $arc.2.2 ssprAccount .*STRUCTURAL MUST ( ssprUser \\$ ssprRevision )" \
		"$tmp/schema.txt" &&
	grep -q "^class $arc.2.1 ssprStore .*AUXILIARY" "$tmp/schema.txt" &&
	pass "ordering rules and class kinds as specified" ||
	fail "ordering rules or class kinds differ from the specification"
multi=$(grep -v SINGLE-VALUE "$tmp/schema.txt" | grep '^attr' | cut -d' ' -f3 | tr '\n' ' ')
[ "$multi" = "ssprQuestion ssprRecoveryCode ssprKeyId ssprTotpDevice " ] &&
	pass "multi-valued: $multi" || fail "multi-valued attributes: $multi"

# Both servers know every name (their schema came from sspr.ldif).
for x in a b; do
	sub=$(as_root "$x" ldapsearch -LLL -o ldif-wrap=no -b cn=Subschema -s base \
		'(objectClass=*)' attributeTypes objectClasses)
	missing=
	while read -r kind oid name; do
		echo "$sub" | grep -q "( $oid NAME '$name'" || missing="$missing $name"
	done <"$want"
	[ -z "$missing" ] && pass "server $x knows all 28 definitions" ||
		fail "server $x lacks:$missing"
done
finish
