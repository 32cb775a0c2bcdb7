#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Prints the definitions of a schema file, one per line, normalised: object identifier
macros expanded, whitespace collapsed, prefixed by kind, OID and NAME, sorted by OID.
Reads slapd.conf format (.schema) or cn=config format (.ldif), so the two files can be
compared with diff. Exits 1 on a file it cannot parse."""
import re
import sys


def from_schema(text):
    logical = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line[0] in " \t" and logical:
            logical[-1] += " " + line.strip()
        else:
            logical.append(line.strip())
    out = []
    for line in logical:
        kw, _, rest = line.partition(" ")
        kind = {"objectidentifier": "oid", "attributetype": "attr",
                "objectclass": "class"}.get(kw.lower())
        if kind is None:
            sys.exit("unknown directive: " + line)
        out.append((kind, rest.strip()))
    return out


def from_ldif(text):
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith(" ") and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    out = []
    kinds = {"olcobjectidentifier": "oid", "olcattributetypes": "attr",
             "olcobjectclasses": "class"}
    for line in lines:
        key, sep, value = line.partition(":")
        if sep and key.lower() in kinds:
            out.append((kinds[key.lower()], re.sub(r"^\{\d+\}", "", value.strip())))
    return out


def main(path):
    text = open(path, encoding="utf-8").read()
    defs = from_ldif(text) if path.endswith(".ldif") else from_schema(text)
    macros = {}
    for kind, value in defs:
        if kind == "oid":
            name, oid = value.split()
            base, _, tail = oid.partition(":")
            macros[name] = macros[base] + "." + tail if tail else oid

    def expand(oid):
        base, sep, tail = oid.partition(":")
        return macros[base] + "." + tail if sep else oid

    rows = []
    for kind, value in defs:
        if kind == "oid":
            continue
        value = " ".join(value.split())
        m = re.match(r"\(\s*(\S+)\s+NAME\s+'([^']+)'(.*)$", value)
        if not m:
            sys.exit("cannot parse: " + value)
        oid = expand(m.group(1))
        rows.append((tuple(int(p) for p in oid.split(".")),
                     "%s %s %s%s" % (kind, oid, m.group(2), m.group(3))))
    for _, row in sorted(rows):
        print(row)


if __name__ == "__main__":
    main(sys.argv[1])
