#!/bin/sh
# make bench SCALE=tiny|seed|national: hoso vs plain SQLite vs PostgreSQL (spec/workload.md).
# Generates bench/data/SCALE with ./hoso generate (reused when present), then
# bench/bench.py times L, Q1-Q6, W1 on every engine and cross-checks the answers.
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
ENGINES=hoso,sqlite,postgres
$PY -c 'import psycopg2' 2>/dev/null || {
	echo "psycopg2 missing (apt-get install python3-psycopg2): PostgreSQL baseline skipped"
	ENGINES=hoso,sqlite
}
exec $PY bench/bench.py "$SCALE" "$DATA" "$HOSO" --engines "$ENGINES"
