#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# System test of the Debian package, as root. Steps:
#  1. build the package from the source tree with dpkg-buildpackage (in a
#     copy, so the tree is untouched), unless $SSPR_DEB_DIR holds the .debs;
#  2. lintian on it: no error, no warning (overrides need a reason);
#  3. a minimal Debian 12 (mmdebstrap, variant apt) holding the package's
#     dependencies and the programs the test drives, cached as a tarball in
#     /var/cache/sspr-test keyed by suite, mirror and package list;
#  4. in a private mount namespace (nothing mounted leaks to the host): the
#     tarball unpacked into a scratch directory, /proc, a private /dev with
#     the host's pseudo-terminals and a tmpfs /run mounted, and
#     system_test.py drives dpkg, pam-auth-update, sshd, ssh, login and su
#     inside it with chroot.
# Usage: test_system.sh SOURCE_DIR SYSTEM_TEST_PY
# Environment: SSPR_DEB_DIR (ready .debs), SSPR_TEST_MIRROR (Debian mirror,
# default http://deb.debian.org/debian), SSPR_TEST_CACHE (default
# /var/cache/sspr-test), SSPR_TEST_KEEP=1 (keep the scratch directory).
set -euo pipefail

prog=test_system.sh
say() { echo "$prog: $*"; }
fail() { echo "$prog: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "$prog: SKIP: needs root (builds a Debian system with mmdebstrap, chroots into it," \
		"installs the package there and starts sshd)"
	exit 77
fi
[ $# = 2 ] || fail "usage: $prog SOURCE_DIR SYSTEM_TEST_PY"
src=$(realpath -e -- "$1")
driver=$(realpath -e -- "$2")

# Everything the test itself runs on the host. A missing one is a failure,
# not a skip: CI must not pass by skipping (tools/deps.sh installs them).
need=(dpkg-buildpackage dpkg-checkbuilddeps lintian mmdebstrap unshare chroot python3 tar
	sha256sum flock)
for c in "${need[@]}"; do
	command -v "$c" >/dev/null || fail "$c not found (install: dpkg-dev lintian mmdebstrap util-linux python3 coreutils)"
done

suite=bookworm
mirror=${SSPR_TEST_MIRROR:-http://deb.debian.org/debian}
cache=${SSPR_TEST_CACHE:-/var/cache/sspr-test}
work=$(mktemp -d /tmp/sspr-system.XXXXXX)
cleanup() {
	# The namespace's mounts died with it: the scratch root is plain files.
	if [ "${SSPR_TEST_KEEP:-0}" = 1 ]; then
		say "kept $work"
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT

# --- 1. the package ---------------------------------------------------------
if [ -n "${SSPR_DEB_DIR:-}" ]; then
	debs=$(realpath -e -- "$SSPR_DEB_DIR")
	say "using the packages in $debs"
else
	say "building the package from $src"
	mkdir -p "$work/pkg/src"
	# The tree as git sees it (tracked and new files, not ignored build
	# directories); a plain copy without build directories otherwise.
	if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1 &&
		[ "$(git -C "$src" rev-parse --show-toplevel)" = "$src" ]; then
		(cd "$src" && git ls-files -z -c -o --exclude-standard |
			xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
			tar --null -T - -cf -) | tar -xf - -C "$work/pkg/src"
	else
		tar -C "$src" --exclude='./build*' --exclude=./.git --exclude='./obj-*' -cf - . |
			tar -xf - -C "$work/pkg/src"
	fi
	(cd "$work/pkg/src" && dpkg-checkbuilddeps -Pnocheck) ||
		fail "build dependencies missing (see debian/control; tools/deps.sh installs them)"
	# nocheck: the unit and pam suites run in meson test already.
	if ! (cd "$work/pkg/src" &&
		DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Pnocheck) \
		>"$work/pkg/build.log" 2>&1; then
		tail -n 40 "$work/pkg/build.log"
		fail "dpkg-buildpackage failed"
	fi
	debs=$work/pkg
	say "built: $(cd "$debs" && echo *.deb)"
fi
deb=$(ls "$debs"/libpam-sspr_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no libpam-sspr_*.deb in $debs"
ldap_deb=$(ls "$debs"/libpam-sspr-ldap_*.deb 2>/dev/null | head -n 1)
[ -n "$ldap_deb" ] || fail "no libpam-sspr-ldap_*.deb in $debs"

# --- 2. lintian -------------------------------------------------------------
changes=$(ls "$debs"/*.changes 2>/dev/null | head -n 1 || true)
say "lintian ${changes:-$deb}:"
# Root is fine here: lintian only reads the files. Overrides are shown
# with their reasons; --fail-on makes any error or warning fatal.
lint_status=0
lintian --fail-on error,warning --display-info --show-overrides "${changes:-$deb}" \
	>"$work/lintian.txt" 2>&1 || lint_status=$?
grep -v '^running with root privileges' "$work/lintian.txt" || true
[ "$lint_status" = 0 ] || fail "lintian reports errors or warnings (above)"
say "lintian: no errors, no warnings"

# --- 3. the cached minimal system -------------------------------------------
# The package's own dependencies (first of each alternative, no versions)
# plus what the test drives inside: sshd and ssh, login, su (util-linux,
# essential), sudo, useradd (passwd), pam-auth-update (libpam-runtime).
depends=$( (dpkg-deb -f "$deb" Depends; echo ,; dpkg-deb -f "$ldap_deb" Depends) |
	tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' |
	grep -v '^libpam-sspr$')
packages=$(printf '%s\n' $depends openssh-server openssh-client login passwd libpam-runtime \
	adduser sudo | sort -u | paste -sd, -)
key=$(printf '%s|%s|%s|%s\n' "$suite" apt "$mirror" "$packages" | sha256sum | cut -c1-16)
tarball=$cache/$suite-$key.tar
mkdir -p "$cache"
(
	flock 9
	if [ ! -s "$tarball" ]; then
		say "creating $tarball ($packages)"
		rm -f "$tarball.tmp"
		mmdebstrap --quiet --variant=apt --format=tar --include="$packages" \
			"$suite" "$tarball.tmp" "$mirror" ||
			{ rm -f "$tarball.tmp"; exit 1; }
		mv "$tarball.tmp" "$tarball"
		# Older keys are stale: keep the cache to one system.
		find "$cache" -maxdepth 1 -name "$suite-*.tar" ! -name "$(basename "$tarball")" -delete
	else
		say "using cached $tarball"
	fi
) 9>"$cache/.lock" || fail "mmdebstrap failed (is the Debian mirror $mirror reachable?)"

# --- 4. the test, in a private mount namespace ------------------------------
root=$work/root
mkdir -p "$root"
tar -xf "$tarball" -C "$root"
cp "$deb" "$ldap_deb" "$root/tmp/"
status=0
unshare --mount --propagation private /bin/bash -euc '
	root=$1
	mount -t proc proc "$root/proc"
	# A private /dev: the usual nodes, the host'\''s pseudo-terminals (the
	# driver opens them on the host side; login and ssh use them inside)
	# and room for the test'\''s own /dev/log.
	mount -t tmpfs -o mode=755,nosuid dev "$root/dev"
	for n in null zero full random urandom tty; do
		touch "$root/dev/$n"
		mount --bind "/dev/$n" "$root/dev/$n"
	done
	mkdir -p "$root/dev/pts" "$root/dev/shm"
	mount --bind /dev/pts "$root/dev/pts"
	# The kernel finds the pty instance of a /dev/ptmx node through its
	# own directory; a link into the bound devpts always finds the right
	# one (root, who runs sshd, may open it despite ptmxmode=000).
	ln -s pts/ptmx "$root/dev/ptmx"
	mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
	mount -t tmpfs -o mode=755 run "$root/run"
	exec python3 "$2" "$root" "/tmp/$3" "/tmp/$4"
' sh "$root" "$driver" "$(basename "$deb")" "$(basename "$ldap_deb")" || status=$?
exit "$status"
