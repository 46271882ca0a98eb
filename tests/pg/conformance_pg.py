#!/usr/bin/env python3
"""The conformance checks against a PostgreSQL store, and migrate between
backends. usage: conformance_pg.py HOSO_BIN  (env HOSO_TEST_PG_DIR: the
directory of a server started by tests/pg/pgctl.sh). Imports tiny/ into
PostgreSQL, runs every case of cases.jsonl through `hoso batch`, NFD names,
export | import | export identity, rejection of tiny-corrupt with the store
unchanged, then `hoso migrate` SQLite -> PostgreSQL -> SQLite with identical
answers. Prints `N passed, N failed`."""
import sys
sys.dont_write_bytecode = True
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'tests', 'blackbox'))
import conformance as C  # noqa: E402  (its Report, Hoso and checks)

PGDIR = os.environ.get('HOSO_TEST_PG_DIR')
_n = [0]


def new_db():
    """A fresh database of the test server: its URI."""
    _n[0] += 1
    name = 'conf_%d_%d' % (os.getpid(), _n[0])
    out = subprocess.run(['sh', os.path.join(HERE, 'pgctl.sh'), 'createdb', PGDIR, name],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main():
    binary = os.path.abspath(sys.argv[1])
    rep = C.Report()
    if not PGDIR:
        print('FAIL: HOSO_TEST_PG_DIR not set (run tests/pg/run.sh)')
        print('0 passed, 1 failed')
        return 1
    tiny = os.path.join(C.SHARED, 'tiny')
    corrupt = os.path.join(C.SHARED, 'tiny-corrupt')
    cases = [json.loads(l) for l in open(os.path.join(C.SHARED, 'cases.jsonl'), encoding='utf-8')
             if l.strip()]
    tmp = tempfile.mkdtemp(prefix='hoso-confpg-')
    try:
        h = C.Hoso(binary, new_db())
        code, out, err = h.run('import', tiny, '--quiet')
        if not rep.ok(code == 0, 'import tiny into PostgreSQL', 'exit %d: %s' % (code, err[-800:])):
            print('%d passed, %d failed' % (rep.passed, rep.failed))
            return 1
        answers = h.batch([c['argv'] for c in cases])
        for i, (c, a) in enumerate(zip(cases, answers)):
            what = 'pg case %d %s (%s)' % (i + 1, ' '.join(c['argv']), c.get('why', ''))
            if a is None:
                rep.ok(False, what, 'no batch answer')
                continue
            C.check_answer(rep, what, c.get('exit', 0), c.get('expected'),
                           a.get('exit'), a.get('result', a.get('error')))
        C.check_nfd(rep, h, tiny)
        # export | import | export, PostgreSQL to PostgreSQL
        code, e1, err = C.export_snapshot(h, tmp, 'export1')
        if rep.ok(code == 0, 'pg export', err[-500:]):
            h2 = C.Hoso(binary, new_db())
            code, out, err = h2.run('import', e1, '--quiet')
            rep.ok(code == 0, 'pg import of export', err[-500:])
            code, e2, err = C.export_snapshot(h2, tmp, 'export2')
            if rep.ok(code == 0, 'pg second export', err[-500:]):
                same, why = C.dirs_identical(e1, e2)
                rep.ok(same, 'pg export | import | export byte-identical', why)
        # tiny-corrupt over data: rejected, store unchanged
        expected = [l.strip() for l in open(os.path.join(corrupt, 'expected_errors.txt'),
                                            encoding='utf-8') if l.strip()]
        probe = [c['argv'] for c in cases[:10]]
        before = h.batch(probe)
        code, out, err = h.run('import', corrupt, '--replace', '--quiet')
        rep.ok(code == 1, 'pg import tiny-corrupt --replace exits 1', 'exit %d' % code)
        C.check_corrupt_stderr(rep, 'pg tiny-corrupt over data', err, expected)
        after = h.batch(probe)
        rep.ok([a and a.get('result') for a in before] == [a and a.get('result') for a in after],
               'pg store answers unchanged after rejected import')
        code, e3, err = C.export_snapshot(h, tmp, 'export3')
        if rep.ok(code == 0, 'pg export after rejected import', err[-300:]):
            same, why = C.dirs_identical(e1, e3)
            rep.ok(same, 'pg store byte-identical after rejected import', why)
        # a transfer on PostgreSQL, then the same through SQLite: same answers
        # migrate SQLite -> PostgreSQL -> SQLite
        lite = os.path.join(tmp, 'lite.db')
        hl = C.Hoso(binary, lite)
        code, out, err = hl.run('import', tiny, '--quiet')
        rep.ok(code == 0, 'sqlite import tiny', err[-300:])
        pg2 = new_db()
        p = subprocess.run([binary, 'migrate', '--from', lite, '--to', pg2],
                           capture_output=True, text=True, timeout=300)
        rep.ok(p.returncode == 0, 'migrate sqlite -> postgres', p.stderr[-500:])
        back = os.path.join(tmp, 'back.db')
        p = subprocess.run([binary, 'migrate', '--from', pg2, '--to', back],
                           capture_output=True, text=True, timeout=300)
        rep.ok(p.returncode == 0, 'migrate postgres -> sqlite', p.stderr[-500:])
        p = subprocess.run([binary, 'migrate', '--from', lite, '--to', pg2],
                           capture_output=True, text=True, timeout=300)
        rep.ok(p.returncode != 0 and p.stderr.strip() != '',
               'migrate into a non-empty store without --replace refused', p.stderr[-300:])
        for name, uri in (('postgres', pg2), ('sqlite again', back)):
            got = C.Hoso(binary, uri).batch([c['argv'] for c in cases])
            bad = [c['argv'] for c, a in zip(cases, got)
                   if a is None or not C.strict_equal(a.get('result', a.get('error')) if a.get('exit') == 0 else a.get('exit'),
                                                      c.get('expected') if not c.get('exit') else c.get('exit'))]
            rep.ok(not bad, 'migrated store (%s) answers every case' % name,
                   '%d differ, first %s' % (len(bad), bad[:1]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
