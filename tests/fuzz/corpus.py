#!/usr/bin/env python3
"""Rebuilds the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/)
from data made by `hoso generate --scale tiny`. Files named regress-* are
findings kept as regression tests and are never touched.
Usage: corpus.py path/to/hoso"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HOSO = sys.argv[1] if len(sys.argv) > 1 else "./hoso"


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    tmp = tempfile.mkdtemp()
    subprocess.run([HOSO, "--quiet", "generate", "--scale", "tiny", "--seed",
                    "7", "--out", tmp], check=True)
    rows = {}
    for n in ("orgs", "members", "placements"):
        with open(os.path.join(tmp, n + ".csv"), encoding="utf-8") as f:
            rows[n] = f.read().splitlines()
    names = [r.split(",")[2] for r in rows["members"][1:40]]
    # csv: first byte 0/1/2 picks orgs/members/placements
    for i, (n, sel) in enumerate((("orgs", "0"), ("members", "1"),
                                  ("placements", "2"))):
        hdr, body = rows[n][0], rows[n][1:]
        for k in range(4):
            chunk = body[k * 7:k * 7 + 7]
            put("csv", "%s-%d" % (n, k), sel + "\n".join([hdr] + chunk) + "\n")
    put("csv", "members-quoted", '1id,card_no,full_name,sex,birth_date,'
        'ethnicity,religion,hometown,education,expertise,theory_level,'
        'admitted_on,official_on,status,ended_on,org_id\r\n'
        '1,10000001,"Nguyễn ""Thị"" Hà",F,1980-01-02,Kinh,,"Hà Nội, '
        'Việt Nam",12/12,bachelor,intermediate,2005-03-02,2006-03-02,'
        'official,,11\r\n')
    put("csv", "members-nfd", "1" + rows["members"][0] + "\n" +
        "1,10000001,Nguye\u0302\u0303n Thi\u0323 Ha\u0300,F,1980-01-02,"
        "Kinh,,Ha\u0300 No\u0323i,12/12,bachelor,intermediate,2005-03-02,"
        "2006-03-02,official,,11\n")
    # text: names in NFC and NFD, mixed scripts
    import unicodedata
    for k, nm in enumerate(names[:12]):
        put("text", "name-%d" % k, nm)
        put("text", "name-nfd-%d" % k, unicodedata.normalize("NFD", nm))
    for k, s in enumerate(["Hoà Thuý Khoẻ", "HÒA QUÝ GIÀ", "Đặng Ngọc Ánh",
                           "Nguyễn Thị Hồng Nhung", "ngoài khuỷu người",
                           "Müller Ça 한국어 Ελλάδα", "a\u0301\u0323"]):
        put("text", "mixed-%d" % k, s)
    # day
    for k, s in enumerate(["2024-02-29", "2023-02-29", "1970-01-01",
                           "0001-01-01", "9999-12-31", "2000-13-01",
                           "12345", "2147483647", "1"]):
        put("day", "d-%d" % k, s)
    # http: raw requests; $TOKEN becomes the admin's API token
    auth = "Authorization: Bearer $TOKEN\r\n"
    gets = ["/healthz", "/api/v1/openapi.json", "/api/v1/me",
            "/api/v1/orgs/11", "/api/v1/orgs/CB11/count?on=2020-01-01",
            "/api/v1/orgs/1/breakdown", "/api/v1/orgs/1/summary",
            "/api/v1/orgs/10/changes?from=2000-01-01&to=2025-01-01",
            "/api/v1/orgs/10/members?page=1&per_page=2",
            "/api/v1/search?q=nguyen&in=1", "/api/v1/members?card=10000001",
            "/api/v1/members/1", "/api/v1/members/1/history",
            "/api/v1/audit?limit=5", "/api/v1/orgs/1/report",
            "/", "/app/app.js", "/../../etc/passwd", "/app/%2e%2e/x"]
    for k, g in enumerate(gets):
        put("http", "get-%d" % k, "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n"
            % (g, auth))
    body = '{"to":"CB12","effective":"2024-05-01","reason":"fuzz"}'
    put("http", "transfer", "POST /api/v1/members/1/transfer HTTP/1.1\r\n"
        "Host: x\r\n%sContent-Type: application/json\r\n"
        "Content-Length: %d\r\n\r\n%s" % (auth, len(body), body))
    login = '{"user":"fuzz","password":"fuzz-password"}'
    put("http", "login", "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
        "Content-Length: %d\r\n\r\n%s" % (len(login), login))
    put("http", "chunked", "POST /api/v1/members/1/transfer HTTP/1.1\r\n"
        "Host: x\r\n%sTransfer-Encoding: chunked\r\n\r\n5\r\n{\"to\"\r\n"
        "0\r\n\r\n" % auth)
    # json: first byte picks the POST route
    for k, b in enumerate([body, '{"to":11,"effective":"2024-05-01"}',
                           '{"name":"Chi bộ mới","code":"CBX",'
                           '"effective":"2024-01-01","parent":"CS10",'
                           '"kind":"cell"}',
                           '{"effective":"2024-01-01","reason":"x"}',
                           '{"to":"CB12","effective":"2024-13-01"}',
                           '[1,2,3]', '{"a":{"b":[null,true,1e999]}}',
                           '{"to":"\\u0000","effective":"2024-01-01"}']):
        for sel in range(0, 40, 7):
            put("json", "b%d-%d" % (k, sel), bytes([sel]) + b.encode())


if __name__ == "__main__":
    main()
