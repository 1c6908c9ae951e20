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
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/commune_bench.sh"
# The user `bench_offline_COMMUNE` is added once (later runs find it there).
run_commune_bench "$1" "$2" "$3" "$4" bench_offline 'Lai-Chau-3g-7315-mx' "$HERE/offline_sync.mjs"
