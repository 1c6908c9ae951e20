# Shared by scripts/run and scripts/test: install what is missing, then build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian packages the build, the tests and the benchmarks need.
U5_PACKAGES=(build-essential cmake ninja-build pkg-config g++
  libsqlite3-dev sqlite3 libboost-dev libboost-system-dev nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev
  libcli11-dev libssl-dev openssl zlib1g-dev libbrotli-dev libsodium-dev libpwquality-dev cracklib-runtime libicu-dev libgtest-dev libgmock-dev libbenchmark-dev curl wrk python3
  nodejs chromium fonts-noto-core
  libxlsxwriter-dev libhpdf-dev fonts-liberation2 poppler-utils libxml2-utils python3-jsonschema
  clang libclang-rt-14-dev)
# The PostgreSQL store (issue 25): libpq to build, a server for scripts/pg-cluster's test cluster.
U5_PACKAGES+=(postgresql-15 postgresql-client-15 libpq-dev)
# National federation: ADX read and checked against its schema (src/federation).
U5_PACKAGES+=(libxml2-dev)
# Patroni and a three-member etcd for scripts/ha-cluster's failover test cluster (issue 25).
U5_PACKAGES+=(patroni etcd-server etcd-client)

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

# Every target (tests and benchmarks too), or only those named: `build under5` for scripts/run.
# The binary embeds web/dist as it is when it is linked, so build_web goes first.
build() {
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
  local targets=()
  (($#)) && targets=(--target "$@")
  cmake --build "$ROOT/build" -j "$(nproc)" "${targets[@]}" >&2
}

# The web app: exact dependencies from web/package-lock.json, then the Vite build into web/dist,
# with a .br and a .gz beside each file (web/compress.ts), which the next build of build/under5
# embeds. Works with Debian 12's Node 18 and npm 9.
# npm ci only when the lock file changed since the last install (it empties node_modules first).
build_web() {
  (cd "$ROOT/web" &&
    { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund >&2; } &&
    npm run build >&2)
}

# The FHIR checks' npm packages (validators and a FHIR client, test/fhir/js/package-lock.json), for the
# ctest label fhir_js; like the web app's, npm ci only when the lock file changed since the last install.
install_fhir_js() {
  (cd "$ROOT/test/fhir/js" &&
    { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund >&2; })
}

# ASan+UBSan build with clang in build-asan/: the unit tests that matter for
# memory safety and the libFuzzer targets (fuzz/), nothing else.
U5_ASAN_TESTS=(core_test store_test snapshot_test registry_test auth_test emergency_test)
U5_FUZZ_TARGETS=(fuzz_api fuzz_jsonl fuzz_orgunit_csv fuzz_growth_csv fuzz_static_path fuzz_fhir_text)

build_asan() {
  local flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -fsanitize=fuzzer-no-link"
  # -O1 with line tables only: the stack traces keep file and line, the build takes less time than
  # RelWithDebInfo's -O2 -g (CI builds every source a second time here).
  cmake -S "$ROOT" -B "$ROOT/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DU5_FUZZ=ON \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >&2
  cmake --build "$ROOT/build-asan" -j "$(nproc)" --target "${U5_ASAN_TESTS[@]}" "${U5_FUZZ_TARGETS[@]}" >&2
}

run_asan_tests() {
  local t exe rc=0
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The /postgres cases need the test cluster, as under ctest (fixture pg): the tests read its URI
  # from build-asan/pg-cluster.uri.
  "$ROOT/scripts/pg-cluster" start "$ROOT/build-asan/pg-cluster" >"$ROOT/build-asan/pg-cluster.uri"
  for t in "${U5_ASAN_TESTS[@]}"; do
    exe=$(find "$ROOT/build-asan/test" -type f -name "$t" | head -1)
    echo "== asan+ubsan: $t"
    "$exe" --gtest_brief=1 || { rc=1; break; }
  done
  "$ROOT/scripts/pg-cluster" stop "$ROOT/build-asan/pg-cluster"
  return "$rc"
}

# Each target for U5_FUZZ_SECONDS (default 50) over a scratch copy of its
# corpus, so the seeds in the repository stay as they are; as many targets at
# once as there are cores (each fuzzes on one), so CI's time grows by a target
# only every nproc targets.
fuzz_one() {
  local t="$1" secs="$2" start end work
  work=$(mktemp -d)
  cp -r "$ROOT/fuzz/corpus/$t/." "$work/"
  start=$(date +%s%N)
  if ! "$ROOT/build-asan/fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=20 \
    -artifact_prefix="$ROOT/build-asan/fuzz/$t-" "$work" 2>"$ROOT/build-asan/fuzz/$t.log"; then
    rm -rf "$work"
    return 1
  fi
  end=$(date +%s%N)
  echo "fuzz: $t ok, 0 crashes, $(grep -Eo 'Done [0-9]+ runs' "$ROOT/build-asan/fuzz/$t.log" | tail -1) in $(( (end - start) / 1000000 )) ms, corpus $(ls "$work" | wc -l) inputs"
  rm -rf "$work"
}

run_fuzz() {
  local secs="${U5_FUZZ_SECONDS:-50}" t i failed=()
  local -a pids=() names=()
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  for t in "${U5_FUZZ_TARGETS[@]}"; do
    fuzz_one "$t" "$secs" & pids+=($!); names+=("$t")
    if [ "${#pids[@]}" -ge "$(nproc)" ]; then
      wait "${pids[0]}" || failed+=("${names[0]}")
      pids=("${pids[@]:1}"); names=("${names[@]:1}")
    fi
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done
  for t in "${failed[@]}"; do
    tail -60 "$ROOT/build-asan/fuzz/$t.log" 2>/dev/null || true
    echo "fuzz: $t FAILED (crash input in build-asan/fuzz/$t-*)"
  done
  [ "${#failed[@]}" -eq 0 ]
}
