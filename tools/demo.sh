#!/bin/bash
# A full self-service password reset, shown step by step, in a throw-away
# sandbox: a private mount namespace with its own copy of /etc, its own users,
# store and keys (tests/e2e/sandbox.sh). Nothing on the host changes.
# Installs what is missing and builds first. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ -z "${SSPR_SANDBOX_INSIDE:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tools/demo.sh: run as root (it needs a private mount namespace)" >&2
		exit 1
	fi
	tools/deps.sh
	[ -d build-demo ] || meson setup build-demo -Dtests=false >/dev/null
	ninja -C build-demo >/dev/null
	before=$(sha256sum /etc/shadow /etc/passwd)
	SSPR_SANDBOX_INSIDE= unshare --mount --propagation private \
		env SSPR_SANDBOX_INSIDE=1 bash "$0" "$@"
	after=$(sha256sum /etc/shadow /etc/passwd)
	[ "$before" = "$after" ] && echo "(The host's /etc/passwd and /etc/shadow are unchanged.)"
	exit 0
fi

. tests/e2e/sandbox.sh
module=$top/build-demo/pam_sspr/pam_sspr.so
admin=$top/build-demo/sspr-admin/sspr-admin
sandbox_setup "$module" "$admin"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
login() { # login USER ANSWER...
	local user=$1
	shift
	printf '$ pamtester sspr-login %s authenticate\n' "$user"
	python3 tools/converse.py "$@" -- pamtester sspr-login "$user" authenticate || true
}

say "The sandbox: alice is in group sspr and enrolled an authenticator app; bob is not."
printf '$ cat /etc/pam.d/sspr-login\n'
cat /etc/pam.d/sspr-login
run "$admin" list

say "1. An ordinary login with the right password works as before."
login alice "$SANDBOX_OLD_PASSWORD"

say "2. Alice forgot her password: Enter, the code from her app, a new password twice."
while [ $(( $(date +%s) % 30 )) -gt 25 ]; do sleep 1; done
code=$(sandbox_code)
echo "(her app shows $code)"
login alice "" "$code" "Brand-New-Pass-42" "Brand-New-Pass-42"

say "3. The old password no longer works; the new one does."
login alice "$SANDBOX_OLD_PASSWORD"
login alice "Brand-New-Pass-42"

say "4. The same code cannot be used twice."
login alice "" "$code"

say "5. Bob is not in group sspr: he is told so, with the helpdesk text, and nothing changes."
login bob ""

say "6. What the store holds for alice now (the code's time step is spent)"
run "$admin" show alice
