#!/bin/sh
# H1 of spec/workload.md: `hoso serve` under load on 127.0.0.1 — wrk, 2
# threads, 64 connections, 30 s, on the Q1 (count) and Q6 (dossier)
# endpoints with an API token, seed dataset. Prints wrk's figures per
# endpoint and a mixed run. Usage: bench/http_load.sh [SECONDS] [SCALE]
set -e
cd "$(dirname "$0")/.."
SECS=${1:-30}
SCALE=${2:-seed}
HOSO=${HOSO_BIN:-./hoso}
DATA=bench/data/$SCALE
WORK=$(mktemp -d /tmp/hoso-h1-XXXXXX)
trap 'kill $SRV 2>/dev/null || true; rm -rf "$WORK"' EXIT
[ -f "$DATA/members.csv" ] || "$HOSO" generate --scale "$SCALE" --seed 1 --out "$DATA"
"$HOSO" --db "$WORK/s.db" --quiet import "$DATA"
echo "bench-pass-2025" | "$HOSO" --db "$WORK/s.db" user add bench --role admin --password-stdin >/dev/null
TOKEN=$("$HOSO" --db "$WORK/s.db" user token bench | tail -1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HOSO_NO_ACCESS_LOG=1 "$HOSO" --db "$WORK/s.db" --quiet serve --listen "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SRV=$!
for i in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
# a browser's session (cookie), as the issue's "session token"
COOKIE=$(curl -si -X POST -H 'Content-Type: application/json' \
    -d '{"user":"bench","password":"bench-pass-2025"}' \
    "http://127.0.0.1:$PORT/api/v1/auth/login" |
    sed -n 's/^Set-Cookie: \(hoso_session=[^;]*\).*/\1/Ip' | tr -d '\r')
NMEM=$(sqlite3 "$WORK/s.db" "select max(id) from members")
NORG=$(sqlite3 "$WORK/s.db" "select max(id) from org_versions")
cat > "$WORK/mix.lua" <<LUA
-- random Q1 (count of a random org today) and Q6 (a random dossier)
math.randomseed(42)
local mode = os.getenv("H1_MODE") or "mix"
local auth = {["Authorization"] = "Bearer $TOKEN"}
if os.getenv("H1_AUTH") == "session" then auth = {["Cookie"] = "$COOKIE"} end
request = function()
  local path
  local q1 = (mode == "q1") or (mode == "mix" and math.random() < 0.5)
  if q1 then
    path = "/api/v1/orgs/" .. math.random(1, $NORG) .. "/count"
  else
    path = "/api/v1/members/" .. math.random(1, $NMEM)
  end
  return wrk.format("GET", path, auth)
end
done = function(summary, latency, requests)
  io.write(string.format("H1 %s %s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d requests, errors: %d non-2xx/4xx-scope, %d socket\n",
    mode, os.getenv("H1_AUTH") or "token", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
for mode in q1 q6 mix q1s q6s; do
    auth=token
    case $mode in *s) auth=session; mode=${mode%s} ;; esac
    H1_AUTH=$auth H1_MODE=$mode wrk -t2 -c64 -d"${SECS}s" --latency -s "$WORK/mix.lua" "http://127.0.0.1:$PORT" | grep '^H1'
done
echo "server peak RSS: $(grep VmHWM /proc/$SRV/status | awk '{print $2/1024 " MB"}')"
