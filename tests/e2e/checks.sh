# SPDX-License-Identifier: BSD-2-Clause
# Shared by the end-to-end scripts (source after sandbox_setup): the
# checks of tests/lib/checks.sh, and pamtester logins through the
# "sspr-login" stack. Every helper reads the last command's $out / $status.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

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
# a PAM service. Output in $out, exit status in $status.
service_converse() { # service_converse SERVICE USER CONVERSE-ARGS...
	local service=$1 user=$2
	shift 2
	status=0
	out=$(python3 "$(dirname "${BASH_SOURCE[0]}")/../../tools/converse.py" "$@" -- \
		pamtester -v "$service" "$user" authenticate 2>&1) || status=$?
}
converse_login() { service_converse sspr-login "$@"; } # converse_login USER ARGS...
# The directory tests' hosts are PAM services "sspr-NAME".
host_converse() { local name=$1; shift; service_converse "sspr-$name" "$@"; }
host_login() { # host_login NAME USER ANSWER...: answers on stdin, as login()
	local name=$1 user=$2
	shift 2
	status=0
	out=$(printf '%s\n' "$@" | pamtester -v "sspr-$name" "$user" authenticate 2>&1) ||
		status=$?
}

# The last conversation ($out) as comment lines, for the reader of the log.
transcript() { # transcript TITLE
	echo "# --- transcript: $1 ---"
	sed 's/^/#   /' <<<"$out"
}

# Three security questions, as `sspr-admin enroll USER questions --stdin`
# reads them, and the converse.py arguments that answer them.
sample_questions() {
	printf '%s\t%s\n' \
		"What was the name of your first pet?" "Fluffy" \
		"In what city were you born?" "New York" \
		"What was the make and model of your first car?" "VW Beetle"
}
sample_answers=(--when "first pet" "fluffy" --when "city were you born" "new york"
	--when "first car" "vw beetle")
