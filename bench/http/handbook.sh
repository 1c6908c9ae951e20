#!/usr/bin/env bash
# Handbook load benchmark: wrk with 64 connections against `under5 serve` on
# loopback, over a database of N imported records (default 1,000,000), once
# both engines are ready, after the no-work health route against the same
# server, so the two CPU times per request (server's user + system from
# /proc, its audit thread included) come from one run (issue 24: the
# handbook's at most twice the health route's).
# Usage: bench/http/handbook.sh [RECORDS] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-1000000}"; SECS="${2:-15}"
WORK="$(mktemp -d)"; trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
U5="${U5:-$ROOT/build/under5}"  # another build (profiling) when set
python3 "$ROOT/bench/registry/gen_records.py" "$N" > "$WORK/records.jsonl"
"$U5" import --db "$WORK/b.db" "$WORK/records.jsonl" 2>&1 | tail -1
echo "wrk-load-7315-kq" | "$U5" user add --db "$WORK/b.db" --username bench --role commune_worker --orgunit 12 2>/dev/null
sqlite3 "$WORK/b.db" "SELECT id FROM person WHERE mother_id IS NOT NULL ORDER BY random() LIMIT 5000" > "$WORK/ids.txt"
PORT=18080
"$U5" serve --db "$WORK/b.db" --port $PORT --threads "$(nproc)" 2>"$WORK/server.log" & SERVER=$!
for _ in $(seq 50); do curl -sf "localhost:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -X POST "localhost:$PORT/api/v1/auth/login" -H "Content-Type: application/json" -d '{"username":"bench","password":"wrk-load-7315-kq"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
# The engines load the database beside the first requests: measure once they are ready.
for _ in $(seq 1800); do [ "$(grep -c '"engine_ready"' "$WORK/server.log")" -ge 2 ] && break; sleep 0.1; done
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }  # user + system, in clock ticks
per_req() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}'; }
# The health route first: after the handbook's run the audit thread still
# writes its entries, which would count against the health route.
BEFORE=$(cpu)
HEALTH=$(wrk -t2 -c64 -d"${SECS}s" --latency "http://127.0.0.1:$PORT/api/v1/health")
H=$(per_req $(( $(cpu) - BEFORE )) "$(awk '/requests in/ {print $1}' <<<"$HEALTH")")
U5_TOKEN="$TOKEN" U5_IDS="$WORK/ids.txt" wrk -t2 -c64 -d3s -s "$ROOT/bench/http/handbook.lua" "http://127.0.0.1:$PORT" >/dev/null
BEFORE=$(cpu)
OUT=$(U5_TOKEN="$TOKEN" U5_IDS="$WORK/ids.txt" wrk -t2 -c64 -d"${SECS}s" --latency -s "$ROOT/bench/http/handbook.lua" "http://127.0.0.1:$PORT" | tail -1)
sleep 1  # the audit entries of the last answers, written within the sink's 100 ms
HB=$(per_req $(( $(cpu) - BEFORE )) "$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$OUT")")
echo "health   requests=$(awk '/requests in/ {print $1}' <<<"$HEALTH") p99=$(awk '$1 == "99%" {print $2}' <<<"$HEALTH") req_per_s=$(awk '/Requests\/sec/ {print $2}' <<<"$HEALTH") server_cpu_us_per_req=$H"
echo "handbook $OUT server_cpu_us_per_req=$HB"
awk -v a="$HB" -v b="$H" 'BEGIN {printf "handbook / health server CPU: %.2f (goal <= 2)\n", a / b}'
