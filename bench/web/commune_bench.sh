# Sourced by the offline benches (offline_sync.sh, offline_worklist.sh): adds a commune worker for
# COMMUNE to an existing demo database (once; a second add only says it exists), serves the database
# with WEB_DIR's dist on a free port, and runs the bench's .mjs in Chromium as that worker.
# Usage: run_commune_bench UNDER5 WEB_DIR DB COMMUNE USER_PREFIX PASSWORD SCRIPT.mjs
run_commune_bench() {
  local u5 web db commune user password script port log pid=""
  u5="$(realpath "$1")"; web="$(realpath "$2")"; db="$(realpath "$3")"; commune="$4"
  user="$5_$commune"; password="$6"; script="$7"
  printf '%s\n' "$password" | "$u5" user add --db "$db" --username "$user" --role commune_worker --orgunit "$commune" \
    --name "Bench $5" 2>&1 | grep -v '"level":"info"' || true
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  log="$(mktemp)"
  "$u5" serve --demo --db "$db" --host 127.0.0.1 --port "$port" --static "$web/dist" >"$log" 2>&1 &
  pid=$!
  # shellcheck disable=SC2064  # the pid of this run, fixed now
  trap "kill $pid 2>/dev/null; wait 2>/dev/null || true" EXIT
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.2
  done
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  BASE_URL="http://127.0.0.1:$port" WEB_DIR="$web" U5_USER="$user" U5_PASSWORD="$password" TZ=Asia/Ho_Chi_Minh \
    node "$script"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
