#!/bin/sh
# make bench SCALE=tiny|seed|national: hoso (SQLite and PostgreSQL stores) vs plain SQLite vs
# PostgreSQL (spec/workload.md).
# Generates bench/data/SCALE with ./hoso generate (reused when present), then
# bench/bench.py times L, Q1-Q6, W1 on every engine and cross-checks the answers;
# bench/party.py then times the party-work roll-ups on the same store.
set -e
SCALE=${1:-seed}
cd "$(dirname "$0")/.."
HOSO=${HOSO_BIN:-./hoso}
DATA=bench/data/$SCALE
if [ ! -f "$DATA/members.csv" ]; then
	mkdir -p bench/data
	rm -rf "$DATA.tmp"
	echo "generating $DATA ..."
	"$HOSO" generate --scale "$SCALE" --seed 1 --out "$DATA.tmp"
	mv "$DATA.tmp" "$DATA"
fi
# The PostgreSQL baseline needs psycopg2: prefer the system python that has it.
PY=python3
if ! $PY -c 'import psycopg2' 2>/dev/null && [ -x /usr/bin/python3 ] &&
	/usr/bin/python3 -c 'import psycopg2' 2>/dev/null; then
	PY=/usr/bin/python3
fi
# hoso-pg: hoso on a PostgreSQL store (Q1-Q6 from its read model, W1 over
# HTTP through 2 `hoso serve` nodes), beside hoso on SQLite and the baselines.
ENGINES=hoso,hoso-pg,sqlite,postgres
$PY -c 'import psycopg2' 2>/dev/null || {
	echo "psycopg2 missing (apt-get install python3-psycopg2): PostgreSQL baseline skipped"
	ENGINES=hoso,hoso-pg,sqlite
}
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || {
	echo "PostgreSQL missing (apt-get install postgresql): hoso-pg and the PostgreSQL baseline skipped"
	ENGINES=hoso,sqlite
}
rc=0
$PY bench/bench.py "$SCALE" "$DATA" "$HOSO" --engines "$ENGINES" || rc=$?
# Party work on the same store (bench/party.py): roll-ups of a year of
# meetings, rankings and directive reports against plain SQL; BENCH_FACTOR
# below 1 fills that share of the cells.
echo
SCALE=$SCALE $PY bench/party.py "$HOSO" "bench/data/party-$SCALE" || rc=$?
exit $rc
