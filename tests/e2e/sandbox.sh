# SPDX-License-Identifier: BSD-2-Clause
# Shared by tools/demo.sh, tests/e2e and tests/enroll: a throw-away system
# inside a private mount namespace. Everything it writes lives on a tmpfs that
# only the namespace sees: a copy of /etc bind-mounted over the real one (so
# useradd, chpasswd and pam_unix change only the copy), the store and the
# keys. When the namespace ends, the tmpfs goes with it; even a killed run
# leaves nothing behind but an empty directory in /tmp.
#
# Usage (bash): source this file, then
#   sandbox_require TOOL...         exits 77 (meson's "skipped") with the
#                                   reason unless root, unshare works and
#                                   every TOOL is installed
#   sandbox_enter "$0" "$@"         outside: runs the script again inside
#                                   unshare -m, checks that the host's
#                                   account files did not change, and exits
#                                   with the script's status; inside: returns
#                                   (SANDBOX_SHOW_HOST_CHECK=1: says so when
#                                   the host files are unchanged)
#   sandbox_setup MODULE ADMIN      users alice (in group sspr) and bob,
#                                   group sspr-store (owns the store),
#                                   policy, keys, store, PAM services
# Afterwards: $SANDBOX (work dir), $SECRET (alice's base32 TOTP secret),
# PAM service "sspr-login" (pam_sspr + pam_unix), "sspr-passwd" (the tree's).

SANDBOX_OLD_PASSWORD='Old-Passw0rd!'
SANDBOX_HELPDESK='Call the IT helpdesk on 555-0100.'
# The host files a run must never change; checked before and after.
SANDBOX_HOST_FILES=(/etc/passwd /etc/shadow /etc/group /etc/gshadow)

sandbox_require() {
	local tool
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (private mount namespace, real accounts, pam_unix as root)"
		exit 77
	fi
	for tool in unshare mount chpasswd useradd groupadd "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "SKIP: $tool is not installed (tools/deps.sh installs it)"
			exit 77
		fi
	done
	# Root in a container without CAP_SYS_ADMIN (docker without
	# --privileged) cannot make a mount namespace: skip, never fall back to
	# changing the real /etc.
	if ! unshare --mount --propagation private mount -t tmpfs none /tmp 2>/dev/null; then
		echo "SKIP: cannot create a private mount namespace here (unshare --mount needs CAP_SYS_ADMIN)"
		exit 77
	fi
}

sandbox_host_sums() {
	sha256sum "${SANDBOX_HOST_FILES[@]}" 2>/dev/null || true
}

sandbox_enter() {
	local self=$1 before after rc=0
	shift
	[ -n "${SSPR_SANDBOX_INSIDE:-}" ] && return 0
	before=$(sandbox_host_sums)
	unshare --mount --propagation private \
		env SSPR_SANDBOX_INSIDE=1 bash "$self" "$@" || rc=$?
	after=$(sandbox_host_sums)
	if [ "$before" != "$after" ]; then
		echo "FAIL: the host's account files changed during the run:" >&2
		diff <(echo "$before") <(echo "$after") >&2 || true
		exit 1
	fi
	if [ -n "${SANDBOX_SHOW_HOST_CHECK:-}" ]; then
		echo "(Host check: sha256 of ${SANDBOX_HOST_FILES[*]} identical before and after.)"
	fi
	exit "$rc"
}

sandbox_cleanup() {
	cd /
	if [ -n "${SANDBOX_RELAY_PID:-}" ]; then
		kill "$SANDBOX_RELAY_PID" 2>/dev/null || true
		umount -l /run/sspr-mail 2>/dev/null || true
		[ -z "${SANDBOX_RELAY_DIR_MADE:-}" ] || rmdir /run/sspr-mail 2>/dev/null || true
	fi
	umount -l /etc 2>/dev/null || true
	umount -l "$SANDBOX" 2>/dev/null || true
	rmdir "$SANDBOX" 2>/dev/null || true
}

sandbox_setup() {
	local module=$1 admin=$2 src
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	if [ -z "${SSPR_SANDBOX_INSIDE:-}" ]; then
		echo "sandbox_setup: not inside the private namespace (call sandbox_enter first)" >&2
		exit 1
	fi

	# The directory is the only trace on the host; its contents are a tmpfs
	# of this namespace.
	SANDBOX=$(mktemp -d /tmp/sspr-sandbox-XXXXXX)
	mount -t tmpfs -o mode=755,size=256m sspr-sandbox "$SANDBOX"
	trap sandbox_cleanup EXIT

	# A private /etc: a copy, mounted over the real one in this namespace.
	mkdir "$SANDBOX/etc"
	cp -a /etc/. "$SANDBOX/etc/"
	mount --bind "$SANDBOX/etc" /etc
	# Accounts come from the private files only: no LDAP or SSSD answering
	# for alice, no host nscd serving the host's cached passwd (its socket is
	# under /run, which we do not copy).
	sed -i -E 's/^(passwd|group|shadow|gshadow):.*/\1: files/' /etc/nsswitch.conf
	local dir
	for dir in /run/nscd /var/run/nscd; do
		[ -d "$dir" ] && mount -t tmpfs none "$dir"
	done
	# Nor does this machine's SSSD, if any, run for the sandbox (pam_sspr
	# refreshes SSSD's cache where its pipes exist): a test that wants one
	# starts its own.
	[ -d /var/lib/sss ] && mount -t tmpfs none /var/lib/sss
	# Should anything fall back to the default store, it finds an empty one.
	[ -d /var/lib/sspr ] && mount -t tmpfs none /var/lib/sspr

	groupadd sspr                 # who may reset (policy key "group")
	groupadd --system sspr-store  # owns the store; sspr-enroll is setgid to it; no members
	useradd -M -d /nonexistent -s /bin/bash -G sspr alice
	useradd -M -d /nonexistent -s /bin/bash bob
	printf 'alice:%s\nbob:%s\n' "$SANDBOX_OLD_PASSWORD" "$SANDBOX_OLD_PASSWORD" | chpasswd

	mkdir -p /etc/security
	cat >/etc/security/sspr.conf <<-CONF
		# sandbox policy
		store = $SANDBOX/store
		key_dir = $SANDBOX/keys
		lock_dir = $SANDBOX/run
		helpdesk = $SANDBOX_HELPDESK
		# The authenticator app alone: with more methods allowed, every
		# reset starts with the menu of them (enumeration = hide offers
		# the policy's methods to everyone alike).
		methods = totp
	CONF
	chmod 644 /etc/security/sspr.conf

	install -m 644 "$src/pam.d/sspr-passwd" /etc/pam.d/sspr-passwd
	install -m 644 "$src/pam.d/sspr-enroll" /etc/pam.d/sspr-enroll
	# The stack login.example recommends for trigger=empty, with the module
	# from the build tree.
	cat >/etc/pam.d/sspr-login <<-PAM
		auth optional $module
		auth required pam_unix.so try_first_pass
		account required pam_unix.so
		account optional $module
		password required pam_unix.so obscure yescrypt
	PAM

	"$admin" init >/dev/null
	SECRET=$(head -c 20 /dev/urandom | base32 | tr -d '=')
	printf '%s\n' "$SECRET" | "$admin" enroll alice totp --secret-stdin >/dev/null
}

# sandbox_mail_relay MAILER: sspr-mailer on /run/sspr-mail/mail.sock as
# sspr-mail.socket runs it (as root, one process per connection, the
# connection as its standard input and output; only the store's group may
# connect), so the setgid helper's verification mails go out. The socket
# directory is a tmpfs of this namespace.
sandbox_mail_relay() {
	local mailer=$1
	if [ ! -d /run/sspr-mail ]; then
		mkdir /run/sspr-mail
		SANDBOX_RELAY_DIR_MADE=1
	fi
	mount -t tmpfs -o mode=755 sspr-mail /run/sspr-mail
	systemd-socket-activate --inetd --accept --listen=/run/sspr-mail/mail.sock "$mailer" \
		>/dev/null 2>&1 &
	SANDBOX_RELAY_PID=$!
	for _ in $(seq 100); do
		[ -S /run/sspr-mail/mail.sock ] && break
		sleep 0.05
	done
	chgrp sspr-store /run/sspr-mail/mail.sock && chmod 0660 /run/sspr-mail/mail.sock
}

# The current code for alice's secret.
sandbox_code() {
	oathtool --totp -b "$SECRET"
}

# Waits until the current TOTP step has at least 8 seconds left, so a code
# taken now is still the current one a few logins later.
sandbox_wait_fresh_step() {
	while [ $(($(date +%s) % 30)) -gt 22 ]; do sleep 1; done
}

# A six-digit code that is not valid for alice now: none of the codes of
# the steps from two before to two after the current one.
sandbox_wrong_code() {
	local valid candidate
	valid=$(oathtool --totp -b "$SECRET" -N "now - 60 seconds" -w 4)
	for candidate in 000000 111111 222222 333333 444444 555555; do
		if ! grep -qx "$candidate" <<<"$valid"; then
			echo "$candidate"
			return
		fi
	done
	return 1
}

# The password hash field of USER in the private shadow file.
sandbox_shadow_hash() {
	awk -F: -v u="$1" '$1 == u { print $2 }' /etc/shadow
}
