#!/usr/bin/env python3
"""Timing of the party-work roll-ups (prints figures, asserts nothing).
Makes or reuses a store of generated data (SCALE=tiny|seed, default tiny),
fills a year of party work with `hoso party-demo`, then times the roll-ups
the issuer and the organisers ask for, next to Q1 (headcount) and Q3
(national summary) on the same store, each as a fresh `hoso` process (so
the figures include opening the store and building the read model, as a
CLI user sees them; `hoso serve` pays that once).
Usage: bench/party.py [path/to/hoso] [workdir]"""
import json
import os
import subprocess
import sys
import time

HOSO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./hoso")
WORK = sys.argv[2] if len(sys.argv) > 2 else "/tmp/hoso-bench-party"
SCALE = os.environ.get("SCALE", "tiny")


def run(*args):
    t = time.time()
    p = subprocess.run([HOSO, "--db", DB] + list(args), capture_output=True,
                       text=True)
    dt = time.time() - t
    if p.returncode:
        print("failed:", args, p.stderr[-400:])
    return dt, p.stdout


os.makedirs(WORK, exist_ok=True)
DB = os.path.join(WORK, "party-%s.db" % SCALE)
if not os.path.exists(DB):
    gen = os.path.join(WORK, "gen-" + SCALE)
    subprocess.run([HOSO, "generate", "--scale", SCALE, "--seed", "7",
                    "--out", gen], check=True, capture_output=True)
    subprocess.run([HOSO, "--db", DB, "import", gen], check=True,
                   capture_output=True)
    dt, out = run("party-demo", "--year", "2025")
    js = json.loads(out)
    print("party-demo: %.1f s, %d meetings, %d attendance rows, %d rankings"
          % (dt, js["meetings"], js["attendance"], js["rankings"]))

cases = [
    ("Q1 headcount (reference)", ["count", "1", "--on", "2025-12-31"]),
    ("Q3 national summary (reference)", ["summary", "--on", "2025-12-31"]),
    ("meeting flags, whole tree, 2025", ["meeting", "flags", "--org", "1",
                                          "--from", "2025-01-01", "--to",
                                          "2026-01-01"]),
    ("attendance, whole tree, 2025", ["meeting", "attendance", "--org", "1",
                                      "--from", "2025-01-01", "--to",
                                      "2026-01-01"]),
    ("striking-off candidates, 2025", ["meeting", "strike-candidates",
                                       "--org", "1", "--year", "2025"]),
    ("ranking roll-up, members 2025", ["ranking", "rollup", "--org", "1",
                                       "--year", "2025"]),
    ("ranking cap check, 2025", ["ranking", "cap", "--org", "1", "--year",
                                 "2025"]),
    ("directive status, rolled up", ["directive", "status", "--org", "1",
                                     "--directive", "1", "--on",
                                     "2025-12-31"]),
    ("open recommendations", ["recommendation", "open", "--org", "1"]),
    ("cadres per committee", ["cadre", "count", "--org", "1"]),
]
print("%-36s %10s" % ("question (scale %s)" % SCALE, "seconds"))
for name, args in cases:
    best = min(run(*args)[0] for _ in range(3))
    print("%-36s %10.3f" % (name, best))
