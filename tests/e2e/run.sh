#!/bin/sh
# Runs the browser tests of the web application: installs playwright-core
# and axe-core from the committed package-lock.json when missing (npm ci),
# then drives Debian's chromium. Usage: sh tests/e2e/run.sh path/to/hoso
cd "$(dirname "$0")" || exit 2
hoso=$(cd ../.. && realpath "${1:-build/dev/hoso}")
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || {
        echo "0 passed, 1 failed (npm ci)"; exit 1; }
fi
if [ ! -x /usr/bin/chromium ]; then
    echo "FAIL: /usr/bin/chromium missing (make deps)"; echo "0 passed, 1 failed"; exit 1
fi
exec node run.js "$hoso"
