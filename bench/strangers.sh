#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What a stranger at the prompt costs the host, and what strangers cost a
# real user's reset (BENCHMARKS.md, "What a stranger costs"):
#
#   bench/strangers.sh MODULE ADMIN OUT [--old-module PATH] [--smoke]
#
# As root, in the e2e sandbox (a private /etc and store on a tmpfs). Rows:
# CPU-ms and peak RSS of the server side of one attempt (pamtester, one
# process per attempt, measured with wait4; sshd, all its processes over N
# connections) for a stranger at the authenticator-app and at the
# security-question dialog, and for a wrong password through pam_unix
# alone; and a real user's question reset, alone and while 50 strangers run
# question dialogs in a loop. With --old-module, the same rows for another
# build (the tree before), on a store of its own. pam_unix runs with
# nodelay: its 2 s failure delay would only add idle time. Writes
# OUT/strangers.txt and OUT/strangers.json.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/e2e/sandbox.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a private mount namespace)"; exit 77; }
sandbox_enter "$0" "$@"

module=$(readlink -f "$1")
admin=$(readlink -f "$2")
out=$(readlink -f "$3")
shift 3
old_module=""
smoke=0
while [ $# -gt 0 ]; do
	case $1 in
	--old-module) old_module=$(readlink -f "$2"); shift 2 ;;
	--smoke) smoke=1; shift ;;
	*) echo "bench/strangers.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
sandbox_setup "$module" "$admin"

# One policy per method (a stranger's decoy is then that method's, in
# either build), at the shipped Argon2id cost (64 MiB, 2 passes, 2 at
# once).
builds=(new)
[ -n "$old_module" ] && builds+=(old)
for build in "${builds[@]}"; do
	store=$SANDBOX/store-$build
	so=$module
	[ "$build" = old ] && so=$old_module
	for m in totp questions; do
		conf=/etc/security/bench-$build-$m.conf
		sed -e "s#^store = .*#store = $store#" -e '/^methods = /d' /etc/security/sspr.conf >"$conf"
		printf '%s\n' "methods = $m" "questions_to_reset = 2" "lockout_attempts = 100" \
			"notify_user = no" "questions_file = $src/policy/sspr-questions" >>"$conf"
		chmod 644 "$conf"
		printf '%s\n' "auth optional $so config=$conf" \
			"auth required pam_unix.so try_first_pass nodelay" \
			"account required pam_unix.so" >"/etc/pam.d/bench-$build-$m"
	done
	"$admin" --config "/etc/security/bench-$build-totp.conf" init >/dev/null
	printf '%s\t%s\n' "First bench question?" "answer one" "Second bench question?" \
		"answer two" "Third bench question?" "answer three" |
		"$admin" --config "/etc/security/bench-$build-questions.conf" enroll alice questions \
			--stdin >/dev/null
done
printf '%s\n' "auth required pam_unix.so nodelay" "account required pam_unix.so" \
	>/etc/pam.d/bench-plain
sshd_bin=""
if [ -x /usr/sbin/sshd ]; then
	sshd_bin=/usr/sbin/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$SANDBOX/ssh_host_key"
	mkdir -p /run/sshd
fi
python3 "$src/bench/strangers.py" --src "$src" --out "$out" --sandbox "$SANDBOX" --builds "${builds[@]}" \
	--sshd "$sshd_bin" --smoke "$smoke"
