#!/usr/bin/env bash
# Serves a demo of 10,000 children (as scripts/run makes) on a free port and runs first_session.mjs
# against it. Usage: bench/web/first_session.sh UNDER5 WEB_DIR [STATIC_DIR]
#   UNDER5      the binary; it serves its embedded web app unless STATIC_DIR is given (--static)
#   WEB_DIR     a web/ folder with node_modules (playwright-core)
set -euo pipefail
U5="$1"; WEB="$2"; STATIC="${3:-}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# The demo generator and the server read data/ relative to the project root.
cd "$HERE/../.."
TMP="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
"$U5" demo --db "$TMP/demo.db" --province 12 --children 10000 >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; exit 1; }
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
ARGS=(serve --demo --db "$TMP/demo.db" --host 127.0.0.1 --port "$PORT")
[ -n "$STATIC" ] && ARGS+=(--static "$STATIC")
"$U5" "${ARGS[@]}" >"$TMP/serve.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/serve.log" >&2; exit 1; }
  sleep 0.2
done
# Times are of the page, not of the server's start: wait until both engines have loaded.
until grep -q '"engine":"care"' "$TMP/serve.log" && grep -q '"engine":"indicators"' "$TMP/serve.log"; do sleep 0.2; done
BASE_URL="http://127.0.0.1:$PORT" WEB_DIR="$WEB" node "$HERE/${SCRIPT:-first_session.mjs}"
