#!/usr/bin/env bash
# Before and after a change, in one run on one machine, alternating: commune
# worklist (bench_care), name search (bench_search) and handbook (handbook.sh).
# Each tree is a checkout with its Release build in build/ (under5 and the benches).
# Usage: bench/before_after.sh BEFORE_TREE AFTER_TREE CARE_DB [ROUNDS]
#   CARE_DB: a demo database (`under5 demo --db X`), copied for each run.
set -uo pipefail
BEFORE="$1"; AFTER="$2"; DB="$3"; ROUNDS="${4:-2}"
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  # The side that runs first alternates, so neither always meets a warmer machine.
  sides="before after"; [ $((round % 2)) = 0 ] && sides="after before"
  for side in $sides; do
    TREE=$BEFORE; [ "$side" = after ] && TREE=$AFTER
    echo "## round $round $side ($(git -C "$TREE" rev-parse --short HEAD))"
    cp "$DB" /tmp/before_after.db && rm -f /tmp/before_after.db-wal /tmp/before_after.db-shm
    (cd "$TREE" && build/bench/care/bench_care /tmp/before_after.db 2026-11-26 --runs 5 2>&1 | grep -E "^worklist")
    "$TREE/build/bench/store/bench_search" 1000000 1000 2>/dev/null | grep -E "p95="
    (cd "$TREE" && bash bench/http/handbook.sh 1000000 15 2>&1 | tail -3)
  done
done
rm -f /tmp/before_after.db*
