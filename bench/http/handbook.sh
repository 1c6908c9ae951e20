#!/usr/bin/env bash
# Handbook load benchmark: wrk with 64 connections against `under5 serve` on
# loopback, over a database of N imported records (default 1,000,000).
# Usage: bench/http/handbook.sh [RECORDS] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-1000000}"; SECS="${2:-15}"
WORK="$(mktemp -d)"; trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
U5="$ROOT/build/under5"
python3 "$ROOT/bench/registry/gen_records.py" "$N" > "$WORK/records.jsonl"
"$U5" import --db "$WORK/b.db" "$WORK/records.jsonl" 2>&1 | tail -1
echo "wrk-load-7315-kq" | "$U5" user add --db "$WORK/b.db" --username bench --role commune_worker --orgunit 12 2>/dev/null
sqlite3 "$WORK/b.db" "SELECT id FROM person WHERE mother_id IS NOT NULL ORDER BY random() LIMIT 5000" > "$WORK/ids.txt"
PORT=18080
"$U5" serve --db "$WORK/b.db" --port $PORT --threads "$(nproc)" 2>"$WORK/server.log" & SERVER=$!
for _ in $(seq 50); do curl -sf "localhost:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -X POST "localhost:$PORT/api/v1/auth/login" -H "Content-Type: application/json" -d '{"username":"bench","password":"wrk-load-7315-kq"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
U5_TOKEN="$TOKEN" U5_IDS="$WORK/ids.txt" wrk -t2 -c64 -d"${SECS}s" --latency -s "$ROOT/bench/http/handbook.lua" "http://127.0.0.1:$PORT" | tail -1
