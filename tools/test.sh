#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what is missing, builds, and runs the whole test suite (every
# layer: unit, pam, admin, enroll, e2e). Run as root so the end-to-end tests
# run rather than skip. Extra arguments go to `meson test` (e.g. --suite pam).
# Exits with meson test's status.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
# Reuse the build directory when it can be reconfigured; start afresh when
# it cannot (made by another meson version, or half-written).
# The tests run uninstalled, so the directory store backend is loaded from
# the build tree, and the translations read from it (never do that in a
# build you install).
setup_args=(-Dplugin_dir="$PWD/build-test/plugins" -Dlocaledir="$PWD/build-test/po")
if [ -f build-test/build.ninja ]; then
	meson setup --reconfigure build-test "${setup_args[@]}" ||
		meson setup --wipe build-test "${setup_args[@]}"
else
	rm -rf build-test
	meson setup build-test "${setup_args[@]}"
fi
ninja -C build-test
status=0
meson test -C build-test --print-errorlogs "$@" </dev/null || status=$?
# One closing line with the counts of every test program meson ran.
python3 - build-test/meson-logs/testlog.json <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    key = "OK" if result in ("OK", "EXPECTEDFAIL") else "SKIP" if result == "SKIP" else "FAIL"
    counts[key] += 1
print(f"tests: {counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit "$status"
