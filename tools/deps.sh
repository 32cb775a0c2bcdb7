#!/bin/bash
# Installs everything needed to build pam_sspr and run every test and the
# demo on Debian 12. Idempotent; needs root.
set -euo pipefail

packages=(
	build-essential meson ninja-build pkg-config
	libpam0g-dev liboath-dev libsodium-dev liblmdb-dev libqrencode-dev
	libcmocka-dev libpam-wrapper libpamtest0-dev
	pamtester oathtool lmdb-utils python3 passwd util-linux coreutils
)

if [ "$(id -u)" != 0 ]; then
	echo "tools/deps.sh: run as root (apt-get install)" >&2
	exit 1
fi
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "tools/deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
