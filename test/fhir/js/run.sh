#!/usr/bin/env bash
# Starts under5 on a free port over a fresh small demo database, then runs one of the FHIR checks.
# Usage: run.sh UNDER5 ROOT SCRIPT. The script gets BASE_URL, U5 (the binary), U5_DB (the demo
# database) and U5_TMP (a scratch folder, removed afterwards). DEMO_CHILDREN sizes the demo (1000).
set -euo pipefail
U5="$1"; ROOT="$2"; SCRIPT="$3"
HERE="$(cd "$(dirname "$0")" && pwd)"
command -v node >/dev/null || { echo "missing node (scripts/test installs it)" >&2; exit 1; }
[ -d "$HERE/node_modules/@medplum/core" ] || { echo "test/fhir/js/node_modules missing (scripts/lib.sh install_fhir_js)" >&2; exit 1; }

# The demo generator and the server read data/ relative to the project root.
cd "$ROOT"
TMP="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

"$U5" demo --db "$TMP/demo.db" --children "${DEMO_CHILDREN:-1000}" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; exit 1; }
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$U5" serve --demo --db "$TMP/demo.db" --host 127.0.0.1 --port "$PORT" >"$TMP/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/serve.log" >&2; exit 1; }
  sleep 0.2
done
BASE_URL="http://127.0.0.1:$PORT" U5="$U5" U5_DB="$TMP/demo.db" U5_TMP="$TMP" node "$HERE/$SCRIPT" || {
  echo "--- last lines of the server's log" >&2; tail -20 "$TMP/serve.log" >&2; exit 1; }
