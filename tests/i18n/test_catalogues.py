#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The catalogues of the text domain pam_sspr (po/), against the sources.

usage: test_catalogues.py SOURCE_ROOT

1. Every source that marks text (_( N_( dngettext) is listed in
   po/POTFILES, so xgettext sees it.
2. The template po/pam_sspr.pot holds exactly the messages of the sources
   (xgettext run afresh into a scratch file): a string added, changed or
   removed without `ninja pam_sspr-pot` fails here.
3. Every language in po/LINGUAS has a catalogue that msgfmt --check
   accepts (headers, plural forms, and format strings whose directives
   match the msgid's: a translation with a %s too few or a %u for a %s
   would crash or lie), with every message translated and none fuzzy,
   and no message the template lacks.
4. The text messages (SMS) fit one message of 160 characters of
   printable ASCII in every language, whatever the names (at their cut
   widths), as they must in English.
5. No translation of a message that is no format holds a "%" (the code
   passes such texts as "%s" arguments, but msgfmt checks only c-format
   messages, so one used as a format would go unchecked), and the yes and
   no words of each language are apart.
Prints one line per check and "N passed, N failed"; exits 1 on a failure."""
import os
import re
import subprocess
import sys
import tempfile

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}")
        for line in str(detail).strip().splitlines()[:40]:
            print(f"#   {line}")


def run(argv, cwd=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def listed_sources(root):
    with open(os.path.join(root, "po", "POTFILES")) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


MARK = re.compile(r'\b(_|N_|dngettext)\(')


def marking_sources(root):
    out = []
    for d in ("pam_sspr", "libsspr", "sspr-enroll", "sspr-mailer", "policy"):
        for name in sorted(os.listdir(os.path.join(root, d))):
            if name.endswith((".c", ".h")):
                path = f"{d}/{name}"
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    text = f.read()
                if name == "i18n.h":
                    continue  # defines the macros
                if MARK.search(text):
                    out.append(path)
    return out


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "\\": "\\", '"': '"'}


def unescape(s):
    """A PO string's C escapes, undone (the text itself is UTF-8 already)."""
    return re.sub(r'\\([0-7]{1,3}|.)', lambda m: chr(int(m.group(1), 8))
                  if m.group(1)[0] in "01234567" else ESCAPES.get(m.group(1), m.group(1)), s)


def parse(po_text):
    """Every message but the header (and obsolete #~ ones): dicts of msgid,
    plural and the list of msgstr, still escaped as in the file."""
    out, cur, field, flags = [], None, None, set()
    for line in po_text.splitlines():
        line = line.strip()
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m:
            field = m.group(1)
            if field == "msgid":
                cur = {"msgid": m.group(2), "plural": "", "msgstr": [], "flags": flags}
                out.append(cur)
                flags = set()
            elif field == "msgid_plural":
                cur["plural"] = m.group(2)
            else:
                cur["msgstr"].append(m.group(2))
        elif line.startswith('"') and cur is not None:
            if field == "msgid":
                cur["msgid"] += line[1:-1]
            elif field == "msgid_plural":
                cur["plural"] += line[1:-1]
            else:
                cur["msgstr"][-1] += line[1:-1]
    return [e for e in out if e["msgid"] != ""]


def msgids(po_text):
    return {(e["msgid"], e["plural"]) for e in parse(po_text)}


def entries(po_text):
    return [(unescape(e["msgid"]), [unescape(x) for x in e["msgstr"]], e["flags"])
            for e in parse(po_text)]


# The widths the code gives each directive of a text message at worst:
# %.32s and %.24s are cut user names, %.*s a host name cut to nothing,
# %s the code (at most 10 digits), %u the minutes (code_lifetime is at
# most 86400 s: 1440, 4 digits).
SMS_WIDTHS = {"%.32s": 32, "%.24s": 24, "%.*s": 0, "%s": 10, "%u": 4}
SMS_LIMIT = 160


def sms_length(text):
    n = len(re.sub(r"%(\.32s|\.24s|\.\*s|s|u)", "", text))
    for directive, width in SMS_WIDTHS.items():
        n += text.count(directive) * width
    return n


def main():
    if len(sys.argv) != 2:
        print("usage: test_catalogues.py SOURCE_ROOT", file=sys.stderr)
        return 2
    root = os.path.realpath(sys.argv[1])
    for tool in ("xgettext", "msgfmt"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            print(f"test_catalogues.py: {tool} not found (install gettext)", file=sys.stderr)
            return 1

    listed = listed_sources(root)
    missing = [p for p in marking_sources(root) if p not in listed]
    check("every source that marks text is in po/POTFILES", not missing, "\n".join(missing))
    gone = [p for p in listed if not os.path.exists(os.path.join(root, p))]
    check("po/POTFILES names no file that is gone", not gone, "\n".join(gone))

    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "fresh.pot")
        with open(os.path.join(root, "po", "meson.build")) as f:
            args = re.findall(r"'(--(?:keyword|add-comments|from-code)[^']*)'", f.read())
        status, out = run(["xgettext", *args, "-o", fresh, "-f", "po/POTFILES"], cwd=root)
        check("xgettext reads every listed source", status == 0, out)
        template = os.path.join(root, "po", "pam_sspr.pot")
        with open(fresh, encoding="utf-8") as f:
            fresh_ids = msgids(f.read())
        with open(template, encoding="utf-8") as f:
            template_ids = msgids(f.read())
        added = sorted(fresh_ids - template_ids)
        removed = sorted(template_ids - fresh_ids)
        check(f"po/pam_sspr.pot is current ({len(template_ids)} messages; "
              "else: ninja -C BUILD pam_sspr-pot)", not added and not removed,
              "\n".join([f"not in the template: {a[0]!r}" for a in added] +
                        [f"no longer in the sources: {r[0]!r}" for r in removed]))

        with open(os.path.join(root, "po", "LINGUAS")) as f:
            languages = [w for l in f if not l.startswith("#") for w in l.split()]
        check("po/LINGUAS names German, French and Spanish",
              {"de", "fr", "es"} <= set(languages), languages)
        for lang in languages:
            po = os.path.join(root, "po", f"{lang}.po")
            status, out = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po])
            check(f"{lang}.po: msgfmt --check accepts it", status == 0, out)
            m = re.match(r"^(\d+) translated messages?\.$", out.strip())
            check(f"{lang}.po: every message translated, none fuzzy ({out.strip()})",
                  m is not None, out)
            with open(po, encoding="utf-8") as f:
                text = f.read()
            ids = msgids(text)
            check(f"{lang}.po: holds every message of the template",
                  not (fresh_ids - ids), "\n".join(repr(i[0]) for i in sorted(fresh_ids - ids)))
            check(f"{lang}.po: holds no message the template lacks",
                  not (ids - fresh_ids), "\n".join(repr(i[0]) for i in sorted(ids - fresh_ids)))
            loose = [msgid for msgid, msgstrs, flags in entries(text)
                     if "c-format" not in flags and any("%" in x for x in msgstrs)]
            check(f"{lang}.po: no translation has a % where its msgid is no format "
                  "(msgfmt checks c-format messages only)", not loose,
                  "\n".join(repr(m) for m in loose))
            words = {}
            for msgid, msgstrs, _ in entries(text):
                if msgid in ("y|yes", "n|no"):
                    words[msgid] = set(msgstrs[0].lower().split("|")) | set(msgid.split("|"))
            check(f"{lang}.po: its yes words and no words (English ones too) do not overlap",
                  len(words) == 2 and not (words["y|yes"] & words["n|no"]), words)
            for msgid, msgstrs, _ in entries(text):
                if "%.*s" not in msgid:
                    continue  # the text messages are the ones that cut a host name
                for s in msgstrs:
                    check(f"{lang}.po: the text message {msgid[:40]!r}... is printable ASCII "
                          f"and fits {SMS_LIMIT} characters at worst ({sms_length(s)})",
                          all(0x20 <= ord(c) < 0x7f for c in s) and
                          sms_length(s) <= SMS_LIMIT, s)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
