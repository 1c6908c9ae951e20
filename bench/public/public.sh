#!/usr/bin/env bash
# The public page under a surge (issue 22: >= 5,000 req/s with the database out of the way).
# wrk, 64 connections, SECONDS each (default 30), on the page HTML (/public/12/2025) and the
# publication JSON (/public/data/12/2025.json), as a browser asks for them (Accept-Encoding: gzip, br):
#   1. `under5 serve-public` on a copy of the demo's public dir in a folder with no database at all;
#   2. `under5 serve` on the demo database while another process holds an exclusive write lock on
#      it (every write waits), and strace counts the system calls on the database's files made by
#      the threads that answered a run of public requests: 0 proves that the public path reads nothing from it (SQLite
#      in WAL mode would let a reader past the lock; the count would not be 0). A name search under
#      the same strace is the control: it reads the database, and strace sees it.
# Usage: bench/public/public.sh [SECONDS] (build/under5 built with web/dist; wrk and strace from Debian)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS="${1:-30}"
U5="$ROOT/build/under5"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$ROOT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 200); do curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.1; done; echo "server did not start" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks

# One wrk run: req/s, latency p50/p90/p99, and the server's CPU time per request.
measure() {  # LABEL PORT PATH SERVER_PID
  local s0 s1 out="$WORK/wrk.out"
  s0=$(cpu "$4")
  wrk -t2 -c64 -d"${SECS}s" --latency -H 'Accept-Encoding: gzip, br' "http://127.0.0.1:$2$3" >"$out"
  s1=$(cpu "$4")
  python3 - "$1" "$3" "$out" "$s0" "$s1" "$(getconf CLK_TCK)" "$SECS" <<'PY'
import re, sys
label, path, out, s0, s1, hz, secs = sys.argv[1], sys.argv[2], open(sys.argv[3]).read(), *map(float, sys.argv[4:])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
lat = {p: re.search(rf"^\s+{p}%\s+(\S+)", out, re.M).group(1) for p in ("50", "90", "99")}
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(f"{label:12} {path:28} {rps:9.0f} req/s  p50 {lat['50']:>8}  p90 {lat['90']:>8}  p99 {lat['99']:>8}  "
      f"server {(s1 - s0) / hz / (rps * secs) * 1e6:.0f} us/req" + (f"  NON-2xx {errs.group(1)}" if errs else ""))
PY
}

echo "demo province and its publication of 2025 ..." >&2
"$U5" demo --db "$WORK/demo.db" --children 2000 >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
[ -f "$WORK/demo.db.public/12/2025.json" ] || { echo "the demo published nothing ($WORK/demo.db.public)" >&2; exit 1; }
PAGE=/public/12/2025
JSON=/public/data/12/2025.json

# 1. serve-public: a folder holding the published files and nothing else.
mkdir "$WORK/site" && cp -r "$WORK/demo.db.public" "$WORK/site/public"
P1=$(free_port)
"$U5" serve-public --public-dir "$WORK/site/public" --port "$P1" --threads 2 2>"$WORK/public.log" & PIDS+=($!); SP=$!
wait_up "$P1" "$JSON"
echo "serve-public folder: $(cd "$WORK/site" && find . -type f | sort | tr '\n' ' ')" >&2
measure serve-public "$P1" "$PAGE" "$SP"
measure serve-public "$P1" "$JSON" "$SP"
kill "$SP"; wait "$SP" 2>/dev/null || true

# 2. serve, with the database locked by another process.
P2=$(free_port)
"$U5" serve --demo --db "$WORK/demo.db" --port "$P2" --threads 2 2>"$WORK/serve.log" & PIDS+=($!); SV=$!
wait_up "$P2" /api/v1/health
until grep -q '"engine":"care"' "$WORK/serve.log" && grep -q '"engine":"indicators"' "$WORK/serve.log"; do sleep 0.2; done
# A session for the control below, before the lock (signing in writes).
TOKEN=$(curl -s -H 'Content-Type: application/json' -d '{"username":"tinh","password":"demo-u5-2030"}' "http://127.0.0.1:$P2/api/v1/auth/login" |
  python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
python3 - "$WORK/demo.db" "$WORK/locked" <<'PY' & PIDS+=($!)
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
db.execute("CREATE TABLE bench_lock(x)")  # a write: the lock is really taken
open(sys.argv[2], "w").close()
time.sleep(3600)
PY
until [ -f "$WORK/locked" ]; do sleep 0.1; done
echo "database locked by another process (BEGIN EXCLUSIVE)" >&2
# The server's system calls on the database's files (-y names each descriptor's path) by the threads
# that answered requests (those that sent on a socket) while COMMAND ran; the background threads
# (audit head signer, red-alert ticker) read the database on their own clock and are not counted.
trace() {  # COMMAND...
  strace -f -y -qq -e trace=sendmsg,sendto,writev,write,read,pread64,pwrite64,fcntl,fsync,fdatasync,openat -p "$SV" -o "$WORK/strace.out" & local st=$!
  # Attaching to every thread takes a moment, longer on a busy machine.
  sleep 3
  "$@" >/dev/null 2>&1 || true
  sleep 1; kill -INT "$st"; wait "$st" 2>/dev/null || true
  python3 - "$WORK/strace.out" <<'PY'
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
answering = {l.split()[0] for l in lines if re.search(r"^\d+ (sendmsg|sendto|writev|write)\(\d+<(TCP|socket)", l)}
# The count, and how many threads answered (0 would mean strace saw nothing, not that all is well).
print(sum(1 for l in lines if l.split()[0] in answering and re.search(r"demo\.db(-wal|-shm|-journal)?>", l)), len(answering))
PY
}
read -r public_calls public_threads < <(trace wrk -t1 -c8 -d3s -H 'Accept-Encoding: gzip, br' "http://127.0.0.1:$P2$PAGE")
read -r json_calls json_threads < <(trace wrk -t1 -c8 -d3s "http://127.0.0.1:$P2$JSON")
read -r search_calls search_threads < <(trace curl -s --max-time 3 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$P2/api/v1/persons/search?q=nguyen")
echo "system calls on demo.db* by the threads that answered: 3 s of page requests $public_calls ($public_threads threads)," \
  "3 s of JSON requests $json_calls ($json_threads threads), one name search (the control) $search_calls" >&2
[ "$public_threads" != 0 ] && [ "$json_threads" != 0 ] && [ "$search_calls" != 0 ] || { echo "strace saw no answer or no database access: not watching" >&2; exit 1; }
[ "$public_calls" = 0 ] && [ "$json_calls" = 0 ] || { echo "the public path touched the database" >&2; exit 1; }
measure "serve+locked" "$P2" "$PAGE" "$SV"
measure "serve+locked" "$P2" "$JSON" "$SV"
