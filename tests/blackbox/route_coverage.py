#!/usr/bin/env python3
"""Every route of the OpenAPI document was called by some suite.

tests/run.sh sets HOSO_ROUTE_LOG for every suite; `hoso serve` appends the
method and pattern of each request it routed there. This runs last, starts
one server to read /api/v1/openapi.json, and fails for each route no suite
called.

Usage: route_coverage.py HOSO_BIN ROUTE_LOG
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

hoso, log = os.path.abspath(sys.argv[1]), sys.argv[2]
tmp = tempfile.mkdtemp(prefix="hoso-cov-")
db = os.path.join(tmp, "s.db")
subprocess.run([hoso, "--db", db, "--quiet", "init"], check=True)
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
env = dict(os.environ)
env.pop("HOSO_ROUTE_LOG", None)
srv = subprocess.Popen([hoso, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port],
                       stderr=subprocess.DEVNULL, env=env)
doc = None
try:
    for _ in range(100):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/openapi.json" % port, timeout=2) as r:
                doc = json.load(r)
            break
        except OSError:
            time.sleep(0.1)
finally:
    srv.terminate()
    srv.wait()
called = set()
if os.path.exists(log):
    with open(log) as f:
        called = {tuple(l.split(" ", 1)) for l in f.read().splitlines() if " " in l}
passed = failed = 0
if doc is None:
    print("FAIL: could not read the OpenAPI document")
    failed += 1
else:
    for path, ops in sorted(doc["paths"].items()):
        for m in ops:
            if (m.upper(), path) in called:
                passed += 1
            else:
                failed += 1
                print("FAIL: no suite called %s %s" % (m.upper(), path))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
