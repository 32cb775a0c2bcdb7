#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A minimal SMTP listener for the end-to-end tests: accepts every message
on 127.0.0.1 and saves each one as DIR/NNNN.eml (envelope in X-Envelope-*
headers). Enough of RFC 5321 for a sendmail-compatible client such as
msmtp: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.

usage: smtp_sink.py DIR PORTFILE   (listens on a free port, written to PORTFILE)"""
import os
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sender, recipients = "", []
        self.reply("220 sspr-test-sink ESMTP")
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sspr-test-sink")
            elif verb == "MAIL":
                sender, recipients = line[10:].strip(), []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(line[8:].strip())
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                body = []
                while True:
                    data = self.rfile.readline(65536)
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    body.append(data[1:] if data.startswith(b"..") else data)
                self.save(sender, recipients, b"".join(body))
                self.reply("250 queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")

    def save(self, sender, recipients, body):
        directory = self.server.directory
        number = len(os.listdir(directory)) + 1
        tmp = os.path.join(directory, f".{number:04d}.tmp")
        with open(tmp, "wb") as f:
            f.write(f"X-Envelope-From: {sender}\r\n".encode())
            f.write(f"X-Envelope-To: {' '.join(recipients)}\r\n".encode())
            f.write(body)
        os.rename(tmp, os.path.join(directory, f"{number:04d}.eml"))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    server = Server(("127.0.0.1", 0), Handler)
    server.directory = sys.argv[1]
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
