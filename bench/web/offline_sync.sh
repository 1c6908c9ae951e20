#!/usr/bin/env bash
# The web app's first sync of one commune into IndexedDB on an emulated 3G line (issue 26): adds a
# commune worker for COMMUNE to an existing database (e.g. the full Lai Châu demo, `under5 demo --db F`),
# serves it on a free port and runs offline_sync.mjs. Usage:
#   bench/web/offline_sync.sh UNDER5 WEB_DIR DB COMMUNE
#   UNDER5   the binary (serves web/dist of WEB_DIR with --static)
#   WEB_DIR  a built web/ folder with node_modules (playwright-core)
#   DB       the database, a demo one (served with --demo); a user `bench_offline_COMMUNE` is added once
#   COMMUNE  the commune's code
set -euo pipefail
U5="$(realpath "$1")"; WEB="$(realpath "$2")"; DB="$(realpath "$3")"; COMMUNE="$4"
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE/../.."
PASSWORD='Lai-Chau-3g-7315-mx'
USER_NAME="bench_offline_$COMMUNE"
# Already there from an earlier run: fine (the message says so).
printf '%s\n' "$PASSWORD" | "$U5" user add --db "$DB" --username "$USER_NAME" --role commune_worker --orgunit "$COMMUNE" \
  --name "Bench 3G" 2>&1 | grep -v '"level":"info"' || true
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$U5" serve --demo --db "$DB" --host 127.0.0.1 --port "$PORT" --static "$WEB/dist" >/tmp/u5-offline-bench-serve.log 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat /tmp/u5-offline-bench-serve.log >&2; exit 1; }
  sleep 0.2
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
BASE_URL="http://127.0.0.1:$PORT" WEB_DIR="$WEB" U5_USER="$USER_NAME" U5_PASSWORD="$PASSWORD" TZ=Asia/Ho_Chi_Minh \
  node "$HERE/offline_sync.mjs"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
