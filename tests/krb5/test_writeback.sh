#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Passwords that live at a Kerberos KDC (password_backend = kerberos), end
# to end, as root: a realm of real MIT krb5kdc and kadmind (tests/krb5/
# kdc.sh) with a password policy; host K resets kim's password there with
# the set-password protocol as the writer principal of
# doc/krb5/kadm5.acl.example, from its root-only keytab, and the login goes
# on through pam_krb5; host A, whose logins go through the KDC (pam_krb5),
# then takes the new password and refuses the old one, and so does kinit.
# Also: the KDC's refusals shown to the user, disabled and expired
# principals refused before any challenge, the writer's lack of any other
# right, and its keytab kept to root.
# Usage: test_writeback.sh MODULE ADMIN
set -euo pipefail

[ $# = 2 ] || { echo "usage: test_writeback.sh MODULE ADMIN" >&2; exit 2; }
module=$(realpath -e -- "$1")
admin=$(realpath -e -- "$2")
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../e2e" && pwd)
. "$e2e/sandbox.sh"
sandbox_require pamtester python3 krb5kdc kadmind kdb5_util kadmin.local kinit kadmin
for dir in /lib/x86_64-linux-gnu/security /usr/lib/x86_64-linux-gnu/security /lib/security; do
	[ -e "$dir/pam_krb5.so" ] && have_pam_krb5=1
done
[ -n "${have_pam_krb5:-}" ] || { echo "skipped: no pam_krb5.so (apt install libpam-krb5)" >&2; exit 77; }
sandbox_enter "$0" "$@"
sandbox_setup "$module" "$admin"
. "$e2e/checks.sh"
. "$here/../ldap/e2e/hosts.sh"
. "$here/kdc.sh"
stop_all() {
	kdc_stop
	hosts_stop
}
trap stop_all EXIT
hosts_private_dev
mkdir -p "$SANDBOX/run"

new_password='Kerberos-New-Pass-1'
second_password='Kerberos-New-Pass-2'

# The accounts as NSS shows them; their passwords are the KDC's.
for u in kim kay kit; do
	useradd -M -d /nonexistent -s /bin/bash -G sspr "$u"
done
kdc_start kim kay kit

# Host K: the sandbox's store, passwords at the KDC.
policy() { # policy NAME EXTRA...
	local conf="$SANDBOX/$1.conf"
	shift
	{
		grep -v '^methods' /etc/security/sspr.conf
		printf '%s\n' "methods = questions" "password_backend = kerberos" \
			"password_krb5_keytab = $KDC_KEYTAB" \
			"password_krb5_principal = $KDC_WRITER" "$@"
	} >"$conf"
	chmod 644 "$conf"
}
policy k
policy s "enumeration = show"
for name in k s; do
	cat >"/etc/pam.d/sspr-$name" <<-PAM
		auth [success=ok ignore=ignore default=die] $module config=$SANDBOX/$name.conf
		auth required pam_krb5.so minimum_uid=1000 use_first_pass no_ccache
		account required pam_krb5.so minimum_uid=1000
	PAM
done
# Host A: logins through the KDC only.
cat >/etc/pam.d/sspr-a <<-PAM
	auth required pam_krb5.so minimum_uid=1000 no_ccache
	account required pam_krb5.so minimum_uid=1000
PAM
for u in kim kay kit; do
	sample_questions | "$admin" --config "$SANDBOX/k.conf" enroll "$u" questions --stdin >/dev/null
done

# --- before ---------------------------------------------------------------------
check "kinit: kim's password works" kinit_ok kim "$KDC_OLD_PASSWORD"
host_login a kim "$KDC_OLD_PASSWORD"
check "host A: kim logs in through the KDC (pam_krb5)" logged_in

# --- kim resets on host K ---------------------------------------------------------
mark=$(syslog_mark)
host_converse k kim "${sample_answers[@]}" "" "$new_password" "$new_password"
transcript "kim resets on host K"
check "host K: the reset sets the password and the login goes on (pam_krb5)" logged_in
check "host K: kim is told so" says "Your password has been changed."
out=$(syslog_since "$mark")
check "host K: the reset's success is logged" says "password reset success: user=kim"
check "kinit: the new password works" kinit_ok kim "$new_password"
check "kinit: the old one does not" not kinit_ok kim "$KDC_OLD_PASSWORD"
host_login a kim "$new_password"
check "host A: kim logs in through the KDC with the new password" logged_in
transcript "kim logs in on host A (pam_krb5) with the new password"
host_login a kim "$KDC_OLD_PASSWORD"
check "host A: the old password is refused" refused

# --- the KDC's password policy, shown to the user ---------------------------------
mark=$(syslog_mark)
host_converse k kim "${sample_answers[@]}" "" "short-1" "short-1" "$new_password" "$new_password" \
	"$second_password" "$second_password"
check "host K: a short password is refused with the KDC's reason" says "BAD PASSWORD: "
check "host K: the KDC names the length" says "too short"
check "host K: a password of the history is refused with the KDC's reason" \
	says "used previously"
check "host K: the third try is set and kim is logged in" logged_in
out=$(syslog_since "$mark")
check "host K: the refusals are logged, without the passwords" \
	says "the password KDC refused the new password"
check "host K: no password in the log" never_says "short-1"
check "kinit: the third try's password works" kinit_ok kim "$second_password"

# --- disabled and expired principals ----------------------------------------------
kdc_admin "modprinc -allow_tix kay"
host_converse s kay "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host S: a principal the KDC refuses tickets is refused" refused
check "host S: kay is told the account is locked" says "This account is locked or expired."
check "host S: before any challenge" never_says "first pet"
mark=$(syslog_mark)
host_converse k kay "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host K (enumeration = hide): kay is refused too" refused
check "host K: and not told why" never_says "This account is locked"
out=$(syslog_since "$mark")
check "host K: logged as account-disabled" says "password reset account-disabled: user=kay"
kdc_admin "modprinc +allow_tix kay"
check "kinit: kay's password did not change" kinit_ok kay "$KDC_OLD_PASSWORD"
kdc_admin "modprinc -expire 2020-01-01 kit"
host_converse s kit "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host S: an expired principal is refused" says "This account is locked or expired."
check "host S: before any challenge (expired)" never_says "first pet"

# --- the writer may change passwords and nothing else --------------------------------
kadmin_as_writer() {
	KRB5CCNAME=MEMORY:writer kadmin -k -t "$KDC_KEYTAB" -p "$KDC_WRITER" -q "$1" 2>&1
}
out=$(kadmin_as_writer "getprinc kim")
check "the writer may not read a principal" says "Operation requires"
out=$(kadmin_as_writer "cpw -pw Admin-Pass-67890 root/admin")
check "the writer may not change an admin principal's password" says "Operation requires"
out=$(kadmin_as_writer "addprinc -pw Some-Pass-12345 mallory")
check "the writer may not add principals" says "Operation requires"

# --- the keytab is root's alone ------------------------------------------------------
chmod 640 "$KDC_KEYTAB"
mark=$(syslog_mark)
host_converse s kim "${sample_answers[@]}" "" "$new_password" "$new_password"
check "host S: a keytab others may read refuses the reset" refused
check "host S: said as unavailable" says "Password reset is unavailable."
check "host S: before any challenge (keytab)" never_says "first pet"
out=$(syslog_since "$mark")
check "host S: the log names the keytab" says "$KDC_KEYTAB"
check "kinit: kim's password is unchanged" kinit_ok kim "$second_password"
chmod 600 "$KDC_KEYTAB"

# --- a KDC that never answers -------------------------------------------------------
# A realm whose KDC accepts connections and says nothing: libkrb5 alone
# would wait about 24 s; the reset gives up at password_krb5_timeout.
blackhole_start
silent_port=$(cat "$SANDBOX/blackhole.port")
sed -i "s|^\[realms\]|[realms]\n    SILENT.TEST = {\n        kdc = 127.0.0.1:$silent_port\n        admin_server = 127.0.0.1:$silent_port\n    }|" /etc/krb5.conf
policy q "enumeration = show" "password_krb5_realm = SILENT.TEST" "password_krb5_timeout = 2"
cp /etc/pam.d/sspr-s /etc/pam.d/sspr-q
sed -i "s|$SANDBOX/s.conf|$SANDBOX/q.conf|" /etc/pam.d/sspr-q
mark=$(syslog_mark)
t0=$(date +%s.%N)
host_converse q kim "${sample_answers[@]}" "" "$new_password" "$new_password"
elapsed=$(seconds_between "$t0" "$(date +%s.%N)")
check "host Q: a silent KDC refuses the reset" says "Password reset is unavailable."
check "host Q: before any challenge (silent KDC)" never_says "first pet"
out="elapsed: $elapsed s"
check "host Q: within password_krb5_timeout (2 s) and slack" within "$elapsed" 2 2.5
echo "# a silent KDC: the reset was refused after $elapsed s (password_krb5_timeout = 2)"
out=$(syslog_since "$mark")
check "host Q: the log says the KDC did not answer" says "no answer from the KDC within 2 s"
status=0
out=$(printf '%s\n' "$second_password" | pamtester -v sspr-q kim authenticate 2>&1) || status=$?
check "host Q: an ordinary login does not ask the KDC of the reset" says "successfully authenticated"

[ "$failed" = 0 ] || tail -n 30 "$KDC_DIR/kadmind.log" "$KDC_DIR/kdc.log" | sed 's/^/# /'
checks_done
