#!/usr/bin/env bash
# Transaction Bundle import into SQLite (issue 23: goal >= 20,000 resources/s):
# a demo province, one commune's records exported as a transaction Bundle of
# PUT entries (under5 fhir-export --bundle), then imported RUNS times, each
# into a new database (under5 fhir-import: parse, plan every record through
# the FHIR write path and registry validation, one bulk load).
# Usage: bench/fhir/import.sh [COMMUNE] [RUNS] [CHILDREN]   (default 03390, 5, 10000)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
U5="$ROOT/build/under5"
COMMUNE="${1:-03390}"; RUNS="${2:-5}"; CHILDREN="${3:-10000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$U5" demo --db "$WORK/demo.db" --province 12 --children "$CHILDREN" >/dev/null 2>&1
"$U5" fhir-export --db "$WORK/demo.db" --orgunit "$COMMUNE" --bundle "$WORK/bundle.json" 2>&1 >/dev/null | tail -1
ls -l "$WORK/bundle.json" | awk '{printf "bundle: %.1f MB\n", $5 / 1e6}'
"$U5" migrate --db "$WORK/empty.db" >/dev/null 2>&1
# The org units are loaded once, as in a database that is already in use.
"$U5" fhir-export --db "$WORK/empty.db" --orgunit "$COMMUNE" --out "$WORK/none" >/dev/null 2>&1
for i in $(seq 1 "$RUNS"); do
  cp "$WORK/empty.db" "$WORK/run.db"
  rm -f "$WORK"/run.db.audit-*
  /usr/bin/time -f "  %e s wall, %U s user, %S s system, %M kB peak" \
    "$U5" fhir-import --db "$WORK/run.db" "$WORK/bundle.json" 2>&1 >/dev/null | tr '\r' '\n' | grep -E "^imported|wall"
done
