#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A password reset at a graphical login: a real LightDM on Xvfb, inside
the minimal system at ROOT (test_system.sh's "greeter" system), with a
scripted greeter (greeter/sspr_greeter.py) that speaks LightDM's greeter
protocol through liblightdm's GObject bindings and shows every message
and prompt in a GTK window, as a real greeter does.

usage: greeter_test.py [--language LANG] ROOT DEB ARTIFACT_DIR

Runs as root inside test_system.sh's private mount namespace (like
system_test.py). It installs DEB (a path inside ROOT), enables the
profile, creates alice and enrolls her recovery codes (and an
authenticator app, so the menu has more than one item whatever the
policy hides), sets LightDM up (greeter/50-sspr-test.conf: the scripted
greeter, the test session greeter/sspr-test.desktop, Xvfb through
greeter/xvfb-wrapper.sh), starts a system D-Bus (LightDM owns its name
there; no logind runs) and LightDM. The greeter then:
  reset: alice, Enter at "Password:", the method menu (one prompt: the
         question, the items, "Choose 1-N:") by the number of the recovery
         codes item, a recovery code, the new password twice, "Your
         password has been changed." with "Press Enter to continue." in the
         same conversation (so it is on the screen until the user goes on),
         and alice's session;
  login: alice with the old password (refused), then with the new one
         (her session, no reset).
Every prompt and message is a screenshot in ARTIFACT_DIR/LANG/, with
LightDM's logs. Checks what the greeter saw and showed, the session's
marker, the shadow entry and the module's syslog line; prints a
transcript and "N passed, N failed"; exits 1 on any failure.

Languages: the prompts the scenario expects come from PROMPTS, a table of
msgids; for a language other than English each is looked up at run time
with gettext inside ROOT, so no translation is written here. Without
--language, English runs, then German as a German system has it: the
de_DE.UTF-8 locale compiled (localedef), LightDM started with
LANG=de_DE.UTF-8 and LANGUAGE=de_DE:de (it never calls setlocale, so the
module takes the language from its environment). --language runs one."""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import system_test as base
from system_test import ENV, check, collect_syslog, read_file, run, syslog_lines

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = ""  # the system's root, also system_test.ROOT (its helpers read it)
GREETER_SRC = os.path.join(HERE, "greeter")
LIB = "/usr/local/lib/sspr-greeter-test"      # the greeter's files, inside ROOT
OUT = "/tmp/sspr-greeter-test"                # events, markers, screenshots, inside ROOT
SCRIPT = "/etc/sspr-greeter-test/script.json"  # the greeter's script, inside ROOT
OLD_PASSWORD = "Old-Pass-4711!"
PASSWORDS = {"en": "Greeter-Lantern-5190!", "de": "Anmelde-Wiese-3847!"}
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # any base32 secret: the app is never used
RUN_TIMEOUT = 120   # seconds for one greeter run (a reset, a login)
STEP_TIMEOUT = 30   # seconds the greeter waits for its next prompt or message

# What the scenario expects, as msgids: (text, text domains to look it up
# in, first that translates it wins). "Password: " is libpam's own prompt
# (pam_get_authtok); the new-password prompts are those of the password
# service (sspr-passwd: pam_pwquality, pam_unix) that pam_sspr relays, or
# pam_sspr's own where it writes the password itself (a writeback backend).
# LightDM never calls setlocale(), so in its session child (where PAM
# runs) LC_MESSAGES is "C": pam_sspr then makes the locale of LightDM's
# LANG its thread's for the reset. The ordinary "Password: " is asked
# before (libpam's, in the application's language: English here, as
# without the module). The new-password prompts come from whichever module
# of sspr-passwd asks (pam_pwquality, pam_unix), inside the reset, with
# their catalogues: expected translated or English. pam_sspr's own texts
# must be translated.
LOCALES = {"de": {"LANG": "de_DE.UTF-8", "LANGUAGE": "de_DE:de"}}
APPLICATIONS = ("password",)  # the application's language, not the reset's
PROMPTS = {
    "password": ("Password: ", ["Linux-PAM"]),
    "menu_question": ("\nChoose 1-%u: ", ["pam_sspr"]),
    "menu_item": ("With one of your recovery codes", ["pam_sspr"]),
    "recovery": ("Recovery code: ", ["pam_sspr"]),
    "new": ("New password: ", ["pam_sspr", "libpwquality", "Linux-PAM"]),
    "retype": ("Retype new password: ", ["pam_sspr", "libpwquality", "Linux-PAM"]),
    "changed": ("Your password has been changed.", ["pam_sspr"]),
    "press_enter": ("Press Enter to continue.", ["pam_sspr"]),
}

processes = []  # (name, Popen) we started, stopped at the end


def write_file(path, text, mode=0o644):
    os.makedirs(os.path.dirname(ROOT + path), exist_ok=True)
    with open(ROOT + path, "w") as f:
        f.write(text)
    os.chmod(ROOT + path, mode)


def indent(text):
    return "\n".join("#   " + l for l in text.rstrip("\n").splitlines())


# --- the prompts, per language -----------------------------------------------------
def translate(msgid, domains, language):
    """(msgid as shown in language, its text domain): English is the msgid;
    otherwise gettext(1) inside the system, in the first domain that has
    it (None: no domain has it)."""
    if language == "en":
        return msgid, None
    env = dict(ENV, **LOCALES[language])
    for domain in domains:
        p = subprocess.run(["chroot", ROOT, "gettext", "-d", domain, msgid], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=30)
        if p.returncode == 0 and p.stdout != msgid:
            return p.stdout, domain
    return msgid, None


def pattern(text):
    """A regex for a (translated) format string: %u and %d are numbers
    (captured), %s is any text."""
    parts = re.split(r"(%[uds])", text)
    out = ""
    for part in parts:
        if part in ("%u", "%d"):
            out += r"(\d+)"
        elif part == "%s":
            out += r".*"
        else:
            out += re.escape(part)
    return out


def prompt_table(language):
    """{key: [texts the greeter may show]}: the translation first; for a
    text not of pam_sspr's domain the English one too (see PROMPTS)."""
    table = {}
    why = ""
    if language != "en" and translate("Password: ", ["Linux-PAM"], language)[1] is None:
        why = (f"; gettext translates nothing here with {LOCALES[language]}, "
               "not even Linux-PAM's 'Password: ' (is the locale compiled?)")
    for key, (msgid, domains) in PROMPTS.items():
        text, domain = translate(msgid, domains, language)
        if key in APPLICATIONS:
            table[key] = [msgid]
            continue
        table[key] = [text] if domain in (None, "pam_sspr") else [text, msgid]
        if language == "en":
            continue
        if domains == ["pam_sspr"]:
            check(f"{language}: pam_sspr translates '{msgid.strip()}' ({text.strip()!r}, "
                  "differs from English)", domain == "pam_sspr" and text != msgid,
                  ("gettext -d pam_sspr gave the msgid back" if domain is None else
                   f"only {domain} translates it") + why)
        else:
            print(f"# {language}: '{msgid.strip()}' (not only pam_sspr's; translated by "
                  f"{domain or 'none'} of {', '.join(domains)}): {text.strip()!r} or English")
    return table


def alternatives(texts):
    return "(?:" + "|".join(pattern(t.strip()) for t in texts) + ")"


def exact(texts):
    """A whole prompt: one of the texts, white space at its ends aside."""
    return r"^\s*" + alternatives(texts) + r"\s*$"


def question(texts):
    """The menu's question: the last line of the prompt."""
    return r"(?:^|\n)\s*" + alternatives(texts) + r"\s*$"


def scenario(t, code, old, new):
    """The greeter's runs: the reset, then a login with old and new."""
    menu_question = question(t["menu_question"])
    reset = [
        {"name": "password", "kind": "prompt", "pattern": exact(t["password"]), "answer": ""},
        {"name": "menu", "kind": "prompt", "pattern": menu_question,
         "menu_item": alternatives(t["menu_item"])},
        {"name": "recovery-code", "kind": "prompt", "pattern": exact(t["recovery"]),
         "answer": code},
        {"name": "new-password", "kind": "prompt", "pattern": exact(t["new"]), "answer": new},
        {"name": "retype", "kind": "prompt", "pattern": exact(t["retype"]), "answer": new},
        {"name": "changed", "kind": "message", "pattern": alternatives(t["changed"])},
        {"name": "press-enter", "kind": "prompt", "pattern": exact(t["press_enter"]),
         "answer": ""},
    ]
    login_old = [{"name": "password", "kind": "prompt", "pattern": exact(t["password"]),
                  "answer": old}]
    login_new = [{"name": "password", "kind": "prompt", "pattern": exact(t["password"]),
                  "answer": new}]
    return [
        {"name": "reset", "attempts": [
            {"name": "reset", "user": "alice", "steps": reset, "expect": "authenticated",
             "session": "sspr-test"}]},
        {"name": "login", "attempts": [
            {"name": "old-password", "user": "alice", "steps": login_old, "expect": "refused"},
            {"name": "new-password", "user": "alice", "steps": login_new,
             "expect": "authenticated", "session": "sspr-test"}]},
    ]


# --- the system -------------------------------------------------------------------
def install(deb):
    status, out = run(f"dpkg -i {deb}", check_status=False)
    check("the package installs", status == 0, out)
    status, out = run("pam-auth-update --enable sspr", check_status=False)
    auth = read_file("/etc/pam.d/common-auth")
    check("pam-auth-update --enable sspr puts pam_sspr in common-auth",
          status == 0 and re.search(r"^auth\s+optional\s+pam_sspr\.so", auth, re.M), out + auth)
    lightdm_pam = read_file("/etc/pam.d/lightdm")
    check("LightDM's PAM service includes common-auth", "@include common-auth" in lightdm_pam,
          lightdm_pam)


def add_alice():
    run(f"useradd -m -s /bin/bash alice && echo 'alice:{OLD_PASSWORD}' | chpasswd && "
        "usermod -aG sspr alice")
    # An authenticator app besides the codes: the menu has two items even
    # where the policy lists only the user's own methods.
    status, out = run("sspr-admin enroll alice totp --secret-stdin", check_status=False,
                      stdin=TOTP_SECRET + "\n")
    check("sspr-admin enroll alice totp --secret-stdin", status == 0, out)
    # alice makes her recovery codes herself: sspr-enroll asks her password
    # first (read from stdin when it is not a terminal).
    status, out = run("su - alice -c 'sspr-enroll recovery'", check_status=False,
                      stdin=OLD_PASSWORD + "\n")
    codes = re.findall(r"^\s*\d+\.\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})\s*$", out, re.M)
    check("alice makes recovery codes with sspr-enroll recovery", status == 0 and len(codes) >= 2,
          out)
    return codes


def configure_lightdm():
    """The greeter's files, the session, the drop-in, and a pam_exec line
    logging what LightDM hands to PAM."""
    os.makedirs(ROOT + LIB, exist_ok=True)
    for name in ("sspr_greeter.py", "shot.py", "session.sh", "session_window.py",
                 "xvfb-wrapper.sh", "pam-env.sh"):
        shutil.copy(os.path.join(GREETER_SRC, name), ROOT + LIB + "/" + name)
        os.chmod(ROOT + LIB + "/" + name, 0o755)
    for name, dest in (("sspr-test-greeter.desktop", "/usr/share/xgreeters"),
                       ("sspr-test.desktop", "/usr/share/xsessions"),
                       ("50-sspr-test.conf", "/etc/lightdm/lightdm.conf.d")):
        os.makedirs(ROOT + dest, exist_ok=True)
        shutil.copy(os.path.join(GREETER_SRC, name), ROOT + dest + "/" + name)
    # The package makes it in its postinst only where it is missing from the
    # tarball (dpkg does not ship /var/log directories).
    os.makedirs(ROOT + "/var/log/lightdm", exist_ok=True)
    pam = read_file("/etc/pam.d/lightdm")
    if "pam-env.sh" not in pam:
        log = f"optional pam_exec.so quiet {LIB}/pam-env.sh\n"
        write_file("/etc/pam.d/lightdm", f"auth {log}session {log}" + pam)


def fresh_out():
    if os.path.exists(ROOT + OUT):
        shutil.rmtree(ROOT + OUT)
    os.makedirs(ROOT + OUT)
    os.chmod(ROOT + OUT, 0o1777)  # the greeter (user lightdm) and alice's session write here
    for log in ("sspr-pam-env.log", "sspr-xserver-args.log"):
        if os.path.exists(ROOT + "/var/log/lightdm/" + log):
            os.unlink(ROOT + "/var/log/lightdm/" + log)


def start(name, command, log, env=None):
    f = open(log, "w")
    p = subprocess.Popen(command, env=env or ENV, stdout=f, stderr=subprocess.STDOUT,
                         start_new_session=True)
    processes.append((name, p))
    return p


def start_dbus(logdir):
    """A system bus: LightDM owns org.freedesktop.DisplayManager there and
    exits without it. No logind: LightDM then runs its seat itself."""
    os.makedirs(ROOT + "/run/dbus", exist_ok=True)
    run("dbus-uuidgen --ensure")
    start("dbus-daemon", ["chroot", ROOT, "dbus-daemon", "--system", "--nofork", "--nopidfile"],
          os.path.join(logdir, "dbus-daemon.log"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if os.path.exists(ROOT + "/run/dbus/system_bus_socket"):
            return True
        time.sleep(0.1)
    return False


def stop(p, name):
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except OSError:
        p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)
        except (OSError, subprocess.TimeoutExpired) as e:
            print(f"# {name} (pid {p.pid}) did not stop: {e}")


def kill_leftovers(keep=()):
    """Whatever still runs inside ROOT (sessions, X servers, greeters that
    LightDM did not stop), but the pids in keep: only our own, since only
    we run processes there. Returns their descriptions."""
    left = []
    root = os.path.realpath(ROOT)
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid() or int(pid) in keep:
            continue
        try:
            if os.readlink(f"/proc/{pid}/root") != root:
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            os.kill(int(pid), signal.SIGKILL)
            left.append(f"{pid} {cmd}")
        except OSError:
            continue
    return left


def events(run_name):
    """The greeter's events so far; a last line it is still writing is
    left for the next look."""
    out = []
    for line in read_file(f"{OUT}/events-{run_name}.jsonl", "").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            break
    return out


def wait_run(run_name, lightdm, done):
    """Waits (bounded) until done(events) or a failure; returns the events."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        ev = events(run_name)
        if any(e["kind"] == "fail" for e in ev) or done(ev):
            return ev
        if lightdm.poll() is not None:
            return events(run_name)
        time.sleep(0.3)
    return events(run_name)


def transcript(run_name, ev):
    lines = []
    for e in ev:
        if e["kind"] == "authenticate":
            lines.append(f"[greeter] authenticate {e['user']} ({e['attempt']})")
        elif e["kind"] == "message":
            lines.append(f"[{e['style']}] {e['text']}")
        elif e["kind"] == "prompt":
            text = e["text"].rstrip("\n")
            lines.append(f"[{e['style']}] {text}" +
                         (e["answer_shown"] if e["answer_shown"] else "<Enter>"))
        elif e["kind"] == "complete":
            lines.append("[greeter] " + ("authenticated" if e["authenticated"] else "refused"))
        elif e["kind"] in ("session-start", "session-started"):
            lines.append(f"[greeter] {e['kind']} {e['session']}")
        elif e["kind"] == "fail":
            lines.append(f"[greeter] FAILED: {e['reason']}")
    print(f"# --- greeter transcript: {run_name} ---")
    for l in lines:
        for part in l.splitlines():
            print(f"#   {part}")
    print("# ---", flush=True)


def is_png(path):
    try:
        with open(path, "rb") as f:
            return f.read(8) == b"\x89PNG\r\n\x1a\n"
    except OSError:
        return False


def step_event(ev, attempt, step):
    return next((e for e in ev if e.get("attempt") == attempt and e.get("step") == step), None)


def check_step(lang, ev, attempt, step, secret):
    """The step came, the greeter showed it (label on the screen with the
    text, drawn), the entry held the answer (asterisks for a secret), and
    a screenshot exists."""
    e = step_event(ev, attempt, step)
    label = f"{lang}: {attempt}: '{step}'"
    if not check(f"{label} came", e is not None, json.dumps(ev[-3:], indent=1)):
        return None
    check(f"{label} was shown on the screen (text drawn)", e["shown"]["visible"], e["shown"])
    if e["kind"] == "prompt":
        check(f"{label} is a {'secret' if secret else 'visible'} prompt, the entry holding "
              f"{'asterisks' if secret else 'the answer'}",
              e["style"] == ("secret" if secret else "question") and
              e["entry"]["text_matches"] and e["entry"]["visibility"] == (not secret) and
              e["entry"]["mapped"], e)
    check(f"{label}: screenshot {os.path.basename(e['screenshot'])}",
          is_png(ROOT + e["screenshot"]), e["screenshot"])
    return e


def session_marker(run_name):
    text = read_file(f"{OUT}/session-{run_name}.txt", "")
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def shadow_entry(user):
    return next((l for l in read_file("/etc/shadow").splitlines()
                 if l.startswith(user + ":")), "")


def scenario_in(lang, codes, old, new, artifacts):
    """One language: LightDM started afresh, the reset run, the login run."""
    print(f"# === greeter scenario, language {lang} ===", flush=True)
    t = prompt_table(lang)
    if lang != "en":
        print("# expected texts:\n" + indent("\n".join(f"{k}: {' or '.join(map(repr, v))}"
                                                      for k, v in t.items())))
    adir = os.path.join(artifacts, lang)
    if os.path.exists(adir):
        shutil.rmtree(adir)
    os.makedirs(os.path.join(adir, "logs"))
    fresh_out()
    code = codes.pop(0)
    write_file(SCRIPT, json.dumps({"out": OUT, "step_timeout": STEP_TIMEOUT, "settle_ms": 300,
                                   "runs": scenario(t, code, old, new)}, indent=1))
    # LightDM's logs of this language only (it keeps one old copy, .old).
    for f in os.listdir(ROOT + "/var/log/lightdm"):
        if os.path.isfile(ROOT + "/var/log/lightdm/" + f):
            os.unlink(ROOT + "/var/log/lightdm/" + f)
    env = dict(ENV, **LOCALES.get(lang, {}))
    before = shadow_entry("alice")
    syslog_from = len(syslog_lines)
    started = time.monotonic()
    lightdm = start(f"lightdm ({lang})", ["chroot", ROOT, "lightdm", "-d"],
                    os.path.join(adir, "logs", "lightdm-stdout.log"), env)
    try:
        ev = wait_run("reset", lightdm,
                      lambda ev: os.path.exists(ROOT + f"{OUT}/session-reset.txt") and
                      any(e["kind"] == "session-start" for e in ev))
        reset_failed = not any(e["kind"] == "session-start" for e in ev)
        # The session's screenshot and the end of its marker.
        deadline = time.monotonic() + (0 if reset_failed else 20)
        while time.monotonic() < deadline and "window_status" not in session_marker("reset"):
            time.sleep(0.2)
        transcript("reset", ev)
        reset_checks(lang, ev, t)
        marker = session_marker("reset")
        _, uid = run("id -u alice")
        check(f"{lang}: the session started after the reset runs as alice (marker: "
              f"{marker.get('user')}, uid {marker.get('uid')})",
              marker.get("user") == "alice" and marker.get("uid") == uid.strip(), marker)
        check(f"{lang}: the session showed its window (screenshot)",
              marker.get("window_status") == "0" and
              is_png(ROOT + f"{OUT}/reset-99-session-of-alice.png"),
              read_file(f"{OUT}/session-reset.log", "") + str(marker))
        changed = step_event(ev, "reset", "changed")
        session_start = next((e for e in ev if e["kind"] == "session-start"), None)
        check(f"{lang}: 'Your password has been changed.' was shown before the session started",
              changed is not None and session_start is not None and
              changed["t"] <= session_start["t"] and
              float(marker.get("time", 0)) >= changed["t"], (changed, session_start, marker))
        after = shadow_entry("alice")
        check(f"{lang}: alice's shadow entry changed", before != after and after != "")
        check(f"{lang}: syslog: the reset over lightdm is logged",
              any("password reset success: user=alice" in l and "service=lightdm" in l
                  for l in syslog_lines[syslog_from:]), "\n".join(syslog_lines[-10:]))
        for l in syslog_lines[syslog_from:]:
            if "password reset success" in l and "service=lightdm" in l:
                tty = re.search(r" tty=(\S+)", l)
                print(f"# the module saw PAM_TTY={tty.group(1) if tty else '?'} "
                      "(its syslog line)")
                break

        # LightDM brings the greeter back when the session ends: the login
        # run (not waited for when no session started: it would not come).
        ev = [] if reset_failed else wait_run(
            "login", lightdm, lambda ev: os.path.exists(ROOT + f"{OUT}/session-login.txt") and
            any(e["kind"] == "session-start" for e in ev))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "window_status" not in session_marker("login"):
            time.sleep(0.2)
        transcript("login", ev)
        check(f"{lang}: login: a greeter came back after the session", bool(ev),
              "no events of the login run")
        old_done = next((e for e in ev if e["kind"] == "complete" and
                         e["attempt"] == "old-password"), None)
        new_done = next((e for e in ev if e["kind"] == "complete" and
                         e["attempt"] == "new-password"), None)
        check(f"{lang}: login: the old password is refused",
              old_done is not None and not old_done["authenticated"], ev[-3:])
        check(f"{lang}: login: the new password is accepted",
              new_done is not None and new_done["authenticated"], ev[-3:])
        check(f"{lang}: login: no reset prompt on the way (password asked once per attempt)",
              [e["step"] for e in ev if e["kind"] == "prompt"] == ["password", "password"],
              [e.get("text") for e in ev if e["kind"] == "prompt"])
        marker = session_marker("login")
        check(f"{lang}: login: the session runs as alice",
              marker.get("user") == "alice" and marker.get("uid") == uid.strip(), marker)
        fails = [e["reason"] for e in events("reset") + ev if e["kind"] == "fail"]
        check(f"{lang}: the greeter reported no failure", not fails, "\n".join(fails))
    finally:
        stop(lightdm, "lightdm")
        left = kill_leftovers(keep=[p.pid for name, p in processes
                                    if name == "dbus-daemon" and p.poll() is None])
        if left:
            print("# processes LightDM left behind, killed:\n" + indent("\n".join(left)))
        print(f"# {lang}: LightDM ran {time.monotonic() - started:.0f} s")
        collect_artifacts(adir)
    findings(adir)


def reset_checks(lang, ev, t):
    check(f"{lang}: LightDM started the scripted greeter and it connected",
          any(e["kind"] == "connected" for e in ev), ev[:3])
    check_step(lang, ev, "reset", "password", True)
    menu = check_step(lang, ev, "reset", "menu", False)
    if menu is not None:
        m = menu["menu"]
        asked = re.search(question(t["menu_question"]), menu["text"])
        check(f"{lang}: the menu's question ({t['menu_question'][0].strip()!r}) is in the "
              "prompt text", asked is not None, menu["text"])
        n = int(next(g for g in asked.groups() if g)) if asked else -1
        check(f"{lang}: the menu lists 1-{n}, at least 2 items, numbered 1..N",
              n >= 2 and sorted(m["items"], key=int) == [str(i) for i in range(1, n + 1)],
              m["items"])
        check(f"{lang}: the recovery codes item was chosen by its number "
              f"({m['chosen']}. {m['items'].get(m['chosen'])})",
              re.search(alternatives(t["menu_item"]), m["items"].get(m["chosen"], "")), m)
        form = ("one prompt (question and items)" if m["items_in_prompt"]
                else "a text message with the items, then the question")
        print(f"# the menu came as {form}")
        if m["items_in_prompt"]:
            items_seen = menu["shown"]["visible"]
        else:
            shown_with = [e for e in ev if e["kind"] == "message" and
                          e["text"] in menu["messages_shown"] and
                          re.search(r"^\s*\d+\.\s", e["text"], re.M)]
            items_seen = bool(shown_with) and all(e["shown"]["visible"] for e in shown_with)
        check(f"{lang}: the menu's items were on the screen with its question", items_seen,
              menu)
        check(f"{lang}: the menu is one prompt holding the question and the items",
              m["items_in_prompt"], menu["text"])
    check_step(lang, ev, "reset", "recovery-code", True)
    check_step(lang, ev, "reset", "new-password", True)
    check_step(lang, ev, "reset", "retype", True)
    changed = check_step(lang, ev, "reset", "changed", False)
    enter = check_step(lang, ev, "reset", "press-enter", False)
    if changed is not None and enter is not None:
        check(f"{lang}: 'Your password has been changed.' is still on the screen at the "
              "prompt that follows it", changed["text"] in enter.get("messages_shown", []),
              enter)
    done = next((e for e in ev if e["kind"] == "complete"), None)
    check(f"{lang}: the reset authenticated alice", done is not None and done["authenticated"],
          ev[-3:])


def collect_artifacts(adir):
    for name in sorted(os.listdir(ROOT + OUT)):
        src = ROOT + OUT + "/" + name
        if os.path.isfile(src):
            shutil.copy(src, os.path.join(adir, name))
    logs = ROOT + "/var/log/lightdm"
    for name in sorted(os.listdir(logs)):
        if os.path.isfile(os.path.join(logs, name)):
            shutil.copy(os.path.join(logs, name), os.path.join(adir, "logs", name))
    with open(os.path.join(adir, "logs", "syslog.txt"), "w") as f:
        f.write("\n".join(l.rstrip("\n") for l in syslog_lines) + "\n")


def findings(adir):
    """What LightDM handed to the X server and to PAM, for the report."""
    logs = os.path.join(adir, "logs")

    def show(title, name, lines=40):
        path = os.path.join(logs, name)
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                text = f.read()
            print(f"# {title}:\n" + indent("\n".join(text.splitlines()[:lines])))

    show("X server command line from LightDM (before the wrapper)", "sspr-xserver-args.log", 4)
    show("PAM items and environment at LightDM's authentications (pam_exec)",
         "sspr-pam-env.log", 60)
    shots = sorted(f for f in os.listdir(adir) if f.endswith(".png"))
    print(f"# screenshots in {adir}:\n" + indent("\n".join(shots)))


def main():
    global ROOT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--language", choices=["en", "de"])
    ap.add_argument("root")
    ap.add_argument("deb")
    ap.add_argument("artifacts")
    args = ap.parse_args()
    ROOT = base.ROOT = os.path.realpath(args.root)
    artifacts = os.path.realpath(args.artifacts)
    os.makedirs(artifacts, exist_ok=True)
    os.makedirs(os.path.join(artifacts, "logs"), exist_ok=True)
    collect_syslog()
    try:
        install(args.deb)
        codes = add_alice()
        configure_lightdm()
        check("a system D-Bus runs in the system",
              start_dbus(os.path.join(artifacts, "logs")))
        mo = "/usr/share/locale/de/LC_MESSAGES/pam_sspr.mo"
        languages = [args.language] if args.language else ["en", "de"]
        if "de" in languages:
            check(f"German: the package installed {mo}", os.path.exists(ROOT + mo))
            status, out = run("localedef -i de_DE -f UTF-8 de_DE.UTF-8", check_status=False)
            check("German: the de_DE.UTF-8 locale is compiled (localedef)", status == 0, out)
        old = OLD_PASSWORD
        for lang in languages:
            if len(codes) < 1:
                check(f"{lang}: a recovery code is left", False)
                break
            new = PASSWORDS[lang]
            scenario_in(lang, codes, old, new, artifacts)
            old = new
    except Exception as e:  # a broken step is a failure, with its cause
        check(f"the scenario ran to its end ({type(e).__name__})", False, str(e))
    finally:
        for name, p in reversed(processes):
            stop(p, name)
        left = kill_leftovers()
        if left:
            print("# left-over processes killed:\n" + indent("\n".join(left)))
    print("# syslog lines from pam_sspr:")
    for line in syslog_lines:
        if "pam_sspr" in line:
            print("#   " + line.strip())
    print(f"greeter: {base.passed} passed, {base.failed} failed", flush=True)
    return 0 if base.failed == 0 and base.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
