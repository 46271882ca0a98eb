#!/bin/sh
# Runs the PostgreSQL suites: starts a throw-away server in a temporary
# directory (tests/pg/pgctl.sh), runs the conformance checks against a
# PostgreSQL store (conformance_pg.py), the multi-node test
# (tests/blackbox/multinode.py) and the feature suites of tests/blackbox
# with HOSO_TEST_DB_URL set, so that every store they make is a fresh
# database of that server (tests/blackbox/backend.py), then stops the
# server. The security suite runs too (SQL injection on every text
# parameter, against PostgreSQL's SQL). Crash, disk-full, soak and fuzz
# stay SQLite-only (they kill processes around SQLite files or fill a file
# system). usage: run.sh
# HOSO_BIN. Prints "N passed, N failed" last; exits 1 on failure.
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
# one suite: its output, its "N passed, N failed" line added to the totals
suite() {
    t0=$(date +%s)
    "$@" >"$dir/out.log" 2>&1
    rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/out.log" | tail -1)
    sp=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    sf=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    sp=${sp:-0}; sf=${sf:-0}
    if [ $rc -ne 0 ] && [ "$sf" = 0 ]; then sf=1; fi
    if [ "$sf" != 0 ]; then
        grep -v '^ok' "$dir/out.log" | tail -40
    fi
    echo "postgres: $(basename "$2") $sp passed, $sf failed ($(( $(date +%s) - t0 )) s)"
    p=$((p + sp)); f=$((f + sf))
}
suite python3 tests/pg/conformance_pg.py "$bin"
suite python3 tests/blackbox/multinode.py "$bin"
# the feature suites, unchanged, on PostgreSQL (tiny data; crosscheck on
# the conformance data and one generated seed to keep CI short)
suite python3 tests/blackbox/api.py "$bin"
suite python3 tests/blackbox/lifecycle.py "$bin"
suite python3 tests/blackbox/orgops.py "$bin"
suite python3 tests/blackbox/party.py "$bin"
suite python3 tests/blackbox/reorg.py "$bin"
suite python3 tests/blackbox/crosscheck.py "$bin" --seeds 1 --n 0.5
suite python3 tests/blackbox/import_errors.py "$bin"
suite python3 tests/blackbox/backup.py "$bin"
suite python3 tests/blackbox/readmission.py "$bin"
suite python3 tests/blackbox/import_periods.py "$bin"
suite python3 tests/blackbox/security.py "$bin"
echo "$p passed, $f failed"
[ "$f" = 0 ]
