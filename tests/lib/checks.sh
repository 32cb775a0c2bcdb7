# SPDX-License-Identifier: BSD-2-Clause
# The checks every test script shares (source it). Each check prints one
# TAP-style line, "ok - NAME" or "not ok - NAME" with what went wrong
# indented below it, and is counted; checks_done prints the count and is
# the script's verdict.
#
#   check NAME COMMAND...              passes when COMMAND succeeds
#   expect NAME RC [out|err TEXT]...   the last command's exit code ($rc) is
#                                      RC, and each TEXT is in $T/out or $T/err
#   refute NAME [out|err TEXT]...      no TEXT is in $T/out or $T/err
#   pass NAME / fail WHAT              a check a script makes its own way
#   checks_done                        "N checks, M failed"; status 0 when
#                                      none failed
#
# What a failure shows: check_context, which a script may redefine; by
# default $out when the script keeps a command's output there, else the
# exit code and $T/out and $T/err.
checks=0
failed=0
rc=0

check_context() {
	if [ -n "${out:-}" ]; then
		sed 's/^/#   /' <<<"$out"
	elif [ -n "${T:-}" ] && [ -e "$T/out" ]; then
		echo "#   exit code: $rc"
		sed 's/^/#   stdout: /' "$T/out"
		sed 's/^/#   stderr: /' "$T/err" 2>/dev/null
	fi
}

pass() {
	echo "ok - $*"
}

fail() {
	echo "not ok - $*"
	check_context
	failed=$((failed + 1))
}

check() { # check NAME COMMAND...
	local name=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		pass "$name"
	else
		fail "$name"
	fi
}

expect() { # expect NAME RC [out|err TEXT]...
	local name=$1 want=$2
	shift 2
	checks=$((checks + 1))
	if [ "$rc" -ne "$want" ]; then
		fail "$name: exit code $rc, expected $want"
		return
	fi
	while [ $# -ge 2 ]; do
		if ! grep -qF -- "$2" "$T/$1"; then
			fail "$name: std$1 lacks '$2'"
			return
		fi
		shift 2
	done
	pass "$name"
}

refute() { # refute NAME [out|err TEXT]...
	local name=$1
	shift
	checks=$((checks + 1))
	while [ $# -ge 2 ]; do
		if grep -qF -- "$2" "$T/$1"; then
			fail "$name: std$1 contains '$2'"
			return
		fi
		shift 2
	done
	pass "$name"
}

checks_done() {
	echo "$checks checks, $failed failed"
	[ "$failed" -eq 0 ]
}
