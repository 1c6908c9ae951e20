#!/usr/bin/env bash
# The offline home worklist of one commune (offline_worklist.mjs): adds a commune worker for COMMUNE to
# an existing demo database (as offline_sync.sh does), serves it with WEB_DIR's dist and times the page.
# Usage: bench/web/offline_worklist.sh UNDER5 WEB_DIR DB COMMUNE   (RUNS=7 by default)
set -euo pipefail
U5="$(realpath "$1")"; WEB="$(realpath "$2")"; DB="$(realpath "$3")"; COMMUNE="$4"
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE/../.."
PASSWORD='Lai-Chau-wl-7315-mx'
USER_NAME="bench_worklist_$COMMUNE"
printf '%s\n' "$PASSWORD" | "$U5" user add --db "$DB" --username "$USER_NAME" --role commune_worker --orgunit "$COMMUNE" \
  --name "Bench worklist" 2>&1 | grep -v '"level":"info"' || true
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
LOG="$(mktemp)"
"$U5" serve --demo --db "$DB" --host 127.0.0.1 --port "$PORT" --static "$WEB/dist" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
BASE_URL="http://127.0.0.1:$PORT" WEB_DIR="$WEB" U5_USER="$USER_NAME" U5_PASSWORD="$PASSWORD" TZ=Asia/Ho_Chi_Minh \
  node "$HERE/offline_worklist.mjs"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
