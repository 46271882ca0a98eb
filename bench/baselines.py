#!/usr/bin/env python3
"""Plain-SQL baselines for `make bench` (spec/workload.md): SQLite and PostgreSQL 15.

Each engine loads a dataset folder with plain SQL (integer day numbers, indexes,
a folded-name column, dated parent rows walked by recursive CTEs) and answers
Q1-Q6 and W1 with the same JSON as hoso, so answers can be cross-checked.

    python3 bench/baselines.py run ENGINE DATASET PARAMS.json OUT.jsonl [WORKDIR]

runs every question of PARAMS.json (written by bench/bench.py) and writes one line
per answer: {"op": "Q1", "i": 0, "ms": 0.12, "exit": 0, "result": {...}}; the
first line is {"op": "L", "s": seconds, "rows": n} and the last, for PostgreSQL,
{"op": "rss", "kb": peak RSS of the server backend}.
"""
import sys as _sys
_sys.dont_write_bytecode = True  # keep the tree clean of __pycache__
import csv
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'blackbox'))
from oracle import fold, nfc, vi_key  # noqa: E402,F401  (text rules of the spec)

EPOCH = datetime.date(1970, 1, 1).toordinal()
BEG = -100000000     # empty valid_from
END = 100000000      # empty valid_to / ended_on / official_on
PG_BIN = '/usr/lib/postgresql/15/bin'
GRASSROOTS = ('grassroots', 'grassroots_cell')
CELLS = ('cell', 'grassroots_cell')


def dnum(s):
    return datetime.date.fromisoformat(s).toordinal() - EPOCH


def dtext(n):
    return None if n in (BEG, END) or n is None else datetime.date.fromordinal(n + EPOCH).isoformat()


# ---------------------------------------------------------------- Vietnamese sort key

_ALPHA = 'aăâbcdđeêfghijklmnoôơpqrstuưvwxyz'
_RANK = {c: i for i, c in enumerate(_ALPHA)}
_TONE = {'\u0300': 1, '\u0309': 2, '\u0303': 3, '\u0301': 4, '\u0323': 5}
_VOW = {('a', '\u0306'): 'ă', ('a', '\u0302'): 'â', ('e', '\u0302'): 'ê', ('o', '\u0302'): 'ô',
        ('o', '\u031b'): 'ơ', ('u', '\u031b'): 'ư'}


def sort_key_bytes(full_name):
    """Binary sort key in the spec's Vietnamese name order (compare as bytes, then by id)."""
    words = nfc(full_name).split()
    if len(words) == 0:
        parts = ['', '', '']
    elif len(words) == 1:
        parts = [words[0], '', '']
    else:
        parts = [words[-1], ' '.join(words[1:-1]), words[0]]
    prim = bytearray()
    tones = bytearray()
    for p in parts:
        base = None
        for ch in unicodedata.normalize('NFD', p.lower()):
            if unicodedata.combining(ch):
                if base is None:
                    continue
                if ch in _TONE:
                    tones[-1] = _TONE[ch] + 1
                elif (base, ch) in _VOW:
                    base = _VOW[(base, ch)]
                    w = 0x200000 + _RANK[base]
                    prim[-3:] = w.to_bytes(3, 'big')
                continue
            base = ch
            w = 0x200000 + _RANK[ch] if ch in _RANK else ord(ch) + 1
            prim += w.to_bytes(3, 'big')
            tones.append(1)
        prim += b'\0\0\0'
    return bytes(prim) + bytes(tones)


def vi_text_key(full_name):
    """'given<TAB>middle<TAB>family' for an ICU vi collation at secondary strength."""
    words = nfc(full_name).split()
    if len(words) <= 1:
        return (words[0] if words else '') + '\t\t'
    return '%s\t%s\t%s' % (words[-1], ' '.join(words[1:-1]), words[0])


def match_regex(query):
    """Regex on a folded, single-spaced name: each query word a prefix of a later word."""
    ws = fold(query).split()
    if not ws:
        return '', []
    esc = [re.sub(r'([^0-9A-Za-z])', r'\\\1', w) for w in ws]
    pat = '(^| )' + esc[0] + r'\S*'
    for w in esc[1:]:
        pat += r'( \S+)* ' + w + r'\S*'
    return pat, ws


# ---------------------------------------------------------------- reading the dataset

def read_rows(ddir):
    """Yield (table, tuple) rows ready for loading, with derived columns."""
    def rd(name):
        with open(os.path.join(ddir, name), newline='', encoding='utf-8') as f:
            for r in csv.DictReader(f):
                yield r

    def e(v):
        return v if v else None
    orgs = []
    for r in rd('orgs.csv'):
        orgs.append((int(r['id']), int(r['parent_id']) if r['parent_id'] else None, r['kind'],
                     e(nfc(r['code'])), nfc(r['name']),
                     dnum(r['valid_from']) if r['valid_from'] else BEG,
                     dnum(r['valid_to']) if r['valid_to'] else END))
    members = []
    for r in rd('members.csv'):
        name = nfc(r['full_name'])
        adm = dnum(r['admitted_on'])
        members.append((
            int(r['id']), e(r['card_no']), name, r['sex'], e(r['birth_date']),
            e(nfc(r['ethnicity'])), e(nfc(r['religion'])), e(nfc(r['hometown'])),
            e(r['education']), e(r['expertise']), e(r['theory_level']), r['admitted_on'],
            e(r['official_on']), r['status'], e(r['ended_on']), int(r['org_id']),
            adm, dnum(r['official_on']) if r['official_on'] else END,
            dnum(r['ended_on']) if r['ended_on'] else END,
            int(r['birth_date'][:4]), int(r['birth_date'][5:7] + r['birth_date'][8:10]),
            int(r['admitted_on'][:4]), int(r['admitted_on'][5:7] + r['admitted_on'][8:10]),
            ' '.join(fold(name).split())))
    places = []
    if os.path.exists(os.path.join(ddir, 'placements.csv')):
        for r in rd('placements.csv'):
            places.append((int(r['member_id']), int(r['org_id']),
                           dnum(r['valid_from']) if r['valid_from'] else BEG,
                           dnum(r['valid_to']) if r['valid_to'] else END))
    placed = {p[0] for p in places}
    for m in members:
        if m[0] not in placed:
            places.append((m[0], m[15], m[16], m[18]))
    return orgs, members, places


MEMBER_COLS = ('id card_no full_name sex birth_date ethnicity religion hometown education '
               'expertise theory_level admitted_on official_on status ended_on org_id').split()
MEMBER_DERIVED = 'adm off ended birth_y birth_md adm_y adm_md folded'.split()


# ---------------------------------------------------------------- the SQL, shared

SUB = """sub(id) AS (
  SELECT id FROM orgs WHERE id=%(x)s AND vf<=%(d)s AND %(d)s<vt
  UNION
  SELECT o.id FROM orgs o JOIN sub ON o.parent_id=sub.id WHERE o.vf<=%(d)s AND %(d)s<o.vt)"""

# Placements lie within [admitted_on, ended_on) (an import rule), so a placement
# holding on d is an active member placed there on d.
Q1_SQL = """WITH RECURSIVE """ + SUB + """
SELECT count(*) FROM sub JOIN placements p ON p.org_id=sub.id AND p.vf<=%(d)s AND %(d)s<p.vt"""

_AGE = '(%(y)s-m.birth_y-(CASE WHEN %(md)s<m.birth_md THEN 1 ELSE 0 END))'
_MY = '(%(y)s-m.adm_y-(CASE WHEN %(md)s<m.adm_md THEN 1 ELSE 0 END))'
Q2_BUCKETS = [
    ('sex', 'M', "m.sex='M'"), ('sex', 'F', "m.sex='F'"),
    ('age', 'le30', _AGE + '<=30'), ('age', '31_40', _AGE + ' BETWEEN 31 AND 40'),
    ('age', '41_50', _AGE + ' BETWEEN 41 AND 50'), ('age', '51_60', _AGE + ' BETWEEN 51 AND 60'),
    ('age', 'gt60', _AGE + '>60'),
    ('ethnicity', 'kinh', "m.ethnicity='Kinh'"),
    ('ethnicity', 'minority', "COALESCE(m.ethnicity,'')<>'Kinh'"),
    ('religion', 'none', 'm.religion IS NULL'), ('religion', 'some', 'm.religion IS NOT NULL'),
] + [('theory_level', v, "COALESCE(m.theory_level,'none')='%s'" % v)
     for v in ('none', 'elementary', 'intermediate', 'advanced', 'bachelor')] + [
    ('expertise', v, "COALESCE(m.expertise,'none')='%s'" % v)
    for v in ('none', 'intermediate', 'college', 'bachelor', 'master', 'doctor')] + [
    ('membership_years', 'lt10', _MY + '<10'),
    ('membership_years', '10_29', _MY + ' BETWEEN 10 AND 29'),
    ('membership_years', 'ge30', _MY + '>=30'),
    ('status', 'probationary', 'm.off>%(d)s'), ('status', 'official', 'm.off<=%(d)s')]
Q2_SQL = ('WITH RECURSIVE ' + SUB + '\nSELECT count(*), ' +
          ', '.join('COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END),0)' % c for _, _, c in Q2_BUCKETS) +
          ' FROM sub JOIN placements p ON p.org_id=sub.id AND p.vf<=%(d)s AND %(d)s<p.vt'
          ' JOIN members m ON m.id=p.member_id')

Q3_ORGS = """WITH RECURSIVE sub(top, id, kind) AS (
  SELECT id, id, kind FROM orgs WHERE parent_id=%(x)s AND vf<=%(d)s AND %(d)s<vt
  UNION
  SELECT sub.top, o.id, o.kind FROM orgs o JOIN sub ON o.parent_id=sub.id
    WHERE o.vf<=%(d)s AND %(d)s<o.vt)
SELECT top,
  SUM(CASE WHEN kind IN ('grassroots','grassroots_cell') THEN 1 ELSE 0 END),
  SUM(CASE WHEN kind IN ('cell','grassroots_cell') THEN 1 ELSE 0 END),
  (SELECT count(*) FROM placements p WHERE p.org_id IN (SELECT s2.id FROM sub s2 WHERE s2.top=sub.top)
     AND p.vf<=%(d)s AND %(d)s<p.vt)
FROM sub GROUP BY top"""
Q3_CHILDREN = """SELECT id, code, name FROM orgs WHERE parent_id=%(x)s AND vf<=%(d)s AND %(d)s<vt
ORDER BY id"""

Q5_SQL = """WITH RECURSIVE
ever(id) AS (SELECT %(x)s UNION SELECT o.id FROM orgs o JOIN ever ON o.parent_id=ever.id),
mv(mid, o1, d1, o2, d2) AS (
  SELECT p2.member_id, p1.org_id, p1.vt-1, p2.org_id, p2.vf FROM placements p2
  JOIN placements p1 ON p1.member_id=p2.member_id AND p1.vf=(SELECT max(q.vf) FROM placements q
    WHERE q.member_id=p2.member_id AND q.vf<p2.vf)
  WHERE p2.vf>=%(a)s AND p2.vf<%(b)s
    AND (p1.org_id IN (SELECT id FROM ever) OR p2.org_id IN (SELECT id FROM ever))),
chk(k, mid, t, org, day) AS (
  SELECT 'admitted', m.id, m.adm, p.org_id, m.adm FROM members m JOIN placements p
    ON p.member_id=m.id AND p.vf<=m.adm AND m.adm<p.vt WHERE m.adm>=%(a)s AND m.adm<%(b)s
    AND p.org_id IN (SELECT id FROM ever)
  UNION ALL
  SELECT 'made_official', m.id, m.off, p.org_id, m.off FROM members m JOIN placements p
    ON p.member_id=m.id AND p.vf<=m.off AND m.off<p.vt WHERE m.off>=%(a)s AND m.off<%(b)s
    AND p.org_id IN (SELECT id FROM ever)
  UNION ALL
  SELECT CASE m.status WHEN 'left' THEN 'left' WHEN 'expelled' THEN 'expelled' ELSE 'died' END,
    m.id, m.ended, p.org_id, m.ended-1 FROM members m JOIN placements p
    ON p.member_id=m.id AND p.vf<=m.ended-1 AND m.ended-1<p.vt
    WHERE m.ended>=%(a)s AND m.ended<%(b)s AND m.status IN ('left','expelled','deceased')
    AND p.org_id IN (SELECT id FROM ever)
  UNION ALL SELECT 'old', mid, d2, o1, d1 FROM mv
  UNION ALL SELECT 'new', mid, d2, o2, d2 FROM mv),
anc(k, mid, t, id, day, parent) AS (
  SELECT c.k, c.mid, c.t, o.id, c.day, o.parent_id FROM chk c
    JOIN orgs o ON o.id=c.org AND o.vf<=c.day AND c.day<o.vt
  UNION
  SELECT a.k, a.mid, a.t, o.id, a.day, o.parent_id FROM anc a
    JOIN orgs o ON o.id=a.parent AND o.vf<=a.day AND a.day<o.vt),
-- ever: every org that was under x on some day (a superset); the dated check follows.
hit(k, mid, t) AS (SELECT DISTINCT k, mid, t FROM anc WHERE id=%(x)s)
SELECT k, count(*) FROM hit WHERE k NOT IN ('old','new') GROUP BY k
UNION ALL
SELECT 'moved_in', count(*) FROM hit h WHERE h.k='new' AND NOT EXISTS
  (SELECT 1 FROM hit o WHERE o.k='old' AND o.mid=h.mid AND o.t=h.t)
UNION ALL
SELECT 'moved_out', count(*) FROM hit h WHERE h.k='old' AND NOT EXISTS
  (SELECT 1 FROM hit n WHERE n.k='new' AND n.mid=h.mid AND n.t=h.t)"""

Q6_PLACES = """SELECT p.org_id, o.name, p.vf, p.vt FROM placements p
LEFT JOIN orgs o ON o.id=p.org_id AND o.vf<=p.vf AND p.vf<o.vt
WHERE p.member_id=%(m)s ORDER BY p.vf"""


class Baseline:
    """Shared question logic; subclasses supply the connection and SQL dialect."""
    name = '?'

    def q(self, sql, params):
        raise NotImplementedError

    def alive(self, x, d):
        return bool(self.q('SELECT 1 FROM orgs WHERE id=%(x)s AND vf<=%(d)s AND %(d)s<vt',
                           {'x': x, 'd': d}))

    def resolve(self, org, d):
        if org is None:
            r = self.q('SELECT id FROM orgs WHERE parent_id IS NULL AND vf<=%(d)s AND %(d)s<vt '
                       'ORDER BY id LIMIT 1', {'d': d})
            return r[0][0] if r else None
        if str(org).isdigit():
            return int(org) if self.alive(int(org), d) else None
        r = self.q('SELECT id FROM orgs WHERE code=%(c)s AND vf<=%(d)s AND %(d)s<vt',
                   {'c': org, 'd': d})
        return r[0][0] if r else None

    def q1(self, org, day):
        d = dnum(day)
        x = self.resolve(org, d)
        if x is None:
            return None
        return {'org': x, 'on': day, 'count': self.q(Q1_SQL, {'x': x, 'd': d})[0][0]}

    def q2(self, org, day):
        d = dnum(day)
        x = self.resolve(org, d)
        if x is None:
            return None
        row = self.q(Q2_SQL, {'x': x, 'd': d, 'y': int(day[:4]),
                              'md': int(day[5:7] + day[8:10])})[0]
        out = {'org': x, 'on': day, 'total': row[0]}
        for (g, k, _), v in zip(Q2_BUCKETS, row[1:]):
            out.setdefault(g, {})[k] = int(v)
        return out

    def q3(self, org, day):
        d = dnum(day)
        x = self.resolve(org, d)
        if x is None:
            return None
        counts = {r[0]: r[1:] for r in self.q(Q3_ORGS, {'x': x, 'd': d})}
        rows = []
        for (cid, code, name) in self.q(Q3_CHILDREN, {'x': x, 'd': d}):
            g, c, m = counts.get(cid, (0, 0, 0))
            rows.append({'id': cid, 'code': code, 'name': name, 'grassroots': int(g),
                         'cells': int(c), 'members': int(m)})
        return {'org': x, 'on': day, 'rows': rows}

    def q5(self, org, a, b):
        da, db = dnum(a), dnum(b)
        if str(org).isdigit():
            x = int(org)
        else:
            r = self.q('SELECT id FROM orgs WHERE code=%(c)s AND vf<%(b)s AND %(a)s<vt',
                       {'c': org, 'a': da, 'b': db})
            x = r[0][0] if r else None
        if x is None or not self.q('SELECT 1 FROM orgs WHERE id=%(x)s AND vf<%(b)s AND %(a)s<vt',
                                   {'x': x, 'a': da, 'b': db}):
            return None
        out = {'org': x, 'from': a, 'to': b, 'admitted': 0, 'made_official': 0, 'moved_in': 0,
               'moved_out': 0, 'left': 0, 'expelled': 0, 'died': 0}
        for k, n in self.q(Q5_SQL, {'x': x, 'a': da, 'b': db}):
            out[k] = int(n)
        return out

    def q6(self, member=None, card=None):
        cols = ', '.join(MEMBER_COLS)
        if card is not None:
            r = self.q('SELECT %s FROM members WHERE card_no=%%(c)s' % cols, {'c': card})
        else:
            r = self.q('SELECT %s FROM members WHERE id=%%(m)s' % cols, {'m': int(member)})
        if not r:
            return None
        out = dict(zip(MEMBER_COLS, r[0]))
        out['placements'] = [{'org_id': o, 'org_name': n, 'valid_from': dtext(vf),
                              'valid_to': dtext(vt)}
                             for (o, n, vf, vt) in self.q(Q6_PLACES, {'m': out['id']})]
        return out


# ---------------------------------------------------------------- SQLite

class SqliteBaseline(Baseline):
    name = 'sqlite'

    def __init__(self, workdir):
        import sqlite3
        self.path = os.path.join(workdir, 'baseline.sqlite')
        for suffix in ('', '-wal', '-shm'):
            if os.path.exists(self.path + suffix):
                os.unlink(self.path + suffix)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute('PRAGMA journal_mode=WAL')
        self.db.execute('PRAGMA synchronous=FULL')
        self.db.execute('PRAGMA cache_size=-262144')   # 256 MB page cache
        self.db.execute('PRAGMA temp_store=MEMORY')
        rx = {}

        def vmatch(folded, pat):
            r = rx.get(pat)
            if r is None:
                r = rx[pat] = re.compile(pat)
            return 1 if r.search(folded) else 0
        self.db.create_function('vmatch', 2, vmatch, deterministic=True)
        self._sql = {}

    def q(self, sql, params):
        s = self._sql.get(sql)
        if s is None:
            s = self._sql[sql] = re.sub(r'%\((\w+)\)s', r':\1', sql).replace('%%', '%')
        return self.db.execute(s, params).fetchall()

    def load(self, ddir):
        t = time.time()
        orgs, members, places = read_rows(ddir)
        db = self.db
        db.execute('BEGIN')
        db.execute("""CREATE TABLE orgs (id INTEGER NOT NULL, parent_id INTEGER,
          kind TEXT NOT NULL CHECK (kind IN ('party','province','bloc','upper','grassroots',
            'grassroots_cell','sub_committee','cell')),
          code TEXT, name TEXT NOT NULL, vf INTEGER NOT NULL, vt INTEGER NOT NULL,
          CHECK (vf < vt), PRIMARY KEY (id, vf)) WITHOUT ROWID""")
        db.execute("""CREATE TABLE members (id INTEGER PRIMARY KEY, card_no TEXT UNIQUE,
          full_name TEXT NOT NULL, sex TEXT NOT NULL CHECK (sex IN ('M','F')), birth_date TEXT,
          ethnicity TEXT, religion TEXT, hometown TEXT, education TEXT, expertise TEXT,
          theory_level TEXT, admitted_on TEXT NOT NULL, official_on TEXT,
          status TEXT NOT NULL CHECK (status IN ('probationary','official','left','expelled',
            'deceased')), ended_on TEXT, org_id INTEGER NOT NULL,
          adm INTEGER, off INTEGER, ended INTEGER, birth_y INTEGER, birth_md INTEGER,
          adm_y INTEGER, adm_md INTEGER, folded TEXT, skey BLOB)""")
        db.execute("""CREATE TABLE placements (member_id INTEGER NOT NULL REFERENCES members,
          org_id INTEGER NOT NULL, vf INTEGER NOT NULL, vt INTEGER NOT NULL, CHECK (vf < vt))""")
        db.executemany('INSERT INTO orgs VALUES (?,?,?,?,?,?,?)', orgs)
        db.executemany('INSERT INTO members VALUES (%s)' % ','.join('?' * 25),
                       (m + (sort_key_bytes(m[2]),) for m in members))
        db.executemany('INSERT INTO placements VALUES (?,?,?,?)', places)
        db.execute('CREATE INDEX orgs_parent ON orgs (parent_id, vf, vt, id, kind)')
        db.execute('CREATE INDEX pl_org ON placements (org_id, vf, vt, member_id)')
        db.execute('CREATE INDEX pl_member ON placements (member_id, vf)')
        db.execute('CREATE INDEX m_adm ON members (adm)')
        db.execute('CREATE INDEX m_off ON members (off)')
        db.execute('CREATE INDEX m_ended ON members (ended)')
        # No ANALYZE: with sqlite_stat1, SQLite 3.40 builds a Bloom filter over the whole
        # orgs table at every step of the recursive subtree CTE (x100 slower on seed).
        db.execute('COMMIT')
        return time.time() - t, len(orgs) + len(members) + len(places)

    def q4(self, query, org, day, limit=20):
        d = dnum(day)
        x = self.resolve(org, d)
        if x is None:
            return None
        pat, ws = match_regex(query)
        like = '%' + '%'.join(w.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')
                              for w in ws) + '%'
        sql = ('WITH RECURSIVE ' + SUB + ' SELECT m.id, m.full_name, m.card_no, m.birth_date, '
               'p.org_id FROM sub JOIN placements p ON p.org_id=sub.id AND p.vf<=%(d)s AND '
               "%(d)s<p.vt JOIN members m ON m.id=p.member_id WHERE m.folded LIKE %(like)s "
               "ESCAPE '\\' AND vmatch(m.folded, %(pat)s) ORDER BY m.skey, m.id")
        hits = self.q(sql, {'x': x, 'd': d, 'like': like, 'pat': pat})
        return {'query': nfc(query), 'org': x, 'on': day, 'total': len(hits),
                'rows': [{'id': r[0], 'full_name': r[1], 'card_no': r[2], 'birth_date': r[3],
                          'org_id': r[4]} for r in hits[:limit]]}

    def w1(self, member, org, day):
        d = dnum(day)
        db = self.db
        db.execute('BEGIN IMMEDIATE')
        ok = db.execute("SELECT 1 FROM orgs WHERE id=? AND vf<=? AND ?<vt AND kind IN "
                        "('cell','grassroots_cell')", (org, d, d)).fetchone()
        cur = db.execute('SELECT rowid, org_id, vf FROM placements WHERE member_id=? AND vf<=? '
                         'AND ?<vt', (member, d, d)).fetchone()
        if not ok or not cur or cur[1] == org or cur[2] >= d:
            db.execute('ROLLBACK')
            return None
        db.execute('UPDATE placements SET vt=? WHERE rowid=?', (d, cur[0]))
        db.execute('INSERT INTO placements VALUES (?,?,?,?)', (member, org, d, END))
        db.execute('UPDATE members SET org_id=? WHERE id=?', (org, member))
        db.execute('COMMIT')
        return {'member': member, 'org': org, 'effective': day}

    def close(self):
        self.db.close()


# ---------------------------------------------------------------- PostgreSQL

class PgServer:
    """A throw-away PostgreSQL 15 cluster in a temp dir, unix socket only."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, 'pg')
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.prefix = []
        if os.geteuid() == 0:   # initdb refuses root: run the server as postgres
            os.chown(self.dir, *self._uid('postgres'))
            os.chmod(workdir, 0o755)
            self.prefix = ['runuser', '-u', 'postgres', '--']
        data = os.path.join(self.dir, 'data')
        subprocess.run(self.prefix + [PG_BIN + '/initdb', '-D', data, '-A', 'trust', '-U',
                                      'postgres', '-E', 'UTF8', '--locale=C.UTF-8'],
                       check=True, capture_output=True)
        opts = ("-k %s -c listen_addresses='' -c shared_buffers=512MB -c work_mem=64MB "
                "-c maintenance_work_mem=512MB -c max_wal_size=4GB -c jit=off" % self.dir)
        subprocess.run(self.prefix + [PG_BIN + '/pg_ctl', '-D', data, '-o', opts, '-l',
                                      os.path.join(self.dir, 'log'), '-w', 'start'],
                       check=True, capture_output=True)
        self.data = data

    @staticmethod
    def _uid(user):
        import pwd
        p = pwd.getpwnam(user)
        return p.pw_uid, p.pw_gid

    def stop(self):
        subprocess.run(self.prefix + [PG_BIN + '/pg_ctl', '-D', self.data, '-m', 'fast', 'stop'],
                       capture_output=True)


class PgBaseline(Baseline):
    name = 'postgres'

    def __init__(self, workdir):
        import psycopg2
        self.server = PgServer(workdir)
        self.conn = psycopg2.connect(host=self.server.dir, user='postgres', dbname='postgres')
        self.conn.autocommit = True
        self.cur = self.conn.cursor()
        self.cur.execute('SELECT pg_backend_pid()')
        self.pid = self.cur.fetchone()[0]

    def q(self, sql, params):
        self.cur.execute(sql, params)
        return self.cur.fetchall()

    def load(self, ddir):
        t = time.time()
        orgs, members, places = read_rows(ddir)
        c = self.cur
        c.execute('BEGIN')
        c.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        c.execute("CREATE COLLATION IF NOT EXISTS vi (provider=icu, locale='vi-u-ks-level2', "
                  "deterministic=false)")
        c.execute("""CREATE TABLE orgs (id int NOT NULL, parent_id int, kind text NOT NULL
          CHECK (kind IN ('party','province','bloc','upper','grassroots','grassroots_cell',
            'sub_committee','cell')),
          code text, name text NOT NULL, vf int NOT NULL, vt int NOT NULL, CHECK (vf < vt),
          PRIMARY KEY (id, vf))""")
        c.execute("""CREATE TABLE members (id int PRIMARY KEY, card_no text UNIQUE,
          full_name text NOT NULL, sex text NOT NULL CHECK (sex IN ('M','F')), birth_date text,
          ethnicity text, religion text, hometown text, education text, expertise text,
          theory_level text, admitted_on text NOT NULL, official_on text,
          status text NOT NULL CHECK (status IN ('probationary','official','left','expelled',
            'deceased')), ended_on text, org_id int NOT NULL,
          adm int, off int, ended int, birth_y int, birth_md int, adm_y int, adm_md int,
          folded text, vkey text)""")
        c.execute("""CREATE TABLE placements (member_id int NOT NULL, org_id int NOT NULL,
          vf int NOT NULL, vt int NOT NULL, CHECK (vf < vt))""")

        def copy(table, rows):
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator='\n')
            for r in rows:
                w.writerow(['\\N' if v is None else v for v in r])
            buf.seek(0)
            c.copy_expert("COPY %s FROM STDIN WITH (FORMAT csv, NULL '\\N')" % table, buf)
        copy('orgs', orgs)
        copy('members', (m + (vi_text_key(m[2]),) for m in members))
        copy('placements', places)
        c.execute('CREATE INDEX orgs_parent ON orgs (parent_id, vf, vt, id, kind)')
        c.execute('CREATE INDEX pl_org ON placements (org_id, vf, vt, member_id)')
        c.execute('CREATE INDEX pl_member ON placements (member_id, vf)')
        c.execute('CREATE INDEX m_adm ON members (adm)')
        c.execute('CREATE INDEX m_off ON members (off)')
        c.execute('CREATE INDEX m_ended ON members (ended)')
        c.execute('CREATE INDEX m_folded ON members USING gin (folded gin_trgm_ops)')
        c.execute('ALTER TABLE placements ADD FOREIGN KEY (member_id) REFERENCES members')
        c.execute('COMMIT')
        c.execute('VACUUM ANALYZE')
        return time.time() - t, len(orgs) + len(members) + len(places)

    def q4(self, query, org, day, limit=20):
        d = dnum(day)
        x = self.resolve(org, d)
        if x is None:
            return None
        pat, ws = match_regex(query)
        sql = ('WITH RECURSIVE ' + SUB + ' SELECT m.id, m.full_name, m.card_no, m.birth_date, '
               'p.org_id, count(*) OVER () FROM sub JOIN placements p ON p.org_id=sub.id AND '
               'p.vf<=%(d)s AND %(d)s<p.vt JOIN members m ON m.id=p.member_id '
               'WHERE m.folded ~ %(pat)s ORDER BY m.vkey COLLATE vi, m.id LIMIT %(lim)s')
        hits = self.q(sql, {'x': x, 'd': d, 'pat': pat, 'lim': limit})
        total = hits[0][5] if hits else 0
        if not hits and limit == 0:
            total = 0
        return {'query': nfc(query), 'org': x, 'on': day, 'total': total,
                'rows': [{'id': r[0], 'full_name': r[1], 'card_no': r[2], 'birth_date': r[3],
                          'org_id': r[4]} for r in hits]}

    def w1(self, member, org, day):
        d = dnum(day)
        c = self.cur
        c.execute('BEGIN')
        c.execute("SELECT 1 FROM orgs WHERE id=%s AND vf<=%s AND %s<vt AND kind IN "
                  "('cell','grassroots_cell')", (org, d, d))
        ok = c.fetchone()
        c.execute('SELECT ctid, org_id, vf FROM placements WHERE member_id=%s AND vf<=%s AND '
                  '%s<vt FOR UPDATE', (member, d, d))
        cur = c.fetchone()
        if not ok or not cur or cur[1] == org or cur[2] >= d:
            c.execute('ROLLBACK')
            return None
        c.execute('UPDATE placements SET vt=%s WHERE ctid=%s', (d, cur[0]))
        c.execute('INSERT INTO placements VALUES (%s,%s,%s,%s)', (member, org, d, END))
        c.execute('UPDATE members SET org_id=%s WHERE id=%s', (org, member))
        c.execute('COMMIT')
        return {'member': member, 'org': org, 'effective': day}

    def peak_rss_kb(self):
        try:
            with open('/proc/%d/status' % self.pid) as f:
                for line in f:
                    if line.startswith('VmHWM:'):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def close(self):
        try:
            self.conn.close()
        finally:
            self.server.stop()


# ---------------------------------------------------------------- running a parameter file

def run_params(engine, params, out):
    """Answer every question of params (dict op -> list of arg lists); write JSON lines."""
    ops = {
        'Q1': lambda a: engine.q1(a[0], a[1]),
        'Q2': lambda a: engine.q2(a[0], a[1]),
        'Q3': lambda a: engine.q3(a[0], a[1]),
        'Q4': lambda a: engine.q4(a[0], a[1], a[2], a[3]),
        'Q5': lambda a: engine.q5(a[0], a[1], a[2]),
        'Q6': lambda a: engine.q6(member=a[1]) if a[0] == 'id' else engine.q6(card=a[1]),
        'W1': lambda a: engine.w1(a[0], a[1], a[2]),
    }
    ops['W1C'] = ops['Q6']   # read-backs after W1
    ops['W1Q'] = ops['Q1']
    for op in ('Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'W1', 'W1C', 'W1Q'):
        for i, a in enumerate(params.get(op, [])):
            t = time.perf_counter()
            res = ops[op](a)
            ms = (time.perf_counter() - t) * 1000.0
            line = {'op': op, 'i': i, 'ms': ms, 'exit': 0 if res is not None else 3}
            if res is not None:
                line['result'] = res
            out.write(json.dumps(line, ensure_ascii=False) + '\n')


def main(argv):
    if len(argv) < 5 or argv[0] != 'run':
        sys.stderr.write('usage: baselines.py run sqlite|postgres DATASET PARAMS.json OUT.jsonl '
                         '[WORKDIR]\n')
        return 2
    kind, ddir, pfile, ofile = argv[1:5]
    workdir = argv[5] if len(argv) > 5 else tempfile.mkdtemp(prefix='hoso-base-')
    os.makedirs(workdir, exist_ok=True)
    params = json.load(open(pfile, encoding='utf-8'))
    engine = SqliteBaseline(workdir) if kind == 'sqlite' else PgBaseline(workdir)
    try:
        with open(ofile, 'w', encoding='utf-8') as out:
            secs, rows = engine.load(ddir)
            out.write(json.dumps({'op': 'L', 's': secs, 'rows': rows}) + '\n')
            out.flush()
            run_params(engine, params, out)
            if kind != 'sqlite':
                out.write(json.dumps({'op': 'rss', 'kb': engine.peak_rss_kb()}) + '\n')
    finally:
        engine.close()
        if len(argv) <= 5:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
