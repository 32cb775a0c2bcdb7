# SPDX-License-Identifier: BSD-2-Clause
# A Kerberos realm for the tests (source it inside a private mount
# namespace whose /etc is the test's own, after tests/e2e/sandbox.sh's
# sandbox_setup): MIT krb5kdc and kadmind on free loopback ports, realm
# SSPR.TEST, a password policy (length, character classes, history,
# lockout), the writer principal of doc/krb5/kadm5.acl.example with its
# keytab, and users with known passwords.
#
#   kdc_start USER...          the realm, both daemons up; each USER a
#                              principal with password $KDC_OLD_PASSWORD
#   kdc_admin QUERY            kadmin.local -q QUERY
#   kinit_ok USER PASSWORD     an initial ticket for USER with PASSWORD
#   kdc_stop                   both daemons down
# After kdc_start: KDC_REALM, KDC_KEYTAB (root's, 0600), KDC_WRITER.

KDC_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KDC_SRC=$(cd "$KDC_HERE/../.." && pwd)
KDC_REALM=SSPR.TEST
KDC_WRITER=sspr-passwd/host.sspr.test@$KDC_REALM
KDC_OLD_PASSWORD='Kerberos-Old-Pass-1'

kdc_free_ports() {
	python3 - <<-'EOF'
		import socket
		socks = []
		for _ in range(3):
		    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		    s.bind(("127.0.0.1", 0))
		    socks.append(s)
		print(" ".join(str(s.getsockname()[1]) for s in socks))
	EOF
}

kdc_env() { env KRB5_CONFIG=/etc/krb5.conf KRB5_KDC_PROFILE="$KDC_DIR/kdc.conf" "$@"; }
kdc_admin() { kdc_env kadmin.local -r "$KDC_REALM" -q "$1" >>"$KDC_DIR/kadmin.log" 2>&1; }

# Polls until something listens on TCP port $1 (bounded: 10 s).
kdc_wait_port() {
	local _
	for _ in $(seq 200); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' \
			"$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

kdc_start() {
	local ports kdc_port admin_port kpasswd_port u
	KDC_DIR=$SANDBOX/kdc
	mkdir -p "$KDC_DIR"
	chmod 700 "$KDC_DIR"
	ports=$(kdc_free_ports)
	read -r kdc_port admin_port kpasswd_port <<<"$ports"
	# The host's client configuration, as a site's: the module's secure
	# krb5 context reads /etc/krb5.conf only.
	cat >/etc/krb5.conf <<-CONF
		[libdefaults]
		    default_realm = $KDC_REALM
		    dns_lookup_kdc = false
		    dns_lookup_realm = false
		    rdns = false
		[realms]
		    $KDC_REALM = {
		        kdc = 127.0.0.1:$kdc_port
		        admin_server = 127.0.0.1:$admin_port
		        kpasswd_server = 127.0.0.1:$kpasswd_port
		    }
	CONF
	chmod 644 /etc/krb5.conf
	cat >"$KDC_DIR/kdc.conf" <<-CONF
		[kdcdefaults]
		    kdc_listen = 127.0.0.1:$kdc_port
		    kdc_tcp_listen = 127.0.0.1:$kdc_port
		[realms]
		    $KDC_REALM = {
		        database_name = $KDC_DIR/principal
		        key_stash_file = $KDC_DIR/stash
		        acl_file = $KDC_DIR/kadm5.acl
		        kadmind_listen = 127.0.0.1:$admin_port
		        kpasswd_listen = 127.0.0.1:$kpasswd_port
		        default_principal_flags = +preauth
		        max_life = 1h
		    }
		[logging]
		    kdc = FILE:$KDC_DIR/kdc.log
		    admin_server = FILE:$KDC_DIR/kadmind.log
	CONF
	# The documented ACL, with the test's realm.
	sed "s/EXAMPLE\.ORG/$KDC_REALM/g" "$KDC_SRC/doc/krb5/kadm5.acl.example" >"$KDC_DIR/kadm5.acl"
	kdc_env kdb5_util create -s -r "$KDC_REALM" -P "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
		>"$KDC_DIR/kdb5_util.log" 2>&1 || { cat "$KDC_DIR/kdb5_util.log" >&2; return 1; }
	# Length, two character classes, the last four passwords, and a lock
	# after five failed attempts.
	kdc_admin "addpol -minlength 12 -minclasses 2 -history 4 -maxfailure 5 -failurecountinterval 0 -lockoutduration 0 users"
	for u in "$@"; do
		kdc_admin "addprinc -policy users -pw $KDC_OLD_PASSWORD $u"
	done
	kdc_admin "addprinc -pw Admin-Pass-12345 root/admin"
	kdc_admin "addprinc -randkey $KDC_WRITER"
	KDC_KEYTAB=$SANDBOX/sspr-passwd.keytab
	kdc_admin "ktadd -k $KDC_KEYTAB $KDC_WRITER"
	chmod 600 "$KDC_KEYTAB"
	kdc_env krb5kdc -n -P "$KDC_DIR/kdc.pid" >>"$KDC_DIR/kdc.out" 2>&1 &
	KDC_PID=$!
	kdc_env kadmind -nofork -P "$KDC_DIR/kadmind.pid" >>"$KDC_DIR/kadmind.out" 2>&1 &
	KADMIND_PID=$!
	kdc_wait_port "$kdc_port" && kdc_wait_port "$kpasswd_port" || {
		echo "kdc.sh: krb5kdc or kadmind did not start:" >&2
		cat "$KDC_DIR"/*.out "$KDC_DIR"/*.log >&2
		return 1
	}
}

# Stops one daemon: TERM, then KILL after 5 s.
kdc_kill() {
	local pid=$1 _
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

kdc_stop() {
	kdc_kill "${KDC_PID:-}"
	kdc_kill "${KADMIND_PID:-}"
	KDC_PID= KADMIND_PID=
}

kinit_ok() { # kinit_ok USER PASSWORD
	printf '%s\n' "$2" | KRB5CCNAME=MEMORY:kinit-test kinit "$1@$KDC_REALM" >/dev/null 2>&1
}
