#!/usr/bin/env python3
"""`make bench` part for party work: the roll-ups of cell meetings,
attendance, rankings and directive reports on a national-shape store,
through a running `hoso serve` (the read model built once, as users see
it), next to Q1 (headcount) and Q3 (summary by child) on the same server,
and against plain-SQL baselines run by Python's sqlite3 on the same file.
Prints one table: median ms of hoso, of the baseline, the ratio
(baseline / hoso) and whether the totals agree.

The store: bench/data/run-SCALE/hoso.db when bench.py left one (copied,
never changed), else generated (SCALE=tiny|seed|national, default tiny).
A year of party work is filled by `hoso party-demo --year 2025`; with
BENCH_FACTOR < 1 only that share of the cells (spread over the whole tree)
gets meetings and rankings, so that the national shape is measured in
minutes. Usage: bench/party.py [path/to/hoso] [workdir]"""
import sys as _sys
_sys.dont_write_bytecode = True  # keep the tree clean of __pycache__
import http.cookiejar
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HOSO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./hoso")
WORK = sys.argv[2] if len(sys.argv) > 2 else "/tmp/hoso-bench-party"
SCALE = os.environ.get("SCALE", "tiny")
FACTOR = float(os.environ.get("BENCH_FACTOR", "1"))
PERMILLE = max(1, min(1000, int(round(FACTOR * 1000))))
YEAR = 2025
FROM, TO, ON = "2025-01-01", "2026-01-01", "2025-12-31"
REPEAT = int(os.environ.get("PARTY_REPEAT", "5"))


def sh(args, **kw):
    return subprocess.run([HOSO, "--db", DB] + args, capture_output=True,
                          text=True, **kw)


def prepare():
    """The store with a year of party work; its path and the demo's answer."""
    os.makedirs(WORK, exist_ok=True)
    db = os.path.join(WORK, "party-%s-%d.db" % (SCALE, PERMILLE))
    done = db + ".demo.json"
    if os.path.exists(db) and os.path.exists(done):
        return db, json.load(open(done))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    src = os.path.join(HERE, "data", "run-" + SCALE, "hoso.db")
    t = time.time()
    if os.path.exists(src) and SCALE != "tiny":
        print("copying %s ..." % src, flush=True)
        shutil.copyfile(src, db)
    else:
        gen = os.path.join(HERE, "data", SCALE)
        if not os.path.exists(os.path.join(gen, "members.csv")):
            gen = os.path.join(WORK, "gen-" + SCALE)
            subprocess.run([HOSO, "generate", "--scale", SCALE, "--seed", "1",
                            "--out", gen], check=True, capture_output=True)
        subprocess.run([HOSO, "--db", db, "import", gen, "--quiet"],
                       check=True, capture_output=True)
    print("store ready in %.1f s" % (time.time() - t), flush=True)
    global DB
    DB = db
    t = time.time()
    p = sh(["--quiet", "party-demo", "--year", str(YEAR), "--permille",
            str(PERMILLE)])
    if p.returncode:
        sys.exit("party-demo failed: " + p.stderr[-600:])
    js = json.loads(p.stdout)
    js["seconds"] = round(time.time() - t, 1)
    json.dump(js, open(done, "w"))
    return db, js


class Server:
    def __init__(self, db):
        pw = "bench-party-2025"
        subprocess.run([HOSO, "--db", db, "user", "add", "bench-party",
                        "--role", "admin", "--password-stdin"],
                       input=pw + "\n", capture_output=True, text=True)
        env = dict(os.environ, HOSO_NO_ACCESS_LOG="1")
        self.p = subprocess.Popen([HOSO, "--db", db, "serve", "--listen",
                                   "127.0.0.1:0"], env=env,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        t = time.time()
        err = ""
        while True:
            line = self.p.stderr.readline()
            err += line
            if "http://127.0.0.1:" in line:
                self.base = "http://127.0.0.1:" + \
                    line.split("http://127.0.0.1:")[1].split("/")[0]
                break
            if not line and self.p.poll() is not None:
                sys.exit("serve failed: " + err[-600:])
        self.startup = time.time() - t
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar))
        req = urllib.request.Request(
            self.base + "/api/v1/auth/login",
            data=json.dumps({"user": "bench-party",
                             "password": pw}).encode(),
            headers={"Content-Type": "application/json"})
        self.op.open(req).read()

    def get(self, path):
        t = time.perf_counter()
        with self.op.open(self.base + path) as r:
            body = r.read()
        return (time.perf_counter() - t) * 1000, json.loads(body)

    def stop(self):
        self.p.terminate()
        self.p.wait()


# ---- plain SQL on the same file: each roll-up as one would write it
# without hoso (recursive CTE for the subtree as of the day, then the
# party tables), returning the totals hoso's answer is checked against ----
SUBTREE = """WITH RECURSIVE t(id, top) AS (
  SELECT id, id FROM org_versions WHERE parent_id = :root
   AND (valid_from IS NULL OR valid_from <= :on)
   AND (valid_to IS NULL OR valid_to > :on)
  UNION ALL
  SELECT v.id, t.top FROM org_versions v JOIN t ON v.parent_id = t.id
   WHERE (v.valid_from IS NULL OR v.valid_from <= :on)
   AND (v.valid_to IS NULL OR v.valid_to > :on))"""


def sql_flags(con, root):
    rows = con.execute(SUBTREE + """,
      cells AS (SELECT t.id, t.top FROM t JOIN org_versions v ON v.id = t.id
        WHERE v.kind IN ('cell', 'grassroots_cell')
        AND (v.valid_from IS NULL OR v.valid_from <= :on)
        AND (v.valid_to IS NULL OR v.valid_to > :on))
      SELECT c.top, count(DISTINCT c.id),
             count(DISTINCT m.org_id || m.month),
             sum(m.short_)
        FROM cells c LEFT JOIN party_meetings m ON m.org_id = c.id
         AND m.held_on >= :from AND m.held_on < :to
       GROUP BY c.top""", dict(root=root, on=ON, **{"from": FROM, "to": TO})
    ).fetchall()
    return {"short_meetings": sum(r[3] or 0 for r in rows),
            "by_child": len(rows)}


def sql_attendance(con, root):
    rows = con.execute(SUBTREE + """
      SELECT t.top, a.status, count(*) FROM t
        JOIN party_meetings m ON m.org_id = t.id
         AND m.held_on >= :from AND m.held_on < :to
        JOIN party_attendance a ON a.meeting_id = m.id
       GROUP BY t.top, a.status""",
                       dict(root=root, on=ON, **{"from": FROM, "to": TO})
                       ).fetchall()
    tot = {"present": 0, "excused": 0, "absent": 0}
    for _, st, n in rows:
        tot[st] = tot.get(st, 0) + n
    return tot


def sql_rankings(con, root):
    rows = con.execute(SUBTREE + """
      SELECT t.top, r.level, count(*) FROM t
        JOIN party_rankings r ON r.org_id = t.id
       WHERE r.subject = 'member' AND r.year = :year
       GROUP BY t.top, r.level""", dict(root=root, on=ON, year=YEAR)
    ).fetchall()
    tot = {}
    for _, lvl, n in rows:
        tot[lvl] = tot.get(lvl, 0) + n
    return tot


def sql_directive(con, root, directive):
    # units under each assignment that reported by the deadline, late, ...
    rows = con.execute("""
      WITH RECURSIVE a AS (SELECT id, top_org, deadline FROM party_assignments
                            WHERE directive_id = :d),
      t(id, asg, deadline) AS (
        SELECT a.top_org, a.id, a.deadline FROM a
        UNION ALL
        SELECT v.id, t.asg, t.deadline FROM org_versions v
          JOIN t ON v.parent_id = t.id
         WHERE (v.valid_from IS NULL OR v.valid_from <= :on)
           AND (v.valid_to IS NULL OR v.valid_to > :on))
      SELECT count(DISTINCT t.id), count(DISTINCT r.org_id)
        FROM t LEFT JOIN party_directive_reports r
          ON r.org_id = t.id AND r.directive_id = :d
         AND r.reported_on <= :on""", dict(d=directive, on=ON)).fetchall()
    return {"units": rows[0][0], "reported": rows[0][1]}


def sql_strike(con, root):
    # members absent without reason in 3 months of the year or more, placed
    # and active on the day (every cell alive then is under the root)
    n = con.execute("""
      SELECT count(*) FROM (SELECT member_id FROM party_attendance
        WHERE status = 'absent' AND held_on >= :from AND held_on < :to
        GROUP BY member_id
        HAVING count(DISTINCT substr(held_on, 1, 7)) >= 3) a
      JOIN placements p ON p.member_id = a.member_id
       AND p.valid_from <= :on AND (p.valid_to IS NULL OR p.valid_to > :on)
      JOIN members m ON m.id = a.member_id
       AND (m.ended_on IS NULL OR m.ended_on > :on)""",
                    dict(on=ON, **{"from": FROM, "to": TO})).fetchone()[0]
    return {"candidates": n}


def sql_cap(con, root):
    rows = con.execute("""
      SELECT grassroots_id, sum(level = 'excellent'), sum(level = 'good')
        FROM party_rankings WHERE year = :year AND subject = 'member'
         AND grassroots_id > 0 AND level IN ('excellent', 'good')
       GROUP BY grassroots_id""", dict(year=YEAR)).fetchall()
    return {"checked": len(rows),
            "over": sum(1 for _, e, g in rows if e > g * 20 // 100)}


def timed_sql(fn, *a):
    ms = []
    out = None
    for _ in range(REPEAT):
        t = time.perf_counter()
        out = fn(*a)
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms), out


def measure(srv, con, cases, root, directive):
    rows = []
    for name, path, base in cases:
        ms = []
        ans = None
        for _ in range(REPEAT):
            m, ans = srv.get(path)
            ms.append(m)
        hoso_ms = statistics.median(ms)
        sql_ms, agree = None, "-"
        if base == "flags":
            sql_ms, b = timed_sql(sql_flags, con, root)
            agree = "ok" if b["short_meetings"] == \
                ans["totals"]["short_meetings"] else "DIFF %s" % b
        elif base == "attendance":
            sql_ms, b = timed_sql(sql_attendance, con, root)
            agree = "ok" if all(b[k] == ans[k] for k in b) else "DIFF %s" % b
        elif base == "rankings":
            sql_ms, b = timed_sql(sql_rankings, con, root)
            agree = "ok" if all(b.get(k, 0) == ans["totals"][k] for k in
                                ("excellent", "good", "done", "failed")) \
                else "DIFF %s vs %s" % (b, ans["totals"])
        elif base == "strike":
            sql_ms, b = timed_sql(sql_strike, con, root)
            agree = "ok" if b["candidates"] == len(ans["candidates"]) \
                else "DIFF %s vs %d" % (b, len(ans["candidates"]))
        elif base == "cap":
            sql_ms, b = timed_sql(sql_cap, con, root)
            agree = "ok" if b["checked"] == ans["checked"] and \
                b["over"] == len(ans["over_cap"]) else "DIFF %s vs %s %d" % (
                    b, ans["checked"], len(ans["over_cap"]))
        elif base == "directive":
            sql_ms, b = timed_sql(sql_directive, con, root, directive)
            t = ans["totals"]
            agree = "ok" if b["reported"] >= t["reported_on_time"] + \
                t["reported_late"] else "DIFF %s vs %s" % (b, t)
        rows.append((name, hoso_ms, ms[0], sql_ms, agree))
    return rows


def main():
    global DB
    DB, demo = prepare()
    print("bench party %s (BENCH_FACTOR %.3g: %d‰ of the cells): %s "
          "meetings, %s attendance rows, %s rankings, %s directive reports "
          "(party-demo %.1f s)" % (
              SCALE, FACTOR, PERMILLE, demo["meetings"], demo["attendance"],
              demo["rankings"], demo.get("directive_reports"),
              demo["seconds"]), flush=True)
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    root = con.execute("SELECT id FROM org_versions WHERE parent_id IS NULL"
                       " ORDER BY id LIMIT 1").fetchone()[0]
    child = con.execute("SELECT id FROM org_versions WHERE parent_id = ?"
                        " AND (valid_to IS NULL OR valid_to > ?)"
                        " ORDER BY id LIMIT 1", (root, ON)).fetchone()[0]
    directive = con.execute("SELECT min(id) FROM party_directives"
                            ).fetchone()[0]
    srv = Server(DB)
    print("hoso serve ready in %.1f s (read model built)" % srv.startup,
          flush=True)
    O = "/api/v1/orgs/%d" % root
    cases = [
        ("Q1 headcount (reference)", O + "/count?on=" + ON, None),
        ("Q3 summary by child (reference)", O + "/summary?on=" + ON, None),
        ("meeting flags, whole tree", O + "/meetings/flags?from=%s&to=%s"
         % (FROM, TO), "flags"),
        ("meeting flags, one child", "/api/v1/orgs/%d/meetings/flags?from=%s"
         "&to=%s" % (child, FROM, TO), None),
        ("attendance, whole tree", O + "/attendance?from=%s&to=%s"
         % (FROM, TO), "attendance"),
        ("ranking roll-up, members", O + "/rankings/rollup?year=%d" % YEAR,
         "rankings"),
        ("ranking 20% cap check", O + "/rankings/cap?year=%d" % YEAR,
         "cap"),
        ("directive status roll-up", O + "/directives/%s/status?on=%s"
         % (directive, ON), "directive"),
        ("striking-off candidates", O + "/strike-off-candidates?year=%d"
         % YEAR, "strike"),
        ("cadres per committee", O + "/cadres?on=" + ON, None),
    ]
    try:
        rows = measure(srv, con, cases, root, directive)
    finally:
        srv.stop()
        con.close()
    print()
    print("%-34s %10s %10s %10s %8s  %s" % (
        "question (median of %d)" % REPEAT, "hoso ms", "first ms", "SQL ms",
        "x", "check"))
    print("-" * 86)
    for name, h, first, s, agree in rows:
        print("%-34s %10.1f %10.1f %10s %8s  %s" % (
            name, h, first, "%.1f" % s if s is not None else "-",
            "%.1f" % (s / h) if s and h else "-", agree))
    print("(hoso: wall time of the HTTP request to a running server, median;"
          " first: the first request, which also builds the tree of the day"
          " and the monthly aggregate; SQL: the plain query from Python's"
          " sqlite3 on the same file; x = SQL / hoso)")
    return 1 if any(r[4].startswith("DIFF") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
