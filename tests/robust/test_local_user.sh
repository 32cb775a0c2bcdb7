#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What a local user with a shell can do through the setgid helper and the
# tools, and what an admin handling users' files must not be led into. In
# the private-/etc sandbox (tests/e2e/sandbox.sh), with sspr-enroll
# installed setgid sspr-store and run by alice:
#   1. a listener on the directory's loopback port (127.0.0.1 and ::1), or a
#      user's own ldapi:// socket, receives no bind password from
#      sspr-enroll, sspr-admin or the module; a plain loopback ldap:// line
#      is refused with its file:line
#   2. the mail program of an e-mail verification cannot be ptraced by the
#      user for the code; mails per user are limited
#   3. a record written by a newer version survives sspr-enroll and
#      sspr-admin enroll, byte for byte
#   4. the store's files end up root:sspr-store 0660 whoever opens it first
#   5. ./ldaprc in the caller's directory has no effect on the helper
#   6. (re-import keeps the replay mark: tests/admin/test_admin_methods.sh)
#   7. root refuses a user's symlinked (or other-owned, or group-writable)
#      import file, and a symlinked key bundle
#   8. (C1 and bidi controls: tests/unit/test_safe_text.c and rows L25, L26
#      of tests/robust/test_hostile_ldap.sh)
#   9. a symlinked, group-writable or user-owned directory backend is
#      refused
#
# Rows U01..U10 of HOSTILE_INPUTS.md.
#
# usage: test_local_user.sh MODULE SSPR_ADMIN SSPR_ENROLL ROBUST_STORE MAILER
#                           BACKEND_SO BACKEND_DIR CATALOGUE
set -uo pipefail

# Absolute: some checks run from another directory.
module=$(realpath "$1")
admin=$(realpath "$2")
enroll=$(realpath "$3")
store=$(realpath "$4")
mailer=$(realpath "$5")
backend_so=$6
backend_dir=$7
CATALOGUE=$8
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/sandbox.sh"
sandbox_require setpriv python3 openssl systemd-socket-activate pamtester ldapsearch
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
sandbox_mail_relay "$mailer"

install -o root -g sspr-store -m 2755 "$enroll" "$SANDBOX/sspr-enroll"
PW=$SANDBOX_OLD_PASSWORD
CONF=/etc/security/sspr.conf
cp "$CONF" "$SANDBOX/base.conf"

. "$here/../e2e/checks.sh" # check NAME COMMAND...
out=
declare -A ran
row() { ran[$1]=1; } # row ID: the checks that follow are row ID of HOSTILE_INPUTS.md
as() { # as USER COMMAND...: the user's ids and groups, nothing else
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups "$@"
}
# policy LINE...: the sandbox policy plus these lines, as the system policy
# (the setgid helper takes no --config).
policy() {
	local line keys=()
	for line in "$@"; do
		keys+=(-e "^${line%% =*} *=")
	done
	{
		if [ $# -gt 0 ]; then grep -v "${keys[@]}" "$SANDBOX/base.conf"; else cat "$SANDBOX/base.conf"; fi
		printf '%s\n' "$@"
	} >"$CONF"
	chmod 644 "$CONF"
}
# The system's python: users cannot run one under root's home.
PY=/usr/bin/python3
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# listen NAME tcp PORT | unix PATH [USER]: a fake directory server; its
# log is $SANDBOX/NAME.log.
listen() {
	local name=$1 kind=$2 where=$3 user=${4:-root}
	rm -f "$SANDBOX/$name.log" "$SANDBOX/ready/$name"
	: >"$SANDBOX/$name.log"
	chmod 666 "$SANDBOX/$name.log"
	# setpriv itself in the background, so that $! is the server's pid
	setpriv --reuid="$user" --regid="$user" --init-groups "$PY" "$here/fake_ldap.py" \
		"$SANDBOX/$name.log" "$SANDBOX/ready/$name" "$kind" "$where" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -e "$SANDBOX/ready/$name" ] && return 0
		sleep 0.05
	done
	echo "# the fake server $name did not start"
	return 1
}
pids=()
mkdir -m 1777 "$SANDBOX/ready"
trap 'kill "${pids[@]}" 2>/dev/null; sandbox_cleanup' EXIT
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# ---- 1. the fleet bind password never reaches a socket a user could own ----
BIND_PW='Fleet-Bind-Secret-42'
printf '%s\n' "$BIND_PW" >"$SANDBOX/bind.pw"
chown root:sspr-store "$SANDBOX/bind.pw"
chmod 0640 "$SANDBOX/bind.pw"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj /CN=sspr-test-ca -keyout "$SANDBOX/ca.key" -out "$SANDBOX/ca.pem" 2>/dev/null
chmod 644 "$SANDBOX/ca.pem"
port=$(free_port)
listen loop tcp "$port"
ldap_policy() { # ldap_policy URI [LINE...]
	local uri=$1
	shift
	policy "store_backend = ldap" "ldap_uri = $uri" "ldap_base = ou=sspr,dc=example,dc=org" \
		"ldap_bind_dn = cn=host,dc=example,dc=org" "ldap_bind_password_file = $SANDBOX/bind.pw" \
		"ldap_timeout = 2" "$@"
}
# every_client NAME: sspr-admin, sspr-enroll (as alice) and the module (a
# reset, then the account hook) each try the directory; outputs saved.
every_client() {
	local name=$1
	"$admin" list >"$SANDBOX/$name.admin" 2>&1
	as alice "$SANDBOX/sspr-enroll" status >"$SANDBOX/$name.enroll" 2>&1
	printf '\n' | timeout 20 pamtester sspr-login alice authenticate >"$SANDBOX/$name.pam" 2>&1
	printf '%s\n' "$PW" | timeout 20 pamtester sspr-login alice authenticate acct_mgmt \
		>>"$SANDBOX/$name.pam" 2>&1
}
no_password() { ! grep -q "$(hex "$BIND_PW")" "$SANDBOX/$1.log"; }
# starttls_first LOG: the first bytes each connection sent (the line after
# its "peer" line; the clients run one after another) are a request
# carrying the StartTLS OID.
starttls_first() {
	"$PY" - "$1" "$(hex 1.3.6.1.4.1.1466.20037)" <<-'PY'
		import sys
		peers, good, expect = 0, 0, False
		for line in open(sys.argv[1]).read().split("\n"):
		    if line.startswith("peer"):
		        peers, expect = peers + 1, True
		    elif line and expect:
		        good, expect = good + (sys.argv[2] in line), False
		sys.exit(0 if peers > 0 and good == peers else 1)
	PY
}

row U01
# Plain text on the loopback (what ldap:// to localhost without a CA used
# to mean) is refused by the policy check, with the line; nothing connects.
ldap_policy "ldap://localhost:$port"
line=$(grep -n '^ldap_uri' "$CONF" | cut -d: -f1)
every_client plain
check "a loopback ldap:// without ldap_tls_cacert is refused with file:line" \
	grep -q "$CONF:$line: ldap_uri: ldap://localhost:$port names this host without ldap_tls_cacert" \
	"$SANDBOX/plain.admin"
check "sspr-enroll says so too" grep -q "$CONF:$line: ldap_uri" "$SANDBOX/plain.enroll"
check "nobody connected to the loopback listener" test ! -s "$SANDBOX/loop.log"
check "the ordinary login still works meanwhile (auth and account)" \
	bash -c "grep -q 'successfully authenticated' '$SANDBOX/plain.pam' &&
		grep -q 'account management done' '$SANDBOX/plain.pam'"

row U02
# With a CA, every ldap:// connection is StartTLS; the listener (which
# even answers StartTLS with success) gets neither a bind nor the password.
for host in localhost 127.0.0.1 '[::1]'; do
	: >"$SANDBOX/loop.log"
	ldap_policy "ldap://$host:$port" "ldap_tls_cacert = $SANDBOX/ca.pem"
	every_client "tls-$host"
	check "ldap://$host: the clients reached the listener" grep -q '^peer' "$SANDBOX/loop.log"
	check "ldap://$host: the first request of every connection is StartTLS" \
		starttls_first "$SANDBOX/loop.log"
	check "ldap://$host: no bind password reached it (sspr-admin, sspr-enroll, the module)" \
		no_password loop
done
check "the listener on ::1 was tried too" grep -q "^peer ('::1'" "$SANDBOX/loop.log"
# It accepts StartTLS, then never answers the handshake: an attempt still
# ends with its time (here all of ldap_timeout = 2 s, one URI).
t0=$(date +%s%N)
"$admin" list >"$SANDBOX/stall.admin" 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# a stalled TLS handshake cost sspr-admin $ms ms (ldap_timeout = 2 s)"
check "a stalled TLS handshake ends within ldap_timeout (2 s, + 1 s of slack)" test "$ms" -lt 3000
check "and says so" grep -q 'no answer within its' "$SANDBOX/stall.admin"

row U03
# A user's own ldapi:// socket: refused before a byte is sent, with or
# without a bind DN (SASL EXTERNAL then).
mkdir -m 0700 "$SANDBOX/alice-sock"
chown alice "$SANDBOX/alice-sock"
listen unix unix "$SANDBOX/alice-sock/ldapi" alice
uri="ldapi://$(printf '%s' "$SANDBOX/alice-sock/ldapi" | sed 's|/|%2F|g')"
ldap_policy "$uri"
every_client ldapi
check "a user's ldapi:// socket is refused, naming who serves it" \
	grep -q "served by uid $(id -u alice), not by root or a system account" "$SANDBOX/ldapi.admin"
check "the clients did connect to it" grep -q '^peer' "$SANDBOX/unix.log"
check "and it received nothing, not even an unbind" test "$(grep -vc '^peer' "$SANDBOX/unix.log")" = 0
policy "store_backend = ldap" "ldap_uri = $uri" "ldap_base = ou=sspr,dc=example,dc=org"
"$admin" list >"$SANDBOX/external.admin" 2>&1
as alice "$SANDBOX/sspr-enroll" status >"$SANDBOX/external.enroll" 2>&1
check "without a bind DN too (no EXTERNAL bind to a user's socket): sspr-admin" \
	grep -q "served by uid $(id -u alice)" "$SANDBOX/external.admin"
check "and sspr-enroll" grep -q "served by uid $(id -u alice)" "$SANDBOX/external.enroll"
check "which received nothing either" test "$(grep -vc '^peer' "$SANDBOX/unix.log")" = 0

row U04
# ---- 5. ./ldaprc in the caller's directory does nothing -----------------
# SOCKET_BIND_ADDRESSES is one option the backend does not set per handle:
# libldap would take it from ./ldaprc and connect from 127.0.0.9.
mkdir -m 0755 "$SANDBOX/alice-cwd"
chown alice "$SANDBOX/alice-cwd"
printf 'SOCKET_BIND_ADDRESSES 127.0.0.9\n' >"$SANDBOX/alice-cwd/ldaprc"
chown alice "$SANDBOX/alice-cwd/ldaprc"
: >"$SANDBOX/loop.log"
(cd "$SANDBOX/alice-cwd" && as alice ldapsearch -x -H "ldap://127.0.0.1:$port" -o nettimeout=2 \
	-b '' -s base >/dev/null 2>&1)
check "control: ./ldaprc moves a plain libldap client to 127.0.0.9" \
	grep -q "^peer ('127.0.0.9'" "$SANDBOX/loop.log"
: >"$SANDBOX/loop.log"
ldap_policy "ldap://127.0.0.1:$port" "ldap_tls_cacert = $SANDBOX/ca.pem"
(cd "$SANDBOX/alice-cwd" && as alice env LDAPRC=ldaprc LDAPCONF="$SANDBOX/alice-cwd/ldaprc" \
	"$SANDBOX/sspr-enroll" status >/dev/null 2>&1)
check "the helper connected" grep -q '^peer' "$SANDBOX/loop.log"
check "from 127.0.0.1: the caller's ./ldaprc, \$LDAPRC and \$LDAPCONF were not read" \
	bash -c "! grep -q \"^peer ('127.0.0.9'\" '$SANDBOX/loop.log'"
: >"$SANDBOX/loop.log"
(cd "$SANDBOX/alice-cwd" && "$admin" list >/dev/null 2>&1)
check "sspr-admin run in that directory connected" grep -q '^peer' "$SANDBOX/loop.log"
check "from 127.0.0.1 too: root's sspr-admin did not read the user's ldaprc" \
	bash -c "! grep -q \"^peer ('127.0.0.9'\" '$SANDBOX/loop.log'"

row U05
# ---- 9. the directory backend: what was checked is what is loaded ----------
# A tmpfs over the backend directory of this build, in this namespace only.
backend_try() { # backend_try NAME [USER]: sspr-admin's (or USER's helper's) verdict
	policy "store_backend = ldap" "ldap_uri = ldapi://%2Fnonexistent%2Fldapi" \
		"ldap_base = ou=sspr,dc=example,dc=org" "ldap_timeout = 1"
	if [ $# = 1 ]; then
		"$admin" list >"$SANDBOX/$1.out" 2>&1
	else
		as "$2" "$SANDBOX/sspr-enroll" status >"$SANDBOX/$1.out" 2>&1
	fi
}
loaded() { grep -q "Can't contact LDAP server" "$SANDBOX/$1.out"; }
refused() { grep -q 'refusing to load the directory store backend' "$SANDBOX/$1.out"; }
if [ "$(dirname "$backend_so")" = "$backend_dir" ]; then
	install -o root -g root -m 0755 "$backend_so" "$SANDBOX/backend.so"
	mount -t tmpfs -o mode=0755 sspr-backend "$backend_dir"
	so=$backend_dir/$(basename "$backend_so")
	install -o root -g root -m 0755 "$SANDBOX/backend.so" "$so"
	backend_try good
	check "control: root's 0755 backend loads (libldap answers)" loaded good
	chmod 0775 "$so"
	backend_try groupwrite
	check "a group-writable backend is refused" refused groupwrite
	chmod 0755 "$so"
	chmod 0777 "$backend_dir"
	backend_try dirwrite
	check "a backend in a world-writable directory is refused" refused dirwrite
	chmod 0755 "$backend_dir"
	mv "$so" "$backend_dir/real.so"
	ln -s real.so "$so"
	backend_try link
	check "a symlinked backend is refused" refused link
	rm "$so"
	mv "$backend_dir/real.so" "$so"
	chown alice "$so"
	backend_try alice-owned alice
	check "the setgid helper refuses a backend its caller owns" refused alice-owned
	chown root "$so"
	backend_try good-again alice
	check "control: and loads root's" loaded good-again
	umount "$backend_dir"
else
	echo "ok - the directory backend is not loaded from this build tree: checks skipped # SKIP"
fi
policy

row U06
# ---- 2. the e-mail proof: the mail program cannot be inspected -------------
mkdir -m 1777 "$SANDBOX/mail"
cat >"$SANDBOX/mail.py" <<'MAIL'
#!/usr/bin/python3
# A sendmail stand-in: says its pid, waits (up to 10 s) for the test to
# try it, then keeps the message.
import os, sys, time
out = sys.argv[1]
with open(os.path.join(out, "pid"), "w") as f:
    f.write("%d %d\n" % (os.getpid(), os.getuid()))
os.chmod(os.path.join(out, "pid"), 0o644)
for _ in range(200):
    if os.path.exists(os.path.join(out, "go")):
        break
    time.sleep(0.05)
msg = sys.stdin.read()
with open(os.path.join(out, "message"), "w") as f:
    f.write(msg)
MAIL
chmod 755 "$SANDBOX/mail.py"
cat >"$SANDBOX/attack.py" <<'ATTACK'
#!/usr/bin/python3
# As the enrolling user: starts sspr-enroll email as its own child (so
# even Yama's ptrace_scope 1 lets it trace descendants), waits for the mail
# program, and tries to read it: ptrace attach and /proc/PID/mem.
import ctypes, os, subprocess, sys, time
enroll, address, password, out = sys.argv[1:5]
p = subprocess.Popen([enroll, "email", address], stdin=subprocess.PIPE,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
p.stdin.write((password + "\n").encode())
p.stdin.flush()
pid = None
for _ in range(200):
    try:
        pid = int(open(os.path.join(out, "pid")).read().split()[0])
        break
    except (OSError, ValueError, IndexError):
        time.sleep(0.05)
result = []
if pid is None:
    result.append("no-mail-program")
else:
    libc = ctypes.CDLL(None, use_errno=True)
    PTRACE_ATTACH, PTRACE_DETACH = 16, 17
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
        result.append("attach=ok")
        os.waitpid(pid, 0)
        libc.ptrace(PTRACE_DETACH, pid, None, None)
    else:
        result.append("attach=denied")
    try:
        open("/proc/%d/mem" % pid, "rb").close()
        result.append("mem=ok")
    except OSError:
        result.append("mem=denied")
open(os.path.join(out, "go"), "w").close()
try:
    p.stdin.write(b"000000000\n000000000\n000000000\n")
    p.stdin.close()
except OSError:
    pass
p.wait(timeout=60)
print(" ".join(result))
ATTACK
chmod 755 "$SANDBOX/attack.py"
policy "methods = totp email" "mail_command = $SANDBOX/mail.py $SANDBOX/mail" \
	"mail_from = sspr@example.org" "enroll_mails_per_hour = 2"
result=$(as alice "$PY" "$SANDBOX/attack.py" "$SANDBOX/sspr-enroll" alice@example.org "$PW" \
	"$SANDBOX/mail")
echo "# attack: $result"
check "the mail program ran (the code went out)" test -s "$SANDBOX/mail/message"
check "it ran as root (sspr-mailer), not as alice" grep -q ' 0$' "$SANDBOX/mail/pid"
check "alice cannot ptrace the mail program" grep -q 'attach=denied' <<<"$result"
check "nor read its memory" grep -q 'mem=denied' <<<"$result"
"$admin" show alice >"$SANDBOX/after-attack" 2>&1
check "alice's address was not verified (sspr-admin show: email none)" \
	grep -q '^email: *none' "$SANDBOX/after-attack"
check "and sspr-admin show worked" grep -q '^user: *alice' "$SANDBOX/after-attack"
rm -f "$SANDBOX/mail/"*
touch "$SANDBOX/mail/go"
row U07
mv /run/sspr-mail/mail.sock /run/sspr-mail/off.sock
out=$(printf '%s\n' "$PW" | as alice "$SANDBOX/sspr-enroll" email alice@example.org 2>&1)
mv /run/sspr-mail/off.sock /run/sspr-mail/mail.sock
check "without the relay, a clear message (and no mail run as the user)" \
	grep -q 'the mail relay is not running (sspr-mail.socket)' <<<"$out"
check "and no mail went out" test ! -e "$SANDBOX/mail/message"
out=$(printf '%s\n' "$PW" | as alice "$SANDBOX/sspr-enroll" email alice@example.org 2>&1)
check "a second mail within the hour goes out" grep -q 'A verification code was sent' <<<"$out"
rm -f "$SANDBOX/mail/message"
out=$(printf '%s\n' "$PW" | as alice "$SANDBOX/sspr-enroll" email alice@example.org 2>&1)
check "the third is refused: enroll_mails_per_hour = 2" \
	grep -q 'too many verification messages in the last hour' <<<"$out"
check "and no mail went out" test ! -e "$SANDBOX/mail/message"
policy

row U08
# ---- 3. a record this version cannot read is left as it is -------------
policy "methods = totp recovery"
"$store" newer "$SANDBOX/store" alice
before=$("$store" sum "$SANDBOX/store" alice)
out=$(printf '%s\n' "$PW" | as alice "$SANDBOX/sspr-enroll" recovery 2>&1)
check "sspr-enroll refuses a newer version's record" \
	grep -q 'your reset record cannot be read (damaged, or written by a newer version); it was left as it is' <<<"$out"
check "and leaves it byte for byte" test "$("$store" sum "$SANDBOX/store" alice)" = "$before"
out=$("$admin" enroll alice email alice@example.org 2>&1)
check "sspr-admin enroll refuses it too, saying how to repair" \
	grep -q "alice: record cannot be read (corrupt, or written by a newer version): left as it is; 'sspr-admin revoke alice' removes it" <<<"$out"
check "and leaves it byte for byte" test "$("$store" sum "$SANDBOX/store" alice)" = "$before"
check "sspr-admin show says it cannot read it, and why it may be" \
	bash -c "'$admin' show alice 2>&1 | grep -q 'alice: record cannot be read (corrupt, or written by a newer version)'"
policy
"$admin" revoke alice >/dev/null 2>&1
check "only an explicit revoke removes it" bash -c "! '$store' sum '$SANDBOX/store' alice 2>/dev/null"

row U09
# ---- 4. the store's files, whoever opens the store first -------------------
owner() { stat -c '%U:%G %a' "$1"; }
rm "$SANDBOX/store/lock.mdb"
out=$(as alice "$SANDBOX/sspr-enroll" status 2>&1)
check "with lock.mdb gone, the helper refuses to make it" grep -q 'lock.mdb is missing' <<<"$out"
check "and made none" test ! -e "$SANDBOX/store/lock.mdb"
(umask 022 && "$admin" list >/dev/null 2>&1)
check "root, umask 022, makes it root:sspr-store 0660" \
	test "$(owner "$SANDBOX/store/lock.mdb")" = "root:sspr-store 660"
out=$(as alice "$SANDBOX/sspr-enroll" status 2>&1)
check "the helper then works" grep -q '^user: *alice' <<<"$out"
chown alice "$SANDBOX/store/lock.mdb"
out=$(as alice "$SANDBOX/sspr-enroll" status 2>&1)
check "a lock file that is the user's is refused to the user" \
	grep -q 'lock.mdb belongs to uid' <<<"$out"
printf '\n' | timeout 20 pamtester sspr-login alice authenticate >/dev/null 2>&1
check "and given back to root:sspr-store 0660 by the next root open (a login)" \
	test "$(owner "$SANDBOX/store/lock.mdb")" = "root:sspr-store 660"
chmod 0640 "$SANDBOX/store/data.mdb"
"$admin" list >/dev/null 2>&1
check "data.mdb's mode is put back too" test "$(owner "$SANDBOX/store/data.mdb")" = "root:sspr-store 660"

row U10
# ---- 7. root reads only the user's own file, never through a link --------
mkdir -m 0755 "$SANDBOX/home-alice" "$SANDBOX/home-bob"
chown alice "$SANDBOX/home-alice"
chown bob "$SANDBOX/home-bob"
BOB_SECRET=$(head -c 20 /dev/urandom | base32 | tr -d '=')
printf '%s\n" TOTP_AUTH\n' "$BOB_SECRET" >"$SANDBOX/home-bob/.google_authenticator"
chown bob "$SANDBOX/home-bob/.google_authenticator"
chmod 0400 "$SANDBOX/home-bob/.google_authenticator"
"$admin" enroll alice totp --secret-stdin <<<"$SECRET" >/dev/null
alice_before=$("$store" secret "$SANDBOX/store" "$SANDBOX/keys" alice)
as alice ln -s "$SANDBOX/home-bob/.google_authenticator" "$SANDBOX/home-alice/.google_authenticator"
out=$("$admin" import google-authenticator alice "$SANDBOX/home-alice/.google_authenticator" 2>&1)
check "a symlinked google-authenticator file is refused" grep -q 'is a symbolic link: refused' <<<"$out"
check "alice's secret is unchanged" \
	test "$("$store" secret "$SANDBOX/store" "$SANDBOX/keys" alice)" = "$alice_before"
rm "$SANDBOX/home-alice/.google_authenticator"
ln "$SANDBOX/home-bob/.google_authenticator" "$SANDBOX/home-alice/.google_authenticator"
out=$("$admin" import google-authenticator alice "$SANDBOX/home-alice/.google_authenticator" 2>&1)
check "a hard link to bob's file (bob's, not alice's) is refused" \
	grep -q "belongs to uid $(id -u bob), not to the user or root: refused" <<<"$out"
rm "$SANDBOX/home-alice/.google_authenticator"
printf '%s\n" TOTP_AUTH\n' "$BOB_SECRET" >"$SANDBOX/home-alice/.google_authenticator"
chown alice "$SANDBOX/home-alice/.google_authenticator"
chmod 0620 "$SANDBOX/home-alice/.google_authenticator"
out=$("$admin" import google-authenticator alice "$SANDBOX/home-alice/.google_authenticator" 2>&1)
check "a file others may write is refused" grep -q 'others may write it: refused' <<<"$out"
chmod 0400 "$SANDBOX/home-alice/.google_authenticator"
out=$("$admin" import google-authenticator alice "$SANDBOX/home-alice/.google_authenticator" 2>&1)
check "control: alice's own 0400 file is imported" grep -q 'alice: totp imported' <<<"$out"
"$admin" key export "$SANDBOX/bundle" >/dev/null 2>&1
ln -s "$SANDBOX/bundle" "$SANDBOX/home-alice/bundle"
out=$("$admin" key install "$SANDBOX/home-alice/bundle" --replace 2>&1)
check "key install refuses a symlinked bundle" grep -q 'is a symbolic link: refused' <<<"$out"

row U11
# ---- 5. a phone number is confirmed through the relay before it is stored ----
mkdir -p "$SANDBOX/sms"
cat >"$SANDBOX/sms.sh" <<SMS
#!/bin/sh
{ printf '%s %s\n' "\$1" "\$(id -u)"; cat; } >"$SANDBOX/sms/text"
SMS
chmod 755 "$SANDBOX/sms.sh"
policy "methods = totp phone" "sms_command = $SANDBOX/sms.sh"
out=$(printf '%s\n' "$PW" | as alice "$SANDBOX/sspr-enroll" phone "+44 CALL ME" 2>&1 || true)
check "a phone number with letters is refused before anything is sent" \
	grep -q 'not a phone number: give it in international form' <<<"$out"
check "and no text went out" test ! -e "$SANDBOX/sms/text"
out=$(printf '%s\n' "$PW" 000 000 000 | as alice "$SANDBOX/sspr-enroll" phone "+44 7700 900123" 2>&1 || true)
check "wrong codes store nothing" grep -q 'the phone number was not verified; nothing was stored' <<<"$out"
check "the text went out through the relay, as root" grep -q '^+447700900123 0$' "$SANDBOX/sms/text"
check "alice's number is not registered" bash -c "'$admin' show alice | grep -q '^phone: *none'"
rm -f "$SANDBOX/sms/text"
out=$( { printf '%s\n' "$PW"; for _ in $(seq 100); do [ -s "$SANDBOX/sms/text" ] && break; sleep 0.1; done
	sed -n 's/^Code \([0-9]*\) registers.*/\1/p' "$SANDBOX/sms/text"; } |
	as alice "$SANDBOX/sspr-enroll" phone "+44 7700 900123" 2>&1 || true)
check "the texted code registers the number" \
	grep -q 'Your phone number +447700900123 is verified and registered.' <<<"$out"
check "sspr-admin show has it, verified" \
	bash -c "'$admin' show alice | grep -q '^phone: *+447700900123 (verified'"
echo "# the verification text:"
sed 's/^/#   /' "$SANDBOX/sms/text"
check "the text is one message (at most 160 characters)" \
	test "$(tail -n 1 "$SANDBOX/sms/text" | tr -d '\n' | wc -c)" -le 160
out=$(printf '%s\n' "$PW" | as alice "$SANDBOX/sspr-enroll" remove phone 2>&1)
check "sspr-enroll remove phone removes it" \
	bash -c "'$admin' show alice | grep -q '^phone: *none'"
policy

. "$here/catalogue.sh"
catalogue_end "$CATALOGUE" 'U[0-9]{2}' 'local-user catalogue'
