#!/bin/sh
# Installs the Debian packages hoso needs to build, test and benchmark, when
# they are missing (as root with apt-get; otherwise says what to install).
set -e
# "package" or "package:command": the latter counts as present when the
# command is on the PATH (Node.js may come from another Debian repository
# whose nodejs bundles npm and conflicts with Debian's npm package).
PKGS="gcc make pkg-config libsqlite3-dev sqlite3 libutf8proc-dev libjansson-dev
libmicrohttpd-dev libsodium-dev libcmocka-dev libpq-dev python3 clang
clang-format libclang-rt-14-dev postgresql python3-psycopg2 wrk curl
libxlsxwriter-dev chromium nodejs:node npm:npm"
missing=""
for entry in $PKGS; do
    p=${entry%%:*}
    cmd=${entry#*:}
    if [ "$cmd" != "$entry" ] && command -v "$cmd" >/dev/null 2>&1; then
        continue
    fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "hoso: cài các gói Debian còn thiếu / installing missing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "hoso: cần quyền root để cài: apt-get install$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
${SUDO:-} apt-get install -y -qq --no-install-recommends $missing >/dev/null
