#!/usr/bin/env python3
"""Runs COMMAND on a pseudo-terminal and types each ANSWER when the program
waits at a prompt (quiet output ending in ": ", "? " or "] "). Everything
the terminal showed, echoes included, is saved raw to OUTFILE, so a test
can check what was echoed and what was not.

usage: pty_drive.py OUTFILE ANSWER... -- COMMAND [ARG...]
Exits with COMMAND's status (1 if it outlives 60 seconds)."""
import os
import pty
import select
import signal
import sys
import time


def main() -> int:
    if len(sys.argv) < 4 or "--" not in sys.argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = sys.argv.index("--")
    outfile, answers, command = sys.argv[1], sys.argv[2:split], sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    seen = b""
    since_answer = b""
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
            seen += chunk
            since_answer += chunk
            continue
        if answers and since_answer.endswith((b": ", b"? ", b"] ")):
            os.write(fd, answers.pop(0).encode() + b"\n")
            since_answer = b""
    else:
        os.kill(pid, signal.SIGKILL)
    with open(outfile, "wb") as f:
        f.write(seen)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if time.monotonic() < deadline else 1


if __name__ == "__main__":
    sys.exit(main())
