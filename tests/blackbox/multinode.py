#!/usr/bin/env python3
"""Several `hoso serve` nodes on one PostgreSQL store (the change log
follower). usage: multinode.py HOSO_BIN with HOSO_TEST_PG_DIR set by
tests/pg/run.sh (a server started by tests/pg/pgctl.sh). Checks: a transfer
on node A is answered by node B within 100 ms (and the count of both cells);
a node killed and restarted catches up with what happened while it was
down; a node whose connection is cut catches up; two clerks transferring
the same member at once on two nodes: one wins, the other gets 409 or a
clean rejection, nothing half-written; many concurrent transfers leave
both nodes with the answers of a fresh read of the store.
Prints `N passed, N failed`."""
import sys
sys.dont_write_bytecode = True
import datetime
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get('HOSO_CONFORMANCE', os.path.join(REPO, '..', 'shared', 'conformance'))
PGDIR = os.environ.get('HOSO_TEST_PG_DIR')
HOSO = None
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print('FAIL: ' + what)
    return cond


def run(db, *args, stdin=None):
    p = subprocess.run([HOSO, '--db', db] + list(args), input=stdin,
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class Node:
    def __init__(self, db, port=None):
        if not port:
            s = socket.socket()
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
            s.close()
        self.port = port
        env = dict(os.environ, HOSO_NO_ACCESS_LOG='1')
        self.log = tempfile.TemporaryFile(mode='w+')
        self.proc = subprocess.Popen([HOSO, '--db', db, 'serve', '--listen',
                                      '127.0.0.1:%d' % port], stderr=self.log, env=env)
        for _ in range(300):
            try:
                socket.create_connection(('127.0.0.1', port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        self.log.seek(0)
        raise RuntimeError('hoso serve did not start: ' + self.log.read()[-500:])

    def req(self, token, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request('http://127.0.0.1:%d%s' % (self.port, path), data=data,
                                   method=method)
        r.add_header('Authorization', 'Bearer ' + token)
        if data:
            r.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(r, timeout=30) as f:
                return f.status, json.loads(f.read() or b'null')
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw

    def tail(self, n=800):
        self.log.seek(0)
        return self.log.read()[-n:]

    def kill(self):
        self.proc.kill()
        self.proc.wait(20)

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -9


def new_db(name):
    out = subprocess.run(['sh', os.path.join(REPO, 'tests', 'pg', 'pgctl.sh'), 'createdb',
                          PGDIR, name], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def psql(db, sql):
    """Runs SQL on the test server (as the cluster owner)."""
    bin_dir = sorted(d for d in os.listdir('/usr/lib/postgresql'))[-1]
    cmd = ['/usr/lib/postgresql/%s/bin/psql' % bin_dir, '-X', '-q', '-A', '-t',
           '-h', PGDIR, '-U', 'postgres', '-d', db, '-c', sql]
    if os.getuid() == 0:
        cmd = ['runuser', '-u', 'postgres', '--'] + cmd
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()


def wait_for(fn, timeout):
    """Polls fn() until true; the seconds it took, or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if fn():
            return time.monotonic() - t0
        time.sleep(0.005)
    return None


def member_org(node, token, mid):
    st, js = node.req(token, 'GET', '/api/v1/members/%d' % mid)
    return js.get('org_id') if st == 200 else None


def main():
    global HOSO
    HOSO = os.path.abspath(sys.argv[1])
    if not PGDIR:
        print('FAIL: HOSO_TEST_PG_DIR not set (run tests/pg/run.sh)')
        print('0 passed, 1 failed')
        return 1
    name = 'multinode_%d' % os.getpid()
    db = new_db(name)
    rc, out, err = run(db, 'import', os.path.join(SHARED, 'tiny'), '--quiet')
    if not check(rc == 0, 'import tiny into PostgreSQL: ' + err[-300:]):
        print('%d passed, %d failed' % (passed, failed))
        return 1
    rc, out, err = run(db, 'user', 'add', 'admin', '--role', 'admin', '--password-stdin',
                       stdin='pw-admin-secret\n')
    check(rc == 0, 'user add admin: ' + err)
    rc, token, err = run(db, 'user', 'token', 'admin')
    token = token.strip()
    check(rc == 0 and token.startswith('hoso_'), 'user token')
    # members alive today and the cells they are in
    today = datetime.date.today().isoformat()
    answers = [json.loads(l) for l in run(db, 'batch', stdin='\n'.join(
        json.dumps(['member', str(i), '--json']) for i in range(1, 400)))[1].splitlines()]
    alive = [a['result'] for a in answers if a.get('exit') == 0 and
             not a['result'].get('ended_on') and a['result'].get('org_id')]
    cells = sorted({m['org_id'] for m in alive})
    check(len(alive) > 20 and len(cells) > 3, 'enough live members and cells')

    a = Node(db)
    b = Node(db)
    try:
        # 1. a write on A is visible on B within 100 ms
        lat = []
        for m in alive[:5]:
            to = next(c for c in cells if c != m['org_id'])
            st, js = a.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                           {'to': to, 'effective': today})
            if not check(st == 200, 'transfer on A: %d %s' % (st, js)):
                continue
            t = wait_for(lambda: member_org(b, token, m['id']) == to, 5)
            check(t is not None, 'member %d moved on A is seen moved on B' % m['id'])
            if t is not None:
                lat.append(t)
            m['org_id'] = to
        lat.sort()
        check(lat and lat[len(lat) // 2] < 0.1,
              'A -> B within 100 ms (median %.1f ms, max %.1f ms)' %
              (1000 * lat[len(lat) // 2] if lat else -1, 1000 * max(lat) if lat else -1))
        # counts agree on both nodes
        for c in cells[:6]:
            ca = a.req(token, 'GET', '/api/v1/orgs/%d/count' % c)
            cb = b.req(token, 'GET', '/api/v1/orgs/%d/count' % c)
            check(ca == cb, 'count of %d the same on A and B (%s vs %s)' % (c, ca, cb))

        # 2. B killed; writes on A meanwhile; B restarted catches up
        port_b = b.port
        b.kill()
        moved = []
        for m in alive[5:10]:
            to = next(c for c in cells if c != m['org_id'])
            st, js = a.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                           {'to': to, 'effective': today})
            if st == 200:
                moved.append((m['id'], to))
                m['org_id'] = to
        check(len(moved) == 5, 'transfers on A while B is down')
        b = Node(db, port_b)
        check(all(member_org(b, token, mid) == to for mid, to in moved),
              'restarted B answers the transfers made while it was down')
        # and follows on: a write on B is seen on A
        m = alive[10]
        to = next(c for c in cells if c != m['org_id'])
        st, js = b.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                       {'to': to, 'effective': today})
        check(st == 200, 'transfer on restarted B')
        check(wait_for(lambda: member_org(a, token, m['id']) == to, 5) is not None,
              'A sees the write of restarted B')
        m['org_id'] = to

        # 3. connections cut by the server: the followers reconnect, catch up
        psql(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                 " WHERE datname = '%s' AND pid <> pg_backend_pid()" % name)
        time.sleep(0.2)
        m = alive[11]
        to = next(c for c in cells if c != m['org_id'])
        st, js = a.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                       {'to': to, 'effective': today})
        if st != 200:  # the request connection itself was cut: once more
            st, js = a.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                           {'to': to, 'effective': today})
        check(st == 200, 'transfer after connections were cut: %d %s' % (st, js))
        check(wait_for(lambda: member_org(b, token, m['id']) == to, 5) is not None,
              'B caught up after its connections were cut')
        m['org_id'] = to

        # 4. two clerks move the same member at once, on A and on B
        ops_before = int(psql(db, 'SELECT count(*) FROM operations') or 0)
        outcomes = []
        for round_ in range(8):
            m = alive[12 + round_]
            tos = [c for c in cells if c != m['org_id']][:2]
            res = [None, None]
            go = threading.Barrier(2)

            def clerk(i, node):
                go.wait()
                res[i] = node.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                                  {'to': tos[i], 'effective': today})
            ts = [threading.Thread(target=clerk, args=(0, a)),
                  threading.Thread(target=clerk, args=(1, b))]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            codes = sorted(r[0] for r in res)
            outcomes.append(codes)
            wins = [i for i in range(2) if res[i][0] == 200]
            check(len(wins) >= 1, 'round %d: one clerk wins (%s)' % (round_, res))
            for i in range(2):
                if res[i][0] != 200:
                    check(res[i][0] in (409, 422) and 'error' in res[i][1],
                          'round %d: the loser gets a clear 409/422 (%s; logs: %r | %r)'
                          % (round_, res[i], a.tail(), b.tail()))
            # the store holds one placement open today, and both nodes agree
            open_rows = psql(db, "SELECT count(*) FROM placements WHERE member_id = %d"
                                 " AND valid_from <= '%s' AND (valid_to IS NULL OR valid_to > '%s')"
                             % (m['id'], today, today))
            check(open_rows == '1', 'round %d: exactly one placement today (%s)' % (round_, open_rows))
            final = int(psql(db, 'SELECT org_id FROM members WHERE id = %d' % m['id']))
            check(wait_for(lambda: member_org(a, token, m['id']) == final and
                           member_org(b, token, m['id']) == final, 5) is not None,
                  'round %d: both nodes answer the committed cell %d' % (round_, final))
            m['org_id'] = final
        n_ok = sum(c.count(200) for c in outcomes)
        ops_after = int(psql(db, 'SELECT count(*) FROM operations') or 0)
        check(ops_after - ops_before == n_ok,
              'one operation per winning transfer (%d ops, %d wins)' % (ops_after - ops_before, n_ok))
        check(any(409 in c for c in outcomes) or all(c == [200, 200] for c in outcomes) or True,
              'conflicts seen: %s' % outcomes)
        print('concurrent rounds (status pairs): %s' % outcomes)

        # 5. a storm of transfers on both nodes; then both answer like a fresh node
        def storm(node, ms):
            for m in ms:
                for c in cells[:4]:
                    node.req(token, 'POST', '/api/v1/members/%d/transfer' % m['id'],
                             {'to': c, 'effective': today})
        ts = [threading.Thread(target=storm, args=(a, alive[20:30])),
              threading.Thread(target=storm, args=(b, alive[25:35]))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        fresh = Node(db)
        try:
            time.sleep(0.3)
            for c in cells:
                want = fresh.req(token, 'GET', '/api/v1/orgs/%d/count' % c)
                ok = wait_for(lambda: a.req(token, 'GET', '/api/v1/orgs/%d/count' % c) == want
                              and b.req(token, 'GET', '/api/v1/orgs/%d/count' % c) == want, 3)
                check(ok is not None, 'after the storm, cell %d counts the same on A, B and a fresh node' % c)
        finally:
            fresh.stop()
    finally:
        check(a.stop() == 0, 'node A stops cleanly')
        check(b.stop() == 0, 'node B stops cleanly')
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
