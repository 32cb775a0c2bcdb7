#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The benchmark command: pam_sspr against pam_oath and
# pam_google_authenticator, side by side in one run (see BENCHMARKS.md), and
# pam_sspr with its LMDB store against its directory store.
#
#   bench/run.sh [--sizes 1000,100000,1000000] [--procs 1,2,8] [--k 1000]
#                [--out DIR] [--build-dir DIR] [--no-install] [--smoke]
#                [--no-ldap] [--ldap-max-n 100000] [--lag-writes 100]
#
# As root: installs what it needs (Debian packages), builds the tree, then
# runs bench/bench.py inside a private mount namespace (unshare -m) with its
# own copy of /etc and its own libnss-db indexes, so the host's accounts and
# PAM configuration never change. Unless --no-ldap, all of it runs under
# tests/ldap/with-slapd.sh: two replicating slapd servers on this disk, which
# the directory-store runs use (N up to --ldap-max-n). --smoke: a tiny N
# that checks correctness only, in seconds (the meson test "bench-smoke"),
# the directory store included. Exits 77 (skipped) when it cannot run here,
# saying why.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=""
module=""
admin=""
install=1
smoke=0
ldap=1
out=""
pass=()

while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build=$2; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--admin) admin=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--no-install) install=0; shift ;;
	--smoke) smoke=1; shift ;;
	--no-ldap) ldap=0; shift ;;
	--sizes | --procs | --k | --replays | --oath-max-n | --ga-max-n | --oath-budget | \
		--argon2-count | --question-count | --data-parent | --files-lookups | \
		--ldap-max-n | --ldap-seeders | --lag-writes)
		pass+=("$1" "$2"); shift 2 ;;
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done

skip() {
	echo "SKIP: $*"
	exit 77
}

# Debian packages: the two peers, oathtool, the indexed NSS source, the PAM
# wrapper, and what builds the tree; slapd, its tools and openssl (the test
# CA) for the directory store.
packages=(libpam-oath libpam-google-authenticator oathtool libnss-db libpam-wrapper
	python3 util-linux mount)
[ "$ldap" = 1 ] && packages+=(slapd ldap-utils openssl)
[ "$(id -u)" = 0 ] || skip "needs root (private mount namespace with its own /etc)"

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$install" = 1 ] || [ "$smoke" = 1 ]; then
		if [ "$install" = 1 ]; then
			"$src/tools/deps.sh"
		fi
		export DEBIAN_FRONTEND=noninteractive
		if ! { apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
				apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }; }; then
			skip "cannot install ${missing[*]} (apt-get failed)"
		fi
	else
		skip "missing packages: ${missing[*]}"
	fi
elif [ "$install" = 1 ]; then
	"$src/tools/deps.sh"
fi

if [ -z "$build" ]; then
	build=$src/build-bench
	# Run uninstalled: the directory backend comes from the build tree.
	if [ -f "$build/build.ninja" ]; then
		meson setup --reconfigure "$build" "$src" -Dplugin_dir="$build/plugins" >/dev/null
	else
		meson setup "$build" "$src" -Dplugin_dir="$build/plugins" >/dev/null
	fi
	ninja -C "$build" bench/pam_bench bench/seed_sspr bench/argon2_bench \
		bench/lmdb_sync_shim.so pam_sspr/pam_sspr.so sspr-admin/sspr-admin \
		libsspr/sspr_store_ldap.so >/dev/null
fi
[ -n "$module" ] || module=$build/pam_sspr/pam_sspr.so
[ -n "$admin" ] || admin=$build/sspr-admin/sspr-admin
for f in "$module" "$admin" "$build/bench/pam_bench" "$build/bench/seed_sspr"; do
	[ -e "$f" ] || { echo "bench/run.sh: $f is missing: build the tree first" >&2; exit 1; }
done
if ! unshare --mount --propagation private true 2>/dev/null; then
	skip "cannot create a private mount namespace here (unshare --mount needs CAP_SYS_ADMIN)"
fi

if [ "$smoke" = 1 ]; then
	[ -n "$out" ] || out=$build/bench-smoke
	# 200 users: enough for the directory store to page its searches.
	pass=(--sizes 200 --procs 1,2 --k 10 --replays 5 --files-lookups 5 --argon2-count 1
		--question-count 1 --lag-writes 20 "${pass[@]}")
	pass+=(--smoke)
else
	[ -n "$out" ] || out=$build/bench-results
fi
mkdir -p "$out"
bench=(unshare --mount --propagation private
	python3 "$src/bench/bench.py" --build-dir "$build" --module "$module" --admin "$admin"
	--out "$out" "${pass[@]}")
if [ "$ldap" = 1 ]; then
	# The servers start before the private namespace and outside it; the
	# module reaches them over TCP like any host would.
	exec "$src/tests/ldap/with-slapd.sh" "${bench[@]}" --ldap
fi
exec "${bench[@]}"
