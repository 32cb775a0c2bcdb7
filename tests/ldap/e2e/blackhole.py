#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A TCP listener on 127.0.0.1 that accepts every connection and never
sends a byte nor closes one: a hung directory server, or a firewall that
lets the handshake through and drops the rest. Writes its port to PORTFILE.

usage: blackhole.py PORTFILE"""
import os
import socket
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(tmp, sys.argv[1])
    held = []
    while True:
        conn, _ = srv.accept()
        held.append(conn)  # kept open, never read from nor written to


if __name__ == "__main__":
    sys.exit(main())
