#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs everything needed to build pam_sspr, run every test suite and the
# demo on Debian 12 (bookworm). Idempotent and quiet: it installs only what
# is missing and refreshes the package lists only when they are missing or
# older than a day. Needs root (apt-get). Fails loudly.
set -euo pipefail

packages=(
	# build (gettext: xgettext and msgfmt make the catalogues)
	build-essential meson ninja-build pkg-config gettext
	libpam0g-dev liboath-dev libsodium-dev liblmdb-dev libqrencode-dev
	# unit and module tests
	libcmocka-dev libpam-wrapper libpamtest0-dev
	# the dialog in the user's language: localedef compiles a German
	# locale for the module test of PAM's environment (into the test's
	# own directory, not the system's)
	locales
	# end-to-end tests, enrollment test and demo: pamtester drives PAM,
	# oathtool computes codes, lmdb-utils inspects the store, python3 runs
	# tools/converse.py and the test summary, passwd gives useradd/chpasswd,
	# util-linux gives unshare/setpriv, mount gives mount/umount.
	pamtester oathtool lmdb-utils python3 passwd util-linux mount
	coreutils diffutils
	# the host's own controls a reset must obey, end to end: pam_pwquality
	# (the shipped sspr-passwd requires it), sudo and su (setuid-root
	# callers); pam_faillock and pam_pwhistory come with libpam-modules;
	# cracklib-runtime holds the dictionary pam_pwquality checks against
	# (only recommended, and without it every new password is refused)
	libpam-pwquality cracklib-runtime sudo
	# e-mail end to end: msmtp is the sendmail-compatible client the module
	# runs; it delivers to the test's own SMTP listener on 127.0.0.1
	msmtp
	# sspr-enroll's mails go out through sspr-mailer, started per
	# connection on a socket; systemd-socket-activate (from systemd) starts
	# it as sspr-mail.socket would, without systemd running
	systemd
	# sspr-admin doctor's test reads sshd's effective settings (sshd -T)
	openssh-server
	# the enrollment test reads the terminal's QR code back with zbarimg;
	# the system test runs the shipped fail2ban filter with fail2ban-regex
	zbar-tools fail2ban
	# packaging test: builds, lints and installs the .deb inside fresh
	# Debian 12 and 13 systems made by mmdebstrap (lintian also lints
	# ready .debs on the host); debhelper, dpkg-dev and scdoc build the
	# package on the host, as a packager would
	debhelper dpkg-dev scdoc lintian mmdebstrap libaudit-dev
	# benchmark smoke run: the two peer modules and an indexed NSS source
	libpam-oath libpam-google-authenticator libnss-db
	# fuzzing (libFuzzer and the sanitizer runtimes come with
	# libclang-rt-14-dev, only recommended by clang), symbolized reports,
	# static analysis
	clang libclang-rt-14-dev llvm clang-tidy cppcheck
	# the directory store: libldap to build it; slapd (two servers the
	# tests start themselves), ldap-utils and openssl (a test CA) to test it
	libldap-dev slapd ldap-utils openssl
	# passwords in the directory: the writeback test logs in through
	# pam_ldap.so and nslcd (nss-pam-ldapd), as a host whose accounts live
	# in the directory does
	nslcd libpam-ldapd
	# passwords at a KDC: libkrb5 to build the Kerberos backend; a realm of
	# the test's own (krb5kdc, kadmind), kinit and kadmin to check it, and
	# pam_krb5 to log in through it
	libkrb5-dev krb5-kdc krb5-admin-server krb5-user libpam-krb5
	# SSSD hosts: the SSSD test runs sssd with the LDAP provider against the
	# test's slapd and logs in through pam_sss; sss_cache is in sssd-tools
	sssd-ldap sssd-tools libpam-sss
)

fail() {
	echo "tools/deps.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (it installs packages with apt-get)"
command -v apt-get >/dev/null || fail "apt-get not found: this script is for Debian 12 and derivatives"

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ "${#missing[@]}" = 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
# Lists missing (fresh container) or stale (older than a day): refresh.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	apt-get update -qq || fail "apt-get update failed"
fi
echo "tools/deps.sh: installing ${missing[*]}"
# libnss-sss adds "sss" to this machine's nsswitch.conf on its first install:
# the tests that want SSSD run their own, in a private namespace.
nsswitch_saved=$(mktemp)
cp -a /etc/nsswitch.conf "$nsswitch_saved"
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	rm -f "$nsswitch_saved"
	fail "apt-get install ${missing[*]} failed (see the messages above)"
fi
cp "$nsswitch_saved" /etc/nsswitch.conf
rm -f "$nsswitch_saved"
# libpam-ldapd, libpam-krb5 and libpam-sss add pam_ldap, pam_krb5 and
# pam_sss to this machine's common-* stacks, and their daemons start where
# they can: none of that is wanted outside the tests, which start their
# own. (Any later package with a PAM profile would enable them again:
# deps.sh takes them out whenever it installs.)
pam-auth-update --package --remove ldap krb5 sss
if command -v invoke-rc.d >/dev/null; then
	for daemon in nslcd krb5-kdc krb5-admin-server sssd; do
		invoke-rc.d "$daemon" stop >/dev/null 2>&1 || true
	done
fi
