#!/usr/bin/env python3
"""Black-box test of `hoso serve`: starts the real binary on a free port over a
store loaded with tiny generated data and exercises every route, the
authorisation matrix, CSRF, throttling, session expiry, malformed input, the
audit log and HTTP == CLI answers. Usage: api.py [path/to/hoso]."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backend  # noqa: E402  (SQLite file or PostgreSQL database)

HOSO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.environ.get("HOSO", "./hoso"))
PASSED = 0
FAILED = 0
CALLED = set()          # (method, pattern) of routes called
CORE_ROUTES = {tuple(l.split(" ", 1)) for l in """GET /healthz
GET /api/v1/openapi.json
POST /api/v1/auth/login
POST /api/v1/auth/logout
GET /api/v1/me
GET /api/v1/orgs/{id}
GET /api/v1/orgs/{id}/versions
GET /api/v1/orgs/{id}/count
GET /api/v1/orgs/{id}/breakdown
GET /api/v1/orgs/{id}/summary
GET /api/v1/orgs/{id}/changes
GET /api/v1/orgs/{id}/members
GET /api/v1/search
GET /api/v1/members
GET /api/v1/members/{id}
POST /api/v1/members/{id}/transfer
GET /api/v1/audit""".splitlines()}
OPENAPI = None


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL:", what, flush=True)


# ---- tiny data -------------------------------------------------------------
ORGS = """id,parent_id,kind,code,name,valid_from,valid_to
1,,party,TW,Ban Chấp hành Trung ương,,
2,1,bloc,K01,Đảng ủy Khối Cơ quan,,
3,1,province,T01,Thành ủy Hà Nội,,
10,2,grassroots,CS10,Đảng bộ Bộ Nội vụ,,
11,10,cell,CB11,Chi bộ Vụ Tổ chức,,
12,10,cell,CB12,Chi bộ Văn phòng cũ,,2015-01-01
12,10,cell,CB12,Chi bộ Văn phòng,2015-01-01,
20,3,grassroots_cell,CS20,Chi bộ cơ sở Trường Y,,
30,3,grassroots,CS30,Đảng bộ Sở Xây dựng,,
31,30,cell,CB31,Chi bộ Phòng Kế hoạch,,
"""
MEMBER_COLS = ("id,card_no,full_name,sex,birth_date,ethnicity,religion,hometown,"
               "education,expertise,theory_level,admitted_on,official_on,status,"
               "ended_on,org_id")
MEMBERS = [
    (1, "10000001", "Nguyễn Thị Hà", "F", "1980-01-02", "Kinh", "", "Hà Nội",
     "12/12", "bachelor", "intermediate", "2005-03-02", "2006-03-02",
     "official", "", 11),
    (2, "10000002", "Trần Văn An", "M", "1975-05-06", "Kinh", "Phật giáo",
     "Nam Định", "12/12", "master", "advanced", "2000-06-01", "2001-06-01",
     "official", "", 11),
    (3, "", "Lê Minh Châu", "F", "1998-07-08", "Tày", "", "", "12/12",
     "college", "none", "2024-02-03", "", "probationary", "", 12),
    (4, "10000004", "Phạm Văn Dũng", "M", "1960-09-10", "Kinh", "",
     "Hà Nội", "10/10", "", "", "1985-01-01", "1986-01-01", "official", "",
     20),
    (5, "10000005", "Hoàng Thị Em", "F", "1990-11-12", "Kinh", "",
     "Hải Phòng", "12/12", "bachelor", "elementary", "2012-04-05",
     "2013-04-05", "official", "", 31),
    (6, "10000006", "Nguyễn Văn Giang", "M", "1955-01-01", "Kinh", "", "",
     "12/12", "doctor", "bachelor", "1980-01-01", "1981-01-01", "left",
     "2019-06-01", 31),
    (7, "10000007", "Nguyễn Thị Hồng Nhung", "F", "1985-03-04", "Kinh",
     "Công giáo", "", "12/12", "bachelor", "intermediate", "2010-05-06",
     "2011-05-06", "official", "", 11),
]
PLACEMENTS = """member_id,org_id,valid_from,valid_to
1,11,2005-03-02,
2,12,2000-06-01,2018-01-01
2,11,2018-01-01,
3,12,2024-02-03,
4,20,1985-01-01,
5,31,2012-04-05,
6,31,1980-01-01,2019-06-01
7,11,2010-05-06,
"""


def write_data(d):
    with open(os.path.join(d, "orgs.csv"), "w", encoding="utf-8") as f:
        f.write(ORGS)
    with open(os.path.join(d, "members.csv"), "w", encoding="utf-8") as f:
        f.write(MEMBER_COLS + "\n")
        for m in MEMBERS:
            f.write(",".join(str(x) for x in m) + "\n")
    with open(os.path.join(d, "placements.csv"), "w", encoding="utf-8") as f:
        f.write(PLACEMENTS)


def run(db, *args, stdin=None, env=None):
    p = subprocess.run([HOSO, "--db", db] + list(args), input=stdin,
                       capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


# ---- HTTP client -----------------------------------------------------------
class Server:
    def __init__(self, db, env_extra=None):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        env = dict(os.environ)
        env.update(env_extra or {})
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [HOSO, "--db", db, "serve", "--listen",
             "127.0.0.1:%d" % self.port], stderr=self.log, env=env)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("hoso serve did not start")

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = -9
        self.log.seek(0)
        return rc, self.log.read()


class Client:
    """One user agent: keeps the session cookie and the CSRF token."""

    def __init__(self, srv, token=None, lang=None):
        self.srv = srv
        self.cookie = None
        self.csrf = None
        self.token = token
        self.lang = lang

    def req(self, method, path, body=None, headers=None, pattern=None,
            raw=None):
        h = {}
        if self.lang:
            h["Accept-Language"] = self.lang
        if self.cookie:
            h["Cookie"] = "hoso_session=" + self.cookie
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=60)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8")
        c.close()
        try:
            js = json.loads(text) if text else None
        except ValueError:
            js = None
        if pattern:
            CALLED.add((method, pattern))
            validate(method, pattern, r.status, js)
        return r.status, dict(r.getheaders()), js, text

    def login(self, user, password, headers=None):
        st, hd, js, _ = self.req("POST", "/api/v1/auth/login",
                                 {"user": user, "password": password},
                                 headers=headers, pattern="/api/v1/auth/login")
        if st == 200:
            cookie = hd.get("Set-Cookie", "")
            self.cookie = cookie.split(";")[0].split("=", 1)[1]
            self.csrf = js["csrf"]
        return st, hd, js


def validate(method, pattern, status, js):
    """Every reply is checked against the OpenAPI document."""
    if OPENAPI is None:
        return
    op = OPENAPI["paths"].get(pattern, {}).get(method.lower())
    check(op is not None, "route %s %s is in the OpenAPI document" %
          (method, pattern))
    if op is None or js is None:
        check(js is not None, "%s %s replied JSON" % (method, pattern))
        return
    key = "200" if status == 200 else "default"
    ref = op["responses"][key]["content"]["application/json"]["schema"]["$ref"]
    schema = OPENAPI["components"]["schemas"][ref.split("/")[-1]]
    ok = isinstance(js, dict) and all(k in js for k in schema.get("required", []))
    if status != 200 and ok:
        ok = isinstance(js["error"], dict) and "code" in js["error"] and \
            "message" in js["error"]
    check(ok, "%s %s %d reply matches schema %s" % (method, pattern, status,
                                                     ref))


# ---- the test --------------------------------------------------------------
def main():
    global OPENAPI
    tmp = tempfile.mkdtemp(prefix="hoso-api-")
    data = os.path.join(tmp, "data")
    os.mkdir(data)
    write_data(data)
    db = backend.store(tmp, "hoso.db")
    rc, out, err = run(db, "import", data)
    if rc != 0:
        print("import failed:", err)
        print("0 passed, 1 failed")
        return 1
    users = [("admin", "admin", None), ("org", "organiser", "2"),
             ("sec", "secretary", "11"), ("view", "viewer", "2"),
             ("insp", "inspector", "3")]
    for name, role, org in users:
        args = ["user", "add", name, "--role", role, "--password-stdin"]
        if org:
            args += ["--org", org]
        rc, out, err = run(db, *args, stdin="pw-%s-secret\n" % name)
        check(rc == 0, "user add %s: %s" % (name, err))
    rc, out, err = run(db, "user", "add", "bad", "--role", "viewer")
    check(rc == 2, "viewer without --org is bad usage (%d)" % rc)
    rc, out, err = run(db, "user", "add", "sec2", "--role", "secretary",
                       "--org", "2", "--password-stdin", stdin="longenough\n")
    check(rc == 1, "secretary on a bloc is rejected (%d)" % rc)
    rc, out, err = run(db, "user", "add", "admin", "--role", "admin",
                       "--password-stdin", stdin="pw-admin-secret\n")
    check(rc == 1, "duplicate user rejected (%d)" % rc)
    rc, out, err = run(db, "user", "grant", "insp", "--role", "viewer",
                       "--org", "2")
    check(rc == 0, "user grant: " + err)
    rc, token, err = run(db, "user", "token", "org")
    token = token.strip()
    check(rc == 0 and token.startswith("hoso_"), "user token")
    rc, out, err = run(db, "user", "list")
    check(rc == 0 and [u["name"] for u in json.loads(out)] ==
          sorted(u[0] for u in users), "user list")
    rc, out, err = run(db, "user", "add", "gone", "--role", "viewer",
                       "--org", "1", "--password-stdin",
                       stdin="pw-gone-secret\n")
    rc, out, err = run(db, "user", "disable", "gone")
    check(rc == 0, "user disable")

    srv = Server(db)
    try:
        run_api(srv, db, token)
    finally:
        rc, log = srv.stop()
    check(rc == 0, "serve exits 0 on SIGTERM (%s)" % rc)
    check("GET /api/v1/members/{id} 200" in log,
          "access log names the route pattern")
    check("Nguyễn" not in log and "10000001" not in log and
          "/members/1 " not in log, "access log has no personal data")

    # expired sessions: a server whose sessions live 2 seconds (whole
    # seconds are compared, so 1 second could expire a fresh session)
    srv2 = Server(db, {"HOSO_SESSION_TTL": "2"})
    try:
        c = Client(srv2)
        st, _, _ = c.login("sec", "pw-sec-secret")
        check(st == 200, "login on short-session server")
        st, _, _, _ = c.req("GET", "/api/v1/me", pattern="/api/v1/me")
        check(st == 200, "fresh session works")
        time.sleep(3.5)
        st, _, js, _ = c.req("GET", "/api/v1/me", pattern="/api/v1/me")
        check(st == 401, "expired session answers 401 (%d)" % st)
    finally:
        srv2.stop()

    # the audit chain: intact, then broken by an edit
    rc, out, err = run(db, "audit", "verify")
    check(rc == 0, "audit verify intact: " + out + err)
    rc, out, err = run(db, "audit", "--limit", "5")
    check(rc == 0 and len(json.loads(out)) == 5, "audit --limit 5")
    con = backend.connect(db)
    con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    con.commit()
    con.close()
    rc, out, err = run(db, "audit", "verify")
    check(rc == 1, "audit verify detects an edit (%d)" % rc)

    # This suite owns the core routes (src/api/handlers.c); the routes of
    # other features are called by their own suites, and
    # route_coverage.py checks at the end of tests/run.sh that every route
    # of the OpenAPI document was called by some suite.
    missing = []
    for path, ops in OPENAPI["paths"].items():
        for m in ops:
            if (m.upper(), path) not in CALLED and (m.upper(), path) in CORE_ROUTES:
                missing.append("%s %s" % (m.upper(), path))
    check(not missing, "every route is called: missing " + ", ".join(missing))
    print("%d passed, %d failed" % (PASSED, FAILED))
    if not FAILED:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if FAILED else 0


def db_count(db, table):
    con = backend.connect(db)
    n = con.execute("SELECT count(*) FROM " + table).fetchone()[0]
    con.close()
    return n


def run_api(srv, db, token):
    global OPENAPI
    anon = Client(srv)
    st, _, js, _ = anon.req("GET", "/healthz", pattern="/healthz")
    check(st == 200 and js == {"status": "ok"}, "healthz")
    st, _, js, _ = anon.req("GET", "/api/v1/openapi.json")
    check(st == 200 and js and js.get("openapi", "").startswith("3.1"),
          "openapi document")
    OPENAPI = js
    CALLED.add(("GET", "/api/v1/openapi.json"))
    st, _, js, _ = anon.req("GET", "/api/v1/orgs/1/count",
                            pattern="/api/v1/orgs/{id}/count")
    check(st == 401, "anonymous count is 401 (%d)" % st)
    st, _, js, _ = anon.req("GET", "/api/v1/nowhere")
    check(st == 404 and js["error"]["code"] == "not_found", "unknown path 404")
    st, _, js, _ = anon.req("DELETE", "/api/v1/me")
    check(st == 405, "wrong method 405 (%d)" % st)

    # login
    bad = Client(srv)
    st, _, js = bad.login("admin", "wrong-password")
    check(st == 401 and js["error"]["code"] == "bad_credentials",
          "bad password 401")
    check("mật khẩu" in js["error"]["message"], "message in Vietnamese")
    en = Client(srv, lang="en-GB,en;q=0.9,vi;q=0.5")
    st, _, js = en.login("nobody", "wrong-password")
    check(st == 401 and "password" in js["error"]["message"],
          "message in English when preferred")
    vi = Client(srv, lang="vi,en;q=0.5")
    st, _, js = vi.login("nobody", "wrong-password")
    check("mật khẩu" in js["error"]["message"], "vi preferred over en")
    st, _, js = Client(srv).login("gone", "pw-gone-secret")
    check(st == 401, "disabled user cannot log in")

    admin = Client(srv)
    st, hd, js = admin.login("admin", "pw-admin-secret")
    check(st == 200 and js["user"] == "admin", "admin login")
    cookie = hd.get("Set-Cookie", "")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie and
          "Secure" not in cookie, "cookie flags: " + cookie)
    st, hd, js = Client(srv).login("admin", "pw-admin-secret",
                                   headers={"X-Forwarded-Proto": "https"})
    check("Secure" in hd.get("Set-Cookie", ""), "Secure cookie behind https")
    st, _, js, _ = admin.req("GET", "/api/v1/me", pattern="/api/v1/me")
    check(st == 200 and js["name"] == "admin" and
          js["grants"][0]["role"] == "admin", "me")

    # every read route as admin, and HTTP == CLI --json
    day = "2024-12-31"
    cli_pairs = [
        ("/api/v1/orgs/2/count?on=" + day, "/api/v1/orgs/{id}/count",
         ["count", "2", "--on", day, "--json"]),
        ("/api/v1/orgs/K01/count?on=" + day, "/api/v1/orgs/{id}/count",
         ["count", "K01", "--on", day, "--json"]),
        ("/api/v1/orgs/1/breakdown?on=" + day, "/api/v1/orgs/{id}/breakdown",
         ["breakdown", "1", "--on", day, "--json"]),
        ("/api/v1/orgs/1/summary?on=" + day, "/api/v1/orgs/{id}/summary",
         ["summary", "1", "--on", day, "--json"]),
        ("/api/v1/orgs/1/changes?from=2018-01-01&to=2020-01-01",
         "/api/v1/orgs/{id}/changes",
         ["changes", "1", "--from", "2018-01-01", "--to", "2020-01-01",
          "--json"]),
        ("/api/v1/search?q=nguyen%20thi%20h&on=" + day, "/api/v1/search",
         ["search", "nguyen thi h", "--on", day, "--json"]),
        ("/api/v1/search?q=nguyen&in=10&on=" + day + "&limit=1",
         "/api/v1/search",
         ["search", "nguyen", "--in", "10", "--on", day, "--limit", "1",
          "--json"]),
        ("/api/v1/members/1", "/api/v1/members/{id}",
         ["member", "1", "--json"]),
        ("/api/v1/members?card=10000004", "/api/v1/members",
         ["member", "--card", "10000004", "--json"]),
    ]
    for path, pattern, args in cli_pairs:
        st, _, js, text = admin.req("GET", path, pattern=pattern)
        rc, out, err = run(db, *args)
        check(st == 200 and rc == 0 and text == out.rstrip("\n"),
              "HTTP == CLI for %s (%d/%d)\n  http %s\n  cli  %s" %
              (path, st, rc, text, out.rstrip("\n")))
    st, _, js, _ = admin.req("GET", "/api/v1/orgs/1/count?on=" + day)
    check(js["count"] == 6, "count of root on %s is 6 (%s)" % (day, js))

    st, _, js, _ = admin.req("GET", "/api/v1/orgs/10?on=" + day,
                             pattern="/api/v1/orgs/{id}")
    check(st == 200 and [p["id"] for p in js["path"]] == [1, 2] and
          [(c["id"], c["members"]) for c in js["children"]] ==
          [(11, 3), (12, 1)] and js["members"] == 4, "org 10 tree: %s" % js)
    st, _, js, _ = admin.req("GET", "/api/v1/orgs/12?on=2010-01-01")
    check(st == 200 and js["name"] == "Chi bộ Văn phòng cũ", "org on old day")
    st, _, js, _ = admin.req("GET", "/api/v1/orgs/12/versions",
                             pattern="/api/v1/orgs/{id}/versions")
    check(st == 200 and len(js["versions"]) == 2 and
          js["versions"][1]["valid_from"] == "2015-01-01", "versions")
    st, _, js, _ = admin.req("GET", "/api/v1/orgs/10/members?on=" + day,
                             pattern="/api/v1/orgs/{id}/members")
    check(st == 200 and js["total"] == 4 and
          [r["id"] for r in js["rows"]] == [1, 2, 3, 7], "members of 10: %s" % js)
    st, _, js, _ = admin.req(
        "GET", "/api/v1/orgs/10/members?on=%s&per_page=2&page=2&sex=F" % day)
    check(st == 200 and js["total"] == 3 and
          [r["id"] for r in js["rows"]] == [7], "paged filtered list: %s" % js)
    st, _, js, _ = admin.req(
        "GET", "/api/v1/orgs/10/members?on=%s&status=probationary" % day)
    check(st == 200 and [r["id"] for r in js["rows"]] == [3],
          "probationary filter")
    st, _, js, _ = admin.req("GET", "/api/v1/orgs/999/count")
    check(st == 404, "unknown org 404")
    st, _, js, _ = admin.req("GET", "/api/v1/members/999")
    check(st == 404, "unknown member 404")
    st, _, js, _ = admin.req("GET", "/api/v1/orgs/1/count?on=1990-01-01")
    check(st == 404 or st == 200, "count before the tree existed: %d" % st)

    # malformed inputs: 4xx and nothing written
    ops0, audit0 = db_count(db, "operations"), db_count(db, "audit_log")
    t = "/api/v1/members/1/transfer"
    cases = [
        ("bad JSON", None, b"{not json", 400),
        ("JSON array", None, b"[1,2]", 400),
        ("oversize body", None, b"{\"reason\":\"" + b"x" * 70000 + b"\"}", 413),
        ("bad date", {"to": 12, "effective": "2024-02-30"}, None, 400),
        ("bad date form", {"to": 12, "effective": "24-1-1"}, None, 400),
        ("unknown field", {"to": 12, "effective": "2025-01-01", "x": 1},
         None, 400),
        ("missing field", {"to": 12}, None, 400),
        ("wrong type", {"to": [12], "effective": "2025-01-01"}, None, 400),
        ("duplicate key", None,
         b'{"to":12,"to":11,"effective":"2025-01-01"}', 400),
    ]
    for what, body, raw, want in cases:
        st, _, js, _ = admin.req("POST", t, body=body, raw=raw,
                                 pattern="/api/v1/members/{id}/transfer")
        check(st == want and js and "error" in js,
              "%s -> %d (got %d %s)" % (what, want, st, js))
    for path, want in [
            ("/api/v1/orgs/1/count?on=2024-13-01", 400),
            ("/api/v1/orgs/1/count?on=yesterday", 400),
            ("/api/v1/orgs/1/count?when=2024-01-01", 400),
            ("/api/v1/orgs/1/changes?from=2020-01-01", 400),
            ("/api/v1/orgs/1/changes?from=2020-01-01&to=2019-01-01", 400),
            ("/api/v1/search?q=a&limit=0", 400),
            ("/api/v1/search?q=a&limit=5000", 400),
            ("/api/v1/orgs/1/members?per_page=1000", 400),
            ("/api/v1/orgs/1/members?sex=X", 400),
            ("/api/v1/search", 400)]:
        st, _, js, _ = admin.req("GET", path)
        check(st == want, "%s -> %d (got %d)" % (path, want, st))
    st, _, js, _ = admin.req("GET", "/api/v1/me", raw=b"{}")
    check(st == 413 or st == 400, "body on a GET route refused (%d)" % st)
    check(db_count(db, "operations") == ops0, "malformed writes wrote nothing")
    check(db_count(db, "audit_log") == audit0,
          "malformed writes left no audit entry")

    # CSRF: cookie sessions must echo the token; bearer tokens need not
    body = {"to": 12, "effective": datetime.date.today().isoformat(),
            "reason": "điều động"}
    saved = admin.csrf
    admin.csrf = None
    st, _, js, _ = admin.req("POST", t, body=body)
    check(st == 403 and js["error"]["code"] == "csrf", "no CSRF token 403")
    admin.csrf = "0" * 64
    st, _, js, _ = admin.req("POST", t, body=body)
    check(st == 403, "wrong CSRF token 403")
    admin.csrf = saved
    check(db_count(db, "operations") == ops0, "CSRF refusals wrote nothing")
    st, _, js, _ = admin.req("POST", t, body=body,
                             pattern="/api/v1/members/{id}/transfer")
    check(st == 200 and js["member_id"] == 1 and js["org_id"] == 12,
          "transfer by admin: %d %s" % (st, js))
    check(db_count(db, "operations") == ops0 + 1, "transfer wrote an operation")
    st, _, js, _ = admin.req("GET", "/api/v1/members/1")
    check(js["placements"][-1]["org_id"] == 12, "dossier shows the move")
    rc, out, err = run(db, "member", "1", "--json")
    st, _, js, text = admin.req("GET", "/api/v1/members/1")
    check(text == out.rstrip("\n"), "HTTP == CLI after transfer")
    # by API token: no CSRF needed; organiser within its subtree
    tok = Client(srv, token=token)
    st, _, js, _ = tok.req("POST", t, body={"to": "CB11", "effective":
                                            body["effective"]},
                           pattern="/api/v1/members/{id}/transfer")
    check(st == 200 or st == 422, "transfer back by token (%d %s)" % (st, js))
    st, _, js, _ = tok.req("POST", t, body={"to": 20, "effective":
                                            body["effective"]})
    check(st == 404, "transfer to a cell outside the subtree is 404 (%d)" % st)
    bad_tok = Client(srv, token="hoso_" + "0" * 64)
    st, _, _, _ = bad_tok.req("GET", "/api/v1/me")
    check(st == 401, "unknown token 401")
    st, _, js, _ = admin.req("POST", t, body={"to": 10, "effective":
                                              "2025-01-01"})
    check(st == 422, "transfer into a non-cell is rejected (%d %s)" % (st, js))

    # the authorisation matrix
    clients = {}
    for name in ("org", "sec", "view", "insp"):
        c = Client(srv)
        st, _, _ = c.login(name, "pw-%s-secret" % name)
        check(st == 200, "login " + name)
        clients[name] = c
    clients["admin"] = admin
    # per role: an org in its scope, one out of it, a member in and out
    scope = {"admin": ("1", "31", 2, 5), "org": ("10", "3", 2, 5),
             "sec": ("11", "10", 2, 4), "view": ("2", "3", 2, 5),
             "insp": ("30", "1", 5, 2)}
    perms = {"admin": {"aggregate", "personal", "write", "admin"},
             "org": {"aggregate", "personal", "write"},
             "sec": {"aggregate", "personal", "write"},
             "view": {"aggregate"},
             "insp": {"aggregate", "personal"}}
    routes = [
        ("aggregate", "/api/v1/orgs/{o}"),
        ("aggregate", "/api/v1/orgs/{o}/versions"),
        ("aggregate", "/api/v1/orgs/{o}/count"),
        ("aggregate", "/api/v1/orgs/{o}/breakdown"),
        ("aggregate", "/api/v1/orgs/{o}/summary"),
        ("aggregate", "/api/v1/orgs/{o}/changes?from=2020-01-01&to=2021-01-01"),
        ("personal", "/api/v1/orgs/{o}/members"),
        ("personal", "/api/v1/search?q=nguyen&in={o}"),
        ("personal", "/api/v1/members/{m}"),
        ("personal", "/api/v1/members?card=1000000{m}"),
    ]
    for who, c in clients.items():
        o_in, o_out, m_in, m_out = scope[who]
        for perm, tmpl in routes:
            for inside in (True, False):
                o = o_in if inside else o_out
                m = m_in if inside else m_out
                path = tmpl.replace("{o}", o).replace("{m}", str(m))
                if perm not in perms[who]:
                    want = 403
                elif who == "admin" or inside:
                    want = 200
                else:
                    want = 404
                st, _, js, _ = c.req("GET", path)
                check(st == want, "%s %s -> %d (got %d %s)" %
                      (who, path, want, st, js))
        st, _, _, _ = c.req("GET", "/api/v1/audit")
        check(st == (200 if who == "admin" else 403), "%s audit" % who)
    # several grants: insp is also a viewer of 2, which gives figures only
    st, _, _, _ = clients["insp"].req("GET", "/api/v1/orgs/10/count")
    check(st == 200, "second grant (viewer of 2) allows figures of 10")
    st, _, _, _ = clients["insp"].req("GET", "/api/v1/orgs/10/members")
    check(st == 404, "a viewer grant does not open member lists (%d)" % st)
    # writes: viewer and inspector have none; secretary only in its cell
    eff = datetime.date.today().isoformat()
    for who, member, to, want in [("view", 2, 11, 403), ("insp", 5, 31, 403),
                                  ("sec", 4, 11, 404), ("sec", 2, 20, 404),
                                  ("org", 5, 11, 404)]:
        st, _, js, _ = clients[who].req(
            "POST", "/api/v1/members/%d/transfer" % member,
            body={"to": to, "effective": eff})
        check(st == want, "%s transfer %d->%d -> %d (got %d)" %
              (who, member, to, want, st))
    st, _, js, _ = clients["sec"].req("GET", "/api/v1/search?q=nguyen")
    check(st == 200 and all(r["org_id"] == 11 for r in js["rows"]),
          "secretary search defaults to its own subtree: %s" % js)

    # audit entries were written
    st, _, js, _ = admin.req("GET", "/api/v1/audit?limit=1000",
                             pattern="/api/v1/audit")
    acts = [e["action"] for e in js["entries"]]
    for a in ("login", "login.failed", "member.read", "member.transfer",
              "search", "members.list", "user.add"):
        check(a in acts, "audit has " + a)
    tr = [e for e in js["entries"] if e["action"] == "member.transfer" and
          e["status"] == 200]
    check(tr and tr[-1]["actor"] == "admin" and tr[-1]["target"] ==
          "member:1", "transfer audit entry names actor and target")

    # Dossier reads from many clients at once: the audit entries are
    # written in group commits, each read has exactly one entry, the reply
    # comes only after it, and the chain stays intact.
    before = db_count(db, "audit_log")
    con = backend.connect(db)
    known = [r[0] for r in con.execute("SELECT id FROM members ORDER BY id")]
    con.close()
    ids = [known[i % len(known)] for i in range(40)]
    statuses = []

    def reader(k):
        c = Client(srv)
        c.cookie = admin.cookie
        for m in ids[k::8]:
            st, _, js, _ = c.req("GET", "/api/v1/members/%d" % m)
            statuses.append((m, st, js and js.get("id")))
            # the entry is there as soon as the reply is
            if st == 200:
                c2 = backend.connect(db)
                n = c2.execute("SELECT count(*) FROM audit_log WHERE "
                               "action = 'member.read' AND target = ?",
                               ("member:%d" % m,)).fetchone()[0]
                c2.close()
                if n < 1:
                    statuses.append((m, "unaudited", None))
    ths = [threading.Thread(target=reader, args=(k,)) for k in range(8)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    ok = [m for m, st, got in statuses if st == 200 and got == m]
    check(len(ok) == len(ids) and
          not any(st == "unaudited" for _, st, _ in statuses),
          "40 concurrent dossier reads answered, each audited before its "
          "reply: %s" % [x for x in statuses if x[1] != 200][:5])
    check(db_count(db, "audit_log") - before == len(ok),
          "one audit entry per concurrent read (%d for %d)" %
          (db_count(db, "audit_log") - before, len(ok)))
    rc, out, err = run(db, "audit", "verify")
    check(rc == 0, "audit chain intact after group commits: " + out + err)

    # login throttling: 5 failures per user+address, then 429
    c = Client(srv)
    for i in range(5):
        st, _, _ = c.login("view", "wrong-%d" % i)
    st, _, js = c.login("view", "pw-view-secret")
    check(st == 429 and js["error"]["code"] == "too_many_attempts",
          "6th login after 5 failures is 429 (%d)" % st)
    st, _, js = c.login("org", "pw-org-secret")
    check(st == 200, "throttling is per user")

    # A session checked recently is remembered for a few seconds: a user
    # disabled meanwhile (by the CLI, another process) is locked out once
    # that time has passed, and a logout ends the session at once.
    rc, _, _ = run(db, "user", "add", "brief", "--role", "viewer", "--org",
                   "1", "--password-stdin", stdin="pw-brief-secret\n")
    c = Client(srv)
    st, _, _ = c.login("brief", "pw-brief-secret")
    st1, _, _, _ = c.req("GET", "/api/v1/me")
    rc, _, _ = run(db, "user", "disable", "brief")
    time.sleep(6)  # HTTP_AUTH_CACHE_TTL (5 s) + 1
    st2, _, _, _ = c.req("GET", "/api/v1/me")
    check(st1 == 200 and rc == 0 and st2 == 401,
          "a disabled user's session stops within the cache time (%d, %d)"
          % (st1, st2))

    # logout ends the session
    c = clients["insp"]
    st, hd, _, _ = c.req("POST", "/api/v1/auth/logout",
                         pattern="/api/v1/auth/logout")
    check(st == 200 and "Max-Age=0" in hd.get("Set-Cookie", ""), "logout")
    st, _, _, _ = c.req("GET", "/api/v1/me")
    check(st == 401, "session gone after logout")


if __name__ == "__main__":
    sys.exit(main())
