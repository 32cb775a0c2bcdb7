# SPDX-License-Identifier: BSD-2-Clause
"""What the scripted greeter and the test session share: letting GTK draw,
and a screenshot of the whole X screen (the root window, so it shows what
a person at the screen would see, not just our own window). Taken from
inside the X client with GDK: nothing beyond gir1.2-gtk-3.0 is needed (no
xwd, no ImageMagick)."""
import time

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GLib  # noqa: E402


def pump(ms):
    """Runs the main loop for about ms milliseconds: GTK draws, and
    LightDM's messages are read, only while the loop runs."""
    done = []
    GLib.timeout_add(ms, lambda: done.append(True) and False)
    context = GLib.MainContext.default()
    deadline = time.monotonic() + ms / 1000.0 + 5
    while not done and time.monotonic() < deadline:
        context.iteration(True)


def settle(ms=300):
    """Lets a change of the window reach the screen before it is shot:
    the frame clock draws at the next frame, the X server applies it when
    the requests are flushed."""
    pump(ms)
    display = Gdk.Display.get_default()
    if display is not None:
        display.sync()
    pump(50)


def screenshot(path):
    """Saves the root window as PNG at path; returns the pixbuf."""
    root = Gdk.get_default_root_window()
    pixbuf = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
    if pixbuf is None:
        raise RuntimeError("could not read the root window")
    pixbuf.savev(path, "png", [], [])
    return pixbuf


def colours(pixbuf, x, y, width, height, limit=64):
    """How many distinct colours the rectangle shows (up to limit): 1 for a
    blank area, more where text was drawn."""
    x, y = max(0, x), max(0, y)
    width = min(width, pixbuf.get_width() - x)
    height = min(height, pixbuf.get_height() - y)
    if width <= 0 or height <= 0:
        return 0
    data = pixbuf.get_pixels()
    stride, channels = pixbuf.get_rowstride(), pixbuf.get_n_channels()
    seen = set()
    for row in range(y, y + height):
        start = row * stride + x * channels
        line = data[start:start + width * channels]
        for i in range(0, len(line) - 2, channels):
            seen.add(line[i:i + 3])
        if len(seen) >= limit:
            break
    return len(seen)


def widget_on_screen(widget):
    """The widget's rectangle in root window coordinates, or None."""
    toplevel = widget.get_toplevel()
    gdk_window = toplevel.get_window() if toplevel is not None else None
    if gdk_window is None or not widget.get_mapped():
        return None
    coords = widget.translate_coordinates(toplevel, 0, 0)
    origin = gdk_window.get_origin()
    if coords is None or origin is None:
        return None
    # PyGObject gives (x, y) or (ok, x, y), depending on the annotation.
    wx, wy = coords[-2:]
    ox, oy = origin[-2:]
    alloc = widget.get_allocation()
    return ox + wx, oy + wy, alloc.width, alloc.height
