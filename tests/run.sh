#!/bin/sh
# Runs every test of hoso: unit tests (cmocka) on the dev build and under
# AddressSanitizer + UBSan, then the black-box suites against the real
# binary. Prints one closing line "N passed, N failed"; exits 1 on failure.
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
out=tests/out
mkdir -p "$out"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=0:second_deadlock_stack=1
export LC_ALL=C.UTF-8
# Every server started by any suite logs the routes it served here; the
# last suite checks that each route of the API was called by some suite.
export HOSO_ROUTE_LOG="$PWD/$out/routes-called.log"
rm -f "$HOSO_ROUTE_LOG"

add() { passed=$((passed + $1)); failed=$((failed + $2)); }

# A cmocka program prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N
# test(s)"; a crash or a sanitizer report counts as one more failure.
run_unit() {
    log="$out/$(echo "$1" | tr / _).log"
    "$1" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
    if grep -q "ERROR: \(Address\|Leak\)Sanitizer\|WARNING: ThreadSanitizer\|runtime error:" "$log"; then f=$((f + 1)); fi
    add "$p" "$f"
    if [ "$f" != 0 ]; then
        echo "FAIL: $1 (see $log)"; tail -20 "$log"
    else
        echo "ok: $1 ($p tests)"
    fi
}

for variant in dev asan; do
    for t in $(find build/$variant/unit -type f -perm -u+x 2>/dev/null | sort); do
        run_unit "$t"
    done
done

# A black-box suite prints its own "N passed, N failed" line last.
run_suite() {
    name=$1; shift
    log="$out/$name.log"
    "$@" >"$log" 2>&1
    rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    p=${p:-0}; f=${f:-0}
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
    if grep -q "ERROR: \(Address\|Leak\)Sanitizer\|WARNING: ThreadSanitizer\|runtime error:" "$log"; then f=$((f + 1)); fi
    add "$p" "$f"
    if [ "$f" != 0 ]; then
        echo "FAIL: $name (see $log)"; grep -E 'FAIL|Error|error' "$log" | head -30
    else
        echo "ok: $name ($p checks)"
    fi
}

run_suite conformance-dev python3 tests/blackbox/conformance.py build/dev/hoso
run_suite conformance-asan python3 tests/blackbox/conformance.py build/asan/hoso
run_suite import-errors python3 tests/blackbox/import_errors.py build/asan/hoso
run_suite reorg python3 tests/blackbox/reorg.py build/dev/hoso
run_suite crosscheck python3 tests/blackbox/crosscheck.py build/dev/hoso
for s in tests/blackbox/test_*.sh; do
    [ -f "$s" ] || continue
    run_suite "$(basename "$s" .sh)" sh "$s" build/asan/hoso
done
run_suite api-dev python3 tests/blackbox/api.py build/dev/hoso
run_suite concurrency-tsan python3 tests/blackbox/concurrency.py build/tsan/hoso
run_suite api-asan python3 tests/blackbox/api.py build/asan/hoso
# Feature suites: one line each, `run_suite NAME COMMAND...`; the command
# prints "N passed, N failed" last and exits non-zero on failure.
run_suite orgops python3 tests/blackbox/orgops.py build/dev/hoso
run_suite lifecycle python3 tests/blackbox/lifecycle.py build/asan/hoso
run_suite readmission python3 tests/blackbox/readmission.py build/asan/hoso
run_suite import-periods python3 tests/blackbox/import_periods.py build/asan/hoso
run_suite web-e2e sh tests/e2e/run.sh build/dev/hoso
run_suite party python3 tests/blackbox/party.py build/dev/hoso
run_suite postgres sh tests/pg/run.sh build/dev/hoso
run_suite fuzz sh tests/fuzz/run.sh
run_suite crash python3 tests/blackbox/crash.py build/dev/hoso
run_suite security python3 tests/blackbox/security.py build/dev/hoso
run_suite backup python3 tests/blackbox/backup.py build/dev/hoso
run_suite soak python3 bench/soak.py build/release/hoso --seconds 20

run_suite route-coverage python3 tests/blackbox/route_coverage.py build/dev/hoso "$HOSO_ROUTE_LOG"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
