#!/usr/bin/env python3
"""Cross-check hoso's answers against the plain-SQL oracle on generated and conformance data.

usage: crosscheck.py [HOSO_BIN] [--seeds 1,2] [--n SCALE_FACTOR]
For each dataset (conformance tiny, and `hoso generate --scale tiny --seed K`),
imports it into a fresh store and asks Q1-Q6 for many (org, day) pairs: every
org kind, random days 2005-2026, the day before and the day of every org
version boundary, names with and without diacritics, random periods and
members. Every mismatch is printed (question, expected, got); the closing line
is `N passed, N failed`.
"""
import sys as _sys
_sys.dont_write_bytecode = True  # keep the tree clean of __pycache__
import datetime
import json
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import backend  # noqa: E402  (SQLite file or PostgreSQL database)
import oracle  # noqa: E402
from conformance import REPO, SHARED, Hoso, Report, check_answer  # noqa: E402

FIRST = datetime.date(2005, 1, 1)
LAST = datetime.date(2026, 12, 31)


def day_add(d, n):
    return (datetime.date.fromisoformat(d) + datetime.timedelta(days=n)).isoformat()


def rand_day(rnd):
    return (FIRST + datetime.timedelta(days=rnd.randrange((LAST - FIRST).days + 1))).isoformat()


def questions(db, rnd, scale=1.0):
    """A list of hoso argv lists covering Q1-Q6 on this dataset."""
    n = lambda k: max(1, int(k * scale))  # noqa: E731
    versions = db.execute('SELECT id, parent_id, kind, vf, vt FROM org_v').fetchall()
    by_kind = {}
    for v in versions:
        by_kind.setdefault(v[2], set()).add(v[0])
    ids = sorted({v[0] for v in versions})
    qs = []

    def alive_versions_on(day):
        return [v for v in versions if v[3] <= day < v[4]]

    # Q1/Q2/Q3 around every version boundary: the org, its parents then and now, the root.
    bounds = set()
    for (oid, parent, kind, vf, vt) in versions:
        for b in (vf, vt):
            if b not in (oracle.BEGIN, oracle.END):
                bounds.add((oid, parent, b))
    for (oid, parent, b) in sorted(bounds):
        for day in (day_add(b, -1), b):
            orgs = {oid, 1}
            if parent:
                orgs.add(parent)
            for v in versions:   # the parent on that day too
                if v[0] == oid and v[3] <= day < v[4] and v[1]:
                    orgs.add(v[1])
            for o in sorted(orgs):
                qs.append(['count', str(o), '--on', day, '--json'])
            if rnd.random() < 0.3:
                qs.append(['breakdown', str(rnd.choice(sorted(orgs))), '--on', day, '--json'])
            if rnd.random() < 0.15:
                qs.append(['summary', '--on', day, '--json'] if rnd.random() < 0.3 else
                          ['summary', str(rnd.choice(sorted(orgs))), '--on', day, '--json'])
    # Random (org, day) pairs per kind: usually an org alive on the day, sometimes any org.
    for kind in sorted(by_kind):
        for _ in range(n(40)):
            day = rand_day(rnd)
            alive = [v[0] for v in alive_versions_on(day) if v[2] == kind]
            o = rnd.choice(alive) if alive and rnd.random() < 0.85 else rnd.choice(sorted(by_kind[kind]))
            qs.append(['count', str(o), '--on', day, '--json'])
            if rnd.random() < 0.5:
                qs.append(['breakdown', str(o), '--on', day, '--json'])
            if rnd.random() < 0.3:
                qs.append(['summary', str(o), '--on', day, '--json'])
    # Special days: year ends, birthdays around 29 February.
    for y in range(2005, 2027):
        for day in ('%d-12-31' % y, '%d-02-28' % y, '%d-03-01' % y):
            alive = [v[0] for v in alive_versions_on(day)]
            if alive:
                o = rnd.choice(alive)
                qs.append(['breakdown', str(o), '--on', day, '--json'])
                qs.append(['summary', '--on', day, '--json'])
    qs.append(['breakdown', '1', '--on', '2016-02-29', '--json'])
    # Unknown org.
    qs.append(['count', str(max(ids) + 1000), '--on', '2018-12-31', '--json'])

    # Q4 from real names.
    members = db.execute('SELECT id, full_name, admitted_on, ended_on FROM member').fetchall()
    for _ in range(n(250)):
        mid, name, adm, end = rnd.choice(members)
        lo = max(adm, FIRST.isoformat())
        hi = min(end or LAST.isoformat(), LAST.isoformat())
        if lo >= hi:
            day = rand_day(rnd)
        else:
            a, b = datetime.date.fromisoformat(lo), datetime.date.fromisoformat(hi)
            day = (a + datetime.timedelta(days=rnd.randrange(max(1, (b - a).days)))).isoformat()
        words = name.split()
        fw = oracle.fold(name).split()
        variants = [
            name,
            ' '.join(fw),
            ' '.join(fw[:2]),
            fw[0] + ' ' + fw[-1][:1],
            ' '.join(w[:2] for w in fw),
            name.upper(),
            words[-1],
            ' '.join(words[1:]) if len(words) > 1 else words[0],
            ' '.join(fw[:1] + fw[2:]),
            fw[-1][:1],
            'zzq ' + fw[0],
        ]
        q = rnd.choice(variants)
        if not q.strip():
            continue
        argv = ['search', q]
        place = db.execute('SELECT org_id FROM place WHERE member_id=? AND vf<=? AND ?<vt',
                           (mid, day, day)).fetchone()
        r = rnd.random()
        if place and r < 0.4:
            argv += ['--in', str(place[0])]
        elif place and r < 0.7:
            par = db.execute('SELECT parent_id FROM org_v WHERE id=? AND vf<=? AND ?<vt',
                             (place[0], day, day)).fetchone()
            if par and par[0]:
                argv += ['--in', str(par[0])]
        elif r < 0.8:
            argv += ['--in', str(rnd.choice(ids))]
        argv += ['--on', day]
        lim = rnd.choice([None, None, 1, 5, 100, 1000])
        if lim:
            argv += ['--limit', str(lim)]
        qs.append(argv + ['--json'])

    # Q5: random periods, and periods around boundaries.
    for _ in range(n(120)):
        a = rand_day(rnd)
        b = day_add(a, rnd.choice([1, 7, 31, 92, 365, 3 * 365, 10 * 365]))
        o = rnd.choice(ids) if rnd.random() < 0.7 else 1
        qs.append(['changes', str(o), '--from', a, '--to', b, '--json'])
    for (oid, parent, b) in rnd.sample(sorted(bounds), min(len(bounds), n(60))):
        a = day_add(b, -rnd.choice([1, 31, 365]))
        e = day_add(b, rnd.choice([0, 1, 31]))
        if e <= a:
            e = day_add(a, 1)
        qs.append(['changes', str(rnd.choice([oid, parent or 1, 1])), '--from', a, '--to', e,
                   '--json'])

    # Q6: random members by id and by card, and unknown ones.
    cards = [r[0] for r in db.execute('SELECT card_no FROM member WHERE card_no IS NOT NULL')]
    for _ in range(n(80)):
        qs.append(['member', str(rnd.choice(members)[0]), '--json'])
    for _ in range(n(30)):
        if cards:
            qs.append(['member', '--card', rnd.choice(cards), '--json'])
    moved = [r[0] for r in db.execute('SELECT member_id FROM place GROUP BY member_id '
                                      'HAVING count(*)>1')]
    for m in rnd.sample(moved, min(len(moved), n(30))):
        qs.append(['member', str(m), '--json'])
    qs.append(['member', str(max(r[0] for r in members) + 1), '--json'])
    qs.append(['member', '--card', '99999999999', '--json'])
    return qs


def check_dataset(rep, binary, label, ddir, tmp, rnd, scale):
    t0 = time.time()
    store = backend.store(tmp, label + '.db')
    h = Hoso(binary, store)
    code, out, err = h.run('import', ddir, '--quiet')
    if not rep.ok(code == 0, '%s: import' % label, 'exit %d: %s' % (code, err[-800:])):
        return
    db = oracle.load(ddir)
    qs = questions(db, rnd, scale)
    answers = h.batch(qs)
    before = rep.failed
    for argv, a in zip(qs, answers):
        exp_exit, expected = oracle.answer(db, argv)
        what = '%s: hoso %s' % (label, ' '.join(json.dumps(x, ensure_ascii=False) if ' ' in x
                                                else x for x in argv))
        if a is None:
            rep.ok(False, what, 'no answer from batch')
            continue
        check_answer(rep, what, exp_exit, expected, a.get('exit'),
                     a.get('result', a.get('error')))
    print('%s: %d questions, %d mismatches, %.1f s' % (label, len(qs), rep.failed - before,
                                                       time.time() - t0))


def main():
    args = sys.argv[1:]
    seeds, scale, binary = [1, 2], 1.0, os.path.join(REPO, 'hoso')
    while args:
        a = args.pop(0)
        if a == '--seeds':
            seeds = [int(s) for s in args.pop(0).split(',') if s]
        elif a == '--n':
            scale = float(args.pop(0))
        else:
            binary = a
    binary = os.path.abspath(binary)
    rep = Report()
    if not os.path.exists(binary):
        print('FAIL: no hoso binary at %s' % binary)
        print('0 passed, 1 failed')
        return 1
    tmp = tempfile.mkdtemp(prefix='hoso-cross-')
    rnd = random.Random(20250701)
    try:
        check_dataset(rep, binary, 'conformance-tiny', os.path.join(SHARED, 'tiny'), tmp, rnd,
                      scale)
        for seed in seeds:
            d = os.path.join(tmp, 'gen%d' % seed)
            code, out, err = Hoso(binary, os.path.join(tmp, 'unused.db')).run(
                'generate', '--scale', 'tiny', '--seed', str(seed), '--out', d)
            if rep.ok(code == 0 and os.path.exists(os.path.join(d, 'members.csv')),
                      'generate --scale tiny --seed %d' % seed, 'exit %d: %s' % (code, err[-500:])):
                check_dataset(rep, binary, 'generated-seed%d' % seed, d, tmp, rnd, scale)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
