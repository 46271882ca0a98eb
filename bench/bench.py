#!/usr/bin/env python3
"""`make bench` driver: hoso vs plain SQLite vs PostgreSQL on one dataset (spec/workload.md).

usage: bench.py SCALE DATASET_DIR HOSO_BIN [--engines hoso,hoso-pg,sqlite,postgres] [--factor F]
Draws the same random parameters (fixed seed) for every engine, times L, Q1-Q6
and W1, cross-checks the answers (a mismatch makes the operation FAILED) and
prints one table: median and p95 per engine, hoso's speed-up, peak RSS.
Engines: hoso (SQLite store), hoso-pg (hoso on a PostgreSQL store: Q1-Q6
from its read model through `hoso batch`, W1 as HTTP transfers shared by 2
`hoso serve` nodes on that store), and the plain-SQL baselines.
Exit status 1 when any answer differs.
"""
import sys as _sys
_sys.dont_write_bytecode = True  # keep the tree clean of __pycache__
import csv
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'blackbox'))
from conformance import strict_equal, diff, short  # noqa: E402

COUNTS = {'Q1': 1000, 'Q2': 200, 'Q3': 20, 'Q4': 1000, 'Q5': 200, 'Q6': 1000, 'W1': 10000}
SEARCHES = ['nguyen thi h', 'nguyen thi h', 'nguyen thi h', 'nguyen thi h', 'tran van',
            'le thi', 'pham van', 'nguyen van a', 'hoang', 'vu thi', 'dang', 'ng th h']
FIRST = datetime.date(2010, 1, 1)
LAST = datetime.date(2025, 12, 31)
W1_DAY = '2026-01-15'


def rd(path):
    with open(path, newline='', encoding='utf-8') as f:
        yield from csv.DictReader(f)


def draw_params(ddir, factor, seed=20181231):
    """The questions, as engine-neutral argument lists."""
    rnd = random.Random(seed)
    n = {k: max(1, int(v * factor)) for k, v in COUNTS.items()}
    versions = [(int(r['id']), r['kind'], r['valid_from'] or '0000-01-01',
                 r['valid_to'] or '9999-12-31') for r in rd(os.path.join(ddir, 'orgs.csv'))]
    members = [(int(r['id']), r['card_no'], r['ended_on']) for r in
               rd(os.path.join(ddir, 'members.csv'))]
    span = (LAST - FIRST).days + 1
    by_id = {}
    for v in versions:
        by_id.setdefault(v[0], []).append(v)

    def day():
        return (FIRST + datetime.timedelta(days=rnd.randrange(span))).isoformat()
    alive_cache = {}

    def alive(d, big=False):
        key = (d[:7], big)   # one list per month keeps drawing cheap
        if key not in alive_cache:
            alive_cache[key] = [v[0] for v in versions if v[2] <= d < v[3] and
                                (not big or v[1] not in ('cell', 'grassroots_cell'))]
        return alive_cache[key]

    def org_day():
        while True:
            d = day()
            pool = alive(d, big=rnd.random() < 0.3)
            if pool:
                o = rnd.choice(pool)
                if any(v[2] <= d < v[3] for v in by_id[o]):
                    return o, d
    p = {'Q1': [], 'Q2': [], 'Q3': [], 'Q4': [], 'Q5': [], 'Q6': [], 'W1': []}
    for _ in range(n['Q1']):
        o, d = org_day()
        p['Q1'].append([str(o), d])
    for _ in range(n['Q2']):
        o, d = org_day()
        p['Q2'].append([str(o), d])
    for _ in range(n['Q3']):
        p['Q3'].append([None, day()])
    for _ in range(n['Q4']):
        o, d = org_day()
        p['Q4'].append([rnd.choice(SEARCHES), str(o) if rnd.random() < 0.8 else None, d, 20])
    for _ in range(n['Q5']):
        o, a = org_day()
        b = (datetime.date.fromisoformat(a) +
             datetime.timedelta(days=rnd.choice([31, 92, 365, 730]))).isoformat()
        p['Q5'].append([str(o), a, b])
    for _ in range(n['Q6']):
        m = rnd.choice(members)
        p['Q6'].append(['card', m[1]] if m[1] and rnd.random() < 0.5 else ['id', m[0]])
    # W1: members still active, each moved once to another cell alive on W1_DAY.
    cells = [v[0] for v in versions if v[1] in ('cell', 'grassroots_cell') and
             v[2] <= W1_DAY < v[3]]
    current = {m[0] for m in members if not m[2]}
    where = {}
    ppath = os.path.join(ddir, 'placements.csv')
    if os.path.exists(ppath):
        for r in rd(ppath):
            if not r['valid_to']:
                where[int(r['member_id'])] = int(r['org_id'])
    for r in rd(os.path.join(ddir, 'members.csv')):
        i = int(r['id'])
        if i in current and i not in where:
            where[i] = int(r['org_id'])
    movers = sorted(i for i in current if i in where)
    rnd.shuffle(movers)
    for m in movers[:n['W1']]:
        to = rnd.choice(cells)
        while to == where[m] and len(cells) > 1:
            to = rnd.choice(cells)
        p['W1'].append([m, to, W1_DAY])
    # After W1 (read back by a new process): dossiers of moved members, headcounts.
    p['W1C'] = [['id', a[0]] for a in p['W1'][:100]]
    p['W1Q'] = [['1', W1_DAY]] + [[str(a[1]), W1_DAY] for a in p['W1'][:50]]
    return p


def hoso_argv(op, a):
    if op == 'Q1':
        return ['count', a[0], '--on', a[1], '--json']
    if op == 'Q2':
        return ['breakdown', a[0], '--on', a[1], '--json']
    if op == 'Q3':
        return ['summary'] + ([a[0]] if a[0] else []) + ['--on', a[1], '--json']
    if op == 'Q4':
        return (['search', a[0]] + (['--in', a[1]] if a[1] else []) +
                ['--on', a[2], '--limit', str(a[3]), '--json'])
    if op == 'Q5':
        return ['changes', a[0], '--from', a[1], '--to', a[2], '--json']
    if op == 'W1Q':
        return hoso_argv('Q1', a)
    if op in ('Q6', 'W1C'):
        return ['member', '--card', a[1], '--json'] if a[0] == 'card' else \
            ['member', str(a[1]), '--json']
    if op == 'W1':
        return ['op', 'transfer', str(a[0]), '--to', str(a[1]), '--effective', a[2], '--json']
    raise ValueError(op)


def timed(cmd, stdin=None):
    """Run cmd under /usr/bin/time -v when available: (rc, stdout, stderr, secs, rss_kb)."""
    tv = os.path.exists('/usr/bin/time')
    full = (['/usr/bin/time', '-v'] if tv else []) + cmd
    t = time.time()
    p = subprocess.run(full, input=stdin, capture_output=True)
    secs = time.time() - t
    err = p.stderr.decode('utf-8', 'replace')
    rss = None
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', err)
    if m:
        rss = int(m.group(1))
        err = err[:err.rfind('\tCommand being timed')]
    return p.returncode, p.stdout.decode('utf-8', 'replace'), err, secs, rss


def _run3(cmd, stdin):
    p = subprocess.run(cmd, input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def run_hoso(binary, ddir, store, params, ops):
    res = {'L': None, 'rss': {}}
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(store + suffix):
            os.unlink(store + suffix)
    rc, out, err, secs, rss = timed([binary, '--db', store, 'import', ddir, '--quiet'])
    if rc != 0:
        print('hoso import failed (exit %d): %s' % (rc, err[-1000:]))
        return None
    res['L'] = secs
    res['rss']['L'] = rss
    qops = [op for op in ('Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6') if op in ops]
    lines, keys = [], []
    for op in qops:
        for i, a in enumerate(params[op]):
            lines.append(json.dumps(hoso_argv(op, a), ensure_ascii=False))
            keys.append((op, i))
    rc, out, err, secs, rss = timed([binary, '--db', store, 'batch'],
                                    ('\n'.join(lines) + '\n').encode())
    res['rss']['Q'] = rss
    answers = [json.loads(l) for l in out.splitlines() if l.strip()]
    if len(answers) != len(keys):
        print('hoso batch: %d answers for %d questions (exit %d): %s'
              % (len(answers), len(keys), rc, err[-500:]))
    for (op, i), a in zip(keys, answers):
        res.setdefault(op, {})[i] = a
    if 'W1' in ops and params['W1']:
        lines = [json.dumps(hoso_argv('W1', a)) for a in params['W1']]
        rc, out, err, secs, rss = timed([binary, '--db', store, 'batch'],
                                        ('\n'.join(lines) + '\n').encode())
        answers = [json.loads(l) for l in out.splitlines() if l.strip()]
        res['rss']['W1'] = rss
        if not answers or all(a.get('exit') != 0 for a in answers):
            print('hoso W1 (op transfer) skipped: %s' %
                  (answers[0].get('error') if answers else err[-300:]))
        else:
            res['W1'] = dict(enumerate(answers))
            res['W1_wall'] = secs
            lines, keys = [], []
            for op in ('W1C', 'W1Q'):
                for i, a in enumerate(params[op]):
                    lines.append(json.dumps(hoso_argv(op, a)))
                    keys.append((op, i))
            rc, out, err = _run3([binary, '--db', store, 'batch'],
                                 ('\n'.join(lines) + '\n').encode())
            for (op, i), line in zip(keys, [l for l in out.splitlines() if l.strip()]):
                res.setdefault(op, {})[i] = json.loads(line)
    return res


def _free_port():
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class _Node:
    """One `hoso serve` node of the PostgreSQL store."""

    def __init__(self, binary, store, log):
        self.port = _free_port()
        self.proc = subprocess.Popen([binary, '--db', store, 'serve', '--listen',
                                      '127.0.0.1:%d' % self.port], stderr=log,
                                     env=dict(os.environ, HOSO_NO_ACCESS_LOG='1'))
        for _ in range(1200):
            try:
                self.post('', '/healthz', None, method='GET')
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError('hoso serve did not start (see %s)' % log.name)

    def post(self, token, path, body, method='POST'):
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request('http://127.0.0.1:%d%s' % (self.port, path), data=data,
                                   method=method)
        if token:
            r.add_header('Authorization', 'Bearer ' + token)
        if data:
            r.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(r, timeout=60) as f:
                return f.status, json.loads(f.read() or b'null')
        except urllib.error.HTTPError as e:
            try:
                return e.code, json.loads(e.read())
            except ValueError:
                return e.code, None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


W1_NODES = 2
W1_CLIENTS = 4   # HTTP clients, spread over the nodes


def run_hoso_pg(binary, ddir, params, ops, workdir):
    """hoso on a PostgreSQL store: a throw-away server (the same settings as
    the plain PostgreSQL baseline), L and Q1-Q6 as run_hoso, then W1 as HTTP
    transfers from W1_CLIENTS clients over W1_NODES `hoso serve` nodes, a
    conflict (409: two nodes' SERIALIZABLE transactions) retried."""
    sys.path.insert(0, HERE)
    from baselines import PgServer
    server = PgServer(os.path.join(workdir, 'hoso-pg'))
    store = 'postgresql:///postgres?host=%s&user=postgres' % server.dir
    nodes = []
    log = open(os.path.join(workdir, 'hoso-pg-nodes.log'), 'w')
    try:
        res = run_hoso(binary, ddir, store, params, [op for op in ops if op != 'W1'])
        if res is None or 'W1' not in ops or not params['W1']:
            return res
        rc, _, err = _run3([binary, '--db', store, '--quiet', 'user', 'add', 'bench',
                            '--role', 'admin', '--password-stdin'], b'bench-password-1\n')
        rc2, tok, err2 = _run3([binary, '--db', store, '--quiet', 'user', 'token', 'bench'], None)
        if rc or rc2:
            print('hoso-pg: user setup failed: %s %s' % (err, err2))
            return res
        tok = tok.strip()
        nodes = [_Node(binary, store, log) for _ in range(W1_NODES)]
        todo = list(enumerate(params['W1']))
        lock = threading.Lock()
        w1, retries = {}, [0]

        def client(k):
            node = nodes[k % len(nodes)]
            while True:
                with lock:
                    if not todo:
                        return
                    i, (m, to, day) = todo.pop(0)
                for attempt in range(10):
                    t = time.time()
                    st, js = node.post(tok, '/api/v1/members/%d/transfer' % m,
                                       {'to': to, 'effective': day})
                    ms = (time.time() - t) * 1000
                    if st != 409:
                        break
                    with lock:
                        retries[0] += 1
                w1[i] = {'exit': 0 if st == 200 else 1, 'ms': ms,
                         'result': js if st == 200 else None,
                         'error': None if st == 200 else js}
        t0 = time.time()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(W1_CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        res['W1'] = w1
        res['W1_wall'] = time.time() - t0
        res['W1_retries'] = retries[0]
        # read back by a new process, as for the SQLite store
        lines, keys = [], []
        for op in ('W1C', 'W1Q'):
            for i, a in enumerate(params[op]):
                lines.append(json.dumps(hoso_argv(op, a)))
                keys.append((op, i))
        rc, out, err = _run3([binary, '--db', store, 'batch'],
                             ('\n'.join(lines) + '\n').encode())
        for (op, i), line in zip(keys, [l for l in out.splitlines() if l.strip()]):
            res.setdefault(op, {})[i] = json.loads(line)
        return res
    finally:
        for n in nodes:
            n.stop()
        log.close()
        server.stop()


def run_baseline(kind, ddir, pfile, workdir, python):
    out = os.path.join(workdir, kind + '.jsonl')
    cmd = [python, os.path.join(HERE, 'baselines.py'), 'run', kind, ddir, pfile, out,
           os.path.join(workdir, kind)]
    t = time.time()
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read().decode('utf-8', 'replace')
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print('%s baseline failed (exit %d): %s' % (kind, code, err[-1500:]))
        return None
    res = {'rss': {'all': ru.ru_maxrss}, 'wall': time.time() - t}
    for line in open(out, encoding='utf-8'):
        a = json.loads(line)
        if a['op'] == 'L':
            res['L'] = a['s']
            res['rows'] = a['rows']
        elif a['op'] == 'rss':
            res['rss']['server'] = a['kb']
        else:
            res.setdefault(a['op'], {})[a['i']] = a
    return res


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def fmt_ms(v):
    if v is None:
        return '-'
    return '%.3f' % v if v < 10 else '%.1f' % v


def fmt_rss(kb):
    return '-' if not kb else '%.0f MB' % (kb / 1024.0)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    scale, ddir, binary = argv[0], os.path.abspath(argv[1]), os.path.abspath(argv[2])
    engines = ['hoso', 'hoso-pg', 'sqlite', 'postgres']
    factor = 1.0 if scale != 'tiny' else 0.3
    rest = argv[3:]
    while rest:
        a = rest.pop(0)
        if a == '--engines':
            engines = rest.pop(0).split(',')
        elif a == '--factor':
            factor = float(rest.pop(0))
    factor = float(os.environ.get('BENCH_FACTOR', factor))
    ops = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'W1']
    workdir = os.path.join(HERE, 'data', 'run-' + scale)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    python = sys.executable
    t0 = time.time()
    params = draw_params(ddir, factor)
    pfile = os.path.join(workdir, 'params.json')
    json.dump(params, open(pfile, 'w', encoding='utf-8'), ensure_ascii=False)
    print('bench %s: dataset %s, %s questions drawn in %.1f s' % (
        scale, ddir, ', '.join('%s %d' % (k, len(v)) for k, v in params.items()),
        time.time() - t0))
    results = {}
    if 'hoso' in engines:
        t = time.time()
        results['hoso'] = run_hoso(binary, ddir, os.path.join(workdir, 'hoso.db'), params, ops)
        print('hoso done in %.1f s' % (time.time() - t))
    if 'hoso-pg' in engines:
        t = time.time()
        try:
            results['hoso-pg'] = run_hoso_pg(binary, ddir, params, ops, workdir)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
            print('hoso-pg failed: %s' % e)
            results['hoso-pg'] = None
        print('hoso-pg done in %.1f s' % (time.time() - t))
    for kind in ('sqlite', 'postgres'):
        if kind in engines:
            t = time.time()
            results[kind] = run_baseline(kind, ddir, pfile, workdir, python)
            print('%s done in %.1f s' % (kind, time.time() - t))

    # Cross-check: every engine against the first that answered.
    failed = {}
    shown = 0
    names = [e for e in engines if results.get(e)]
    for op in ('Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'W1C', 'W1Q'):
        for i, a in enumerate(params.get(op, [])):
            answers = []
            for e in names:
                x = results[e].get(op, {}).get(i)
                answers.append((e, x.get('exit') if x else None, x.get('result') if x else None))
            ref = answers[0]
            for e, code, r in answers[1:]:
                if code != ref[1] or (code == 0 and not strict_equal(ref[2], r)):
                    failed.setdefault('W1' if op.startswith('W1') else op, set()).update([ref[0], e])
                    if shown < 12:
                        shown += 1
                        print('MISMATCH %s %s: %s exit %s vs %s exit %s' % (
                            op, json.dumps(hoso_argv(op, a), ensure_ascii=False), ref[0],
                            ref[1], e, code))
                        if code == 0 and ref[1] == 0:
                            print('  ' + '\n  '.join(diff(ref[2], r)))
                        else:
                            print('  %s: %s\n  %s: %s' % (ref[0], short(ref[2]), e, short(r)))
    # W1: every engine must accept every move.
    for e in names:
        w = results[e].get('W1')
        if w:
            bad = [i for i, x in w.items() if x.get('exit') != 0]
            if bad:
                failed.setdefault('W1', set()).add(e)
                print('W1 %s: %d of %d moves refused, first: %s' % (
                    e, len(bad), len(w), short(w[bad[0]])))

    # The table.
    hdr = ['op', 'n']
    for e in names:
        hdr += ['%s med' % e, '%s p95' % e]
    for e in names[1:]:
        if names[0] == 'hoso':
            hdr.append('x vs %s' % e)
    hdr.append('check')
    rows = []
    lrow = ['L (s)', '1']
    for e in names:
        lrow += ['%.2f' % results[e]['L'] if results[e].get('L') is not None else '-', '']
    for e in names[1:]:
        if names[0] == 'hoso':
            lrow.append('%.1f' % (results[e]['L'] / results['hoso']['L'])
                        if results['hoso'].get('L') else '-')
    lrow.append('')
    rows.append(lrow)
    for op in ops:
        row = [op + ' (ms)', str(len(params[op]))]
        meds = {}
        for e in names:
            ms = [x['ms'] for x in results[e].get(op, {}).values()
                  if isinstance(x, dict) and isinstance(x.get('ms'), (int, float))]
            meds[e] = pct(ms, 50)
            row += [fmt_ms(meds[e]), fmt_ms(pct(ms, 95))]
        if names[0] == 'hoso':
            for e in names[1:]:
                row.append('%.1f' % (meds[e] / meds['hoso']) if meds.get('hoso') and meds.get(e)
                           else '-')
        row.append('FAILED (%s)' % ','.join(sorted(failed[op])) if op in failed else
                   ('ok' if len(names) > 1 and (op != 'W1' or all(
                       results[e].get('W1C') for e in names)) else '-'))
        rows.append(row)
    rss = ['peak RSS', '']
    for e in names:
        r = results[e]['rss']
        if e in ('hoso', 'hoso-pg'):
            rss += ['L ' + fmt_rss(r.get('L')), 'Q ' + fmt_rss(r.get('Q'))]
        elif e == 'postgres':
            rss += ['srv ' + fmt_rss(r.get('server')), 'py ' + fmt_rss(r.get('all'))]
        else:
            rss += [fmt_rss(r.get('all')), '']
    rows.append(rss + [''] * (len(hdr) - len(rss)))
    widths = [max(len(str(x[i])) for x in [hdr] + rows) for i in range(len(hdr))]
    print()
    print('  '.join(h.ljust(w) for h, w in zip(hdr, widths)))
    print('  '.join('-' * w for w in widths))
    for r in rows:
        print('  '.join(str(x).ljust(w) for x, w in zip(r, widths)))
    if results.get('hoso') and results['hoso'].get('L'):
        nrows = (results.get('sqlite') or results.get('postgres') or {}).get('rows')
        if nrows:
            print('\nL: hoso %.0f rows/s' % (nrows / results['hoso']['L']))
    for e in names:
        r = results[e]
        if r.get('W1_wall') and r.get('W1'):
            how = ('%d HTTP clients over %d `hoso serve` nodes, %d conflicts retried' %
                   (W1_CLIENTS, W1_NODES, r.get('W1_retries', 0)) if e == 'hoso-pg'
                   else 'one `hoso batch` process')
            print('W1 throughput: %s %.0f transfers/s (%s)' % (
                e, len(r['W1']) / r['W1_wall'], how))
    print('(ms: hoso, hoso-pg = the batch "ms" field (hoso-pg W1: HTTP round trip);'
          ' baselines = wall time of the SQL from Python. x = baseline median / hoso median.)')
    if failed:
        print('FAILED: answers differ for %s' % ', '.join(sorted(failed)))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
