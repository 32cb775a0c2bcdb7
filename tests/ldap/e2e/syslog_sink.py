#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A /dev/log of the test's own: receives syslog datagrams on a Unix socket
and appends each message to a file, one a line, flushed at once, so a test
can read what the module logged a moment ago.

usage: syslog_sink.py SOCKET FILE"""
import os
import socket
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, out = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    with open(out, "a", encoding="utf-8", errors="replace") as f:
        while True:
            data = sock.recv(8192)
            # "<PRI>Mon DD HH:MM:SS tag[pid]: text": keep it whole, minus
            # the trailing NUL or newline some senders add.
            f.write(data.decode(errors="replace").rstrip("\0\n") + "\n")
            f.flush()


if __name__ == "__main__":
    sys.exit(main())
