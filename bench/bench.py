#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""pam_sspr against pam_oath and pam_google_authenticator, side by side.

Runs inside the private mount namespace that bench/run.sh makes (root): it
bind-mounts a copy of /etc over /etc and a tmpfs over /var/lib/misc, so the
bench's million users, its nsswitch.conf and its libnss-db indexes exist only
in this namespace. The stores themselves live on the real disk (in a
directory under /var/tmp that is removed at the end), because the point is
what each module pays to make a login durable.

For each N: the same N users with the same TOTP secrets in all three
modules; then, for each P, K verifications on distinct users (P worker
processes on disjoint slices), each a real pam_start/pam_authenticate/pam_end
through pam_wrapper service files; replays of used codes (must fail); a floor
(the same transaction with pam_permit, plus one 4 KiB write+fsync); and at the
end an exact check of every user's stored counters. Then security-question
resets through the module, P at once, with argon2_max_parallel unlimited and
2: latency and the peak of the workers' summed memory.

With --ldap (bench/run.sh runs this under tests/ldap/with-slapd.sh, whose
SSPR_LDAP_* variables name two replicating slapd servers on this machine's
disk) pam_sspr runs a second time with store_backend = ldap against server A,
in the same rounds as the LMDB runs, on users of its own; its counters are
checked the same way; and the replication lag A -> B is measured.
"""
import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import hashlib
import base64

# pam_sspr alone in a stack, its verdict the stack's: a completed reset
# steps aside (PAM_IGNORE) for the next module, here pam_permit; anything
# else ends the stack with the module's own result.
MODULE_ALONE = "[ignore=ignore default=die]"
AFTER_MODULE = "auth required pam_permit.so\n"

SSPR_GID = 60000
STORE_GID = 60001
UID0 = 100000
PERIOD = 30
# pam_sspr with store_backend = ldap, in results and tables.
LDAP = "pam_sspr ldap"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def user_name(i):
    return "bu%07u" % i


def user_secret(i):
    # Same derivation as bench_users.h: BLAKE2b-160 of a fixed string.
    return hashlib.blake2b(b"pam_sspr-bench-secret-%d" % i, digest_size=20).digest()


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def write_nss_db(db, entries):
    """/var/lib/misc/DB.db for libnss-db, from (keys, line) pairs, through
    makedb in chunks (a million users do not fit one string)."""
    p = subprocess.Popen(["makedb", "--quiet", "-o", "/var/lib/misc/%s.db" % db, "-"],
                         stdin=subprocess.PIPE)
    out = []
    for keys, line in entries:
        out.extend("%s %s\n" % (k, line) for k in keys)
        if len(out) >= 65536:
            p.stdin.write("".join(out).encode())
            out = []
    p.stdin.write("".join(out).encode())
    p.stdin.close()
    if p.wait() != 0:
        raise SystemExit("bench: makedb %s failed" % db)


class Bench:
    def __init__(self, args):
        self.a = args
        self.bin = os.path.join(args.build_dir, "bench")
        self.tmp = tempfile.mkdtemp(prefix="sspr-bench-", dir="/tmp")
        # Disk, not tmpfs: fsync must cost what it costs.
        self.data = tempfile.mkdtemp(prefix="sspr-bench-data-", dir=args.data_parent)
        self.services = os.path.join(self.data, "services")
        self.results = {"runs": [], "sizes": {}, "checks": [], "skipped": [], "lookup": {},
                        "argon2": [], "questions": [], "machine": {}, "failures": [], "findings": []}
        self.env = dict(os.environ)
        self.env.update({"LD_PRELOAD": "libpam_wrapper.so", "PAM_WRAPPER": "1",
                         "PAM_WRAPPER_SERVICE_DIR": self.services})
        self.rng = random.Random(20240601)
        self.cleanup = []

    # ---- the private system ------------------------------------------
    def enter_private_etc(self):
        run(["mount", "-t", "tmpfs", "-o", "mode=755", "sspr-bench", self.tmp])
        etc = os.path.join(self.tmp, "etc")
        os.mkdir(etc)
        run(["cp", "-a", "/etc/.", etc + "/"])
        run(["mount", "--bind", etc, "/etc"])
        misc = os.path.join(self.tmp, "misc")
        os.mkdir(misc)
        os.makedirs("/var/lib/misc", exist_ok=True)
        run(["mount", "--bind", misc, "/var/lib/misc"])
        for d in ("/run/nscd", "/var/run/nscd"):
            if os.path.isdir(d):
                run(["mount", "-t", "tmpfs", "none", d])
        with open("/etc/passwd") as f:
            self.base_passwd = [l for l in f.read().splitlines()
                                if l and not l.startswith("bu")]
        with open("/etc/group") as f:
            self.base_group = [l for l in f.read().splitlines()
                               if l and not l.split(":")[0] in ("sspr", "sspr-store")]
        self.set_nss("db files")
        os.makedirs(self.services)

    def set_nss(self, sources):
        lines = []
        with open("/etc/nsswitch.conf") as f:
            for l in f.read().splitlines():
                key = l.split(":")[0].strip()
                if key in ("passwd", "group", "shadow", "gshadow"):
                    continue
                lines.append(l)
        lines += ["passwd: " + sources, "group: " + sources, "shadow: " + sources]
        with open("/etc/nsswitch.conf", "w") as f:
            f.write("\n".join(lines) + "\n")

    def make_users(self, n):
        """N accounts in the private /etc/passwd, indexed by libnss-db."""
        t0 = time.time()
        group = self.base_group + ["sspr:x:%d:" % SSPR_GID, "sspr-store:x:%d:" % STORE_GID]
        with open("/etc/group", "w") as f:
            f.write("\n".join(group) + "\n")
        with open("/etc/passwd", "w") as f:
            f.write("\n".join(self.base_passwd) + "\n")
            chunk = []
            for i in range(n):
                chunk.append("%s:x:%d:%d::/nonexistent:/usr/sbin/nologin\n"
                             % (user_name(i), UID0 + i, SSPR_GID))
                if len(chunk) == 65536:
                    f.write("".join(chunk))
                    chunk = []
            f.write("".join(chunk))
        # The indexes libnss-db reads (as /var/lib/misc/Makefile builds
        # them): ".name", "=uid" and "0seq" keys per entry.
        for db, path in (("passwd", "/etc/passwd"), ("group", "/etc/group")):
            with open(path) as f:
                lines = [l for l in f.read().splitlines() if l]
            write_nss_db(db, [(("0%d" % seq, ".%s" % l.split(":")[0], "=%s" % l.split(":")[2]),
                               l) for seq, l in enumerate(lines)])
        # Shadow entries too: pam_sspr reads the account's state (locked,
        # expired) before every reset, as pam_unix would, through NSS.
        today = int(time.time()) // 86400
        write_nss_db("shadow", ((("0%d" % i, ".%s" % user_name(i)),
                                 "%s:$6$bench$:%d:0:99999:7:::" % (user_name(i), today))
                                for i in range(n)))
        return time.time() - t0

    # ---- the three stores --------------------------------------------
    def write_services(self):
        d = self.data
        svc = {
            "other": "auth required pam_deny.so\n",
            "bench-floor": "auth required pam_permit.so\n",
            "bench-sspr": "auth %s %s config=%s/sspr.conf\n%s" % (MODULE_ALONE, self.a.module, d,
                                                                  AFTER_MODULE),
            "bench-sspr-passwd": "password required pam_permit.so\n",
            "bench-oath": "auth required pam_oath.so usersfile=%s/oath/users.oath window=3 "
                          "digits=6\n" % d,
            "bench-ga": "auth required pam_google_authenticator.so secret=%s/ga/${USER} "
                        "user=root\n" % d,
        }
        for name, text in svc.items():
            with open(os.path.join(self.services, name), "w") as f:
                f.write(text)
        with open(os.path.join(d, "sspr.conf"), "w") as f:
            f.write("# pam_sspr bench policy: everything else is the default\n"
                    "group = sspr\nstore = %s/sspr-store\nkey_dir = %s/sspr-keys\n"
                    "password_service = bench-sspr-passwd\n" % (d, d))
        os.chmod(os.path.join(d, "sspr.conf"), 0o644)

    # ---- the directory store ---------------------------------------------
    def ldap_conf(self, n, server="a"):
        """The policy of a host whose store is server A's (or B's) directory,
        under a base of its own per N (users are the same names at every N)."""
        e = os.environ
        path = os.path.join(self.data, "sspr-ldap-%d-%s.conf" % (n, server))
        with open(path, "w") as f:
            f.write("# pam_sspr bench policy, directory store\n"
                    "group = sspr\nkey_dir = %s/sspr-keys\n"
                    "password_service = bench-sspr-passwd\n"
                    "store_backend = ldap\nldap_uri = %s\nldap_base = ou=bench%d,%s\n"
                    "ldap_bind_dn = %s\nldap_bind_password_file = %s\n"
                    "ldap_tls_cacert = %s\n"
                    % (self.data, e["SSPR_LDAP_URI_" + server.upper()], n,
                       e["SSPR_LDAP_BASE"], e["SSPR_LDAP_BIND_DN"],
                       e["SSPR_LDAP_BIND_PASSWORD_FILE"], e["SSPR_LDAP_CACERT"]))
        os.chmod(path, 0o644)
        return path

    def ldap_data_bytes(self):
        """What server A's database holds: its blocks on disk (the mdb file's
        apparent size is the whole map, written or not)."""
        return self.disk_usage(os.path.join(os.environ["SSPR_LDAP_DIR"], "a", "data"))

    def seed_ldap(self, n):
        """The same N users through the store interface into server A (each
        an add that syncrepl copies to B), in parallel slices. The store's own
        write path, not an offline slapadd: see BENCHMARKS.md."""
        t0 = time.time()
        conf = self.ldap_conf(n)
        with open(os.path.join(self.services, "bench-sspr-ldap"), "w") as f:
            f.write("auth %s %s config=%s\n%s" % (MODULE_ALONE, self.a.module, conf, AFTER_MODULE))
        before = self.ldap_data_bytes()
        run([self.a.admin, "--config", conf, "init"], stdout=subprocess.DEVNULL)
        parts = min(self.a.ldap_seeders, max(1, n // 100))
        procs = []
        for k in range(parts):
            first, last = n * k // parts, n * (k + 1) // parts
            procs.append(subprocess.Popen([os.path.join(self.bin, "seed_sspr"), "seed", conf,
                                           os.path.join(self.data, "sspr-keys"), str(first),
                                           str(last - first)]))
        if any([p.wait() != 0 for p in procs]):  # wait for all, then judge
            raise SystemExit("bench: seeding the directory store failed")
        grown = self.ldap_data_bytes() - before
        self.ldap_size = (grown, grown)  # one figure: blocks the seeding added
        return time.time() - t0

    def ldap_lag(self, n):
        """Replication lag A -> B: a seeded user's record changed through
        server A's store, then read from server B's until it shows."""
        a = self.ldap_conf(n, "a")
        b = self.ldap_conf(n, "b")
        p = subprocess.run([os.path.join(self.bin, "seed_sspr"), "lag", a, b, user_name(0),
                            str(self.a.lag_writes)], stdout=subprocess.PIPE, text=True)
        lags = [int(l.split()[1]) / 1e6 for l in p.stdout.splitlines() if l.startswith("lag_ns")]
        row = {"n": n, "writes": len(lags), "median_ms": statistics.median(lags) if lags else 0,
               "p99_ms": self.pct(lags, 0.99), "max_ms": max(lags) if lags else 0}
        self.results["replication"] = row
        self.results["checks"].append({"n": n, "module": "pam_sspr ldap",
                                       "what": "writes on A seen on B",
                                       "count": self.a.lag_writes, "passed": len(lags)})
        if p.returncode != 0 or len(lags) != self.a.lag_writes:
            self.fail("replication A -> B: %d of %d writes seen on B" % (len(lags),
                                                                         self.a.lag_writes))
        log("  replication A -> B over %d writes: median %.2f ms, p99 %.2f ms, max %.2f ms"
            % (len(lags), row["median_ms"], row["p99_ms"], row["max_ms"]))

    def seed_sspr(self, n):
        t0 = time.time()
        store = os.path.join(self.data, "sspr-store")
        shutil.rmtree(store, ignore_errors=True)
        keys = os.path.join(self.data, "sspr-keys")
        # The real tool makes the host key (once) and an empty store.
        run([self.a.admin, "--config", os.path.join(self.data, "sspr.conf"), "init"],
            stdout=subprocess.DEVNULL)
        # Seed on a tmpfs copy (fsync is free there), then copy the
        # environment back: a million one-user commits at disk speed would be
        # the seeding bench, not the login bench. Same file, same layout.
        fast = os.path.join(self.tmp, "seed-store")
        os.makedirs(fast, exist_ok=True)
        shutil.copy2(os.path.join(store, "data.mdb"), os.path.join(fast, "data.mdb"))
        procs = []
        parts = 2 if n >= 1000 else 1
        for k in range(parts):
            first, last = n * k // parts, n * (k + 1) // parts
            procs.append(subprocess.Popen([os.path.join(self.bin, "seed_sspr"), "seed", fast,
                                           keys, str(first), str(last - first)]))
        if any(p.wait() != 0 for p in procs):
            raise SystemExit("bench: seeding the pam_sspr store failed")
        st = os.stat(os.path.join(store, "data.mdb"))
        shutil.copyfile(os.path.join(fast, "data.mdb"), os.path.join(store, "data.mdb"))
        os.chown(os.path.join(store, "data.mdb"), st.st_uid, st.st_gid)
        os.remove(os.path.join(fast, "data.mdb"))
        os.remove(os.path.join(fast, "lock.mdb"))
        fd = os.open(os.path.join(store, "data.mdb"), os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        return time.time() - t0

    def oath_line(self, i):
        return "HOTP/T30/6\t%s\t-\t%s\n" % (user_name(i), user_secret(i).hex())

    def seed_oath(self, n):
        t0 = time.time()
        d = os.path.join(self.data, "oath")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d, mode=0o700)
        path = os.path.join(d, "users.oath")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            for start in range(0, n, 65536):
                f.write("".join(self.oath_line(i) for i in range(start, min(n, start + 65536))))
            f.flush()
            os.fsync(f.fileno())
        return time.time() - t0

    def ga_text(self, i):
        # What `google-authenticator -t -d -w 3 -r 0 ...` writes: the secret,
        # TOTP, replays refused, a window of 3 codes.
        b32 = base64.b32encode(user_secret(i)).decode()
        return '%s\n" TOTP_AUTH\n" DISALLOW_REUSE\n" WINDOW_SIZE 3\n' % b32

    def seed_ga(self, n):
        t0 = time.time()
        d = os.path.join(self.data, "ga")
        if os.path.isdir(d):
            run(["rm", "-rf", d])
        os.makedirs(d, mode=0o700)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        for i in range(n):
            fd = os.open(os.path.join(d, user_name(i)), flags, 0o600)
            os.write(fd, self.ga_text(i).encode())
            os.close(fd)
        run(["sync", "-f", d])
        return time.time() - t0

    # ---- runs ---------------------------------------------------------
    def pam_bench(self, tag, service, users, procs, reset=False, replay=None, extra=(),
                  env=None):
        """Runs pam_bench; returns (records, wall_s, maxrss list)."""
        out = os.path.join(self.tmp, "out-" + tag)
        inp = os.path.join(self.tmp, "in-" + tag)
        with open(inp, "w") as f:
            if replay is not None:
                f.write("".join("%d %s\n" % (r["idx"], r["code"]) for r in replay))
            else:
                f.write("".join("%d\n" % i for i in users))
        cmd = [os.path.join(self.bin, "pam_bench"), "--indices", inp, "--out", out,
               "--procs", str(procs)]
        if service:
            cmd += ["--service", service]
        if reset:
            cmd.append("--reset")
        if replay is not None:
            cmd.append("--replay")
        cmd += list(extra)
        p = subprocess.run(cmd, env=env or self.env, stdout=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise SystemExit("bench: %s failed (status %d)" % (" ".join(cmd), p.returncode))
        out_words = p.stdout.split()
        wall = int(out_words[1]) / 1e9
        self.last_peak_kb = int(out_words[3]) if len(out_words) > 3 else 0
        recs, rss = [], []
        for w in range(procs):
            with open("%s.%d" % (out, w)) as f:
                for line in f:
                    if line.startswith("# maxrss_kb"):
                        rss.append(int(line.split()[2]))
                        continue
                    idx, code, step, rc, ns, said = line.split()
                    recs.append({"idx": int(idx), "code": code, "step": int(step),
                                 "rc": int(rc), "ns": int(ns), "said": said})
            os.remove("%s.%d" % (out, w))
        os.remove(inp)
        return recs, wall, rss

    @staticmethod
    def pct(values, q):
        v = sorted(values)
        if not v:
            return 0.0
        k = min(len(v) - 1, max(0, int(round(q * (len(v) - 1)))))
        return v[k]

    def record_run(self, n, module, procs, recs, wall, rss, peer=False, note=""):
        # Latency of the verifications that succeeded: a refused login (a
        # peer's lock conflict) is quick and would flatter the median.
        lat = [r["ns"] / 1e6 for r in recs if r["rc"] == 0]
        ok = len(lat)
        row = {"n": n, "module": module, "p": procs, "k": len(recs),
               "median_ms": statistics.median(lat) if lat else 0.0,
               "p99_ms": self.pct(lat, 0.99), "throughput": len(recs) / wall if wall else 0,
               "ok": ok, "rss_max_kb": max(rss) if rss else 0,
               "rss_sum_kb": sum(rss), "note": note}
        self.results["runs"].append(row)
        if ok != len(recs):
            why = sorted({"%s (PAM status %d)" % (r["said"], r["rc"]) for r in recs
                          if r["rc"] != 0})
            log("  refused: " + "; ".join(why[:3]))
            self.fail("%s N=%d P=%d: %d of %d valid verifications refused" % (
                module, n, procs, len(recs) - ok, len(recs)), peer)
        log("  %-22s N=%-8d P=%d K=%-5d median %8.3f ms  p99 %8.3f ms  %7.1f/s  ok %d"
            % (module, n, procs, len(recs), row["median_ms"], row["p99_ms"],
               row["throughput"], ok))
        return row

    def fail(self, msg, peer=False):
        """A peer's failure is a finding to report; ours fails the run."""
        log(("FINDING: " if peer else "FAIL: ") + msg)
        self.results["findings" if peer else "failures"].append(msg)

    def check_replays(self, n, module, service, recs, reset=False, env=None, peer=False):
        sample = recs[: self.a.replays]
        rep, _, _ = self.pam_bench("replay-%s-%d" % (module, n), service, None, 1,
                                   reset=reset, replay=sample, env=env)
        refused = sum(1 for r in rep if r["rc"] != 0)
        self.results["checks"].append({"n": n, "module": module, "what": "replays refused",
                                       "count": len(rep), "passed": refused})
        if refused != len(rep):
            self.fail("%s N=%d: %d of %d replays accepted" % (module, n, len(rep) - refused,
                                                              len(rep)), peer)
        return [r["idx"] for r in sample]

    # ---- counters -----------------------------------------------------
    def check_sspr(self, n, used, replayed, store=None, module="pam_sspr"):
        path = os.path.join(self.tmp, "expect-sspr")
        rep = set(replayed)
        with open(path, "w") as f:
            for idx, step in used.items():
                f.write("%d %d %d\n" % (idx, step, 1 if idx in rep else 0))
        p = subprocess.run([os.path.join(self.bin, "seed_sspr"), "check",
                            store or os.path.join(self.data, "sspr-store"), str(n), path],
                           stdout=subprocess.PIPE, text=True)
        log("  %s: %s" % (module, p.stdout.strip()))
        self.results["checks"].append({"n": n, "module": module,
                                       "what": "stored counters exact", "count": n,
                                       "passed": n if p.returncode == 0 else 0,
                                       "detail": p.stdout.strip()})
        if p.returncode != 0:
            self.fail("%s N=%d: stored counters are not exact" % (module, n))

    def check_oath(self, n, used):
        """Every used user's line records its code; every other line is as
        seeded (a lost rewrite would show as a missing code or a lost line)."""
        bad, seen = 0, 0
        with open(os.path.join(self.data, "oath", "users.oath")) as f:
            for line in f:
                fields = line.split()
                if len(fields) < 4 or not fields[1].startswith("bu"):
                    continue
                idx = int(fields[1][2:])
                seen += 1
                if idx in used:
                    if len(fields) < 6 or fields[5] != used[idx]:
                        bad += 1
                elif len(fields) != 4 or fields[3] != user_secret(idx).hex():
                    bad += 1
        ok = bad == 0 and seen == n
        log("  pam_oath usersfile: %d users, %d with a recorded login, %d wrong" %
            (seen, len(used), bad + (n - seen)))
        self.results["checks"].append({"n": n, "module": "pam_oath",
                                       "what": "stored counters exact", "count": n,
                                       "passed": n if ok else 0})
        if not ok:
            self.fail("pam_oath N=%d: usersfile counters are not exact" % n, True)

    def check_ga(self, n, used):
        """Every used user's file lists the used step after DISALLOW_REUSE;
        a sample of the others is as seeded."""
        bad = 0
        d = os.path.join(self.data, "ga")
        others = [i for i in self.rng.sample(range(n), min(n, 2000)) if i not in used]
        for idx in list(used) + others:
            with open(os.path.join(d, user_name(idx))) as f:
                text = f.read()
            if idx in used:
                reuse = [l for l in text.splitlines() if l.startswith('" DISALLOW_REUSE')]
                if not reuse or str(used[idx]) not in reuse[0].split()[2:]:
                    bad += 1
            elif text != self.ga_text(idx):
                bad += 1
        log("  pam_google_authenticator files: %d used and %d others read, %d wrong" %
            (len(used), len(others), bad))
        self.results["checks"].append({"n": n, "module": "pam_google_authenticator",
                                       "what": "stored counters exact",
                                       "count": len(used) + len(others),
                                       "passed": len(used) + len(others) - bad})
        if bad:
            self.fail("pam_google_authenticator N=%d: %d files wrong" % (n, bad), True)

    # ---- sizes ---------------------------------------------------------
    @staticmethod
    def disk_usage(path):
        out = subprocess.run(["du", "-s", "--block-size=1", path], stdout=subprocess.PIPE,
                             text=True, check=True).stdout
        return int(out.split()[0])

    @staticmethod
    def apparent(path):
        out = subprocess.run(["du", "-s", "--apparent-size", "--block-size=1", path],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
        return int(out.split()[0])

    # ---- one N --------------------------------------------------------
    def one_size(self, n):
        a = self.a
        log("== N = %d" % n)
        t_users = self.make_users(n)
        log("  users and libnss-db indexes: %.1f s" % t_users)
        peers = ["pam_sspr", "pam_oath", "pam_google_authenticator"]
        limits = {"pam_oath": a.oath_max_n, "pam_google_authenticator": a.ga_max_n}
        active = []
        for m in peers:
            if limits.get(m, n) < n:
                self.results["skipped"].append(
                    {"n": n, "module": m, "why": "over --%s-max-n" % m.split("_")[1]})
                log("  skipping %s at N=%d (limit %d)" % (m, n, limits[m]))
            else:
                active.append(m)
        seed_t = {}
        seed_t["pam_sspr"] = self.seed_sspr(n)
        ldap = self.a.ldap and n <= self.a.ldap_max_n
        if self.a.ldap and not ldap:
            self.results["skipped"].append({"n": n, "module": LDAP, "why": "over --ldap-max-n"})
            log("  skipping %s at N=%d (limit %d)" % (LDAP, n, self.a.ldap_max_n))
        if ldap:
            seed_t[LDAP] = self.seed_ldap(n)
        if "pam_oath" in active:
            seed_t["pam_oath"] = self.seed_oath(n)
        if "pam_google_authenticator" in active:
            seed_t["pam_google_authenticator"] = self.seed_ga(n)
        log("  seeding: " + ", ".join("%s %.1f s" % kv for kv in seed_t.items()))
        sizes = {"pam_sspr": (self.disk_usage(os.path.join(self.data, "sspr-store")),
                              self.apparent(os.path.join(self.data, "sspr-store")))}
        if "pam_oath" in active:
            sizes["pam_oath"] = (self.disk_usage(os.path.join(self.data, "oath")),
                                 self.apparent(os.path.join(self.data, "oath")))
        if "pam_google_authenticator" in active:
            d = os.path.join(self.data, "ga")
            sizes["pam_google_authenticator"] = (self.disk_usage(d), self.apparent(d))
        if ldap:
            sizes[LDAP + " (server A)"] = self.ldap_size
        self.results["sizes"][str(n)] = {m: {"disk_per_user": s[0] / n,
                                             "bytes_per_user": s[1] / n}
                                         for m, s in sizes.items()}
        self.results.setdefault("seeding", {})[str(n)] = seed_t

        # Name lookups on their own: the indexed source every module uses
        # here, and the flat file it replaces.
        k = min(n, a.k)
        sample = self.rng.sample(range(n), k)
        recs, _, _ = self.pam_bench("lookup-db-%d" % n, None, sample, 1, extra=["--lookup"])
        self.record_run(n, "lookup (libnss-db)", 1, recs, 1, [0])
        self.set_nss("files")
        few = sample[: max(1, min(k, a.files_lookups))]
        recs, _, _ = self.pam_bench("lookup-files-%d" % n, None, few, 1, extra=["--lookup"])
        self.record_run(n, "lookup (files)", 1, recs, 1, [0])
        self.set_nss("db files")

        # Users: distinct for every verification of every run of a module
        # (a code works once); spread over the whole store.
        # The store's own commit (MDB_NOMETASYNC, one flush) is the module
        # as shipped; the shim measures LMDB's default (two flushes) and no
        # flush at all (the rest of a reset's cost).
        # "resident": libldap preloaded into the driver, so the dlopen of
        # pam_sspr.so that every pam_start makes finds libldap and its TLS
        # stack already loaded: what loading them costs each login.
        variants = [] if a.smoke else ["metasync", "nosync", "resident"]
        runs_per_module = len(a.procs) * (2 if ldap else 1) + len(variants)
        k = min(a.k, (n - 1) // runs_per_module)
        pool = self.rng.sample(range(n), k * runs_per_module + 1)
        probe_user = pool.pop()
        used = {m: {} for m in peers + [LDAP]}
        replayed = {m: [] for m in peers + [LDAP]}
        shim = os.path.join(self.bin, "lmdb_sync_shim.so")

        # pam_oath rewrites its whole file per login: measure one login
        # first and size its K to the time budget.
        k_oath = k
        if "pam_oath" in active:
            probe, _, _ = self.pam_bench("oath-probe-%d" % n, "bench-oath", [probe_user], 1)
            used["pam_oath"].update({r["idx"]: r["code"] for r in probe if r["rc"] == 0})
            per = probe[0]["ns"] / 1e9
            k_oath = max(min(k, 20), min(k, int(a.oath_budget / max(per, 1e-6))))
            if k_oath < k:
                log("  pam_oath: %.0f ms a login: K = %d (of %d) to keep each run "
                    "under %.0f s" % (per * 1e3, k_oath, k, a.oath_budget))

        # Every module's run for one P is cut into rounds, and the rounds
        # take turns (floor, pam_sspr, peers, ...), so a slow minute of a
        # shared disk falls on every module alike: same run, same weather.
        sspr_runs = [("pam_sspr", "bench-sspr", None)]
        sspr_runs += [("pam_sspr (%s)" % v, "bench-sspr", v) for v in variants]
        np_ = len(a.procs)
        for j, procs in enumerate(a.procs):
            users = pool[j * k:(j + 1) * k]
            rounds = max(1, min(a.rounds, k // max(procs, 1)))
            plan = [("floor", "bench-floor", ["--fsync", self.data], users, None),
                    ("pam_permit only", "bench-floor", [], users, None),
                    ("4 KiB write+fsync", None, ["--no-pam", "--fsync", self.data], users,
                     None)]
            for v, (label, service, variant) in enumerate(sspr_runs):
                u = users
                if variant is not None:
                    # Users of their own: slice j of the variant's share.
                    share = pool[(np_ + v - 1) * k:(np_ + v) * k]
                    u = share[j * k // np_:(j + 1) * k // np_]
                plan.append((label, service, [], u, variant))
            if ldap:
                # The directory store: K users of its own per P, after the
                # LMDB runs' and the variants' shares.
                base = (np_ + len(variants) + j) * k
                plan.append((LDAP, "bench-sspr-ldap", [], pool[base:base + k], None))
            if "pam_google_authenticator" in active:
                plan.append(("pam_google_authenticator", "bench-ga", [], users, None))
            if "pam_oath" in active:
                plan.append(("pam_oath", "bench-oath", [], users[:k_oath], None))
            got = {p[0]: ([], 0.0, []) for p in plan}
            for r in range(rounds):
                for label, service, extra, u, variant in plan:
                    part = u[r * len(u) // rounds:(r + 1) * len(u) // rounds]
                    if not part:
                        continue
                    env = None
                    if variant is not None:
                        env = dict(self.env)
                        env["LD_PRELOAD"] = shim + " libpam_wrapper.so"
                        env["SSPR_BENCH_LMDB_SYNC"] = variant
                        if variant == "resident":
                            env["LD_PRELOAD"] = "libldap-2.5.so.0 libpam_wrapper.so"
                    recs, wall, rss = self.pam_bench(
                        "%s-%d-%d-%d" % (label.replace(" ", "_"), n, procs, r), service, part,
                        procs, reset=service in ("bench-sspr", "bench-sspr-ldap"), extra=extra,
                        env=env)
                    acc = got[label]
                    got[label] = (acc[0] + recs, acc[1] + wall, acc[2] + rss)
            for label, service, extra, u, variant in plan:
                recs, wall, rss = got[label]
                peer = label in ("pam_oath", "pam_google_authenticator")
                self.record_run(n, label, procs, recs, wall, rss, peer=peer,
                                note="K reduced" if label == "pam_oath" and k_oath < k else "")
                if label == LDAP:
                    used[LDAP].update({x["idx"]: x["step"] for x in recs if x["rc"] == 0})
                    replayed[LDAP] += self.check_replays(n, LDAP, "bench-sspr-ldap", recs,
                                                         reset=True)
                elif label.startswith("pam_sspr"):
                    used["pam_sspr"].update({x["idx"]: x["step"] for x in recs if x["rc"] == 0})
                    if variant is None:
                        replayed["pam_sspr"] += self.check_replays(
                            n, "pam_sspr", "bench-sspr", recs, reset=True)
                elif label == "pam_google_authenticator":
                    used[label].update({x["idx"]: x["step"] for x in recs if x["rc"] == 0})
                    self.check_replays(n, label, service, [x for x in recs if x["rc"] == 0],
                                       peer=True)
                elif label == "pam_oath":
                    used[label].update({x["idx"]: x["code"] for x in recs if x["rc"] == 0})
                    ok = [x for x in recs if x["rc"] == 0]
                    self.check_replays(n, label, service, ok[: max(3, min(len(ok), 10))],
                                       peer=True)

        # Exact counters after all the parallel runs.
        self.check_sspr(n, used["pam_sspr"], replayed["pam_sspr"])
        if ldap:
            self.check_sspr(n, used[LDAP], replayed[LDAP], store=self.ldap_conf(n),
                            module=LDAP)
            if "replication" not in self.results:
                self.ldap_lag(n)
        if "pam_oath" in active:
            self.check_oath(n, used["pam_oath"])
        if "pam_google_authenticator" in active:
            self.check_ga(n, used["pam_google_authenticator"])
        # Free the disk before the next size. Removing a million small files
        # takes minutes on a disk mounted with online discard, so it runs in
        # the background (a renamed tree) while the next phase measures.
        self.wait_cleanup()
        for d in ("ga", "oath"):
            if os.path.isdir(os.path.join(self.data, d)):
                trash = os.path.join(self.data, "trash-%s-%d" % (d, n))
                os.rename(os.path.join(self.data, d), trash)
                self.cleanup.append(subprocess.Popen(["rm", "-rf", trash]))

    def leave(self):
        """The tmpfs goes with the namespace; its mount point would not."""
        os.chdir("/")
        subprocess.run(["umount", "-l", self.tmp], stderr=subprocess.DEVNULL)
        try:
            os.rmdir(self.tmp)
        except OSError:
            pass

    def wait_cleanup(self):
        for p in self.cleanup:
            p.wait()
        self.cleanup = []

    # ---- security questions through the module -------------------------
    def questions(self):
        """P concurrent resets by security questions (three answers, each an
        Argon2id verification at the default cost), with argon2_max_parallel
        unlimited (0) and 2: latency, and the peak of the workers' summed
        resident memory. Its own store, the same host key; each worker
        resets its own user again and again (answers are not one-time)."""
        a = self.a
        d = self.data
        store = os.path.join(d, "sspr-qstore")
        locks = os.path.join(d, "sspr-locks")
        procs = sorted(set(a.procs))
        limits = [0, 1] if a.smoke else [0, 2]
        per_reset = 1 if a.smoke else 3
        for limit in limits:
            conf = os.path.join(d, "sspr-q%d.conf" % limit)
            with open(conf, "w") as f:
                f.write("# pam_sspr bench policy: security questions only\n"
                        "group = sspr\nstore = %s\nkey_dir = %s/sspr-keys\n"
                        "password_service = bench-sspr-passwd\nmethods = questions\n"
                        "questions_to_reset = %d\nargon2_max_parallel = %d\nlock_dir = %s\n"
                        % (store, d, per_reset, limit, locks))
            os.chmod(conf, 0o644)
            with open(os.path.join(self.services, "bench-sspr-q%d" % limit), "w") as f:
                f.write("auth %s %s config=%s\n%s" % (MODULE_ALONE, a.module, conf, AFTER_MODULE))
        run([a.admin, "--config", os.path.join(d, "sspr-q0.conf"), "init"],
            stdout=subprocess.DEVNULL)
        users = max(procs)
        run([os.path.join(self.bin, "seed_sspr"), "seedq", store, "0", str(users)])
        for p in procs:
            for limit in limits:
                if p == 1 and limit:
                    continue  # one reset at a time: nothing to bound
                # Worker w gets list entries w, w+P, ...: user w, count times.
                idx = list(range(p)) * a.question_count
                recs, wall, rss = self.pam_bench("questions-%d-%d" % (p, limit),
                                                 "bench-sspr-q%d" % limit, idx, p, reset=True,
                                                 extra=["--rss-sample"])
                lat = [r["ns"] / 1e6 for r in recs if r["rc"] == 0]
                row = {"p": p, "limit": limit, "resets": len(recs), "ok": len(lat),
                       "answers": per_reset,
                       "median_ms": statistics.median(lat) if lat else 0.0,
                       "p99_ms": self.pct(lat, 0.99), "throughput": len(recs) / wall,
                       "peak_rss_mib": self.last_peak_kb / 1024,
                       "rss_max_worker_mib": max(rss) / 1024 if rss else 0}
                self.results["questions"].append(row)
                self.results["checks"].append({"n": 0, "module": "pam_sspr",
                                               "what": "question resets accepted (P=%d, "
                                                       "limit %d)" % (p, limit),
                                               "count": len(recs), "passed": len(lat)})
                if len(lat) != len(recs):
                    why = sorted({r["said"] for r in recs if r["rc"] != 0})
                    self.fail("questions P=%d limit=%d: %d of %d resets refused (%s)" % (
                        p, limit, len(recs) - len(lat), len(recs), "; ".join(why[:3])))
                log("  questions P=%d argon2_max_parallel=%d: median %.0f ms, p99 %.0f ms, "
                    "peak RSS of all workers %.0f MiB" % (p, limit, row["median_ms"],
                                                          row["p99_ms"], row["peak_rss_mib"]))

    # ---- Argon2 --------------------------------------------------------
    def argon2(self):
        slots = os.path.join(self.tmp, "argon2-slots")
        os.makedirs(slots, exist_ok=True)
        cases = [(p, 0) for p in self.a.procs]
        if not self.a.smoke:
            cases.append((max(self.a.procs), 2))
        for procs, limit in cases:
            cmd = [os.path.join(self.bin, "argon2_bench"), "--procs", str(procs), "--count",
                   str(self.a.argon2_count)]
            if limit:
                cmd += ["--limit", str(limit), "--slots", slots]
            out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            if out.returncode != 0:
                self.fail("argon2_bench P=%d failed" % procs)
                continue
            lat, peak, wall, cost = [], 0, 0, ""
            for line in out.stdout.splitlines():
                f = line.split()
                if f[0] == "lat_ns":
                    lat.append(int(f[1]) / 1e6)
                elif f[0] == "peak_rss_kb":
                    peak = int(f[1])
                elif f[0] == "wall_ns":
                    wall = int(f[1]) / 1e9
                elif f[0] == "opslimit":
                    cost = "opslimit %s, memlimit %d MiB" % (f[1], int(f[3]) >> 20)
            row = {"p": procs, "limit": limit, "count": len(lat),
                   "median_ms": statistics.median(lat), "p99_ms": self.pct(lat, 0.99),
                   "peak_rss_mib": peak / 1024, "throughput": len(lat) / wall, "cost": cost}
            self.results["argon2"].append(row)
            log("  argon2id %s P=%d limit=%s: median %.1f ms, peak RSS of all workers %.0f MiB"
                % (cost, procs, limit or "none", row["median_ms"], row["peak_rss_mib"]))

    def machine(self):
        m = self.results["machine"]
        m["kernel"] = platform.release()
        with open("/proc/cpuinfo") as f:
            m["cpu"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")),
                            "?")
        m["cores"] = os.cpu_count()
        with open("/proc/meminfo") as f:
            m["mem_gib"] = round(int(f.readline().split()[1]) / 1048576, 1)
        fs = subprocess.run(["df", "--output=source,fstype", self.data],
                            stdout=subprocess.PIPE, text=True).stdout.splitlines()[-1].split()
        m["disk"] = "%s (%s)" % (fs[0], fs[1])
        pk = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n",
                             "libpam-oath", "libpam-google-authenticator", "liblmdb0",
                             "libnss-db", "libpam-wrapper", "libsodium23", "slapd"],
                            stdout=subprocess.PIPE, text=True).stdout
        m["packages"] = pk.strip().splitlines()
        m["syslog"] = os.path.exists("/dev/log")

    def main(self):
        t0 = time.time()
        try:
            self.enter_private_etc()
            self.write_services()
            self.machine()
            for n in self.a.sizes:
                self.one_size(n)
            log("== security questions through the module")
            self.questions()
            if not self.a.smoke:  # the module's question resets cover it
                log("== Argon2id alone")
                self.argon2()
        except BaseException:
            os.chdir("/")
            self.wait_cleanup()
            run(["rm", "-rf", self.data])
            self.leave()
            raise
        self.results["seconds"] = time.time() - t0
        self.results["args"] = {k: v for k, v in vars(self.a).items()}
        with open(os.path.join(self.a.out, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1)
        import report
        text = report.render(self.results)
        with open(os.path.join(self.a.out, "results.md"), "w") as f:
            f.write(text)
        print(text, flush=True)
        log("removing the bench's stores in %s" % self.data)
        self.wait_cleanup()
        run(["rm", "-rf", self.data])
        self.leave()
        fails = self.results["failures"]
        print("bench: %d passed, %d failed" % (
            sum(1 for c in self.results["checks"] if c["passed"] == c["count"]) +
            sum(1 for r in self.results["runs"] if r["module"].startswith("pam_")), len(fails)))
        return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--module", required=True)
    ap.add_argument("--admin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--data-parent", default="/var/tmp")
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--procs", default="1,2,8")
    ap.add_argument("--k", type=int, default=1000)
    ap.add_argument("--replays", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--files-lookups", type=int, default=100)
    ap.add_argument("--oath-budget", type=float, default=25.0,
                    help="seconds per pam_oath run; K shrinks to fit")
    ap.add_argument("--oath-max-n", type=int, default=10**7)
    ap.add_argument("--ga-max-n", type=int, default=10**7)
    ap.add_argument("--argon2-count", type=int, default=4)
    ap.add_argument("--question-count", type=int, default=3,
                    help="question resets per worker")
    ap.add_argument("--ldap", action="store_true",
                    help="also pam_sspr with the directory store (under with-slapd.sh)")
    ap.add_argument("--ldap-max-n", type=int, default=100000)
    ap.add_argument("--ldap-seeders", type=int, default=4,
                    help="parallel processes seeding the directory store")
    ap.add_argument("--lag-writes", type=int, default=100)
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    a.sizes = [int(x) for x in a.sizes.split(",")]
    a.procs = [int(x) for x in a.procs.split(",")]
    if a.ldap and not os.environ.get("SSPR_LDAP_URI_A"):
        ap.error("--ldap needs the servers of tests/ldap/with-slapd.sh (SSPR_LDAP_URI_A unset)")
    os.makedirs(a.out, exist_ok=True)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    return Bench(a).main()


if __name__ == "__main__":
    sys.exit(main())
