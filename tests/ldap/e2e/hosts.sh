# SPDX-License-Identifier: BSD-2-Clause
# Shared by the directory end-to-end tests: "hosts" that share one
# directory. Source after tests/e2e/sandbox.sh's sandbox_setup and
# tests/e2e/checks.sh, inside tests/ldap/with-slapd.sh (its SSPR_LDAP_*
# variables name the two servers). A host here is a policy file and a PAM
# stack: both hosts use the same accounts (the sandbox's private /etc) and
# differ in ldap_uri and key directory, as two machines of one fleet would.
#
#   hosts_init MODULE ADMIN     checks the environment, gives the namespace
#                               a private /dev with a /dev/log that the test
#                               reads, and builds the PAM stacks that
#                               pam-auth-update makes from pam-configs/sspr
#   host_add NAME "URI..."      policy $SANDBOX/NAME.conf, PAM service
#                               "sspr-NAME" (common-auth + common-account,
#                               pam_sspr pointed at that policy)
#   host_admin NAME ARGS...     sspr-admin with that host's policy
#   host_copy_keys FROM TO      sspr-admin key export - | key install -
#   host_login_full NAME USER ANSWER...   authenticate + acct_mgmt, timed
#                                         ($elapsed, seconds)
#   ldap_get URI USER ATTR      the attribute's values on that server
#   wait_on URI USER ATTR VALUE polls until the server shows the value (or
#                               30 s); $lag is how long it took
#   syslog_mark / syslog_since MARK       what the module logged since
#   blackhole_start             $BLACKHOLE_URI: accepts, never answers
#   nslcd_start URI             nslcd (nss-pam-ldapd) on /run/nslcd/socket,
#                               asking that server: pam_ldap.so logs users
#                               of ou=people in with their directory password
#   ldap_bind_ok URI DN PASSWORD   a simple bind (ldapwhoami) succeeds

HOSTS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HOSTS_SRC=$(cd "$HOSTS_HERE/../../.." && pwd)
# A test's own subtree, so tests never see each other's records.
E2E_BASE="ou=e2e,${SSPR_LDAP_BASE:-}"
# Small, so the tests that wait for a dead directory stay quick; large
# enough for two slapd servers on a busy CI machine to answer.
E2E_LDAP_TIMEOUT=2
# What a login may take beyond ldap_timeout: pam_unix's hash, pamtester,
# process start.
E2E_SLACK=1.5

hosts_require_env() {
	local v
	for v in SSPR_LDAP_DIR SSPR_LDAP_URI_A SSPR_LDAP_URI_B SSPR_LDAP_BASE \
		SSPR_LDAP_BIND_DN SSPR_LDAP_BIND_PASSWORD_FILE SSPR_LDAP_CACERT \
		SSPR_LDAP_ROOT_DN SSPR_LDAP_ROOT_PASSWORD_FILE; do
		if [ -z "${!v:-}" ]; then
			echo "hosts.sh: $v is not set: run this test through tests/ldap/with-slapd.sh" >&2
			exit 1
		fi
	done
}

# glibc's syslog() writes to /dev/log; this machine may have no syslog
# daemon, and the host's /dev must not change. A private /dev (the nodes
# PAM and the tools use, bound from the real one) gets a socket of our own.
hosts_private_dev() {
	local n
	mkdir "$SANDBOX/dev"
	for n in null zero full random urandom tty; do
		touch "$SANDBOX/dev/$n"
		mount --bind "/dev/$n" "$SANDBOX/dev/$n"
	done
	mkdir "$SANDBOX/dev/pts" "$SANDBOX/dev/shm"
	mount --bind /dev/pts "$SANDBOX/dev/pts"
	ln -s pts/ptmx "$SANDBOX/dev/ptmx"
	ln -s /proc/self/fd "$SANDBOX/dev/fd"
	mount --rbind "$SANDBOX/dev" /dev
	: >"$SANDBOX/syslog"
	python3 "$HOSTS_HERE/syslog_sink.py" /dev/log "$SANDBOX/syslog" &
	HOSTS_SYSLOG_PID=$!
	local _
	for _ in $(seq 100); do [ -S /dev/log ] && return 0; sleep 0.05; done
	echo "hosts.sh: the syslog sink did not start" >&2
	exit 1
}

hosts_stop() {
	[ -n "${HOSTS_SYSLOG_PID:-}" ] && kill "$HOSTS_SYSLOG_PID" 2>/dev/null
	[ -n "${HOSTS_BLACKHOLE_PID:-}" ] && kill "$HOSTS_BLACKHOLE_PID" 2>/dev/null
	if [ -n "${HOSTS_NSLCD_PID:-}" ]; then
		kill "$HOSTS_NSLCD_PID" 2>/dev/null
		wait "$HOSTS_NSLCD_PID" 2>/dev/null
		umount -l /run/nslcd 2>/dev/null
		[ -z "${HOSTS_NSLCD_DIR_MADE:-}" ] || rmdir /run/nslcd 2>/dev/null
	fi
	sandbox_cleanup
}

# The stacks an admin gets from `pam-auth-update --enable sspr` with the
# shipped profile: run it on private copies of /usr/share/pam-configs and
# /var/lib/pam (the /etc it writes is the sandbox's already).
hosts_pam_auth_update() {
	mkdir "$SANDBOX/pam-configs" "$SANDBOX/var-lib-pam"
	cp -a /usr/share/pam-configs/. "$SANDBOX/pam-configs/"
	cp "$HOSTS_SRC/pam-configs/sspr" "$SANDBOX/pam-configs/sspr"
	# The profiles of libpam-ldapd, libpam-krb5 and libpam-sss (the test
	# dependencies install the first two for the writeback tests, which
	# write their own stacks) are not the host's: tools/deps.sh disables
	# them, but a fresh pam-auth-update would take them up.
	rm -f "$SANDBOX/pam-configs/ldap" "$SANDBOX/pam-configs/krb5" "$SANDBOX/pam-configs/sss"
	mount --bind "$SANDBOX/pam-configs" /usr/share/pam-configs
	[ -d /var/lib/pam ] && cp -a /var/lib/pam/. "$SANDBOX/var-lib-pam/"
	mkdir -p /var/lib/pam
	mount --bind "$SANDBOX/var-lib-pam" /var/lib/pam
	local f
	for f in common-auth common-account; do
		cp -a "/etc/pam.d/$f" "$SANDBOX/$f.orig"
	done
	DEBIAN_FRONTEND=noninteractive pam-auth-update --package --enable sspr
	grep -q 'pam_sspr\.so' /etc/pam.d/common-auth ||
		{ echo "hosts.sh: pam-auth-update did not add pam_sspr to common-auth" >&2; exit 1; }
	# Keep what it wrote for the hosts' stacks, and put the originals back:
	# libpam loads "other" (common-*) with every service, and the bare
	# "pam_sspr.so" is not installed on this machine.
	for f in common-auth common-account; do
		cp "/etc/pam.d/$f" "$SANDBOX/$f.sspr"
		cp -a "$SANDBOX/$f.orig" "/etc/pam.d/$f"
	done
}

hosts_init() {
	HOSTS_MODULE=$1
	HOSTS_ADMIN=$2
	hosts_require_env
	trap hosts_stop EXIT
	hosts_private_dev
	hosts_pam_auth_update
	mkdir -p "$SANDBOX/run"
}

# host_add NAME "URI..." [EXTRA POLICY LINES]
host_add() {
	local name=$1 uris=$2 extra=${3:-} conf="$SANDBOX/$1.conf"
	cat >"$conf" <<-CONF
		# host $name of the test fleet
		group = sspr
		store_backend = ldap
		ldap_uri = $uris
		ldap_base = $E2E_BASE
		ldap_bind_dn = $SSPR_LDAP_BIND_DN
		ldap_bind_password_file = $SSPR_LDAP_BIND_PASSWORD_FILE
		ldap_tls_cacert = $SSPR_LDAP_CACERT
		ldap_timeout = $E2E_LDAP_TIMEOUT
		key_dir = $SANDBOX/keys-$name
		lock_dir = $SANDBOX/run
		helpdesk = $SANDBOX_HELPDESK
		password_service = sspr-passwd
	CONF
	[ -n "$extra" ] && printf '%s\n' "$extra" >>"$conf"
	chmod 644 "$conf"
	# common-auth and common-account as pam-auth-update wrote them, with
	# this host's policy; pam_unix's password line for the nested change
	# comes from sspr-passwd.
	{
		grep -E '^auth' "$SANDBOX/common-auth.sspr"
		grep -E '^account' "$SANDBOX/common-account.sspr"
	} | sed -E "s|([[:space:]])pam_sspr\.so|\1$HOSTS_MODULE config=$conf|" \
		>"/etc/pam.d/sspr-$name"
}

host_admin() { # host_admin NAME ARGS...
	local name=$1
	shift
	"$HOSTS_ADMIN" --config "$SANDBOX/$name.conf" "$@"
}

# Host B gets host A's key pair the way an admin would move it.
host_copy_keys() { # host_copy_keys FROM TO
	host_admin "$1" key export - | host_admin "$2" key install -
}

# Authentication and the account hook, as login runs them; $elapsed in
# seconds.
host_login_full() { # host_login_full NAME USER ANSWER...
	local name=$1 user=$2 t0 t1
	shift 2
	status=0
	t0=$(date +%s.%N)
	out=$(printf '%s\n' "$@" | pamtester -v "sspr-$name" "$user" authenticate acct_mgmt 2>&1) ||
		status=$?
	t1=$(date +%s.%N)
	elapsed=$(seconds_between "$t0" "$t1")
}
account_ok() { [ "$status" = 0 ] && grep -q "account management done" <<<"$out"; }
# Seconds between two `date +%s.%N` readings, to the millisecond.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# within X LIMIT...: X <= the sum of the LIMITs.
within() { awk -v x="$1" -v a="$2" -v b="${3:-0}" 'BEGIN { exit !(x <= a + b) }'; }

user_dn() { echo "ssprUser=$1,ou=users,$E2E_BASE"; }

# One entry as the servers' rootdn, over StartTLS (the servers refuse
# simple binds without TLS).
ldap_search() { # ldap_search URI DN ATTR
	LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapsearch -LLL -ZZ -o ldif-wrap=no -o nettimeout=5 \
		-x -H "$1" -D "$SSPR_LDAP_ROOT_DN" -y "$SSPR_LDAP_ROOT_PASSWORD_FILE" -b "$2" \
		-s base "(objectClass=*)" "$3" 2>/dev/null
}

# ssprFormat of the test's base on that server ("1" once a store is there).
ldap_store_format() { # ldap_store_format URI
	{ ldap_search "$1" "$E2E_BASE" ssprFormat || true; } | sed -n "s/^ssprFormat: //p"
}

# (Nothing when the entry or the server is not there; binary values in
# base64.)
ldap_get() { # ldap_get URI USER ATTR
	{ ldap_search "$1" "$(user_dn "$2")" "$3" || true; } | sed -n "s/^$3::\{0,1\} //p"
}

# wait_on URI USER ATTR [VALUE]: bounded poll (30 s) until ATTR holds VALUE,
# or any value when VALUE is not given; $lag = seconds waited.
wait_on() {
	local uri=$1 user=$2 attr=$3 value=${4-} t0 i got
	t0=$(date +%s.%N)
	for i in $(seq 600); do
		got=$(ldap_get "$uri" "$user" "$attr")
		if { [ $# -lt 4 ] && [ -n "$got" ]; } ||
			{ [ $# -ge 4 ] && grep -qxF -- "$value" <<<"$got"; }; then
			lag=$(seconds_between "$t0" "$(date +%s.%N)")
			return 0
		fi
		sleep 0.05
	done
	lag=timeout
	return 1
}

# The first value of ATTR as soon as the server has one (bounded poll).
wait_present() { wait_on "$1" "$2" "$3"; } # wait_present URI USER ATTR

syslog_mark() { wc -l <"$SANDBOX/syslog"; }
syslog_since() { tail -n +"$(($1 + 1))" "$SANDBOX/syslog"; }

# A TCP listener that accepts connections and never says a word: what a
# hung directory server or a firewall that drops replies looks like.
blackhole_start() {
	python3 "$HOSTS_HERE/blackhole.py" "$SANDBOX/blackhole.port" &
	HOSTS_BLACKHOLE_PID=$!
	local _
	for _ in $(seq 100); do [ -s "$SANDBOX/blackhole.port" ] && break; sleep 0.05; done
	BLACKHOLE_URI="ldap://127.0.0.1:$(cat "$SANDBOX/blackhole.port")"
}

# The step a code computed now belongs to.
current_step() { echo $(($(date +%s) / 30)); }

# nslcd for pam_ldap.so, in this namespace: its socket directory is a tmpfs
# here, its configuration a file of the private /etc. It finds an account
# as the servers' rootdn (the test's people tree grants no one else a
# search) and checks a password by binding as the account, over StartTLS.
nslcd_start() { # nslcd_start URI
	local uri=$1 i
	if [ ! -d /run/nslcd ]; then
		mkdir /run/nslcd
		HOSTS_NSLCD_DIR_MADE=1
	fi
	mount -t tmpfs -o mode=755 sspr-nslcd /run/nslcd
	chown nslcd:nslcd /run/nslcd
	install -m 644 "$SSPR_LDAP_CACERT" /run/nslcd/ca.pem
	cat >/etc/nslcd.conf <<-CONF
		uid nslcd
		gid nslcd
		uri $uri/
		base $SSPR_LDAP_PEOPLE
		binddn $SSPR_LDAP_ROOT_DN
		bindpw $(cat "$SSPR_LDAP_ROOT_PASSWORD_FILE")
		ssl start_tls
		tls_reqcert demand
		tls_cacertfile /run/nslcd/ca.pem
		bind_timelimit 5
		timelimit 5
		pam_authc_ppolicy yes
	CONF
	chmod 600 /etc/nslcd.conf
	nslcd -d >"$SANDBOX/nslcd.log" 2>&1 &
	HOSTS_NSLCD_PID=$!
	for i in $(seq 100); do [ -S /run/nslcd/socket ] && return 0; sleep 0.05; done
	echo "hosts.sh: nslcd did not start:" >&2
	cat "$SANDBOX/nslcd.log" >&2
	exit 1
}

ldap_bind_ok() { # ldap_bind_ok URI DN PASSWORD
	printf '%s' "$3" >"$SANDBOX/bind.pw"
	LDAPTLS_CACERT=$SSPR_LDAP_CACERT ldapwhoami -ZZ -x -o nettimeout=5 -H "$1" -D "$2" \
		-y "$SANDBOX/bind.pw" >/dev/null 2>&1
}

# The directory's people (posixAccount entries whose passwords the directory
# keeps) that the writeback tests reset: their DN, the password slapd.sh gave
# them and the two the tests set.
people_init() {
	[ -n "${SSPR_LDAP_PEOPLE:-}" ] || { echo "SSPR_LDAP_PEOPLE is not set" >&2; exit 1; }
	old_password=$(cat "$SSPR_LDAP_PEOPLE_PASSWORD_FILE")
	new_password='Directory-Pass-1!'
	second_password='Directory-Pass-2!'
}
dn_of() { echo "uid=$1,$SSPR_LDAP_PEOPLE"; }
not() { ! "$@"; }
