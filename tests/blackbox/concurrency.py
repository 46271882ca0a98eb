#!/usr/bin/env python3
"""Many clients at once against `hoso serve`: reads run side by side on the
workers' own store connections while writes run alone. Eight clients mix
headcounts, dossiers, searches and past-day breakdowns, in Vietnamese and
English, with transfers; then every answer must be right and in the
client's own language, each dossier read audited once, the store and the
audit chain intact, the read model equal to SQL, and the server must stop
cleanly (under ThreadSanitizer a data race makes it exit 66).
Usage: concurrency.py [path/to/hoso] [seconds]"""
import os
import sys
import tempfile
import threading
import shutil
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash as h  # noqa: E402  (shared helpers: Server, run, check...)

SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0


def main():
    if len(sys.argv) > 1:
        h.HOSO = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="hoso-conc-")
    try:
        data = os.path.join(tmp, "data")
        h.generate(data, "tiny", 5)
        db = os.path.join(tmp, "s.db")
        rc, _, err = h.run(db, "import", data)
        h.check(rc == 0, "import", err)
        token = h.admin_token(db)
        # answers before, from the CLI, to compare with the server's
        want = {}
        for q in (["count", "1", "--on", "2018-12-31"],
                  ["count", "1", "--on", "2024-06-30"]):
            rc, out, _ = h.run(db, *q, "--json")
            want[tuple(q)] = out.strip()
        plan = h.transfer_plan(db, 400, 19500)  # 2023-05-23 on
        srv = h.Server(db, {"HOSO_NO_ACCESS_LOG": "1"})
        stats = {"reads": 0, "dossiers": 0, "writes": 0}
        bad = []
        lock = threading.Lock()
        stop = time.time() + SECONDS
        members = sorted({m for m, _, _ in plan})

        def client(k):
            lang = "en" if k % 2 else "vi"
            hd = {"Accept-Language": lang}
            i = k
            while time.time() < stop:
                i += 8
                r = i % 5
                if r == 0 and k < 2:
                    m, to, eff = plan[i % len(plan)]
                    st, _, js, _ = srv.req(
                        "POST", "/api/v1/members/%d/transfer" % m,
                        {"to": to, "effective": eff}, token=token,
                        headers=hd)
                    ok = st == 200 or (st in (409, 422) and js and
                                       "error" in js)
                    with lock:
                        stats["writes"] += 1
                        if not ok:
                            bad.append(("write", st, js))
                    continue
                if r == 1:
                    m = members[i % len(members)]
                    st, _, js, _ = srv.req("GET", "/api/v1/members/%d" % m,
                                           token=token, headers=hd)
                    with lock:
                        stats["dossiers"] += st == 200
                        if st != 200 or js.get("id") != m:
                            bad.append(("dossier", m, st))
                    continue
                if r == 2:
                    st, _, js, _ = srv.req(
                        "GET", "/api/v1/search?q=nguyen%20thi&limit=5",
                        token=token, headers=hd)
                    ok = st == 200 and "rows" in js
                elif r == 3:
                    # an unknown unit: the error must be in this client's
                    # language although others ask in the other one
                    st, _, js, _ = srv.req("GET", "/api/v1/orgs/999999/count",
                                           token=token, headers=hd)
                    msg = (js or {}).get("error", {}).get("message", "")
                    viet = any(ord(c) > 127 for c in msg)
                    ok = st == 404 and msg and viet == (lang == "vi")
                else:
                    st, _, js, text = srv.req(
                        "GET", "/api/v1/orgs/1/count?on=2018-12-31",
                        token=token, headers=hd)
                    ok = st == 200 and js.get("count") is not None
                with lock:
                    stats["reads"] += 1
                    if not ok:
                        bad.append(("read", r, st, js))

        audit0 = count_audit(db)
        ths = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        # the past is not changed by transfers dated from 2023 on
        st, _, js, text = srv.req("GET", "/api/v1/orgs/1/count?on=2018-12-31",
                                  token=token)
        h.check(st == 200 and js["count"] == json_count(
            want[("count", "1", "--on", "2018-12-31")]),
            "past headcount unchanged after concurrent transfers")
        rc, log = srv.stop()
        print("%d reads, %d dossiers, %d writes in %.0f s" % (
            stats["reads"], stats["dossiers"], stats["writes"], SECONDS))
        h.check(stats["reads"] > 50 and stats["dossiers"] > 20 and
                stats["writes"] > 10, "clients were served: %s" % stats)
        h.check(not bad, "every answer right and in its client's language",
                bad[:5])
        h.check(rc == 0, "server stops cleanly (%s)" % rc, log[-3000:])
        h.check("ThreadSanitizer" not in log and "AddressSanitizer" not in
                log, "no sanitizer report", log[-3000:])
        reads = count_audit(db, "member.read") - audit0[1]
        h.check(reads == stats["dossiers"],
                "each dossier read audited once (%d entries, %d reads)" %
                (reads, stats["dossiers"]))
        h.consistent(db, "after concurrent reads and writes")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (h.PASSED, h.FAILED))
    return 1 if h.FAILED else 0


def json_count(text):
    import json
    return json.loads(text)["count"]


def count_audit(db, action=None):
    import sqlite3
    c = sqlite3.connect(db)
    try:
        if action:
            return c.execute("SELECT count(*) FROM audit_log WHERE action = ?",
                             (action,)).fetchone()[0]
        return (c.execute("SELECT count(*) FROM audit_log").fetchone()[0],
                c.execute("SELECT count(*) FROM audit_log WHERE action = "
                          "'member.read'").fetchone()[0])
    finally:
        c.close()


if __name__ == "__main__":
    sys.exit(main())
