#!/usr/bin/env bash
# SQLite and PostgreSQL side by side on the same data, in one run (issue 25).
# For each store, one JSONL file of N records (bench/registry/gen_records.py):
#  1. `under5 import` into an empty database (schema made beforehand by
#     `under5 migrate`, not timed): records/s, the process's whole run;
#  2. a server start on it with an empty engines folder: the indicator engine's
#     full build (every indicator by org unit and period: the province matrix)
#     and the care engine's, as their engine_ready ms;
#  3. handbook req/s on that server: wrk, 64 connections, the same 5,000
#     children in turn on both stores (bench/http/handbook.lua).
# PostgreSQL: a private cluster started for the run (scripts/pg-cluster) in a
# temporary folder, stopped at the end. One line per store, then the load.
# Usage: bench/store/side_by_side.sh [RECORDS] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-200000}"; SECS="${2:-15}"
U5="${U5:-$ROOT/build/under5}"
WORK="$(mktemp -d)"; chmod 755 "$WORK"
# PostgreSQL's local files (audit key, heads) go in the working directory: the run's own.
cd "$WORK"
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  "$ROOT/scripts/pg-cluster" stop "$WORK/pg" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 "$ROOT/bench/registry/gen_records.py" "$N" > "$WORK/records.jsonl"
RECORDS=$(wc -l < "$WORK/records.jsonl")
CLUSTER=$("$ROOT/scripts/pg-cluster" start "$WORK/pg")
psql -q "$CLUSTER" -c "CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8'"
PG_URI="${CLUSTER/\/postgres\?//bench?}"
PASSWORD="wrk-load-7315-kq"

# run KIND STORE_FLAG TARGET: one line of figures for one store.
run() {
  local kind=$1 flag=$2 target=$3 t0 t1 port=18180
  "$U5" migrate "$flag" "$target" > "$WORK/$kind.migrate.log" 2>&1
  t0=$(date +%s.%N)
  "$U5" import "$flag" "$target" "$WORK/records.jsonl" > "$WORK/$kind.import.log" 2>&1
  t1=$(date +%s.%N)
  echo "$PASSWORD" | "$U5" user add "$flag" "$target" --username bench --role commune_worker --orgunit 12 2>/dev/null
  # The same children on both stores: the file's ids, taken once from the SQLite copy.
  [ -f "$WORK/ids.txt" ] ||
    sqlite3 "$WORK/b.db" "SELECT id FROM person WHERE mother_id IS NOT NULL ORDER BY random() LIMIT 5000" > "$WORK/ids.txt"
  mkdir -p "$WORK/$kind.engines"
  "$U5" serve "$flag" "$target" --engines-dir "$WORK/$kind.engines" --port $port --threads "$(nproc)" \
    2> "$WORK/$kind.server.log" & SERVER=$!
  for _ in $(seq 100); do curl -sf "localhost:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
  for _ in $(seq 6000); do [ "$(grep -c '"engine_ready"' "$WORK/$kind.server.log")" -ge 2 ] && break; sleep 0.1; done
  local ready_ind ready_care token out
  ready_ind=$(grep '"engine_ready"' "$WORK/$kind.server.log" | grep '"indicators"' | sed 's/.*"ms":\([0-9]*\).*/\1/')
  ready_care=$(grep '"engine_ready"' "$WORK/$kind.server.log" | grep '"care"' | sed 's/.*"ms":\([0-9]*\).*/\1/')
  token=$(curl -s -X POST "localhost:$port/api/v1/auth/login" -H "Content-Type: application/json" \
    -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
  U5_TOKEN="$token" U5_IDS="$WORK/ids.txt" wrk -t2 -c64 -d3s -s "$ROOT/bench/http/handbook.lua" "http://127.0.0.1:$port" >/dev/null
  out=$(U5_TOKEN="$token" U5_IDS="$WORK/ids.txt" wrk -t2 -c64 -d"${SECS}s" -s "$ROOT/bench/http/handbook.lua" \
    "http://127.0.0.1:$port" | tail -1)
  kill "$SERVER"; wait "$SERVER" || true; SERVER=""
  awk -v k="$kind" -v n="$RECORDS" -v a="$t0" -v b="$t1" -v i="$ready_ind" -v c="$ready_care" -v o="$out" \
    'BEGIN {printf "%-10s import %d records in %.1f s = %.0f records/s | indicators engine built in %s ms, care %s ms | handbook %s\n", k, n, b - a, n / (b - a), i, c, o}'
}

run sqlite --db "$WORK/b.db"
run postgres --pg "$PG_URI"
echo "load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, records $RECORDS, $(date -u +%Y-%m-%dT%H:%MZ)"
