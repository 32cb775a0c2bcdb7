#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# System test of the Debian package on one Debian release, as root. Steps:
#  1. build the package from the source tree the way that release builds it:
#     dpkg-buildpackage, source and binaries (with its tests: unit, pam, doc), in a minimal
#     system of that release holding build-essential, lintian and the
#     Build-Depends of debian/control; unless $SSPR_DEB_DIR holds the .debs;
#  2. that release's lintian on it: no error, no warning (overrides need a
#     reason);
#  3. a minimal system of that release (mmdebstrap, variant apt) holding
#     the package's dependencies and the programs the test drives;
#  4. in a private mount namespace (nothing mounted leaks to the host): that
#     system unpacked into a scratch directory, /proc, a private /dev with
#     the host's pseudo-terminals and a tmpfs /run mounted, and
#     system_test.py drives dpkg, pam-auth-update, sshd, ssh, login and su
#     inside it with chroot;
#  5. with SSPR_TEST_AUTOPKGTEST=1, instead of 3 and 4: the same scenario
#     as the package's own autopkgtest (debian/tests), run by that release's
#     autopkgtest on the packages it installs into a fresh system of the
#     release (the "null" runner inside the disposable system: it is the
#     throw-away container that breaks-testbed and isolation-container ask
#     for, so autopkgtest is told to accept those two restrictions). The
#     scenario is system_test.py --installed, which leaves out only the
#     reinstall under dpkg-statoverride (it needs the .deb files).
#  6. in both modes: a graphical login. A third minimal system of that
#     release holding the package's dependencies, LightDM, Xvfb and D-Bus,
#     in which greeter_test.py starts a real LightDM with a scripted
#     greeter (tests/system/greeter/) that resets alice's password at the
#     greeter; screenshots of every step go to $SSPR_ARTIFACT_DIR.
# The systems are cached as tarballs in /var/cache/sspr-test, keyed by
# release, mirror and package list.
# Usage: test_system.sh SUITE SOURCE_DIR SYSTEM_TEST_PY   (SUITE: bookworm, trixie)
# Environment: SSPR_DEB_DIR (ready .debs, linted by the host's lintian),
# SSPR_TEST_MIRROR (Debian mirror, default http://deb.debian.org/debian),
# SSPR_TEST_CACHE (default /var/cache/sspr-test), SSPR_TEST_KEEP=1 (keep the
# scratch directory), SSPR_TEST_AUTOPKGTEST=1 (step 5 instead of 3 and 4),
# SSPR_ARTIFACT_DIR (the greeter's screenshots and logs, default
# $work/artifacts, kept when the scratch directory goes), SSPR_TEST_ONLY=greeter
# (only step 6 after 1 and 2: for working on the greeter test).
set -euo pipefail

prog=test_system.sh
say() { echo "$prog: $*"; }
fail() { echo "$prog: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "$prog: SKIP: needs root (builds a Debian system with mmdebstrap, chroots into it," \
		"installs the package there and starts sshd)"
	exit 77
fi
[ $# = 3 ] || fail "usage: $prog SUITE SOURCE_DIR SYSTEM_TEST_PY"
suite=$1
case $suite in
bookworm | trixie) ;;
*) fail "$suite: not a release this test knows (bookworm, trixie)" ;;
esac
src=$(realpath -e -- "$2")
driver=$(realpath -e -- "$3")
prog="test_system.sh ($suite)"

# Everything the test itself runs on the host. A missing one is a failure,
# not a skip: CI must not pass by skipping (tools/deps.sh installs them).
need=(dpkg-deb mmdebstrap unshare chroot python3 tar sha256sum flock)
[ -z "${SSPR_DEB_DIR:-}" ] || need+=(lintian)
for c in "${need[@]}"; do
	command -v "$c" >/dev/null || fail "$c not found (install: dpkg mmdebstrap util-linux python3 coreutils lintian)"
done

mirror=${SSPR_TEST_MIRROR:-http://deb.debian.org/debian}
cache=${SSPR_TEST_CACHE:-/var/cache/sspr-test}
work=$(mktemp -d /tmp/sspr-system.XXXXXX)
cleanup() {
	# The namespace's mounts died with it: the scratch root is plain files.
	if [ "${SSPR_TEST_KEEP:-0}" = 1 ]; then
		say "kept $work"
	elif [ -d "$work/artifacts" ]; then
		# The default artifact directory is in $work: keep only it.
		find "$work" -mindepth 1 -maxdepth 1 ! -name artifacts -exec rm -rf --one-file-system {} +
		say "artifacts kept in $work/artifacts"
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT

# A minimal system of $suite holding the packages in $2 (comma-separated),
# as a tarball in the cache; prints its path. Made once per key.
system_tarball() {
	local name=$1 packages=$2 key tarball
	key=$(printf '%s|%s|%s|%s\n' "$suite" apt "$mirror" "$packages" | sha256sum | cut -c1-16)
	tarball=$cache/$suite-$name-$key.tar
	mkdir -p "$cache"
	(
		flock 9
		if [ ! -s "$tarball" ]; then
			say "creating $tarball ($packages)" >&2
			rm -f "$tarball.tmp"
			mmdebstrap --quiet --variant=apt --format=tar --include="$packages" \
				"$suite" "$tarball.tmp" "$mirror" >&2 ||
				{ rm -f "$tarball.tmp"; exit 1; }
			mv "$tarball.tmp" "$tarball"
			# Older keys are stale: keep the cache to one system of each kind.
			find "$cache" -maxdepth 1 -name "$suite-$name-*.tar" \
				! -name "$(basename "$tarball")" -delete
		else
			say "using cached $tarball" >&2
		fi
	) 9>"$cache/.lock" || fail "mmdebstrap failed (is the Debian mirror $mirror reachable?)"
	echo "$tarball"
}

# Runs "$2..." in a private mount namespace in which the system unpacked at
# $1 has /proc, a private /dev (the usual nodes, the host's pseudo-terminals,
# which the driver opens on the host side and login and ssh use inside, and
# room for the test's own /dev/log) and a tmpfs /run.
with_system_mounted() {
	unshare --mount --propagation private /bin/bash -euc '
		root=$1
		shift
		mount -t proc proc "$root/proc"
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
		exec "$@"
	' sh "$@"
}

# Copies the source tree at $1 into $2: the tree as git sees it (tracked
# and new files, not ignored build directories), or a plain copy without
# build directories.
copy_source() {
	local from=$1 to=$2
	mkdir -p "$to"
	if git -C "$from" rev-parse --show-toplevel >/dev/null 2>&1 &&
		[ "$(git -C "$from" rev-parse --show-toplevel)" = "$from" ]; then
		(cd "$from" && git ls-files -z -c -o --exclude-standard |
			xargs -0 -r sh -c 'for f; do if [ -e "$f" ]; then printf "%s\0" "$f"; fi; done' sh |
			tar --null -T - -cf -) | tar -xf - -C "$to"
	else
		tar -C "$from" --exclude='./build*' --exclude=./.git --exclude='./obj-*' -cf - . |
			tar -xf - -C "$to"
	fi
}

# --- 1. the package ---------------------------------------------------------
if [ -n "${SSPR_DEB_DIR:-}" ]; then
	debs=$(realpath -e -- "$SSPR_DEB_DIR")
	say "using the packages in $debs"
else
	# Every Build-Depends (versions, architectures and build profiles
	# dropped: the tests run, so the <!nocheck> ones are wanted too).
	build_depends=$(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' "$src/debian/control" |
		sed '1s/^Build-Depends://; /^[A-Z][A-Za-z-]*:/d; /^#/d' |
		tr ',' '\n' | sed 's/|.*//; s/<[^>]*>//g; s/([^)]*)//g; s/\[[^]]*\]//g; s/[[:space:]]//g' |
		grep -v '^$' | sed 's/^debhelper-compat$/debhelper/')
	build_tarball=$(system_tarball build \
		"$(printf '%s\n' build-essential lintian $build_depends | sort -u | paste -sd, -)")
	build_root=$work/build
	mkdir -p "$build_root"
	tar -xf "$build_tarball" -C "$build_root"
	say "building the package from $src in $suite"
	copy_source "$src" "$build_root/build/src"
	if ! with_system_mounted "$build_root" chroot "$build_root" /bin/sh -c \
		'cd /build/src && dpkg-buildpackage -us -uc' >"$work/build.log" 2>&1; then
		tail -n 60 "$work/build.log"
		fail "dpkg-buildpackage failed in $suite"
	fi
	grep -E '^(Ok|Fail|Skipped): ' "$work/build.log" | paste -sd' ' | sed "s/^/$prog: dh_auto_test: /" || true
	debs=$build_root/build
	say "built: $(cd "$debs" && echo *.deb)"
fi
deb=$(ls "$debs"/libpam-sspr_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no libpam-sspr_*.deb in $debs"
ldap_deb=$(ls "$debs"/libpam-sspr-ldap_*.deb 2>/dev/null | head -n 1)
[ -n "$ldap_deb" ] || fail "no libpam-sspr-ldap_*.deb in $debs"
krb5_deb=$(ls "$debs"/libpam-sspr-krb5_*.deb 2>/dev/null | head -n 1)
[ -n "$krb5_deb" ] || fail "no libpam-sspr-krb5_*.deb in $debs"

# --- 2. lintian -------------------------------------------------------------
changes=$(ls "$debs"/*.changes 2>/dev/null | head -n 1 || true)
# Root is fine here: lintian only reads the files. Overrides are shown
# with their reasons; --fail-on makes any error or warning fatal.
lint=(lintian --fail-on error,warning --display-info --show-overrides)
lint_status=0
if [ -n "${SSPR_DEB_DIR:-}" ]; then
	say "lintian (the host's) ${changes:-$deb}:"
	"${lint[@]}" "${changes:-$deb}" >"$work/lintian.txt" 2>&1 || lint_status=$?
else
	say "lintian ($suite's $(with_system_mounted "$build_root" chroot "$build_root" \
		dpkg-query -W -f='${Version}' lintian)) $(basename "$changes"):"
	with_system_mounted "$build_root" chroot "$build_root" "${lint[@]}" \
		"/build/$(basename "$changes")" >"$work/lintian.txt" 2>&1 || lint_status=$?
fi
grep -v '^running with root privileges' "$work/lintian.txt" || true
[ "$lint_status" = 0 ] || fail "lintian reports errors or warnings (above)"
say "lintian: no errors, no warnings"

# --- 3. the minimal system --------------------------------------------------
# The package's own dependencies (first of each alternative, no versions)
# plus what the test drives inside: sshd and ssh, login, su (util-linux),
# sudo, useradd (passwd), pam-auth-update (libpam-runtime).
depends=$( (dpkg-deb -f "$deb" Depends; echo ,; dpkg-deb -f "$ldap_deb" Depends; echo ,
	dpkg-deb -f "$krb5_deb" Depends) |
	tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' |
	grep -v '^libpam-sspr$')
status=0

# --- 6. a graphical login: LightDM with a scripted greeter under Xvfb -------
# Its own system: the package's dependencies (libpam-sspr's only: the LDAP
# and Kerberos packages are not installed there), the display manager and
# what the scripted greeter is written in. lightdm pulls its default greeter
# (lightdm-gtk-greeter | lightdm-greeter), which stays unused; fonts come
# with fontconfig (fonts-dejavu-core). Recommends are not installed.
# Called as "greeter_test || status=$?", where set -e does not act: each
# step that can fail returns by itself.
greeter_test() {
	local greeter_depends greeter_tarball groot artifacts gstatus=0
	greeter_depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
		sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$') || return 1
	greeter_tarball=$(system_tarball greeter "$(printf '%s\n' $greeter_depends lightdm xvfb \
		dbus python3-gi gir1.2-lightdm-1 gir1.2-gtk-3.0 gettext-base locales passwd \
		libpam-runtime |
		sort -u | paste -sd, -)") || return 1
	groot=$work/greeter-root
	mkdir -p "$groot" && tar -xf "$greeter_tarball" -C "$groot" && cp "$deb" "$groot/tmp/" ||
		return 1
	artifacts=${SSPR_ARTIFACT_DIR:-$work/artifacts}
	mkdir -p "$artifacts" && artifacts=$(realpath -e -- "$artifacts") || return 1
	say "greeter test: LightDM under Xvfb; screenshots and logs in $artifacts"
	with_system_mounted "$groot" python3 "$(dirname "$driver")/greeter_test.py" "$groot" \
		"/tmp/$(basename "$deb")" "$artifacts" || gstatus=$?
	say "greeter test: $([ "$gstatus" = 0 ] && echo passed || echo "FAILED (status $gstatus)");" \
		"screenshots in $artifacts"
	return "$gstatus"
}

if [ "${SSPR_TEST_ONLY:-}" = greeter ]; then
	greeter_test || status=$?
	exit "$status"
fi

if [ "${SSPR_TEST_AUTOPKGTEST:-0}" != 1 ]; then
	tarball=$(system_tarball test "$(printf '%s\n' $depends openssh-server openssh-client login \
		passwd libpam-runtime adduser sudo | sort -u | paste -sd, -)")

# --- 4. the test, in a private mount namespace ------------------------------
	root=$work/root
	mkdir -p "$root"
	tar -xf "$tarball" -C "$root"
	cp "$deb" "$ldap_deb" "$krb5_deb" "$root/tmp/"
	with_system_mounted "$root" python3 "$driver" "$root" "/tmp/$(basename "$deb")" \
		"/tmp/$(basename "$ldap_deb")" "/tmp/$(basename "$krb5_deb")" || status=$?
	greeter_test || status=$?
	exit "$status"
fi

# --- 5. autopkgtest ---------------------------------------------------------
# The test's Depends of debian/tests/control (beyond "@") come with the
# system, so autopkgtest only installs the two packages, from the .debs.
test_depends=$(sed -n '/^Depends:/,/^[A-Z][A-Za-z-]*:/p' "$src/debian/tests/control" |
	sed '1s/^Depends://; /^[A-Z][A-Za-z-]*:/d; /^#/d' | tr ',' '\n' |
	sed 's/|.*//; s/([^)]*)//g; s/[[:space:]]//g' | grep -v '^$' | grep -v '^@$')
# autopkgtest itself needs dpkg-dev and apt-utils to install the .debs.
ap_tarball=$(system_tarball autopkgtest "$(printf '%s\n' $depends $test_depends autopkgtest \
	dpkg-dev apt-utils \
	openssh-server openssh-client login passwd libpam-runtime adduser sudo |
	sort -u | paste -sd, -)")
ap_root=$work/autopkgtest-root
mkdir -p "$ap_root"
tar -xf "$ap_tarball" -C "$ap_root"
copy_source "$src" "$ap_root/build/src"
mkdir -p "$ap_root/build/debs"
# Every binary package of the source: debian/tests/control depends on all ("@").
cp "$deb" "$ldap_deb" "$krb5_deb" "$ap_root/build/debs/"
say "autopkgtest ($suite's $(chroot "$ap_root" dpkg-query -W -f='${Version}' autopkgtest)):" \
	"debian/tests on the installed packages"
with_system_mounted "$ap_root" chroot "$ap_root" /bin/sh -c \
	'cd /build && autopkgtest --ignore-restrictions=breaks-testbed,isolation-container \
		--no-built-binaries --output-dir /build/out debs/*.deb /build/src/ -- null' >"$work/autopkgtest.log" 2>&1 ||
	status=$?
# The summary and the test's own verdict line.
grep -E '^(installed +(PASS|FAIL|SKIP)|system: [0-9]+ passed)' "$work/autopkgtest.log" |
	sed "s/^/$prog: autopkgtest: /" || true
if [ "$status" != 0 ] || ! grep -qE '^installed +PASS' "$work/autopkgtest.log"; then
	tail -n 80 "$work/autopkgtest.log"
	say "autopkgtest failed in $suite (status $status)" >&2
	status=1
fi
greeter_test || status=$?
exit "$status"
