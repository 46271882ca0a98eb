#!/usr/bin/env python3
"""Black-box test of the organisation operations (hoso op org-*, hoso reorg,
and their HTTP routes) on generated data (`hoso generate --scale tiny --seed 1`).

- every operation's happy path, then `hoso check` (read model == SQL);
- the answers to Q1-Q5 around every version boundary (backdated operations
  included) against the plain-SQL oracle, from a fresh process and from a
  `hoso batch` that applied the operations to its loaded read model;
- every rule violated: exit 1, a Vietnamese message naming the rule, nothing
  written; undo by a compensating operation; the operations rows (audit);
- the 2025 reorganisation replayed from examples/reorg-2025 (dry run first):
  31 December 2018 answers unchanged, today's tree = the generated one;
- plans are all or nothing; the same operations through the API give the
  same store as through the CLI; scopes are enforced.

usage: orgops.py [HOSO_BIN]; prints `N passed, N failed` last.
"""
import sys as _sys
_sys.dont_write_bytecode = True
import datetime
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import backend  # noqa: E402  (SQLite file or PostgreSQL database)
import oracle  # noqa: E402
import crosscheck  # noqa: E402
from conformance import REPO, Report, check_answer  # noqa: E402

HOSO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "hoso"))
EXAMPLE = os.path.join(REPO, "examples", "reorg-2025")
rep = Report()
ENV = dict(os.environ, USER="tester", LC_ALL="C.UTF-8")


def run(db, *args, stdin=None):
    p = subprocess.run([HOSO, "--db", db] + list(args), input=stdin, capture_output=True,
                       text=True, env=ENV, timeout=300)
    return p.returncode, p.stdout, p.stderr


def batch(db, argvs):
    data = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in argvs)
    code, out, err = run(db, "--quiet", "batch", stdin=data)
    res = [json.loads(line) for line in out.splitlines() if line.strip()]
    while len(res) < len(argvs):
        res.append(None)
    return res


def snapshot(db):
    """What an operation may change, as sets of rows."""
    c = backend.connect(db)
    try:
        return (sorted(c.execute("SELECT * FROM org_versions").fetchall(), key=repr),
                sorted(c.execute("SELECT * FROM placements").fetchall(), key=repr),
                sorted(c.execute("SELECT id, org_id FROM members").fetchall()),
                c.execute("SELECT count(*) FROM operations").fetchone()[0])
    finally:
        c.close()


def nfc_lines(path):
    with open(path, encoding="utf-8") as f:
        return sorted(unicodedata.normalize("NFC", line) for line in f)


def nfd(s):
    return unicodedata.normalize("NFD", s)


# ---- the operations, as CLI argv and as HTTP requests -----------------------
# (CLI argv after "op", HTTP path, HTTP body); ids of tiny seed 1.
SPLIT_MEMBERS = "64;484"  # placed in 99 on 2021-06-01 (64 after op 5)
OPS = [
    (["org-rename", "26", "--name", nfd("Chi bộ Phòng Nội vụ Minh Hội (mới)"),
      "--effective", "2016-05-01", "--reason", nfd("Đổi tên theo quyết định 12")],
     "/api/v1/orgs/26/rename",
     {"name": nfd("Chi bộ Phòng Nội vụ Minh Hội (mới)"), "effective": "2016-05-01",
      "reason": nfd("Đổi tên theo quyết định 12")}),
    (["org-recode", "92", "--code", "T01.X92", "--effective", "2019-01-01"],
     "/api/v1/orgs/92/recode", {"code": "T01.X92", "effective": "2019-01-01"}),
    (["org-move", "104", "--parent", "27", "--effective", "2017-03-01"],
     "/api/v1/orgs/104/move", {"parent": 27, "effective": "2017-03-01"}),
    (["org-merge", "82", "T01.H4.G1.C3", "--into", "92", "--effective", "2019-03-01",
      "--reason", "Hợp nhất chi bộ"],
     "/api/v1/orgs/92/merge", {"from": "82;T01.H4.G1.C3", "effective": "2019-03-01",
                               "reason": "Hợp nhất chi bộ"}),
    (["org-dissolve", "96", "--members-to", "99", "--effective", "2020-01-01"],
     "/api/v1/orgs/96/dissolve", {"members_to": 99, "effective": "2020-01-01"}),
    (["org-split", "99", "--name", "Chi bộ Tách", "--code", "T01.NEW1", "--members",
      SPLIT_MEMBERS, "--effective", "2021-06-01"],
     "/api/v1/orgs/99/split", {"name": "Chi bộ Tách", "code": "T01.NEW1",
                               "members": SPLIT_MEMBERS, "effective": "2021-06-01"}),
    (["org-create", "--parent", "27", "--kind", "cell", "--name", "Chi bộ Mới",
      "--code", "T01.NEW2", "--effective", "2022-02-02"],
     "/api/v1/orgs", {"parent": 27, "kind": "cell", "name": "Chi bộ Mới",
                      "code": "T01.NEW2", "effective": "2022-02-02"}),
    (["org-kind", "26", "--kind", "cell", "--parent", "30", "--effective", "2023-01-01"],
     "/api/v1/orgs/26/kind", {"kind": "cell", "parent": 30, "effective": "2023-01-01"}),
    (["org-dissolve", "78", "--children-to", "27", "--effective", "2024-05-01"],
     "/api/v1/orgs/78/dissolve", {"children_to": 27, "effective": "2024-05-01"}),
    (["org-undo", "8"],  # the create (import is operation 1)
     "/api/v1/org-operations/8/undo", {}),
]

# rule violations on the store after OPS: (argv, rule tag in the message)
BAD = [
    (["org-move", "99", "--parent", "2", "--effective", "2020-06-01"], "[đúng-cấp]"),
    (["org-move", "27", "--parent", "18", "--effective", "2025-08-01"], "[cấp-trên-tồn-tại]"),
    (["org-recode", "99", "--code", "T01.X92", "--effective", "2020-06-01"], "[mã-duy-nhất]"),
    (["org-kind", "99", "--kind", "sub_committee", "--effective", "2020-06-01"], "[chỉ-chi-bộ]"),
    (["org-rename", "96", "--name", "X", "--effective", "2021-01-01"], "[tồn-tại-ngày-D]"),
    (["org-dissolve", "27", "--children-to", "30", "--effective", "2024-01-01"], "[phiên-bản-sau]"),
    (["org-dissolve", "99", "--effective", "2024-01-01"], "[chuyển-trước]"),
    (["org-dissolve", "27", "--effective", "2025-09-01"], "[chuyển-trước]"),
    (["org-merge", "99", "--into", "27", "--effective", "2024-01-01"], "[chỉ-chi-bộ]"),
    (["org-undo", "8"], "đã được hoàn tác"),
    (["org-undo", "6"], "[phiên-bản-sau]"),  # dissolve 96: member 64 moved later
    (["org-undo", "1"], "không phải nghiệp vụ tổ chức"),
    (["org-rename", "99", "--name", "NAME_OF_99", "--effective", "2020-06-01"],
     "không có gì thay đổi"),
]


def part_ops(tmp, base, data):
    """Every operation through the CLI, checked after each, then Q1-Q5."""
    a = backend.copy(base, tmp, "a.db")
    results = []
    for argv, _, _ in OPS:
        code, out, err = run(a, "op", *argv, "--json")
        ok = rep.ok(code == 0, "op %s" % " ".join(argv[:2]), err.strip()[-500:])
        res = json.loads(out) if ok else {}
        results.append(res)
        if ok:
            rep.ok(isinstance(res.get("seq"), int) and res.get("effective"),
                   "op %s: result names seq and day" % argv[0], out[:300])
        code, out, err = run(a, "check")
        rep.ok(code == 0, "check after %s" % " ".join(argv[:2]), out[-500:] + err[-300:])
    # specific effects
    c = backend.connect(a)
    name = c.execute("SELECT name FROM org_versions WHERE id = 26 AND valid_from = '2016-05-01'").fetchone()
    rep.ok(name and name[0] == unicodedata.normalize("NFC", "Chi bộ Phòng Nội vụ Minh Hội (mới)"),
           "rename stored in NFC from NFD input", repr(name))
    rep.ok(c.execute("SELECT count(*) FROM org_versions WHERE id IN (82, 85)"
                     " AND (valid_to IS NULL OR valid_to > '2019-03-01')").fetchone()[0] == 0,
           "merged units end on the merge day")
    rep.ok(c.execute("SELECT count(*) FROM placements WHERE org_id IN (82, 85)"
                     " AND (valid_to IS NULL OR valid_to > '2019-03-01')").fetchone()[0] == 0,
           "members of merged cells placed elsewhere from the merge day")
    rep.ok(results[3].get("members_moved", 0) > 0, "merge moved members", json.dumps(results[3]))
    new = results[5].get("created")
    rep.ok(new and c.execute("SELECT count(*) FROM placements WHERE org_id = ? AND"
                             " valid_from = '2021-06-01'", (new,)).fetchone()[0] == 2,
           "split: the two members are placed in the new unit", json.dumps(results[5]))
    rep.ok(c.execute("SELECT count(*) FROM org_versions WHERE id = ?",
                     (results[6].get("created"),)).fetchone()[0] == 0,
           "undo of a create removes the unit")
    row = c.execute("SELECT kind, actor, source, entered_at, effective_on, payload, reason"
                    " FROM operations WHERE kind = 'org-merge'").fetchone()
    rep.ok(row and row[1] == "tester" and row[2] == "cli" and row[4] == "2019-03-01"
           and row[6] == "Hợp nhất chi bộ" and row[3][:2] == "20",
           "operations row of the merge: actor, source, entered_at, effective_on, reason", repr(row))
    if row:
        p = json.loads(row[5])
        rep.ok(p.get("action") == "merge" and {o["id"] for o in p["orgs"]} >= {82, 85}
               and all("before" in o and "after" in o for o in p["orgs"]) and p["members"],
               "merge payload lists every change before and after", row[5][:300])
    rep.ok(any("cần ít nhất 3" in w for r in results for w in r.get("warnings", [])),
           "a cell with fewer than 3 official members is warned about",
           json.dumps([r.get("warnings") for r in results], ensure_ascii=False)[:500])
    c.close()
    # Q1-Q5 against the oracle: fresh process, and the batch that applied
    # the operations to its loaded read model
    exp = os.path.join(tmp, "exp-a")
    code, out, err = run(a, "export", exp)
    rep.ok(code == 0, "export after ops", err[-300:])
    db = oracle.load(exp)
    qs = crosscheck.questions(db, random.Random(7), 0.5)
    b = backend.copy(base, tmp, "b.db")
    ans_b = batch(b, [["op"] + argv for argv, _, _ in OPS] + qs)
    rep.ok(all(x and x.get("exit") == 0 for x in ans_b[:len(OPS)]),
           "the operations through hoso batch", json.dumps(ans_b[:len(OPS)], ensure_ascii=False)[:600])
    ans_b = ans_b[len(OPS):]
    ans_a = batch(a, qs)
    bad_a = bad_b = 0
    for q, x, y in zip(qs, ans_a, ans_b):
        ee, expected = oracle.answer(db, q)
        for label, got in (("fresh", x), ("updated", y)):
            r0 = rep.failed
            check_answer(rep, "%s read model: hoso %s" % (label, " ".join(q)), ee, expected,
                         got and got.get("exit"), got and got.get("result", got.get("error")))
            if rep.failed > r0:
                if label == "fresh":
                    bad_a += 1
                else:
                    bad_b += 1
    print("Q1-Q5 vs oracle: %d questions, %d / %d mismatches" % (len(qs), bad_a, bad_b))
    rep.ok(snapshot(a)[:3] == snapshot(b)[:3], "CLI ops and batch ops give the same store")
    return a, exp


def part_rules(a):
    c = backend.connect(a)
    name99 = c.execute("SELECT name FROM org_versions WHERE id = 99 AND coalesce(valid_from, '')"
                       " <= '2020-06-01' AND coalesce(valid_to, '9999') > '2020-06-01'").fetchone()[0]
    c.close()
    for argv, tag in BAD:
        argv = [name99 if x == "NAME_OF_99" else x for x in argv]
        before = snapshot(a)
        code, out, err = run(a, "op", *argv)
        rep.ok(code != 0 and tag in err, "refused with %s: op %s" % (tag, " ".join(argv)),
               "exit %d: %s" % (code, err.strip()[-400:]))
        rep.ok(snapshot(a) == before, "nothing written: op %s" % " ".join(argv))
    # messages in English on request, Vietnamese by default
    code, out, err = run(a, "--lang", "en", "op", *BAD[0][0])
    rep.ok(code == 1 and ("may not sit under" in err or "không được đặt" in err),
           "error message readable", err[-300:])
    # usage errors: exit 2
    code, out, err = run(a, "op", "org-rename", "26")
    rep.ok(code == 2 and ("cách dùng" in err or "thiếu" in err), "usage error", err[-300:])
    code, out, err = run(a, "op", "org-create", "--parent", "27", "--kind", "nope",
                         "--name", "X", "--effective", "2020-01-01")
    rep.ok(code == 2 and "loại tổ chức" in err, "bad kind is a usage error", err[-300:])
    # undo restores exactly, and a compensated operation is not undone twice
    before = snapshot(a)
    code, out, err = run(a, "op", "org-rename", "99", "--name", "Tạm", "--effective", "2012-01-01",
                         "--json")
    seq = json.loads(out)["seq"] if code == 0 else 0
    rep.ok(code == 0, "rename for undo", err)
    code, out, err = run(a, "op", "org-undo", str(seq), "--reason", "nhầm", "--json")
    rep.ok(code == 0, "org-undo", err)
    after = snapshot(a)
    rep.ok(after[:3] == before[:3] and after[3] == before[3] + 2,
           "undo restores every row and is itself an operation")
    code, out, err = run(a, "check")
    rep.ok(code == 0, "check after undo", out[-300:])


def answers(db, qs):
    return [(x or {}).get("result") for x in batch(db, qs)]


def part_replay(tmp, data):
    """examples/reorg-2025 on tiny seed 1."""
    cut = os.path.join(tmp, "cut")
    plan = os.path.join(tmp, "plan.csv")
    p = subprocess.run([sys.executable, os.path.join(EXAMPLE, "make_plan.py"), data, cut, plan],
                       capture_output=True, text=True)
    rep.ok(p.returncode == 0, "make_plan.py", p.stderr[-300:])
    with open(plan, encoding="utf-8") as f1, \
            open(os.path.join(EXAMPLE, "plan.csv"), encoding="utf-8") as f2:
        rep.ok(f1.read() == f2.read(), "examples/reorg-2025/plan.csv is the plan of tiny seed 1")
    s = backend.store(tmp, "replay.db")
    code, out, err = run(s, "import", cut)
    rep.ok(code == 0, "import the cut dataset", err[-300:])
    odb = oracle.load(cut)
    day = "2018-12-31"
    alive = [r[0] for r in odb.execute(
        "SELECT DISTINCT id FROM org_v WHERE vf <= ? AND ? < vt", (day, day)).fetchall()]
    qs = []
    for o in alive:
        qs += [["count", str(o), "--on", day], ["summary", str(o), "--on", day]]
    qs += [["breakdown", str(o), "--on", day] for o in alive[:40]]
    qs += [["changes", str(o), "--from", "2018-01-01", "--to", "2019-01-01"] for o in alive[:40]]
    before = answers(s, qs)
    snap = snapshot(s)
    code, out, err = run(s, "reorg", plan, "--dry-run")
    rep.ok(code == 0 and "->" in out and "2025-07-01" in out, "reorg --dry-run prints changes and headcounts",
           out[-400:] + err[-400:])
    rep.ok(snapshot(s) == snap, "dry run writes nothing")
    t0 = time.time()
    code, out, err = run(s, "reorg", plan, "--reason", "Nghị quyết 18", "--json")
    rep.ok(code == 0, "reorg plan", err[-500:])
    print("replay of %d plan rows: %.2f s" % (sum(1 for _ in open(plan)) - 1, time.time() - t0))
    res = json.loads(out) if code == 0 else {}
    rep.ok(all(t["before"] == t["after"] for t in res.get("totals", [])) and res.get("totals"),
           "the whole party's headcount is unchanged on every effective day", json.dumps(res.get("totals")))
    after = answers(s, qs)
    diffs = [q for q, x, y in zip(qs, before, after) if x != y]
    rep.ok(not diffs and all(x is not None for x in after),
           "every 2018-12-31 answer unchanged (%d questions)" % len(qs), repr(diffs[:5]))
    code, out, err = run(s, "check")
    rep.ok(code == 0, "check after the replay", out[-300:])
    exp = os.path.join(tmp, "exp-replay")
    run(s, "export", exp)
    rep.ok(nfc_lines(os.path.join(exp, "orgs.csv")) == nfc_lines(os.path.join(data, "orgs.csv")),
           "the replayed tree is the generated one (orgs.csv)")
    full = backend.store(tmp, "full.db")
    run(full, "import", data)
    today = datetime.date.today().isoformat()
    a1 = answers(s, [["summary", "--on", today]])[0]
    a2 = answers(full, [["summary", "--on", today]])[0]
    rep.ok(a1 and a2 and [(r["id"], r["name"]) for r in a1["rows"]] == [(r["id"], r["name"]) for r in a2["rows"]],
           "today's summary shows the new tree", json.dumps(a1, ensure_ascii=False)[:300])
    names = [r["name"] for r in (a1 or {}).get("rows", [])]
    rep.ok(any("Đảng bộ Chính phủ" in n for n in names) and not any("Khối" in n for n in names),
           "today: Đảng bộ Chính phủ present, no bloc committee", repr(names)[:300])
    # all or nothing: a bad last row, a bad row in the middle of a parse
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("action,org,new_parent,new_name,new_code,new_kind,target,effective,reason\n"
                "rename,27,,Đảng bộ Phường A,,,,2025-08-01,x\n"
                "recode,30,,,T01.Z1,,,2025-08-01,x\n"
                "move,99,2,,,,,2025-08-01,x\n")
    snap = snapshot(s)
    code, out, err = run(s, "reorg", bad)
    rep.ok(code == 1 and "dòng 4" in err and "[đúng-cấp]" in err, "a bad row refuses the whole plan",
           err[-300:])
    rep.ok(snapshot(s) == snap, "a refused plan writes nothing")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("action,org,effective\nrename,27,2025-08-01\nexplode,27,2025-08-01\n"
                "move,27,2025-13-01\n")
    code, out, err = run(s, "reorg", bad)
    rep.ok(code == 2 and "3: action" in err and "4: effective" in err,
           "every bad row of a plan is reported with its line", err[-300:])
    rep.ok(snapshot(s) == snap, "a malformed plan writes nothing")


# ---- HTTP --------------------------------------------------------------------
class Server:
    def __init__(self, db):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([HOSO, "--db", db, "serve", "--listen",
                                      "127.0.0.1:%d" % self.port], stderr=self.log, env=ENV)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("hoso serve did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.seek(0)
        log = self.log.read()
        rep.ok("Sanitizer" not in log and "runtime error" not in log,
               "hoso serve ran clean", log[-800:])

    def req(self, method, path, body=None, token=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Authorization": "Bearer " + token} if token else {}
        data = None
        if raw is not None:
            data = raw.encode()
            h["Content-Type"] = "text/csv"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read().decode()
        c.close()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text


def part_api(tmp, base, exp_cli):
    d = backend.copy(base, tmp, "d.db")
    for name, role, org in (("admin", "admin", None), ("org3", "organiser", "3")):
        args = ["user", "add", name, "--role", role] + (["--org", org] if org else [])
        code, out, err = run(d, *args)
        rep.ok(code == 0, "user add " + name, err)
    tok = run(d, "user", "token", "admin")[1].strip()
    tok3 = run(d, "user", "token", "org3")[1].strip()
    srv = Server(d)
    try:
        for argv, path, body in OPS:
            st, js = srv.req("POST", path, body, tok)
            rep.ok(st == 200 and isinstance(js, dict) and "seq" in js,
                   "POST %s" % path, "%s %s" % (st, json.dumps(js, ensure_ascii=False)[:300]))
    finally:
        srv.stop()
    # the same operations through HTTP give the same store as the CLI
    exp = os.path.join(tmp, "exp-d")
    run(d, "export", exp)
    for f in ("orgs.csv", "members.csv", "placements.csv"):
        with open(os.path.join(exp, f), encoding="utf-8") as x, \
                open(os.path.join(exp_cli, f), encoding="utf-8") as y:
            rep.ok(x.read() == y.read(), "API == CLI: %s" % f)
    c = backend.connect(d)
    srcs = {r[0] for r in c.execute("SELECT source FROM operations WHERE kind LIKE 'org-%'")}
    c.close()
    rep.ok(srcs and all(s.startswith("api ") for s in srcs), "API operations record their source",
           repr(srcs))
    srv = Server(d)
    try:
        st, js = srv.req("POST", "/api/v1/orgs/99/move", {"parent": 2, "effective": "2020-06-01"}, tok)
        rep.ok(st == 422 and "[đúng-cấp]" in json.dumps(js, ensure_ascii=False),
               "API refusal names the rule (422)", "%s %s" % (st, js))
        st, js = srv.req("POST", "/api/v1/orgs/26/rename", {"name": "X", "effective": "2020-06-01"}, tok3)
        rep.ok(st == 404, "out of scope: organiser of province 3 cannot rename in province 2", str(st))
        st, js = srv.req("POST", "/api/v1/org-operations/2/undo", {}, tok3)
        rep.ok(st == 403, "undo needs the admin role", str(st))
        plan = ("action,org,new_name,effective\n"
                "rename,27,Đảng bộ phường Phước Hội Mới,2025-09-01\n")
        st, js = srv.req("POST", "/api/v1/reorganisations", token=tok3, raw=plan)
        rep.ok(st == 403, "a plan outside the caller's scope is refused", "%s %s" % (st, js))
        st, js = srv.req("POST", "/api/v1/reorganisations?dry_run=1", token=tok, raw=plan)
        rep.ok(st == 200 and isinstance(js, dict) and js.get("dry_run") is True
               and js["operations"][0]["headcounts"],
               "plan dry run over HTTP", "%s %s" % (st, json.dumps(js, ensure_ascii=False)[:300]))
        st, js2 = srv.req("GET", "/api/v1/orgs/27?on=2025-10-01", token=tok)
        rep.ok(st == 200 and js2.get("name") == "Đảng bộ phường Phước Hội", "dry run changed nothing",
               str(js2)[:200])
        st, js = srv.req("POST", "/api/v1/reorganisations", token=tok, raw=plan)
        rep.ok(st == 200 and isinstance(js, dict) and js.get("dry_run") is False,
               "plan over HTTP", "%s %s" % (st, js))
        st, js2 = srv.req("GET", "/api/v1/orgs/27?on=2025-10-01", token=tok)
        rep.ok(st == 200 and js2.get("name") == "Đảng bộ phường Phước Hội Mới",
               "the plan's change is visible at once", str(js2)[:200])
        st, js = srv.req("POST", "/api/v1/reorganisations", token=tok, raw="action,org\nfoo,1\n")
        rep.ok(st == 400, "malformed plan: 400", "%s %s" % (st, js))
        st, js = srv.req("GET", "/api/v1/audit?limit=100", token=tok)
        acts = {e.get("action") for e in js.get("entries", [])} if isinstance(js, dict) else set()
        rep.ok({"org.rename", "org.merge", "org.undo", "org.reorganise", "org.create", "org.move",
                "org.recode", "org.split", "org.dissolve", "org.kind"} <= acts,
               "audit log holds the org operations", repr(acts))
    finally:
        srv.stop()


def main():
    if not os.path.exists(HOSO):
        print("FAIL: no hoso binary at %s" % HOSO)
        print("0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="hoso-orgops-")
    try:
        data = os.path.join(tmp, "data")
        code, out, err = run(os.path.join(tmp, "x.db"), "generate", "--scale", "tiny", "--seed", "1",
                             "--out", data)
        base = backend.store(tmp, "base.db")
        code2, out, err2 = run(base, "import", data)
        if not rep.ok(code == 0 and code2 == 0, "generate + import", err[-300:] + err2[-300:]):
            raise SystemExit
        a, exp = part_ops(tmp, base, data)
        exp_cli = os.path.join(tmp, "exp-cli")
        shutil.copytree(exp, exp_cli)
        part_api(tmp, base, exp_cli)
        part_rules(a)
        part_replay(tmp, data)
    except SystemExit:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
