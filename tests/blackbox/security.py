#!/usr/bin/env python3
"""Hostile input against `hoso serve`: security headers on every reply, no
secrets or personal data in the log, session fixation, CSRF, SQL injection
on every text parameter and body field of the route table (read from the
OpenAPI document), path traversal on web files, oversize requests, slow
clients (slowloris) against the connection limits, login throttling.
Usage: security.py [path/to/hoso]"""
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash as h  # noqa: E402  (shared helpers: Server, run, digest...)
import backend  # noqa: E402  (SQLite file or PostgreSQL database)

# crash.py's helpers (digest) read the store through backend.connect
h.sqlite3 = backend

INJECT = ["' OR 1=1 --", "\"; DROP TABLE members; --", "1; DELETE FROM "
          "placements", "') UNION SELECT password_hash FROM auth_users --",
          "%' OR '%'='", "1 OR 1=1", "\\'; --", "${jndi:ldap://x}",
          "<script>alert(1)</script>", "ĐẢNG' OR 'a'='a"]
PASSWORD = "pw-admin-secret"


def headers_ok(hd, path, api=True):
    csp = hd.get("Content-Security-Policy", "")
    h.check("frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
            and "default-src" in csp, "CSP on %s" % path, csp)
    h.check(hd.get("X-Content-Type-Options") == "nosniff",
            "nosniff on %s" % path)
    h.check(hd.get("X-Frame-Options") == "DENY", "X-Frame-Options on %s"
            % path)
    h.check(hd.get("Referrer-Policy") == "no-referrer",
            "Referrer-Policy on %s" % path)
    if api:
        h.check(hd.get("Cache-Control") == "no-store",
                "Cache-Control no-store on %s" % path)


def raw(port, data, src="127.0.0.1", timeout=10):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    try:
        s.sendall(data)
    except OSError:
        pass
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
            m = re.search(rb"Content-Length: (\d+)", out, re.I)
            e = out.find(b"\r\n\r\n")
            if m and e >= 0 and len(out) >= e + 4 + int(m.group(1)):
                break
    except OSError:
        pass
    s.close()
    m = re.match(rb"HTTP/1\.[01] (\d+)", out)
    return int(m.group(1)) if m else 0, out


def login(srv, user, pw, cookie=None):
    hd = {"Cookie": "hoso_session=" + cookie} if cookie else {}
    st, rh, js, _ = srv.req("POST", "/api/v1/auth/login",
                            {"user": user, "password": pw}, headers=hd)
    sid = None
    if st == 200:
        sid = rh.get("Set-Cookie", "").split(";")[0].split("=", 1)[1]
    return st, rh, js, sid


def part_headers(srv, token):
    for method, path, body in [
            ("GET", "/healthz", None), ("GET", "/api/v1/openapi.json", None),
            ("GET", "/api/v1/orgs/1/count", None), ("GET", "/nowhere", None),
            ("GET", "/api/v1/orgs/999999/count", None),
            ("POST", "/api/v1/orgs/1/count", None),
            ("POST", "/api/v1/auth/login", {"user": "x", "password": "y"}),
            ("GET", "/api/v1/search?q=a&bad=1", None)]:
        for tok in (None, token):
            st, hd, _, _ = srv.req(method, path, body, token=tok)
            headers_ok(hd, "%s %s (%d)" % (method, path, st))
    st, hd, _, text = srv.req("GET", "/")
    if st == 200:
        headers_ok(hd, "GET / (web)", api=False)
        h.check("unsafe-inline" not in hd.get("Content-Security-Policy", ""),
                "web CSP has no unsafe-inline")


def part_session(srv, db):
    # fixation: a session id chosen by an attacker is not kept by login
    fixed = "a" * 64
    st, rh, js, sid = login(srv, "admin", PASSWORD, cookie=fixed)
    h.check(st == 200 and sid and sid != fixed,
            "login issues a new session id, not the one presented")
    cookie = rh.get("Set-Cookie", "")
    h.check("HttpOnly" in cookie and "SameSite" in cookie,
            "session cookie is HttpOnly and SameSite", cookie)
    st, _, _, _ = srv.req("GET", "/api/v1/me",
                          headers={"Cookie": "hoso_session=" + fixed})
    h.check(st == 401, "the fixed session id is not logged in (%d)" % st)
    st, _, me, _ = srv.req("GET", "/api/v1/me",
                           headers={"Cookie": "hoso_session=" + sid})
    h.check(st == 200, "the new session works")
    # logging in again from a logged-in session gives another id
    st2, _, js2, sid2 = login(srv, "admin", PASSWORD, cookie=sid)
    h.check(st2 == 200 and sid2 != sid, "a second login rotates the id")
    csrf = js2["csrf"] if js2 else ""
    # CSRF
    ck = {"Cookie": "hoso_session=" + sid2}
    body = {"to": 1, "effective": "2024-01-01"}
    path = "/api/v1/members/1/transfer"
    st, _, js, _ = srv.req("POST", path, body, headers=ck)
    h.check(st == 403 and js["error"]["code"] == "csrf",
            "cookie write without X-CSRF-Token: 403 (%d)" % st)
    st, _, js, _ = srv.req("POST", path, body,
                           headers=dict(ck, **{"X-CSRF-Token": "0" * 64}))
    h.check(st == 403, "wrong CSRF token: 403 (%d)" % st)
    st, _, js, _ = srv.req("POST", path, body,
                           headers=dict(ck, **{"X-CSRF-Token": js and ""}))
    h.check(st == 403, "empty CSRF token: 403 (%d)" % st)
    other = js["csrf"] if st == 200 and js else (
        login(srv, "admin", PASSWORD)[2] or {}).get("csrf", "")
    st, _, _, _ = srv.req("POST", path, body,
                          headers=dict(ck, **{"X-CSRF-Token": other}))
    h.check(st == 403, "another session's CSRF token: 403 (%d)" % st)
    st, _, _, _ = srv.req("POST", "/api/v1/auth/logout", None,
                          headers=dict(ck, **{"X-CSRF-Token": csrf}))
    h.check(st == 200, "logout with the right CSRF token (%d)" % st)
    st, _, _, _ = srv.req("GET", "/api/v1/me", headers=ck)
    h.check(st == 401, "a session ended by logout is dead (%d)" % st)


def fill(pattern, value):
    return re.sub(r"\{[^}]+\}", lambda m: value, pattern)


def part_injection(srv, db, token, doc):
    before = h.digest(db)
    n = 0
    bad = []
    for pattern, ops in doc["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            texts = [p for p in params if p["in"] == "query" and
                     p["schema"].get("type") == "string" and
                     p["schema"].get("format") != "date"]
            paths = [p for p in params if p["in"] == "path"]
            body = (op.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema", {})
                    .get("properties", {}))
            base_q = {p["name"]: ("2020-01-01" if p["schema"].get("format")
                                  == "date" else "1")
                      for p in params if p["in"] == "query" and
                      p.get("required")}
            for inj in INJECT:
                tries = []
                if paths:
                    tries.append((fill(pattern, urllib.parse.quote(
                        inj, safe="")), base_q, None))
                for p in texts:
                    q = dict(base_q)
                    q[p["name"]] = inj
                    tries.append((fill(pattern, "1"), q, None))
                if method == "post" and body:
                    for f, sch in body.items():
                        if sch.get("type") == "string" and \
                                sch.get("format") != "date":
                            b = {f: inj}
                            tries.append((fill(pattern, "1"), {}, b))
                for path, q, b in tries:
                    url = path + ("?" + urllib.parse.urlencode(q) if q
                                  else "")
                    st, _, js, text = srv.req(method.upper(), url, b,
                                              token=token)
                    n += 1
                    if st >= 500 or "$argon2" in text:
                        bad.append((method, url, b, st))
    h.check(n > 100, "injection attempts made (%d)" % n)
    h.check(not bad, "no injection answered 5xx or leaked (%d tries)" % n,
            bad[:4])
    rc, out, err = h.run(db, "check")
    h.check(rc == 0, "store consistent after the injection attempts",
            out + err)
    c = backend.connect(db)
    tables = {r[0] for r in c.execute(
        "SELECT table_name FROM information_schema.tables WHERE "
        "table_schema = 'public'" if backend.is_pg(db) else
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    c.close()
    h.check({"members", "placements", "org_versions", "operations",
             "audit_log"} <= tables, "every table is still there")
    return before


def part_traversal(srv):
    secret = "root:"
    for p in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
              "/app/..%2f..%2f..%2fetc%2fpasswd", "/app/%2e%2e%2fMakefile",
              "/%2e%2e%2f%2e%2e%2fMakefile", "/..%5c..%5cMakefile",
              "/app/....//....//etc/passwd", "//etc/passwd",
              "/app/%252e%252e%252fMakefile", "/.git/config", "/.env",
              "/app/.hidden", "/%00index.html", "/index.html%00.js",
              "/app/../../Makefile", "/app//etc/passwd"]:
        st, out = raw(srv.port, ("GET %s HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n" % p).encode())
        # a NUL ends the path where the server reads it: "/%00x" is "/"
        ok = (400, 403, 404, 405, 200) if "%00" in p else (400, 403, 404, 405)
        h.check(st in ok and secret.encode() not in out
                and b"CFLAGS" not in out and b"[core]" not in out,
                "traversal %s refused (%d)" % (p, st))


def part_oversize(srv, token):
    big = {"to": 1, "effective": "2024-01-01", "reason": "x" * (70 * 1024)}
    st, _, js, _ = srv.req("POST", "/api/v1/members/1/transfer", big,
                           token=token)
    h.check(st == 413, "oversize body: 413 (%d)" % st)
    st, _, _, _ = srv.req("POST", "/api/v1/auth/login",
                          {"user": "admin", "password": "p" * 5000})
    h.check(st == 413, "oversize login body: 413 (%d)" % st)
    st, out = raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  b"a" * (128 * 1024) + b"\r\n\r\n")
    h.check(st in (0, 400, 413, 431), "oversize header refused (%d)" % st)
    st, out = raw(srv.port, b"GET /api/v1/search?q=" + b"a" * 100000 +
                  b" HTTP/1.1\r\nHost: x\r\n\r\n")
    h.check(st in (0, 400, 413, 414, 431), "oversize URL refused (%d)" % st)
    st, _, js, _ = srv.req("GET", "/api/v1/search?q=" + "a" * 600,
                           token=token)
    h.check(st == 400, "overlong query value: 400 (%d)" % st)
    st, _, _, _ = srv.req("GET", "/healthz")
    h.check(st == 200, "server alive after oversize requests")


def part_slowloris(srv):
    """Many connections from one address sending headers a byte at a time:
    the per-address limit caps them; others are served at once."""
    socks = []
    opened = 0
    for i in range(120):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", srv.port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHo")
            socks.append(s)
            opened += 1
        except OSError:
            s.close()
    stop = threading.Event()

    def dribble():
        while not stop.is_set():
            for s in socks:
                try:
                    s.send(b"s")
                except OSError:
                    pass
            time.sleep(0.5)
    t = threading.Thread(target=dribble)
    t.start()
    time.sleep(1.5)
    # how many the server still holds: the others were closed at once
    alive = 0
    for s in socks:
        try:
            s.setblocking(False)
            d = s.recv(1)
            alive += 0 if d == b"" else 1
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    h.check(alive <= 64, "one address holds at most 64 connections (%d of "
            "%d)" % (alive, opened))
    lat = []
    for _ in range(10):
        t0 = time.time()
        st, _, _, _ = srv.req("GET", "/healthz", timeout=5)
        lat.append(time.time() - t0)
        h.check(st == 200, "served during the slowloris (%d)" % st)
    h.check(max(lat) < 2.0, "answers stay fast during the slowloris "
            "(max %.3f s)" % max(lat))
    stop.set()
    t.join()
    for s in socks:
        s.close()


def part_throttle(srv):
    for i in range(5):
        st, _, _, _ = login(srv, "victim", "wrong-password-%d" % i)
        h.check(st == 401, "bad password %d: 401 (%d)" % (i, st))
    st, _, js, _ = login(srv, "victim", "pw-victim-secret")
    h.check(st == 429, "after 5 failures even the right password: 429 (%d)"
            % st)
    st, _, _, _ = login(srv, "admin", PASSWORD)
    h.check(st == 200, "another account is not throttled (%d)" % st)


def main():
    tmp = tempfile.mkdtemp(prefix="hoso-security-")
    try:
        data = os.path.join(tmp, "data")
        h.generate(data, "tiny", 6)
        db = backend.store(tmp, "s.db")
        rc, _, err = h.run(db, "import", data)
        h.check(rc == 0, "import", err)
        token = h.admin_token(db)
        h.run(db, "user", "add", "victim", "--role", "admin",
              "--password-stdin", stdin="pw-victim-secret\n")
        srv = h.Server(db)
        try:
            st, _, doc, _ = srv.req("GET", "/api/v1/openapi.json")
            part_headers(srv, token)
            part_session(srv, db)
            # personal data that must never reach the log
            c = backend.connect(db)
            m = c.execute("SELECT id, card_no, full_name FROM members "
                          "WHERE card_no IS NOT NULL LIMIT 1").fetchone()
            c.close()
            srv.req("GET", "/api/v1/members/%d" % m[0], token=token)
            srv.req("GET", "/api/v1/members?card=%s" % m[1], token=token)
            srv.req("GET", "/api/v1/search?" + urllib.parse.urlencode(
                {"q": m[2]}), token=token)
            part_injection(srv, db, token, doc)
            part_traversal(srv)
            part_oversize(srv, token)
            part_slowloris(srv)
            part_throttle(srv)
        finally:
            rc, log = srv.stop()
        h.check(rc == 0, "server stops cleanly")
        for secret, what in [(PASSWORD, "password"), (token, "API token"),
                             (token[5:], "API token hex"),
                             ("pw-victim-secret", "victim's password"),
                             (m[1], "card number"), (m[2], "member name"),
                             (m[2].split()[-1], "given name")]:
            h.check(secret not in log, "the log holds no %s" % what)
        h.check("GET /api/v1/members/{id} 200" in log,
                "the log names route patterns")
        rc, out, err = h.run(db, "audit", "verify")
        h.check(rc == 0, "audit chain verifies after the attacks", out + err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (h.PASSED, h.FAILED))
    return 1 if h.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
