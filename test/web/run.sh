#!/usr/bin/env bash
# Starts under5 on a free port with a fresh small demo database and the built web app, then runs
# one Playwright script (default browser.test.mjs). Usage: run.sh UNDER5 WEB_DIR ARTIFACTS_DIR [SCRIPT]
set -euo pipefail
U5="$1"; WEB="$2"; OUT="$3"; SCRIPT="${4:-browser.test.mjs}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
for need in node "$CHROMIUM"; do
  command -v "$need" >/dev/null || { echo "missing $need (scripts/test installs it)" >&2; exit 1; }
done
[ -f "$WEB/dist/index.html" ] || { echo "web/dist is not built (scripts/lib.sh build_web)" >&2; exit 1; }
[ -d "$WEB/node_modules/playwright-core" ] || { echo "web/node_modules missing (npm ci in web/)" >&2; exit 1; }

# The demo generator and the server read data/ relative to the project root.
cd "$WEB/.."
TMP="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

"$U5" demo --db "$TMP/demo.db" --children 2000 >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; exit 1; }
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# --static, so that a binary built before web/dist (or an older product) serves the app under test;
# U5_EMBEDDED=1 leaves it out: the binary serves its own embedded copy, as scripts/run does.
STATIC=(--static "$WEB/dist")
[ "${U5_EMBEDDED:-}" = 1 ] && STATIC=()
# U5_DIST_COPY=1: the app is served from a copy the script may change (a new build swapped in while
# the browser holds the old one), named to it by DIST_DIR.
if [ "${U5_DIST_COPY:-}" = 1 ]; then
  cp -r "$WEB/dist" "$TMP/dist"
  STATIC=(--static "$TMP/dist")
  export DIST_DIR="$TMP/dist"
fi
"$U5" serve --demo --db "$TMP/demo.db" --host 127.0.0.1 --port "$PORT" "${STATIC[@]}" >"$TMP/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/serve.log" >&2; exit 1; }
  sleep 0.2
done
mkdir -p "$OUT"
# The browser and the test's own dates in Vietnam's time, as a health worker's are: the server's
# "today" is Vietnam's (core/date.h), and from 17:00 UTC a browser on UTC would be a day behind it.
export TZ=Asia/Ho_Chi_Minh
BASE_URL="http://127.0.0.1:$PORT" ARTIFACTS="$OUT" CHROMIUM="$CHROMIUM" WEB_DIR="$WEB" \
  node "$HERE/$SCRIPT"
