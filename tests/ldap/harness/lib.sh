# SPDX-License-Identifier: BSD-2-Clause
# Helpers shared by the harness tests; sourced. Needs the SSPR_LDAP_* variables that
# tests/ldap/with-slapd.sh exports.
set -u

: "${SSPR_LDAP_DIR:?run under tests/ldap/with-slapd.sh}"
SLAPD_SH=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/slapd.sh
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# as_root a|b CMD ARGS...: an ldap tool as the rootdn over server's ldapi socket.
as_root() {
	local x="$1" prog="$2" uri
	shift 2
	if [ "$x" = a ]; then uri=$SSPR_LDAP_LDAPI_A; else uri=$SSPR_LDAP_LDAPI_B; fi
	"$prog" -x -H "$uri" -D "$SSPR_LDAP_ROOT_DN" -y "$SSPR_LDAP_ROOT_PASSWORD_FILE" \
		-o nettimeout=5 "$@"
}

# as_host URI CMD ARGS...: an ldap tool as the hosts' identity, StartTLS required.
as_host() {
	local uri="$1" prog="$2"
	shift 2
	LDAPTLS_CACERT=$SSPR_LDAP_CACERT LDAPTLS_REQCERT=demand "$prog" -x -ZZ -H "$uri" \
		-D "$SSPR_LDAP_BIND_DN" -y "$SSPR_LDAP_BIND_PASSWORD_FILE" -o nettimeout=5 "$@"
}

# has_entry a|b DN: the entry exists on that server (as seen by the rootdn).
has_entry() {
	as_root "$1" ldapsearch -LLL -b "$2" -s base dn 2>/dev/null | grep -q '^dn:'
}

# has_value a|b DN ATTR VALUE
has_value() {
	as_root "$1" ldapsearch -LLL -b "$2" -s base "($3=$4)" dn 2>/dev/null | grep -q '^dn:'
}

# wait_for SECONDS CMD ARGS...: polls CMD every few ms until it succeeds.
wait_for() {
	local deadline=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.005
	done
}

# An ssprAccount entry's LDIF (exercises the schema on both servers).
account_ldif() {
	printf 'dn: %s\nobjectClass: ssprAccount\nssprUser: %s\nssprRevision: 1\n' "$1" "$2"
	printf 'ssprUpdatedAt: %s\nssprQuestion: 0 $argon2id$x what was your first pet\n' \
		"$(date +%s)"
	printf 'ssprMail: %s@example.org\n\n' "$2"
}

# Makes ou=NAME under the base on server a (as the host) and waits until b has it too.
make_subbase() {
	local dn="ou=$1,$SSPR_LDAP_BASE"
	printf 'dn: %s\nobjectClass: organizationalUnit\nou: %s\n' "$dn" "$1" |
		as_host "$SSPR_LDAP_URI_A" ldapadd >/dev/null || return 1
	wait_for 10 has_entry b "$dn"
}
