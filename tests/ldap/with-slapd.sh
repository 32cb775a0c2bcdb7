#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# with-slapd.sh CMD ARGS...: runs CMD with two replicating slapd servers (A and B) up in a
# fresh temporary directory, the SSPR_LDAP_* variables of tests/ldap/slapd.sh exported;
# stops the servers and removes the directory afterwards, whatever happens; exits with
# CMD's status (77, "skipped", when the servers cannot be run here: not root, no slapd).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# As a library, so the servers are this shell's children and it reaps them (a server that a
# test restarts with "slapd.sh start" belongs to no one; it is stopped by pid all the same).
SSPR_SLAPD_LIB=1 . "$here/slapd.sh"

if [ $# -lt 1 ]; then
	echo "usage: with-slapd.sh CMD [ARGS...]" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "with-slapd.sh: skipped: needs root (cn=config is changed over ldapi as root)" >&2
	exit 77
fi
for prog in /usr/sbin/slapd /usr/sbin/slapadd ldapsearch ldapmodify openssl; do
	if ! command -v "$prog" >/dev/null; then
		echo "with-slapd.sh: skipped: no $prog (apt install slapd ldap-utils)" >&2
		exit 77
	fi
done

dir=$(mktemp -d /tmp/sspr-ldap.XXXXXX) || exit 1
cleanup() {
	slapd_stop "$dir" a
	slapd_stop "$dir" b
	rm -rf "$dir"
}
child=
# A signal stops the command too, then the servers (bash would run a trap only after a
# foreground command ends, so the command runs in the background and is waited for).
on_signal() {
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 129' HUP
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

start=$(date +%s%N)
slapd_setup "$dir" && slapd_start "$dir" a && slapd_start "$dir" b && slapd_wait_sync "$dir" || {
	echo "with-slapd.sh: cannot start the test servers" >&2
	exit 1
}
env_lines=$(slapd_env "$dir") || exit 1
eval "$env_lines"
echo "with-slapd.sh: servers up in $((($(date +%s%N) - start) / 1000000)) ms:" \
	"A $SSPR_LDAP_URI_A, B $SSPR_LDAP_URI_B, dir $dir" >&2

"$@" 0<&0 &
child=$!
wait "$child"
exit $?
