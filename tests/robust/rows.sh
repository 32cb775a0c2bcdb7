# SPDX-License-Identifier: BSD-2-Clause
# Shared by the table-driven robustness tests (test_hostile.sh,
# test_storage.sh): run one row, check its outcome, keep the score.
# The caller sets T (work directory, with $T/log for pam_syslog lines),
# STORE (store_tool), PAM (robust_pam) and ROW_TIMEOUT before sourcing;
# STORE_DIR is the store (default $T/store).
. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
declare -A ran

snapshot() { "$STORE" dump "${STORE_DIR:-$T/store}" 2>&1 | grep -v '^events='; }

# charged USER SNAPSHOT: SNAPSHOT with one more failure for USER (a dialog
# that ended without a verdict counts as a failed attempt).
charged() {
	local line user=$1
	while IFS= read -r line; do
		if [[ "$line" == "$user "* && "$line" =~ ^(.*\ fail=)([0-9]+)(\ .*)$ ]]; then
			line="${BASH_REMATCH[1]}$((BASH_REMATCH[2] + 1))${BASH_REMATCH[3]}"
		fi
		printf '%s\n' "$line"
	done <<<"$2"
}

# verdict ID RC OUT STORE_MODE CHECK...: the common checks of a row.
#   RC     the exit status the command had (124 = timed out)
#   OUT    file with what the user saw (stdout and stderr for tools; the
#          dialog for the module); LOG: file with pam_syslog lines
#   STORE_MODE  same | any | skip | charged:USER  (any: may change, but
#          every record decodes; skip: the row broke the store on purpose,
#          the caller checks it once repaired; charged:USER: USER has one
#          failure more and nothing else changed)
#   CHECK  out:TEXT  !out:TEXT  log:TEXT  !log:TEXT  (fixed strings)
#          oneof:A|B|...  (the output or the log holds one of them)
verdict() {
	local id=$1 rc=$2 out=$3 mode=$4 c why="" after alts
	shift 4
	ran[$id]=$((${ran[$id]:-0} + 1))
	# Only the module's syslog lines: pam_wrapper's own trace echoes the
	# user name it was given.
	grep -a 'SYSLOG(' "$T/log" >"$T/syslog"
	if [ "$rc" = 124 ]; then
		why+=" hung (killed after ${ROW_TIMEOUT}s);"
	elif [ "$rc" -ge 128 ]; then
		why+=" crashed (signal $((rc - 128)));"
	fi
	for c in "$@"; do
		case $c in
		out:*) grep -qaF -- "${c#out:}" "$out" || why+=" output lacks '${c#out:}';" ;;
		!out:*) ! grep -qaF -- "${c#!out:}" "$out" || why+=" output has '${c#!out:}';" ;;
		log:*) grep -qaF -- "${c#log:}" "$T/syslog" || why+=" log lacks '${c#log:}';" ;;
		!log:*) ! grep -qaF -- "${c#!log:}" "$T/syslog" || why+=" log has '${c#!log:}';" ;;
		oneof:*)
			local alt found=0
			IFS='|' read -ra alts <<<"${c#oneof:}"
			for alt in "${alts[@]}"; do
				grep -qaF -- "$alt" "$out" "$T/syslog" && found=1
			done
			[ "$found" = 1 ] || why+=" neither output nor log has any of '${c#oneof:}';" ;;
		*) why+=" bad check '$c';" ;;
		esac
	done
	after=$(snapshot)
	if [ "$mode" = skip ]; then
		:
	elif ! "$STORE" dump "${STORE_DIR:-$T/store}" >/dev/null 2>&1; then
		why+=" a record no longer decodes;"
	elif [ "$mode" = same ] && [ "$after" != "$before" ]; then
		why+=" the store changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ');"
	elif [ "${mode%%:*}" = charged ] && [ "$after" != "$(charged "${mode#charged:}" "$before")" ]; then
		why+=" the store did not change by one failure of ${mode#charged:}: $(diff <(charged "${mode#charged:}" "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ');"
	fi
	checks=$((checks + 1))
	if [ -z "$why" ]; then
		pass "$id"
	else
		failed=$((failed + 1))
		echo "not ok - $id:$why"
		head -c 2000 "$out" | sed 's/^/#   /'
	fi
}

# pam ID SERVICE USER RESULT STORE_MODE CHECK... -- REPLY...
pam() {
	local id=$1 service=$2 user=$3 result=$4 mode=$5 conds=() rc=0
	shift 5
	while [ $# -gt 0 ] && [ "$1" != -- ]; do conds+=("$1"); shift; done
	shift
	before=$(snapshot)
	timeout "$ROW_TIMEOUT" env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$PAM" "$service" "$user" auth "$@" \
		>"$T/out" 2>"$T/log" || rc=$?
	verdict "$id" "$rc" "$T/out" "$mode" "out:result: $result" "${conds[@]}"
}

# acct ID SERVICE USER RESULT CHECK...
acct() {
	local id=$1 service=$2 user=$3 result=$4 rc=0
	shift 4
	before=$(snapshot)
	timeout "$ROW_TIMEOUT" env LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$PAM" "$service" "$user" account \
		>"$T/out" 2>"$T/log" || rc=$?
	verdict "$id" "$rc" "$T/out" same "out:result: $result" "$@"
}

# tool ID EXIT STORE_MODE INPUT CHECK... -- COMMAND...
tool() {
	local id=$1 want=$2 mode=$3 input=$4 conds=() rc=0
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do conds+=("$1"); shift; done
	shift
	before=$(snapshot)
	: >"$T/log"
	timeout "$ROW_TIMEOUT" "$@" <"$input" >"$T/out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ] && [ "$rc" != 124 ] && [ "$rc" -lt 128 ]; then
		conds+=("out:(exit $want, was $rc)")
	fi
	verdict "$id" "$rc" "$T/out" "$mode" "${conds[@]}"
}

