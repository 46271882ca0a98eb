#!/bin/sh
# Installs the Debian packages hoso needs to build, test and benchmark, when
# they are missing (as root with apt-get; otherwise says what to install).
set -e
PKGS="gcc make pkg-config libsqlite3-dev sqlite3 libutf8proc-dev libjansson-dev
libmicrohttpd-dev libsodium-dev libcmocka-dev python3 clang clang-format
postgresql python3-psycopg2 wrk curl libxlsxwriter-dev chromium nodejs npm"
missing=""
for p in $PKGS; do
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
