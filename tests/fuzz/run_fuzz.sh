#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# meson test --suite fuzz: replays the seed corpus with this build's
# harnesses, then builds every harness with clang, libFuzzer, ASan and UBSan
# in a build directory of its own and fuzzes each for FUZZ_SECONDS (60),
# two at a time (FUZZ_JOBS). Any crash, leak, timeout or sanitizer report
# fails the test; the input that caused it is kept under
# FUZZ_BUILD/artifacts/<harness>/ and its path printed (copy it to
# tests/fuzz/corpus/<harness>/regress-NAME once fixed). Skips (77) when
# clang or libFuzzer is missing.
#
# usage: run_fuzz.sh SOURCE_ROOT FUZZ_BUILD CORPUS_DIR [HARNESS...]
# The corpus in the tree is never written: each run fuzzes a copy.
set -uo pipefail

src=$1 build=$2 corpus=$3
shift 3
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
harnesses=(fuzz_policy fuzz_questions fuzz_record fuzz_event fuzz_answer fuzz_oath fuzz_ga fuzz_ldap_entry fuzz_phone
	fuzz_dialog)

fail() {
	echo "run_fuzz.sh: $*" >&2
	exit 1
}

# Sanitizer settings shared by the replay and the fuzzing runs.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:symbolize=1

# 1. The corpus (seeds and regress-* inputs) through this build's
# harnesses, whatever the compiler.
for bin in "$@"; do
	h=$(basename "$bin")
	[ -d "$corpus/$h" ] || fail "$h: no seed corpus in $corpus/$h"
	"$bin" -runs=0 "$corpus/$h" >"${TMPDIR:-/tmp}/replay-$$.log" 2>&1 || {
		cat "${TMPDIR:-/tmp}/replay-$$.log" >&2
		rm -f "${TMPDIR:-/tmp}/replay-$$.log"
		fail "$h: replaying the corpus failed"
	}
	rm -f "${TMPDIR:-/tmp}/replay-$$.log"
	echo "replay $h: $(find "$corpus/$h" -type f | wc -l) inputs, ok"
done

# 2. Fuzzing proper, with clang.
command -v clang >/dev/null || {
	echo "SKIP: clang is not installed (apt-get install clang libclang-rt-14-dev llvm)"
	exit 77
}

mkdir -p "$build" || fail "cannot create $build"
export CC=clang
# werror off: this build finds run-time faults; the default build carries
# -Werror, and a clang-only warning must not hide a fuzzing result.
setup_args=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized -Dwerror=false
	"-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer")
if [ -f "$build/tree/build.ninja" ]; then
	meson setup --reconfigure "$build/tree" "$src" "${setup_args[@]}" >"$build/setup.log" 2>&1 ||
		meson setup --wipe "$build/tree" "$src" "${setup_args[@]}" >"$build/setup.log" 2>&1
else
	rm -rf "$build/tree"
	meson setup "$build/tree" "$src" "${setup_args[@]}" >"$build/setup.log" 2>&1
fi || {
	tail -n 30 "$build/setup.log" >&2
	fail "configuring the clang build in $build/tree failed (log: $build/setup.log)"
}
grep -Eq 'libFuzzer.* links: YES' "$build/setup.log" || {
	echo "SKIP: clang cannot link libFuzzer (apt-get install libclang-rt-14-dev)"
	exit 77
}
targets=()
for h in "${harnesses[@]}"; do
	targets+=("tests/fuzz/$h")
done
ninja -C "$build/tree" "${targets[@]}" >"$build/ninja.log" 2>&1 || {
	tail -n 40 "$build/ninja.log" >&2
	fail "building the fuzzers failed (log: $build/ninja.log)"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/sspr-fuzz.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT

# One harness: fuzz a copy of its corpus; the log holds libFuzzer's output.
run_one() {
	local h=$1
	mkdir -p "$work/$h" "$build/artifacts/$h"
	cp -r "$corpus/$h/." "$work/$h/"
	# -close_fd_mask=2 hides the parsers' own error messages; libFuzzer
	# and the sanitizers still report on a copy of stderr.
	"$build/tree/tests/fuzz/$h" -max_total_time="$seconds" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -max_len=8192 -close_fd_mask=2 \
		-artifact_prefix="$build/artifacts/$h/" "$work/$h" >"$work/$h.log" 2>&1
	echo $? >"$work/$h.rc"
}

start=$(date +%s)
running=0
for h in "${harnesses[@]}"; do
	run_one "$h" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

status=0
for h in "${harnesses[@]}"; do
	rc=$(cat "$work/$h.rc" 2>/dev/null || echo missing)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$work/$h.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		echo "fuzz $h: ok, ${execs:-?} executions in ${seconds}s, ${cov:-cov: ?}"
	else
		status=1
		echo "fuzz $h: FAILED (exit $rc), ${execs:-?} executions"
		grep -E 'ERROR|SUMMARY|property broken|runtime error|Test unit written' \
			"$work/$h.log" | head -n 20
		echo "--- last lines of the $h log:"
		tail -n 60 "$work/$h.log"
	fi
done
echo "fuzz: $(($(date +%s) - start))s of fuzzing, ${#harnesses[@]} harnesses, $jobs at a time"
exit "$status"
