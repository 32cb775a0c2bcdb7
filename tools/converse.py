#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Drives an interactive program on a pseudo-terminal like a person would:
waits for each prompt, types the next answer, and prints the conversation.
Answers to password prompts are shown as asterisks.

usage: converse.py [--raw FILE] [--when REGEX ANSWER | --when-run REGEX SHELL-COMMAND |
                   ANSWER]... -- COMMAND [ARG...]
An answer of "" is pressing Enter on an empty line. --raw FILE also saves
everything the terminal showed, echoes included, byte for byte, so a test
can check what was echoed and what was not. The one terminal driver of the
tree: tools/demo.sh and the tests use it. Exits with COMMAND's status, or 1
when COMMAND outlives 60 seconds (it is then killed). A prompt whose last
line matches a --when REGEX gets that ANSWER (or, with --when-run, what the
command prints at that moment, such as a code just mailed); every other
prompt gets the next plain ANSWER in order. When the answers run out, the
next prompt gets Ctrl-D."""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time


def parse_answers(args):
    """Plain answers in order, (regex, answer, is_command) rules, and the
    --raw file (or None)."""
    answers, rules, raw, i = [], [], None, 0
    while i < len(args):
        if args[i] == "--raw" and i + 1 < len(args):
            raw = args[i + 1]
            i += 2
        elif args[i] in ("--when", "--when-run") and i + 2 < len(args):
            rules.append((re.compile(args[i + 1]), args[i + 2], args[i] == "--when-run"))
            i += 3
        else:
            answers.append(args[i])
            i += 1
    return answers, rules, raw


def rule_answer(rules, line):
    for regex, answer, is_command in rules:
        if regex.search(line):
            if is_command:
                return subprocess.run(answer, shell=True, check=False, text=True,
                                      stdout=subprocess.PIPE).stdout.strip()
            return answer
    return None


def main() -> int:
    if "--" not in sys.argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = sys.argv.index("--")
    answers, rules, raw = parse_answers(sys.argv[1:split])
    command = sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    pending = b""
    seen = b""
    echo = None  # what we typed last, in case the terminal echoes it back
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.3)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            pending += chunk
            seen += chunk
            if echo is not None:
                # Our own answer if the terminal echoed it, and the newline
                # the program prints after reading it.
                if echo and pending.startswith(echo):
                    pending = pending[len(echo):]
                for eol in (b"\r\n", b"\n"):
                    if pending.startswith(eol):
                        pending = pending[len(eol):]
                        break
                echo = None
            continue
        # Quiet for a moment: if the output ends in a prompt, answer it.
        text = pending.decode(errors="replace").replace("\r\n", "\n")
        prompt = text.rstrip(" ").endswith(("?", ":", "]"))
        last_line = text.splitlines()[-1] if text.splitlines() else ""
        ruled = rule_answer(rules, last_line) if prompt else None
        if prompt and ruled is None and not answers:
            # Nothing more to type: the person gives up (Ctrl-D).
            sys.stdout.write(text + "<Ctrl-D>\n")
            pending = b""
            os.write(fd, b"\x04")
            continue
        if prompt:
            answer = ruled if ruled is not None else answers.pop(0)
            secret = "assword" in last_line or "access pass" in last_line or any(r[0].search(last_line) for r in rules)
            shown = "*" * len(answer) if secret else answer
            sys.stdout.write(text + (shown if answer else "<Enter>") + "\n")
            sys.stdout.flush()
            pending = b""
            echo = answer.encode()
            os.write(fd, answer.encode() + b"\r")
    else:
        os.kill(pid, signal.SIGKILL)
    sys.stdout.write(pending.decode(errors="replace").replace("\r\n", "\n"))
    if raw is not None:
        with open(raw, "wb") as f:
            f.write(seen)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if time.monotonic() < deadline else 1


if __name__ == "__main__":
    sys.exit(main())
