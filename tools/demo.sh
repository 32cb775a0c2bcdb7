#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A full self-service password reset, shown step by step, in a throw-away
# sandbox: a private mount namespace with its own copy of /etc on a tmpfs,
# its own users, store and keys (tests/e2e/sandbox.sh). Nothing on the host
# changes; the host's account files are compared before and after.
# Installs what is missing and builds first. Run as root.
# The logins are typed on a pseudo-terminal (tools/converse.py), so the
# transcript shows the prompts as a person sees them; passwords are masked.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
. tests/e2e/sandbox.sh

if [ -z "${SSPR_SANDBOX_INSIDE:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tools/demo.sh: run as root (it needs a private mount namespace)" >&2
		exit 1
	fi
	tools/deps.sh
	if [ ! -f build-demo/build.ninja ]; then
		meson setup --wipe build-demo -Dtests=false >/dev/null 2>&1 ||
			meson setup build-demo -Dtests=false >/dev/null
	fi
	ninja -C build-demo >/dev/null
	if ! unshare --mount true 2>/dev/null; then
		echo "tools/demo.sh: cannot create a private mount namespace here (unshare --mount needs CAP_SYS_ADMIN)" >&2
		exit 1
	fi
	SANDBOX_SHOW_HOST_CHECK=1 sandbox_enter "$0" "$@"
fi

module=$top/build-demo/pam_sspr/pam_sspr.so
admin=$top/build-demo/sspr-admin/sspr-admin
sandbox_setup "$module" "$admin"
new_password='Brand-New-Pass-42'

if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi
note() { printf '(%s)\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
login() { # login USER ANSWER...
	local user=$1
	shift
	printf '$ pamtester -v sspr-login %s authenticate\n' "$user"
	python3 tools/converse.py "$@" -- pamtester -v sspr-login "$user" authenticate || true
}
hash_of() { # the start of USER's hash in the sandbox's /etc/shadow
	printf '%.24s...' "$(sandbox_shadow_hash "$1")"
}

say "The sandbox: alice is in group sspr and enrolled an authenticator app; bob is not."
run cat /etc/pam.d/sspr-login
run grep -Ev '^(#|$)' /etc/pam.d/sspr-passwd
run id alice
run id bob
run "$admin" list
alice_before=$(hash_of alice)
bob_before=$(hash_of bob)
note "alice's hash in /etc/shadow: $alice_before"

say "1. An ordinary login with the right password works as before."
login alice "$SANDBOX_OLD_PASSWORD"

say "2. Alice forgot her password: Enter, the code from her app, a new password twice."
sandbox_wait_fresh_step
code=$(sandbox_code)
note "her app shows $code: oathtool --totp -b \$SECRET"
login alice "" "$code" "$new_password" "$new_password"
note "alice's hash in /etc/shadow: $(hash_of alice) (was $alice_before)"

say "3. The old password no longer works; the new one does."
login alice "$SANDBOX_OLD_PASSWORD"
login alice "$new_password"

say "4. The same code cannot be used twice; pam_unix then asks for the password as usual."
login alice "" "$code" "$new_password"

say "5. Bob is not in group sspr: he gets the same dialog as anyone (enumeration = hide); nothing changes."
login bob "" "123456" "$SANDBOX_OLD_PASSWORD"
note "bob's hash in /etc/shadow: $(hash_of bob) (was $bob_before)"

say "6. What the store holds for alice now (the code's time step is spent)."
run "$admin" show alice
