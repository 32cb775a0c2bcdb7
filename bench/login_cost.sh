#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What an ordinary login (a password, not a reset) pays for pam_sspr's auth
# and account lines, next to what it pays for pam_faillock's account line:
# stacks of pam_permit with and without each module's lines, real libpam,
# real accounts (N users in a private /etc, none enrolled), driven by
# bench/login_cost. See BENCHMARKS.md, "What an ordinary login pays".
#
#   bench/login_cost.sh DRIVER MODULE ADMIN [--users N] [--rounds R]
#                       [--eligible yes|no]
#
# --eligible yes (the default): the users are in the group the policy
# offers resets to, so the account hook reads the policy, looks the user up
# and then reads their record (the engine and the store) to remind them.
# no: they are not, and the hook stops after the look-up.
#
# As root, inside a private mount namespace (tests/e2e/sandbox.sh): nothing
# on the host changes. Prints one line per stack (median and 90th
# percentile per transaction) and the added cost of each module over the
# pam_permit floor.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/e2e/sandbox.sh
. "$src/tests/e2e/sandbox.sh"

[ $# -ge 3 ] || { sed -n '2,17p' "$0"; exit 2; }
driver=$(realpath "$1") module=$(realpath "$2") admin=$(realpath "$3")
shift 3
users=1000 rounds=5 eligible=yes
while [ $# -gt 0 ]; do
	case $1 in
	--users) users=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--eligible) eligible=$2; shift 2 ;;
	*) echo "login_cost.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
faillock=$(find /lib /usr/lib -name pam_faillock.so -path '*security*' 2>/dev/null | head -n1)
[ -n "$faillock" ] || { echo "SKIP: pam_faillock.so not found"; exit 77; }

sandbox_require
sandbox_enter "$0" "$driver" "$module" "$admin" --users "$users" --rounds "$rounds" \
	--eligible "$eligible"
sandbox_setup "$module" "$admin"

# N accounts appended to the private files at once (useradd would take
# minutes); the group "sspr" is the policy's: members are eligible.
gid=$(getent group sspr | cut -d: -f3)
names=()
for ((i = 0; i < users; i++)); do
	names+=("lc$(printf '%06d' "$i")")
done
for ((i = 0; i < users; i++)); do
	printf '%s:x:%d:%d::/nonexistent:/bin/sh\n' "${names[i]}" $((200000 + i)) $((200000 + i))
done >>/etc/passwd
for ((i = 0; i < users; i++)); do
	printf '%s:x:%d:\n' "${names[i]}" $((200000 + i))
done >>/etc/group
if [ "$eligible" = yes ]; then
	members=$(IFS=,; echo "${names[*]}")
	sed -i -E "s/^(sspr:[^:]*:$gid:)(.*)$/\1\2,$members/; s/^(sspr:[^:]*:$gid:),/\1/" /etc/group
	getent group sspr | grep -q "lc000000" || { echo "FAIL: the users are not in group sspr" >&2; exit 1; }
fi
printf '%s\n' "${names[@]}" >"$SANDBOX/users"

mount -t tmpfs none /run/faillock 2>/dev/null || { mkdir -p /run/faillock && mount -t tmpfs none /run/faillock; }
conf=$SANDBOX/pam
mkdir "$conf"
floor_auth="auth required pam_permit.so"
floor_account="account required pam_permit.so"
printf '%s\n%s\n' "$floor_auth" "$floor_account" >"$conf/floor"
printf '%s\naccount required %s\n%s\n' "$floor_auth" "$faillock" "$floor_account" >"$conf/faillock"
printf 'auth optional %s\n%s\n%s\n' "$module" "$floor_auth" "$floor_account" >"$conf/sspr-auth"
printf '%s\naccount optional %s\n%s\n' "$floor_auth" "$module" "$floor_account" >"$conf/sspr-account"
printf 'auth optional %s\n%s\naccount optional %s\n%s\n' "$module" "$floor_auth" "$module" \
	"$floor_account" >"$conf/sspr"

"$driver" --confdir "$conf" --users "$SANDBOX/users" --rounds "$rounds" \
	floor faillock sspr-auth sspr-account sspr >"$SANDBOX/out"
awk '
	{ med[$1] = $2; p90[$1] = $3; fail[$1] = $4; order[NR] = $1 }
	END {
		printf "%-14s %12s %12s %12s %9s\n", "stack", "median_us", "p90_us", "added_us", "failures"
		for (i = 1; i <= NR; i++) {
			s = order[i]
			printf "%-14s %12.1f %12.1f %12.1f %9d\n", s, med[s] / 1000, p90[s] / 1000,
				(med[s] - med["floor"]) / 1000, fail[s]
		}
		if (med["faillock"] > med["floor"])
			printf "pam_sspr (auth + account) adds %.2fx what pam_faillock'"'"'s account line adds\n",
				(med["sspr"] - med["floor"]) / (med["faillock"] - med["floor"])
		bad = 0
		for (s in fail) bad += fail[s]
		exit bad != 0
	}' "$SANDBOX/out"
