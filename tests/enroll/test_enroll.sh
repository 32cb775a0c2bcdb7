#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# sspr-enroll as users run it: installed setgid sspr-store, started by an
# unprivileged account, asking the real password through pam_unix, in the
# private-/etc sandbox. Then the enrolled app resets the password.
# With SSPR_TEST_BACKEND=ldap (run under tests/ldap/with-slapd.sh) the store
# is a sub-base on the test directory server A, and what the store holds is
# read there with the directory's root DN instead of from data.mdb.
# Usage: test_enroll.sh MODULE ADMIN ENROLL MAILER
set -euo pipefail

module=$1
admin=$2
enroll=$3
mailer=$4
backend=${SSPR_TEST_BACKEND:-lmdb}
. "$(dirname "$0")/../e2e/sandbox.sh"
case $backend in
lmdb) sandbox_require pamtester oathtool setpriv mdb_dump python3 systemd-socket-activate ;;
ldap)
	for v in SSPR_LDAP_URI_A SSPR_LDAP_BASE SSPR_LDAP_BIND_DN SSPR_LDAP_BIND_PASSWORD_FILE \
		SSPR_LDAP_CACERT SSPR_LDAP_ROOT_DN SSPR_LDAP_ROOT_PASSWORD_FILE; do
		if [ -z "${!v:-}" ]; then
			echo "test_enroll.sh: SSPR_TEST_BACKEND=ldap but $v is not set: run under tests/ldap/with-slapd.sh" >&2
			exit 1
		fi
	done
	sandbox_require pamtester oathtool setpriv ldapsearch python3 systemd-socket-activate
	;;
*) echo "test_enroll.sh: SSPR_TEST_BACKEND must be lmdb or ldap" >&2; exit 1 ;;
esac
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
sandbox_mail_relay "$mailer"

# store_lines: the policy lines that name the store under test.
store_lines() {
	if [ "$backend" = ldap ]; then
		printf 'store_backend = ldap\nldap_uri = %s\nldap_base = %s\n' "$SSPR_LDAP_URI_A" "$LDAP_BASE"
		printf 'ldap_bind_dn = %s\nldap_bind_password_file = %s\n' "$SSPR_LDAP_BIND_DN" "$SANDBOX/ldap.pw"
		printf 'ldap_tls_cacert = %s\n' "$SANDBOX/ldap-ca.pem"
	else
		printf 'store = %s\n' "$SANDBOX/store"
	fi
}
if [ "$backend" = ldap ]; then
	# A sub-base of this run. The setgid helper binds as the host with the
	# password file a site would install for it: root:sspr-store 0640; and
	# it reads the CA certificate, which the harness keeps in a directory
	# only root may enter.
	LDAP_BASE="ou=e$$,$SSPR_LDAP_BASE"
	install -o root -g sspr-store -m 0640 "$SSPR_LDAP_BIND_PASSWORD_FILE" "$SANDBOX/ldap.pw"
	install -o root -g root -m 0644 "$SSPR_LDAP_CACERT" "$SANDBOX/ldap-ca.pem"
	{
		store_lines
		printf 'key_dir = %s\nlock_dir = %s\nhelpdesk = %s\nmethods = totp\n' "$SANDBOX/keys" \
			"$SANDBOX/run" "$SANDBOX_HELPDESK"
	} >/etc/security/sspr.conf
	"$admin" init >/dev/null
fi

# ldap_dump [BASE]: the subtree as LDIF read with the root DN (over StartTLS:
# the servers take no simple bind without it), each base64
# value decoded back to its bytes (so a search for a secret in clear sees
# what the directory stores, as grep on data.mdb does for LMDB).
ldap_dump() {
	LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapsearch -ZZ -LLL -o ldif-wrap=no -x -H "$SSPR_LDAP_URI_A" -D "$SSPR_LDAP_ROOT_DN" \
		-y "$SSPR_LDAP_ROOT_PASSWORD_FILE" -b "${1:-$LDAP_BASE}" '(objectClass=*)' |
		python3 -c 'import base64, sys
for line in sys.stdin.buffer:
    name, sep, value = line.rstrip(b"\n").partition(b":: ")
    sys.stdout.buffer.write(name + b": " + base64.b64decode(value) + b"\n" if sep else line)'
}
# store_dump: refreshes $SANDBOX/store.dump, every byte the store holds.
store_dump() {
	if [ "$backend" = ldap ]; then
		ldap_dump >"$SANDBOX/store.dump"
	else
		cat "$SANDBOX/store/data.mdb" >"$SANDBOX/store.dump"
	fi
}
# store_unreadable_by USER: USER cannot read the store's data (LMDB: the
# file; directory: the bind password, and an anonymous search finds nothing).
store_unreadable_by() {
	local user=$1
	if [ "$backend" = ldap ]; then
		! setpriv --reuid="$user" --regid="$user" --init-groups cat "$SANDBOX/ldap.pw" >/dev/null 2>&1 &&
			! setpriv --reuid="$user" --regid="$user" --init-groups ldapsearch -LLL -x \
				-H "$SSPR_LDAP_URI_A" -b "$LDAP_BASE" '(objectClass=*)' 2>/dev/null | grep -q '^dn:'
	else
		! setpriv --reuid="$user" --regid="$user" --init-groups cat "$SANDBOX/store/data.mdb" >/dev/null 2>&1
	fi
}

install -o root -g sspr-store -m 2755 "$enroll" "$SANDBOX/sspr-enroll"
useradd -M -d /nonexistent -s /bin/bash -G sspr carol
useradd -M -d /nonexistent -s /bin/bash -G sspr dave
printf 'carol:%s\ndave:%s\n' "$SANDBOX_OLD_PASSWORD" "$SANDBOX_OLD_PASSWORD" | chpasswd

. "$(dirname "$0")/../lib/checks.sh"
as() { # as USER COMMAND...: runs with the user's ids and groups, nothing else
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups "$@"
}

# enroll USER PASSWORD CODE-MODE [qr]: runs "sspr-enroll totp" as USER
# (with --no-qr unless the fourth word is qr; "totp $ENROLL_DEVICE" when
# that is set); answers the password, then
# (CODE-MODE=right) the code of the printed secret or (wrong) three wrong
# codes. Sets $out, $status, $secret.
enroll_totp() {
	local user=$1 password=$2 mode=$3 line qr=(--no-qr)
	[ "${4:-}" != qr ] || qr=()
	out=""
	secret=""
	rm -f "$SANDBOX/in" "$SANDBOX/out"
	mkfifo "$SANDBOX/in" "$SANDBOX/out"
	as "$user" "$SANDBOX/sspr-enroll" "${qr[@]}" totp ${ENROLL_DEVICE:+"$ENROLL_DEVICE"} \
		<"$SANDBOX/in" >"$SANDBOX/out" 2>&1 &
	local pid=$!
	exec 7>"$SANDBOX/in" 8<"$SANDBOX/out"
	printf '%s\n' "$password" >&7
	while IFS= read -r -u 8 line; do
		out+="$line"$'\n'
		case $line in
		otpauth://*) secret=${line#*secret=}; secret=${secret%%&*}; break ;;
		esac
	done
	if [ -n "$secret" ]; then
		if [ "$mode" = right ]; then
			oathtool --totp -b "$secret" >&7
		else
			printf '000000\n000000\n000000\n' >&7
		fi
	fi
	exec 7>&-
	out+=$(cat <&8 || true)
	exec 8<&-
	status=0
	wait "$pid" || status=$?
}

check "carol cannot read the store" store_unreadable_by carol
check "carol cannot read the host key" bash -c "! setpriv --reuid=carol --regid=carol --init-groups cat '$SANDBOX/keys/host.key' >/dev/null 2>&1"

enroll_totp carol "wrong password" right
check "a wrong password is refused with exit 4" test "$status" = 4
check "and says authentication failed" grep -q "authentication failed" <<<"$out"
check "and shows no secret" test -z "$secret"

enroll_totp carol "$SANDBOX_OLD_PASSWORD" right
check "carol enrolls an app through the setgid helper" test "$status" = 0
check "she saw an otpauth URI with a secret" test -n "$secret"
check "she is told it is registered" grep -q "is registered" <<<"$out"
"$admin" show carol >"$SANDBOX/carol.txt" 2>&1 || true
check "the store has her app" grep -q "totp" "$SANDBOX/carol.txt"
store_dump
check "the secret is not in the store in clear" bash -c "! grep -qa '$secret' '$SANDBOX/store.dump'"
carol_secret=$secret

enroll_totp dave "$SANDBOX_OLD_PASSWORD" wrong
check "three wrong confirmation codes fail" test "$status" != 0
check "and say nothing was stored" grep -q "nothing was stored" <<<"$out"
check "dave has no record" bash -c "! '$admin' show dave >/dev/null 2>&1"

# The QR code scans on light and dark terminals alike: the captured output
# rendered with each theme's default colours, then read by zbarimg, gives
# back the URI printed under it.
enroll_totp dave "$SANDBOX_OLD_PASSWORD" wrong qr
uri=$(grep -m1 '^otpauth://' <<<"$out" || true)
check "the QR enrollment printed a URI" test -n "$uri"
printf '%s' "$out" >"$SANDBOX/qr.txt"
for theme in light dark; do
	python3 "$(dirname "$0")/render_terminal.py" "$theme" "$SANDBOX/qr.txt" "$SANDBOX/qr-$theme.pgm"
	decoded=$(zbarimg --quiet --raw "$SANDBOX/qr-$theme.pgm" 2>/dev/null || true)
	check "the QR code scans on a $theme terminal (zbarimg reads the URI)" test "$decoded" = "$uri"
done

status=0
out=$(as carol "$SANDBOX/sspr-enroll" --config /tmp/x status 2>&1) || status=$?
check "--config is refused while setgid (exit 3)" test "$status" = 3
check "with a clear message" grep -q "not allowed when running setgid" <<<"$out"

status=0
out=$(as bob "$SANDBOX/sspr-enroll" --no-qr totp </dev/null 2>&1) || status=$?
check "bob, outside group sspr, is refused (exit 3)" test "$status" = 3
check "and told why, with the helpdesk text" bash -c "grep -q 'not a member of group sspr' <<<'$out' && grep -qF '$SANDBOX_HELPDESK' <<<'$out'"

out=$(as carol env HOME=/root USER=alice LOGNAME=alice "$SANDBOX/sspr-enroll" status --json 2>&1)
check "identity comes from the real uid, not the environment" grep -q '"user":"carol"' <<<"$out"
check "status --json is JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"

# The app carol registered now resets her password. The confirmation
# code's step is spent, so use the next step's code (inside the window).
code=$(oathtool --totp -b "$carol_secret" -N "now + 30 seconds")
status=0
out=$(printf '%s\n' "" "$code" "Harbour-Violet-71" "Harbour-Violet-71" |
	pamtester -v sspr-login carol authenticate 2>&1) || status=$?
[ "$status" = 0 ] || echo "$out"
check "the enrolled app resets carol's password" test "$status" = 0
status=0
printf '%s\n' "Harbour-Violet-71" | pamtester sspr-login carol authenticate >/dev/null 2>&1 || status=$?
check "carol logs in with the new password" test "$status" = 0

# A second authenticator, named: both devices reset, each by its own code;
# removing one leaves the other.
ENROLL_DEVICE=tablet enroll_totp carol "Harbour-Violet-71" right
check "carol adds a second app named tablet" test "$status" = 0
check "she is told it is added beside the first" grep -q "this one is added as tablet" <<<"$out"
check "and that it is registered as tablet" grep -q "registered as tablet" <<<"$out"
check "its otpauth label names the device" grep -q '^otpauth://totp/pam_sspr:carol%40[^?]*%20tablet?' <<<"$out"
tablet_secret=$secret
out=$(as carol "$SANDBOX/sspr-enroll" status 2>&1)
check "status lists both devices" grep -q "totp  *registered: default, tablet" <<<"$out"
"$admin" show carol >"$SANDBOX/carol.txt" 2>&1 || true
check "sspr-admin show lists both" bash -c "grep -q '^totp: *default: enrolled' '$SANDBOX/carol.txt' && grep -q '^totp: *tablet: enrolled' '$SANDBOX/carol.txt'"
code=$(oathtool --totp -b "$tablet_secret" -N "now + 30 seconds")
status=0
out=$(printf '%s\n' "" "$code" "Harbour-Violet-72" "Harbour-Violet-72" |
	pamtester -v sspr-login carol authenticate 2>&1) || status=$?
check "the tablet's code resets carol's password" test "$status" = 0
echo "# --- transcript: carol resets with the code of her second device, tablet ---"
sed 's/^/#   /' <<<"$out"
status=0
printf '%s\n' "Harbour-Violet-72" | pamtester sspr-login carol authenticate >/dev/null 2>&1 || status=$?
check "carol logs in with that password" test "$status" = 0
out=$(printf '%s\n' "Harbour-Violet-72" | as carol "$SANDBOX/sspr-enroll" remove totp tablet 2>&1)
check "remove totp tablet removes that device alone" grep -q "device tablet is removed (1 left)" <<<"$out"
code=$(oathtool --totp -b "$tablet_secret" -N "now + 60 seconds")
status=0
out=$(printf '%s\n' "" "$code" "Harbour-Violet-73" "Harbour-Violet-73" |
	pamtester -v sspr-login carol authenticate 2>&1) || status=$?
check "the removed tablet's code no longer resets" test "$status" != 0
out=$(as carol "$SANDBOX/sspr-enroll" status 2>&1)
check "the first device is still there" grep -q "totp  *registered: default$" <<<"$out"
status=0
out=$(printf '%s\n' "Harbour-Violet-72" | as carol "$SANDBOX/sspr-enroll" totp $'my\x1b[2Jtablet' 2>&1) || status=$?
check "a bad device name is refused before the password (exit 2)" test "$status" = 2
check "and the name is not echoed raw" test "${out//$'\x1b'/}" = "$out"


# ---------------------------------------------------------------------------
# Every other method, through the same setgid helper. The policy gets a
# questions file, a cheap Argon2 cost (the tests hash many answers) and a
# mail command that saves the message and the ids it ran with.
store_gid=$(getent group sspr-store | cut -d: -f3)
cat >"$SANDBOX/questions" <<'QUESTIONS'
# test questions
What was the name of your first pet?
In what city were you born?
What is your favourite colour?
What was your first car?
QUESTIONS
chmod 644 "$SANDBOX/questions"
mkdir -m 1777 "$SANDBOX/mail"
cat >"$SANDBOX/mail.py" <<'MAIL'
#!/usr/bin/python3
# A sendmail stand-in: keeps the message and the group ids it ran with.
# Python, not a shell script: bash and dash drop a set-group-id
# themselves, which would hide a helper that forgot to.
import os, subprocess, sys
out = sys.argv[1]
msg = sys.stdin.read()
with open(os.path.join(out, "message"), "w") as f:
    f.write(msg)
ids = subprocess.run(["id", "-G"], capture_output=True, text=True).stdout.split()
with open(os.path.join(out, "ids"), "w") as f:
    f.write("uid=%d egid=%d id-G=%s\n" % (os.getuid(), os.getegid(), " ".join(ids)))
MAIL
chmod 755 "$SANDBOX/mail.py"

# policy LINE...: the sandbox policy plus these lines.
policy() {
	{
		store_lines
		printf 'key_dir = %s\nhelpdesk = %s\n' "$SANDBOX/keys" "$SANDBOX_HELPDESK"
		printf 'questions_file = %s\n' "$SANDBOX/questions"
		printf 'argon2_opslimit = 1\nargon2_memlimit = 8192\n'
		printf 'mail_command = %s %s\nmail_from = sspr@example.org\n' "$SANDBOX/mail.py" \
			"$SANDBOX/mail"
		printf '%s\n' "$@"
	} >/etc/security/sspr.conf
	chmod 644 /etc/security/sspr.conf
}
policy

for u in erin frank gina hank ivy; do
	useradd -M -d /nonexistent -s /bin/bash -G sspr "$u"
	printf '%s:%s\n' "$u" "$SANDBOX_OLD_PASSWORD" | chpasswd
done
PW=$SANDBOX_OLD_PASSWORD

# run USER INPUT-LINES ARG...: sspr-enroll ARG... as USER, the lines (one
# string, newline-separated) on stdin. Sets $out and $status.
run() {
	local user=$1 input=$2
	shift 2
	status=0
	out=$(printf '%s\n' "$input" | as "$user" "$SANDBOX/sspr-enroll" --no-qr "$@" 2>&1) ||
		status=$?
}
lines() { printf '%s\n' "$@"; }
# json USER KEY...: a field of "sspr-enroll status --json", as JSON text.
json() {
	local user=$1 doc
	shift
	doc=$(as "$user" "$SANDBOX/sspr-enroll" status --json)
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    d = d[k]
print(json.dumps(d))' "$doc" "$@"
}
# events: one line per audit event (mdb_dump -p prints each value on one
# line; from the directory, each ssprEventData value with its bytes shown
# the same way).
events() {
	if [ "$backend" = ldap ]; then
		LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapsearch -ZZ -LLL -o ldif-wrap=no -x -H "$SSPR_LDAP_URI_A" -D "$SSPR_LDAP_ROOT_DN" \
			-y "$SSPR_LDAP_ROOT_PASSWORD_FILE" -b "ou=events,$LDAP_BASE" \
			'(objectClass=ssprEvent)' ssprEventData |
			python3 -c 'import base64, sys
for line in sys.stdin:
    if line.startswith("ssprEventData:: "):
        raw = base64.b64decode(line[16:])
    elif line.startswith("ssprEventData: "):
        raw = line[15:].rstrip("\n").encode()
    else:
        continue
    print("".join(chr(b) if 32 <= b < 127 else "\\%02x" % b for b in raw))'
	else
		mdb_dump -p -s events "$SANDBOX/store"
	fi
}
# has_event USER WORD...: an audit event about USER holds every WORD.
has_event() {
	local user=$1 line w ok
	shift
	while IFS= read -r line; do
		ok=1
		for w in "$user" "$@"; do
			grep -qaF -- "$w" <<<"$line" || ok=0
		done
		[ "$ok" = 1 ] && return 0
	done < <(events)
	return 1
}
# shows NAME TEXT / hides NAME TEXT: what the user saw ($out) holds the
# fixed string, or does not (a failure shows $out: check_context).
shows() { check "$1" grep -qF -- "$2" <<<"$out"; }
hides() { check "$1" bash -c '! grep -qF -- "$1" <<<"$2"' _ "$2" "$out"; }

# --- questions ---
run erin "$(lines "$PW" 1 "Rex the Dog" "rex  the dog" 2 "Springfield" "Springfield" \
	"Who was my childhood hero?" "Captain Haddock" "Captain Haddock")" questions
check "questions: erin registers three (two listed, one of her own)" test "$status" = 0
shows "questions: the list is shown numbered" "  2. In what city were you born?"
shows "questions: she is told they are registered" "Your 3 security questions are registered"
hides "questions: the answers are not echoed" "Springfield"
check "questions: status --json counts 3" test "$(json erin questions)" = 3
store_dump
check "questions: no answer is in the store in clear" \
	bash -c "! grep -qai -e springfield -e haddock -e 'rex the dog' '$SANDBOX/store.dump'"
check "questions: the store holds Argon2id hashes" grep -qa '\$argon2id\$' "$SANDBOX/store.dump"
check "questions: hashed at the policy cost (argon2_opslimit = 1, argon2_memlimit = 8192)" grep -qa '\$argon2id\$v=19\$m=8,t=1,' "$SANDBOX/store.dump"
check "questions: an enroll event is recorded" has_event erin enroll questions

run frank "$(lines "$PW" 1 "ab" "Rex the dog" "Rex the dog" 2 "Paris" "Paris" 3 "Blue" "Blue")" \
	questions
check "questions: a too short answer is refused, then a good one accepted" test "$status" = 0
shows "questions: and the rule is named" "an answer needs at least 3 characters"

run frank "$(lines "$PW" 1 "Rex the dog" "Rex the dog" 2 "Rex the dog" "Paris" "Paris" \
	3 "Blue" "Blue")" questions
check "questions: a duplicate answer is refused, then a different one accepted" test "$status" = 0
shows "questions: and the rule is named (duplicate)" "each answer must differ from the others"
shows "questions: re-running says the set is replaced" "the new set replaces them"

run frank "$(lines "$PW" 1 "Frank's hamster" "Rex the dog" "Rex the dog" 2 "Paris" "Paris" \
	3 "Blue" "Blue")" questions
check "questions: an answer containing the user name is refused" test "$status" = 0
shows "questions: and the rule is named (user name)" "an answer may not contain your user name"

run frank "$(lines "$PW" 9 1 "Rex the dog" "Rex the dog" 1 2 "Paris" "Pariss" "Paris" "Paris" \
	"short?" 3 "Blue" "Blue")" questions
check "questions: bad choices and a mistyped answer are asked again" test "$status" = 0
shows "questions: a number out of range is named" "There is no question 9"
shows "questions: the same question twice is refused" "You already chose that question"
shows "questions: two different answers are refused" "The two answers do not match"
shows "questions: a too short custom question is refused" "a question needs at least"

run hank "$(lines "$PW" 1 "Rex the dog" "Rex the dog" 2 "Paris" "Paris")" questions
check "questions: two answers of three fail" test "$status" = 1
shows "questions: and say nothing was stored" "2 of 3 questions answered; nothing was stored"
check "questions: hank has no questions stored" bash -c "! '$admin' show hank >/dev/null 2>&1"

# On a terminal, what is typed for a question is echoed; answers and the
# password are not.
status=0
python3 "$(dirname "$0")/../../tools/converse.py" --raw "$SANDBOX/tty.out" "$PW" 1 "Rex the dog" \
	"Rex the dog" 2 "Paris" "Paris" "Who was my childhood hero?" "Captain Haddock" \
	"Captain Haddock" -- \
	setpriv --reuid=ivy --regid=ivy --init-groups "$SANDBOX/sspr-enroll" questions \
	>/dev/null || status=$?
out=$(tr -d '\r' <"$SANDBOX/tty.out")
check "tty: ivy registers questions on a terminal" test "$status" = 0
check "tty: her own question is echoed as she types it" \
	test "$(grep -o 'Who was my childhood hero?' <<<"$out" | wc -l)" -ge 2
hides "tty: the password is not echoed" "$PW"
hides "tty: answers are not echoed" "Rex the dog"
hides "tty: answers are not echoed (second)" "Paris"
hides "tty: answers are not echoed (third)" "Captain Haddock"
shows "tty: the terminal gets its newline back after a hidden answer" $'Answer (not shown): \nType the answer again: '

policy "custom_questions = no" "questions_to_register = 5" "questions_to_reset = 3"
run hank "$(lines "$PW")" questions
check "questions: a list shorter than questions_to_register is refused" test "$status" = 1
shows "questions: with the numbers" "only 4 questions are available, but 5 must be registered"
policy "custom_questions = no"
run hank "$(lines "$PW" "Who was my childhood hero?")" questions
shows "questions: custom questions are refused when the policy says no" \
	"Type the number of a question from the list"
policy

# --- recovery codes ---
policy "recovery_codes = 6"
run erin "$(lines "$PW")" recovery
check "recovery: erin gets codes" test "$status" = 0
first_codes=$(grep -E '^ +[0-9]+\. [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$' <<<"$out" || true)
check "recovery: recovery_codes = 6 of them are printed" test "$(wc -l <<<"$first_codes")" = 6
shows "recovery: with advice to keep them safe" "keep them somewhere safe"
check "recovery: status --json shows 6 left" test "$(json erin recovery_left)" = 6
store_dump
check "recovery: no code is in the store in clear" \
	bash -c "! grep -qaF '$(head -n1 <<<"$first_codes" | awk '{print $2}')' '$SANDBOX/store.dump'"
run erin "$(lines "$PW")" recovery
shows "recovery: a second run says the old set is replaced" "are replaced by a new set"
second_codes=$(grep -E '^ +[0-9]+\. [0-9A-Z-]{19}$' <<<"$out" || true)
check "recovery: the new set differs" test "$first_codes" != "$second_codes"
check "recovery: still 6 left, not 12" test "$(json erin recovery_left)" = 6
policy

# --- e-mail ---
# email_enroll USER ADDRESS MODE: "sspr-enroll email ADDRESS" as USER; waits
# for the mail, then types its code (MODE=right) or three wrong ones.
email_enroll() {
	local user=$1 address=$2 mode=$3
	rm -f "$SANDBOX/mail/message" "$SANDBOX/mail/ids"
	status=0
	out=$({
		printf '%s\n' "$PW"
		for _ in $(seq 150); do [ -s "$SANDBOX/mail/ids" ] && break; sleep 0.1; done
		code=$(sed -n 's/^Verification code: //p' "$SANDBOX/mail/message" 2>/dev/null)
		if [ "$mode" = right ]; then
			printf '%s\n' "$code"
		else # the real code with its last digit changed, three times
			wrong=${code%?}$(((${code: -1} + 1) % 10))
			printf '%s\n%s\n%s\n' "$wrong" "$wrong" "$wrong"
		fi
	} | as "$user" "$SANDBOX/sspr-enroll" email "$address" 2>&1) || status=$?
}
policy "code_length = 9"
email_enroll erin erin@example.org right
check "email: erin verifies her address" test "$status" = 0
check "email: the message went to her address" grep -q '^To: erin@example.org' "$SANDBOX/mail/message"
check "email: from mail_from" grep -q '^From: sspr@example.org' "$SANDBOX/mail/message"
check "email: with the subject" grep -q '^Subject: Your pam_sspr verification code' "$SANDBOX/mail/message"
check "email: the code has code_length digits" grep -qE '^Verification code: [0-9]{9}$' "$SANDBOX/mail/message"
check "email: the mail program ran as root, through sspr-mailer, not as erin" \
	grep -q '^uid=0 ' "$SANDBOX/mail/ids"
check "email: without the store group (egid)" bash -c "! grep -q 'egid=$store_gid ' '$SANDBOX/mail/ids'"
check "email: nor among id -G" bash -c "! grep -qw '$store_gid' '$SANDBOX/mail/ids'"
check "email: status --json shows the address" test "$(json erin email address)" = '"erin@example.org"'
check "email: verified" test "$(json erin email verified)" = true
store_dump
check "email: the code is not in the store" bash -c \
	"! grep -qa '$(sed -n 's/^Verification code: //p' "$SANDBOX/mail/message")' '$SANDBOX/store.dump'"

email_enroll frank frank@example.org wrong
check "email: three wrong codes fail (exit 4)" test "$status" = 4
shows "email: and say nothing was stored" "the e-mail address was not verified; nothing was stored"
check "email: frank has no address" test "$(json frank email)" = null
check "email: the failure is audited" has_event frank enroll bad-code email
policy

run frank "$(lines "$PW")" email 'not an address'
check "email: an invalid address is refused (exit 2)" test "$status" = 2
shows "email: with a clear message" "not a valid e-mail address"
hides "email: before the password is asked" "Password"

# --- the policy's methods ---
policy "methods = totp questions"
run erin "$(lines "$PW")" recovery
check "methods: recovery refused when the policy leaves it out (exit 3)" test "$status" = 3
shows "methods: with a clear message" "registering recovery is not allowed by the policy"
hides "methods: before the password is asked" "Password"
run erin "$(lines "$PW")" email erin@example.org
check "methods: email refused too (exit 3)" test "$status" = 3
policy

# --- remove ---
policy "methods_required = 2"
run erin "$(lines "wrong password")" remove email
check "remove: a wrong password is refused (exit 4)" test "$status" = 4
check "remove: and the address stays" test "$(json erin email address)" = '"erin@example.org"'
run erin "$(lines "$PW")" remove email
check "remove: erin removes her address" test "$status" = 0
shows "remove: she is told" "Your email registration is removed"
check "remove: status --json shows no address" test "$(json erin email)" = null
check "remove: the removal is audited" has_event erin remove email
hides "remove: two methods left: no warning" "Warning"
run erin "$(lines "$PW")" remove email
check "remove: removing it again changes nothing" test "$status" = 0
shows "remove: and says so" "nothing was removed"
run erin "$(lines "$PW")" remove recovery
check "remove: recovery removed" test "$(json erin recovery_left)" = 0
shows "remove: one method left of two: a warning" "you now have 1 usable reset method, but a password reset needs 2"
run erin "$(lines "$PW")" remove sms
check "remove: an unknown method is a usage error (exit 2)" test "$status" = 2

# --- guided setup, methods_required = 2, from nothing ---
run gina "$(lines "$PW" n y 1 "Rex the dog" "Rex the dog" 2 "Paris" "Paris" 3 "Blue" "Blue" n y)"
check "guided: gina completes a registration from nothing" test "$status" = 0
shows "guided: the status comes first" "registration: not complete: 2 more methods needed"
shows "guided: she is offered an app" "Register an authenticator app now? [Y/n]"
shows "guided: and questions" "Register security questions now? [Y/n]"
shows "guided: and e-mail" "Register an e-mail address now? [Y/n]"
shows "guided: and recovery codes" "Register recovery codes now? [Y/n]"
shows "guided: and is told it is complete" "Your registration is complete"
check "guided: the password was asked once" test "$(grep -o 'Password' <<<"$out" | wc -l)" = 1
check "guided: status --json: complete" test "$(json gina complete)" = true
check "guided: questions stored" test "$(json gina questions)" = 3
check "guided: recovery codes stored" test "$(json gina recovery_left)" = 10
registered=$(json gina registered_at)
confirmed=$(json gina confirmed_at)
check "guided: registered_at set" test "$registered" -gt 0
check "guided: confirmed_at set" test "$confirmed" -ge "$registered"

sleep 1.1
run gina "$(lines "$PW")"
check "guided: a second run with nothing to do succeeds" test "$status" = 0
shows "guided: and re-confirms" "your methods are re-confirmed"
hides "guided: without offering anything" "now? [Y/n]"
check "guided: confirmed_at moves on" test "$(json gina confirmed_at)" -gt "$confirmed"
check "guided: registered_at stays" test "$(json gina registered_at)" = "$registered"
check "guided: a reconfirm event is recorded" has_event gina reconfirm

run hank "$(lines "$PW" n n n n)"
check "guided: declining everything leaves it incomplete (exit 1)" test "$status" = 1
shows "guided: and says so" "your registration is not complete: 0 of 2 methods"
policy

# --- administrators (admin_policy = strict, the default) ---
getent group sudo >/dev/null || groupadd sudo
useradd -M -d /nonexistent -s /bin/bash -G sspr,sudo ada
printf 'ada:%s\n' "$PW" | chpasswd
run ada "$(lines "$PW")" questions
check "admin: questions refused to a member of sudo (exit 3)" test "$status" = 3
shows "admin: with the reason" \
	"the method questions does not count for administrators (admin_policy = strict, group sudo): register two other methods"
hides "admin: before the password is asked" "Password"
out=$(as ada "$SANDBOX/sspr-enroll" status)
shows "admin: status says what counts" \
	"admin:        yes (group sudo): Administrators need 2 different methods, security questions not among them."
shows "admin: status asks for two" "(a reset needs 2)"
check "admin: status --json: admin, two required, questions not allowed" python3 -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if d["admin"] is True and d["methods_required"] == 2 and "questions" not in d["allowed"]
         else 1)' "$(as ada "$SANDBOX/sspr-enroll" status --json)"
out=$(as erin "$SANDBOX/sspr-enroll" status --json)
check "admin: others are no administrators" python3 -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if d["admin"] is False and d["methods_required"] == 1 and "questions" in d["allowed"]
         else 1)' "$out"
policy "admin_policy = same"
check "admin: admin_policy = same asks what it asks of everyone" python3 -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if d["admin"] is False and d["methods_required"] == 1 else 1)' \
	"$(as ada "$SANDBOX/sspr-enroll" status --json)"
policy

# --- status ---
out=$(as gina "$SANDBOX/sspr-enroll" status --json)
check "status --json parses" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"
check "status --json has every field" python3 -c 'import json, sys
d = json.loads(sys.argv[1])
need = {"user", "eligible", "enrolled", "methods", "usable", "allowed", "methods_required", "admin",
        "complete", "missing", "totp", "questions", "email", "recovery_left", "registered_at",
        "confirmed_at", "reconfirm_due", "locked_until"}
sys.exit(0 if need <= set(d) and d["user"] == "gina" and d["methods"] == ["questions", "recovery"]
         else 1)' "$out"
out=$(as erin "$SANDBOX/sspr-enroll" status)
shows "status: questions counted" "3 questions registered"
shows "status: dates shown" "confirmed:"

# --- in the user's language -------------------------------------------------------
# The setgid helper keeps LANGUAGE alone of the caller's environment, and
# the relay writes the verification mail in it (the request's language).
# The expected texts are the catalogues of this build (gettext(1)); a build
# not configured with -Dlocaledir=BUILD/po leaves this part out, saying so.
locales=${SSPR_TEST_LOCALEDIR:-}
de() { LANGUAGE=de LANG=C.UTF-8 TEXTDOMAINDIR=$locales gettext -d pam_sspr -- "$1"; }
if [ -z "$locales" ]; then
	echo "# the German part is not run: this build reads installed catalogues, not its own" \
		"(configure -Dlocaledir=BUILD/po, as tools/test.sh does)"
	checks_done
	exit
fi
check "de: the build's German catalogue is there ($locales)" \
	test -r "$locales/de/LC_MESSAGES/pam_sspr.mo"
out=$(as erin env LANGUAGE=de LC_ALL=C.UTF-8 "$SANDBOX/sspr-enroll" status 2>&1)
shows "de: status speaks German" "$(de $'user:         %s\n' | sed 's/%s.*//')"
hides "de: and not English" "user:         erin"
rm -f "$SANDBOX/mail/message" "$SANDBOX/mail/ids"
status=0
out=$({
	printf '%s\n' "$PW"
	for _ in $(seq 150); do [ -s "$SANDBOX/mail/ids" ] && break; sleep 0.1; done
	grep -oE '^[^0-9]*: [0-9]{6,10}$' "$SANDBOX/mail/message" | grep -oE '[0-9]+$'
} | as erin env LANGUAGE=de "$SANDBOX/sspr-enroll" email erin.de@example.org 2>&1) || status=$?
check "de: erin verifies an address in German" test "$status" = 0
shows "de: the code prompt is German" "$(de 'Code from the e-mail: ')"
subject=$(python3 -c 'import email, email.header, sys
m = email.message_from_file(open(sys.argv[1]))
print(str(email.header.make_header(email.header.decode_header(m["Subject"]))))' "$SANDBOX/mail/message")
check "de: the relay wrote the subject in German (RFC 2047)" \
	test "$subject" = "$(de 'Your pam_sspr verification code')"
first_line=$(de $'Someone, hopefully you, is registering this address for password resets\nof the account %s on %s.\n\nVerification code: %s\n\nType it into sspr-enroll within %u minutes. If you did not ask for this,\nignore this message; the address will not be registered.\n' | head -n 1)
check "de: and the body (\"$first_line\")" grep -qF -- "$first_line" "$SANDBOX/mail/message"
check "de: not the English" bash -c "! grep -q 'hopefully you' '$SANDBOX/mail/message'"

checks_done
