# Shared by tools/demo.sh and tests/e2e: a throw-away system inside a private
# mount namespace. /etc is a private copy bind-mounted over the real one, so
# useradd, chpasswd and pam_unix change only the copy; the store and keys
# live in a temporary directory. Nothing on the host changes.
#
# Usage (bash): source this file, then
#   sandbox_enter "$0" "$@"         re-executes the script inside unshare -m
#   sandbox_setup MODULE ADMIN      users alice (in group sspr) and bob, group
#                                   sspr-store (owns the store),
#                                   policy, keys, store, PAM services
# Afterwards: $SANDBOX (work dir), $SECRET (alice's base32 TOTP secret),
# PAM service "sspr-login" (pam_sspr + pam_unix), "sspr-passwd" (the tree's).

SANDBOX_OLD_PASSWORD='Old-Passw0rd!'
SANDBOX_HELPDESK='Call the IT helpdesk on 555-0100.'

# Exits 77 (meson's "skipped") with the reason unless we are root and
# every named tool is installed.
sandbox_require() {
	local tool
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (private mount namespace, real accounts, pam_unix as root)"
		exit 77
	fi
	for tool in unshare chpasswd "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "SKIP: $tool is not installed (tools/deps.sh installs it)"
			exit 77
		fi
	done
}

sandbox_enter() {
	local self=$1
	shift
	if [ -z "${SSPR_SANDBOX_INSIDE:-}" ]; then
		exec unshare --mount --propagation private \
			env SSPR_SANDBOX_INSIDE=1 bash "$self" "$@"
	fi
}

sandbox_setup() {
	local module=$1 admin=$2 src
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

	SANDBOX=$(mktemp -d /tmp/sspr-sandbox-XXXXXX)
	trap 'rm -rf "$SANDBOX"' EXIT
	chmod 755 "$SANDBOX" # users reach the store and keys through it
	# A private /etc: a copy, mounted over the real one in this namespace only.
	mkdir "$SANDBOX/etc"
	cp -a /etc/. "$SANDBOX/etc/"
	mount --bind "$SANDBOX/etc" /etc

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
		helpdesk = $SANDBOX_HELPDESK
	CONF
	chmod 644 /etc/security/sspr.conf

	install -m 644 "$src/pam.d/sspr-passwd" /etc/pam.d/sspr-passwd
	install -m 644 "$src/pam.d/sspr-enroll" /etc/pam.d/sspr-enroll
	cat >/etc/pam.d/sspr-login <<-PAM
		auth [success=done default=ignore] $module
		auth required pam_unix.so try_first_pass
		account required pam_unix.so
		account optional $module
	PAM

	"$admin" init >/dev/null
	SECRET=$(head -c 20 /dev/urandom | base32 | tr -d '=')
	printf '%s\n' "$SECRET" | "$admin" enroll alice totp --secret-stdin >/dev/null
}

# The current code for alice's secret.
sandbox_code() {
	oathtool --totp -b "$SECRET"
}

# The password hash field of USER in the private shadow file.
sandbox_shadow_hash() {
	awk -F: -v u="$1" '$1 == u { print $2 }' /etc/shadow
}
