#!/usr/bin/env python3
"""Import: every kind of bad row gives exactly one line `file:line: column:
reason`, exit status 1, and leaves the store exactly as it was. Also NFD
input stored as NFC, quoted fields with line breaks, --replace, --lang en,
and export | import | export byte-identical.

Usage: import_errors.py HOSO_BIN
"""
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


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, detail)


ORGS = """id,parent_id,kind,code,name,valid_from,valid_to
1,,party,TW,Ban Chấp hành Trung ương Đảng,,
2,1,province,T01,Thành ủy Hà Nội,,
3,2,grassroots,T01.G1,Đảng bộ Công ty Điện lực,,
4,3,cell,T01.G1.C1,Chi bộ Phòng Kỹ thuật,,
5,3,cell,T01.G1.C2,"Chi bộ Phòng Tổ chức, Hành chính",,2020-01-01
6,2,grassroots_cell,T01.G2,Chi bộ cơ sở Trường Tiểu học Kim Liên,2012-01-01,
"""

MEMBERS = """id,card_no,full_name,sex,birth_date,ethnicity,religion,hometown,education,expertise,theory_level,admitted_on,official_on,status,ended_on,org_id
1,10000001,Nguyễn Thị Hồng,F,1980-02-29,Kinh,,Hà Nội,12/12,bachelor,intermediate,2005-03-02,2006-03-02,official,,4
2,10000002,Trần Văn An,M,1975-06-01,Tày,Phật giáo,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,,4
3,,Lê Thị Mai,F,2000-05-05,Kinh,,,12/12,,,2025-01-15,,probationary,,6
4,10000004,Phạm Quốc Bảo,M,1950-01-01,Mường,,Hòa Bình,10/10,none,elementary,1972-05-19,1973-05-19,deceased,2019-07-01,5
"""

PLACEMENTS = """member_id,org_id,valid_from,valid_to
1,5,2005-03-02,2015-06-01
1,4,2015-06-01,
2,4,2000-01-10,
3,6,2025-01-15,
4,5,1972-05-19,2019-07-01
"""


def write(d, orgs=ORGS, members=MEMBERS, placements=PLACEMENTS):
    os.makedirs(d, exist_ok=True)
    for name, text in (("orgs.csv", orgs), ("members.csv", members),
                       ("placements.csv", placements)):
        path = os.path.join(d, name)
        if text is None:
            if os.path.exists(path):
                os.remove(path)
            continue
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)


def run(*args, inp=None):
    p = subprocess.run([HOSO, *args], capture_output=True, text=True, input=inp)
    return p.returncode, p.stdout, p.stderr


def export_text(db, tmp):
    out = os.path.join(tmp, "exp")
    shutil.rmtree(out, ignore_errors=True)
    rc, _, err = run("--db", db, "export", out)
    if rc != 0:
        return "export failed: " + err
    return "".join(open(os.path.join(out, f), encoding="utf-8").read()
                   for f in ("orgs.csv", "members.csv", "placements.csv"))


def replace_line(text, lineno, new):
    lines = text.split("\n")
    lines[lineno - 1] = new
    return "\n".join(lines)


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-imp-")
    try:
        good = os.path.join(tmp, "good")
        write(good)
        db = backend.store(tmp, "s.db")
        rc, _, err = run("--db", db, "--quiet", "import", good)
        check(rc == 0, "valid dataset imports", err)
        before = export_text(db, tmp)

        # (file, mutated text builder, expected "file:line: column")
        cases = [
            ("orgs", replace_line(ORGS, 3, "2,1,province,T01,,,"), "orgs.csv:3: name"),
            ("orgs", replace_line(ORGS, 4, "3,2,grassroots,T01.G1,Đảng bộ X,2015-01-01,2014-01-01"), "orgs.csv:4: valid_to"),
            ("orgs", replace_line(ORGS, 4, "3,2,planet,T01.G1,Đảng bộ X,,"), "orgs.csv:4: kind"),
            ("orgs", replace_line(ORGS, 5, "4,2,cell,T01.G1.C1,Chi bộ dưới tỉnh,,"), "orgs.csv:5: parent_id"),
            ("orgs", replace_line(ORGS, 5, "4,77,cell,T01.G1.C1,Chi bộ mồ côi,,"), "orgs.csv:5: parent_id"),
            ("orgs", replace_line(ORGS, 7, "6,2,grassroots_cell,T01.G1,Chi bộ trùng mã,2012-01-01,"), "orgs.csv:7: code"),
            ("orgs", ORGS + "4,3,cell,T01.G1.C9,Chi bộ chồng thời gian,2019-01-01,\n", "orgs.csv:8: valid_from"),
            ("orgs", replace_line(ORGS, 5, "4,3,cell,T01.G1.C1,Chi bộ sống lâu hơn cấp trên,,") .replace("3,2,grassroots,T01.G1,Đảng bộ Công ty Điện lực,,", "3,2,grassroots,T01.G1,Đảng bộ Công ty Điện lực,,2030-01-01"), "orgs.csv:5: parent_id"),
            ("orgs", replace_line(ORGS, 2, "1,2,party,TW,Ban Chấp hành Trung ương Đảng,,"), "orgs.csv:2: parent_id"),
            ("orgs", replace_line(ORGS, 4, "x3,2,grassroots,T01.G1,Đảng bộ,,"), "orgs.csv:4: id"),
            ("members", replace_line(MEMBERS, 2, "1,10000001,Nguyễn Thị Hồng,F,1980-02-30,Kinh,,Hà Nội,12/12,bachelor,intermediate,2005-03-02,2006-03-02,official,,4"), "members.csv:2: birth_date"),
            ("members", replace_line(MEMBERS, 3, "2,10000001,Trần Văn An,M,1975-06-01,Tày,,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,,4"), "members.csv:3: card_no"),
            ("members", replace_line(MEMBERS, 3, "2,10000002,Trần Văn An,M,1975-06-01,Tày,,Cao Bằng,12/12,master,advanced,2000-01-10,,official,,4"), "members.csv:3: official_on"),
            ("members", replace_line(MEMBERS, 4, "3,,Lê Thị Mai,F,2000-05-05,Kinh,,,12/12,,,2025-01-15,2026-02-01,probationary,,6"), "members.csv:4: official_on"),
            ("members", replace_line(MEMBERS, 5, "4,10000004,Phạm Quốc Bảo,M,1950-01-01,Mường,,Hòa Bình,10/10,none,elementary,1972-05-19,1973-05-19,deceased,,5"), "members.csv:5: ended_on"),
            ("members", replace_line(MEMBERS, 3, "2,10000002,Trần Văn An,M,1975-06-01,Tày,,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,2010-01-01,4"), "members.csv:3: ended_on"),
            ("members", replace_line(MEMBERS, 3, "2,10000002,Trần Văn An,M,1975-06-01,Tày,,Cao Bằng,12/12,master,professor,2000-01-10,2001-01-10,official,,4"), "members.csv:3: theory_level"),
            ("members", replace_line(MEMBERS, 3, "2,10000002,Trần Văn An,M,1975-06-01,Tày,,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,,3"), "members.csv:3: org_id"),
            ("members", MEMBERS + "1,10000009,Trần Văn Bình,M,1975-06-01,Tày,,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,,4\n", "members.csv:6: id"),
            ("members", replace_line(MEMBERS, 3, "2,10000002,,M,1975-06-01,Tày,,Cao Bằng,12/12,master,advanced,2000-01-10,2001-01-10,official,,4"), "members.csv:3: full_name"),
            ("members", replace_line(MEMBERS, 3, '2,10000002,"Trần Văn An,M,1975-06-01'), "members.csv:3: -"),
            ("placements", replace_line(PLACEMENTS, 3, "1,4,2015-05-01,"), "placements.csv:3: valid_from"),
            ("placements", replace_line(PLACEMENTS, 2, "1,5,2004-03-02,2015-06-01"), "placements.csv:2: valid_from"),
            ("placements", replace_line(PLACEMENTS, 6, "4,5,1972-05-19,"), "placements.csv:6: valid_to"),
            ("placements", replace_line(PLACEMENTS, 5, "3,5,2025-01-15,"), "placements.csv:5: org_id"),
            ("placements", replace_line(PLACEMENTS, 5, "3,3,2025-01-15,"), "placements.csv:5: org_id"),
            ("placements", replace_line(PLACEMENTS, 4, "2,6,2000-01-10,"), "placements.csv:4: org_id"),
            ("placements", replace_line(PLACEMENTS, 3, "1,6,2015-06-01,"), "placements.csv:3: org_id"),
            ("placements", replace_line(PLACEMENTS, 4, "99,4,2000-01-10,"), "placements.csv:4: member_id"),
        ]
        for i, (which, text, expect) in enumerate(cases):
            d = os.path.join(tmp, "bad%d" % i)
            kw = {which: text}
            write(d, **kw)
            rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
            lines = [l for l in err.splitlines() if l and not l.startswith("hoso:")]
            ok = rc == 1 and len(lines) == 1 and lines[0].startswith(expect + ": ")
            check(ok, "bad row %s" % expect, "rc=%d stderr=%r" % (rc, err))
            check(export_text(db, tmp) == before, "store unchanged after %s" % expect)

        # invalid UTF-8 in a name is a row error, not a crash
        d = os.path.join(tmp, "badutf8")
        write(d)
        with open(os.path.join(d, "members.csv"), "ab") as f:
            f.write(b"5,10000005,Nguy\xe1\xbb\x85n \xff\xfe,M,1980-01-01,Kinh,,,12/12,,,2005-01-01,2006-01-01,official,,4\n")
        rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
        check(rc == 1 and "members.csv:6: full_name" in err, "invalid UTF-8 is a row error", err)

        # several bad rows: one line each, in file and line order
        d = os.path.join(tmp, "many")
        m = replace_line(MEMBERS, 2, MEMBERS.split("\n")[1].replace(",F,", ",Q,"))
        m = replace_line(m, 4, m.split("\n")[3].replace("Kinh", "Klingon"))
        write(d, orgs=replace_line(ORGS, 3, "2,1,province,T01,,,"), members=m)
        rc, _, err = run("--db", db, "--quiet", "import", d, "--replace")
        lines = [l.split(": ")[0] + ": " + l.split(": ")[1] for l in err.splitlines() if not l.startswith("hoso:")]
        check(rc == 1 and lines == ["orgs.csv:3: name", "members.csv:2: sex", "members.csv:4: ethnicity"],
              "every bad row listed in order", repr(lines))

        # English messages
        rc, _, err = run("--db", db, "--quiet", "--lang", "en", "import", os.path.join(tmp, "bad0"), "--replace")
        check(rc == 1 and "the name is required" in err, "--lang en messages", err)

        # a non-empty store is refused without --replace, and kept
        rc, _, err = run("--db", db, "--quiet", "import", good)
        check(rc == 2 and "--replace" in err, "non-empty store refused", err)
        check(export_text(db, tmp) == before, "store unchanged after refusal")

        # a failed import into a new store leaves no file behind
        newdb = backend.store(tmp, "new.db")
        rc, _, _ = run("--db", newdb, "--quiet", "import", os.path.join(tmp, "bad0"))
        check(rc == 1 and backend.vacant(newdb), "no store (file, or rows) after a rejected first import")

        # NFD input and old tone placement: stored NFC, found by search
        d = os.path.join(tmp, "nfd")
        nfd_members = MEMBERS.replace("Nguyễn Thị Hồng", unicodedata.normalize("NFD", "Nguyễn Thị Hồng"))
        nfd_members = nfd_members.replace("Hòa Bình", "Hoà Bình").replace(",Tày,", ",tày,")
        write(d, members=nfd_members)
        db2 = backend.store(tmp, "nfd.db")
        rc, _, err = run("--db", db2, "--quiet", "import", d)
        check(rc == 0, "NFD dataset imports", err)
        rc, out, _ = run("--db", db2, "member", "1", "--json")
        check('"Nguyễn Thị Hồng"' in out and unicodedata.is_normalized("NFC", out), "NFD name stored as NFC", out)
        rc, out, _ = run("--db", db2, "member", "4", "--json")
        check('"hometown": "Hòa Bình"' in out.replace('":"', '": "'), "old tone placement matched to the list", out)
        rc, out, _ = run("--db", db2, "search", "nguyen thi h", "--on", "2020-01-01", "--json")
        check('"total": 1' in out.replace('":', '": ').replace(":  ", ": "), "NFD name found by folded search", out)

        # no placements.csv: members placed in org_id over their membership
        d = os.path.join(tmp, "nopl")
        write(d, placements=None)
        db3 = backend.store(tmp, "nopl.db")
        rc, _, err = run("--db", db3, "--quiet", "import", d)
        check(rc == 0, "dataset without placements.csv imports", err)
        rc, out, _ = run("--db", db3, "count", "4", "--on", "2010-01-01", "--json")
        check('"count":2' in out.replace(" ", ""), "placement synthesized from org_id", out)

        # export | import | export is byte-identical
        e1 = os.path.join(tmp, "e1")
        e2 = os.path.join(tmp, "e2")
        run("--db", db, "export", e1)
        db4 = backend.store(tmp, "rt.db")
        rc, _, err = run("--db", db4, "--quiet", "import", e1)
        run("--db", db4, "export", e2)
        same = all(open(os.path.join(e1, f), "rb").read() == open(os.path.join(e2, f), "rb").read()
                   for f in ("orgs.csv", "members.csv", "placements.csv"))
        check(rc == 0 and same, "export | import | export byte-identical", err)
        # the quoted name with a comma survives
        check('"Chi bộ Phòng Tổ chức, Hành chính"' in open(os.path.join(e1, "orgs.csv"), encoding="utf-8").read(),
              "quoted field round trip")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
