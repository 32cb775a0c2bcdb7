#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Two OpenLDAP servers (A and B) for the directory tests: mdb, TLS with a test CA,
# multi-provider syncrepl both ways, the schema and the ACL taken from doc/ldap/ so the
# documentation is what the tests run against.
#
#   slapd.sh setup DIR        build everything under DIR (idempotent)
#   slapd.sh start DIR a|b    start one server and wait until it answers
#   slapd.sh stop DIR a|b     stop it (by its pid) and wait until it is gone
#   slapd.sh env DIR          print the SSPR_LDAP_* variables as shell assignments
#   slapd.sh wait-sync DIR    wait until both replication directions work (both running)
#
# Sourced with SSPR_SLAPD_LIB=1 it only defines the slapd_* functions.
# Each server logs to DIR/a|b/slapd.log: start-up errors only, unless SSPR_SLAPD_DEBUG
# gives other slapd -d levels (e.g. "stats sync").
#
# The config of each server is built the way a site's is: a stock Debian-like cn=config
# (slapadd -n0), identical initial data on both (slapadd -n1, so both hold the same
# entryUUIDs), then, over ldapi as root, doc/ldap/sspr.ldif added with ldapadd and
# doc/ldap/sspr-acl.ldif and sspr-syncrepl.ldif applied with ldapmodify, as the docs say,
# with the example names of the last two replaced by the test's.

set -u

SLAPD_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SLAPD_DOC_DIR=${SSPR_LDAP_DOC_DIR:-$SLAPD_SH_DIR/../../doc/ldap}
SLAPD_SUFFIX=dc=sspr,dc=test
SLAPD_BASE=ou=sspr,$SLAPD_SUFFIX
SLAPD_ROOT_DN=cn=admin,$SLAPD_SUFFIX
SLAPD_HOST_DN=cn=sspr-host,$SLAPD_SUFFIX
SLAPD_REPL_DN=cn=replicator,$SLAPD_SUFFIX
# Accounts whose passwords live in the directory (password_backend = ldap), the password
# policy the ppolicy overlay applies to them, and the identity that may set them.
SLAPD_PEOPLE=ou=people,$SLAPD_SUFFIX
SLAPD_POLICY_DN=cn=default,ou=policies,$SLAPD_SUFFIX
SLAPD_PASSWD_DN=cn=sspr-passwd,$SLAPD_SUFFIX
SLAPD_PEOPLE_USERS="pat lee"
SLAPD_BIN=${SLAPD_BIN:-/usr/sbin/slapd}
SLAPD_START_WAIT=${SSPR_SLAPD_START_WAIT:-10} # seconds
SLAPD_STOP_WAIT=${SSPR_SLAPD_STOP_WAIT:-10}   # seconds

slapd_die() {
	echo "slapd.sh: $*" >&2
	return 1
}

# The ldapi URI of server $2 in DIR $1 (the socket path, percent-encoded).
slapd_ldapi() {
	local path="$1/$2/ldapi"
	printf 'ldapi://%s\n' "${path//\//%2F}"
}

slapd_port() {
	cat "$1/$2/port"
}

# Two distinct free TCP ports on 127.0.0.1, chosen by the kernel (both sockets are held
# open together so the two cannot be the same).
slapd_free_ports() {
	local py=/usr/bin/python3
	[ -x "$py" ] || py=python3
	"$py" - <<'EOF'
import socket
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# A random password, hex so that it needs no quoting anywhere (ldif, sed, syncrepl).
slapd_new_password() {
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

slapd_tls() {
	local t="$1/tls"
	mkdir -p "$t" || return 1
	(
		cd "$t" || exit 1
		umask 077
		set -e
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout ca.key -out ca.pem -days 30 -subj "/CN=sspr test CA" \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout server.key -out server.csr -subj "/CN=localhost"
		# libldap checks a connection to "localhost" against the machine's own name,
		# so that name is in the certificate too.
		san="IP:127.0.0.1,DNS:localhost"
		fqdn=$(hostname -f 2>/dev/null || hostname)
		case "$fqdn" in
		'' | localhost | *[!A-Za-z0-9.-]*) ;;
		*) san="$san,DNS:$fqdn" ;;
		esac
		printf '%s\n' "basicConstraints=critical,CA:FALSE" \
			"keyUsage=critical,digitalSignature,keyEncipherment" \
			"extendedKeyUsage=serverAuth" \
			"subjectAltName=$san" >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 30 -extfile server.ext
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout wrong-ca.key -out wrong-ca.pem -days 30 \
			-subj "/CN=sspr unrelated CA" \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign
		chmod 644 ca.pem wrong-ca.pem server.pem
	) >"$t/openssl.log" 2>&1 || {
		cat "$t/openssl.log" >&2
		slapd_die "openssl: cannot create the test certificates"
	}
}

# cn=config of server $2, like Debian's stock slapd.d: module list with back_mdb, the
# schemas, frontend, config and mdb databases (ACLs and replication come from doc/ldap).
slapd_config_ldif() {
	local d="$1" x="$2" rootpw_hash="$3"
	cat <<EOF
dn: cn=config
objectClass: olcGlobal
cn: config
olcArgsFile: $d/$x/slapd.args
olcPidFile: $d/$x/slapd.pid
olcLogLevel: none
olcToolThreads: 1
olcTLSCACertificateFile: $d/tls/ca.pem
olcTLSCertificateFile: $d/tls/server.pem
olcTLSCertificateKeyFile: $d/tls/server.key
olcTLSProtocolMin: 3.3
olcSecurity: simple_bind=64

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {0}back_mdb
olcModuleLoad: {1}ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/nis.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcAccess: {0}to *
  by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage
  by * break
olcAccess: {1}to dn.exact="" by * read
olcAccess: {2}to dn.base="cn=Subschema" by * read
olcSizeLimit: 500

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to *
  by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage
  by * break

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: $d/$x/data
olcSuffix: $SLAPD_SUFFIX
olcRootDN: $SLAPD_ROOT_DN
olcRootPW: $rootpw_hash
olcLastMod: TRUE
olcDbIndex: objectClass eq
olcDbMaxSize: 268435456
olcAccess: {0}to * by * none

dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {0}ppolicy
olcPPolicyDefault: $SLAPD_POLICY_DN
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: TRUE
EOF
}

# The initial entries, the same bytes on both servers: fixed entryUUIDs and entryCSNs so
# that replication sees them as one set of entries, not two.
slapd_data_ldif() {
	local host_hash="$1" repl_hash="$2" passwd_hash="$3" people_hash="$4"
	local ts=20240101000000Z csn='20240101000000.000000Z#000000#000#000000'
	local n=0 dn
	entry() {
		n=$((n + 1))
		dn="$1"
		shift
		printf 'dn: %s\n' "$dn"
		printf '%s\n' "$@"
		printf 'entryUUID: 5350524c-0000-4000-8000-%012d\n' "$n"
		printf 'entryCSN: %s\ncreatorsName: %s\nmodifiersName: %s\n' "$csn" \
			"$SLAPD_ROOT_DN" "$SLAPD_ROOT_DN"
		printf 'createTimestamp: %s\nmodifyTimestamp: %s\n\n' "$ts" "$ts"
	}
	entry "$SLAPD_SUFFIX" "objectClass: dcObject" "objectClass: organization" \
		"dc: sspr" "o: pam_sspr test"
	entry "$SLAPD_BASE" "objectClass: organizationalUnit" "ou: sspr"
	entry "$SLAPD_HOST_DN" "objectClass: applicationProcess" \
		"objectClass: simpleSecurityObject" "cn: sspr-host" "userPassword: $host_hash"
	entry "$SLAPD_REPL_DN" "objectClass: applicationProcess" \
		"objectClass: simpleSecurityObject" "cn: replicator" "userPassword: $repl_hash"
	entry "$SLAPD_PASSWD_DN" "objectClass: applicationProcess" \
		"objectClass: simpleSecurityObject" "cn: sspr-passwd" "userPassword: $passwd_hash"
	entry "ou=policies,$SLAPD_SUFFIX" "objectClass: organizationalUnit" "ou: policies"
	# Quality (length, and no hash a client made), history, lockout after failed binds.
	entry "$SLAPD_POLICY_DN" "objectClass: applicationProcess" "objectClass: pwdPolicy" \
		"cn: default" "pwdAttribute: userPassword" "pwdMinLength: 12" \
		"pwdCheckQuality: 2" "pwdInHistory: 4" "pwdLockout: TRUE" "pwdMaxFailure: 5" \
		"pwdMustChange: FALSE" "pwdAllowUserChange: TRUE"
	entry "$SLAPD_PEOPLE" "objectClass: organizationalUnit" "ou: people"
	local u id=3100
	for u in $SLAPD_PEOPLE_USERS; do
		id=$((id + 1))
		entry "uid=$u,$SLAPD_PEOPLE" "objectClass: account" "objectClass: posixAccount" \
			"uid: $u" "cn: $u" "uidNumber: $id" "gidNumber: $id" \
			"homeDirectory: /home/$u" "loginShell: /bin/bash" "userPassword: $people_hash"
	done
}

# doc/ldap/$2 with its example names replaced by server $3's.
slapd_doc_for() {
	local d="$1" file="$2" x="$3" sid peer rid
	if [ "$x" = a ]; then
		sid=1 rid=002 peer="ldap://127.0.0.1:$(slapd_port "$d" b)"
	else
		sid=2 rid=001 peer="ldap://127.0.0.1:$(slapd_port "$d" a)"
	fi
	sed -e "s/dc=example,dc=org/$SLAPD_SUFFIX/g" \
		-e "s|^olcServerID: 1\$|olcServerID: $sid|" \
		-e "s|rid=002 provider=ldap://ldap2.example.org|rid=$rid provider=$peer|" \
		-e "s|credentials=\"CHANGE-ME\"|credentials=\"$(cat "$d/repl.pw")\"|" \
		-e "s|tls_cacert=/etc/ldap/sspr-ca.pem|tls_cacert=$d/tls/ca.pem|" \
		"$SLAPD_DOC_DIR/$file" >"$d/$x/$file" || return 1
	if grep -v '^#' "$d/$x/$file" | grep 'example\.org\|CHANGE-ME\|/etc/ldap/' >&2; then
		slapd_die "$file: example names left after substitution (the doc changed?)"
		return 1
	fi
}

# The site's own rule after the documented ones: people read their own entry (nslcd
# reads it back after a user's bind, as most directories allow).
slapd_site_acl() {
	cat <<EOF
dn: olcDatabase={1}mdb,cn=config
changetype: modify
add: olcAccess
olcAccess: {2}to dn.subtree="$SLAPD_PEOPLE" by self read by * break
EOF
}

# Starts slapd for server $2 listening on $3 (space-separated URLs); records its pid.
slapd_launch() {
	local d="$1" x="$2" urls="$3" pid
	# -d keeps slapd in the foreground, so $! is its pid and it stays in our process
	# group: a test runner that kills the group on timeout kills it too.
	"$SLAPD_BIN" -d "${SSPR_SLAPD_DEBUG:-none}" -h "$urls" -F "$d/$x/slapd.d" \
		-n "sspr-slapd-$x" </dev/null >>"$d/$x/slapd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$d/$x/pid"
	slapd_wait_up "$d" "$x" "$pid"
}

slapd_wait_up() {
	local d="$1" x="$2" pid="$3" i=0 max=$((SLAPD_START_WAIT * 20))
	local ldapi
	ldapi=$(slapd_ldapi "$d" "$x")
	while [ "$i" -lt "$max" ]; do
		if ! kill -0 "$pid" 2>/dev/null || slapd_is_zombie "$pid"; then
			tail -n 20 "$d/$x/slapd.log" >&2
			slapd_die "server $x: slapd exited at start (log: $d/$x/slapd.log)"
			return 1
		fi
		if ldapsearch -x -H "$ldapi" -o nettimeout=1 -b "" -s base -LLL \
			namingContexts >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	slapd_die "server $x: no answer within ${SLAPD_START_WAIT}s (log: $d/$x/slapd.log)"
	slapd_kill "$d" "$x"
	return 1
}

slapd_is_zombie() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$state" = Z ]
}

# Stops the slapd whose pid is recorded for server $2, if it is still that slapd.
slapd_kill() {
	local d="$1" x="$2" pid i=0 max=$((SLAPD_STOP_WAIT * 20))
	[ -f "$d/$x/pid" ] || return 0
	pid=$(cat "$d/$x/pid")
	rm -f "$d/$x/pid"
	case "$pid" in '' | *[!0-9]*) return 0 ;; esac
	# The pid may have been reused if slapd died long ago: only signal our slapd.
	if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$d/$x/slapd.d"; then
		wait "$pid" 2>/dev/null # a dead child of ours (library use): reap it
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && ! slapd_is_zombie "$pid"; do
		if [ "$i" -ge "$max" ]; then
			echo "slapd.sh: server $x: up after ${SLAPD_STOP_WAIT}s: killing it" >&2
			kill -KILL "$pid" 2>/dev/null
			sleep 0.1
			break
		fi
		sleep 0.05
		i=$((i + 1))
	done
	# Reap it when it is our own child (library use); harmless otherwise.
	wait "$pid" 2>/dev/null
	return 0
}

slapd_check_dir() {
	case "$1" in
	/*) ;;
	*) slapd_die "DIR must be an absolute path: $1" || return 1 ;;
	esac
	case "$1" in
	*[!A-Za-z0-9._/-]*) slapd_die "DIR may hold only [A-Za-z0-9._/-]: $1" || return 1 ;;
	esac
	# Unix socket paths are limited to 108 bytes.
	[ "${#1}" -le 90 ] || slapd_die "DIR is too long for an ldapi socket: $1"
}

slapd_setup() {
	local d="$1" x ports rootpw_hash host_hash repl_hash passwd_hash people_hash
	slapd_check_dir "$d" || return 1
	[ -f "$d/setup.done" ] && return 0
	for x in a b; do slapd_kill "$d" "$x"; done
	rm -rf "$d/a" "$d/b" "$d/tls" "$d/env"
	mkdir -p "$d" && chmod 700 "$d" || return 1
	for x in a b; do mkdir -p "$d/$x/data" "$d/$x/slapd.d" || return 1; done

	(umask 077 && slapd_new_password >"$d/root.pw" && slapd_new_password >"$d/host.pw" &&
		slapd_new_password >"$d/repl.pw" && slapd_new_password >"$d/passwd.pw" &&
		slapd_new_password >"$d/people.pw") || return 1
	slapd_tls "$d" || return 1
	ports=$(slapd_free_ports) || slapd_die "cannot find free ports" || return 1
	# shellcheck disable=SC2086 # two words
	set -- "$d" $ports
	echo "$2" >"$d/a/port"
	echo "$3" >"$d/b/port"

	rootpw_hash=$(slappasswd -T "$d/root.pw") || return 1
	host_hash=$(slappasswd -T "$d/host.pw") || return 1
	repl_hash=$(slappasswd -T "$d/repl.pw") || return 1
	passwd_hash=$(slappasswd -T "$d/passwd.pw") || return 1
	people_hash=$(slappasswd -T "$d/people.pw") || return 1
	slapd_data_ldif "$host_hash" "$repl_hash" "$passwd_hash" "$people_hash" >"$d/data.ldif"

	for x in a b; do
		slapd_config_ldif "$d" "$x" "$rootpw_hash" >"$d/$x/config.ldif"
		slapadd -q -n0 -F "$d/$x/slapd.d" -l "$d/$x/config.ldif" \
			>"$d/$x/slapadd.log" 2>&1 &&
			slapadd -q -w -n1 -F "$d/$x/slapd.d" -l "$d/data.ldif" \
				>>"$d/$x/slapadd.log" 2>&1 || {
			cat "$d/$x/slapadd.log" >&2
			slapd_die "server $x: slapadd failed"
			return 1
		}
		slapd_doc_for "$d" sspr-acl.ldif "$x" || return 1
		slapd_doc_for "$d" sspr-syncrepl.ldif "$x" || return 1
		slapd_doc_for "$d" sspr-passwd-acl.ldif "$x" || return 1
		# Apply the documented changes the way a site does: over ldapi as root. The
		# server listens on ldapi only here, so nothing can reach it half-configured.
		slapd_launch "$d" "$x" "$(slapd_ldapi "$d" "$x")" || return 1
		if ! ldapadd -Q -Y EXTERNAL -H "$(slapd_ldapi "$d" "$x")" \
			-f "$SLAPD_DOC_DIR/sspr.ldif" >"$d/$x/ldapmodify.log" 2>&1 ||
			! ldapmodify -Q -Y EXTERNAL -H "$(slapd_ldapi "$d" "$x")" \
				-f "$d/$x/sspr-acl.ldif" >>"$d/$x/ldapmodify.log" 2>&1 ||
			! ldapmodify -Q -Y EXTERNAL -H "$(slapd_ldapi "$d" "$x")" \
				-f "$d/$x/sspr-syncrepl.ldif" >>"$d/$x/ldapmodify.log" 2>&1 ||
			! ldapmodify -Q -Y EXTERNAL -H "$(slapd_ldapi "$d" "$x")" \
				-f "$d/$x/sspr-passwd-acl.ldif" >>"$d/$x/ldapmodify.log" 2>&1 ||
			! slapd_site_acl | ldapmodify -Q -Y EXTERNAL -H "$(slapd_ldapi "$d" "$x")" \
				>>"$d/$x/ldapmodify.log" 2>&1; then
			cat "$d/$x/ldapmodify.log" >&2
			slapd_kill "$d" "$x"
			slapd_die "server $x: applying doc/ldap/*.ldif failed"
			return 1
		fi
		slapd_kill "$d" "$x"
	done

	slapd_env_lines "$d" >"$d/env"
	touch "$d/setup.done"
}

slapd_env_lines() {
	local d="$1"
	cat <<EOF
SSPR_LDAP_DIR=$d
SSPR_LDAP_URI_A=ldap://127.0.0.1:$(slapd_port "$d" a)
SSPR_LDAP_URI_B=ldap://127.0.0.1:$(slapd_port "$d" b)
SSPR_LDAP_LDAPI_A=$(slapd_ldapi "$d" a)
SSPR_LDAP_LDAPI_B=$(slapd_ldapi "$d" b)
SSPR_LDAP_SUFFIX=$SLAPD_SUFFIX
SSPR_LDAP_BASE=$SLAPD_BASE
SSPR_LDAP_BIND_DN=$SLAPD_HOST_DN
SSPR_LDAP_BIND_PASSWORD_FILE=$d/host.pw
SSPR_LDAP_CACERT=$d/tls/ca.pem
SSPR_LDAP_WRONG_CACERT=$d/tls/wrong-ca.pem
SSPR_LDAP_ROOT_DN=$SLAPD_ROOT_DN
SSPR_LDAP_ROOT_PASSWORD_FILE=$d/root.pw
SSPR_LDAP_REPL_DN=$SLAPD_REPL_DN
SSPR_LDAP_PEOPLE=$SLAPD_PEOPLE
SSPR_LDAP_PEOPLE_USERS="$SLAPD_PEOPLE_USERS"
SSPR_LDAP_PEOPLE_PASSWORD_FILE=$d/people.pw
SSPR_LDAP_PASSWD_DN=$SLAPD_PASSWD_DN
SSPR_LDAP_PASSWD_PASSWORD_FILE=$d/passwd.pw
EOF
}

slapd_env() {
	local d="$1"
	[ -f "$d/env" ] || slapd_die "$d: not set up (run: slapd.sh setup $d)" || return 1
	sed 's/^/export /' "$d/env"
}

slapd_start() {
	local d="$1" x="$2" pid
	[ -f "$d/setup.done" ] || slapd_die "$d: not set up" || return 1
	if [ -f "$d/$x/pid" ]; then
		pid=$(cat "$d/$x/pid")
		if kill -0 "$pid" 2>/dev/null && ! slapd_is_zombie "$pid"; then
			return 0 # already running
		fi
		rm -f "$d/$x/pid"
	fi
	slapd_launch "$d" "$x" \
		"ldap://127.0.0.1:$(slapd_port "$d" "$x")/ $(slapd_ldapi "$d" "$x")"
}

slapd_stop() {
	slapd_kill "$1" "$2"
}

# Waits until a change made on each server has reached the other: both replication
# sessions are up (a consumer started before its peer connects at its next retry).
slapd_wait_sync() {
	local d="$1" from to tag i max=$((SLAPD_START_WAIT * 50))
	for from in a b; do
		to=b
		[ "$from" = b ] && to=a
		tag="probe-$from-$(slapd_new_password)"
		printf 'dn: %s\nchangetype: modify\nreplace: description\ndescription: %s\n' \
			"$SLAPD_SUFFIX" "$tag" |
			ldapmodify -x -H "$(slapd_ldapi "$d" "$from")" -D "$SLAPD_ROOT_DN" \
				-y "$d/root.pw" >/dev/null || {
			slapd_die "server $from: cannot write the replication probe"
			return 1
		}
		i=0
		until ldapsearch -x -H "$(slapd_ldapi "$d" "$to")" -D "$SLAPD_ROOT_DN" \
			-y "$d/root.pw" -b "$SLAPD_SUFFIX" -s base -LLL "(description=$tag)" dn \
			2>/dev/null | grep -q '^dn:'; do
			i=$((i + 1))
			if [ "$i" -ge "$max" ]; then
				slapd_die "replication $from -> $to: none in ${SLAPD_START_WAIT}s"
				return 1
			fi
			sleep 0.02
		done
	done
}

slapd_main() {
	local cmd="${1:-}"
	case "$cmd" in
	setup | env | wait-sync)
		[ $# -eq 2 ] || slapd_die "usage: slapd.sh $cmd DIR" || return 2
		slapd_check_dir "$2" || return 2
		"slapd_${cmd/-/_}" "$2"
		;;
	start | stop)
		[ $# -eq 3 ] || slapd_die "usage: slapd.sh $cmd DIR a|b" || return 2
		slapd_check_dir "$2" || return 2
		case "$3" in
		a | b) ;;
		*) slapd_die "server must be a or b: $3" || return 2 ;;
		esac
		"slapd_$cmd" "$2" "$3"
		;;
	*)
		slapd_die "usage: slapd.sh setup|start|stop|env|wait-sync DIR [a|b]" || return 2
		;;
	esac
}

if [ "${SSPR_SLAPD_LIB:-}" != 1 ]; then
	slapd_main "$@"
	exit
fi
