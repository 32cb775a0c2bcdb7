#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Full disk and broken storage. In a private mount namespace the store lives
# on a tiny tmpfs that is then filled; afterwards the store directory goes
# missing, unreadable or to the wrong owner, and the host key goes missing,
# unreadable, unsafe or another host's. Each case must give a clear message
# (to the user or admin) and a syslog line, leave ordinary password logins
# working, and lose nothing already stored. The module runs under
# pam_wrapper; "unreadable" for root means without CAP_DAC_OVERRIDE and
# CAP_DAC_READ_SEARCH (setpriv --bounding-set), as root otherwise reads
# everything. Needs root and unshare (skips with 77 otherwise).
#
# usage: test_storage.sh MODULE SSPR_ADMIN SSPR_ENROLL ROBUST_PAM ROBUST_STORE
#                        TEST_PASSWD_MODULE
set -u

MODULE=${1:?usage}
ADMIN=${2:?usage}
ENROLL=${3:?usage}
PAM=${4:?usage}
STORE=${5:?usage}
PASSWD_MODULE=${6:?usage}
ROW_TIMEOUT=30
STORE_WAIT=2

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (a tmpfs mounted in a private mount namespace)"
	exit 77
fi
for tool in unshare mount setpriv truncate; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done
if [ -z "${SSPR_ROBUST_INSIDE:-}" ]; then
	if ! unshare --mount --propagation private true 2>/dev/null; then
		echo "SKIP: cannot create a private mount namespace here (needs CAP_SYS_ADMIN)"
		exit 77
	fi
	exec unshare --mount --propagation private env SSPR_ROBUST_INSIDE=1 bash "$0" "$@"
fi

ME=$(id -un)
T=$(mktemp -d "${TMPDIR:-/tmp}/sspr-robust-storage.XXXXXX") || exit 99
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	umount -l "$T/fs" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
mkdir "$T/services" "$T/pwrap" "$T/fs"
mkdir "$T/run"
# optional_key KEY VALUE: prints "KEY = VALUE" when sspr-admin knows KEY.
optional_key() {
	printf '%s = %s\n' "$1" "$2" >"$T/probe.conf" && chmod 644 "$T/probe.conf"
	"$ADMIN" --config "$T/probe.conf" check-config 2>&1 | grep -q "'$1'" ||
		printf '%s = %s\n' "$1" "$2"
}
# 2 MiB: room for the store of a few users, then filled up.
mount -t tmpfs -o size=2m,mode=755 sspr-robust-full "$T/fs"
STORE_DIR=$T/fs/store
export PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$T/services" PAM_WRAPPER_RUNTIME_DIR="$T/pwrap"
export PAM_WRAPPER_DEBUGLEVEL=3
SECRET_B32=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
export ROBUST_TOTP_SECRET=48656c6c6f21deadbeef48656c6c6f21deadbeef
PW=Storage-Pass-1
HELPDESK="Call 555-0100."

policy() { # policy NAME STORE KEY_DIR [EXTRA_LINES]
	{
		printf 'store = %s\nkey_dir = %s\n' "$2" "$3"
		printf '%s\n' "group = *" "min_uid = 0" "allow_root = yes" "admin_policy = same" "methods = ${METHODS:-totp}" \
			"password_service = storage-passwd" "lockout_attempts = 100" \
			"argon2_opslimit = 1" "argon2_memlimit = 8192" "helpdesk = $HELPDESK"
		# Keys newer than some trees: used only when the parser knows them.
		optional_key enumeration "${ENUMERATION:-show}" # say what happened
		optional_key lock_dir "$T/run"  # not /run/sspr: the tests may run unprivileged
		optional_key store_wait "$STORE_WAIT" # the stopped writer's rows
		[ -n "${4:-}" ] && printf '%s\n' "$4"
	} >"$T/$1"
	chmod 644 "$T/$1"
}
policy good.conf "$STORE_DIR" "$T/keys"
policy nostore.conf "$T/fs/no-such-store" "$T/keys"
policy require.conf "$STORE_DIR" "$T/keys" $'registration = require\nregistration_grace_days = 7'
METHODS="totp questions" policy enroll.conf "$STORE_DIR" "$T/keys"
ENUMERATION=hide policy hide.conf "$STORE_DIR" "$T/keys"
stack() { # stack NAME CONFIG
	printf '%s\n' "auth optional $MODULE config=$T/$2" \
		"auth required $PASSWD_MODULE file=$T/passwords" >"$T/services/$1"
}
stack s-good good.conf
stack s-nostore nostore.conf
stack s-hide hide.conf
printf '%s\n' "account optional $MODULE config=$T/require.conf" "account required pam_permit.so" \
	>"$T/services/s-require"
printf 'auth required %s file=%s/passwords\naccount required %s\n' \
	"$PASSWD_MODULE" "$T" "$PASSWD_MODULE" >"$T/services/sspr-enroll"
printf 'password required %s file=%s/passwords\n' "$PASSWD_MODULE" "$T" \
	>"$T/services/storage-passwd"
printf '%s:%s\n' "$ME" "$PW" >"$T/passwords"

. "$(dirname "$0")/rows.sh"

admin() { "$ADMIN" --config "$T/good.conf" "$@"; }
if ! admin init >/dev/null 2>"$T/err" ||
	! printf '%s\n' "$SECRET_B32" | admin enroll "$ME" totp --secret-stdin >/dev/null 2>>"$T/err"; then
	cat "$T/err"
	echo "Bail out: cannot set up the store"
	exit 99
fi
# Users whose records must survive everything below.
KEEP=(daemon bin sys)
for u in "${KEEP[@]}"; do
	printf 'Storage question one?\tkept %.1s one\nStorage question two?\tkept %.1s two\nStorage question three?\tkept %.1s three\n' \
		"$u" "$u" "$u" | admin enroll "$u" questions --stdin >/dev/null 2>>"$T/err" ||
		{ cat "$T/err"; echo "Bail out: cannot enroll $u"; exit 99; }
done
ORIGINAL=$(snapshot)

# Nothing already stored is lost: every kept user still has their answers
# and the TOTP secret still opens.
nothing_lost() {
	local id=$1 u ok=1
	ran[$id]=1
	[ "$(snapshot)" = "$ORIGINAL" ] || ok=0
	for u in "${KEEP[@]}"; do
		"$STORE" answers "$STORE_DIR" "$u" "kept ${u:0:1} one" "kept ${u:0:1} two" "kept ${u:0:1} three" || ok=0
	done
	[ "$("$STORE" secret "$STORE_DIR" "$T/keys" "$ME")" = 48656c6c6f21deadbeef48656c6c6f21deadbeef ] || ok=0
	checks=$((checks + 1))
	if [ "$ok" = 1 ]; then
		pass "$id"
	else
		failed=$((failed + 1))
		echo "not ok - $id: a stored record changed or was lost"
		diff <(echo "$ORIGINAL") <(snapshot) | sed 's/^/#   /'
	fi
}

UNAVAILABLE="Password reset is unavailable."
NODAC=(setpriv --bounding-set=-dac_override,-dac_read_search)

# ---- full disk -----------------------------------------------------------
# LMDB rewrites pages it has freed before, so an update can succeed on a
# full disk. A reader held open (as a long login would) pins the pages it
# sees; then fill the tmpfs to the last byte and enroll new users until a
# write needs space it cannot get. From then on every write needs new pages.
"$STORE" hold "$STORE_DIR" "$T/holding" &
holder=$!
for _ in $(seq 50); do [ -e "$T/holding" ] && break; sleep 0.1; done
dd if=/dev/zero of="$T/fs/filler" bs=4k >/dev/null 2>&1
# exit_is WANT GOT: a check that fails (and says so) unless GOT is WANT
exit_is() { [ "$2" = "$1" ] && echo "!out:(no such text)" || echo "out:(exit $1, was $2)"; }
FULL_USERS=(games man lp mail news uucp proxy www-data backup list irc nobody)
full_rc=0
fitted=0
: >"$T/log"
for u in "${FULL_USERS[@]}"; do
	before=$(snapshot)
	getent passwd "$u" >/dev/null || continue
	printf 'Full question one?\tfull one\nFull question two?\tfull two\nFull question three?\tfull three\n' |
		admin enroll "$u" questions --stdin >"$T/out" 2>&1
	full_rc=$?
	[ "$full_rc" != 0 ] && break
	fitted=$((fitted + 1))
done
echo "# $fitted enrollments fitted in the store's free pages before the disk was full"
# BUG (reported): LMDB reports a short write as EIO, and the tools and the
# module pass on "Input/output error": nothing tells the admin the disk is
# full. These checks ask for a message that says so.
FULL_WORDS="oneof:No space left|disk full|store or disk full|is full"
grep -v warning "$T/out" | sed 's/^/# message: /'
verdict S01 "$full_rc" "$T/out" any "$FULL_WORDS" "$(exit_is 1 "$full_rc")"
for u in "${FULL_USERS[@]:0:fitted}"; do
	"$STORE" answers "$STORE_DIR" "$u" "full one" "full two" "full three" ||
		echo "full one" >"$T/out.lost"
done
after_full=$(snapshot)
before=$after_full
printf '%s\n' "$SECRET_B32" | admin enroll "$ME" totp --secret-stdin >"$T/out" 2>&1
rc=$?
verdict S02 "$rc" "$T/out" same "$FULL_WORDS" "$(exit_is 1 "$rc")"
# A wrong code must be counted, which needs a write: the reset is refused
# as unavailable, the log says why, and nothing is half-written.
pam S03 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "out:$HELPDESK" "log:password reset" \
	"$FULL_WORDS" -- "" @wrongcode
grep -a 'password reset' "$T/syslog" | sed 's/^.*SYSLOG/# log: SYSLOG/'
pam S04 s-good "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=
rm -f "$T/fs/filler"
[ -e "$T/out.lost" ] && { echo "not ok - S05: an enrollment that succeeded on the full disk was lost"; failed=$((failed + 1)); }
# The users enrolled before the disk was full are kept; drop them now.
for u in "${FULL_USERS[@]:0:fitted}"; do
	admin revoke "$u" >/dev/null 2>&1
done
nothing_lost S05
before=$(snapshot)
printf 'Full question one?\tfull one\nFull question two?\tfull two\nFull question three?\tfull three\n' |
	admin enroll games questions --stdin >"$T/out" 2>&1
rc=$?
verdict S06 "$rc" "$T/out" any "out:questions enrolled" "$(exit_is 0 "$rc")"
admin revoke games >/dev/null 2>&1

# ---- store directory missing, unreadable, wrong owner --------------------
pam S07 s-nostore "$ME" PAM_AUTH_ERR skip "out:$UNAVAILABLE" "log:no store" -- "" ""
pam S08 s-nostore "$ME" PAM_SUCCESS skip '!out:error:' -- "$PW"
tool S09 1 skip "$T/err" "out:no store" "out:init" -- "$ADMIN" --config "$T/nostore.conf" list
chmod 000 "$STORE_DIR"
pam_nodac() { # like pam, without the capabilities that let root read anything
	local saved=$PAM
	PAM="$T/nodac-pam"
	printf '#!/bin/bash\nexec %s %q "$@"\n' "${NODAC[*]}" "$saved" >"$PAM"
	chmod 755 "$PAM"
	pam "$@"
	PAM=$saved
}
pam_nodac S10 s-good "$ME" PAM_AUTH_ERR skip "out:$UNAVAILABLE" "log:Permission denied" -- "" ""
pam_nodac S11 s-good "$ME" PAM_SUCCESS skip '!out:error:' -- "$PW"
tool S12 3 skip "$T/err" "out:$STORE_DIR" "out:Permission denied" \
	-- "${NODAC[@]}" "$ADMIN" --config "$T/good.conf" list
chmod 2770 "$STORE_DIR"
chown -R nobody:nogroup "$STORE_DIR"
chmod 700 "$STORE_DIR"
pam_nodac S13 s-good "$ME" PAM_AUTH_ERR skip "out:$UNAVAILABLE" "log:Permission denied" -- "" ""
pam_nodac S14 s-good "$ME" PAM_SUCCESS skip '!out:error:' -- "$PW"
chown -R root:root "$STORE_DIR"
chmod 2770 "$STORE_DIR"
nothing_lost S15

# ---- host key missing, unreadable, unsafe, another host's ----------------
mv "$T/keys/host.key" "$T/host.key.saved"
pam S16 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:host.key" -- "" ""
pam S17 s-good "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
mv "$T/host.key.saved" "$T/keys/host.key"
chmod 000 "$T/keys/host.key"
pam_nodac S18 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:host.key" -- "" ""
pam_nodac S19 s-good "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
chmod 644 "$T/keys/host.key"
pam S20 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:host.key" -- "" ""
chmod 600 "$T/keys/host.key"
mv "$T/keys" "$T/keys.saved"
policy other.conf "$T/other-store" "$T/keys"
"$ADMIN" --config "$T/other.conf" init >/dev/null 2>&1 # a new key pair: another host's
rm -rf "$T/other-store"
pam S21 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "log:does not open with the host key" \
	-- "" ""
pam S22 s-good "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
rm -rf "$T/keys"
mkdir "$T/keys"
tool S23 1 same "$T/err" "out:host.pub" \
	-- "$ADMIN" --config "$T/good.conf" enroll "$ME" totp --secret-stdin
rm -rf "$T/keys"
mv "$T/keys.saved" "$T/keys"
nothing_lost S24
# Everything repaired: the stored secret still resets the password.
pam S25 s-good "$ME" PAM_SUCCESS any "out:Your password has been changed." \
	-- "" @code "$PW" "$PW"

# ---- nearly full: one page left -----------------------------------------
# BUG (reported, these rows fail until it is fixed): when a commit's write
# fits in part (one free page, a transaction that needs more), LMDB sees a
# short write and returns EIO; store_lmdb.c maps it to SSPR_ERR and every
# caller shows "cannot commit: Input/output error", which does not tell the
# admin the disk is full. Nothing is lost (S28 checks), but the message is
# not the clear one the other disk-full paths give.
"$STORE" hold "$STORE_DIR" "$T/holding2" &
holder=$!
for _ in $(seq 50); do [ -e "$T/holding2" ] && break; sleep 0.1; done
dd if=/dev/zero of="$T/fs/filler" bs=4k >/dev/null 2>&1
truncate -s -4096 "$T/fs/filler"
ORIGINAL=$(snapshot)
: >"$T/log"
full_rc=0
fitted=0
for u in "${FULL_USERS[@]}"; do
	getent passwd "$u" >/dev/null || continue
	before=$(snapshot)
	printf 'Full question one?\tfull one\nFull question two?\tfull two\nFull question three?\tfull three\n' |
		admin enroll "$u" questions --stdin >"$T/out" 2>&1
	full_rc=$?
	[ "$full_rc" != 0 ] && break
	fitted=$((fitted + 1))
done
grep -v warning "$T/out" | sed 's/^/# message: /'
verdict S26 "$full_rc" "$T/out" same "$FULL_WORDS" "$(exit_is 1 "$full_rc")"
ORIGINAL=$(snapshot)
pam S27 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "$FULL_WORDS" -- "" @wrongcode
grep -a 'password reset' "$T/syslog" | sed 's/^.*SYSLOG/# log: SYSLOG/'
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=
rm -f "$T/fs/filler"
nothing_lost S28

# ---- a writer stopped while it holds the store ---------------------------
# Any user can stop their own sspr-enroll (SIGSTOP) in the middle of a
# write. Every other writer must give up within store_wait, name the
# holder, and leave ordinary logins alone; readers never wait.
: >"$T/in.none"
printf '%s\n' "$PW" "Stopped question one?" "stopped one" "stopped one" \
	"Stopped question two?" "stopped two" "stopped two" \
	"Stopped question three?" "stopped three" "stopped three" >"$T/in.enroll"
"$STORE" stop-writer "$STORE_DIR" &
stopped=$!
holder=$stopped
for _ in $(seq 100); do
	[ "$(awk '{print $3}' "/proc/$stopped/stat" 2>/dev/null)" = T ] && break
	sleep 0.05
done
ORIGINAL=$(snapshot)
BOUND_MS=$(((STORE_WAIT + 3) * 1000))
# quick ID START_NS: fails the row unless it ended within the bound.
quick() {
	local ms=$((($(date +%s%N) - $2) / 1000000))
	ran[$1]=1
	checks=$((checks + 1))
	if [ "$ms" -le "$BOUND_MS" ]; then
		pass "$1 (${ms} ms, bound ${BOUND_MS} ms)"
	else
		failed=$((failed + 1))
		echo "not ok - $1: took ${ms} ms, more than ${BOUND_MS} ms"
	fi
}
t0=$(date +%s%N)
pam S29 s-good "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" "out:$HELPDESK" \
	"log:pid $stopped" -- "" @wrongcode
quick S30 "$t0"
grep -a 'password reset' "$T/syslog" | sed 's/^.*SYSLOG/# log: SYSLOG/'
t0=$(date +%s%N)
pam S31 s-good "$ME" PAM_SUCCESS same '!out:error:' -- "$PW"
quick S32 "$t0"
# registration = require writes the start of the grace for a user who has
# not registered: the write gives up, the login goes on.
t0=$(date +%s%N)
acct S33 s-require games PAM_SUCCESS "log:pid $stopped"
quick S34 "$t0"
t0=$(date +%s%N)
tool S35 1 same "$T/in.none" "out:pid $stopped" -- "$ADMIN" --config "$T/good.conf" unlock "$ME"
quick S36 "$t0"
t0=$(date +%s%N)
tool S37 1 same "$T/in.enroll" "out:pid $stopped" -- env PAM_WRAPPER=1 \
	LD_PRELOAD="${SSPR_TEST_PRELOAD:-libpam_wrapper.so}" "$ENROLL" --config "$T/enroll.conf" \
	--no-qr questions
quick S38 "$t0"
# Reading does not wait at all.
t0=$(date +%s%N)
tool S39 0 same "$T/in.none" "out:$ME" -- "$ADMIN" --config "$T/good.conf" list
quick S40 "$t0"
# Hidden, the stranger's decoy makes its writes where the enrolled user's
# challenge does, and gives up as that one does: the same "unavailable",
# so a stopped writer does not tell who is real.
pam S43 s-hide "$ME" PAM_AUTH_ERR same "out:$UNAVAILABLE" -- "" @wrongcode
pam S44 s-hide sspr-no-such-user PAM_USER_UNKNOWN same "out:$UNAVAILABLE" -- "" @wrongcode
kill -KILL "$stopped" 2>/dev/null
wait "$stopped" 2>/dev/null
holder=
# Once the holder is gone nothing was lost, and the gate opens at once.
nothing_lost S41
pam S42 s-good "$ME" PAM_AUTH_ERR any "out:The code is not valid." -- "" @wrongcode

checks_done || exit 1
exit 0
