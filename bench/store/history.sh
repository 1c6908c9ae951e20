#!/usr/bin/env bash
# bench_history on a fresh database of a private PostgreSQL cluster (scripts/pg-cluster),
# dropped afterwards with the cluster stopped. Usage: bench/store/history.sh BUILD_DIR [persons]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: history.sh BUILD_DIR [persons]}" && pwd)
uri=$("$root/scripts/pg-cluster" start "$build/pg-bench")
db=bench_history_$$
psql "$uri" -qc "CREATE DATABASE $db"
trap 'psql "$uri" -qc "DROP DATABASE IF EXISTS $db" || true; "$root/scripts/pg-cluster" stop "$build/pg-bench"' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/store/bench_history" "$(sed "s|:///postgres?|:///$db?|" <<<"$uri")" "${2:-20000}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
