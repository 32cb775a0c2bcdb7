#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# meson test --suite sanitize: builds the project again with AddressSanitizer
# and UndefinedBehaviorSanitizer (gcc, -Db_sanitize=address,undefined) in a
# build directory of its own, runs the unit and pam suites there and
# replays the fuzz corpus through the sanitized parsers. Fails on any
# failed test and on any sanitizer report, also one from a child process
# whose exit status a test did not look at: every report goes to a file
# under the report directory, and any such file fails the run.
#
# usage: run_sanitize.sh SOURCE_ROOT SAN_BUILD [SUITE...]   (default: unit pam)
#
# The test programs are built with ASan, so its runtime is loaded before
# libpam dlopens pam_sspr.so; pam_wrapper is LD_PRELOADed ahead of it,
# which ASan would refuse without verify_asan_link_order=0. Leaks are
# detected (detect_leaks=1): libpam and pam_wrapper leak nothing LSan
# reports in these runs; if one ever does, suppress that one stack in
# lsan.supp here with a reason rather than turning detection off.
set -uo pipefail

src=$1 build=$2
shift 2
suites=("$@")
[ "${#suites[@]}" -gt 0 ] || suites=(unit pam)
here=$(cd "$(dirname "$0")" && pwd)

fail() {
	echo "run_sanitize.sh: $*" >&2
	exit 1
}

start=$(date +%s)
mkdir -p "$build" || fail "cannot create $build"
setup_args=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
	"-Dc_args=-fno-omit-frame-pointer -fno-sanitize-recover=undefined")
if [ -f "$build/tree/build.ninja" ]; then
	meson setup --reconfigure "$build/tree" "$src" "${setup_args[@]}" >"$build/setup.log" 2>&1 ||
		meson setup --wipe "$build/tree" "$src" "${setup_args[@]}" >"$build/setup.log" 2>&1
else
	rm -rf "$build/tree"
	meson setup "$build/tree" "$src" "${setup_args[@]}" >"$build/setup.log" 2>&1
fi || {
	tail -n 30 "$build/setup.log" >&2
	fail "configuring the sanitized build in $build/tree failed (log: $build/setup.log)"
}
ninja -C "$build/tree" >"$build/ninja.log" 2>&1 || {
	grep -E 'error|FAILED' -A5 "$build/ninja.log" | head -n 60 >&2
	fail "building with -Db_sanitize=address,undefined failed (log: $build/ninja.log)"
}
echo "sanitize: built in $(($(date +%s) - start))s"

reports="$build/reports"
rm -rf "$reports"
mkdir -p "$reports" || fail "cannot create $reports"
export ASAN_OPTIONS="detect_leaks=1:verify_asan_link_order=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"

status=0
suite_args=()
for s in "${suites[@]}"; do
	suite_args+=(--suite "$s")
done
# ASan makes the code several times slower; the timeouts follow.
shim="$build/tree/tests/sanitize/no_deepbind.so"
[ -f "$shim" ] || fail "$shim was not built"
meson test -C "$build/tree" --no-rebuild --print-errorlogs --timeout-multiplier 4 \
	--wrapper "bash $here/wrap.sh $shim" \
	"${suite_args[@]}" </dev/null || status=1

# The fuzz corpus, regressions included, through the sanitized parsers.
for bin in "$build"/tree/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	h=$(basename "$bin")
	if ! "$bin" -runs=0 "$src/tests/fuzz/corpus/$h" >/dev/null 2>"$build/replay-$h.log"; then
		echo "sanitize: replaying the $h corpus failed:"
		tail -n 30 "$build/replay-$h.log"
		status=1
	fi
done

if [ -n "$(ls -A "$reports")" ]; then
	echo "sanitize: sanitizer reports:"
	for f in "$reports"/*; do
		echo "=== $f"
		head -n 80 "$f"
	done
	status=1
fi
echo "sanitize: suites ${suites[*]} and the fuzz corpus under ASan+UBSan in" \
	"$(($(date +%s) - start))s: $([ "$status" = 0 ] && echo clean || echo FAILED)"
exit "$status"
