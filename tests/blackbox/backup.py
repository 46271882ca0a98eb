#!/usr/bin/env python3
"""Backups under load: `hoso backup` while `hoso serve` takes transfers over
HTTP, then `hoso restore` into a new store and over an existing one. The
backup must be a consistent prefix of the source (every operation up to its
last one, nothing half-applied), the restored store must answer Q1-Q6
exactly as the backup does over many random parameters (`hoso batch`), and
the restored store plus the operations made after the backup must answer
exactly as the source. On PostgreSQL (HOSO_TEST_DB_URL) a backup is a
pg_dump archive: each is read through a store restored from it.
Usage: backup.py [path/to/hoso]"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backend  # noqa: E402  (SQLite file or PostgreSQL database)
import crash as h  # noqa: E402  (shared helpers: Server, run, digest...)

# crash.py's helpers (digest, transfer_plan) read the store through backend
h.sqlite3 = backend

RNG = random.Random(5)


def questions(db, n):
    c = backend.connect(db)
    orgs = [r[0] for r in c.execute("SELECT DISTINCT id FROM org_versions")]
    members = [r[0] for r in c.execute("SELECT id FROM members")]
    names = [r[0].split()[-1] for r in c.execute(
        "SELECT full_name FROM members LIMIT 200")]
    c.close()
    qs = []
    for _ in range(n):
        o = str(RNG.choice(orgs))
        d = "%04d-%02d-%02d" % (RNG.randint(1990, 2026), RNG.randint(1, 12),
                                RNG.randint(1, 28))
        d2 = "%04d-%02d-%02d" % (int(d[:4]) + RNG.randint(1, 8),
                                 RNG.randint(1, 12), RNG.randint(1, 28))
        k = RNG.randrange(6)
        if k == 0:
            qs.append(["count", o, "--on", d])
        elif k == 1:
            qs.append(["breakdown", o, "--on", d])
        elif k == 2:
            qs.append(["summary", o, "--on", d])
        elif k == 3:
            qs.append(["search", RNG.choice(names), "--in", o, "--on", d,
                       "--limit", "20"])
        elif k == 4:
            qs.append(["changes", o, "--from", d, "--to", d2])
        else:
            qs.append(["member", str(RNG.choice(members))])
    return qs


def answers(db, qs):
    p = subprocess.run([h.HOSO, "--quiet", "--db", db, "batch"],
                       input="".join(json.dumps(q) + "\n" for q in qs),
                       capture_output=True, text=True, timeout=600)
    out = [json.loads(x) for x in p.stdout.splitlines()]
    return [(x.get("exit"), x.get("result")) for x in out]


def transfer_ops(db):
    c = backend.connect(db)
    try:
        return [(r[0], json.loads(r[1])) for r in c.execute(
            "SELECT seq, payload FROM operations WHERE kind = 'transfer' "
            "ORDER BY seq")]
    finally:
        c.close()


def view(tmp, b):
    """A store holding backup b: b itself (SQLite), or a new database
    restored from the pg_dump archive."""
    if not backend.PG:
        return b
    v = backend.store(tmp, "view-" + os.path.basename(b))
    rc, _, err = h.run(v, "restore", b)
    h.check(rc == 0, "restore %s to read it" % os.path.basename(b), err)
    return v


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-backup-")
    try:
        data = os.path.join(tmp, "data")
        h.generate(data, "tiny", 5)
        src = backend.store(tmp, "src.db")
        rc, _, err = h.run(src, "import", data)
        h.check(rc == 0, "import", err)
        token = h.admin_token(src)
        srv = h.Server(src, {"HOSO_NO_ACCESS_LOG": "1"})
        stop = threading.Event()
        acked = []
        plan = h.transfer_plan(src, 2000, 18262)

        def writer():
            for m, to, eff in plan:
                if stop.is_set():
                    return
                st, _, js, _ = srv.req(
                    "POST", "/api/v1/members/%d/transfer" % m,
                    {"to": to, "effective": eff}, token=token)
                if st == 200:
                    acked.append(js["seq"])
                else:
                    h.check(st == 422, "transfer answered %d" % st)
        t = threading.Thread(target=writer)
        t.start()
        time.sleep(1.0)
        backups = []
        for k in range(3):
            b = os.path.join(tmp, "b%d.db" % k)
            n0 = len(acked)
            rc, _, err = h.run(src, "backup", b)
            h.check(rc == 0, "backup %d while writes go on" % k, err)
            backups.append((b, n0, len(acked)))
            time.sleep(0.5)
        stop.set()
        t.join()
        st, _, _, _ = srv.req("GET", "/api/v1/orgs/1/count", token=token)
        h.check(st == 200, "server still answers after the backups")
        rc_srv, log = srv.stop()
        h.check(rc_srv == 0, "server stops cleanly")
        h.check(len(acked) > 20, "writes went on during the backups (%d)"
                % len(acked))
        h.consistent(src, "source")
        src_ops = transfer_ops(src)
        qs = questions(src, 400)
        src_answers = answers(src, qs)
        h.check(sum(a[0] == 0 for a in src_answers) > 300, "questions answered")
        for f, n0, n1 in backups:
            name = os.path.basename(f)
            b = view(tmp, f)
            h.consistent(b, "backup %s" % name)
            ops = transfer_ops(b)
            last = ops[-1][0] if ops else 0
            # a prefix of the source: every operation up to its last one
            h.check(ops == [o for o in src_ops if o[0] <= last],
                    "%s is a prefix of the source's operations" % name)
            acked_before = set(acked[:n0])
            h.check(acked_before <= {o[0] for o in ops},
                    "%s holds every transfer acknowledged before it began"
                    % name)
            # restore into a new store: the same answers as the backup
            r = backend.store(tmp, "r-" + name)
            rc, out, err = h.run(r, "restore", f)
            h.check(rc == 0, "restore %s into a new store" % name, err)
            h.check(h.digest(r) == h.digest(b), "restored store equals the "
                    "backup (%s)" % name)
            ab = answers(b, qs)
            ar = answers(r, qs)
            h.check(ab == ar, "%d answers of the restored store equal the "
                    "backup's (%s)" % (len(qs), name),
                    [(q, x, y) for q, x, y in zip(qs, ab, ar) if x != y][:2])
            # replaying the later operations gives the source's answers
            later = [o for o in src_ops if o[0] > last]
            lines = "".join(json.dumps(
                ["op", "transfer", str(p["member_id"]), "--to",
                 str(p["to_org"]), "--effective", p["effective"]]) + "\n"
                for _, p in later)
            p = subprocess.run([h.HOSO, "--quiet", "--db", r, "batch"],
                               input=lines, capture_output=True, text=True)
            bad = [x for x in p.stdout.splitlines()
                   if json.loads(x).get("exit") != 0]
            h.check(not bad, "replay of %d later transfers on %s" %
                    (len(later), name), bad[:2])
            h.check(h.digest(r) == h.digest(src),
                    "restored %s + later transfers equals the source" % name)
            h.check(answers(r, qs) == src_answers,
                    "restored %s + later transfers answers as the source"
                    % name)
        # restore over an existing store keeps the old one aside
        b0 = backups[0][0]
        over = backend.copy(src, tmp, "over.db")
        before = h.digest(over)
        rc, _, err = h.run(over, "restore", b0)
        h.check(rc == 0, "restore over an existing store", err)
        h.check(h.digest(over) == h.digest(view(tmp, b0)),
                "the store is the backup")
        # SQLite: STORE.before-restore; PostgreSQL: a pg_dump archive
        # DATABASE.before-restore beside the backup
        saved = (over if not backend.PG else
                 os.path.join(tmp, backend.db_name(over))) + ".before-restore"
        h.check(os.path.exists(saved) and
                h.digest(view(tmp, saved)) == before,
                "the replaced store is kept as .before-restore")
        h.consistent(over, "restored over an existing store")
        # a damaged backup is refused and the store left alone
        bad = os.path.join(tmp, "bad.db")
        with open(b0, "rb") as f:
            raw = bytearray(f.read())
        for i in range(min(8192, len(raw) // 4), len(raw), 4096):
            raw[i:i + 64] = b"\xff" * 64
        with open(bad, "wb") as f:
            f.write(raw)
        d = h.digest(over)
        rc, _, err = h.run(over, "restore", bad)
        h.check(rc != 0 and err.strip(), "a damaged backup is refused", err)
        h.check(h.digest(over) == d, "a refused restore changes nothing")
        rc, _, err = h.run(over, "restore", os.path.join(tmp, "none.db"))
        h.check(rc != 0, "a missing backup is refused")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (h.PASSED, h.FAILED))
    return 1 if h.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
