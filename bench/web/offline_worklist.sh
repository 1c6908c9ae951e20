#!/usr/bin/env bash
# The offline home worklist of one commune (offline_worklist.mjs), served from an existing demo database.
# Usage: bench/web/offline_worklist.sh UNDER5 WEB_DIR DB COMMUNE   (RUNS=7 by default)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/commune_bench.sh"
run_commune_bench "$1" "$2" "$3" "$4" bench_worklist 'Lai-Chau-wl-7315-mx' "$HERE/offline_worklist.mjs"
