"""The store backend of the black-box suites: SQLite files by default, or
fresh PostgreSQL databases when HOSO_TEST_DB_URL names a server (set by
tests/pg/run.sh), so one suite runs unchanged on both backends.

store(tmp, name) -> a new store: tmp/name, or the URI of a new database
                    (CREATE DATABASE; dropped when the process exits)
copy(src, tmp, name) -> a new store holding what src holds (file copy, or
                    CREATE DATABASE ... TEMPLATE src)
connect(store)   -> a DB-API connection with sqlite3's conveniences
                    (con.execute(sql, params) with ? placeholders)
is_pg(store), vacant(store), exists(store) and PG (the switch)."""
import atexit
import os
import re
import shutil
import sqlite3
import sys
import urllib.parse

PG = os.environ.get('HOSO_TEST_DB_URL') or None
_made = []
_n = [0]


def _psycopg2():
    try:
        import psycopg2
    except ImportError:
        # Debian's python3-psycopg2 under another python3 of the same
        # version (pyenv): its dist-packages directory is not on the path
        sys.path.append('/usr/lib/python3/dist-packages')
        import psycopg2
    return psycopg2


def is_pg(store):
    return store.startswith(('postgres://', 'postgresql://'))


def _with_db(uri, name):
    """The URI of database `name` on the server of `uri`."""
    u = urllib.parse.urlsplit(uri)
    return '%s://%s/%s%s' % (u.scheme, u.netloc, name, '?' + u.query if u.query else '')


def db_name(uri):
    return urllib.parse.urlsplit(uri).path.lstrip('/')


def _admin(sql):
    """Runs one statement outside a transaction (CREATE/DROP DATABASE)."""
    con = _psycopg2().connect(PG)
    try:
        con.autocommit = True
        con.cursor().execute(sql)
    finally:
        con.close()


def _new_name(name):
    _n[0] += 1
    base = re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')[:30]
    return 't%d_%d_%s' % (os.getpid(), _n[0], base)


def store(tmp, name):
    """A new, empty store named after `name`."""
    if not PG:
        return os.path.join(tmp, name)
    db = _new_name(name)
    _admin('CREATE DATABASE "%s"' % db)
    _made.append(db)
    return _with_db(PG, db)


def copy(src, tmp, name):
    """A new store with the content of src (no connection may be open on
    src while PostgreSQL copies it)."""
    if not is_pg(src):
        dst = os.path.join(tmp, name)
        shutil.copy(src, dst)
        return dst
    db = _new_name(name)
    _admin('CREATE DATABASE "%s" TEMPLATE "%s"' % (db, db_name(src)))
    _made.append(db)
    return _with_db(src, db)


def exists(st):
    if not is_pg(st):
        return os.path.exists(st)
    con = _psycopg2().connect(PG)
    try:
        cur = con.cursor()
        cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (db_name(st),))
        return cur.fetchone() is not None
    finally:
        con.close()


def vacant(st):
    """No store there: no SQLite file, or a PostgreSQL database without a
    registry row (the database itself was made by store())."""
    if not is_pg(st):
        return not os.path.exists(st)
    con = _psycopg2().connect(st)
    try:
        cur = con.cursor()
        cur.execute("SELECT to_regclass('org_versions') IS NULL")
        if cur.fetchone()[0]:
            return True
        cur.execute('SELECT (SELECT count(*) FROM org_versions) + (SELECT count(*) FROM members)')
        return cur.fetchone()[0] == 0
    finally:
        con.close()


class _Conn:
    """psycopg2 behind sqlite3's connection methods: execute() returns the
    cursor, ? placeholders become %s."""

    def __init__(self, uri):
        self.con = _psycopg2().connect(uri)

    @staticmethod
    def _sql(sql, params):
        if params is None:
            return sql
        return sql.replace('%', '%%').replace('?', '%s')

    def execute(self, sql, params=None):
        cur = self.con.cursor()
        cur.execute(self._sql(sql, params), params)
        return cur

    def executemany(self, sql, seq):
        cur = self.con.cursor()
        cur.executemany(self._sql(sql, ()), list(seq))
        return cur

    def commit(self):
        self.con.commit()

    def close(self):
        self.con.close()


def connect(st):
    """A connection to the store (sqlite3, or psycopg2 behind the same
    methods)."""
    if is_pg(st):
        return _Conn(st)
    return sqlite3.connect(st)


@atexit.register
def _drop():
    if not _made:
        return
    for db in _made:
        try:
            _admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db)
        except Exception as e:  # a left-over database dies with the server
            print('note: cannot drop %s: %s' % (db, e), file=sys.stderr)
