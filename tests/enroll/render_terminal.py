#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Renders terminal output (text with SGR colour sequences) as a terminal
with a given theme would show it, to a PGM image: what a phone's camera
sees of a QR code printed by sspr-enroll.

usage: render_terminal.py THEME IN OUT.pgm     (THEME: light or dark)

Each character cell is two pixels tall blocks of SCALE: the half blocks
U+2580 and U+2584 and the full block U+2588 paint their halves in the
foreground colour, a space paints the background; any other character
(the text around the code) is drawn as background, as thin glyphs nearly
are. Colours: SGR 0, 30-37, 39, 40-47, 49, with xterm's default palette in
grey levels; text without colours gets the theme's own."""
import re
import sys

SCALE = 4
PALETTE = [0, 205, 0, 205, 0, 205, 0, 229]  # xterm's eight, as grey (red/green/... -> bright)
THEMES = {"light": (0, 255), "dark": (229, 0)}  # (default foreground, default background)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def render(text, theme):
    fg0, bg0 = THEMES[theme]
    rows = []
    fg, bg = fg0, bg0
    for line in text.split("\n"):
        top, bottom = [], []
        pos = 0
        for m in list(SGR.finditer(line)) + [None]:
            chunk = line[pos:m.start()] if m else line[pos:]
            for ch in chunk:
                up, down = {"\u2588": (fg, fg), "\u2580": (fg, bg),
                            "\u2584": (bg, fg)}.get(ch, (bg, bg))
                top.append(up)
                bottom.append(down)
            if m is None:
                break
            pos = m.end()
            for p in (m.group(1) or "0").split(";"):
                n = int(p or "0")
                if n == 0:
                    fg, bg = fg0, bg0
                elif 30 <= n <= 37:
                    fg = PALETTE[n - 30]
                elif n == 39:
                    fg = fg0
                elif 40 <= n <= 47:
                    bg = PALETTE[n - 40]
                elif n == 49:
                    bg = bg0
        rows += [top, bottom]
    width = max(len(r) for r in rows) + 8  # a margin of the theme's background
    image = []
    for r in [[]] * 4 + rows + [[]] * 4:
        cells = [bg0] * 4 + r + [bg0] * (width - 4 - len(r))
        line = bytes(v for v in cells for _ in range(SCALE))
        image += [line] * SCALE
    return width * SCALE, len(image), b"".join(image)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in THEMES:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
        w, h, pixels = render(f.read(), sys.argv[1])
    with open(sys.argv[3], "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h) + pixels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
