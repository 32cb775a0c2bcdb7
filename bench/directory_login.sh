#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What an ordinary login of a registered user (right password, auth +
# account through real pamtester and pam_unix) takes on a host whose store
# is the directory, with the directory up, down (connection refused) and
# silent (accepts, never answers): with the reminder cache
# (ldap_reminder_cache) and without, with the "unreachable" mark
# (ldap_retry_after) and without (both 0: every login asks, as before
# either), next to the same stack with registration = no (the account hook
# stops after the policy). See BENCHMARKS.md, "A down directory".
#
#   tests/ldap/with-slapd.sh bash bench/directory_login.sh MODULE ADMIN [--rounds R]
#
# As root, in the private namespace of tests/e2e/sandbox.sh; ldap_timeout 2.
# Prints, per case, the median and the slowest of R logins after the first,
# and the first login on its own (the one that finds the directory gone).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,16p' "$0"; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
src=$(cd "$(dirname "$0")/.." && pwd)
shift 2
rounds=15
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	*) echo "directory_login.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
. "$src/tests/e2e/sandbox.sh"
sandbox_require pamtester awk python3 pam-auth-update
sandbox_enter "$0" "$module" "$admin" --rounds "$rounds"
sandbox_setup "$module" "$admin" >/dev/null
. "$src/tests/e2e/checks.sh"
. "$src/tests/ldap/e2e/hosts.sh"
hosts_init "$module" "$admin" >/dev/null

refused_uri="ldap://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
blackhole_start
host_add up "$SSPR_LDAP_URI_A"
host_admin up init >/dev/null
printf '%s\n' "$SECRET" | host_admin up enroll alice totp --secret-stdin >/dev/null
host_add base "$SSPR_LDAP_URI_A" "registration = no"
host_add up0 "$SSPR_LDAP_URI_A" "ldap_reminder_cache = 0"
host_add silent "$BLACKHOLE_URI"
for retry in 60 0; do
	host_add "down$retry" "$refused_uri" $'ldap_reminder_cache = 0\n'"ldap_retry_after = $retry"
	host_add "silent$retry" "$BLACKHOLE_URI" $'ldap_reminder_cache = 0\n'"ldap_retry_after = $retry"
done
for h in up0 silent down60 silent60 down0 silent0; do cp -a "$SANDBOX/keys-up" "$SANDBOX/keys-$h"; done

# One case: R + 1 logins; the first apart, then the median and maximum of
# the others, in milliseconds.
measure() { # measure HOST LABEL
	local host=$1 label=$2 i first=
	local -a t=()
	for ((i = 0; i <= rounds; i++)); do
		host_login_full "$host" alice "$SANDBOX_OLD_PASSWORD"
		account_ok || { echo "directory_login.sh: $host: the login failed: $out" >&2; exit 1; }
		if [ -z "$first" ]; then first=$elapsed; else t+=("$elapsed"); fi
	done
	printf '%s\n' "${t[@]}" | sort -n | awk -v label="$label" -v first="$first" '
		{ v[NR] = $1 * 1000 }
		END {
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%-44s first %7.0f ms   median %7.0f ms   max %7.0f ms\n",
			       label, first * 1000, m, v[NR]
		}'
}

echo "# $rounds logins per case after the first; ldap_timeout = $E2E_LDAP_TIMEOUT s; alice registered"
measure base "registration = no (no record read)"
measure up0 "up, no cache (every login reads)"
measure up "up, cache (default)"
measure silent "silent, cache (warm from the line above)"
measure down60 "down, no cache, retry_after 60"
measure silent60 "silent, no cache, retry_after 60"
measure down0 "down, no cache, retry_after 0 (as before)"
measure silent0 "silent, no cache, retry_after 0 (as before)"
