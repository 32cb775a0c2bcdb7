#!/bin/bash
# Installs what is missing, builds, and runs the whole test suite (every
# layer: unit, pam, admin, enroll, e2e). Run as root so the end-to-end tests
# run rather than skip. Extra arguments go to `meson test` (e.g. --suite pam).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
if [ -d build-test ]; then
	meson setup --reconfigure build-test >/dev/null
else
	meson setup build-test >/dev/null
fi
ninja -C build-test
meson test -C build-test --print-errorlogs "$@"
