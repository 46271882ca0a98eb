#!/usr/bin/env python3
"""Builds the 2025 reorganisation example from a generated dataset.

usage: make_plan.py FULL_DATASET_DIR CUT_DIR PLAN.csv [CUT_DAY]

FULL_DATASET_DIR is the output of `hoso generate` (which already holds the
2025 events of spec/domain.md: the bloc committees end on 1 February and new
committees take their units; district committees and 29 provinces end on
1 July and their units move to the remaining provinces). This script writes

- CUT_DIR: the dataset as it was known on CUT_DAY (default 2025-01-01): every
  organisation version, placement and membership change from that day on is
  dropped and what was running is left open;
- PLAN.csv: a reorganisation plan (docs/reorganisation-plan.md) that replays
  every organisation change from CUT_DAY on: creates for the new committees,
  merges for units whose children all go to one unit, moves, renames,
  recodes, kind changes and dissolutions.

Importing CUT_DIR and running `hoso reorg PLAN.csv` gives exactly the
organisation tree of FULL_DATASET_DIR (orgs.csv of `hoso export` is
identical), with the reports for any day before CUT_DAY unchanged.
"""
import csv
import os
import sys

KIND_DEPTH = {"party": 0, "province": 1, "bloc": 2, "upper": 3, "grassroots": 4,
              "grassroots_cell": 4, "sub_committee": 5, "cell": 6}
PLAN_COLS = ["action", "org", "new_parent", "new_name", "new_code", "new_kind",
             "target", "members", "children", "new_id", "effective", "reason"]


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(path, rows, cols):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def cut_dataset(src, dst, cut):
    """The dataset as it was known on day cut (ISO text compares as dates)."""
    os.makedirs(dst, exist_ok=True)
    orgs = read(os.path.join(src, "orgs.csv"))
    kept = []
    for o in orgs:
        if o["valid_from"] and o["valid_from"] >= cut:
            continue
        if o["valid_to"] and o["valid_to"] > cut:
            o = dict(o, valid_to="")
        kept.append(o)
    write(os.path.join(dst, "orgs.csv"), kept, list(orgs[0].keys()))
    members = read(os.path.join(src, "members.csv"))
    placements = read(os.path.join(src, "placements.csv"))
    keep_pl = {}
    for p in placements:
        if p["valid_from"] >= cut:
            continue
        if p["valid_to"] and p["valid_to"] > cut:
            p = dict(p, valid_to="")
        keep_pl.setdefault(p["member_id"], []).append(p)
    mk = []
    for m in members:
        if m["admitted_on"] >= cut:
            keep_pl.pop(m["id"], None)
            continue
        m = dict(m)
        if m["ended_on"] and m["ended_on"] > cut:
            m["ended_on"] = ""
            m["status"] = "official" if m["official_on"] else "probationary"
        if m["official_on"] and m["official_on"] > cut:
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
    write(os.path.join(dst, "members.csv"), mk, list(members[0].keys()))
    write(os.path.join(dst, "placements.csv"), out_pl, list(placements[0].keys()))


def plan_rows(orgs, cut):
    """The plan replaying every organisation change from day cut on."""
    by_id = {}
    for o in orgs:
        by_id.setdefault(int(o["id"]), []).append(o)
    for vs in by_id.values():
        vs.sort(key=lambda v: v["valid_from"] or "")
    days = sorted({v["valid_from"] for vs in by_id.values() for v in vs
                   if v["valid_from"] and v["valid_from"] >= cut} |
                  {v["valid_to"] for vs in by_id.values() for v in vs
                   if v["valid_to"] and v["valid_to"] >= cut})
    rows = []
    for day in days:
        creates, changes, ends = [], [], []
        for oid, vs in sorted(by_id.items()):
            new = next((v for v in vs if v["valid_from"] == day), None)
            old = next((v for v in vs if v["valid_to"] == day), None)
            if new and not old:
                creates.append((oid, new))
            elif new and old:
                changes.append((oid, old, new))
            elif old and not new:
                ends.append((oid, old))
        # a unit ending that day whose children all go to one unit: merge
        moved_to = {}
        for oid, old, new in changes:
            if old["parent_id"] != new["parent_id"]:
                moved_to.setdefault(old["parent_id"], set()).add(new["parent_id"])
        merged = {}
        for oid, old in ends:
            targets = moved_to.get(str(oid), set())
            if len(targets) == 1:
                merged[str(oid)] = targets.pop()
        reason = "Sắp xếp tổ chức bộ máy %s" % day
        for oid, v in sorted(creates, key=lambda c: (KIND_DEPTH[c[1]["kind"]], c[0])):
            rows.append({"action": "create", "new_id": oid, "new_parent": v["parent_id"],
                         "new_kind": v["kind"], "new_name": v["name"],
                         "new_code": v["code"], "effective": day, "reason": reason})
        for oid, old, new in sorted(changes, key=lambda c: (KIND_DEPTH[c[2]["kind"]], c[0])):
            only_parent = all(old[k] == new[k] for k in ("kind", "code", "name"))
            if only_parent and merged.get(old["parent_id"]) == new["parent_id"]:
                continue  # the merge below takes it
            if old["kind"] != new["kind"]:
                rows.append({"action": "kind", "org": oid, "new_kind": new["kind"],
                             "new_parent": new["parent_id"] if old["parent_id"] != new["parent_id"] else "",
                             "effective": day, "reason": reason})
            elif old["parent_id"] != new["parent_id"]:
                rows.append({"action": "move", "org": oid, "new_parent": new["parent_id"],
                             "effective": day, "reason": reason})
            if old["name"] != new["name"]:
                rows.append({"action": "rename", "org": oid, "new_name": new["name"],
                             "effective": day, "reason": reason})
            if old["code"] != new["code"]:
                rows.append({"action": "recode", "org": oid, "new_code": new["code"],
                             "effective": day, "reason": reason})
        for oid, old in sorted(ends, key=lambda e: (-KIND_DEPTH[e[1]["kind"]], e[0])):
            if str(oid) in merged:
                rows.append({"action": "merge", "org": oid, "target": merged[str(oid)],
                             "effective": day, "reason": reason})
            else:
                rows.append({"action": "dissolve", "org": oid, "effective": day,
                             "reason": reason})
    return rows


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    src, dst, plan = sys.argv[1:4]
    cut = sys.argv[4] if len(sys.argv) > 4 else "2025-01-01"
    cut_dataset(src, dst, cut)
    write(plan, plan_rows(read(os.path.join(src, "orgs.csv")), cut), PLAN_COLS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
