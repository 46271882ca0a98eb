#!/usr/bin/env python3
"""Black-box test of a member's life as operations (src/model/lifecycle*.c):
candidates, admission, recognition, transfers, exemption, discipline, cards,
badges, readmission, undo, through the CLI and the HTTP API, with rule
violations refused (nothing written), backdated transfers leaving Q1 right
for every day, two dated rule changes checked on both sides, and `hoso check`
after the operations. Usage: lifecycle.py [path/to/hoso]."""
import json
import os
import shutil
import sys
import tempfile
import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api  # noqa: E402  (tiny data, server and client helpers)
import backend  # noqa: E402  (SQLite file or PostgreSQL database)

HOSO = api.HOSO
PASSED = 0
FAILED = 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL:", what, flush=True)


def hoso(db, *args):
    rc, out, err = api.run(db, *args)
    if "runtime error" in err or "Sanitizer" in err:
        check(False, "sanitizer report in %s: %s" % (args, err))
    js = None
    if rc == 0 and out.strip().startswith("{"):
        js = json.loads(out)
    return rc, js, err


def n_ops(db):
    c = backend.connect(db)
    n = c.execute("SELECT count(*) FROM operations").fetchone()[0]
    c.close()
    return n


def rejected(db, args, words, what):
    """The operation is refused with exit 1, a message naming the rule, and
    nothing written."""
    before = n_ops(db)
    rc, js, err = hoso(db, "op", *args)
    check(rc == 1, "%s: refused with exit 1 (got %d: %s)" % (what, rc, err))
    check(all(w in err for w in words), "%s: message names the rule: %s" %
          (what, err.strip()))
    check(n_ops(db) == before, "%s: nothing written" % what)


def ok(db, args, what):
    rc, js, err = hoso(db, "op", *args + ["--json"])
    check(rc == 0 and js and js.get("seq"), "%s: %s" % (what, err.strip()))
    return js or {}


def count(db, org, day):
    rc, js, err = hoso(db, "count", str(org), "--on", day, "--json")
    return js["count"] if js else None


def checked(db, what):
    rc, out, err = api.run(db, "check")
    check(rc == 0, "hoso check after %s: %s" % (what, out + err))


def candidate(db, name, birth, dates, intro=("1", "7")):
    js = ok(db, ["candidate", "--org", "11", "--name", name, "--sex", "F",
                 "--birth", birth, "--ethnicity", "Kinh"], "candidate " + name)
    cid = str(js.get("candidate_id"))
    steps = ["course", "introducers", "application", "background"]
    for s, d in zip(steps, dates):
        extra = ["--introducers", ",".join(intro)] if s == "introducers" else []
        ok(db, ["candidate-step", cid, "--step", s, "--effective", d] + extra,
           "step %s of %s" % (s, name))
    return cid


def test_cli(db):
    # -- candidates and admission ------------------------------------------
    js = ok(db, ["candidate", "--org", "11", "--name",
                 "Đỗ Thị Bình".encode().decode(), "--sex", "F", "--birth",
                 "1999-03-04", "--ethnicity", "Kinh"], "candidate")
    cid = str(js["candidate_id"])
    ok(db, ["candidate-step", cid, "--step", "course", "--effective",
            "2025-08-01"], "course")
    rejected(db, ["candidate-step", cid, "--step", "application",
                  "--effective", "2025-08-20"], ["người giới thiệu"],
             "application before introducers")
    rejected(db, ["candidate-step", cid, "--step", "introducers",
                  "--introducers", "1,3", "--effective", "2025-08-10"],
             ["chính thức", "12 tháng"], "probationary introducer")
    rejected(db, ["candidate-step", cid, "--step", "introducers",
                  "--introducers", "1,5", "--effective", "2025-08-10"],
             ["cùng chi bộ"], "introducer from another cell")
    ok(db, ["candidate-step", cid, "--step", "introducers", "--introducers",
            "1,7", "--effective", "2025-08-10"], "introducers")
    for s, d in (("application", "2025-08-15"), ("background", "2025-09-15"),
                 ("considered", "2025-10-01"), ("decided", "2025-10-20")):
        ok(db, ["candidate-step", cid, "--step", s, "--effective", d], s)
    rc, js, err = hoso(db, "candidates", "--in", "11", "--on", "2025-12-10",
                       "--json")
    row = [r for r in js["rows"] if str(r["candidate_id"]) == cid][0]
    check(row["state"] == "decided" and "ceremony_overdue" in row["overdue"],
          "candidate listed as decided, ceremony overdue: %s" % row)
    # 30 working days from 2025-10-20 end on 2025-12-01
    rejected(db, ["admit", cid, "--effective", "2025-12-02"],
             ["30 ngày làm việc", "2025-12-01"], "ceremony too late")
    before = count(db, 11, "2025-11-05")
    js = ok(db, ["admit", cid, "--effective", "2025-11-05"], "admit")
    new = str(js.get("member_id"))
    check(js.get("probation_ends") == "2026-11-05", "probation ends: %s" % js)
    check(count(db, 11, "2025-11-05") == before + 1 and
          count(db, 11, "2025-11-04") == before - 0,
          "Q1 counts the admitted member from the ceremony")
    rc, m, err = hoso(db, "member", new, "--json")
    check(m and m["status"] == "probationary" and
          m["admitted_on"] == "2025-11-05" and m["full_name"] == "Đỗ Thị Bình",
          "Q6 of the new member: %s" % m)
    checked(db, "admit")

    # -- rule change 1: admission age in years (2016) vs months (2021) -----
    dates = ("2021-01-05", "2021-01-10", "2021-02-01", "2021-04-01")
    c1 = candidate(db, "Lê Thị Cúc", "1961-02-01", dates)
    ok(db, ["candidate-step", c1, "--step", "considered", "--effective",
            "2021-07-29"], "60y5m considered by the 2016 rules (years)")
    c2 = candidate(db, "Lê Thị Dung", "1961-02-01", dates)
    rejected(db, ["candidate-step", c2, "--step", "considered",
                  "--effective", "2021-07-30"],
             ["tuổi đời", "tính theo tháng", "24-QĐ/TW"],
             "60y5m considered by the 2021 rules (months)")
    ok(db, ["candidate-step", c2, "--step", "considered", "--effective",
            "2021-07-30", "--approval", "Tỉnh ủy đồng ý"],
       "over 60 with the provincial approval")

    # -- rule change 2: ceremony within a month (before 25 Jul 2016) vs 30
    # working days (Quy định 29) --------------------------------------------
    old = ("2015-10-01", "2015-10-05", "2015-10-10", "2015-12-01")
    c3 = candidate(db, "Phan Thị Em", "1990-01-01", old)
    for s in ("considered", "decided"):
        ok(db, ["candidate-step", c3, "--step", s, "--effective",
                "2016-01-04"], s)
    rejected(db, ["admit", c3, "--effective", "2016-02-15"],
             ["1 tháng", "2016-02-04"], "old rules: a month")
    ok(db, ["admit", c3, "--effective", "2016-02-04"], "old rules: in time")
    new2 = ("2016-02-01", "2016-02-05", "2016-03-01", "2016-06-01")
    c4 = candidate(db, "Phan Thị Gấm", "1990-01-01", new2)
    for s in ("considered", "decided"):
        ok(db, ["candidate-step", c4, "--step", s, "--effective",
                "2016-08-01"], s)
    rejected(db, ["admit", c4, "--effective", "2016-09-14"],
             ["30 ngày làm việc", "2016-09-13"], "new rules: 30 working days")
    ok(db, ["admit", c4, "--effective", "2016-09-09"],
       "new rules: 9 Sep is within 30 working days (a month would refuse)")

    # -- recognition -------------------------------------------------------
    rejected(db, ["recognise", new, "--effective", "2026-10-01"],
             ["12 tháng dự bị"], "recognition before 12 months")
    rejected(db, ["recognise", new, "--effective", "2027-01-10"],
             ["quá hạn", "30 ngày làm việc"], "recognition too late")
    js = ok(db, ["recognise", new, "--effective", "2026-11-20"], "recognise")
    check(js.get("official_on") == "2026-11-05",
          "official from the anniversary, not the decision: %s" % js)
    rc, m, err = hoso(db, "member", new, "--json")
    check(m["status"] == "official" and m["official_on"] == "2026-11-05",
          "Q6 official")
    rejected(db, ["recognise", "1", "--effective", "2026-11-20"],
             ["dự bị"], "recognising an official member")
    rc, js, err = hoso(db, "due", "--days", "30", "--on", "2025-01-10",
                       "--json")
    ids = {r["member_id"]: r["state"] for r in js["rows"]}
    check(ids.get(3) == "due", "member 3 due on 2025-01-10: %s" % ids)

    # -- official transfer, entered late ------------------------------------
    b31 = {d: count(db, 31, d) for d in ("2026-01-04", "2026-01-05",
                                          "2026-01-20")}
    rejected(db, ["transfer-out", "5", "--since", "2025-09-01",
                  "--effective", "2026-01-05"], ["60 ngày làm việc"],
             "letter more than 60 working days after the posting")
    ok(db, ["transfer-out", "5", "--since", "2025-12-01", "--effective",
            "2026-01-05", "--reason", "nhập muộn"], "transfer-out (backdated)")
    rc, js, err = hoso(db, "in-transit", "--in", "30", "--on", "2026-01-10",
                       "--json")
    check([r["member_id"] for r in js["rows"]] == [5],
          "in-transit lists member 5: %s" % js)
    rejected(db, ["receive", "5", "--to", "20", "--effective", "2026-03-20"],
             ["30 ngày làm việc"], "receipt too late")
    rejected(db, ["receive", "5", "--to", "10", "--effective", "2026-01-20"],
             ["chi bộ"], "receipt into a non-cell")
    ok(db, ["receive", "5", "--to", "20", "--effective", "2026-01-20"],
       "receive")
    d = datetime.date(2025, 12, 30)
    good = True
    while d < datetime.date(2026, 1, 25):
        s = d.isoformat()
        want31 = 1 if s < "2026-01-05" else 0
        want20 = 1 + (1 if s >= "2026-01-20" else 0)
        if count(db, 31, s) - (b31["2026-01-04"] - 1) != want31 or \
                count(db, 20, s) != want20:
            good = False
            print("day", s, count(db, 31, s), count(db, 20, s))
        d += datetime.timedelta(days=1)
    check(good, "Q1 right on every day around a backdated transfer")
    rc, js, err = hoso(db, "changes", "30", "--from", "2026-01-01", "--to",
                       "2026-02-01", "--json")
    # Q5: the move out is dated by the next placement (the receipt)
    check(js and js["moved_out"] == 1, "Q5 of the sending side: %s" % js)
    checked(db, "transfers")

    # -- temporary transfer --------------------------------------------------
    rejected(db, ["temp-transfer", "2", "--to", "31", "--effective",
                  "2026-03-01", "--until", "2026-04-15"], ["3 tháng"],
             "temporary transfer of 6 weeks")
    rejected(db, ["temp-transfer", "2", "--to", "31", "--effective",
                  "2026-03-01", "--until", "2027-03-01"], ["dưới 12"],
             "temporary transfer of a year (work)")
    c11 = count(db, 11, "2026-05-01")
    ok(db, ["temp-transfer", "2", "--to", "31", "--effective", "2026-03-01",
            "--until", "2027-06-01", "--kind", "study"], "study 15 months")
    check(count(db, 11, "2026-05-01") == c11, "still counted at home")
    rc, js, err = hoso(db, "temporary", "--in", "31", "--on", "2026-05-01",
                       "--json")
    check([r["member_id"] for r in js["rows"]] == [2],
          "visible at the host: %s" % js)

    # -- exemption -----------------------------------------------------------
    rejected(db, ["exempt", "7", "--kind", "age", "--effective",
                  "2026-01-01"], ["tuổi"], "age exemption at 40")
    rejected(db, ["exempt", "1", "--kind", "health", "--effective",
                  "2026-04-01", "--until", "2026-05-15"], ["3 tháng"],
             "health exemption of 6 weeks")
    ok(db, ["exempt", "4", "--kind", "age", "--effective", "2024-01-01"],
       "age exemption at 63")

    # -- discipline ----------------------------------------------------------
    rejected(db, ["discipline", "3", "--form", "removal", "--effective",
                  "2024-06-01"], ["dự bị", "khiển trách", "cảnh cáo"],
             "removal of a probationer")
    ok(db, ["discipline", "3", "--form", "warning", "--effective",
            "2024-06-01"], "warning a probationer")

    # -- cards ---------------------------------------------------------------
    rejected(db, ["card-issue", "3", "--card", "77000003", "--effective",
                  "2025-06-01"], ["chính thức"], "card for a probationer")
    rejected(db, ["card-issue", "1", "--card", "10000002", "--effective",
                  "2025-06-01"], ["10000002"], "a card number of another")
    ok(db, ["card-issue", "1", "--card", "25000001", "--effective",
            "2025-06-01"], "2025 card replacement")
    for no in ("10000001", "25000001"):
        rc, m, err = hoso(db, "member", "--card", no, "--json")
        check(rc == 0 and m["id"] == 1, "member --card %s finds member 1" % no)
    rc, m, err = hoso(db, "member", "1", "--json")
    check(m["card_no"] == "25000001", "current card in Q6")

    # -- badges --------------------------------------------------------------
    rc, js, err = hoso(db, "badges", "--on", "2025-02-03", "--json")
    rows = [(r["member_id"], r["years"]) for r in js["rows"]]
    check((4, 40) in rows, "member 4 reaches 40 years for 3 Feb 2025: %s"
          % rows)
    rc, js, err = hoso(db, "badges", "--on", "2025-02-04", "--json")
    check(rc == 2, "badges on a day that is no award day is bad usage")
    rejected(db, ["badge-award", "2", "--years", "30", "--effective",
                  "2025-02-03"], ["30 năm"], "badge before 30 years")
    ok(db, ["badge-award", "4", "--years", "40", "--effective",
            "2025-02-03"], "badge award")
    rc, js, err = hoso(db, "badges", "--on", "2025-02-03", "--json")
    check((4, 40) not in [(r["member_id"], r["years"]) for r in js["rows"]],
          "an awarded badge is not listed again")

    # -- expulsion, death, leaving and readmission ----------------------------
    ok(db, ["expel", "7", "--effective", "2026-06-01"], "expel")
    rc, m, err = hoso(db, "member", "7", "--json")
    check(m["status"] == "expelled" and m["ended_on"] == "2026-06-01",
          "expelled in Q6")
    rc, js, err = hoso(db, "changes", "11", "--from", "2026-06-01", "--to",
                       "2026-06-02", "--json")
    check(js["expelled"] == 1, "Q5 counts the expulsion")
    rejected(db, ["death", "7", "--effective", "2026-07-01"],
             ["không còn là đảng viên"], "death after expulsion")
    ok(db, ["death", "4", "--effective", "2026-02-01"], "death")
    check(count(db, 20, "2026-02-01") == 1, "the dead member is not counted")
    ok(db, ["leave", "2", "--effective", "2026-06-01"], "leave")
    rejected(db, ["readmit", "2", "--to", "11", "--since", "2027-01-10",
                  "--effective", "2027-01-20"], ["36 tháng"],
             "readmission too soon")
    ok(db, ["readmit", "2", "--to", "11", "--since", "2029-06-03",
            "--effective", "2029-06-10"], "readmission")
    rc, m, err = hoso(db, "member", "2", "--json")
    check(m["status"] == "probationary" and m["ended_on"] is None and
          m["official_on"] is None, "readmitted: probation again: %s" % m)
    rc, h, err = hoso(db, "history", "2", "--on", "2030-06-01", "--json")
    # 2000-06-01 + 30 years minus the 3 years out
    check(h["gap_days"] == (datetime.date(2029, 6, 3) -
                            datetime.date(2026, 6, 1)).days and
          h["party_years"] == 26, "party age minus the gap: %s" % h)
    ok(db, ["leave", "2", "--effective", "2031-01-10"], "leave again")
    rejected(db, ["readmit", "2", "--to", "11", "--effective", "2035-01-01"],
             ["một lần"], "readmission twice")
    checked(db, "endings")

    # -- undo ----------------------------------------------------------------
    rc, js, err = hoso(db, "op", "transfer-out", "1", "--effective",
                       "2026-08-03", "--json")
    seq_out = js["seq"]
    js = ok(db, ["receive", "1", "--to", "31", "--effective", "2026-08-10"],
            "receive 1")
    rejected(db, ["undo", str(seq_out)], ["hủy", str(js["seq"])],
             "undo with a later operation")
    c31 = count(db, 31, "2026-09-01")
    ok(db, ["undo", str(js["seq"])], "undo receive")
    check(count(db, 31, "2026-09-01") == c31 - 1, "undo: not counted at 31")
    ok(db, ["undo", str(seq_out)], "undo transfer-out")
    check(count(db, 11, "2026-09-01") >= 1 and
          hoso(db, "member", "1", "--json")[1]["org_id"] == 11,
          "undo restores the placement")
    c5 = candidate(db, "Trịnh Thị Khánh", "1995-01-01",
                   ("2025-01-05", "2025-01-10", "2025-02-01", "2025-04-01"))
    for st in ("considered", "decided"):
        ok(db, ["candidate-step", c5, "--step", st, "--effective",
                "2025-05-05"], st)
    js = ok(db, ["admit", c5, "--effective", "2025-05-20"], "admit c5")
    mid = str(js.get("member_id"))
    ok(db, ["undo", str(js.get("seq"))], "undo the admission")
    rc, m, err = hoso(db, "member", mid, "--json")
    check(rc == 3, "an undone admission leaves no member (%d)" % rc)
    rc, cands, err = hoso(db, "candidates", "--on", "2025-05-21", "--json")
    check(c5 in [str(r["candidate_id"]) for r in cands["rows"]],
          "the candidate is back in the pipeline")
    c = backend.connect(db)
    kinds = [r[0] for r in c.execute(
        "SELECT kind FROM operations ORDER BY seq DESC LIMIT 2")]
    c.close()
    check(kinds == ["undo", "admit"], "undo is its own audited operation")
    checked(db, "undo")


def test_api(db, tmp):
    rc, out, err = api.run(db, "user", "add", "adm", "--role", "admin",
                           "--password-stdin", stdin="pw-adm-secret\n")
    check(rc == 0, "user add: " + err)
    rc, token, err = api.run(db, "user", "token", "adm")
    token = token.strip()
    # the same operations on a copy through the CLI
    twin = backend.copy(db, tmp, "twin.db")
    srv = api.Server(db)
    cl = api.Client(srv, token=token)
    try:
        def post(path, body):
            st, hd, js, text = cl.req("POST", path, body)
            return st, js

        def same(path, body, cli_args, what):
            st, js = post(path, body)
            rc, cj, err = hoso(twin, "op", *cli_args + ["--json"])
            check(st == 200 and rc == 0, "%s: HTTP %d %s / CLI %d %s" %
                  (what, st, js, rc, err))
            if st == 200 and rc == 0:
                js.pop("seq")
                cj.pop("seq")
                check(js == cj, "%s: API == CLI: %s vs %s" % (what, js, cj))
            return js

        m = "/api/v1/members/"
        same(m + "3/discipline", {"effective": "2024-06-01",
                                  "form": "reprimand"},
             ["discipline", "3", "--form", "reprimand", "--effective",
              "2024-06-01"], "discipline")
        same(m + "3/recognise", {"effective": "2025-02-20"},
             ["recognise", "3", "--effective", "2025-02-20"], "recognise")
        same(m + "3/card-issue", {"effective": "2025-03-01",
                                  "card": "88000003"},
             ["card-issue", "3", "--card", "88000003", "--effective",
              "2025-03-01"], "card-issue")
        same(m + "5/transfer-out", {"effective": "2026-01-05"},
             ["transfer-out", "5", "--effective", "2026-01-05"],
             "transfer-out")
        same(m + "5/receive", {"effective": "2026-01-20", "to": 20},
             ["receive", "5", "--to", "20", "--effective", "2026-01-20"],
             "receive")
        same(m + "2/temp-transfer", {"effective": "2026-03-01", "to": 31,
                                     "until": "2026-09-01"},
             ["temp-transfer", "2", "--to", "31", "--effective",
              "2026-03-01", "--until", "2026-09-01"], "temp-transfer")
        same(m + "1/exempt", {"effective": "2026-03-01", "kind": "health",
                              "until": "2026-07-01"},
             ["exempt", "1", "--kind", "health", "--effective", "2026-03-01",
              "--until", "2026-07-01"], "exempt")
        same(m + "4/badge-award", {"effective": "2025-02-03", "years": 40},
             ["badge-award", "4", "--years", "40", "--effective",
              "2025-02-03"], "badge-award")
        same(m + "7/expel", {"effective": "2026-06-01"},
             ["expel", "7", "--effective", "2026-06-01"], "expel")
        same(m + "4/death", {"effective": "2026-02-01"},
             ["death", "4", "--effective", "2026-02-01"], "death")
        same(m + "2/leave", {"effective": "2026-12-01"},
             ["leave", "2", "--effective", "2026-12-01"], "leave")
        same(m + "2/readmit", {"effective": "2029-12-10", "to": 11,
                               "since": "2029-12-03"},
             ["readmit", "2", "--to", "11", "--since", "2029-12-03",
              "--effective", "2029-12-10"], "readmit")
        same(m + "1/strike-off", {"effective": "2027-01-10"},
             ["strike-off", "1", "--effective", "2027-01-10"], "strike-off")
        st, js = post(m + "1/undo", {"seq": 999999})
        check(st == 404, "undo of an unknown operation: %d" % st)
        c = backend.connect(db)
        last = c.execute("SELECT max(seq) FROM lc_snapshots").fetchone()[0]
        c.close()
        st, js = post(m + "1/undo", {"seq": last})
        check(st == 200 and js["kind"] == "undo", "undo via API: %s" % js)
        st, js = post(m + "3/discipline", {"effective": "2025-06-01",
                                           "form": "dissolution"})
        check(st == 400, "unknown discipline form is 400: %d" % st)
        st, js = post(m + "7/death", {"effective": "2026-07-01"})
        check(st == 422 and "error" in js, "a refused operation is 422")
        # candidates through the organisation
        o = "/api/v1/orgs/11/"
        st, js = post(o + "candidates", {"full_name": "Vũ Thị Hoa",
                                         "sex": "F",
                                         "birth_date": "2000-01-01",
                                         "ethnicity": "Kinh"})
        check(st == 200, "candidate via API: %s" % js)
        cid = js.get("candidate_id")
        steps = [("course", "2025-08-01"), ("introducers", "2025-08-10"),
                 ("application", "2025-08-15"), ("background", "2025-09-15"),
                 ("considered", "2025-10-01"), ("decided", "2025-10-20")]
        for s, d in steps:
            body = {"step": s, "effective": d}
            if s == "introducers":
                body.update({"introducer1": 1, "introducer2": 7})
            st, js = post(o + "candidates/%s/steps" % cid, body)
            check(st == 200, "step %s via API: %s" % (s, js))
        st, js = post("/api/v1/orgs/31/candidates/%s/steps" % cid,
                      {"step": "course", "effective": "2025-08-01"})
        check(st == 404, "a candidate outside the org is not found")
        st, js = post(o + "admissions", {"candidate": cid,
                                         "effective": "2025-11-05"})
        check(st == 200 and js.get("member_id"), "admission via API: %s" % js)
        for path in ("candidates", "due?days=400&on=2026-10-20",
                     "badges?on=2025-02-03", "in-transit?on=2026-01-10",
                     "temporary?on=2026-05-01"):
            st, hd, js, text = cl.req("GET", o.replace("11", "1") + path)
            check(st == 200 and "rows" in js, "GET %s: %d" % (path, st))
        st, hd, js, text = cl.req("GET", "/api/v1/orgs/1/badges?on=2025-02-04")
        check(st == 400, "badges on a non-award day: %d" % st)
        st, hd, js, text = cl.req("GET", m + "2/history")
        check(st == 200 and js["gap_days"] > 0, "history via API: %s" % js)
        st, hd, js, text = cl.req("GET", "/api/v1/openapi.json")
        paths = js["paths"]
        check("/api/v1/members/{id}/recognise" in paths and
              "/api/v1/orgs/{id}/admissions" in paths,
              "lifecycle routes are in the OpenAPI document")
        st, hd, js, text = cl.req("GET", "/api/v1/audit?limit=200")
        acts = {e.get("action") for e in js.get("entries", [])}
        check("member.recognise" in acts and "member.admit" in acts,
              "operations are in the audit log: %s" % sorted(acts)[:10])
    finally:
        srv.stop()
    checked(db, "API operations")
    checked(twin, "CLI twin")


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-lifecycle-")
    try:
        data = os.path.join(tmp, "data")
        os.mkdir(data)
        api.write_data(data)
        for name, fn in (("cli.db", test_cli), ("api.db", None)):
            db = backend.store(tmp, name)
            rc, out, err = api.run(db, "import", data)
            check(rc == 0, "import: " + err)
            if fn:
                fn(db)
            else:
                test_api(db, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
