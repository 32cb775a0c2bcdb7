#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A scripted LightDM greeter for greeter_test.py: a real greeter to
LightDM (liblightdm's GObject bindings, the protocol every greeter
speaks), but what it types comes from a script instead of a person.

It shows what a real greeter shows, in a GTK window covering the screen:
the messages (show-message) since the last answer, the current prompt
(show-prompt) as a label and an entry holding the typed answer (asterisks
for a secret prompt). After each message and each typed answer it saves a
screenshot of the screen and appends an event to a JSON-lines log, which
the driver checks.

The script (/etc/sspr-greeter-test/script.json, written by the driver)
holds runs; each start of the greeter takes the first run no greeter took
yet (LightDM starts a new greeter after each session), so one script
drives a reset and then a login with the new password. A run is a list of
attempts: authenticate USER, answer the steps in order (a step is a
prompt or message pattern; a prompt step has an answer, or a menu_item
pattern whose number in the menu is the answer; optional steps may not
come), then expect "authenticated" (start the session) or "refused" (go
on with the next attempt).

Every wait is bounded: when the next step does not come within
step_timeout seconds, or something else comes, the greeter logs a "fail"
event with the reason and a screenshot, and exits 1."""
import json
import os
import re
import sys
import time
import traceback

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
gi.require_version("LightDM", "1")
from gi.repository import Gdk, GLib, Gtk, LightDM  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import shot  # noqa: E402

SCRIPT = "/etc/sspr-greeter-test/script.json"


class Failed(Exception):
    pass


class Screen:
    """The greeter's window: who logs in, the messages, the prompt and the
    entry, and a status line. No window manager runs, so it is placed at
    the origin and sized to the screen by itself."""

    def __init__(self, title):
        self.window = Gtk.Window(title="sspr test greeter")
        self.window.set_decorated(False)
        screen = Gdk.Screen.get_default()
        self.window.set_default_size(screen.get_width(), screen.get_height())
        self.window.move(0, 0)
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=18)
        box.set_border_width(48)
        box.set_valign(Gtk.Align.CENTER)
        box.set_halign(Gtk.Align.CENTER)
        self.title = Gtk.Label()
        self.title.set_markup(f"<big><b>{GLib.markup_escape_text(title)}</b></big>")
        self.messages = Gtk.Label(xalign=0)
        self.messages.set_line_wrap(True)
        self.messages.set_max_width_chars(80)
        self.prompt = Gtk.Label(xalign=0)
        self.prompt.set_line_wrap(True)
        self.prompt.set_max_width_chars(80)
        self.entry = Gtk.Entry()
        self.entry.set_width_chars(40)
        self.entry.set_invisible_char("*")
        self.status = Gtk.Label(xalign=0)
        for w in (self.title, self.messages, self.prompt, self.entry, self.status):
            box.pack_start(w, False, False, 0)
        self.window.add(box)
        self.window.show_all()
        self.messages.hide()

    def show_messages(self, texts):
        self.messages.set_text("\n".join(texts))
        self.messages.set_visible(bool(texts))

    def show_prompt(self, text, secret):
        self.prompt.set_text(text)
        self.entry.set_text("")
        self.entry.set_visibility(not secret)
        self.entry.set_sensitive(True)
        self.entry.grab_focus()

    def clear_prompt(self):
        self.prompt.set_text("")
        self.entry.set_text("")
        self.entry.set_sensitive(False)

    def set_status(self, text):
        self.status.set_text(text)


class Greeter:
    def __init__(self, script):
        self.script = script
        self.out = script["out"]
        self.timeout = float(script.get("step_timeout", 30))
        self.settle_ms = int(script.get("settle_ms", 300))
        self.run = self.claim_run()
        self.events_path = os.path.join(self.out, f"events-{self.run['name'] if self.run else 'none'}.jsonl")
        self.shots = 0
        self.queue = []
        self.log("start", pid=os.getpid(), display=os.environ.get("DISPLAY"),
                 env={k: v for k, v in os.environ.items()
                      if k.startswith(("LIGHTDM", "XDG_", "LANG")) or k in ("DISPLAY", "XAUTHORITY", "USER")})

    def claim_run(self):
        """The first run no earlier greeter took (O_EXCL: one taker)."""
        for run in self.script["runs"]:
            try:
                fd = os.open(os.path.join(self.out, f"claimed-{run['name']}"),
                             os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            os.write(fd, f"{os.getpid()}\n".encode())
            os.close(fd)
            return run
        return None

    def log(self, kind, **fields):
        fields.update(kind=kind, t=round(time.time(), 3))
        with open(self.events_path, "a") as f:
            f.write(json.dumps(fields) + "\n")

    def screenshot(self, what, attempt=None):
        if attempt is not None and attempt != self.run["name"]:
            what = f"{attempt}-{what}"
        self.shots += 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", what).strip("-")[:40] or "step"
        path = os.path.join(self.out, f"{self.run['name'] if self.run else 'none'}-"
                            f"{self.shots:02d}-{slug}.png")
        shot.settle(self.settle_ms)
        return path, shot.screenshot(path)

    def seen(self, pixbuf, widget, text):
        """Was widget on the screen, showing text, and drawn (more than one
        colour where it is)?"""
        rect = shot.widget_on_screen(widget)
        drawn = shot.colours(pixbuf, *rect) if rect else 0
        current = widget.get_text()
        return {"mapped": bool(rect) and self.screen.window.get_mapped(),
                "text_matches": current == text, "colours": drawn,
                "visible": bool(rect) and current == text and drawn > 1,
                "rect": list(rect) if rect else None}

    # --- liblightdm's signals: queued, handled in order by the script loop
    def on_prompt(self, _greeter, text, ptype):
        secret = ptype == LightDM.PromptType.SECRET
        self.queue.append(("prompt", text, "secret" if secret else "question"))

    def on_message(self, _greeter, text, mtype):
        self.queue.append(("message", text,
                           "error" if mtype == LightDM.MessageType.ERROR else "info"))

    def on_complete(self, greeter):
        self.queue.append(("complete", greeter.get_is_authenticated(), None))

    def next_event(self, waiting_for):
        deadline = time.monotonic() + self.timeout
        while not self.queue:
            if time.monotonic() >= deadline:
                raise Failed(f"nothing came within {self.timeout:.0f} s while waiting for "
                             f"{waiting_for}")
            shot.pump(100)
        return self.queue.pop(0)

    def fail(self, reason):
        self.screen.set_status("FAILED: " + reason)
        try:
            path, _ = self.screenshot("failed")
        except Exception as e:  # the reason matters more than the picture
            path = f"(no screenshot: {e})"
        self.log("fail", reason=reason, screenshot=path)
        print(f"sspr_greeter: FAILED: {reason}", file=sys.stderr, flush=True)

    def main(self):
        title = "no run left" if self.run is None else \
            f"sspr test greeter: {self.run['name']}"
        self.screen = Screen(title)
        if self.run is None:
            # Started again after the last run: stay, so LightDM keeps the
            # seat, until the driver stops everything (bounded anyway).
            self.log("idle")
            self.screen.set_status("All runs done.")
            shot.pump(int(self.script.get("idle_seconds", 300)) * 1000)
            return 0
        self.lightdm = LightDM.Greeter()
        self.lightdm.connect("show-prompt", self.on_prompt)
        self.lightdm.connect("show-message", self.on_message)
        self.lightdm.connect("authentication-complete", self.on_complete)
        try:
            self.lightdm.connect_to_daemon_sync()
            self.log("connected", lightdm_default_session=self.lightdm.get_default_session_hint())
            for attempt in self.run["attempts"]:
                if self.attempt(attempt):
                    return self.start_session(attempt)
            raise Failed("no attempt of the run was authenticated")
        except Failed as e:
            self.fail(str(e))
        except Exception:  # a bug here is a failure with its traceback
            self.fail(traceback.format_exc())
        return 1

    def attempt(self, attempt):
        """One authentication; True when it was authenticated as expected,
        False when it was refused as expected."""
        name, steps = attempt["name"], attempt["steps"]
        self.log("authenticate", attempt=name, user=attempt["user"])
        self.screen.set_status(f"{name}: logging in as {attempt['user']}")
        self.screen.show_messages([])
        self.lightdm.authenticate(attempt["user"])
        pos = 0
        messages = []      # shown since the last answer
        answered = False   # the next message or prompt starts afresh

        def waiting_for():
            left = [s for s in steps[pos:] if not s.get("optional")]
            return (f"step '{left[0]['name']}' (/{left[0]['pattern']}/)" if left
                    else "the end of the authentication")

        def find(kind, text):
            """The index of the step this event is, or None. Optional steps
            may be passed over; a required one may not."""
            for j in range(pos, len(steps)):
                s = steps[j]
                if s["kind"] == kind and re.search(s["pattern"], text):
                    return j
                if not s.get("optional"):
                    return None
            return None

        while True:
            kind, a, b = self.next_event(waiting_for())
            if kind == "complete":
                left = [s["name"] for s in steps[pos:] if not s.get("optional")]
                self.screen.clear_prompt()
                self.screen.set_status("authenticated" if a else "authentication failed")
                path, _ = self.screenshot("complete", name)
                self.log("complete", attempt=name, authenticated=bool(a), missing=left,
                         screenshot=path)
                if left:
                    raise Failed(f"{name}: the authentication ended ("
                                 f"{'authenticated' if a else 'refused'}) before step(s) "
                                 f"{', '.join(left)}")
                want = attempt.get("expect", "authenticated")
                if (want == "authenticated") != bool(a):
                    raise Failed(f"{name}: expected {want}, but it was "
                                 f"{'authenticated' if a else 'refused'}")
                return bool(a)
            text, style = a, b
            if answered:
                # What was shown with the last prompt goes when the next
                # message or prompt comes, as in a real greeter.
                messages, answered = [], False
                self.screen.show_messages(messages)
            if kind == "message":
                messages.append(text)
                self.screen.show_messages(messages)
                j = find("message", text)
                step = steps[j] if j is not None else None
                if j is not None:
                    pos = j + 1
                path, pixbuf = self.screenshot(step["name"] if step else "message", name)
                self.log("message", attempt=name, step=step["name"] if step else None,
                         text=text, style=style, screenshot=path,
                         shown=self.seen(pixbuf, self.screen.messages, "\n".join(messages)))
                continue
            # a prompt
            j = find("prompt", text)
            if j is None:
                self.screen.show_prompt(text, style == "secret")
                raise Failed(f"{name}: unexpected prompt {text!r} ({style}) while waiting "
                             f"for {waiting_for()}")
            step = steps[j]
            pos = j + 1
            menu = None
            if "menu_item" in step:
                menu = self.menu(text, messages, step["menu_item"])
                answer = menu["chosen"]
            else:
                answer = step["answer"]
            self.screen.show_prompt(text, style == "secret")
            self.screen.entry.set_text(answer)
            shown_answer = "*" * len(answer) if style == "secret" else answer
            self.screen.set_status(f"{name}: typed {shown_answer or '<Enter>'}")
            path, pixbuf = self.screenshot(step["name"], name)
            self.log("prompt", attempt=name, step=step["name"], text=text, style=style,
                     answer_shown=shown_answer, screenshot=path, menu=menu,
                     messages_shown=list(messages),
                     shown=self.seen(pixbuf, self.screen.prompt, text),
                     entry={"text_matches": self.screen.entry.get_text() == answer,
                            "visibility": self.screen.entry.get_visibility(),
                            "mapped": self.screen.entry.get_mapped()})
            self.lightdm.respond(answer)
            answered = True

    def menu(self, prompt, messages, item_pattern):
        """The number of the item matching item_pattern in the menu shown
        with this prompt: in the prompt itself (one message) or in the
        messages just before it (a text message, then the question)."""
        item = re.compile(r"^\s*(\d+)\.\s+(.*\S)\s*$", re.M)
        in_prompt = dict(item.findall(prompt))
        items = dict(in_prompt)
        for text in messages:
            for number, label in item.findall(text):
                items.setdefault(number, label)
        chosen = next((n for n, label in items.items() if re.search(item_pattern, label)), None)
        if chosen is None:
            raise Failed(f"no menu item matches /{item_pattern}/ in {items!r} "
                         f"(prompt {prompt!r}, messages {messages!r})")
        return {"items": items, "items_in_prompt": bool(in_prompt), "chosen": chosen}

    def start_session(self, attempt):
        session = attempt.get("session", "sspr-test")
        with open(os.path.join(self.out, "current-run"), "w") as f:
            f.write(self.run["name"] + "\n")
        self.screen.set_status(f"starting session {session} for {attempt['user']}")
        path, _ = self.screenshot("starting-session")
        self.log("session-start", attempt=attempt["name"], session=session, screenshot=path)
        self.lightdm.start_session_sync(session)
        self.log("session-started", attempt=attempt["name"], session=session)
        # LightDM ends the greeter once the session runs; do not outlive it
        # for long if it does not.
        shot.pump(20000)
        return 0


def main():
    with open(SCRIPT) as f:
        script = json.load(f)
    return Greeter(script).main()


if __name__ == "__main__":
    sys.exit(main())
