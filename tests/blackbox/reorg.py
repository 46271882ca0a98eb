#!/usr/bin/env python3
"""A report for a past day gives the same figures before and after later
reorganisations are recorded.

Takes the conformance dataset (with the 2025 reorganisation), builds the
dataset "as it was known" on a cut day T (versions and placements after T
dropped, open-ended at T), imports it, answers Q1-Q5 for days before T,
then replaces the store with the full history and asks again: every answer
must be identical. Also checks that a backdated transfer (hoso op transfer)
changes the figures from its effective day on, and not before.

Usage: reorg.py HOSO_BIN
"""
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backend  # noqa: E402  (SQLite file or PostgreSQL database)

HOSO = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "conformance", "tiny"))
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, detail[:2000])


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(path, rows, cols):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def cut_dataset(src, dst, T):
    """The dataset as it was known on day T (ISO text compares as dates)."""
    os.makedirs(dst, exist_ok=True)
    orgs = read(os.path.join(src, "orgs.csv"))
    cols = list(orgs[0].keys())
    kept = []
    for o in orgs:
        if o["valid_from"] and o["valid_from"] >= T:
            continue
        if o["valid_to"] and o["valid_to"] > T:
            o["valid_to"] = ""
        kept.append(o)
    write(os.path.join(dst, "orgs.csv"), kept, cols)
    members = read(os.path.join(src, "members.csv"))
    mcols = list(members[0].keys())
    placements = read(os.path.join(src, "placements.csv"))
    pcols = list(placements[0].keys())
    keep_pl = {}
    for p in placements:
        if p["valid_from"] >= T:
            continue
        if p["valid_to"] and p["valid_to"] > T:
            p["valid_to"] = ""
        keep_pl.setdefault(p["member_id"], []).append(p)
    mk = []
    for m in members:
        if m["admitted_on"] >= T:
            keep_pl.pop(m["id"], None)
            continue
        if m["ended_on"] and m["ended_on"] > T:
            m["ended_on"] = ""
            m["status"] = "official" if m["official_on"] else "probationary"
        if m["official_on"] and m["official_on"] > T:
            m["official_on"] = ""
            if m["status"] == "official":
                m["status"] = "probationary"
        pls = sorted(keep_pl.get(m["id"], []), key=lambda p: p["valid_from"])
        if not pls:
            continue
        m["org_id"] = pls[-1]["org_id"]
        mk.append(m)
    ids = {m["id"] for m in mk}
    out_pl = [p for mid in sorted(keep_pl, key=int) if mid in ids for p in keep_pl[mid]]
    write(os.path.join(dst, "members.csv"), mk, mcols)
    write(os.path.join(dst, "placements.csv"), out_pl, pcols)


def batch(db, questions):
    inp = "".join(json.dumps(q) + "\n" for q in questions)
    p = subprocess.run([HOSO, "--db", db, "--quiet", "batch"], input=inp,
                       capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        d = json.loads(line)
        d.pop("ms", None)
        out.append(d)
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-reorg-")
    try:
        T = "2025-01-01"
        cut = os.path.join(tmp, "cut")
        cut_dataset(SHARED, cut, T)
        db = backend.store(tmp, "s.db")
        p = subprocess.run([HOSO, "--db", db, "--quiet", "import", cut], capture_output=True, text=True)
        check(p.returncode == 0, "dataset cut at %s imports" % T, p.stderr)
        orgs = read(os.path.join(SHARED, "orgs.csv"))
        org_ids = sorted({o["id"] for o in orgs}, key=int)
        rnd = random.Random(7)
        days = ["2018-12-31", "2024-12-31", "2019-06-30", "2015-12-31"] + [
            "%d-%02d-%02d" % (rnd.randint(2010, 2024), rnd.randint(1, 12), rnd.randint(1, 28)) for _ in range(6)]
        qs = []
        for d in days:
            qs.append(["summary", "--on", d, "--json"])
            for oid in rnd.sample(org_ids, 25):
                qs.append(["count", oid, "--on", d, "--json"])
                qs.append(["breakdown", oid, "--on", d, "--json"])
            qs.append(["search", "nguyen", "--on", d, "--json", "--limit", "50"])
            qs.append(["search", "tran thi", "--in", "2", "--on", d, "--json"])
        for a, b in [("2018-01-01", "2019-01-01"), ("2010-01-01", "2024-12-31"), ("2020-03-01", "2021-03-01")]:
            for oid in rnd.sample(org_ids, 20):
                qs.append(["changes", oid, "--from", a, "--to", b, "--json"])
        before = batch(db, qs)
        check(len(before) == len(qs), "all questions answered on the cut store")
        p = subprocess.run([HOSO, "--db", db, "--quiet", "import", SHARED, "--replace"], capture_output=True, text=True)
        check(p.returncode == 0, "full history replaces the store", p.stderr)
        after = batch(db, qs)
        diffs = [(q, a, b) for q, a, b in zip(qs, before, after) if a != b]
        check(not diffs, "past-day answers unchanged by the later reorganisation",
              "\n".join("%s\n  before %s\n  after  %s" % (q, a, b) for q, a, b in diffs[:5]))
        check(sum(1 for a in before if a.get("exit") == 0) > len(qs) // 2, "most questions had answers")

        # a backdated transfer: figures change from its effective day only
        members = read(os.path.join(SHARED, "members.csv"))
        orgs_by_id = {}
        for o in orgs:
            orgs_by_id.setdefault(o["id"], []).append(o)
        cells = [o for o in orgs if o["kind"] in ("cell", "grassroots_cell") and not o["valid_to"] and not o["valid_from"]]
        active = [m for m in members if not m["ended_on"] and m["admitted_on"] < "2020-01-01"]
        m = active[0]
        target = next(c for c in cells if c["id"] != m["org_id"])
        eff = "2023-03-15"
        place = batch(db, [["member", m["id"], "--json"]])[0]["result"]["placements"]
        old_org = next(p["org_id"] for p in place if p["valid_from"] <= eff and (p["valid_to"] is None or p["valid_to"] > eff))
        q = [["count", str(old_org), "--on", "2023-03-14", "--json"], ["count", str(old_org), "--on", eff, "--json"],
             ["count", target["id"], "--on", "2023-03-14", "--json"], ["count", target["id"], "--on", eff, "--json"]]
        b0 = batch(db, q)
        p = subprocess.run([HOSO, "--db", db, "op", "transfer", m["id"], "--to", target["id"], "--effective", eff,
                            "--reason", "chuyển sinh hoạt nhập muộn", "--json"], capture_output=True, text=True)
        check(p.returncode == 0 and '"operation"' in p.stdout, "backdated transfer recorded", p.stderr)
        b1 = batch(db, q)
        c = lambda r: r["result"]["count"]
        check(c(b1[0]) == c(b0[0]) and c(b1[2]) == c(b0[2]), "day before the transfer unchanged", repr((b0, b1)))
        check(c(b1[1]) == c(b0[1]) - 1 and c(b1[3]) == c(b0[3]) + 1, "figures move on the effective day", repr((b0, b1)))
        p = subprocess.run([HOSO, "--db", db, "op", "transfer", m["id"], "--to", "1", "--effective", eff],
                           capture_output=True, text=True)
        check(p.returncode == 1 and "chi bộ" in p.stderr, "transfer into a non-cell rejected in Vietnamese", p.stderr)
        p = subprocess.run([HOSO, "--db", db, "check"], capture_output=True, text=True)
        check(p.returncode == 0, "hoso check passes after the operations", p.stdout + p.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
