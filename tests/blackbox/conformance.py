#!/usr/bin/env python3
"""Black-box conformance suite: runs ../shared/conformance against a hoso binary.

usage: conformance.py [HOSO_BIN]   (default: ./hoso at the repo root)
Imports tiny/ into a fresh store, checks every case of cases.jsonl (through
`batch`, and a handful again as separate CLI runs), the rejection of
tiny-corrupt/ (exit 1, one error line per bad row, store unchanged), NFD names,
and export -> import -> export byte identity. Prints `N passed, N failed`.
"""
import sys as _sys
_sys.dont_write_bytecode = True  # keep the tree clean of __pycache__
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get('HOSO_CONFORMANCE',
                        os.path.join(REPO, '..', 'shared', 'conformance'))
sys.path.insert(0, HERE)
import oracle  # noqa: E402  (only for fold/nfc helpers, not for answers)


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what, detail=''):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print('FAIL: %s%s' % (what, ('\n  ' + detail) if detail else ''))
        return cond


def strict_equal(a, b):
    """JSON equality with key order free but types exact (1 != 1.0 != true)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return a == b


def diff(exp, got, path=''):
    """First few differences between two JSON values, as text lines."""
    out = []
    if isinstance(exp, dict) and isinstance(got, dict):
        for k in list(exp) + [k for k in got if k not in exp]:
            if k not in got:
                out.append('%s.%s missing' % (path, k))
            elif k not in exp:
                out.append('%s.%s unexpected: %s' % (path, k, short(got[k])))
            else:
                out += diff(exp[k], got[k], '%s.%s' % (path, k))
    elif isinstance(exp, list) and isinstance(got, list) and len(exp) == len(got):
        for i, (x, y) in enumerate(zip(exp, got)):
            out += diff(x, y, '%s[%d]' % (path, i))
    elif not strict_equal(exp, got):
        out.append('%s expected %s got %s' % (path or '.', short(exp), short(got)))
    return out[:8]


def short(v, n=300):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + '...'


class Hoso:
    def __init__(self, binary, store):
        self.bin = binary
        self.store = store

    def run(self, *args, stdin=None, timeout=120):
        p = subprocess.run([self.bin, '--db', self.store] + list(args), input=stdin,
                           capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')

    def batch(self, argvs, timeout=300):
        """Run argv lists through `hoso batch`; returns one parsed dict per input (or None)."""
        data = ''.join(json.dumps(a, ensure_ascii=False) + '\n' for a in argvs).encode()
        code, out, err = self.run('batch', stdin=data, timeout=timeout)
        res = []
        for line in out.splitlines():
            if not line.strip():
                continue
            try:
                res.append(json.loads(line))
            except ValueError:
                res.append({'exit': -1, 'error': 'bad JSON line: ' + line[:200]})
        if len(res) != len(argvs):
            sys.stderr.write('batch: %d answers for %d questions (exit %d): %s\n'
                             % (len(res), len(argvs), code, err[-500:]))
        while len(res) < len(argvs):
            res.append(None)
        return res


def check_answer(rep, what, exp_exit, expected, got_exit, got):
    if exp_exit != 0:
        return rep.ok(got_exit == exp_exit, what, 'expected exit %d, got exit %s %s'
                      % (exp_exit, got_exit, short(got)))
    if got_exit != 0:
        return rep.ok(False, what, 'expected exit 0 and %s, got exit %s %s'
                      % (short(expected), got_exit, short(got)))
    return rep.ok(strict_equal(expected, got), what,
                  '\n  '.join(['expected ' + short(expected, 600), 'got      ' + short(got, 600)]
                              + diff(expected, got)))


def export_snapshot(h, tmp, name):
    d = os.path.join(tmp, name)
    shutil.rmtree(d, ignore_errors=True)
    code, out, err = h.run('export', d)
    return code, d, err


def dirs_identical(a, b):
    fa = sorted(f for f in os.listdir(a))
    fb = sorted(f for f in os.listdir(b))
    if fa != fb:
        return False, 'file lists differ: %s vs %s' % (fa, fb)
    for f in fa:
        if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False):
            return False, '%s differs' % f
    return True, ''


ERR_LINE = re.compile(r'^(?:.*/)?([A-Za-z_.]+\.csv):(\d+): ([A-Za-z_]+)')


def check_corrupt_stderr(rep, what, err, expected):
    seen = {}
    for line in err.splitlines():
        m = ERR_LINE.match(line.strip())
        if m:
            seen.setdefault('%s:%s' % (m.group(1), m.group(2)), []).append(m.group(3))
    for e in expected:
        f, ln, col = re.match(r'^(.*?):(\d+): (\S+)$', e).groups()
        rep.ok(col in seen.get('%s:%s' % (f, ln), []), '%s reports %s' % (what, e),
               'not found in stderr (rows reported: %s)' % (
                   ', '.join('%s: %s' % (k, ','.join(v)) for k, v in sorted(seen.items()))[:600]))
    exp_rows = {e.rsplit(':', 1)[0] for e in expected}
    extra = sorted(set(seen) - exp_rows)
    rep.ok(not extra, '%s reports no good row as bad' % what,
           'unexpected rows: %s' % ', '.join(extra[:20]))


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, 'hoso'))
    rep = Report()
    if not os.path.exists(binary):
        print('FAIL: no hoso binary at %s' % binary)
        print('0 passed, 1 failed')
        return 1
    tiny = os.path.join(SHARED, 'tiny')
    corrupt = os.path.join(SHARED, 'tiny-corrupt')
    cases = [json.loads(l) for l in open(os.path.join(SHARED, 'cases.jsonl'), encoding='utf-8')
             if l.strip()]
    tmp = tempfile.mkdtemp(prefix='hoso-conf-')
    try:
        h = Hoso(binary, os.path.join(tmp, 'main.db'))
        code, out, err = h.run('import', tiny, '--quiet')
        if not rep.ok(code == 0, 'import tiny', 'exit %d: %s' % (code, err[-800:])):
            print('%d passed, %d failed' % (rep.passed, rep.failed))
            return 1

        # 1. every case through batch
        answers = h.batch([c['argv'] for c in cases])
        for i, (c, a) in enumerate(zip(cases, answers)):
            what = 'case %d %s (%s)' % (i + 1, ' '.join(c['argv']), c.get('why', ''))
            if a is None:
                rep.ok(False, what, 'no batch answer')
                continue
            check_answer(rep, what + ' [batch]', c.get('exit', 0), c.get('expected'),
                         a.get('exit'), a.get('result', a.get('error')))
            rep.ok(isinstance(a.get('ms'), (int, float)), what + ' [batch ms field]', short(a))

        # 2. a handful as separate CLI runs: exit status and stdout
        picked, kinds = [], {}
        for c in cases:
            k = c['argv'][0] + ('-exit' if c.get('exit') else '')
            if kinds.get(k, 0) < 2:
                kinds[k] = kinds.get(k, 0) + 1
                picked.append(c)
        for c in picked:
            what = 'cli %s (%s)' % (' '.join(c['argv']), c.get('why', ''))
            code, out, err = h.run(*c['argv'])
            exp_exit = c.get('exit', 0)
            if exp_exit:
                rep.ok(code == exp_exit, what, 'expected exit %d got %d; stderr %s'
                       % (exp_exit, code, err[-300:]))
                rep.ok(err.strip() != '', what + ' says why on stderr')
                continue
            try:
                got = json.loads(out)
            except ValueError:
                rep.ok(False, what, 'exit %d, stdout not JSON: %r; stderr %s'
                       % (code, out[:300], err[-300:]))
                continue
            check_answer(rep, what, 0, c['expected'], code, got)

        # usage errors exit 2
        code, out, err = h.run('count')
        rep.ok(code == 2, 'cli count without ORG exits 2', 'exit %d' % code)
        code, out, err = h.run('count', '1', '--on', '2018-13-45', '--json')
        rep.ok(code == 2, 'cli count with a bad day exits 2', 'exit %d' % code)

        # 3. NFD names found by NFC (and NFD) queries
        check_nfd(rep, h, tiny)

        # 4. export -> import -> export is byte-identical
        code, e1, err = export_snapshot(h, tmp, 'export1')
        export_ok = code == 0
        if rep.ok(code == 0, 'export', 'exit %d: %s' % (code, err[-500:])):
            h2 = Hoso(binary, os.path.join(tmp, 'second.db'))
            code, out, err = h2.run('import', e1, '--quiet')
            rep.ok(code == 0, 'import of export', 'exit %d: %s' % (code, err[-500:]))
            code, e2, err = export_snapshot(h2, tmp, 'export2')
            if rep.ok(code == 0, 'second export', err[-500:]):
                same, why = dirs_identical(e1, e2)
                rep.ok(same, 'export | import | export byte-identical', why)
            # and the re-imported store answers the same
            again = h2.batch([c['argv'] for c in cases[:40]])
            for c, a in zip(cases[:40], again):
                if a is not None:
                    check_answer(rep, 're-imported: %s' % ' '.join(c['argv']), c.get('exit', 0),
                                 c.get('expected'), a.get('exit'), a.get('result'))

        # 5. tiny-corrupt: rejected as a whole, store unchanged
        expected = [l.strip() for l in open(os.path.join(corrupt, 'expected_errors.txt'),
                                            encoding='utf-8') if l.strip()]
        probe = [c['argv'] for c in cases[:10]]
        before = h.batch(probe)
        code, out, err = h.run('import', corrupt, '--replace', '--quiet')
        rep.ok(code == 1, 'import tiny-corrupt --replace over data exits 1', 'exit %d' % code)
        check_corrupt_stderr(rep, 'tiny-corrupt over data', err, expected)
        after = h.batch(probe)
        rep.ok([a and a.get('result') for a in before] == [a and a.get('result') for a in after],
               'store answers unchanged after rejected import')
        if export_ok:
            code, e3, err = export_snapshot(h, tmp, 'export3')
            if rep.ok(code == 0, 'export after rejected import', err[-300:]):
                same, why = dirs_identical(e1, e3)
                rep.ok(same, 'store byte-identical after rejected import', why)

        empty_store = os.path.join(tmp, 'empty.db')
        he = Hoso(binary, empty_store)
        code, out, err = he.run('import', corrupt, '--quiet')
        rep.ok(code == 1, 'import tiny-corrupt into an empty store exits 1', 'exit %d' % code)
        check_corrupt_stderr(rep, 'tiny-corrupt into empty store', err, expected)
        if os.path.exists(empty_store):
            code, out, err = he.run('count', '1', '--on', '2018-12-31', '--json')
            rep.ok(code == 3, 'empty store still empty after rejected import',
                   'count 1 exit %d: %s' % (code, out[:200]))
            code, out, err = he.run('member', '1', '--json')
            rep.ok(code == 3, 'empty store has no member 1 after rejected import',
                   'member 1 exit %d: %s' % (code, out[:200]))
        else:
            rep.ok(True, 'empty store not created by a rejected import')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


def check_nfd(rep, h, tiny):
    """Members whose name arrived in NFD are found by NFC and NFD queries, stored NFC."""
    import csv
    nfd_members = []
    with open(os.path.join(tiny, 'members.csv'), newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            if unicodedata.normalize('NFC', r['full_name']) != r['full_name']:
                nfd_members.append(r)
    rep.ok(len(nfd_members) > 0, 'tiny has NFD names')
    argvs, meta = [], []
    for r in nfd_members:
        name_nfc = unicodedata.normalize('NFC', r['full_name'])
        name_nfd = unicodedata.normalize('NFD', r['full_name'])
        day = r['admitted_on']
        for q in (name_nfc, name_nfd, oracle.fold(name_nfc), name_nfc.upper()):
            argvs.append(['search', q, '--on', day, '--limit', '1000', '--json'])
            meta.append((r, q))
        argvs.append(['member', r['id'], '--json'])
        meta.append((r, None))
    for a, (r, q) in zip(h.batch(argvs), meta):
        name_nfc = unicodedata.normalize('NFC', r['full_name'])
        if q is None:
            res = (a or {}).get('result') or {}
            rep.ok(res.get('full_name') == name_nfc, 'member %s full_name stored NFC' % r['id'],
                   'got %r' % res.get('full_name'))
            continue
        res = (a or {}).get('result') or {}
        ids = [row.get('id') for row in res.get('rows', [])]
        rep.ok(int(r['id']) in ids, 'search %r finds NFD-named member %s' % (q, r['id']),
               short(a))
        rep.ok(res.get('query') == unicodedata.normalize('NFC', q),
               'search %r echoes the query in NFC' % q, 'got %r' % res.get('query'))


if __name__ == '__main__':
    sys.exit(main())
