#!/usr/bin/env python3
"""Import of the earlier membership periods of readmitted members
(periods.csv, period_placements.csv: docs/interchange-extensions.md): a
good dataset imports, answers Q1-Q6 with both periods and survives export |
import | export byte for byte, --replace replaces the periods, `hoso check`
accepts it, readmission stays allowed once; every kind of bad row gives
exactly one line `file:line: column: reason`, exit status 1, and leaves the
store as it was.

Usage: import_periods.py HOSO_BIN
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backend  # noqa: E402  (SQLite file or PostgreSQL database)

HOSO = os.path.abspath(sys.argv[1])
passed = 0
failed = 0
FILES = ("orgs.csv", "members.csv", "placements.csv", "periods.csv",
         "period_placements.csv")


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, detail, flush=True)


ORGS = """id,parent_id,kind,code,name,valid_from,valid_to
1,,party,TW,Ban Chấp hành Trung ương Đảng,,
2,1,province,T01,Thành ủy Hà Nội,,
3,2,grassroots,T01.G1,Đảng bộ Công ty Điện lực,,
4,3,cell,T01.G1.C1,Chi bộ Phòng Kỹ thuật,,
5,3,cell,T01.G1.C2,"Chi bộ Phòng Tổ chức, Hành chính",,2020-01-01
6,2,grassroots_cell,T01.G2,Chi bộ cơ sở Trường Tiểu học Kim Liên,2012-01-01,
"""

# 1 left in 2010 and was readmitted in 2015; 3 was expelled on probation in
# 2005 and readmitted in 2020 (her name in NFD: stored NFC); 2 never left
MEMBERS = """id,card_no,full_name,sex,birth_date,ethnicity,religion,hometown,education,expertise,theory_level,admitted_on,official_on,status,ended_on,org_id
1,10000001,Nguyễn Thị Hồng,F,1980-02-29,Kinh,,Hà Nội,12/12,bachelor,intermediate,2015-03-02,2016-03-02,official,,4
2,10000002,Trần Văn An,M,1975-06-01,Tày,Phật giáo,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,,4
3,,%s,F,1970-05-05,Kinh,,,12/12,,,2020-06-01,,probationary,,6
""" % unicodedata.normalize("NFD", "Lê Thị Mai")

PLACEMENTS = """member_id,org_id,valid_from,valid_to
1,4,2015-03-02,
2,4,2000-01-10,
3,6,2020-06-01,
"""

PERIODS = """member_id,admitted_on,official_on,status,ended_on
1,2002-05-19,2003-05-19,left,2010-01-01
3,1995-01-01,,expelled,2005-06-01
"""

PERIOD_PLACEMENTS = """member_id,org_id,valid_from,valid_to
1,5,2002-05-19,2008-01-01
1,4,2008-01-01,2010-01-01
3,5,1995-01-01,2005-06-01
"""


def write(d, orgs=ORGS, members=MEMBERS, placements=PLACEMENTS,
          periods=PERIODS, period_placements=PERIOD_PLACEMENTS):
    os.makedirs(d, exist_ok=True)
    for name, text in (("orgs.csv", orgs), ("members.csv", members),
                       ("placements.csv", placements),
                       ("periods.csv", periods),
                       ("period_placements.csv", period_placements)):
        path = os.path.join(d, name)
        if text is None:
            if os.path.exists(path):
                os.remove(path)
            continue
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)


def run(*args):
    p = subprocess.run([HOSO, *args], capture_output=True, text=True,
                       timeout=120)
    if "runtime error" in p.stderr or "Sanitizer" in p.stderr:
        check(False, "sanitizer report in %s" % (args,), p.stderr)
    return p.returncode, p.stdout, p.stderr


def export_files(db, out):
    shutil.rmtree(out, ignore_errors=True)
    rc, _, err = run("--db", db, "export", out)
    if rc != 0:
        return {"error": err}
    return {f: open(os.path.join(out, f), "rb").read() for f in FILES}


def ask(db, *q):
    rc, out, _ = run("--db", db, *q, "--json")
    return rc, json.loads(out) if rc == 0 else None


QUESTIONS = [[c, str(o), "--on", d]
             for c in ("count", "breakdown", "summary")
             for o in (1, 4, 5, 6)
             # period 1, gap, period 2 of member 1; of member 3
             for d in ("2003-01-01", "2009-12-31", "2012-06-30",
                       "2015-03-02", "2019-12-31", "1996-01-01",
                       "2005-06-01", "2020-06-01", "2024-12-31")] + \
    [["changes", str(o), "--from", a, "--to", b]
     for o in (1, 4, 5, 6)
     for a, b in (("1995-01-01", "2000-01-01"), ("2005-01-01", "2006-01-01"),
                  ("2009-01-01", "2011-01-01"), ("2015-01-01", "2016-01-01"),
                  ("2020-01-01", "2021-01-01"), ("1990-01-01", "2030-01-01"))] + \
    [["search", "le thi mai", "--on", d]
     for d in ("2000-01-01", "2010-01-01", "2021-01-01")] + \
    [["member", str(i)] for i in (1, 2, 3)]


def answers(db):
    return {" ".join(q): ask(db, *q) for q in QUESTIONS}


def replace_line(text, lineno, new):
    lines = text.split("\n")
    lines[lineno - 1] = new
    return "\n".join(lines)


def drop_line(text, lineno):
    lines = text.split("\n")
    del lines[lineno - 1]
    return "\n".join(lines)


def good_dataset(tmp):
    good = os.path.join(tmp, "good")
    write(good)
    db = backend.store(tmp, "s.db")
    rc, _, err = run("--db", db, "--quiet", "import", good)
    check(rc == 0, "dataset with periods imports", err)

    # what the periods say, by name
    rc, m = ask(db, "member", "1")
    check(rc == 0 and m.get("periods") == [
        {"admitted_on": "2002-05-19", "official_on": "2003-05-19",
         "status": "left", "ended_on": "2010-01-01"},
        {"admitted_on": "2015-03-02", "official_on": "2016-03-02",
         "status": "official", "ended_on": None}],
        "Q6 lists both periods", m)
    check(m and [p["valid_from"] for p in m["placements"]] ==
          ["2002-05-19", "2008-01-01", "2015-03-02"],
          "Q6 lists the placements of both periods", m)
    rc, m = ask(db, "member", "3")
    check(rc == 0 and m["full_name"] == "Lê Thị Mai" and
          m["periods"][0]["status"] == "expelled" and
          m["periods"][0]["official_on"] is None,
          "an expelled probationary period, NFD name stored NFC", m)
    rc, c = ask(db, "count", "5", "--on", "2003-01-01")
    check(c == {"org_id": 5, "on": "2003-01-01", "count": 2} or
          (c or {}).get("count") == 2, "both counted in cell 5 in 2003", c)
    rc, c = ask(db, "count", "1", "--on", "2012-06-30")
    check((c or {}).get("count") == 1, "only member 2 on a gap day", c)
    rc, b = ask(db, "breakdown", "4", "--on", "2015-06-30")
    check(b and b["status"] == {"probationary": 1, "official": 1},
          "member 1 probationary again in 2015, though official in 2005",
          b)
    rc, ch = ask(db, "changes", "1", "--from", "2009-01-01", "--to",
                 "2016-01-01")
    check(ch and ch["left"] == 1 and ch["admitted"] == 1,
          "leaving and readmission in Q5", ch)
    rc, s = ask(db, "search", "le thi mai", "--on", "2010-01-01")
    check(s and all(r["id"] != 3 for r in s["rows"]),
          "not found while out of the Party", s)
    rc, s = ask(db, "search", "le thi mai", "--on", "2000-01-01")
    check(s and [r["org_id"] for r in s["rows"] if r["id"] == 3] == [5],
          "found in the first period's cell", s)
    rc, out, err = run("--db", db, "check")
    check(rc == 0, "hoso check accepts the imported periods", out + err)

    # export | import | export is byte-identical, and answers the same
    e1 = export_files(db, os.path.join(tmp, "e1"))
    check(e1.get("periods.csv", b"").count(b"\n") == 3 and
          e1.get("period_placements.csv", b"").count(b"\n") == 4,
          "export writes the periods", e1)
    db2 = backend.store(tmp, "rt.db")
    rc, _, err = run("--db", db2, "--quiet", "import", os.path.join(tmp, "e1"))
    check(rc == 0, "the export imports", err)
    e2 = export_files(db2, os.path.join(tmp, "e2"))
    check(e1 == e2, "export | import | export byte-identical (5 files)",
          [f for f in FILES if e1.get(f) != e2.get(f)])
    a1, a2 = answers(db), answers(db2)
    bad = [k for k in a1 if a1[k] != a2[k]]
    check(not bad, "Q1-Q6 equal after the round trip (%d questions)" %
          len(a1), bad[:1] and (bad[0], a1[bad[0]], a2[bad[0]]))
    check(sum(rc == 0 for rc, _ in a1.values()) > len(a1) * 3 // 4,
          "most questions answered (others ask of cells not alive)",
          [k for k, v in a1.items() if v[0] != 0])

    # --replace replaces the periods (no duplicate, nothing left over)
    rc, _, err = run("--db", db2, "--quiet", "import", good, "--replace")
    check(rc == 0, "--replace with periods", err)
    check(export_files(db2, os.path.join(tmp, "e3")) == e1,
          "--replace gives the same store")
    nop = os.path.join(tmp, "noperiods")
    write(nop, members=MEMBERS.replace("2015-03-02,2016-03-02",
                                       "2002-05-19,2003-05-19")
          .replace("2020-06-01,,probationary", "1995-01-01,,probationary"),
          placements=PLACEMENTS.replace("1,4,2015-03-02,",
                                        "1,4,2002-05-19,")
          .replace("3,6,2020-06-01,", "3,5,1995-01-01,2005-06-01\n3,6,2020-06-01,"),
          periods=None, period_placements=None)
    rc, _, err = run("--db", db2, "--quiet", "import", nop, "--replace")
    check(rc == 0, "--replace by a dataset without periods", err)
    e4 = export_files(db2, os.path.join(tmp, "e4"))
    check(e4.get("periods.csv") == PERIODS.split("\n")[0].encode() + b"\n",
          "the earlier periods are gone", e4.get("periods.csv"))
    rc, m = ask(db2, "member", "1")
    check(m and "periods" not in m, "one period left", m)

    # readmission stays allowed once, and party age counts from the first
    # admission minus the time out of the Party
    rc, out, err = run("--db", db, "op", "leave", "1", "--effective",
                       "2024-06-01", "--json")
    check(rc == 0, "op leave after the import", err)
    rc, out, err = run("--db", db, "op", "readmit", "1", "--to", "4",
                       "--approval", "QĐ 1/2026", "--effective", "2026-01-05")
    check(rc == 1 and "một lần" in err,
          "an imported readmission counts: readmitted only once", err)
    rc, out, err = run("--db", db, "history", "3", "--on", "2024-01-01")
    h = json.loads(out) if rc == 0 else {}
    check(h.get("party_age_from") == "1995-01-01" and
          h.get("gap_days") == 5479,  # 2005-06-01 to 2020-06-01
          "party age from the first admission, minus the gap", out + err)
    return db


def bad_cases():
    P, Q, M, L = PERIODS, PERIOD_PLACEMENTS, MEMBERS, PLACEMENTS
    return [
        # periods.csv
        ({"periods": replace_line(P, 2, "1,2002-13-19,2003-05-19,left,2010-01-01")},
         "periods.csv:2: admitted_on"),
        ({"periods": replace_line(P, 2, "1,2002-05-19,2003-05-19,official,2010-01-01")},
         "periods.csv:2: status"),
        ({"periods": replace_line(P, 2, "1,2002-05-19,2003-05-19,deceased,2010-01-01")},
         "periods.csv:2: status"),
        ({"periods": replace_line(P, 2, "1,2002-05-19,2003-05-19,left,")},
         "periods.csv:2: ended_on"),
        ({"periods": replace_line(P, 2, "1,2002-05-19,2003-05-19,left,2010-01-32")},
         "periods.csv:2: ended_on"),
        ({"periods": replace_line(P, 2, "1,2002-05-19,2003-05-19,left,2016-01-01")},
         "periods.csv:2: ended_on"),   # overlaps the current period
        ({"periods": replace_line(P, 2, "1,2002-05-19,2003-01-01,left,2010-01-01")},
         "periods.csv:2: official_on"),  # probation shorter than a year
        ({"periods": replace_line(P, 2, "1,2002-05-19,2011-01-01,left,2010-01-01")},
         "periods.csv:2: ended_on"),   # official after the end
        ({"periods": replace_line(P, 2, "1,2010-01-01,,left,2009-01-01")},
         "periods.csv:2: ended_on"),
        ({"periods": replace_line(P, 2, "1,1997-01-01,,left,2010-01-01")},
         "periods.csv:2: admitted_on"),  # 16 years old
        ({"periods": P + "1,2011-01-01,,left,2012-01-01\n"},
         "periods.csv:4: member_id"),  # readmitted once only
        ({"periods": P + "3,1990-01-01,,left,1994-01-01\n"},
         "periods.csv:4: member_id"),  # ... whatever the order
        ({"periods": P + "99,2002-05-19,,left,2010-01-01\n"},
         "periods.csv:4: member_id"),
        ({"periods": replace_line(P, 2, "7,2002-05-19,,left,2010-01-01")},
         "periods.csv:2: member_id"),  # a typo: 1's placements not blamed
        ({"periods": replace_line(P, 2, "x1,2002-05-19,2003-05-19,left,2010-01-01")},
         "periods.csv:2: member_id"),
        ({"periods": replace_line(P, 2, '1,"2002-05-19,2003-05-19,left,2010-01-01')},
         "periods.csv:2: -"),
        ({"periods": replace_line(P, 1, "member_id,admitted_on,official_on,ended_on")},
         "periods.csv:1: status"),
        # period_placements.csv
        ({"period_placements": replace_line(Q, 3, "1,4,2008-01-01,2011-01-01")},
         "period_placements.csv:3: valid_to"),
        ({"period_placements": replace_line(Q, 3, "1,4,2008-01-01,")},
         "period_placements.csv:3: valid_to"),
        ({"period_placements": replace_line(Q, 3, "1,4,2010-06-01,2011-01-01")},
         "period_placements.csv:3: valid_from"),  # in the gap
        ({"period_placements": replace_line(Q, 3, "1,4,2007-01-01,2010-01-01")},
         "period_placements.csv:3: valid_from"),  # overlap
        ({"period_placements": replace_line(Q, 3, "1,3,2008-01-01,2010-01-01")},
         "period_placements.csv:3: org_id"),  # not a cell
        ({"period_placements": replace_line(Q, 4, "3,6,1995-01-01,2005-06-01")},
         "period_placements.csv:4: org_id"),  # cell not yet founded
        ({"period_placements": replace_line(Q, 4, "3,77,1995-01-01,2005-06-01")},
         "period_placements.csv:4: org_id"),
        ({"period_placements": Q + "99,4,2000-01-01,2001-01-01\n"},
         "period_placements.csv:5: member_id"),
        ({"period_placements": replace_line(Q, 4, "3,5,1995-01-01,1994-01-01")},
         "period_placements.csv:4: valid_to"),
        ({"period_placements": drop_line(Q, 4)},
         "periods.csv:3: member_id"),  # a period placed nowhere
        # placements.csv: a row of an earlier period is pointed elsewhere
        ({"placements": L + "1,4,2010-06-01,2011-01-01\n"},
         "placements.csv:5: valid_from"),
        ({"placements": L + "1,4,2009-01-01,2010-01-01\n"},
         "placements.csv:5: valid_from"),
        # a bad members.csv row: its periods are not checked against it
        ({"members": replace_line(M, 2, M.split("\n")[1].replace(",F,", ",Q,"))},
         "members.csv:2: sex"),
    ]


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-imp-periods-")
    try:
        db = good_dataset(tmp)
        # the failures run against a store with the good data
        good = os.path.join(tmp, "good")
        db = backend.store(tmp, "f.db")
        run("--db", db, "--quiet", "import", good)
        before = export_files(db, os.path.join(tmp, "before"))
        for i, (files, expect) in enumerate(bad_cases()):
            d = os.path.join(tmp, "bad%d" % i)
            write(d, **files)
            rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
            lines = [x for x in err.splitlines()
                     if x and not x.startswith("hoso:")]
            ok = rc == 1 and len(lines) == 1 and \
                lines[0].startswith(expect + ": ")
            check(ok, "bad row %s" % expect, "rc=%d stderr=%r" % (rc, err))
            after = export_files(db, os.path.join(tmp, "after"))
            check(after == before, "store unchanged after %s" % expect)

        # the hint names the right file
        d = os.path.join(tmp, "hint")
        write(d, placements=PLACEMENTS + "1,4,2009-01-01,2010-01-01\n")
        rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
        check("period_placements.csv" in err.split("placements.csv:5:")[-1],
              "a period's placement in placements.csv: told where it goes",
              err)
        # English messages
        d = os.path.join(tmp, "en")
        write(d, periods=replace_line(PERIODS, 2,
                                      "1,2002-05-19,2003-05-19,left,2016-01-01"))
        rc, _, err = run("--db", db, "--quiet", "--lang", "en", "import", d,
                         "--replace")
        check(rc == 1 and "must not be later than the readmission on "
              "2015-03-02" in err, "--lang en messages", err)
        rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
        check(rc == 1 and "kết nạp lại 2015-03-02" in err,
              "Vietnamese messages", err)
        # several bad rows: one line each, in file and line order
        d = os.path.join(tmp, "many")
        write(d, members=replace_line(MEMBERS, 3, MEMBERS.split("\n")[2]
                                      .replace(",Tày,", ",Klingon,")),
              periods=replace_line(PERIODS, 2,
                                   "1,2002-05-19,2003-05-19,official,2010-01-01"),
              period_placements=replace_line(PERIOD_PLACEMENTS, 4,
                                             "3,3,1995-01-01,2005-06-01"))
        rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
        got = [": ".join(x.split(": ")[:2]) for x in err.splitlines()
               if not x.startswith("hoso:")]
        check(rc == 1 and got == ["members.csv:3: ethnicity",
                                  "periods.csv:2: status",
                                  "period_placements.csv:4: org_id"],
              "every bad row listed in file order, no cascade", got)
        # period placements without periods.csv: each row is unattached
        d = os.path.join(tmp, "noperiodsfile")
        write(d, periods=None)
        rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
        got = [x.split(": ")[0] for x in err.splitlines()
               if not x.startswith("hoso:")]
        check(rc == 1 and got == ["period_placements.csv:%d" % i
                                  for i in (2, 3, 4)],
              "period placements need their periods", err)
        check(export_files(db, os.path.join(tmp, "after")) == before,
              "store unchanged after all of them")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
