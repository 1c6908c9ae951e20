# Shared by scripts/run and scripts/test: install what is missing, then build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian packages the build, the tests and the benchmarks need.
U5_PACKAGES=(build-essential cmake ninja-build pkg-config g++
  libsqlite3-dev sqlite3 libboost-dev libboost-system-dev nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev
  libcli11-dev libsodium-dev libicu-dev libgtest-dev libgmock-dev libbenchmark-dev curl wrk python3
  nodejs chromium fonts-noto-core
  libxlsxwriter-dev libhpdf-dev fonts-liberation2 poppler-utils libxml2-utils python3-jsonschema)

install_packages() {
  local missing=()
  for p in "${U5_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Debian's npm is a separate package; a Node from elsewhere (NodeSource) brings its own.
  command -v npm >/dev/null || missing+=(npm)
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" >&2
  fi
}

build() {
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$ROOT/build" -j "$(nproc)" >&2
}

# The web app: exact dependencies from web/package-lock.json, then the Vite build into web/dist
# (served by `under5 serve --static web/dist`). Works with Debian 12's Node 18 and npm 9.
# npm ci only when the lock file changed since the last install (it empties node_modules first).
build_web() {
  (cd "$ROOT/web" &&
    { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund >&2; } &&
    npm run build >&2)
}
