#!/usr/bin/env bash
# What scripts/run does after the build, timed: a new demo database, then the
# server, then the first dashboard figures and a commune worklist.
# Usage: bench/demo/time_to_dashboard.sh [CHILDREN]   (default 10000, as scripts/run)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
U5="$ROOT/build/under5"
WORK="$(mktemp -d)"; PORT=18090
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
t0=$(now)
"$U5" demo --db "$WORK/demo.db" --province 12 --children "${1:-10000}" 2>"$WORK/demo.err" | tail -1
t1=$(now)
STATIC=(); [ -d "$ROOT/web/dist" ] && STATIC=(--static "$ROOT/web/dist")
"$U5" serve --demo --db "$WORK/demo.db" --port $PORT "${STATIC[@]}" 2>"$WORK/server.log" & SERVER=$!
until curl -sf "localhost:$PORT/api/v1/health" >/dev/null; do sleep 0.1; done
t2=$(now)
TOKEN=$(curl -s -X POST "localhost:$PORT/api/v1/auth/login" -H "Content-Type: application/json" -d '{"username":"tinh","password":"demo-u5-2030"}' |
        python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
until curl -sf -H "Authorization: Bearer $TOKEN" "localhost:$PORT/api/v1/indicators?orgunit=12&period=$(date +%Y)" | grep -q numerator; do sleep 0.2; done
t3=$(now)
until grep -q '"engine":"care"' "$WORK/server.log"; do sleep 0.2; done
t4=$(now)
python3 -c "print(f'demo {$t1-$t0:.1f} s; server listening {$t2-$t0:.1f} s; province indicators {$t3-$t0:.1f} s; care engine ready {$t4-$t0:.1f} s (from the start)')"
