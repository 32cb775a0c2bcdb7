#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Sourced by test_admin.sh (uses its variables and run/expect/refute/
# json_check/store_lines helpers): enroll questions and email, import oath
# and google-authenticator, report, show's events and revoke METHOD. Starts
# with no record for $ME in the store $CONF names (either backend: the
# helper is given the policy file).
#
# Run as a program, it has test_admin.sh set up a fresh store and run only
# these checks:
# usage: test_admin_methods.sh SSPR_ADMIN ADMIN_TEST_HELPER
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	exec bash "$(dirname "$0")/test_admin.sh" --part methods "$@"
fi

# A second account that NSS knows, for imports that name two users.
OTHER=$(getent passwd | cut -d: -f1 | grep -vx "$ME" | grep -E '^[a-z_][a-z0-9_-]*$' | head -n 1)
HEX_A=3132333435363738393031323334353637383930 # RFC 6238's secret
HEX_B=000102030405060708090a0b0c0d0e0f10111213
GA_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
GA_HEX=48656c6c6f21deadbeef48656c6c6f21deadbeef

# helper_is NAME WANT ARGS...: store_tool prints WANT.
helper_is() {
	local name=$1 want=$2 got
	shift 2
	checks=$((checks + 1))
	got=$("$HELPER" "$@" 2>"$T/err")
	if [ "$got" = "$want" ]; then
		echo "ok: $name"
	else
		echo "FAIL: $name: helper printed '$got', expected '$want'"
		sed 's/^/  stderr: /' "$T/err"
		failed=$((failed + 1))
	fi
}

### enroll USER questions --stdin
Q1="What was the name of your first pet?"
Q2="In which city were you born?"
Q3="What is your favourite colour?"
Q4="What was your first car?"
Q5="Who was your best friend at school?"
Q6="What street did you grow up on?"
printf '# a comment, then a blank line\n\n%s\tRex the Dog\n%s\t  New   York \n%s\tdeep blue\n' \
	"$Q1" "$Q2" "$Q3" >"$T/q.ok"
run_file "$T/q.ok" enroll "$ME" questions --stdin
expect "enroll questions" 0 out "$ME: 3 questions enrolled"
refute "enroll questions: answers not shown" out "Rex" err "Rex" out "York" err "York"
helper_is "a normalised answer verifies" accepted answer "$CONF" "$ME" 1 "new york"
helper_is "a wrong answer does not verify" refused answer "$CONF" "$ME" 1 "boston"
helper_is "answers are case-folded" accepted answer "$CONF" "$ME" 0 "REX THE DOG"
run show "$ME"
expect "show lists the question texts" 0 out "questions:    3 set" out "  1. $Q1" out "  3. $Q3"
refute "show prints no answer hash" out '$argon2' out "Rex"
run show "$ME" --json
json_check "show --json: question texts, no hashes" \
	'd["questions"] == 3 and d["question_texts"][1] == "'"$Q2"'" and "argon2" not in json.dumps(d) and d["methods"] == ["questions"]'

printf '%s\tsparky\n%s\tparis\n%s\tgreen\n%s\tvolvo\n' "$Q1" "$Q2" "$Q3" "$Q4" >"$T/q.four"
run_file "$T/q.four" enroll "$ME" questions --stdin
expect "enroll questions again replaces the set" 0 \
	out "$ME: 4 questions enrolled, replacing the previous set"
helper_is "the new set's answers verify" accepted answer "$CONF" "$ME" 3 "Volvo"
helper_is "the old set's answers are gone" refused answer "$CONF" "$ME" 0 "rex the dog"

# expect_q NAME FILE_CONTENT MESSAGE: refused with exit 1, nothing changed.
expect_q() {
	printf "$2" "${@:4}" >"$T/q.bad"
	run_file "$T/q.bad" enroll "$ME" questions --stdin
	expect "$1" 1 err "sspr-admin: $3"
}
expect_q "two questions are too few" '%s\tsparky\n%s\tparis\n' \
	"stdin: 2 questions given, the policy needs at least 3 (questions_to_register)" "$Q1" "$Q2"
expect_q "six questions are too many" '%s\ta1x\n%s\ta2x\n%s\ta3x\n%s\ta4x\n%s\ta5x\n%s\ta6x\n' \
	"stdin:6: too many questions (at most 5)" "$Q1" "$Q2" "$Q3" "$Q4" "$Q5" "$Q6"
expect_q "a line without a tab" '%s\tsparky\n%s paris\n%s\tgreen\n' \
	'stdin:2: expected "question<TAB>answer"' "$Q1" "$Q2" "$Q3"
expect_q "a short answer" '%s\tab\n%s\tparis\n%s\tgreen\n' \
	"stdin:1: an answer needs at least 3 characters" "$Q1" "$Q2" "$Q3"
expect_q "two answers alike (after normalising)" '%s\tsparky\n%s\t  SPARKY\n%s\tgreen\n' \
	"stdin:2: each answer must differ from the others" "$Q1" "$Q2" "$Q3"
expect_q "an answer holding the user name" '%s\tsparky\n%s\tcity of %s\n%s\tgreen\n' \
	"stdin:2: an answer may not contain your user name" "$Q1" "$Q2" "$ME" "$Q3"
expect_q "an answer repeating the question" '%s\tsparky\n%s\tparis\n%s\t%s blue\n' \
	"stdin:3: an answer may not repeat the question" "$Q1" "$Q2" "$Q3" "$Q3"
expect_q "a too-short question" '%s\tsparky\nPet?\tparis\n%s\tgreen\n' \
	"stdin:2: a question needs at least" "$Q1" "$Q3"
expect_q "the same question twice" '%s\tsparky\n%s\tparis\n%s\tgreen\n' \
	"stdin:3: same question as line 1" "$Q1" "$Q2" "$Q1"
expect_q "an answer that is not UTF-8" '%s\tsp\377rky\n%s\tparis\n%s\tgreen\n' \
	"stdin:1: answer is not valid" "$Q1" "$Q2" "$Q3"
expect_q "a line over 1024 bytes" '%s\tsparky\n%s\t%s\n%s\tgreen\n' \
	"stdin:2: line is too long (at most 1024 bytes)" "$Q1" "$Q2" "$(printf 'x%.0s' $(seq 1100))" "$Q3"
refute "refused answers are not echoed" err "sparky" err "paris"
helper_is "a refused set leaves the enrolled one" accepted answer "$CONF" "$ME" 3 "volvo"

run enroll "$ME" questions
expect "enroll questions without --stdin is a usage error" 2 err "answers are read only from stdin"
run enroll "$ME" questions --stdin extra
expect "enroll questions with an extra word is a usage error" 2 err "enroll USER questions --stdin"
run_file "$T/q.ok" enroll "$NOUSER" questions --stdin
expect "enroll questions for an unknown user" 1 err "$NOUSER: no such user"

# custom_questions = no: only the questions of questions_file.
printf '%s\n%s\n%s\n%s\n' "$Q1" "$Q2" "$Q3" "$Q4" >"$T/questions"
chmod 0644 "$T/questions"
{ cat "$CONF"; printf 'custom_questions = no\nquestions_file = %s\n' "$T/questions"; } >"$T/fixed.conf"
chmod 0644 "$T/fixed.conf"
printf '%s\tsparky\n%s\tparis\n%s\tgreen\n' "$Q1" "$Q5" "$Q3" >"$T/q.custom"
"$ADMIN" --config "$T/fixed.conf" enroll "$ME" questions --stdin <"$T/q.custom" >"$T/out" 2>"$T/err"
rc=$?
expect "custom_questions = no refuses another question" 1 \
	err "stdin:2: question is not in $T/questions (custom_questions = no"
"$ADMIN" --config "$T/fixed.conf" enroll "$ME" questions --stdin <"$T/q.ok" >"$T/out" 2>"$T/err"
rc=$?
expect "custom_questions = no accepts the file's questions" 0 out "$ME: 3 questions enrolled"

### enroll USER email ADDRESS
run enroll "$ME" email alice@example.org
expect "enroll email" 0 out "$ME: email alice@example.org enrolled, verified by the admin"
run show "$ME"
expect "show: the address is verified" 0 out "email:        alice@example.org (verified 20"
run show "$ME" --json
json_check "show --json: email verified" \
	'd["email"]["address"] == "alice@example.org" and d["email"]["verified"] is True and d["email"]["verified_at"].endswith("Z") and "email" in d["methods"]'
run enroll "$ME" email bob@example.org
expect "enroll email again replaces it" 0 out "replacing the previous address"
run enroll "$ME" email 'not-an-address'
expect "an invalid address is refused" 1 err "'not-an-address' is not a valid e-mail address"
run enroll "$ME" email 'a@b.org>, evil@x.org'
expect "an address with header syntax is refused" 1 err "is not a valid e-mail address"
run enroll "$ME" email
expect "enroll email without ADDRESS is a usage error" 2 err "usage: enroll USER email ADDRESS"
run enroll "$NOUSER" email a@example.org
expect "enroll email for an unknown user" 1 err "$NOUSER: no such user"
run show "$ME"
expect "refused addresses left the enrolled one" 0 out "email:        bob@example.org (verified"

### import oath FILE
if [ -z "$OTHER" ]; then
	OTHER=$ME
fi
cat >"$T/users.oath" <<EOF
# pam_oath usersfile
HOTP/T30/6	$ME	-	$HEX_A
HOTP $OTHER - $HEX_B 7

HOTP/T60/8 $OTHER 1234 $HEX_B 1 12345678 2024-01-01T00:00:00L
HOTP/T30 $NOUSER - $HEX_A
EOF
chmod 0600 "$T/users.oath"
run import oath "$T/users.oath"
expect "import oath" 0 out "$ME: totp imported (6 digits, 30 s period)" \
	out "$OTHER: totp imported (8 digits, 60 s period)" out "$T/users.oath: imported 2, skipped 2" \
	err "$T/users.oath:3: user $OTHER: HOTP (counter-based) is not supported, skipped" \
	err "$T/users.oath:6: user $NOUSER: no such user, skipped" \
	err "$T/users.oath:5: user $OTHER: the PIN is not imported"
refute "import oath: no secret shown" out "$HEX_A" err "$HEX_A" out "$HEX_B" err "$HEX_B"
refute "import oath: a 0600 file gives no exposure warning" err "readable by others"
helper_is "imported secret opens with the host key" "$HEX_A" secret "$CONF" "$T/keys" "$ME"
helper_is "second user's secret" "$HEX_B" secret "$CONF" "$T/keys" "$OTHER"
run show "$OTHER" --json
# liboath's log: the step of the local TIME plus the window position.
USED=$(($(date -d 2024-01-01T00:00:00 +%s) / 60 + 1))
json_check "imported token keeps its digits, period and last used step" \
	"d['totp']['digits'] == 8 and d['totp']['period'] == 60 and d['totp']['last_step'] == $USED"
run import oath "$T/users.oath"
expect "import oath again: same result" 0 out "$T/users.oath: imported 2, skipped 2"
helper_is "import again keeps the same secret" "$HEX_A" secret "$CONF" "$T/keys" "$ME"
# A source that knows less (no log) never lowers the replay mark.
printf 'HOTP/T60/8 %s - %s\n' "$OTHER" "$HEX_B" >"$T/nolog.oath"
chmod 0600 "$T/nolog.oath"
run import oath "$T/nolog.oath"
expect "import oath without a log" 0 out "$OTHER: totp imported (8 digits, 60 s period)"
run show "$OTHER" --json
json_check "a re-import keeps last_step" "d['totp']['last_step'] == $USED"

cat >"$T/bad.oath" <<EOF
HOTP/X30 $ME - $HEX_A
just-one-field
HOTP/T30 bad/name - $HEX_A
HOTP/T30 $ME - 3132
HOTP/T30 $ME - zz$HEX_A
HOTP/T30/9 $ME - $HEX_A
HOTP/T0 $ME - $HEX_A
HOTP/T30 $ME - $HEX_B notanumber
HOTP/T30 $ME - $HEX_B 1 2 3
HOTP/T30 $ME - $HEX_B
EOF
chmod 0600 "$T/bad.oath"
run import oath "$T/bad.oath"
expect "import oath: every bad line, then nothing imported" 1 \
	err "$T/bad.oath:1: unknown token type (expected HOTP, HOTP/T30, HOTP/T30/6, ...)" \
	err "$T/bad.oath:2: expected TYPE USER PIN SECRET [COUNTER [LAST_OTP [TIME]]]" \
	err "$T/bad.oath:3: invalid user name" \
	err "$T/bad.oath:4: user $ME: secret is 2 bytes, expected 10..64" \
	err "$T/bad.oath:5: secret is not hexadecimal (or over 64 bytes)" \
	err "$T/bad.oath:6: token type: digits must be 6, 7 or 8" \
	err "$T/bad.oath:7: token type: time step must be T1..T3600" \
	err "$T/bad.oath:8: COUNTER must be a number" \
	err "$T/bad.oath:9: TIME must be as liboath writes it (2024-05-23T15:11:29L)" \
	err "$T/bad.oath: 9 bad lines, nothing imported"
refute "import oath: bad lines are not echoed" err "bad/name" err "$HEX_A"
helper_is "a refused file changed nothing" "$HEX_A" secret "$CONF" "$T/keys" "$ME"

chmod 0644 "$T/users.oath"
run import oath "$T/users.oath"
expect "a file others may read is imported with a warning" 0 \
	err "$T/users.oath is readable by others"
run import oath "$T/no-such-file"
expect "import oath: missing file" 1 err "sspr-admin: $T/no-such-file: No such file or directory"
run import oath "$T"
expect "import oath: a directory" 1 err "$T: not a regular file"
run import oath
expect "import oath without FILE is a usage error" 2 err "usage: import oath FILE"
run import
expect "import without a format is a usage error" 2 err "usage: import oath FILE"
run import pskc "$T/users.oath"
expect "import of an unknown format is a usage error" 2 err "import: unknown format"
printf 'HOTP/T30 %s - %s\nHOTP/T30/8 %s - %s\n' "$ME" "$HEX_B" "$ME" "$HEX_A" >"$T/dup.oath"
chmod 0600 "$T/dup.oath"
run import oath "$T/dup.oath"
expect "import oath: one token per user, the first wins" 0 out "$T/dup.oath: imported 1, skipped 1" \
	err "$T/dup.oath:2: user $ME: a TOTP token was already read at line 1; only one is kept, skipped"
helper_is "the first token of the user was kept" "$HEX_B" secret "$CONF" "$T/keys" "$ME"
printf 'HOTP/T30 %s - %s\n' "$ME" "$HEX_A" >"$T/one.oath"
chmod 0600 "$T/one.oath"
run import oath "$T/one.oath"
expect "import oath replaces an existing TOTP" 0 out "$T/one.oath: imported 1, skipped 0"
helper_is "the imported token replaced it" "$HEX_A" secret "$CONF" "$T/keys" "$ME"
if [ "$OTHER" != "$ME" ]; then
	run revoke "$OTHER"
	expect "revoke the second imported user" 0 out "$OTHER: record removed"
fi

### import google-authenticator USER FILE
step_now=$(($(date +%s) / 30))
used_step=$((step_now - 5))
cat >"$T/ga" <<EOF
$GA_SECRET
" RATE_LIMIT 3 30 1700000000
" WINDOW_SIZE 17
" DISALLOW_REUSE $((used_step - 3)) $used_step
" TOTP_AUTH
12345678
87654321
55501234
EOF
chmod 0400 "$T/ga"
run import google-authenticator "$ME" "$T/ga"
expect "import google-authenticator" 0 out "$ME: totp imported (6 digits, 30 s period)" \
	out "$ME: 3 scratch codes imported as recovery codes"
refute "import google-authenticator: no secret or code shown" out "$GA_SECRET" err "$GA_SECRET" \
	out "87654321" err "87654321"
helper_is "the scratch codes verify as recovery codes" accepted recovery "$CONF" "$ME" 87654321
helper_is "another scratch code verifies" accepted recovery "$CONF" "$ME" 55501234
helper_is "a code not in the file does not" refused recovery "$CONF" "$ME" 87654320
helper_is "google-authenticator secret opens" "$GA_HEX" secret "$CONF" "$T/keys" "$ME"
run show "$ME" --json
json_check "recovery codes counted, replay mark from DISALLOW_REUSE" \
	'd["recovery"] == {"total": 3, "unused": 3} and d["totp"]["period"] == 30 and d["totp"]["last_step"] == '"$used_step"' and "recovery" in d["methods"]'
run show "$ME"
expect "show: recovery codes left of total" 0 out "recovery:     3 codes, 3 unused"

printf '%s\n" STEP_SIZE 60\n" TOTP_AUTH\n' "$GA_SECRET" >"$T/ga60"
chmod 0600 "$T/ga60"
run import google-authenticator "$ME" "$T/ga60"
expect "STEP_SIZE sets the period; no codes keeps recovery" 0 \
	out "$ME: totp imported (6 digits, 60 s period), replacing the previous secret" \
	out "no scratch codes in $T/ga60; recovery codes unchanged"
helper_is "recovery codes kept" accepted recovery "$CONF" "$ME" 12345678

# expect_ga NAME CONTENT MESSAGE...
expect_ga() {
	local name=$1 content=$2
	shift 2
	printf '%s' "$content" >"$T/ga.bad"
	chmod 0600 "$T/ga.bad"
	run import google-authenticator "$ME" "$T/ga.bad"
	local args=()
	for m in "$@"; do
		args+=(err "$m")
	done
	expect "$name" 1 "${args[@]}"
}
expect_ga "a counter-based file is refused" "$GA_SECRET
\" HOTP_COUNTER 1
12345678
" "$T/ga.bad:2: HOTP_COUNTER: counter-based (HOTP) tokens are not supported"
expect_ga "a bad scratch code" "$GA_SECRET
\" TOTP_AUTH
1234
12345678x
" "$T/ga.bad:3: expected a scratch code (8 digits) or an option line" \
	"$T/ga.bad:4: expected a scratch code (8 digits) or an option line" \
	"$T/ga.bad: 2 bad lines, nothing imported"
expect_ga "a bad secret" "not base32!
\" TOTP_AUTH
" "$T/ga.bad:1: secret is not valid base32"
expect_ga "a short secret" "JBSWY3DP
\" TOTP_AUTH
" "$T/ga.bad:1: secret is 5 bytes, expected 10..64"
expect_ga "a bad STEP_SIZE" "$GA_SECRET
\" STEP_SIZE 0
\" TOTP_AUTH
" "$T/ga.bad:2: STEP_SIZE must be 1..3600 seconds"
expect_ga "no TOTP_AUTH" "$GA_SECRET
12345678
" "$T/ga.bad: no \" TOTP_AUTH line"
printf '%s\n" TOTP_AUTH\n" SOMETHING_NEW 1\n' "$GA_SECRET" >"$T/ga.new"
chmod 0600 "$T/ga.new"
run import google-authenticator "$ME" "$T/ga.new"
expect "an unknown option is a warning" 0 err "$T/ga.new:3: unknown option 'SOMETHING_NEW', ignored"
run import google-authenticator "$ME" "$T/ga"
expect "import google-authenticator again" 0 out "$ME: 3 scratch codes imported"
expect_ga "an empty file" "" "$T/ga.bad:1: expected the base32 secret"
helper_is "refused files changed nothing" accepted recovery "$CONF" "$ME" 12345678
run import google-authenticator "$NOUSER" "$T/ga"
expect "import google-authenticator for an unknown user" 1 err "$NOUSER: no such user"
run import google-authenticator "$ME"
expect "import google-authenticator without FILE is a usage error" 2 \
	err "usage: import google-authenticator USER FILE"

### show: recent events
run show "$ME"
expect "show lists recent events" 0 out "recent events (" \
	out "enroll success questions service=sspr-admin (by " \
	out "enroll success recovery service=sspr-admin"
run show "$ME" --json
json_check "show --json: events, oldest first, at most 20" \
	'0 < len(d["events"]) <= 20 and all(e["service"] == "sspr-admin" for e in d["events"]) and d["events"][-1]["method"] in ("totp", "recovery") and d["events"] == sorted(d["events"], key=lambda e: e["time"])'

### revoke USER METHOD, for each method
for m in email recovery questions totp; do
	run revoke "$ME" "$m"
	expect "revoke $m" 0 out "$ME: $m revoked"
	run revoke "$ME" "$m"
	expect "revoke $m again: not enrolled" 1 err "$ME: $m is not enrolled"
done
run show "$ME" --json
json_check "every method revoked" \
	'd["methods"] == [] and d["totp"] is None and d["email"] is None and d["questions"] == 0 and d["recovery"]["total"] == 0'
run revoke "$ME"
expect "revoke the emptied record" 0 out "$ME: record removed"

### report
# A store of its own, so every count is known.
write_conf rstore "$T/report.conf"
rrun() {
	"$ADMIN" --config "$T/report.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
rrun init
expect "report: init a second store" 0 out "store created"
printf '%s\n' "$SECRET" | "$ADMIN" --config "$T/report.conf" enroll "$ME" totp --secret-stdin \
	>/dev/null 2>&1
rrun enroll "$ME" email report@example.org
rrun revoke "$ME" email
rrun enroll "$ME" email report@example.org
ev() {
	"$HELPER" event "$T/report.conf" "$@" || echo "FAIL: store_tool event $*"
}
ev "$ME" reset success totp
ev "$ME" reset bad-code totp
ev "$ME" reset replayed-code totp "resets locked"
ev "$ME" lockout started totp "3 failed answers within 600 s: resets locked for 600 s"
ev "$ME" reset locked ""
ev "$ME" reset bad-answer questions
ev "$ME" reset not-eligible ""
ev "$ME" reset bad-recovery-code recovery
ev "$ME" reset success totp "" $((40 * 86400))
ev "$ME" enroll success questions "" $((40 * 86400))

rrun report --json
expect "report --json" 0
json_check "report --json: reset counts" \
	'(lambda r: r["total"] == {"attempts": 7, "successes": 1, "failures": 4, "locked": 1} and r["lockouts"] == 2 and r["by_method"]["totp"] == {"attempts": 3, "successes": 1, "failures": 2, "locked": 0} and r["by_method"]["questions"]["failures"] == 1 and r["by_method"]["recovery"]["failures"] == 1 and r["by_method"]["none"]["attempts"] == 2 and r["by_method"]["email"]["attempts"] == 0 and r["by_result"]["bad-code"] == 1 and r["by_result"]["not-eligible"] == 1 and r["by_result"]["other"] == 1 and r["by_result"]["aborted"] == 0)(d["resets"]) and d["days"] == 30'
json_check "report --json: enrollments and changes" \
	'd["enrollments"] == {"total": 3, "by_method": {"totp": 1, "questions": 0, "email": 2, "recovery": 0, "pass": 0, "pam": 0, "phone": 0}} and d["revocations"] == 1 and d["unlocks"] == 0 and d["corrupt_events"] == 0'
json_check "report --json: registration against NSS" '
(lambda names: d["registration"]["eligible"] == len(names) and d["registration"]["registered"] == 1 and d["registration"]["not_registered"] == len(names) - 1 and me not in d["registration"]["not_registered_users"] and sorted(d["registration"]["not_registered_users"]) == sorted(n for n in names if n != me) and d["registration"]["by_method"] == {"totp": 1, "questions": 0, "email": 1, "recovery": 0, "pass": 0, "pam": 0, "phone": 0})(
 [p.pw_name for p in __import__("pwd").getpwall() if __import__("re").fullmatch(r"[A-Za-z0-9._@$][A-Za-z0-9._@$-]*", p.pw_name)])'
rrun report --since 60 --json
json_check "report --since 60 takes the older events in" \
	'd["days"] == 60 and d["resets"]["total"]["attempts"] == 8 and d["resets"]["total"]["successes"] == 2 and d["enrollments"]["by_method"]["questions"] == 1'
rrun report --since=1 --json
json_check "report --since=1 form" 'd["days"] == 1 and d["resets"]["total"]["attempts"] == 7'
rrun report
expect "report as text" 0 out "Registration (methods_required = 1" out "eligible users" \
	out "Resets since " \
	out "results: success 1, bad-code 1, replayed-code 1, bad-answer 1, locked 1, not-eligible 1, other 1" \
	out "Enrollments since " out "(totp 1, questions 0, email 2, recovery 0, pass 0, pam 0, phone 0)"
checks=$((checks + 1))
if grep -Eq '^  totp +3 +1 +2 +0$' "$T/out" && grep -Eq '^  total +7 +1 +4 +1$' "$T/out" &&
	grep -Eq '^  registered +1 \(' "$T/out" && grep -Eq '^  lockouts started +2$' "$T/out"; then
	echo "ok: report table rows"
else
	fail "report table rows"
fi
rrun report --since 0
expect "report --since 0 is a usage error" 2 err "report: --since '0': DAYS must be 1..3650"
rrun report --since abc
expect "report --since abc is a usage error" 2 err "DAYS must be 1..3650"
rrun report --since
expect "report --since without DAYS is a usage error" 2 err "report: --since needs a value"
rrun report extra
expect "report takes no other arguments" 2 err "usage: report [--since DAYS] [--json]"
mkdir -p "$T/nostore"
{ store_lines nostore; printf 'key_dir = %s/keys\n' "$T"; } >"$T/nostore.conf"
chmod 0644 "$T/nostore.conf"
run_raw --config "$T/nostore.conf" report
expect "report without a store names the fix" 1 err "no store; run 'sspr-admin init'"

# More than 20 events: show keeps the last 20, oldest first.
for i in $(seq 1 25); do
	ev "$ME" reset bad-code totp "n$i"
done
rrun show "$ME" --json
json_check "show --json keeps the last 20 events" \
	'len(d["events"]) == 20 and d["events"][0]["detail"] == "n6" and d["events"][-1]["detail"] == "n25"'
# A two-method reset counts once in the total and once for each method.
ev "$ME" reset success "totp+recovery"
rrun report --json
json_check "report: a two-method reset counts for both methods" \
	'd["resets"]["total"]["successes"] == 2 and d["resets"]["by_method"]["totp"]["successes"] == 2 and d["resets"]["by_method"]["recovery"]["successes"] == 1 and d["resets"]["by_method"]["none"]["attempts"] == 2'

### prune
# A store of its own: two events of 40 days ago, then three of today. The
# old ones go, the new ones stay, and the prune itself is on record.
write_conf pstore "$T/prune.conf"
prun() {
	"$ADMIN" --config "$T/prune.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
prun init
pev() {
	"$HELPER" event "$T/prune.conf" "$@" || echo "FAIL: store_tool event $*"
}
pev "$ME" reset success totp "" $((40 * 86400))
pev "$ME" enroll success questions "" $((40 * 86400))
pev "$ME" reset bad-code totp
pev "$ME" reset success totp
pev "$ME" enroll success email
prun prune 30
expect "prune 30" 0 out "removed 2 events older than"
prun report --since 60 --json
json_check "prune: the older events are gone, the rest kept" \
	'd["resets"]["total"]["attempts"] == 2 and d["enrollments"]["by_method"] == {"totp": 0, "questions": 0, "email": 1, "recovery": 0, "pass": 0, "pam": 0, "phone": 0}'
prun prune 30
expect "prune again removes nothing" 0 out "removed 0 events older than"
prun prune 0
expect "prune 0 is a usage error" 2 err "prune: '0': DAYS must be 1..36500"
prun prune 1 2
expect "prune takes one DAYS at most" 2 err "usage: prune [DAYS]"
printf 'event_retention_days = 0\n' >>"$T/prune.conf"
prun prune
expect "prune with event_retention_days = 0 keeps everything" 0 out "keeps events for ever"

### pass USER: the helpdesk's temporary access pass
run pass "$ME"
expect "pass: refused while the policy's methods leave it out" 3 \
	err "pass is not in the policy's methods ($CONF): add it there before issuing passes"
PASS_CONF=$T/pass.conf
write_conf store "$PASS_CONF"
printf '#!/bin/sh\ncat >>"%s/pass-mail.txt"\n' "$T" >"$T/pass-mail.sh"
chmod 0755 "$T/pass-mail.sh"
printf 'methods = totp questions email recovery pass\nmail_command = %s\n' "$T/pass-mail.sh" \
	>>"$PASS_CONF"
pass_run() {
	"$ADMIN" --config "$PASS_CONF" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
pass_run enroll "$ME" email "$ME@example.org"
expect "pass: an address to notify" 0
pass_run pass "$ME" --ttl 2h --uses 3
expect "pass: issued" 0 out "$ME: temporary access pass, valid until " out "for 3 resets:" \
	out "it is not shown again"
issued=$(sed -n 's/^    \([0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}\)$/\1/p' "$T/out")
checks=$((checks + 1))
if [ -n "$issued" ] && "$HELPER" pass "$PASS_CONF" "$ME" "$issued" | grep -Eq '^accepted 3 7(1|2)[0-9]{2}$'; then
	echo "ok: pass: the printed pass is stored, 3 uses, two hours"
else
	echo "FAIL: pass: the printed pass is stored, 3 uses, two hours"
	failed=$((failed + 1))
fi
helper_is "pass: another string is not it" refused pass "$PASS_CONF" "$ME" "AAAA-BBBB-CCCC-DDDD"
checks=$((checks + 1))
if grep -q "Subject: A temporary access pass was issued for your account" "$T/pass-mail.txt" &&
	grep -q "To: $ME@example.org" "$T/pass-mail.txt" && ! grep -qF -- "$issued" "$T/pass-mail.txt"; then
	echo "ok: pass: the user is told by mail, without the pass"
else
	echo "FAIL: pass: the user is told by mail, without the pass"
	failed=$((failed + 1))
fi
pass_run show "$ME"
expect "pass: show has it" 0 out "pass:         valid until " out ", 3 uses left" \
	out "pass issued pass service=sspr-admin (by root, for 7200 s, 3 uses)"
refute "pass: show never prints it" out "$issued"
pass_run show "$ME" --json
json_check "pass: show --json has it" 'd["pass"]["uses_left"] == 3 and "pass" in d["methods"]'
pass_run pass "$ME"
expect "pass: a second one replaces the first" 0 out "(replacing the earlier one)" out "for 1 reset:"
helper_is "pass: the first one is gone" refused pass "$PASS_CONF" "$ME" "$issued"
for bad in 59 59s 31d 2w 1h30m -1h "" 1x; do
	pass_run pass "$ME" --ttl "$bad"
	expect "pass: --ttl '$bad' is a usage error" 2 err "give a duration of 60 s to 30 d"
done
for bad in 0 11 x -1; do
	pass_run pass "$ME" --uses "$bad"
	expect "pass: --uses '$bad' is a usage error" 2 err "--uses '$bad': N must be 1..10"
done
pass_run pass
expect "pass: USER is needed" 2 err "usage: pass USER [--ttl DURATION] [--uses N]"
pass_run pass sspr-test-no-such-user
expect "pass: an unknown user" 1 err "no such user"
pass_run revoke "$ME" pass
expect "pass: revoke removes it" 0
pass_run show "$ME"
expect "pass: and show says none" 0 out "pass:         none"
