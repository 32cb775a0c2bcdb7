# Shared by the end-to-end scripts (source after sandbox_setup): named
# checks that count passes and failures, and pamtester logins through the
# "sspr-login" stack. Every helper reads the last command's $out / $status.

passed=0
failed=0
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		sed 's/^/#   /' <<<"$out"
		failed=$((failed + 1))
	fi
}

# login USER ANSWER...: one authentication through the "sspr-login" stack,
# the answers on stdin one a line (pamtester's misc_conv reads stdin a byte
# at a time, so piped answers reach one prompt each, echo-off ones too).
# Output in $out, exit status in $status.
login() {
	local user=$1
	shift
	status=0
	out=$(printf '%s\n' "$@" | pamtester -v sspr-login "$user" authenticate 2>&1) || status=$?
}
logged_in() { [ "$status" = 0 ] && grep -q "successfully authenticated" <<<"$out"; }
refused() { [ "$status" != 0 ] && ! grep -q "successfully authenticated" <<<"$out"; }
says() { grep -qF -- "$1" <<<"$out"; }
never_says() { ! grep -qF -- "$1" <<<"$out"; }
hash_is() { [ "$(sandbox_shadow_hash "$1")" = "$2" ]; }
hash_is_not() { [ "$(sandbox_shadow_hash "$1")" != "$2" ]; }


# A whole conversation on a terminal (tools/converse.py: plain answers in
# order, --when REGEX ANSWER for prompts that come in any order), through
# the "sspr-login" stack. Output in $out, exit status in $status.
converse_login() {
	local user=$1
	shift
	status=0
	out=$(python3 "$(dirname "${BASH_SOURCE[0]}")/../../tools/converse.py" "$@" -- \
		pamtester -v sspr-login "$user" authenticate 2>&1) || status=$?
}

checks_done() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
