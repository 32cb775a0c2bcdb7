#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The packaged pam_sspr on a real Debian system (12 or 13), as an admin and users
would meet it. Runs as root inside test_system.sh's private mount namespace,
against a freshly unpacked minimal system at ROOT, with the .debs at DEB,
LDAP_DEB (libpam-sspr-ldap) and KRB5_DEB (libpam-sspr-krb5; paths inside
ROOT).

usage: system_test.py ROOT DEB LDAP_DEB KRB5_DEB
       system_test.py --installed

--installed: the packages are already installed on this very system (an
autopkgtest testbed, debian/tests/installed): ROOT is /, nothing is
installed by the test, and the steps that need the .deb files (a reinstall
under dpkg-statoverride) are left out, saying so. Run it in a private mount
namespace: the syslog listener is mounted over /dev/log there. It ends by
removing and purging the package (breaks-testbed).

Every step is a real program inside the system (chroot): dpkg, the
maintainer scripts, pam-auth-update, sshd and the OpenSSH client over
keyboard-interactive, login on a pseudo-terminal, su and the setgid
sspr-enroll, sudo and su run by another user. Conversations are driven on pseudo-terminals and printed as
transcripts (passwords as asterisks). Syslog lines the system writes to
/dev/log are collected and checked. Ends with "N passed, N failed"."""
import base64
import hashlib
import hmac
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = ""
ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "TERM": "dumb",
    "LANG": "C.UTF-8",
    # Maintainer scripts (pam-auth-update) ask nothing without a terminal.
    "DEBIAN_FRONTEND": "noninteractive",
}
OLD_PASSWORD = "Old-Pass-4711!"
NEW_PASSWORD = "N3w-Secret-Pass!"
NEWER_PASSWORD = "Newer-Pass-0815!"
NEWEST_PASSWORD = "Newest-Pass-2024!"
SUDO_PASSWORD = "Sudo-Lantern-5190!"
SU_PASSWORD = "Su-Meadow-Quarry-38!"
BOB_PASSWORD = "Bob-Pass-1234!"
HELPDESK = "Call the IT helpdesk on 555-0100."

passed = 0
failed = 0
syslog_lines = []


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {name}", flush=True)
    else:
        failed += 1
        print(f"not ok - {name}", flush=True)
        for line in str(detail).splitlines()[-40:]:
            print(f"#   {line}", flush=True)
    return ok


def run(command, check_status=True, env=None, stdin=None):
    """Runs a shell command inside the system; returns (status, output)."""
    p = subprocess.run(["chroot", ROOT, "/bin/sh", "-c", command], env=env or ENV,
                       input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=300)
    if check_status and p.returncode != 0:
        raise RuntimeError(f"'{command}' failed ({p.returncode}):\n{p.stdout}")
    return p.returncode, p.stdout


def read_file(path, default=None):
    """The file at path inside the system; default (when given) if it
    cannot be read."""
    try:
        with open(ROOT + path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        if default is None:
            raise
        return default


# --- TOTP, RFC 6238, for the user's "authenticator app" ---------------------
class App:
    """The user's phone: computes codes, never reuses a time step (the
    module refuses replays), and waits when the next unused step is beyond
    the policy's window."""

    def __init__(self, secret, digits, period, window):
        self.key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.digits, self.period, self.window = digits, period, window
        self.last = -1

    def code_at(self, step):
        mac = hmac.new(self.key, struct.pack(">Q", step), hashlib.sha1).digest()
        off = mac[-1] & 0x0F
        value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
        return str(value % 10 ** self.digits).zfill(self.digits)

    def wrong_code(self):
        """A well-formed code that no nearby time step would accept."""
        now = int(time.time()) // self.period
        near = {self.code_at(now + d) for d in range(-12, 13)}
        n = 0
        while str(n).zfill(self.digits) in near:
            n += 1
        return str(n).zfill(self.digits)

    def code(self):
        while True:
            now = int(time.time()) // self.period
            step = max(now, self.last + 1)
            # A step of margin, so it is still in the window when the
            # module checks it a moment later.
            if step <= now + max(self.window - 1, 0):
                self.last = step
                return self.code_at(step)
            time.sleep(1)


# --- a person at a terminal ---------------------------------------------------
class Terminal:
    """A program on a pseudo-terminal. expect() waits for a pattern in what
    it printed since the last match; send() types a line. The transcript
    shows the output with what was typed (secrets as asterisks)."""

    def __init__(self, title, command):
        self.title = title
        self.transcript = ""
        self.buffer = ""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(command[0], command, ENV)
        self.status = None
        self.wait_status = None  # from waitpid, once the program has ended

    def _ended(self):
        if self.wait_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self.wait_status = status
        return True

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            # EIO while the program still runs: the terminal was hung up
            # under it (util-linux login, Debian 13's, calls vhangup() and
            # opens it again). Only the program's end is the end.
            if not self._ended():
                time.sleep(0.05)
                return False
            raise EOFError
        text = chunk.decode(errors="replace").replace("\r\n", "\n").replace("\r", "")
        self.buffer += text
        self.transcript += text
        return True

    def expect(self, pattern, timeout=30):
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.buffer)
            if m:
                self.buffer = self.buffer[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"timed out waiting for /{pattern}/")
            try:
                self._read(min(left, 0.5))
            except EOFError:
                m = regex.search(self.buffer)
                if m:
                    self.buffer = self.buffer[m.end():]
                    return m
                raise EOFError(f"program ended while waiting for /{pattern}/")

    def send(self, text, shown=None):
        if shown is None:
            shown = text
        self.transcript += (shown if text else "<Enter>") + "\n"
        # Our own typing, if echoed, is not program output to match.
        os.write(self.fd, text.encode() + b"\r")
        time.sleep(0.05)
        try:
            while self._read(0.2):
                pass
        except EOFError:
            pass
        if text and self.buffer.lstrip("\n").startswith(text):
            self.buffer = self.buffer.lstrip("\n")[len(text):]
        self.transcript = self.transcript.replace(shown + "\n" + text, shown, 1)

    def secret(self, text):
        self.send(text, "*" * len(text))

    def finish(self, timeout=30):
        """Reads to the end and returns the exit status."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._read(0.5)
        except EOFError:
            pass
        if time.monotonic() >= deadline:
            os.kill(self.pid, signal.SIGKILL)
        if self.wait_status is None:
            _, self.wait_status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(self.wait_status)
        return self.status

    def abort(self):
        try:
            if self.wait_status is None:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except OSError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass

    def show(self):
        print(f"# --- transcript: {self.title} ---")
        for line in self.transcript.rstrip("\n").splitlines():
            print(f"#   {line}")
        print("# ---", flush=True)


def converse(title, command, steps, timeout=30):
    """Runs COMMAND on a terminal through STEPS, a list of (pattern,
    answer, secret?) with answer None for "expect only". Returns (ok,
    terminal); ok is False when a pattern did not come."""
    term = Terminal(title, command)
    ok = True
    why = ""
    try:
        for pattern, answer, hidden in steps:
            term.expect(pattern, timeout)
            if answer is None:
                continue
            if callable(answer):
                answer = answer()
            if hidden:
                term.secret(answer)
            else:
                term.send(answer)
        term.finish(timeout)
    except (TimeoutError, EOFError) as e:
        ok = False
        why = str(e)
        term.abort()
    term.show()
    if not ok:
        print(f"#   ({why})")
    return ok, term


# --- syslog -------------------------------------------------------------------
def collect_syslog():
    """Listens on the system's /dev/log (the private /dev of the
    namespace) so the module's syslog lines can be checked. Where the
    system has its own (an installed testbed), the listener is mounted over
    it, in this private mount namespace only."""
    path = ROOT + "/dev/log"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if os.path.lexists(path):
        own = "/run/sspr-system-test.log.sock"
        if os.path.lexists(own):
            os.unlink(own)
        sock.bind(own)
        subprocess.run(["mount", "--bind", own, os.path.realpath(path)], check=True)
        os.chmod(own, 0o666)
    else:
        sock.bind(path)
        os.chmod(path, 0o666)

    def loop():
        while True:
            data = sock.recv(65536)
            syslog_lines.append(data.decode(errors="replace"))

    threading.Thread(target=loop, daemon=True).start()


# --- the SSH side ---------------------------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


SSHD_DROP_IN = "/etc/ssh/sshd_config.d/00-pam_sspr.conf"


def sshd_effective(option):
    """sshd's effective value of option (lower case), as sshd -T says."""
    _, out = run("sshd -T 2>&1", check_status=False)
    found = re.search(rf"^{option} (\S+)$", out, re.M)
    return found.group(1) if found else out


def configure_sshd():
    """Keyboard-interactive through PAM, the way README.md tells an admin:
    a drop-in, because Debian's sshd_config reads sshd_config.d first and
    then says "KbdInteractiveAuthentication no", and sshd keeps the first
    value it reads (a line appended to sshd_config does nothing)."""
    run("mkdir -p /run/sshd && chmod 0755 /run/sshd && "
        "{ ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -A; }")
    if os.path.exists(ROOT + SSHD_DROP_IN):
        return
    check("Debian's sshd_config turns keyboard-interactive off",
          sshd_effective("kbdinteractiveauthentication") == "no")
    status, out = run("sspr-admin doctor", check_status=False)
    print("# sspr-admin doctor, before sshd is set up:\n" +
          "\n".join("#   " + l for l in out.splitlines()))
    check("sspr-admin doctor finds Debian's 'KbdInteractiveAuthentication no' (exit 1)",
          status == 1 and re.search(r"^PROBLEM +sshd-kbdinteractive +sshd: "
                                    r"kbdinteractiveauthentication is 'no' \(sshd -T\)", out, re.M),
          out)
    check("sspr-admin doctor: the fix is a drop-in in /etc/ssh/sshd_config.d",
          "fix: printf 'KbdInteractiveAuthentication yes\\n' >> "
          "/etc/ssh/sshd_config.d/00-pam_sspr.conf" in out, out)
    with open(ROOT + "/etc/ssh/sshd_config", "a") as f:
        f.write("KbdInteractiveAuthentication yes\n")
    check("a line appended to sshd_config does not turn it on (sshd keeps the first value)",
          sshd_effective("kbdinteractiveauthentication") == "no")
    run("sed -i '$d' /etc/ssh/sshd_config")
    with open(ROOT + SSHD_DROP_IN, "w") as f:
        f.write("KbdInteractiveAuthentication yes\nUsePAM yes\n")
    check(f"the drop-in {SSHD_DROP_IN} turns it on (sshd -T)",
          sshd_effective("kbdinteractiveauthentication") == "yes" and
          sshd_effective("usepam") == "yes")
    status, out = run("sspr-admin doctor", check_status=False)
    print("# sspr-admin doctor, with the drop-in:\n" +
          "\n".join("#   " + l for l in out.splitlines()))
    check("sspr-admin doctor: no problem once pam-auth-update and the drop-in are done (exit 0)",
          status == 0 and re.search(r"^0 problems, \d+ warnings?: resets can work$", out, re.M) and
          re.search(r"^ok +pam-order +sshd: pam_sspr \(/etc/pam.d/common-auth:\d+\) before "
                    r"pam_unix", out, re.M), out)


class Sshd:
    def __init__(self):
        self.port = free_port()
        self.log = open(os.path.join(ROOT, "tmp/sshd.log"), "w")
        configure_sshd()
        self.proc = subprocess.Popen(
            ["chroot", ROOT, "/usr/sbin/sshd", "-D", "-e", "-p", str(self.port),
             "-o", "ListenAddress=127.0.0.1", "-o", "PasswordAuthentication=no",
             "-o", "PubkeyAuthentication=no", "-o", "PermitRootLogin=no",
             "-o", "PidFile=none", "-o", "MaxAuthTries=3"],
            env=ENV, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("sshd did not start:\n" + read_file("/tmp/sshd.log"))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def ssh_command(port, user, tries=1):
    # -tt: a shell on a terminal, so the login messages (the reset's
    # "Your password has been changed.") are shown as a person sees them.
    return ["chroot", ROOT, "ssh", "-tt", "-p", str(port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=keyboard-interactive",
            "-o", "PubkeyAuthentication=no", "-o", f"NumberOfPasswordPrompts={tries}",
            f"{user}@127.0.0.1"]


# pam_unix's "New password: " has a small p, so this is the login prompt only.
SSH_PASSWORD = r"Password: $"
SHELL = r"\$ $"


def in_shell(user):
    """Steps that run `id` in the shell the login landed in, and leave."""
    return [(SHELL, "id; exit", False), (rf"uid=\d+\({user}\)", None, False)]


def count(pattern, text):
    return len(re.findall(pattern, text, re.M))


def release():
    """The system's name and version, from its os-release."""
    fields = dict(line.split("=", 1) for line in read_file("/etc/os-release").splitlines()
                  if "=" in line)
    return fields.get("PRETTY_NAME", "Debian").strip('"')


def release_libroot():
    """/lib or /usr/lib: where this release's libpam (and so its PAM modules
    and units) lives, as dpkg knows it."""
    _, files = run("dpkg -L libpam0g")
    found = re.search(r"^(/usr)?/lib/[a-z0-9_]+-linux-[a-z0-9_]+/libpam\.so\.0$", files, re.M)
    return (found.group(1) or "") + "/lib" if found else "/nowhere"


# --- the scenario ---------------------------------------------------------------
def fail2ban_tests():
    """The shipped fail2ban filter, run by fail2ban-regex over the lines
    the module really wrote: it finds the host of every failed or refused
    reset over SSH, and nothing else."""
    shipped = f"{ROOT}/usr/share/doc/libpam-sspr/examples/fail2ban/pam-sspr.conf"
    check("the fail2ban filter is shipped", os.path.exists(shipped))
    if not os.path.exists(shipped):
        return
    work = os.path.join(ROOT, "tmp/fail2ban")
    os.makedirs(work, exist_ok=True)
    with open(shipped) as f, open(f"{work}/pam-sspr.conf", "w") as out:
        out.write(f.read())
    # common.conf is fail2ban's own: the host's (tools/deps.sh installs it).
    with open("/etc/fail2ban/filter.d/common.conf") as f, open(f"{work}/common.conf", "w") as out:
        out.write(f.read())
    lines = [re.sub(r"^<\d+>", "", l) for l in syslog_lines if "pam_sspr(" in l]
    with open(f"{work}/auth.log", "w") as f:
        f.write("\n".join(lines) + "\n")
    refused = r"(?:password reset|account unlock) (?:bad-code|bad-answer|replayed-code|" \
              r"not-eligible|not-enrolled|locked): .* rhost=(?!-)"
    want = sum(1 for l in lines if re.search(refused, l))
    p = subprocess.run(["fail2ban-regex", f"{work}/auth.log", f"{work}/pam-sspr.conf"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    found = re.search(r"^Lines: \d+ lines, \d+ ignored, (\d+) matched", p.stdout, re.M)
    print(f"# fail2ban-regex: {found.group(0) if found else p.stdout[-300:]}")
    check("there are refused resets from a remote host to find", want > 0, "\n".join(lines))
    check(f"fail2ban-regex with the shipped filter matches exactly those {want} lines",
          found is not None and int(found.group(1)) == want, p.stdout)

    # Values quoted as sspr_log_line quotes them, holding a forged rhost=:
    # only the real host of each line may be found, and none where the real
    # one is "-" (a local service whose name the caller chose).
    forged = [
        'pam_sspr(sshd:auth): password reset bad-code: user=alice uid=0 service=sshd '
        'rhost=198.51.100.7 tty=ssh ruser=- method=totp',
        'pam_sspr(sshd:auth): password reset bad-code: user=alice uid=0 service=sshd '
        'rhost=198.51.100.8 tty=ssh ruser="x rhost=203.0.113.9 method=totp" method=totp '
        'detail="a b"',
        'pam_sspr(app:auth): password reset locked: user=bob uid=1000 '
        'service="x\\" rhost=203.0.113.10 tty=a ruser=b method=totp" rhost=- tty=- ruser=- '
        'method=totp',
        'pam_sspr(app:auth): password reset not-enrolled: user=bob uid=1000 service=app '
        'rhost=- tty="a rhost=203.0.113.11 tty=" ruser=- method=-',
        # a local user's own PAM program names a victim as the remote host
        'pam_sspr(login:auth): password reset not-eligible: user=? uid=1000 service=login '
        'rhost=203.0.113.12 tty=- ruser=- method=- detail="invalid user name"',
    ]
    with open(f"{work}/forged.log", "w") as f:
        for i, l in enumerate(forged):
            f.write(f"Dec  3 06:10:0{i} host prog[{100 + i}]: {l}\n")
    p = subprocess.run(["fail2ban-regex", "-o", "ip", f"{work}/forged.log",
                        f"{work}/pam-sspr.conf"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    check("a forged rhost= inside a quoted value, or a line of a program a user runs, "
          "never names a host",
          p.stdout.split() == ["198.51.100.7", "198.51.100.8"], p.stdout)


def install_package(deb):
    if deb is None:
        status, out = run("dpkg-query -W -f='${Status}' libpam-sspr", check_status=False)
        check(f"the package is installed on {release()}", out.strip() == "install ok installed",
              out)
    else:
        status, out = run(f"dpkg -i {deb}", check_status=False)
        print("# dpkg -i:\n" + "\n".join("#   " + l for l in out.splitlines()))
        check(f"the package installs on a fresh {release()}", status == 0, out)
    _, groups = run("getent group sspr sspr-store", check_status=False)
    check("postinst created the eligibility group sspr", re.search(r"^sspr:", groups, re.M),
          groups)
    check("postinst created the store group sspr-store",
          re.search(r"^sspr-store:x:\d+:$", groups, re.M), groups)
    _, mode = run("stat -c '%a %U:%G' /usr/bin/sspr-enroll")
    check("sspr-enroll is root:sspr-store 2755", mode.strip() == "2755 root:sspr-store", mode)
    _, key = run("stat -c '%a %U' /etc/security/sspr/host.key /etc/security/sspr/host.pub",
                 check_status=False)
    check("postinst ran sspr-admin init: host key 0600 root, host.pub 0644",
          key.split("\n")[:2] == ["600 root", "644 root"], key)
    _, store = run("stat -c '%a %U:%G' /var/lib/sspr", check_status=False)
    check("the store is root:sspr-store 2770", store.strip() == "2770 root:sspr-store", store)
    _, files = run("find /var/lib/sspr -type f -printf '%m %u:%g\\n' | sort -u",
                   check_status=False)
    check("store files are root:sspr-store 0660",
          files.strip() != "" and set(files.split("\n")) - {""} == {"660 root:sspr-store"}, files)
    _, files = run("dpkg -L libpam-sspr")
    libroot = release_libroot()
    check(f"the module is in the release's multiarch PAM directory ({libroot}/<triplet>/security, "
          "beside its libpam)",
          re.search(rf"^{libroot}/[a-z0-9_]+-linux-[a-z0-9_]+/security/pam_sspr\.so$", files, re.M),
          files)
    check(f"the mail relay's units are in the release's unit directory ({libroot}/systemd/system)",
          re.search(rf"^{libroot}/systemd/system/sspr-mail\.socket$", files, re.M), files)
    common = read_file("/etc/pam.d/common-auth")
    check("the profile is off by default", "pam_sspr" not in common, common)
    _, conffiles = run("dpkg-query -W -f='${Conffiles}' libpam-sspr")
    for f in ("/etc/security/sspr.conf", "/etc/security/sspr-questions",
              "/etc/pam.d/sspr-passwd", "/etc/pam.d/sspr-enroll", "/etc/pam.d/sspr-sssd"):
        check(f"{f} is a conffile", f in conffiles, conffiles)
    for page in ("man8/pam_sspr.8", "man1/sspr-enroll.1", "man8/sspr-admin.8",
                 "man5/sspr.conf.5"):
        check(f"man page {page} installed",
              os.path.exists(f"{ROOT}/usr/share/man/{page}.gz"))
    # sspr-enroll's verification mails need the relay: shipped, and enabled
    # by the package (deb-systemd-helper, even without systemd running).
    check("sspr-mailer is installed",
          os.access(f"{ROOT}/usr/libexec/pam_sspr/sspr-mailer", os.X_OK))
    unit = f"{ROOT}{libroot}/systemd/system/sspr-mail.socket"
    check("sspr-mail.socket is shipped, listening on /run/sspr-mail/mail.sock for sspr-store",
          os.path.exists(unit) and "ListenStream=/run/sspr-mail/mail.sock" in open(unit).read()
          and "SocketGroup=sspr-store" in open(unit).read())
    check("sspr-mail.socket is enabled",
          os.path.lexists(f"{ROOT}/etc/systemd/system/sockets.target.wants/sspr-mail.socket"))


def enable_profile():
    status, out = run("pam-auth-update --enable sspr", check_status=False)
    check("pam-auth-update --enable sspr", status == 0, out)
    auth = read_file("/etc/pam.d/common-auth")
    lines = [l for l in auth.splitlines() if l.startswith("auth")]
    print("# common-auth:\n" + "\n".join("#   " + l for l in lines))
    sspr = next((i for i, l in enumerate(lines) if "pam_sspr.so" in l), None)
    unix = next((i for i, l in enumerate(lines) if "pam_unix.so" in l), None)
    check("common-auth: pam_sspr right in front of pam_unix",
          sspr is not None and unix == sspr + 1, auth)
    # pam_sspr never decides: a reset hands the new password to pam_unix.
    check("common-auth: auth optional pam_sspr.so (it never ends the stack)",
          sspr is not None and re.search(r"^auth\s+optional\s+pam_sspr\.so", lines[sspr]), auth)
    check("common-auth: pam_unix takes the password pam_sspr hands on (try_first_pass)",
          unix is not None and "try_first_pass" in lines[unix], auth)
    account = read_file("/etc/pam.d/common-account")
    check("common-account: account optional pam_sspr.so",
          re.search(r"^account\s+optional\s+pam_sspr\.so", account, re.M), account)


def profile_order():
    """pam_sspr takes its place without moving anyone else's: directly in
    front of pam_unix (Priority 256), after profiles of higher priority
    (pam_fprintd's 260, pam_krb5's 704) and before lower ones (pam_winbind's
    192, pam_sss's 128). Two stand-in profiles at 260 and 128, made of
    harmless real modules, are enabled, checked and removed again."""
    stand_ins = {"sspr-test-fprintd": (260, "pam_echo.so"),
                 "sspr-test-sss": (128, "pam_exec.so quiet /bin/true")}
    for name, (priority, module) in stand_ins.items():
        with open(f"{ROOT}/usr/share/pam-configs/{name}", "w") as f:
            f.write(f"Name: {name}\nDefault: no\nPriority: {priority}\nAuth-Type: Primary\n"
                    f"Auth:\n\t[success=end default=ignore]\t{module}\n")
    status, out = run("pam-auth-update --enable " + " ".join(stand_ins), check_status=False)
    check("pam-auth-update enables the stand-in profiles", status == 0, out)
    lines = [l for l in read_file("/etc/pam.d/common-auth").splitlines() if l.startswith("auth")]
    print("# common-auth with stand-ins at priorities 260 and 128:\n" +
          "\n".join("#   " + l for l in lines))

    def at(module):
        return next((i for i, l in enumerate(lines) if module in l), -1)
    echo, sspr, unix, exe = at("pam_echo.so"), at("pam_sspr.so"), at("pam_unix.so"), at("pam_exec.so")
    check("common-auth: a higher-priority module (260) stays in front of pam_sspr",
          0 <= echo < sspr, "\n".join(lines))
    check("common-auth: pam_sspr is still directly in front of pam_unix",
          sspr >= 0 and unix == sspr + 1, "\n".join(lines))
    check("common-auth: a lower-priority module (128) stays after pam_unix",
          unix >= 0 and exe > unix, "\n".join(lines))
    status, out = run("pam-auth-update --remove " + " ".join(stand_ins), check_status=False)
    for name in stand_ins:
        os.unlink(f"{ROOT}/usr/share/pam-configs/{name}")
    auth = read_file("/etc/pam.d/common-auth")
    check("the stand-ins are gone again",
          status == 0 and "pam_echo" not in auth and "pam_exec" not in auth, out + auth)


def add_users():
    run(f"useradd -m -s /bin/bash alice && echo 'alice:{OLD_PASSWORD}' | chpasswd && "
        "usermod -aG sspr alice")
    run(f"useradd -m -s /bin/bash bob && echo 'bob:{BOB_PASSWORD}' | chpasswd && "
        "usermod -aG sspr bob")
    # Room for several resets within a minute: each needs an unused time
    # step (replays are refused), so allow three steps ahead instead of
    # waiting half a minute between them. The helpdesk text is checked on
    # a refusal.
    with open(ROOT + "/etc/security/sspr.conf", "a") as f:
        f.write(f"totp_window = 3\nhelpdesk = {HELPDESK}\n")
    status, out = run("sspr-admin check-config", check_status=False)
    check("sspr-admin check-config accepts the edited policy", status == 0, out)


def enroll_alice():
    """alice enrolls herself, unprivileged, through su and the setgid
    helper; the URI gives us her "app"."""
    app = {}

    def confirm():
        m = re.search(r"otpauth://totp/[^\s]*", term_holder[0].transcript)
        q = urllib.parse.parse_qs(urllib.parse.urlparse(m.group(0)).query)
        app["app"] = App(q["secret"][0], int(q.get("digits", ["6"])[0]),
                         int(q.get("period", ["30"])[0]), 3)
        return app["app"].code()

    term_holder = [None]
    steps = [(r"Password: ?$", OLD_PASSWORD, True),
             (r"otpauth://totp/\S*secret=[A-Z2-7]+\S*", None, False),
             (r"confirm: ?$", confirm, False),
             (r"registered", None, False)]
    # converse() with a hook so confirm() can read what was printed.
    term = Terminal("alice: su - alice -c 'sspr-enroll --no-qr totp'",
                    ["chroot", ROOT, "su", "-", "alice", "-c", "sspr-enroll --no-qr totp"])
    term_holder[0] = term
    ok = True
    try:
        for pattern, answer, hidden in steps:
            term.expect(pattern)
            if answer is None:
                continue
            answer = answer() if callable(answer) else answer
            term.secret(answer) if hidden else term.send(answer)
        status = term.finish()
    except (TimeoutError, EOFError, AttributeError, KeyError) as e:
        ok = False
        status = None
        print(f"#   ({e})")
        term.abort()
    term.show()
    check("alice enrolls an authenticator app with sspr-enroll as herself", ok and status == 0,
          term.transcript)
    status, out = run("su - alice -c 'sspr-enroll status'", check_status=False)
    check("sspr-enroll status shows the app", status == 0 and "totp" in out.lower(), out)
    for what, command in (
            ("host.key", "cat /etc/security/sspr/host.key"),
            ("the store directory", "ls /var/lib/sspr"),
            ("the store's data", "cat /var/lib/sspr/data.mdb")):
        status, out = run(f"su - alice -c '{command}'", check_status=False)
        check(f"alice cannot read {what}", status != 0 and "ermission denied" in out, out)
    _, ids = run("su - alice -c id")
    check("alice is not in sspr-store (setgid is the only way in)", "sspr-store" not in ids, ids)
    _, ids = run("su - alice -c 'id -Gn'")
    check("alice is in sspr (may reset)", "sspr" in ids.split(), ids)
    return app.get("app")


# The shipped policy allows every method and hides who enrolled what, so
# every reset starts with the same menu of all four; the authenticator app
# is item 1.
METHOD_MENU = (r"Choose 1-4: $", "1", False)


def ssh_tests(app):
    sshd = Sshd()
    try:
        # bob: a normal password login, asked once, and the reminder.
        ok, t = converse("ssh bob@127.0.0.1 (ordinary login, not enrolled)",
                         ssh_command(sshd.port, "bob"),
                         [(SSH_PASSWORD, BOB_PASSWORD, True)] + in_shell("bob"))
        check("ssh: an ordinary password login works with the profile on", ok, t.transcript)
        check("ssh: the password is asked exactly once",
              count(r"Password: ", t.transcript) == 1, t.transcript)
        check("ssh: the account hook reminds bob to enroll",
              "You have not set up self-service password reset" in t.transcript, t.transcript)

        # alice forgot her password.
        ok, t = converse("ssh alice@127.0.0.1: password reset",
                         ssh_command(sshd.port, "alice"),
                         [(SSH_PASSWORD, "", False),
                          METHOD_MENU,
                          (r"Verification code from your authenticator app: $", app.code, False),
                          (r"New password: $", NEW_PASSWORD, True),
                          (r"Retype new password: $", NEW_PASSWORD, True),
                          (r"Your password has been changed\.", None, False)]
                         + in_shell("alice"))
        check("ssh: Enter, code, new password twice, and alice is in a shell", ok,
              t.transcript)
        check("ssh: no question for the old password", "urrent" not in t.transcript,
              t.transcript)
        check("ssh: the reset session exits 0", t.status == 0, t.status)
        check("syslog: one 'password reset success' line for alice over sshd, with sshd's "
              "tty and the remote host",
              sum(1 for l in syslog_lines if "password reset success: user=alice uid=0 service=sshd "
                  "rhost=127.0.0.1 tty=ssh ruser=- method=" in l) == 1, "\n".join(syslog_lines))

        ok, t = converse("ssh alice@127.0.0.1 with the new password",
                         ssh_command(sshd.port, "alice"),
                         [(SSH_PASSWORD, NEW_PASSWORD, True)] + in_shell("alice"))
        check("ssh: the new password logs in, asked once",
              ok and count(r"Password: ", t.transcript) == 1, t.transcript)

        ok, t = converse("ssh alice@127.0.0.1 with the old password",
                         ssh_command(sshd.port, "alice"),
                         [(SSH_PASSWORD, OLD_PASSWORD, True),
                          (r"Permission denied", None, False)])
        check("ssh: the old password is refused", ok and t.status != 0, t.transcript)

        # A wrong code: refused with the helpdesk text, password untouched.
        ok, t = converse("ssh alice@127.0.0.1: reset with a wrong code",
                         ssh_command(sshd.port, "alice"),
                         [(SSH_PASSWORD, "", False),
                          METHOD_MENU,
                          (r"Verification code from your authenticator app: $",
                           app.wrong_code, False),
                          (re.escape(HELPDESK), None, False),
                          (SSH_PASSWORD, NEW_PASSWORD, True)] + in_shell("alice"))
        check("ssh: a wrong code is refused with the helpdesk text and the password asked "
              "again", ok, t.transcript)

        # trigger=offer on the sshd service, after a wrong password.
        sshd_pam = read_file("/etc/pam.d/sshd")
        offer = ("auth [success=3 default=ignore] pam_unix.so\n"
                 "auth [ignore=ignore default=die] pam_sspr.so trigger=offer\n"
                 "auth [success=1 default=ignore] pam_unix.so try_first_pass\n"
                 "auth requisite pam_deny.so\n"
                 "auth required pam_permit.so\n")
        with open(ROOT + "/etc/pam.d/sshd", "w") as f:
            f.write(sshd_pam.replace("@include common-auth", offer, 1))
        try:
            ok, t = converse("ssh alice@127.0.0.1: trigger=offer after a wrong password",
                             ssh_command(sshd.port, "alice"),
                             [(SSH_PASSWORD, "wrong-password", True),
                              (r"Forgot your password\? Reset it now\? \[y/N\] $", "y", False),
                              METHOD_MENU,
                              (r"Verification code from your authenticator app: $", app.code,
                               False),
                              (r"New password: $", NEWER_PASSWORD, True),
                              (r"Retype new password: $", NEWER_PASSWORD, True),
                              (r"Your password has been changed\.", None, False)]
                             + in_shell("alice"))
            check("ssh, trigger=offer: wrong password, 'y', code, new password twice, shell",
                  ok, t.transcript)
            ok, t = converse("ssh alice@127.0.0.1 (trigger=offer stack, right password)",
                             ssh_command(sshd.port, "alice"),
                             [(SSH_PASSWORD, NEWER_PASSWORD, True)] + in_shell("alice"))
            check("ssh, trigger=offer: the right password logs in without an offer",
                  ok and "Forgot" not in t.transcript, t.transcript)
        finally:
            with open(ROOT + "/etc/pam.d/sshd", "w") as f:
                f.write(sshd_pam)

        # Disabling the profile leaves ordinary logins working.
        status, out = run("pam-auth-update --disable sspr", check_status=False)
        check("pam-auth-update --disable sspr", status == 0
              and "pam_sspr" not in read_file("/etc/pam.d/common-auth")
              and "pam_sspr" not in read_file("/etc/pam.d/common-account"), out)
        ok, t = converse("ssh alice@127.0.0.1 with the profile disabled",
                         ssh_command(sshd.port, "alice"),
                         [(SSH_PASSWORD, NEWER_PASSWORD, True)] + in_shell("alice"))
        check("ssh: with the profile disabled the password logs in", ok, t.transcript)
        run("pam-auth-update --enable sspr")
    finally:
        sshd.stop()
    print("# sshd log:\n" + "\n".join("#   " + l for l in read_file("/tmp/sshd.log")
                                      .splitlines()[-15:]))


def console_tests(app):
    login = ["chroot", ROOT, "login", "alice"]
    ok, t = converse("login alice on a terminal: password reset", login,
                     [(r"^Password: $", "", False),
                      METHOD_MENU,
                      (r"Verification code from your authenticator app: $", app.code, False),
                      (r"New password: $", NEWEST_PASSWORD, True),
                      (r"Retype new password: $", NEWEST_PASSWORD, True),
                      (r"Your password has been changed\.", None, False)] + in_shell("alice"))
    check("login: Enter, code, new password twice, and alice is in a shell", ok, t.transcript)
    check("syslog: the reset over login is logged",
          any("password reset success: user=alice uid=0 service=login " in l for l in syslog_lines),
          "\n".join(syslog_lines))
    ok, t = converse("login alice with the new password", login,
                     [(r"^Password: $", NEWEST_PASSWORD, True)] + in_shell("alice"))
    check("login: the new password logs in, asked once",
          ok and count(r"Password: ", t.transcript) == 1, t.transcript)


def reset_through(app, title, caller, command, password, done):
    """A reset at COMMAND run by CALLER (a setuid-root program whose real
    uid is the caller's): Enter, a code, the new password twice, then the
    DONE pattern. Returns (ok, transcript, shadow entry changed)."""
    before = shadow_entry(read_file("/etc/shadow"), "alice")
    ok, t = converse(title,
                     ["chroot", ROOT, "setpriv", f"--reuid={caller}", f"--regid={caller}",
                      "--init-groups"] + command,
                     [(r"[Pp]assword[^:\n]*: $", "", False),
                      METHOD_MENU,
                      (r"Verification code from your authenticator app: $", app.code, False),
                      (r"New password: $", password, True),
                      (r"Retype new password: $", password, True),
                      (r"Your password has been changed\.", None, False),
                      (done, None, False)])
    return ok, t.transcript, before != shadow_entry(read_file("/etc/shadow"), "alice")


def setuid_caller_tests(app):
    """sudo and su run by another user: setuid-root callers whose real uid
    is the user's, through the enabled profile (common-auth)."""
    run("echo 'alice ALL=(ALL:ALL) ALL' >/etc/sudoers.d/alice && chmod 440 /etc/sudoers.d/alice")
    ok, text, changed = reset_through(app, "alice: sudo, having forgotten her password",
                                      "alice", ["sudo", "-k", "id", "-u"], SUDO_PASSWORD,
                                      r"(?m)^0\r?$")
    check("sudo: Enter, code, new password twice, and the command runs as root", ok, text)
    check("sudo: no question for the current password", "urrent" not in text, text)
    check("sudo: alice's shadow entry changed", changed)
    _, alice_uid = run("id -u alice")
    check("syslog: the reset over sudo is logged, with the caller's uid (alice's, as pam_unix "
          "gives it)",
          any(f"password reset success: user=alice uid={alice_uid.strip()} service=sudo " in l
              for l in syslog_lines), "\n".join(syslog_lines))

    ok, text, changed = reset_through(app, "bob: su - alice, for alice who forgot her password",
                                      "bob", ["su", "-", "alice", "-c", "id -un"],
                                      SU_PASSWORD, r"(?m)^alice\r?$")
    check("su run by bob: Enter, alice's code, new password twice, and a shell as alice", ok,
          text)
    check("su run by bob: no question for the current password", "urrent" not in text, text)
    check("su run by bob: alice's shadow entry changed", changed)


def shadow_entry(text, user):
    return next((l for l in text.splitlines() if l.startswith(user + ":")), "")


def statoverride_tests(deb):
    if deb is None:
        print("# not run here: a dpkg-statoverride across a reinstall (needs the .deb)")
        return
    run("dpkg-statoverride --add root root 0755 /usr/bin/sspr-enroll")
    run(f"dpkg -i {deb}")
    _, mode = run("stat -c '%a %U:%G' /usr/bin/sspr-enroll")
    check("a dpkg-statoverride on sspr-enroll survives a reinstall",
          mode.strip() == "755 root:root", mode)
    run("dpkg-statoverride --remove /usr/bin/sspr-enroll")
    run(f"dpkg -i {deb}")
    _, mode = run("stat -c '%a %U:%G' /usr/bin/sspr-enroll")
    check("without the override, a reinstall makes it 2755 root:sspr-store again",
          mode.strip() == "2755 root:sspr-store", mode)
    check("a reinstall keeps the enabled profile",
          "pam_sspr" in read_file("/etc/pam.d/common-auth"))


def removal_tests(deb):
    status, out = run("dpkg -r libpam-sspr", check_status=False)
    print("# dpkg -r:\n" + "\n".join("#   " + l for l in out.splitlines()))
    check("the package removes", status == 0, out)
    for f in ("common-auth", "common-account", "common-password", "common-session"):
        text = read_file(f"/etc/pam.d/{f}")
        check(f"after removal {f} names no pam_sspr", "pam_sspr" not in text, text)
    check("after removal the module is gone",
          run("for f in /lib/*/security/pam_sspr.so /usr/lib/*/security/pam_sspr.so; do "
              "[ -e \"$f\" ] && exit 1; done; exit 0", check_status=False)[0] == 0)
    check("remove keeps the store and the key (a reinstall finds them)",
          os.path.exists(ROOT + "/var/lib/sspr") and
          os.path.exists(ROOT + "/etc/security/sspr/host.key"))

    sshd = Sshd()
    try:
        ok, t = converse("ssh alice@127.0.0.1 after removal", ssh_command(sshd.port, "alice"),
                         [(SSH_PASSWORD, NEWEST_PASSWORD, True)] + in_shell("alice"))
        check("after removal ssh logins work", ok, t.transcript)
    finally:
        sshd.stop()
    ok, t = converse("login bob after removal", ["chroot", ROOT, "login", "bob"],
                     [(r"^Password: $", BOB_PASSWORD, True)] + in_shell("bob"))
    check("after removal console logins work", ok, t.transcript)

    status, out = run("dpkg -P libpam-sspr", check_status=False)
    print("# dpkg -P:\n" + "\n".join("#   " + l for l in out.splitlines()))
    check("the package purges", status == 0, out)
    check("purge deletes the store", not os.path.exists(ROOT + "/var/lib/sspr"))
    check("purge deletes the host key pair",
          not os.path.exists(ROOT + "/etc/security/sspr/host.key")
          and not os.path.exists(ROOT + "/etc/security/sspr/host.pub"))
    check("purge deletes the policy file", not os.path.exists(ROOT + "/etc/security/sspr.conf"))
    _, groups = run("getent group sspr sspr-store", check_status=False)
    check("purge keeps the groups (documented)", groups.count("\n") == 2, groups)
    ok, t = converse("login alice after purge", ["chroot", ROOT, "login", "alice"],
                     [(r"^Password: $", NEWEST_PASSWORD, True)] + in_shell("alice"))
    check("after purge console logins work", ok, t.transcript)


def directory_backend_tests(ldap_deb):
    """The directory store comes in its own package: installed, the module and
    tools find its backend where they were built to look; removed, they say
    so. No server here: reaching libldap's "Can't contact" proves the load."""
    _, files = run("dpkg -L libpam-sspr", check_status=False)
    check("libpam-sspr ships no directory backend", "sspr_store_ldap" not in files, files)
    if ldap_deb is None:
        status, out = run("dpkg-query -W -f='${Status}' libpam-sspr-ldap", check_status=False)
        check("libpam-sspr-ldap is installed", out.strip() == "install ok installed", out)
    else:
        status, out = run(f"dpkg -i {ldap_deb}", check_status=False)
        check("libpam-sspr-ldap installs", status == 0, out)
    _, files = run("dpkg -L libpam-sspr-ldap", check_status=False)
    check("the backend and the slapd schema are in libpam-sspr-ldap",
          re.search(r"/pam_sspr/sspr_store_ldap\.so$", files, re.M) and
          "/usr/share/pam_sspr/ldap/sspr.ldif" in files, files)
    conf = "/tmp/sspr-ldap.conf"
    with open(f"{ROOT}{conf}", "w") as f:
        f.write("store_backend = ldap\nldap_uri = ldapi://%2Frun%2Fsspr-none%2Fldapi\n"
                "ldap_base = ou=sspr,dc=example,dc=org\nldap_timeout = 2\n")
    status, out = run(f"sspr-admin --config {conf} list", check_status=False)
    check("with the backend installed, sspr-admin reaches libldap",
          status == 1 and "Can't contact LDAP server" in out, out)
    run("dpkg -r libpam-sspr-ldap", check_status=False)
    status, out = run(f"sspr-admin --config {conf} list", check_status=False)
    check("without it, a one-line error names the missing backend",
          status == 1 and "cannot find the directory store backend" in out, out)


def krb5_backend_tests(krb5_deb):
    """The Kerberos password backend comes in its own package too, so that
    hosts which never set passwords at a KDC do not install libkrb5 for it."""
    _, files = run("dpkg -L libpam-sspr", check_status=False)
    check("libpam-sspr ships no Kerberos backend", "sspr_passwd_krb5" not in files, files)
    if krb5_deb is None:
        _, out = run("dpkg-query -W -f='${Status}' libpam-sspr-krb5", check_status=False)
        check("libpam-sspr-krb5 is installed", out.strip() == "install ok installed", out)
    else:
        status, out = run(f"dpkg -i {krb5_deb}", check_status=False)
        check("libpam-sspr-krb5 installs", status == 0, out)
    _, files = run("dpkg -L libpam-sspr-krb5", check_status=False)
    check("the backend and the kadm5.acl example are in libpam-sspr-krb5",
          re.search(r"/pam_sspr/sspr_passwd_krb5\.so$", files, re.M) and
          "/usr/share/pam_sspr/krb5/kadm5.acl.example" in files, files)
    status, out = run("dpkg -r libpam-sspr-krb5", check_status=False)
    check("libpam-sspr-krb5 removes, leaving libpam-sspr", status == 0, out)


def main():
    global ROOT
    if sys.argv[1:] == ["--installed"]:
        ROOT, deb, ldap_deb, krb5_deb = "/", None, None, None
    elif len(sys.argv) == 5:
        ROOT, deb, ldap_deb, krb5_deb = sys.argv[1:5]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    collect_syslog()
    try:
        install_package(deb)
        enable_profile()
        profile_order()
        add_users()
        app = enroll_alice()
        if app is None:
            check("enrollment gave a TOTP secret", False)
        else:
            ssh_tests(app)
            fail2ban_tests()
            setuid_caller_tests(app)
            console_tests(app)
        directory_backend_tests(ldap_deb)
        krb5_backend_tests(krb5_deb)
        statoverride_tests(deb)
        removal_tests(deb)
    except Exception as e:  # a broken step is a failure, with its cause
        check(f"the scenario ran to its end ({type(e).__name__})", False, str(e))
    print("# syslog lines from pam_sspr:")
    for line in syslog_lines:
        if "pam_sspr" in line:
            print("#   " + line.strip())
    print(f"system: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
