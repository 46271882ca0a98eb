#!/bin/sh
# pgctl: starts or stops a throw-away PostgreSQL server in a temporary
# directory for the tests (Debian's postgresql package). As root the server
# runs as the `postgres` user, which owns the directory.
#   sh tests/pg/pgctl.sh start DIR   -> prints the URI of database "hoso"
#   sh tests/pg/pgctl.sh createdb DIR NAME -> prints its URI
#   sh tests/pg/pgctl.sh stop DIR
set -e
cmd=$1
dir=$2
[ -n "$dir" ] || { echo "usage: pgctl.sh start|stop DIR" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pgctl: PostgreSQL not installed (apt-get install postgresql)" >&2; exit 3; }
if [ "$(id -u)" = 0 ]; then
    as() { runuser -u postgres -- "$@"; }
else
    as() { "$@"; }
fi
case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    # no TCP: a socket in the directory, so parallel runs never collide
    as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
        start >/dev/null
    as "$bin/createdb" -h "$dir" -U postgres hoso
    echo "postgresql:///hoso?host=$dir&user=postgres"
    ;;
createdb)
    # a further database of the same server: its URI
    as "$bin/createdb" -h "$dir" -U postgres "$3"
    echo "postgresql:///$3?host=$dir&user=postgres"
    ;;
stop)
    as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: pgctl.sh start|stop DIR" >&2; exit 2
    ;;
esac
