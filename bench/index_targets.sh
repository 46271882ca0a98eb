#!/bin/sh
# bench/index_targets.sh STORE [HOSO] [--write]: the read model's figures for
# the issue "National scale in milliseconds" on one store: build time and
# peak RSS (median of 3 runs of `hoso count`), then Q1-Q5 latencies from one
# `hoso batch` run over random orgs of every kind and random days (fixed
# seed). --write also times 200 transfers (W1): pass a scratch copy.
set -e
STORE=${1:?usage: bench/index_targets.sh STORE [HOSO] [--write]}
HOSO=${2:-./hoso}
WRITE=${3:-}
PY=python3
ROOT=$($PY - "$STORE" <<'EOF'
import sqlite3, sys
db = sqlite3.connect('file:%s?mode=ro' % sys.argv[1], uri=True)
print(db.execute("SELECT id FROM org_versions WHERE parent_id IS NULL"
                 " AND kind = 'party' ORDER BY valid_from DESC LIMIT 1").fetchone()[0])
EOF
)
echo "store $STORE, hoso $HOSO, root $ROOT"
for i in 1 2 3; do
	/usr/bin/time -f "%e %M" "$HOSO" --quiet --db "$STORE" count "$ROOT" \
		--on 2018-12-31 2>&1 >/dev/null | tail -1
done | sort -n | awk '{t[NR]=$1; if ($2 > m) m = $2}
	END {printf "build: median %.1f s (runs %s %s %s), peak RSS %.0f MB\n",
	     t[2], t[1], t[2], t[3], m / 1024}'

Q=$(mktemp)
trap 'rm -f "$Q" "$Q.out"' EXIT
$PY - "$STORE" "$ROOT" "$WRITE" >"$Q" <<'EOF'
import datetime, json, random, sqlite3, sys
store, root, write = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '--write'
rnd = random.Random(20181231)
db = sqlite3.connect('file:%s?mode=ro' % store, uri=True)
vers = db.execute("SELECT id, parent_id, kind, valid_from, valid_to"
                  " FROM org_versions").fetchall()
lo, hi = datetime.date(2010, 1, 1), datetime.date(2025, 12, 31)
def day():
    return (lo + datetime.timedelta(days=rnd.randrange((hi - lo).days))).isoformat()
def alive(v, d):
    return (v[3] or '') <= d and (not v[4] or d < v[4])
kinds = sorted({v[2] for v in vers})
def pick(kind, d):
    pool = [v[0] for v in vers if v[2] == kind and alive(v, d)]
    return rnd.choice(pool) if pool else None
def out(tag, args):
    print(json.dumps([tag, args]))
# Q1: every kind in turn, plus the root
for i in range(600):
    d = day()
    k = kinds[i % (len(kinds) + 1)] if i % (len(kinds) + 1) < len(kinds) else None
    o = pick(k, d) if k else root
    if o:
        out('Q1 ' + (k or 'root'), ['count', str(o), '--on', d, '--json'])
for i in range(15):
    out('Q2 root', ['breakdown', str(root), '--on', day(), '--json'])
for i in range(40):
    d = day()
    kids = [v[0] for v in vers if v[1] == root and alive(v, d)]
    out('Q2 province', ['breakdown', str(rnd.choice(kids)), '--on', d, '--json'])
for i in range(15):
    out('Q3 root', ['summary', '--on', day(), '--json'])
for i in range(40):
    out('Q4 root', ['search', 'nguyen thi h', '--on', day(), '--json'])
for i in range(40):
    d = day()
    k = rnd.choice(kinds)
    o = pick(k, d)
    if o:
        out('Q4 any org', ['search', 'nguyen thi h', '--in', str(o), '--on', d, '--json'])
for i in range(40):
    a = day()
    b = (datetime.date.fromisoformat(a) +
         datetime.timedelta(days=rnd.choice([31, 92, 365, 730]))).isoformat()
    out('Q5 root', ['changes', str(root), '--from', a, '--to', b, '--json'])
if write:
    d = '2025-12-01'
    cells = [v[0] for v in vers if v[2] in ('cell', 'grassroots_cell') and alive(v, d)]
    mids = [r[0] for r in db.execute(
        "SELECT id FROM members WHERE ended_on IS NULL ORDER BY random() LIMIT 200")]
    for m in mids:
        out('W1 transfer', ['op', 'transfer', str(m), '--to', str(rnd.choice(cells)),
                            '--effective', d, '--json'])
EOF
$PY -c '
import json, sys
for l in open(sys.argv[1]):
    print(json.dumps(json.loads(l)[1]))' "$Q" |
	"$HOSO" --quiet --db "$STORE" batch >"$Q.out"
$PY - "$Q" "$Q.out" <<'EOF'
import json, sys
tags = [json.loads(l)[0] for l in open(sys.argv[1])]
res = [json.loads(l) for l in open(sys.argv[2])]
assert len(tags) == len(res), (len(tags), len(res))
by = {}
for t, r in zip(tags, res):
    if r.get('exit'):
        print('error:', t, r.get('error'))
    by.setdefault(t, []).append(r['ms'])
print('%-24s %5s %9s %9s %9s' % ('question', 'n', 'median', 'p95', 'max'))
for t in sorted(by):
    v = sorted(by[t])
    p95 = v[min(len(v) - 1, int(0.95 * len(v)))]
    print('%-24s %5d %9.3f %9.3f %9.3f' % (t, len(v), v[len(v) // 2], p95, v[-1]))
EOF
