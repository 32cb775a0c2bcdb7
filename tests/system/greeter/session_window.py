#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The test session's window: says whose session this is, so the
screenshot of the started session shows it, then ends."""
import os
import pwd
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gtk  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import shot  # noqa: E402

OUT = "/tmp/sspr-greeter-test"


def main():
    run = sys.argv[1] if len(sys.argv) > 1 else "unknown"
    user = pwd.getpwuid(os.getuid()).pw_name
    window = Gtk.Window(title="sspr test session")
    window.set_decorated(False)
    window.set_default_size(800, 200)
    window.move(112, 284)
    label = Gtk.Label()
    label.set_markup(f"<big><b>Session of {user} (uid {os.getuid()})</b></big>\n"
                     f"started by LightDM on {os.environ.get('DISPLAY', '?')}, run {run}")
    window.add(label)
    window.show_all()
    shot.settle(500)
    shot.screenshot(os.path.join(OUT, f"{run}-99-session-of-{user}.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
