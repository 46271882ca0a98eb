#!/bin/sh
# Runs the PostgreSQL suites: starts a throw-away server in a temporary
# directory (tests/pg/pgctl.sh), runs the conformance checks against a
# PostgreSQL store (conformance_pg.py) and the multi-node test
# (tests/blackbox/multinode.py), stops the server. usage: run.sh HOSO_BIN
# Prints "N passed, N failed" last; exits 1 on failure.
cd "$(dirname "$0")/../.." || exit 2
bin=${1:-build/dev/hoso}
dir=$(mktemp -d /tmp/hoso-pg.XXXXXX) || exit 2
chmod 755 "$dir"
trap 'sh tests/pg/pgctl.sh stop "$dir"; rm -rf "$dir"' EXIT INT TERM
if ! HOSO_TEST_DB_URL=$(sh tests/pg/pgctl.sh start "$dir"); then
    echo "FAIL: cannot start PostgreSQL (see $dir/server.log)"
    cat "$dir/initdb.log" "$dir/server.log" 2>/dev/null | tail -20
    echo "0 passed, 1 failed"
    exit 1
fi
export HOSO_TEST_DB_URL HOSO_TEST_PG_DIR="$dir"
p=0; f=0
for s in tests/pg/conformance_pg.py tests/blackbox/multinode.py; do
    python3 "$s" "$bin" >"$dir/out.log" 2>&1
    rc=$?
    cat "$dir/out.log"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/out.log" | tail -1)
    sp=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    sf=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    sp=${sp:-0}; sf=${sf:-0}
    if [ $rc -ne 0 ] && [ "$sf" = 0 ]; then sf=1; fi
    p=$((p + sp)); f=$((f + sf))
done
echo "$p passed, $f failed"
[ "$f" = 0 ]
