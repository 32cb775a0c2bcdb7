#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Crashes: sspr-admin and sspr-enroll are killed with SIGKILL at random
# moments, again and again, until ROBUST_CRASH_KILLS (default 200) runs died
# mid-way (runs that finished before their kill do not count). After
# every kill the store must open, every record and event must decode, and
# every user must have either the state before the command or the state it
# was writing, never a mix:
#   root    questions: set A or B (sspr-admin), or C (sspr-enroll, as root
#           under pam_wrapper): all texts of one set, and its answers verify
#   daemon  TOTP secret A or B (sspr-admin enroll totp)
#   bin     e-mail a@ or b@ (sspr-admin enroll email)
#   sys     no record, or question set A (sspr-admin revoke / enroll)
# plus sspr-admin unlock runs that change nothing we look at.
#
# usage: test_crash.sh SSPR_ADMIN SSPR_ENROLL ROBUST_STORE ROBUST_KILL TEST_PASSWD_MODULE
set -u

ADMIN=${1:?usage}
ENROLL=${2:?usage}
STORE=${3:?usage}
KILL=${4:?usage}
PASSWD_MODULE=${5:?usage}
KILLS=${ROBUST_CRASH_KILLS:-200}
MAX_ITERATIONS=$((KILLS * 8))

for u in root daemon bin sys; do
	if ! getent passwd "$u" >/dev/null; then
		echo "SKIP: account $u does not exist here"
		exit 77
	fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-robust-crash.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir "$T/services" "$T/pwrap"
CONF=$T/sspr.conf
cat >"$CONF" <<EOF
store = $T/store
key_dir = $T/keys
group = *
min_uid = 0
allow_root = yes
admin_policy = same
argon2_opslimit = 1
argon2_memlimit = 8192
questions_file = $T/no-questions
EOF
# lock_dir is newer than some trees; not /run/sspr: the test may run unprivileged
mkdir "$T/run"
printf 'lock_dir = %s\n' "$T/run" >"$T/probe.conf"
"$ADMIN" --config "$T/probe.conf" check-config 2>&1 | grep -q "'lock_dir'" ||
	printf 'lock_dir = %s\n' "$T/run" >>"$CONF"
chmod 644 "$CONF"
printf 'auth required %s file=%s/passwords\naccount required %s\n' \
	"$PASSWD_MODULE" "$T" "$PASSWD_MODULE" >"$T/services/sspr-enroll"
ME=$(id -un)
printf '%s:Enroll-Pass-1\n' "$ME" >"$T/passwords"

SECRET_A=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SECRET_B=OJXWE5LTOQWXGZLDOJSXILJSGBRHS5DF
HEX_A=48656c6c6f21deadbeef48656c6c6f21deadbeef
HEX_B=726f627573742d7365637265742d323062797465
QA=$'Alpha question one?\talpha answer one\nAlpha question two?\talpha answer two\nAlpha question three?\talpha answer three'
QB=$'Bravo question one?\tbravo answer one\nBravo question two?\tbravo answer two\nBravo question three?\tbravo answer three'
TEXTS_A="Alpha question one?|Alpha question two?|Alpha question three?"
TEXTS_B="Bravo question one?|Bravo question two?|Bravo question three?"
TEXTS_C="Charlie question one?|Charlie question two?|Charlie question three?"
# What sspr-enroll questions reads: the password, then for each question
# its text, the answer and the answer again.
ENROLL_C=$(printf '%s\n' Enroll-Pass-1 \
	"Charlie question one?" "charlie answer one" "charlie answer one" \
	"Charlie question two?" "charlie answer two" "charlie answer two" \
	"Charlie question three?" "charlie answer three" "charlie answer three")

failed=0
fail() {
	echo "not ok - $*"
	failed=$((failed + 1))
}

if ! "$ADMIN" --config "$CONF" init >/dev/null 2>"$T/err"; then
	cat "$T/err"
	echo "Bail out: sspr-admin init failed"
	exit 99
fi

# op N DELAY_US: runs operation N and kills it after DELAY_US; sets
# $result to "killed" or "exit STATUS".
printf '%s\n' "$QA" >"$T/in.qa"
printf '%s\n' "$QB" >"$T/in.qb"
printf '%s\n' "$ENROLL_C" >"$T/in.qc"
printf '%s\n' "$SECRET_A" >"$T/in.sa"
printf '%s\n' "$SECRET_B" >"$T/in.sb"
: >"$T/in.none"
op() {
	local n=$1 delay=$2
	local -a run=("$KILL" "$delay")
	case $n in
	0) run+=("$T/in.qa" "$ADMIN" --config "$CONF" enroll root questions --stdin) ;;
	1) run+=("$T/in.qb" "$ADMIN" --config "$CONF" enroll root questions --stdin) ;;
	2) run=(env PAM_WRAPPER=1 LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" \
		PAM_WRAPPER_SERVICE_DIR="$T/services" PAM_WRAPPER_RUNTIME_DIR="$T/pwrap" \
		"${run[@]}" "$T/in.qc" "$ENROLL" --config "$CONF" --no-qr questions) ;;
	3) run+=("$T/in.sa" "$ADMIN" --config "$CONF" enroll daemon totp --secret-stdin) ;;
	4) run+=("$T/in.sb" "$ADMIN" --config "$CONF" enroll daemon totp --secret-stdin) ;;
	5) run+=("$T/in.none" "$ADMIN" --config "$CONF" enroll bin email a@example.org) ;;
	6) run+=("$T/in.none" "$ADMIN" --config "$CONF" enroll bin email b@example.org) ;;
	7) run+=("$T/in.none" "$ADMIN" --config "$CONF" revoke sys) ;;
	8) run+=("$T/in.qa" "$ADMIN" --config "$CONF" enroll sys questions --stdin) ;;
	9) run+=("$T/in.none" "$ADMIN" --config "$CONF" unlock daemon) ;;
	esac
	result=$("${run[@]}")
}
N_OPS=10

# The state every user must be in; prints what is wrong.
check_state() {
	local dump rc line texts secret
	dump=$("$STORE" dump "$T/store" 2>&1)
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "store does not open or a record does not decode (exit $rc): $dump"
		return 1
	fi
	line=$(grep '^root ' <<<"$dump")
	texts=$(sed -n 's/^root q=3\[\(.*\)\] totp.*/\1/p' <<<"$line")
	case $texts in
	"$TEXTS_A") "$STORE" answers "$T/store" root "alpha answer one" "alpha answer two" \
		"alpha answer three" || { echo "root: set A texts with other answers: $line"; return 1; } ;;
	"$TEXTS_B") "$STORE" answers "$T/store" root "bravo answer one" "bravo answer two" \
		"bravo answer three" || { echo "root: set B texts with other answers: $line"; return 1; } ;;
	"$TEXTS_C") "$STORE" answers "$T/store" root "charlie answer one" "charlie answer two" \
		"charlie answer three" || { echo "root: set C texts with other answers: $line"; return 1; } ;;
	*) echo "root: not one whole question set: $line"; return 1 ;;
	esac
	secret=$("$STORE" secret "$T/store" "$T/keys" daemon 2>&1)
	if [ "$secret" != "$HEX_A" ] && [ "$secret" != "$HEX_B" ]; then
		echo "daemon: TOTP secret is neither A nor B: $secret"
		return 1
	fi
	line=$(grep '^bin ' <<<"$dump")
	case $line in
	*" email=a@example.org/v "* | *" email=b@example.org/v "*) ;;
	*) echo "bin: e-mail is neither a@ nor b@ (verified): $line"; return 1 ;;
	esac
	line=$(grep '^sys ' <<<"$dump")
	if [ -n "$line" ]; then
		texts=$(sed -n 's/^sys q=3\[\(.*\)\] totp.*/\1/p' <<<"$line")
		if [ "$texts" != "$TEXTS_A" ] || ! "$STORE" answers "$T/store" sys "alpha answer one" \
			"alpha answer two" "alpha answer three"; then
			echo "sys: neither absent nor set A: $line"
			return 1
		fi
	fi
	return 0
}

# A known starting state: every operation once, to completion. Each one's
# run time is the range its kills are spread over.
declare -a span
for n in 1 0 4 3 6 5 7 8 9 2; do
	start_ns=$(date +%s%N)
	op "$n" 10000000
	# three quarters of the run time: most kills land mid-run
	span[n]=$((($(date +%s%N) - start_ns) / 1000 * 3 / 4 + 1))
	if [ "$result" != "exit 0" ] && ! [ "$n" = 7 ] && [ "$result" = "exit 1" ]; then
		echo "Bail out: operation $n fails even without a kill ($result)"
		exit 99
	fi
done
if ! why=$(check_state); then
	echo "Bail out: the starting state is wrong: $why"
	exit 99
fi
echo "# run times (us) of operations 0..9: ${span[*]}"

killed=0
finished=0
for ((i = 1; killed < KILLS && i <= MAX_ITERATIONS; i++)); do
	n=$((RANDOM % N_OPS))
	delay_us=$(((RANDOM * 32768 + RANDOM) % span[n]))
	op "$n" "$delay_us"
	case $result in
	killed) killed=$((killed + 1)) ;;
	"exit 0") finished=$((finished + 1)) ;;
	# revoke of a user with no record says so and exits 1
	"exit 1") [ "$n" = 7 ] && finished=$((finished + 1)) ||
		fail "iteration $i: operation $n ended with $result without being killed" ;;
	*) fail "iteration $i: operation $n ended with $result without being killed" ;;
	esac
	if ! why=$(check_state); then
		fail "iteration $i (operation $n, kill after ${delay_us} us, $result): $why"
		[ "$failed" -ge 5 ] && break
	fi
done
echo "# $((i - 1)) iterations: $killed killed mid-run, $finished finished before the kill"

# A store that survived the kills still takes writes and reads back.
printf '%s\n' "$QB" | "$ADMIN" --config "$CONF" enroll root questions --stdin >/dev/null 2>"$T/err" ||
	fail "after the kills, sspr-admin enroll still works: $(cat "$T/err")"
"$STORE" answers "$T/store" root "bravo answer one" "bravo answer two" "bravo answer three" ||
	fail "after the kills, the new set reads back"
"$ADMIN" --config "$CONF" list >"$T/out" 2>"$T/err" || fail "after the kills, sspr-admin list works"

if [ "$killed" -lt "$KILLS" ] && [ "$failed" = 0 ]; then
	fail "only $killed of $((i - 1)) runs were killed mid-run (need $KILLS)"
fi
if [ "$failed" -gt 0 ]; then
	echo "FAIL: $failed check(s) failed"
	exit 1
fi
echo "ok - $killed kills mid-run: the store opened, every record decoded, every user whole"
exit 0
