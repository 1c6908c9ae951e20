#!/usr/bin/env bash
# Sync of the largest commune of a demo province (docs/sync.md, issue 26):
# a first sync paged through GET /sync/changes as the web app does it
# (limit 5000, brotli as a browser accepts it), then a day's writes pushed by
# the commune's worker and the sync that fetches them. Prints pages, bytes on
# the wire and uncompressed, the server's time (loopback, request to last
# byte), and the time the same exchange would take over 3G (1.6 Mbit/s down,
# 750 kbit/s up, 150 ms latency), computed from those bytes and round trips
# (bench/sync/client.py "Model").
# Usage: bench/sync/first_sync.sh [DB]   (default /tmp/sync-lc.db, made by `under5 demo` when absent)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB="${1:-/tmp/sync-lc.db}"
U5="${U5:-$ROOT/build/under5}"
WORK="$(mktemp -d)"; trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
[ -f "$DB" ] || "$U5" demo --db "$DB" 2>&1 | tail -1
# The 2025 commune holding the most living persons (old commune codes count under it).
read -r COMMUNE PERSONS < <(sqlite3 -separator ' ' "$DB" "SELECT c.ancestor, count(*) FROM person p
  JOIN orgunit_closure c ON c.descendant = p.orgunit_id JOIN orgunit o ON o.id = c.ancestor
  WHERE o.kind = 'commune' AND o.scheme = 'vn2025' AND p.deleted_at IS NULL GROUP BY c.ancestor ORDER BY 2 DESC LIMIT 1")
echo "commune $COMMUNE: $PERSONS living persons"
USER="sync_bench_$COMMUNE"
PASS="sync-bench-7315-kq"
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM app_user WHERE username = '$USER'" 2>/dev/null || echo 0)" = 0 ]; then
  echo "$PASS" | "$U5" user add --db "$DB" --username "$USER" --role commune_worker --orgunit "$COMMUNE" >/dev/null 2>&1 || true
fi
PORT=18090
"$U5" serve --db "$DB" --demo --port $PORT --threads "$(nproc)" 2>"$WORK/server.log" & SERVER=$!
for _ in $(seq 100); do curl -sf "localhost:$PORT/api/v1/health" >/dev/null && break; sleep 0.2; done
# The due lists come from the care engine: measure once it is built.
for _ in $(seq 3000); do [ "$(grep -c '"engine_ready"' "$WORK/server.log")" -ge 2 ] && break; sleep 0.2; done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# SAVE=DIR keeps the first sync's pages there (bench/sync/brotli_quality.mjs reads them).
python3 "$ROOT/bench/sync/client.py" --port $PORT --user "$USER" --password "$PASS" --orgunit "$COMMUNE" --work "$WORK" ${SAVE:+--save "$SAVE"}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
