#!/usr/bin/env python3
"""Black-box test of readmission as a second membership period: a member
leaves, is readmitted in another grassroots organisation and recognised
again. Q1-Q6 on days of the first period, of the gap and of the second
period are checked against the answers before the readmission (the past
must not change), against the SQL oracle (oracle.py) on the exported
dataset, through the read model built from the store (each CLI call) and
the one updated in place by a running server, and undoing the readmission
must give back every earlier answer. The export (with periods.csv and
period_placements.csv, docs/interchange-extensions.md) imported into a new
store exports byte for byte the same, answers every question the same and
passes `hoso check`. Usage: readmission.py [path/to/hoso]."""
import json
import os
import shutil
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api  # noqa: E402  (tiny data, server and client helpers)
import backend  # noqa: E402  (SQLite file or PostgreSQL database)
import oracle  # noqa: E402  (plain-SQL answers)

PASSED = 0
FAILED = 0

LEFT = "2020-03-01"           # member 2 leaves (was in cell 12, then 11)
DECIDED = "2023-03-10"        # readmission decision
READMIT = "2023-03-20"        # ceremony: the second period starts
RECOGNISE = "2024-03-25"      # recognised; official from 2024-03-20
DAYS_PAST = ["2000-06-01", "2000-12-31", "2010-12-31", "2017-12-31",
             "2019-12-31", "2020-02-29",              # first period
             "2020-03-01", "2021-12-31", "2023-03-19"]  # the gap
DAYS_NEW = ["2023-03-20", "2023-12-31", "2024-03-19", "2024-03-20",
            "2024-06-30", "2025-12-31"]               # second period
RANGES_PAST = [("2000-01-01", "2001-01-01"), ("2001-01-01", "2002-01-01"),
               ("2017-01-01", "2019-01-01"), ("2020-01-01", "2021-01-01"),
               ("2020-03-01", "2023-03-20")]
RANGES_NEW = [("2023-01-01", "2024-01-01"), ("2023-03-20", "2023-03-21"),
              ("2024-01-01", "2025-01-01"), ("2000-01-01", "2030-01-01")]
ORGS = [1, 3, 10, 11, 12, 30, 31]
EXPORT_FILES = ("orgs.csv", "members.csv", "placements.csv", "periods.csv",
                "period_placements.csv")


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL:", what, flush=True)


def questions(days, ranges):
    qs = []
    for d in days:
        for o in ORGS:
            qs.append(["count", str(o), "--on", d])
        for o in (1, 10, 30):
            qs.append(["breakdown", str(o), "--on", d])
        qs.append(["summary", "1", "--on", d])
        qs.append(["summary", "3", "--on", d])
        qs.append(["search", "tran van an", "--on", d])
        qs.append(["search", "trần", "--in", "30", "--on", d])
    for a, b in ranges:
        for o in (1, 3, 10, 30, 31):
            qs.append(["changes", str(o), "--from", a, "--to", b])
    return qs


PAST = questions(DAYS_PAST, RANGES_PAST)
NEW = questions(DAYS_NEW, RANGES_NEW)
ALL = PAST + NEW + [["member", "2"]]


def cli(db, argv):
    rc, out, err = api.run(db, *argv + ["--json"])
    if "runtime error" in err or "Sanitizer" in err:
        check(False, "sanitizer report in %s: %s" % (argv, err))
    return (rc, json.loads(out)) if rc == 0 else (rc, None)


def answers(db):
    return {" ".join(q): cli(db, q) for q in ALL}


def op(db, *args):
    rc, out, err = api.run(db, "op", *args, "--json")
    check(rc == 0, "op %s: %s" % (" ".join(args), err.strip()))
    return json.loads(out) if rc == 0 else {}


def api_path(q):
    """The HTTP path asking question q (CLI argv) of the server."""
    cmd, args = q[0], q[1:]
    opts, pos = {}, []
    while args:
        t = args.pop(0)
        if t.startswith("--"):
            opts[t[2:]] = args.pop(0)
        else:
            pos.append(t)
    if cmd == "member":
        return "/api/v1/members/" + pos[0]
    if cmd == "search":
        opts["q"] = pos[0]
        return "/api/v1/search?" + urllib.parse.urlencode(opts)
    return "/api/v1/orgs/%s/%s?%s" % (pos[0], cmd,
                                      urllib.parse.urlencode(opts))


def past_view(answer):
    """A past answer without the card numbers of Q4 rows: a row shows the
    member's card of today (spec/queries.md), which a readmission clears
    until a new card is issued."""
    rc, js = answer
    if js and "rows" in js and "query" in js:
        js = dict(js, rows=[dict(r, card_no=None) for r in js["rows"]])
    return rc, js


def same_answers(got, want, keys, what, view=lambda a: a):
    bad = [k for k in keys if view(got[k]) != view(want[k])]
    check(not bad, "%s: %d of %d answers differ, e.g. %s: %s vs %s" % (
        what, len(bad), len(keys), bad[:1], bad and got[bad[0]],
        bad and want[bad[0]]))


def specific(after, before):
    """What the readmission must show, by name."""
    def res(q):
        return after[q][1] or {}
    c = res("count 12 --on 2010-12-31")["count"]
    check(c == before["count 12 --on 2010-12-31"][1]["count"] and c >= 1,
          "first period: still counted in cell 12 in 2010 (%s)" % c)
    b = res("breakdown 10 --on 2010-12-31")  # 1 and 2 official, 7 not
    check(b["status"] == {"probationary": 1, "official": 2},
          "first period: official in 2010, not probationary: %s" % b["status"])
    b = res("breakdown 30 --on 2023-12-31")  # 5 (since 2012) and 2
    check(b["total"] == 2 and b["status"]["probationary"] == 1 and
          b["membership_years"]["lt10"] == 1,
          "second period: probationary again, new membership years: %s" % b)
    b = res("breakdown 30 --on 2024-06-30")
    check(b["status"]["official"] == 2,
          "second period: official from 2024-03-20: %s" % b["status"])
    check(res("count 31 --on 2023-03-19")["count"] + 1 ==
          res("count 31 --on 2023-03-20")["count"],
          "counted in cell 31 from the readmission ceremony")
    check(res("count 1 --on 2021-12-31") == before["count 1 --on 2021-12-31"][1],
          "not counted on gap days")
    ch = res("changes 1 --from 2023-03-20 --to 2023-03-21")
    check(ch["admitted"] == 1 and ch["moved_in"] == 0 and
          ch["moved_out"] == 0, "the readmission is an admission: %s" % ch)
    ch = res("changes 30 --from 2023-01-01 --to 2024-01-01")
    check(ch["admitted"] == 1 and ch["moved_in"] == 0,
          "admitted into 30's subtree, not moved in: %s" % ch)
    ch = res("changes 1 --from 2020-01-01 --to 2021-01-01")
    check(ch["left"] == 1, "the first leaving stays in Q5: %s" % ch)
    ch = res("changes 1 --from 2024-01-01 --to 2025-01-01")
    check(ch["made_official"] >= 1, "made official again in 2024: %s" % ch)
    ch = res("changes 1 --from 2000-01-01 --to 2030-01-01")
    old = before["changes 1 --from 2000-01-01 --to 2030-01-01"][1]
    check(ch["admitted"] == old["admitted"] + 1 and
          ch["made_official"] == old["made_official"] + 1 and
          ch["left"] == old["left"],
          "whole history: one more admission and recognition: %s vs %s" %
          (ch, old))
    s = res("search tran van an --on 2010-12-31")
    check([r["org_id"] for r in s["rows"] if r["id"] == 2] == [12],
          "found in the first period's cell: %s" % s)
    s = res("search tran van an --on 2021-12-31")
    check(all(r["id"] != 2 for r in s["rows"]), "not found on a gap day")
    s = res("search tran van an --on 2023-12-31")
    check([r["org_id"] for r in s["rows"] if r["id"] == 2] == [31],
          "found in the second period's cell: %s" % s)
    m = res("member 2")
    check(m["admitted_on"] == READMIT and m["official_on"] == "2024-03-20" and
          m["status"] == "official" and m["ended_on"] is None and
          m["org_id"] == 31, "Q6: the current period: %s" % m)
    check(m.get("periods") == [
        {"admitted_on": "2000-06-01", "official_on": "2001-06-01",
         "status": "left", "ended_on": LEFT},
        {"admitted_on": READMIT, "official_on": "2024-03-20",
         "status": "official", "ended_on": None}],
        "Q6 lists both periods: %s" % m.get("periods"))
    check([p["valid_from"] for p in m["placements"]] ==
          ["2000-06-01", "2018-01-01", READMIT],
          "Q6 keeps every placement: %s" % m["placements"])


def against_oracle(db, tmp, got, what):
    out = os.path.join(tmp, "export-" + what)
    rc, o, err = api.run(db, "export", out)
    check(rc == 0, "export: " + err)
    for f in ("periods.csv", "period_placements.csv"):
        check(os.path.exists(os.path.join(out, f)), "export writes " + f)
    odb = oracle.load(out)
    bad = []
    for q in ALL:
        code, want = oracle.answer(odb, q + ["--json"])
        rc, res = got[" ".join(q)]
        if code != rc or (want is not None and want != res):
            bad.append((q, want, res))
    check(not bad, "%s: %d answers differ from the oracle, e.g. %s" %
          (what, len(bad), bad[:1]))
    # export | import | export loses nothing: the earlier periods come
    # back, byte for byte, and every question gets the same answer
    db2 = backend.store(tmp, "reimport-%s.db" % what)
    rc, o, err = api.run(db2, "import", out)
    check(rc == 0, "the export imports: " + err)
    out2 = os.path.join(tmp, "export2-" + what)
    rc, o, err = api.run(db2, "export", out2)
    check(rc == 0, "export of the import: " + err)
    diff = [f for f in EXPORT_FILES
            if not os.path.exists(os.path.join(out2, f)) or
            open(os.path.join(out, f), "rb").read() !=
            open(os.path.join(out2, f), "rb").read()]
    check(not diff, "%s: export | import | export byte-identical: %s "
          "differ" % (what, diff))
    same_answers(answers(db2), got, [" ".join(q) for q in ALL],
                 "%s: Q1-Q6 after export | import" % what)
    rc, o, err = api.run(db2, "check")
    check(rc == 0, "%s: hoso check after export | import: %s" % (what,
                                                                  o + err))
    return db2


def via_server(db, before, after):
    """The same operations through a running server: its read model is
    updated in place (no rebuild) and must answer as the CLI does."""
    rc, out, err = api.run(db, "user", "add", "adm", "--role", "admin",
                           "--password-stdin", stdin="pw-adm-secret\n")
    rc, token, err = api.run(db, "user", "token", "adm")
    srv = api.Server(db)
    cl = api.Client(srv, token=token.strip())

    def post(path, body):
        st, hd, js, text = cl.req("POST", "/api/v1/members/2/" + path, body)
        check(st == 200, "POST %s: %d %s" % (path, st, js))
        return js or {}

    keys = [" ".join(q) for q in ALL]

    def ask_keys(ks):
        return {" ".join(q): ask_one(cl, q) for q in ALL}

    try:
        got = ask_keys(keys)  # builds the server's read model
        same_answers(got, before, keys, "server before the readmission")
        r = post("readmit", {"effective": READMIT, "to": 31,
                             "since": DECIDED})
        c = post("recognise", {"effective": RECOGNISE})
        got = ask_keys(keys)
        same_answers(got, after, keys, "server after the readmission "
                     "(read model updated in place)")
        post("undo", {"seq": c.get("seq")})
        post("undo", {"seq": r.get("seq")})
        got = ask_keys(keys)
        same_answers(got, before, keys, "server after undoing it")
    finally:
        rc, log = srv.stop()
        check("Sanitizer" not in log and "runtime error" not in log,
              "server log clean: %s" % log[-500:])


def ask_one(cl, q):
    st, hd, js, text = cl.req("GET", api_path(list(q)))
    return (0 if st == 200 else 3 if st == 404 else st,
            js if st == 200 else None)


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-readmission-")
    try:
        data = os.path.join(tmp, "data")
        os.mkdir(data)
        api.write_data(data)
        db = backend.store(tmp, "cli.db")
        rc, out, err = api.run(db, "import", data)
        check(rc == 0, "import: " + err)
        op(db, "leave", "2", "--effective", LEFT)
        twin = backend.copy(db, tmp, "server.db")
        before = answers(db)
        against_oracle(db, tmp, before, "before")

        r = op(db, "readmit", "2", "--to", "31", "--since", DECIDED,
               "--effective", READMIT)
        c = op(db, "recognise", "2", "--effective", RECOGNISE)
        check(c.get("effective_on") == "2024-03-20",
              "official at the end of the new probation: %s" % c)
        after = answers(db)
        same_answers(after, before, [" ".join(q) for q in PAST],
                     "the past does not change", past_view)
        specific(after, before)
        db2 = against_oracle(db, tmp, after, "after")
        # the imported readmission is one: not twice, and party age
        # counts from the first admission, minus the time out
        op(db2, "leave", "2", "--effective", "2025-06-02")
        rc, out, err = api.run(db2, "op", "readmit", "2", "--to", "31",
                               "--approval", "QĐ 1/2026", "--effective",
                               "2026-01-05")
        check(rc == 1 and "một lần" in err,
              "imported: readmitted only once: %s" % err)
        rc, out, err = api.run(db2, "history", "2", "--on", "2025-01-01")
        h = json.loads(out) if rc == 0 else {}
        check(h.get("party_age_from") == "2000-06-01" and
              h.get("gap_days", 0) > 0,
              "imported: party age from the first admission: %s" % out)
        rc, out, err = api.run(db, "check")
        check(rc == 0, "hoso check after the readmission: " + out + err)

        op(db, "undo", str(c.get("seq")))
        op(db, "undo", str(r.get("seq")))
        undone = answers(db)
        same_answers(undone, before, [" ".join(q) for q in ALL],
                     "undo gives back every earlier answer")
        rc, out, err = api.run(db, "check")
        check(rc == 0, "hoso check after the undo: " + out + err)

        # readmitted once only, and the decision cannot precede leaving
        op(db, "readmit", "2", "--to", "31", "--since", DECIDED,
           "--effective", READMIT)
        op(db, "leave", "2", "--effective", "2025-06-02")
        rc, out, err = api.run(db, "op", "readmit", "2", "--to", "31",
                               "--approval", "QĐ 1/2026", "--effective",
                               "2026-01-05")
        check(rc == 1 and "một lần" in err, "readmitted only once: %s" % err)
        via_server(twin, before, after)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
