#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The setgid helper under attack from its own caller. sspr-enroll installed
# setgid sspr-store in the private-/etc sandbox (tests/e2e/sandbox.sh), run
# by alice (group sspr) and bob (not), must: ignore a hostile environment
# (LD_PRELOAD, PATH, locale, TMPDIR, shell start-up variables), refuse
# --config while privileged, act on no one but the real uid's account,
# survive closed standard descriptors, not be dumpable (so the caller can
# neither ptrace it nor read its memory or environment through /proc); and
# the store and host key must be unreadable to users.
#
# usage: test_setgid.sh MODULE SSPR_ADMIN SSPR_ENROLL ROBUST_STORE ROBUST_PRELOAD MAILER
set -uo pipefail

module=$1
admin=$2
enroll=$3
store=$4
preload=$5
mailer=$6
. "$(dirname "$0")/../e2e/sandbox.sh"
sandbox_require setpriv systemd-socket-activate
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
sandbox_mail_relay "$mailer"

install -o root -g sspr-store -m 2755 "$enroll" "$SANDBOX/sspr-enroll"
# The same program without the setgid bit: it runs as the user alone, so
# only its own prctl() can make it undumpable.
install -o root -g root -m 0755 "$enroll" "$SANDBOX/sspr-enroll-plain"
install -m 0644 "$preload" "$SANDBOX/preload.so"
mkdir -m 1777 "$SANDBOX/mail" "$SANDBOX/marks" "$SANDBOX/evil"
cat >"$SANDBOX/mail.sh" <<'MAIL'
#!/bin/sh
# sendmail stand-in: keeps the environment it was started with.
env >"$(dirname "$0")/mail/env"
cat >/dev/null
MAIL
chmod 755 "$SANDBOX/mail.sh"
# A hostile PATH: an "env", "id" and "sendmail" that would leave a mark.
for tool in env id sendmail sh cat; do
	printf '#!/bin/sh\ntouch %s/marks/path-%s\n' "$SANDBOX" "$tool" >"$SANDBOX/evil/$tool"
	chmod 755 "$SANDBOX/evil/$tool"
done
sed -i '/^methods = /d' /etc/security/sspr.conf # e-mail too
cat >>/etc/security/sspr.conf <<EOF
mail_command = $SANDBOX/mail.sh
EOF
PW=$SANDBOX_OLD_PASSWORD

. "$(dirname "$0")/../lib/checks.sh"
as() { # as USER COMMAND...: the user's ids and groups, nothing else
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups "$@"
}
hostile_env=(env LD_PRELOAD="$SANDBOX/preload.so" ROBUST_PRELOAD_MARK="$SANDBOX/marks/preload"
	PATH="$SANDBOX/evil:/usr/bin:/bin" TMPDIR="$SANDBOX/evil" LANG=tr_TR.UTF-8
	LC_ALL=tr_TR.UTF-8 LANGUAGE=tr GCONV_PATH="$SANDBOX/evil" BASH_ENV="$SANDBOX/evil/sh"
	ENV="$SANDBOX/evil/sh" IFS=/ LD_LIBRARY_PATH="$SANDBOX/evil" MALLOC_CHECK_=3
	PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SANDBOX/evil")

# ---- the store and the key are not the user's ------------------------------
for f in store/data.mdb store/lock.mdb keys/host.key; do
	check "alice cannot read $f" bash -c "! setpriv --reuid=alice --regid=alice --init-groups cat '$SANDBOX/$f' >/dev/null 2>&1"
	check "alice cannot write $f" bash -c "! setpriv --reuid=alice --regid=alice --init-groups sh -c ': >>\"\$1\"' _ '$SANDBOX/$f' 2>/dev/null"
done
check "alice can read host.pub (she seals to it)" as alice cat "$SANDBOX/keys/host.pub" >/dev/null
status=0
as alice "$store" dump "$SANDBOX/store" >/dev/null 2>&1 || status=$?
check "the store library, run by alice, cannot open the store" test "$status" != 0
status=0
as alice "$admin" list >/dev/null 2>&1 || status=$?
check "sspr-admin run by alice is refused" test "$status" != 0

# ---- a hostile environment is ignored ----------------------------------------
as alice "${hostile_env[@]}" /bin/true
check "control: the preload library loads into a plain program" test -e "$SANDBOX/marks/preload"
rm -f "$SANDBOX/marks/preload"
status=0
out=$(printf '%s\n' "$PW" | as alice "${hostile_env[@]}" "$SANDBOX/sspr-enroll" email alice@example.org 2>&1) ||
	status=$?
check "LD_PRELOAD is not loaded into the setgid helper" test ! -e "$SANDBOX/marks/preload"
check "nothing on the hostile PATH ran" bash -c "! ls '$SANDBOX/marks' | grep -q ."
check "the mail command was started (the code went out)" test -s "$SANDBOX/mail/env"
envfile=$SANDBOX/mail/env
check "the mail command got a fixed PATH, not the caller's" bash -c "grep -q '^PATH=/' '$envfile' && ! grep -q evil '$envfile'"
check "the mail command got LC_ALL=C, not the caller's locale" grep -qx 'LC_ALL=C' "$envfile"
for var in LD_PRELOAD LD_LIBRARY_PATH TMPDIR LANGUAGE GCONV_PATH BASH_ENV ENV IFS \
	MALLOC_CHECK_ ROBUST_PRELOAD_MARK PAM_WRAPPER PAM_WRAPPER_SERVICE_DIR; do
	check "the mail command did not inherit $var" bash -c "! grep -q '^$var=' '$envfile'"
done
check "the caller's locale did not reach the mail command" bash -c "! grep -q 'tr_TR' '$envfile'"
check "without the code the e-mail is not registered" bash -c "! grep -q 'alice@example.org' <<<\"\$('$admin' show alice 2>&1)\""
[ "$status" != 0 ] || echo "#   (exit $status) $out"

status=0
out=$(as alice "${hostile_env[@]}" "$SANDBOX/sspr-enroll" status --json 2>&1) || status=$?
check "status works in a hostile environment" test "$status" = 0
check "and speaks for alice" grep -q '"user":"alice"' <<<"$out"

# ---- --config and other users ---------------------------------------------------
status=0
out=$(as alice "$SANDBOX/sspr-enroll" --config "$SANDBOX/evil/sh" status 2>&1) || status=$?
check "--config is refused while setgid (exit 3)" test "$status" = 3
check "with a clear message" grep -q "not allowed when running setgid" <<<"$out"
status=0
out=$(as alice "$SANDBOX/sspr-enroll" --config=/tmp/x status 2>&1) || status=$?
check "--config=PATH is refused too (exit 2 or 3)" bash -c "[ '$status' = 2 ] || [ '$status' = 3 ]"
out=$(as alice env USER=bob LOGNAME=bob HOME=/root SUDO_USER=bob "$SANDBOX/sspr-enroll" status --json 2>&1)
check "USER/LOGNAME/SUDO_USER do not change who it acts for" grep -q '"user":"alice"' <<<"$out"
status=0
as alice "$SANDBOX/sspr-enroll" status bob >/dev/null 2>&1 || status=$?
check "a user name argument is a usage error (exit 2)" test "$status" = 2
before=$("$store" dump "$SANDBOX/store" | grep '^alice ')
status=0
out=$(printf '%s\n' "$PW" | as bob "$SANDBOX/sspr-enroll" remove totp 2>&1) || status=$?
check "bob (not in group sspr) cannot remove anything (exit 3)" test "$status" = 3
check "alice's record is untouched by bob" test "$("$store" dump "$SANDBOX/store" | grep '^alice ')" = "$before"
status=0
out=$(printf '%s\n' "wrong password" | as alice "$SANDBOX/sspr-enroll" remove totp 2>&1) || status=$?
check "a wrong password changes nothing (exit 4)" test "$status" = 4
check "alice still has her app" test "$("$store" dump "$SANDBOX/store" | grep '^alice ')" = "$before"

# ---- closed standard descriptors ---------------------------------------------
for closed in '<&-' '>&-' '2>&-' '<&- >&- 2>&-'; do
	status=0
	as alice bash -c "exec $closed; exec '$SANDBOX/sspr-enroll' status --json" >/dev/null || status=$?
	check "status with $closed does not crash (exit $status)" test "$status" -lt 128
done
status=0
as alice bash -c "exec <&- 2>&-; printf '%s\n' '$PW' | '$SANDBOX/sspr-enroll' remove email >/dev/null" ||
	status=$?
check "remove with stderr closed does not crash (exit $status)" test "$status" -lt 128
status=0
"$store" dump "$SANDBOX/store" >/dev/null || status=$?
check "the store still decodes" test "$status" = 0
check "alice's record is as it was" test "$("$store" dump "$SANDBOX/store" | grep '^alice ')" = "$before"
check "no stray file was written into the store directory" \
	bash -c "[ \"\$(ls '$SANDBOX/store' | sort | tr '\n' ' ')\" = 'data.mdb lock.mdb ' ]"

# ---- not dumpable --------------------------------------------------------------
# undumpable PROGRAM: starts it as alice waiting for her password, then
# looks at it as alice: /proc/PID/environ must be root's, unreadable.
undumpable() {
	local prog=$1 pid owner ok=0 limits
	rm -f "$SANDBOX/fifo"
	mkfifo -m 0666 "$SANDBOX/fifo"
	# setpriv itself (not the shell function "as"), so $! is the pid that
	# becomes the program
	setpriv --reuid=alice --regid=alice --init-groups "$prog" remove email \
		<"$SANDBOX/fifo" >/dev/null 2>&1 &
	pid=$!
	exec 9>"$SANDBOX/fifo"
	sleep 0.5 # until it sits at the password prompt
	owner=$(stat -c %U "/proc/$pid/environ" 2>/dev/null)
	limits=$(grep 'Max core file size' "/proc/$pid/limits" 2>/dev/null)
	if [ "$owner" = root ] &&
		! as alice cat "/proc/$pid/environ" >/dev/null 2>&1 &&
		! as alice cat "/proc/$pid/mem" >/dev/null 2>&1 &&
		[[ $limits == *" 0 "*" 0 "* ]]; then
		ok=1
	else
		echo "#   $prog: /proc owner '$owner', core limit '$limits'"
	fi
	exec 9>&-
	wait "$pid" 2>/dev/null
	[ "$ok" = 1 ]
}
check "the setgid helper is not dumpable and has no core limit" undumpable "$SANDBOX/sspr-enroll"
check "the plain copy makes itself undumpable too (prctl, not only the setgid bit)" \
	undumpable "$SANDBOX/sspr-enroll-plain"

checks_done || exit 1
exit 0
