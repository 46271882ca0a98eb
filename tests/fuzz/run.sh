#!/bin/sh
# Runs every libFuzzer target (build/fuzz/fuzz_*, `make fuzz-build`) for
# FUZZ_SECONDS each (default 10) over its corpus tests/fuzz/corpus/<target>/
# (new inputs go to a scratch folder, the corpus in git stays as it is).
# A crash, leak, sanitizer report or failed property is a failure; the
# input is kept in tests/out/fuzz/. Prints "N passed, N failed" last.
cd "$(dirname "$0")/../.." || exit 2
secs=${FUZZ_SECONDS:-10}
passed=0
failed=0
out=tests/out/fuzz
mkdir -p "$out"
if ! make --no-print-directory fuzz-build >"$out/build.log" 2>&1; then
    echo "FAIL: fuzz targets do not build (see $out/build.log)"
    tail -20 "$out/build.log"
    echo "0 passed, 1 failed"
    exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for bin in build/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    t=$(basename "$bin" | sed 's/^fuzz_//')
    corpus=tests/fuzz/corpus/$t
    scratch=$(mktemp -d)
    log=$out/$t.log
    mkdir -p "$corpus"
    # first every corpus file once (the regressions), then fuzzing
    if "$bin" -runs=0 "$corpus" >"$log" 2>&1 &&
        "$bin" -max_total_time="$secs" -max_len=4096 -timeout=30 \
            -rss_limit_mb=2048 -artifact_prefix="$out/$t-" \
            "$scratch" "$corpus" >>"$log" 2>&1; then
        runs=$(grep -a '^Done [0-9]* runs' "$log" | tail -1 | sed 's/^Done \([0-9]*\).*/\1/')
        echo "ok: fuzz $t (${runs:-?} runs in ${secs}s)"
        passed=$((passed + 1))
    else
        echo "FAIL: fuzz $t (see $log)"
        grep -a -E 'ERROR|SUMMARY|runtime error|harness' "$log" | head -10
        failed=$((failed + 1))
    fi
    rm -rf "$scratch"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
