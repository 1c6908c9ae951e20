#!/usr/bin/env bash
# Server start to ready (docs/performance.md, "Start to ready"): starts
# `under5 serve` on DB RUNS times and prints, for each start, the wall time
# from the launch to the first answer of /api/v1/health and to each engine's
# `engine_ready` log line (indicators, care), whether each engine came from
# its snapshot, the resident memory once both are ready (VmRSS, and RssAnon:
# the heap, without the mapped database pages), then stops it with SIGTERM
# (a clean stop writes the snapshots). The first run after a change to the
# records or the definitions rebuilds; the runs after it read the snapshots.
# Usage: bench/start/ready.sh DB [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB="$1"; RUNS="${2:-3}"
U5="${U5:-$ROOT/build/under5}"
WORK="$(mktemp -d)"; SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
now_ms() { date +%s%3N; }
echo "db: $DB ($(du -h "$DB" | cut -f1)), persons: $(sqlite3 "$DB" 'SELECT count(*) FROM person'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  LOG="$WORK/server-$run.log"
  T0=$(now_ms)
  "$U5" serve --db "$DB" --port "$PORT" --demo 2>"$LOG" & SERVER=$!
  HEALTH=""
  for _ in $(seq 60000); do
    if [ -z "$HEALTH" ] && curl -sf "localhost:$PORT/api/v1/health" >/dev/null 2>&1; then HEALTH=$(( $(now_ms) - T0 )); fi
    [ "$(grep -c '"engine_ready"' "$LOG")" -ge 2 ] && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 0.02
  done
  READY=$(( $(now_ms) - T0 ))
  RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"); ANON=$(awk '/^RssAnon/ {print $2}' "/proc/$SERVER/status")
  python3 - "$LOG" "$READY" "${HEALTH:-?}" "$RSS" "$ANON" "$run" <<'PY'
import json, sys
log, ready, health, rss, anon, run = sys.argv[1:]
ev = [json.loads(l) for l in open(log) if l.startswith('{')]
ms = {e['engine']: e['ms'] for e in ev if e.get('event') == 'engine_ready'}
snap = {e['kind']: ('snapshot+%d' % e['replayed']) if e['from_snapshot'] else 'rebuilt' for e in ev if e.get('event') == 'snapshot_start'}
print(f"run {run}: health {health} ms; indicators ready {ms.get('indicators')} ms ({snap.get('indicators', '?')}), "
      f"care ready {ms.get('care')} ms ({snap.get('care', '?')}) after the server started; both ready {ready} ms after launch; "
      f"VmRSS {int(rss) / 1024:.0f} MiB, RssAnon {int(anon) / 1024:.0f} MiB")
PY
  kill "$SERVER"; wait "$SERVER" || true; SERVER=""
done
