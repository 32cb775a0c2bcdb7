# SPDX-License-Identifier: BSD-2-Clause
"""Renders bench.py's results (results.json) as the Markdown tables that
BENCHMARKS.md shows. `python3 bench/report.py results.json` prints them."""
import json
import sys

PEERS = ["pam_sspr", "pam_oath", "pam_google_authenticator"]
LDAP = "pam_sspr ldap"  # store_backend = ldap (bench.py --ldap)
VARIANTS = (("pam_sspr (metasync)", "LMDB default (meta page synced too)", "4"),
            ("pam_sspr", "MDB_NOMETASYNC (as shipped)", "2"),
            ("pam_sspr (nosync)", "MDB_NOSYNC (no flush; not safe)", "0"))


def _find(runs, n, module, p):
    for r in runs:
        if r["n"] == n and r["module"] == module and r["p"] == p:
            return r
    return None


def _ratio(a, b):
    if a is None or b is None or not b["median_ms"]:
        return "—"
    return "%.1f×" % (a["median_ms"] / b["median_ms"])


def render(res):
    runs = res["runs"]
    sizes = sorted({r["n"] for r in runs})
    procs = sorted({r["p"] for r in runs if r["module"] == "pam_sspr"})
    out = []
    w = out.append
    m = res.get("machine", {})
    w("Machine: %s, %s cores, %s GiB, stores on %s, kernel %s; syslog daemon: %s." % (
        m.get("cpu", "?"), m.get("cores", "?"), m.get("mem_gib", "?"), m.get("disk", "?"),
        m.get("kernel", "?"), "yes" if m.get("syslog") else "none (log lines dropped)"))
    if m.get("packages"):
        w("Packages: " + ", ".join(m["packages"]) + ".")
    w("Run time: %.0f s." % res.get("seconds", 0))
    w("")
    w("### Verification latency and throughput")
    w("")
    w("| N | P | module | K | ok | median ms | p99 ms | logins/s | peak RSS / worker |")
    w("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    order = ["pam_sspr", LDAP, "pam_google_authenticator", "pam_oath", "floor",
             "pam_permit only", "4 KiB write+fsync"]
    for n in sizes:
        for p in procs:
            for mod in order:
                r = _find(runs, n, mod, p)
                if r is None:
                    if mod in PEERS + [LDAP] and any(s["n"] == n and s["module"] == mod
                                            for s in res.get("skipped", [])):
                        w("| %d | %d | %s | — | — | skipped | | | |" % (n, p, mod))
                    continue
                w("| %d | %d | %s | %d%s | %d | %.3f | %.3f | %.0f | %.1f MiB |" % (
                    n, p, mod, r["k"], "*" if r.get("note") else "", r["ok"], r["median_ms"],
                    r["p99_ms"], r["throughput"], r["rss_max_kb"] / 1024))
    w("")
    w("\\* pam_oath's K is cut to fit its time budget (one whole-file rewrite per login).")
    w("")
    w("### Ratios of medians, same run")
    w("")
    w("| N | P | pam_oath ÷ pam_sspr | pam_google_auth ÷ pam_sspr | pam_sspr ÷ floor |")
    w("|---:|---:|---:|---:|---:|")
    for n in sizes:
        for p in procs:
            s = _find(runs, n, "pam_sspr", p)
            w("| %d | %d | %s | %s | %s |" % (
                n, p, _ratio(_find(runs, n, "pam_oath", p), s),
                _ratio(_find(runs, n, "pam_google_authenticator", p), s),
                _ratio(s, _find(runs, n, "floor", p))))
    w("")
    if any(r["module"] == LDAP for r in runs):
        w("### Directory store against LMDB (pam_sspr, the same reset, same rounds)")
        w("")
        w("| N | P | LMDB median ms | LMDB p99 ms | LDAP median ms | LDAP p99 ms | "
          "LDAP ÷ LMDB (median) | LDAP logins/s |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            for p in procs:
                lm, ld = _find(runs, n, "pam_sspr", p), _find(runs, n, LDAP, p)
                if lm and ld:
                    w("| %d | %d | %.3f | %.3f | %.3f | %.3f | %s | %.0f |" % (
                        n, p, lm["median_ms"], lm["p99_ms"], ld["median_ms"], ld["p99_ms"],
                        _ratio(ld, lm), ld["throughput"]))
        w("")
    if res.get("replication"):
        r = res["replication"]
        w("### Replication lag A → B (one record change through server A's store, read "
          "back through server B's)")
        w("")
        w("| writes | median ms | p99 ms | max ms |")
        w("|---:|---:|---:|---:|")
        w("| %d | %.2f | %.2f | %.2f |" % (r["writes"], r["median_ms"], r["p99_ms"],
                                          r["max_ms"]))
        w("")
    if res.get("seeding"):
        w("### Seeding time (s)")
        w("")
        w("| N | store | seconds |")
        w("|---:|---|---:|")
        for n, st in sorted(res["seeding"].items(), key=lambda kv: int(kv[0])):
            for mod, t in st.items():
                w("| %s | %s | %.1f |" % (n, mod, t))
        w("")
    if any(r["module"] == "pam_sspr (resident)" for r in runs):
        w("### Loading the module (pam_sspr, LMDB store; libldap resident or not)")
        w("")
        w("| N | P | as a login loads it, median ms | libldap already loaded, median ms | "
          "difference ms |")
        w("|---:|---:|---:|---:|---:|")
        for n in sizes:
            for p in procs:
                a, b = _find(runs, n, "pam_sspr", p), _find(runs, n, "pam_sspr (resident)", p)
                if a and b:
                    w("| %d | %d | %.3f | %.3f | %.3f |" % (n, p, a["median_ms"], b["median_ms"],
                                                          a["median_ms"] - b["median_ms"]))
        w("")
    variants = [r for r in runs if r["module"].startswith("pam_sspr (")]
    if variants:
        w("### LMDB commit durability (pam_sspr; flushes per successful reset)")
        w("")
        w("| N | P | commit mode | flushes / login | K | median ms | p99 ms | logins/s | "
          "÷ floor | pam_google_auth ÷ it |")
        w("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            for p in procs:
                floor = _find(runs, n, "floor", p)
                ga = _find(runs, n, "pam_google_authenticator", p)
                for mod, label, syncs in VARIANTS:
                    r = _find(runs, n, mod, p)
                    if r:
                        w("| %d | %d | %s | %s | %d | %.3f | %.3f | %.0f | %s | %s |" % (
                            n, p, label, syncs, r["k"], r["median_ms"], r["p99_ms"],
                            r["throughput"], _ratio(r, floor), _ratio(ga, r)))
        w("")
    w("### Store size per user")
    w("")
    w("| N | module | bytes / user | on disk / user |")
    w("|---:|---|---:|---:|")
    for n in sizes:
        for mod, s in res["sizes"].get(str(n), {}).items():
            w("| %d | %s | %.0f | %.0f |" % (n, mod, s["bytes_per_user"], s["disk_per_user"]))
    w("")
    w("### Name lookups (getpwnam_r + getgrgid_r), on their own")
    w("")
    w("| N | NSS source | lookups | median ms | p99 ms |")
    w("|---:|---|---:|---:|---:|")
    for n in sizes:
        for mod in ("lookup (libnss-db)", "lookup (files)"):
            r = _find(runs, n, mod, 1)
            if r:
                w("| %d | %s | %d | %.4f | %.4f |" % (n, mod[8:-1], r["k"], r["median_ms"],
                                                    r["p99_ms"]))
    w("")
    if res.get("questions"):
        q = res["questions"]
        w("### Security-question resets through the module (%d answer%s a reset, "
          "Argon2id at the default cost)" % (q[0]["answers"], "" if q[0]["answers"] == 1
                                             else "s"))
        w("")
        w("| P concurrent | argon2_max_parallel | resets | ok | median ms | p99 ms | "
          "resets/s | peak RSS, all workers |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in q:
            w("| %d | %s | %d | %d | %.0f | %.0f | %.2f | %.0f MiB |" % (
                r["p"], r["limit"] or "0 (unlimited)", r["resets"], r["ok"], r["median_ms"],
                r["p99_ms"], r["throughput"], r["peak_rss_mib"]))
        w("")
    if res.get("argon2"):
        w("### Argon2id alone: one crypto_pwhash_str_verify (%s), no PAM" %
          res["argon2"][0]["cost"])
        w("")
        w("| P concurrent | limit | verifications | median ms | p99 ms | peak RSS, all "
          "workers |")
        w("|---:|---:|---:|---:|---:|---:|")
        for r in res["argon2"]:
            w("| %d | %s | %d | %.1f | %.1f | %.0f MiB |" % (
                r["p"], r["limit"] or "none", r["count"], r["median_ms"], r["p99_ms"],
                r["peak_rss_mib"]))
        w("")
    w("### Correctness")
    w("")
    w("| N | module | check | passed |")
    w("|---:|---|---|---:|")
    for c in res["checks"]:
        w("| %s | %s | %s | %d / %d |" % (c["n"] or "—", c["module"], c["what"], c["passed"],
                                          c["count"]))
    ok_runs = [r for r in runs if r["module"] in PEERS or r["module"].startswith("pam_sspr")]
    w("")
    w("Valid verifications that succeeded: %d / %d." % (
        sum(r["ok"] for r in ok_runs), sum(r["k"] for r in ok_runs)))
    for s in res.get("skipped", []):
        w("Skipped: %s at N = %d (%s)." % (s["module"], s["n"], s["why"]))
    for f in res.get("findings", []):
        w("Finding (peer): " + f + ".")
    for f in res.get("failures", []):
        w("FAILED (pam_sspr): " + f)
    w("")
    w(targets(res))
    return "\n".join(out) + "\n"


def targets(res):
    runs = res["runs"]
    sizes = sorted({r["n"] for r in runs})
    lines = ["### Targets (P = 1 medians)", ""]

    def med(n, mod, p=1):
        r = _find(runs, n, mod, p)
        return r["median_ms"] if r else None

    def line(what, value, ok):
        lines.append("- %s: %s — %s" % (what, value, "met" if ok else "**missed**"))

    for n, factor in ((1000000, 100), (100000, 10)):
        s, o = med(n, "pam_sspr"), med(n, "pam_oath")
        if s and o:
            line("N = %d: pam_oath ÷ pam_sspr ≥ %d" % (n, factor), "%.1f×" % (o / s),
                 o / s >= factor)
    if med(min(sizes), "pam_sspr") and med(max(sizes), "pam_sspr") and max(sizes) > min(sizes):
        g = med(max(sizes), "pam_sspr") / med(min(sizes), "pam_sspr")
        line("pam_sspr median N = %d → %d grows < 1.5×" % (min(sizes), max(sizes)),
             "%.2f×" % g, g < 1.5)
    for n in sizes:
        s, g, f = med(n, "pam_sspr"), med(n, "pam_google_authenticator"), med(n, "floor")
        if s and g:
            line("N = %d: pam_sspr faster than pam_google_authenticator" % n,
                 "%.3f vs %.3f ms" % (s, g), s < g)
        if s and f:
            line("N = %d: pam_sspr within 2× of the floor" % n, "%.2f×" % (s / f),
                 s / f <= 2)
    return "\n".join(lines)


if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        print(render(json.load(fh)))
