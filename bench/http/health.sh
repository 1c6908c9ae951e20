#!/usr/bin/env bash
# The floor under every API benchmark on this machine: wrk with 64 connections
# against `under5 serve` on a route that does no work (GET /api/v1/health: no
# session, no SQLite, no audit). Prints wrk's figures and the CPU time per
# request of the server and of wrk, which share the cores.
# Usage: bench/http/health.sh [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS="${1:-10}"
WORK="$(mktemp -d)"; trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
U5="$ROOT/build/under5"
"$U5" migrate --db "$WORK/h.db" >/dev/null 2>&1
PORT=18086
"$U5" serve --db "$WORK/h.db" --port $PORT --threads "$(nproc)" 2>"$WORK/server.log" & SERVER=$!
for _ in $(seq 100); do curl -sf "localhost:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
s0=$(cpu $SERVER)
wrk -t2 -c64 -d"${SECS}s" --latency "http://127.0.0.1:$PORT/api/v1/health" > "$WORK/wrk.out" & WRK=$!
sleep 0.2; w0=$(cpu $WRK); t0=$(date +%s.%N)
while kill -0 $WRK 2>/dev/null; do w1=$(cpu $WRK 2>/dev/null || echo "$w1"); t1=$(date +%s.%N); sleep 0.2; done
s1=$(cpu $SERVER)
rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
grep -E 'Requests/sec|  50%|  99%' "$WORK/wrk.out"
python3 - "$rps" "$SECS" "$s0" "$s1" "$w0" "$w1" "$t0" "$t1" "$(getconf CLK_TCK)" <<'PY'
import sys
rps, secs, s0, s1, w0, w1, t0, t1, hz = map(float, sys.argv[1:])
print(f"server {(s1 - s0) / hz / (rps * secs) * 1e6:.1f} us/req, wrk {(w1 - w0) / hz / (rps * (t1 - t0)) * 1e6:.1f} us/req")
PY
