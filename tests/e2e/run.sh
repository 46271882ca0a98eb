#!/bin/sh
# Runs the browser tests of the web application: installs playwright-core
# and axe-core from the committed package-lock.json when missing (npm ci),
# then drives Debian's chromium through run.js (the application) and
# party.js (the party-work pages). Usage: sh tests/e2e/run.sh path/to/hoso
cd "$(dirname "$0")" || exit 2
hoso=$(cd ../.. && realpath "${1:-build/dev/hoso}")
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || {
        echo "0 passed, 1 failed (npm ci)"; exit 1; }
fi
if [ ! -x /usr/bin/chromium ]; then
    echo "FAIL: /usr/bin/chromium missing (make deps)"; echo "0 passed, 1 failed"; exit 1
fi
# Each scenario prints its own "N passed, N failed"; they fold into one.
passed=0
failed=0
for t in run.js party.js; do
    log=$(mktemp)
    node "$t" "$hoso" >"$log" 2>&1
    rc=$?
    grep -Ev '^[0-9]+ passed, [0-9]+ failed$' "$log"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    rm -f "$log"
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
    p=${p:-0}; f=${f:-0}
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; echo "FAIL: $t exited $rc"; fi
    passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
