#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# meson test --suite static: cppcheck and clang-tidy over the product code
# (libsspr, policy, pam_sspr, sspr-enroll, sspr-admin), with the compile
# commands of the build directory that runs the test. Every finding fails
# the test unless tests/static/cppcheck.supp or tests/static/clang-tidy.supp
# suppresses it (each entry with its reason); the checks themselves are in
# /.clang-tidy. Skips (77) when cppcheck or clang-tidy is missing.
#
# usage: run_static.sh SOURCE_ROOT BUILD_ROOT
set -uo pipefail

src=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
jobs=${STATIC_JOBS:-2}
dirs=(libsspr policy pam_sspr sspr-enroll sspr-admin)

fail() {
	echo "run_static.sh: $*" >&2
	exit 1
}

for tool in cppcheck clang-tidy python3; do
	command -v "$tool" >/dev/null || {
		echo "SKIP: $tool is not installed (apt-get install cppcheck clang-tidy)"
		exit 77
	}
done
[ -f "$build/compile_commands.json" ] || fail "$build/compile_commands.json is missing"
[ -f "$src/.clang-tidy" ] || fail "$src/.clang-tidy is missing"

work=$(mktemp -d "${TMPDIR:-/tmp}/sspr-static.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
status=0

# The product's C files, as the build compiles them.
python3 - "$build/compile_commands.json" "$src" "${dirs[@]}" >"$work/files" <<'PY' ||
import json, os, sys
db, src, dirs = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
seen = set()
for c in json.load(open(db)):
    path = os.path.abspath(os.path.join(c["directory"], c["file"]))
    rel = os.path.relpath(path, src)
    if rel.split(os.sep)[0] in dirs and rel.endswith(".c") and os.sep in rel:
        if rel.count(os.sep) == 1 and path not in seen:
            seen.add(path)
            print(os.path.join(c["directory"], c["file"]))
PY
	fail "reading $build/compile_commands.json failed"
nfiles=$(wc -l <"$work/files")
[ "$nfiles" -gt 0 ] || fail "no product file in $build/compile_commands.json"

# cppcheck: warnings, style, performance and portability.
filters=()
for d in "${dirs[@]}"; do
	filters+=("--file-filter=*/$d/*")
done
cppcheck --project="$build/compile_commands.json" "${filters[@]}" \
	--enable=warning,style,performance,portability --std=c11 --inline-suppr \
	--suppressions-list="$here/cppcheck.supp" --suppress=missingIncludeSystem \
	--error-exitcode=1 -q -j "$jobs" \
	--template='{file}:{line}: {severity}: {message} [{id}]' >"$work/cppcheck.log" 2>&1
rc=$?
if [ "$rc" != 0 ] || [ -s "$work/cppcheck.log" ]; then
	echo "static: cppcheck findings (exit $rc):"
	cat "$work/cppcheck.log"
	status=1
else
	echo "static: cppcheck clean"
fi

# clang-tidy, one file per run: clang-tidy 14 reports false "uninitialized
# va_list" findings in the second and later files of one run.
xargs -P "$jobs" -n 1 clang-tidy -p "$build" --quiet \
	--extra-arg=-Wno-unknown-warning-option <"$work/files" >"$work/tidy.log" 2>&1
python3 - "$work/tidy.log" "$src" "$here/clang-tidy.supp" "$build" <<'PY' || status=1
import os, re, sys
log, src, supp = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
build = os.path.abspath(sys.argv[4])  # clang-tidy names files from here
allowed, used = set(), set()
for line in open(supp):
    line = line.split("#", 1)[0].split()
    if len(line) == 2:
        allowed.add(tuple(line))
finding = re.compile(r"^(\S+?):(\d+):(\d+): (?:warning|error): (.*) \[([^\]]+)\]$")
bad = []
for text in open(log, errors="replace"):
    m = finding.match(text.rstrip("\n"))
    if not m:
        continue
    path, line, col, msg, checks = m.groups()
    rel = os.path.relpath(os.path.normpath(os.path.join(build, path)), src)
    names = [c for c in checks.split(",") if c != "-warnings-as-errors"]
    hit = [(rel, c) for c in names if (rel, c) in allowed]
    if hit:
        used.update(hit)
    else:
        bad.append(f"{rel}:{line}:{col}: {msg} [{','.join(names)}]")
for b in sorted(set(bad)):
    print(b)
for entry in sorted(allowed - used):
    print(f"static: note: clang-tidy.supp entry no longer needed: {' '.join(entry)}")
if bad:
    print(f"static: clang-tidy: {len(set(bad))} findings")
    sys.exit(1)
print("static: clang-tidy clean")
PY
if grep -q "clang-diagnostic-error\|Error while processing" "$work/tidy.log"; then
	echo "static: clang-tidy could not compile some files:"
	grep -B2 -A3 "clang-diagnostic-error\|Error while processing" "$work/tidy.log" | head -n 40
	status=1
fi
echo "static: $nfiles files, cppcheck and clang-tidy in $(($(date +%s) - start))s:" \
	"$([ "$status" = 0 ] && echo clean || echo FAILED)"
exit "$status"
