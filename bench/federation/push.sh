#!/usr/bin/env bash
# Push throughput (docs/federation.md): one demo province pushes MONTHS months
# of aggregates (every commune, every pushed indicator) to a fresh national
# instance on loopback; printed: values/s of the first push (compute, ADX,
# HTTP, the national side's parse, schema check and transactional apply) and
# of a repeated push (every month "unchanged": compute and fingerprints only).
# Usage: bench/federation/push.sh [PROVINCE] [CHILDREN] [MONTHS]   (default 12, 20000, 12)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
U5="$ROOT/build/under5"
PROVINCE="${1:-12}"; CHILDREN="${2:-20000}"; MONTHS="${3:-12}"
WORK="$(mktemp -d)"
PW="Tram-y-te-xa-day-so-lieu-2026"
cleanup() { [ -n "${NAT_PID:-}" ] && kill "$NAT_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
"$U5" demo --db "$WORK/p.db" --province "$PROVINCE" --children "$CHILDREN" --from 2025 --to 2025 >/dev/null 2>&1
echo "$PW" | "$U5" user add --db "$WORK/n.db" --username "push$PROVINCE" --role province_push --orgunit "$PROVINCE" >/dev/null 2>&1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$U5" serve --db "$WORK/n.db" --national --port "$PORT" >"$WORK/n.log" 2>&1 &
NAT_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
printf '{"username": "push%s", "password": "%s"}' "$PROVINCE" "$PW" >"$WORK/cred.json"
TO=$(printf '2025-%02d' "$MONTHS")
echo "province $PROVINCE, $CHILDREN children, 2025-01..$TO; load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in first repeated; do
  T0=$(date +%s.%N)
  "$U5" push --db "$WORK/p.db" --to "http://127.0.0.1:$PORT" --credential-file "$WORK/cred.json" \
    --from 2025-01 --to-period "$TO" >"$WORK/$run.out" 2>/dev/null
  T1=$(date +%s.%N)
  VALUES=$(grep -oE '^  [0-9-]+: ([0-9]+) values|unchanged \(([0-9]+) values' "$WORK/$run.out" | grep -oE '[0-9]+ values' | awk '{s+=$1} END {print s}')
  python3 -c "import sys; v=int(sys.argv[1]); t=float(sys.argv[3])-float(sys.argv[2]); print(f'  {sys.argv[4]} push: {v} values in {t:.2f} s, {v/t:,.0f} values/s')" "$VALUES" "$T0" "$T1" "$run"
  tail -1 "$WORK/$run.out" | sed 's/^/  /'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
