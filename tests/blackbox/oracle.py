#!/usr/bin/env python3
"""Plain-SQL oracle for hoso's questions Q1-Q6 (spec/queries.md), independent of hoso's code.

load(dataset_dir) -> sqlite3 connection holding the dataset in a simple schema;
q1_count, q2_breakdown, q3_summary, q4_search, q5_changes, q6_member answer the
questions with SQL (recursive CTEs over the org versions valid on the day) and
return the JSON answer as a dict, or None when the spec says "not found" (exit 3).
Vietnamese folding and ordering are done in Python (SQLite has no vi collation).
"""
import csv
import os
import sqlite3
import sys
import unicodedata

BEGIN = '0000-01-01'   # an empty valid_from: since ever
END = '9999-12-31'     # an empty valid_to / ended_on: still

# ---------------------------------------------------------------- text

ALPHABET = 'aăâbcdđeêfghijklmnoôơpqrstuưvwxyz'
_ALPHA_RANK = {c: i for i, c in enumerate(ALPHABET)}
# Tones in the spec's order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {'\u0300': 1, '\u0309': 2, '\u0303': 3, '\u0301': 4, '\u0323': 5}
# Vowel marks that make a distinct letter of the alphabet.
_VOWEL = {('a', '\u0306'): 'ă', ('a', '\u0302'): 'â', ('e', '\u0302'): 'ê',
          ('o', '\u0302'): 'ô', ('o', '\u031b'): 'ơ', ('u', '\u031b'): 'ư'}


def nfc(s):
    return unicodedata.normalize('NFC', s)


def fold(s):
    """NFC, lower case, every mark removed, đ -> d."""
    s = unicodedata.normalize('NFD', nfc(s).lower())
    s = ''.join(c for c in s if not unicodedata.combining(c))
    return nfc(s.replace('đ', 'd').replace('Đ', 'd'))


def name_matches(query_words, name_words):
    """Every query word a prefix of a distinct name word, in order (greedy is optimal)."""
    i = 0
    for w in name_words:
        if i < len(query_words) and w.startswith(query_words[i]):
            i += 1
    return i == len(query_words)


def _letters(part):
    """[(primary, tone)] per base character of a text, in the vi alphabet."""
    out = []
    for ch in unicodedata.normalize('NFD', nfc(part).lower()):
        if unicodedata.combining(ch):
            if not out:
                continue
            prim, tone = out[-1]
            if ch in _TONES:
                out[-1] = (prim, _TONES[ch])
            elif prim[0] == 1 and (ALPHABET[prim[1]], ch) in _VOWEL:
                out[-1] = ((1, _ALPHA_RANK[_VOWEL[(ALPHABET[prim[1]], ch)]]), tone)
            # other marks: ignored
            continue
        if ch in _ALPHA_RANK:
            out.append(((1, _ALPHA_RANK[ch]), 0))
        else:
            # Spaces, punctuation, digits sort before every letter (ICU non-ignorable).
            out.append(((0, ord(ch)), 0))
    return out


def vi_key(full_name):
    """Sort key: (given, middle, family) letters part by part, then the tones."""
    words = nfc(full_name).split()
    if not words:
        parts = ['', '', '']
    elif len(words) == 1:
        parts = [words[0], '', '']
    else:
        parts = [words[-1], ' '.join(words[1:-1]), words[0]]
    letters = [_letters(p) for p in parts]
    primary = tuple(tuple(p for p, _ in l) for l in letters)
    secondary = tuple(t for l in letters for _, t in l)
    return (primary, secondary)


# ---------------------------------------------------------------- loading

def _read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            yield {k: nfc(v) if isinstance(v, str) else v for k, v in row.items()}


def _nul(v):
    return v if v not in (None, '') else None


SCHEMA = """
CREATE TABLE org_v (id INTEGER NOT NULL, parent_id INTEGER, kind TEXT NOT NULL,
  code TEXT, name TEXT NOT NULL, vf TEXT NOT NULL, vt TEXT NOT NULL);
CREATE INDEX org_v_id ON org_v (id, vf);
CREATE INDEX org_v_parent ON org_v (parent_id, vf);
CREATE TABLE member (id INTEGER PRIMARY KEY, card_no TEXT, full_name TEXT NOT NULL,
  sex TEXT, birth_date TEXT, ethnicity TEXT, religion TEXT, hometown TEXT,
  education TEXT, expertise TEXT, theory_level TEXT, admitted_on TEXT NOT NULL,
  official_on TEXT, status TEXT, ended_on TEXT, org_id INTEGER, folded TEXT);
CREATE INDEX member_card ON member (card_no);
CREATE TABLE place (member_id INTEGER NOT NULL, org_id INTEGER NOT NULL,
  vf TEXT NOT NULL, vt TEXT NOT NULL);
CREATE INDEX place_org ON place (org_id, vf);
CREATE INDEX place_member ON place (member_id, vf);
CREATE TABLE period (member_id INTEGER NOT NULL, admitted_on TEXT NOT NULL,
  official_on TEXT, status TEXT, ended_on TEXT, current INTEGER NOT NULL);
CREATE INDEX period_member ON period (member_id, admitted_on);
-- A member in each of their membership periods: the current one (the
-- members.csv row) and, for a readmitted member, the earlier ones
-- (periods.csv). Questions read members through this view.
CREATE VIEW mem AS SELECT m.id, m.card_no, m.full_name, m.sex, m.birth_date,
  m.ethnicity, m.religion, m.hometown, m.education, m.expertise,
  m.theory_level, e.admitted_on, e.official_on, e.status, e.ended_on,
  m.org_id, m.folded FROM member m JOIN period e ON e.member_id = m.id;
"""

MEMBER_COLS = ['id', 'card_no', 'full_name', 'sex', 'birth_date', 'ethnicity',
               'religion', 'hometown', 'education', 'expertise', 'theory_level',
               'admitted_on', 'official_on', 'status', 'ended_on', 'org_id']


def load(dataset_dir, path=':memory:'):
    """Load a dataset folder (interchange format) into a new SQLite connection."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany('INSERT INTO org_v VALUES (?,?,?,?,?,?,?)', (
        (int(r['id']), int(r['parent_id']) if _nul(r.get('parent_id')) else None,
         r['kind'], _nul(r.get('code')), r['name'],
         _nul(r.get('valid_from')) or BEGIN, _nul(r.get('valid_to')) or END)
        for r in _read_csv(os.path.join(dataset_dir, 'orgs.csv'))))
    members = []
    for r in _read_csv(os.path.join(dataset_dir, 'members.csv')):
        row = [_nul(r.get(c)) for c in MEMBER_COLS]
        row[0] = int(row[0])
        row[15] = int(row[15]) if row[15] is not None else None
        row.append(fold(r['full_name']))
        members.append(row)
    db.executemany('INSERT INTO member VALUES (%s)' % ','.join('?' * 17), members)
    ppath = os.path.join(dataset_dir, 'placements.csv')
    if os.path.exists(ppath):
        db.executemany('INSERT INTO place VALUES (?,?,?,?)', (
            (int(r['member_id']), int(r['org_id']), _nul(r.get('valid_from')) or BEGIN,
             _nul(r.get('valid_to')) or END) for r in _read_csv(ppath)))
    # Earlier periods of readmitted members and their placements (hoso's
    # export writes them beside the interchange files; absent: none).
    db.execute('INSERT INTO period SELECT id, admitted_on, official_on, status, ended_on, 1 '
               'FROM member')
    epath = os.path.join(dataset_dir, 'periods.csv')
    if os.path.exists(epath):
        db.executemany('INSERT INTO period VALUES (?,?,?,?,?,0)', (
            (int(r['member_id']), r['admitted_on'], _nul(r.get('official_on')),
             _nul(r.get('status')), _nul(r.get('ended_on'))) for r in _read_csv(epath)))
    eppath = os.path.join(dataset_dir, 'period_placements.csv')
    if os.path.exists(eppath):
        db.executemany('INSERT INTO place VALUES (?,?,?,?)', (
            (int(r['member_id']), int(r['org_id']), _nul(r.get('valid_from')) or BEGIN,
             _nul(r.get('valid_to')) or END) for r in _read_csv(eppath)))
    # A member without placement rows is placed in org_id over [admitted_on, ended_on).
    db.execute("""INSERT INTO place SELECT m.id, m.org_id, m.admitted_on,
                  COALESCE(m.ended_on, ?) FROM member m
                  WHERE NOT EXISTS (SELECT 1 FROM place p WHERE p.member_id = m.id)""",
               (END,))
    db.commit()
    return db


# ---------------------------------------------------------------- helpers

def _alive(db, org, day):
    return db.execute('SELECT 1 FROM org_v WHERE id=? AND vf<=? AND ?<vt',
                      (org, day, day)).fetchone() is not None


def resolve(db, org, day):
    """ORG given as an id or a code alive on day -> id (or None)."""
    if isinstance(org, int) or str(org).isdigit():
        return int(org)
    r = db.execute('SELECT id FROM org_v WHERE code=? AND vf<=? AND ?<vt',
                   (org, day, day)).fetchone()
    return r[0] if r else None


def root_on(db, day):
    r = db.execute('SELECT id FROM org_v WHERE parent_id IS NULL AND vf<=? AND ?<vt '
                   'ORDER BY id LIMIT 1', (day, day)).fetchone()
    return r[0] if r else None


SUBTREE = """sub(id) AS (
  SELECT id FROM org_v WHERE id=:x AND vf<=:d AND :d<vt
  UNION
  SELECT v.id FROM org_v v JOIN sub ON v.parent_id=sub.id WHERE v.vf<=:d AND :d<v.vt)"""

# Active members on :d placed on :d in sub.
ACTIVE_IN_SUB = """SELECT m.* FROM place p JOIN mem m ON m.id=p.member_id
  WHERE p.org_id IN (SELECT id FROM sub) AND p.vf<=:d AND :d<p.vt
    AND m.admitted_on<=:d AND (m.ended_on IS NULL OR :d<m.ended_on)"""


def _years(a, d):
    """Full years from a to d as an SQL expression on two date texts."""
    return ("(CAST(substr({d},1,4) AS INTEGER)-CAST(substr({a},1,4) AS INTEGER)"
            "-(substr({d},6,5)<substr({a},6,5)))").format(a=a, d=d)


# ---------------------------------------------------------------- Q1..Q6

def q1_count(db, org, day):
    x = resolve(db, org, day)
    if x is None or not _alive(db, x, day):
        return None
    n = db.execute('WITH RECURSIVE %s SELECT count(*) FROM (%s)' % (SUBTREE, ACTIVE_IN_SUB),
                   {'x': x, 'd': day}).fetchone()[0]
    return {'org': x, 'on': day, 'count': n}


def q2_breakdown(db, org, day):
    x = resolve(db, org, day)
    if x is None or not _alive(db, x, day):
        return None
    age = _years('m.birth_date', ':d')
    my = _years('m.admitted_on', ':d')
    buckets = [
        ('sex', 'M', "m.sex='M'"), ('sex', 'F', "m.sex='F'"),
        ('age', 'le30', age + '<=30'), ('age', '31_40', age + ' BETWEEN 31 AND 40'),
        ('age', '41_50', age + ' BETWEEN 41 AND 50'),
        ('age', '51_60', age + ' BETWEEN 51 AND 60'), ('age', 'gt60', age + '>60'),
        ('ethnicity', 'kinh', "m.ethnicity='Kinh'"),
        ('ethnicity', 'minority', "m.ethnicity IS NOT 'Kinh'"),
        ('religion', 'none', 'm.religion IS NULL'), ('religion', 'some', 'm.religion IS NOT NULL'),
    ]
    for lv in ['none', 'elementary', 'intermediate', 'advanced', 'bachelor']:
        buckets.append(('theory_level', lv, "COALESCE(m.theory_level,'none')='%s'" % lv))
    for lv in ['none', 'intermediate', 'college', 'bachelor', 'master', 'doctor']:
        buckets.append(('expertise', lv, "COALESCE(m.expertise,'none')='%s'" % lv))
    buckets += [
        ('membership_years', 'lt10', my + '<10'),
        ('membership_years', '10_29', my + ' BETWEEN 10 AND 29'),
        ('membership_years', 'ge30', my + '>=30'),
        ('status', 'official', 'm.official_on IS NOT NULL AND m.official_on<=:d'),
        ('status', 'probationary', 'NOT (m.official_on IS NOT NULL AND m.official_on<=:d)'),
    ]
    sel = ', '.join('COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END),0)' % c for _, _, c in buckets)
    q = 'WITH RECURSIVE %s SELECT count(*), %s FROM (%s) m' % (SUBTREE, sel, ACTIVE_IN_SUB)
    row = db.execute(q, {'x': x, 'd': day}).fetchone()
    out = {'org': x, 'on': day, 'total': row[0]}
    for (group, key, _), v in zip(buckets, row[1:]):
        out.setdefault(group, {})[key] = v
    return out


def q3_summary(db, org, day):
    x = root_on(db, day) if org is None else resolve(db, org, day)
    if x is None or not _alive(db, x, day):
        return None
    q = """WITH RECURSIVE sub(top, id, kind) AS (
      SELECT id, id, kind FROM org_v WHERE parent_id=:x AND vf<=:d AND :d<vt
      UNION
      SELECT sub.top, v.id, v.kind FROM org_v v JOIN sub ON v.parent_id=sub.id
        WHERE v.vf<=:d AND :d<v.vt)
    SELECT c.id, c.code, c.name,
      (SELECT count(*) FROM sub s WHERE s.top=c.id AND s.kind IN ('grassroots','grassroots_cell')),
      (SELECT count(*) FROM sub s WHERE s.top=c.id AND s.kind IN ('cell','grassroots_cell')),
      (SELECT count(*) FROM place p JOIN mem m ON m.id=p.member_id
        WHERE p.org_id IN (SELECT s.id FROM sub s WHERE s.top=c.id) AND p.vf<=:d AND :d<p.vt
          AND m.admitted_on<=:d AND (m.ended_on IS NULL OR :d<m.ended_on))
    FROM org_v c WHERE c.parent_id=:x AND c.vf<=:d AND :d<c.vt ORDER BY c.id"""
    rows = [{'id': r[0], 'code': r[1], 'name': r[2], 'grassroots': r[3], 'cells': r[4],
             'members': r[5]} for r in db.execute(q, {'x': x, 'd': day})]
    return {'org': x, 'on': day, 'rows': rows}


def q4_search(db, query, org, day, limit=20):
    x = root_on(db, day) if org is None else resolve(db, org, day)
    if x is None or not _alive(db, x, day):
        return None
    qwords = fold(query).split()
    q = ('WITH RECURSIVE %s SELECT m.id, m.full_name, m.card_no, m.birth_date, p.org_id, m.folded '
         'FROM place p JOIN mem m ON m.id=p.member_id WHERE p.org_id IN (SELECT id FROM sub) '
         'AND p.vf<=:d AND :d<p.vt AND m.admitted_on<=:d AND (m.ended_on IS NULL OR :d<m.ended_on)'
         % SUBTREE)
    hits = [r for r in db.execute(q, {'x': x, 'd': day}) if name_matches(qwords, r[5].split())]
    hits.sort(key=lambda r: (vi_key(r[1]), r[0]))
    rows = [{'id': r[0], 'full_name': r[1], 'card_no': r[2], 'birth_date': r[3],
             'org_id': r[4]} for r in hits[:limit]]
    return {'query': nfc(query), 'org': x, 'on': day, 'total': len(hits), 'rows': rows}


# Is (org, day) in subtree(:x, day)? Climb the chain of parents valid on that day.
_CHAIN = """anc(ev, id, day, parent) AS (
  SELECT c.ev, v.id, c.day, v.parent_id FROM checks c
    JOIN org_v v ON v.id=c.org AND v.vf<=c.day AND c.day<v.vt
  UNION
  SELECT a.ev, v.id, a.day, v.parent_id FROM anc a
    JOIN org_v v ON v.id=a.parent AND v.vf<=a.day AND a.day<v.vt)"""


def _in_subtree(db, x, pairs):
    """pairs: list of (org, day) -> list of booleans, in subtree(x, day)?"""
    if not pairs:
        return []
    db.execute('CREATE TEMP TABLE IF NOT EXISTS checks (ev INTEGER, org INTEGER, day TEXT)')
    db.execute('DELETE FROM checks')
    db.executemany('INSERT INTO checks VALUES (?,?,?)',
                   [(i, o, d) for i, (o, d) in enumerate(pairs)])
    found = {r[0] for r in db.execute(
        'WITH RECURSIVE %s SELECT DISTINCT ev FROM anc WHERE id=?' % _CHAIN, (x,))}
    return [i in found for i in range(len(pairs))]


def q5_changes(db, org, a, b):
    x = int(org) if str(org).isdigit() else None
    if x is None:   # a code: alive at some day of [a, b)
        r = db.execute('SELECT id FROM org_v WHERE code=? AND vf<? AND ?<vt',
                       (org, b, a)).fetchone()
        x = r[0] if r else None
    if x is None or db.execute('SELECT 1 FROM org_v WHERE id=? AND vf<? AND ?<vt',
                               (x, b, a)).fetchone() is None:
        return None
    out = {'org': x, 'from': a, 'to': b, 'admitted': 0, 'made_official': 0,
           'moved_in': 0, 'moved_out': 0, 'left': 0, 'expelled': 0, 'died': 0}
    simple = []   # (key, org, day)
    for key, col in (('admitted', 'admitted_on'), ('made_official', 'official_on')):
        for (o, t) in db.execute(
                'SELECT p.org_id, m.%s FROM mem m JOIN place p ON p.member_id=m.id '
                'AND p.vf<=m.%s AND m.%s<p.vt WHERE m.%s>=? AND m.%s<?'
                % (col, col, col, col, col), (a, b)):
            simple.append((key, o, t))
    for (o, t1, status) in db.execute(
            "SELECT p.org_id, date(m.ended_on,'-1 day'), m.status FROM mem m "
            "JOIN place p ON p.member_id=m.id AND p.vf<=date(m.ended_on,'-1 day') "
            "AND date(m.ended_on,'-1 day')<p.vt WHERE m.ended_on>=? AND m.ended_on<?",
            (a, b)):
        key = {'left': 'left', 'expelled': 'expelled', 'deceased': 'died'}.get(status)
        if key:
            simple.append((key, o, t1))
    for key, ok in zip([s[0] for s in simple],
                       _in_subtree(db, x, [(s[1], s[2]) for s in simple])):
        if ok:
            out[key] += 1
    # Moves: a member's next placement starting on t in [a, b), in the same
    # membership period (a readmission is an admission, not a move).
    moves = db.execute(
        "SELECT p1.org_id, date(p1.vt,'-1 day'), p2.org_id, p2.vf FROM place p2 "
        "JOIN place p1 ON p1.member_id=p2.member_id AND p1.vf=(SELECT max(q.vf) FROM place q "
        "WHERE q.member_id=p2.member_id AND q.vf<p2.vf) WHERE p2.vf>=? AND p2.vf<? "
        "AND NOT EXISTS (SELECT 1 FROM period e WHERE e.member_id=p2.member_id "
        "AND e.ended_on IS NOT NULL AND p1.vf<e.ended_on AND e.ended_on<=p2.vf)",
        (a, b)).fetchall()
    prev = _in_subtree(db, x, [(m[0], m[1]) for m in moves])
    new = _in_subtree(db, x, [(m[2], m[3]) for m in moves])
    for was, now in zip(prev, new):
        if now and not was:
            out['moved_in'] += 1
        elif was and not now:
            out['moved_out'] += 1
    return out


def q6_member(db, member_id=None, card=None):
    if card is not None:
        r = db.execute('SELECT * FROM member WHERE card_no=?', (card,)).fetchone()
    else:
        r = db.execute('SELECT * FROM member WHERE id=?', (int(member_id),)).fetchone()
    if r is None:
        return None
    out = dict(zip(MEMBER_COLS, r[:16]))
    pl = []
    for (o, vf, vt) in db.execute('SELECT org_id, vf, vt FROM place WHERE member_id=? '
                                  'ORDER BY vf', (out['id'],)):
        n = db.execute('SELECT name FROM org_v WHERE id=? AND vf<=? AND ?<vt',
                       (o, vf, vf)).fetchone()
        pl.append({'org_id': o, 'org_name': n[0] if n else None,
                   'valid_from': None if vf == BEGIN else vf,
                   'valid_to': None if vt == END else vt})
    out['placements'] = pl
    periods = db.execute('SELECT admitted_on, official_on, status, ended_on FROM period '
                         'WHERE member_id=? ORDER BY current, admitted_on',
                         (out['id'],)).fetchall()
    if len(periods) > 1:   # a readmitted member lists every period
        out['periods'] = [dict(zip(('admitted_on', 'official_on', 'status', 'ended_on'), e))
                          for e in periods]
    return out


# ---------------------------------------------------------------- argv dispatch

def answer(db, argv):
    """Answer a hoso argv (as in cases.jsonl). Returns (exit, result-or-None)."""
    args = list(argv)
    cmd = args.pop(0)
    opts, pos = {}, []
    while args:
        t = args.pop(0)
        if t == '--json':
            continue
        if t.startswith('--'):
            opts[t[2:]] = args.pop(0)
        else:
            pos.append(t)
    if cmd == 'count':
        res = q1_count(db, pos[0], opts['on'])
    elif cmd == 'breakdown':
        res = q2_breakdown(db, pos[0], opts['on'])
    elif cmd == 'summary':
        res = q3_summary(db, pos[0] if pos else None, opts['on'])
    elif cmd == 'search':
        res = q4_search(db, pos[0], opts.get('in'), opts['on'], int(opts.get('limit', 20)))
    elif cmd == 'changes':
        res = q5_changes(db, pos[0], opts['from'], opts['to'])
    elif cmd == 'member':
        res = q6_member(db, card=opts['card']) if 'card' in opts else q6_member(db, pos[0])
    else:
        raise ValueError('unknown command ' + cmd)
    return (3, None) if res is None else (0, res)


if __name__ == '__main__':
    # oracle.py DATASET ARGV... : print the oracle's answer.
    import json
    d = load(sys.argv[1])
    code, res = answer(d, sys.argv[2:])
    print(json.dumps(res, ensure_ascii=False))
    sys.exit(code)
