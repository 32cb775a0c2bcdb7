#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A listener where a directory server should be, as a local user could run
one: on 127.0.0.1 and [::1] (PORT), or on a Unix socket. It records every
byte each connection sends (LOG gets "peer ADDRESS" then the bytes in hex,
one line per read), answers a StartTLS request with success (so a client
that would then fall back to plain text, or send its bind before TLS, is
caught) and a bind with success, and never speaks TLS.

usage: fake_ldap.py LOG READY tcp PORT | unix PATH"""
import os
import socket
import sys
import threading

STARTTLS_OID = b"1.3.6.1.4.1.1466.20037"
lock = threading.Lock()


def record(log, line):
    with lock, open(log, "a") as f:
        f.write(line + "\n")


def ber_length(data, i):
    first = data[i]
    if first < 0x80:
        return first, i + 1
    n = first & 0x7F
    return int.from_bytes(data[i + 1:i + 1 + n], "big"), i + 1 + n


def answer(conn, msg):
    """Success for an extended request (StartTLS) or a bind, echoing the id."""
    try:
        _, i = ber_length(msg, 1)
        if msg[i] != 0x02:
            return
        idlen = msg[i + 1]
        msgid = msg[i:i + 2 + idlen]
        op = msg[i + 2 + idlen]
    except IndexError:
        return
    result = b"\x0a\x01\x00\x04\x00\x04\x00"  # success, no DN, no message
    if op == 0x77:  # ExtendedRequest
        body = bytes([0x78, len(result)]) + result
    elif op == 0x60:  # BindRequest
        body = bytes([0x61, len(result)]) + result
    else:
        return
    inner = msgid + body
    conn.sendall(bytes([0x30, len(inner)]) + inner)


def serve(conn, peer, log):
    record(log, "peer %s" % (peer,))
    conn.settimeout(10)
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            record(log, data.hex())
            if data[0] == 0x30:
                answer(conn, data)
    except OSError:
        pass
    finally:
        conn.close()


def accept_loop(sock, log):
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=serve, args=(conn, peer, log), daemon=True).start()


def main():
    log, ready, kind, where = sys.argv[1:5]
    socks = []
    if kind == "tcp":
        port = int(where)
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((host, port))
            s.listen(16)
            socks.append(s)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(where)
        s.listen(16)
        socks.append(s)
    open(ready, "w").close()
    for s in socks[1:]:
        threading.Thread(target=accept_loop, args=(s, log), daemon=True).start()
    accept_loop(socks[0], log)


if __name__ == "__main__":
    main()
