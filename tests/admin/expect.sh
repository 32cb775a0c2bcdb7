# The checks the sspr-admin test scripts share. A script sets T (its
# temporary directory, where each command's stdout and stderr land as
# $T/out and $T/err) and rc (the command's exit code), then calls expect.
failed=0
checks=0
rc=0

fail() {
	echo "FAIL: $*"
	echo "  exit code: $rc"
	sed 's/^/  stdout: /' "$T/out"
	sed 's/^/  stderr: /' "$T/err"
	failed=$((failed + 1))
}

# expect NAME RC [out|err PATTERN]...: exit code, then fixed strings that
# must appear in stdout or stderr.
expect() {
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
	echo "ok: $name"
}
