#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What strangers cost (run by bench/strangers.sh inside the e2e sandbox).

Every figure is a median over the runs, with the 90th percentile beside it:
the machines are noisy, so compare ratios within one run."""
import argparse
import json
import os
import random
import secrets
import signal
import statistics
import string
import subprocess
import threading
import time

STRANGERS_UNDER_LOAD = 50


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def summary(rows):
    cpu = [r[0] for r in rows]
    rss = [r[1] for r in rows]
    wall = [r[2] for r in rows]
    return {"runs": len(rows), "cpu_ms_median": round(statistics.median(cpu), 2),
            "cpu_ms_p90": round(pct(cpu, 0.9), 2),
            "peak_rss_kib_median": int(statistics.median(rss)),
            "peak_rss_kib_max": int(max(rss)),
            "wall_ms_median": round(statistics.median(wall), 1),
            "wall_ms_p90": round(pct(wall, 0.9), 1)}


def measured(cmd, stdin_text, env=None):
    """Runs cmd to its end; (CPU ms, peak RSS KiB, wall ms, exit status)
    of that process and every descendant it waited for (wait4)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    p.stdin.write(stdin_text.encode())
    p.stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = status
    wall = (time.monotonic() - start) * 1000
    return ((ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss, wall, status)


def stranger_name():
    return "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def pamtester(service, user):
    return ["pamtester", service, user, "authenticate"]


# A stranger: Enter, then a wrong answer to each prompt of the decoy; the
# password module's prompt gets Enter too.
STRANGER_INPUT = {"totp": "\n000000\n\n", "questions": "\nx\nx\n\n"}


def stranger_rows(service, method, runs):
    return [measured(pamtester(service, stranger_name()), STRANGER_INPUT[method])
            for _ in range(runs)]


def new_password():
    return "Bench-" + "".join(secrets.choice(string.ascii_letters) for _ in range(10)) + "-73!"


CONVERSE = None  # tools/converse.py: answers alice's questions in whatever order


def alice_reset(service):
    """One question reset by alice, answered right; (wall ms, succeeded)."""
    pw = new_password()
    cmd = ["python3", CONVERSE, "--when", "First bench", "answer one",
           "--when", "Second bench", "answer two", "--when", "Third bench", "answer three",
           "", pw, pw, "--"] + pamtester(service, "alice")
    cpu, rss, wall, status = measured(cmd, "")
    return wall, status == 0


def stranger_loop(service, stop):
    while not stop.is_set():
        measured(pamtester(service, stranger_name()), STRANGER_INPUT["questions"])


def reset_latency(service, runs, strangers):
    stop = threading.Event()
    threads = [threading.Thread(target=stranger_loop, args=(service, stop), daemon=True)
               for _ in range(strangers)]
    for t in threads:
        t.start()
    if strangers:
        time.sleep(2)  # every stranger under way
    results = [alice_reset(service) for _ in range(runs)]
    stop.set()
    for t in threads:
        t.join()
    walls = [w for w, _ in results]
    return {"runs": runs, "strangers": strangers,
            "succeeded": sum(1 for _, ok in results if ok),
            "wall_ms_median": round(statistics.median(walls), 1),
            "wall_ms_p90": round(pct(walls, 0.9), 1)}


SSHD_CONFIG = """Port 2222
ListenAddress 127.0.0.1
HostKey {key}
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
PidFile none
MaxAuthTries 1
MaxStartups 100
LogLevel QUIET
"""

ASKPASS = """#!/bin/sh
case "$1" in
*Password:*) printf '%s\\n' "$BENCH_PASSWORD" ;;
*) printf '%s\\n' "$BENCH_ANSWER" ;;
esac
"""


def sshd_rows(sshd, sandbox, pam_stack, user, password, answer, runs):
    """Server CPU and peak RSS per connection: sshd and every process it
    forked, over `runs` failed keyboard-interactive logins."""
    with open("/etc/pam.d/sshd", "w") as f:
        f.write(pam_stack)
    conf = os.path.join(sandbox, "sshd_config")
    with open(conf, "w") as f:
        f.write(SSHD_CONFIG.format(key=os.path.join(sandbox, "ssh_host_key")))
    askpass = os.path.join(sandbox, "askpass")
    with open(askpass, "w") as f:
        f.write(ASKPASS)
    os.chmod(askpass, 0o755)
    server = subprocess.Popen([sshd, "-D", "-e", "-f", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    env = dict(os.environ, SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force", DISPLAY=":0",
               BENCH_PASSWORD=password, BENCH_ANSWER=answer)
    walls = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(["ssh", "-p", "2222", "-o", "StrictHostKeyChecking=no",
                        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=QUIET",
                        "-o", "PreferredAuthentications=keyboard-interactive",
                        "-o", "NumberOfPasswordPrompts=1",
                        (user or stranger_name()) + "@127.0.0.1",
                        "true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env, start_new_session=True,
                       check=False)
        walls.append((time.monotonic() - start) * 1000)
    time.sleep(0.3)
    server.send_signal(signal.SIGTERM)
    _, _, ru = os.wait4(server.pid, 0)
    return {"runs": runs,
            "server_cpu_ms_per_login": round((ru.ru_utime + ru.ru_stime) * 1000 / runs, 2),
            "server_peak_rss_kib": ru.ru_maxrss,
            "client_wall_ms_median": round(statistics.median(walls), 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--builds", nargs="+", required=True)
    ap.add_argument("--sshd", default="")
    ap.add_argument("--smoke", default="0")
    a = ap.parse_args()
    global CONVERSE
    CONVERSE = os.path.join(a.src, "tools", "converse.py")
    smoke = a.smoke == "1"
    runs = 3 if smoke else 30
    resets = 2 if smoke else 8
    strangers = 5 if smoke else STRANGERS_UNDER_LOAD
    res = {"attempt": {}, "reset_latency": {}, "sshd": {}}
    res["attempt"]["wrong password, pam_unix alone"] = summary(
        [measured(pamtester("bench-plain", "alice"), "wrong\n") for _ in range(runs)])
    for build in a.builds:
        for method in ("totp", "questions"):
            service = "bench-%s-%s" % (build, method)
            res["attempt"]["%s: stranger, %s" % (build, method)] = summary(
                stranger_rows(service, method, runs))
        service = "bench-%s-questions" % build
        res["reset_latency"]["%s: alone" % build] = reset_latency(service, resets, 0)
        res["reset_latency"]["%s: with %d strangers" % (build, strangers)] = reset_latency(
            service, resets, strangers)
    if a.sshd:
        plain = "auth required pam_unix.so nodelay\naccount required pam_unix.so\n"
        res["sshd"]["wrong password, pam_unix alone"] = sshd_rows(
            a.sshd, a.sandbox, plain, "alice", "wrong", "wrong", runs)
        for build in a.builds:
            with open("/etc/pam.d/bench-%s-questions" % build) as f:
                stack = f.read()
            res["sshd"]["%s: stranger, questions" % build] = sshd_rows(
                a.sshd, a.sandbox, stack, None, "", "x", runs)
    with open(os.path.join(a.out, "strangers.json"), "w") as f:
        json.dump(res, f, indent=1)
    lines = []
    for section, rows in res.items():
        lines.append("== " + section)
        for name, row in rows.items():
            lines.append("%-40s %s" % (name, " ".join("%s=%s" % kv for kv in row.items())))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "strangers.txt"), "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
