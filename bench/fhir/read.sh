#!/usr/bin/env bash
# FHIR read benchmarks (docs/performance.md): wrk against `under5 serve` over a
# demo province, as province officers of Lai Châu (bearer tokens):
#   1. GET /fhir/Patient/{id}/$everything for random persons: p99 (goal < 20 ms at 32 connections);
#   2. GET /fhir/Patient?name=<folded name prefix> for random persons' names over the province:
#      p95 (goal < 20 ms), the same connections.
# The ids and names come from the database; a prefix is the folded name
# without its last two letters, as someone types it. A search is a bulk route,
# limited per user (60 at once, then 120 a minute): the server runs with that
# rate raised (serve --bulk-*), as for an interface engine, and the requests
# go out under USERS users' sessions in turn; the figures count non-2xx
# answers, which must be 0.
# PERSONS random persons are asked in turn, after 5 s of warm-up of each
# kind; every answer is mapped from the records (docs/fhir.md, Speed).
# Usage: bench/fhir/read.sh [DB] [SECONDS] [CONNECTIONS] [USERS] [PERSONS]
#   DB: a database made by `under5 demo` (made in a temporary folder when not given, ~35 s).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB="${1:-}"; SECS="${2:-15}"; CONNS="${3:-32}"; USERS="${4:-200}"; PERSONS="${5:-20000}"
U5="${U5:-$ROOT/build/under5}"  # another build (profiling) when set
WORK="$(mktemp -d)"; SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -z "$DB" ]; then
  DB="$WORK/demo.db"
  "$U5" demo --db "$DB" 2>&1 | tail -1
fi
sqlite3 "$DB" "SELECT id FROM person WHERE deleted_at IS NULL ORDER BY random() LIMIT $PERSONS" > "$WORK/ids.txt"
sqlite3 "$DB" "SELECT substr(name_folded, 1, length(name_folded) - 2) FROM person WHERE deleted_at IS NULL ORDER BY random() LIMIT $PERSONS" > "$WORK/names.txt"
PASSWORD="wrk-load-7315-kq"
for i in $(seq "$USERS"); do  # already there from an earlier run: kept
  echo "$PASSWORD" | "$U5" user add --db "$DB" --username "fhirbench$i" --role province_officer --orgunit 12 >/dev/null 2>&1 || true
done
# A free port: other servers may run on this machine.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$U5" serve --db "$DB" --port "$PORT" --threads "$(nproc)" --demo --bulk-burst 1000000 --bulk-per-minute 10000000 2>"$WORK/server.log" & SERVER=$!
for _ in $(seq 600); do curl -sf "localhost:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
kill -0 "$SERVER"  # it started: the port was still free
for i in $(seq "$USERS"); do
  curl -s -X POST "localhost:$PORT/api/v1/auth/login" -H "Content-Type: application/json" \
    -d "{\"username\":\"fhirbench$i\",\"password\":\"$PASSWORD\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
done > "$WORK/tokens.txt"
# One request of each first: a wrong route or a refused session fails here, not as a fast 4xx figure.
TOKEN=$(head -1 "$WORK/tokens.txt")
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "localhost:$PORT/fhir/Patient/$(head -1 "$WORK/ids.txt")/\$everything"
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "localhost:$PORT/fhir/Patient?name=$(head -1 "$WORK/names.txt" | sed 's/ /%20/g')"
# The engines load the database beside the first requests: measure once they are ready.
for _ in $(seq 1200); do [ "$(grep -c '"engine_ready"' "$WORK/server.log")" -ge 2 ] && break; sleep 0.1; done
echo "persons: $(sqlite3 "$DB" 'SELECT count(*) FROM person') events: $(sqlite3 "$DB" 'SELECT count(*) FROM event')" \
  "server threads: $(nproc) connections: $CONNS seconds: $SECS users: $USERS persons: $PERSONS load: $(cut -d' ' -f1-3 /proc/loadavg)"
# The server's CPU time (user + system, clock ticks) from /proc: on a shared
# machine the time a request costs says more than its latency.
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
for MODE in everything name; do
  LINES="$WORK/ids.txt"; [ "$MODE" = name ] && LINES="$WORK/names.txt"
  U5_TOKENS="$WORK/tokens.txt" U5_MODE="$MODE" U5_LINES="$LINES" \
    wrk -t2 -c"$CONNS" -d5s -s "$ROOT/bench/fhir/read.lua" "http://127.0.0.1:$PORT" >/dev/null
  BEFORE=$(cpu)
  OUT=$(U5_TOKENS="$WORK/tokens.txt" U5_MODE="$MODE" U5_LINES="$LINES" \
    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/fhir/read.lua" "http://127.0.0.1:$PORT" | tail -1)
  TICKS=$(( $(cpu) - BEFORE ))
  REQS=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$OUT")
  printf '%-10s %s server_cpu_ms_per_req=%.2f\n' "$MODE" "$OUT" "$(awk -v t="$TICKS" -v hz="$(getconf CLK_TCK)" -v n="$REQS" 'BEGIN {print t * 1000 / hz / n}')"
done
